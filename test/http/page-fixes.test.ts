/**
 * The booking's answer names the rate card item it is priced by (计价项目), in both languages: the item it
 * was quoted on (from the terms kept with the order, so a later change of the card changes nothing), and for
 * orders without kept terms (the demo's history) the item completion prices them by on today's card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { approveListings } from '../support/listing.ts';
import { testSchedule } from '../support/schedule.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
let t: TestApp;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let instrumentId: number;
let items: Record<string, number>;

const at = (local: string) => `${local}+08:00`;
const hours: [string, string][] = [['09:00', '17:00']];
const item = (unit: 'hour' | 'sample', labelZh: string, labelEn: string | null, enterpriseFen: number) => ({
  unit,
  labelZh,
  labelEn,
  internalFen: enterpriseFen / 2,
  academicFen: (enterpriseFen * 3) / 4,
  enterpriseFen,
});
const card = (cardItems: ReturnType<typeof item>[]) => ({
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 50,
  offHoursSurchargePercent: 0,
  notes: null,
  items: cardItems,
});

async function publish(cardItems: ReturnType<typeof item>[]) {
  const res = await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: card(cardItems) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await approveListings(t, { instrumentIds: [instrumentId] });
  const now = (await lab.get(`/api/v1/instruments/${instrumentId}`)).body.rateCard as {
    items: { id: number; labelZh: string }[];
  };
  items = Object.fromEntries(now.items.map((i) => [i.labelZh, i.id]));
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 60, clock: fixedClock(NOW) });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  const schedule = testSchedule({
    weeklyHours: { '1': hours, '2': hours, '3': hours, '4': hours, '5': hours },
    maxBookingMinutes: 480,
  });
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(schedule)).status).toBe(200);
  await publish([
    item('hour', '测试费（按小时）', 'Testing (per hour)', 60000),
    item('hour', '高分辨率机时', null, 120000),
    item('sample', '常规测试', 'Routine test', 30000),
  ]);
});
afterAll(() => t.close());

describe('the rate item of a booking', () => {
  let bookingId: number;

  it('is named in the answer of the request, of the booking and of the list', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T11:00:00'),
      rateItemId: items['测试费（按小时）'],
      purpose: '形貌表征',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    bookingId = res.body.id;
    const expected = {
      id: items['测试费（按小时）'],
      name: '测试费（按小时）',
      nameEn: 'Testing (per hour)',
      unit: 'hour',
      unitFen: 60000,
    };
    expect(res.body.rateItem).toEqual(expected);
    const one = await researcher.get(`/api/v1/bookings/${bookingId}`);
    expect(one.status).toBe(200);
    expect(one.body.rateItem).toEqual(expected);
    const asLab = await lab.get(`/api/v1/bookings/${bookingId}`);
    expect(asLab.body.rateItem).toEqual(expected);
    const list = await lab.get(`/api/v1/bookings?instrumentId=${instrumentId}&limit=50`);
    expect(list.status).toBe(200);
    const row = (list.body.items as { id: number; rateItem: unknown }[]).find((b) => b.id === bookingId);
    expect(row?.rateItem).toEqual(expected);
  });

  it('names the other hourly item when that one was booked; an item without English has none', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-04T09:00:00'),
      end: at('2026-12-04T10:00:00'),
      rateItemId: items['高分辨率机时'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rateItem).toEqual({
      id: items['高分辨率机时'],
      name: '高分辨率机时',
      nameEn: null,
      unit: 'hour',
      unitFen: 120000,
    });
  });

  it('keeps the name it was quoted with after the lab edits its card', async () => {
    await publish([item('hour', '常规机时（新）', 'Standard hour (new)', 90000)]);
    const one = await researcher.get(`/api/v1/bookings/${bookingId}`);
    expect(one.body.rateItem).toMatchObject({ name: '测试费（按小时）', nameEn: 'Testing (per hour)', unitFen: 60000 });
  });

  it('names the card’s item for an order kept without terms (the first of its unit unless it named one)', async () => {
    await t.db.run('UPDATE bookings SET price_snapshot = NULL, rate_item_id = NULL WHERE id = ?', [bookingId]);
    const one = await researcher.get(`/api/v1/bookings/${bookingId}`);
    expect(one.body.rateItem).toEqual({
      id: items['常规机时（新）'],
      name: '常规机时（新）',
      nameEn: 'Standard hour (new)',
      unit: 'hour',
      unitFen: 90000,
    });
  });

  it('is declared in the OpenAPI document', async () => {
    const doc = (await researcher.get('/api/openapi.json')).body as { components?: unknown };
    expect(JSON.stringify(doc)).toContain('"rateItem"');
  });
});
