/**
 * Voucher arithmetic and eligibility, pure: programmes, certifications and balances come in as
 * arguments. The share is eligible × ratio rounded down to the fen, then held to the order cap,
 * the remaining quota, the controller group's remaining cap and the programme's remaining budget.
 */
import type { VoucherLimit } from '../../../db/schema/enums.ts';
import type { RatioRules } from '../../../db/schema/vouchers.ts';

/** Base percent by the enterprise's city, plus the same-city top-up, never above 100%. */
export function ratioPercent(rules: RatioRules, enterpriseCity: string | null, providerCity: string | null): number {
  const base =
    enterpriseCity !== null && Object.hasOwn(rules.byCity, enterpriseCity)
      ? rules.byCity[enterpriseCity]!
      : rules.basePercent;
  const topUp = enterpriseCity && enterpriseCity === providerCity ? rules.sameCityTopUpPercent : 0;
  return Math.min(100, base + topUp);
}

export interface ShareLimits {
  orderCapFen: number | null;
  quotaAvailableFen: number;
  groupAvailableFen: number | null;
  budgetAvailableFen: number;
}

export interface Share {
  voucherFen: number;
  /** The rule that set the amount: the ratio itself, or the first cap that cut it (none: 100% covered). */
  limitedBy: VoucherLimit;
}

/** The voucher share of an eligible amount. Integer arithmetic only; rounds down to the fen. */
export function voucherShare(eligibleFen: number, ratio: number, limits: ShareLimits): Share {
  if (!Number.isSafeInteger(eligibleFen) || eligibleFen < 0) throw new RangeError(`bad amount ${eligibleFen}`);
  if (!Number.isInteger(ratio) || ratio < 0 || ratio > 100) throw new RangeError(`bad ratio ${ratio}`);
  let share = Math.floor((eligibleFen * ratio) / 100);
  let limitedBy: VoucherLimit = ratio === 100 ? 'none' : 'ratio';
  const caps: [VoucherLimit, number | null][] = [
    ['order_cap', limits.orderCapFen],
    ['quota', limits.quotaAvailableFen],
    ['group_cap', limits.groupAvailableFen],
    ['budget', limits.budgetAvailableFen],
  ];
  for (const [name, cap] of caps) {
    if (cap === null) continue;
    const room = Math.max(0, cap);
    if (share > room) {
      share = room;
      limitedBy = name;
    }
  }
  return { voucherFen: share, limitedBy };
}

/**
 * The voucher share of a final price: the ratio applied to the final amount, never more than
 * was reserved (a higher final price may not take more voucher than was held for it).
 */
export function finalShare(finalFen: number, ratio: number, reservedFen: number): number {
  if (![finalFen, ratio, reservedFen].every((n) => Number.isSafeInteger(n) && n >= 0) || ratio > 100)
    throw new RangeError(`bad final share input ${finalFen} × ${ratio}% ≤ ${reservedFen}`);
  return Math.min(reservedFen, Math.floor((finalFen * ratio) / 100));
}

export type Ineligibility =
  | 'not_certified'
  | 'certification_expired'
  | 'quota_revoked'
  | 'programme_not_started'
  | 'programme_ended'
  | 'category_not_eligible'
  | 'provider_not_eligible'
  | 'provider_not_certified'
  | 'out_of_province'
  | 'related_party'
  | 'not_enterprise_price';

export interface EligibilityFacts {
  /** The service date (local, YYYY-MM-DD): the booking's day, or today for unscheduled samples. */
  serviceDate: string;
  today: string;
  programme: {
    startsOn: string;
    useBy: string;
    province: string;
    eligibleCategories: string[];
    eligibleProviders: number[];
    allowOutOfProvince: boolean;
  };
  certification: { expiresOn: string; revoked: boolean } | null;
  quotaRevoked: boolean;
  categoryCode: string;
  provider: { id: number; certified: boolean; province: string };
  related: boolean;
  justification: string | null | undefined;
}

/** Every reason a voucher may not pay for this service (empty: it may). */
export function ineligibility(f: EligibilityFacts): Ineligibility[] {
  const reasons: Ineligibility[] = [];
  if (!f.certification || f.certification.revoked) reasons.push('not_certified');
  else if (f.certification.expiresOn < f.serviceDate) reasons.push('certification_expired');
  if (f.quotaRevoked) reasons.push('quota_revoked');
  if (f.serviceDate < f.programme.startsOn || f.today < f.programme.startsOn) reasons.push('programme_not_started');
  if (f.serviceDate > f.programme.useBy || f.today > f.programme.useBy) reasons.push('programme_ended');
  const categories = f.programme.eligibleCategories;
  if (categories.length && !categories.some((c) => categoryCovers(c, f.categoryCode))) {
    reasons.push('category_not_eligible');
  }
  const providers = f.programme.eligibleProviders;
  if (providers.length && !providers.includes(f.provider.id)) reasons.push('provider_not_eligible');
  else if (!providers.length && !f.provider.certified) reasons.push('provider_not_certified');
  if (f.provider.province !== f.programme.province) {
    if (!f.programme.allowOutOfProvince || !f.justification?.trim()) reasons.push('out_of_province');
  }
  if (f.related) reasons.push('related_party');
  return reasons;
}

/** Does a category code of any level (010000, 010100, 010101) cover an instrument's code? */
export function categoryCovers(rule: string, code: string): boolean {
  if (rule.endsWith('0000')) return code.slice(0, 2) === rule.slice(0, 2);
  if (rule.endsWith('00')) return code.slice(0, 4) === rule.slice(0, 4);
  return code === rule;
}
