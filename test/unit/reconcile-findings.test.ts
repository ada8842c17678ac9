import { describe, expect, it } from 'vitest';
import { findingKinds, type FindingKind } from '../../db/schema/enums.ts';
import type { Charge } from '../../server/modules/payments/provider.ts';
import {
  batchFinding,
  comparePayments,
  ledgerFinding,
  quotaFinding,
  transferWithoutCharge,
  voucherUseFinding,
  type BatchProblem,
  type Finding,
  type FindingFacts,
  type LocalPayment,
  type QuotaProblem,
  type VoucherProblem,
} from '../../server/modules/settlement/reconcile.ts';
import { describeFinding, findingDetail } from '../../server/modules/settlement/finding-sentences.ts';

/** Every variant of every kind of finding, with what it must say in Chinese and in English. */
const SAID: { [K in FindingKind]: [FindingFacts[K], string, string][] } = {
  processor_missing_in_ledger: [
    [
      { variant: 'unknown_charge', chargeId: 'ch_3Qx', state: 'captured', chargeFen: 120_000 },
      '支付机构有扣款 ¥1,200.00（ch_3Qx），账本无记录',
      'charge ch_3Qx (captured, ¥1,200.00) has no payment on the platform',
    ],
    [
      { variant: 'unknown_charge', chargeId: 'ch_3Qx', state: 'authorised', chargeFen: 5_000 },
      '支付机构有预授权 ¥50.00（ch_3Qx），账本无记录',
      'charge ch_3Qx (authorised, ¥50.00) has no payment on the platform',
    ],
    [
      { variant: 'unknown_refund', bookingId: 5001, processorFen: 700, platformFen: 0 },
      '预约 #5001：支付机构已退款 ¥7.00，平台仅记录退款 ¥0.00',
      'booking #5001: the processor refunded ¥7.00, the platform knows ¥0.00',
    ],
  ],
  ledger_missing_at_processor: [
    [
      { variant: 'charge_missing', bookingId: 5001, chargeId: 'ch_gone' },
      '预约 #5001：扣款 ch_gone 在支付机构查无记录',
      'booking #5001: charge ch_gone is not at the processor',
    ],
    [
      { variant: 'refund_missing', bookingId: 5001, platformFen: 10_000, processorFen: 2_500 },
      '预约 #5001：平台记录退款 ¥100.00，支付机构仅退款 ¥25.00',
      'booking #5001: refunds of ¥100.00 here, ¥25.00 at the processor',
    ],
    [
      { variant: 'transfer_without_charge', transferId: 'pay:7:capture', bookingId: 5001, chargeId: 'ch_x' },
      '账本转账 pay:7:capture（预约 #5001）记载的扣款 ch_x 在支付机构查无记录',
      'ledger transfer pay:7:capture (booking #5001) names charge ch_x, which the processor does not have',
    ],
    [
      { variant: 'transfer_without_charge', transferId: 'forged:capture', bookingId: null, chargeId: 'ch_x' },
      '账本转账 forged:capture 记载的扣款 ch_x 在支付机构查无记录',
      'ledger transfer forged:capture names charge ch_x, which the processor does not have',
    ],
  ],
  amount_mismatch: [
    [
      { variant: 'authorised', bookingId: 5001, platformFen: 123_456, processorFen: 120_000 },
      '预约 #5001 授权金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
      'booking #5001: authorised ¥1,234.56 here, ¥1,200.00 at the processor',
    ],
    [
      { variant: 'captured', bookingId: 5001, platformFen: 123_456, processorFen: 120_000 },
      '预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
      'booking #5001: captured ¥1,234.56 here, ¥1,200.00 at the processor',
    ],
    [
      {
        variant: 'ledger',
        bookingId: 5001,
        ledgerCapturedFen: 123_456,
        ledgerRefundedFen: 0,
        capturedFen: 120_000,
        refundedFen: 3_456,
      },
      '预约 #5001 账本与支付记录不符：账本扣款 ¥1,234.56、退款 ¥0.00，支付记录扣款 ¥1,200.00、退款 ¥34.56',
      'booking #5001: the ledger holds ¥1,234.56 captured and ¥0.00 refunded; the payment ¥1,200.00 and ¥34.56',
    ],
  ],
  status_mismatch: [
    [
      {
        variant: 'status',
        bookingId: 5001,
        platformStatus: 'authorised',
        processorState: 'captured',
        chargeId: 'ch_x',
      },
      '预约 #5001：平台支付状态为“已授权（冻结）”，支付机构为“已扣款”（ch_x）',
      'booking #5001: the platform says authorised, the processor captured (ch_x)',
    ],
    [
      {
        variant: 'status',
        bookingId: 5001,
        platformStatus: 'partially_refunded',
        processorState: 'released',
        chargeId: 'ch_x',
      },
      '预约 #5001：平台支付状态为“部分退款”，支付机构为“已释放”（ch_x）',
      'booking #5001: the platform says partially refunded, the processor released (ch_x)',
    ],
  ],
  duplicate: [
    [
      { variant: 'second_charge', paymentId: '12', chargeId: 'ch_dup', state: 'authorised', chargeFen: 5_000 },
      '支付记录 #12 在支付机构另有一笔预授权 ¥50.00（ch_dup），账本无记录',
      'a second charge for payment #12: ch_dup (authorised, ¥50.00)',
    ],
    [
      { variant: 'second_charge', paymentId: '12', chargeId: 'ch_dup', state: 'captured', chargeFen: 5_000 },
      '支付记录 #12 在支付机构另有一笔扣款 ¥50.00（ch_dup），账本无记录',
      'a second charge for payment #12: ch_dup (captured, ¥50.00)',
    ],
  ],
  voucher_rule_broken: [
    [
      {
        variant: 'use',
        bookingId: 5001,
        problems: [{ variant: 'held_over_ratio', reservedFen: 70_000, eligibleFen: 123_456, ratioPercent: 50 }],
      },
      '预约 #5001：冻结 ¥700.00，超过可补贴金额 ¥1,234.56 的 50%',
      'booking #5001: held ¥700.00, more than 50% of ¥1,234.56 allows',
    ],
    [
      {
        variant: 'use',
        bookingId: 5001,
        problems: [
          { variant: 'ledger_hold', ledgerFen: null, useFen: 61_728 },
          { variant: 'posted_vs_rules', postedFen: 61_778, expectedFen: 61_728 },
          { variant: 'ledger_post', ledgerFen: 61_728, useFen: 61_778 },
        ],
      },
      '预约 #5001：账本冻结 ¥0.00，创新券使用记录冻结 ¥617.28；核销 ¥617.78，按规则应为 ¥617.28；账本核销 ¥617.28，创新券使用记录核销 ¥617.78',
      'booking #5001: the ledger holds ¥0.00, the use ¥617.28; posted ¥617.78, the rules give ¥617.28; the ledger posted ¥617.28, the use ¥617.78',
    ],
  ],
  quota_identity_broken: [
    [
      {
        variant: 'quota',
        quotaId: 5,
        problems: [
          { variant: 'grant', grantedFen: 1_000_000, capFen: 2_000_000 },
          { variant: 'identity', identityFen: 800_000, outstandingFen: 750_000 },
        ],
      },
      '账本发放 ¥10,000.00，额度上限 ¥20,000.00；发放 − 已使用 − 收回 = ¥8,000.00，可用 + 冻结 = ¥7,500.00',
      'granted ¥10,000.00 in the ledger, cap ¥20,000.00; granted − consumed − given back = ¥8,000.00, outstanding ¥7,500.00',
    ],
    [
      {
        variant: 'quota',
        quotaId: 5,
        problems: [
          { variant: 'consumed', ledgerFen: 200_000, usesFen: 200_050 },
          { variant: 'held', ledgerFen: 0, usesFen: 61_728 },
        ],
      },
      '账本已使用 ¥2,000.00，创新券使用记录核销 ¥2,000.50；账本冻结 ¥0.00，创新券使用记录冻结 ¥617.28',
      'the ledger consumed ¥2,000.00, the uses ¥2,000.50; the ledger holds ¥0.00, the uses ¥617.28',
    ],
  ],
  batch_total_mismatch: [
    [
      {
        variant: 'batch',
        batchId: 7,
        problems: [
          { variant: 'paid', paidFen: 123_457, approvedFen: 123_456 },
          { variant: 'ledger_paid', ledgerFen: 100_000, approvedFen: 123_456 },
        ],
      },
      '已兑付 ¥1,234.57，审核通过的明细合计 ¥1,234.56；账本兑付 ¥1,000.00，审核通过的明细合计 ¥1,234.56',
      'paid ¥1,234.57, approved lines ¥1,234.56; the ledger paid ¥1,000.00, approved lines ¥1,234.56',
    ],
    [
      {
        variant: 'batch',
        batchId: 7,
        problems: [
          { variant: 'ledger_paid_unpaid', ledgerFen: 61_728, status: 'reviewed' },
          { variant: 'lines', count: 2 },
        ],
      },
      '批次尚未兑付（已审核），账本已兑付 ¥617.28；2 条明细的申报金额与创新券核销金额不符',
      'the ledger paid ¥617.28 on an unpaid batch (reviewed); 2 lines claim another amount than their voucher use',
    ],
    [
      { variant: 'batch', batchId: 7, problems: [{ variant: 'lines', count: 1 }] },
      '1 条明细的申报金额与创新券核销金额不符',
      '1 line claims another amount than its voucher use',
    ],
  ],
  ledger_unbalanced: [
    [
      { variant: 'totals', debitsFen: 123_456, creditsFen: 123_400, mismatchedAccounts: 2, overdrawnAccounts: 0 },
      '借方合计 ¥1,234.56，贷方合计 ¥1,234.00；2 个账户的余额与转账记录不符',
      "debits ¥1,234.56, credits ¥1,234.00; 2 accounts' cached balances differ from their transfers",
    ],
    [
      { variant: 'totals', debitsFen: 123_456, creditsFen: 123_456, mismatchedAccounts: 0, overdrawnAccounts: 1 },
      '借方合计 ¥1,234.56，贷方合计 ¥1,234.56；0 个账户的余额与转账记录不符；1 个不可透支账户已透支',
      "debits ¥1,234.56, credits ¥1,234.56; 0 accounts' cached balances differ from their transfers; 1 account that may not overdraw is overdrawn",
    ],
  ],
  transfer_missing_in_ledger: [
    [
      { variant: 'receipt', receiptId: 4, bookingId: 17, amountFen: 61_728 },
      '预约 #17 的对公转账到账记录 #4（¥617.28）在账本中无对应转账',
      'booking #17: bank-transfer receipt #4 (¥617.28) has no ledger transfer',
    ],
    [
      { variant: 'return', receiptId: 5, bookingId: 17, amountFen: 1_000 },
      '预约 #17 的对公转账退款记录 #5（¥10.00）在账本中无对应转账',
      'booking #17: bank-transfer return #5 (¥10.00) has no ledger transfer',
    ],
  ],
  transfer_amount_mismatch: [
    [
      { variant: 'receipt', receiptId: 4, bookingId: 17, amountFen: 61_728, ledgerFen: 60_000 },
      '预约 #17 的对公转账到账记录 #4 金额 ¥617.28，账本记为 ¥600.00',
      'booking #17: bank-transfer receipt #4 says ¥617.28, the ledger ¥600.00',
    ],
    [
      { variant: 'return', receiptId: 5, bookingId: 17, amountFen: 1_000, ledgerFen: 2_000 },
      '预约 #17 的对公转账退款记录 #5 金额 ¥10.00，账本记为 ¥20.00',
      'booking #17: bank-transfer return #5 says ¥10.00, the ledger ¥20.00',
    ],
  ],
  notice_total_mismatch: [
    [
      {
        variant: 'notice',
        noticeId: 3,
        bookingId: 17,
        reference: 'TR7K3M9QX',
        receivedFen: 70_000,
        receiptsFen: 61_728,
        returnsFen: 0,
      },
      '付款通知书 TR7K3M9QX（预约 #17）记载已到账 ¥700.00，到账记录合计 ¥617.28、退回 ¥0.00',
      'payment notice TR7K3M9QX (booking #17) says ¥700.00 received; its receipts total ¥617.28, returns ¥0.00',
    ],
  ],
};

