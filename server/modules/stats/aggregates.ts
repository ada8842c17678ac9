/**
 * The levels above the instrument-month roll-up: month sums per scope (province, city, top-level
 * category, institution), enterprises served per scope-month, and instrument-years. Small changes
 * are applied as deltas (subtract the old instrument-month, add the new one) in the refresh's
 * transaction; large refreshes rebuild the levels set-wise from the roll-up instead.
 */
import { byEngine, type Queryable } from '../../../db/port.ts';
import type { Counters } from './figures.ts';

/** Counter columns shared by every level, in a fixed order. */
export const COUNTER_COLUMNS = [
  'open_minutes',
  'booked_minutes',
  'used_minutes',
  'external_minutes',
  'samples',
  'income_fen',
  'voucher_income_fen',
  'saved_fen',
  'requests',
  'completed',
  'external_completed',
  'cancelled',
  'rejected',
  'no_shows',
  'rating_sum',
  'rating_count',
  ...Array.from({ length: 12 }, (_, i) => `t${i}`),
] as const;

export interface MonthRow {
  counters: Counters & { openMinutes: number };
  institutionId: number;
  cityCode: string | null;
  topCategory: string;
}

export function valuesOf(c: Counters & { openMinutes: number }): number[] {
  return [
    c.openMinutes,
    c.bookedMinutes,
    c.usedMinutes,
    c.externalMinutes,
    c.samples,
    c.incomeFen,
    c.voucherIncomeFen,
    c.savedFen,
    c.requests,
    c.completed,
    c.externalCompleted,
    c.cancelled,
    c.rejected,
    c.noShows,
    c.ratingSum,
    c.ratingCount,
    ...Array.from({ length: 12 }, (_, i) => c.turnaround[i] ?? 0),
  ];
}

/** Each level's key, as SQL over instrument_month_stats. */
const SCOPE_KEYS: [string, string][] = [
  ['province', `''`],
  ['city', `COALESCE(city_code, '')`],
  ['category', 'top_category'],
  ['institution', 'CAST(institution_id AS TEXT)'],
];

/**
 * The counters summed over instrument_month_stats rows, in COUNTER_COLUMNS' order. The turnaround
 * buckets are taken out of the JSON each engine's way: SQLite's `json_extract` of the text,
 * PostgreSQL's `->>` of the jsonb. Every statement below that sums the roll-up has both versions.
 */
const SUMS = {
  sqlite: COUNTER_COLUMNS.map((c) =>
    c.startsWith('t') ? `SUM(json_extract(turnaround, '$[${c.slice(1)}]'))` : `SUM(${c})`,
  ).join(', '),
  postgres: COUNTER_COLUMNS.map((c) =>
    c.startsWith('t') ? `SUM(CAST(turnaround ->> ${c.slice(1)} AS BIGINT))` : `SUM(${c})`,
  ).join(', '),
};

const COLS = COUNTER_COLUMNS.join(', ');
const MARKS = COUNTER_COLUMNS.map(() => '?').join(', ');
/**
 * The counters added to a level's row. The row's own columns are named with their table: PostgreSQL
 * finds a bare name ambiguous between the row and `excluded`.
 */
const adds = (table: string) => COUNTER_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');

const ADD_SCOPE_MONTH = `INSERT INTO scope_month_stats (scope, key, month, ${COLS}) VALUES (?, ?, ?, ${MARKS})
       ON CONFLICT (scope, key, month) DO UPDATE SET ${adds('scope_month_stats')}`;
const ADD_SERVED = `INSERT INTO scope_month_enterprises (scope, key, month, enterprise_id, refs) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key, month, enterprise_id) DO UPDATE SET refs = scope_month_enterprises.refs + excluded.refs`;
const DROP_UNSERVED = `DELETE FROM scope_month_enterprises WHERE scope = ? AND key = ? AND month = ? AND enterprise_id = ? AND refs <= 0`;
const ADD_YEAR = `INSERT INTO instrument_year_stats (instrument_id, year, institution_id, ${COLS}) VALUES (?, ?, ?, ${MARKS})
       ON CONFLICT (instrument_id, year) DO UPDATE SET institution_id = excluded.institution_id, ${adds('instrument_year_stats')}`;

const WRITTEN = `FROM instrument_month_stats WHERE instrument_id BETWEEN @from AND @to AND refreshed_at = @at`;

const CLEAR_LEVELS = [
  'DELETE FROM scope_month_stats',
  'DELETE FROM scope_month_enterprises',
  'DELETE FROM instrument_year_stats',
];

