/**
 * A payment's owed processor call: the capture or release a transition (or a late authorisation)
 * wrote down as the payment's `pendingAction`, carried out after that transaction committed, with
 * the key `…-capture` / `…-release`, and its answer recorded in a transaction of its own.
 */
import { PaymentError, type Charge } from '../payments/provider.ts';
import type { CheckoutContext } from './context.ts';

export class Settle {
  /** Carries out an owed refund (card-window.ts; set by the checkout service). */
  refundOwed?: (paymentId: number) => Promise<void>;

  constructor(private readonly ctx: CheckoutContext) {}

  /** Carries out a payment's owed processor call (capture or release) and records the answer. */
  async settle(paymentId: number): Promise<void> {
    const { payments, provider, faults } = this.ctx.deps;
    const p = await payments.byId(paymentId);
    if (!p?.pendingAction || !p.chargeId) return;
    // Captured at confirmation (CARD_AUTHORISATION=confirmation): what is owed back is a refund.
    if (p.pendingAction === 'refund') return this.refundOwed?.(p.id);
    const step = p.pendingAction;
    let charge: Charge;
    try {
      const key = await this.ctx.key(p, step);
      charge =
        step === 'capture'
          ? await provider.capture(p.chargeId, p.pendingAmountFen!, key)
          : await provider.release(p.chargeId, key);
    } catch (err) {
      if (!(err instanceof PaymentError) || err.kind === 'unavailable') {
        await payments.update(p.id, { updatedAt: this.ctx.now });
        throw err;
      }
      // Refused (already captured or released elsewhere): record what the processor says is true.
      const actual = await provider.retrieve(p.chargeId);
      if (!actual) throw err;
      charge = actual;
    }
    faults?.afterProcessorCall?.(step, p.id);
    await this.recordSettled(p.id, charge);
  }

  /**
   * Records a capture or a release that happened at the processor (ours, or seen in a webhook).
   * The payment is read again inside the transaction: a concurrent settle, recovery pass or webhook
   * may have recorded it already, and then this one does nothing.
   */
  async recordSettled(paymentId: number, charge: Charge): Promise<void> {
    const { db, payments, bookings, ledger } = this.ctx.deps;
    const now = this.ctx.now;
    await db.write(async () => {
      const p = (await payments.byId(paymentId))!;
      if (p.status !== 'authorised') return;
      const b = (await bookings.row(p.bookingId))!;
      const a = await this.ctx.accounts(b, now);
      if (charge.captured) {
        const captured = charge.capturedFen;
        const hold = this.ctx.holdId(p);
        await ledger.post(hold, `${hold}:post`, captured, now);
        await ledger.create(
          {
            id: `pay:${p.id}:capture-funds`,
            debit: a.clearing.id,
            credit: a.cash.id,
            amountFen: captured,
            code: 'card_capture',
            bookingId: b.id,
            processorRef: charge.id,
          },
          now,
        );
        await this.ctx.deps.audit?.record({
          action: 'payment.capture',
          subject: { type: 'booking', id: b.id },
          details: { paymentId: p.id, amountFen: captured, authorisedFen: p.authorisedFen, processorRef: charge.id },
        });
        await payments.update(p.id, {
          status: 'captured',
          capturedFen: captured,
          pendingAction: null,
          pendingAmountFen: null,
          updatedAt: now,
        });
      } else if (charge.refundedFen >= charge.amountFen) {
        const hold = this.ctx.holdId(p);
        await ledger.void(hold, `${hold}:void`, now);
        await this.ctx.deps.audit?.record({
          action: 'payment.release',
          subject: { type: 'booking', id: b.id },
          details: { paymentId: p.id, amountFen: p.authorisedFen, processorRef: charge.id },
        });
        await payments.update(p.id, {
          status: 'released',
          pendingAction: null,
          pendingAmountFen: null,
          updatedAt: now,
        });
      }
    });
  }
}
