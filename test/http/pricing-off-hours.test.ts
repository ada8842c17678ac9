/**
 * The off-hours surcharge (非工作时间附加费) end to end: the lab sets it on the rate card and opens evening and
 * weekend hours; quotes, bookings and the final price at completion charge it on the off-hours share of the
 * machine time (weekends, holidays, before 08:00 and after 18:00 on working days, in the instrument's zone).
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { approveListings } from '../support/listing.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { testSchedule } from '../support/schedule.ts';
import { expectMoneyInvariants } from '../support/money.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let instrumentId: number;

const at = (local: string) => `${local}+08:00`;
const evenings: [string, string][] = [['08:00', '21:00']];

const SCHEDULE = testSchedule({
  weeklyHours: { '1': evenings, '2': evenings, '3': evenings, '4': evenings, '5': evenings, '6': [['09:00', '17:00']] },
  maxBookingMinutes: 480,
});

/** ¥800/h for enterprises (the demo researcher's organisation is one), 20 % off-hours, 50 % urgent. */
const rateCard = (offHoursSurchargePercent: number) => ({
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 50,
  offHoursSurchargePercent,
  notes: null,
  items: [
    {
      unit: 'hour',
      labelZh: '机时',
      labelEn: 'Machine hour',
      internalFen: 40000,
      academicFen: 60000,
      enterpriseFen: 80000,
    },
  ],
});

const machineTime = (hours: number, fen: number) => ({
  kind: 'machine_time',
  label: '机时',
  quantity: hours,
  unitFen: 80000,
  amountFen: fen,
});
const offHours = (hours: number, fen: number) => ({
  kind: 'off_hours_surcharge',
  label: '非工作时间附加费',
  quantity: hours,
  unitFen: 16000, // 20 % of ¥800/h
  amountFen: fen,
});

const quote = (start: string, end: string, more: Record<string, unknown> = {}) =>
  researcher
    .post('/api/v1/quotes')
    .send({ instrumentId, mode: 'machine_time', start: at(start), end: at(end), ...more });

/** The lab's steps, each at its time (check-in at the start, completion at the end); the clock then goes back. */
const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);

beforeAll(async () => {
  // The lab's steps move the clock to the booked days, up to two weeks ahead: sign-ins must last.
  t = await createTestApp({ instruments: 300, clock, sessionTtlHours: 24 * 30 });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  const card = await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: rateCard(20) });
  expect(card.status, JSON.stringify(card.body)).toBe(200);
  // A lab's price change goes through listing review (入网审核): the platform admin approves it.
  await approveListings(t, { instrumentIds: [instrumentId] });
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(SCHEDULE)).status).toBe(200);
  // Friday 2026-12-11 a holiday, Sunday 2026-12-13 a make-up working day (an admin's calendar edit).
  const holiday = { kind: 'off', nameZh: '测试假日', nameEn: 'Test holiday' };
  expect((await admin.put('/api/v1/holidays/2026-12-11').send(holiday)).status).toBe(200);
  const workday = { kind: 'workday', nameZh: '测试调休上班', nameEn: 'Test make-up workday' };
  expect((await admin.put('/api/v1/holidays/2026-12-13').send(workday)).status).toBe(200);
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('the published terms', () => {
  it('show the surcharge the lab set', async () => {
    const res = await request(t.app).get(`/api/v1/instruments/${instrumentId}`);
    expect(res.status).toBe(200);
    expect(res.body.rateCard).toMatchObject({ offHoursSurchargePercent: 20 });
  });
});

