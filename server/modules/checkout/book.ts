/**
 * A new booking with its money: the quote, and the checkout — the booking, its voucher share and
 * its card payment written as an intent in one transaction, then the card authorised outside it
 * (authorisation.ts).
 */
import type { PriceLine } from '../../../db/schema/booking.ts';
import type { BookingRequest, BookingView } from '../booking/booking.schemas.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingPlan } from '../booking/booking.service.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { SplitContext } from '../vouchers/vouchers.service.ts';
import type { Authorisation } from './authorisation.ts';
import { authoriseAtFor, type CardWindow } from './card-window.ts';
import type { CheckoutContext } from './context.ts';

/** What the voucher module is told about one order. */
function orderOf(
  actor: Actor,
  base: { institutionId: number; categoryCode: string; serviceDate: string; userType: BookingPlan['userType'] },
  price: { totalFen: number; lines: PriceLine[] },
  justification?: string,
): SplitContext {
  return {
    enterpriseId: actor.organisationId,
    userType: base.userType,
    providerId: base.institutionId,
    categoryCode: base.categoryCode,
    totalFen: price.totalFen,
    lines: price.lines,
    serviceDate: base.serviceDate,
    justification: justification ?? null,
  };
}

export class Checkout {
  constructor(
    private readonly ctx: CheckoutContext,
    private readonly authorisation: Authorisation,
    private readonly cardWindow: CardWindow,
  ) {}

  async quote(actor: Actor, input: BookingRequest) {
    const { bookings, vouchers } = this.ctx.deps;
    // No transaction: a quote binds nothing (the checkout plans again in its own), and the split is
    // made for the total passed to it, so the two reads need not see one moment.
    const base = await bookings.quote(actor, input);
    const split = (
      await vouchers.split(orderOf(actor, base, base, input.justification), input.useVoucher, input.quotaId)
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
      vouchers: split.vouchers,
      ineligible: split.ineligible,
    };
  }

  async book(
    actor: Actor,
    input: BookingRequest,
    idempotencyKey: string | undefined,
  ): Promise<{ booking: BookingView; replayed: boolean }> {
    const { db, bookings, vouchers, payments, provider } = this.ctx.deps;
    const earlier = await bookings.earlier(actor, idempotencyKey);
    if (earlier) return { booking: await this.replay(actor, earlier), replayed: true };
    if (input.quotaId !== undefined && !input.useVoucher)
      throw badRequest('quotaId needs useVoucher', [{ path: 'body.quotaId', message: 'useVoucher is false' }]);
    // The checks before anything is written read one snapshot; the write transaction checks again.
    const { plan, order, preview } = await db.read(async () => {
      const plan = await bookings.plan(actor, input);
      const order = orderOf(
        actor,
        { ...plan, institutionId: plan.instrument.institutionId, categoryCode: plan.instrument.categoryCode },
        plan.quoted,
        input.justification,
      );
      // Refuse an unusable voucher before anything is written (the reasons say why).
      return { plan, order, preview: input.useVoucher ? await vouchers.split(order, true, input.quotaId) : null };
    });
    if (preview && !preview.plan) {
      throw badRequest(
        preview.view.ineligible.length
          ? `no voucher can pay for this: ${preview.view.ineligible.map((i) => i.detail).join('; ')}`
          : 'your enterprise holds no voucher quota',
        [{ path: 'body.useVoucher', message: preview.view.ineligible[0]?.reason ?? 'no_quota' }],
      );
    }
    const chosen = await this.paymentMethodOf(
      input,
      plan.instrument.institutionId,
      plan.quoted.totalFen - (preview?.plan?.deductFen ?? 0),
    );
    const now = this.ctx.now;
    // Without a voucher or a quote the write decides nothing by what it reads: the exclusion constraint
    // keeps the time, the unique index the Idempotency-Key. On PostgreSQL it need not be SERIALIZABLE,
    // where bookings of neighbouring instruments abort each other on shared index pages and run again.
    const decidedByConstraints = !input.useVoucher && input.quoteId === undefined;
    // The intent, all or nothing: the booking holding its time, the voucher share held, the payment
    // to authorise. The processor is called only after this has committed.
    const write = db.write(
      async () => {
        const again = await bookings.earlier(actor, idempotencyKey);
        if (again) return { row: again, payment: undefined };
        // Planned again inside the lock: another checkout may have used the quota since the preview.
        const voucher = input.useVoucher ? (await vouchers.split(order, true, input.quotaId)).plan : null;
        if (input.useVoucher && (!voucher || voucher.voucherFen === 0)) {
          throw new AppError('conflict', 'the voucher quota has just been used up; ask for a new quote', {
            reason: 'voucher_exhausted',
          });
        }
        // Deduct-mode shares are not paid by the enterprise now (a co-funded order may hold two).
        const selfPay = plan.quoted.totalFen - (voucher?.deductFen ?? 0);
        const method = selfPay === 0 ? null : chosen;
        const row = await bookings.insertPlanned(
          plan,
          idempotencyKey,
          method === 'card' ? 'pending_payment' : plan.confirmedStatus,
          method,
          now,
        );
        if (voucher) await vouchers.reserve(row.id, order, voucher, now);
        // Confirmed at once (no approval needed): the bank transfer's payment notice now.
        if (method === 'bank_transfer' && row.status === 'approved')
          await this.ctx.deps.transfers?.open(row, selfPay, now);
        // A service beyond the processor's window: the card is saved now and authorised later (card-window.ts).
        const authoriseAt = authoriseAtFor(
          this.ctx.mode,
          row.mode === 'machine_time' ? row.startAt : null,
          now,
          this.ctx.windowMs,
        );
        const payment =
          method === 'card'
            ? await payments.insert({
                bookingId: row.id,
                provider: provider.name,
                status: authoriseAt === null ? 'authorising' : 'saving_card',
                authoriseAt,
                currency: this.ctx.currency,
                token: input.paymentToken!,
                authorisedFen: selfPay,
                createdAt: now,
                updatedAt: now,
              })
            : undefined;
        return { row, payment };
      },
      { readCommitted: decidedByConstraints },
    );
    // A twin request with the same Idempotency-Key may commit between this one's look-up and its insert (at
    // READ COMMITTED each statement sees the latest commits): this one is then refused — the key's unique
    // index, or the time the twin took — and the twin's booking is the answer.
    const made = await write.catch(async (err: unknown) => {
      const twin = await bookings.earlier(actor, idempotencyKey);
      if (!twin) throw err;
      return { row: twin, payment: undefined };
    });
    if (!made.payment) {
      const replayed = made.row.createdAt !== now;
      // Made here with no voucher share and no card: nothing of its money to read back (views.ts viewOfNew).
      if (!replayed && !input.useVoucher) return { booking: await bookings.viewOfNew(made.row, plan, now), replayed };
      return { booking: await bookings.viewOf(actor, made.row), replayed };
    }
    if (made.payment.status === 'saving_card') await this.cardWindow.saveCard(made.payment, true);
    else await this.authorisation.authorise(made.payment, true);
    return { booking: await bookings.get(actor, made.row.id), replayed: false };
  }

