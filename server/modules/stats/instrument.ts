/** One instrument's figures by month. Public: the sharing of each instrument is open information. */
import { notFound } from '../../shared/errors.ts';
import { emptyCounters, figures, type Counters } from './figures.ts';
import type { ReadContext } from './read-context.ts';
import { MONTH_COUNTERS, toCounters } from './rollup.ts';

const INSTRUMENT_SQL = `SELECT id, name_zh AS "nameZh", institution_id AS "institutionId" FROM instruments WHERE id = ?`;
const MONTHS_SQL = `SELECT month, turnaround, ${MONTH_COUNTERS} FROM instrument_month_stats
       WHERE instrument_id = ? AND month BETWEEN ? AND ? ORDER BY month`;
const SERVED_SQL = `SELECT month, enterprise_id AS e FROM instrument_month_enterprises WHERE instrument_id = ? AND month BETWEEN ? AND ?`;

export class InstrumentFigures {
  constructor(private readonly ctx: ReadContext) {}

  async instrument(instrumentId: number, yearInput?: number) {
    const i = await this.ctx.db.get<{ id: number; nameZh: string; institutionId: number }>(INSTRUMENT_SQL, [
      instrumentId,
    ]);
    if (!i) throw notFound('instrument');
    const { year, building } = await this.ctx.year(yearInput);
    const from = `${year}-01`;
    const to = `${year}-12`;
    // The months and the enterprises they served from one snapshot.
    const { months, served } = await this.ctx.db.read(async (tx) => ({
      months: await tx.all<Record<string, unknown> & { month: string; turnaround: unknown }>(MONTHS_SQL, [
        instrumentId,
        from,
        to,
      ]),
      served: await tx.all<{ month: string; e: number }>(SERVED_SQL, [instrumentId, from, to]),
    }));
    const total = emptyCounters();
    let open = 0;
    const byMonth = months.map((m) => {
      const c = toCounters(m, [m.turnaround]);
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
}
