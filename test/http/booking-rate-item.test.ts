/**
 * A booking that names one of several rate card items of its unit is priced by that item from the quote to the
 * final price at completion, and the settlement's published-price check compares with that item. The booking keeps
 * a snapshot of the terms it was quoted on: a card edited after the order (new prices, the item removed) changes
 * neither its final price nor its published-price check. An item the lab keeps (same unit and name) keeps its id
 * through edits of the card.
 */
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
let instrumentId: number;
/** The card's item ids, by label. */
let items: Record<string, number>;

const at = (local: string) => `${local}+08:00`;
const hours: [string, string][] = [['09:00', '17:00']];

const SCHEDULE = testSchedule({
  weeklyHours: { '1': hours, '2': hours, '3': hours, '4': hours, '5': hours },
  maxBookingMinutes: 480,
});

const item = (unit: 'hour' | 'sample', labelZh: string, enterpriseFen: number) => ({
  unit,
  labelZh,
  labelEn: null,
  internalFen: enterpriseFen / 2,
  academicFen: (enterpriseFen * 3) / 4,
  enterpriseFen,
});
const STANDARD = item('hour', '常规机时', 80000); // ¥800/h for enterprises (the demo researcher's kind)
const HIGH_RES = item('hour', '高分辨率机时', 120000); // ¥1,200/h
const ROUTINE = item('sample', '常规测试', 30000); // ¥300 per sample
const FULL = item('sample', '全谱分析', 50000); // ¥500 per sample

const rateCard = (cardItems: ReturnType<typeof item>[]) => ({
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 50,
  offHoursSurchargePercent: 0,
  notes: null,
  items: cardItems,
});

async function publish(cardItems: ReturnType<typeof item>[]) {
  const res = await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: rateCard(cardItems) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // A lab's price change goes through listing review (入网审核): the platform admin approves it.
  await approveListings(t, { instrumentIds: [instrumentId] });
  const card = (await lab.get(`/api/v1/instruments/${instrumentId}`)).body.rateCard as {
    items: { id: number; labelZh: string }[];
  };
  items = Object.fromEntries(card.items.map((i) => [i.labelZh, i.id]));
}

/** The lab's steps, each at its time (check-in at the start, completion at the end); the clock then goes back. */
const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);

const machineTime = (hoursUsed: number, unitFen: number) => ({
  kind: 'machine_time',
  label: '机时',
  quantity: hoursUsed,
  unitFen,
  amountFen: hoursUsed * unitFen,
});
const samples = (count: number, unitFen: number) => ({
  kind: 'samples',
  label: '送样检测',
  quantity: count,
  unitFen,
  amountFen: count * unitFen,
});

const storedItem = async (bookingId: number) =>
  (await t.db.value('SELECT rate_item_id FROM bookings WHERE id = ?', [bookingId])) as number | null;