/** The variants each kind has (the union types of FindingFacts, spelled out so a new one is noticed). */
const VARIANTS: Record<FindingKind, string[]> = {
  processor_missing_in_ledger: ['unknown_charge', 'unknown_refund'],
  ledger_missing_at_processor: ['charge_missing', 'refund_missing', 'transfer_without_charge'],
  amount_mismatch: ['authorised', 'captured', 'ledger'],
  status_mismatch: ['status'],
  duplicate: ['second_charge'],
  voucher_rule_broken: ['use'],
  quota_identity_broken: ['quota'],
  batch_total_mismatch: ['batch'],
  ledger_unbalanced: ['totals'],
  transfer_missing_in_ledger: ['receipt', 'return'],
  transfer_amount_mismatch: ['receipt', 'return'],
  notice_total_mismatch: ['notice'],
};
/** …and the variants of the problems a use, a quota or a batch may have. */
const PROBLEMS = {
  voucher_rule_broken: ['held_over_ratio', 'ledger_hold', 'posted_vs_rules', 'ledger_post'],
  quota_identity_broken: ['grant', 'identity', 'consumed', 'held'],
  batch_total_mismatch: ['paid', 'ledger_paid', 'ledger_paid_unpaid', 'lines'],
} satisfies Partial<Record<FindingKind, string[]>>;

