/**
 * A new booking: the checks and the price before anything is written (`plan`), the write itself
 * (`insertPlanned`: the overlap check and the insert in one write transaction — no double booking),
 * the Idempotency-Key, and the end of a card checkout (`settleCheckout`). Checkout (checkout/book.ts)
 * books with money through the same steps; `create` is the path without it.
 */
import { constraintErrorOf } from '../../../db/port.ts';
import type {
  BookingMode,
  BookingStatus,
  PaymentMethod,
  PriceLine,
  PriceSnapshot,
  UserType,
} from '../../../db/schema/index.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import { formatInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { BookingRequest, BookingView, Schedule } from './booking.schemas.ts';
import type { BookingRepo, BookingRow, InstrumentBrief } from './booking.repo.ts';
import { bookableStatus, type BookingContext } from './context.ts';
import { priceOfRequest, usageOf, userTypeOf } from './prices.ts';
import { bookingBlock, checkBookable, describeProblem, type HolidayCalendar, type Interval } from './slots.ts';
import { checkQualified } from './training.ts';
import type { BookingViews } from './views.ts';

/** A request that passed every check, priced, ready to be written. */
export interface BookingPlan {
  actor: Actor;
  input: BookingRequest;
  instrument: InstrumentBrief;
  rules: Schedule;
  usage: { mode: BookingMode; minutes?: number; samples?: number; start?: number; end?: number };
  block: Interval | null;
  userType: UserType;
  quoted: { totalFen: number; lines: PriceLine[]; snapshot: PriceSnapshot };
  /** requested, or approved for instruments that need no approval. */
  confirmedStatus: BookingStatus;
  /** Local date of the service (for voucher validity). */
  serviceDate: string;
}

const CONFIRMED_AT_ONCE = {
  toStatus: 'approved',
  actorId: null,
  reason: 'confirmed at once (no approval needed)',
} as const;

/**
 * The history a new booking starts with: requested (or pending_payment) by its requester, and
 * confirmed at once when no approval is needed. Written by `insertPlanned`; shown by the answer
 * (views.ts `viewOfNew`) without reading it back.
 */
export function newBookingEvents(status: BookingStatus, requesterId: number, now: number) {
  const events: {
    fromStatus: BookingStatus | null;
    toStatus: BookingStatus;
    actorId: number | null;
    at: number;
    reason: string | null;
  }[] = [
    {
      fromStatus: null,
      toStatus: status === 'pending_payment' ? 'pending_payment' : 'requested',
      actorId: requesterId,
      at: now,
      reason: null,
    },
  ];
  if (status === 'approved') events.push({ fromStatus: 'requested', ...CONFIRMED_AT_ONCE, at: now });
  return events;
}

/** The 409 of a time another booking holds: the overlap check's, and the exclusion constraint's. */
const timeTaken = () => new AppError('conflict', 'that time has just been taken', { reason: 'conflict' });

/**
 * PostgreSQL's exclusion constraint bookings_no_overlap refused a write: the database's own
 * guarantee that no two active bookings of an instrument overlap (db/migrations-pg/0001). Drizzle's
 * builder hands the port's error on as its `cause`.
 */
export function isOverlapRefusal(err: unknown): boolean {
  return constraintErrorOf(err)?.kind === 'exclusion';
}

export class BookingRequests {
  constructor(
    private readonly ctx: BookingContext,
    private readonly views: BookingViews,
  ) {}

  /**
   * Everything a booking request must pass before anything is written: the instrument is shared and
   * in service, the time is bookable (or the sample job acceptable), the user qualified; and its price.
   * Its reads join the caller's read transaction (checkout plans in one snapshot).
   */
  async plan(actor: Actor, input: BookingRequest): Promise<BookingPlan> {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr400(input.instrumentId);
    if (instrument.sharingMode === 'not_shared')
      throw badRequest('this instrument is not shared', [{ path: 'body.instrumentId', message: 'not shared' }]);
    if (instrument.sharingMode === 'internal' && actor.organisationId !== instrument.institutionId) {
      throw badRequest('this instrument is shared inside its institution only', [
        { path: 'body.instrumentId', message: 'internal sharing' },
      ]);
    }
    if (!bookableStatus(instrument.runStatus)) {
      throw badRequest('this instrument is out of service', [
        { path: 'body.instrumentId', message: instrument.runStatus },
      ]);
    }
    const rules = await ctx.rules(instrument.id, instrument.timeZone);
    const usage = usageOf(input);
    const now = ctx.clock.now();
    let block: Interval | null = null;
    let holidays: HolidayCalendar | undefined; // read with the situation, priced with it
    if (usage.mode === 'machine_time') {
      if (!rules.machineTimeEnabled)
        throw badRequest('this instrument takes no machine-time bookings', [
          { path: 'body.mode', message: 'disabled' },
        ]);
      if (rules.qualificationRequired) await checkQualified(ctx, actor, instrument.id, rules.timeZone);
      // Other bookings are not read here: the overlap is checked once, in the write transaction (timeTaken).
      const s = await ctx.situation(instrument.id, rules, usage.start!, usage.end!, 0, ctx.repo, false);
      const problem = checkBookable(s, usage.start!, usage.end!);
      if (problem) throw badRequest(describeProblem(problem, rules), [{ path: 'body.start', message: problem }]);
      block = bookingBlock(rules, usage.start!, usage.end!);
      holidays = s.holidays;
    } else {
      if (!rules.sampleEnabled)
        throw badRequest('this instrument takes no sample jobs', [{ path: 'body.mode', message: 'disabled' }]);
      if (usage.end !== undefined && usage.end <= now) {
        throw badRequest('the wanted-by date is in the past', [{ path: 'body.end', message: 'in the past' }]);
      }
    }
    const userType = userTypeOf(actor, instrument.institutionId);
    const quoted = await priceOfRequest(ctx, actor, input, instrument.id, userType, usage, rules, holidays);
    const serviceAt = usage.start ?? usage.end ?? now;
    return {
      actor,
      input,
      instrument,
      rules,
      usage,
      block,
      userType,
      quoted,
      confirmedStatus: rules.approvalRequired ? 'requested' : 'approved',
      serviceDate: formatInstant(serviceAt, instrument.timeZone).slice(0, 10),
    };
  }

