/**
 * Payments under faults: a crash just before or just after a processor call, a processor that
 * answers too late, and webhooks (forged, replayed, money moved at the processor directly). After
 * each, the recovery pass or the webhook leaves every fen accounted for and nothing charged twice.
 */
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/booking.service.ts';
import type { CheckoutFaults } from '../../server/modules/checkout/checkout.service.ts';
import type { LocalStripe } from '../../server/modules/payments/local-stripe.ts';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { advanceForStep } from '../support/lifecycle.ts';
import { chargesOfPayment, expectMoneyInvariants } from '../support/money.ts';
import { localStripe, slowStripe, TEST_STRIPE_KEY, testStripe } from '../support/stripe.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const opened: { t: TestApp; server?: LocalStripe }[] = [];

/** A fresh app; `faults` plays crashes, `stripe` may be a slow processor. */
async function setup(options: { faults?: CheckoutFaults; stripe?: StripeProvider } = {}) {
  const clock = fixedClock(NOW);
  const stripe = options.stripe ?? (await testStripe());
  const t = await createTestApp({ instruments: 200, clock, payments: stripe, checkoutFaults: options.faults });
  opened.push({ t });
  const researcher = await signIn(t.app, 'researcher@demo.test');
  const lab = await signIn(t.app, 'lab@demo.test');
  const labOrg = (await t.db.value(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`)) as number;
  const instrumentId = (await t.db.value(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY i.id LIMIT 1`,
    [labOrg],
  )) as number;
  await lab
    .put(`/api/v1/instruments/${instrumentId}/schedule`)
    .send({ timeZone: 'Asia/Shanghai', ...DEFAULT_SCHEDULE, approvalRequired: true });
  let day = 3;
  const book = (extra: Record<string, unknown> = {}, key = `k-${Math.random().toString(36).slice(2)}`) => {
    const date = `2026-12-0${day++}`;
    return researcher
      .post('/api/v1/bookings')
      .set('Idempotency-Key', key)
      .send({
        instrumentId,
        mode: 'machine_time',
        start: `${date}T09:00:00+08:00`,
        end: `${date}T11:00:00+08:00`,
        useVoucher: true,
        paymentToken: 'tok_visa',
        ...extra,
      });
  };
  const payment = async () =>
    (await t.db.get(`SELECT * FROM payments ORDER BY id DESC LIMIT 1`)) as {
      id: number;
      booking_id: number;
      status: string;
      charge_id: string | null;
      pending_action: string | null;
    };
  const status = async (bookingId: number) =>
    (await t.db.value(`SELECT status FROM bookings WHERE id = ?`, [bookingId])) as string;
  const useStatus = async (bookingId: number) =>
    (await t.db.value(`SELECT status FROM voucher_uses WHERE booking_id = ?`, [bookingId])) as string;
  return { t, clock, stripe, researcher, lab, book, payment, status, useStatus, services: servicesOf(t.app) };
}

afterEach(async () => {
  for (const { t } of opened) await expectMoneyInvariants(t.db);
});
afterAll(async () => {
  for (const { t, server } of opened) {
    await t.close();
    await server?.close();
  }
});

class SimulatedCrash extends Error {}