const finding = <K extends FindingKind>(kind: K, facts: FindingFacts[K]) =>
  ({ kind, amountFen: 1, ref: 'x', facts }) as Finding;

describe('describeFinding', () => {
  it('has sentences for every variant of every kind, and of every problem', () => {
    expect(Object.keys(SAID).sort()).toEqual([...findingKinds].sort());
    for (const kind of findingKinds) {
      expect(new Set(SAID[kind].map(([f]) => f.variant)), kind).toEqual(new Set(VARIANTS[kind]));
    }
    for (const [kind, variants] of Object.entries(PROBLEMS) as [keyof typeof PROBLEMS, string[]][]) {
      const seen = SAID[kind].flatMap(([f]) => (f.problems as { variant: string }[]).map((p) => p.variant));
      expect(new Set(seen), kind).toEqual(new Set(variants));
    }
  });

  for (const kind of findingKinds) {
    it(`says ${kind} in Chinese and English`, () => {
      for (const [facts, zh, en] of SAID[kind] as [FindingFacts[FindingKind], string, string][]) {
        const f = finding(kind, facts as never);
        expect(describeFinding(f, 'zh')).toBe(zh);
        expect(describeFinding(f, 'en')).toBe(en);
      }
    });
  }

  it('writes Chinese in Chinese and English in English (ids and amounts aside)', () => {
    const cjk = /[\u4e00-\u9fff]/;
    for (const kind of findingKinds)
      for (const [facts] of SAID[kind] as [FindingFacts[FindingKind], string, string][]) {
        expect(describeFinding(finding(kind, facts as never), 'zh'), kind).toMatch(cjk);
        expect(describeFinding(finding(kind, facts as never), 'en'), kind).not.toMatch(cjk);
      }
  });

  it('never throws on odd facts: unknown money shows as ¥–, facts it cannot say as nothing', () => {
    expect(
      describeFinding(
        finding('amount_mismatch', { variant: 'authorised', bookingId: 1, platformFen: 1.5, processorFen: NaN }),
        'zh',
      ),
    ).toBe('预约 #1 授权金额不符：平台 ¥–，支付机构 ¥–');
    expect(
      describeFinding(
        finding('status_mismatch', {
          variant: 'status',
          bookingId: 1,
          platformStatus: 'weird',
          processorState: 'captured',
          chargeId: 'ch',
        }),
        'zh',
      ),
    ).toBe('预约 #1：平台支付状态为“weird”，支付机构为“已扣款”（ch）');
    const odd = [
      { kind: 'nonsense', facts: { variant: 'x' } },
      { kind: 'constructor', facts: { variant: 'x' } },
      { kind: 'duplicate', facts: { variant: 'third_charge' } },
      { kind: 'duplicate', facts: null },
      { kind: 'duplicate', facts: 'second_charge' },
      { kind: 'voucher_rule_broken', facts: { variant: 'use', bookingId: 1, problems: 'none' } },
      { kind: 'voucher_rule_broken', facts: { variant: 'use', bookingId: 1, problems: [] } },
      { kind: 'quota_identity_broken', facts: { variant: 'quota', problems: [{ variant: 'grant' }, null] } },
      { kind: 'batch_total_mismatch', facts: { variant: 'batch', problems: [{ variant: 'refund' }] } },
    ];
    for (const f of odd) {
      expect(describeFinding(f as unknown as Finding, 'zh'), JSON.stringify(f)).toBe('');
      expect(describeFinding(f as unknown as Finding, 'en'), JSON.stringify(f)).toBe('');
    }
    // Missing figures in a known problem read as unknown, not as a crash.
    expect(
      describeFinding(
        { kind: 'quota_identity_broken', facts: { variant: 'quota', problems: [{ variant: 'grant' }] } } as never,
        'en',
      ),
    ).toBe('granted ¥– in the ledger, cap ¥–');
  });
});

