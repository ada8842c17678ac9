/**
 * Keeping the roll-up current: the instrument-months that triggers marked dirty (any booking,
 * voucher-use or pushed service-record change, from any process) are recomputed from their bookings
 * and the institutions' pushed records, and the levels above follow (aggregates.ts).
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { fromBool, fromJson, type Database, type Queryable, type Tx } from '../../../db/port.ts';
import type { WeeklyHours } from '../../../db/schema/booking.ts';
import type { Clock } from '../../shared/clock.ts';
import { DEFAULT_SCHEDULE } from '../booking/booking.service.ts';
import { openIntervals, type HolidayCalendar, type ScheduleRules } from '../booking/slots.ts';
import type { Aggregates, MonthRow } from './aggregates.ts';
import { countBookings, emptyCounters, type BookingFacts, type Counters } from './figures.ts';
import { isEnterpriseCreditCode } from '../organisations/credit-code.ts';

const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;

/** Above this many changed instrument-months, the levels above are rebuilt rather than adjusted. */
const BULK = 2000;

/** An instrument-month's counters, by name, as select terms over instrument_month_stats. */
export const MONTH_COUNTERS = `open_minutes AS "openMinutes", booked_minutes AS "bookedMinutes", used_minutes AS "usedMinutes",
  external_minutes AS "externalMinutes", samples AS samples, income_fen AS "incomeFen",
  voucher_income_fen AS "voucherIncomeFen", saved_fen AS "savedFen", requests AS requests,
  completed AS completed, external_completed AS "externalCompleted", cancelled AS cancelled,
  rejected AS rejected, no_shows AS "noShows", rating_sum AS "ratingSum", rating_count AS "ratingCount"`;

const VERSION_SQL = `SELECT MAX(refreshed_at) FROM instrument_month_stats`;
const HOLIDAYS_SQL = `SELECT date, kind FROM holidays`;
const ANY_DIRTY_SQL = `SELECT 1 FROM stats_dirty LIMIT 1`;
const DIRTY_SQL = `SELECT instrument_id AS "instrumentId", month FROM stats_dirty LIMIT ?`;
const CLEAN_SQL = `DELETE FROM stats_dirty WHERE instrument_id = ? AND month = ?`;
const INSTRUMENT_SQL = `SELECT i.id, i.institution_id AS "institutionId", o.city_code AS "cityCode", substr(i.category_code, 1, 2) || '0000' AS "topCategory",
              i.time_zone AS "timeZone", i.sharing_mode AS "sharingMode", i.run_status AS "runStatus",
              s.weekly_hours AS "weeklyHours", s.observe_holidays AS "observeHolidays", s.machine_time_enabled AS "machineTime"
       FROM instruments i JOIN organisations o ON o.id = i.institution_id
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id WHERE i.id = ?`;
const DROP_MONTH_SQL = `DELETE FROM instrument_month_stats WHERE instrument_id = ? AND month = ?`;
const DROP_MONTH_ENTERPRISES_SQL = `DELETE FROM instrument_month_enterprises WHERE instrument_id = ? AND month = ?`;
const BOOKINGS_SQL = `SELECT b.status, b.mode, b.user_type AS "userType", b.requester_organisation_id AS "requesterOrganisationId",
                b.start_at AS "startAt", b.end_at AS "endAt", b.actual_minutes AS "actualMinutes",
                b.actual_samples AS "actualSamples", b.final_fen AS "finalFen", b.rating, b.created_at AS "createdAt",
                (SELECT e.at FROM booking_events e WHERE e.booking_id = b.id AND e.to_status = 'approved'
                   AND e.actor_id IS NOT NULL ORDER BY e.id LIMIT 1) AS "approvedAt",
                (SELECT SUM(u.posted_fen) FROM voucher_uses u WHERE u.booking_id = b.id AND u.status = 'posted')
                  AS "voucherPostedFen",
                (SELECT MIN(u.settlement_mode) FROM voucher_uses u WHERE u.booking_id = b.id AND u.status = 'posted')
                  AS "voucherMode",
                (SELECT SUM(u.posted_fen) FROM voucher_uses u
                   WHERE u.booking_id = b.id AND u.status = 'posted' AND u.settlement_mode = 'deduct') AS "voucherDeductFen"
         FROM bookings b
         WHERE b.instrument_id = @id
           AND ((b.start_at >= @from AND b.start_at < @to) OR (b.start_at IS NULL AND b.created_at >= @from AND b.created_at < @to))`;
/**
 * Completed services pushed by the institution's own systems (integrations module): counted as
 * completed bookings of the instrument-month, with no voucher and no approval time.
 */
