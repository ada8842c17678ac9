/**
 * Whole checkout scenarios against the real app, a real SQLite file and the real local Stripe
 * server: voucher split, card authorisation, capture of a lower final price, cancellation,
 * no-show, declines, processor errors, idempotent retries, webhooks — and the money invariants
 * after each.
 */
import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { thenBack, walkAtTheirTimes } from '../support/lifecycle.ts';
import { testSchedule } from '../support/schedule.ts';
import { chargesOfPayment, expectMoneyInvariants } from '../support/money.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let stripe: StripeProvider;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let finance: Awaited<ReturnType<typeof signIn>>;
let instruments: number[];

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const at = (local: string) => `${local}+08:00`;

const SCHEDULE = testSchedule({ noShowChargePercent: 50 });

let slotDay = 2; // each booking takes its own weekday morning on its own instrument
function nextSlot(hours = 2) {
  const d = new Date(Date.UTC(2026, 11, 1 + slotDay));
  slotDay++;
  if ([0, 6].includes(d.getUTCDay())) return nextSlot(hours);
  const day = d.toISOString().slice(0, 10);
  return { start: at(`${day}T09:00:00`), end: at(`${day}T${String(9 + hours).padStart(2, '0')}:00:00`) };
}
let instrumentIndex = 0;
const nextInstrument = () => instruments[instrumentIndex++ % instruments.length]!;

function book(body: Record<string, unknown>, key?: string, agent = researcher) {
  const r = agent.post('/api/v1/bookings');
  if (key) r.set('Idempotency-Key', key);
  return r.send({ instrumentId: nextInstrument(), mode: 'machine_time', purpose: '材料表征', ...nextSlot(), ...body });
}

/** The lab's steps, each at its time (check-in at the start, completion at the end); the clock then goes back. */
const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);

const myQuota = async () => (await researcher.get('/api/v1/vouchers')).body.items[0];

