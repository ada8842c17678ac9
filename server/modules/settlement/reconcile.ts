/**
 * The comparisons behind a reconciliation run, pure: the platform's payments (and what the ledger
 * says of them), the processor's charges, voucher uses, quotas, batches and the ledger's balance
 * in; findings with amounts out.
 *
 * A finding carries what it compared (`facts`, with the `variant` of the sentence that applies);
 * finding-sentences.ts says it in Chinese or English.
 */
import type { FindingKind } from '../../../db/schema/enums.ts';
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
