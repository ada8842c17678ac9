/** SQL of booking: schedules, closures, holidays, training records, bookings and their audit trail. */
import type { Statement } from 'better-sqlite3';
import { and, asc, desc, eq, gt, gte, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { readTransaction, statementCache, writeTransaction, type Db } from '../../../db/client.ts';
import type { bookingEvents } from '../../../db/schema/index.ts';
import {
  bookings,
  calendarTokens,
  closures,
  holidays,
  instrumentSchedules,
  instruments,
  organisations,
  trainingRecords,
  users,
  type BookingStatus,
  type RunStatus,
  type SharingMode,
} from '../../../db/schema/index.ts';

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

const ph = (name: string) => sql.placeholder(name);
/** `column IN (the ids in a JSON array parameter)`: one prepared statement for any number of ids. */
const inJsonList = (column: SQLiteColumn, name: string) => sql`${column} IN (SELECT value FROM json_each(${ph(name)}))`;

/** The queries every booking request runs, prepared once (drizzle would otherwise rebuild them per call). */
function prepareHotQueries(db: Db) {
  return {
    holidays: db
      .select()
      .from(holidays)
      .where(and(gte(holidays.date, ph('from')), lte(holidays.date, ph('to'))))
      .orderBy(asc(holidays.date))
      .prepare(),
    people: db
      .select({
        id: users.id,
        name: users.displayName,
        organisationId: users.organisationId,
        organisationName: organisations.name,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(inJsonList(users.id, 'ids'))
      .prepare(),
  };
}

const BOOKING_COLUMNS = `id, instrument_id AS instrumentId, institution_id AS institutionId, requester_id AS requesterId,
  requester_organisation_id AS requesterOrganisationId, mode, status, start_at AS startAt, end_at AS endAt,
  block_start_at AS blockStartAt, block_end_at AS blockEndAt, sample_count AS sampleCount, wanted_by AS wantedBy,
  purpose, urgent, user_type AS userType, quoted_fen AS quotedFen, rate_item_id AS rateItemId, price_lines AS priceLines,
  payment_method AS paymentMethod,
  actual_minutes AS actualMinutes, actual_samples AS actualSamples, final_fen AS finalFen, final_lines AS finalLines,
  report_url AS reportUrl, report_file AS reportFile, report_name AS reportName, report_type AS reportType, rating, rating_comment AS ratingComment, idempotency_key AS idempotencyKey,
  created_at AS createdAt, updated_at AS updatedAt`;

/** A bookings row as SQLite returns it under BOOKING_COLUMNS, with its JSON and flags decoded. */
function bookingRow(raw: Record<string, unknown> | undefined): BookingRow | undefined {
  if (!raw) return undefined;
  return {
    ...(raw as BookingRow),
    urgent: raw.urgent === 1,
    priceLines: JSON.parse(raw.priceLines as string),
    finalLines: raw.finalLines === null ? null : JSON.parse(raw.finalLines as string),
  };
}

const SCHEDULE_COLUMNS = `instrument_id AS instrumentId, weekly_hours AS weeklyHours, slot_minutes AS slotMinutes,
  min_booking_minutes AS minBookingMinutes, max_booking_minutes AS maxBookingMinutes,
  min_notice_minutes AS minNoticeMinutes, horizon_days AS horizonDays, setup_buffer_minutes AS setupBufferMinutes,
  cleanup_buffer_minutes AS cleanupBufferMinutes, machine_time_enabled AS machineTimeEnabled,
  sample_enabled AS sampleEnabled, approval_required AS approvalRequired,
  qualification_required AS qualificationRequired, cancellation_deadline_hours AS cancellationDeadlineHours,
  observe_holidays AS observeHolidays, no_show_charge_percent AS noShowChargePercent,
  check_in_opens_minutes AS checkInOpensMinutes, no_show_grace_minutes AS noShowGraceMinutes, updated_at AS updatedAt`;

function scheduleRow(raw: Record<string, unknown> | undefined): ScheduleRow | undefined {
  if (!raw) return undefined;
  return {
    ...(raw as ScheduleRow),
    weeklyHours: JSON.parse(raw.weeklyHours as string),
    machineTimeEnabled: raw.machineTimeEnabled === 1,
    sampleEnabled: raw.sampleEnabled === 1,
    approvalRequired: raw.approvalRequired === 1,
    qualificationRequired: raw.qualificationRequired === 1,
    observeHolidays: raw.observeHolidays === 1,
  };
}

const INSTRUMENT_BRIEF = `SELECT i.id, i.name_zh AS nameZh, i.institution_id AS institutionId, o.name AS institutionName,
  i.time_zone AS timeZone, i.sharing_mode AS sharingMode, i.run_status AS runStatus, i.category_code AS categoryCode
  FROM instruments i JOIN organisations o ON o.id = i.institution_id`;

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

export class BookingRepo {
  private readonly stmt: (sql: string) => Statement;
  private readonly q;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
    this.q = prepareHotQueries(db);
  }

  /** A write transaction that takes the database lock before reading (check-then-insert safe). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /** Reads in one deferred transaction (a savepoint inside another): one snapshot, one lock for all. */
  reading<T>(fn: () => T): T {
    return readTransaction(this.db, fn);
  }

  // The lookups every booking request makes are plain cached statements: drizzle's row mapping
  // cost more than the queries themselves.

  instrument(id: number): InstrumentBrief | undefined {
    return this.stmt(`${INSTRUMENT_BRIEF} WHERE i.id = ?`).get(id) as InstrumentBrief | undefined;
  }

  schedule(instrumentId: number): ScheduleRow | undefined {
    return scheduleRow(
      this.stmt(`SELECT ${SCHEDULE_COLUMNS} FROM instrument_schedules WHERE instrument_id = ?`).get(instrumentId) as
        Record<string, unknown> | undefined,
    );
  }

  upsertSchedule(row: ScheduleRow): void {
    const { instrumentId: _id, ...set } = row;
    this.db
      .insert(instrumentSchedules)
      .values(row)
      .onConflictDoUpdate({ target: instrumentSchedules.instrumentId, set })
      .run();
  }

  setTimeZone(instrumentId: number, timeZone: string): void {
    this.db.update(instruments).set({ timeZone }).where(eq(instruments.id, instrumentId)).run();
  }

  closures(instrumentId: number, from: number, to: number): (typeof closures.$inferSelect)[] {
    return this.stmt(
      `SELECT id, instrument_id AS instrumentId, start_at AS startAt, end_at AS endAt, reason, created_by AS createdBy,
         created_at AS createdAt
       FROM closures WHERE instrument_id = ? AND start_at < ? AND end_at > ? ORDER BY start_at`,
    ).all(instrumentId, to, from) as (typeof closures.$inferSelect)[];
  }

  closure(id: number) {
    return this.db.select().from(closures).where(eq(closures.id, id)).get();
  }

  insertClosure(row: typeof closures.$inferInsert) {
    return this.db.insert(closures).values(row).returning().get();
  }

  deleteClosure(id: number): void {
    this.db.delete(closures).where(eq(closures.id, id)).run();
  }

  holidays(fromDate: string, toDate: string) {
    return this.q.holidays.all({ from: fromDate, to: toDate });
  }

  allHolidays() {
    return this.db.select().from(holidays).orderBy(asc(holidays.date)).all();
  }

  upsertHoliday(row: typeof holidays.$inferInsert): void {
    const { date: _d, ...set } = row;
    this.db.insert(holidays).values(row).onConflictDoUpdate({ target: holidays.date, set }).run();
  }

  deleteHoliday(date: string): boolean {
    return this.db.delete(holidays).where(eq(holidays.date, date)).run().changes > 0;
  }

  /** Time held by active bookings on an instrument in a window (blocks, buffers included). */
  busyBlocks(instrumentId: number, from: number, to: number, exceptBookingId = 0): { start: number; end: number }[] {
    return this.stmt(
      `SELECT block_start_at AS start, block_end_at AS end FROM bookings
       WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ? AND id != ?
         AND status IN ('pending_payment', 'requested', 'approved', 'in_progress')
       ORDER BY block_start_at`,
    ).all(instrumentId, to, from - MAX_BLOCK_MS, from, exceptBookingId) as { start: number; end: number }[];
  }

  /** Does any active booking's block overlap this one? The check inside the booking transaction. */
  overlaps(instrumentId: number, blockStart: number, blockEnd: number, exceptBookingId = 0): boolean {
    return (
      this.stmt(
        `SELECT 1 FROM bookings WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ?
           AND id != ? AND status IN ('pending_payment', 'requested', 'approved', 'in_progress') LIMIT 1`,
      ).get(instrumentId, blockEnd, blockStart - MAX_BLOCK_MS, blockStart, exceptBookingId) !== undefined
    );
  }

  validTraining(instrumentId: number, userId: number, today: string) {
    return this.db
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

  latestTraining(instrumentId: number, userId: number) {
    return this.db
      .select()
      .from(trainingRecords)
      .where(and(eq(trainingRecords.instrumentId, instrumentId), heldBy(userId)))
      .orderBy(desc(trainingRecords.grantedAt))
      .get();
  }

  /** Records with the account behind each (null for a grant to an address without one). */
  trainingRecords(where: { institutionId?: number; userId?: number; instrumentId?: number }) {
    const conds: SQL[] = [];
    if (where.institutionId !== undefined) conds.push(eq(instruments.institutionId, where.institutionId));
    if (where.userId !== undefined) conds.push(heldBy(where.userId));
    if (where.instrumentId !== undefined) conds.push(eq(trainingRecords.instrumentId, where.instrumentId));
    return this.db
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

  trainingRecord(id: number) {
    return this.db
      .select({ record: trainingRecords, institutionId: instruments.institutionId })
      .from(trainingRecords)
      .innerJoin(instruments, eq(instruments.id, trainingRecords.instrumentId))
      .where(eq(trainingRecords.id, id))
      .get();
  }

  insertTraining(row: typeof trainingRecords.$inferInsert) {
    return this.db.insert(trainingRecords).values(row).returning().get();
  }

  revokeTraining(id: number, at: number): void {
    this.db.update(trainingRecords).set({ revokedAt: at }).where(eq(trainingRecords.id, id)).run();
  }

  userByEmail(email: string) {
    return this.db.select().from(users).where(eq(users.email, email)).get();
  }

  // Bookings

  booking(id: number): BookingRow | undefined {
    return bookingRow(
      this.stmt(`SELECT ${BOOKING_COLUMNS} FROM bookings WHERE id = ?`).get(id) as Record<string, unknown> | undefined,
    );
  }

  bookingByIdempotencyKey(requesterId: number, key: string): BookingRow | undefined {
    return bookingRow(
      this.stmt(`SELECT ${BOOKING_COLUMNS} FROM bookings WHERE requester_id = ? AND idempotency_key = ?`).get(
        requesterId,
        key,
      ) as Record<string, unknown> | undefined,
    );
  }

  /** The insert at the heart of every booking request: one cached statement, no query building. */
  insertBooking(row: typeof bookings.$inferInsert): BookingRow {
    const inserted = this.stmt(
      `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status,
         start_at, end_at, block_start_at, block_end_at, sample_count, wanted_by, purpose, urgent, user_type,
         quoted_fen, rate_item_id, price_lines, payment_method, idempotency_key, created_at, updated_at)
       VALUES (@instrumentId, @institutionId, @requesterId, @requesterOrganisationId, @mode, @status, @startAt, @endAt,
         @blockStartAt, @blockEndAt, @sampleCount, @wantedBy, @purpose, @urgent, @userType, @quotedFen, @rateItemId,
         @priceLines, @paymentMethod, @idempotencyKey, @createdAt, @updatedAt)
       RETURNING ${BOOKING_COLUMNS}`,
    ).get({
      startAt: null,
      endAt: null,
      blockStartAt: null,
      blockEndAt: null,
      sampleCount: null,
      wantedBy: null,
      purpose: null,
      idempotencyKey: null,
      paymentMethod: null,
      rateItemId: null,
      ...row,
      urgent: row.urgent ? 1 : 0,
      priceLines: JSON.stringify(row.priceLines),
    }) as Record<string, unknown>;
    return bookingRow(inserted)!;
  }

  updateBooking(id: number, changes: Partial<typeof bookings.$inferInsert>): void {
    this.db.update(bookings).set(changes).where(eq(bookings.id, id)).run();
  }

  insertEvent(row: typeof bookingEvents.$inferInsert): void {
    this.stmt(
      `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at, reason)
       VALUES (@bookingId, @fromStatus, @toStatus, @actorId, @at, @reason)`,
    ).run({ fromStatus: null, actorId: null, reason: null, ...row });
  }

  events(bookingId: number) {
    type Row = {
      id: number;
      fromStatus: BookingStatus | null;
      toStatus: BookingStatus;
      actorId: number | null;
      at: number;
      reason: string | null;
      actorName: string | null;
    };
    const rows = this.stmt(
      `SELECT e.id, e.from_status AS fromStatus, e.to_status AS toStatus, e.actor_id AS actorId, e.at, e.reason,
         u.display_name AS actorName
       FROM booking_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.booking_id = ? ORDER BY e.id`,
    ).all(bookingId) as Row[];
    return rows.map(({ actorName, ...event }) => ({ event: { ...event, bookingId }, actorName }));
  }

  listBookings(
    scope: BookingScope,
    filter: { status?: BookingStatus; instrumentId?: number; from?: number; to?: number; beforeId?: number },
    limit: number,
  ): BookingRow[] {
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
    return this.db
      .select()
      .from(bookings)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(bookings.id))
      .limit(limit)
      .all();
  }

  /** Active bookings holding time in a window (the index on blocks bounds the scan on both sides). */
  activeBookingsOf(instrumentId: number, from: number, to: number): BookingRow[] {
    const ids = this.stmt(
      `SELECT id FROM bookings WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ?
         AND status IN ('pending_payment', 'requested', 'approved', 'in_progress') ORDER BY block_start_at`,
    )
      .pluck()
      .all(instrumentId, to, from - MAX_BLOCK_MS, from) as number[];
    return ids.map((id) => this.booking(id)!);
  }

  bookingsOfUser(userId: number, since: number): BookingRow[] {
    return this.db
      .select()
      .from(bookings)
      .where(and(eq(bookings.requesterId, userId), gt(bookings.createdAt, since)))
      .orderBy(desc(bookings.id))
      .limit(1000)
      .all();
  }

  people(userIds: number[]) {
    return userIds.length ? this.q.people.all({ ids: JSON.stringify(userIds) }) : [];
  }

  instrumentsBrief(ids: number[]): InstrumentBrief[] {
    if (!ids.length) return [];
    return this.stmt(`${INSTRUMENT_BRIEF} WHERE i.id IN (SELECT value FROM json_each(?))`).all(
      JSON.stringify(ids),
    ) as InstrumentBrief[];
  }

  calendarToken(userId: number) {
    return this.db.select().from(calendarTokens).where(eq(calendarTokens.userId, userId)).get();
  }

  /** The feed's owner, if the token's hash is known and the owner not disabled. */
  calendarOwner(tokenHash: string): { userId: number } | undefined {
    return this.db
      .select({ userId: calendarTokens.userId })
      .from(calendarTokens)
      .innerJoin(users, eq(users.id, calendarTokens.userId))
      .where(and(eq(calendarTokens.tokenHash, tokenHash), isNull(users.disabledAt)))
      .get();
  }

  /** One feed address per user: a new one replaces (and so ends) the old. */
  replaceCalendarToken(row: typeof calendarTokens.$inferInsert): void {
    this.db
      .insert(calendarTokens)
      .values(row)
      .onConflictDoUpdate({
        target: calendarTokens.userId,
        set: { tokenHash: row.tokenHash, createdAt: row.createdAt },
      })
      .run();
  }
}
