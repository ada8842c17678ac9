/**
 * Card holds and the processor's ~7-day authorisation window (CARD_AUTHORISATION). `window`: a booking
 * a month ahead saves the card and holds nothing; the job authorises it 6 days before the service;
 * a declined card there asks the enterprise for a new one (notified; POST /bookings/:id/payment); an
 * unpaid booking is cancelled at its start; a hold older than 6 days is renewed (new hold, old one
 * released). `confirmation`: the self-pay share is captured when the lab confirms, and the excess over
 * the final price refunded at completion. The money invariants hold after each.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/booking.service.ts';
import { AUTHORISATION_WINDOW_MS, OWED_REFUND_REASON } from '../../server/modules/checkout/card-window.ts';
import type { CardAuthorisation } from '../../server/modules/checkout/context.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { chargesOfPayment, expectMoneyInvariants } from '../support/money.ts';
import { testStripe } from '../support/stripe.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const DAY = 24 * 3600_000;
const opened: TestApp[] = [];

async function setup(mode: CardAuthorisation = 'window') {
  const clock = fixedClock(NOW);
  const stripe = await testStripe();
  const t = await createTestApp({
    instruments: 200,
    clock,
    payments: stripe,
    cardAuthorisation: mode,
    sessionTtlHours: 24 * 90,
  });
  opened.push(t);
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
  /** A 2-hour booking `days` days ahead at 09:00 local, paid with `token`. */
  const book = async (days: number, token = 'tok_visa', extra: Record<string, unknown> = {}) => {
    const date = new Date(NOW + days * DAY + 8 * 3600_000).toISOString().slice(0, 10);
    const res = await researcher
      .post('/api/v1/bookings')
      .set('Idempotency-Key', `k-${Math.random().toString(36).slice(2)}`)
      .send({
        instrumentId,
        mode: 'machine_time',
        start: `${date}T09:00:00+08:00`,
        end: `${date}T11:00:00+08:00`,
        useVoucher: true,
        paymentToken: token,
        ...extra,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; start: string; end: string; status: string; payment: { status: string } };
  };
  const payment = async (bookingId: number) => {
    const p = (await t.db.get(`SELECT * FROM payments WHERE booking_id = ?`, [bookingId])) as Record<string, unknown>;
    return {
      id: Number(p.id),
      status: String(p.status),
      chargeId: (p.charge_id as string | null) ?? null,
      customerId: (p.customer_id as string | null) ?? null,
      authoriseAt: p.authorise_at === null ? null : Number(p.authorise_at),
      authorisedAt: p.authorised_at === null ? null : Number(p.authorised_at),
      authorisedFen: Number(p.authorised_fen),
      capturedFen: Number(p.captured_fen),
      refundedFen: Number(p.refunded_fen),
      attempt: Number(p.attempt),
    };
  };
  const job = () => servicesOf(t.app).checkout.cardAuthorisations();
  return { t, clock, stripe, researcher, lab, book, payment, job, instrumentId };
}

afterEach(async () => {
  for (const t of opened) await expectMoneyInvariants(t.db);
});
afterAll(async () => {
  for (const t of opened) await t.close();
});