describe('findingDetail', () => {
  const facts: FindingFacts['amount_mismatch'] = {
    variant: 'captured',
    bookingId: 5001,
    platformFen: 123_456,
    processorFen: 120_000,
  };

  it('says a stored finding from its facts, whatever detail was stored', () => {
    const row = {
      kind: 'amount_mismatch',
      facts,
      detail: '预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
    };
    expect(findingDetail(row, 'zh')).toBe('预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00');
    expect(findingDetail(row, 'en')).toBe('booking #5001: captured ¥1,234.56 here, ¥1,200.00 at the processor');
  });

  it('shows the stored detail of a finding stored without facts, or with facts it cannot say', () => {
    const old = 'booking 5001: captured ¥1234.56 here, ¥1200.00 at the processor';
    for (const f of [null, undefined, {}, { variant: 'gone' }, 'text', 42]) {
      expect(findingDetail({ kind: 'amount_mismatch', facts: f, detail: old }, 'zh')).toBe(old);
      expect(findingDetail({ kind: 'amount_mismatch', facts: f, detail: old }, 'en')).toBe(old);
    }
    expect(findingDetail({ kind: 'retired_kind', facts, detail: old }, 'en')).toBe(old);
  });
});

// The comparison of the platform's payments with the processor's charges: which findings, with what facts.

