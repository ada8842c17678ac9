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

/** A ¥1,234.56 order, half of it the voucher's. */
const SPLIT = { totalFen: 123_456, voucherFen: 61_728, selfPayFen: 61_728 };
/** The self-pay share paid by card, captured in full. */
const card = (capturedFen: number, refundedFen = 0) =>
  ({ method: 'card', chargeId: 'ch_1', capturedFen, refundedFen }) as const;

/** An uploaded invoice that matches the ¥1,234.56 order of 济南智测. */
const INVOICE = {
  invoiceNo: '04400123',
  amountFen: 123_456,
  billedFen: 123_456,
  buyer: '济南智测新材料科技有限公司',
  enterpriseName: '济南智测新材料科技有限公司',
  numberOk: true,
  amountOk: true,
  buyerOk: true,
};

/** Every variant of every check, with what it must say in Chinese and in English. */
const SAID: { [N in CheckName]: [CheckFacts[N], string, string][] } = {
  total_adds_up: [
    [
      { variant: 'none_due', totalFen: 123_456, voucherFen: 123_456 },
      '合计 ¥1,234.56 = 创新券 ¥1,234.56，无自付部分',
      'total ¥1,234.56 = voucher ¥1,234.56; nothing to pay itself',
    ],
    [
      { variant: 'card', received: true, ...SPLIT, chargeId: 'ch_1', capturedFen: 61_728, refundedFen: 0 },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付已由银行卡支付：扣款 ch_1 实扣 ¥617.28',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay paid by card: charge ch_1 captured ¥617.28',
    ],
    [
      { variant: 'card', received: false, ...SPLIT, chargeId: 'ch_1', capturedFen: 61_728, refundedFen: 11_728 },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付未足额到账：银行卡扣款 ch_1 实扣 ¥617.28，退款 ¥117.28',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay not received in full: card charge ch_1 captured ¥617.28, refunded ¥117.28',
    ],
    [
      {
        variant: 'transfer',
        received: true,
        ...SPLIT,
        reference: 'TR7K3M9QX',
        noticeStatus: 'paid',
        noticeFen: 61_728,
        receivedFen: 61_728,
        receipts: [
          { kind: 'receipt', amountFen: 60_000, receivedOn: '2026-10-10', bankReference: 'ICBC001' },
          { kind: 'receipt', amountFen: 1_728, receivedOn: '2026-10-11', bankReference: 'ICBC002' },
        ],
      },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付已对公转账到账：付款通知书 TR7K3M9QX，到账 ¥617.28：2026-10-10 到账 ¥600.00（流水号 ICBC001）；2026-10-11 到账 ¥17.28（流水号 ICBC002）',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay received by bank transfer: notice TR7K3M9QX, ¥617.28 received: received ¥600.00 on 2026-10-10 (bank ref. ICBC001); received ¥17.28 on 2026-10-11 (bank ref. ICBC002)',
    ],
    [
      {
        variant: 'transfer',
        received: false,
        ...SPLIT,
        reference: 'TR7K3M9QX',
        noticeStatus: 'partly_paid',
        noticeFen: 61_728,
        receivedFen: 0,
        receipts: [],
      },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付未确认到账：付款通知书 TR7K3M9QX（部分到账）应付 ¥617.28，已到账 ¥0.00',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay not received: notice TR7K3M9QX (partly paid) asks ¥617.28, ¥0.00 received',
    ],
    [
      {
        variant: 'transfer',
        received: false,
        ...SPLIT,
        reference: null,
        noticeStatus: null,
        noticeFen: 0,
        receivedFen: 0,
        receipts: [],
      },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付应对公转账，尚无付款通知书',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay by bank transfer, but no payment notice was issued',
    ],
    [
      { variant: 'invoice', ...SPLIT },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付记为服务单位开票收取，无到账凭证',
      "total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; self-pay billed on the lab's invoice: no proof it was received",
    ],
    [
      { variant: 'unpaid', ...SPLIT },
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付无支付记录',
      'total ¥1,234.56 = voucher ¥617.28 + self-pay ¥617.28; no payment of the self-pay share',
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
      '申报 ¥700.00，按规则应为 ¥617.28（补贴比例 50%，下单时政策比例 40%，冻结额度 ¥800.00）',
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio at the order 40%, held ¥800.00)',
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
      '申报 ¥700.00，按规则应为 ¥617.28（补贴比例 50%，下单时政策比例 50%，冻结额度 ¥800.00）；已核销 ¥617.28',
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio at the order 50%, held ¥800.00); posted ¥617.28',
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
      '申报 ¥617.28，按规则应为 ¥617.28（补贴比例 50%，下单时政策比例 50%，冻结额度 ¥800.00）；该笔创新券尚未核销',
      'claimed ¥617.28; the rules give ¥617.28 at 50% (programme ratio at the order 50%, held ¥800.00); the voucher use is not posted',
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
  agreement_accepted: [
    [
      { variant: 'none' },
      '无平台服务协议（订单确认早于服务协议）',
      'no platform service agreement (confirmed before agreements)',
    ],
    [
      { variant: 'not_accepted', sha256: 'ab'.repeat(32) },
      '服务协议（SHA-256 abababababab…）尚未经用户单位接受',
      'service agreement (SHA-256 abababababab…) not yet accepted by the enterprise',
    ],
    [
      { variant: 'accepted', sha256: 'ab'.repeat(32), acceptedAt: '2026-10-01T02:30:00.000Z', acceptedBy: '李文博' },
      '服务协议（SHA-256 abababababab…）已由 李文博 于 2026-10-01 10:30 接受',
      'service agreement (SHA-256 abababababab…) accepted by 李文博 on 2026-10-01 10:30',
    ],
  ],
  invoice_matches: [
    [{ variant: 'not_uploaded' }, '未上传发票文件（仅核对发票号）', 'no invoice file uploaded (number only)'],
    [
      { ...INVOICE, variant: 'matches' },
      '发票 04400123：金额 ¥1,234.56 = 订单金额，购买方为用户单位“济南智测新材料科技有限公司”',
      'invoice 04400123: amount ¥1,234.56 = the order\'s, buyer is the enterprise "济南智测新材料科技有限公司"',
    ],
    [
      { ...INVOICE, variant: 'mismatch', amountFen: 100_000, amountOk: false, buyer: '别的公司', buyerOk: false },
      '发票与订单不符：发票金额 ¥1,000.00 ≠ 订单金额 ¥1,234.56；购买方“别的公司”≠ 用户单位“济南智测新材料科技有限公司”',
      'the invoice does not match the order: amount ¥1,000.00 ≠ the order\'s ¥1,234.56; buyer "别的公司" ≠ the enterprise "济南智测新材料科技有限公司"',
    ],
  ],
};