/** The set-wise statements, over one engine's sums of the roll-up. */
function summingStatements(sums: string) {
  return {
    addWrittenScopes: SCOPE_KEYS.map(
      ([scope, key]) => `INSERT INTO scope_month_stats (scope, key, month, ${COLS})
         SELECT '${scope}', ${key}, month, ${sums} ${WRITTEN} GROUP BY 2, month
         ON CONFLICT (scope, key, month) DO UPDATE SET ${adds('scope_month_stats')}`,
    ),
    addWrittenYears: `INSERT INTO instrument_year_stats (instrument_id, year, institution_id, ${COLS})
       SELECT instrument_id, CAST(substr(month, 1, 4) AS INTEGER), MAX(institution_id), ${sums} ${WRITTEN}
       GROUP BY instrument_id, substr(month, 1, 4)
       ON CONFLICT (instrument_id, year) DO UPDATE SET institution_id = excluded.institution_id, ${adds('instrument_year_stats')}`,
    rebuild: [
      ...CLEAR_LEVELS,
      ...SCOPE_KEYS.flatMap(([scope, key]) => [
        `INSERT INTO scope_month_stats (scope, key, month, ${COLS})
         SELECT '${scope}', ${key}, month, ${sums} FROM instrument_month_stats GROUP BY 2, month`,
        `INSERT INTO scope_month_enterprises (scope, key, month, enterprise_id, refs)
         SELECT '${scope}', ${key.replace(/\b(city_code|top_category|institution_id)\b/g, 's.$1')}, e.month, e.enterprise_id, COUNT(*)
         FROM instrument_month_enterprises e JOIN instrument_month_stats s ON s.instrument_id = e.instrument_id AND s.month = e.month
         GROUP BY 2, e.month, e.enterprise_id`,
      ]),
      `INSERT INTO instrument_year_stats (instrument_id, year, institution_id, ${COLS})
       SELECT instrument_id, CAST(substr(month, 1, 4) AS INTEGER), MAX(institution_id), ${sums}
       FROM instrument_month_stats GROUP BY instrument_id, substr(month, 1, 4)`,
    ],
  };
}
const SUMMING = { sqlite: summingStatements(SUMS.sqlite), postgres: summingStatements(SUMS.postgres) };

const scopesOf = (r: MonthRow): [string, string][] => [
  ['province', ''],
  ['city', r.cityCode ?? ''],
  ['category', r.topCategory],
  ['institution', String(r.institutionId)],
];

/**
 * The levels' writes. Every method is one step of a larger use case (a refresh, a chunk of a year's
 * build) and belongs in that use case's transaction: `aggregates.with(tx)`.
 */
export class Aggregates {
  constructor(private readonly q: Queryable) {}

  /** The same writes on a transaction. */
  with(q: Queryable): Aggregates {
    return new Aggregates(q);
  }

  /** Adds (sign 1) or subtracts (sign −1) one instrument-month at every level. */
  async apply(
    instrumentId: number,
    month: string,
    row: MonthRow,
    enterprises: readonly number[],
    sign: 1 | -1,
  ): Promise<void> {
    const values = valuesOf(row.counters).map((v) => v * sign);
    for (const [s, key] of scopesOf(row)) {
      await this.q.run(ADD_SCOPE_MONTH, [s, key, month, ...values]);
      for (const e of enterprises) {
        await this.q.run(ADD_SERVED, [s, key, month, e, sign]);
        if (sign < 0) await this.q.run(DROP_UNSERVED, [s, key, month, e]);
      }
    }
    await this.q.run(ADD_YEAR, [instrumentId, Number(month.slice(0, 4)), row.institutionId, ...values]);
  }

  /**
   * Adds the instrument-months just written with `refreshed_at = at` (instrument ids from–to) to every
   * level, set-wise: a year's months built chunk by chunk (year-builder.ts). They serve no enterprise
   * yet — months written with only the hours offered — so the enterprises served stay as they are.
   */
  async addWritten(at: number, from: number, to: number): Promise<void> {
    const { addWrittenScopes, addWrittenYears } = byEngine(this.q.engine, SUMMING);
    for (const statement of addWrittenScopes) await this.q.run(statement, { at, from, to });
    await this.q.run(addWrittenYears, { at, from, to });
  }

  /** Rebuilds every level from the instrument-month roll-up (after a large refresh). */
  async rebuild(): Promise<void> {
    for (const statement of byEngine(this.q.engine, SUMMING).rebuild) await this.q.run(statement);
  }
}