const charge = (over: Partial<Charge> = {}): Charge => ({
  id: 'ch_1',
  amountFen: 123_456,
  capturedFen: 123_456,
  refundedFen: 0,
  captured: true,
  status: 'succeeded',
  metadata: { payment_id: '1' },
  createdAt: 0,
  refunds: [],
  disputed: false,
  ...over,
});
const payment = (over: Partial<LocalPayment> = {}): LocalPayment => ({
  id: 1,
  bookingId: 5001,
  status: 'captured',
  chargeId: 'ch_1',
  authorisedFen: 123_456,
  capturedFen: 123_456,
  refundedFen: 0,
  ledgerCapturedFen: 123_456,
  ledgerRefundedFen: 0,
  ...over,
});

describe('comparePayments', () => {
  it('finds nothing when all sides agree', () => {
    expect(comparePayments([payment()], [charge()])).toEqual([]);
  });

  it('a charge the platform does not know of', () => {
    expect(
      comparePayments([], [charge({ id: 'ch_x', metadata: {}, capturedFen: 120_000, amountFen: 120_000 })]),
    ).toEqual([
      {
        kind: 'processor_missing_in_ledger',
        amountFen: 120_000,
        ref: 'ch_x',
        facts: { variant: 'unknown_charge', chargeId: 'ch_x', state: 'captured', chargeFen: 120_000 },
      },
    ]);
  });

  it('a second charge for one payment', () => {
    const extra = charge({ id: 'ch_2', amountFen: 5_000, capturedFen: 0, captured: false });
    expect(comparePayments([payment()], [charge(), extra])).toEqual([
      {
        kind: 'duplicate',
        amountFen: 5_000,
        ref: 'ch_2',
        facts: { variant: 'second_charge', paymentId: '1', chargeId: 'ch_2', state: 'authorised', chargeFen: 5_000 },
      },
    ]);
  });

  it('a charge missing at the processor', () => {
    expect(comparePayments([payment()], [])).toEqual([
      {
        kind: 'ledger_missing_at_processor',
        amountFen: 123_456,
        ref: 'payment:1',
        facts: { variant: 'charge_missing', bookingId: 5001, chargeId: 'ch_1' },
      },
    ]);
  });

  it('a status the processor does not share', () => {
    const [f] = comparePayments([payment({ status: 'authorised', capturedFen: 0 })], [charge()]);
    expect(f).toEqual({
      kind: 'status_mismatch',
      amountFen: 123_456,
      ref: 'payment:1',
      facts: {
        variant: 'status',
        bookingId: 5001,
        platformStatus: 'authorised',
        processorState: 'captured',
        chargeId: 'ch_1',
      },
    });
    expect(describeFinding(f!, 'zh')).toBe('预约 #5001：平台支付状态为“已授权（冻结）”，支付机构为“已扣款”（ch_1）');
  });

  it('amounts authorised and captured that differ, and a ledger that disagrees with the payment', () => {
    const found = comparePayments(
      [payment({ authorisedFen: 123_556, capturedFen: 123_556, ledgerCapturedFen: 123_456 })],
      [charge()],
    );
    expect(found.map((f) => [f.kind, f.amountFen, f.facts.variant])).toEqual([
      ['amount_mismatch', 100, 'authorised'],
      ['amount_mismatch', 100, 'captured'],
      ['amount_mismatch', 100, 'ledger'],
    ]);
    expect(found.map((f) => describeFinding(f, 'zh'))).toEqual([
      '预约 #5001 授权金额不符：平台 ¥1,235.56，支付机构 ¥1,234.56',
      '预约 #5001 扣款金额不符：平台 ¥1,235.56，支付机构 ¥1,234.56',
      '预约 #5001 账本与支付记录不符：账本扣款 ¥1,234.56、退款 ¥0.00，支付记录扣款 ¥1,235.56、退款 ¥0.00',
    ]);
  });

  it('refunds on one side only', () => {
    const atProcessor = comparePayments(
      [payment()],
      [charge({ refundedFen: 700, refunds: [{ id: 're_1', amountFen: 700, createdAt: 0 }] })],
    );
    expect(atProcessor).toEqual([
      {
        kind: 'processor_missing_in_ledger',
        amountFen: 700,
        ref: 're_1',
        facts: { variant: 'unknown_refund', bookingId: 5001, processorFen: 700, platformFen: 0 },
      },
    ]);
    const onPlatform = comparePayments(
      [payment({ status: 'partially_refunded', refundedFen: 700, ledgerRefundedFen: 700 })],
      [charge()],
    );
    expect(onPlatform).toEqual([
      {
        kind: 'ledger_missing_at_processor',
        amountFen: 700,
        ref: 'payment:1',
        facts: { variant: 'refund_missing', bookingId: 5001, platformFen: 700, processorFen: 0 },
      },
    ]);
  });
});

