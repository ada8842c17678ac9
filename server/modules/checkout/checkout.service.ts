/**
 * Checkout: a booking, its voucher share and its card payment as one use case.
 *
 * The processor is never called inside a database transaction. Each step writes its intent
 * first (a pending_payment booking holding its time, the voucher share held as pending
 * transfers, a payment row in `authorising`, or a payment's `pendingAction`), then calls the
 * processor with an idempotency key made from the payment's id, then records the answer.
 * Whatever a crash or timeout interrupts, `recover()` finishes (the processor holds the money)
 * or undoes (it does not) — at start-up and on a timer.
 */
import type { BookingRequest, BookingView } from '../booking/booking.schemas.ts';
import { plainPrice, type BookingPlan, type BookingService } from '../booking/booking.service.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingAction } from '../booking/state-machine.ts';
import { noShowFeeFen } from '../booking/pricing.ts';
import type { Usage } from '../booking/booking.service.ts';
import type { PriceLine } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { PaymentRow, PaymentsRepo } from '../payments/payments.repo.ts';
import { PaymentError, type Charge, type PaymentProvider } from '../payments/provider.ts';
import type { VoucherUseRow } from '../vouchers/vouchers.repo.ts';
import type { SplitContext, VouchersService } from '../vouchers/vouchers.service.ts';
import { ProcessorEvents } from './webhooks.ts';

/** Test hook: throw from here to play a crash between a processor call and the local write. */
export interface CheckoutFaults {
  beforeProcessorCall?(step: 'authorise', paymentId: number): void;
  afterProcessorCall?(step: 'authorise' | 'capture' | 'release', paymentId: number): void;
}

export interface CheckoutDeps {
  bookings: BookingService;
  vouchers: VouchersService;
  ledger: Ledger;
  payments: PaymentsRepo;
  provider: PaymentProvider;
  clock: Clock;
  currency?: string;
  faults?: CheckoutFaults;
  /** An authorisation nobody could confirm for this long is undone (default 10 minutes). */
  giveUpAfterMs?: number;
}

export class CheckoutService {
  private readonly currency: string;
  private readonly events: ProcessorEvents;

  constructor(private readonly deps: CheckoutDeps) {
    this.currency = deps.currency ?? 'cny';
    this.events = new ProcessorEvents(deps, {
      installationId: () => this.installationId(),
      recordAuthorised: (paymentId, charge) => this.recordAuthorised(paymentId, charge),
      recordSettled: (paymentId, charge) => this.recordSettled(paymentId, charge),
      recordRefund: (paymentId, refundId, amountFen, reason) =>
        this.recordRefund(paymentId, refundId, amountFen, reason),
      failCheckout: (payment, code, message) => this.failCheckout(payment, code, message),
      accounts: (b, now) => this.accounts(b, now),
    });
    deps.bookings.setHooks({
      onTransition: (before, after, now) => this.onTransition(before, after, now),
      money: (rows) => this.money(rows),
    });
  }

  private installation: string | null = null;

  private installationId(): string {
    this.installation ??= this.deps.payments.installationId(this.now);
    return this.installation;
  }

  /** Idempotency keys come from local records: this installation, the payment, the step. */
  private key(p: Pick<PaymentRow, 'id'>, step: string): string {
    return `isp-${this.installationId()}-pay-${p.id}-${step}`;
  }

  private ours(c: Charge, paymentId: number): boolean {
    return c.metadata.payment_id === String(paymentId) && c.metadata.installation === this.installationId();
  }

  private get now() {
    return this.deps.clock.now();
  }

  // Accounts

