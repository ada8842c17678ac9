/**
 * The processor's webhook events. A valid signature proves only that the sender holds our signing
 * secret; the body is a hint of what changed, never the truth about money. So the charge or dispute
 * an event names is fetched from the processor and the platform records what the processor holds
 * (amounts, status, metadata), whatever the body claims.
 *
 * Events are stored by id before they are applied. One whose application finished is not applied
 * again (a replay); one that could not be checked with the processor is answered 503, stays open,
 * and is applied when the processor sends it again. Applying is idempotent (the records check their
 * state, ledger transfer ids are unique), so two deliveries racing each other do no harm.
 *
 * The processor is asked first, outside any transaction; what it holds is then recorded through
 * the checkout's records, each of which reads the payment again in its own transaction.
 */
import type { Database } from '../../../db/port.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingService } from '../booking/booking.service.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AccountRow, Ledger } from '../ledger/ledger.ts';
import type { PaymentRow, PaymentsRepo } from '../payments/payments.repo.ts';
import { PaymentError, type Charge, type Dispute, type PaymentProvider } from '../payments/provider.ts';
import { refundedAfterCapture } from '../settlement/reconcile.ts';

/** What the checkout records of processor facts; the event intake writes money only through these. */
export interface PaymentRecords {
  installationId(): Promise<string>;
  /** Not inside a transaction: a hold that came too late is released by a processor call after it. */
  recordAuthorised(paymentId: number, charge: Charge): Promise<void>;
  recordSettled(paymentId: number, charge: Charge): Promise<void>;
  recordRefund(paymentId: number, refundId: string, amountFen: number, reason: string | null): Promise<void>;
  failCheckout(payment: PaymentRow, code: string | null, message: string): Promise<void>;
  accounts(b: BookingRow, now: number): Promise<{ clearing: AccountRow; platform: AccountRow }>;
}

export interface ProcessorEventsDeps {
  db: Database;
  bookings: BookingService;
  ledger: Ledger;
  payments: PaymentsRepo;
  provider: PaymentProvider;
  clock: Clock;
}

/** Events about a charge (the object is the charge) and about a dispute (the object is the dispute). */
const CHARGE_EVENTS = new Set([
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'charge.expired',
  'charge.updated',
]);
const DISPUTE_EVENTS = new Set([
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
]);
/** Processor object ids (ch_…, py_…, dp_…): anything else is not looked up. */
const OBJECT_ID = /^[A-Za-z0-9_]{3,255}$/;

export class ProcessorEvents {
  constructor(
    private readonly deps: ProcessorEventsDeps,
    private readonly records: PaymentRecords,
  ) {}

  /** Verifies, stores (a finished replay is a no-op) and applies one processor event. */
  async receive(
    rawBody: Buffer,
    signature: string | undefined,
  ): Promise<{ received: true; replayed: boolean; outcome: string }> {
    const { payments, provider } = this.deps;
    let event;
    try {
      event = provider.parseWebhook(rawBody, signature);
    } catch (err) {
      if (err instanceof PaymentError)
        throw badRequest(`webhook refused: ${err.message}`, [{ path: 'header.stripe-signature', message: 'invalid' }]);
      throw err;
    }
    const fresh = await payments.storeEvent({
      id: event.id,
      type: event.type,
      objectId: event.objectId,
      payload: event.object,
      receivedAt: this.deps.clock.now(),
    });
    if (!fresh && typeof (await payments.eventOutcome(event.id)) === 'string') {
      return { received: true, replayed: true, outcome: 'replay ignored' };
    }
    let outcome: string;
    try {
      outcome = await this.apply(event.type, event.objectId);
    } catch (err) {
      // Not checked, not applied: the event stays open and the processor sends it again.
      if (err instanceof PaymentError)
        throw new AppError('unavailable', 'the payment processor could not be asked about this event; send it again', {
          retryable: true,
        });
      throw err;
    }
    await payments.setEventOutcome(event.id, outcome);
    return { received: true, replayed: false, outcome };
  }

