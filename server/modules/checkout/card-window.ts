/**
 * Card holds within the processor's authorisation window. A processor keeps an uncaptured
 * authorisation about 7 days, while bookings are made up to 60 days ahead. With
 * CARD_AUTHORISATION=window (the default):
 *
 * - a machine-time checkout whose service starts more than 6 days later saves the card at the
 *   processor (a customer holding it) and waits (`scheduled`, authoriseAt = start − 6 days); nearer
 *   services are authorised at once, as always (authorisation.ts);
 * - the job (`card-authorisations`) authorises each saved card when its authoriseAt comes, and renews
 *   every hold older than 6 days whose booking still waits for its service (a new hold on the saved
 *   card, then the old one released);
 * - a hold that cannot be made (declined, or no saved card to renew it on) makes the payment
 *   `action_required`: the enterprise is told and pays with a new card (POST /bookings/:id/payment);
 * - a booking still unpaid when its service starts is cancelled (its voucher share given back).
 *
 * With CARD_AUTHORISATION=confirmation the card is captured when the booking is confirmed
 * (transitions.ts, authorisation.ts); what is owed back afterwards is refunded here (`refundOwed`).
 *
 * As everywhere in checkout: the processor is called outside any transaction, with a key made from
 * the payment's id and its attempt, and the answer is recorded in a transaction that reads the payment
 * again (a concurrent run, a request or a cancellation may have moved it on).
 */
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { BookingView } from '../booking/booking.schemas.ts';
import type { PaymentRow } from '../payments/payments.repo.ts';
import { PaymentError, type Charge } from '../payments/provider.ts';
import type { CardAuthorisation, CheckoutContext } from './context.ts';
import type { Authorisation } from './authorisation.ts';
import type { Refunds } from './refunds.ts';

const DAY_MS = 24 * 3600_000;
/** How long before the service the card is authorised, and how old a hold may grow before it is renewed (the default). */
export const AUTHORISATION_WINDOW_MS = 6 * DAY_MS;
/** The reason recorded with the refund of what was captured above the final price (confirmation mode). */
export const OWED_REFUND_REASON = '确认时已扣款，多扣部分退回 captured at confirmation, the excess refunded';

/**
 * When a card checkout is authorised: null = at once (as always); otherwise the instant the job
 * authorises the saved card. Only services with a fixed start (machine time) wait.
 */
export function authoriseAtFor(
  mode: CardAuthorisation,
  serviceStart: number | null,
  now: number,
  windowMs = AUTHORISATION_WINDOW_MS,
): number | null {
  if (mode !== 'window' || serviceStart === null) return null;
  const at = serviceStart - windowMs;
  return at > now ? at : null;
}

export interface CardWindowRun {
  authorised: number;
  renewed: number;
  actionRequired: number;
  cancelled: number;
}

export class CardWindow {
  constructor(
    private readonly ctx: CheckoutContext,
    private readonly authorisation: Authorisation,
    private readonly refunds: Refunds,
  ) {}

  // Checkout: the card saved for later

  /**
   * Saves a checkout's card at the processor (key `…-save-card`). Saved: the booking is made, the
   * payment waits for its window. Declined: the checkout is undone (a 402 for a live request).
   */
  async saveCard(payment: PaymentRow, live: boolean): Promise<void> {
    const { provider, payments } = this.ctx.deps;
    let customerId: string;
    try {
      ({ customerId } = await provider.saveCard({
        token: payment.token ?? 'tok_missing',
        description: `仪器共享平台 booking ${payment.bookingId}`,
        metadata: {
          installation: await this.ctx.installationId(),
          payment_id: String(payment.id),
          booking_id: String(payment.bookingId),
        },
        idempotencyKey: await this.ctx.key(payment, 'save-card'),
      }));
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      if (err.kind === 'declined' || err.kind === 'rejected') {
        await this.authorisation.failCheckout(payment, err.declineCode ?? err.processorCode, err.message);
        if (!live) return;
        if (err.kind === 'declined') throw this.authorisation.failure((await payments.byId(payment.id))!);
        throw badRequest(`the payment processor refused the card: ${err.message}`, [
          { path: 'body.paymentToken', message: err.processorCode ?? 'rejected' },
        ]);
      }
      // No answer: the same key again later (a retry or the recovery pass) finds the customer made.
      await payments.update(payment.id, { updatedAt: this.ctx.now });
      if (live)
        throw new AppError(
          'unavailable',
          'the payment processor did not answer; nothing is confirmed yet — retry with the same Idempotency-Key',
          { retryable: true, charged: false },
        );
      return;
    }
    await this.recordSaved(payment.id, customerId);
  }

