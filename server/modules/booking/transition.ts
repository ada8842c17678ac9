/**
 * Every step of a booking's life cycle — approve, reject, cancel (decide.ts says who may), check-in,
 * complete, no-show (run.ts says when, and what completion costs) — is written here, one way: the
 * new status, its event in the audit trail, checkout's money hook and the notification, all in one
 * write transaction.
 */
import { AppError, forbidden } from '../../shared/errors.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { BookingView } from './booking.schemas.ts';
import type { BookingRow } from './booking.repo.ts';
import type { BookingContext } from './context.ts';
import { checkDecision, scheduleSampleJob } from './decide.ts';
import { checkTimely, completion, type Usage } from './run.ts';
import { isOverlapRefusal } from './request.ts';
import { nextStatus, type BookingAction } from './state-machine.ts';
import type { BookingViews } from './views.ts';

export class BookingTransitions {
  constructor(
    private readonly ctx: BookingContext,
    private readonly views: BookingViews,
  ) {}

  async transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ): Promise<BookingView> {
    const { ctx } = this;
    const b = await ctx.bookingOr404(actor, id);
    if (action === 'approve' || action === 'reject' || action === 'cancel') {
      await checkDecision(ctx, actor, b, action, body);
    } else if (!canManageInstitution(actor, b.institutionId)) {
      throw forbidden('only the owning institution’s lab managers may do this');
    }

    const to = nextStatus(b.status, action);
    if (!to) {
      throw new AppError('conflict', `cannot ${action} a booking that is ${b.status}`, { currentStatus: b.status });
    }
    const now = ctx.clock.now();
    const changes: Partial<BookingRow> = { status: to, updatedAt: now };
    if (action === 'approve' && b.mode === 'sample' && (body.start || body.end)) {
      Object.assign(changes, await scheduleSampleJob(ctx, b, body));
    }
    if (action === 'complete') Object.assign(changes, await completion(ctx, b, body));
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      // Another request may have moved the booking on since it was read above: the step is taken only
      // from the status it was checked against, read again under the write lock.
      const fresh = (await repo.booking(id))!;
      if (fresh.status !== b.status)
        throw new AppError('conflict', `the booking is now ${fresh.status}`, { currentStatus: fresh.status });
      await checkTimely(ctx, repo, fresh, action, now);
      // A sample job scheduled at approval starts holding time: it must not overlap anything active.
      const timeTaken = () => new AppError('conflict', 'that time is taken', { currentStatus: b.status });
      if (changes.blockStartAt != null && changes.blockEndAt != null) {
        if (await repo.overlaps(b.instrumentId, changes.blockStartAt, changes.blockEndAt, b.id)) throw timeTaken();
      }
      // PostgreSQL: the exclusion constraint bookings_no_overlap refuses what the check above would
      // have, had another node's transaction not booked the time after it: the same answer.
      await repo.updateBooking(id, changes).catch((err: unknown) => {
        throw isOverlapRefusal(err) ? timeTaken() : err;
      });
      await repo.insertEvent({
        bookingId: id,
        fromStatus: b.status,
        toStatus: to,
        // 0: the platform itself (a scheduled job, e.g. an unpaid bank transfer's cancellation).
        actorId: actor.userId || null,
        at: now,
        reason: body.reason ?? body.note ?? null,
      });
      if (ctx.hooks) await ctx.hooks.onTransition(fresh, (await repo.booking(id))!, now);
      // After the money hook (the final price is amended there); the actor is not told of their own act.
      await ctx.notifier?.bookingChanged(id, now, actor.userId || null);
    });
    return this.views.viewById(id);
  }
}
