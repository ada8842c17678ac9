/**
 * The three-way comparison behind a reconciliation run, pure: the platform's payments (and what the
 * ledger says of them), and the processor's charges, in; findings with amounts out.
 */
import type { FindingKind } from '../../../db/schema/enums.ts';
import type { Charge } from '../payments/provider.ts';

export interface Finding {
  kind: FindingKind;
  amountFen: number;
  ref: string;
  detail: string;
}

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

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Money the processor says was returned after capture (a partial capture's release is not a refund). */
export function refundedAfterCapture(c: Charge): number {
  return c.captured ? c.refundedFen - (c.amountFen - c.capturedFen) : 0;
}

/** How a charge stands, in the platform's payment terms. */
export function chargeState(c: Charge): 'failed' | 'authorised' | 'released' | 'captured' {
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
        detail: `a second charge for payment ${paymentId}`,
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
      detail: `charge ${c.id} (${state}, ${yuan(c.amountFen)}) has no payment on the platform`,
    });
  }

  for (const p of local) {
    if (!p.chargeId) continue;
    const c = byId.get(p.chargeId);
    const ref = `payment:${p.id}`;
    if (!c) {
      findings.push({
        kind: 'ledger_missing_at_processor',
        amountFen: p.capturedFen || p.authorisedFen,
        ref,
        detail: `booking ${p.bookingId}: charge ${p.chargeId} is not at the processor`,
      });
      continue;
    }
    const state = chargeState(c);
    if (localState(p.status) !== state) {
      findings.push({
        kind: 'status_mismatch',
        amountFen: Math.abs((state === 'captured' ? c.capturedFen : 0) - p.capturedFen) || p.authorisedFen,
        ref,
        detail: `booking ${p.bookingId}: the platform says ${p.status}, the processor ${state} (${c.id})`,
      });
      continue;
    }
    if (c.amountFen !== p.authorisedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(c.amountFen - p.authorisedFen),
        ref,
        detail: `booking ${p.bookingId}: authorised ${yuan(p.authorisedFen)} here, ${yuan(c.amountFen)} at the processor`,
      });
    }
    if (state === 'captured' && c.capturedFen !== p.capturedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(c.capturedFen - p.capturedFen),
        ref,
        detail: `booking ${p.bookingId}: captured ${yuan(p.capturedFen)} here, ${yuan(c.capturedFen)} at the processor`,
      });
    }
    const processorRefunds = refundedAfterCapture(c);
    if (processorRefunds > p.refundedFen) {
      findings.push({
        kind: 'processor_missing_in_ledger',
        amountFen: processorRefunds - p.refundedFen,
        ref: c.refunds.map((r) => r.id).join(',') || c.id,
        detail: `booking ${p.bookingId}: the processor refunded ${yuan(processorRefunds)}, the platform knows ${yuan(p.refundedFen)}`,
      });
    } else if (processorRefunds < p.refundedFen) {
      findings.push({
        kind: 'ledger_missing_at_processor',
        amountFen: p.refundedFen - processorRefunds,
        ref,
        detail: `booking ${p.bookingId}: refunds of ${yuan(p.refundedFen)} here, ${yuan(processorRefunds)} at the processor`,
      });
    }
    if (p.ledgerCapturedFen !== p.capturedFen || p.ledgerRefundedFen !== p.refundedFen) {
      findings.push({
        kind: 'amount_mismatch',
        amountFen: Math.abs(p.ledgerCapturedFen - p.capturedFen) + Math.abs(p.ledgerRefundedFen - p.refundedFen),
        ref,
        detail: `booking ${p.bookingId}: the ledger holds ${yuan(p.ledgerCapturedFen)} captured and ${yuan(p.ledgerRefundedFen)} refunded; the payment ${yuan(p.capturedFen)} and ${yuan(p.refundedFen)}`,
      });
    }
  }
  return findings;
}
