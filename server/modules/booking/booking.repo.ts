/** SQL of booking: schedules, closures, holidays, training records, bookings and their audit trail. */
import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { byEngine, fromBool, fromJson, type Queryable } from '../../../db/port.ts';
import type { bookingEvents } from '../../../db/schema/index.ts';
import {
  bookings,
  calendarTokens,
  closures,
  holidays,
  instrumentSchedules,
  instruments,
  rateCardItems,
  trainingRecords,
  users,
  type BookingStatus,
  type PriceLine,
  type PriceSnapshot,
  type RunStatus,
  type SampleHazard,
  type SharingMode,
} from '../../../db/schema/index.ts';
import { listParam } from '../../shared/sql-list.ts';

export type BookingRow = typeof bookings.$inferSelect;

/**
 * No booking holds more than this (a week of machine time plus buffers; sample jobs are scheduled
 * for a week at most), so overlap scans can start this far before the window instead of at the
 * instrument's first booking.
 */
export const MAX_BLOCK_MS = 8 * 86_400_000;
export type ScheduleRow = typeof instrumentSchedules.$inferSelect;

export interface BookingScope {
  institutionId?: number;
  requesterOrganisationId?: number;
}

export type RateItemBrief = {
  id: number;
  instrumentId: number;
  unit: 'hour' | 'sample';
  labelZh: string;
  labelEn: string | null;
  internalFen: number;
  academicFen: number;
  enterpriseFen: number;
};

export type InstrumentBrief = {
  id: number;
  nameZh: string;
  institutionId: number;
  institutionName: string;
  timeZone: string;
  sharingMode: SharingMode;
  runStatus: RunStatus;
  categoryCode: string;
};

/** Where an instrument is and whom to ask (the catalogue record's fields). */
export type InstrumentContact = {
  address: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
};

export interface BookingEventEntry {
  event: {
    id: number;
    bookingId: number;
    fromStatus: BookingStatus | null;
    toStatus: BookingStatus;
    actorId: number | null;
    at: number;
    reason: string | null;
  };
  actorName: string | null;
}

// The statements every booking request runs are SQL texts (the port prepares each text once):
// drizzle's query building and row mapping cost more than the queries themselves. Aliases are
// quoted so that PostgreSQL keeps their case.

const BOOKING_COLUMNS = `id, instrument_id AS "instrumentId", institution_id AS "institutionId",
  requester_id AS "requesterId", requester_organisation_id AS "requesterOrganisationId", mode, status,
  start_at AS "startAt", end_at AS "endAt", block_start_at AS "blockStartAt", block_end_at AS "blockEndAt",
  sample_count AS "sampleCount", wanted_by AS "wantedBy", purpose, urgent, user_type AS "userType",
  quoted_fen AS "quotedFen", rate_item_id AS "rateItemId", price_lines AS "priceLines",
  price_snapshot AS "priceSnapshot", funding_source AS "fundingSource", payment_method AS "paymentMethod", actual_minutes AS "actualMinutes", actual_samples AS "actualSamples",
  final_fen AS "finalFen", final_lines AS "finalLines", report_url AS "reportUrl", report_file AS "reportFile",
  report_name AS "reportName", report_type AS "reportType", rating, rating_comment AS "ratingComment",
  quote_id AS "quoteId", idempotency_key AS "idempotencyKey", created_at AS "createdAt", updated_at AS "updatedAt",
  sample_name AS "sampleName", sample_type AS "sampleType", sample_hazards AS "sampleHazards",
  sample_delivery AS "sampleDelivery"`;