  /**
   * How the self-pay share is paid: the card (a token), or bank transfer (对公转账, also when neither
   * is named and no card token is given). Bank transfer needs the lab's receiving account; without
   * the transfers module (an old seed) the lab's invoice, as before.
   */
  private async paymentMethodOf(
    input: BookingRequest,
    providerId: number,
    selfPayFen: number,
  ): Promise<'card' | 'bank_transfer' | 'invoice'> {
    const method = input.paymentMethod ?? (input.paymentToken ? 'card' : 'bank_transfer');
    if (method === 'card' && !input.paymentToken)
      throw badRequest('paying by card needs the card token of the payment form', [
        { path: 'body.paymentToken', message: 'required' },
      ]);
    if (method === 'bank_transfer' && input.paymentToken)
      throw badRequest('a card token was sent with bank transfer: choose one way to pay', [
        { path: 'body.paymentToken', message: 'not with bank_transfer' },
      ]);
    if (method === 'card') return 'card';
    const transfers = this.ctx.deps.transfers;
    if (!transfers) return 'invoice';
    if (selfPayFen > 0 && !(await transfers.payeeOf(providerId)))
      throw badRequest('this lab has not registered a bank account for transfers: pay by card', [
        { path: 'body.paymentMethod', message: 'the lab takes no bank transfers' },
      ]);
    return 'bank_transfer';
  }

  /** The same Idempotency-Key again: the first answer, or the unfinished checkout carried on. */
  private async replay(actor: Actor, b: BookingRow): Promise<BookingView> {
    const { payments, bookings } = this.ctx.deps;
    const payment = await payments.ofBooking(b.id);
    if (b.status === 'pending_payment' && payment?.status === 'authorising')
      await this.authorisation.authorise(payment, true);
    if (b.status === 'pending_payment' && payment?.status === 'saving_card')
      await this.cardWindow.saveCard(payment, true);
    const after = (await bookings.row(b.id))!;
    if (after.status === 'payment_failed' && payment)
      throw this.authorisation.failure((await payments.byId(payment.id))!);
    return bookings.get(actor, after.id);
  }
}
