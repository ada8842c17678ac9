/**
 * What the booking use cases share (rules.ts, availability.ts, request.ts, transition.ts, run.ts,
 * training.ts, calendar.ts, views.ts): the database and repositories, the clock, the notifier, the
 * file store, checkout's hooks, and the look-ups several of them make — an instrument and its rules,
 * the platform's holiday calendar (cached), the situation of an instrument's time, who sees a booking.
 *
 * Look-ups take the repository to read with: `this.repo` by default, or `repo.with(tx)` inside a use
 * case's transaction. A public method another module calls inside its own transaction reads with
 * `this.repo`, and the port runs those statements in that transaction.
 */
import type { Database } from '../../../db/port.ts';
import type { BookingMode, PriceLine, PriceSnapshot } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest, notFound } from '../../shared/errors.ts';
import { openFileStore, type FileStorage } from '../../shared/files.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { BookingView, Schedule } from './booking.schemas.ts';
import type { BookingRepo, BookingRow, InstrumentBrief } from './booking.repo.ts';
import { rulesOf } from './rules.ts';
import type { HolidayCalendar, Situation } from './slots.ts';

export const DAY = 86_400_000;

/** How far before and after a window other bookings and closures can still bear on its slots. */
export function situationMargin(rules: Schedule): number {
  return (rules.setupBufferMinutes + rules.cleanupBufferMinutes + rules.maxBookingMinutes) * 60_000;
}

/** What the money side of the platform adds to bookings (see checkout). */
export interface BookingHooks {
  /** Inside a transition's transaction, after the row changed: hold, post or release money. Awaited. */
  onTransition(before: BookingRow, after: BookingRow, now: number): Promise<void>;
  /** The price split, payment and voucher use of each booking, for views (inside the views' read). */
  money(
    rows: BookingRow[],
  ): Promise<Map<number, Pick<BookingView, 'price' | 'finalPrice' | 'payment' | 'voucherUse' | 'voucherUses'>>>;
}

/**
 * Prices an order placed on an accepted quote (需求发布, the needs module): checks that the caller's
 * enterprise may book on it for this instrument and mode, and answers the quote's lines as the price.
 */
export interface QuotePricer {
  price(
    actor: Actor,
    quoteId: number,
    instrumentId: number,
    mode: BookingMode,
  ): Promise<{ unit: 'hour' | 'sample'; totalFen: number; lines: PriceLine[]; snapshot: PriceSnapshot }>;
  /** Inside the booking's write transaction: the quote is still accepted and holds no other booking (409). */
  recheck(quoteId: number): Promise<void>;
}

/** How long the holiday calendar read from the database is used before it is read again. */

export class BookingContext {
  /** Set once by checkout at start-up (BookingService.setHooks). */
  hooks: BookingHooks | null = null;
  /** Set once by the needs module at start-up (BookingService.setQuotePricer). */
  quotes: QuotePricer | null = null;
  readonly files: FileStorage;
  private calendarCache: { version: number; calendar: HolidayCalendar } | null = null;

  constructor(
    readonly db: Database,
    readonly repo: BookingRepo,
    readonly catalogRepo: CatalogRepo,
    readonly catalog: CatalogService,
    readonly clock: Clock,
    /** Where uploaded files (service reports) are kept: the folder, or on PostgreSQL this node's cache of the database's. */
    fileDir: string,
    /** Tells the lab and the requester of new bookings and status changes (absent in seeds). */
    readonly notifier?: Notifier,
    /** The security audit log: the holiday calendar, admins' changes to instruments' rules (absent in seeds). */
    readonly audit?: AuditLog,
  ) {
    this.files = openFileStore(db, fileDir);
  }

  /** An instrument named in a request body: unknown is bad input (400), not a missing page. */
  async instrumentOr400(id: number, repo = this.repo): Promise<InstrumentBrief> {
    const instrument = await repo.instrument(id);
    if (!instrument)
      throw badRequest('unknown instrument', [{ path: 'body.instrumentId', message: `no instrument ${id}` }]);
    return instrument;
  }

  async instrumentOr404(id: number, repo = this.repo): Promise<InstrumentBrief> {
    const instrument = await repo.instrument(id);
    if (!instrument) throw notFound('instrument');
    return instrument;
  }

  /** An instrument's rules (its own, or the default ones) in `timeZone`. */
  async rules(instrumentId: number, timeZone: string, repo = this.repo): Promise<Schedule> {
    return rulesOf(timeZone, await repo.schedule(instrumentId));
  }

  /** The zone of a booking's instrument. */
  async zoneOf(b: BookingRow, repo = this.repo): Promise<string> {
    return (await repo.instrument(b.instrumentId))?.timeZone ?? 'Asia/Shanghai';
  }

  /** What the slot engine needs to judge a window of an instrument's time. */
  async situation(
    instrumentId: number,
    rules: Schedule,
    from: number,
    to: number,
    exceptBookingId = 0,
    repo = this.repo,
    /**
     * false: other bookings are left out (`busy` empty) — for a new booking, whose write transaction
     * checks the overlap under the write lock anyway and answers the same 409 (request.ts), and for
     * availability, which reads them with their own times in one statement.
     */
    withBusy = true,
  ): Promise<Situation> {
    const margin = situationMargin(rules);
    // Reads that do not wait for each other go together: on PostgreSQL one round trip, not one each.
    const [holidays, closures, busy] = await Promise.all([
      this.holidayCalendar(repo),
      repo.closures(instrumentId, from - margin, to + margin),
      withBusy ? repo.busyBlocks(instrumentId, from - margin, to + margin, exceptBookingId) : [],
    ]);
    return {
      rules,
      holidays,
      closures: closures.map((c) => ({ start: c.startAt, end: c.endAt })),
      busy,
      now: this.clock.now(),
    };
  }

  /**
   * The platform calendar as two sets of local dates. It is small and changes a few times a year, so
   * it is kept in memory and read again only when its version in the database (moved on by a trigger
   * on every change of `holidays`, from any process or node) is not the one it was read at.
   *
   * The version is read before the calendar: an edit committed in between leaves a calendar newer
   * than its version, read again next time, never an old calendar under the new version.
   */
  async holidayCalendar(repo = this.repo): Promise<HolidayCalendar> {
    const version = await repo.calendarVersion();
    const cached = this.calendarCache;
    if (cached?.version === version) return cached.calendar;
    const off = new Set<string>();
    const workdays = new Set<string>();
    for (const h of await repo.allHolidays()) (h.kind === 'off' ? off : workdays).add(h.date);
    const calendar = { off, workdays };
    this.calendarCache = { version, calendar };
    return calendar;
  }

  /** Who may see a booking: its enterprise, its institution's lab, platform admins. */
  visible(actor: Actor, b: BookingRow): boolean {
    if (actor.role === 'platform_admin') return true;
    if (actor.role === 'lab_manager') return b.institutionId === actor.organisationId;
    if (actor.role === 'researcher') return b.requesterOrganisationId === actor.organisationId;
    return false;
  }

  async bookingOr404(actor: Actor, id: number, repo = this.repo): Promise<BookingRow> {
    const b = await repo.booking(id);
    if (!b || !this.visible(actor, b)) throw notFound('booking');
    return b;
  }
}

export function bookableStatus(status: string): boolean {
  return status === 'normal' || status === 'standby' || status === 'remote' || status === 'occasional_fault';
}
