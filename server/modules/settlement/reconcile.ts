/**
 * The comparisons behind a reconciliation run, pure: the platform's payments (and what the ledger
 * says of them), the processor's charges, voucher uses, quotas, batches and the ledger's balance
 * in; findings with amounts out.
 *
 * A finding carries what it compared (`facts`, with the `variant` of the sentence that applies);
 * `describeFinding` says it in Chinese or English from the one table of sentences below, and
 * `findingDetail` does so for a stored finding (one stored before facts were kept shows its stored
 * detail).
 */
import type { FindingKind, PaymentStatus } from '../../../db/schema/enums.ts';
import type { Lang } from '../../shared/lang.ts';
import { formatFen } from '../../shared/money.ts';
import type { Charge } from '../payments/provider.ts';
import type { PriceLine } from '../../../db/schema/booking.ts';
import type { EligibleParts } from '../../../db/schema/vouchers.ts';
import { postedShare } from '../vouchers/rules.ts';

/** How a charge stands at the processor, in the platform's payment terms. */
export type ChargeState = 'failed' | 'authorised' | 'released' | 'captured';

/** One thing wrong with a voucher use (several may be found together). Money in integer fen. */
export type VoucherProblem =
  | { variant: 'held_over_ratio'; reservedFen: number; eligibleFen: number; ratioPercent: number }
  /** The ledger's hold of the quota (null: none) against the use's. */
  | { variant: 'ledger_hold'; ledgerFen: number | null; useFen: number }
  /** A posted use: what it posted (null: nothing) against the rules' share of the final price. */
  | { variant: 'posted_vs_rules'; postedFen: number | null; expectedFen: number }
  /** A posted use: what the ledger posted (null: nothing) against the use. */
  | { variant: 'ledger_post'; ledgerFen: number | null; useFen: number | null };

/** One part of a quota's identity that does not hold. */
export type QuotaProblem =
  | { variant: 'grant'; grantedFen: number; capFen: number }
  /** granted − consumed − given back, against available + held. */
  | { variant: 'identity'; identityFen: number; outstandingFen: number }
  | { variant: 'consumed'; ledgerFen: number; usesFen: number }
  | { variant: 'held'; ledgerFen: number; usesFen: number };

/** One way a batch's lines, payment and ledger disagree. */
export type BatchProblem =
  | { variant: 'paid'; paidFen: number | null; approvedFen: number }
  | { variant: 'ledger_paid'; ledgerFen: number; approvedFen: number }
  | { variant: 'ledger_paid_unpaid'; ledgerFen: number; status: string }
  | { variant: 'lines'; count: number };

/** What each kind of finding compared, by the variant of its sentence. Money in integer fen. */
export interface FindingFacts {
  processor_missing_in_ledger:
    | { variant: 'unknown_charge'; chargeId: string; state: ChargeState; chargeFen: number }
    | { variant: 'unknown_refund'; bookingId: number; processorFen: number; platformFen: number };
  ledger_missing_at_processor:
    | { variant: 'charge_missing'; bookingId: number; chargeId: string }
    | { variant: 'refund_missing'; bookingId: number; platformFen: number; processorFen: number }
    | { variant: 'transfer_without_charge'; transferId: string; bookingId: number | null; chargeId: string };
  amount_mismatch:
    | { variant: 'authorised' | 'captured'; bookingId: number; platformFen: number; processorFen: number }
    | {
        variant: 'ledger';
        bookingId: number;
        ledgerCapturedFen: number;
        ledgerRefundedFen: number;
        capturedFen: number;
        refundedFen: number;
      };
  status_mismatch: {
    variant: 'status';
    bookingId: number;
    platformStatus: string;
    processorState: ChargeState;
    chargeId: string;
  };
  duplicate: { variant: 'second_charge'; paymentId: string; chargeId: string; state: ChargeState; chargeFen: number };
  voucher_rule_broken: { variant: 'use'; bookingId: number; problems: VoucherProblem[] };
  quota_identity_broken: { variant: 'quota'; quotaId: number; problems: QuotaProblem[] };
  batch_total_mismatch: { variant: 'batch'; batchId: number; problems: BatchProblem[] };
  ledger_unbalanced: {
    variant: 'totals';
    debitsFen: number;
    creditsFen: number;
    /** Accounts whose cached balances differ from their transfers. */
    mismatchedAccounts: number;
    overdrawnAccounts: number;
  };
  /** A bank-transfer receipt or return (transfers module) and its ledger transfer `tr:<id>:<kind>`. */
  transfer_missing_in_ledger: {
    variant: 'receipt' | 'return';
    receiptId: number;
    bookingId: number;
    amountFen: number;
  };
  transfer_amount_mismatch: {
    variant: 'receipt' | 'return';
    receiptId: number;
    bookingId: number;
    amountFen: number;
    ledgerFen: number;
  };
  notice_total_mismatch: {
    variant: 'notice';
    noticeId: number;
    bookingId: number;
    reference: string;
    receivedFen: number;
    receiptsFen: number;
    returnsFen: number;
  };
}