/** The lab claims this month's voucher uses; the published-price check of one booking's line. */
async function publishedPriceCheck(bookingId: number) {
  const programmeId = (await t.db.value('SELECT programme_id FROM voucher_uses WHERE booking_id = ?', [
    bookingId,
  ])) as number;
  const res = await lab
    .post('/api/v1/settlement-batches')
    .set('Accept-Language', 'en')
    .send({ programmeId, month: '2026-12' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const batches = [res.body, ...(res.body.siblings ?? [])] as { id: number }[];
  for (const b of batches) {
    const view = b === res.body ? res.body : (await lab.get(`/api/v1/settlement-batches/${b.id}`)).body;
    const line = (view.lines as { bookingId: number; checks: { name: string; ok: boolean; detail: string }[] }[]).find(
      (l) => l.bookingId === bookingId,
    );
    if (line) return line.checks.find((c) => c.name === 'published_price')!;
  }
  throw new Error(`booking ${bookingId} is in no batch`);
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(SCHEDULE)).status).toBe(200);
  await publish([STANDARD, HIGH_RES, ROUTINE, FULL]);
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('a booking that names the second hourly item', () => {
  let bookingId: number;

  it('is quoted, booked and finally priced at that item’s price', async () => {
    const body = {
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T11:00:00'),
      rateItemId: items['高分辨率机时'],
    };
    const quote = await researcher.post('/api/v1/quotes').send(body);
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body.price.lines).toEqual([machineTime(2, 120000)]);

    const res = await researcher.post('/api/v1/bookings').send({ ...body, purpose: '高分辨率成像', useVoucher: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.lines).toEqual([machineTime(2, 120000)]);
    bookingId = res.body.id;
    expect(await storedItem(bookingId)).toBe(items['高分辨率机时']);

    // Ran 90 minutes: 1.5 h at ¥1,200, not at the first item's ¥800.
    const done = await walk(bookingId, ['approve'], ['check-in'], ['complete', { actualMinutes: 90 }]);
    expect(done.status).toBe('completed');
    expect(done.finalPrice.lines).toEqual([machineTime(1.5, 120000)]);
    expect(done.finalPrice.totalFen).toBe(180000);
    expect(done.finalPrice.voucherFen + done.finalPrice.selfPayFen).toBe(180000);
  });

  it('passes the settlement’s published-price check against that item', async () => {
    const check = await publishedPriceCheck(bookingId);
    expect(check.ok, check.detail).toBe(true);
    expect(check.detail).toBe('¥1,200.00 per hour = published ¥1,200.00');
  });

  it('works for sample jobs too', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'sample',
      sampleCount: 3,
      purpose: '全谱',
      rateItemId: items['全谱分析'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.lines).toEqual([samples(3, 50000)]);
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualSamples: 4 }]);
    expect(done.finalPrice.lines).toEqual([samples(4, 50000)]);
  });

  it('is priced by the first item of the unit when no item was named (unchanged)', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T13:00:00'),
      end: at('2026-12-03T14:00:00'),
      purpose: '常规',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await storedItem(res.body.id)).toBeNull();
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    expect(done.finalPrice.lines).toEqual([machineTime(1, 80000)]);
  });

  it('refuses an item of another unit or an unknown one with 400', async () => {
    const book = (rateItemId: number) =>
      researcher.post('/api/v1/bookings').send({
        instrumentId,
        mode: 'machine_time',
        start: at('2026-12-04T09:00:00'),
        end: at('2026-12-04T10:00:00'),
        rateItemId,
      });
    for (const id of [items['全谱分析']!, 99999999]) {
      const res = await book(id);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'body.rateItemId' })]);
    }
  });
});

describe('when the lab edits its card and the booked item stays on it', () => {
  it('keeps the item’s id; the job completes at the price it was ordered at, not the new one', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-08T09:00:00'),
      end: at('2026-12-08T11:00:00'),
      purpose: '高分辨率成像',
      rateItemId: items['高分辨率机时'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const booked = items['高分辨率机时'];

    // New prices and a reordered card: the same service under the same name is the same item.
    await publish([ROUTINE, { ...HIGH_RES, enterpriseFen: 150000 }, STANDARD, FULL]);
    expect(items['高分辨率机时']).toBe(booked);

    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 120 }]);
    expect(done.finalPrice.lines).toEqual([machineTime(2, 120000)]);
    await publish([STANDARD, HIGH_RES, ROUTINE, FULL]);
    expect(items['高分辨率机时']).toBe(booked);
  });
});

describe('when the lab removed the booked item before completion', () => {
  it('completes at the price the order was quoted, and the published-price check compares with that', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-07T09:00:00'),
      end: at('2026-12-07T11:00:00'),
      purpose: '高分辨率成像',
      rateItemId: items['高分辨率机时'],
      useVoucher: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.lines).toEqual([machineTime(2, 120000)]);
    const booked = items['高分辨率机时'];

    await publish([STANDARD, ROUTINE]); // the high-resolution service is withdrawn
    expect(items['高分辨率机时']).toBeUndefined();
    expect(await storedItem(res.body.id)).toBe(booked); // still what was booked

    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 120 }]);
    expect(done.status).toBe('completed');
    expect(done.finalPrice.lines).toEqual([machineTime(2, 120000)]);
    expect(done.finalPrice.totalFen).toBe(240000);

    // The settlement check compares with the price published when the order was made (its snapshot).
    const check = await publishedPriceCheck(res.body.id);
    expect(check.ok, check.detail).toBe(true);
    expect(check.detail).toBe('¥1,200.00 per hour = published ¥1,200.00');
  });
});
