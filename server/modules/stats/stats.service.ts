/**
 * How the province's instruments are shared and used (共享共用情况): figures per instrument-month
 * kept in a roll-up table, refreshed for the instrument-months that triggers marked dirty (any
 * booking or voucher-use change, from any process), summed for any scope on request.
 */
import { DateTime } from 'luxon';
import { statementCache, type Db } from '../../../db/client.ts';
import type { WeeklyHours } from '../../../db/schema/booking.ts';
import type { Clock } from '../../shared/clock.ts';
import { VersionedMemo } from '../../shared/memo.ts';
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { DEFAULT_SCHEDULE } from '../booking/booking.service.ts';
import { openIntervals, type HolidayCalendar, type ScheduleRules } from '../booking/slots.ts';
import { Aggregates, COUNTER_COLUMNS, type MonthRow } from './aggregates.ts';
import { countBookings, emptyCounters, figures, type BookingFacts, type Counters, type Figures } from './figures.ts';
import { YearBuilder } from './year-builder.ts';

const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;

const SUMS = `SUM(open_minutes) AS openMinutes, SUM(booked_minutes) AS bookedMinutes, SUM(used_minutes) AS usedMinutes,
  SUM(external_minutes) AS externalMinutes, SUM(samples) AS samples, SUM(income_fen) AS incomeFen,
  SUM(voucher_income_fen) AS voucherIncomeFen, SUM(saved_fen) AS savedFen, SUM(requests) AS requests,
  SUM(completed) AS completed, SUM(external_completed) AS externalCompleted, SUM(cancelled) AS cancelled,
  SUM(rejected) AS rejected, SUM(no_shows) AS noShows, SUM(rating_sum) AS ratingSum, SUM(rating_count) AS ratingCount`;

export interface Scope {
  institutionId?: number;
  instrumentId?: number;
}

/**
 * The platform went live in 2025: its sharing figures start then, or with the earliest booking if
 * older records were imported. Years before that, or after this one, are refused (each year asked
 * for is built and kept: an open range would let anyone grow the database at will).
 */
export const PLATFORM_FIRST_YEAR = 2025;

/** Per database connection: the year of the earliest booking, looked up at most this often. */
const FIRST_BOOKING = new WeakMap<object, { year: number; at: number }>();
const FIRST_BOOKING_TTL = 10 * MINUTE;

/** Above this many changed instrument-months, the levels above are rebuilt rather than adjusted. */
const BULK = 2000;