export type Finding = {
  [K in FindingKind]: { kind: K; amountFen: number; ref: string; facts: FindingFacts[K] };
}[FindingKind];

export interface LocalPayment {
  id: number;
  bookingId: number;
  status: string;
  chargeId: string | null;
  authorisedFen: number;
  capturedFen: number;
  refundedFen: number;
  /** What the ledger holds for this payment: captured funds and refunds posted. */
  ledgerCapturedFen: number;
  ledgerRefundedFen: number;
}

/** Money the processor says was returned after capture (a partial capture's release is not a refund). */
export function refundedAfterCapture(c: Charge): number {
  return c.captured ? c.refundedFen - (c.amountFen - c.capturedFen) : 0;
}

/** How a charge stands, in the platform's payment terms. */
export function chargeState(c: Charge): ChargeState {
  if (c.status === 'failed') return 'failed';
  if (!c.captured) return c.refundedFen >= c.amountFen ? 'released' : 'authorised';
  return 'captured';
}

const localState = (status: string) =>
  status === 'partially_refunded' || status === 'refunded'
    ? 'captured'
    : status === 'authorising'
      ? 'authorised'
      : status;

export function comparePayments(local: LocalPayment[], charges: Charge[]): Finding[] {
  const findings: Finding[] = [];
  const byId = new Map(charges.map((c) => [c.id, c]));
  const byPayment = new Map<string, Charge[]>();
  for (const c of charges) {
    const key = c.metadata.payment_id ?? '';
    byPayment.set(key, [...(byPayment.get(key) ?? []), c]);
  }
  const localByCharge = new Map(local.filter((p) => p.chargeId).map((p) => [p.chargeId!, p]));

  // Two charges for one payment: one of them is money the platform does not know of.
  for (const [paymentId, list] of byPayment) {
    if (!paymentId || list.length < 2) continue;
    for (const extra of list.filter(
      (c) => !localByCharge.has(c.id) && chargeState(c) !== 'released' && c.status !== 'failed',
    )) {
      findings.push({
        kind: 'duplicate',
        amountFen: extra.captured ? extra.capturedFen : extra.amountFen,
        ref: extra.id,
        facts: {
          variant: 'second_charge',
          paymentId,
          chargeId: extra.id,
          state: chargeState(extra),
          chargeFen: extra.amountFen,
        },
      });
    }
  }

  for (const c of charges) {
    if (localByCharge.has(c.id)) continue;
    if ((byPayment.get(c.metadata.payment_id ?? '')?.length ?? 0) > 1) continue; // reported as a duplicate
    const state = chargeState(c);
    if (state === 'failed' || state === 'released') continue; // no money moved
    findings.push({
      kind: 'processor_missing_in_ledger',
      amountFen: state === 'captured' ? c.capturedFen - refundedAfterCapture(c) : c.amountFen,
      ref: c.id,
      facts: { variant: 'unknown_charge', chargeId: c.id, state, chargeFen: c.amountFen },
    });
  }

  for (const p of local) {
    if (!p.chargeId) continue;
    const c = byId.get(p.chargeId);
    const ref = `payment:${p.id}`;
    const bookingId = p.bookingId;
    if (!c) {
      findings.push({
        kind: 'ledger_missing_at_processor',
        amountFen: p.capturedFen || p.authorisedFen,
        ref,
        facts: { variant: 'charge_missing', bookingId, chargeId: p.chargeId },
      });
      continue;
    }
    const state = chargeState(c);
    if (localState(p.status) !== state) {
      findings.push({
        kind: 'status_mismatch',
        amountFen: Math.abs((state === 'captured' ? c.capturedFen : 0) - p.capturedFen) || p.authorisedFen,
        ref,
        facts: { variant: 'status', bookingId, platformStatus: p.status, processorState: state, chargeId: c.id },
      });
      continue;
    }
    if (c.amountFen !== p.authorisedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(c.amountFen - p.authorisedFen),
        ref,
        facts: { variant: 'authorised', bookingId, platformFen: p.authorisedFen, processorFen: c.amountFen },
      });
    }
    if (state === 'captured' && c.capturedFen !== p.capturedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(c.capturedFen - p.capturedFen),
        ref,
        facts: { variant: 'captured', bookingId, platformFen: p.capturedFen, processorFen: c.capturedFen },
      });
    }
    const processorRefunds = refundedAfterCapture(c);
    if (processorRefunds > p.refundedFen) {
      findings.push({
        kind: 'processor_missing_in_ledger',
        amountFen: processorRefunds - p.refundedFen,
        ref: c.refunds.map((r) => r.id).join(',') || c.id,
        facts: { variant: 'unknown_refund', bookingId, processorFen: processorRefunds, platformFen: p.refundedFen },
      });
    } else if (processorRefunds < p.refundedFen) {
      findings.push({
        kind: 'ledger_missing_at_processor',
        amountFen: p.refundedFen - processorRefunds,
        ref,
        facts: { variant: 'refund_missing', bookingId, platformFen: p.refundedFen, processorFen: processorRefunds },
      });
    }
    if (p.ledgerCapturedFen !== p.capturedFen || p.ledgerRefundedFen !== p.refundedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(p.ledgerCapturedFen - p.capturedFen) + Math.abs(p.ledgerRefundedFen - p.refundedFen),
        ref,
        facts: {
          variant: 'ledger',
          bookingId,
          ledgerCapturedFen: p.ledgerCapturedFen,
          ledgerRefundedFen: p.ledgerRefundedFen,
          capturedFen: p.capturedFen,
          refundedFen: p.refundedFen,
        },
      });
    }
  }
  return findings;
}

