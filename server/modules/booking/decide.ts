/**
 * The decisions on a booking request (approve, reject, cancel): who may take them, the enterprise's
 * cancellation deadline, and the lab's scheduling of a sample job at approval. The step itself is
 * written by transition.ts, like every step of the life cycle.
 */
import type { Schedule } from './booking.schemas.ts';
import type { BookingRow } from './booking.repo.ts';
import { AppError, badRequest, forbidden } from '../../shared/errors.ts';
import { formatInstant, parseInstant } from '../../shared/time.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { DAY, type BookingContext } from './context.ts';
import { bookingBlock } from './slots.ts';

export type Decision = 'approve' | 'reject' | 'cancel';

/** Whether the enterprise's cancellation has a deadline: a booking still to happen, with a start. */
function hasDeadline(b: Pick<BookingRow, 'status' | 'startAt'>): boolean {
  if (b.status !== 'requested' && b.status !== 'approved') return false;
  return b.startAt !== null; // an unscheduled sample job can be withdrawn until the lab starts it
}

/** Until when the enterprise may cancel by itself (null: not cancellable, or no deadline). */
export function cancellableUntil(
  b: Pick<BookingRow, 'status' | 'startAt'>,
  rules: Pick<Schedule, 'cancellationDeadlineHours'>,
): number | null {
  return hasDeadline(b) ? b.startAt! - rules.cancellationDeadlineHours * 3600_000 : null;
}

/**
 * Who may decide: the enterprise cancels its own booking before the deadline, the lab cancels with a
 * reason at any time; only the lab approves or rejects, a rejection with a reason.
 */
export async function checkDecision(
  ctx: BookingContext,
  actor: Actor,
  b: BookingRow,
  action: Decision,
  body: { reason?: string },
): Promise<void> {
  const labSide = canManageInstitution(actor, b.institutionId);
  if (action === 'cancel') {
    const own = actor.role === 'researcher' && actor.organisationId === b.requesterOrganisationId;
    if (!own && !labSide) throw forbidden('only the requesting enterprise or the lab may cancel');
    if (labSide && !own && !body.reason)
      throw badRequest('the lab must give a reason to cancel', [{ path: 'body.reason', message: 'required' }]);
    if (own && !labSide) {
      // The rules are read only for a booking that has a deadline at all.
      const until = hasDeadline(b) ? cancellableUntil(b, await ctx.rules(b.instrumentId, 'UTC')) : null;
      if (until !== null && ctx.clock.now() > until) {
        throw new AppError('conflict', 'the cancellation deadline has passed; ask the lab', {
          currentStatus: b.status,
          cancellableUntil: formatInstant(until, await ctx.zoneOf(b)),
        });
      }
    }
  } else if (!labSide) {
    throw forbidden('only the owning institution’s lab managers may do this');
  }
  if (action === 'reject' && !body.reason)
    throw badRequest('a rejection needs a reason', [{ path: 'body.reason', message: 'required' }]);
}

/** The lab schedules a sample job's machine time when it approves it: the time it will hold. */
export async function scheduleSampleJob(
  ctx: BookingContext,
  b: BookingRow,
  body: { start?: string; end?: string },
): Promise<Partial<BookingRow>> {
  if (!body.start || !body.end)
    throw badRequest('give both start and end to schedule the job', [
      { path: body.start ? 'body.end' : 'body.start', message: 'required' },
    ]);
  const start = parseInstant(body.start, 'body.start');
  const end = parseInstant(body.end, 'body.end');
  if (end <= start) throw badRequest('end must be after start', [{ path: 'body.end', message: 'not after start' }]);
  if (end - start > 7 * DAY)
    throw badRequest('a job is scheduled for a week at most', [{ path: 'body.end', message: 'too long' }]);
  const instrument = (await ctx.repo.instrument(b.instrumentId))!;
  const rules = await ctx.rules(b.instrumentId, instrument.timeZone);
  const block = bookingBlock(rules, start, end);
  return { startAt: start, endAt: end, blockStartAt: block.start, blockEndAt: block.end };
}
