import { describe, expect, it } from 'vitest';
import {
  CHECK_NAMES,
  describeCheck,
  lineChecks,
  type Check,
  type CheckFacts,
  type CheckName,
  type LineFacts,
} from '../../server/modules/settlement/checks.ts';
import { eventReason } from '../../server/modules/settlement/settlement.service.ts';
import { langOf } from '../../server/shared/lang.ts';

/** Every variant of every check, with what it must say in Chinese and in English. */
const SAID: { [N in CheckName]: [CheckFacts[N], string, string][] } = {
  total_adds_up: [
    [
      { variant: 'adds_up', totalFen: 123_456, voucherFen: 61_728, selfPayFen: 61_728 },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28',
    ],
    [
      { variant: 'differs', totalFen: 123_456, voucherFen: 61_728, selfPayFen: 50_000 },
      '合计 ¥1,234.56 ≠ 创新券 ¥617.28 + 自付 ¥500.00',
      'total ¥1,234.56 ≠ voucher ¥617.28 + self-pay ¥500.00',
    ],
    [
      { variant: 'not_completed', status: 'in_progress' },
      '预约状态为“使用中”，服务尚未完成',
      'the booking is in progress, not completed',
    ],
  ],
  ratio_and_caps: [
    [
      { variant: 'within', ratioPercent: 50, totalFen: 123_456, reservedFen: 61_728 },
      '服务金额 ¥1,234.56 的 50%，未超出按限额冻结的 ¥617.28',
      '50% of ¥1,234.56, within the ¥617.28 held under the caps',
    ],
    [
      {
        variant: 'off',
        claimedFen: 70_000,
        postedFen: 70_000,
        expectedFen: 61_728,
        ratioPercent: 50,
        ruleRatioPercent: 40,
        reservedFen: 80_000,
      },
      '申报 ¥700.00，按规则应为 ¥617.28（补贴比例 50%，现行政策比例 40%，冻结额度 ¥800.00）',
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio now 40%, held ¥800.00)',
    ],
    [
      {
        variant: 'off',
        claimedFen: 70_000,
        postedFen: 61_728,
        expectedFen: 61_728,
        ratioPercent: 50,
        ruleRatioPercent: 50,
        reservedFen: 80_000,
      },
      '申报 ¥700.00，按规则应为 ¥617.28（补贴比例 50%，现行政策比例 50%，冻结额度 ¥800.00）；已核销 ¥617.28',
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio now 50%, held ¥800.00); posted ¥617.28',
    ],
    [
      {
        variant: 'off',
        claimedFen: 61_728,
        postedFen: null,
        expectedFen: 61_728,
        ratioPercent: 50,
        ruleRatioPercent: 50,
        reservedFen: 80_000,
      },
      '申报 ¥617.28，按规则应为 ¥617.28（补贴比例 50%，现行政策比例 50%，冻结额度 ¥800.00）；该笔创新券尚未核销',
      'claimed ¥617.28; the rules give ¥617.28 at 50% (programme ratio now 50%, held ¥800.00); the voucher use is not posted',
    ],
  ],
  published_price: [
    [{ variant: 'no_unit_line' }, '无按单价计费的项目', 'no unit-priced line'],
    [
      { variant: 'unpublished', unit: 'hour', unitFen: 50_000 },
      '单价 ¥500.00/小时，该收费项目已不再公示',
      '¥500.00 per hour; the item is no longer published',
    ],
    [
      { variant: 'matches', unit: 'sample', unitFen: 8_000, publishedFen: 8_000 },
      '单价 ¥80.00/样品 = 公示价 ¥80.00',
      '¥80.00 per sample = published ¥80.00',
    ],
    [
      { variant: 'differs', unit: 'hour', unitFen: 50_000, publishedFen: 48_000 },
      '单价 ¥500.00/小时 ≠ 公示价 ¥480.00',
      '¥500.00 per hour ≠ published ¥480.00',
    ],
  ],
  usage_matches: [
    [
      { variant: 'machine_time', actualMinutes: 95, bookedMinutes: 120, billedHours: 2 },
      '实际上机 95 分钟（预约 120 分钟），计费 2 小时',
      'used 95 min of 120 booked; billed 2 h',
    ],
    [
      { variant: 'machine_time', actualMinutes: null, bookedMinutes: null, billedHours: 0 },
      '实际上机 – 分钟（预约 – 分钟），计费 0 小时',
      'used – min of – booked; billed 0 h',
    ],
    [
      { variant: 'sample', actualSamples: 5, sentSamples: 6, billedSamples: 5 },
      '实测样品 5 个（送样 6 个），计费 5 个',
      '5 samples tested of 6 sent; billed 5',
    ],
  ],
  within_validity: [
    [
      { variant: 'inside', serviceDate: '2026-10-12', startsOn: '2026-01-01', useBy: '2026-12-31' },
      '服务日期 2026-10-12，创新券有效期 2026-01-01 至 2026-12-31',
      'service on 2026-10-12; vouchers valid 2026-01-01 – 2026-12-31',
    ],
    [
      { variant: 'outside', serviceDate: '2027-01-04', startsOn: '2026-01-01', useBy: '2026-12-31' },
      '服务日期 2027-01-04 不在创新券有效期 2026-01-01 至 2026-12-31 内',
      "service on 2027-01-04, outside the vouchers' validity 2026-01-01 – 2026-12-31",
    ],
  ],
  claim_window: [
    [{ variant: 'open', claimBy: '2027-03-31', today: '2026-11-05' }, '申领截止 2027-03-31', 'claims until 2027-03-31'],
    [
      { variant: 'closed', claimBy: '2027-03-31', today: '2027-04-02' },
      '申领已于 2027-03-31 截止（今天 2027-04-02）',
      'claims closed on 2027-03-31 (today 2027-04-02)',
    ],
  ],
  no_related_party: [
    [{ variant: 'unrelated' }, '未申报关联关系', 'no declared relation'],
    [
      { variant: 'related' },
      '用户单位与服务单位已申报为关联方',
      'the enterprise and the provider are declared related parties',
    ],
  ],
  out_of_province_justified: [
    [{ variant: 'in_province' }, '服务单位在省内', 'provider in the province'],
    [
      { variant: 'justified', providerProvince: '江苏省', justification: '省内无同类设备' },
      '服务单位位于江苏省，省外服务说明：省内无同类设备',
      'provider in 江苏省: 省内无同类设备',
    ],
    [
      { variant: 'unjustified', providerProvince: '江苏省' },
      '服务单位位于江苏省，未提供省外服务说明',
      'provider in 江苏省: no justification',
    ],
  ],
  evidence: [
    [
      { variant: 'complete', invoiceNo: '04400123' },
      '发票号 04400123；已附检测报告',
      'invoice 04400123; report attached',
    ],
    [{ variant: 'no_report', invoiceNo: '04400123' }, '发票号 04400123；未附检测报告', 'invoice 04400123; no report'],
    [{ variant: 'no_invoice' }, '未填发票号；已附检测报告', 'no invoice number; report attached'],
    [{ variant: 'neither' }, '未填发票号；未附检测报告', 'no invoice number; no report'],
  ],
};