  private async apply(type: string, objectId: string | null): Promise<string> {
    const isCharge = CHARGE_EVENTS.has(type);
    if (!isCharge && !DISPUTE_EVENTS.has(type)) return 'ignored';
    if (!objectId || !OBJECT_ID.test(objectId)) return 'ignored: the event names no object';
    return isCharge ? this.applyCharge(objectId) : this.applyDispute(objectId);
  }

  // Charges

  private async applyCharge(chargeId: string): Promise<string> {
    const charge = await this.deps.provider.retrieve(chargeId);
    if (!charge) return 'ignored: the processor has no such charge';
    const p = await this.paymentOf(charge);
    if (!p) return 'charge unknown to the platform';
    return this.syncCharge(p, charge);
  }

  /** Our payment of a charge: by its recorded id, or by the metadata the processor keeps (we set it). */
  private async paymentOf(charge: Charge): Promise<PaymentRow | undefined> {
    const { payments } = this.deps;
    const known = await payments.byCharge(charge.id);
    if (known) return known;
    if (charge.metadata.installation !== (await this.records.installationId()) || !charge.metadata.payment_id)
      return undefined;
    const p = await payments.byId(Number(charge.metadata.payment_id));
    // A payment has one charge (one idempotency key): another charge naming it is not its own.
    return p && (p.chargeId === null || p.chargeId === charge.id) ? p : undefined;
  }

  /**
   * Brings the payment to where the processor's charge stands, whatever the event said. `p` was read
   * outside a transaction and may be a moment old: each record below reads it again in its own
   * transaction and does nothing if another delivery, request or the recovery pass got there first.
   */
  private async syncCharge(p: PaymentRow, charge: Charge): Promise<string> {
    const { records } = this;
    const { payments } = this.deps;
    switch (p.status) {
      case 'authorising':
        if (charge.status === 'succeeded') {
          await records.recordAuthorised(p.id, charge);
          return 'authorisation recorded';
        }
        if (charge.status === 'failed') {
          await records.failCheckout(p, 'card_declined', 'declined (processor event)');
          return 'failure recorded';
        }
        return 'nothing to record yet: the charge is pending';
      case 'failed':
        // The checkout was undone but the processor holds money: recordAuthorised gives it back.
        if (charge.status === 'succeeded' && !charge.captured && charge.refundedFen === 0) {
          await records.recordAuthorised(p.id, charge);
          return 'authorisation after the checkout failed: released';
        }
        return 'nothing to record';
      case 'authorised': {
        await records.recordSettled(p.id, charge);
        const after = (await payments.byId(p.id))!.status;
        if (after === 'captured') return 'capture recorded';
        if (after === 'released') return 'release recorded';
        return 'nothing to record: the processor still holds the authorisation';
      }
      case 'captured':
      case 'partially_refunded':
        return this.recordRefunds(p, charge);
      default:
        return 'nothing to record';
    }
  }

  /**
   * Refunds made at the processor directly (its dashboard). Only money returned after the capture
   * counts: a partial capture gives the rest of the hold back as a refund, which is not one.
   *
   * One transaction (each recordRefund is a savepoint of it): what is missing is worked out from the
   * payment and the refunds known as they are now, not as another delivery or the lab's refund
   * (recording the same refunds at the same time) left them a moment ago.
   */
  private recordRefunds(payment: PaymentRow, charge: Charge): Promise<string> {
    const { db, payments } = this.deps;
    return db.write(async () => {
      const p = (await payments.byId(payment.id))!;
      let missing = refundedAfterCapture(charge) - p.refundedFen;
      if (missing <= 0) return 'nothing to record: no refund the platform does not know';
      const unknown: Charge['refunds'] = [];
      for (const r of charge.refunds) if (!(await payments.refund(r.id))) unknown.push(r);
      unknown.sort((a, b) => a.createdAt - b.createdAt);
      const released = charge.amountFen - charge.capturedFen;
      if (released > 0) {
        const release = unknown.findIndex((r) => r.amountFen === released);
        if (release >= 0) unknown.splice(release, 1);
      }
      let recorded = 0;
      for (const r of unknown) {
        if (r.amountFen > missing) continue;
        await this.records.recordRefund(p.id, r.id, r.amountFen, 'refunded at the processor');
        missing -= r.amountFen;
        recorded++;
      }
      return recorded ? 'refunds recorded' : 'nothing to record: no refund the platform does not know';
    });
  }