/** Card money in the ledger whose charge the processor does not have. */
export function transferWithoutCharge(t: {
  id: string;
  processorRef: string;
  amountFen: number;
  bookingId: number | null;
}): Finding {
  return {
    kind: 'ledger_missing_at_processor',
    amountFen: t.amountFen,
    ref: t.id,
    facts: { variant: 'transfer_without_charge', transferId: t.id, bookingId: t.bookingId, chargeId: t.processorRef },
  };
}

/** A voucher use whose amounts break the rules, or whose ledger holds and posts disagree; null: in order. */
export function voucherUseFinding(u: {
  id: number;
  bookingId: number;
  status: string;
  reservedFen: number;
  postedFen: number | null;
  ratioPercent: number;
  eligibleFen: number;
  finalFen: number | null;
  /** The ledger's hold and post of the use (null: none). */
  held: number | null;
  posted: number | null;
  /** The final lines and planned eligible parts (absent: every part), and what earlier co-funders posted. */
  finalLines?: PriceLine[];
  parts?: EligibleParts | null;
  earlierPostedFen?: number;
}): Finding | null {
  const problems: VoucherProblem[] = [];
  if (u.reservedFen > Math.floor((u.eligibleFen * u.ratioPercent) / 100))
    problems.push({
      variant: 'held_over_ratio',
      reservedFen: u.reservedFen,
      eligibleFen: u.eligibleFen,
      ratioPercent: u.ratioPercent,
    });
  if (u.held !== u.reservedFen) problems.push({ variant: 'ledger_hold', ledgerFen: u.held, useFen: u.reservedFen });
  if (u.status === 'posted') {
    const expected = postedShare(
      u.finalFen ?? 0,
      u.finalLines ?? [],
      u.parts ?? null,
      u.ratioPercent,
      u.reservedFen,
      u.earlierPostedFen ?? 0,
    );
    if (u.postedFen !== expected)
      problems.push({ variant: 'posted_vs_rules', postedFen: u.postedFen, expectedFen: expected });
    if (u.posted !== u.postedFen) problems.push({ variant: 'ledger_post', ledgerFen: u.posted, useFen: u.postedFen });
  }
  if (!problems.length) return null;
  return {
    kind: 'voucher_rule_broken',
    amountFen: Math.abs((u.postedFen ?? u.reservedFen) - (u.posted ?? u.held ?? 0)) || u.reservedFen,
    ref: `voucher-use:${u.id}`,
    facts: { variant: 'use', bookingId: u.bookingId, problems },
  };
}

