/**
 * Writes the instrument-months of a year that have no row yet. Months without bookings hold only
 * the hours offered (months with bookings are marked for a full recompute by the triggers, months
 * with closures are marked here). The work goes in chunks of instruments, each one short IMMEDIATE
 * transaction that also adds its new rows to the levels above; between chunks the event loop serves
 * other requests. A request never waits for it: a year asked for before it is built is answered with
 * what exists and `building: true` (stats.service.ts), and the build goes on behind it.
 */
import { DateTime } from 'luxon';
import { statementCache, writeTransaction, type Db } from '../../../db/client.ts';
import type { WeeklyHours } from '../../../db/schema/booking.ts';
import type { Clock } from '../../shared/clock.ts';
import { DEFAULT_SCHEDULE } from '../booking/booking.service.ts';
import { openIntervals, type HolidayCalendar, type ScheduleRules } from '../booking/slots.ts';
import type { Aggregates } from './aggregates.ts';
import { emptyCounters } from './figures.ts';

const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;
/** Instruments per chunk (12 months each): ~40 ms of work at most between two turns of the event loop. */
export const YEAR_CHUNK = 100;

/** Per database connection: what every service on it knows of the years built, and the builds under way. */
interface BuildState {
  /** `year:current month`: the year's rows are complete while the month stays the same. */
  ensured: Set<string>;
  /** Years being built in this process, and the queue they run in (one build at a time). */
  pending: Map<number, Promise<void>>;
  queue: Promise<void>;
}
const STATES = new WeakMap<object, BuildState>();

interface InstrumentFacts {
  id: number;
  institutionId: number;
  cityCode: string | null;
  topCategory: string;
  timeZone: string;
  weeklyHours: string | null;
  observeHolidays: number | null;
  sharingMode: string;
  runStatus: string;
}

