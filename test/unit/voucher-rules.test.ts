import { describe, expect, it } from 'vitest';
import type { RatioRules } from '../../db/schema/vouchers.ts';
import type { PriceLine } from '../../db/schema/booking.ts';
import {
  ALL_PARTS,
  categoryCovers,
  coFundedShares,
  eligibleFen,
  finalShare,
  postedShare,
  rulesDiffer,
  rulesOf,
  ineligibility,
  ratioPercent,
  voucherShare,
  type EligibilityFacts,
  type Ineligibility,
  type ShareLimits,
} from '../../server/modules/vouchers/rules.ts';

/** Shandong: 40% everywhere, 60% for 枣庄 临沂 德州 聊城 滨州 菏泽, +30% when the provider is in the same city. */
const shandong: RatioRules = {
  basePercent: 40,
  byCity: { '370400': 60, '371300': 60, '371400': 60, '371500': 60, '371600': 60, '371700': 60 },
  sameCityTopUpPercent: 30,
};

const JINAN = '370100';
const QINGDAO = '370200';
const LINYI = '371300';
const HEZE = '371700';

describe('ratioPercent', () => {
  it.each([
    ['济南 enterprise, 青岛 provider → base', JINAN, QINGDAO, 40],
    ['济南 enterprise, unknown provider city → base', JINAN, null, 40],
    ['临沂 enterprise, 济南 provider → city rate', LINYI, JINAN, 60],
    ['菏泽 enterprise, 临沂 provider → city rate (different cities)', HEZE, LINYI, 60],
    ['济南 enterprise, 济南 provider → base + top-up', JINAN, JINAN, 70],
    ['临沂 enterprise, 临沂 provider → city rate + top-up', LINYI, LINYI, 90],
    ['no enterprise city → base', null, JINAN, 40],
    ['no enterprise city and no provider city → base, no top-up', null, null, 40],
  ] as const)('%s', (_label, enterpriseCity, providerCity, expected) => {
    expect(ratioPercent(shandong, enterpriseCity, null, providerCity)).toBe(expected);
  });

  it.each([
    ['base + top-up above 100 is capped', { basePercent: 80, byCity: {}, sameCityTopUpPercent: 30 }, 100],
    [
      'city rate + top-up above 100 is capped',
      { basePercent: 40, byCity: { [JINAN]: 90 }, sameCityTopUpPercent: 30 },
      100,
    ],
    ['exactly 100 stays 100', { basePercent: 70, byCity: {}, sameCityTopUpPercent: 30 }, 100],
  ] as const)('%s', (_label, rules: RatioRules, expected) => {
    expect(ratioPercent(rules, JINAN, null, JINAN)).toBe(expected);
  });

  it('the cap only bites on the total: a different-city enterprise keeps its own rate', () => {
    const rules: RatioRules = { basePercent: 80, byCity: {}, sameCityTopUpPercent: 30 };
    expect(ratioPercent(rules, JINAN, null, QINGDAO)).toBe(80);
  });

  it('a byCity entry of 0 is honoured, not replaced by the base', () => {
    const rules: RatioRules = { basePercent: 40, byCity: { [JINAN]: 0 }, sameCityTopUpPercent: 0 };
    expect(ratioPercent(rules, JINAN, null, QINGDAO)).toBe(0);
    expect(ratioPercent(rules, JINAN, null, JINAN)).toBe(0);
    expect(ratioPercent({ ...rules, sameCityTopUpPercent: 30 }, JINAN, null, JINAN)).toBe(30);
    expect(ratioPercent(rules, QINGDAO, null, JINAN)).toBe(40);
  });

  it('a zero top-up adds nothing in the same city', () => {
    expect(ratioPercent({ ...shandong, sameCityTopUpPercent: 0 }, LINYI, null, LINYI)).toBe(60);
  });
});

