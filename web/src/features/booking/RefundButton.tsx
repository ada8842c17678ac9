import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Form, Input, Modal, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bookingApi, type Booking } from '../../api/booking';
import { isApiError, problemText } from '../../api/client';
import { fenToYuanString, formatFen, parseYuanToFen } from '../../ui/money';
import { YuanInput } from '../../ui/YuanInput';
import { MoneyNote } from './BookingActions';
import { paymentMethodOf } from './PaymentSummary';
import { bookingKeys } from './queries';

/** What the lab may still give back: card payments up to captured − refunded; invoices up to the self-pay. */
export function refundableFen(b: Booking): number {
  if (b.status !== 'completed') return 0;
  if (b.payment) return Math.max(0, b.payment.capturedFen - b.payment.refundedFen);
  if (paymentMethodOf(b) === 'invoice') return (b.finalPrice ?? b.price).selfPayFen;
  return 0;
}

type Values = { amount: string; reason: string };

/** The lab refunds part or all of a completed booking's self-pay. */
export function RefundButton({ booking }: { booking: Booking }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const max = refundableFen(booking);
  const typed = parseYuanToFen(Form.useWatch('amount', form));
  const refund = useMutation({
    mutationFn: (v: Values) => bookingApi.refund(booking.id, parseYuanToFen(v.amount)!, v.reason.trim()),
    onSuccess: (b, v) => {
      qc.setQueryData(bookingKeys.detail(b.id), b);
      void qc.invalidateQueries({ queryKey: ['bookings', 'list'] });
      setOpen(false);
      void message.success(t('payment.refundDone', { amount: formatFen(parseYuanToFen(v.amount) ?? 0) }));
    },
    onError: (e) => void message.error(isApiError(e) ? problemText(e) : t('booking.actions.failed')),
  });
  if (max <= 0) return null;
  return (
    <>
      <Button icon={<RollbackOutlined />} onClick={() => setOpen(true)} data-testid="refund">
        {t('payment.refund')}
      </Button>
      <Modal
        open={open}
        title={t('payment.refundTitle')}
        okText={t('payment.refund')}
        okButtonProps={{ danger: true, loading: refund.isPending, 'data-testid': 'refund-ok' } as ButtonProps}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
        data-testid="refund-modal"
      >
        <Typography.Paragraph type="secondary">
          {t('payment.refundHint', { amount: formatFen(max) })}
        </Typography.Paragraph>
        <MoneyNote
          lines={[
            t('booking.actions.money.refund', {
              amount: formatFen(typed !== null && typed > 0 && typed <= max ? typed : max),
            }),
          ]}
        />
        <Form<Values>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ amount: fenToYuanString(max) }}
          onFinish={(v) => refund.mutate(v)}
        >
          <Form.Item
            name="amount"
            label={t('payment.refundAmount')}
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const fen = parseYuanToFen(v);
                  if (fen === null || fen <= 0 || fen > max)
                    throw new Error(t('payment.refundTooMuch', { amount: formatFen(max) }));
                },
              },
            ]}
          >
            <YuanInput data-testid="refund-amount" />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('payment.refundReason')}
            rules={[{ required: true, whitespace: true, message: t('booking.actions.reasonRequired') }, { max: 500 }]}
          >
            <Input.TextArea rows={2} maxLength={500} showCount data-testid="refund-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
