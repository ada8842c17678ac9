import { CloseCircleFilled } from '@ant-design/icons';
import { Button, Empty, Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
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
  // antd's Result markup and look, without its module (and its illustrations) in the first screen; no
  // lazy chunk either: this state must show when the network is gone.
  return (
    <div className="state-error" role="alert" data-testid="error-state">
      <div className="state-error__icon">
        <CloseCircleFilled />
      </div>
      <div className="state-error__title">{title ?? t('common.errorTitle')}</div>
      <div className="state-error__subtitle">{detail}</div>
      {onRetry ? (
        <div className="state-error__extra">
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        </div>
      ) : null}
    </div>
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

const NotFoundResult = lazy(() => import('./ResultPages').then((m) => ({ default: m.NotFoundResult })));
const ForbiddenResult = lazy(() => import('./ResultPages').then((m) => ({ default: m.ForbiddenResult })));
const resultFallback = (
  <div className="page-spin">
    <Spin size="large" />
  </div>
);

export function NotFoundPage(props: { title?: string; text?: string }) {
  return (
    <Suspense fallback={resultFallback}>
      <NotFoundResult {...props} />
    </Suspense>
  );
}

export function ForbiddenPage(props: { text?: string }) {
  return (
    <Suspense fallback={resultFallback}>
      <ForbiddenResult {...props} />
    </Suspense>
  );
}
