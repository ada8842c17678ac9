import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** antd's Result brings its three illustrations (~10 KB gzipped): a chunk of its own, fetched when shown. */
export function NotFoundResult({ title, text }: { title?: string; text?: string }) {
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

export function ForbiddenResult({ text }: { text?: string }) {
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