  /** A booking made earlier with this Idempotency-Key by this user, if any. */
  async earlier(actor: Actor, idempotencyKey: string | undefined): Promise<BookingRow | undefined> {
    return this.earlierWith(this.ctx.repo, actor, idempotencyKey);
  }

  private async earlierWith(
    repo: BookingRepo,
    actor: Actor,
    idempotencyKey: string | undefined,
  ): Promise<BookingRow | undefined> {
    if (idempotencyKey !== undefined && !/^[\w-]{8,100}$/.test(idempotencyKey)) {
      throw badRequest('Idempotency-Key must be 8–100 letters, digits, - or _', [
        { path: 'header.idempotency-key', message: 'malformed' },
      ]);
    }
    return idempotencyKey ? repo.bookingByIdempotencyKey(actor.userId, idempotencyKey) : undefined;
  }

  /**
   * Writes a planned booking. Call it inside a write transaction (`db.write`, or
   * BookingService.transaction), together with the look-up of the Idempotency-Key: the overlap check
   * and the insert must see the same database, and no other writer may come between them — on SQLite
   * the transaction's BEGIN IMMEDIATE lock is what keeps two requests from booking the same time; on
   * PostgreSQL (SERIALIZABLE, several nodes) the exclusion constraint bookings_no_overlap is, and its
   * refusal answers the same 409 as the check.
   * `status` is the confirmed status, or pending_payment while a card is being authorised.
   */
  async insertPlanned(
    plan: BookingPlan,
    idempotencyKey: string | undefined,
    status: BookingStatus,
    paymentMethod: PaymentMethod | null,
    now: number,
  ): Promise<BookingRow> {
    return this.insertPlannedWith(this.ctx.repo, plan, idempotencyKey, status, paymentMethod, now);
  }

  private async insertPlannedWith(
    repo: BookingRepo,
    plan: BookingPlan,
    idempotencyKey: string | undefined,
    status: BookingStatus,
    paymentMethod: PaymentMethod | null,
    now: number,
  ): Promise<BookingRow> {
    const { block, usage, instrument, actor, input, quoted } = plan;
    if (block && (await repo.overlaps(instrument.id, block.start, block.end))) throw timeTaken();
    // One booking per accepted quote: checked again under the write lock (two checkouts at once).
    if (input.quoteId !== undefined) await this.ctx.quotes?.recheck(input.quoteId);
    const booking = await repo
      .insertBooking({
        instrumentId: instrument.id,
        institutionId: instrument.institutionId,
        requesterId: actor.userId,
        requesterOrganisationId: actor.organisationId,
        mode: usage.mode,
        status,
        startAt: usage.mode === 'machine_time' ? usage.start! : null,
        endAt: usage.end ?? null,
        blockStartAt: block?.start ?? null,
        blockEndAt: block?.end ?? null,
        sampleCount: usage.samples ?? null,
        sampleName: input.sampleName ?? null,
        sampleType: input.sampleType ?? null,
        sampleHazards: input.sampleHazards ?? null,
        sampleDelivery: input.sampleDelivery ?? null,
        wantedBy: usage.mode === 'sample' ? (usage.end ?? null) : null,
        purpose: input.purpose ?? null,
        urgent: input.urgent,
        fundingSource: input.fundingSource ?? null,
        quoteId: input.quoteId ?? null,
        userType: plan.userType,
        quotedFen: quoted.totalFen,
        rateItemId: input.rateItemId ?? null,
        priceLines: quoted.lines,
        priceSnapshot: quoted.snapshot,
        paymentMethod,
        idempotencyKey: idempotencyKey ?? null,
        createdAt: now,
        updatedAt: now,
      })
      // PostgreSQL: the exclusion constraint bookings_no_overlap is the database's own guarantee
      // (another node's transaction may have booked the time after the check above): its refusal
      // is the same answer as the check's. The whole transaction is rolled back with it.
      .catch((err: unknown) => {
        throw isOverlapRefusal(err) ? timeTaken() : err;
      });
    await repo.insertEvents(newBookingEvents(status, actor.userId, now).map((e) => ({ bookingId: booking.id, ...e })));
    // One event row here; the lab's (and requester's) notifications and emails after commit, in batches.
    if (status !== 'pending_payment')
      await this.ctx.notifier?.bookingCreatedLater(booking.id, status === 'approved', now);
    return booking;
  }

