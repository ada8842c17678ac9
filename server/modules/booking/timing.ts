/**
 * When the lab may take the steps of a booking that follow the clock. Pure: the booking, its
 * instrument's rules and `now` come in. The state machine says which steps exist; this says when.
 *
 * - Check-in, machine time: from `checkInOpensMinutes` before the start until the end. After the end the
 *   session is over: the lab records a no-show, or cancels with a reason (which charges nothing).
 * - Check-in, sample job (送样): it means the samples arrived. Couriers deliver before the booked date, so
 *   the lab confirms receipt whenever they come: no time rule.
 * - No-show: from `noShowGraceMinutes` after the start (a late user may still come); for a sample job
 *   after its scheduled start or, unscheduled, after its wanted-by date. A sample job with neither has no
 *   date to miss: the lab cancels it with a reason instead.
 * - Completion: only after check-in (the state machine); no time rule, as a job may end early.
 */
import { DateTime } from 'luxon';
import type { BookingMode, BookingStatus } from '../../../db/schema/enums.ts';
import { span } from './slots.ts';
import { nextStatus, type BookingAction } from './state-machine.ts';

const MINUTE = 60_000;

export interface ActionTimes {
  checkInOpensMinutes: number;
  noShowGraceMinutes: number;
}

export interface TimedBooking {
  status: BookingStatus;
  mode: BookingMode;
  startAt: number | null;
  endAt: number | null;
  wantedBy: number | null;
}

/** Why a step is not possible now: the status, not yet, no longer, or no date to go by. */
export type Refusal = 'status' | 'too_early' | 'too_late' | 'no_date';

export interface ActionWindow {
  allowed: boolean;
  /** The first instant the step is allowed (null: no lower bound). */
  from: number | null;
  /** The instant from which it is no longer allowed (null: no upper bound). */
  until: number | null;
  refusal: Refusal | null;
}

/** Whether `action` may be taken on `b` at `now`, and from / until when. */
export function actionWindow(b: TimedBooking, action: BookingAction, rules: ActionTimes, now: number): ActionWindow {
  if (!nextStatus(b.status, action)) return { allowed: false, from: null, until: null, refusal: 'status' };
  let from: number | null = null;
  let until: number | null = null;
  if (action === 'check-in' && b.mode === 'machine_time' && b.startAt !== null) {
    from = b.startAt - rules.checkInOpensMinutes * MINUTE;
    until = b.endAt;
  } else if (action === 'no-show') {
    const anchor = b.startAt ?? b.wantedBy;
    if (anchor === null) return { allowed: false, from: null, until: null, refusal: 'no_date' };
    from = anchor + rules.noShowGraceMinutes * MINUTE;
  }
  if (from !== null && now < from) return { allowed: false, from, until, refusal: 'too_early' };
  if (until !== null && now >= until) return { allowed: false, from, until, refusal: 'too_late' };
  return { allowed: true, from, until, refusal: null };
}

/** "2026-12-08 08:30", local to the instrument. */
const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');

/** The English sentence of a time refusal (messages.zh.ts has its Chinese); null for a status refusal. */
export function refusalMessage(
  b: TimedBooking,
  action: BookingAction,
  w: ActionWindow,
  rules: ActionTimes,
  zone: string,
): string | null {
  switch (w.refusal) {
    case 'too_early':
      if (action === 'check-in') {
        return `check-in opens at ${local(w.from!, zone)} (${span(rules.checkInOpensMinutes)} before the start)`;
      }
      return `a no-show can be recorded from ${local(w.from!, zone)} (${span(rules.noShowGraceMinutes)} after the ${
        b.startAt === null ? 'wanted-by date' : 'start'
      })`;
    case 'too_late':
      return `check-in closed when the booking ended at ${local(w.until!, zone)}; record a no-show or cancel it with a reason`;
    case 'no_date':
      return 'a sample job with neither a scheduled time nor a wanted-by date cannot be a no-show; cancel it with a reason';
    default:
      return null;
  }
}