/** Limits that never cut: no order cap, no group, plenty of quota and budget. */
const open: ShareLimits = {
  orderCapFen: null,
  quotaAvailableFen: 1e15,
  groupAvailableFen: null,
  budgetAvailableFen: 1e15,
};

describe('voucherShare', () => {
  describe('rounds down to the fen', () => {
    it.each([
      [3333, 40, 1333], // 1333.2
      [3339, 40, 1335], // 1335.6 — down, not to nearest
      [1, 60, 0], // 0.6
      [1, 99, 0],
      [99, 1, 0], // 0.99
      [100, 1, 1],
      [0, 40, 0],
      [12345, 0, 0],
      [10_000, 40, 4000],
      [1e10, 40, 4e9],
      [1e10 + 1, 33, 3_300_000_000], // 3_300_000_000.33
      [9_999_999_999, 99, 9_899_999_999], // 9_899_999_999.01
      [1e10, 70, 7e9],
    ])('%i fen × %i%% → %i fen, limited by the ratio', (eligible, ratio, expected) => {
      expect(voucherShare(eligible, ratio, open)).toEqual({ voucherFen: expected, limitedBy: 'ratio' });
    });
  });

  it.each([
    [0, 0],
    [1, 1],
    [3333, 3333],
    [1e10, 1e10],
  ])('100%% of %i fen with no cap → %i fen, limited by none', (eligible, expected) => {
    expect(voucherShare(eligible, 100, open)).toEqual({ voucherFen: expected, limitedBy: 'none' });
  });

  // 100_000 fen × 40% = 40_000 fen before any cap.
  it.each<[string, Partial<ShareLimits>, number, string]>([
    ['nothing cuts', {}, 40_000, 'ratio'],
    [
      'caps exactly at the share do not cut',
      { orderCapFen: 40_000, quotaAvailableFen: 40_000, groupAvailableFen: 40_000, budgetAvailableFen: 40_000 },
      40_000,
      'ratio',
    ],
    [
      'caps above the share do not cut',
      { orderCapFen: 50_000, quotaAvailableFen: 60_000, groupAvailableFen: 70_000, budgetAvailableFen: 80_000 },
      40_000,
      'ratio',
    ],
    ['order cap', { orderCapFen: 30_000 }, 30_000, 'order_cap'],
    ['quota', { quotaAvailableFen: 25_000 }, 25_000, 'quota'],
    ['group cap', { groupAvailableFen: 20_000 }, 20_000, 'group_cap'],
    ['null group: no group cap', { groupAvailableFen: null }, 40_000, 'ratio'],
    ['budget', { budgetAvailableFen: 15_000 }, 15_000, 'budget'],
    [
      'each later cap tighter: the last one wins',
      { orderCapFen: 30_000, quotaAvailableFen: 25_000, groupAvailableFen: 20_000, budgetAvailableFen: 15_000 },
      15_000,
      'budget',
    ],
    [
      'each later cap looser: the first one wins',
      { orderCapFen: 15_000, quotaAvailableFen: 20_000, groupAvailableFen: 25_000, budgetAvailableFen: 30_000 },
      15_000,
      'order_cap',
    ],
    [
      'tightest in the middle wins',
      { orderCapFen: 30_000, quotaAvailableFen: 10_000, groupAvailableFen: 20_000, budgetAvailableFen: 35_000 },
      10_000,
      'quota',
    ],
    ['tie order cap = quota: order cap', { orderCapFen: 30_000, quotaAvailableFen: 30_000 }, 30_000, 'order_cap'],
    ['tie quota = group cap: quota', { quotaAvailableFen: 30_000, groupAvailableFen: 30_000 }, 30_000, 'quota'],
    [
      'tie group cap = budget: group cap',
      { groupAvailableFen: 30_000, budgetAvailableFen: 30_000 },
      30_000,
      'group_cap',
    ],
    ['tie quota = budget: quota', { quotaAvailableFen: 30_000, budgetAvailableFen: 30_000 }, 30_000, 'quota'],
    [
      'all four tied: order cap',
      { orderCapFen: 30_000, quotaAvailableFen: 30_000, groupAvailableFen: 30_000, budgetAvailableFen: 30_000 },
      30_000,
      'order_cap',
    ],
    ['zero quota', { quotaAvailableFen: 0 }, 0, 'quota'],
    ['negative order cap counts as zero', { orderCapFen: -5 }, 0, 'order_cap'],
    ['negative quota counts as zero', { quotaAvailableFen: -500 }, 0, 'quota'],
    ['negative group room counts as zero', { groupAvailableFen: -1 }, 0, 'group_cap'],
    ['negative budget counts as zero', { budgetAvailableFen: -1_000_000 }, 0, 'budget'],
    [
      'negative quota then negative budget: quota wins the tie at zero',
      { quotaAvailableFen: -1, budgetAvailableFen: -2 },
      0,
      'quota',
    ],
  ])('%s', (_label, limits, voucherFen, limitedBy) => {
    expect(voucherShare(100_000, 40, { ...open, ...limits })).toEqual({ voucherFen, limitedBy });
  });

  it('a cap can cut a 100% share', () => {
    expect(voucherShare(100_000, 100, { ...open, orderCapFen: 50_000 })).toEqual({
      voucherFen: 50_000,
      limitedBy: 'order_cap',
    });
    expect(voucherShare(100_000, 100, { ...open, budgetAvailableFen: 100_000 })).toEqual({
      voucherFen: 100_000,
      limitedBy: 'none',
    });
  });

  it('a zero share is limited by the ratio even when the caps are zero or negative', () => {
    expect(voucherShare(0, 40, { ...open, quotaAvailableFen: 0, budgetAvailableFen: -1 })).toEqual({
      voucherFen: 0,
      limitedBy: 'ratio',
    });
  });

  it('caps are compared with the rounded share', () => {
    // 3333 × 40% = 1333.2 → 1333: a cap of 1333 does not cut.
    expect(voucherShare(3333, 40, { ...open, quotaAvailableFen: 1333 })).toEqual({
      voucherFen: 1333,
      limitedBy: 'ratio',
    });
    expect(voucherShare(3333, 40, { ...open, quotaAvailableFen: 1332 })).toEqual({
      voucherFen: 1332,
      limitedBy: 'quota',
    });
  });

  it.each([1.5, 0.1, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'throws RangeError on the amount %s',
    (amount) => {
      expect(() => voucherShare(amount, 40, open)).toThrow(RangeError);
    },
  );

  it.each([-1, 101, 40.5, 0.1, Number.NaN, Number.POSITIVE_INFINITY])('throws RangeError on the ratio %s', (ratio) => {
    expect(() => voucherShare(1000, ratio, open)).toThrow(RangeError);
  });

  it.each([0, 1, 50, 99, 100])('accepts the ratio %i', (ratio) => {
    expect(() => voucherShare(1000, ratio, open)).not.toThrow();
  });
});

describe('finalShare', () => {
  // Reserved at 40% of 10_000 fen = 4_000 fen.
  const reserved = voucherShare(10_000, 40, open).voucherFen;

  it.each([
    ['same final price: the whole reservation', 10_000, 4_000],
    ['lower final price: the share of the final, the difference released', 8_000, 3_200],
    ['lower final price rounds down to the fen', 3_333, 1_333],
    ['final price of zero: nothing', 0, 0],
    ['higher final price: never more than reserved', 12_000, 4_000],
    ['much higher final price: never more than reserved', 1e9, 4_000],
  ])('%s', (_label, finalFen, expected) => {
    expect(reserved).toBe(4_000);
    expect(finalShare(finalFen, 40, reserved)).toBe(expected);
    expect(reserved - finalShare(finalFen, 40, reserved)).toBe(4_000 - expected);
  });

  it('a reservation cut by a cap stays the ceiling for a lower final price', () => {
    // 10_000 fen × 40% capped at 3_000 by the quota; final 8_000 × 40% = 3_200 > 3_000.
    const capped = voucherShare(10_000, 40, { ...open, quotaAvailableFen: 3_000 }).voucherFen;
    expect(capped).toBe(3_000);
    expect(finalShare(8_000, 40, capped)).toBe(3_000);
    expect(finalShare(5_000, 40, capped)).toBe(2_000);
  });

  it('at 100% the final share follows the final price down and stops at the reservation', () => {
    expect(finalShare(7_000, 100, 10_000)).toBe(7_000);
    expect(finalShare(12_000, 100, 10_000)).toBe(10_000);
  });
});

const clear: EligibilityFacts = {
  serviceDate: '2026-03-10',
  today: '2026-03-01',
  programme: {
    startsOn: '2026-01-01',
    useBy: '2026-12-31',
    province: '370000',
    eligibleCategories: ['010000', '020100'],
    eligibleProviders: [],
    allowOutOfProvince: false,
  },
  certification: { expiresOn: '2026-12-31', revoked: false },
  quotaRevoked: false,
  categoryCode: '010101',
  provider: { id: 7, certified: true, province: '370000' },
  related: false,
  justification: null,
};

type FactsPatch = Partial<Omit<EligibilityFacts, 'programme' | 'provider'>> & {
  programme?: Partial<EligibilityFacts['programme']>;
  provider?: Partial<EligibilityFacts['provider']>;
};

const facts = (patch: FactsPatch): EligibilityFacts => ({
  ...clear,
  ...patch,
  programme: { ...clear.programme, ...patch.programme },
  provider: { ...clear.provider, ...patch.provider },
});

describe('ineligibility', () => {
  it('all clear: no reasons', () => {
    expect(ineligibility(clear)).toEqual([]);
  });

  it.each<[string, FactsPatch, Ineligibility[]]>([
    // certification
    ['no certification', { certification: null }, ['not_certified']],
    ['revoked certification', { certification: { expiresOn: '2026-12-31', revoked: true } }, ['not_certified']],
    [
      'revoked and expired certification: only not_certified',
      { certification: { expiresOn: '2025-01-01', revoked: true } },
      ['not_certified'],
    ],
    [
      'certification expired before the service date',
      { certification: { expiresOn: '2026-03-09', revoked: false } },
      ['certification_expired'],
    ],
    [
      'certification expiring on the service date still covers it',
      { certification: { expiresOn: '2026-03-10', revoked: false } },
      [],
    ],
    // quota
    ['quota revoked', { quotaRevoked: true }, ['quota_revoked']],
    // programme dates
    [
      'service before the programme starts',
      { serviceDate: '2025-12-31', today: '2025-12-01' },
      ['programme_not_started'],
    ],
    [
      'today before the programme starts',
      { serviceDate: '2026-01-05', today: '2025-12-31' },
      ['programme_not_started'],
    ],
    ['service on the first day', { serviceDate: '2026-01-01', today: '2026-01-01' }, []],
    [
      'service after use-by',
      { serviceDate: '2027-01-01', certification: { expiresOn: '2027-12-31', revoked: false } },
      ['programme_ended'],
    ],
    ['today after use-by', { serviceDate: '2026-12-31', today: '2027-01-01' }, ['programme_ended']],
    ['service on the last day', { serviceDate: '2026-12-31', today: '2026-12-31' }, []],
    // category
    ['category outside the eligible list', { categoryCode: '030101' }, ['category_not_eligible']],
    ['category under an eligible second level', { categoryCode: '020105' }, []],
    ['category beside an eligible second level', { categoryCode: '020201' }, ['category_not_eligible']],
    ['no category list: every category', { categoryCode: '990101', programme: { eligibleCategories: [] } }, []],
    // provider
    ['provider not in the eligible list', { programme: { eligibleProviders: [8, 9] } }, ['provider_not_eligible']],
    ['provider in the eligible list', { programme: { eligibleProviders: [7, 8] } }, []],
    [
      'listed provider need not be certified',
      { programme: { eligibleProviders: [7] }, provider: { certified: false } },
      [],
    ],
    [
      'unlisted uncertified provider: only provider_not_eligible',
      { programme: { eligibleProviders: [8] }, provider: { certified: false } },
      ['provider_not_eligible'],
    ],
    ['no provider list, provider not certified', { provider: { certified: false } }, ['provider_not_certified']],
    // province
    ['out of province, not allowed', { provider: { province: '320000' } }, ['out_of_province']],
    [
      'out of province, not allowed, even with a justification',
      { provider: { province: '320000' }, justification: '省内无同类设备' },
      ['out_of_province'],
    ],
    [
      'out of province, allowed, no justification',
      { provider: { province: '320000' }, programme: { allowOutOfProvince: true } },
      ['out_of_province'],
    ],
    [
      'out of province, allowed, undefined justification',
      { provider: { province: '320000' }, programme: { allowOutOfProvince: true }, justification: undefined },
      ['out_of_province'],
    ],
    [
      'out of province, allowed, blank justification',
      { provider: { province: '320000' }, programme: { allowOutOfProvince: true }, justification: '  \n ' },
      ['out_of_province'],
    ],
    [
      'out of province, allowed, justified',
      { provider: { province: '320000' }, programme: { allowOutOfProvince: true }, justification: '省内无同类设备' },
      [],
    ],
    ['in province needs no justification', { programme: { allowOutOfProvince: true } }, []],
    // relation
    ['related party', { related: true }, ['related_party']],
  ])('%s', (_label, patch, expected) => {
    expect(ineligibility(facts(patch))).toEqual(expected);
  });

  it('reports every reason at once, in order', () => {
    expect(
      ineligibility(
        facts({
          certification: null,
          quotaRevoked: true,
          serviceDate: '2027-01-02',
          today: '2025-12-01',
          categoryCode: '030101',
          programme: { eligibleProviders: [8] },
          provider: { province: '320000' },
          related: true,
        }),
      ),
    ).toEqual([
      'not_certified',
      'quota_revoked',
      'programme_not_started',
      'programme_ended',
      'category_not_eligible',
      'provider_not_eligible',
      'out_of_province',
      'related_party',
    ]);
  });
});

describe('categoryCovers', () => {
  it.each([
    // top level covers everything beneath it
    ['010000', '010101', true],
    ['010000', '010201', true],
    ['010000', '019999', true],
    ['010000', '010000', true],
    ['010000', '020101', false],
    // second level covers its own third levels only
    ['010100', '010101', true],
    ['010100', '010199', true],
    ['010100', '010201', false],
    ['010100', '020101', false],
    // third level: exact match only
    ['010101', '010101', true],
    ['010101', '010102', false],
    ['010101', '010100', false],
  ])('%s covers %s: %s', (rule, code, expected) => {
    expect(categoryCovers(rule, code)).toBe(expected);
  });
});

describe('county ratios (省财政直管县)', () => {
  const LIAOCHENG = '371500';
  const GUANXIAN = '371525'; // 冠县, a county the provincial finance runs directly
  const rules: RatioRules = { ...shandong, byCounty: { [GUANXIAN]: 70 } };

  it('a county rate comes before the city rate', () => {
    expect(ratioPercent(rules, LIAOCHENG, GUANXIAN, JINAN)).toBe(70);
    expect(ratioPercent(rules, LIAOCHENG, '371502', JINAN)).toBe(60);
    expect(ratioPercent(rules, LIAOCHENG, null, JINAN)).toBe(60);
  });

  it('the same-city top-up adds to the county rate, capped at 100', () => {
    expect(ratioPercent(rules, LIAOCHENG, GUANXIAN, LIAOCHENG)).toBe(100);
    expect(ratioPercent({ ...rules, sameCityTopUpPercent: 10 }, LIAOCHENG, GUANXIAN, LIAOCHENG)).toBe(80);
  });

  it('rules without byCounty behave as before', () => {
    expect(ratioPercent(shandong, LIAOCHENG, GUANXIAN, JINAN)).toBe(60);
  });
});

const line = (kind: PriceLine['kind'], amountFen: number): PriceLine => ({
  kind,
  label: kind,
  quantity: 1,
  unitFen: amountFen,
  amountFen,
});

describe('eligible parts', () => {
  // 2 h at ¥300, ¥100 start-up fee, 50% urgent on ¥700, ¥60 off-hours.
  const lines = [
    line('machine_time', 60000),
    line('setup_fee', 10000),
    line('urgent_surcharge', 35000),
    line('off_hours_surcharge', 6000),
  ];
  const total = 111000;

  it('no setting, or every part: the whole price (as before parts were a setting)', () => {
    expect(eligibleFen(lines, total, null)).toBe(total);
    expect(eligibleFen(lines, total, ALL_PARTS)).toBe(total);
  });

  it('surcharges out: the service and the start-up fee', () => {
    expect(eligibleFen(lines, total, { surcharges: false, setupFee: true })).toBe(70000);
  });

  it('start-up fee out: the service and the surcharges', () => {
    expect(eligibleFen(lines, total, { surcharges: true, setupFee: false })).toBe(101000);
  });

  it('both out: the unit-priced service alone; a minimum-charge top-up counts with the start-up fee', () => {
    expect(eligibleFen(lines, total, { surcharges: false, setupFee: false })).toBe(60000);
    const topped = [line('samples', 5000), line('minimum_charge', 15000)];
    expect(eligibleFen(topped, 20000, { surcharges: true, setupFee: false })).toBe(5000);
    expect(eligibleFen(topped, 20000, { surcharges: false, setupFee: true })).toBe(20000);
  });

  it('never lines a voucher does not pay for (no-show fees, waived amounts)', () => {
    const odd = [line('samples', 5000), line('no_show_fee', 700), line('waived', -300)];
    expect(eligibleFen(odd, 5400, { surcharges: true, setupFee: false })).toBe(5000);
  });

  it('postedShare applies the ratio to the final eligible parts, held to the reserve', () => {
    const parts = { surcharges: false, setupFee: true };
    expect(postedShare(total, lines, parts, 60, 42000, 0)).toBe(42000);
    expect(postedShare(total, lines, parts, 60, 30000, 0)).toBe(30000);
    expect(postedShare(total, lines, null, 60, 1e9, 0)).toBe(66600);
    expect(postedShare(total, lines, null, 60, 1e9, 0)).toBe(finalShare(total, 60, 1e9));
  });

  it('postedShare of a later co-funder: at most what the earlier left of the eligible amount', () => {
    expect(postedShare(10000, [line('samples', 10000)], null, 50, 1e9, 6000)).toBe(4000);
    expect(postedShare(10000, [line('samples', 10000)], null, 30, 1e9, 6000)).toBe(3000);
    expect(postedShare(10000, [line('samples', 10000)], null, 30, 1e9, 10000)).toBe(0);
  });
});

describe('rule versions', () => {
  const row = {
    ratioRules: shandong,
    orderCapFen: null,
    enterpriseYearCapFen: 100000,
    groupYearCapFen: null,
    startsOn: '2026-01-01',
    useBy: '2026-12-31',
    claimBy: '2027-01-31',
    eligibleCategories: [],
    eligibleProviders: [],
    allowOutOfProvince: false,
    eligibleParts: null,
  };

  it('a programme row without parts: every part', () => {
    expect(rulesOf(row).eligibleParts).toEqual(ALL_PARTS);
  });

  it('the same rules in another key order are not a change; any rule field is', () => {
    const a = rulesOf(row);
    const reordered = rulesOf({
      ...row,
      ratioRules: { sameCityTopUpPercent: 30, byCity: { '371700': 60, ...shandong.byCity }, basePercent: 40 },
    });
    expect(rulesDiffer(a, reordered)).toBe(false);
    expect(rulesDiffer(a, rulesOf({ ...row, ratioRules: { ...shandong, basePercent: 50 } }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, orderCapFen: 5000 }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, eligibleCategories: ['010000'] }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, useBy: '2026-11-30' }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, eligibleParts: { surcharges: false, setupFee: true } }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, ratioRules: { ...shandong, byCounty: { '371525': 70 } } }))).toBe(true);
    expect(rulesDiffer(a, rulesOf({ ...row, ratioRules: { ...shandong, byCounty: {} } }))).toBe(false);
    // A version read back from PostgreSQL's jsonb comes with its keys in another order: no change.
    const stored = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(a).reverse()))) as typeof a;
    expect(rulesDiffer(a, stored)).toBe(false);
  });
});