  private async confirmEvent(repo: BookingRepo, bookingId: number, from: BookingStatus, now: number): Promise<void> {
    await repo.insertEvent({ bookingId, fromStatus: from, ...CONFIRMED_AT_ONCE, at: now });
  }

  /**
   * The payment of a pending_payment booking has an answer: it becomes the status it was planned
   * for, or payment_failed. Call inside a write transaction (the status read and its change are one
   * step); false if it had moved on already.
   */
  async settleCheckout(id: number, outcome: 'paid' | 'failed', now: number, reason?: string): Promise<boolean> {
    const { ctx } = this;
    const repo = ctx.repo;
    const b = await repo.booking(id);
    if (!b || b.status !== 'pending_payment') return false;
    if (outcome === 'failed') {
      await repo.updateBooking(id, { status: 'payment_failed', updatedAt: now });
      await repo.insertEvent({
        bookingId: id,
        fromStatus: b.status,
        toStatus: 'payment_failed',
        actorId: null,
        at: now,
        reason: reason ?? null,
      });
      return true;
    }
    const rules = await ctx.rules(b.instrumentId, 'UTC');
    const to: BookingStatus = rules.approvalRequired ? 'requested' : 'approved';
    await repo.updateBooking(id, { status: to, updatedAt: now });
    await repo.insertEvent({
      bookingId: id,
      fromStatus: b.status,
      toStatus: 'requested',
      actorId: null,
      at: now,
      reason: reason ?? 'card authorised',
    });
    if (to === 'approved') await this.confirmEvent(repo, id, 'requested', now);
    await ctx.notifier?.bookingCreated(id, now);
    return true;
  }

  /**
   * Cancels a confirmed booking whose card payment was not completed by the start of its service
   * (checkout's card window): the status, its event, checkout's money hook (the voucher share given
   * back) and the notification, in one write transaction. False if it had moved on already.
   */
  async cancelUnpaid(id: number, now: number, reason: string): Promise<boolean> {
    const { ctx } = this;
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const b = await repo.booking(id);
      if (!b || (b.status !== 'requested' && b.status !== 'approved')) return false;
      await repo.updateBooking(id, { status: 'cancelled', updatedAt: now });
      await repo.insertEvent({
        bookingId: id,
        fromStatus: b.status,
        toStatus: 'cancelled',
        actorId: null,
        at: now,
        reason,
      });
      if (ctx.hooks) await ctx.hooks.onTransition(b, (await repo.booking(id))!, now);
      await ctx.notifier?.bookingChanged(id, now, null);
      return true;
    });
  }

  /** Frees a failed checkout's Idempotency-Key for another attempt. In a transaction. */
  async forgetIdempotencyKey(id: number): Promise<void> {
    await this.ctx.repo.updateBooking(id, { idempotencyKey: null });
  }

  /**
   * Requests a booking paid later (invoice) or by nothing: the path without a card. A replay of the
   * same Idempotency-Key answers the booking it made: looked up first, and again in the transaction
   * that inserts, so two identical requests at once make one booking.
   */
  async create(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    const { ctx } = this;
    const earlier = await this.earlier(actor, idempotencyKey);
    if (earlier) return { booking: await this.views.view(earlier), replayed: true };
    const plan = await this.plan(actor, input);
    const now = ctx.clock.now();
    const made = await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const again = await this.earlierWith(repo, actor, idempotencyKey);
      if (again) return { row: again, replayed: true };
      return {
        row: await this.insertPlannedWith(repo, plan, idempotencyKey, plan.confirmedStatus, null, now),
        replayed: false,
      };
    });
    return {
      booking: made.replayed ? await this.views.view(made.row) : await this.viewOfNew(made.row, plan, now),
      replayed: made.replayed,
    };
  }

  /** The answer for a booking this request wrote without money of its own (no voucher, no card): see views.ts. */
  viewOfNew(row: BookingRow, plan: BookingPlan, now: number): Promise<BookingView> {
    const events = newBookingEvents(row.status, plan.actor.userId, now);
    return this.views.viewOfNew(row, plan.instrument, plan.rules, events, plan.actor);
  }
}
