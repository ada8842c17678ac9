/**
 * The booking page's service agreement (服务协议): download the PDF, and for the enterprise that booked
 * the "接受协议" button; who accepted it and when. Shown once the booking is confirmed.
 */
import { CheckCircleOutlined, FilePdfOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App as AntApp, Button, Card, Popconfirm, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { agreementsApi } from '../../api/agreements';
import type { Booking } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { formatDateTime } from '../../ui/time';
import { ErrorState } from '../../ui/states';

const CONFIRMED: Booking['status'][] = ['approved', 'in_progress', 'completed', 'no_show'];

export function AgreementCard({ booking: b }: { booking: Booking }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const confirmed = CONFIRMED.includes(b.status);
  const q = useQuery({
    queryKey: ['agreement', b.id],
    queryFn: () => agreementsApi.ofBooking(b.id),
    enabled: confirmed,
    retry: (n, e) => !(isApiError(e) && e.status === 404) && n < 2,
  });
  const accept = useMutation({
    mutationFn: () => agreementsApi.accept(b.id, q.data!.sha256),
    onSuccess: () => {
      void message.success(t('agreements.agreement.acceptedToast'));
      void q.refetch();
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  if (b.status === 'pending_payment' || b.status === 'payment_failed') return null;
  let body;
  if (!confirmed) body = <Typography.Text type="secondary">{t('agreements.agreement.pending')}</Typography.Text>;
  else if (q.isPending) body = <Skeleton active paragraph={{ rows: 2 }} />;
  else if (q.error)
    body = (
      <ErrorState
        error={q.error}
        title={t('agreements.agreement.failed', { reason: isApiError(q.error) ? problemText(q.error) : '' })}
        onRetry={() => void q.refetch()}
      />
    );
  else {
    const a = q.data!;
    body = (
      <Space direction="vertical" size={8} style={{ width: '100%' }} data-testid="agreement" data-sha256={a.sha256}>
        <Typography.Text>
          {a.number} ·{' '}
          {t('agreements.agreement.createdAt', { at: formatDateTime(a.createdAt, 'Asia/Shanghai', i18n.language) })}
        </Typography.Text>
        <Typography.Text type="secondary" className="small-text" style={{ wordBreak: 'break-all' }}>
          {t('agreements.agreement.sha256')}: {a.sha256}
        </Typography.Text>
        {a.accepted ? (
          <Typography.Text type="success" data-testid="agreement-accepted">
            <CheckCircleOutlined />{' '}
            {t('agreements.agreement.accepted', {
              name: a.accepted.by.name,
              at: formatDateTime(a.accepted.at, 'Asia/Shanghai', i18n.language),
            })}
          </Typography.Text>
        ) : (
          <Typography.Text type="warning">{t('agreements.agreement.notAccepted')}</Typography.Text>
        )}
        <Space wrap>
          <Button href={a.pdfUrl} target="_blank" rel="noopener" icon={<FilePdfOutlined />} data-testid="agreement-pdf">
            {t('agreements.agreement.download')}
          </Button>
          {a.canAccept ? (
            <Popconfirm
              title={t('agreements.agreement.accept')}
              description={<div style={{ maxWidth: 280 }}>{t('agreements.agreement.acceptConfirm')}</div>}
              onConfirm={() => accept.mutate()}
            >
              <Button type="primary" loading={accept.isPending} data-testid="agreement-accept">
                {t('agreements.agreement.accept')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      </Space>
    );
  }
  return (
    <Card className="section-card" title={t('agreements.agreement.title')} data-testid="agreement-card">
      {body}
    </Card>
  );
}
