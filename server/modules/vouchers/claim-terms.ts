/**
 * What a claim line is checked against: the terms its voucher use was planned with — the rules
 * version in force at the order (ratio, eligible parts, dates), the enterprise's and provider's places
 * then — not today's programme. Uses from before versions were kept are checked by today's rules.
 */
import type { EligibleParts } from '../../../db/schema/vouchers.ts';
import { ratioPercent, rulesOf } from './rules.ts';
import { rulesOfVersion } from './versions.ts';
import type { VoucherUseRow, VouchersRepo } from './vouchers.repo.ts';

export interface ClaimTerms {
  use: VoucherUseRow;
  /** The ratio the planned rules give for the places at order time. */
  ruleRatioPercent: number;
  /** The eligible parts the use was planned with (null: every part). */
  parts: EligibleParts | null;
  /** What the uses before it in a co-funded order posted. */
  earlierPostedFen: number;
  /** The deduct-mode shares the order's other uses posted (the enterprise did not pay them itself). */
  otherDeductFen: number;
  /** The planned version's dates; the claim deadline is the later of that version's and today's. */
  programme: { startsOn: string; useBy: string; claimBy: string; province: string };
  ruleVersion: number | null;
}

export async function claimTermsOf(repo: VouchersRepo, useId: number): Promise<ClaimTerms | undefined> {
  const use = await repo.useById(useId);
  if (!use) return undefined;
  const p = (await repo.programme(use.programmeId))!;
  const today = rulesOf(p);
  let rules = today;
  let places: [string | null, string | null, string | null];
  if (use.planned) {
    rules = await rulesOfVersion(repo, p, use.planned.ruleVersion);
    places = [use.planned.enterpriseCityCode, use.planned.enterpriseCountyCode, use.planned.providerCityCode];
  } else {
    const e = await repo.organisation(use.enterpriseId);
    const pr = await repo.organisation(use.providerId);
    places = [e?.cityCode ?? null, e?.countyCode ?? null, pr?.cityCode ?? null];
  }
  const all = await repo.uses(use.bookingId);
  const posted = all.filter((u) => u.id !== use.id && u.status === 'posted');
  const earlierPostedFen = posted
    .filter((u) => u.sequence < use.sequence)
    .reduce((sum, u) => sum + (u.postedFen ?? 0), 0);
  const otherDeductFen = posted
    .filter((u) => u.settlementMode === 'deduct')
    .reduce((sum, u) => sum + (u.postedFen ?? 0), 0);
  return {
    use,
    ruleRatioPercent: ratioPercent(rules.ratioRules, ...places),
    parts: use.planned?.eligibleParts ?? null,
    earlierPostedFen,
    otherDeductFen,
    programme: {
      startsOn: rules.startsOn,
      useBy: rules.useBy,
      claimBy: rules.claimBy > today.claimBy ? rules.claimBy : today.claimBy,
      province: p.province,
    },
    ruleVersion: use.planned?.ruleVersion ?? null,
  };
}