  // Disputes

  private async applyDispute(disputeId: string): Promise<string> {
    const { provider, payments } = this.deps;
    const dispute = await provider.retrieveDispute(disputeId);
    if (!dispute) return 'ignored: the processor has no such dispute';
    let p = await payments.byCharge(dispute.chargeId);
    if (!p) return 'dispute of an unknown charge';
    if (p.status === 'authorised') {
      // A capture at the processor the platform has not heard of yet comes first.
      const charge = await provider.retrieve(dispute.chargeId);
      if (charge) await this.records.recordSettled(p.id, charge);
      p = (await payments.byId(p.id))!;
    }
    return this.recordDispute(p.id, dispute);
  }

  /**
   * The processor took disputed money back: the platform carries it (platform → clearing) until the
   * dispute ends; a won dispute gives it back (clearing → platform); a lost one leaves it there.
   * Never more than the charge still holds: captured − refunded − already disputed. An inquiry moves
   * no money and is not recorded. The payment, the dispute's transfers and the room left are read
   * inside the transaction that writes, so two deliveries cannot both record it.
   */
  private async recordDispute(paymentId: number, d: Dispute): Promise<string> {
    const { db, bookings, ledger, payments } = this.deps;
    if (d.status === 'inquiry') return 'dispute is an inquiry: no money moved';
    if (d.status === 'unknown') return 'dispute in a status the platform does not know: nothing recorded';
    const now = this.deps.clock.now();
    const id = `dispute:${d.id}`;
    return db.write(async () => {
      const p = (await payments.byId(paymentId))!;
      const b = (await bookings.row(p.bookingId))!;
      const a = await this.records.accounts(b, now);
      const said: string[] = [];
      let withdrawn = await ledger.transfer(id);
      if (!withdrawn) {
        const room = p.capturedFen - p.refundedFen - (await this.disputedOf(b.id));
        const amountFen = Math.min(d.amountFen, room);
        if (amountFen <= 0) {
          return p.capturedFen === 0
            ? 'dispute of a charge never captured: nothing recorded'
            : 'dispute of a charge with nothing left to take back: nothing recorded';
        }
        withdrawn = await ledger.create(
          {
            id,
            debit: a.platform.id,
            credit: a.clearing.id,
            amountFen,
            code: 'card_dispute',
            bookingId: b.id,
            processorRef: d.id,
          },
          now,
        );
        said.push(`dispute of ${amountFen} fen recorded`);
      }
      if (d.status === 'won' && !(await ledger.transfer(`${id}:won`))) {
        await ledger.create(
          {
            id: `${id}:won`,
            debit: a.clearing.id,
            credit: a.platform.id,
            amountFen: withdrawn.amountFen,
            code: 'card_dispute_won',
            bookingId: b.id,
            processorRef: d.id,
          },
          now,
        );
        said.push(`dispute won: ${withdrawn.amountFen} fen back`);
      }
      return said.join('; ') || 'dispute already recorded';
    });
  }

  /** What disputes of a booking still hold: taken back minus given back after a win. */
  private async disputedOf(bookingId: number): Promise<number> {
    const sum = async (code: string) =>
      (await this.deps.ledger.transfers({ bookingId, code }, null, 1000)).reduce((s, t) => s + t.amountFen, 0);
    return (await sum('card_dispute')) - (await sum('card_dispute_won'));
  }
}
