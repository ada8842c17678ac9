import { createHash, randomBytes } from 'node:crypto';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import type { BookingMode, BookingStatus, PaymentMethod, PriceLine, UserType } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { downloadName, FileStore, REPORT_KINDS, servedAs, sniffFile } from '../../shared/files.ts';
import { formatInstant, isValidZone, parseInstant } from '../../shared/time.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { SearchQuery } from '../catalog/catalog.schemas.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import { z } from 'zod';
import type { BookingRequest, BookingView, Schedule } from './booking.schemas.ts';
import type { BookingRepo, BookingRow, InstrumentBrief, ScheduleRow } from './booking.repo.ts';
import { bookedItem, noShowFeeFen, price, type PricingRequest } from './pricing.ts';
import {
  availability,
  bookingBlock,
  checkBookable,
  describeProblem,
  offHoursMinutes,
  type Interval,
  type Situation,
} from './slots.ts';
import { nextStatus, type BookingAction } from './state-machine.ts';
import { actionWindow, refusalMessage, type ActionWindow } from './timing.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 86_400_000;

const MAX_WINDOW_DAYS = 92;

/** What an instrument without its own schedule offers: weekday office hours, approval needed. */
export const DEFAULT_SCHEDULE: Omit<Schedule, 'timeZone'> = {
  weeklyHours: {
    '1': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '2': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '3': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '4': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '5': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
  },
  slotMinutes: 30,
  minBookingMinutes: 60,
  maxBookingMinutes: 480,
  minNoticeMinutes: 24 * 60,
  horizonDays: 60,
  setupBufferMinutes: 0,
  cleanupBufferMinutes: 0,
  machineTimeEnabled: true,
  sampleEnabled: true,
  approvalRequired: true,
  qualificationRequired: false,
  cancellationDeadlineHours: 24,
  observeHolidays: true,
  noShowChargePercent: 0,
  checkInOpensMinutes: 30,
  noShowGraceMinutes: 15,
};

const listCursor = z.object({ id: z.number().int().positive() });
const availabilityCursor = z.object({ c: z.string().nullable(), skip: z.number().int().min(0) });

export interface Usage {
  actualMinutes?: number;
  actualSamples?: number;
  reportUrl?: string;
  note?: string;
}

/** A request that passed every check, priced, ready to be written. */
export interface BookingPlan {
  actor: Actor;
  input: BookingRequest;
  instrument: InstrumentBrief;
  rules: Schedule;
  usage: { mode: BookingMode; minutes?: number; samples?: number; start?: number; end?: number };
  block: Interval | null;
  userType: UserType;
  quoted: { totalFen: number; lines: PriceLine[] };
  /** requested, or approved for instruments that need no approval. */
  confirmedStatus: BookingStatus;
  /** Local date of the service (for voucher validity). */
  serviceDate: string;
}

/** What the money side of the platform adds to bookings (see checkout). */
export interface BookingHooks {
  /** Inside a transition's transaction, after the row changed: hold, post or release money. */
  onTransition(before: BookingRow, after: BookingRow, now: number): void;
  /** The price split, payment and voucher use of each booking, for views. */
  money(rows: BookingRow[]): Map<number, Pick<BookingView, 'price' | 'finalPrice' | 'payment' | 'voucherUse'>>;
}

export class BookingService {
  private calendarCache: { readAt: number; calendar: Situation['holidays'] } | null = null;
  private hooks: BookingHooks | null = null;
  private readonly files: FileStore;

  constructor(
    private readonly repo: BookingRepo,
    private readonly catalogRepo: CatalogRepo,
    private readonly catalog: CatalogService,
    private readonly clock: Clock,
    /** Where uploaded files (service reports) are kept. */
    fileDir: string,
    /** Tells the lab and the requester of new bookings and status changes (absent in seeds). */
    private readonly notifier?: Notifier,
  ) {
    this.files = new FileStore(fileDir);
  }

  setHooks(hooks: BookingHooks): void {
    this.hooks = hooks;
  }

  // Rules

  /** An instrument named in a request body: unknown is bad input (400), not a missing page. */
  private instrumentOr400(id: number) {
    const instrument = this.repo.instrument(id);
    if (!instrument)
      throw badRequest('unknown instrument', [{ path: 'body.instrumentId', message: `no instrument ${id}` }]);
    return instrument;
  }

  private instrumentOr404(id: number) {
    const instrument = this.repo.instrument(id);
    if (!instrument) throw notFound('instrument');
    return instrument;
  }

  schedule(instrumentId: number): Schedule & { instrumentId: number } {
    const instrument = this.instrumentOr404(instrumentId);
    return { instrumentId, ...this.rulesOf(instrument.timeZone, this.repo.schedule(instrumentId)) };
  }

  private rulesOf(timeZone: string, row: ScheduleRow | undefined): Schedule {
    if (!row) return { timeZone, ...DEFAULT_SCHEDULE };
    const { instrumentId: _i, updatedAt: _u, ...rules } = row;
    return { timeZone, ...rules };
  }