beforeAll(async () => {
  stripe = await testStripe();
  // Bookings take a weekday each, weeks ahead; the lab's steps move the clock there (sign-ins must last).
  t = await createTestApp({ instruments: 300, clock, payments: stripe, sessionTtlHours: 24 * 90 });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  const labOrg = (
    await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`)
  ).organisation_id;
  instruments = (await t.db.column(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY i.id LIMIT 8`,
    [labOrg],
  )) as number[];
  for (const id of instruments) {
    expect((await lab.put(`/api/v1/instruments/${id}/schedule`).send(SCHEDULE)).status).toBe(200);
  }
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('the voucher split', () => {
  it('shows the enterprise its quota in the demo programme', async () => {
    const res = await researcher.get('/api/v1/vouchers');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    const quota = res.body.items[0];
    expect(quota.usedFen).toBeGreaterThan(0); // last month's demo jobs
    // Held: the demo's booking next week, paid by transfer and not yet received.
    const held = await one<{ fen: number }>(
      `SELECT COALESCE(SUM(reserved_fen), 0) AS fen FROM voucher_uses WHERE quota_id = ? AND status = 'reserved'`,
      quota.id,
    );
    expect(quota.availableFen).toBe(quota.capFen - quota.usedFen - quota.reservedFen);
    expect(quota).toMatchObject({
      capFen: 5_000_000,
      reservedFen: Number(held.fen),
      status: 'active',
      useBy: '2027-06-30',
      settlementMode: 'deduct',
    });
    expect((await lab.get('/api/v1/vouchers')).status).toBe(403);
  });

  it('quotes 40% for a 济南 enterprise, rounded down to the fen, and says the ratio set it', async () => {
    const slot = nextSlot(3);
    const res = await researcher
      .post('/api/v1/quotes')
      .send({ instrumentId: instruments[0], mode: 'machine_time', ...slot, useVoucher: true });
    expect(res.status).toBe(200);
    const { totalFen, voucherFen, selfPayFen, limitedBy } = res.body.price;
    expect(voucherFen).toBe(Math.floor((totalFen * 40) / 100));
    expect(selfPayFen).toBe(totalFen - voucherFen);
    expect(limitedBy).toBe('ratio');
    expect(res.body.voucher).toMatchObject({ ratioPercent: 40, settlementMode: 'deduct' });
    const without = await researcher
      .post('/api/v1/quotes')
      .send({ instrumentId: instruments[0], mode: 'machine_time', ...slot });
    expect(without.body.price).toMatchObject({ totalFen, voucherFen: 0, selfPayFen: totalFen, limitedBy: null });
  });
});

describe('paying with voucher and card', () => {
  it('authorises the self-pay share, then captures a lower final price and posts the voucher share of it', async () => {
    const before = await myQuota();
    const res = await book({ useVoucher: true, paymentToken: 'tok_visa' }, 'pay-lower-final-1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const b = res.body;
    expect(b.status).toBe('requested');
    expect(b.paymentMethod).toBe('card');
    expect(b.price.voucherFen).toBe(Math.floor((b.price.totalFen * 40) / 100));
    expect(b.payment).toMatchObject({ status: 'authorised', authorisedFen: b.price.selfPayFen, capturedFen: 0 });
    expect(b.voucherUse).toMatchObject({ status: 'reserved', reservedFen: b.price.voucherFen, postedFen: null });
    const held = await stripe.retrieve(b.payment.processorId);
    expect(held).toMatchObject({ amountFen: b.price.selfPayFen, captured: false, status: 'succeeded' });
    expect((await myQuota()).reservedFen).toBe(before.reservedFen + b.price.voucherFen);

    // The job took 60 of the 120 minutes booked: the final price is lower.
    const done = await walk(b.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    expect(done.status).toBe('completed');
    const final = done.finalPrice.totalFen;
    expect(final).toBeLessThan(b.price.totalFen);
    const voucher = Math.floor((final * 40) / 100);
    expect(done.voucherUse).toMatchObject({ status: 'posted', postedFen: voucher });
    expect(done.payment).toMatchObject({ status: 'captured', capturedFen: final - voucher });
    expect(done.finalPrice).toMatchObject({ voucherFen: voucher, selfPayFen: final - voucher });
    const charge = await stripe.retrieve(b.payment.processorId);
    expect(charge).toMatchObject({ captured: true, capturedFen: final - voucher });
    const after = await myQuota();
    expect(after).toMatchObject({ reservedFen: before.reservedFen, usedFen: before.usedFen + voucher });
    expect(after.availableFen).toBe(before.availableFen - voucher);
  });

  it('never takes more voucher than it reserved when the final price is higher; the card pays up to its hold', async () => {
    const res = await book({ useVoucher: true, paymentToken: 'tok_mastercard' });
    expect(res.status).toBe(201);
    const b = res.body;
    const done = await walk(b.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 180 }]);
    expect(done.voucherUse.postedFen).toBe(b.voucherUse.reservedFen);
    expect(done.payment.capturedFen).toBeLessThanOrEqual(b.payment.authorisedFen);
    expect(done.finalPrice.totalFen).toBe(done.voucherUse.postedFen + done.payment.capturedFen);
    if (done.finalPrice.lines.some((l: { kind: string }) => l.kind === 'waived')) {
      expect(done.payment.capturedFen).toBe(b.payment.authorisedFen);
    }
  });

  it('releases the card hold and the voucher share when the researcher cancels', async () => {
    const before = await myQuota();
    const b = (await book({ useVoucher: true, paymentToken: 'tok_visa' })).body;
    const res = await researcher.post(`/api/v1/bookings/${b.id}/cancel`).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', payment: { status: 'released', capturedFen: 0 } });
    expect(res.body.voucherUse).toMatchObject({ status: 'released', postedFen: 0 });
    const charge = await stripe.retrieve(b.payment.processorId);
    expect(charge).toMatchObject({ captured: false, refundedFen: charge!.amountFen });
    expect(await myQuota()).toMatchObject({ reservedFen: before.reservedFen, availableFen: before.availableFen });
  });

  it('releases everything when the lab rejects', async () => {
    const b = (await book({ useVoucher: true, paymentToken: 'tok_visa' })).body;
    const res = await lab.post(`/api/v1/bookings/${b.id}/reject`).send({ reason: '仪器维护' });
    expect(res.status).toBe(200);
    expect(res.body.payment.status).toBe('released');
    expect(res.body.voucherUse.status).toBe('released');
  });

  it('charges the no-show fee of the instrument’s terms and releases the voucher share', async () => {
    const b = (await book({ useVoucher: true, paymentToken: 'tok_visa' })).body;
    const done = await walk(b.id, ['approve'], ['no-show']);
    const fee = Math.min(Math.floor((b.price.totalFen * 50) / 100), b.payment.authorisedFen);
    expect(done.status).toBe('no_show');
    expect(done.voucherUse.status).toBe('released');
    expect(done.payment).toMatchObject({ status: 'captured', capturedFen: fee });
    expect(done.finalPrice).toMatchObject({ totalFen: fee, voucherFen: 0 });
  });

  it('refuses check-in, no-show and completion before their time, moving no money, and allows each at its time', async () => {
    const b = (await book({ useVoucher: true, paymentToken: 'tok_visa' })).body;
    expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
    const start = Date.parse(b.start);
    const end = Date.parse(b.end);
    const transfers = () => t.db.value('SELECT count(*) FROM ledger_transfers WHERE booking_id = ?', [b.id]);
    const ledgerBefore = await transfers();
    const nothingMoved = async () => {
      const now = (await researcher.get(`/api/v1/bookings/${b.id}`)).body;
      expect(now.status).toBe('approved');
      expect(now.payment).toMatchObject({
        status: 'authorised',
        authorisedFen: b.payment.authorisedFen,
        capturedFen: 0,
      });
      expect(now.voucherUse).toMatchObject({
        status: 'reserved',
        reservedFen: b.voucherUse.reservedFen,
        postedFen: null,
      });
      expect(now.finalPrice).toBeNull();
      expect(await stripe.retrieve(b.payment.processorId)).toMatchObject({ captured: false, refundedFen: 0 });
      expect(await transfers()).toBe(ledgerBefore);
    };

    // Days before the start (the clock is at NOW): nothing the lab does moves money.
    const checkIn = await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({});
    expect(checkIn.status).toBe(409);
    expect(checkIn.body).toMatchObject({
      code: 'conflict',
      currentStatus: 'approved',
      reason: 'too_early',
      allowedFrom: start - 30 * 60_000,
      allowedUntil: end,
    });
    expect(checkIn.body.detail).toMatch(/^尚未到签到时间：预约开始前 30 分钟起可签到（\d{4}-\d\d-\d\d 08:30 起）$/);
    const noShow = await lab.post(`/api/v1/bookings/${b.id}/no-show`).send({});
    expect(noShow.status).toBe(409);
    expect(noShow.body).toMatchObject({
      currentStatus: 'approved',
      reason: 'too_early',
      allowedFrom: start + 15 * 60_000,
    });
    const complete = await lab.post(`/api/v1/bookings/${b.id}/complete`).send({ actualMinutes: 60 });
    expect(complete.status).toBe(409); // not checked in
    expect(complete.body.currentStatus).toBe('approved');
    await nothingMoved();
    const view = (await lab.get(`/api/v1/bookings/${b.id}`)).body;
    expect(view.actions).toMatchObject({
      checkIn: { allowed: false, reason: 'too_early', from: expect.stringMatching(/T08:30:00\+08:00$/), until: b.end },
      noShow: { allowed: false, reason: 'too_early', from: expect.stringMatching(/T09:15:00\+08:00$/) },
      complete: { allowed: false, reason: 'status' },
    });
    expect(view.actions.noShow.feeFen).toBe(
      Math.min(Math.floor((b.price.totalFen * 50) / 100), b.payment.authorisedFen),
    );

    await thenBack(clock, async () => {
      clock.set(start - 31 * 60_000); // a minute before check-in opens
      expect((await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({})).status).toBe(409);
      clock.set(start + 14 * 60_000); // the user is late, within the grace
      const late = await lab.post(`/api/v1/bookings/${b.id}/no-show`).send({});
      expect(late.status).toBe(409);
      expect(late.body.allowedFrom).toBe(start + 15 * 60_000);
      await nothingMoved();
      clock.set(start + 15 * 60_000);
      const open = (await lab.get(`/api/v1/bookings/${b.id}`)).body.actions;
      expect(open).toMatchObject({ checkIn: { allowed: true, reason: null }, noShow: { allowed: true } });
      // The user came after all: checked in (late, before the end), then completed.
      const inProgress = await lab.post(`/api/v1/bookings/${b.id}/check-in`).send({});
      expect(inProgress.body.status).toBe('in_progress');
      expect(inProgress.body.actions.complete).toMatchObject({ allowed: true });
      expect((await lab.post(`/api/v1/bookings/${b.id}/no-show`).send({})).body.currentStatus).toBe('in_progress');
      clock.set(start + 60 * 60_000);
      const done = await lab.post(`/api/v1/bookings/${b.id}/complete`).send({ actualMinutes: 60 });
      expect(done.status).toBe(200);
      expect(done.body.payment.status).toBe('captured');
      expect(done.body.voucherUse.status).toBe('posted');
    });
  });

  it('lets the lab refund part of a captured payment, once per request, recorded in the ledger', async () => {
    const b = (await book({ paymentToken: 'tok_visa' })).body;
    expect(b.voucherUse).toBeNull();
    const done = await walk(b.id, ['approve'], ['check-in'], ['complete']);
    expect(done.payment.capturedFen).toBe(done.finalPrice.totalFen);
    const res = await lab.post(`/api/v1/bookings/${b.id}/refund`).send({ amountFen: 1000, reason: '报告延迟' });
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({ status: 'partially_refunded', refundedFen: 1000 });
    expect((await stripe.retrieve(b.payment.processorId))!.refundedFen).toBe(1000);
    const tooMuch = await lab.post(`/api/v1/bookings/${b.id}/refund`).send({ amountFen: 10_000_000, reason: 'x' });
    expect(tooMuch.status).toBe(400);
    expect((await researcher.post(`/api/v1/bookings/${b.id}/refund`).send({ amountFen: 1, reason: 'x' })).status).toBe(
      403,
    );
  });

  it('without a card, pays by bank transfer against a payment notice, still splitting the voucher', async () => {
    const b = (await book({ useVoucher: true })).body;
    expect(b).toMatchObject({ status: 'requested', paymentMethod: 'bank_transfer', payment: null });
    const done = await walk(b.id, ['approve'], ['check-in'], ['complete']);
    // No invoice transfer: the notice asks for the final self-pay share; receipts go through the ledger.
    expect(await t.db.value(`SELECT COUNT(*) FROM ledger_transfers WHERE id = ?`, [`booking:${b.id}:invoice`])).toBe(0);
    const notice = (await researcher.get(`/api/v1/bookings/${b.id}/payment-notice`)).body;
    expect(notice).toMatchObject({ status: 'open', receivedFen: 0 });
    expect(notice.amountFen).toBe(done.finalPrice.totalFen - done.voucherUse.postedFen);
  });
});

describe('declines and processor failures', () => {
  it.each([
    ['tok_chargeDeclined', 'generic_decline'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ])('answers 402 for %s with the decline code, makes no booking and holds no voucher', async (token, code) => {
    const before = await myQuota();
    const count = (await researcher.get('/api/v1/bookings?limit=100')).body.items.length;
    const res = await book({ useVoucher: true, paymentToken: token }, `declined-${token}`);
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ code: 'payment_required', declineCode: code, bookingCreated: false });
    expect((await researcher.get('/api/v1/bookings?limit=100')).body.items.length).toBe(count);
    expect(await myQuota()).toMatchObject({ reservedFen: before.reservedFen, availableFen: before.availableFen });
    // The same request again answers the same.
    const again = await book({ useVoucher: true, paymentToken: token }, `declined-${token}`);
    expect(again.status).toBe(402);
    expect(again.body.declineCode).toBe(code);
  });

  it('answers 503 on a processor error, undoes the checkout, and lets the same key try again', async () => {
    const before = await myQuota();
    const slot = nextSlot();
    const instrumentId = nextInstrument();
    const res = await book({ instrumentId, ...slot, useVoucher: true, paymentToken: 'tok_500' }, 'processor-500-key');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'unavailable', charged: false });
    expect(await myQuota()).toMatchObject({ reservedFen: before.reservedFen });
    // The slot is free again and the key may be used for the retry.
    const retry = await book(
      { instrumentId, ...slot, useVoucher: true, paymentToken: 'tok_visa' },
      'processor-500-key',
    );
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.body.payment.status).toBe('authorised');
  });

  it('returns the first answer for a retried request and charges once', async () => {
    const body = { instrumentId: nextInstrument(), ...nextSlot(), useVoucher: true, paymentToken: 'tok_visa' };
    const first = await book(body, 'same-request-twice');
    const second = await book(body, 'same-request-twice');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    const paymentId = (await one<{ id: number }>(`SELECT id FROM payments WHERE booking_id = ?`, first.body.id)).id;
    expect(await chargesOfPayment(stripe, t.db, paymentId)).toHaveLength(1);
  });
});

