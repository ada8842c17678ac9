import { Button, Empty, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../api/client';

/** A failed request, with a retry button. */
export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation();
  const network = isApiError(error) && error.status === 0;
  const detail = network
    ? t('common.errorNetwork')
    : isApiError(error) && error.status < 500 && error.detail
      ? error.detail
      : t('common.errorGeneric');
  return (
    <Result
      status="error"
      title={title ?? t('common.errorTitle')}
      subTitle={detail}
      data-testid="error-state"
      extra={
        onRetry ? (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function EmptyState({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <Empty
      data-testid="empty-state"
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <div>
          <div className="empty-title">{title}</div>
          {hint ? <div className="empty-hint">{hint}</div> : null}
        </div>
      }
    >
      {action}
    </Empty>
  );
}

export function NotFoundPage({ title, text }: { title?: string; text?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={title ?? t('common.notFoundTitle')}
      subTitle={text ?? t('common.notFoundText')}
      data-testid="not-found"
      extra={
        <Link to="/instruments">
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
    />
  );
}

export function ForbiddenPage({ text }: { text?: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('common.forbiddenTitle')}
      subTitle={text ?? t('common.forbiddenText')}
      data-testid="forbidden"
      extra={
        <Link to="/instruments">
          <Button type="primary">{t('common.backHome')}</Button>
        </Link>
      }
    />
  );
}