/** The variants each check has (the union types of CheckFacts, spelled out so a new one is noticed). */
const VARIANTS: Record<CheckName, string[]> = {
  total_adds_up: ['adds_up', 'differs', 'not_completed'],
  ratio_and_caps: ['within', 'off'],
  published_price: ['no_unit_line', 'unpublished', 'matches', 'differs'],
  usage_matches: ['machine_time', 'sample'],
  within_validity: ['inside', 'outside'],
  claim_window: ['open', 'closed'],
  no_related_party: ['unrelated', 'related'],
  out_of_province_justified: ['in_province', 'justified', 'unjustified'],
  evidence: ['complete', 'no_report', 'no_invoice', 'neither'],
};

const check = <N extends CheckName>(name: N, facts: CheckFacts[N], ok = true) => ({ name, ok, facts }) as Check;

describe('describeCheck', () => {
  it('has sentences for every variant of every check', () => {
    expect(Object.keys(SAID).sort()).toEqual([...CHECK_NAMES].sort());
    for (const name of CHECK_NAMES) {
      expect(new Set(SAID[name].map(([f]) => f.variant)), name).toEqual(new Set(VARIANTS[name]));
    }
  });

  for (const name of CHECK_NAMES) {
    it(`says ${name} in Chinese and English`, () => {
      for (const [facts, zh, en] of SAID[name] as [CheckFacts[CheckName], string, string][]) {
        const c = check(name, facts as never);
        expect(describeCheck(c, 'zh')).toBe(zh);
        expect(describeCheck(c, 'en')).toBe(en);
      }
    });
  }

  it('does not depend on the verdict, and never throws on odd figures', () => {
    const facts = SAID.evidence[0]![0];
    expect(describeCheck(check('evidence', facts, false), 'zh')).toBe(describeCheck(check('evidence', facts), 'zh'));
    const odd = check('total_adds_up', { variant: 'adds_up', totalFen: 1.5, voucherFen: NaN, selfPayFen: 0 });
    expect(describeCheck(odd, 'zh')).toBe('合计 ¥– = 创新券 ¥– + 自付 ¥0.00');
    expect(describeCheck(check('total_adds_up', { variant: 'not_completed', status: 'weird' }), 'zh')).toBe(
      '预约状态为“weird”，服务尚未完成',
    );
    expect(describeCheck({ name: 'nonsense', ok: true, facts: {} } as unknown as Check, 'en')).toBe('');
  });
});

