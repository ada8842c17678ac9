/**
 * The payment processor port. Checkout talks only to this interface; the Stripe adapter is the
 * one file that knows the processor's SDK. Every call that moves money takes an idempotency key
 * derived from a local record, so repeating a call after a timeout or a crash cannot charge twice.
 */

export interface Charge {
  id: string;
  amountFen: number;
  capturedFen: number;
  refundedFen: number;
  captured: boolean;
  status: 'succeeded' | 'pending' | 'failed';
  metadata: Record<string, string>;
  /** UTC ms. */
  createdAt: number;
  refunds: { id: string; amountFen: number; createdAt: number }[];
  disputed: boolean;
}

export interface Refund {
  id: string;
  chargeId: string;
  amountFen: number;
  createdAt: number;
}

/**
 * A chargeback as the processor holds it. `status` in the platform's terms:
 * - inquiry: the bank only asks questions (or the dispute was prevented); no money has moved;
 * - open: the disputed amount has been withdrawn from us while the dispute runs (or is appealed);
 * - won: the processor gave the withdrawn amount back; lost: it keeps it;
 * - unknown: a status this adapter does not know; nothing is recorded for it.
 */
export interface Dispute {
  id: string;
  chargeId: string;
  amountFen: number;
  status: 'inquiry' | 'open' | 'won' | 'lost' | 'unknown';
  /** UTC ms. */
  createdAt: number;
}

/**
 * A verified webhook event. Its signature says only that it was signed with our secret; its body is
 * a hint of what changed: the checkout acts on `objectId` after fetching that object from the
 * processor, and keeps `object` (as sent) only as the record of what arrived.
 */
export interface ProcessorEvent {
  id: string;
  type: string;
  /** The id of the object the event is about (a charge or a dispute); null if the body has none. */
  objectId: string | null;
  /** The object as the event carried it: untrusted, stored for the record only. */
  object: Record<string, unknown>;
}

export interface PaymentProvider {
  readonly name: string;
  /**
   * Saves a card at the processor for later (a customer holding the token's card); its answer is the
   * customer's id. A card the processor refuses to save is a PaymentError('declined').
   */
  saveCard(input: {
    token: string;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<{ customerId: string }>;
  /** Holds money on a card without taking it (capture later): a card token, or a saved card (`customerId`). */
  authorise(input: {
    amountFen: number;
    currency: string;
    token?: string;
    customerId?: string | null;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<Charge>;
  /** Takes all or part of an authorisation; the rest goes back to the card. */
  capture(chargeId: string, amountFen: number, idempotencyKey: string): Promise<Charge>;
  /** Gives an uncaptured authorisation back in full. */
  release(chargeId: string, idempotencyKey: string): Promise<Charge>;
  /** Returns captured money. */
  refund(chargeId: string, amountFen: number, idempotencyKey: string, reason?: string): Promise<Refund>;
  /** The charge as the processor holds it now; null when the processor has no such charge. */
  retrieve(chargeId: string): Promise<Charge | null>;
  /** The dispute as the processor holds it now; null when the processor has no such dispute. */
  retrieveDispute(disputeId: string): Promise<Dispute | null>;
  /** One page of charges, newest first (for recovery and reconciliation). */
  listCharges(page: {
    startingAfter?: string;
    limit: number;
    /** Only charges created at or after this instant (UTC ms), where the processor can filter. */
    createdFrom?: number;
  }): Promise<{ items: Charge[]; hasMore: boolean }>;
  /** Verifies a webhook's signature and parses it; throws PaymentError('invalid_signature') if forged. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): ProcessorEvent;
}

/**
 * Why a processor call failed, in the checkout's terms:
 * - declined: the card said no (decline code given); nothing was taken.
 * - unavailable: no answer or a server error; the outcome is unknown, retry with the same key.
 * - rejected: the processor refused the request itself (already captured, missing charge…).
 * - invalid_signature: a webhook that the processor did not sign.
 */
export class PaymentError extends Error {
  constructor(
    readonly kind: 'declined' | 'unavailable' | 'rejected' | 'invalid_signature',
    message: string,
    readonly declineCode: string | null = null,
    readonly processorCode: string | null = null,
    /** For unavailable: did the processor answer (a 5xx), or did the request get no answer at all? */
    readonly answered = true,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}