/** A quota for which granted − consumed − given back ≠ still available + held (or the uses disagree); null: it holds. */
export function quotaFinding(q: {
  id: number;
  capFen: number;
  granted: number;
  givenBack: number;
  available: number | null;
  held: number | null;
  consumed: number | null;
  usedByUses: number;
  heldByUses: number;
}): Finding | null {
  const outstanding = (q.available ?? 0) + (q.held ?? 0);
  const consumed = q.consumed ?? 0;
  const held = q.held ?? 0;
  const identity = q.granted - consumed - q.givenBack;
  const problems: QuotaProblem[] = [];
  if (q.granted !== q.capFen) problems.push({ variant: 'grant', grantedFen: q.granted, capFen: q.capFen });
  if (identity !== outstanding)
    problems.push({ variant: 'identity', identityFen: identity, outstandingFen: outstanding });
  if (consumed !== q.usedByUses) problems.push({ variant: 'consumed', ledgerFen: consumed, usesFen: q.usedByUses });
  if (held !== q.heldByUses) problems.push({ variant: 'held', ledgerFen: held, usesFen: q.heldByUses });
  if (!problems.length) return null;
  return {
    kind: 'quota_identity_broken',
    amountFen: Math.abs(identity - outstanding) || Math.abs(consumed - q.usedByUses) || Math.abs(held - q.heldByUses),
    ref: `quota:${q.id}`,
    facts: { variant: 'quota', quotaId: q.id, problems },
  };
}

/** A batch whose lines, payment and ledger disagree; null: they agree. */
export function batchFinding(b: {
  id: number;
  status: string;
  paidFen: number | null;
  /** The voucher money of its approved lines. */
  approved: number;
  /** What the ledger paid for its lines. */
  ledgerPaid: number;
  /** How many of its lines claim another amount than their voucher use posted. */
  lineMismatch: number;
}): Finding | null {
  const problems: BatchProblem[] = [];
  if (b.status === 'paid' && b.paidFen !== b.approved)
    problems.push({ variant: 'paid', paidFen: b.paidFen, approvedFen: b.approved });
  if (b.status === 'paid' && b.ledgerPaid !== b.approved)
    problems.push({ variant: 'ledger_paid', ledgerFen: b.ledgerPaid, approvedFen: b.approved });
  if (b.status !== 'paid' && b.ledgerPaid !== 0)
    problems.push({ variant: 'ledger_paid_unpaid', ledgerFen: b.ledgerPaid, status: b.status });
  if (b.lineMismatch) problems.push({ variant: 'lines', count: b.lineMismatch });
  if (!problems.length) return null;
  return {
    kind: 'batch_total_mismatch',
    amountFen: Math.abs((b.paidFen ?? 0) - b.approved) || Math.abs(b.ledgerPaid - b.approved),
    ref: `batch:${b.id}`,
    facts: { variant: 'batch', batchId: b.id, problems },
  };
}

/** The ledger's own check (Ledger.check): a finding when it does not balance; null when it does. */
export function ledgerFinding(check: {
  balanced: boolean;
  debitsFen: number;
  creditsFen: number;
  overdrawnAccounts: number;
  mismatches: { accountId: number; cached: number; derived: number }[];
}): Finding | null {
  if (check.balanced) return null;
  return {
    kind: 'ledger_unbalanced',
    amountFen:
      Math.abs(check.debitsFen - check.creditsFen) +
      check.mismatches.reduce((s, m) => s + Math.abs(m.cached - m.derived), 0),
    ref: 'ledger',
    facts: {
      variant: 'totals',
      debitsFen: check.debitsFen,
      creditsFen: check.creditsFen,
      mismatchedAccounts: new Set(check.mismatches.map((m) => m.accountId)).size,
      overdrawnAccounts: check.overdrawnAccounts,
    },
  };
}

/**
 * Bank transfers against the ledger: every receipt and return has its transfer for its amount, and
 * every notice's received total is its receipts less its returns.
 */