// A machine-time job of 2 h at ¥617.28 an hour, half paid by the voucher, all in order.
const good = (): LineFacts => ({
  voucherFen: 61_728,
  booking: {
    status: 'completed',
    mode: 'machine_time',
    finalFen: 123_456,
    finalLines: [{ kind: 'machine_time', label: '机时', quantity: 2, unitFen: 61_728, amountFen: 123_456 }],
    bookedMinutes: 120,
    actualMinutes: 95,
    sampleCount: null,
    actualSamples: null,
    serviceDate: '2026-10-12',
    hasReport: true,
  },
  use: { postedFen: 61_728, reservedFen: 80_000, ratioPercent: 50, settlementMode: 'deduct' },
  selfPaidFen: 61_728,
  ruleRatioPercent: 50,
  publishedUnitFen: 61_728,
  programme: { startsOn: '2026-01-01', useBy: '2026-12-31', claimBy: '2027-03-31', province: '山东省' },
  providerProvince: '山东省',
  justification: null,
  related: false,
  today: '2026-11-05',
  invoiceNo: '04400123',
});

type Change = (f: LineFacts) => void;
const run = (change: Change = () => {}) => {
  const f = good();
  change(f);
  return lineChecks(f);
};
const failing = (checks: Check[]) => checks.filter((c) => !c.ok).map((c) => c.name);
const variants = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.name, c.facts.variant]));

