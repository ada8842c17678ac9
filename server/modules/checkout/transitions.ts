/**
 * The money of a booking's later steps: cancellation and rejection give the voucher share back and
 * release the card; a no-show releases the voucher and charges the instrument's fee; completion
 * posts the voucher share of the final price and captures the rest (or invoices it).
 *
 * The booking service calls `onTransition` inside the transition's own transaction, so the status
 * and the money change together. The card's capture or release is only written down there (the
 * payment's `pendingAction`); `transition` makes the processor call after that transaction has
 * committed (settle.ts), and the recovery pass retries it if that fails.
 */
import type { PriceLine } from '../../../db/schema/index.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { Usage } from '../booking/booking.service.ts';
import { noShowFeeFen } from '../booking/pricing.ts';
import type { BookingAction } from '../booking/state-machine.ts';
import type { Actor } from '../auth/actor.ts';
import type { CheckoutContext } from './context.ts';
import type { Settle } from './settle.ts';

export class TransitionMoney {
  constructor(
    private readonly ctx: CheckoutContext,
    private readonly settling: Settle,
  ) {}

  async transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ) {
    const { bookings, payments } = this.ctx.deps;
    const view = await bookings.transition(actor, id, action, body);
    // The transition has committed: now the processor call it left owed, if any.
    const payment = await payments.ofBooking(id);
    if (payment?.pendingAction) await this.settling.settle(payment.id).catch(() => undefined);
    return bookings.get(actor, view.id);
  }

  /** Inside the transition's transaction: the money each new status means. No processor calls here. */
  async onTransition(before: BookingRow, after: BookingRow, now: number): Promise<void> {
    const { vouchers, payments, bookings } = this.ctx.deps;
    const payment = await payments.ofBooking(after.id);
    const held = payment?.status === 'authorised' ? payment : undefined;
    // Captured before the service (CARD_AUTHORISATION=confirmation): what is owed back is refunded.
    const paid = payment?.status === 'captured' || payment?.status === 'partially_refunded' ? payment : undefined;
    const cardCap = held ? held.authorisedFen : paid ? paid.capturedFen - paid.refundedFen : null;
    const owe = async (amountFen: number) => {
      if (paid && amountFen > 0)
        await payments.update(paid.id, { pendingAction: 'refund', pendingAmountFen: amountFen, updatedAt: now });
    };
    if (held && this.ctx.mode === 'confirmation' && before.status === 'requested' && after.status === 'approved') {
      // Confirmed by the lab: the self-pay share is captured now (the processor call after the commit).
      await payments.update(held.id, {
        pendingAction: 'capture',
        pendingAmountFen: held.authorisedFen,
        updatedAt: now,
      });
    }
    if (after.paymentMethod === 'bank_transfer') await this.transferNotice(before, after, now);
    switch (after.status) {
      case 'cancelled':
      case 'rejected': {
        await vouchers.release(after.id, now, after.status);
        if (held) await payments.update(held.id, { pendingAction: 'release', pendingAmountFen: 0, updatedAt: now });
        else if (paid) await owe(cardCap!);
        // A card waiting for its window (or for the enterprise's new card) holds nothing: nothing to give back.
        else if (payment?.status === 'scheduled' || payment?.status === 'action_required')
          await payments.update(payment.id, { status: 'released', authoriseAt: null, updatedAt: now });
        return;
      }
      case 'no_show': {
        await vouchers.release(after.id, now, 'no-show: no service, no voucher');
        const rules = await bookings.schedule(after.instrumentId);
        const fee = noShowFeeFen(before.quotedFen, rules.noShowChargePercent);
        const charged = cardCap !== null ? Math.min(fee, cardCap) : fee;
        const lines: PriceLine[] = charged
          ? [
              {
                kind: 'no_show_fee',
                label: `爽约费 no-show fee ${rules.noShowChargePercent}%`,
                quantity: 1,
                unitFen: charged,
                amountFen: charged,
              },
            ]
          : [];
        await bookings.amendFinal(after.id, charged, lines, now);
        if (held)
          await payments.update(held.id, {
            pendingAction: charged ? 'capture' : 'release',
            pendingAmountFen: charged,
            updatedAt: now,
          });
        else if (paid) await owe(cardCap! - charged);
        else if (after.paymentMethod === 'bank_transfer') await this.ctx.deps.transfers?.amend(after.id, charged, now);
        else if (charged && after.paymentMethod === 'invoice') await this.invoice(after, charged, now);
        return;
      }
      case 'completed': {
        let finalFen = after.finalFen!;
        // Every use of the booking (a co-funded order holds two): the deduct-mode shares posted.
        const uses = await vouchers.post(after.id, finalFen, after.finalLines ?? [], now);
        const voucherFen = uses
          .filter((u) => u.status === 'posted' && u.settlementMode === 'deduct')
          .reduce((sum, u) => sum + u.postedFen!, 0);
        let selfPay = finalFen - voucherFen;
        if (cardCap !== null && selfPay > cardCap) {
          // The card holds (or paid) less than the usage costs: the difference is waived, not charged unasked.
          const waived = selfPay - cardCap;
          selfPay = cardCap;
          finalFen -= waived;
          await bookings.amendFinal(
            after.id,
            finalFen,
            [
              ...(after.finalLines ?? []),
              {
                kind: 'waived',
                label: '超出预授权部分免收 above the card hold, waived',
                quantity: 1,
                unitFen: -waived,
                amountFen: -waived,
              },
            ],
            now,
          );
        }
        if (held) {
          await payments.update(held.id, {
            pendingAction: selfPay ? 'capture' : 'release',
            pendingAmountFen: selfPay,
            updatedAt: now,
          });
        } else if (paid) {
          await owe(cardCap! - selfPay);
        } else if (after.paymentMethod === 'bank_transfer') {
          // The notice asks for what the service finally cost the enterprise (receipts go through the ledger).
          await this.ctx.deps.transfers?.amend(after.id, selfPay, now);
        } else if (selfPay > 0) {
          await this.invoice(after, selfPay, now);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Bank transfer: the payment notice is issued when the lab confirms the request (a booking
   * confirmed at once got it at checkout), for the self-pay share quoted; cancelled with the booking.
   */
  private async transferNotice(before: BookingRow, after: BookingRow, now: number): Promise<void> {
    const transfers = this.ctx.deps.transfers;
    if (!transfers) return;
    if (after.status === 'approved' && before.status === 'requested') {
      const uses = await this.ctx.deps.vouchers.usesOfBookings([after.id]);
      const deducted = uses
        .filter((u) => u.settlementMode === 'deduct' && u.status !== 'released')
        .reduce((sum, u) => sum + u.reservedFen, 0);
      const selfPay = after.quotedFen - deducted;
      if (selfPay > 0) await transfers.open(after, selfPay, now);
    } else if (after.status === 'cancelled' || after.status === 'rejected') {
      await transfers.cancel(after.id, now);
    }
  }

  /** The lab invoices the self-pay share: the enterprise owes it to the provider. */
  private async invoice(b: BookingRow, amountFen: number, now: number): Promise<void> {
    const a = await this.ctx.accounts(b, now);
    await this.ctx.deps.ledger.create(
      {
        id: `booking:${b.id}:invoice`,
        debit: a.cash.id,
        credit: a.fromEnterprise.id,
        amountFen,
        code: 'invoice',
        bookingId: b.id,
      },
      now,
    );
  }
}