export function transferFindings(
  receipts: {
    receiptId: number;
    bookingId: number;
    kind: 'receipt' | 'return';
    amountFen: number;
    ledgerFen: number | null;
  }[],
  notices: {
    noticeId: number;
    bookingId: number;
    reference: string;
    receivedFen: number;
    receiptsFen: number;
    returnsFen: number;
  }[],
): Finding[] {
  const findings: Finding[] = [];
  for (const r of receipts) {
    const base = { variant: r.kind, receiptId: r.receiptId, bookingId: r.bookingId, amountFen: r.amountFen };
    if (r.ledgerFen === null)
      findings.push({
        kind: 'transfer_missing_in_ledger',
        amountFen: r.amountFen,
        ref: `tr:${r.receiptId}:${r.kind}`,
        facts: base,
      });
    else if (r.ledgerFen !== r.amountFen)
      findings.push({
        kind: 'transfer_amount_mismatch',
        amountFen: Math.abs(r.ledgerFen - r.amountFen),
        ref: `tr:${r.receiptId}:${r.kind}`,
        facts: { ...base, ledgerFen: r.ledgerFen },
      });
  }
  for (const n of notices) {
    const sum = n.receiptsFen - n.returnsFen;
    if (sum !== n.receivedFen)
      findings.push({
        kind: 'notice_total_mismatch',
        amountFen: Math.abs(sum - n.receivedFen),
        ref: `notice:${n.noticeId}`,
        facts: { variant: 'notice', ...n },
      });
  }
  return findings;
}

// What the findings say, in Chinese and English

/** One sentence in both languages. */
interface Said {
  zh: string;
  en: string;
}

/** Money for a sentence (¥1,234.56); never throws on a value that is not whole fen. */
const yuan = (fen: number | null | undefined) =>
  typeof fen === 'number' && Number.isSafeInteger(fen) ? formatFen(fen) : '¥–';
/** A count or number that may be unknown. */
const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '–');
/** An identifier as written after “#” or on its own. */
const id = (value: unknown) =>
  typeof value === 'number' || (typeof value === 'string' && value) ? String(value) : '–';

/** Payment statuses as a Chinese finance officer reads them (the SPA's payment.status words). */
const PAYMENT_STATUS_ZH: Record<PaymentStatus, string> = {
  saving_card: '保存银行卡中',
  scheduled: '待授权（卡已保存）',
  action_required: '待用户完成付款',
  authorising: '授权中',
  authorised: '已授权（冻结）',
  captured: '已扣款',
  partially_refunded: '部分退款',
  refunded: '已退款',
  released: '已释放',
  failed: '支付失败',
};
const paymentStatus = (status: string): Said => ({
  zh: (Object.hasOwn(PAYMENT_STATUS_ZH, status) && PAYMENT_STATUS_ZH[status as PaymentStatus]) || String(status),
  en: String(status).replace(/_/g, ' '),
});

/** What a charge the platform does not know of is, by its state at the processor. */
const CHARGE: Record<ChargeState, Said> = {
  authorised: { zh: '预授权', en: 'authorised' },
  captured: { zh: '扣款', en: 'captured' },
  released: { zh: '已释放的预授权', en: 'released' },
  failed: { zh: '失败的扣款', en: 'failed' },
};
const charge = (state: string): Said =>
  (Object.hasOwn(CHARGE, state) && CHARGE[state as ChargeState]) || { zh: '扣款', en: String(state) };

/** Batch statuses as the exports write them. */
const BATCH_STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  submitted: '已提交',
  reviewed: '已审核',
  paid: '已兑付',
};
const batchStatus = (status: string): Said => ({
  zh: (Object.hasOwn(BATCH_STATUS_ZH, status) && BATCH_STATUS_ZH[status]) || String(status),
  en: String(status),
});

/** A list of problems, each said by its own sentence; null when any is not known. */
function sayAll<P extends { variant: string }>(problems: P[], say: (p: P) => Said | null): Said | null {
  if (!Array.isArray(problems) || !problems.length) return null;
  const said = problems.map((p) => (p && typeof p === 'object' ? say(p) : null));
  if (said.some((s) => s === null)) return null;
  return { zh: said.map((s) => s!.zh).join('；'), en: said.map((s) => s!.en).join('; ') };
}