describe('CARD_AUTHORISATION=window', () => {
  it('saves the card of a booking a month ahead, holds nothing, and authorises it 6 days before the service', async () => {
    const { t, clock, stripe, lab, researcher, book, payment, job } = await setup();
    const b = await book(30);
    expect(b.status).toBe('requested');
    expect(b.payment.status).toBe('scheduled');
    let p = await payment(b.id);
    const start = Date.parse(b.start);
    expect(p).toMatchObject({ status: 'scheduled', chargeId: null, authoriseAt: start - AUTHORISATION_WINDOW_MS });
    expect(p.customerId).toMatch(/^cus_/);
    // Nothing held at the processor, nothing in the ledger.
    expect(await chargesOfPayment(stripe, t.db, p.id)).toEqual([]);
    expect(
      await t.db.value(`SELECT COUNT(*) FROM ledger_transfers WHERE code = 'card_authorise' AND booking_id = ?`, [
        b.id,
      ]),
    ).toBe(0);
    await expectMoneyInvariants(t.db);

    // Before its window the job leaves it.
    clock.set(start - AUTHORISATION_WINDOW_MS - 60_000);
    expect(await job()).toMatchObject({ authorised: 0 });
    expect((await payment(b.id)).status).toBe('scheduled');

    clock.set(start - AUTHORISATION_WINDOW_MS);
    expect(await job()).toMatchObject({ authorised: 1 });
    p = await payment(b.id);
    expect(p).toMatchObject({ status: 'authorised', authorisedAt: clock.now(), authoriseAt: null });
    const charges = await chargesOfPayment(stripe, t.db, p.id);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ id: p.chargeId, captured: false, amountFen: p.authorisedFen });
    // A second run (another node) changes nothing.
    expect(await job()).toMatchObject({ authorised: 0, renewed: 0 });
    expect(await chargesOfPayment(stripe, t.db, p.id)).toHaveLength(1);
    await expectMoneyInvariants(t.db);

    // The service as usual: the hold is captured at completion.
    expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
    clock.set(start);
    expect((await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({})).status).toBe(200);
    clock.set(Date.parse(b.end));
    const done = await lab.post(`/api/v1/bookings/${b.id}/complete`).send({});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.payment.status).toBe('captured');
    expect((await researcher.get(`/api/v1/bookings/${b.id}`)).body.payment.capturedFen).toBe(p.authorisedFen);
  });

  it('asks the enterprise for a new card when the saved one is declined, and the new endpoint completes it', async () => {
    const { t, clock, stripe, researcher, lab, book, payment, job } = await setup();
    // Stripe's test card that can be saved but whose charges are declined.
    const b = await book(20, 'tok_chargeCustomerFail');
    expect((await payment(b.id)).status).toBe('scheduled');
    // Nothing to pay yet: the endpoint refuses, changing nothing.
    const early = await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' });
    expect(early.status).toBe(409);

    clock.set(Date.parse(b.start) - AUTHORISATION_WINDOW_MS);
    expect(await job()).toMatchObject({ authorised: 0, actionRequired: 1 });
    const p = await payment(b.id);
    expect(p.status).toBe('action_required');
    const view = (await researcher.get(`/api/v1/bookings/${b.id}`)).body;
    expect(view.status).toBe('requested'); // still booked until its start
    expect(view.payment).toMatchObject({ status: 'action_required', declineCode: 'generic_decline' });
    const told = (await t.db.all(
      `SELECT n.user_id AS "userId" FROM notifications n WHERE n.type = 'card_payment_required'`,
    )) as { userId: number }[];
    const researcherId = await t.db.value(`SELECT id FROM users WHERE email = 'researcher@demo.test'`);
    expect(told.map((n) => Number(n.userId))).toContain(Number(researcherId));

    // The lab cannot pay for it; bad input changes nothing.
    expect((await lab.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' })).status).toBe(404);
    expect((await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({})).status).toBe(400);
    expect((await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'x' })).status).toBe(400);
    // Another declined card: a 402, still waiting.
    const declined = await researcher
      .post(`/api/v1/bookings/${b.id}/payment`)
      .send({ paymentToken: 'tok_chargeCustomerFail' });
    expect(declined.status).toBe(402);
    expect((await payment(b.id)).status).toBe('action_required');

    const paid = await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.payment.status).toBe('authorised');
    const after = await payment(b.id);
    expect(after.customerId).not.toBe(p.customerId);
    const held = (await chargesOfPayment(stripe, t.db, after.id)).filter((c) => c.status === 'succeeded');
    expect(held.map((c) => c.id)).toEqual([after.chargeId]);
    // Paid twice (a double click): nothing more.
    expect((await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' })).status).toBe(
      409,
    );
  });

  it('cancels a booking whose payment was not completed by its start, giving its voucher share back', async () => {
    const { t, clock, researcher, book, payment, job } = await setup();
    const b = await book(15, 'tok_chargeCustomerFail');
    clock.set(Date.parse(b.start) - AUTHORISATION_WINDOW_MS);
    await job();
    expect((await payment(b.id)).status).toBe('action_required');
    clock.set(Date.parse(b.start) - 60_000);
    expect(await job()).toMatchObject({ cancelled: 0 });
    clock.set(Date.parse(b.start));
    expect(await job()).toMatchObject({ cancelled: 1 });
    const view = (await researcher.get(`/api/v1/bookings/${b.id}`)).body;
    expect(view.status).toBe('cancelled');
    expect(view.payment.status).toBe('released');
    expect(await t.db.value(`SELECT status FROM voucher_uses WHERE booking_id = ?`, [b.id])).toBe('released');
    expect((await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' })).status).toBe(
      409,
    );
  });

  it('renews a hold older than 6 days on the saved card and releases the old one', async () => {
    const { t, clock, stripe, lab, book, payment, job } = await setup();
    const b = await book(22);
    const start = Date.parse(b.start);
    clock.set(start - AUTHORISATION_WINDOW_MS);
    await job();
    const first = await payment(b.id);
    expect(first.status).toBe('authorised');
    // The service is moved a week later (the lab's rescheduling): the hold outlives the window.
    await t.db.run(
      `UPDATE bookings SET start_at = start_at + ?, end_at = end_at + ?, block_start_at = block_start_at + ?,
         block_end_at = block_end_at + ? WHERE id = ?`,
      [7 * DAY, 7 * DAY, 7 * DAY, 7 * DAY, b.id],
    );
    clock.set(first.authorisedAt! + AUTHORISATION_WINDOW_MS - 60_000);
    expect(await job()).toMatchObject({ renewed: 0 });
    clock.set(first.authorisedAt! + AUTHORISATION_WINDOW_MS);
    expect(await job()).toMatchObject({ renewed: 1 });
    const renewed = await payment(b.id);
    expect(renewed).toMatchObject({ status: 'authorised', attempt: 1, authorisedAt: clock.now() });
    expect(renewed.chargeId).not.toBe(first.chargeId);
    const charges = await chargesOfPayment(stripe, t.db, renewed.id);
    const byId = new Map(charges.map((c) => [c.id, c]));
    expect(byId.get(first.chargeId!)).toMatchObject({ captured: false, refundedFen: first.authorisedFen });
    expect(byId.get(renewed.chargeId!)).toMatchObject({ captured: false, refundedFen: 0 });
    await expectMoneyInvariants(t.db);

    // Captured from the new hold at completion.
    const moved = { start: start + 7 * DAY, end: Date.parse(b.end) + 7 * DAY };
    expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
    clock.set(moved.start);
    expect((await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({})).status).toBe(200);
    clock.set(moved.end);
    const done = await lab.post(`/api/v1/bookings/${b.id}/complete`).send({});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.payment).toMatchObject({ status: 'captured', processorId: renewed.chargeId });

    // Reconciliation finds nothing wrong with either charge: the old one released, the new one captured.
    const run = await servicesOf(t.app).reconciliation.run(NOW - DAY, clock.now() + DAY, 'manual', null);
    const refs = [`payment:${renewed.id}`, first.chargeId, renewed.chargeId];
    const findings = (await t.db.all(`SELECT kind, ref FROM reconciliation_findings WHERE run_id = ?`, [run.id])) as {
      kind: string;
      ref: string;
    }[];
    expect(findings.filter((f) => refs.includes(f.ref))).toEqual([]);
  });

  it('turns a hold with no saved card that outlives the window into a payment to complete', async () => {
    const { t, clock, researcher, book, payment, job } = await setup();
    // Near-term: authorised at once, as always (no card saved).
    const b = await book(3);
    const p = await payment(b.id);
    expect(p).toMatchObject({ status: 'authorised', customerId: null, authoriseAt: null });
    // The service is moved a week later: the hold would lapse before it, and there is no card to renew it on.
    await t.db.run(
      `UPDATE bookings SET start_at = start_at + ?, end_at = end_at + ?, block_start_at = block_start_at + ?,
         block_end_at = block_end_at + ? WHERE id = ?`,
      [7 * DAY, 7 * DAY, 7 * DAY, 7 * DAY, b.id],
    );
    clock.set(p.authorisedAt! + AUTHORISATION_WINDOW_MS);
    expect(await job()).toMatchObject({ actionRequired: 1, cancelled: 0 });
    expect(await payment(b.id)).toMatchObject({ status: 'action_required', chargeId: null });
    // The old hold was released and voided in the ledger (the invariants check the rest).
    await expectMoneyInvariants(t.db);
    const paid = await researcher.post(`/api/v1/bookings/${b.id}/payment`).send({ paymentToken: 'tok_visa' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const after = await payment(b.id);
    expect(after).toMatchObject({ status: 'authorised', authorisedAt: clock.now() });
    expect(after.customerId).toMatch(/^cus_/);
    expect(after.chargeId).not.toBe(p.chargeId);
  });
});

