import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BookingStatus } from '../../api/booking';

export const STATUS_COLOR: Record<BookingStatus, string> = {
  pending_payment: 'purple',
  requested: 'gold',
  approved: 'blue',
  in_progress: 'cyan',
  completed: 'green',
  rejected: 'red',
  cancelled: 'default',
  no_show: 'volcano',
  payment_failed: 'red',
};

export function BookingStatusTag({ status }: { status: BookingStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="booking-status" data-status={status}>
      {t(`booking.status.${status}`)}
    </Tag>
  );
}