const VOUCHER_PROBLEMS = (p: VoucherProblem): Said | null => {
  switch (p.variant) {
    case 'held_over_ratio':
      return {
        zh: `冻结 ${yuan(p.reservedFen)}，超过可补贴金额 ${yuan(p.eligibleFen)} 的 ${n(p.ratioPercent)}%`,
        en: `held ${yuan(p.reservedFen)}, more than ${n(p.ratioPercent)}% of ${yuan(p.eligibleFen)} allows`,
      };
    case 'ledger_hold':
      return {
        zh: `账本冻结 ${yuan(p.ledgerFen ?? 0)}，创新券使用记录冻结 ${yuan(p.useFen)}`,
        en: `the ledger holds ${yuan(p.ledgerFen ?? 0)}, the use ${yuan(p.useFen)}`,
      };
    case 'posted_vs_rules':
      return {
        zh: `核销 ${yuan(p.postedFen ?? 0)}，按规则应为 ${yuan(p.expectedFen)}`,
        en: `posted ${yuan(p.postedFen ?? 0)}, the rules give ${yuan(p.expectedFen)}`,
      };
    case 'ledger_post':
      return {
        zh: `账本核销 ${yuan(p.ledgerFen ?? 0)}，创新券使用记录核销 ${yuan(p.useFen ?? 0)}`,
        en: `the ledger posted ${yuan(p.ledgerFen ?? 0)}, the use ${yuan(p.useFen ?? 0)}`,
      };
    default:
      return null;
  }
};

const QUOTA_PROBLEMS = (p: QuotaProblem): Said | null => {
  switch (p.variant) {
    case 'grant':
      return {
        zh: `账本发放 ${yuan(p.grantedFen)}，额度上限 ${yuan(p.capFen)}`,
        en: `granted ${yuan(p.grantedFen)} in the ledger, cap ${yuan(p.capFen)}`,
      };
    case 'identity':
      return {
        zh: `发放 − 已使用 − 收回 = ${yuan(p.identityFen)}，可用 + 冻结 = ${yuan(p.outstandingFen)}`,
        en: `granted − consumed − given back = ${yuan(p.identityFen)}, outstanding ${yuan(p.outstandingFen)}`,
      };
    case 'consumed':
      return {
        zh: `账本已使用 ${yuan(p.ledgerFen)}，创新券使用记录核销 ${yuan(p.usesFen)}`,
        en: `the ledger consumed ${yuan(p.ledgerFen)}, the uses ${yuan(p.usesFen)}`,
      };
    case 'held':
      return {
        zh: `账本冻结 ${yuan(p.ledgerFen)}，创新券使用记录冻结 ${yuan(p.usesFen)}`,
        en: `the ledger holds ${yuan(p.ledgerFen)}, the uses ${yuan(p.usesFen)}`,
      };
    default:
      return null;
  }
};

const BATCH_PROBLEMS = (p: BatchProblem): Said | null => {
  switch (p.variant) {
    case 'paid':
      return {
        zh: `已兑付 ${yuan(p.paidFen ?? 0)}，审核通过的明细合计 ${yuan(p.approvedFen)}`,
        en: `paid ${yuan(p.paidFen ?? 0)}, approved lines ${yuan(p.approvedFen)}`,
      };
    case 'ledger_paid':
      return {
        zh: `账本兑付 ${yuan(p.ledgerFen)}，审核通过的明细合计 ${yuan(p.approvedFen)}`,
        en: `the ledger paid ${yuan(p.ledgerFen)}, approved lines ${yuan(p.approvedFen)}`,
      };
    case 'ledger_paid_unpaid': {
      const status = batchStatus(p.status);
      return {
        zh: `批次尚未兑付（${status.zh}），账本已兑付 ${yuan(p.ledgerFen)}`,
        en: `the ledger paid ${yuan(p.ledgerFen)} on an unpaid batch (${status.en})`,
      };
    }
    case 'lines':
      return {
        zh: `${n(p.count)} 条明细的申报金额与创新券核销金额不符`,
        en:
          p.count === 1
            ? '1 line claims another amount than its voucher use'
            : `${n(p.count)} lines claim another amount than their voucher use`,
      };
    default:
      return null;
  }
};

type Sentences = { [K in FindingKind]: (f: FindingFacts[K]) => Said | null };

