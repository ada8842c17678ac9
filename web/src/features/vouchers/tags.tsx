import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PaymentStatus } from '../../api/booking';
import type { ProgrammeStatus, QuotaStatus, VoucherUseStatus } from '../../api/vouchers';

const USE_COLOR: Record<VoucherUseStatus, string> = { reserved: 'gold', posted: 'green', released: 'default' };
const QUOTA_COLOR: Record<QuotaStatus, string> = {
  active: 'green',
  not_started: 'blue',
  expired: 'default',
  revoked: 'red',
};
const PROGRAMME_COLOR: Record<ProgrammeStatus, string> = {
  upcoming: 'blue',
  open: 'green',
  claims_only: 'gold',
  closed: 'default',
};
export const PAYMENT_COLOR: Record<PaymentStatus, string> = {
  saving_card: 'processing',
  scheduled: 'cyan',
  action_required: 'red',
  authorising: 'processing',
  authorised: 'blue',
  captured: 'green',
  partially_refunded: 'orange',
  refunded: 'volcano',
  released: 'default',
  failed: 'red',
};

export function VoucherUseTag({ status }: { status: VoucherUseStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={USE_COLOR[status]} data-testid="voucher-use-status" data-status={status}>
      {t(`voucher.useStatus.${status}`)}
    </Tag>
  );
}

export function QuotaStatusTag({ status }: { status: QuotaStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={QUOTA_COLOR[status]} data-testid="quota-status" data-status={status}>
      {t(`voucher.quotaStatus.${status}`)}
    </Tag>
  );
}

export function ProgrammeStatusTag({ status }: { status: ProgrammeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={PROGRAMME_COLOR[status]} data-testid="programme-status" data-status={status}>
      {t(`voucher.programmeStatus.${status}`)}
    </Tag>
  );
}

export function PaymentStatusTag({ status }: { status: PaymentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={PAYMENT_COLOR[status]} data-testid="payment-status" data-status={status}>
      {t(`payment.status.${status}`)}
    </Tag>
  );
}
