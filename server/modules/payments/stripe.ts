/**
 * The Stripe adapter: the only file that imports the official `stripe` SDK. It speaks the Charges
 * API with `capture: false` (authorise now, capture at completion), which real Stripe test mode,
 * the official stripe-mock and the in-process stripe-stateful-mock all serve.
 */
import Stripe from 'stripe';
import { DEVELOPMENT_WEBHOOK_SECRET } from './local-stripe.ts';
import {
  PaymentError,
  type Charge,
  type Dispute,
  type PaymentProvider,
  type ProcessorEvent,
  type Refund,
} from './provider.ts';

export interface StripeOptions {
  secretKey: string;
  /** e.g. http://127.0.0.1:12111; omitted for api.stripe.com. */
  apiBase?: string | null;
  webhookSecret: string;
  /**
   * The API is the in-process local Stripe server this process started (local-stripe.ts): only
   * then are webhooks signed with the public DEVELOPMENT_WEBHOOK_SECRET accepted.
   */
  localServer?: boolean;
  timeoutMs?: number;
  /** Retries on network errors and 5xx answers, with the same idempotency key. */
  maxNetworkRetries?: number;
}

export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeOptions) {
    const base = options.apiBase ? new URL(options.apiBase) : null;
    this.stripe = new Stripe(options.secretKey, {
      ...(base && {
        host: base.hostname,
        port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
        protocol: base.protocol === 'https:' ? 'https' : 'http',
      }),
      timeout: options.timeoutMs ?? 15_000,
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      telemetry: false,
    });
  }

  async saveCard(input: {
    token: string;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<{ customerId: string }> {
    const customer = await call(() =>
      this.stripe.customers.create(
        { source: input.token, description: input.description, metadata: input.metadata },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return { customerId: customer.id };
  }

  async authorise(input: {
    amountFen: number;
    currency: string;
    token?: string;
    customerId?: string | null;
    description: string;
    metadata: Record<string, string>;
    idempotencyKey: string;
  }): Promise<Charge> {
    const charge = await call(() =>
      this.stripe.charges.create(
        {
          amount: input.amountFen,
          currency: input.currency,
          // A saved card is charged through its customer (its default card); otherwise the token.
          ...(input.customerId ? { customer: input.customerId } : { source: input.token }),
          capture: false,
          description: input.description,
          metadata: input.metadata,
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    );
    return toCharge(charge);
  }

  async capture(chargeId: string, amountFen: number, idempotencyKey: string): Promise<Charge> {
    const charge = await call(() => this.stripe.charges.capture(chargeId, { amount: amountFen }, { idempotencyKey }));
    return toCharge(charge);
  }

  async release(chargeId: string, idempotencyKey: string): Promise<Charge> {
    await call(() => this.stripe.refunds.create({ charge: chargeId }, { idempotencyKey }));
    const charge = await this.retrieve(chargeId);
    if (!charge) throw new PaymentError('rejected', `charge ${chargeId} vanished`);
    return charge;
  }

  async refund(chargeId: string, amountFen: number, idempotencyKey: string, reason?: string): Promise<Refund> {
    const refund = await call(() =>
      this.stripe.refunds.create(
        { charge: chargeId, amount: amountFen, ...(reason && { metadata: { reason } }) },
        { idempotencyKey },
      ),
    );
    return {
      id: refund.id,
      chargeId,
      amountFen: refund.amount,
      createdAt: refund.created * 1000,
    };
  }

  async retrieve(chargeId: string): Promise<Charge | null> {
    try {
      // Stripe leaves a charge's refunds out unless asked (API versions since 2022-11-15).
      return toCharge(await call(() => this.stripe.charges.retrieve(chargeId, { expand: ['refunds'] })));
    } catch (err) {
      if (err instanceof PaymentError && err.processorCode === 'resource_missing') return null;
      throw err;
    }
  }

  async retrieveDispute(disputeId: string): Promise<Dispute | null> {
    try {
      return toDispute(await call(() => this.stripe.disputes.retrieve(disputeId)));
    } catch (err) {
      if (err instanceof PaymentError && err.processorCode === 'resource_missing') return null;
      throw err;
    }
  }

  async listCharges(page: { startingAfter?: string; limit: number; createdFrom?: number }) {
    const list = await call(() =>
      this.stripe.charges.list({
        limit: page.limit,
        ...(page.startingAfter && { starting_after: page.startingAfter }),
        ...(page.createdFrom !== undefined && { created: { gte: Math.floor(page.createdFrom / 1000) } }),
      }),
    );
    return { items: list.data.map(toCharge), hasMore: list.has_more };
  }

  parseWebhook(rawBody: Buffer, signature: string | undefined): ProcessorEvent {
    if (this.options.webhookSecret === DEVELOPMENT_WEBHOOK_SECRET && !this.developmentSecretAllowed()) {
      // Anyone can sign with a secret printed in the source: with a real processor nothing signed so is believed.
      throw new PaymentError(
        'invalid_signature',
        'the webhook signing secret is the public development default; set STRIPE_WEBHOOK_SECRET to the secret the processor gave you',
      );
    }
    if (!signature) throw new PaymentError('invalid_signature', 'the Stripe-Signature header is missing');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.options.webhookSecret);
    } catch (err) {
      throw new PaymentError('invalid_signature', err instanceof Error ? err.message : 'bad signature');
    }
    const object = event.data.object as unknown as Record<string, unknown>;
    return { id: event.id, type: event.type, objectId: typeof object.id === 'string' ? object.id : null, object };
  }

  /** Only the in-process local server, on this machine's loopback interface, may use the public secret. */
  private developmentSecretAllowed(): boolean {
    if (!this.options.localServer || !this.options.apiBase) return false;
    const host = new URL(this.options.apiBase).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  }

  /** A signed header for a payload, as Stripe would send it (tests and the demo's webhook tool). */
  signForTest(payload: string): string {
    return this.stripe.webhooks.generateTestHeaderString({ payload, secret: this.options.webhookSecret });
  }
}

function toCharge(c: Stripe.Charge): Charge {
  return {
    id: c.id,
    amountFen: c.amount,
    capturedFen: c.amount_captured ?? (c.captured ? c.amount : 0),
    refundedFen: c.amount_refunded,
    captured: c.captured,
    status: c.status === 'succeeded' ? 'succeeded' : c.status === 'pending' ? 'pending' : 'failed',
    metadata: { ...(c.metadata ?? {}) },
    createdAt: c.created * 1000,
    refunds: (c.refunds?.data ?? []).map((r) => ({ id: r.id, amountFen: r.amount, createdAt: r.created * 1000 })),
    disputed: Boolean(c.disputed),
  };
}

/** Stripe's dispute statuses in the platform's terms (see Dispute). */
function disputeStatus(status: string): Dispute['status'] {
  switch (status) {
    case 'warning_needs_response':
    case 'warning_under_review':
    case 'warning_closed':
    case 'prevented':
      return 'inquiry';
    case 'needs_response':
    case 'under_review':
    case 'appeal_needs_response':
    case 'appeal_under_review':
      return 'open';
    case 'won':
      return 'won';
    case 'lost':
      return 'lost';
    default:
      return 'unknown';
  }
}

function toDispute(d: Stripe.Dispute): Dispute {
  return {
    id: d.id,
    chargeId: typeof d.charge === 'string' ? d.charge : d.charge.id,
    amountFen: d.amount,
    status: disputeStatus(d.status),
    createdAt: d.created * 1000,
  };
}

/** Runs an SDK call and turns its errors into PaymentError kinds the checkout understands. */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof Stripe.errors.StripeError)) throw err;
    if (err.type === 'StripeCardError') {
      throw new PaymentError(
        'declined',
        err.message,
        err.decline_code ?? err.code ?? 'card_declined',
        err.code ?? null,
      );
    }
    const status = err.statusCode ?? 0;
    if (
      err.type === 'StripeConnectionError' ||
      err.type === 'StripeAPIError' ||
      err.type === 'StripeRateLimitError' ||
      status >= 500 ||
      status === 429
    ) {
      // A connection error or timeout may hide a request the processor did carry out; an answer
      // with a 5xx status is the processor's saved result for that idempotency key.
      throw new PaymentError('unavailable', err.message, null, err.code ?? null, err.type !== 'StripeConnectionError');
    }
    throw new PaymentError('rejected', err.message, null, err.code ?? null);
  }
}