const EXTERNAL_SQL = `SELECT r.mode, r.user_type AS "userType", r.user_organisation_id AS "userOrganisationId",
                o.kind AS "organisationKind", r.user_credit_code AS "creditCode", r.start_at AS "startAt", r.end_at AS "endAt",
                r.minutes, r.samples, r.amount_fen AS "amountFen", r.rating
         FROM external_service_records r LEFT JOIN organisations o ON o.id = r.user_organisation_id
         WHERE r.instrument_id = @id AND r.start_at >= @from AND r.start_at < @to`;
/** The instrument-month's row, written afresh (every column: the upsert replaces the whole row). */
const WRITE_MONTH_SQL = `INSERT INTO instrument_month_stats (instrument_id, month, institution_id, city_code, top_category,
         open_minutes, booked_minutes, used_minutes, external_minutes, samples, income_fen, voucher_income_fen, saved_fen,
         requests, completed, external_completed, cancelled, rejected, no_shows, rating_sum, rating_count, turnaround,
         refreshed_at)
       VALUES (@instrumentId, @month, @institutionId, @cityCode, @topCategory, @openMinutes, @bookedMinutes, @usedMinutes,
         @externalMinutes, @samples, @incomeFen, @voucherIncomeFen, @savedFen, @requests, @completed, @externalCompleted,
         @cancelled, @rejected, @noShows, @ratingSum, @ratingCount, @turnaround, @refreshedAt)
       ON CONFLICT (instrument_id, month) DO UPDATE SET institution_id = excluded.institution_id,
         city_code = excluded.city_code, top_category = excluded.top_category, open_minutes = excluded.open_minutes,
         booked_minutes = excluded.booked_minutes, used_minutes = excluded.used_minutes,
         external_minutes = excluded.external_minutes, samples = excluded.samples, income_fen = excluded.income_fen,
         voucher_income_fen = excluded.voucher_income_fen, saved_fen = excluded.saved_fen, requests = excluded.requests,
         completed = excluded.completed, external_completed = excluded.external_completed,
         cancelled = excluded.cancelled, rejected = excluded.rejected, no_shows = excluded.no_shows,
         rating_sum = excluded.rating_sum, rating_count = excluded.rating_count, turnaround = excluded.turnaround,
         refreshed_at = excluded.refreshed_at`;
const ADD_MONTH_ENTERPRISE_SQL = `INSERT INTO instrument_month_enterprises (instrument_id, month, enterprise_id) VALUES (?, ?, ?)`;
const MONTH_ROW_SQL = `SELECT institution_id AS "institutionId", city_code AS "cityCode", top_category AS "topCategory", turnaround, ${MONTH_COUNTERS}
       FROM instrument_month_stats WHERE instrument_id = ? AND month = ?`;
const MONTH_ENTERPRISES_SQL = `SELECT enterprise_id FROM instrument_month_enterprises WHERE instrument_id = ? AND month = ?`;
const CLOSURES_SQL = `SELECT start_at AS start, end_at AS "end" FROM closures WHERE instrument_id = ? AND start_at < ? AND end_at > ?`;

interface ExternalRecordFacts {
  mode: 'machine_time' | 'sample';
  userType: 'internal' | 'external';
  userOrganisationId: number | null;
  organisationKind: string | null;
  creditCode: string | null;
  startAt: number;
  endAt: number;
  minutes: number | null;
  samples: number | null;
  amountFen: number;
  rating: number | null;
}

/**
 * An enterprise served that is not on the platform, by its credit code: a negative key (platform
 * organisations' ids are positive) from 48 bits of the code's SHA-256, the same in every month.
 */
export const creditCodeKey = (code: string) =>
  -Number.parseInt(createHash('sha256').update(code).digest('hex').slice(0, 12), 16);

/**
 * A pushed record as the booking facts the figures count: completed; an external user is an
 * enterprise when its platform organisation is one or, not on the platform, its credit code is an
 * enterprise's (91…), otherwise academic. Sample testing with `minutes` holds the instrument that long.
 */