/** The variants each check has (the union types of CheckFacts, spelled out so a new one is noticed). */
const VARIANTS: Record<CheckName, string[]> = {
  total_adds_up: ['none_due', 'card', 'transfer', 'invoice', 'unpaid', 'not_completed'],
  ratio_and_caps: ['within', 'off'],
  published_price: ['no_unit_line', 'unpublished', 'matches', 'differs'],
  usage_matches: ['machine_time', 'sample'],
  within_validity: ['inside', 'outside'],
  claim_window: ['open', 'closed'],
  no_related_party: ['unrelated', 'related'],
  out_of_province_justified: ['in_province', 'justified', 'unjustified'],
  evidence: ['complete', 'no_report', 'no_invoice', 'neither'],
  agreement_accepted: ['none', 'accepted', 'not_accepted'],
  invoice_matches: ['not_uploaded', 'matches', 'mismatch'],
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
    const odd = check('total_adds_up', { variant: 'unpaid', totalFen: 1.5, voucherFen: NaN, selfPayFen: 0 });
    expect(describeCheck(odd, 'zh')).toBe('合计 ¥– = 创新券 ¥– + 自付 ¥0.00；自付无支付记录');
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
  selfPay: card(61_728),
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
  it('passes a line in order, every check in its order, with what they compared', () => {
    const checks = run();
    expect(checks.map((c) => c.name)).toEqual([...CHECK_NAMES]);
    expect(failing(checks)).toEqual([]);
    expect(checks.map((c) => describeCheck(c, 'zh'))).toEqual([
      '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28；自付已由银行卡支付：扣款 ch_1 实扣 ¥617.28',
      '服务金额 ¥1,234.56 的 50%，未超出按限额冻结的 ¥800.00',
      '单价 ¥617.28/小时 = 公示价 ¥617.28',
      '实际上机 95 分钟（预约 120 分钟），计费 2 小时',
      '服务日期 2026-10-12，创新券有效期 2026-01-01 至 2026-12-31',
      '申领截止 2027-03-31',
      '未申报关联关系',
      '服务单位在省内',
      '发票号 04400123；已附检测报告',
      '未上传发票文件（仅核对发票号）',
      '无平台服务协议（订单确认早于服务协议）',
    ]);
  });

  // Each change breaks exactly the checks listed, and picks the variant of their sentence.
  const cases: [string, Change, CheckName[], Partial<Record<CheckName, string>>][] = [
    [
      'an uploaded invoice for less than the order, to another buyer',
      (f) =>
        void (f.invoice = {
          amountFen: 100_000,
          buyer: '别的公司',
          hasFile: true,
          billedFen: 123_456,
          enterpriseName: '济南智测新材料科技有限公司',
        }),
      ['invoice_matches'],
      { invoice_matches: 'mismatch' },
    ],
    [
      'an uploaded invoice that matches (full-width brackets in the buyer are the same name)',
      (f) =>
        void (f.invoice = {
          amountFen: 123_456,
          buyer: '济南智测（新材料）科技有限公司',
          hasFile: true,
          billedFen: 123_456,
          enterpriseName: '济南智测(新材料)科技有限公司',
        }),
      [],
      { invoice_matches: 'matches' },
    ],
    [
      // ¥1,234.56 + 20 % off-hours on the whole of it (¥246.91) = ¥1,481.47; half of it is ¥740.73
      'an off-hours surcharge beside the unit-priced line',
      (f) => {
        const surcharge = { label: '非工作时间附加费', quantity: 2, unitFen: 12_346, amountFen: 24_691 };
        f.booking.finalLines.push({ kind: 'off_hours_surcharge', ...surcharge });
        f.booking.finalFen = 148_147;
        f.voucherFen = f.use.postedFen = 74_073;
        f.selfPay = card(74_074);
      },
      [],
      { published_price: 'matches', usage_matches: 'machine_time' },
    ],
    [
      'a service agreement drawn up and accepted by the enterprise',
      (f) => {
        f.agreement = {
          sha256: 'ab'.repeat(32),
          acceptedAt: '2026-10-01T02:30:00.000Z',
          acceptedBy: { name: '李文博' },
        };
      },
      [],
      { agreement_accepted: 'accepted' },
    ],
    [
      'a service agreement the enterprise has not accepted',
      (f) => void (f.agreement = { sha256: 'ab'.repeat(32), acceptedAt: null, acceptedBy: null }),
      ['agreement_accepted'],
      { agreement_accepted: 'not_accepted' },
    ],
    [
      'a booking not completed',
      (f) => void (f.booking.status = 'cancelled'),
      ['total_adds_up'],
      { total_adds_up: 'not_completed' },
    ],
    [
      'a self-pay short of the total',
      (f) => void (f.selfPay = card(61_728, 11_728)),
      ['total_adds_up'],
      { total_adds_up: 'card' },
    ],
    [
      'reimburse mode: the enterprise paid it all',
      (f) => {
        f.use.settlementMode = 'reimburse';
        f.selfPay = card(123_456);
      },
      [],
      { total_adds_up: 'card' },
    ],
    [
      'a bank transfer confirmed: the notice paid',
      (f) => {
        const notice = { reference: 'TR7K3M9QX', status: 'paid', amountFen: 61_728, receivedFen: 61_728 };
        f.selfPay = { method: 'bank_transfer', notice, receipts: [] };
      },
      [],
      { total_adds_up: 'transfer' },
    ],
    [
      'a bank transfer over-paid: received, the excess to return',
      (f) => {
        const notice = { reference: 'TR7K3M9QX', status: 'overpaid', amountFen: 61_728, receivedFen: 70_000 };
        f.selfPay = { method: 'bank_transfer', notice, receipts: [] };
      },
      [],
      { total_adds_up: 'transfer' },
    ],
    [
      'a bank transfer only partly paid',
      (f) => {
        const notice = { reference: 'TR7K3M9QX', status: 'partly_paid', amountFen: 61_728, receivedFen: 60_000 };
        f.selfPay = { method: 'bank_transfer', notice, receipts: [] };
      },
      ['total_adds_up'],
      { total_adds_up: 'transfer' },
    ],
    [
      'a bank transfer never confirmed (no receipt), or a debt',
      (f) => {
        const notice = { reference: 'TR7K3M9QX', status: 'debt', amountFen: 61_728, receivedFen: 0 };
        f.selfPay = { method: 'bank_transfer', notice, receipts: [] };
      },
      ['total_adds_up'],
      { total_adds_up: 'transfer' },
    ],
    [
      'billed on the lab’s invoice: no proof of payment',
      (f) => void (f.selfPay = { method: 'invoice' }),
      ['total_adds_up'],
      { total_adds_up: 'invoice' },
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
    // The claim leaves ¥534.56 for the enterprise; the card captured ¥617.28: not the self-pay share.
    expect(total!.facts).toEqual({
      variant: 'card',
      received: false,
      totalFen: 123_456,
      voucherFen: 70_000,
      selfPayFen: 53_456,
      chargeId: 'ch_1',
      capturedFen: 61_728,
      refundedFen: 0,
    });
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
      'claimed ¥700.00; the rules give ¥617.28 at 50% (programme ratio at the order 50%, held ¥800.00); posted ¥617.28',
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

describe('lineChecks with the terms planned at the order', () => {
  // 2 h at ¥400 plus a ¥400 urgent surcharge; the programme paid 50% of the service only.
  const surcharged = (f: LineFacts) => {
    f.booking.finalFen = 120_000;
    f.booking.finalLines = [
      { kind: 'machine_time', label: '机时', quantity: 2, unitFen: 40_000, amountFen: 80_000 },
      { kind: 'urgent_surcharge', label: '加急附加费', quantity: 0.5, unitFen: 80_000, amountFen: 40_000 },
    ];
    f.publishedUnitFen = 40_000;
    f.use = { ...f.use, postedFen: 40_000, reservedFen: 50_000, parts: { surcharges: false, setupFee: true } };
    f.voucherFen = 40_000;
    f.selfPay = card(80_000);
  };

  it('the ratio applies to the eligible parts the use was planned with', () => {
    expect(failing(run(surcharged))).toEqual([]);
    // Checked as if every part were eligible, the same claim would be off.
    const all = run((f) => {
      surcharged(f);
      f.use.parts = null;
    });
    expect(failing(all)).toEqual(['ratio_and_caps']);
  });

  it('a co-funded order: the later use is held to what the earlier left, and the total counts both shares', () => {
    const checks = run((f) => {
      // ¥1,234.56: the province posted ¥1,000.00; the city's 50% is held to the ¥234.56 left.
      f.use = { ...f.use, postedFen: 23_456, reservedFen: 61_728, earlierPostedFen: 100_000 };
      f.voucherFen = 23_456;
      f.otherVouchersFen = 100_000;
      f.selfPay = card(0);
    });
    expect(failing(checks)).toEqual([]);
  });

  it('the ratio compared is the one the planned rules gave, whatever the programme says now', () => {
    // The caller hands in the planned version's ratio (60%) for a use planned at 60%: in order.
    expect(
      failing(
        run(
          (f) => (
            (f.use.ratioPercent = 60),
            (f.ruleRatioPercent = 60),
            (f.voucherFen = 74_073),
            (f.use.postedFen = 74_073),
            (f.use.reservedFen = 80_000),
            (f.selfPay = card(49_383))
          ),
        ),
      ),
    ).toEqual([]);
  });
});
