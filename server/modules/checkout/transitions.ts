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
    switch (after.status) {
      case 'cancelled':
      case 'rejected': {
        await vouchers.release(after.id, now, after.status);
        if (held) await payments.update(held.id, { pendingAction: 'release', pendingAmountFen: 0, updatedAt: now });
        return;
      }
      case 'no_show': {
        await vouchers.release(after.id, now, 'no-show: no service, no voucher');
        const rules = await bookings.schedule(after.instrumentId);
        const fee = noShowFeeFen(before.quotedFen, rules.noShowChargePercent);
        const charged = held ? Math.min(fee, held.authorisedFen) : fee;
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
        else if (charged && after.paymentMethod === 'invoice') await this.invoice(after, charged, now);
        return;
      }
      case 'completed': {
        let finalFen = after.finalFen!;
        const use = await vouchers.post(after.id, finalFen, now);
        const voucherFen = use?.status === 'posted' && use.settlementMode === 'deduct' ? use.postedFen! : 0;
        let selfPay = finalFen - voucherFen;
        if (held && selfPay > held.authorisedFen) {
          // The card holds less than the usage costs: the difference is waived, not charged unasked.
          const waived = selfPay - held.authorisedFen;
          selfPay = held.authorisedFen;
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
        } else if (selfPay > 0) {
          await this.invoice(after, selfPay, now);
        }
        return;
      }
      default:
        return;
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