describe('bad input changes nothing', () => {
  it('refuses a voucher with a related provider, a programme not yet open, or another enterprise’s quota', async () => {
    const other = await signIn(t.app, 'researcher2@demo.test'); // related to 山东大学
    const sdu = (
      await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = 'lab2@demo.test'`)
    ).organisation_id;
    const sduInstrument = (
      await one<{ id: number }>(
        `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' LIMIT 1`,
        sdu,
      )
    ).id;
    const bookings = (await one<{ n: number }>(`SELECT COUNT(*) AS n FROM bookings`)).n;
    const related = await other
      .post('/api/v1/bookings')
      .set('Accept-Language', 'en')
      .send({ instrumentId: sduInstrument, mode: 'machine_time', ...nextSlot(), useVoucher: true });
    expect(related.status).toBe(400);
    expect(related.body.detail).toMatch(/related/);
    const foreignQuota = (
      await one<{ id: number }>(
        `SELECT q.id FROM voucher_quotas q JOIN users u ON u.organisation_id = q.enterprise_id WHERE u.email = 'researcher3@demo.test'`,
      )
    ).id;
    const foreign = await book({ useVoucher: true, quotaId: foreignQuota, paymentToken: 'tok_visa' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].path).toBe('body.quotaId');
    expect((await one<{ n: number }>(`SELECT COUNT(*) AS n FROM bookings`)).n).toBe(bookings);
  });

  it.each([
    ['a negative budget', { budgetFen: -1 }],
    ['a fractional cap', { enterpriseYearCapFen: 100.5 }],
    ['a ratio over 100%', { ratioRules: { basePercent: 101, byCity: {}, sameCityTopUpPercent: 0 } }],
    ['a city ratio over 100%', { ratioRules: { basePercent: 40, byCity: { '370100': 120 }, sameCityTopUpPercent: 0 } }],
    ['a cap below zero', { orderCapFen: -100 }],
    ['use-by before the start', { startsOn: '2026-06-01', useBy: '2026-05-01' }],
    ['claim-by before use-by', { claimBy: '2027-05-30' }],
    ['an unknown city', { ratioRules: { basePercent: 40, byCity: { '999999': 50 }, sameCityTopUpPercent: 0 } }],
  ])('refuses a programme with %s', async (_what, change) => {
    const programmes = (await one<{ n: number }>(`SELECT COUNT(*) AS n FROM voucher_programmes`)).n;
    const res = await admin.post('/api/v1/voucher-programmes').send({ ...programmeInput(), ...change });
    expect(res.status).toBe(400);
    expect(res.body.errors?.length).toBeGreaterThan(0);
    expect((await one<{ n: number }>(`SELECT COUNT(*) AS n FROM voucher_programmes`)).n).toBe(programmes);
  });

  it('lets only admins run programmes, certification and quotas', async () => {
    expect((await researcher.post('/api/v1/voucher-programmes').send(programmeInput())).status).toBe(403);
    expect((await lab.get('/api/v1/voucher-quotas')).status).toBe(403);
    expect((await finance.get('/api/v1/voucher-quotas')).status).toBe(200);
    expect((await request(t.app).get('/api/v1/ledger/accounts')).status).toBe(401);
    expect((await researcher.get('/api/v1/ledger/transfers')).status).toBe(403);
  });
});

