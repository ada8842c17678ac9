/**
 * An institution's per-instrument table for a year (the dashboard's largest part: 4,821 rows for the
 * largest institution), kept in memory at the roll-up version it was read at and, when the version
 * moves, patched: only the instruments whose months were refreshed since are read again.
 *
 * Never stale: the version and the changed instruments are read in the answer's snapshot from the
 * roll-up itself (refreshed_at, strictly increasing, written by any process or node), on the index
 * (institution_id, refreshed_at).
 */
import { byEngine, type Queryable } from '../../../db/port.ts';
import { listParam } from '../../shared/sql-list.ts';
import { figures, type Figures } from './figures.ts';
import { LEVEL_SUMS, levelCounters } from './levels.ts';

export type InstrumentLine = Figures & { instrumentId: number; nameZh: string };

const YEAR_TERMS = LEVEL_SUMS.replace(/SUM\((\w+)\)/g, 'y.$1');
const yearsSql = (only: string) => `SELECT y.instrument_id AS g, i.name_zh AS "nameZh", ${YEAR_TERMS}
           FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id
           WHERE y.institution_id = ? AND y.year = ? ${only} ORDER BY y.instrument_id`;
const servedSql = (instruments: string) => `SELECT e.instrument_id AS g, COUNT(DISTINCT e.enterprise_id) AS n
           FROM instrument_month_enterprises e
           WHERE e.instrument_id IN (${instruments}) AND e.month BETWEEN ? AND ? GROUP BY e.instrument_id`;
const ALL = {
  years: yearsSql(''),
  served: servedSql('SELECT id FROM instruments WHERE institution_id = ?'),
};
const SOME = {
  sqlite: {
    years: yearsSql('AND y.instrument_id IN (SELECT value FROM json_each(?))'),
    served: servedSql('SELECT value FROM json_each(?)'),
  },
  postgres: {
    years: yearsSql('AND y.instrument_id = ANY(?::bigint[])'),
    served: servedSql('SELECT unnest(?::bigint[])'),
  },
};
/** The instruments of an institution with a month refreshed after a version. */
const CHANGED_SQL = `SELECT DISTINCT instrument_id FROM instrument_month_stats WHERE institution_id = ? AND refreshed_at > ?`;

/** Above this many changed instruments the table is read whole (a year's build, a bulk refresh). */
const PATCH_LIMIT = 500;
/** Tables kept (institution-years): each is at most a few MB for the largest institution. */
const MAX_TABLES = 64;

export class InstrumentTables {
  private readonly tables = new Map<string, { version: number; lines: InstrumentLine[] }>();

  /**
   * The table of an institution's year at `version` (its latest refresh, read in the same snapshot
   * `q`): the kept one patched with the instruments refreshed since, or read whole.
   */
  async table(q: Queryable, institutionId: number, year: number, version: number): Promise<InstrumentLine[]> {
    const key = `${institutionId}:${year}`;
    const kept = this.tables.get(key);
    if (kept && kept.version === version) return kept.lines;
    let lines: InstrumentLine[] | undefined;
    // A kept table newer than this snapshot (another request read later) cannot be patched back.
    if (kept && kept.version < version) {
      const changed = await q.column<number>(CHANGED_SQL, [institutionId, kept.version]);
      if (changed.length <= PATCH_LIMIT) lines = await this.patch(q, kept.lines, institutionId, year, changed);
    }
    lines ??= await this.read(q, institutionId, year);
    if (!kept || kept.version < version) {
      this.tables.delete(key); // re-inserted last: the oldest is the first dropped
      if (this.tables.size >= MAX_TABLES) this.tables.delete(this.tables.keys().next().value!);
      this.tables.set(key, { version, lines });
    }
    return lines;
  }

  /** The whole table. */
  private async read(q: Queryable, institutionId: number, year: number): Promise<InstrumentLine[]> {
    const rows = await q.all<Record<string, unknown> & { g: number; nameZh: string }>(ALL.years, [institutionId, year]);
    const served = await q.all<{ g: number; n: number }>(ALL.served, [institutionId, `${year}-01`, `${year}-12`]);
    return lines(rows, served);
  }

  /** The kept table with the changed instruments' lines read again (added, replaced or dropped). */
  private async patch(
    q: Queryable,
    kept: InstrumentLine[],
    institutionId: number,
    year: number,
    changed: number[],
  ): Promise<InstrumentLine[]> {
    if (!changed.length) return kept;
    const sql = byEngine(q.engine, SOME);
    const ids = listParam(q.engine, changed);
    const rows = await q.all<Record<string, unknown> & { g: number; nameZh: string }>(sql.years, [
      institutionId,
      year,
      ids,
    ]);
    const served = await q.all<{ g: number; n: number }>(sql.served, [ids, `${year}-01`, `${year}-12`]);
    const gone = new Set(changed);
    return kept
      .filter((l) => !gone.has(l.instrumentId))
      .concat(lines(rows, served))
      .sort((a, b) => a.instrumentId - b.instrumentId);
  }
}

function lines(
  rows: (Record<string, unknown> & { g: number; nameZh: string })[],
  served: { g: number; n: number }[],
): InstrumentLine[] {
  const n = new Map(served.map((r) => [Number(r.g), Number(r.n)]));
  return rows.map((r) => ({
    instrumentId: Number(r.g),
    nameZh: r.nameZh,
    ...figures(levelCounters(r), n.get(Number(r.g)) ?? 0),
  }));
}
