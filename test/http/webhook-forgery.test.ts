/**
 * Webhooks signed with our secret but lying about money. A signature proves only who holds the
 * secret; the platform fetches the charge or dispute an event names from the processor and records
 * what the processor says. Also: the public development secret is refused unless the processor is
 * the in-process local server, and an event the processor could not be asked about is answered 503
 * and applied when it comes again.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeDispute,
  DEVELOPMENT_WEBHOOK_SECRET,
  type LocalStripe,
} from '../../server/modules/payments/local-stripe.ts';
import { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { startServer } from '../support/server-process.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { testSchedule } from '../support/schedule.ts';
import { localStripe, slowStripe, TEST_STRIPE_KEY, testStripe } from '../support/stripe.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const apps: TestApp[] = [];
const servers: LocalStripe[] = [];

/** A fresh app paying through `stripe`, with the lab's hourly instrument open for booking. */
async function setup(stripe: StripeProvider) {
  const clock = fixedClock(NOW);
  // Sessions outlive the days the clock moves through (bookings run up to two weeks ahead).
  const t = await createTestApp({ instruments: 200, clock, payments: stripe, sessionTtlHours: 24 * 60 });
  apps.push(t);
  const researcher = await signIn(t.app, 'researcher@demo.test');
  const lab = await signIn(t.app, 'lab@demo.test');
  const instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule());
  let day = 3;
  /** A two-hour booking on its own weekday, paid by card (and the voucher when asked). */
  const book = async (body: Record<string, unknown> = {}) => {
    let date: Date;
    do date = new Date(Date.UTC(2026, 11, day++));
    while ([0, 6].includes(date.getUTCDay()));
    const d = date.toISOString().slice(0, 10);
    const res = await researcher
      .post('/api/v1/bookings')
      .set('Idempotency-Key', `wh-${d}-${Math.random().toString(36).slice(2)}`)
      .send({
        instrumentId,
        mode: 'machine_time',
        start: `${d}T09:00:00+08:00`,
        end: `${d}T11:00:00+08:00`,
        paymentToken: 'tok_visa',
        ...body,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  /** The lab's steps, each at the time the platform allows it (the clock goes back afterwards). */
  const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
    walkAtTheirTimes(clock, lab, researcher, id, ...steps);
  const send = (payload: string, signature = stripe.signForTest(payload)) =>
    request(t.app)
      .post('/api/v1/payments/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature)
      .send(payload);
  /** Every transfer and every account's sums: what "the ledger did not change" compares. */
  const ledger = async () => ({
    transfers: await t.db.all(`SELECT id, amount_fen, state FROM ledger_transfers ORDER BY id`),
    accounts: await t.db
      .all(`SELECT code, debits_pending_fen, debits_posted_fen, credits_pending_fen, credits_posted_fen
         FROM ledger_accounts ORDER BY code`),
  });
  const platformDebits = async () =>
    (await t.db.value(`SELECT debits_posted_fen FROM ledger_accounts WHERE code = 'platform'`)) ?? 0;
  const disputes = async (bookingId: number) =>
    await t.db.all(
      `SELECT id, amount_fen AS "amountFen", code FROM ledger_transfers WHERE booking_id = ? AND code LIKE 'card_dispute%'`,
      [bookingId],
    );
  return { t, researcher, lab, book, walk, send, ledger, platformDebits, disputes };
}

let n = 0;
/** An event as the processor would send it, carrying whatever object the sender chooses. */
function event(type: string, object: Record<string, unknown>, id = `evt_forged_${++n}_${Date.now()}`) {
  return JSON.stringify({ id, object: 'event', type, api_version: '2026-10-28', created: 1, data: { object } });
}

/** The charge exactly as the local processor holds it (a webhook body an attacker would copy and edit). */
async function rawCharge(id: string): Promise<Record<string, unknown>> {
  const server = await localStripe();
  const res = await fetch(`${server.url}/v1/charges/${id}`, {
    headers: { authorization: `Bearer ${TEST_STRIPE_KEY}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

afterEach(async () => {
  for (const t of apps) await expectMoneyInvariants(t.db);
});
afterAll(async () => {
  for (const t of apps) await t.close();
  for (const s of servers) await s.close();
});

describe('forged events signed with the webhook secret', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup(await testStripe());
  });

  it('a charge.captured claiming 1 fen records nothing; completion still captures the real amount', async () => {
    const b = await s.book({ useVoucher: true });
    expect(b.payment).toMatchObject({ status: 'authorised', capturedFen: 0 });
    const before = await s.ledger();
    const forged = {
      ...(await rawCharge(b.payment.processorId)),
      captured: true,
      amount_captured: 1,
      amount_refunded: b.payment.authorisedFen - 1,
    };
    const res = await s.send(event('charge.captured', forged));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('nothing to record: the processor still holds the authorisation');
    // A forged release (the whole hold "refunded") is not believed either.
    const release = await s.send(
      event('charge.refunded', {
        ...forged,
        captured: false,
        amount_captured: 0,
        amount_refunded: b.payment.authorisedFen,
      }),
    );
    expect(release.body.outcome).toBe('nothing to record: the processor still holds the authorisation');
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment).toMatchObject({
      status: 'authorised',
      capturedFen: 0,
      authorisedFen: b.payment.authorisedFen,
    });
    expect(await s.ledger()).toEqual(before);

    const done = await s.walk(b.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    const selfPay = done.finalPrice.totalFen - done.voucherUse.postedFen;
    expect(selfPay).toBeGreaterThan(1);
    expect(done.payment).toMatchObject({ status: 'captured', capturedFen: selfPay });
    const charge = await (await testStripe()).retrieve(b.payment.processorId);
    expect(charge).toMatchObject({ captured: true, capturedFen: selfPay });
    // Nothing of the self-pay share went to the lab's invoice.
    expect(await s.t.db.value(`SELECT COUNT(*) FROM ledger_transfers WHERE id = ?`, [`booking:${b.id}:invoice`])).toBe(
      0,
    );
  });

  it('a charge.refunded claiming refunds the processor never made records none', async () => {
    const b = await s.book();
    const done = await s.walk(b.id, ['approve'], ['check-in'], ['complete']);
    expect(done.payment.status).toBe('captured');
    const before = await s.ledger();
    const charge = await rawCharge(b.payment.processorId);
    const res = await s.send(
      event('charge.refunded', {
        ...charge,
        amount_refunded: 5000,
        refunds: { object: 'list', data: [{ id: 're_forged_1', object: 'refund', amount: 5000, created: 1 }] },
      }),
    );
    expect(res.body.outcome).toBe('nothing to record: no refund the platform does not know');
    expect(await s.ledger()).toEqual(before);
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment).toMatchObject({
      status: 'captured',
      refundedFen: 0,
    });
  });

  it('an event about a charge or dispute the processor does not have moves nothing', async () => {
    const before = await s.ledger();
    const charge = await s.send(
      event('charge.captured', { id: 'ch_forged_nothing', object: 'charge', amount: 900_000_000, captured: true }),
    );
    expect(charge.body.outcome).toBe('ignored: the processor has no such charge');
    const dispute = await s.send(
      event('charge.dispute.created', {
        id: 'dp_forged_nothing',
        object: 'dispute',
        charge: 'ch_forged_nothing',
        amount: 900_000_000,
      }),
    );
    expect(dispute.body.outcome).toBe('ignored: the processor has no such dispute');
    const noId = await s.send(event('charge.captured', { object: 'charge', amount: 1 }));
    expect(noId.body.outcome).toBe('ignored: the event names no object');
    expect(await s.ledger()).toEqual(before);
  });

  it('a charge.dispute.created of 900,000,000 fen against a real captured charge without a dispute moves nothing', async () => {
    const b = await s.book();
    await s.walk(b.id, ['approve'], ['check-in'], ['complete']);
    const before = await s.ledger();
    const res = await s.send(
      event('charge.dispute.created', {
        id: `dp_forged_${b.id}`,
        object: 'dispute',
        charge: b.payment.processorId,
        amount: 900_000_000,
        status: 'lost',
      }),
    );
    expect(res.body.outcome).toBe('ignored: the processor has no such dispute');
    expect(await s.ledger()).toEqual(before);
  });

  it('a real dispute is recorded with the processor’s amount, never more than was captured, once', async () => {
    const b = await s.book({ paymentToken: 'tok_createDispute' });
    const disputeId = (await rawCharge(b.payment.processorId)).dispute as string;
    expect(disputeId).toMatch(/^dp_/);
    // The body names another charge and a huge amount: only the dispute's id is taken from it.
    const forged = { id: disputeId, object: 'dispute', charge: 'ch_elsewhere', amount: 900_000_000, status: 'lost' };

    // The processor disputes the whole hold, but nothing has been captured yet: nothing to take back.
    const before = await s.ledger();
    const early = await s.send(event('charge.dispute.created', forged));
    expect(early.body.outcome).toBe('dispute of a charge never captured: nothing recorded');
    expect(await s.ledger()).toEqual(before);

    const done = await s.walk(b.id, ['approve'], ['check-in'], ['complete']);
    const captured = done.payment.capturedFen;
    expect(captured).toBe(b.payment.authorisedFen);
    const debitsBefore = (await s.platformDebits()) as number;
    const withdrawn = await s.send(event('charge.dispute.funds_withdrawn', forged));
    expect(withdrawn.body.outcome).toBe(`dispute of ${captured} fen recorded`);
    expect(await s.disputes(b.id)).toEqual([{ id: `dispute:${disputeId}`, amountFen: captured, code: 'card_dispute' }]);
    expect(await s.platformDebits()).toBe(debitsBefore + captured);

    // Told again, or told it was won while the processor says it is still open: nothing more.
    const again = await s.send(event('charge.dispute.updated', { ...forged, amount: 1 }));
    expect(again.body.outcome).toBe('dispute already recorded');
    const won = await s.send(event('charge.dispute.closed', { ...forged, status: 'won' }));
    expect(won.body.outcome).toBe('dispute already recorded');
    expect(await s.disputes(b.id)).toHaveLength(1);
    expect(await s.platformDebits()).toBe(debitsBefore + captured);

    // The processor's word that it was won gives the money back to the platform, once.
    closeDispute(disputeId, 'won');
    const closed = await s.send(event('charge.dispute.closed', forged));
    expect(closed.body.outcome).toBe(`dispute won: ${captured} fen back`);
    expect((await s.send(event('charge.dispute.funds_reinstated', forged))).body.outcome).toBe(
      'dispute already recorded',
    );
    expect(await s.disputes(b.id)).toEqual([
      { id: `dispute:${disputeId}`, amountFen: captured, code: 'card_dispute' },
      { id: `dispute:${disputeId}:won`, amountFen: captured, code: 'card_dispute_won' },
    ]);
  });

  it('a lost dispute stays with the platform; an inquiry moves no money', async () => {
    const lost = await s.book({ paymentToken: 'tok_createDispute' });
    await s.walk(lost.id, ['approve'], ['check-in'], ['complete']);
    const lostId = (await rawCharge(lost.payment.processorId)).dispute as string;
    closeDispute(lostId, 'lost');
    const res = await s.send(event('charge.dispute.closed', { id: lostId, object: 'dispute', status: 'won' }));
    expect(res.body.outcome).toBe(`dispute of ${lost.payment.authorisedFen} fen recorded`);
    expect(await s.disputes(lost.id)).toHaveLength(1);

    const inquiry = await s.book({ paymentToken: 'tok_createDisputeInquiry' });
    await s.walk(inquiry.id, ['approve'], ['check-in'], ['complete']);
    const inquiryId = (await rawCharge(inquiry.payment.processorId)).dispute as string;
    const before = await s.ledger();
    const asked = await s.send(
      event('charge.dispute.created', { id: inquiryId, object: 'dispute', amount: 900_000_000 }),
    );
    expect(asked.body.outcome).toBe('dispute is an inquiry: no money moved');
    expect(await s.ledger()).toEqual(before);
  });

  it('a refund made at the processor after a partial capture is recorded, not the capture’s release', async () => {
    const b = await s.book();
    const done = await s.walk(b.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    expect(done.payment.capturedFen).toBeLessThan(b.payment.authorisedFen); // the rest went back as a "refund"
    const stripe = await testStripe();
    await stripe.refund(b.payment.processorId, 1000, `dashboard-refund-${b.id}`);
    const res = await s.send(
      event('charge.refunded', { id: b.payment.processorId, object: 'charge', amount_refunded: 1 }),
    );
    expect(res.body.outcome).toBe('refunds recorded');
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment).toMatchObject({
      status: 'partially_refunded',
      refundedFen: 1000,
    });
  });
});

describe('the public development secret', () => {
  it('is refused when the processor is not the in-process local server', async () => {
    const server = await localStripe();
    const options = { secretKey: TEST_STRIPE_KEY, apiBase: server.url, webhookSecret: DEVELOPMENT_WEBHOOK_SECRET };
    const s = await setup(new StripeProvider(options));
    const b = await s.book();
    const before = await s.ledger();
    const res = await s.send(event('charge.captured', await rawCharge(b.payment.processorId)));
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe(
      'Webhook 被拒绝：签名密钥仍是公开的开发默认值，请将 STRIPE_WEBHOOK_SECRET 设为支付机构提供的密钥',
    );
    expect(await s.t.db.value('SELECT COUNT(*) FROM processor_events')).toBe(0);
    expect(await s.ledger()).toEqual(before);

    // A processor elsewhere is never "local", whatever the flag says.
    const remote = new StripeProvider({ ...options, apiBase: 'https://api.stripe.com', localServer: true });
    const payload = event('charge.captured', { id: 'ch_x', object: 'charge' });
    expect(() => remote.parseWebhook(Buffer.from(payload), remote.signForTest(payload))).toThrow(
      /public development default/,
    );
    // The local server the process started itself may use it (npm start without configuration).
    const local = new StripeProvider({ ...options, localServer: true });
    expect(local.parseWebhook(Buffer.from(payload), local.signForTest(payload))).toMatchObject({ objectId: 'ch_x' });
  });
});

describe('a processor that cannot be asked', () => {
  it('answers 503 without applying or closing the event; the processor’s retry applies it', async () => {
    let slow = false;
    const server = await slowStripe((req) => (slow && req.method === 'GET' ? 1000 : 0));
    servers.push(server);
    const stripe = await testStripe({ server, timeoutMs: 300, maxNetworkRetries: 0 });
    const s = await setup(stripe);
    const b = await s.book();
    // Captured in the processor's dashboard; the platform hears of it by webhook.
    await stripe.capture(b.payment.processorId, b.payment.authorisedFen, `dashboard-capture-${b.id}`);
    const payload = event('charge.captured', { id: b.payment.processorId, object: 'charge' }, `evt_retry_${b.id}`);
    slow = true;
    const first = await s.send(payload);
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'unavailable', retryable: true });
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment.status).toBe('authorised');
    expect(await s.t.db.value('SELECT outcome FROM processor_events WHERE id = ?', [`evt_retry_${b.id}`])).toBeNull();
    await new Promise((r) => setTimeout(r, 800)); // the late answer is gone
    slow = false;
    const retry = await s.send(payload);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ replayed: false, outcome: 'capture recorded' });
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment).toMatchObject({
      status: 'captured',
      capturedFen: b.payment.authorisedFen,
    });
    expect((await s.send(payload)).body).toMatchObject({ replayed: true });
  });
});

describe('the server as `npm start` runs it', () => {
  const quiet = { SEED_INSTRUMENTS: '50', RECOVERY_INTERVAL_SECONDS: '0', RECONCILE_AT: 'off', REMIND_AT: 'off' };
  /** An event signed with the public development secret, as anyone could sign it. */
  const deliver = (baseUrl: string) => {
    const payload = event('charge.captured', { id: 'ch_not_there', object: 'charge' });
    const signer = new StripeProvider({ secretKey: TEST_STRIPE_KEY, webhookSecret: DEVELOPMENT_WEBHOOK_SECRET });
    return fetch(`${baseUrl}/api/v1/payments/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signer.signForTest(payload) },
      body: payload,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { outcome?: string } }));
  };

  it('takes the development secret from the local Stripe server it started, in its workers too', async () => {
    const server = await startServer({ env: { ...quiet, WORKERS: '2' } });
    try {
      for (let i = 0; i < 3; i++) {
        expect(await deliver(server.baseUrl)).toMatchObject({
          status: 200,
          body: { outcome: 'ignored: the processor has no such charge' },
        });
      }
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('refuses it with another processor, even when the environment claims that one is local', async () => {
    const { url } = await localStripe();
    const server = await startServer({
      env: { ...quiet, STRIPE_API_BASE: url, STRIPE_SECRET_KEY: TEST_STRIPE_KEY, ISP_LOCAL_STRIPE_URL: url },
    });
    try {
      expect((await deliver(server.baseUrl)).status).toBe(400);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
