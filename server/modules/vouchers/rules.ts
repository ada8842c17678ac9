/**
 * Voucher arithmetic and eligibility, pure: programmes, certifications and balances come in as
 * arguments. The share is eligible × ratio rounded down to the fen, then held to the order cap,
 * the remaining quota, the controller group's remaining cap and the programme's remaining budget.
 */
import type { PriceLine } from '../../../db/schema/booking.ts';
import type { VoucherLimit } from '../../../db/schema/enums.ts';
import type { EligibleParts, ProgrammeRules, RatioRules } from '../../../db/schema/vouchers.ts';

/**
 * Base percent by the enterprise's county (省财政直管县: counties the provincial finance runs directly
 * get their own, usually higher, ratio), else by its city, else the programme's base; plus the
 * same-city top-up; never above 100%.
 */
export function ratioPercent(
  rules: RatioRules,
  enterpriseCity: string | null,
  enterpriseCounty: string | null,
  providerCity: string | null,
): number {
  const byCounty = rules.byCounty ?? {};
  const base =
    enterpriseCounty !== null && Object.hasOwn(byCounty, enterpriseCounty)
      ? byCounty[enterpriseCounty]!
      : enterpriseCity !== null && Object.hasOwn(rules.byCity, enterpriseCity)
        ? rules.byCity[enterpriseCity]!
        : rules.basePercent;
  const topUp = enterpriseCity && enterpriseCity === providerCity ? rules.sameCityTopUpPercent : 0;
  return Math.min(100, base + topUp);
}

/** Every part eligible: what a programme without an eligible-parts setting pays for. */
export const ALL_PARTS: EligibleParts = { surcharges: true, setupFee: true };

/** Does a voucher pay for this price line? The unit-priced service always; the rest as the programme says. */
export function lineEligible(kind: PriceLine['kind'], parts: EligibleParts): boolean {
  switch (kind) {
    case 'machine_time':
    case 'samples':
      return true;
    case 'urgent_surcharge':
    case 'off_hours_surcharge':
      return parts.surcharges;
    case 'setup_fee':
    case 'minimum_charge':
      return parts.setupFee;
    default:
      return false;
  }
}

/**
 * The part of a price a voucher may pay for. With every part eligible (or no setting) that is the
 * whole price, as before parts were a setting; otherwise the sum of the eligible lines.
 */
export function eligibleFen(lines: readonly PriceLine[], totalFen: number, parts: EligibleParts | null): number {
  if (!parts || (parts.surcharges && parts.setupFee)) return totalFen;
  let sum = 0;
  for (const line of lines) if (lineEligible(line.kind, parts)) sum += line.amountFen;
  return Math.max(0, Math.min(sum, totalFen));
}

/** The rules a programme row holds now (what a new version starts from, and the fallback before versions). */
export function rulesOf(
  p: Omit<ProgrammeRules, 'eligibleParts'> & { eligibleParts: EligibleParts | null },
): ProgrammeRules {
  return {
    ratioRules: p.ratioRules,
    orderCapFen: p.orderCapFen,
    enterpriseYearCapFen: p.enterpriseYearCapFen,
    groupYearCapFen: p.groupYearCapFen,
    startsOn: p.startsOn,
    useBy: p.useBy,
    claimBy: p.claimBy,
    eligibleCategories: p.eligibleCategories,
    eligibleProviders: p.eligibleProviders,
    allowOutOfProvince: p.allowOutOfProvince,
    eligibleParts: p.eligibleParts ?? ALL_PARTS,
  };
}