  private async recordSaved(paymentId: number, customerId: string): Promise<void> {
    const { db, payments, bookings } = this.ctx.deps;
    const now = this.ctx.now;
    await db.write(async () => {
      const p = (await payments.byId(paymentId))!;
      if (p.status !== 'saving_card') return;
      await payments.update(p.id, { status: 'scheduled', customerId, token: null, updatedAt: now });
      await bookings.settleCheckout(p.bookingId, 'paid', now, 'card saved; authorised within 6 days of the service');
    });
  }

  /** Recovery of a card save without an answer: the same key again, or the checkout undone when too old. */
  async recoverSave(p: PaymentRow, tooOld: boolean): Promise<void> {
    if (tooOld) {
      await this.authorisation.failCheckout(p, 'processor_error', 'the card could not be saved in time');
      return;
    }
    await this.saveCard(p, false).catch(() => undefined);
  }

  // The job

  /** Authorises saved cards whose window opened, renews ageing holds, cancels bookings left unpaid. */
  async run(): Promise<CardWindowRun> {
    const { payments } = this.ctx.deps;
    const now = this.ctx.now;
    const result: CardWindowRun = { authorised: 0, renewed: 0, actionRequired: 0, cancelled: 0 };
    for (const p of await payments.dueForAuthorisation(now)) {
      const outcome = await this.hold(p, 'scheduled');
      if (outcome === 'held') result.authorised++;
      else if (outcome === 'action_required') result.actionRequired++;
    }
    for (const p of await payments.dueForRenewal(now - this.ctx.windowMs)) {
      const outcome = await this.hold(p, 'authorised');
      if (outcome === 'held') result.renewed++;
      else if (outcome === 'action_required') result.actionRequired++;
    }
    for (const p of await payments.awaitingAction()) {
      // The rule: a card payment not completed by the start of the service cancels the booking.
      if (p.serviceAt === null || p.serviceAt > now) continue;
      const cancelled = await this.ctx.deps.bookings.cancelUnpaid(
        p.bookingId,
        now,
        '未在服务开始前完成付款，预约已自动取消 payment not completed before the service',
      );
      if (cancelled) result.cancelled++;
    }
    return result;
  }

  /**
   * A new hold on the saved card of a payment that is `from` (scheduled: its first; authorised: a
   * renewal, the old hold released after). A decline, or no saved card, makes it action_required.
   */
  private async hold(p: PaymentRow, from: 'scheduled' | 'authorised'): Promise<'held' | 'action_required' | 'open'> {
    const attempt = from === 'authorised' ? p.attempt + 1 : p.attempt;
    if (!p.customerId) {
      await this.recordFailure(p, from, null, 'no_saved_card', 'no saved card to renew the authorisation on');
      return 'action_required';
    }
    let charge: Charge;
    try {
      charge = await this.ask(p, attempt, { customerId: p.customerId });
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      if (err.kind === 'unavailable') return 'open'; // the next run asks again with the same key
      await this.recordFailure(p, from, attempt, err.declineCode ?? err.processorCode ?? 'declined', err.message);
      return 'action_required';
    }
    return (await this.recordHold(p, from, attempt, charge)) ? 'held' : 'open';
  }

  /** Asks the processor for a hold of the payment's amount, keyed by the payment and the attempt. */
  private async ask(p: PaymentRow, attempt: number, card: { customerId: string } | { token: string }): Promise<Charge> {
    return this.ctx.deps.provider.authorise({
      amountFen: p.authorisedFen,
      currency: p.currency,
      ...card,
      description: `仪器共享平台 booking ${p.bookingId}`,
      metadata: {
        installation: await this.ctx.installationId(),
        payment_id: String(p.id),
        booking_id: String(p.bookingId),
      },
      idempotencyKey: await this.ctx.key(p, this.ctx.authoriseStep({ attempt })),
    });
  }

