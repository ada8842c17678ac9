/**
 * The finance dashboard: voucher money granted, reserved, used, claimed and paid, by month and by
 * the enterprise's city; open batches with their age; the latest reconciliation. A city office
 * sees its city (and no reconciliation: that is the province's); the provincial office and the
 * platform's desk see the province.
 */
import { financeScope, type Actor } from '../auth/actor.ts';
import { forbidden } from '../../shared/errors.ts';
import { inSnapshot, type SettlementContext } from './context.ts';
import type { DashboardView } from './settlement.schemas.ts';
import type { BatchReads } from './views.ts';

type Sums = { grantedFen: number; reservedFen: number; usedFen: number; claimedFen: number; paidFen: number };
const empty = (): Sums => ({ grantedFen: 0, reservedFen: 0, usedFen: 0, claimedFen: 0, paidFen: 0 });

export class FinanceDashboard {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
  ) {}

  async dashboard(actor: Actor): Promise<DashboardView> {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('the finance dashboard is for finance staff');
    const city = scope.kind === 'city' ? scope.cityCode : null;
    // One snapshot: the sums, the open batches and the latest run describe the same moment.
    const { rows, stages, cities, open, latest, openFindings } = await inSnapshot(this.ctx, async (repo) => {
      const rows = await repo.dashboardFacts(city);
      const stages = await repo.dashboardStages(city);
      const cities = await repo.cities();
      const open = (await this.reads.list(repo, actor, {})).filter(
        (b) => b.status === 'submitted' || b.status === 'reviewed' || b.status === 'draft',
      );
      const runs = repo.reconciliation();
      const latest = city === null ? (await runs.runs(1))[0] : undefined;
      const openFindings = latest ? (await runs.findings(latest.id)).filter((f) => f.resolvedAt === null).length : 0;
      return { rows, stages, cities, open, latest, openFindings };
    });
    const sum = (facts: typeof rows) => {
      const byMonth = new Map<string, Sums>();
      const byCity = new Map<string, Sums>();
      for (const r of facts) {
        const key = `${r.what}Fen` as keyof Sums;
        const m = byMonth.get(r.month) ?? empty();
        m[key] += r.fen;
        byMonth.set(r.month, m);
        const cityKey = r.cityCode ?? '';
        const c = byCity.get(cityKey) ?? empty();
        c[key] += r.fen;
        byCity.set(cityKey, c);
      }
      return { byMonth, byCity };
    };
    const { byMonth, byCity } = sum(rows);
    const staged = sum(stages);
    const cityNames = new Map(cities.map((c) => [c.code, c.name]));
    const months = (m: Map<string, Sums>) =>
      [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, v]) => ({ month, ...v }));
    return {
      scope: city ? { cityCode: city, cityName: cityNames.get(city) ?? city } : null,
      byMonth: months(byMonth),
      // Each city's quota granted beside the stages its uses have reached.
      stages: {
        byMonth: months(staged.byMonth),
        byCity: [...new Set([...byCity.keys(), ...staged.byCity.keys()])]
          .map((cityCode) => ({
            cityCode,
            cityName: cityNames.get(cityCode) ?? '—',
            ...(staged.byCity.get(cityCode) ?? empty()),
            grantedFen: byCity.get(cityCode)?.grantedFen ?? 0,
          }))
          .sort((a, b) => b.grantedFen - a.grantedFen || a.cityCode.localeCompare(b.cityCode)),
      },
      byCity: [...byCity.entries()]
        .map(([cityCode, v]) => ({ cityCode, cityName: cityNames.get(cityCode) ?? '—', ...v }))
        .sort((a, b) => b.grantedFen - a.grantedFen),
      openBatches: open.map((b) => ({
        id: b.id,
        claimant: b.claimant.name,
        reviewOffice: b.reviewOffice.name,
        month: b.month,
        status: b.status,
        totalFen: b.totalFen,
        ageDays: b.ageDays,
      })),
      latestRun: latest
        ? {
            id: latest.id,
            status: latest.status,
            finishedAt: latest.finishedAt === null ? null : new Date(latest.finishedAt).toISOString(),
            openFindings,
          }
        : null,
    };
  }
}
