/**
 * The proof that a booking's self-pay share arrived, for the claim checks (settlement/checks.ts):
 * the card's charge, or the bank transfer's notice with its receipts. Read in the caller's snapshot.
 */
import type { Queryable } from '../../../db/port.ts';
import type { SelfPayEvidence } from '../settlement/checks.ts';
import { TransfersRepo } from './transfers.repo.ts';

export async function selfPayEvidence(
  q: Queryable,
  b: {
    bookingId: number;
    paymentMethod: string | null;
    chargeId: string | null;
    capturedFen: number | null;
    refundedFen: number | null;
  },
): Promise<SelfPayEvidence> {
  if (b.paymentMethod === 'card')
    return { method: 'card', chargeId: b.chargeId, capturedFen: b.capturedFen ?? 0, refundedFen: b.refundedFen ?? 0 };
  const repo = new TransfersRepo(q);
  // An invoice-billed order counts only through a notice the lab issued for it and its receipts.
  const n = await repo.noticeOfBooking(b.bookingId);
  if (n || b.paymentMethod === 'bank_transfer')
    return {
      method: 'bank_transfer',
      notice: n
        ? { reference: n.reference, status: n.status, amountFen: n.amountFen, receivedFen: n.receivedFen }
        : null,
      receipts: n
        ? (await repo.receipts(n.id)).map((r) => ({
            kind: r.kind,
            amountFen: r.amountFen,
            receivedOn: r.receivedOn,
            bankReference: r.bankReference,
          }))
        : [],
    };
  return b.paymentMethod === 'invoice' ? { method: 'invoice' } : { method: 'none' };
}