export class StatsService {
  private readonly stmt: ReturnType<typeof statementCache>;
  private readonly aggregates: Aggregates;
  /** Answers by scope, kept until the roll-up changes (its latest refresh time is the version). */
  private readonly memo = new VersionedMemo<unknown>(256);
  /** Writes the months of a year that have no row yet, off the request path. */
  private readonly builder: YearBuilder;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.stmt = statementCache(db);
    this.aggregates = new Aggregates(db);
    this.builder = new YearBuilder(
      db,
      clock,
      this.aggregates,
      () => this.holidays(),
      () => this.version(),
    );
  }

  // Keeping the roll-up current

  /**
   * Makes sure every instrument has a row for each month of a year up to this one, at once: at
   * start-up, before anything serves (requests and the maintenance timer build in chunks: buildYear).
   */
  ensureYear(year: number): void {
    this.builder.ensure(year);
  }

  /** Builds a year's missing months off the request path, a chunk of instruments at a time (maintenance). */
  buildYear(year: number): Promise<void> {
    return this.builder.whenBuilt(year);
  }

  /** Recomputes the marked instrument-months (at most `limit` per call); returns how many. */
  refresh(limit = 100_000): number {
    const dirty = this.stmt(`SELECT instrument_id AS instrumentId, month FROM stats_dirty LIMIT ?`).all(limit) as {
      instrumentId: number;
      month: string;
    }[];
    if (!dirty.length) return 0;
    const holidays = this.holidays();
    const openCache = new Map<string, number>();
    // Strictly increasing, so the version moves even under a fixed clock.
    const now = Math.max(this.clock.now(), this.version() + 1);
    // Many changes at once (a first build, a new month for every instrument): rebuild the levels
    // above set-wise afterwards instead of applying each change to them.
    const bulk = dirty.length > BULK;
    this.db.$client.transaction(() => {
      for (const d of dirty) {
        this.refreshOne(d.instrumentId, d.month, holidays, openCache, now, !bulk);
        this.stmt(`DELETE FROM stats_dirty WHERE instrument_id = ? AND month = ?`).run(d.instrumentId, d.month);
      }
      if (bulk) this.aggregates.rebuild();
    })();
    return dirty.length;
  }

  private holidays(): HolidayCalendar {
    const off = new Set<string>();
    const workdays = new Set<string>();
    for (const h of this.stmt(`SELECT date, kind FROM holidays`).all() as { date: string; kind: string }[])
      (h.kind === 'off' ? off : workdays).add(h.date);
    return { off, workdays };
  }

  private refreshOne(
    instrumentId: number,
    month: string,
    holidays: HolidayCalendar,
    openCache: Map<string, number>,
    now: number,
    incremental: boolean,
  ): void {
    const before = incremental ? this.monthRow(instrumentId, month) : undefined;
    if (before) this.aggregates.apply(instrumentId, month, before.row, before.enterprises, -1);
    const instrument = this.stmt(
      `SELECT i.id, i.institution_id AS institutionId, o.city_code AS cityCode, substr(i.category_code, 1, 2) || '0000' AS topCategory,
              i.time_zone AS timeZone, i.sharing_mode AS sharingMode, i.run_status AS runStatus,
              s.weekly_hours AS weeklyHours, s.observe_holidays AS observeHolidays, s.machine_time_enabled AS machineTime
       FROM instruments i JOIN organisations o ON o.id = i.institution_id
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id WHERE i.id = ?`,
    ).get(instrumentId) as
      | {
          institutionId: number;
          cityCode: string | null;
          topCategory: string;
          timeZone: string;
          sharingMode: string;
          runStatus: string;
          weeklyHours: string | null;
          observeHolidays: number | null;
          machineTime: number | null;
        }
      | undefined;
    if (!instrument) {
      this.stmt(`DELETE FROM instrument_month_stats WHERE instrument_id = ? AND month = ?`).run(instrumentId, month);
      this.stmt(`DELETE FROM instrument_month_enterprises WHERE instrument_id = ? AND month = ?`).run(
        instrumentId,
        month,
      );
      return;
    }
    const start = DateTime.fromISO(`${month}-01`, { zone: ZONE });
    const from = start.toMillis();
    const to = start.plus({ months: 1 }).toMillis();
    const bookings = (
      this.stmt(
        `SELECT b.status, b.mode, b.user_type AS userType, b.requester_organisation_id AS requesterOrganisationId,
                b.start_at AS startAt, b.end_at AS endAt, b.actual_minutes AS actualMinutes,
                b.actual_samples AS actualSamples, b.final_fen AS finalFen, b.rating, b.created_at AS createdAt,
                (SELECT e.at FROM booking_events e WHERE e.booking_id = b.id AND e.to_status = 'approved'
                   AND e.actor_id IS NOT NULL ORDER BY e.id LIMIT 1) AS approvedAt,
                u.posted_fen AS voucherPostedFen, u.settlement_mode AS voucherMode
         FROM bookings b LEFT JOIN voucher_uses u ON u.booking_id = b.id AND u.status = 'posted'
         WHERE b.instrument_id = @id
           AND ((b.start_at >= @from AND b.start_at < @to) OR (b.start_at IS NULL AND b.created_at >= @from AND b.created_at < @to))`,
      ).all({ id: instrumentId, from, to }) as (Omit<BookingFacts, 'approvalMinutes'> & {
        createdAt: number;
        approvedAt: number | null;
      })[]
    ).map((b) => ({
      ...b,
      approvalMinutes: b.approvedAt === null ? null : Math.max(0, Math.round((b.approvedAt - b.createdAt) / MINUTE)),
    }));
    const { counters, enterprises } = countBookings(bookings);
    const open = this.openMinutes(instrumentId, instrument, from, to, holidays, openCache);
    this.stmt(
      `INSERT OR REPLACE INTO instrument_month_stats (instrument_id, month, institution_id, city_code, top_category,
         open_minutes, booked_minutes, used_minutes, external_minutes, samples, income_fen, voucher_income_fen, saved_fen,
         requests, completed, external_completed, cancelled, rejected, no_shows, rating_sum, rating_count, turnaround,
         refreshed_at)
       VALUES (@instrumentId, @month, @institutionId, @cityCode, @topCategory, @openMinutes, @bookedMinutes, @usedMinutes,
         @externalMinutes, @samples, @incomeFen, @voucherIncomeFen, @savedFen, @requests, @completed, @externalCompleted,
         @cancelled, @rejected, @noShows, @ratingSum, @ratingCount, @turnaround, @refreshedAt)`,
    ).run({
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
    this.stmt(`DELETE FROM instrument_month_enterprises WHERE instrument_id = ? AND month = ?`).run(
      instrumentId,
      month,
    );
    for (const e of enterprises)
      this.stmt(`INSERT INTO instrument_month_enterprises (instrument_id, month, enterprise_id) VALUES (?, ?, ?)`).run(
        instrumentId,
        month,
        e,
      );
    if (incremental) {
      this.aggregates.apply(
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
  private monthRow(instrumentId: number, month: string): { row: MonthRow; enterprises: number[] } | undefined {
    const r = this.stmt(
      `SELECT institution_id AS institutionId, city_code AS cityCode, top_category AS topCategory, turnaround, ${SUMS.replace(/SUM\((\w+)\)/g, '$1')}
       FROM instrument_month_stats WHERE instrument_id = ? AND month = ?`,
    ).get(instrumentId, month) as
      | (Record<string, number | null> & {
          institutionId: number;
          cityCode: string | null;
          topCategory: string;
          turnaround: string;
        })
      | undefined;
    if (!r) return undefined;
    const enterprises = this.stmt(
      `SELECT enterprise_id FROM instrument_month_enterprises WHERE instrument_id = ? AND month = ?`,
    )
      .pluck()
      .all(instrumentId, month) as number[];
    return {
      row: {
        counters: toCounters(r, JSON.stringify([r.turnaround])),
        institutionId: r.institutionId,
        cityCode: r.cityCode,
        topCategory: r.topCategory,
      },
      enterprises,
    };
  }

  /** Hours offered: the opening hours of a shared, working instrument, less its closures. */
  private openMinutes(
    instrumentId: number,
    i: {
      timeZone: string;
      sharingMode: string;
      runStatus: string;
      weeklyHours: string | null;
      observeHolidays: number | null;
      machineTime: number | null;
    },
    from: number,
    to: number,
    holidays: HolidayCalendar,
    cache: Map<string, number>,
  ): number {
    if (i.sharingMode === 'not_shared' || ['awaiting_repair', 'to_be_retired'].includes(i.runStatus)) return 0;
    const weekly = i.weeklyHours ?? JSON.stringify(DEFAULT_SCHEDULE.weeklyHours);
    const observe = i.observeHolidays ?? 1;
    const key = `${i.timeZone}|${observe}|${weekly}|${from}`;
    const rules: ScheduleRules = {
      ...DEFAULT_SCHEDULE,
      timeZone: i.timeZone,
      weeklyHours: JSON.parse(weekly) as WeeklyHours,
      observeHolidays: observe === 1,
    };
    let total = cache.get(key);
    const intervals = total === undefined ? openIntervals(rules, holidays, from, to) : null;
    if (total === undefined) {
      total = intervals!.reduce((s, x) => s + (x.end - x.start), 0) / MINUTE;
      cache.set(key, total);
    }
    const closures = this.stmt(
      `SELECT start_at AS start, end_at AS end FROM closures WHERE instrument_id = ? AND start_at < ? AND end_at > ?`,
    ).all(instrumentId, to, from) as { start: number; end: number }[];
    if (!closures.length) return Math.round(total);
    const open = intervals ?? openIntervals(rules, holidays, from, to);
    let closed = 0;
    for (const o of open)
      for (const c of closures) closed += Math.max(0, Math.min(o.end, c.end) - Math.max(o.start, c.start));
    return Math.round(total - closed / MINUTE);
  }

  // Reading

  /** The years with figures: from the platform's first (PLATFORM_FIRST_YEAR or an earlier booking's) to this one. */
  years(): { first: number; last: number } {
    const now = this.clock.now();
    const last = DateTime.fromMillis(now, { zone: ZONE }).year;
    let cached = FIRST_BOOKING.get(this.db.$client);
    if (!cached || now - cached.at > FIRST_BOOKING_TTL || now < cached.at) {
      const at = this.stmt(`SELECT MIN(COALESCE(start_at, created_at)) FROM bookings`).pluck().get() as number | null;
      cached = { year: at === null ? last : DateTime.fromMillis(at, { zone: ZONE }).year, at: now };
      FIRST_BOOKING.set(this.db.$client, cached);
    }
    return { first: Math.min(PLATFORM_FIRST_YEAR, cached.year, last), last };
  }

  /**
   * The year asked for (this one by default), refused outside `years()`. A year not yet built is
   * built off the request path and answered at once with what exists: `building` says so.
   */
  private year(year: number | undefined): { year: number; building: boolean } {
    const { first, last } = this.years();
    const y = year ?? last;
    if (y < first || y > last)
      throw badRequest(`a year from ${first} to ${last}`, [{ path: 'query.year', message: 'out of range' }]);
    const building = this.builder.request(y); // instruments without bookings still offer hours
    this.refresh();
    return { year: y, building };
  }

  /** The roll-up's version: the latest refresh (its index makes this a single look-up). */
  private version(): number {
    return (this.stmt(`SELECT MAX(refreshed_at) FROM instrument_month_stats`).pluck().get() as number | null) ?? 0;
  }

  private cached<T>(key: string, compute: () => T, version = this.version()): T {
    return this.memo.get(key, version, compute) as T;
  }

  /** Sums of a level's months, as SQL select terms named like the counters. */
  private static readonly LEVEL_SUMS = [
    ...COUNTER_COLUMNS.filter((c) => !/^t\d+$/.test(c)).map(
      (c) => `SUM(${c}) AS ${c.replace(/_(\w)/g, (_, x: string) => x.toUpperCase())}`,
    ),
    ...Array.from({ length: 12 }, (_, i) => `SUM(t${i}) AS t${i}`),
  ].join(', ');

  /** One scope's sum over months, by month, or by key (with distinct enterprises served for each). */
  private level(scope: string, from: string, to: string, by: 'all' | 'month' | 'key', key?: string) {
    const keyFilter = key === undefined ? '' : 'AND key = @key';
    const group = by === 'all' ? '' : `GROUP BY ${by}`;
    const select = by === 'all' ? `'' AS g` : `${by} AS g`;
    const params = { scope, from, to, ...(key !== undefined && { key }) };
    const rows = this.db.$client
      .prepare(
        `SELECT ${select}, ${StatsService.LEVEL_SUMS} FROM scope_month_stats
         WHERE scope = @scope AND month BETWEEN @from AND @to ${keyFilter} ${group}`,
      )
      .all(params) as (Record<string, number | null> & { g: string })[];
    const served = new Map(
      (
        this.db.$client
          .prepare(
            `SELECT ${select}, COUNT(DISTINCT enterprise_id) AS n FROM scope_month_enterprises
             WHERE scope = @scope AND month BETWEEN @from AND @to ${keyFilter} ${group}`,
          )
          .all(params) as { g: string; n: number }[]
      ).map((r) => [r.g, r.n]),
    );
    return rows
      .filter((r) => r.requests !== null || r.openMinutes !== null)
      .map((r) => ({ key: r.g, figures: figures(levelCounters(r), served.get(r.g) ?? 0) }));
  }

  private total(scope: string, from: string, to: string, key?: string): Figures {
    return this.level(scope, from, to, 'all', key)[0]?.figures ?? figures({ ...emptyCounters(), openMinutes: 0 }, 0);
  }

  /** Province-wide, for everyone: totals, by city, by top category, by month, the most used instruments. */
  overview(yearInput?: number) {
    const { year, building } = this.year(yearInput);
    return { ...this.cached(`overview:${year}`, () => this.computeOverview(year)), building };
  }

  private computeOverview(year: number) {
    const from = `${year}-01`;
    const to = `${year}-12`;
    const cities = new Map(
      (
        this.stmt(`SELECT code, name, name_en AS nameEn FROM cities`).all() as {
          code: string;
          name: string;
          nameEn: string;
        }[]
      ).map((c) => [c.code, c]),
    );
    const categories = new Map(
      (
        this.stmt(`SELECT code, name, name_en AS nameEn FROM categories WHERE level = 1`).all() as {
          code: string;
          name: string;
          nameEn: string | null;
        }[]
      ).map((c) => [c.code, c]),
    );
    // The catalogue's counts change only with the catalogue: kept per catalogue version.
    const catalogVersion = this.stmt('SELECT version FROM catalog_meta WHERE id = 1').pluck().get() as number;
    const { counts, byCityCount, byCategoryCount } = this.memo.get('catalogue-counts', catalogVersion, () => {
      const counts = this.stmt(
        `SELECT COUNT(*) AS instruments, COUNT(DISTINCT institution_id) AS institutions,
              SUM(sharing_mode != 'not_shared') AS shared FROM instruments`,
      ).get() as { instruments: number; institutions: number; shared: number | null };
      const byCityCount = new Map(
        (
          this.stmt(
            `SELECT o.city_code AS code, COUNT(*) AS instruments, COUNT(DISTINCT i.institution_id) AS institutions
           FROM instruments i JOIN organisations o ON o.id = i.institution_id GROUP BY o.city_code`,
          ).all() as { code: string; instruments: number; institutions: number }[]
        ).map((r) => [r.code, r]),
      );
      const byCategoryCount = new Map(
        (
          this.stmt(
            `SELECT substr(category_code, 1, 2) || '0000' AS code, COUNT(*) AS instruments FROM instruments GROUP BY 1`,
          ).all() as { code: string; instruments: number }[]
        ).map((r) => [r.code, r.instruments]),
      );
      return { counts, byCityCount, byCategoryCount };
    }) as {
      counts: { instruments: number; institutions: number; shared: number | null };
      byCityCount: Map<string, { instruments: number; institutions: number }>;
      byCategoryCount: Map<string, number>;
    };
    const top = this.stmt(
      `SELECT y.instrument_id AS id, i.name_zh AS nameZh, i.name_en AS nameEn, o.name AS institutionName,
              y.used_minutes AS usedMinutes, y.external_minutes AS externalMinutes, y.completed AS jobs
       FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id JOIN organisations o ON o.id = i.institution_id
       WHERE y.year = ? AND y.used_minutes > 0 ORDER BY y.used_minutes DESC LIMIT 10`,
    ).all(year) as {
      id: number;
      nameZh: string;
      nameEn: string | null;
      institutionName: string;
      usedMinutes: number;
      externalMinutes: number;
      jobs: number;
    }[];
    const yearFrom = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: ZONE }).toMillis();
    const yearTo = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone: ZONE }).toMillis();
    const money = (code: string) =>
      this.stmt(
        `SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_transfers WHERE code = ? AND state = 'posted' AND created_at >= ? AND created_at < ?`,
      )
        .pluck()
        .get(code, yearFrom, yearTo) as number;
    const totals = this.total('province', from, to, '');
    return {
      year,
      vouchers: {
        grantedFen: money('quota_grant'),
        usedFen: totals.savedFen,
        paidFen: money('claim_paid'),
      },
      instruments: counts.instruments,
      sharedInstruments: counts.shared ?? 0,
      institutions: counts.institutions,
      totals,
      byMonth: this.level('province', from, to, 'month', '').map((g) => ({ month: g.key, ...g.figures })),
      byCity: this.level('city', from, to, 'key')
        .filter((g) => g.key !== '')
        .map((g) => ({
          cityCode: g.key,
          cityName: cities.get(g.key)?.name ?? g.key,
          cityNameEn: cities.get(g.key)?.nameEn ?? g.key,
          instruments: byCityCount.get(g.key)?.instruments ?? 0,
          institutions: byCityCount.get(g.key)?.institutions ?? 0,
          ...g.figures,
        })),
      byCategory: this.level('category', from, to, 'key').map((g) => ({
        code: g.key,
        name: categories.get(g.key)?.name ?? g.key,
        nameEn: categories.get(g.key)?.nameEn ?? g.key,
        instruments: byCategoryCount.get(g.key) ?? 0,
        ...g.figures,
      })),
      topInstruments: top.map((t) => ({
        id: t.id,
        nameZh: t.nameZh,
        nameEn: t.nameEn,
        institutionName: t.institutionName,
        usedHours: Math.round((t.usedMinutes / 60) * 10) / 10,
        externalHours: Math.round((t.externalMinutes / 60) * 10) / 10,
        jobs: t.jobs,
      })),
    };
  }

  private canSeeInstitution(actor: Actor, institutionId: number): boolean {
    if (actor.role === 'platform_admin' || actor.role === 'finance_officer') return true;
    return actor.role === 'lab_manager' && actor.organisationId === institutionId;
  }

  /** An institution's dashboard: totals, by month, and every instrument's figures. */
  institution(actor: Actor, institutionId: number, yearInput?: number) {
    const org = this.stmt(`SELECT id, name, kind FROM organisations WHERE id = ?`).get(institutionId) as
      { id: number; name: string; kind: string } | undefined;
    if (!org || org.kind !== 'institution') throw notFound('institution');
    if (!this.canSeeInstitution(actor, institutionId))
      throw forbidden('an institution’s figures are for its lab managers, finance and admins');
    const { year, building } = this.year(yearInput);
    // Kept until one of its own instruments changes (a single look-up on its index).
    const version =
      (this.stmt(`SELECT MAX(refreshed_at) FROM instrument_month_stats WHERE institution_id = ?`)
        .pluck()
        .get(institutionId) as number | null) ?? 0;
    const answer = this.cached(
      `institution:${institutionId}:${year}`,
      () => {
        const from = `${year}-01`;
        const to = `${year}-12`;
        const key = String(institutionId);
        const rows = this.db.$client
          .prepare(
            `SELECT y.instrument_id AS g, i.name_zh AS nameZh, ${StatsService.LEVEL_SUMS.replace(/SUM\((\w+)\)/g, 'y.$1')}
           FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id
           WHERE y.institution_id = ? AND y.year = ? ORDER BY y.instrument_id`,
          )
          .all(institutionId, year) as (Record<string, number | null> & { g: number; nameZh: string })[];
        const served = new Map(
          (
            this.db.$client
              .prepare(
                `SELECT e.instrument_id AS g, COUNT(DISTINCT e.enterprise_id) AS n FROM instrument_month_enterprises e
               WHERE e.instrument_id IN (SELECT id FROM instruments WHERE institution_id = ?) AND e.month BETWEEN ? AND ?
               GROUP BY e.instrument_id`,
              )
              .all(institutionId, from, to) as { g: number; n: number }[]
          ).map((r) => [r.g, r.n]),
        );
        return {
          year,
          institution: { id: org.id, name: org.name },
          totals: this.total('institution', from, to, key),
          byMonth: this.level('institution', from, to, 'month', key).map((g) => ({ month: g.key, ...g.figures })),
          instruments: rows.map((r) => ({
            instrumentId: r.g,
            nameZh: r.nameZh,
            ...figures(levelCounters(r), served.get(r.g) ?? 0),
          })),
        };
      },
      version,
    );
    return { ...answer, building };
  }

  /** One instrument's figures by month. Public: the sharing of each instrument is open information. */
  instrument(instrumentId: number, yearInput?: number) {
    const i = this.stmt(
      `SELECT id, name_zh AS nameZh, institution_id AS institutionId FROM instruments WHERE id = ?`,
    ).get(instrumentId) as { id: number; nameZh: string; institutionId: number } | undefined;
    if (!i) throw notFound('instrument');
    const { year, building } = this.year(yearInput);
    const from = `${year}-01`;
    const to = `${year}-12`;
    const months = this.stmt(
      `SELECT month, turnaround, ${SUMS.replace(/SUM\((\w+)\)/g, '$1')} FROM instrument_month_stats
       WHERE instrument_id = ? AND month BETWEEN ? AND ? ORDER BY month`,
    ).all(instrumentId, from, to) as (Record<string, number | null> & { month: string; turnaround: string })[];
    const served = this.stmt(
      `SELECT month, enterprise_id AS e FROM instrument_month_enterprises WHERE instrument_id = ? AND month BETWEEN ? AND ?`,
    ).all(instrumentId, from, to) as { month: string; e: number }[];
    const total = emptyCounters();
    let open = 0;
    const byMonth = months.map((m) => {
      const c = toCounters(m, JSON.stringify([m.turnaround]));
      for (const k of Object.keys(total) as (keyof Counters)[]) {
        if (k === 'turnaround') c.turnaround.forEach((n, j) => (total.turnaround[j]! += n));
        else (total[k] as number) += c[k] as number;
      }
      open += c.openMinutes;
      return { month: m.month, ...figures(c, served.filter((x) => x.month === m.month).length) };
    });
    return {
      year,
      instrument: i,
      totals: figures({ ...total, openMinutes: open }, new Set(served.map((x) => x.e)).size),
      byMonth,
      building,
    };
  }

  /** Instruments under the thresholds (utilisation or effective hours), for the evaluation of open sharing. */
  underused(actor: Actor, q: { institutionId?: number; year?: number; maxUtilisation: number; minHours: number }) {
    const institutionId = q.institutionId ?? (actor.role === 'lab_manager' ? actor.organisationId : undefined);
    if (institutionId !== undefined && !this.canSeeInstitution(actor, institutionId))
      throw forbidden('not your institution');
    if (institutionId === undefined && actor.role === 'lab_manager') throw forbidden('not your institution');
    if (actor.role === 'researcher') throw forbidden('for labs, finance and admins');
    const { year, building } = this.year(q.year);
    const rows = this.db.$client
      .prepare(
        `SELECT y.instrument_id AS id, i.name_zh AS nameZh, o.name AS institutionName, y.open_minutes AS openMinutes,
                y.used_minutes AS usedMinutes, y.external_minutes AS externalMinutes
         FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id JOIN organisations o ON o.id = y.institution_id
         WHERE y.year = @year AND (@institution IS NULL OR y.institution_id = @institution)
           AND i.sharing_mode != 'not_shared' AND y.open_minutes > 0
           AND (1.0 * y.used_minutes / y.open_minutes < @maxUtilisation OR y.used_minutes < @minMinutes)
         ORDER BY 1.0 * y.used_minutes / y.open_minutes, y.instrument_id LIMIT 500`,
      )
      .all({
        year,
        institution: institutionId ?? null,
        maxUtilisation: q.maxUtilisation,
        minMinutes: q.minHours * 60,
      }) as {
      id: number;
      nameZh: string;
      institutionName: string;
      openMinutes: number;
      usedMinutes: number;
      externalMinutes: number;
    }[];
    return {
      year,
      thresholds: { maxUtilisation: q.maxUtilisation, minHours: q.minHours },
      building,
      items: rows.map((r) => ({
        instrumentId: r.id,
        nameZh: r.nameZh,
        institutionName: r.institutionName,
        openHours: Math.round((r.openMinutes / 60) * 10) / 10,
        usedHours: Math.round((r.usedMinutes / 60) * 10) / 10,
        externalHours: Math.round((r.externalMinutes / 60) * 10) / 10,
        utilisation: Math.round((r.usedMinutes / r.openMinutes) * 10_000) / 10_000,
      })),
    };
  }
}

function toCounters(row: Record<string, number | null>, turnaroundJson: string): Counters & { openMinutes: number } {
  const c = emptyCounters();
  for (const k of Object.keys(c) as (keyof Counters)[]) {
    if (k !== 'turnaround') (c[k] as number) = Number(row[k] ?? 0);
  }
  for (const t of JSON.parse(turnaroundJson) as (string | null)[]) {
    if (!t) continue;
    (JSON.parse(t) as number[]).forEach((n, i) => (c.turnaround[i]! += n));
  }
  return { ...c, openMinutes: Number(row.openMinutes ?? 0) };
}

/** Counters from a level row (named like the counters, turnaround as t0…t11). */
function levelCounters(r: Record<string, number | null>): Counters & { openMinutes: number } {
  const c = emptyCounters();
  for (const k of Object.keys(c) as (keyof Counters)[]) {
    if (k !== 'turnaround') (c[k] as number) = Number(r[k] ?? 0);
  }
  c.turnaround = c.turnaround.map((_, i) => Number(r[`t${i}`] ?? 0));
  return { ...c, openMinutes: Number(r.openMinutes ?? 0) };
}