describe('a crash between the processor and the local write', () => {
  it('after the authorisation: recovery finds the charge and finishes the checkout, charging once', async () => {
    let crash = true;
    const s = await setup({
      faults: {
        afterProcessorCall: (step) => {
          if (step === 'authorise' && crash) throw new SimulatedCrash('process died');
        },
      },
    });
    const res = await s.book();
    expect(res.status).toBe(500);
    const p = await s.payment();
    expect(p.status).toBe('authorising');
    expect(await s.status(p.booking_id)).toBe('pending_payment'); // holds the time, not confirmed
    crash = false;
    const result = await s.services.maintenance({ minAgeMs: 0 });
    expect(result).toMatchObject({ finished: 1, undone: 0 });
    expect(await s.payment()).toMatchObject({ status: 'authorised' });
    expect(await s.status(p.booking_id)).toBe('requested');
    expect(await s.useStatus(p.booking_id)).toBe('reserved');
    expect(await chargesOfPayment(s.stripe, s.t.db, p.id)).toHaveLength(1);
  });

  it('before the processor was reached: after the give-up time, recovery undoes it and nothing is charged', async () => {
    let crash = true;
    const s = await setup({
      faults: {
        beforeProcessorCall: () => {
          if (crash) throw new SimulatedCrash('process died');
        },
      },
    });
    expect((await s.book()).status).toBe(500);
    const p = await s.payment();
    s.clock.advance(11 * 60_000); // older than the 10 minutes an unconfirmed authorisation may stay open
    crash = false;
    expect(await s.services.maintenance({ minAgeMs: 0 })).toMatchObject({ finished: 0, undone: 1 });
    expect((await s.payment()).status).toBe('failed');
    expect(await s.status(p.booking_id)).toBe('payment_failed');
    expect(await s.useStatus(p.booking_id)).toBe('released');
    expect(await chargesOfPayment(s.stripe, s.t.db, p.id)).toHaveLength(0);
  });

  it('after a capture: recovery records it once; the processor captured once', async () => {
    let crash = false;
    const s = await setup({
      faults: {
        afterProcessorCall: (step) => {
          if (step === 'capture' && crash) throw new SimulatedCrash('process died');
        },
      },
    });
    const b = (await s.book()).body;
    for (const action of ['approve', 'check-in']) {
      advanceForStep(s.clock, b, action); // check-in at the booked start
      await s.lab.post(`/api/v1/bookings/${b.id}/${action}`).send({});
    }
    crash = true;
    const done = await s.lab.post(`/api/v1/bookings/${b.id}/complete`).send({ actualMinutes: 90 });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed'); // the service happened; the capture is owed
    expect(await s.payment()).toMatchObject({ status: 'authorised', pending_action: 'capture' });
    crash = false;
    expect(await s.services.maintenance({ minAgeMs: 0 })).toMatchObject({ settled: 1 });
    const after = (await s.researcher.get(`/api/v1/bookings/${b.id}`)).body;
    expect(after.payment.status).toBe('captured');
    const charge = await s.stripe.retrieve(after.payment.processorId);
    expect(charge!.capturedFen).toBe(after.payment.capturedFen);
    expect(after.finalPrice.totalFen).toBe(after.voucherUse.postedFen + after.payment.capturedFen);
  });
});

describe('a processor that answers too late', () => {
  it('answers 503, keeps the slot held, and finishes on a retry with the same key — one charge', async () => {
    let slowCharges = true;
    const server = await slowStripe((req) =>
      slowCharges && req.method === 'POST' && req.url === '/v1/charges' ? 1500 : 0,
    );
    const stripe = await testStripe({ server, timeoutMs: 400, maxNetworkRetries: 0 });
    const s = await setup({ stripe });
    opened[opened.length - 1]!.server = server;
    const res = await s.book({}, 'slow-processor-key');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'unavailable', retryable: true });
    const p = await s.payment();
    expect(await s.status(p.booking_id)).toBe('pending_payment');
    await new Promise((r) => setTimeout(r, 1800)); // the processor did it, late
    slowCharges = false;
    const retry = await s.book({}, 'slow-processor-key');
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body).toMatchObject({ id: p.booking_id, status: 'requested', payment: { status: 'authorised' } });
    expect(await chargesOfPayment(stripe, s.t.db, p.id)).toHaveLength(1);
  });

  it('or the recovery pass finishes it when nobody retries', async () => {
    const server = await slowStripe((req) => (req.method === 'POST' && req.url === '/v1/charges' ? 1200 : 0));
    const stripe = await testStripe({ server, timeoutMs: 300, maxNetworkRetries: 0 });
    const s = await setup({ stripe });
    opened[opened.length - 1]!.server = server;
    expect((await s.book()).status).toBe(503);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await s.services.maintenance({ minAgeMs: 0 })).toMatchObject({ finished: 1 });
    expect(await chargesOfPayment(stripe, s.t.db, (await s.payment()).id)).toHaveLength(1);
  });
});