  updateSchedule(actor: Actor, instrumentId: number, input: Schedule): Schedule & { instrumentId: number } {
    const instrument = this.instrumentOr404(instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    if (!isValidZone(input.timeZone)) {
      throw badRequest('unknown time zone', [{ path: 'body.timeZone', message: 'not an IANA time zone' }]);
    }
    if (input.minBookingMinutes > input.maxBookingMinutes) {
      throw badRequest('minimum booking length exceeds the maximum', [
        { path: 'body.minBookingMinutes', message: 'must not exceed maxBookingMinutes' },
      ]);
    }
    if (input.minBookingMinutes % input.slotMinutes || input.maxBookingMinutes % input.slotMinutes) {
      throw badRequest('booking lengths must be multiples of the slot', [
        { path: 'body.minBookingMinutes', message: `multiples of ${input.slotMinutes} minutes` },
      ]);
    }
    const { timeZone, ...rules } = input;
    this.repo.transaction(() => {
      this.repo.upsertSchedule({ instrumentId, ...rules, updatedAt: this.clock.now() });
      if (timeZone !== instrument.timeZone) this.repo.setTimeZone(instrumentId, timeZone);
    });
    return this.schedule(instrumentId);
  }

  private situation(instrumentId: number, rules: Schedule, from: number, to: number, exceptBookingId = 0): Situation {
    const margin = (rules.setupBufferMinutes + rules.cleanupBufferMinutes) * 60_000 + rules.maxBookingMinutes * 60_000;
    return {
      rules,
      holidays: this.holidayCalendar(),
      closures: this.repo
        .closures(instrumentId, from - margin, to + margin)
        .map((c) => ({ start: c.startAt, end: c.endAt })),
      busy: this.repo.busyBlocks(instrumentId, from - margin, to + margin, exceptBookingId),
      now: this.clock.now(),
    };
  }

  /**
   * The platform calendar as two sets of local dates. It is small and changes a few times a year,
   * so it is read once and kept for a minute; edits through this process drop it at once, edits
   * through another process are seen within the minute.
   */
  private holidayCalendar(): Situation['holidays'] {
    const now = this.clock.now();
    if (!this.calendarCache || now - this.calendarCache.readAt > 60_000 || now < this.calendarCache.readAt) {
      const off = new Set<string>();
      const workdays = new Set<string>();
      for (const h of this.repo.allHolidays()) (h.kind === 'off' ? off : workdays).add(h.date);
      this.calendarCache = { readAt: now, calendar: { off, workdays } };
    }
    return this.calendarCache.calendar;
  }

  // Closures

  closures(instrumentId: number, fromIso?: string, toIso?: string) {
    const instrument = this.instrumentOr404(instrumentId);
    const from = fromIso ? parseInstant(fromIso, 'from') : this.clock.now() - 30 * DAY;
    const to = toIso ? parseInstant(toIso, 'to') : this.clock.now() + 365 * DAY;
    return this.repo.closures(instrumentId, from, to).map((c) => ({
      id: c.id,
      start: formatInstant(c.startAt, instrument.timeZone),
      end: formatInstant(c.endAt, instrument.timeZone),
      reason: c.reason,
    }));
  }

  addClosure(actor: Actor, instrumentId: number, input: { start: string; end: string; reason: string }) {
    const instrument = this.instrumentOr404(instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    const start = parseInstant(input.start, 'body.start');
    const end = parseInstant(input.end, 'body.end');
    if (end <= start)
      throw badRequest('a closure must end after it starts', [{ path: 'body.end', message: 'before start' }]);
    if (end - start > 366 * DAY)
      throw badRequest('a closure may last a year at most', [{ path: 'body.end', message: 'too long' }]);
    const row = this.repo.insertClosure({
      instrumentId,
      startAt: start,
      endAt: end,
      reason: input.reason,
      createdBy: actor.userId,
      createdAt: this.clock.now(),
    });
    return {
      id: row.id,
      start: formatInstant(start, instrument.timeZone),
      end: formatInstant(end, instrument.timeZone),
      reason: row.reason,
    };
  }

  deleteClosure(actor: Actor, instrumentId: number, closureId: number): void {
    const instrument = this.instrumentOr404(instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    const closure = this.repo.closure(closureId);
    if (!closure || closure.instrumentId !== instrumentId) throw notFound('closure');
    this.repo.deleteClosure(closureId);
  }

  // Availability

  availability(instrumentId: number, fromIso: string, toIso: string, durationMinutes?: number) {
    const instrument = this.instrumentOr404(instrumentId);
    const rules = this.rulesOf(instrument.timeZone, this.repo.schedule(instrumentId));
    const { from, to } = this.window(fromIso, toIso);
    const duration = durationMinutes ?? rules.minBookingMinutes;
    if (duration < 1)
      throw badRequest('durationMinutes must be positive', [{ path: 'query.durationMinutes', message: 'at least 1' }]);
    const s = this.situation(instrumentId, rules, from, to);
    const bookable = rules.machineTimeEnabled && bookableStatus(instrument.runStatus);
    const result = bookable ? availability(s, from, to, duration) : { free: [], slots: [] };
    const zone = rules.timeZone;
    const iso = (i: Interval) => ({ start: formatInstant(i.start, zone), end: formatInstant(i.end, zone) });
    return {
      instrumentId,
      timeZone: zone,
      durationMinutes: duration,
      free: result.free.map(iso),
      slots: result.slots.map(iso),
      maxMinutes: Object.fromEntries(result.slots.map((slot) => [formatInstant(slot.start, zone), slot.maxMinutes])),
      busy: this.repo.activeBookingsOf(instrumentId, from, to).map((b) => iso({ start: b.startAt!, end: b.endAt! })),
    };
  }

  private window(fromIso: string, toIso: string) {
    const from = parseInstant(fromIso, 'query.from');
    const to = parseInstant(toIso, 'query.to');
    if (to <= from) throw badRequest('to must be after from', [{ path: 'query.to', message: 'not after from' }]);
    if (to - from > MAX_WINDOW_DAYS * DAY) {
      throw badRequest(`the window may span ${MAX_WINDOW_DAYS} days at most`, [
        { path: 'query.to', message: 'window too long' },
      ]);
    }
    return { from, to };
  }

  /** Instruments of the catalogue with a free slot of the asked length in the window. */
  searchAvailability(q: {
    from: string;
    to: string;
    durationMinutes: number;
    catalog: Pick<SearchQuery, 'q' | 'category' | 'city'>;
    cursor?: string;
    limit: number;
  }) {
    this.window(q.from, q.to); // refuse a bad window before looking at any instrument
    const start = q.cursor ? decodeCursor(q.cursor, availabilityCursor) : { c: null, skip: 0 };
    const items: {
      instrument: ReturnType<CatalogService['search']>['items'][number];
      firstSlot: { start: string; end: string };
      slotCount: number;
    }[] = [];
    let catalogCursor = start.c;
    let skip = start.skip;
    let scanned = 0;
    // Look through catalogue pages (relevance order) until the page is full or enough were tried.
    while (items.length < q.limit && scanned < 400) {
      const page = this.catalog.search({
        ...q.catalog,
        sort: 'relevance',
        limit: 50,
        include: '',
        ...(catalogCursor && { cursor: catalogCursor }),
      } as SearchQuery);
      for (let i = skip; i < page.items.length; i++) {
        const instrument = page.items[i]!;
        scanned++;
        if (instrument.sharingMode === 'not_shared') continue;
        const found = this.availability(instrument.id, q.from, q.to, q.durationMinutes);
        if (found.slots.length) {
          items.push({ instrument, firstSlot: found.slots[0]!, slotCount: found.slots.length });
          if (items.length >= q.limit) {
            const more = i + 1 < page.items.length || page.nextCursor;
            return { items, nextCursor: more ? encodeCursor({ c: catalogCursor, skip: i + 1 }) : null };
          }
        }
      }
      skip = 0;
      if (!page.nextCursor) return { items, nextCursor: null };
      catalogCursor = page.nextCursor;
    }
    return { items, nextCursor: encodeCursor({ c: catalogCursor, skip: 0 }) };
  }

  // Prices

  private userTypeOf(actor: Actor, institutionId: number): UserType {
    if (actor.organisationId === institutionId) return 'internal';
    return actor.organisationKind === 'institution' ? 'academic' : 'enterprise';
  }

  /**
   * Prices a use of an instrument by its card. Machine time from `start` for `minutes` pays the card's
   * off-hours surcharge on the minutes that are off-hours in the instrument's zone (the platform calendar,
   * cached for availability: no query of its own).
   */
  private priceFor(
    instrumentId: number,
    userType: UserType,
    usage: {
      mode: BookingMode;
      minutes?: number;
      samples?: number;
      start?: number;
      urgent: boolean;
      /** The item a request names: it must be on the card (400 otherwise). */
      rateItemId?: number;
      /** The item a booking stored, priced again: used while still on the card, else the first of the unit. */
      bookedRateItemId?: number | null;
    },
    rules: Pick<Schedule, 'slotMinutes' | 'timeZone'>,
  ) {
    const card = this.catalogRepo.rateCard(instrumentId);
    if (!card)
      throw badRequest('this instrument has no published prices', [
        { path: 'body.instrumentId', message: 'no rate card' },
      ]);
    const rateItemId =
      usage.bookedRateItemId != null
        ? bookedItem(card, usage.mode === 'machine_time' ? 'hour' : 'sample', usage.bookedRateItemId)?.id
        : usage.rateItemId;
    const offHours =
      usage.mode === 'machine_time' && usage.start !== undefined && card.offHoursSurchargePercent > 0
        ? offHoursMinutes(usage.start, usage.start + usage.minutes! * 60_000, rules.timeZone, this.holidayCalendar())
        : 0;
    const req: PricingRequest =
      usage.mode === 'machine_time'
        ? {
            mode: 'machine_time',
            minutes: usage.minutes!,
            slotMinutes: rules.slotMinutes,
            offHoursMinutes: offHours,
            userType,
            urgent: usage.urgent,
            rateItemId,
          }
        : { mode: 'sample', samples: usage.samples!, userType, urgent: usage.urgent, rateItemId };
    const result = price(card, req);
    if (!result.ok && result.reason === 'too_large') {
      throw badRequest('the price of this much use is too large to charge', [
        { path: usage.mode === 'sample' ? 'body.sampleCount' : 'body.end', message: result.reason },
      ]);
    }
    if (!result.ok) {
      throw badRequest(
        result.reason === 'no_rate'
          ? `no ${usage.mode === 'sample' ? 'per-sample' : 'per-hour'} price for this instrument`
          : 'unknown rate item',
        [{ path: result.reason === 'no_rate' ? 'body.mode' : 'body.rateItemId', message: result.reason }],
      );
    }
    return result;
  }

  quote(actor: Actor, input: BookingRequest) {
    const instrument = this.instrumentOr400(input.instrumentId);
    const rules = this.rulesOf(instrument.timeZone, this.repo.schedule(instrument.id));
    const userType = this.userTypeOf(actor, instrument.institutionId);
    const usage = this.usageOf(input);
    // Longer than the instrument can be booked: nothing to price (and the off-hours count walks the days).
    if (usage.mode === 'machine_time' && usage.minutes! > rules.maxBookingMinutes)
      throw badRequest(describeProblem('too_long', rules), [{ path: 'body.end', message: 'too_long' }]);
    const result = this.priceFor(
      instrument.id,
      userType,
      { ...usage, urgent: input.urgent, rateItemId: input.rateItemId },
      rules,
    );
    return {
      instrumentId: instrument.id,
      institutionId: instrument.institutionId,
      categoryCode: instrument.categoryCode,
      serviceDate: formatInstant(usage.start ?? usage.end ?? this.clock.now(), instrument.timeZone).slice(0, 10),
      userType,
      unit: result.unit,
      totalFen: result.totalFen,
      lines: result.lines,
    };
  }

  private usageOf(input: BookingRequest): {
    mode: BookingMode;
    minutes?: number;
    samples?: number;
    start?: number;
    end?: number;
  } {
    if (input.mode === 'machine_time') {
      if (!input.start || !input.end) {
        throw badRequest('machine time needs start and end', [
          { path: input.start ? 'body.end' : 'body.start', message: 'required' },
        ]);
      }
      if (input.sampleCount !== undefined)
        throw badRequest('machine time has no sample count', [{ path: 'body.sampleCount', message: 'not allowed' }]);
      const start = parseInstant(input.start, 'body.start');
      const end = parseInstant(input.end, 'body.end');
      if (end <= start) throw badRequest('end must be after start', [{ path: 'body.end', message: 'not after start' }]);
      return { mode: 'machine_time', start, end, minutes: Math.round((end - start) / 60_000) };
    }
    if (input.sampleCount === undefined)
      throw badRequest('a sample job needs sampleCount', [{ path: 'body.sampleCount', message: 'required' }]);
    if (input.start !== undefined)
      throw badRequest('the lab schedules sample jobs; give only a wanted-by end', [
        { path: 'body.start', message: 'not allowed' },
      ]);
    return {
      mode: 'sample',
      samples: input.sampleCount,
      end: input.end ? parseInstant(input.end, 'body.end') : undefined,
    };
  }

  // Bookings

  /**
   * Everything a booking request must pass before anything is written: the instrument is shared and
   * in service, the time is bookable (or the sample job acceptable), the user qualified; and its price.
   */
  plan(actor: Actor, input: BookingRequest): BookingPlan {
    const instrument = this.instrumentOr400(input.instrumentId);
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
    const rules = this.rulesOf(instrument.timeZone, this.repo.schedule(instrument.id));
    const usage = this.usageOf(input);
    const now = this.clock.now();
    let block: Interval | null = null;
    if (usage.mode === 'machine_time') {
      if (!rules.machineTimeEnabled)
        throw badRequest('this instrument takes no machine-time bookings', [
          { path: 'body.mode', message: 'disabled' },
        ]);
      if (rules.qualificationRequired) this.checkQualified(actor, instrument.id, rules.timeZone);
      const s = this.situation(instrument.id, rules, usage.start!, usage.end!);
      const problem = checkBookable(s, usage.start!, usage.end!);
      if (problem === 'conflict') throw new AppError('conflict', 'that time has just been taken', { reason: problem });
      if (problem) throw badRequest(describeProblem(problem, rules), [{ path: 'body.start', message: problem }]);
      block = bookingBlock(rules, usage.start!, usage.end!);
    } else {
      if (!rules.sampleEnabled)
        throw badRequest('this instrument takes no sample jobs', [{ path: 'body.mode', message: 'disabled' }]);
      if (usage.end !== undefined && usage.end <= now) {
        throw badRequest('the wanted-by date is in the past', [{ path: 'body.end', message: 'in the past' }]);
      }
    }
    const userType = this.userTypeOf(actor, instrument.institutionId);
    const quoted = this.priceFor(
      instrument.id,
      userType,
      { ...usage, urgent: input.urgent, rateItemId: input.rateItemId },
      rules,
    );
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
  earlier(actor: Actor, idempotencyKey: string | undefined): BookingRow | undefined {
    if (idempotencyKey !== undefined && !/^[\w-]{8,100}$/.test(idempotencyKey)) {
      throw badRequest('Idempotency-Key must be 8–100 letters, digits, - or _', [
        { path: 'header.idempotency-key', message: 'malformed' },
      ]);
    }
    return idempotencyKey ? this.repo.bookingByIdempotencyKey(actor.userId, idempotencyKey) : undefined;
  }

  /**
   * Writes a planned booking; call inside a write transaction (the overlap check and the insert
   * must see the same database). `status` is the confirmed status, or pending_payment while a card
   * is being authorised.
   */
  insertPlanned(
    plan: BookingPlan,
    idempotencyKey: string | undefined,
    status: BookingStatus,
    paymentMethod: PaymentMethod | null,
    now: number,
  ): BookingRow {
    const { block, usage, instrument, actor, input, quoted } = plan;
    if (block && this.repo.overlaps(instrument.id, block.start, block.end)) {
      throw new AppError('conflict', 'that time has just been taken', { reason: 'conflict' });
    }
    const booking = this.repo.insertBooking({
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
      wantedBy: usage.mode === 'sample' ? (usage.end ?? null) : null,
      purpose: input.purpose ?? null,
      urgent: input.urgent,
      userType: plan.userType,
      quotedFen: quoted.totalFen,
      rateItemId: input.rateItemId ?? null,
      priceLines: quoted.lines,
      paymentMethod,
      idempotencyKey: idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    });
    this.repo.insertEvent({
      bookingId: booking.id,
      fromStatus: null,
      toStatus: status === 'pending_payment' ? 'pending_payment' : 'requested',
      actorId: actor.userId,
      at: now,
    });
    if (status === 'approved') this.confirmEvent(booking.id, 'requested', now);
    if (status !== 'pending_payment') this.notifier?.bookingCreated(booking.id, now);
    return booking;
  }

  private confirmEvent(bookingId: number, from: BookingStatus, now: number): void {
    this.repo.insertEvent({
      bookingId,
      fromStatus: from,
      toStatus: 'approved',
      actorId: null,
      at: now,
      reason: 'confirmed at once (no approval needed)',
    });
  }

  /**
   * The payment of a pending_payment booking has an answer: it becomes the status it was planned
   * for, or payment_failed. Call inside a write transaction; false if it had moved on already.
   */
  settleCheckout(id: number, outcome: 'paid' | 'failed', now: number, reason?: string): boolean {
    const b = this.repo.booking(id);
    if (!b || b.status !== 'pending_payment') return false;
    if (outcome === 'failed') {
      this.repo.updateBooking(id, { status: 'payment_failed', updatedAt: now });
      this.repo.insertEvent({
        bookingId: id,
        fromStatus: b.status,
        toStatus: 'payment_failed',
        actorId: null,
        at: now,
        reason: reason ?? null,
      });
      return true;
    }
    const rules = this.rulesOf('UTC', this.repo.schedule(b.instrumentId));
    const to: BookingStatus = rules.approvalRequired ? 'requested' : 'approved';
    this.repo.updateBooking(id, { status: to, updatedAt: now });
    this.repo.insertEvent({
      bookingId: id,
      fromStatus: b.status,
      toStatus: 'requested',
      actorId: null,
      at: now,
      reason: reason ?? 'card authorised',
    });
    if (to === 'approved') this.confirmEvent(id, 'requested', now);
    this.notifier?.bookingCreated(id, now);
    return true;
  }

  /** Replaces a booking's final price (no-show fee, amount above the card hold waived). In a transaction. */
  amendFinal(id: number, finalFen: number, finalLines: PriceLine[], now: number): void {
    this.repo.updateBooking(id, { finalFen, finalLines, updatedAt: now });
  }

  /** Frees a failed checkout's Idempotency-Key for another attempt. In a transaction. */
  forgetIdempotencyKey(id: number): void {
    this.repo.updateBooking(id, { idempotencyKey: null });
  }

  row(id: number): BookingRow | undefined {
    return this.repo.booking(id);
  }

  transaction<T>(fn: () => T): T {
    return this.repo.transaction(fn);
  }

  /** Reads in one snapshot (a deferred transaction). */
  reading<T>(fn: () => T): T {
    return this.repo.reading(fn);
  }

  /** Requests a booking paid later (invoice) or by nothing: the path without a card. */
  create(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): { booking: BookingView; replayed: boolean } {
    const earlier = this.earlier(actor, idempotencyKey);
    if (earlier) return { booking: this.view(earlier), replayed: true };
    const plan = this.plan(actor, input);
    const now = this.clock.now();
    const row = this.repo.transaction(() => {
      const again = this.earlier(actor, idempotencyKey);
      if (again) return again;
      return this.insertPlanned(plan, idempotencyKey, plan.confirmedStatus, null, now);
    });
    return { booking: this.view(row), replayed: row.createdAt !== now };
  }

  private checkQualified(actor: Actor, instrumentId: number, zone: string): void {
    const today = DateTime.fromMillis(this.clock.now(), { zone }).toISODate()!;
    if (this.repo.validTraining(instrumentId, actor.userId, today)) return;
    const latest = this.repo.latestTraining(instrumentId, actor.userId);
    const why = !latest
      ? 'self-operated use of this instrument needs a training record; ask the lab for training'
      : latest.revokedAt
        ? 'your training record for this instrument was revoked'
        : `your training record for this instrument expired on ${latest.expiresOn}`;
    throw badRequest(why, [{ path: 'body.mode', message: 'not_qualified' }]);
  }

  /** Who may see a booking: its enterprise, its institution's lab, platform admins. */
  private visible(actor: Actor, b: BookingRow): boolean {
    if (actor.role === 'platform_admin') return true;
    if (actor.role === 'lab_manager') return b.institutionId === actor.organisationId;
    if (actor.role === 'researcher') return b.requesterOrganisationId === actor.organisationId;
    return false;
  }

  private bookingOr404(actor: Actor, id: number): BookingRow {
    const b = this.repo.booking(id);
    if (!b || !this.visible(actor, b)) throw notFound('booking');
    return b;
  }

  get(actor: Actor, id: number): BookingView {
    return this.view(this.bookingOr404(actor, id));
  }

  /** The view of a row just read or written (no second read); the same visibility as get. */
  viewOf(actor: Actor, b: BookingRow): BookingView {
    if (!this.visible(actor, b)) throw notFound('booking');
    return this.view(b);
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
    if (actor.role === 'finance_officer') throw forbidden('finance officers do not manage bookings');
    const scope =
      actor.role === 'platform_admin'
        ? {}
        : actor.role === 'lab_manager'
          ? { institutionId: actor.organisationId }
          : { requesterOrganisationId: actor.organisationId };
    const before = q.cursor ? decodeCursor(q.cursor, listCursor).id : undefined;
    const rows = this.repo.listBookings(
      scope,
      {
        status: q.status,
        instrumentId: q.instrumentId,
        from: q.from ? parseInstant(q.from, 'query.from') : undefined,
        to: q.to ? parseInstant(q.to, 'query.to') : undefined,
        beforeId: before,
      },
      q.limit + 1,
    );
    const page = rows.slice(0, q.limit);
    return {
      items: this.views(page),
      nextCursor: rows.length > q.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
    };
  }

  transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ): BookingView {
    const b = this.bookingOr404(actor, id);
    const labSide = canManageInstitution(actor, b.institutionId);
    if (action === 'cancel') {
      const own = actor.role === 'researcher' && actor.organisationId === b.requesterOrganisationId;
      if (!own && !labSide) throw forbidden('only the requesting enterprise or the lab may cancel');
      if (labSide && !own && !body.reason)
        throw badRequest('the lab must give a reason to cancel', [{ path: 'body.reason', message: 'required' }]);
      if (own && !labSide) {
        const until = this.cancellableUntil(b);
        if (until !== null && this.clock.now() > until) {
          throw new AppError('conflict', 'the cancellation deadline has passed; ask the lab', {
            currentStatus: b.status,
            cancellableUntil: formatInstant(until, this.zoneOf(b)),
          });
        }
      }
    } else if (!labSide) {
      throw forbidden('only the owning institution’s lab managers may do this');
    }
    if (action === 'reject' && !body.reason)
      throw badRequest('a rejection needs a reason', [{ path: 'body.reason', message: 'required' }]);

    const to = nextStatus(b.status, action);
    if (!to) {
      throw new AppError('conflict', `cannot ${action} a booking that is ${b.status}`, { currentStatus: b.status });
    }
    const now = this.clock.now();
    const changes: Partial<BookingRow> = { status: to, updatedAt: now };
    if (action === 'approve' && b.mode === 'sample' && (body.start || body.end)) {
      Object.assign(changes, this.scheduleSampleJob(b, body));
    }
    if (action === 'complete') Object.assign(changes, this.completion(b, body));
    this.repo.transaction(() => {
      const fresh = this.repo.booking(id)!;
      if (fresh.status !== b.status)
        throw new AppError('conflict', `the booking is now ${fresh.status}`, { currentStatus: fresh.status });
      this.checkTimely(fresh, action, now);
      // A sample job scheduled at approval starts holding time: it must not overlap anything active.
      if (changes.blockStartAt != null && changes.blockEndAt != null) {
        if (this.repo.overlaps(b.instrumentId, changes.blockStartAt, changes.blockEndAt, b.id)) {
          throw new AppError('conflict', 'that time is taken', { currentStatus: b.status });
        }
      }
      this.repo.updateBooking(id, changes);
      this.repo.insertEvent({
        bookingId: id,
        fromStatus: b.status,
        toStatus: to,
        actorId: actor.userId,
        at: now,
        reason: body.reason ?? body.note ?? null,
      });
      this.hooks?.onTransition(fresh, this.repo.booking(id)!, now);
      // After the money hook (the final price is amended there); the actor is not told of their own act.
      this.notifier?.bookingChanged(id, now, actor.userId);
    });
    return this.view(this.repo.booking(id)!);
  }

  /**
   * Refuses a step the clock does not allow (check-in days before the start, a no-show before the grace has
   * passed): 409 with the status and, in epoch ms, from / until when it is allowed. Nothing is written.
   */
  private checkTimely(b: BookingRow, action: BookingAction, now: number): void {
    const zone = this.zoneOf(b);
    const rules = this.rulesOf(zone, this.repo.schedule(b.instrumentId));
    const w = actionWindow(b, action, rules, now);
    const message = refusalMessage(b, action, w, rules, zone);
    if (message === null) return;
    throw new AppError('conflict', message, {
      currentStatus: b.status,
      reason: w.refusal,
      ...(w.from !== null && { allowedFrom: w.from }),
      ...(w.until !== null && { allowedUntil: w.until }),
    });
  }

  private scheduleSampleJob(b: BookingRow, body: { start?: string; end?: string }): Partial<BookingRow> {
    if (!body.start || !body.end)
      throw badRequest('give both start and end to schedule the job', [
        { path: body.start ? 'body.end' : 'body.start', message: 'required' },
      ]);
    const start = parseInstant(body.start, 'body.start');
    const end = parseInstant(body.end, 'body.end');
    if (end <= start) throw badRequest('end must be after start', [{ path: 'body.end', message: 'not after start' }]);
    if (end - start > 7 * DAY)
      throw badRequest('a job is scheduled for a week at most', [{ path: 'body.end', message: 'too long' }]);
    const instrument = this.repo.instrument(b.instrumentId)!;
    const rules = this.rulesOf(instrument.timeZone, this.repo.schedule(b.instrumentId));
    const block = bookingBlock(rules, start, end);
    return { startAt: start, endAt: end, blockStartAt: block.start, blockEndAt: block.end };
  }

  private completion(b: BookingRow, usage: Usage): Partial<BookingRow> {
    const instrument = this.repo.instrument(b.instrumentId)!;
    const rules = this.rulesOf(instrument.timeZone, this.repo.schedule(b.instrumentId));
    const minutes =
      b.mode === 'machine_time' ? (usage.actualMinutes ?? Math.round((b.endAt! - b.startAt!) / 60_000)) : undefined;
    const samples = b.mode === 'sample' ? (usage.actualSamples ?? b.sampleCount!) : undefined;
    if (b.mode === 'machine_time' && usage.actualSamples !== undefined) {
      throw badRequest('machine time is completed with actualMinutes', [
        { path: 'body.actualSamples', message: 'not for machine time' },
      ]);
    }
    if (b.mode === 'sample' && usage.actualMinutes !== undefined) {
      throw badRequest('sample jobs are completed with actualSamples', [
        { path: 'body.actualMinutes', message: 'not for samples' },
      ]);
    }
    // Machine time is priced for the minutes actually used, counted from the booked start: the off-hours
    // surcharge follows [start, start + actual minutes), so a run past 18:00 pays for its evening part.
    // The rate item booked prices it again; if the lab has since removed it from its card, the card's first
    // item of the unit does (as for a booking that named none) rather than the completion failing.
    const final = this.priceFor(
      b.instrumentId,
      b.userType,
      {
        mode: b.mode,
        minutes,
        samples,
        start: b.startAt ?? undefined,
        urgent: b.urgent,
        bookedRateItemId: b.rateItemId,
      },
      rules,
    );
    return {
      actualMinutes: minutes ?? null,
      actualSamples: samples ?? null,
      reportUrl: usage.reportUrl ?? null,
      finalFen: final.totalFen,
      finalLines: final.lines,
    };
  }

  rate(actor: Actor, id: number, rating: number, comment?: string): BookingView {
    const b = this.bookingOr404(actor, id);
    if (actor.role !== 'researcher' || actor.organisationId !== b.requesterOrganisationId) {
      throw forbidden('only the requesting enterprise rates a service');
    }
    if (b.status !== 'completed')
      throw new AppError('conflict', 'only completed bookings can be rated', { currentStatus: b.status });
    if (b.rating !== null) throw new AppError('conflict', 'this booking is already rated', { currentStatus: b.status });
    this.repo.updateBooking(id, { rating, ratingComment: comment ?? null, updatedAt: this.clock.now() });
    return this.view(this.repo.booking(id)!);
  }

  private cancellableUntil(b: BookingRow): number | null {
    if (b.status !== 'requested' && b.status !== 'approved') return null;
    if (b.startAt === null) return null; // an unscheduled sample job can be withdrawn until the lab starts it
    const rules = this.rulesOf('UTC', this.repo.schedule(b.instrumentId));
    return b.startAt - rules.cancellationDeadlineHours * 3600_000;
  }

  private zoneOf(b: BookingRow): string {
    return this.repo.instrument(b.instrumentId)?.timeZone ?? 'Asia/Shanghai';
  }

  private view(b: BookingRow): BookingView {
    return this.views([b])[0]!;
  }

  /** One read transaction for all of a view's look-ups: a snapshot, and one lock instead of one per statement. */
  private views(rows: BookingRow[]): BookingView[] {
    return this.repo.reading(() => this.viewsNow(rows));
  }

  private viewsNow(rows: BookingRow[]): BookingView[] {
    const instruments = new Map(
      this.repo.instrumentsBrief([...new Set(rows.map((r) => r.instrumentId))]).map((i) => [i.id, i]),
    );
    const people = new Map(this.repo.people([...new Set(rows.map((r) => r.requesterId))]).map((p) => [p.id, p]));
    const moneyOf = this.hooks?.money(rows);
    const rulesByInstrument = new Map<number, Schedule>();
    const now = this.clock.now();
    return rows.map((b) => {
      const money = moneyOf?.get(b.id);
      const instrument = instruments.get(b.instrumentId)!;
      const zone = instrument.timeZone;
      const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, zone));
      const person = people.get(b.requesterId)!;
      const until = this.cancellableUntil(b);
      let rules = rulesByInstrument.get(b.instrumentId);
      if (!rules)
        rulesByInstrument.set(b.instrumentId, (rules = this.rulesOf(zone, this.repo.schedule(b.instrumentId))));
      const windowOf = (action: BookingAction) => {
        const w: ActionWindow = actionWindow(b, action, rules, now);
        return { allowed: w.allowed, from: at(w.from), until: at(w.until), reason: w.refusal };
      };
      // The fee a no-show would charge: the instrument's share of the quoted price, never above the card hold.
      const fee = noShowFeeFen(b.quotedFen, rules.noShowChargePercent);
      const hold = money?.payment?.status === 'authorised' ? money.payment.authorisedFen : null;
      return {
        id: b.id,
        instrumentId: b.instrumentId,
        instrument: {
          id: instrument.id,
          nameZh: instrument.nameZh,
          institutionId: instrument.institutionId,
          institutionName: instrument.institutionName,
        },
        requester: {
          id: person.id,
          name: person.name,
          organisationId: person.organisationId,
          organisationName: person.organisationName,
        },
        mode: b.mode,
        status: b.status,
        timeZone: zone,
        start: at(b.startAt),
        end: at(b.endAt),
        sampleCount: b.sampleCount,
        purpose: b.purpose,
        urgent: b.urgent,
        userType: b.userType,
        price: money?.price ?? plainPrice(b.quotedFen, b.priceLines),
        usage:
          b.status === 'completed'
            ? { minutes: b.actualMinutes, samples: b.actualSamples, reportUrl: b.reportUrl }
            : null,
        finalPrice: money ? money.finalPrice : b.finalFen === null ? null : plainPrice(b.finalFen, b.finalLines ?? []),
        paymentMethod: b.paymentMethod,
        payment: money?.payment ?? null,
        voucherUse: money?.voucherUse ?? null,
        rating: b.rating,
        ratingComment: b.ratingComment,
        cancellableUntil: at(until),
        actions: {
          checkIn: windowOf('check-in'),
          noShow: { ...windowOf('no-show'), feeFen: hold === null ? fee : Math.min(fee, hold) },
          complete: windowOf('complete'),
        },
        history: this.repo.events(b.id).map(({ event, actorName }) => ({
          from: event.fromStatus,
          to: event.toStatus,
          by: event.actorId === null ? null : { id: event.actorId, name: actorName ?? '' },
          at: formatInstant(event.at, zone),
          reason: event.reason,
        })),
        createdAt: formatInstant(b.createdAt, zone),
      };
    });
  }

  // Service reports

  /**
   * Whether the caller may attach a report to this booking now (the owning lab, once the job has
   * started): asked before an upload's body is read, and again when the file is stored.
   */
  checkReportUpload(actor: Actor, id: number): BookingRow {
    const b = this.bookingOr404(actor, id);
    if (!canManageInstitution(actor, b.institutionId)) throw forbidden('only the lab attaches service reports');
    if (b.status !== 'in_progress' && b.status !== 'completed') {
      throw new AppError('conflict', 'a report belongs to a job that has started', { currentStatus: b.status });
    }
    return b;
  }

  /**
   * The lab attaches the report of a job it has started or finished. What the file is comes from its
   * bytes (PDF, image, Office document, zip; anything else 415), not from what the uploader declared.
   * A new report replaces the old one, whose file is removed once the booking points at the new one.
   */
  async attachReport(actor: Actor, id: number, file: { name: string; bytes: Buffer }): Promise<BookingView> {
    this.checkReportUpload(actor, id);
    if (!file.bytes.length) throw badRequest('the report is empty', [{ path: 'body', message: 'empty' }]);
    const sniffed = await sniffFile(file.bytes, REPORT_KINDS, file.name);
    if (!sniffed.kind) {
      throw new AppError('unsupported_media_type', 'reports are PDF, images, office documents or zip files', [
        { path: 'body', message: sniffed.found ? `not accepted: ${sniffed.found}` : 'not a recognised file type' },
      ]);
    }
    const stored = this.files.save('reports', String(id), sniffed.ext, file.bytes);
    let replaced: string | null;
    try {
      replaced = this.repo.transaction(() => {
        const b = this.checkReportUpload(actor, id); // the job may have moved on while the file arrived
        this.repo.updateBooking(id, {
          reportFile: stored,
          reportName: downloadName(file.name, sniffed.mime),
          reportType: sniffed.mime,
          reportUrl: `/api/v1/bookings/${id}/report`,
          updatedAt: this.clock.now(),
        });
        return b.reportFile;
      });
    } catch (err) {
      this.files.remove(stored);
      throw err;
    }
    this.files.remove(replaced);
    return this.view(this.repo.booking(id)!);
  }

  /** The stored report of a booking, for whoever may see the booking. */
  report(actor: Actor, id: number): { path: string; name: string; type: string } {
    const b = this.bookingOr404(actor, id);
    if (!b.reportFile) throw notFound('report');
    return { path: this.files.path(b.reportFile), ...servedAs(b.reportName ?? 'report', b.reportType) };
  }

  // Training records

  /**
   * A lab sees the addresses it granted to, not the accounts behind them: the list (like the answer to a
   * grant) must not tell a lab which e-mail addresses have accounts. Admins and the holder see the name.
   */
  trainingRecords(actor: Actor, instrumentId?: number) {
    const where =
      actor.role === 'platform_admin'
        ? { instrumentId }
        : actor.role === 'lab_manager'
          ? { institutionId: actor.organisationId, instrumentId }
          : { userId: actor.userId, instrumentId };
    const today = DateTime.fromMillis(this.clock.now(), { zone: 'Asia/Shanghai' }).toISODate()!;
    return this.repo.trainingRecords(where).map(({ record, instrumentName, user }) => {
      const shown = user !== null && (actor.role === 'platform_admin' || user.id === actor.userId);
      return {
        id: record.id,
        instrumentId: record.instrumentId,
        instrumentName,
        user: { id: shown ? user.id : null, name: shown ? user.displayName : null, email: record.userEmail },
        grantedAt: new Date(record.grantedAt).toISOString(),
        expiresOn: record.expiresOn,
        revokedAt: record.revokedAt === null ? null : new Date(record.revokedAt).toISOString(),
        valid: record.revokedAt === null && record.expiresOn >= today,
        note: record.note,
      };
    });
  }

  /**
   * Grants training to an e-mail address. Whether or not it has an account the answer is the same (a
   * lab must not learn who is registered): without one, the grant waits and applies to whoever signs
   * up with that address.
   */
  grantTraining(actor: Actor, input: { instrumentId: number; userEmail: string; expiresOn: string; note?: string }) {
    const instrument = this.instrumentOr400(input.instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    const today = DateTime.fromMillis(this.clock.now(), { zone: instrument.timeZone }).toISODate()!;
    if (input.expiresOn < today)
      throw badRequest('the expiry date is in the past', [{ path: 'body.expiresOn', message: 'in the past' }]);
    const row = this.repo.insertTraining({
      instrumentId: instrument.id,
      userId: this.repo.userByEmail(input.userEmail)?.id ?? null,
      userEmail: input.userEmail,
      grantedBy: actor.userId,
      grantedAt: this.clock.now(),
      expiresOn: input.expiresOn,
      note: input.note ?? null,
    });
    return this.trainingRecords(actor, instrument.id).find((r) => r.id === row.id)!;
  }

  revokeTraining(actor: Actor, id: number) {
    const found = this.repo.trainingRecord(id);
    if (!found || !canManageInstitution(actor, found.institutionId)) throw notFound('training record');
    if (found.record.revokedAt === null) this.repo.revokeTraining(id, this.clock.now());
    return this.trainingRecords(actor, found.record.instrumentId).find((r) => r.id === id)!;
  }

  // Holidays

  holidays(year?: number) {
    return this.repo
      .allHolidays()
      .filter((h) => year === undefined || h.date.startsWith(`${year}-`))
      .map((h) => ({ date: h.date, kind: h.kind, nameZh: h.nameZh, nameEn: h.nameEn }));
  }

  putHoliday(date: string, input: { kind: 'off' | 'workday'; nameZh: string; nameEn?: string | null }) {
    if (!DateTime.fromISO(date).isValid)
      throw badRequest('not a date', [{ path: 'params.date', message: 'YYYY-MM-DD' }]);
    this.repo.upsertHoliday({ date, kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null });
    this.calendarCache = null;
    return { date, kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null };
  }

  deleteHoliday(date: string): void {
    if (!this.repo.deleteHoliday(date)) throw notFound('holiday');
    this.calendarCache = null;
  }

  // Calendar feeds

  /** Whether the caller has a feed address, and since when (the address itself was shown once, when made). */
  calendarFeed(actor: Actor): { createdAt: string | null } {
    const row = this.repo.calendarToken(actor.userId);
    return { createdAt: row ? new Date(row.createdAt).toISOString() : null };
  }

  /** A new feed address for the caller; the old one (if any) stops working. Only its hash is kept. */
  newCalendarUrl(actor: Actor): { url: string; createdAt: string } {
    const token = randomBytes(24).toString('base64url');
    const now = this.clock.now();
    this.repo.replaceCalendarToken({ userId: actor.userId, tokenHash: sha256(token), createdAt: now });
    return { url: `/api/v1/calendar/${token}.ics`, createdAt: new Date(now).toISOString() };
  }

  instrumentCalendar(instrumentId: number): string {
    const instrument = this.instrumentOr404(instrumentId);
    const now = this.clock.now();
    const cal = ical({ name: `${instrument.nameZh} · ${instrument.institutionName}`, timezone: instrument.timeZone });
    for (const b of this.repo.activeBookingsOf(instrumentId, now - 30 * DAY, now + 366 * DAY)) {
      cal.createEvent({
        id: `booking-${b.id}@instrument-platform`,
        start: new Date(b.startAt!),
        end: new Date(b.endAt!),
        summary: '已预约 (booked)',
      });
    }
    return cal.toString();
  }

  userCalendar(token: string): string {
    const row = /^[\w-]{20,64}$/.test(token) ? this.repo.calendarOwner(sha256(token)) : undefined;
    if (!row) throw notFound('calendar');
    const cal = ical({ name: '我的仪器预约 · My instrument bookings' });
    const rows = this.repo.bookingsOfUser(row.userId, this.clock.now() - 180 * DAY).filter((b) => b.startAt !== null);
    for (const v of this.views(rows)) {
      cal.createEvent({
        id: `booking-${v.id}@instrument-platform`,
        start: new Date(v.start!),
        end: new Date(v.end!),
        summary: `${v.instrument.nameZh} (${v.status})`,
        location: v.instrument.institutionName,
        // No purpose: it is the researcher's free text, and a feed address travels to calendar services.
      });
    }
    return cal.toString();
  }
}

/** A price nobody split: all of it self-paid. */
export function plainPrice(totalFen: number, lines: PriceLine[]): BookingView['price'] {
  return { totalFen, voucherFen: 0, selfPayFen: totalFen, limitedBy: null, lines };
}

function bookableStatus(status: string): boolean {
  return status === 'normal' || status === 'standby' || status === 'remote' || status === 'occasional_fault';
}
