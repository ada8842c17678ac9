/**
 * The province-wide sharing overview (一网通览), public: instruments and institutions by city and
 * category, hours of service, enterprises served, voucher money, the monthly trend, the most used
 * instruments.
 */
import { DateTime } from 'luxon';
import { byEngine, type Tx } from '../../../db/port.ts';
import { level, total } from './levels.ts';
import { ZONE, type ReadContext } from './read-context.ts';
import { rollupVersion } from './rollup.ts';

const CITIES_SQL = `SELECT code, name, name_en AS "nameEn" FROM cities`;
const CATEGORIES_SQL = `SELECT code, name, name_en AS "nameEn" FROM categories WHERE level = 1`;
const CATALOG_VERSION_SQL = 'SELECT version FROM catalog_meta WHERE id = 1';
/**
 * The catalogue's counts. The shared instruments are counted each engine's fastest way: SQLite sums
 * a comparison (0 or 1), PostgreSQL (whose comparisons are booleans) counts with a filter.
 */
const CATALOG_COUNTS_SQL = {
  sqlite: `SELECT COUNT(*) AS instruments, COUNT(DISTINCT institution_id) AS institutions,
              SUM(sharing_mode != 'not_shared') AS shared FROM instruments`,
  postgres: `SELECT COUNT(*) AS instruments, COUNT(DISTINCT institution_id) AS institutions,
              COUNT(*) FILTER (WHERE sharing_mode != 'not_shared') AS shared FROM instruments`,
};
const CITY_COUNTS_SQL = `SELECT o.city_code AS code, COUNT(*) AS instruments, COUNT(DISTINCT i.institution_id) AS institutions
           FROM instruments i JOIN organisations o ON o.id = i.institution_id GROUP BY o.city_code`;
const CATEGORY_COUNTS_SQL = `SELECT substr(category_code, 1, 2) || '0000' AS code, COUNT(*) AS instruments FROM instruments GROUP BY 1`;
const TOP_INSTRUMENTS_SQL = `SELECT y.instrument_id AS id, i.name_zh AS "nameZh", i.name_en AS "nameEn", o.name AS "institutionName",
              y.used_minutes AS "usedMinutes", y.external_minutes AS "externalMinutes", y.completed AS jobs
       FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id JOIN organisations o ON o.id = i.institution_id
       WHERE y.year = ? AND y.used_minutes > 0 ORDER BY y.used_minutes DESC LIMIT 10`;
const MONEY_SQL = `SELECT COALESCE(SUM(amount_fen), 0) FROM ledger_transfers WHERE code = ? AND state = 'posted' AND created_at >= ? AND created_at < ?`;

interface CatalogueCounts {
  counts: { instruments: number; institutions: number; shared: number | null };
  byCityCount: Map<string, { instruments: number; institutions: number }>;
  byCategoryCount: Map<string, number>;
}

export class Overview {
  constructor(private readonly ctx: ReadContext) {}

  /** Province-wide, for everyone: totals, by city, by top category, by month, the most used instruments. */
  async overview(yearInput?: number) {
    const { year, building } = await this.ctx.year(yearInput);
    // One snapshot: the totals, the cities and the months of one answer add up even if a refresh
    // commits while it is read; the version is read in it too.
    // Kept as one object per version (its JSON and gzip kept with it: http/compression.ts keepEncoded).
    return this.ctx.db.read(async (tx) =>
      this.ctx.cached(`overview:${year}:${building}`, await rollupVersion(tx), async () => ({
        ...(await this.compute(tx, year)),
        building,
      })),
    );
  }

  private async compute(tx: Tx, year: number) {
    const from = `${year}-01`;
    const to = `${year}-12`;
    const cities = new Map(
      (await tx.all<{ code: string; name: string; nameEn: string }>(CITIES_SQL)).map((c) => [c.code, c]),
    );
    const categories = new Map(
      (await tx.all<{ code: string; name: string; nameEn: string | null }>(CATEGORIES_SQL)).map((c) => [c.code, c]),
    );
    // The catalogue's counts change only with the catalogue: kept per catalogue version.
    const catalogVersion = Number(await tx.value(CATALOG_VERSION_SQL));
    const { counts, byCityCount, byCategoryCount } = await this.ctx.cached<CatalogueCounts>(
      'catalogue-counts',
      catalogVersion,
      async () => {
        const counts = (await tx.get<CatalogueCounts['counts']>(byEngine(tx.engine, CATALOG_COUNTS_SQL)))!;
        const byCityCount = new Map(
          (await tx.all<{ code: string; instruments: number; institutions: number }>(CITY_COUNTS_SQL)).map((r) => [
            r.code,
            r,
          ]),
        );
        const byCategoryCount = new Map(
          (await tx.all<{ code: string; instruments: number }>(CATEGORY_COUNTS_SQL)).map((r) => [
            r.code,
            r.instruments,
          ]),
        );
        return { counts, byCityCount, byCategoryCount };
      },
    );
    const top = await tx.all<{
      id: number;
      nameZh: string;
      nameEn: string | null;
      institutionName: string;
      usedMinutes: number;
      externalMinutes: number;
      jobs: number;
    }>(TOP_INSTRUMENTS_SQL, [year]);
    const yearFrom = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: ZONE }).toMillis();
    const yearTo = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone: ZONE }).toMillis();
    const money = async (code: string) => Number(await tx.value(MONEY_SQL, [code, yearFrom, yearTo]));
    const totals = await total(tx, 'province', from, to, '');
    return {
      year,
      vouchers: {
        grantedFen: await money('quota_grant'),
        usedFen: totals.savedFen,
        paidFen: await money('claim_paid'),
      },
      instruments: counts.instruments,
      sharedInstruments: counts.shared ?? 0,
      institutions: counts.institutions,
      totals,
      byMonth: (await level(tx, 'province', from, to, 'month', '')).map((g) => ({ month: g.key, ...g.figures })),
      byCity: (await level(tx, 'city', from, to, 'key'))
        .filter((g) => g.key !== '')
        .map((g) => ({
          cityCode: g.key,
          cityName: cities.get(g.key)?.name ?? g.key,
          cityNameEn: cities.get(g.key)?.nameEn ?? g.key,
          instruments: byCityCount.get(g.key)?.instruments ?? 0,
          institutions: byCityCount.get(g.key)?.institutions ?? 0,
          ...g.figures,
        })),
      byCategory: (await level(tx, 'category', from, to, 'key')).map((g) => ({
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
}
