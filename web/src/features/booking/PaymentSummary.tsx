import { Descriptions, Space, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Booking, PaymentMethod } from '../../api/booking';
import { formatFen } from '../../ui/money';
import { SplitLines } from '../vouchers/SplitLines';
import { PaymentStatusTag, VoucherUseTag } from '../vouchers/tags';

/** How the self-pay share is paid: card when there is a card payment, invoice when stated; null when nothing is paid. */
export function paymentMethodOf(b: Booking): PaymentMethod | null {
  return b.paymentMethod ?? (b.payment ? 'card' : null);
}

/** The voucher use and the payment of a booking, in one line (lists, the confirmation). */
export function PaymentSummary({ booking: b, compact = false }: { booking: Booking; compact?: boolean }) {
  const { t } = useTranslation();
  const use = b.voucherUse ?? null;
  const pay = b.payment ?? null;
  const method = paymentMethodOf(b);
  return (
    <Space size={[6, 4]} wrap className={compact ? 'pay-summary pay-summary--compact' : 'pay-summary'}>
      {use ? (
        <span className="pay-summary__item" data-testid="summary-voucher">
          {t('voucher.split.voucher')} {formatFen(use.postedFen ?? use.reservedFen)}{' '}
          <VoucherUseTag status={use.status} />
        </span>
      ) : null}
      {method === 'card' && pay ? (
        <span className="pay-summary__item" data-testid="summary-payment">
          {t('payment.method.card')}{' '}
          {formatFen(pay.capturedFen > 0 ? pay.capturedFen - pay.refundedFen : pay.authorisedFen)}{' '}
          <PaymentStatusTag status={pay.status} />
        </span>
      ) : method === 'invoice' || method === 'bank_transfer' ? (
        <span className="pay-summary__item" data-testid="summary-payment">
          {t(`payment.method.${method}`)} {formatFen((b.finalPrice ?? b.price).selfPayFen ?? 0)}
        </span>
      ) : null}
    </Space>
  );
}

/** The booking page's price card body: the split, the voucher use and the payment with their amounts. */
export function PaymentDetails({ booking: b, showTotal = true }: { booking: Booking; showTotal?: boolean }) {
  const { t } = useTranslation();
  const use = b.voucherUse ?? null;
  // A co-funded order: a use per programme (the split shows each share).
  const uses = b.voucherUses ?? [];
  const pay = b.payment ?? null;
  const price = b.finalPrice ?? b.price;
  const method = paymentMethodOf(b);
  const items: NonNullable<DescriptionsProps['items']> = [];
  if (use) {
    items.push({
      key: 'voucher',
      label: t('payment.voucherUse'),
      children: (
        <Space size={[6, 2]} wrap data-testid="booking-voucher-use" data-status={use.status}>
          <VoucherUseTag status={use.status} />
          <span data-testid="voucher-reserved" data-fen={use.reservedFen}>
            {t('payment.voucherReserved', { amount: formatFen(use.reservedFen) })}
          </span>
          {use.postedFen !== null ? (
            <span data-testid="voucher-posted" data-fen={use.postedFen}>
              · {t('payment.voucherPosted', { amount: formatFen(use.postedFen) })}
            </span>
          ) : null}
          <Typography.Text type="secondary" className="small-text">
            {t('voucher.mine.ratio', { ratio: use.ratioPercent })} ·{' '}
            {t(`voucher.settlementModeShort.${use.settlementMode}`)}
          </Typography.Text>
        </Space>
      ),
    });
  }
  if (method) {
    items.push({
      key: 'method',
      label: t('payment.methodLabel'),
      children: <span data-testid="payment-method-value">{t(`payment.method.${method}`)}</span>,
    });
  }
  if (pay) {
    items.push({
      key: 'status',
      label: t('payment.statusLabel'),
      children: (
        <div className="pay-amounts" data-testid="booking-payment" data-status={pay.status}>
          <PaymentStatusTag status={pay.status} />
          <dl className="pay-amounts__list">
            <dt>{t('payment.authorised')}</dt>
            <dd data-testid="payment-authorised" data-fen={pay.authorisedFen}>
              {formatFen(pay.authorisedFen)}
            </dd>
            <dt>{t('payment.captured')}</dt>
            <dd data-testid="payment-captured" data-fen={pay.capturedFen}>
              {formatFen(pay.capturedFen)}
            </dd>
            {pay.refundedFen > 0 ? (
              <>
                <dt>{t('payment.refunded')}</dt>
                <dd data-testid="payment-refunded" data-fen={pay.refundedFen}>
                  {formatFen(pay.refundedFen)}
                </dd>
              </>
            ) : null}
          </dl>
          {pay.declineCode ? (
            <Typography.Text type="danger" className="small-text">
              {t('payment.declineCode')}: {pay.declineCode}
            </Typography.Text>
          ) : null}
          {pay.processorId ? (
            <Typography.Text
              type="secondary"
              className="small-text pay-amounts__ref"
              copyable={{ text: pay.processorId }}
            >
              {t('payment.processorId')}: {pay.processorId}
            </Typography.Text>
          ) : null}
        </div>
      ),
    });
  } else if (method === 'bank_transfer') {
    items.push({
      key: 'status',
      label: t('payment.statusLabel'),
      children: (
        <Typography.Text type="secondary" data-testid="booking-payment" data-status="bank_transfer">
          {t('transfers.notice.seeNotice')}
        </Typography.Text>
      ),
    });
  } else if (method === 'invoice') {
    items.push({
      key: 'status',
      label: t('payment.statusLabel'),
      children: (
        <Typography.Text type="secondary" data-testid="booking-payment" data-status="invoice">
          {t('payment.invoicePending')}
        </Typography.Text>
      ),
    });
  }
  return (
    <div className="pay-details">
      <SplitLines
        price={price}
        voucher={use ? { ratioPercent: use.ratioPercent, settlementMode: use.settlementMode } : null}
        shares={(uses ?? []).map((u) => ({ ...u, voucherFen: u.postedFen ?? u.reservedFen }))}
        showTotal={showTotal}
      />
      {items.length ? <Descriptions size="small" column={1} items={items} className="pay-details__list" /> : null}
    </div>
  );
}