  /**
   * Records a new hold: the payment authorised on it (its ledger hold under this attempt's id), the
   * old hold voided in the ledger and released at the processor after the commit. A payment that
   * moved on meanwhile (its booking cancelled) gives the new hold straight back.
   */
  private async recordHold(
    p: PaymentRow,
    from: PaymentRow['status'],
    attempt: number,
    charge: Charge,
  ): Promise<boolean> {
    const { db, payments, bookings, ledger } = this.ctx.deps;
    const now = this.ctx.now;
    let oldCharge: { id: string; attempt: number } | null = null;
    let late = false;
    const held = await db.write(async () => {
      const fresh = (await payments.byId(p.id))!;
      if (fresh.status !== from || fresh.attempt !== p.attempt) {
        late = fresh.chargeId !== charge.id;
        return false;
      }
      const b = (await bookings.row(fresh.bookingId))!;
      const a = await this.ctx.accounts(b, now);
      if (from === 'authorised' && fresh.chargeId) {
        const old = this.ctx.holdId(fresh);
        await ledger.void(old, `${old}:void`, now);
        oldCharge = { id: fresh.chargeId, attempt: fresh.attempt };
      }
      const next = { ...fresh, attempt };
      await payments.update(p.id, {
        status: 'authorised',
        chargeId: charge.id,
        authorisedFen: charge.amountFen,
        authorisedAt: now,
        authoriseAt: null,
        attempt,
        customerId: p.customerId ?? fresh.customerId,
        declineCode: null,
        failureMessage: null,
        token: null,
        updatedAt: now,
      });
      await ledger.create(
        {
          id: this.ctx.holdId(next),
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
        details: {
          paymentId: p.id,
          amountFen: charge.amountFen,
          processorRef: charge.id,
          attempt,
          renews: from === 'authorised' ? fresh.chargeId : null,
        },
      });
      return true;
    });
    const { provider } = this.ctx.deps;
    if (oldCharge) {
      // The old hold goes back (it would lapse at the processor within a day anyway).
      const old: { id: string; attempt: number } = oldCharge;
      await provider.release(old.id, await this.ctx.key(p, `release-${old.attempt}`)).catch(() => undefined);
    } else if (late) {
      await provider.release(charge.id, await this.ctx.key(p, `release-late-${attempt}`)).catch(() => undefined);
    }
    return held;
  }

  /**
   * A hold that could not be made: the payment waits for the enterprise's new card, which it is
   * told of. A renewal's old hold is voided and released (it lapses at the processor anyway).
   */
  private async recordFailure(
    p: PaymentRow,
    from: PaymentRow['status'],
    asked: number | null,
    code: string,
    message: string,
  ) {
    const { db, payments, ledger, notifier } = this.ctx.deps;
    const now = this.ctx.now;
    let release: { id: string; attempt: number } | null = null;
    await db.write(async () => {
      const fresh = (await payments.byId(p.id))!;
      if (fresh.status !== from || fresh.attempt !== p.attempt) return;
      if (from === 'authorised' && fresh.chargeId) {
        const old = this.ctx.holdId(fresh);
        await ledger.void(old, `${old}:void`, now);
        release = { id: fresh.chargeId, attempt: fresh.attempt };
      }
      // The next attempt gets a key and a ledger id of its own (the processor answers a declined key
      // with the same decline; a voided hold's id is not used again).
      const attempt = Math.max(asked ?? fresh.attempt, fresh.attempt) + 1;
      await payments.update(p.id, {
        status: 'action_required',
        // The old hold is given back: reconciliation finds it released at the processor, no longer ours to match.
        chargeId: null,
        declineCode: code,
        failureMessage: message,
        authoriseAt: null,
        attempt,
        updatedAt: now,
      });
      await this.ctx.deps.audit?.record({
        action: 'payment.authorise',
        outcome: 'failure',
        subject: { type: 'booking', id: p.bookingId },
        details: { paymentId: p.id, amountFen: p.authorisedFen, code, message, actionRequired: true },
      });
      await notifier?.cardPaymentRequired(p.bookingId, { amountFen: p.authorisedFen, reason: message, attempt }, now);
    });
    if (release) {
      const old: { id: string; attempt: number } = release;
      await this.ctx.deps.provider
        .release(old.id, await this.ctx.key(p, `release-${old.attempt}`))
        .catch(() => undefined);
    }
  }