/** A bookings row under BOOKING_COLUMNS, with its JSON and flags decoded. */
function bookingRow(raw: Record<string, unknown> | undefined): BookingRow | undefined {
  if (!raw) return undefined;
  return {
    ...(raw as BookingRow),
    urgent: fromBool(raw.urgent),
    priceLines: fromJson<PriceLine[]>(raw.priceLines),
    finalLines: raw.finalLines === null ? null : fromJson<PriceLine[]>(raw.finalLines),
    priceSnapshot: raw.priceSnapshot == null ? null : fromJson<PriceSnapshot>(raw.priceSnapshot),
    sampleHazards: raw.sampleHazards == null ? null : fromJson<SampleHazard[]>(raw.sampleHazards),
  };
}

const SCHEDULE_SQL = `SELECT instrument_id AS "instrumentId", weekly_hours AS "weeklyHours",
  slot_minutes AS "slotMinutes", min_booking_minutes AS "minBookingMinutes",
  max_booking_minutes AS "maxBookingMinutes", min_notice_minutes AS "minNoticeMinutes",
  horizon_days AS "horizonDays", setup_buffer_minutes AS "setupBufferMinutes",
  cleanup_buffer_minutes AS "cleanupBufferMinutes", machine_time_enabled AS "machineTimeEnabled",
  sample_enabled AS "sampleEnabled", approval_required AS "approvalRequired",
  qualification_required AS "qualificationRequired", cancellation_deadline_hours AS "cancellationDeadlineHours",
  observe_holidays AS "observeHolidays", no_show_charge_percent AS "noShowChargePercent",
  check_in_opens_minutes AS "checkInOpensMinutes", no_show_grace_minutes AS "noShowGraceMinutes",
  updated_at AS "updatedAt"
  FROM instrument_schedules WHERE instrument_id = ?`;

function scheduleRow(raw: Record<string, unknown> | undefined): ScheduleRow | undefined {
  if (!raw) return undefined;
  return {
    ...(raw as ScheduleRow),
    weeklyHours: fromJson<ScheduleRow['weeklyHours']>(raw.weeklyHours),
    machineTimeEnabled: fromBool(raw.machineTimeEnabled),
    sampleEnabled: fromBool(raw.sampleEnabled),
    approvalRequired: fromBool(raw.approvalRequired),
    qualificationRequired: fromBool(raw.qualificationRequired),
    observeHolidays: fromBool(raw.observeHolidays),
  };
}

const INSTRUMENT_BRIEF = `SELECT i.id, i.name_zh AS "nameZh", i.institution_id AS "institutionId",
  o.name AS "institutionName", i.time_zone AS "timeZone", i.sharing_mode AS "sharingMode",
  i.run_status AS "runStatus", i.category_code AS "categoryCode"
  FROM instruments i JOIN organisations o ON o.id = i.institution_id`;

const CLOSURES_SQL = `SELECT id, instrument_id AS "instrumentId", start_at AS "startAt", end_at AS "endAt", reason,
    created_by AS "createdBy", created_at AS "createdAt"
  FROM closures WHERE instrument_id = ? AND start_at < ? AND end_at > ? ORDER BY start_at`;

const HOLIDAYS_SQL = `SELECT date, kind, name_zh AS "nameZh", name_en AS "nameEn" FROM holidays
  WHERE date >= ? AND date <= ? ORDER BY date`;

const ACTIVE = `status IN ('pending_payment', 'requested', 'approved', 'in_progress')`;

/** The blocks of active bookings in a window (the index on blocks bounds the scan on both sides). */
const BUSY_BLOCKS_SQL = `SELECT block_start_at AS start, block_end_at AS "end" FROM bookings
  WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ? AND id != ? AND ${ACTIVE}
  ORDER BY block_start_at`;

const OVERLAP_SQL = `SELECT 1 FROM bookings
  WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ? AND id != ? AND ${ACTIVE}
  LIMIT 1`;

const ACTIVE_BOOKINGS_SQL = `SELECT ${BOOKING_COLUMNS} FROM bookings
  WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ? AND ${ACTIVE}
  ORDER BY block_start_at`;

const BOOKING_SQL = `SELECT ${BOOKING_COLUMNS} FROM bookings WHERE id = ?`;

