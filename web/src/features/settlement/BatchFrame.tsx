import { ArrowLeftOutlined } from '@ant-design/icons';
import { Breadcrumb, Card, Skeleton, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import type { Batch } from '../../api/settlement';
import { ErrorState, NotFoundPage } from '../../ui/states';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { useBatch } from './queries';
import { AgeTag, BatchStatusTag } from './tags';

/** The id in the URL, or NaN. */
export function useIdParam(): { id: number; raw: string | undefined } {
  const { id: raw } = useParams();
  return { id: /^\d{1,15}$/.test(raw ?? '') ? Number(raw) : NaN, raw };
}

/**
 * `…/:id` of a batch: the breadcrumb back to the list, loading / not found / error, and the head with
 * the status; `children` draws the batch.
 */
export function BatchFrame({
  back,
  backLabel,
  actions,
  children,
}: {
  back: string;
  backLabel: string;
  actions?: (batch: Batch) => ReactNode;
  children: (batch: Batch, refreshing: boolean) => ReactNode;
}) {
  const { t } = useTranslation();
  const { id, raw } = useIdParam();
  const query = useBatch(id);
  const b = query.data;
  useDocumentTitle(b ? t('settlement.batchTitle', { id: b.id, month: b.month }) : t('settlement.batchLoading'));

  if (!Number.isSafeInteger(id) || (isApiError(query.error) && [403, 404].includes(query.error.status))) {
    return (
      <NotFoundPage title={t('settlement.notFoundTitle')} text={t('settlement.notFoundText', { id: raw ?? '' })} />
    );
  }
  return (
    <div className="lab-page settle-page">
      <Breadcrumb
        className="page-breadcrumb"
        items={[
          {
            title: (
              <Link to={back} data-testid="back-to-batches">
                <ArrowLeftOutlined /> {backLabel}
              </Link>
            ),
          },
          { title: t('settlement.batchNo', { id: raw ?? '' }) },
        ]}
      />
      {query.isPending ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : query.isError || !b ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <div
          data-testid="batch-detail"
          data-batch-id={b.id}
          data-status={b.status}
          data-busy={query.isFetching}
          className="settle-detail"
        >
          <div className="page-head">
            <div className="settle-head">
              <Space wrap size={8} align="center">
                <Typography.Title level={3} className="page-head__title">
                  {t('settlement.batchTitle', { id: b.id, month: b.month })}
                </Typography.Title>
                <BatchStatusTag status={b.status} />
                {b.status !== 'paid' ? <AgeTag days={b.ageDays} /> : null}
              </Space>
              <Typography.Text type="secondary" className="settle-head__sub">
                {b.programmeName} · {b.claimant.name} → {b.reviewOffice.name}
              </Typography.Text>
            </div>
            {actions ? <div className="bk-detail-actions">{actions(b)}</div> : null}
          </div>
          {children(b, query.isFetching)}
        </div>
      )}
    </div>
  );
}