describe('CARD_AUTHORISATION=confirmation', () => {
  it('captures the self-pay share when the lab confirms, and refunds the excess at completion', async () => {
    const { t, clock, lab, researcher, book, payment } = await setup('confirmation');
    const b = await book(30);
    // No window to wait for in this mode: authorised at once.
    expect((await payment(b.id)).status).toBe('authorised');
    const approved = await lab.post(`/api/v1/bookings/${b.id}/approve`).send({});
    expect(approved.status).toBe(200);
    expect(approved.body.payment.status).toBe('captured');
    const p = await payment(b.id);
    expect(p.capturedFen).toBe(p.authorisedFen);
    await expectMoneyInvariants(t.db);

    // One hour used of the two booked: the final price is lower, the difference goes back to the card.
    clock.set(Date.parse(b.start));
    expect((await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({})).status).toBe(200);
    clock.set(Date.parse(b.end));
    const done = await lab.post(`/api/v1/bookings/${b.id}/complete`).send({ actualMinutes: 60 });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const after = await payment(b.id);
    const selfPay = done.body.finalPrice.selfPayFen as number;
    expect(selfPay).toBeLessThan(p.capturedFen);
    expect(after.refundedFen).toBe(p.capturedFen - selfPay);
    expect(after.status).toBe('partially_refunded');
    expect(await t.db.value(`SELECT reason FROM payment_refunds WHERE payment_id = ?`, [after.id])).toBe(
      OWED_REFUND_REASON,
    );
    expect((await researcher.get(`/api/v1/bookings/${b.id}`)).body.payment.refundedFen).toBe(p.capturedFen - selfPay);
  });

  it('refunds the whole capture when a confirmed booking is cancelled', async () => {
    const { lab, researcher, book, payment } = await setup('confirmation');
    const b = await book(10);
    expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
    const cancelled = await researcher.post(`/api/v1/bookings/${b.id}/cancel`).send({ reason: 'plans changed' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const p = await payment(b.id);
    expect(p).toMatchObject({ status: 'refunded' });
    expect(p.refundedFen).toBe(p.capturedFen);
  });
});
