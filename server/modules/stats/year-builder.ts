/**
 * Writes the instrument-months of a year that have no row yet. Months without bookings hold only
 * the hours offered (months with bookings are marked for a full recompute by the triggers, months
 * with closures are marked here). The work goes in chunks of instruments, each one short IMMEDIATE
 * transaction that also adds its new rows to the levels above; between chunks the event loop serves
 * other requests. A request never waits for it: a year asked for before it is built is answered with
 * what exists and `building: true` (read-context.ts), and the build goes on behind it.
 */
import { DateTime } from 'luxon';
import { byEngine, fromBool, fromJson, type Database, type Tx } from '../../../db/port.ts';
import type { WeeklyHours } from '../../../db/schema/booking.ts';
import type { Clock } from '../../shared/clock.ts';
import { listParam } from '../../shared/sql-list.ts';
import { DEFAULT_SCHEDULE } from '../booking/booking.service.ts';
import { openIntervals, type HolidayCalendar, type ScheduleRules } from '../booking/slots.ts';
import type { Aggregates } from './aggregates.ts';
import { emptyCounters } from './figures.ts';
import { loadHolidays, rollupVersion } from './rollup.ts';

const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;
/** Instruments per chunk (12 months each): ~40 ms of work at most between two turns of the event loop. */
export const YEAR_CHUNK = 100;

const INSTRUMENT_COUNT_SQL = `SELECT COUNT(*) FROM instruments`;
const MONTH_ROW_COUNT_SQL = `SELECT COUNT(*) FROM instrument_month_stats WHERE month BETWEEN ? AND ?`;
const CHUNK_SQL = `SELECT i.id, i.institution_id AS "institutionId", o.city_code AS "cityCode",
                substr(i.category_code, 1, 2) || '0000' AS "topCategory", i.time_zone AS "timeZone",
                s.weekly_hours AS "weeklyHours", s.observe_holidays AS "observeHolidays",
                i.sharing_mode AS "sharingMode", i.run_status AS "runStatus"
         FROM instruments i JOIN organisations o ON o.id = i.institution_id
         LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE i.id > ? ORDER BY i.id LIMIT ?`;
const PRESENT_SQL = `SELECT instrument_id || ' ' || month FROM instrument_month_stats
         WHERE instrument_id BETWEEN ? AND ? AND month BETWEEN ? AND ?`;
const WRITE_OFFERED_SQL = `INSERT INTO instrument_month_stats (instrument_id, month, institution_id, city_code, top_category, open_minutes,
         booked_minutes, used_minutes, external_minutes, samples, income_fen, voucher_income_fen, saved_fen, requests,
         completed, external_completed, cancelled, rejected, no_shows, rating_sum, rating_count, turnaround, refreshed_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?)`;
/**
 * The months (of those being built) a closure of the chunk's instruments touches, marked for the full
 * recompute. The months are ONE parameter (listParam) and a closure's local months (Asia/Shanghai)
 * come from each engine's own date functions: SQLite's json_each and strftime, PostgreSQL's unnest
 * and stats_month() (db/migrations-pg/0001_engine_rules.sql).
 */
const MARK_CLOSED_MONTHS_SQL = {
  sqlite: `INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
       SELECT c.instrument_id, m.value FROM closures c, json_each(?) m
       WHERE c.instrument_id BETWEEN ? AND ?
         AND strftime('%Y-%m', c.start_at / 1000, 'unixepoch', '+8 hours') <= m.value
         AND strftime('%Y-%m', c.end_at / 1000, 'unixepoch', '+8 hours') >= m.value`,
  postgres: `INSERT INTO stats_dirty (instrument_id, month)
       SELECT c.instrument_id, m.value FROM closures c, unnest(?::text[]) AS m(value)
       WHERE c.instrument_id BETWEEN ? AND ?
         AND stats_month(c.start_at) <= m.value AND stats_month(c.end_at) >= m.value
       ON CONFLICT DO NOTHING`,
};