describe('programmes, caps and settlement modes', () => {
  it('limits a share by the order cap, the quota and the budget, and says which', async () => {
    const p = (
      await admin
        .post('/api/v1/voucher-programmes')
        .send(programmeInput({ orderCapFen: 10_000, budgetFen: 22_000, enterpriseYearCapFen: 20_000 }))
    ).body;
    expect(p.budgetAvailableFen).toBe(22_000);
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const q = await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId, capFen: 15_000 });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    const quote = async () =>
      (
        await researcher.post('/api/v1/quotes').send({
          instrumentId: instruments[0],
          mode: 'machine_time',
          ...nextSlot(3),
          useVoucher: true,
          quotaId: q.body.id,
        })
      ).body.price;
    expect(await quote()).toMatchObject({ voucherFen: 10_000, limitedBy: 'order_cap' });
    const first = await book({ useVoucher: true, quotaId: q.body.id, paymentToken: 'tok_visa', ...nextSlot(3) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.price.voucherFen).toBe(10_000);
    expect(await quote()).toMatchObject({ voucherFen: 5_000, limitedBy: 'quota' });
    // Another enterprise takes most of the budget.
    const other = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher3@demo.test'`)
    ).id;
    const q3 = (
      await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId: other, capFen: 20_000 })
    ).body;
    const r3 = await signIn(t.app, 'researcher3@demo.test');
    const third = await r3.post('/api/v1/bookings').send({
      instrumentId: nextInstrument(),
      mode: 'machine_time',
      ...nextSlot(3),
      useVoucher: true,
      quotaId: q3.id,
      paymentToken: 'tok_visa',
    });
    expect(third.status, JSON.stringify(third.body)).toBe(201);
    expect(third.body.price.voucherFen).toBe(10_000);
    expect(await quote()).toMatchObject({ voucherFen: 2_000, limitedBy: 'budget' });
    const programme = (await admin.get(`/api/v1/voucher-programmes/${p.id}`)).body;
    expect(programme).toMatchObject({ budgetReservedFen: 20_000, budgetAvailableFen: 2_000 });
  });

  it('in reimburse mode charges the card the whole price and records the share as claimable', async () => {
    const p = (await admin.post('/api/v1/voucher-programmes').send(programmeInput({ settlementMode: 'reimburse' })))
      .body;
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const q = (await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId, capFen: 100_000 }))
      .body;
    const b = (await book({ useVoucher: true, quotaId: q.id, paymentToken: 'tok_visa' })).body;
    expect(b.price).toMatchObject({ voucherFen: 0, selfPayFen: b.price.totalFen });
    expect(b.payment.authorisedFen).toBe(b.price.totalFen);
    const done = await walk(b.id, ['approve'], ['check-in'], ['complete']);
    expect(done.payment.capturedFen).toBe(done.finalPrice.totalFen);
    expect(done.voucherUse).toMatchObject({
      status: 'posted',
      settlementMode: 'reimburse',
      postedFen: Math.floor((done.finalPrice.totalFen * 40) / 100),
    });
    const claimable = (await finance.get(`/api/v1/ledger/accounts?kind=enterprise_receivable`)).body.items;
    expect(claimable.find((a: { programmeId: number }) => a.programmeId === p.id).balanceFen).toBe(
      done.voucherUse.postedFen,
    );
  });

  it('refuses vouchers from a programme that has not started, and quotas above the enterprise cap', async () => {
    const later = (
      await admin
        .post('/api/v1/voucher-programmes')
        .send(programmeInput({ year: 2027, startsOn: '2027-01-01', useBy: '2027-12-31', claimBy: '2028-03-31' }))
    ).body;
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const tooBig = await admin
      .post('/api/v1/voucher-quotas')
      .send({ programmeId: later.id, enterpriseId, capFen: later.enterpriseYearCapFen + 1 });
    expect(tooBig.status).toBe(400);
    const q = (await admin.post('/api/v1/voucher-quotas').send({ programmeId: later.id, enterpriseId, capFen: 1000 }))
      .body;
    expect(q.status).toBe('not_started');
    const res = await book({ useVoucher: true, quotaId: q.id, paymentToken: 'tok_visa' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('programme_not_started');
  });

  it('refuses a service after the use-by date, even with quota left', async () => {
    const p = (
      await admin
        .post('/api/v1/voucher-programmes')
        .send(programmeInput({ useBy: '2026-12-10', claimBy: '2027-01-31' }))
    ).body;
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const q = (await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId, capFen: 100_000 }))
      .body;
    const res = await book({
      useVoucher: true,
      quotaId: q.id,
      start: at('2026-12-14T09:00:00'),
      end: at('2026-12-14T11:00:00'),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('programme_ended');
  });

  it('needs a justification for an out-of-province provider, where the programme allows them at all', async () => {
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const grant = async (allowOutOfProvince: boolean) => {
      const p = (
        await admin.post('/api/v1/voucher-programmes').send(programmeInput({ province: '江苏省', allowOutOfProvince }))
      ).body;
      return (await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId, capFen: 100_000 }))
        .body;
    };
    const closed = await grant(false);
    const refused = await book({ useVoucher: true, quotaId: closed.id, justification: '省内无同类仪器' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toBe('out_of_province');
    const open = await grant(true);
    const unjustified = await book({ useVoucher: true, quotaId: open.id });
    expect(unjustified.status).toBe(400);
    const justified = await book({
      useVoucher: true,
      quotaId: open.id,
      justification: '省内无同类仪器，需外省检测',
      paymentToken: 'tok_visa',
    });
    expect(justified.status, JSON.stringify(justified.body)).toBe(201);
    expect(
      (await one<{ j: string }>(`SELECT justification AS j FROM voucher_uses WHERE booking_id = ?`, justified.body.id))
        .j,
    ).toBe('省内无同类仪器，需外省检测');
  });

  it('shares the controller group’s cap between the enterprises of one controller', async () => {
    const group = (await admin.post('/api/v1/controller-groups').send({ name: '测试集团', controller: '张某' })).body;
    const ids = await Promise.all(
      ['researcher@demo.test', 'researcher3@demo.test'].map(
        async (email) =>
          (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = ?`, email)).id,
      ),
    );
    for (const id of ids) {
      const res = await admin.put(`/api/v1/enterprises/${id}/certification`).send({
        certificateNo: `2026370TEST${id}`,
        certifiedOn: '2026-01-10',
        expiresOn: '2027-12-31',
        controllerGroupId: group.id,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.certification.controllerGroup.id).toBe(group.id);
    }
    const p = (await admin.post('/api/v1/voucher-programmes').send(programmeInput({ groupYearCapFen: 12_000 }))).body;
    const [q1, q3] = await Promise.all(
      ids.map(
        async (enterpriseId) =>
          (await admin.post('/api/v1/voucher-quotas').send({ programmeId: p.id, enterpriseId, capFen: 10_000 })).body,
      ),
    );
    const first = await book({ useVoucher: true, quotaId: q1.id, paymentToken: 'tok_visa' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.price).toMatchObject({ voucherFen: 10_000, limitedBy: 'quota' });
    const r3 = await signIn(t.app, 'researcher3@demo.test');
    const quote = await r3
      .post('/api/v1/quotes')
      .send({ instrumentId: instruments[0], mode: 'machine_time', ...nextSlot(3), useVoucher: true, quotaId: q3.id });
    expect(quote.body.price).toMatchObject({ voucherFen: 2_000, limitedBy: 'group_cap' });
  });

  it('revokes a quota: what is left goes back, nothing more can be used', async () => {
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher3@demo.test'`)
    ).id;
    const quota = await one<{ id: number }>(
      `SELECT id FROM voucher_quotas WHERE enterprise_id = ? ORDER BY id LIMIT 1`,
      enterpriseId,
    );
    const res = await admin.post(`/api/v1/voucher-quotas/${quota.id}/revoke`).send({ reason: '虚假申报' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', availableFen: 0 });
    expect((await admin.post(`/api/v1/voucher-quotas/${quota.id}/revoke`).send({ reason: 'again' })).status).toBe(409);
  });
});

describe('the ledger', () => {
  it('lists accounts and transfers for finance, with filters and pages', async () => {
    const accounts = await finance.get('/api/v1/ledger/accounts?kind=quota');
    expect(accounts.status).toBe(200);
    expect(accounts.body.items.length).toBeGreaterThan(0);
    expect(accounts.body.items.every((a: { kind: string }) => a.kind === 'quota')).toBe(true);
    const page1 = await finance.get('/api/v1/ledger/transfers?limit=5');
    expect(page1.body.items).toHaveLength(5);
    const page2 = await finance.get(`/api/v1/ledger/transfers?limit=5&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const holds = await finance.get('/api/v1/ledger/transfers?code=voucher_reserve&state=pending');
    expect(holds.body.items.every((x: { code: string; state: string }) => x.code === 'voucher_reserve')).toBe(true);
    // The whole book's check is the province's (a city office reads its city's part only).
    expect((await finance.get('/api/v1/ledger/check')).status).toBe(403);
    const check = await admin.get('/api/v1/ledger/check');
    expect(check.body).toMatchObject({ balanced: true, mismatches: [] });
  });

  it('keeps transfers immutable', async () => {
    await expect(t.db.run(`UPDATE ledger_transfers SET amount_fen = amount_fen + 1`)).rejects.toThrow(/immutable/);
    await expect(t.db.run(`DELETE FROM ledger_transfers`)).rejects.toThrow(/immutable/);
  });
});

function programmeInput(change: Record<string, unknown> = {}) {
  return {
    name: `测试创新券 ${Math.random().toString(36).slice(2, 7)}`,
    province: '山东省',
    year: 2026,
    settlementMode: 'deduct',
    ratioRules: { basePercent: 40, byCity: { '371300': 60 }, sameCityTopUpPercent: 0 },
    enterpriseYearCapFen: 50_000_000,
    budgetFen: 100_000_000,
    startsOn: '2026-01-01',
    useBy: '2027-06-30',
    claimBy: '2027-09-30',
    ...change,
  };
}