const BOOKING_BY_KEY_SQL = `SELECT ${BOOKING_COLUMNS} FROM bookings WHERE requester_id = ? AND idempotency_key = ?`;

const INSERT_BOOKING_SQL = `INSERT INTO bookings (instrument_id, institution_id, requester_id,
    requester_organisation_id, mode, status, start_at, end_at, block_start_at, block_end_at, sample_count, wanted_by,
    purpose, urgent, user_type, quoted_fen, rate_item_id, price_lines, price_snapshot, funding_source, payment_method, quote_id, idempotency_key, created_at,
    updated_at, sample_name, sample_type, sample_hazards, sample_delivery)
  VALUES (@instrumentId, @institutionId, @requesterId, @requesterOrganisationId, @mode, @status, @startAt, @endAt,
    @blockStartAt, @blockEndAt, @sampleCount, @wantedBy, @purpose, @urgent, @userType, @quotedFen, @rateItemId,
    @priceLines, @priceSnapshot, @fundingSource, @paymentMethod, @quoteId, @idempotencyKey, @createdAt, @updatedAt,
    @sampleName, @sampleType, @sampleHazards, @sampleDelivery)
  RETURNING ${BOOKING_COLUMNS}`;

/** n events in one statement (a new booking writes two at once); their ids ascend in VALUES order. */
const insertEventsSql = (
  n: number,
) => `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at, reason)
  VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`;

const EVENT_COLUMNS = `e.id, e.booking_id AS "bookingId", e.from_status AS "fromStatus", e.to_status AS "toStatus",
  e.actor_id AS "actorId", e.at, e.reason, u.display_name AS "actorName"
  FROM booking_events e LEFT JOIN users u ON u.id = e.actor_id`;

const EVENTS_SQL = `SELECT ${EVENT_COLUMNS} WHERE e.booking_id = ? ORDER BY e.id`;

// The IN-lists below take the ids as ONE parameter (listParam), so one statement serves any number
// of ids: a JSON array read by `json_each(?)` on SQLite, an array compared with `= ANY(?)` on
// PostgreSQL. Each query keeps both texts; `byEngine` picks one where it runs.

const EVENTS_OF_SQL = {
  sqlite: `SELECT ${EVENT_COLUMNS}
  WHERE e.booking_id IN (SELECT value FROM json_each(?)) ORDER BY e.booking_id, e.id`,
  postgres: `SELECT ${EVENT_COLUMNS}
  WHERE e.booking_id = ANY(?::bigint[]) ORDER BY e.booking_id, e.id`,
};

/** The views' instruments: the brief, and where the lab is and whom to ask (address, contact). */
const INSTRUMENT_WITH_CONTACT = INSTRUMENT_BRIEF.replace(
  ' FROM instruments i',
  `, i.address, i.contact_name AS "contactName", i.contact_phone AS "contactPhone",
  i.contact_email AS "contactEmail" FROM instruments i`,
);

/** One instrument with its address and contact: a new booking's answer shows them as the booking's read does. */
const INSTRUMENT_SQL = `${INSTRUMENT_WITH_CONTACT} WHERE i.id = ?`;

const INSTRUMENTS_BRIEF_SQL = {
  sqlite: `${INSTRUMENT_WITH_CONTACT} WHERE i.id IN (SELECT value FROM json_each(?))`,
  postgres: `${INSTRUMENT_WITH_CONTACT} WHERE i.id = ANY(?::bigint[])`,
};

const PEOPLE_COLUMNS = `SELECT u.id, u.display_name AS name, u.organisation_id AS "organisationId",
    o.name AS "organisationName"
  FROM users u JOIN organisations o ON o.id = u.organisation_id`;