export class YearBuilder {
  private readonly stmt: ReturnType<typeof statementCache>;
  private readonly state: BuildState;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly aggregates: Aggregates,
    private readonly holidays: () => HolidayCalendar,
    /** The roll-up's version (its latest refresh): each chunk writes a later one, so answers move on. */
    private readonly version: () => number,
  ) {
    this.stmt = statementCache(db);
    let state = STATES.get(db.$client);
    if (!state) STATES.set(db.$client, (state = { ensured: new Set(), pending: new Map(), queue: Promise.resolve() }));
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
   */
  request(year: number): boolean {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return false;
    if (this.state.pending.has(year)) return true;
    if (this.complete(year)) {
      this.state.ensured.add(key);
      return false;
    }
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
    return true;
  }

  /** Resolves when the year is built: the build a request started, or one started now (maintenance). */
  whenBuilt(year: number): Promise<void> {
    this.request(year);
    return this.state.pending.get(year) ?? Promise.resolve();
  }

  /** A count on the month index: a row for every instrument and month so far (another process may have built it). */
  private complete(year: number): boolean {
    const months = this.monthsOf(year);
    if (!months.length) return true;
    const instruments = this.stmt(`SELECT COUNT(*) FROM instruments`).pluck().get() as number;
    const rows = this.stmt(`SELECT COUNT(*) FROM instrument_month_stats WHERE month BETWEEN ? AND ?`)
      .pluck()
      .get(months[0], months[months.length - 1]) as number;
    return rows >= instruments * months.length;
  }

  /** Builds the year chunk by chunk, letting other work run between chunks. */
  private async build(year: number): Promise<void> {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return;
    const run = this.chunks(year);
    while (!run.next().done) await new Promise<void>((resolve) => setImmediate(resolve));
    this.state.ensured.add(key);
  }

  /** Builds the year at once (at start-up, before anything serves; benchmarks). */
  ensure(year: number): void {
    const key = this.key(year);
    if (this.state.ensured.has(key)) return;
    const run = this.chunks(year);
    while (!run.next().done);
    this.state.ensured.add(key);
  }

  /** One step per chunk of instruments, in id order. */
  private *chunks(year: number): Generator<void> {
    const months = this.monthsOf(year);
    if (!months.length) return;
    const holidays = this.holidays();
    const offered = new Map<string, number>();
    let after = 0;
    for (;;) {
      const instruments = this.stmt(
        `SELECT i.id, i.institution_id AS institutionId, o.city_code AS cityCode,
                substr(i.category_code, 1, 2) || '0000' AS topCategory, i.time_zone AS timeZone,
                s.weekly_hours AS weeklyHours, s.observe_holidays AS observeHolidays,
                i.sharing_mode AS sharingMode, i.run_status AS runStatus
         FROM instruments i JOIN organisations o ON o.id = i.institution_id
         LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE i.id > ? ORDER BY i.id LIMIT ?`,
      ).all(after, YEAR_CHUNK) as InstrumentFacts[];
      if (!instruments.length) return;
      const from = after + 1;
      const to = instruments[instruments.length - 1]!.id;
      writeTransaction(this.db, () => this.writeChunk(instruments, from, to, months, holidays, offered));
      after = to;
      yield;
    }
  }

  private writeChunk(
    instruments: InstrumentFacts[],
    from: number,
    to: number,
    months: string[],
    holidays: HolidayCalendar,
    offered: Map<string, number>,
  ): void {
    const first = months[0]!;
    const last = months[months.length - 1]!;
    const present = new Set(
      this.stmt(
        `SELECT instrument_id || ' ' || month FROM instrument_month_stats
         WHERE instrument_id BETWEEN ? AND ? AND month BETWEEN ? AND ?`,
      )
        .pluck()
        .all(from, to, first, last) as string[],
    );
    // Strictly later than anything written before: the rows of this chunk are those with this time.
    const at = Math.max(this.clock.now(), this.version() + 1);
    const zeros = JSON.stringify(emptyCounters().turnaround);
    const insert = this.stmt(
      `INSERT INTO instrument_month_stats (instrument_id, month, institution_id, city_code, top_category, open_minutes,
         booked_minutes, used_minutes, external_minutes, samples, income_fen, voucher_income_fen, saved_fen, requests,
         completed, external_completed, cancelled, rejected, no_shows, rating_sum, rating_count, turnaround, refreshed_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ?, ?)`,
    );
    let written = 0;
    for (const i of instruments) {
      for (const month of months) {
        if (present.has(`${i.id} ${month}`)) continue;
        insert.run(
          i.id,
          month,
          i.institutionId,
          i.cityCode,
          i.topCategory,
          this.offeredMinutes(i, month, holidays, offered),
          zeros,
          at,
        );
        written++;
      }
    }
    if (written) this.aggregates.addWritten(at, from, to);
    // Closures take hours away: those instrument-months get the full recompute.
    this.stmt(
      `INSERT OR IGNORE INTO stats_dirty (instrument_id, month)
       SELECT c.instrument_id, m.value FROM closures c, json_each(?) m
       WHERE c.instrument_id BETWEEN ? AND ?
         AND strftime('%Y-%m', c.start_at / 1000, 'unixepoch', '+8 hours') <= m.value
         AND strftime('%Y-%m', c.end_at / 1000, 'unixepoch', '+8 hours') >= m.value`,
    ).run(JSON.stringify(months), from, to);
  }

  /** Hours offered in a month without closures: computed once per distinct schedule and month. */
  private offeredMinutes(i: InstrumentFacts, month: string, holidays: HolidayCalendar, cache: Map<string, number>) {
    if (i.sharingMode === 'not_shared' || ['awaiting_repair', 'to_be_retired'].includes(i.runStatus)) return 0;
    const observe = i.observeHolidays ?? 1;
    const key = `${i.timeZone}|${observe}|${i.weeklyHours ?? ''}|${month}`;
    let minutes = cache.get(key);
    if (minutes === undefined) {
      const rules: ScheduleRules = {
        ...DEFAULT_SCHEDULE,
        timeZone: i.timeZone,
        weeklyHours: i.weeklyHours ? (JSON.parse(i.weeklyHours) as WeeklyHours) : DEFAULT_SCHEDULE.weeklyHours,
        observeHolidays: observe === 1,
      };
      const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
      const open = openIntervals(rules, holidays, start.toMillis(), start.plus({ months: 1 }).toMillis());
      minutes = Math.round(open.reduce((s, x) => s + x.end - x.start, 0) / MINUTE);
      cache.set(key, minutes);
    }
    return minutes;
  }
}
