/**
 * The card hold of a checkout: asking the processor to authorise the self-pay share, finding the
 * charge when the answer was lost, and recording the outcome — the booking confirmed, or the
 * checkout undone.
 *
 * The processor is called only here and outside any transaction: the payment row (`authorising`)
 * was committed first, the call carries the key `…-authorise` made from its id, and the answer is
 * recorded afterwards in a transaction that reads the payment again (a retry, the recovery pass or
 * a webhook may have recorded it meanwhile).
 */
import { AppError, badRequest } from '../../shared/errors.ts';
import type { PaymentRow } from '../payments/payments.repo.ts';
import { PaymentError, type Charge } from '../payments/provider.ts';
import type { CheckoutContext } from './context.ts';
import type { Settle } from './settle.ts';

export class Authorisation {
  constructor(
    private readonly ctx: CheckoutContext,
    private readonly settling: Settle,
  ) {}

  /** The 402 of a declined card. */
  failure(p: PaymentRow): AppError {
    return new AppError('payment_required', p.failureMessage ?? 'the card was declined', {
      declineCode: p.declineCode,
      bookingCreated: false,
    });
  }

  /**
   * Asks the processor to hold the self-pay share. `live` is a user waiting for the answer: a
   * decline becomes a 402, an outage a 503 (the checkout stays open for a retry or the recovery).
   */
  async authorise(payment: PaymentRow, live: boolean): Promise<void> {
    const { provider, faults, payments } = this.ctx.deps;
    let charge: Charge;
    faults?.beforeProcessorCall?.('authorise', payment.id);
    try {
      const installation = await this.ctx.installationId();
      charge = await provider.authorise({
        amountFen: payment.authorisedFen,
        currency: payment.currency,
        token: payment.token ?? 'tok_missing',
        description: `仪器共享平台 booking ${payment.bookingId}`,
        metadata: {
          installation,
          payment_id: String(payment.id),
          booking_id: String(payment.bookingId),
        },
        idempotencyKey: await this.ctx.key(payment, this.ctx.authoriseStep(payment)),
      });
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      if (err.kind === 'declined') {
        await this.failCheckout(payment, err.declineCode, err.message);
        if (live) throw this.failure((await payments.byId(payment.id))!);
        return;
      }
      if (err.kind === 'rejected') {
        await this.failCheckout(payment, err.processorCode, `the processor refused the payment: ${err.message}`);
        if (live)
          throw badRequest(`the payment processor refused the card: ${err.message}`, [
            { path: 'body.paymentToken', message: err.processorCode ?? 'rejected' },
          ]);
        return;
      }
      // No usable answer. If the processor did answer (a 5xx it keeps for this key) and holds no
      // charge of ours, nothing was taken: undo now. Otherwise the outcome is unknown: keep the
      // checkout open for a retry with the same key or for the recovery pass.
      const settled = err.answered ? await this.resolveFromProcessor(payment, true) : false;
      await payments.update(payment.id, { updatedAt: this.ctx.now });
      if (live) {
        throw new AppError(
          'unavailable',
          settled
            ? 'the payment processor failed; nothing was charged and no booking was made — please try again'
            : 'the payment processor did not answer; nothing is confirmed yet — retry with the same Idempotency-Key',
          { retryable: true, charged: false },
        );
      }
      return;
    }
    faults?.afterProcessorCall?.('authorise', payment.id);
    await this.recordAuthorised(payment.id, charge);
  }

  /**
   * Looks for our charge at the processor (by the payment id in its metadata). Found: record it.
   * Not found: undo the checkout when `conclusive`. Returns whether the checkout is settled.
   */
  async resolveFromProcessor(payment: PaymentRow, conclusive: boolean): Promise<boolean> {
    let charge: Charge | null;
    try {
      charge = await this.findCharge(payment);
    } catch {
      return false; // the processor cannot be asked now either
    }
    if (charge) {
      if (charge.status === 'succeeded') await this.recordAuthorised(payment.id, charge);
      else await this.failCheckout(payment, 'processor_failed', 'the processor reports the charge failed');
      return true;
    }
    if (!conclusive) return false;
    await this.failCheckout(payment, 'processor_error', 'the payment processor failed; nothing was charged', true);
    return true;
  }