/** One person (a new booking's requester): by key, no id list to pass and unpack. */
const PERSON_SQL = `${PEOPLE_COLUMNS} WHERE u.id = ?`;
const PEOPLE_SQL = {
  sqlite: `${PEOPLE_COLUMNS}
  WHERE u.id IN (SELECT value FROM json_each(?))`,
  postgres: `${PEOPLE_COLUMNS}
  WHERE u.id = ANY(?::bigint[])`,
};

/**
 * Training records that are a user's: granted to their account, or to their e-mail address before
 * it had one.
 */
function heldBy(userId: number): SQL {
  return or(
    eq(trainingRecords.userId, userId),
    and(
      isNull(trainingRecords.userId),
      eq(trainingRecords.userEmail, sql`(SELECT ${users.email} FROM ${users} WHERE ${users.id} = ${userId})`),
    ),
  )!;
}

type EventRow = BookingEventEntry['event'] & { actorName: string | null };
const eventEntry = ({ actorName, ...event }: EventRow): BookingEventEntry => ({ event, actorName });

export class BookingRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): BookingRepo {
    return new BookingRepo(q);
  }

  async instrument(id: number): Promise<(InstrumentBrief & InstrumentContact) | undefined> {
    return this.q.get<InstrumentBrief & InstrumentContact>(INSTRUMENT_SQL, [id]);
  }

  async schedule(instrumentId: number): Promise<ScheduleRow | undefined> {
    return scheduleRow(await this.q.get(SCHEDULE_SQL, [instrumentId]));
  }

  async upsertSchedule(row: ScheduleRow): Promise<void> {
    const { instrumentId: _id, ...set } = row;
    await this.q.orm
      .insert(instrumentSchedules)
      .values(row)
      .onConflictDoUpdate({ target: instrumentSchedules.instrumentId, set })
      .run();
  }

  async setTimeZone(instrumentId: number, timeZone: string): Promise<void> {
    await this.q.orm.update(instruments).set({ timeZone }).where(eq(instruments.id, instrumentId)).run();
  }

  async closures(instrumentId: number, from: number, to: number): Promise<(typeof closures.$inferSelect)[]> {
    return this.q.all<typeof closures.$inferSelect>(CLOSURES_SQL, [instrumentId, to, from]);
  }

  async insertClosure(row: typeof closures.$inferInsert) {
    return this.q.orm.insert(closures).values(row).returning().get();
  }

  /** Removes a closure of this instrument; false if it has none with that id (any more). */
  async deleteClosure(id: number, instrumentId: number): Promise<boolean> {
    const { changes } = await this.q.run('DELETE FROM closures WHERE id = ? AND instrument_id = ?', [id, instrumentId]);
    return changes > 0;
  }

  async holidays(fromDate: string, toDate: string): Promise<(typeof holidays.$inferSelect)[]> {
    return this.q.all<typeof holidays.$inferSelect>(HOLIDAYS_SQL, [fromDate, toDate]);
  }

  /** Moved on by every change of `holidays` (a trigger), whoever made it. */
  async calendarVersion(): Promise<number> {
    return Number(await this.q.value('SELECT version FROM calendar_meta WHERE id = 1'));
  }

  async allHolidays() {
    return this.q.orm.select().from(holidays).orderBy(asc(holidays.date)).all();
  }

  async upsertHoliday(row: typeof holidays.$inferInsert): Promise<void> {
    const { date: _d, ...set } = row;
    await this.q.orm.insert(holidays).values(row).onConflictDoUpdate({ target: holidays.date, set }).run();
  }

  async deleteHoliday(date: string): Promise<boolean> {
    const { changes } = await this.q.run('DELETE FROM holidays WHERE date = ?', [date]);
    return changes > 0;
  }

  /** Time held by active bookings on an instrument in a window (blocks, buffers included). */
  async busyBlocks(
    instrumentId: number,
    from: number,
    to: number,
    exceptBookingId = 0,
  ): Promise<{ start: number; end: number }[]> {
    return this.q.all<{ start: number; end: number }>(BUSY_BLOCKS_SQL, [
      instrumentId,
      to,
      from - MAX_BLOCK_MS,
      from,
      exceptBookingId,
    ]);
  }

  /** Does any active booking's block overlap this one? The check inside the booking transaction. */
  async overlaps(instrumentId: number, blockStart: number, blockEnd: number, exceptBookingId = 0): Promise<boolean> {
    const found = await this.q.get(OVERLAP_SQL, [
      instrumentId,
      blockEnd,
      blockStart - MAX_BLOCK_MS,
      blockStart,
      exceptBookingId,
    ]);
    return found !== undefined;
  }

  async validTraining(instrumentId: number, userId: number, today: string) {
    return this.q.orm
      .select()
      .from(trainingRecords)
      .where(
        and(
          eq(trainingRecords.instrumentId, instrumentId),
          heldBy(userId),
          isNull(trainingRecords.revokedAt),
          gte(trainingRecords.expiresOn, today),
        ),
      )
      .get();
  }

  async latestTraining(instrumentId: number, userId: number) {
    return this.q.orm
      .select()
      .from(trainingRecords)
      .where(and(eq(trainingRecords.instrumentId, instrumentId), heldBy(userId)))
      .orderBy(desc(trainingRecords.grantedAt))
      .get();
  }

  /** Records with the account behind each (null for a grant to an address without one). */
  async trainingRecords(where: { institutionId?: number; userId?: number; instrumentId?: number }) {
    const conds: SQL[] = [];
    if (where.institutionId !== undefined) conds.push(eq(instruments.institutionId, where.institutionId));
    if (where.userId !== undefined) conds.push(heldBy(where.userId));
    if (where.instrumentId !== undefined) conds.push(eq(trainingRecords.instrumentId, where.instrumentId));
    return this.q.orm
      .select({
        record: trainingRecords,
        instrumentName: instruments.nameZh,
        institutionId: instruments.institutionId,
        user: { id: users.id, displayName: users.displayName },
      })
      .from(trainingRecords)
      .innerJoin(instruments, eq(instruments.id, trainingRecords.instrumentId))
      .leftJoin(
        users,
        or(
          eq(users.id, trainingRecords.userId),
          and(isNull(trainingRecords.userId), eq(users.email, trainingRecords.userEmail)),
        ),
      )
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(trainingRecords.grantedAt))
      .limit(500)
      .all();
  }

  async trainingRecord(id: number) {
    return this.q.orm
      .select({ record: trainingRecords, institutionId: instruments.institutionId })
      .from(trainingRecords)
      .innerJoin(instruments, eq(instruments.id, trainingRecords.instrumentId))
      .where(eq(trainingRecords.id, id))
      .get();
  }

  async insertTraining(row: typeof trainingRecords.$inferInsert) {
    return this.q.orm.insert(trainingRecords).values(row).returning().get();
  }

  /** Revokes a record not revoked yet (a second revocation keeps the first one's time). */
  async revokeTraining(id: number, at: number): Promise<void> {
    await this.q.orm
      .update(trainingRecords)
      .set({ revokedAt: at })
      .where(and(eq(trainingRecords.id, id), isNull(trainingRecords.revokedAt)))
      .run();
  }

  async userByEmail(email: string) {
    return this.q.orm.select().from(users).where(eq(users.email, email)).get();
  }

  // Bookings

  async booking(id: number): Promise<BookingRow | undefined> {
    return bookingRow(await this.q.get(BOOKING_SQL, [id]));
  }

  async bookingByIdempotencyKey(requesterId: number, key: string): Promise<BookingRow | undefined> {
    return bookingRow(await this.q.get(BOOKING_BY_KEY_SQL, [requesterId, key]));
  }

  /** The insert at the heart of every booking request: one SQL text, no query building. */
  async insertBooking(row: typeof bookings.$inferInsert): Promise<BookingRow> {
    const inserted = await this.q.get(INSERT_BOOKING_SQL, {
      instrumentId: row.instrumentId,
      institutionId: row.institutionId,
      requesterId: row.requesterId,
      requesterOrganisationId: row.requesterOrganisationId,
      mode: row.mode,
      status: row.status,
      startAt: row.startAt ?? null,
      endAt: row.endAt ?? null,
      blockStartAt: row.blockStartAt ?? null,
      blockEndAt: row.blockEndAt ?? null,
      sampleCount: row.sampleCount ?? null,
      wantedBy: row.wantedBy ?? null,
      purpose: row.purpose ?? null,
      urgent: row.urgent ?? false,
      userType: row.userType,
      quotedFen: row.quotedFen,
      rateItemId: row.rateItemId ?? null,
      priceLines: JSON.stringify(row.priceLines),
      priceSnapshot: row.priceSnapshot ? JSON.stringify(row.priceSnapshot) : null,
      fundingSource: row.fundingSource ?? null,
      paymentMethod: row.paymentMethod ?? null,
      quoteId: row.quoteId ?? null,
      idempotencyKey: row.idempotencyKey ?? null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      sampleName: row.sampleName ?? null,
      sampleType: row.sampleType ?? null,
      sampleHazards: row.sampleHazards ? JSON.stringify(row.sampleHazards) : null,
      sampleDelivery: row.sampleDelivery ?? null,
    });
    return bookingRow(inserted)!;
  }

  async updateBooking(id: number, changes: Partial<typeof bookings.$inferInsert>): Promise<void> {
    await this.q.orm.update(bookings).set(changes).where(eq(bookings.id, id)).run();
  }

  async insertEvent(row: typeof bookingEvents.$inferInsert): Promise<void> {
    await this.insertEvents([row]);
  }

  /** Events in the order given, in one statement. */
  async insertEvents(rows: (typeof bookingEvents.$inferInsert)[]): Promise<void> {
    if (!rows.length) return;
    await this.q.run(
      insertEventsSql(rows.length),
      rows.flatMap((r) => [r.bookingId, r.fromStatus ?? null, r.toStatus, r.actorId ?? null, r.at, r.reason ?? null]),
    );
  }

  async events(bookingId: number): Promise<BookingEventEntry[]> {
    return (await this.q.all<EventRow>(EVENTS_SQL, [bookingId])).map(eventEntry);
  }

  /** The audit trails of several bookings in one statement, by booking (each in order). */
  async eventsOf(bookingIds: number[]): Promise<Map<number, BookingEventEntry[]>> {
    const byBooking = new Map<number, BookingEventEntry[]>(bookingIds.map((id) => [id, []]));
    if (!bookingIds.length) return byBooking;
    const rows =
      bookingIds.length === 1
        ? await this.q.all<EventRow>(EVENTS_SQL, [bookingIds[0]])
        : await this.q.all<EventRow>(byEngine(this.q.engine, EVENTS_OF_SQL), [listParam(this.q.engine, bookingIds)]);
    for (const row of rows) byBooking.get(row.bookingId)?.push(eventEntry(row));
    return byBooking;
  }

  async listBookings(
    scope: BookingScope,
    filter: { status?: BookingStatus; instrumentId?: number; from?: number; to?: number; beforeId?: number },
    limit: number,
  ): Promise<BookingRow[]> {
    const conds: SQL[] = [];
    if (scope.institutionId !== undefined) conds.push(eq(bookings.institutionId, scope.institutionId));
    if (scope.requesterOrganisationId !== undefined)
      conds.push(eq(bookings.requesterOrganisationId, scope.requesterOrganisationId));
    // A failed checkout is not a booking the user made: shown only when asked for by status.
    if (filter.status) conds.push(eq(bookings.status, filter.status));
    else conds.push(ne(bookings.status, 'payment_failed'));
    if (filter.instrumentId !== undefined) conds.push(eq(bookings.instrumentId, filter.instrumentId));
    if (filter.from !== undefined) conds.push(or(gt(bookings.endAt, filter.from), isNull(bookings.endAt))!);
    if (filter.to !== undefined) conds.push(or(lt(bookings.startAt, filter.to), isNull(bookings.startAt))!);
    if (filter.beforeId !== undefined) conds.push(lt(bookings.id, filter.beforeId));
    return this.q.orm
      .select()
      .from(bookings)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(bookings.id))
      .limit(limit)
      .all();
  }

  /** Active bookings holding time in a window (the index on blocks bounds the scan on both sides). */
  async activeBookingsOf(instrumentId: number, from: number, to: number): Promise<BookingRow[]> {
    const rows = await this.q.all(ACTIVE_BOOKINGS_SQL, [instrumentId, to, from - MAX_BLOCK_MS, from]);
    return rows.map((r) => bookingRow(r)!);
  }

  async bookingsOfUser(userId: number, since: number): Promise<BookingRow[]> {
    return this.q.orm
      .select()
      .from(bookings)
      .where(and(eq(bookings.requesterId, userId), gt(bookings.createdAt, since)))
      .orderBy(desc(bookings.id))
      .limit(1000)
      .all();
  }

  async people(
    userIds: number[],
  ): Promise<{ id: number; name: string; organisationId: number; organisationName: string }[]> {
    if (!userIds.length) return [];
    if (userIds.length === 1) return this.q.all(PERSON_SQL, [userIds[0]!]);
    return this.q.all(byEngine(this.q.engine, PEOPLE_SQL), [listParam(this.q.engine, userIds)]);
  }

  async instrumentsBrief(ids: number[]): Promise<(InstrumentBrief & InstrumentContact)[]> {
    if (!ids.length) return [];
    return this.q.all<InstrumentBrief & InstrumentContact>(byEngine(this.q.engine, INSTRUMENTS_BRIEF_SQL), [
      listParam(this.q.engine, ids),
    ]);
  }

  /** The rate card items of instruments, in card order (for naming the item an older booking was priced by). */
  async rateItemsOf(instrumentIds: number[]): Promise<RateItemBrief[]> {
    if (!instrumentIds.length) return [];
    return this.q.orm
      .select({
        id: rateCardItems.id,
        instrumentId: rateCardItems.instrumentId,
        unit: rateCardItems.unit,
        labelZh: rateCardItems.labelZh,
        labelEn: rateCardItems.labelEn,
        internalFen: rateCardItems.internalFen,
        academicFen: rateCardItems.academicFen,
        enterpriseFen: rateCardItems.enterpriseFen,
      })
      .from(rateCardItems)
      .where(inArray(rateCardItems.instrumentId, instrumentIds))
      .orderBy(asc(rateCardItems.instrumentId), asc(rateCardItems.sortOrder), asc(rateCardItems.id))
      .all();
  }

  async calendarToken(userId: number) {
    return this.q.orm.select().from(calendarTokens).where(eq(calendarTokens.userId, userId)).get();
  }

  /** The feed's owner, if the token's hash is known and the owner not disabled. */
  async calendarOwner(tokenHash: string): Promise<{ userId: number } | undefined> {
    return this.q.orm
      .select({ userId: calendarTokens.userId })
      .from(calendarTokens)
      .innerJoin(users, eq(users.id, calendarTokens.userId))
      .where(and(eq(calendarTokens.tokenHash, tokenHash), isNull(users.disabledAt)))
      .get();
  }

  /** One feed address per user: a new one replaces (and so ends) the old. */
  async replaceCalendarToken(row: typeof calendarTokens.$inferInsert): Promise<void> {
    await this.q.orm
      .insert(calendarTokens)
      .values(row)
      .onConflictDoUpdate({
        target: calendarTokens.userId,
        set: { tokenHash: row.tokenHash, createdAt: row.createdAt },
      })
      .run();
  }
}