/** Whether two rule sets differ (an edit that changes them writes a new version). */
export function rulesDiffer(a: ProgrammeRules, b: ProgrammeRules): boolean {
  // Keys in one order (PostgreSQL's jsonb keeps its own): the values alone are compared.
  const norm = (r: ProgrammeRules) =>
    JSON.stringify({
      orderCapFen: r.orderCapFen,
      enterpriseYearCapFen: r.enterpriseYearCapFen,
      groupYearCapFen: r.groupYearCapFen,
      startsOn: r.startsOn,
      useBy: r.useBy,
      claimBy: r.claimBy,
      eligibleCategories: r.eligibleCategories,
      eligibleProviders: r.eligibleProviders,
      allowOutOfProvince: r.allowOutOfProvince,
      ratioRules: {
        basePercent: r.ratioRules.basePercent,
        byCity: sorted(r.ratioRules.byCity),
        sameCityTopUpPercent: r.ratioRules.sameCityTopUpPercent,
        byCounty: sorted(r.ratioRules.byCounty ?? {}),
      },
      eligibleParts: { surcharges: r.eligibleParts.surcharges, setupFee: r.eligibleParts.setupFee },
    });
  return norm(a) !== norm(b);
}

const sorted = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : 1)));

export interface ShareLimits {
  orderCapFen: number | null;
  quotaAvailableFen: number;
  groupAvailableFen: number | null;
  budgetAvailableFen: number;
  /** What the shared caps this programme counts against leave (the smallest room); null: none. */
  sharedAvailableFen?: number | null;
  /** Co-funding: what earlier programmes of the order left of the eligible amount; null: the first. */
  coFundedRoomFen?: number | null;
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
    ['shared_cap', limits.sharedAvailableFen ?? null],
    ['co_funded', limits.coFundedRoomFen ?? null],
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
 * One programme's terms in a co-funded order, in funding order (the province's first).
 * `sharedCaps`: ids of the shared caps it counts against.
 */
export interface FundingTerm {
  eligibleFen: number;
  ratio: number;
  limits: Omit<ShareLimits, 'sharedAvailableFen' | 'coFundedRoomFen'>;
  sharedCaps: number[];
}

/**
 * The shares of a co-funded order. Each programme pays its own ratio of its own eligible amount, held
 * to its own caps; a later programme pays at most what the earlier ones left of its eligible amount
 * (so the voucher shares together never exceed the eligible amount, and the enterprise's own share
 * is never negative); a shared cap limits the sum of the shares of the programmes it lists.
 */
export function coFundedShares(terms: FundingTerm[], sharedRoom: ReadonlyMap<number, number>): Share[] {
  const room = new Map(sharedRoom);
  let taken = 0;
  const shares: Share[] = [];
  terms.forEach((t, i) => {
    const rooms = t.sharedCaps.map((id) => room.get(id) ?? 0);
    const share = voucherShare(t.eligibleFen, t.ratio, {
      ...t.limits,
      sharedAvailableFen: rooms.length ? Math.min(...rooms) : null,
      coFundedRoomFen: i === 0 ? null : Math.max(0, t.eligibleFen - taken),
    });
    for (const id of t.sharedCaps) room.set(id, (room.get(id) ?? 0) - share.voucherFen);
    taken += share.voucherFen;
    shares.push(share);
  });
  return shares;
}

/**
 * The voucher share of a final price: the ratio applied to the final (eligible) amount, never more
 * than was reserved (a higher final price may not take more voucher than was held for it).
 */
export function finalShare(finalFen: number, ratio: number, reservedFen: number): number {
  if (![finalFen, ratio, reservedFen].every((n) => Number.isSafeInteger(n) && n >= 0) || ratio > 100)
    throw new RangeError(`bad final share input ${finalFen} × ${ratio}% ≤ ${reservedFen}`);
  return Math.min(reservedFen, Math.floor((finalFen * ratio) / 100));
}

/**
 * What a use posts at completion: its ratio of the final price's eligible parts, never above its
 * reserve, and never more than the uses posted before it in a co-funded order left of that amount.
 */
export function postedShare(
  finalFen: number,
  finalLines: readonly PriceLine[],
  parts: EligibleParts | null,
  ratio: number,
  reservedFen: number,
  earlierPostedFen: number,
): number {
  const eligible = eligibleFen(finalLines, finalFen, parts);
  return Math.min(finalShare(eligible, ratio, reservedFen), Math.max(0, eligible - earlierPostedFen));
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
