/**
 * Refunds of captured card money: asked of the processor with a key made from what was refunded
 * before (so a repeated request cannot refund twice), outside any transaction, then recorded once
 * per processor refund id — by the lab's request, or by a webhook for a refund made at the processor.
 */
import type { BookingView } from '../booking/booking.schemas.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { PaymentError } from '../payments/provider.ts';
import type { CheckoutContext } from './context.ts';

export class Refunds {
  constructor(private readonly ctx: CheckoutContext) {}

  /** Returns captured money to the card (the lab or an admin, after completion). */
  async refund(actor: Actor, bookingId: number, amountFen: number, reason: string): Promise<BookingView> {
    const { payments, bookings, provider } = this.ctx.deps;
    const b = await bookings.row(bookingId);
    if (!b || !canManageInstitution(actor, b.institutionId)) {
      if (b && actor.organisationId === b.requesterOrganisationId) throw forbidden('only the lab refunds');
      throw notFound('booking');
    }
    // Read outside a transaction (the processor is called next): the key below makes two requests
    // on the same state one refund at the processor, and recordRefund adds up the payment afresh.
    const p = await payments.ofBooking(bookingId);
    if (!p || (p.status !== 'captured' && p.status !== 'partially_refunded'))
      throw new AppError('conflict', 'only a captured card payment can be refunded', {
        paymentStatus: p?.status ?? null,
      });
    const left = p.capturedFen - p.refundedFen;
    if (amountFen > left)
      throw badRequest(`at most ${left} fen can still be refunded`, [
        { path: 'body.amountFen', message: 'more than captured' },
      ]);
    let refund;
    try {
      const key = await this.ctx.key(p, `refund-after-${p.refundedFen}`);
      refund = await provider.refund(p.chargeId!, amountFen, key, reason);
    } catch (err) {
      if (err instanceof PaymentError && err.kind === 'unavailable')
        throw new AppError('unavailable', 'the payment processor did not answer; try the refund again', {
          retryable: true,
        });
      if (err instanceof PaymentError)
        throw new AppError('conflict', `the processor refused the refund: ${err.message}`);
      throw err;
    }
    await this.recordRefund(p.id, refund.id, refund.amountFen, reason);
    return bookings.get(actor, bookingId);
  }

  /**
   * Records one processor refund, once: the refund id is looked up and the payment read again inside
   * the transaction, so a webhook and the lab's request recording the same refund cannot both add it.
   */
  async recordRefund(paymentId: number, refundId: string, amountFen: number, reason: string | null): Promise<void> {
    const { db, payments, bookings, ledger } = this.ctx.deps;
    const now = this.ctx.now;
    await db.write(async () => {
      if (await payments.refund(refundId)) return;
      const p = (await payments.byId(paymentId))!;
      const b = (await bookings.row(p.bookingId))!;
      const a = await this.ctx.accounts(b, now);
      await payments.insertRefund({ id: refundId, paymentId, amountFen, reason, createdAt: now });
      await ledger.create(
        {
          id: `refund:${refundId}`,
          debit: a.fromProcessor.id,
          credit: a.cash.id,
          amountFen,
          code: 'card_refund',
          bookingId: b.id,
          processorRef: refundId,
        },
        now,
      );
      await ledger.create(
        {
          id: `refund:${refundId}:funds`,
          debit: a.cash.id,
          credit: a.clearing.id,
          amountFen,
          code: 'card_refund_funds',
          bookingId: b.id,
          processorRef: refundId,
        },
        now,
      );
      await this.ctx.deps.audit?.record({
        action: 'payment.refund',
        subject: { type: 'booking', id: b.id },
        details: { paymentId: p.id, amountFen, reason, processorRef: refundId },
      });
      const refunded = p.refundedFen + amountFen;
      await payments.update(p.id, {
        refundedFen: refunded,
        status: refunded >= p.capturedFen ? 'refunded' : 'partially_refunded',
        updatedAt: now,
      });
    });
  }
}
