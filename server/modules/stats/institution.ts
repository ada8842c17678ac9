/**
 * An institution's figures, for its lab managers, finance and admins: its dashboard (totals, by
 * month, every instrument), and the instruments under the thresholds of the evaluation of open
 * sharing.
 */
import { forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { InstrumentTables } from './instrument-table.ts';
import { level, total } from './levels.ts';
import type { ReadContext } from './read-context.ts';

const ORGANISATION_SQL = `SELECT id, name, kind FROM organisations WHERE id = ?`;
/** The institution's version: a single look-up on its index. */
const INSTITUTION_VERSION_SQL = `SELECT MAX(refreshed_at) FROM instrument_month_stats WHERE institution_id = ?`;
const UNDERUSED_SQL = `SELECT y.instrument_id AS id, i.name_zh AS "nameZh", o.name AS "institutionName", y.open_minutes AS "openMinutes",
                y.used_minutes AS "usedMinutes", y.external_minutes AS "externalMinutes"
         FROM instrument_year_stats y JOIN instruments i ON i.id = y.instrument_id JOIN organisations o ON o.id = y.institution_id
         WHERE y.year = @year AND (CAST(@institution AS BIGINT) IS NULL OR y.institution_id = @institution)
           AND i.sharing_mode != 'not_shared' AND y.open_minutes > 0
           AND (1.0 * y.used_minutes / y.open_minutes < @maxUtilisation OR y.used_minutes < @minMinutes)
         ORDER BY 1.0 * y.used_minutes / y.open_minutes, y.instrument_id LIMIT 500`;

export function canSeeInstitution(actor: Actor, institutionId: number): boolean {
  if (actor.role === 'platform_admin' || actor.role === 'finance_officer') return true;
  return actor.role === 'lab_manager' && actor.organisationId === institutionId;
}

export class InstitutionFigures {
  /** The per-instrument tables, patched as the institution's instruments change. */
  private readonly tables = new InstrumentTables();

  constructor(private readonly ctx: ReadContext) {}

  /** An institution's dashboard: totals, by month, and every instrument's figures. */
  async institution(actor: Actor, institutionId: number, yearInput?: number) {
    const org = await this.ctx.db.get<{ id: number; name: string; kind: string }>(ORGANISATION_SQL, [institutionId]);
    if (!org || org.kind !== 'institution') throw notFound('institution');
    if (!canSeeInstitution(actor, institutionId))
      throw forbidden('an institution’s figures are for its lab managers, finance and admins');
    const { year, building } = await this.ctx.year(yearInput);
    // One snapshot for the version and the answer. Kept (the same object: its JSON and gzip are kept
    // with it, http/compression.ts keepEncoded) until one of its own instruments changes.
    return this.ctx.db.read(async (tx) => {
      const version = (await tx.value<number | null>(INSTITUTION_VERSION_SQL, [institutionId])) ?? 0;
      return this.ctx.cached(`institution:${institutionId}:${year}:${building}`, version, async () => {
        const from = `${year}-01`;
        const to = `${year}-12`;
        const key = String(institutionId);
        return {
          year,
          building,
          institution: { id: org.id, name: org.name },
          totals: await total(tx, 'institution', from, to, key),
          byMonth: (await level(tx, 'institution', from, to, 'month', key)).map((g) => ({
            month: g.key,
            ...g.figures,
          })),
          instruments: await this.tables.table(tx, institutionId, year, version),
        };
      });
    });
  }

  /** Instruments under the thresholds (utilisation or effective hours), for the evaluation of open sharing. */
  async underused(
    actor: Actor,
    q: { institutionId?: number; year?: number; maxUtilisation: number; minHours: number },
  ) {
    const institutionId = q.institutionId ?? (actor.role === 'lab_manager' ? actor.organisationId : undefined);
    if (institutionId !== undefined && !canSeeInstitution(actor, institutionId))
      throw forbidden('not your institution');
    if (institutionId === undefined && actor.role === 'lab_manager') throw forbidden('not your institution');
    if (actor.role === 'researcher') throw forbidden('for labs, finance and admins');
    const { year, building } = await this.ctx.year(q.year);
    const rows = await this.ctx.db.all<{
      id: number;
      nameZh: string;
      institutionName: string;
      openMinutes: number;
      usedMinutes: number;
      externalMinutes: number;
    }>(UNDERUSED_SQL, {
      year,
      institution: institutionId ?? null,
      maxUtilisation: q.maxUtilisation,
      minMinutes: q.minHours * 60,
    });
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