export function externalAsBooking(r: ExternalRecordFacts): Omit<BookingFacts, 'approvalMinutes'> & {
  approvalMinutes: null;
} {
  const enterprise =
    r.userType === 'external' &&
    (r.userOrganisationId !== null
      ? r.organisationKind === 'enterprise'
      : r.creditCode !== null && isEnterpriseCreditCode(r.creditCode));
  return {
    status: 'completed',
    mode: r.mode,
    userType: r.userType === 'internal' ? 'internal' : enterprise ? 'enterprise' : 'academic',
    requesterOrganisationId: r.userOrganisationId ?? (r.creditCode ? creditCodeKey(r.creditCode) : 0),
    startAt: r.startAt,
    endAt: r.mode === 'sample' && r.minutes !== null ? r.startAt + r.minutes * MINUTE : r.endAt,
    actualMinutes: r.mode === 'machine_time' ? r.minutes : null,
    actualSamples: r.mode === 'sample' ? r.samples : null,
    finalFen: r.amountFen,
    rating: r.rating,
    approvalMinutes: null,
    voucherPostedFen: null,
    voucherMode: null,
  };
}

interface InstrumentRow {
  institutionId: number;
  cityCode: string | null;
  topCategory: string;
  timeZone: string;
  sharingMode: string;
  runStatus: string;
  weeklyHours: unknown;
  observeHolidays: unknown;
  machineTime: unknown;
}

/** The roll-up's version: its latest refresh (the index on refreshed_at makes this a single look-up). */
export async function rollupVersion(q: Queryable): Promise<number> {
  return (await q.value<number | null>(VERSION_SQL)) ?? 0;
}

/** The public holidays and the weekend days worked instead. */
export async function loadHolidays(q: Queryable): Promise<HolidayCalendar> {
  const off = new Set<string>();
  const workdays = new Set<string>();
  for (const h of await q.all<{ date: string; kind: string }>(HOLIDAYS_SQL))
    (h.kind === 'off' ? off : workdays).add(h.date);
  return { off, workdays };
}

/**
 * An instrument-month's counters from its row (and the turnaround JSON of each row summed, for a
 * sum over months).
 */
export function toCounters(row: Record<string, unknown>, turnarounds: unknown[]): Counters & { openMinutes: number } {
  const c = emptyCounters();
  for (const k of Object.keys(c) as (keyof Counters)[]) {
    if (k !== 'turnaround') (c[k] as number) = Number(row[k] ?? 0);
  }
  for (const t of turnarounds) {
    if (!t) continue;
    fromJson<number[]>(t).forEach((n, i) => (c.turnaround[i]! += n));
  }
  return { ...c, openMinutes: Number(row.openMinutes ?? 0) };
}

