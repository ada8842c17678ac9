/**
 * The booking service: what routes and other modules (checkout, settlement, the seed) call. Each
 * use case lives in a file of its own, sharing a small context (context.ts):
 *
 * - rules.ts         schedules (opening hours and booking rules), closures, the holiday calendar
 * - availability.ts  free time and slots, the catalogue's available instruments, quotes
 * - request.ts       new bookings: plan, insert (no double booking), Idempotency-Key, checkout's end
 * - transition.ts    every life-cycle step in one transaction; decide.ts (approve, reject, cancel) and
 *                    run.ts (check-in, complete, no-show; the final price, reports, ratings) beside it
 * - training.ts      training records and the qualification check
 * - calendar.ts      iCalendar feeds
 * - views.ts         bookings as the API shows them, lists
 * Pure engines: slots.ts (time), pricing.ts (money), timing.ts (when a step may be taken),
 * state-machine.ts (which steps exist).
 */
import type { Database, Tx } from '../../../db/port.ts';
import type { BookingStatus, PaymentMethod, PriceLine } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { SearchQuery } from '../catalog/catalog.schemas.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { BookingRequest, BookingView, Schedule } from './booking.schemas.ts';
import type { BookingRepo, BookingRow } from './booking.repo.ts';
import { BookingAvailability } from './availability.ts';
import { BookingCalendars } from './calendar.ts';
import { BookingContext, type BookingHooks, type QuotePricer } from './context.ts';
import { BookingRequests, type BookingPlan } from './request.ts';
import { BookingRules } from './rules.ts';
import { BookingRun, type Usage } from './run.ts';
import type { BookingAction } from './state-machine.ts';
import { BookingTraining } from './training.ts';
import { BookingTransitions } from './transition.ts';
import { BookingViews } from './views.ts';

export { DEFAULT_SCHEDULE } from './rules.ts';
export { plainPrice } from './views.ts';
export type { BookingHooks, BookingPlan, QuotePricer, Usage };

export class BookingService {
  private readonly ctx: BookingContext;
  private readonly rules: BookingRules;
  private readonly available: BookingAvailability;
  private readonly requests: BookingRequests;
  private readonly transitions: BookingTransitions;
  private readonly run: BookingRun;
  private readonly training: BookingTraining;
  private readonly calendars: BookingCalendars;
  private readonly views: BookingViews;

  constructor(
    db: Database,
    repo: BookingRepo,
    catalogRepo: CatalogRepo,
    catalog: CatalogService,
    clock: Clock,
    /** Where uploaded files (service reports) are kept. */
    fileDir: string,
    /** Tells the lab and the requester of new bookings and status changes (absent in seeds). */
    notifier?: Notifier,
    /** The security audit log (absent in seeds). */
    audit?: AuditLog,
  ) {
    const ctx = new BookingContext(db, repo, catalogRepo, catalog, clock, fileDir, notifier, audit);
    this.ctx = ctx;
    this.views = new BookingViews(ctx);
    this.rules = new BookingRules(ctx);
    this.available = new BookingAvailability(ctx);
    this.requests = new BookingRequests(ctx, this.views);
    this.transitions = new BookingTransitions(ctx, this.views);
    this.run = new BookingRun(ctx, this.views);
    this.training = new BookingTraining(ctx);
    this.calendars = new BookingCalendars(ctx, this.views);
  }

  /** Checkout's money hooks: awaited inside transitions' transactions and views' reads. */
  setHooks(hooks: BookingHooks): void {
    this.ctx.hooks = hooks;
  }

  /** The needs module's pricing of orders placed on an accepted quote (request `quoteId`). */
  setQuotePricer(pricer: QuotePricer): void {
    this.ctx.quotes = pricer;
  }

