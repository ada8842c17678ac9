/**
 * A card payment waiting outside a hold (the card window): saved and to be authorised before the
 * service, or — its authorisation failed — to complete with a new card before the service starts.
 */
import { CreditCardOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { agreementsApi } from '../../api/agreements';
import type { Booking } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { formatFen } from '../../ui/money';
import { formatDateTime } from '../../ui/time';
import { TEST_CARDS, type TestCard } from '../booking/BookingDrawer';
import { bookingKeys } from '../booking/queries';

export function CardPaymentCard({ booking: b, canPay }: { booking: Booking; canPay: boolean }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [card, setCard] = useState<TestCard>('tok_visa');
  const pay = useMutation({
    mutationFn: () => agreementsApi.pay(b.id, card),
    onSuccess: (next) => {
      qc.setQueryData(bookingKeys.detail(b.id), next);
      void message.success(t('agreements.payment.paid'));
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : String(e)),
  });
  const p = b.payment;
  if (!p || (p.status !== 'scheduled' && p.status !== 'action_required')) return null;
  const zone = b.timeZone;
  if (p.status === 'scheduled')
    return (
      <Alert
        type="info"
        showIcon
        data-testid="card-scheduled"
        title={t('agreements.payment.scheduledTitle')}
        description={t('agreements.payment.scheduledText', {
          amount: formatFen(p.authorisedFen),
          at: p.authoriseAt ? formatDateTime(p.authoriseAt, zone, i18n.language) : '—',
        })}
        style={{ marginBottom: 16 }}
      />
    );
  return (
    <Alert
      type="error"
      showIcon
      data-testid="card-action-required"
      title={t('agreements.payment.actionTitle')}
      style={{ marginBottom: 16 }}
      description={
        <Space direction="vertical" size={8} style={{ width: '100%' }}>
          <Typography.Text>{t('agreements.payment.actionText', { reason: p.declineCode ?? '—' })}</Typography.Text>
          {b.start ? (
            <Typography.Text type="secondary" className="small-text">
              {t('agreements.payment.actionDeadline', { at: formatDateTime(b.start, zone, i18n.language) })}
            </Typography.Text>
          ) : null}
          {canPay ? (
            <Space wrap>
              <Select<TestCard>
                value={card}
                onChange={setCard}
                aria-label={t('agreements.payment.card')}
                style={{ minWidth: 240, maxWidth: '100%' }}
                options={TEST_CARDS.map((c) => ({ value: c, label: t(`checkout.cards.${c}`) }))}
                data-testid="card-action-token"
              />
              <Button
                type="primary"
                icon={<CreditCardOutlined />}
                loading={pay.isPending}
                onClick={() => pay.mutate()}
                data-testid="card-action-pay"
              >
                {t('agreements.payment.pay')} {formatFen(p.authorisedFen)}
              </Button>
            </Space>
          ) : null}
        </Space>
      }
    />
  );
}
