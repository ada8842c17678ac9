/**
 * A sample job says what its samples are (样品名称, 样品类型), their hazards (危险特性) and how they reach
 * the lab (寄送 / 自送); the booking keeps them and the lab reads them on the request, together with the
 * instrument's address and contact. Wrong values answer 400 with the field's path and book nothing;
 * machine time takes none of them. The OpenAPI document declares the fields.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { testSchedule } from '../support/schedule.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
let t: TestApp;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let instrumentId: number;

const SAMPLE = {
  sampleName: '钛合金切片',
  sampleType: 'solid',
  sampleHazards: ['none'],
  sampleDelivery: 'courier',
} as const;

const count = async () => Number(await t.db.value('SELECT count(*) FROM bookings'));

beforeAll(async () => {
  t = await createTestApp({ instruments: 50, clock: fixedClock(NOW) });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  // Samples need a per-sample price: the card gets one next to its hourly items.
  const card = (await lab.get(`/api/v1/instruments/${instrumentId}`)).body.rateCard as Record<string, unknown> & {
    items: Record<string, unknown>[];
  };
  if (!card.items.some((i) => i.unit === 'sample')) {
    await t.db.run(
      `INSERT INTO rate_card_items (instrument_id, unit, label_zh, label_en, internal_fen, academic_fen, enterprise_fen)
       VALUES (?, 'sample', '常规测试', 'Routine test', 10000, 15000, 20000)`,
      [instrumentId],
    );
  }
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
});
afterAll(() => t.close());

describe('a sample job with its sample details', () => {
  let bookingId: number;

  it('is booked with them and answers them back', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'sample',
      sampleCount: 4,
      ...SAMPLE,
      sampleHazards: ['corrosive', 'toxic'],
      purpose: '成分分析',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    bookingId = res.body.id;
    expect(res.body.sampleCount).toBe(4);
    expect(res.body.sample).toEqual({
      name: '钛合金切片',
      type: 'solid',
      hazards: ['corrosive', 'toxic'],
      delivery: 'courier',
    });
    const row = (await t.db.get('SELECT sample_name, sample_type, sample_delivery FROM bookings WHERE id = ?', [
      bookingId,
    ])) as Record<string, unknown>;
    expect(row).toEqual({ sample_name: '钛合金切片', sample_type: 'solid', sample_delivery: 'courier' });
  });

  it('shows the lab the details, the address and the contact on the request', async () => {
    const one = await lab.get(`/api/v1/bookings/${bookingId}`);
    expect(one.status).toBe(200);
    expect(one.body.sample).toEqual({
      name: '钛合金切片',
      type: 'solid',
      hazards: ['corrosive', 'toxic'],
      delivery: 'courier',
    });
    const record = (await t.db.get(
      'SELECT address, contact_name AS "contactName", contact_phone AS "contactPhone", contact_email AS "contactEmail" FROM instruments WHERE id = ?',
      [instrumentId],
    )) as Record<string, string | null>;
    expect(one.body.instrument.location).toEqual(record);
    const list = await lab.get(`/api/v1/bookings?instrumentId=${instrumentId}`);
    expect(list.status).toBe(200);
    const inList = (list.body.items as { id: number; sample: unknown }[]).find((b) => b.id === bookingId);
    expect(inList?.sample).toEqual(one.body.sample);
    // The requester sees them too.
    expect((await researcher.get(`/api/v1/bookings/${bookingId}`)).body.sample.delivery).toBe('courier');
  });

  it('keeps a sample job without details working (sample: null)', async () => {
    const res = await researcher.post('/api/v1/bookings').send({ instrumentId, mode: 'sample', sampleCount: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sample).toBeNull();
  });

  it('gives machine time sample: null', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: '2026-12-03T09:00:00+08:00',
      end: '2026-12-03T10:00:00+08:00',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sample).toBeNull();
  });
});

describe('bad sample details', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['an unknown type', { sampleType: 'slime' }, 'body.sampleType'],
    ['an unknown delivery', { sampleDelivery: 'drone' }, 'body.sampleDelivery'],
    ['an unknown hazard', { sampleHazards: ['cursed'] }, 'body.sampleHazards.0'],
    ['no hazard at all', { sampleHazards: [] }, 'body.sampleHazards'],
    ['"none" with a hazard', { sampleHazards: ['none', 'toxic'] }, 'body.sampleHazards'],
    ['a hazard twice', { sampleHazards: ['toxic', 'toxic'] }, 'body.sampleHazards'],
    ['a blank name', { sampleName: '   ' }, 'body.sampleName'],
    ['a name too long', { sampleName: '样'.repeat(201) }, 'body.sampleName'],
    ['a name that is not text', { sampleName: 42 }, 'body.sampleName'],
  ];
  for (const [what, change, path] of cases) {
    it(`answers 400 for ${what} and books nothing`, async () => {
      const before = await count();
      const res = await researcher
        .post('/api/v1/bookings')
        .send({ instrumentId, mode: 'sample', sampleCount: 2, ...SAMPLE, ...change });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('validation');
      expect((res.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
      expect(await count()).toBe(before);
    });
  }

  it('refuses sample details on machine time (booking and quote)', async () => {
    const before = await count();
    const body = {
      instrumentId,
      mode: 'machine_time',
      start: '2026-12-04T09:00:00+08:00',
      end: '2026-12-04T10:00:00+08:00',
      sampleDelivery: 'in_person',
    };
    for (const path of ['/api/v1/bookings', '/api/v1/quotes']) {
      const res = await researcher.post(path).set('Accept-Language', 'en').send(body);
      expect(res.status, path).toBe(400);
      expect(res.body.errors).toEqual([{ path: 'body.sampleDelivery', message: 'not allowed' }]);
    }
    expect(await count()).toBe(before);
  });
});

describe('the API reference', () => {
  it('declares the sample fields on the request and the answer', async () => {
    const doc = (await request(t.app).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    const create = JSON.stringify(doc.paths['/api/v1/bookings']!.post!.requestBody);
    for (const field of ['sampleName', 'sampleType', 'sampleHazards', 'sampleDelivery'])
      expect(create).toContain(field);
    expect(create).toContain('in_person');
    expect(create).toContain('thin_film');
    const answer = JSON.stringify(doc);
    expect(answer).toContain('"location"');
    expect(answer).toContain('"delivery"');
  });
});