describe('webhooks', () => {
  async function event(type: string, object: unknown, id = `evt_${Math.random().toString(36).slice(2)}`) {
    return JSON.stringify({ id, object: 'event', type, api_version: '2026-10-28', created: 1, data: { object } });
  }
  async function rawCharge(id: string) {
    const server = await localStripe();
    const res = await fetch(`${server.url}/v1/charges/${id}`, {
      headers: { authorization: `Bearer ${TEST_STRIPE_KEY}` },
    });
    return res.json();
  }
  const send = (s: Awaited<ReturnType<typeof setup>>, payload: string, signature?: string) =>
    request(s.t.app)
      .post('/api/v1/payments/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', signature ?? s.stripe.signForTest(payload))
      .send(payload);

  it('refuses a forged signature and stores nothing', async () => {
    const s = await setup();
    const payload = await event('charge.refunded', { id: 'ch_x', object: 'charge' });
    const res = await send(s, payload, 't=1,v1=deadbeef');
    expect(res.status).toBe(400);
    const unsigned = await request(s.t.app).post('/api/v1/payments/stripe/webhook').send(payload);
    expect(unsigned.status).toBe(400);
    expect(await s.t.db.value('SELECT COUNT(*) FROM processor_events')).toBe(0);
  });

  it('records a refund made at the processor directly, once, however often the event comes', async () => {
    const s = await setup();
    const b = (await s.book()).body;
    for (const action of ['approve', 'check-in', 'complete']) {
      advanceForStep(s.clock, b, action); // check-in at the start, completion at the end
      expect((await s.lab.post(`/api/v1/bookings/${b.id}/${action}`).send({})).status).toBe(200);
    }
    const captured = (await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment;
    // Someone refunds ¥10 in the processor's dashboard; the platform hears of it by webhook.
    await s.stripe.refund(captured.processorId, 1000, `dashboard-refund-${b.id}`);
    const payload = await event('charge.refunded', await rawCharge(captured.processorId), 'evt_refund_1');
    const first = await send(s, payload);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ replayed: false, outcome: 'refunds recorded' });
    const replay = await send(s, payload);
    expect(replay.body).toMatchObject({ replayed: true });
    const after = (await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment;
    expect(after).toMatchObject({ status: 'partially_refunded', refundedFen: 1000 });
    const transfers = await s.t.db.value(
      `SELECT COUNT(*) FROM ledger_transfers WHERE code = 'card_refund' AND booking_id = ?`,
      [b.id],
    );
    expect(transfers).toBe(1);
  });

  it('applies a capture made at the processor, and records a dispute against the platform', async () => {
    const s = await setup();
    const b = (await s.book({ paymentToken: 'tok_createDispute' })).body;
    await s.stripe.capture(b.payment.processorId, b.payment.authorisedFen, `dashboard-capture-${b.id}`);
    const captured = await send(s, await event('charge.captured', await rawCharge(b.payment.processorId)));
    expect(captured.body.outcome).toBe('capture recorded');
    expect((await s.researcher.get(`/api/v1/bookings/${b.id}`)).body.payment.status).toBe('captured');
    // The card's bank disputes the charge; the processor takes the money back and tells us.
    const { dispute: disputeId } = (await rawCharge(b.payment.processorId)) as { dispute: string };
    const dispute = await send(
      s,
      await event('charge.dispute.created', { id: disputeId, object: 'dispute', charge: b.payment.processorId }),
    );
    expect(dispute.body.outcome).toBe(`dispute of ${b.payment.authorisedFen} fen recorded`);
    const platform = await s.t.db.value(`SELECT debits_posted_fen FROM ledger_accounts WHERE code = 'platform'`);
    expect(platform).toBe(b.payment.authorisedFen);
    const unknown = await send(
      s,
      await event('charge.refunded', { id: 'ch_not_ours', object: 'charge', metadata: {} }),
    );
    expect(unknown.body.outcome).toBe('ignored: the processor has no such charge');
  });
});