  private async findCharge(payment: PaymentRow): Promise<Charge | null> {
    const installation = await this.ctx.installationId();
    let startingAfter: string | undefined;
    for (let page = 0; page < 50; page++) {
      // Charges from a few minutes before the payment on (clock slack); every page of them.
      const { items, hasMore } = await this.ctx.deps.provider.listCharges({
        limit: 100,
        startingAfter,
        createdFrom: payment.createdAt - 5 * 60_000,
      });
      const found = items.find((c) => this.ctx.ours(c, payment.id, installation));
      if (found) return found;
      const last = items[items.length - 1];
      if (!hasMore || !last) return null;
      startingAfter = last.id;
    }
    return null;
  }

  /**
   * Records a held charge: the payment authorised, the hold in the ledger, the booking confirmed.
   * Must not be called inside another transaction: a hold that came too late is given back by a
   * release started here after the commit, and that calls the processor.
   */
  async recordAuthorised(paymentId: number, charge: Charge): Promise<void> {
    const { db, payments, bookings, ledger } = this.ctx.deps;
    const now = this.ctx.now;
    let release = false;
    let capture = false;
    await db.write(async () => {
      const p = (await payments.byId(paymentId))!;
      if (p.status !== 'authorising') {
        // Too late (undone meanwhile): the money must go back.
        release =
          p.status === 'failed' && charge.status === 'succeeded' && !charge.captured && charge.refundedFen === 0;
        if (release) await payments.update(p.id, { chargeId: charge.id, pendingAction: 'release', updatedAt: now });
        return;
      }
      const b = (await bookings.row(p.bookingId))!;
      const a = await this.ctx.accounts(b, now);
      await payments.update(p.id, {
        status: 'authorised',
        chargeId: charge.id,
        authorisedFen: charge.amountFen,
        authorisedAt: now,
        token: null,
        updatedAt: now,
      });
      await ledger.create(
        {
          id: this.ctx.holdId(p),
          debit: a.cash.id,
          credit: a.fromProcessor.id,
          amountFen: charge.amountFen,
          code: 'card_authorise',
          pending: true,
          bookingId: b.id,
          processorRef: charge.id,
        },
        now,
      );
      await this.ctx.deps.audit?.record({
        action: 'payment.authorise',
        subject: { type: 'booking', id: b.id },
        details: { paymentId: p.id, amountFen: charge.amountFen, processorRef: charge.id },
      });
      if (!(await bookings.settleCheckout(b.id, 'paid', now))) {
        await payments.update(p.id, { pendingAction: 'release', updatedAt: now });
        release = true;
      } else if (this.ctx.mode === 'confirmation' && (await bookings.row(b.id))?.status === 'approved') {
        // Confirmed at once (no approval needed): the self-pay share is captured now.
        await payments.update(p.id, { pendingAction: 'capture', pendingAmountFen: charge.amountFen, updatedAt: now });
        capture = true;
      }
    });
    // After the commit, and not awaited: the caller's answer does not wait for the release.
    if (release) void this.settling.settle(paymentId).catch(() => undefined);
    if (capture) await this.settling.settle(paymentId).catch(() => undefined);
  }

  /** Undoes a checkout: the voucher share and the time are released, the booking never made. */
  async failCheckout(payment: PaymentRow, code: string | null, message: string, freeKey = false): Promise<void> {
    const { db, payments, bookings, vouchers } = this.ctx.deps;
    const now = this.ctx.now;
    await db.write(async () => {
      // Read again inside the transaction: only a checkout still waiting for its answer (the hold, or
      // saving the card for a later hold) is undone.
      const p = (await payments.byId(payment.id))!;
      if (p.status !== 'authorising' && p.status !== 'saving_card') return;
      await payments.update(p.id, {
        status: 'failed',
        declineCode: code,
        failureMessage: message,
        token: null,
        updatedAt: now,
      });
      await this.ctx.deps.audit?.record({
        action: 'payment.authorise',
        outcome: 'failure',
        subject: { type: 'booking', id: p.bookingId },
        details: { paymentId: p.id, amountFen: p.authorisedFen, code, message },
      });
      await vouchers.release(p.bookingId, now, 'checkout failed');
      await bookings.settleCheckout(p.bookingId, 'failed', now, message);
      // A processor failure (not a decline) frees the Idempotency-Key so the same request can be tried again.
      if (freeKey) await bookings.forgetIdempotencyKey(p.bookingId);
    });
  }
}
