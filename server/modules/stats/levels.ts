/**
 * Reading the levels above the roll-up (aggregates.ts): one scope's sums over months — in total, by
 * month or by key — with the distinct enterprises served, as figures.
 */
import type { Queryable } from '../../../db/port.ts';
import { COUNTER_COLUMNS } from './aggregates.ts';
import { emptyCounters, figures, type Counters, type Figures } from './figures.ts';

/** Sums of a level's months, as SQL select terms named like the counters (quoted: PostgreSQL keeps their case). */
export const LEVEL_SUMS = [
  ...COUNTER_COLUMNS.filter((c) => !/^t\d+$/.test(c)).map(
    (c) => `SUM(${c}) AS "${c.replace(/_(\w)/g, (_, x: string) => x.toUpperCase())}"`,
  ),
  ...Array.from({ length: 12 }, (_, i) => `SUM(t${i}) AS t${i}`),
].join(', ');

/** Counters from a level row (named like the counters, turnaround as t0…t11). */
export function levelCounters(r: Record<string, unknown>): Counters & { openMinutes: number } {
  const c = emptyCounters();
  for (const k of Object.keys(c) as (keyof Counters)[]) {
    if (k !== 'turnaround') (c[k] as number) = Number(r[k] ?? 0);
  }
  c.turnaround = c.turnaround.map((_, i) => Number(r[`t${i}`] ?? 0));
  return { ...c, openMinutes: Number(r.openMinutes ?? 0) };
}

type By = 'all' | 'month' | 'key';

/** The two statements of a level read, by grouping and key filter (four texts in all). */
function levelSql(by: By, keyed: boolean) {
  const keyFilter = keyed ? 'AND key = @key' : '';
  const group = by === 'all' ? '' : `GROUP BY ${by}`;
  const select = by === 'all' ? `'' AS g` : `${by} AS g`;
  return {
    sums: `SELECT ${select}, ${LEVEL_SUMS} FROM scope_month_stats
         WHERE scope = @scope AND month BETWEEN @from AND @to ${keyFilter} ${group}`,
    served: `SELECT ${select}, COUNT(DISTINCT enterprise_id) AS n FROM scope_month_enterprises
             WHERE scope = @scope AND month BETWEEN @from AND @to ${keyFilter} ${group}`,
  };
}
const LEVEL_SQL = new Map(
  (['all', 'month', 'key'] as const).flatMap((by) =>
    [true, false].map((keyed) => [`${by}:${keyed}`, levelSql(by, keyed)]),
  ),
);

/**
 * One scope's sum over months, by month, or by key (with distinct enterprises served for each).
 * Its two statements belong in the caller's snapshot (`db.read`), with the answer's other reads.
 */
export async function level(q: Queryable, scope: string, from: string, to: string, by: By, key?: string) {
  const sql = LEVEL_SQL.get(`${by}:${key !== undefined}`)!;
  const params = { scope, from, to, ...(key !== undefined && { key }) };
  const rows = await q.all<Record<string, unknown> & { g: string }>(sql.sums, params);
  const served = new Map((await q.all<{ g: string; n: number }>(sql.served, params)).map((r) => [r.g, r.n]));
  return rows
    .filter((r) => r.requests !== null || r.openMinutes !== null)
    .map((r) => ({ key: r.g, figures: figures(levelCounters(r), served.get(r.g) ?? 0) }));
}

export async function total(q: Queryable, scope: string, from: string, to: string, key?: string): Promise<Figures> {
  return (
    (await level(q, scope, from, to, 'all', key))[0]?.figures ?? figures({ ...emptyCounters(), openMinutes: 0 }, 0)
  );
}