  /** `fn` in a write transaction (BEGIN IMMEDIATE; inside another: a savepoint of it). */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db.write(fn);
  }

  /** Reads in one snapshot (inside a transaction: that transaction). */
  reading<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ctx.db.read(fn);
  }

  // Rules (rules.ts)

  schedule(instrumentId: number): Promise<Schedule & { instrumentId: number }> {
    return this.rules.schedule(instrumentId);
  }

  updateSchedule(actor: Actor, instrumentId: number, input: Schedule): Promise<Schedule & { instrumentId: number }> {
    return this.rules.updateSchedule(actor, instrumentId, input);
  }

  closures(instrumentId: number, fromIso?: string, toIso?: string) {
    return this.rules.closures(instrumentId, fromIso, toIso);
  }

  addClosure(actor: Actor, instrumentId: number, input: { start: string; end: string; reason: string }) {
    return this.rules.addClosure(actor, instrumentId, input);
  }

  deleteClosure(actor: Actor, instrumentId: number, closureId: number): Promise<void> {
    return this.rules.deleteClosure(actor, instrumentId, closureId);
  }

  holidays(year?: number) {
    return this.rules.holidays(year);
  }

  putHoliday(date: string, input: { kind: 'off' | 'workday'; nameZh: string; nameEn?: string | null }) {
    return this.rules.putHoliday(date, input);
  }

  deleteHoliday(date: string): Promise<void> {
    return this.rules.deleteHoliday(date);
  }

  // Availability and quotes (availability.ts)

  availability(instrumentId: number, fromIso: string, toIso: string, durationMinutes?: number) {
    return this.available.availability(instrumentId, fromIso, toIso, durationMinutes);
  }

  searchAvailability(q: {
    from: string;
    to: string;
    durationMinutes: number;
    catalog: Pick<SearchQuery, 'q' | 'category' | 'city'>;
    cursor?: string;
    limit: number;
  }) {
    return this.available.searchAvailability(q);
  }

  quote(actor: Actor, input: BookingRequest) {
    return this.available.quote(actor, input);
  }

  // New bookings (request.ts)

  plan(actor: Actor, input: BookingRequest): Promise<BookingPlan> {
    return this.requests.plan(actor, input);
  }

  earlier(actor: Actor, idempotencyKey: string | undefined): Promise<BookingRow | undefined> {
    return this.requests.earlier(actor, idempotencyKey);
  }

  /** Inside a write transaction only, with the Idempotency-Key's look-up (see request.ts). */
  insertPlanned(
    plan: BookingPlan,
    idempotencyKey: string | undefined,
    status: BookingStatus,
    paymentMethod: PaymentMethod | null,
    now: number,
  ): Promise<BookingRow> {
    return this.requests.insertPlanned(plan, idempotencyKey, status, paymentMethod, now);
  }

  settleCheckout(id: number, outcome: 'paid' | 'failed', now: number, reason?: string): Promise<boolean> {
    return this.requests.settleCheckout(id, outcome, now, reason);
  }

  /** Cancels a booking left unpaid at its start (checkout's card window); false if it had moved on. */
  cancelUnpaid(id: number, now: number, reason: string): Promise<boolean> {
    return this.requests.cancelUnpaid(id, now, reason);
  }

  forgetIdempotencyKey(id: number): Promise<void> {
    return this.requests.forgetIdempotencyKey(id);
  }

  create(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    return this.requests.create(actor, input, idempotencyKey);
  }

  // Bookings as shown (views.ts)

  row(id: number): Promise<BookingRow | undefined> {
    return this.views.row(id);
  }

  get(actor: Actor, id: number): Promise<BookingView> {
    return this.views.get(actor, id);
  }

  viewOf(actor: Actor, b: BookingRow): Promise<BookingView> {
    return this.views.viewOf(actor, b);
  }

  /** The answer for a booking just written by `insertPlanned` with no voucher use and no card payment (request.ts). */
  viewOfNew(b: BookingRow, plan: BookingPlan, now: number): Promise<BookingView> {
    return this.requests.viewOfNew(b, plan, now);
  }

  list(
    actor: Actor,
    q: {
      status?: BookingView['status'];
      instrumentId?: number;
      from?: string;
      to?: string;
      cursor?: string;
      limit: number;
    },
  ) {
    return this.views.list(actor, q);
  }

  // Life cycle (transition.ts, decide.ts, run.ts)

  transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ): Promise<BookingView> {
    return this.transitions.transition(actor, id, action, body);
  }

  /** In a transaction (checkout's transition hook). */
  amendFinal(id: number, finalFen: number, finalLines: PriceLine[], now: number): Promise<void> {
    return this.run.amendFinal(id, finalFen, finalLines, now);
  }

  rate(actor: Actor, id: number, rating: number, comment?: string): Promise<BookingView> {
    return this.run.rate(actor, id, rating, comment);
  }

  checkReportUpload(actor: Actor, id: number): Promise<BookingRow> {
    return this.run.checkReportUpload(actor, id);
  }

  attachReport(actor: Actor, id: number, file: { name: string; bytes: Buffer }): Promise<BookingView> {
    return this.run.attachReport(actor, id, file);
  }

  report(actor: Actor, id: number): Promise<{ path: string; name: string; type: string }> {
    return this.run.report(actor, id);
  }

  // Training records (training.ts)

  trainingRecords(actor: Actor, instrumentId?: number) {
    return this.training.trainingRecords(actor, instrumentId);
  }

  grantTraining(actor: Actor, input: { instrumentId: number; userEmail: string; expiresOn: string; note?: string }) {
    return this.training.grantTraining(actor, input);
  }

  revokeTraining(actor: Actor, id: number) {
    return this.training.revokeTraining(actor, id);
  }

  // Calendar feeds (calendar.ts)

  calendarFeed(actor: Actor): Promise<{ createdAt: string | null }> {
    return this.calendars.calendarFeed(actor);
  }

  newCalendarUrl(actor: Actor): Promise<{ url: string; createdAt: string }> {
    return this.calendars.newCalendarUrl(actor);
  }

  instrumentCalendar(instrumentId: number): Promise<string> {
    return this.calendars.instrumentCalendar(instrumentId);
  }

  userCalendar(token: string): Promise<string> {
    return this.calendars.userCalendar(token);
  }
}