describe('quotes', () => {
  it.each([
    // Thursday 17:00–19:00: the hour after 18:00 → ¥1,600 + 20 % of ¥800
    ['a weekday evening', '2026-12-03T17:00:00', '2026-12-03T19:00:00', [machineTime(2, 160000), offHours(1, 16000)]],
    // Saturday 09:00–12:00: all of it
    ['a Saturday', '2026-12-05T09:00:00', '2026-12-05T12:00:00', [machineTime(3, 240000), offHours(3, 48000)]],
    // Thursday 07:00–09:00 is outside the hours but quotes need no slot: the hour before 08:00
    [
      'a weekday early morning',
      '2026-12-03T07:00:00',
      '2026-12-03T09:00:00',
      [machineTime(2, 160000), offHours(1, 16000)],
    ],
    ['weekday office hours', '2026-12-03T09:00:00', '2026-12-03T11:00:00', [machineTime(2, 160000)]],
    [
      'a holiday (Friday 2026-12-11)',
      '2026-12-11T09:00:00',
      '2026-12-11T11:00:00',
      [machineTime(2, 160000), offHours(2, 32000)],
    ],
    ['a make-up working Sunday (2026-12-13)', '2026-12-13T09:00:00', '2026-12-13T11:00:00', [machineTime(2, 160000)]],
  ])('charge %s', async (_name, start, end, lines) => {
    const res = await quote(start, end);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.userType).toBe('enterprise');
    expect(res.body.price.lines).toEqual(lines);
    expect(res.body.price.totalFen).toBe(lines.reduce((s, l) => s + l.amountFen, 0));
  });

  it('add the surcharge beside the urgent one, and split the voucher on the whole total', async () => {
    const res = await quote('2026-12-03T17:00:00', '2026-12-03T19:00:00', { urgent: true, useVoucher: true });
    expect(res.status).toBe(200);
    const urgent = { kind: 'urgent_surcharge', label: '加急附加费', quantity: 0.5, unitFen: 160000, amountFen: 80000 };
    expect(res.body.price.lines).toEqual([machineTime(2, 160000), urgent, offHours(1, 16000)]);
    const { totalFen, voucherFen, selfPayFen } = res.body.price;
    expect(totalFen).toBe(256000);
    expect(voucherFen).toBe(Math.floor((totalFen * 40) / 100)); // a 济南 enterprise: 40 %
    expect(selfPayFen).toBe(totalFen - voucherFen);
  });

  it('refuse bad input with 400, not 500', async () => {
    expect((await quote('2026-12-03T19:00:00', '2026-12-03T17:00:00')).status).toBe(400);
    expect((await quote('2026-12-03T17:00:00', '2026-12-03T19:00:00', { offHoursMinutes: 0 })).status).toBe(400);
    // longer than the instrument can be booked (8 h here): refused at once, not counted day by day to 9999
    const long = await quote('2026-12-03T09:00:00', '9999-12-31T09:00:00');
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([expect.objectContaining({ path: 'body.end', message: 'too_long' })]);
  });
});

describe('bookings and their final price', () => {
  it('book an evening at the quoted price, and price the final from the minutes actually used', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T17:00:00'),
      end: at('2026-12-03T19:00:00'),
      purpose: '夜间测试',
      useVoucher: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.lines).toEqual([machineTime(2, 160000), offHours(1, 16000)]);
    expect(res.body.price.totalFen).toBe(176000);

    // Ran until 19:30: 150 minutes from the booked start, 90 of them after 18:00.
    // ¥2,000 for 2.5 h; 20 % of ¥2,000 × 90/150 = ¥240.
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 150 }]);
    expect(done.status).toBe('completed');
    expect(done.finalPrice.lines).toEqual([machineTime(2.5, 200000), offHours(1.5, 24000)]);
    expect(done.finalPrice.totalFen).toBe(224000);
    expect(done.finalPrice.voucherFen + done.finalPrice.selfPayFen).toBe(224000);
  });

  it('drop the surcharge when the time used ends before 18:00', async () => {
    // The make-up working Sunday: open with Monday's hours, and a working day for the surcharge.
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-13T17:00:00'),
      end: at('2026-12-13T19:00:00'),
      purpose: '调休日测试',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.lines).toEqual([machineTime(2, 160000), offHours(1, 16000)]);
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    expect(done.finalPrice.lines).toEqual([machineTime(1, 80000)]);
    expect(done.finalPrice.totalFen).toBe(80000);
  });

  it('charge a Saturday booking in full', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-05T13:00:00'),
      end: at('2026-12-05T15:00:00'),
      purpose: '周末测试',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.totalFen).toBe(192000);
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', {}]); // as booked
    expect(done.finalPrice.lines).toEqual([machineTime(2, 160000), offHours(2, 32000)]);
  });
});

describe('a card at 0 %', () => {
  it('prices off-hours like any other time', async () => {
    const card = await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: rateCard(0) });
    expect(card.status).toBe(200);
    await approveListings(t, { instrumentIds: [instrumentId] });
    const res = await quote('2026-12-05T09:00:00', '2026-12-05T12:00:00');
    expect(res.body.price.lines).toEqual([machineTime(3, 240000)]);
    expect(res.body.price.totalFen).toBe(240000);
  });
});