/** Per database: what every service on it knows of the years built, and the builds under way. */
interface BuildState {
  /** `year:current month`: the year's rows are complete while the month stays the same. */
  ensured: Set<string>;
  /** Years being built in this process, and the queue they run in (one build at a time). */
  pending: Map<number, Promise<void>>;
  queue: Promise<void>;
  /** `year:current month` being counted (is it complete?), so that concurrent requests start one build. */
  checking: Map<string, Promise<boolean>>;
}
const STATES = new WeakMap<object, BuildState>();

interface InstrumentFacts {
  id: number;
  institutionId: number;
  cityCode: string | null;
  topCategory: string;
  timeZone: string;
  weeklyHours: unknown;
  observeHolidays: unknown;
  sharingMode: string;
  runStatus: string;
}

export class YearBuilder {
  private readonly state: BuildState;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly aggregates: Aggregates,
  ) {
    let state = STATES.get(db);
    if (!state) {
      state = { ensured: new Set(), pending: new Map(), queue: Promise.resolve(), checking: new Map() };
      STATES.set(db, state);
    }
    this.state = state;
  }

  /** The year's months up to now (Asia/Shanghai); none for a year to come. */
  private monthsOf(year: number): string[] {
    const now = DateTime.fromMillis(this.clock.now(), { zone: ZONE });
    const last = year < now.year ? 12 : year === now.year ? now.month : 0;
    return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  }

  private key(year: number): string {
    return `${year}:${DateTime.fromMillis(this.clock.now(), { zone: ZONE }).toFormat('yyyy-MM')}`;
  }

  /**
   * For a request: false when the year's rows are complete; else starts building it off the request
   * path (once, queued behind any other build) and answers true while it runs.
   *
   * The completeness count now awaits: requests arriving during it share it (`checking`), so that
   * only one of them can start the build — the check and the start were one synchronous step before.
   */
  request(year: number): Promise<boolean> {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return Promise.resolve(false);
    if (this.state.pending.has(year)) return Promise.resolve(true);
    let check = this.state.checking.get(key);
    if (!check) {
      check = this.complete(year)
        .then((complete) => {
          // From here to the end of start(): no await, so nothing else can start the same build.
          if (this.state.ensured.has(key)) return false;
          if (this.state.pending.has(year)) return true;
          if (complete) {
            this.state.ensured.add(key);
            return false;
          }
          this.start(year);
          return true;
        })
        .finally(() => this.state.checking.delete(key));
      this.state.checking.set(key, check);
    }
    return check;
  }

  private start(year: number): void {
    // After the answer that asked for it has gone, and behind any other build.
    const job = this.state.queue
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.build(year))
      .catch((err: unknown) =>
        console.error(`statistics of ${year} not built:`, err instanceof Error ? err.message : err),
      )
      .finally(() => this.state.pending.delete(year));
    this.state.queue = job;
    this.state.pending.set(year, job);
  }

  /** Resolves when the year is built: the build a request started, or one started now (maintenance). */
  async whenBuilt(year: number): Promise<void> {
    await this.request(year);
    await this.state.pending.get(year);
  }

  /** A count on the month index: a row for every instrument and month so far (another process may have built it). */
  private async complete(year: number): Promise<boolean> {
    const months = this.monthsOf(year);
    if (!months.length) return true;
    // Both counts from one snapshot.
    return this.db.read(async (tx) => {
      const instruments = Number(await tx.value(INSTRUMENT_COUNT_SQL));
      const rows = Number(await tx.value(MONTH_ROW_COUNT_SQL, [months[0], months[months.length - 1]]));
      return rows >= instruments * months.length;
    });
  }

  /** Builds the year chunk by chunk, letting other work run between chunks. */
  private async build(year: number): Promise<void> {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return;
    await this.chunks(year, () => new Promise<void>((resolve) => setImmediate(resolve)));
    this.state.ensured.add(key);
  }

  /** Builds the year at once (at start-up, before anything serves; benchmarks). */
  async ensure(year: number): Promise<void> {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return;
    await this.chunks(year, async () => {});
    this.state.ensured.add(key);
  }

  /** One transaction per chunk of instruments, in id order, `between` awaited after each. */
  private async chunks(year: number, between: () => Promise<void>): Promise<void> {
    const months = this.monthsOf(year);
    if (!months.length) return;
    const holidays = await loadHolidays(this.db);
    const offered = new Map<string, number>();
    let after = 0;
    for (;;) {
      const last = await this.db.write((tx) => this.writeChunk(tx, after, months, holidays, offered));
      if (last === null) return;
      after = last;
      await between();
    }
  }

  /**
   * The next chunk of instruments after id `after`, written in one short transaction; returns the
   * chunk's last id (null when no instrument is left). The instruments are read inside it: read
   * before it, an instrument deleted or moved to another institution in between would be written
   * as it was.
   */
  private async writeChunk(
    tx: Tx,
    after: number,
    months: string[],
    holidays: HolidayCalendar,
    offered: Map<string, number>,
  ): Promise<number | null> {
    const instruments = await tx.all<InstrumentFacts>(CHUNK_SQL, [after, YEAR_CHUNK]);
    if (!instruments.length) return null;
    const from = after + 1;
    const to = instruments[instruments.length - 1]!.id;
    const first = months[0]!;
    const last = months[months.length - 1]!;
    const present = new Set(await tx.column<string>(PRESENT_SQL, [from, to, first, last]));
    // Strictly later than anything written before: the rows of this chunk are those with this time.
    const at = Math.max(this.clock.now(), (await rollupVersion(tx)) + 1);
    const zeros = JSON.stringify(emptyCounters().turnaround);
    let written = 0;
    for (const i of instruments) {
      for (const month of months) {
        if (present.has(`${i.id} ${month}`)) continue;
        await tx.run(WRITE_OFFERED_SQL, [
          i.id,
          month,
          i.institutionId,
          i.cityCode,
          i.topCategory,
          this.offeredMinutes(i, month, holidays, offered),
          zeros,
          at,
        ]);
        written++;
      }
    }
    if (written) await this.aggregates.with(tx).addWritten(at, from, to);
    // Closures take hours away: those instrument-months get the full recompute.
    await tx.run(byEngine(tx.engine, MARK_CLOSED_MONTHS_SQL), [listParam(tx.engine, months), from, to]);
    return to;
  }

  /** Hours offered in a month without closures: computed once per distinct schedule and month. */
  private offeredMinutes(i: InstrumentFacts, month: string, holidays: HolidayCalendar, cache: Map<string, number>) {
    if (i.sharingMode === 'not_shared' || ['awaiting_repair', 'to_be_retired'].includes(i.runStatus)) return 0;
    const observe = i.observeHolidays === null || i.observeHolidays === undefined || fromBool(i.observeHolidays);
    const weekly = i.weeklyHours ? i.weeklyHours : null;
    const key = `${i.timeZone}|${observe}|${weekly === null ? '' : JSON.stringify(weekly)}|${month}`;
    let minutes = cache.get(key);
    if (minutes === undefined) {
      const rules: ScheduleRules = {
        ...DEFAULT_SCHEDULE,
        timeZone: i.timeZone,
        weeklyHours: weekly === null ? DEFAULT_SCHEDULE.weeklyHours : fromJson<WeeklyHours>(weekly),
        observeHolidays: observe,
      };
      const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
      const open = openIntervals(rules, holidays, start.toMillis(), start.plus({ months: 1 }).toMillis());
      minutes = Math.round(open.reduce((s, x) => s + x.end - x.start, 0) / MINUTE);
      cache.set(key, minutes);
    }
    return minutes;
  }
}
