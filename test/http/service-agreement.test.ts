/**
 * The service agreement (服务协议): drawn up as a Chinese PDF when the lab confirms a request (or at
 * checkout when no approval is needed), stored with the SHA-256 of its bytes, readable by the parties,
 * finance in scope and admins only, and accepted once by the enterprise naming the hash it read —
 * who, when, from where and with which browser recorded.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/booking.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { expectMoneyInvariants } from '../support/money.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let researcher: Awaited<ReturnType<typeof signIn>>;
let otherEnterprise: Awaited<ReturnType<typeof signIn>>;
let lab: Awaited<ReturnType<typeof signIn>>;
let otherLab: Awaited<ReturnType<typeof signIn>>;
let finance: Awaited<ReturnType<typeof signIn>>;
let otherCityFinance: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let instruments: number[];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let day = 2;
function book(instrumentId: number, extra: Record<string, unknown> = {}) {
  const d = new Date(Date.UTC(2026, 11, 1 + day++));
  if ([0, 6].includes(d.getUTCDay())) return book(instrumentId, extra);
  const date = d.toISOString().slice(0, 10);
  return researcher.post('/api/v1/bookings').send({
    instrumentId,
    mode: 'machine_time',
    start: `${date}T09:00:00+08:00`,
    end: `${date}T11:00:00+08:00`,
    purpose: '高分子材料表征',
    useVoucher: true,
    paymentToken: 'tok_visa',
    fundingSource: 'provincial_programme',
    ...extra,
  });
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 200, clock, sessionTtlHours: 24 * 90 });
  researcher = await signIn(t.app, 'researcher@demo.test');
  otherEnterprise = await signIn(t.app, 'researcher2@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  otherLab = await signIn(t.app, 'lab2@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  otherCityFinance = await signIn(t.app, 'finance3@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  const labOrg = await t.db.value<number>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`);
  instruments = (await t.db.column(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY i.id LIMIT 2`,
    [labOrg],
  )) as number[];
  await lab
    .put(`/api/v1/instruments/${instruments[0]}/schedule`)
    .send({ timeZone: 'Asia/Shanghai', ...DEFAULT_SCHEDULE, approvalRequired: true, noShowChargePercent: 30 });
  await lab
    .put(`/api/v1/instruments/${instruments[1]}/schedule`)
    .send({ timeZone: 'Asia/Shanghai', ...DEFAULT_SCHEDULE, approvalRequired: false });
});
afterAll(async () => {
  await expectMoneyInvariants(t.db);
  await t.close();
});

describe('service agreements', () => {
  let bookingId: number;
  let stored: { sha256: string; stored_name: string };

  it('are drawn up when the lab confirms the request, as a PDF whose SHA-256 is stored', async () => {
    const res = await book(instruments[0]!);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    bookingId = res.body.id;
    expect(res.body.fundingSource).toBe('provincial_programme');
    // Not confirmed yet: no agreement.
    expect((await researcher.get(`/api/v1/bookings/${bookingId}/agreement`)).status).toBe(404);
    expect(await t.db.value(`SELECT COUNT(*) FROM service_agreements WHERE booking_id = ?`, [bookingId])).toBe(0);

    expect((await lab.post(`/api/v1/bookings/${bookingId}/approve`).send({})).status).toBe(200);
    // The job draws it up (a PDF takes a second or two: not in the lab's request); a second run finds it made.
    expect(await servicesOf(t.app).agreements.produceDue()).toBeGreaterThanOrEqual(1);
    expect(await servicesOf(t.app).agreements.produceDue()).toBe(0);
    stored = (await t.db.get(`SELECT sha256, stored_name FROM service_agreements WHERE booking_id = ?`, [
      bookingId,
    ])) as typeof stored;
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);

    const pdf = await download(researcher, `/api/v1/bookings/${bookingId}/agreement/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/application\/pdf/);
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(bytes)).toBe(stored.sha256);
    expect(pdf.headers['x-content-sha256']).toBe(stored.sha256);
    // Chinese text is embedded (the CJK font) and the title names it.
    expect(bytes.toString('latin1')).toMatch(/NotoSansHans/);

    const view = await researcher.get(`/api/v1/bookings/${bookingId}/agreement`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ bookingId, sha256: stored.sha256, accepted: null, canAccept: true });
    expect(view.body.number).toMatch(/^FW-\d{8}-\d{6}$/);
  });

  it('are drawn up for a booking confirmed at checkout (no approval needed), or when first read', async () => {
    const res = await book(instruments[1]!);
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
    expect(await servicesOf(t.app).agreements.produceDue()).toBe(1);
    const row = (await t.db.get(`SELECT sha256 FROM service_agreements WHERE booking_id = ?`, [res.body.id])) as {
      sha256: string;
    };
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Another, read before the job ran: drawn up then, once.
    const next = await book(instruments[1]!);
    const read = await researcher.get(`/api/v1/bookings/${next.body.id}/agreement`);
    expect(read.status).toBe(200);
    const pdf = await download(lab, `/api/v1/bookings/${next.body.id}/agreement/pdf`);
    expect(sha256(pdf.body as Buffer)).toBe(read.body.sha256);
    expect(await t.db.value(`SELECT COUNT(*) FROM service_agreements WHERE booking_id = ?`, [next.body.id])).toBe(1);
  });

  it('are shown to the provider, finance in scope and admins; other organisations get 404', async () => {
    const labView = await lab.get(`/api/v1/bookings/${bookingId}/agreement`);
    expect(labView.status).toBe(200);
    expect(labView.body.canAccept).toBe(false);
    expect((await finance.get(`/api/v1/bookings/${bookingId}/agreement`)).status).toBe(200);
    expect((await admin.get(`/api/v1/bookings/${bookingId}/agreement`)).status).toBe(200);
    expect((await download(finance, `/api/v1/bookings/${bookingId}/agreement/pdf`)).status).toBe(200);
    for (const other of [otherLab, otherEnterprise, otherCityFinance]) {
      expect((await other.get(`/api/v1/bookings/${bookingId}/agreement`)).status).toBe(404);
      expect((await other.get(`/api/v1/bookings/${bookingId}/agreement/pdf`)).status).toBe(404);
      expect(
        (await other.post(`/api/v1/bookings/${bookingId}/agreement/accept`).send({ sha256: stored.sha256 })).status,
      ).toBe(404);
    }
    expect((await researcher.get(`/api/v1/bookings/999999/agreement`)).status).toBe(404);
  });

  it('are accepted once by the enterprise, naming the stored hash; who, when, where and the browser recorded', async () => {
    // The lab cannot accept for the enterprise.
    expect(
      (await lab.post(`/api/v1/bookings/${bookingId}/agreement/accept`).send({ sha256: stored.sha256 })).status,
    ).toBe(403);
    // Bad input and another document's hash: 4xx, nothing recorded.
    expect((await researcher.post(`/api/v1/bookings/${bookingId}/agreement/accept`).send({})).status).toBe(400);
    expect(
      (await researcher.post(`/api/v1/bookings/${bookingId}/agreement/accept`).send({ sha256: 'abc' })).status,
    ).toBe(400);
    const wrong = await researcher
      .post(`/api/v1/bookings/${bookingId}/agreement/accept`)
      .send({ sha256: 'f'.repeat(64) });
    expect(wrong.status).toBe(409);
    expect(await t.db.value(`SELECT accepted_at FROM service_agreements WHERE booking_id = ?`, [bookingId])).toBeNull();

    clock.advance(60_000);
    const ok = await researcher
      .post(`/api/v1/bookings/${bookingId}/agreement/accept`)
      .set('User-Agent', 'AgreementTest/1.0')
      .send({ sha256: stored.sha256.toUpperCase() });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.accepted).toMatchObject({
      by: { name: expect.any(String) },
      at: new Date(clock.now()).toISOString(),
    });
    expect(ok.body.canAccept).toBe(false);
    const row = (await t.db.get(
      `SELECT accepted_by AS "by", accepted_at AS "at", accepted_from AS "from", accepted_user_agent AS ua
         FROM service_agreements WHERE booking_id = ?`,
      [bookingId],
    )) as { by: number; at: number; from: string | null; ua: string | null };
    const researcherId = await t.db.value(`SELECT id FROM users WHERE email = 'researcher@demo.test'`);
    expect(Number(row.by)).toBe(Number(researcherId));
    expect(Number(row.at)).toBe(clock.now());
    expect(row.from).toBeTruthy();
    expect(row.ua).toBe('AgreementTest/1.0');
    expect(
      await t.db.value(`SELECT COUNT(*) FROM audit_log WHERE action = 'agreement.accept' AND subject_id = ?`, [
        String(bookingId),
      ]),
    ).toBe(1);

    // Once: a second acceptance changes nothing.
    clock.advance(60_000);
    const again = await researcher
      .post(`/api/v1/bookings/${bookingId}/agreement/accept`)
      .send({ sha256: stored.sha256 });
    expect(again.status).toBe(409);
    expect(
      Number(await t.db.value(`SELECT accepted_at FROM service_agreements WHERE booking_id = ?`, [bookingId])),
    ).toBe(Number(row.at));
    // The lab sees who accepted.
    expect((await lab.get(`/api/v1/bookings/${bookingId}/agreement`)).body.accepted.by.id).toBe(Number(researcherId));
  });
});