  // The enterprise completes the payment

  /**
   * The enterprise pays a payment that needs action with a new card: saved at the processor (for
   * later renewals) and authorised at once. A decline is a 402 and the payment still waits.
   */
  async pay(actor: Actor, bookingId: number, token: string): Promise<BookingView> {
    const { payments, bookings, provider } = this.ctx.deps;
    const b = await bookings.row(bookingId);
    if (!b || (actor.organisationId !== b.requesterOrganisationId && actor.role !== 'platform_admin'))
      throw notFound('booking');
    if (actor.role === 'platform_admin' && actor.organisationId !== b.requesterOrganisationId)
      throw forbidden('only the enterprise that booked pays for it');
    const p = await payments.ofBooking(bookingId);
    if (!p || p.status !== 'action_required')
      throw new AppError('conflict', 'this booking has no card payment waiting for a new card', {
        paymentStatus: p?.status ?? null,
      });
    if (b.status !== 'requested' && b.status !== 'approved')
      throw new AppError('conflict', `the booking is ${b.status}`, { currentStatus: b.status });
    let charge: Charge;
    let customerId: string;
    try {
      ({ customerId } = await provider.saveCard({
        token,
        description: `仪器共享平台 booking ${bookingId}`,
        metadata: {
          installation: await this.ctx.installationId(),
          payment_id: String(p.id),
          booking_id: String(bookingId),
        },
        idempotencyKey: await this.ctx.key(p, `save-card-${p.attempt}`),
      }));
      charge = await this.ask(p, p.attempt, { customerId });
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      if (err.kind === 'unavailable')
        throw new AppError('unavailable', 'the payment processor did not answer; try again', { retryable: true });
      await this.recordDecline(p, err.declineCode ?? err.processorCode ?? 'declined', err.message);
      if (err.kind === 'declined')
        throw new AppError('payment_required', err.message, { declineCode: err.declineCode, bookingCreated: true });
      throw badRequest(`the payment processor refused the card: ${err.message}`, [
        { path: 'body.paymentToken', message: err.processorCode ?? 'rejected' },
      ]);
    }
    await this.recordHold({ ...p, customerId }, 'action_required', p.attempt, charge);
    return bookings.get(actor, bookingId);
  }

  /** A new card declined too: still waiting, the next card under a new key. */
  private async recordDecline(p: PaymentRow, code: string, message: string): Promise<void> {
    const { db, payments } = this.ctx.deps;
    await db.write(async () => {
      const fresh = (await payments.byId(p.id))!;
      if (fresh.status !== 'action_required' || fresh.attempt !== p.attempt) return;
      await payments.update(p.id, {
        declineCode: code,
        failureMessage: message,
        attempt: fresh.attempt + 1,
        updatedAt: this.ctx.now,
      });
    });
  }

  // Confirmation mode: money captured before the service, part of it owed back

  /**
   * Refunds what a transition left owed (the payment's pendingAmountFen), once: the key names the
   * owed refund (a booking ends once), and the refund is recorded with the owed action cleared in one
   * transaction.
   */
  async refundOwed(paymentId: number): Promise<void> {
    const { db, payments, provider } = this.ctx.deps;
    const p = await payments.byId(paymentId);
    if (p?.pendingAction !== 'refund' || !p.chargeId) return;
    const amount = Math.min(p.pendingAmountFen ?? 0, p.capturedFen - p.refundedFen);
    if (amount <= 0) {
      await payments.update(p.id, { pendingAction: null, pendingAmountFen: null, updatedAt: this.ctx.now });
      return;
    }
    let refund;
    try {
      refund = await provider.refund(p.chargeId, amount, await this.ctx.key(p, 'refund-owed'), OWED_REFUND_REASON);
    } catch (err) {
      await payments.update(p.id, { updatedAt: this.ctx.now });
      throw err;
    }
    await db.write(async () => {
      await this.refunds.recordRefund(p.id, refund.id, refund.amountFen, OWED_REFUND_REASON);
      await payments.update(p.id, { pendingAction: null, pendingAmountFen: null, updatedAt: this.ctx.now });
    });
  }
}
