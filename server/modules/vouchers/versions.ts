/**
 * Programme rule versions: which rules an order is planned and checked by. The version in force at a
 * time is the highest version whose effective time has come; a programme without versions (rows from
 * before versions were kept, until the migration's backfill) is its own version.
 */
import type { ProgrammeRules } from '../../../db/schema/vouchers.ts';
import { rulesOf } from './rules.ts';
import type { RuleVersionView } from './vouchers.schemas.ts';
import type { ProgrammeRow, RuleVersionRow, VouchersRepo } from './vouchers.repo.ts';

export interface RulesInForce {
  version: number;
  rules: ProgrammeRules;
}

/**
 * The rules of a programme in force at `at` (UTC ms). A time before the first version (a seed's
 * back-dated order) takes the first.
 */
export async function rulesInForce(repo: VouchersRepo, p: ProgrammeRow, at: number): Promise<RulesInForce> {
  const v = (await repo.ruleVersionAt(p.id, at)) ?? (await repo.ruleVersion(p.id, 1));
  return v ? { version: v.version, rules: withDefaults(v.rules) } : { version: p.rulesVersion, rules: rulesOf(p) };
}

/** The rules of one version (a use's planned version); the programme's own when that version is unknown. */
export async function rulesOfVersion(repo: VouchersRepo, p: ProgrammeRow, version: number): Promise<ProgrammeRules> {
  const v = await repo.ruleVersion(p.id, version);
  return v ? withDefaults(v.rules) : rulesOf(p);
}

/** Versions written before a rule existed lack it: the default then applied. */
function withDefaults(r: ProgrammeRules): ProgrammeRules {
  return { ...r, eligibleParts: r.eligibleParts ?? { surcharges: true, setupFee: true } };
}

export async function versionView(
  repo: VouchersRepo,
  v: RuleVersionRow,
  inForce: number | null,
): Promise<RuleVersionView> {
  const rules = withDefaults(v.rules);
  return {
    version: v.version,
    effectiveFrom: new Date(v.effectiveFrom).toISOString(),
    inForce: v.version === inForce,
    rules: { ...rules, ratioRules: { ...rules.ratioRules, byCounty: rules.ratioRules.byCounty ?? {} } },
    note: v.note,
    createdBy: v.createdBy === null ? null : await repo.userName(v.createdBy),
    createdAt: new Date(v.createdAt).toISOString(),
  };
}