const SENTENCES: Sentences = {
  processor_missing_in_ledger: (f) => {
    if (f.variant === 'unknown_charge') {
      const what = charge(f.state);
      return {
        zh: `支付机构有${what.zh} ${yuan(f.chargeFen)}（${id(f.chargeId)}），账本无记录`,
        en: `charge ${id(f.chargeId)} (${what.en}, ${yuan(f.chargeFen)}) has no payment on the platform`,
      };
    }
    if (f.variant === 'unknown_refund')
      return {
        zh: `预约 #${id(f.bookingId)}：支付机构已退款 ${yuan(f.processorFen)}，平台仅记录退款 ${yuan(f.platformFen)}`,
        en: `booking #${id(f.bookingId)}: the processor refunded ${yuan(f.processorFen)}, the platform knows ${yuan(f.platformFen)}`,
      };
    return null;
  },
  ledger_missing_at_processor: (f) => {
    if (f.variant === 'charge_missing')
      return {
        zh: `预约 #${id(f.bookingId)}：扣款 ${id(f.chargeId)} 在支付机构查无记录`,
        en: `booking #${id(f.bookingId)}: charge ${id(f.chargeId)} is not at the processor`,
      };
    if (f.variant === 'refund_missing')
      return {
        zh: `预约 #${id(f.bookingId)}：平台记录退款 ${yuan(f.platformFen)}，支付机构仅退款 ${yuan(f.processorFen)}`,
        en: `booking #${id(f.bookingId)}: refunds of ${yuan(f.platformFen)} here, ${yuan(f.processorFen)} at the processor`,
      };
    if (f.variant === 'transfer_without_charge') {
      const booking: Said =
        f.bookingId === null || f.bookingId === undefined
          ? { zh: ' ', en: '' }
          : { zh: `（预约 #${id(f.bookingId)}）`, en: ` (booking #${id(f.bookingId)})` };
      return {
        zh: `账本转账 ${id(f.transferId)}${booking.zh}记载的扣款 ${id(f.chargeId)} 在支付机构查无记录`,
        en: `ledger transfer ${id(f.transferId)}${booking.en} names charge ${id(f.chargeId)}, which the processor does not have`,
      };
    }
    return null;
  },
  amount_mismatch: (f) => {
    if (f.variant === 'authorised' || f.variant === 'captured') {
      const what: Said = f.variant === 'authorised' ? { zh: '授权', en: 'authorised' } : { zh: '扣款', en: 'captured' };
      return {
        zh: `预约 #${id(f.bookingId)} ${what.zh}金额不符：平台 ${yuan(f.platformFen)}，支付机构 ${yuan(f.processorFen)}`,
        en: `booking #${id(f.bookingId)}: ${what.en} ${yuan(f.platformFen)} here, ${yuan(f.processorFen)} at the processor`,
      };
    }
    if (f.variant === 'ledger')
      return {
        zh: `预约 #${id(f.bookingId)} 账本与支付记录不符：账本扣款 ${yuan(f.ledgerCapturedFen)}、退款 ${yuan(f.ledgerRefundedFen)}，支付记录扣款 ${yuan(f.capturedFen)}、退款 ${yuan(f.refundedFen)}`,
        en: `booking #${id(f.bookingId)}: the ledger holds ${yuan(f.ledgerCapturedFen)} captured and ${yuan(f.ledgerRefundedFen)} refunded; the payment ${yuan(f.capturedFen)} and ${yuan(f.refundedFen)}`,
      };
    return null;
  },
  status_mismatch: (f) => {
    if (f.variant !== 'status') return null;
    const platform = paymentStatus(f.platformStatus);
    const processor = paymentStatus(f.processorState);
    return {
      zh: `预约 #${id(f.bookingId)}：平台支付状态为“${platform.zh}”，支付机构为“${processor.zh}”（${id(f.chargeId)}）`,
      en: `booking #${id(f.bookingId)}: the platform says ${platform.en}, the processor ${processor.en} (${id(f.chargeId)})`,
    };
  },
  duplicate: (f) => {
    if (f.variant !== 'second_charge') return null;
    const what = charge(f.state);
    return {
      zh: `支付记录 #${id(f.paymentId)} 在支付机构另有一笔${what.zh} ${yuan(f.chargeFen)}（${id(f.chargeId)}），账本无记录`,
      en: `a second charge for payment #${id(f.paymentId)}: ${id(f.chargeId)} (${what.en}, ${yuan(f.chargeFen)})`,
    };
  },
  voucher_rule_broken: (f) => {
    const said = f.variant === 'use' ? sayAll(f.problems, VOUCHER_PROBLEMS) : null;
    return said && { zh: `预约 #${id(f.bookingId)}：${said.zh}`, en: `booking #${id(f.bookingId)}: ${said.en}` };
  },
  quota_identity_broken: (f) => (f.variant === 'quota' ? sayAll(f.problems, QUOTA_PROBLEMS) : null),
  batch_total_mismatch: (f) => (f.variant === 'batch' ? sayAll(f.problems, BATCH_PROBLEMS) : null),
  ledger_unbalanced: (f) => {
    if (f.variant !== 'totals') return null;
    const one = (count: number) => count === 1;
    const overdrawn: Said = f.overdrawnAccounts
      ? {
          zh: `；${n(f.overdrawnAccounts)} 个不可透支账户已透支`,
          en: one(f.overdrawnAccounts)
            ? '; 1 account that may not overdraw is overdrawn'
            : `; ${n(f.overdrawnAccounts)} accounts that may not overdraw are overdrawn`,
        }
      : { zh: '', en: '' };
    return {
      zh: `借方合计 ${yuan(f.debitsFen)}，贷方合计 ${yuan(f.creditsFen)}；${n(f.mismatchedAccounts)} 个账户的余额与转账记录不符${overdrawn.zh}`,
      en: `debits ${yuan(f.debitsFen)}, credits ${yuan(f.creditsFen)}; ${
        one(f.mismatchedAccounts)
          ? "1 account's cached balances differ"
          : `${n(f.mismatchedAccounts)} accounts' cached balances differ`
      } from their transfers${overdrawn.en}`,
    };
  },
  transfer_missing_in_ledger: (f) => {
    const what = transferKind(f.variant);
    return {
      zh: `预约 #${id(f.bookingId)} 的对公转账${what.zh}记录 #${id(f.receiptId)}（${yuan(f.amountFen)}）在账本中无对应转账`,
      en: `booking #${id(f.bookingId)}: bank-transfer ${what.en} #${id(f.receiptId)} (${yuan(f.amountFen)}) has no ledger transfer`,
    };
  },
  transfer_amount_mismatch: (f) => {
    const what = transferKind(f.variant);
    return {
      zh: `预约 #${id(f.bookingId)} 的对公转账${what.zh}记录 #${id(f.receiptId)} 金额 ${yuan(f.amountFen)}，账本记为 ${yuan(f.ledgerFen)}`,
      en: `booking #${id(f.bookingId)}: bank-transfer ${what.en} #${id(f.receiptId)} says ${yuan(f.amountFen)}, the ledger ${yuan(f.ledgerFen)}`,
    };
  },
  notice_total_mismatch: (f) =>
    f.variant !== 'notice'
      ? null
      : {
          zh: `付款通知书 ${id(f.reference)}（预约 #${id(f.bookingId)}）记载已到账 ${yuan(f.receivedFen)}，到账记录合计 ${yuan(f.receiptsFen)}、退回 ${yuan(f.returnsFen)}`,
          en: `payment notice ${id(f.reference)} (booking #${id(f.bookingId)}) says ${yuan(f.receivedFen)} received; its receipts total ${yuan(f.receiptsFen)}, returns ${yuan(f.returnsFen)}`,
        },
};

/** A receipt or a return of a bank transfer, in a sentence. */
const transferKind = (kind: string): Said =>
  kind === 'return' ? { zh: '退款', en: 'return' } : { zh: '到账', en: 'receipt' };

/** What a finding compared, as one sentence in the reader's language ('' for facts it cannot say). */
export function describeFinding(finding: Pick<Finding, 'kind' | 'facts'>, lang: Lang): string {
  const say = Object.hasOwn(SENTENCES, finding.kind)
    ? (SENTENCES[finding.kind] as (f: Finding['facts']) => Said | null)
    : undefined;
  if (!say || !finding.facts || typeof finding.facts !== 'object') return '';
  try {
    return say(finding.facts)?.[lang === 'en' ? 'en' : 'zh'] ?? '';
  } catch {
    return '';
  }
}

/**
 * A stored finding's detail in the reader's language: said from its facts, or, for a finding stored
 * before facts were kept (or with facts this version cannot say), the detail as it was stored.
 */
export function findingDetail(row: { kind: string; facts: unknown; detail: string }, lang: Lang): string {
  return describeFinding({ kind: row.kind, facts: row.facts } as Finding, lang) || row.detail;
}