describe('coFundedShares', () => {
  const limits = { orderCapFen: null, quotaAvailableFen: 1e9, groupAvailableFen: null, budgetAvailableFen: 1e9 };

  it('each programme pays its own ratio of its eligible amount, in order', () => {
    const [p, c] = coFundedShares(
      [
        { eligibleFen: 10000, ratio: 40, limits, sharedCaps: [] },
        { eligibleFen: 10000, ratio: 30, limits, sharedCaps: [] },
      ],
      new Map(),
    );
    expect(p).toEqual({ voucherFen: 4000, limitedBy: 'ratio' });
    expect(c).toEqual({ voucherFen: 3000, limitedBy: 'ratio' });
  });

  it('the later programme pays at most what the earlier left of the eligible amount', () => {
    const [p, c] = coFundedShares(
      [
        { eligibleFen: 10000, ratio: 70, limits, sharedCaps: [] },
        { eligibleFen: 10000, ratio: 50, limits, sharedCaps: [] },
      ],
      new Map(),
    );
    expect(p!.voucherFen + c!.voucherFen).toBe(10000);
    expect(c).toEqual({ voucherFen: 3000, limitedBy: 'co_funded' });
  });

  it('each programme is held to its own caps', () => {
    const [p, c] = coFundedShares(
      [
        { eligibleFen: 10000, ratio: 40, limits: { ...limits, orderCapFen: 1000 }, sharedCaps: [] },
        { eligibleFen: 10000, ratio: 30, limits: { ...limits, quotaAvailableFen: 500 }, sharedCaps: [] },
      ],
      new Map(),
    );
    expect(p).toEqual({ voucherFen: 1000, limitedBy: 'order_cap' });
    expect(c).toEqual({ voucherFen: 500, limitedBy: 'quota' });
  });

  it('a shared cap limits the sum of the programmes it lists', () => {
    const [p, c] = coFundedShares(
      [
        { eligibleFen: 10000, ratio: 40, limits, sharedCaps: [7] },
        { eligibleFen: 10000, ratio: 30, limits, sharedCaps: [7] },
      ],
      new Map([[7, 5000]]),
    );
    expect(p).toEqual({ voucherFen: 4000, limitedBy: 'ratio' });
    expect(c).toEqual({ voucherFen: 1000, limitedBy: 'shared_cap' });
  });

  it('different eligible parts: the city pays its ratio of its own eligible amount, less what the province took', () => {
    const [p, c] = coFundedShares(
      [
        { eligibleFen: 6000, ratio: 60, limits, sharedCaps: [] },
        { eligibleFen: 10000, ratio: 80, limits, sharedCaps: [] },
      ],
      new Map(),
    );
    expect(p!.voucherFen).toBe(3600);
    expect(c).toEqual({ voucherFen: 6400, limitedBy: 'co_funded' });
  });
});
