/**
 * The overdue rule of payment notices (the job `transfer-due`): a notice still unpaid after its
 * due date is reminded once; a day after that reminder, if the service has not been given and the
 * lab's rule says so (transferCancelUnpaid), the booking is cancelled through its own cancellation
 * (the voucher hold is released there, and the notice cancelled by checkout's hook). Once the service
 * was given (in progress, completed, no-show fee) the notice is kept as a debt, open for receipts.
 *
 * Each notice is its own transaction and every step checks the state it moves from, so a run cut
 * off, or two runs at once, do each step at most once (the reminder's dedupe key as well).
 */
import type { BookingStatus } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { LINKS } from '../notifications/links.ts';
import { ZONE, type TransfersContext } from './context.ts';
import { localDate } from './rules.ts';
import type { NoticeRow } from './transfers.repo.ts';

/** The enterprise has this long after the reminder before the booking is cancelled. */
export const CANCEL_AFTER_REMINDER_MS = 24 * 3600_000;
const GIVEN: readonly BookingStatus[] = ['in_progress', 'completed', 'no_show'];

/** The platform itself, taking a step no person took (the booking's history shows no name). */
const PLATFORM: Actor = {
  userId: 0,
  role: 'platform_admin',
  organisationId: 0,
  organisationKind: 'platform',
  cityCode: null,
};

export interface OverdueResult {
  reminded: number;
  cancelled: number;
  debts: number;
}

export class Overdue {
  constructor(private readonly ctx: TransfersContext) {}

  async run(): Promise<OverdueResult> {
    const result: OverdueResult = { reminded: 0, cancelled: 0, debts: 0 };
    const now = this.ctx.now;
    for (const n of await this.ctx.repo.overdue(localDate(now, ZONE))) {
      const b = await this.ctx.deps.db.get<{ status: BookingStatus; requesterId: number }>(
        `SELECT status, requester_id AS "requesterId" FROM bookings WHERE id = ?`,
        [n.bookingId],
      );
      if (!b) continue;
      const settings = (await this.ctx.repo.settings(n.providerId))!;
      const given = GIVEN.includes(b.status);
      if (n.remindedAt === null) {
        if (await this.remind(n, b.requesterId, !given && settings.transferCancelUnpaid, given, now)) result.reminded++;
        if (given) result.debts++;
      } else if (given && n.status !== 'debt') {
        if (await this.toDebt(n, now)) result.debts++;
      } else if (
        !given &&
        (b.status === 'approved' || b.status === 'requested') &&
        settings.transferCancelUnpaid &&
        now - n.remindedAt >= CANCEL_AFTER_REMINDER_MS
      ) {
        if (await this.cancel(n)) result.cancelled++;
      }
    }
    return result;
  }

  /** The one reminder (and, after the service, the debt), if nobody else sent it meanwhile. */
  private remind(n: NoticeRow, requesterId: number, cancels: boolean, debt: boolean, now: number): Promise<boolean> {
    const { db, notifier } = this.ctx.deps;
    return db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const fresh = (await repo.notice(n.id))!;
      if (fresh.remindedAt !== null || !['open', 'partly_paid', 'debt'].includes(fresh.status)) return false;
      await repo.updateNotice(n.id, { remindedAt: now, ...(debt && { status: 'debt' }), updatedAt: now });
      await notifier?.notify(
        {
          type: 'payment_notice_overdue',
          to: [{ userId: requesterId }],
          data: {
            noticeId: n.id,
            bookingId: n.bookingId,
            reference: n.reference,
            amountFen: n.amountFen,
            dueOn: n.dueOn,
            providerName: await repo.organisationName(n.providerId),
            receivedFen: fresh.receivedFen,
            cancels,
          },
          link: LINKS.booking(n.bookingId),
          key: `payment_notice_overdue:notice:${n.id}`,
        },
        now,
      );
      return true;
    });
  }

  private toDebt(n: NoticeRow, now: number): Promise<boolean> {
    return this.ctx.deps.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const fresh = (await repo.notice(n.id))!;
      if (fresh.status !== 'open' && fresh.status !== 'partly_paid') return false;
      await repo.updateNotice(n.id, { status: 'debt', updatedAt: now });
      return true;
    });
  }

  /** Through the booking's cancellation: the voucher released, the notice cancelled, both sides told. */
  private async cancel(n: NoticeRow): Promise<boolean> {
    const { bookings, audit } = this.ctx.deps;
    if (!bookings) return false;
    const fresh = await this.ctx.repo.notice(n.id);
    if (!fresh || (fresh.status !== 'open' && fresh.status !== 'partly_paid')) return false; // paid meanwhile
    try {
      await bookings.transition(PLATFORM, n.bookingId, 'cancel', {
        reason: `付款通知书 ${n.reference} 逾期未付，预约自动取消 (unpaid past ${n.dueOn})`,
      });
    } catch {
      return false; // moved on meanwhile (paid and started, cancelled by someone): nothing to do
    }
    await audit?.record({
      action: 'payment.transfer_overdue_cancel',
      subject: { type: 'booking', id: n.bookingId },
      details: { noticeId: n.id, reference: n.reference, dueOn: n.dueOn, receivedFen: n.receivedFen },
    });
    return true;
  }
}