describe('the findings of the ledger, voucher uses, quotas and batches', () => {
  it('a ledger transfer naming a charge the processor does not have', () => {
    const f = transferWithoutCharge({ id: 'forged:capture', processorRef: 'ch_no', amountFen: 4_321, bookingId: null });
    expect(f).toMatchObject({ kind: 'ledger_missing_at_processor', amountFen: 4_321, ref: 'forged:capture' });
    expect(describeFinding(f, 'en')).toBe(
      'ledger transfer forged:capture names charge ch_no, which the processor does not have',
    );
  });

  const use = {
    id: 3,
    bookingId: 5001,
    status: 'posted',
    reservedFen: 80_000,
    postedFen: 61_728,
    ratioPercent: 50,
    eligibleFen: 160_000,
    finalFen: 123_456,
    held: 80_000,
    posted: 61_728,
  };

  it('a voucher use in order, and one posted above the rules', () => {
    expect(voucherUseFinding(use)).toBeNull();
    const f = voucherUseFinding({ ...use, postedFen: 61_778 })!;
    expect(f).toMatchObject({ kind: 'voucher_rule_broken', ref: 'voucher-use:3', amountFen: 50 });
    expect(f.facts).toEqual({
      variant: 'use',
      bookingId: 5001,
      problems: [
        { variant: 'posted_vs_rules', postedFen: 61_778, expectedFen: 61_728 },
        { variant: 'ledger_post', ledgerFen: 61_728, useFen: 61_778 },
      ],
    });
    const over = voucherUseFinding({ ...use, status: 'reserved', reservedFen: 90_000, held: 90_000 })!;
    expect((over.facts as FindingFacts['voucher_rule_broken']).problems.map((p: VoucherProblem) => p.variant)).toEqual([
      'held_over_ratio',
    ]);
  });

  it('a voucher use posted by its planned eligible parts, or after an earlier co-funder, is in order', () => {
    const lines = [
      { kind: 'machine_time' as const, label: '机时', quantity: 2, unitFen: 40_000, amountFen: 80_000 },
      { kind: 'urgent_surcharge' as const, label: '加急附加费', quantity: 0.5, unitFen: 80_000, amountFen: 40_000 },
    ];
    const parted = { ...use, finalFen: 120_000, finalLines: lines, postedFen: 40_000, posted: 40_000 };
    expect(voucherUseFinding({ ...parted, parts: { surcharges: false, setupFee: true } })).toBeNull();
    // Without the planned parts the same post would be below the rules.
    expect(voucherUseFinding(parted)).not.toBeNull();
    // The second programme of a co-funded order: at most what the first left of the price.
    const second = { ...use, finalFen: 100_000, postedFen: 20_000, posted: 20_000, earlierPostedFen: 80_000 };
    expect(voucherUseFinding(second)).toBeNull();
    expect(voucherUseFinding({ ...second, earlierPostedFen: 0 })).not.toBeNull();
  });

  const quota = {
    id: 5,
    capFen: 2_000_000,
    granted: 2_000_000,
    givenBack: 0,
    available: 1_800_000,
    held: 0,
    consumed: 200_000,
    usedByUses: 200_000,
    heldByUses: 0,
  };

  it('a quota whose identity holds, and one whose uses were changed', () => {
    expect(quotaFinding(quota)).toBeNull();
    const f = quotaFinding({ ...quota, usedByUses: 200_050 })!;
    expect(f).toMatchObject({ kind: 'quota_identity_broken', ref: 'quota:5', amountFen: 50 });
    expect((f.facts as FindingFacts['quota_identity_broken']).problems).toEqual([
      { variant: 'consumed', ledgerFen: 200_000, usesFen: 200_050 },
    ] satisfies QuotaProblem[]);
    expect(describeFinding(f, 'zh')).toBe('账本已使用 ¥2,000.00，创新券使用记录核销 ¥2,000.50');
  });

  it('a batch that agrees, one paid a fen too much, and a ledger paying an unpaid one', () => {
    const batch = { id: 7, status: 'paid', paidFen: 123_456, approved: 123_456, ledgerPaid: 123_456, lineMismatch: 0 };
    expect(batchFinding(batch)).toBeNull();
    const f = batchFinding({ ...batch, paidFen: 123_457 })!;
    expect(f).toMatchObject({ kind: 'batch_total_mismatch', ref: 'batch:7', amountFen: 1 });
    expect(describeFinding(f, 'zh')).toBe('已兑付 ¥1,234.57，审核通过的明细合计 ¥1,234.56');
    const unpaid = batchFinding({ ...batch, status: 'reviewed', paidFen: null, lineMismatch: 1 })!;
    expect((unpaid.facts as FindingFacts['batch_total_mismatch']).problems).toEqual([
      { variant: 'ledger_paid_unpaid', ledgerFen: 123_456, status: 'reviewed' },
      { variant: 'lines', count: 1 },
    ] satisfies BatchProblem[]);
    expect(describeFinding(unpaid, 'en')).toBe(
      'the ledger paid ¥1,234.56 on an unpaid batch (reviewed); 1 line claims another amount than its voucher use',
    );
  });

  it('a ledger that does not balance', () => {
    const balanced = { balanced: true, debitsFen: 1, creditsFen: 1, overdrawnAccounts: 0, mismatches: [] };
    expect(ledgerFinding(balanced)).toBeNull();
    const f = ledgerFinding({
      ...balanced,
      balanced: false,
      creditsFen: 0,
      mismatches: [
        { accountId: 4, cached: 10, derived: 7 },
        { accountId: 4, cached: 5, derived: 5 },
      ],
    })!;
    expect(f).toEqual({
      kind: 'ledger_unbalanced',
      amountFen: 4,
      ref: 'ledger',
      facts: { variant: 'totals', debitsFen: 1, creditsFen: 0, mismatchedAccounts: 1, overdrawnAccounts: 0 },
    });
    expect(describeFinding(f, 'zh')).toBe('借方合计 ¥0.01，贷方合计 ¥0.00；1 个账户的余额与转账记录不符');
  });
});