export class RollupRefresh {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly aggregates: Aggregates,
  ) {}

  /**
   * Recomputes the marked instrument-months (at most `limit` per call); returns how many.
   *
   * The marks are read, recomputed and deleted in ONE write transaction. Two refreshes may now run
   * at once (the maintenance timer, a request, a year's build between its chunks): the second waits
   * for the first's transaction and then finds only the marks still left, so no instrument-month is
   * taken out of or added to the levels twice. The refresh time is taken inside it too, so it is
   * later than any chunk a year's build committed before (the version always moves).
   */
  async refresh(limit = 100_000): Promise<number> {
    // Nothing marked (most requests): a read on the autocommit connection, no write lock taken.
    if ((await this.db.value(ANY_DIRTY_SQL)) === undefined) return 0;
    return this.db.write(async (tx) => {
      const dirty = await tx.all<{ instrumentId: number; month: string }>(DIRTY_SQL, [limit]);
      if (!dirty.length) return 0;
      const holidays = await loadHolidays(tx);
      const openCache = new Map<string, number>();
      // Strictly increasing, so the version moves even under a fixed clock.
      const now = Math.max(this.clock.now(), (await rollupVersion(tx)) + 1);
      // Many changes at once (a first build, a new month for every instrument): rebuild the levels
      // above set-wise afterwards instead of applying each change to them.
      const bulk = dirty.length > BULK;
      const aggregates = this.aggregates.with(tx);
      for (const d of dirty) {
        await this.refreshOne(tx, aggregates, d.instrumentId, d.month, holidays, openCache, now, !bulk);
        await tx.run(CLEAN_SQL, [d.instrumentId, d.month]);
      }
      if (bulk) await aggregates.rebuild();
      return dirty.length;
    });
  }

  private async refreshOne(
    tx: Tx,
    aggregates: Aggregates,
    instrumentId: number,
    month: string,
    holidays: HolidayCalendar,
    openCache: Map<string, number>,
    now: number,
    incremental: boolean,
  ): Promise<void> {
    const before = incremental ? await this.monthRow(tx, instrumentId, month) : undefined;
    if (before) await aggregates.apply(instrumentId, month, before.row, before.enterprises, -1);
    const instrument = await tx.get<InstrumentRow>(INSTRUMENT_SQL, [instrumentId]);
    if (!instrument) {
      await tx.run(DROP_MONTH_SQL, [instrumentId, month]);
      await tx.run(DROP_MONTH_ENTERPRISES_SQL, [instrumentId, month]);
      return;
    }
    const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
    const from = start.toMillis();
    const to = start.plus({ months: 1 }).toMillis();
    const bookings = (
      await tx.all<Omit<BookingFacts, 'approvalMinutes'> & { createdAt: number; approvedAt: number | null }>(
        BOOKINGS_SQL,
        { id: instrumentId, from, to },
      )
    ).map((b) => ({
      ...b,
      approvalMinutes: b.approvedAt === null ? null : Math.max(0, Math.round((b.approvedAt - b.createdAt) / MINUTE)),
    }));
    const external = (await tx.all<ExternalRecordFacts>(EXTERNAL_SQL, { id: instrumentId, from, to })).map(
      externalAsBooking,
    );
    const { counters, enterprises } = countBookings([...bookings, ...external]);
    const open = await this.openMinutes(tx, instrumentId, instrument, from, to, holidays, openCache);
    await tx.run(WRITE_MONTH_SQL, {
      ...counters,
      turnaround: JSON.stringify(counters.turnaround),
      instrumentId,
      month,
      institutionId: instrument.institutionId,
      cityCode: instrument.cityCode,
      topCategory: instrument.topCategory,
      openMinutes: open,
      refreshedAt: now,
    });
    await tx.run(DROP_MONTH_ENTERPRISES_SQL, [instrumentId, month]);
    for (const e of enterprises) await tx.run(ADD_MONTH_ENTERPRISE_SQL, [instrumentId, month, e]);
    if (incremental) {
      await aggregates.apply(
        instrumentId,
        month,
        {
          counters: { ...counters, openMinutes: open },
          institutionId: instrument.institutionId,
          cityCode: instrument.cityCode,
          topCategory: instrument.topCategory,
        },
        [...enterprises],
        1,
      );
    }
  }

  /** An instrument-month as the roll-up holds it now (to take it out of the levels above). */
  private async monthRow(
    tx: Tx,
    instrumentId: number,
    month: string,
  ): Promise<{ row: MonthRow; enterprises: number[] } | undefined> {
    const r = await tx.get<
      Record<string, unknown> & {
        institutionId: number;
        cityCode: string | null;
        topCategory: string;
        turnaround: unknown;
      }
    >(MONTH_ROW_SQL, [instrumentId, month]);
    if (!r) return undefined;
    const enterprises = await tx.column<number>(MONTH_ENTERPRISES_SQL, [instrumentId, month]);
    return {
      row: {
        counters: toCounters(r, [r.turnaround]),
        institutionId: r.institutionId,
        cityCode: r.cityCode,
        topCategory: r.topCategory,
      },
      enterprises,
    };
  }

  /** Hours offered: the opening hours of a shared, working instrument, less its closures. */
  private async openMinutes(
    tx: Tx,
    instrumentId: number,
    i: InstrumentRow,
    from: number,
    to: number,
    holidays: HolidayCalendar,
    cache: Map<string, number>,
  ): Promise<number> {
    if (i.sharingMode === 'not_shared' || ['awaiting_repair', 'to_be_retired'].includes(i.runStatus)) return 0;
    const weekly =
      i.weeklyHours === null || i.weeklyHours === undefined
        ? DEFAULT_SCHEDULE.weeklyHours
        : fromJson<WeeklyHours>(i.weeklyHours);
    const observe = i.observeHolidays === null || i.observeHolidays === undefined || fromBool(i.observeHolidays);
    const key = `${i.timeZone}|${observe}|${JSON.stringify(weekly)}|${from}`;
    const rules: ScheduleRules = {
      ...DEFAULT_SCHEDULE,
      timeZone: i.timeZone,
      weeklyHours: weekly,
      observeHolidays: observe,
    };
    let total = cache.get(key);
    const intervals = total === undefined ? openIntervals(rules, holidays, from, to) : null;
    if (total === undefined) {
      total = intervals!.reduce((s, x) => s + (x.end - x.start), 0) / MINUTE;
      cache.set(key, total);
    }
    const closures = await tx.all<{ start: number; end: number }>(CLOSURES_SQL, [instrumentId, to, from]);
    if (!closures.length) return Math.round(total);
    const open = intervals ?? openIntervals(rules, holidays, from, to);
    let closed = 0;
    for (const o of open)
      for (const c of closures) closed += Math.max(0, Math.min(o.end, c.end) - Math.max(o.start, c.start));
    return Math.round(total - closed / MINUTE);
  }
}