  private accounts(b: Pick<BookingRow, 'institutionId' | 'requesterOrganisationId'>, now: number) {
    const { ledger } = this.deps;
    return {
      cash: ledger.account(
        {
          code: `enterprise:${b.requesterOrganisationId}:cash`,
          kind: 'enterprise_cash',
          name: `用户单位 ${b.requesterOrganisationId} · 自付资金 self-pay`,
          organisationId: b.requesterOrganisationId,
        },
        now,
      ),
      fromProcessor: ledger.account(
        {
          code: `provider:${b.institutionId}:receivable:processor`,
          kind: 'provider_receivable_processor',
          name: `服务单位 ${b.institutionId} · 应收支付机构 from processor`,
          organisationId: b.institutionId,
        },
        now,
      ),
      fromEnterprise: ledger.account(
        {
          code: `provider:${b.institutionId}:receivable:enterprise`,
          kind: 'provider_receivable_enterprise',
          name: `服务单位 ${b.institutionId} · 应收用户（发票）from invoices`,
          organisationId: b.institutionId,
        },
        now,
      ),
      clearing: ledger.account(
        { code: 'processor:clearing', kind: 'processor_clearing', name: '支付机构清算 processor clearing' },
        now,
      ),
      platform: ledger.account({ code: 'platform', kind: 'platform', name: '平台 platform' }, now),
    };
  }

  // Quotes

  private context(
    actor: Actor,
    base: { institutionId: number; categoryCode: string; serviceDate: string; userType: BookingPlan['userType'] },
    totalFen: number,
    justification?: string,
  ): SplitContext {
    return {
      enterpriseId: actor.organisationId,
      userType: base.userType,
      providerId: base.institutionId,
      categoryCode: base.categoryCode,
      totalFen,
      serviceDate: base.serviceDate,
      justification: justification ?? null,
    };
  }

  quote(actor: Actor, input: BookingRequest) {
    const base = this.deps.bookings.quote(actor, input);
    const split = this.deps.vouchers.split(
      this.context(actor, base, base.totalFen, input.justification),
      input.useVoucher,
      input.quotaId,
    ).view;
    return {
      instrumentId: base.instrumentId,
      userType: base.userType,
      unit: base.unit,
      price: {
        totalFen: split.totalFen,
        voucherFen: split.voucherFen,
        selfPayFen: split.selfPayFen,
        limitedBy: split.limitedBy,
        lines: base.lines,
      },
      voucher: split.voucher,
      ineligible: split.ineligible,
    };
  }

  // Booking with payment

  async book(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    const { bookings, vouchers } = this.deps;
    const earlier = bookings.earlier(actor, idempotencyKey);
    if (earlier) return { booking: await this.replay(actor, earlier), replayed: true };
    if (input.quotaId !== undefined && !input.useVoucher)
      throw badRequest('quotaId needs useVoucher', [{ path: 'body.quotaId', message: 'useVoucher is false' }]);
    // The checks before anything is written read one snapshot; the write transaction checks again.
    const { plan, ctx, preview } = bookings.reading(() => {
      const plan = bookings.plan(actor, input);
      const ctx = this.context(
        actor,
        { ...plan, institutionId: plan.instrument.institutionId, categoryCode: plan.instrument.categoryCode },
        plan.quoted.totalFen,
        input.justification,
      );
      // Refuse an unusable voucher before anything is written (the reasons say why).
      return { plan, ctx, preview: input.useVoucher ? vouchers.split(ctx, true, input.quotaId) : null };
    });
    if (preview && !preview.plan) {
      throw badRequest(
        preview.view.ineligible.length
          ? `no voucher can pay for this: ${preview.view.ineligible.map((i) => i.detail).join('; ')}`
          : 'your enterprise holds no voucher quota',
        [{ path: 'body.useVoucher', message: preview.view.ineligible[0]?.reason ?? 'no_quota' }],
      );
    }
    const now = this.now;
    const made = bookings.transaction(() => {
      const again = bookings.earlier(actor, idempotencyKey);
      if (again) return { row: again, payment: undefined };
      // Planned again inside the lock: another checkout may have used the quota since the preview.
      const voucher = input.useVoucher ? vouchers.split(ctx, true, input.quotaId).plan : null;
      if (input.useVoucher && (!voucher || voucher.voucherFen === 0)) {
        throw new AppError('conflict', 'the voucher quota has just been used up; ask for a new quote', {
          reason: 'voucher_exhausted',
        });
      }
      const deduct = voucher?.programme.settlementMode === 'deduct';
      const selfPay = plan.quoted.totalFen - (voucher && deduct ? voucher.voucherFen : 0);
      const method = selfPay === 0 ? null : input.paymentToken ? 'card' : 'invoice';
      const row = bookings.insertPlanned(
        plan,
        idempotencyKey,
        method === 'card' ? 'pending_payment' : plan.confirmedStatus,
        method,
        now,
      );
      if (voucher) vouchers.reserve(row.id, ctx, voucher, now);
      const payment =
        method === 'card'
          ? this.deps.payments.insert({
              bookingId: row.id,
              provider: this.deps.provider.name,
              status: 'authorising',
              currency: this.currency,
              token: input.paymentToken!,
              authorisedFen: selfPay,
              createdAt: now,
              updatedAt: now,
            })
          : undefined;
      return { row, payment };
    });
    if (!made.payment) return { booking: bookings.viewOf(actor, made.row), replayed: made.row.createdAt !== now };
    await this.authorise(made.payment, true);
    return { booking: bookings.get(actor, made.row.id), replayed: false };
  }

