/**
 * Input that used to end in a 500: a malformed percent-encoding in the path, and a price times a
 * quantity past Number.MAX_SAFE_INTEGER. Both are the client's 400 (application/problem+json) and
 * change nothing.
 */
import request from 'supertest';
import type { Param } from '../../db/port.ts';
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

const count = async (sql: string, ...params: Param[]) => ((await t.db.get(sql, params)) as { n: number }).n;

const card = (enterpriseFen: number) => ({
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 300,
  offHoursSurchargePercent: 0,
  notes: null,
  items: [
    { unit: 'sample', labelZh: '常规测试', labelEn: null, internalFen: 1, academicFen: 1, enterpriseFen },
    { unit: 'hour', labelZh: '机时', labelEn: null, internalFen: 1, academicFen: 1, enterpriseFen },
  ],
});

beforeAll(async () => {
  t = await createTestApp({ instruments: 200, clock: fixedClock(NOW) });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  const rules = testSchedule({ approvalRequired: true });
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(rules)).status).toBe(200);
});
afterAll(() => t.close());

describe('a malformed path', () => {
  it.each(['/api/v1/instruments/%E0%A4%A', '/api/v1/bookings/%E0%A4%A/report', '/api/v1/instruments/%'])(
    '%s is a 400 problem, not a 500',
    async (url) => {
      const res = await request(t.app).get(url).set('Accept-Language', 'en');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'validation' });
      expect(JSON.stringify(res.body)).not.toMatch(/URIError|at .*\.js/);
    },
  );

  it('says so in Chinese by default', async () => {
    const res = await request(t.app).get('/api/v1/instruments/%E0%A4%A');
    expect(res.body.detail).toBe('请求地址的百分号编码有误');
  });
});

describe('prices and quantities that would not be exact integers', () => {
  it('refuses a rate card price above ¥1,000,000 a unit, writing nothing', async () => {
    const before = (await lab.get(`/api/v1/instruments/${instrumentId}`)).body.rateCard;
    for (const patch of [
      { rateCard: card(100_000_001) },
      { rateCard: { ...card(100), setupFeeFen: 1e13 } },
      { rateCard: { ...card(100), minimumChargeFen: 1e13 } },
    ]) {
      const res = await lab.patch(`/api/v1/instruments/${instrumentId}`).send(patch);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation');
    }
    expect((await lab.get(`/api/v1/instruments/${instrumentId}`)).body.rateCard).toEqual(before);
  });

  it('prices the largest card and quantity the schemas allow exactly', async () => {
    expect((await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: card(100_000_000) })).status).toBe(
      200,
    );
    // A lab's price change goes through listing review (入网审核): the platform admin approves it.
    await approveListings(t, { instrumentIds: [instrumentId] });
    const quote = await researcher
      .post('/api/v1/quotes')
      .send({ instrumentId, mode: 'sample', sampleCount: 10_000, urgent: true });
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body.price.totalFen).toBe(100_000_000 * 10_000 * 4); // service + 300 % urgent
    expect(
      (await researcher.post('/api/v1/quotes').send({ instrumentId, mode: 'sample', sampleCount: 10_001 })).status,
    ).toBe(400);
  });

  it('answers 400 and books nothing when a card from before the bounds multiplies past 2^53', async () => {
    // A price the schema no longer accepts, as an older version could have stored it.
    await t.db.run('UPDATE rate_card_items SET enterprise_fen = ? WHERE instrument_id = ?', [1e13, instrumentId]);
    const bookings = await count('SELECT count(*) AS n FROM bookings');
    const events = await count('SELECT count(*) AS n FROM booking_events');
    const body = { instrumentId, mode: 'sample', sampleCount: 10_000, urgent: true, purpose: '溢出' };
    const quote = await researcher.post('/api/v1/quotes').set('Accept-Language', 'en').send(body);
    expect(quote.status).toBe(400);
    expect(quote.body).toMatchObject({
      code: 'validation',
      detail: 'the price of this much use is too large to charge',
      errors: [{ path: 'body.sampleCount', message: 'too_large' }],
    });
    const booked = await researcher.post('/api/v1/bookings').set('Idempotency-Key', 'overflow-0001').send(body);
    expect(booked.status).toBe(400);
    expect(booked.body.code).toBe('validation');
    expect(await count('SELECT count(*) AS n FROM bookings')).toBe(bookings);
    expect(await count('SELECT count(*) AS n FROM booking_events')).toBe(events);
  });
});
