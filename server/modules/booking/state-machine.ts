/** Booking states and the transitions between them; anything else is refused with the current state. */
import { activeBookingStatuses, type BookingStatus } from '../../../db/schema/enums.ts';

export type BookingAction = 'approve' | 'reject' | 'cancel' | 'check-in' | 'complete' | 'no-show';

const TRANSITIONS: Record<BookingAction, { from: readonly BookingStatus[]; to: BookingStatus }> = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested'], to: 'rejected' },
  cancel: { from: ['requested', 'approved'], to: 'cancelled' },
  'check-in': { from: ['approved'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'completed' },
  'no-show': { from: ['approved'], to: 'no_show' },
};

/** The state an action leads to from the current one, or null when it is not allowed there. */
export function nextStatus(current: BookingStatus, action: BookingAction): BookingStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

export const isActive = (status: BookingStatus) => (activeBookingStatuses as readonly BookingStatus[]).includes(status);