describe('lineChecks', () => {
  it('passes a line in order, all nine in their order, with what they compared', () => {
    const checks = run();
    expect(checks.map((c) => c.name)).toEqual([...CHECK_NAMES]);
    expect(failing(checks)).toEqual([]);
    expect(checks.map((c) => describeCheck(c, 'zh'))).toEqual([
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28',
      '服务金额 ¥1,234.56 的 50%，未超出按限额冻结的 ¥800.00',
      '单价 ¥617.28/小时 = 公示价 ¥617.28',
      '实际上机 95 分钟（预约 120 分钟），计费 2 小时',
      '服务日期 2026-10-12，创新券有效期 2026-01-01 至 2026-12-31',
      '申领截止 2027-03-31',
      '未申报关联关系',
      '服务单位在省内',
      '发票号 04400123；已附检测报告',
    ]);
  });

  // Each change breaks exactly the checks listed, and picks the variant of their sentence.
  const cases: [string, Change, CheckName[], Partial<Record<CheckName, string>>][] = [
    [
      // ¥1,234.56 + 20 % off-hours on the whole of it (¥246.91) = ¥1,481.47; half of it is ¥740.73
      'an off-hours surcharge beside the unit-priced line',
      (f) => {
        const surcharge = { label: '非工作时间附加费', quantity: 2, unitFen: 12_346, amountFen: 24_691 };
        f.booking.finalLines.push({ kind: 'off_hours_surcharge', ...surcharge });
        f.booking.finalFen = 148_147;
        f.voucherFen = f.use.postedFen = 74_073;
        f.selfPaidFen = 74_074;
      },
      [],
      { published_price: 'matches', usage_matches: 'machine_time' },
    ],
    [
      'a booking not completed',
      (f) => void (f.booking.status = 'cancelled'),
      ['total_adds_up'],
      { total_adds_up: 'not_completed' },
    ],
    [
      'a self-pay short of the total',
      (f) => void (f.selfPaidFen = 50_000),
      ['total_adds_up'],
      { total_adds_up: 'differs' },
    ],
    [
      'reimburse mode: the enterprise paid it all',
      (f) => {
        f.use.settlementMode = 'reimburse';
        f.selfPaidFen = 123_456;
      },
      [],
      { total_adds_up: 'adds_up' },
    ],
    [
      'a claim above the share',
      (f) => void (f.voucherFen = 70_000),
      ['total_adds_up', 'ratio_and_caps'],
      { ratio_and_caps: 'off' },
    ],
    [
      'a ratio the rules no longer give',
      (f) => void (f.ruleRatioPercent = 40),
      ['ratio_and_caps'],
      { ratio_and_caps: 'off' },
    ],
    ['a use not posted', (f) => void (f.use.postedFen = null), ['ratio_and_caps'], { ratio_and_caps: 'off' }],
    [
      'a price no longer published',
      (f) => void (f.publishedUnitFen = null),
      ['published_price'],
      { published_price: 'unpublished' },
    ],
    [
      'a price above the published one',
      (f) => void (f.publishedUnitFen = 48_000),
      ['published_price'],
      { published_price: 'differs' },
    ],
    [
      'no unit-priced line',
      (f) =>
        void (f.booking.finalLines = [
          { kind: 'minimum_charge', label: '最低收费', quantity: 1, unitFen: 123_456, amountFen: 123_456 },
        ]),
      ['usage_matches'],
      { published_price: 'no_unit_line' },
    ],
    [
      'an hour billed beyond the use',
      (f) => void (f.booking.actualMinutes = 60),
      ['usage_matches'],
      { usage_matches: 'machine_time' },
    ],
    [
      'no recorded use',
      (f) => void (f.booking.actualMinutes = null),
      ['usage_matches'],
      { usage_matches: 'machine_time' },
    ],
    [
      'a sample job billed as tested',
      (f) => {
        f.booking.mode = 'sample';
        f.booking.sampleCount = 6;
        f.booking.actualSamples = 5;
        f.booking.finalLines = [{ kind: 'samples', label: '样品', quantity: 5, unitFen: 61_728, amountFen: 308_640 }];
      },
      [],
      { usage_matches: 'sample', published_price: 'matches' },
    ],
    [
      'a sample job billed beyond the tested',
      (f) => {
        f.booking.mode = 'sample';
        f.booking.sampleCount = 6;
        f.booking.actualSamples = 5;
        f.booking.finalLines = [{ kind: 'samples', label: '样品', quantity: 6, unitFen: 61_728, amountFen: 370_368 }];
      },
      ['usage_matches'],
      { usage_matches: 'sample' },
    ],
    [
      'a service after the vouchers expired',
      (f) => void (f.booking.serviceDate = '2027-01-04'),
      ['within_validity'],
      { within_validity: 'outside' },
    ],
    [
      'a service before they began',
      (f) => void (f.booking.serviceDate = '2025-12-31'),
      ['within_validity'],
      { within_validity: 'outside' },
    ],
    ['the last day of validity', (f) => void (f.booking.serviceDate = '2026-12-31'), [], { within_validity: 'inside' }],
    [
      'a claim after the claim date',
      (f) => void (f.today = '2027-04-01'),
      ['claim_window'],
      { claim_window: 'closed' },
    ],
    ['a claim on the claim date', (f) => void (f.today = '2027-03-31'), [], { claim_window: 'open' }],
    ['related parties', (f) => void (f.related = true), ['no_related_party'], { no_related_party: 'related' }],
    [
      'a provider out of the province with a reason',
      (f) => {
        f.providerProvince = '江苏省';
        f.justification = '省内无同类设备';
      },
      [],
      { out_of_province_justified: 'justified' },
    ],
    [
      'a provider out of the province without one',
      (f) => {
        f.providerProvince = '江苏省';
        f.justification = '   ';
      },
      ['out_of_province_justified'],
      { out_of_province_justified: 'unjustified' },
    ],
    ['no invoice number', (f) => void (f.invoiceNo = null), ['evidence'], { evidence: 'no_invoice' }],
    ['no report', (f) => void (f.booking.hasReport = false), ['evidence'], { evidence: 'no_report' }],
    [
      'neither',
      (f) => {
        f.invoiceNo = null;
        f.booking.hasReport = false;
      },
      ['evidence'],
      { evidence: 'neither' },
    ],
  ];
  for (const [what, change, fails, picked] of cases) {
    it(`fails ${fails.join(', ') || 'nothing'} for ${what}`, () => {
      const checks = run(change);
      expect(failing(checks)).toEqual(fails);
      expect(variants(checks)).toMatchObject(picked);
      for (const c of checks) {
        expect(describeCheck(c, 'zh')).not.toBe('');
        expect(describeCheck(c, 'en')).not.toBe('');
      }
    });
  }

  it('keeps the figures it compared', () => {
    const [total, ratio, price, usage, validity, window] = run((f) => {
      f.voucherFen = 70_000;
      f.today = '2027-04-02';
    });
    expect(total!.facts).toEqual({ variant: 'differs', totalFen: 123_456, voucherFen: 70_000, selfPayFen: 61_728 });
    expect(ratio!.facts).toEqual({
      variant: 'off',
      claimedFen: 70_000,
      postedFen: 61_728,
      expectedFen: 61_728,
      ratioPercent: 50,
      ruleRatioPercent: 50,
      reservedFen: 80_000,
    });
    expect(price!.facts).toEqual({ variant: 'matches', unit: 'hour', unitFen: 61_728, publishedFen: 61_728 });
    expect(usage!.facts).toEqual({ variant: 'machine_time', actualMinutes: 95, bookedMinutes: 120, billedHours: 2 });
    expect(validity!.facts).toEqual({
      variant: 'inside',
      serviceDate: '2026-10-12',
      startsOn: '2026-01-01',
      useBy: '2026-12-31',
    });
    expect(window!.facts).toEqual({ variant: 'closed', claimBy: '2027-03-31', today: '2027-04-02' });
    expect(describeCheck(ratio!, 'en')).toBe(
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio now 50%, held ¥800.00); posted ¥617.28',
    );
  });
});

