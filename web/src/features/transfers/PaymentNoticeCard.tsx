/** The booking page's card of a bank-transfer booking: its payment notice, and for the lab the receipt form. */
import { useQuery } from '@tanstack/react-query';
import { Card, Divider, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Booking } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { transfersApi } from '../../api/transfers';
import { ErrorState } from '../../ui/states';
import { canRecordOn, NoticeDetails, ReceiptForm } from './NoticeParts';

export function PaymentNoticeCard({ booking: b }: { booking: Booking }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['transfers', 'booking', b.id, b.status],
    queryFn: () => transfersApi.ofBooking(b.id),
    enabled: b.paymentMethod === 'bank_transfer',
    retry: (n, e) => !(isApiError(e) && e.status === 404) && n < 2,
  });
  if (b.paymentMethod !== 'bank_transfer') return null;
  let body;
  if (q.isPending) body = <Skeleton active paragraph={{ rows: 4 }} />;
  else if (q.error && isApiError(q.error) && q.error.status === 404)
    body = <Typography.Text type="secondary">{t('transfers.notice.pending')}</Typography.Text>;
  else if (q.error)
    body = (
      <ErrorState
        error={q.error}
        title={t('transfers.notice.failed', { reason: isApiError(q.error) ? problemText(q.error) : '' })}
        onRetry={() => void q.refetch()}
      />
    );
  else {
    const n = q.data!;
    body = (
      <>
        <NoticeDetails notice={n} />
        {canRecordOn(n) ? (
          <>
            <Divider />
            <ReceiptForm notice={n} onDone={() => void q.refetch()} />
          </>
        ) : null}
      </>
    );
  }
  return (
    <Card className="section-card" title={t('transfers.notice.title')} data-testid="payment-notice-card">
      {body}
    </Card>
  );
}
