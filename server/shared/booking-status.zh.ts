/** Booking statuses in Chinese, as the SPA shows them (booking.status): one table for every message catalogue. */
export const BOOKING_STATUS_ZH: Record<string, string> = {
  pending_payment: '待支付',
  requested: '待审核',
  approved: '已确认',
  in_progress: '使用中',
  completed: '已完成',
  rejected: '已驳回',
  cancelled: '已取消',
  no_show: '爽约',
  payment_failed: '支付失败',
};