describe('the language of a request', () => {
  it.each([
    [undefined, 'zh'],
    ['', 'zh'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['EN-gb', 'en'],
    ['zh-CN', 'zh'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en;q=0.5,zh-CN;q=0.9', 'zh'],
    ['fr-FR,en;q=0.5', 'en'],
    ['fr-FR,de;q=0.5', 'zh'],
    ['english', 'zh'],
    ['en;q=0', 'zh'],
    ['en;q=abc,zh', 'zh'],
    ['*', 'zh'],
    [';;,,;q=', 'zh'],
    [['en-US', 'zh;q=0.1'], 'en'],
  ] as const)('%j → %s', (header, lang) => {
    expect(langOf(header as string | string[] | undefined)).toBe(lang);
  });
});

describe('the history notes the service writes', () => {
  it('gives a new draft’s size in the reader’s language, and people’s words as they are', () => {
    expect(eventReason('created', '6 lines', 'zh')).toBe('共 6 条明细');
    expect(eventReason('created', '6 lines', 'en')).toBe('6 lines');
    expect(eventReason('created', '1 lines', 'en')).toBe('1 line');
    expect(eventReason('created', null, 'zh')).toBeNull();
    expect(eventReason('return', '6 lines', 'zh')).toBe('6 lines');
    expect(eventReason('approve', '材料齐全', 'en')).toBe('材料齐全');
    expect(eventReason('evidence', '04400123', 'en')).toBe('04400123');
  });
});