  /** The same Idempotency-Key again: the first answer, or the unfinished checkout carried on. */
  private async replay(actor: Actor, b: BookingRow): Promise<BookingView> {
    const payment = this.deps.payments.ofBooking(b.id);
    if (b.status === 'pending_payment' && payment?.status === 'authorising') await this.authorise(payment, true);
    const after = this.deps.bookings.row(b.id)!;
    if (after.status === 'payment_failed' && payment) throw this.failure(this.deps.payments.byId(payment.id)!);
    return this.deps.bookings.get(actor, after.id);
  }

  private failure(p: PaymentRow): AppError {
    return new AppError('payment_required', p.failureMessage ?? 'the card was declined', {
      declineCode: p.declineCode,
      bookingCreated: false,
    });
  }

  /**
   * Asks the processor to hold the self-pay share. `live` is a user waiting for the answer: a
   * decline becomes a 402, an outage a 503 (the checkout stays open for a retry or the recovery).
   */
  private async authorise(payment: PaymentRow, live: boolean): Promise<void> {
    const { provider, faults } = this.deps;
    let charge: Charge;
    faults?.beforeProcessorCall?.('authorise', payment.id);
    try {
      charge = await provider.authorise({
        amountFen: payment.authorisedFen,
        currency: payment.currency,
        token: payment.token ?? 'tok_missing',
        description: `仪器共享平台 booking ${payment.bookingId}`,
        metadata: {
          installation: this.installationId(),
          payment_id: String(payment.id),
          booking_id: String(payment.bookingId),
        },
        idempotencyKey: this.key(payment, 'authorise'),
      });
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      if (err.kind === 'declined') {
        this.failCheckout(payment, err.declineCode, err.message);
        if (live) throw this.failure(this.deps.payments.byId(payment.id)!);
        return;
      }
      if (err.kind === 'rejected') {
        this.failCheckout(payment, err.processorCode, `the processor refused the payment: ${err.message}`);
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
      this.deps.payments.update(payment.id, { updatedAt: this.now });
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
    this.recordAuthorised(payment.id, charge);
  }

  /**
   * Looks for our charge at the processor (by the payment id in its metadata). Found: record it.
   * Not found: undo the checkout when `conclusive`. Returns whether the checkout is settled.
   */
  private async resolveFromProcessor(payment: PaymentRow, conclusive: boolean): Promise<boolean> {
    let charge: Charge | null;
    try {
      charge = await this.findCharge(payment);
    } catch {
      return false; // the processor cannot be asked now either
    }
    if (charge) {
      if (charge.status === 'succeeded') this.recordAuthorised(payment.id, charge);
      else this.failCheckout(payment, 'processor_failed', 'the processor reports the charge failed');
      return true;
    }
    if (!conclusive) return false;
    this.failCheckout(payment, 'processor_error', 'the payment processor failed; nothing was charged', true);
    return true;
  }

  private async findCharge(payment: PaymentRow): Promise<Charge | null> {
    let startingAfter: string | undefined;
    for (let page = 0; page < 50; page++) {
      // Charges from a few minutes before the payment on (clock slack); every page of them.
      const { items, hasMore } = await this.deps.provider.listCharges({
        limit: 100,
        startingAfter,
        createdFrom: payment.createdAt - 5 * 60_000,
      });
      const found = items.find((c) => this.ours(c, payment.id));
      if (found) return found;
      const last = items[items.length - 1];
      if (!hasMore || !last) return null;
      startingAfter = last.id;
    }
    return null;
  }

  private recordAuthorised(paymentId: number, charge: Charge): void {
    const { payments, bookings, ledger } = this.deps;
    const now = this.now;
    let release = false;
    bookings.transaction(() => {
      const p = payments.byId(paymentId)!;
      if (p.status !== 'authorising') {
        // Too late (undone meanwhile): the money must go back.
        release =
          p.status === 'failed' && charge.status === 'succeeded' && !charge.captured && charge.refundedFen === 0;
        if (release) payments.update(p.id, { chargeId: charge.id, pendingAction: 'release', updatedAt: now });
        return;
      }
      const b = bookings.row(p.bookingId)!;
      const a = this.accounts(b, now);
      payments.update(p.id, {
        status: 'authorised',
        chargeId: charge.id,
        authorisedFen: charge.amountFen,
        token: null,
        updatedAt: now,
      });
      ledger.create(
        {
          id: `pay:${p.id}:authorise`,
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
      if (!bookings.settleCheckout(b.id, 'paid', now)) {
        payments.update(p.id, { pendingAction: 'release', updatedAt: now });
        release = true;
      }
    });
    if (release) void this.settle(paymentId).catch(() => undefined);
  }

  /** Undoes a checkout: the voucher share and the time are released, the booking never made. */
  private failCheckout(payment: PaymentRow, code: string | null, message: string, freeKey = false): void {
    const { payments, bookings, vouchers } = this.deps;
    const now = this.now;
    bookings.transaction(() => {
      const p = payments.byId(payment.id)!;
      if (p.status !== 'authorising') return;
      payments.update(p.id, {
        status: 'failed',
        declineCode: code,
        failureMessage: message,
        token: null,
        updatedAt: now,
      });
      vouchers.release(p.bookingId, now, 'checkout failed');
      bookings.settleCheckout(p.bookingId, 'failed', now, message);
      // A processor failure (not a decline) frees the Idempotency-Key so the same request can be tried again.
      if (freeKey) bookings.forgetIdempotencyKey(p.bookingId);
    });
  }

  // Transitions

  async transition(
    actor: Actor,
    id: number,
    action: BookingAction,
    body: { reason?: string; start?: string; end?: string } & Usage,
  ) {
    const view = this.deps.bookings.transition(actor, id, action, body);
    const payment = this.deps.payments.ofBooking(id);
    if (payment?.pendingAction) await this.settle(payment.id).catch(() => undefined);
    return this.deps.bookings.get(actor, view.id);
  }

  /** Inside the transition's transaction: the money each new status means. */
  private onTransition(before: BookingRow, after: BookingRow, now: number): void {
    const { vouchers, payments, bookings, ledger } = this.deps;
    const payment = payments.ofBooking(after.id);
    const held = payment?.status === 'authorised' ? payment : undefined;
    switch (after.status) {
      case 'cancelled':
      case 'rejected': {
        vouchers.release(after.id, now, after.status);
        if (held) payments.update(held.id, { pendingAction: 'release', pendingAmountFen: 0, updatedAt: now });
        return;
      }
      case 'no_show': {
        vouchers.release(after.id, now, 'no-show: no service, no voucher');
        const rules = this.deps.bookings.schedule(after.instrumentId);
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
        bookings.amendFinal(after.id, charged, lines, now);
        if (held)
          payments.update(held.id, {
            pendingAction: charged ? 'capture' : 'release',
            pendingAmountFen: charged,
            updatedAt: now,
          });
        else if (charged && after.paymentMethod === 'invoice') this.invoice(after, charged, now);
        return;
      }
      case 'completed': {
        let finalFen = after.finalFen!;
        const use = vouchers.post(after.id, finalFen, now);
        const voucherFen = use?.status === 'posted' && use.settlementMode === 'deduct' ? use.postedFen! : 0;
        let selfPay = finalFen - voucherFen;
        if (held && selfPay > held.authorisedFen) {
          // The card holds less than the usage costs: the difference is waived, not charged unasked.
          const waived = selfPay - held.authorisedFen;
          selfPay = held.authorisedFen;
          finalFen -= waived;
          bookings.amendFinal(
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
          payments.update(held.id, {
            pendingAction: selfPay ? 'capture' : 'release',
            pendingAmountFen: selfPay,
            updatedAt: now,
          });
        } else if (selfPay > 0) {
          this.invoice(after, selfPay, now);
        }
        void ledger;
        return;
      }
      default:
        return;
    }
  }

  /** The lab invoices the self-pay share: the enterprise owes it to the provider. */
  private invoice(b: BookingRow, amountFen: number, now: number): void {
    const a = this.accounts(b, now);
    this.deps.ledger.create(
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

  /** Carries out a payment's owed processor call (capture or release) and records the answer. */
  async settle(paymentId: number): Promise<void> {
    const { payments, provider, faults } = this.deps;
    const p = payments.byId(paymentId);
    if (!p?.pendingAction || !p.chargeId) return;
    const step = p.pendingAction;
    let charge: Charge;
    try {
      charge =
        step === 'capture'
          ? await provider.capture(p.chargeId, p.pendingAmountFen!, this.key(p, 'capture'))
          : await provider.release(p.chargeId, this.key(p, 'release'));
    } catch (err) {
      if (!(err instanceof PaymentError) || err.kind === 'unavailable') {
        payments.update(p.id, { updatedAt: this.now });
        throw err;
      }
      // Refused (already captured or released elsewhere): record what the processor says is true.
      const actual = await provider.retrieve(p.chargeId);
      if (!actual) throw err;
      charge = actual;
    }
    faults?.afterProcessorCall?.(step, p.id);
    this.recordSettled(p.id, charge);
  }

  /** Records a capture or a release that happened at the processor (ours, or seen in a webhook). */
  private recordSettled(paymentId: number, charge: Charge): void {
    const { payments, bookings, ledger } = this.deps;
    const now = this.now;
    bookings.transaction(() => {
      const p = payments.byId(paymentId)!;
      if (p.status !== 'authorised') return;
      const b = bookings.row(p.bookingId)!;
      const a = this.accounts(b, now);
      if (charge.captured) {
        const captured = charge.capturedFen;
        ledger.post(`pay:${p.id}:authorise`, `pay:${p.id}:authorise:post`, captured, now);
        ledger.create(
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
        payments.update(p.id, {
          status: 'captured',
          capturedFen: captured,
          pendingAction: null,
          pendingAmountFen: null,
          updatedAt: now,
        });
      } else if (charge.refundedFen >= charge.amountFen) {
        ledger.void(`pay:${p.id}:authorise`, `pay:${p.id}:authorise:void`, now);
        payments.update(p.id, { status: 'released', pendingAction: null, pendingAmountFen: null, updatedAt: now });
      }
    });
  }

  /** Returns captured money to the card (the lab or an admin, after completion). */
  async refund(actor: Actor, bookingId: number, amountFen: number, reason: string): Promise<BookingView> {
    const { payments, bookings, provider } = this.deps;
    const b = bookings.row(bookingId);
    if (!b || !canManageInstitution(actor, b.institutionId)) {
      if (b && actor.organisationId === b.requesterOrganisationId) throw forbidden('only the lab refunds');
      throw notFound('booking');
    }
    const p = payments.ofBooking(bookingId);
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
      refund = await provider.refund(p.chargeId!, amountFen, this.key(p, `refund-after-${p.refundedFen}`), reason);
    } catch (err) {
      if (err instanceof PaymentError && err.kind === 'unavailable')
        throw new AppError('unavailable', 'the payment processor did not answer; try the refund again', {
          retryable: true,
        });
      if (err instanceof PaymentError)
        throw new AppError('conflict', `the processor refused the refund: ${err.message}`);
      throw err;
    }
    this.recordRefund(p.id, refund.id, refund.amountFen, reason);
    return bookings.get(actor, bookingId);
  }

  private recordRefund(paymentId: number, refundId: string, amountFen: number, reason: string | null): void {
    const { payments, bookings, ledger } = this.deps;
    const now = this.now;
    bookings.transaction(() => {
      if (payments.refund(refundId)) return;
      const p = payments.byId(paymentId)!;
      const b = bookings.row(p.bookingId)!;
      const a = this.accounts(b, now);
      payments.insertRefund({ id: refundId, paymentId, amountFen, reason, createdAt: now });
      ledger.create(
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
      ledger.create(
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
      const refunded = p.refundedFen + amountFen;
      payments.update(p.id, {
        refundedFen: refunded,
        status: refunded >= p.capturedFen ? 'refunded' : 'partially_refunded',
        updatedAt: now,
      });
    });
  }

  // Recovery

  /**
   * Finishes or undoes what a crash, a timeout or an outage left open: authorisations without an
   * answer (found at the processor: finished; known absent or too old: undone) and captures or
   * releases still owed. Safe to run at any time and from several processes.
   */
  async recover(
    options: { minAgeMs?: number } = {},
  ): Promise<{ finished: number; undone: number; settled: number; open: number }> {
    const { payments } = this.deps;
    const now = this.now;
    const giveUp = this.deps.giveUpAfterMs ?? 10 * 60_000;
    const result = { finished: 0, undone: 0, settled: 0, open: 0 };
    for (const p of payments.unfinished(now - (options.minAgeMs ?? 60_000))) {
      if (p.status === 'authorising') {
        const settled = await this.resolveFromProcessor(p, now - p.createdAt >= giveUp);
        if (!settled) {
          // Not found yet and not too old: ask again with the same key (replayed if it was made).
          await this.authorise(p, false).catch(() => undefined);
        }
        const after = payments.byId(p.id)!;
        if (after.status === 'authorised') result.finished++;
        else if (after.status === 'failed') result.undone++;
        else result.open++;
      } else if (p.pendingAction) {
        try {
          await this.settle(p.id);
          result.settled++;
        } catch {
          result.open++;
        }
      }
    }
    return result;
  }

  // Webhooks

  /** Verifies, stores and applies one processor event, after asking the processor (webhooks.ts). */
  webhook(rawBody: Buffer, signature: string | undefined) {
    return this.events.receive(rawBody, signature);
  }

  // Views

  private money(rows: BookingRow[]) {
    const ids = rows.map((r) => r.id);
    const uses = new Map(this.deps.vouchers.usesOfBookings(ids).map((u) => [u.bookingId, u]));
    const pays = new Map(this.deps.payments.ofBookings(ids).map((p) => [p.bookingId, p]));
    const result = new Map<number, Pick<BookingView, 'price' | 'finalPrice' | 'payment' | 'voucherUse'>>();
    for (const b of rows) {
      const use = uses.get(b.id);
      const p = pays.get(b.id);
      const deduct = use?.settlementMode === 'deduct';
      const quotedVoucher = use && deduct ? use.reservedFen : 0;
      const finalVoucher = use && deduct && use.status === 'posted' ? use.postedFen! : 0;
      result.set(b.id, {
        price: {
          ...plainPrice(b.quotedFen, b.priceLines),
          voucherFen: quotedVoucher,
          selfPayFen: b.quotedFen - quotedVoucher,
          limitedBy: use?.limitedBy ?? null,
        },
        finalPrice:
          b.finalFen === null
            ? null
            : {
                ...plainPrice(b.finalFen, b.finalLines ?? []),
                voucherFen: finalVoucher,
                selfPayFen: b.finalFen - finalVoucher,
                limitedBy: use?.limitedBy ?? null,
              },
        payment: p
          ? {
              status: p.status,
              processorId: p.chargeId,
              authorisedFen: p.authorisedFen,
              capturedFen: p.capturedFen,
              refundedFen: p.refundedFen,
              declineCode: p.declineCode,
            }
          : null,
        voucherUse: use ? useView(use) : null,
      });
    }
    return result;
  }
}

function useView(u: VoucherUseRow) {
  return {
    id: u.id,
    programmeId: u.programmeId,
    status: u.status,
    reservedFen: u.reservedFen,
    postedFen: u.postedFen,
    ratioPercent: u.ratioPercent,
    settlementMode: u.settlementMode,
  };
}
