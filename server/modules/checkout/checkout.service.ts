/**
 * Checkout: a booking, its voucher share and its card payment as one use case.
 *
 * The processor is never called inside a database transaction. Each step writes its intent
 * first (a pending_payment booking holding its time, the voucher share held as pending
 * transfers, a payment row in `authorising`, or a payment's `pendingAction`), then calls the
 * processor with an idempotency key made from the payment's id, then records the answer.
 * Whatever a crash or timeout interrupts, `recover()` finishes (the processor holds the money)
 * or undoes (it does not) — at start-up and on a timer.
 *
 * This class is the module's face (routes, the booking service's hooks, the seed, tests); the work
 * is in one file per use case:
 * - book.ts — the quote and a new booking with its voucher share and card payment;
 * - authorisation.ts — the card hold: asked, found again, recorded, or the checkout undone;
 * - transitions.ts — the money of approve/reject/cancel/no-show/complete (voucher post or release,
 *   capture or release owed, invoice);
 * - settle.ts — carrying out an owed capture or release and recording it;
 * - refunds.ts — refunds, asked by the lab or seen at the processor;
 * - recovery.ts — the pass that finishes or undoes interrupted payments;
 * - card-window.ts — holds within the processor's window (saved cards, renewals, a new card), and
 *   refunds owed after a capture at confirmation;
 * - views.ts — the money a booking view shows;
 * - webhooks.ts — the processor's events; context.ts — what they all share.
 */
import type { BookingRequest, BookingView } from '../booking/booking.schemas.ts';
import type { Usage } from '../booking/booking.service.ts';
import type { BookingAction } from '../booking/state-machine.ts';
import type { Actor } from '../auth/actor.ts';
import { Authorisation } from './authorisation.ts';
import { Checkout } from './book.ts';
import { CardWindow, type CardWindowRun } from './card-window.ts';
import { CheckoutContext, type CheckoutDeps } from './context.ts';
import { Recovery } from './recovery.ts';
import { Refunds } from './refunds.ts';
import { Settle } from './settle.ts';
import { TransitionMoney } from './transitions.ts';
import { moneyOf } from './views.ts';
import { ProcessorEvents } from './webhooks.ts';

export type { CheckoutDeps, CheckoutFaults } from './context.ts';

export class CheckoutService {
  private readonly checkout: Checkout;
  private readonly transitions: TransitionMoney;
  private readonly settling: Settle;
  private readonly refunds: Refunds;
  private readonly recovery: Recovery;
  private readonly events: ProcessorEvents;
  private readonly cardWindow: CardWindow;

  constructor(deps: CheckoutDeps) {
    const ctx = new CheckoutContext(deps);
    this.settling = new Settle(ctx);
    const authorisation = new Authorisation(ctx, this.settling);
    this.refunds = new Refunds(ctx);
    this.cardWindow = new CardWindow(ctx, authorisation, this.refunds);
    this.settling.refundOwed = (paymentId) => this.cardWindow.refundOwed(paymentId);
    this.checkout = new Checkout(ctx, authorisation, this.cardWindow);
    this.transitions = new TransitionMoney(ctx, this.settling);
    this.recovery = new Recovery(ctx, authorisation, this.settling, this.cardWindow);
    this.events = new ProcessorEvents(deps, {
      installationId: () => ctx.installationId(),
      recordAuthorised: (paymentId, charge) => authorisation.recordAuthorised(paymentId, charge),
      recordSettled: (paymentId, charge) => this.settling.recordSettled(paymentId, charge),
      recordRefund: (paymentId, refundId, amountFen, reason) =>
        this.refunds.recordRefund(paymentId, refundId, amountFen, reason),
      failCheckout: (payment, code, message) => authorisation.failCheckout(payment, code, message),
      accounts: (b, now) => ctx.accounts(b, now),
    });
    // Both run inside the booking service's transactions (a transition's, a view's read), which
    // the calls they make join; booking awaits them.
    deps.bookings.setHooks({
      onTransition: (before, after, now) => this.transitions.onTransition(before, after, now),
      money: (rows) => moneyOf(ctx, rows),
    });
  }

  /** The price of a request with the best voucher split (nothing is held). */
  quote(actor: Actor, input: BookingRequest) {
    return this.checkout.quote(actor, input);
  }

  /** A new booking with its voucher share and card payment (book.ts). */
  async book(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    return this.checkout.book(actor, input, idempotencyKey);
  }

  /** A booking's next step, then the processor call its money left owed (transitions.ts). */
  async transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ) {
    return this.transitions.transition(actor, id, action, body);
  }

  /** Carries out a payment's owed processor call (capture or release) and records the answer. */
  settle(paymentId: number): Promise<void> {
    return this.settling.settle(paymentId);
  }

  /**
   * The card window's job (card-window.ts): saved cards authorised when their window opens, ageing
   * holds renewed, bookings unpaid at their start cancelled.
   */
  cardAuthorisations(): Promise<CardWindowRun> {
    return this.cardWindow.run();
  }

  /** The enterprise completes a card payment that needs a new card (card-window.ts). */
  pay(actor: Actor, bookingId: number, paymentToken: string): Promise<BookingView> {
    return this.cardWindow.pay(actor, bookingId, paymentToken);
  }

  /** Returns captured money to the card (the lab or an admin, after completion). */
  refund(actor: Actor, bookingId: number, amountFen: number, reason: string): Promise<BookingView> {
    return this.refunds.refund(actor, bookingId, amountFen, reason);
  }

  /**
   * Finishes or undoes what a crash, a timeout or an outage left open (recovery.ts). Safe to run at
   * any time and from several processes.
   */
  recover(
    options: { minAgeMs?: number } = {},
  ): Promise<{ finished: number; undone: number; settled: number; open: number }> {
    return this.recovery.recover(options);
  }

  /** Verifies, stores and applies one processor event, after asking the processor (webhooks.ts). */
  webhook(rawBody: Buffer, signature: string | undefined) {
    return this.events.receive(rawBody, signature);
  }
}
