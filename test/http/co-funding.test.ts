/**
 * Province and city programmes co-fund one order. A 聊城 enterprise holds a provincial quota and a
 * 聊城 city quota (both deduct mode): an order draws on both, the province's first, each programme
 * held to its own caps, the city paying at most what the province left; both shares are shown; the
 * order settles under both programmes (a claim line in each programme's batch); a cap shared by the
 * two programmes limits their sum; cancelling gives both back. Money invariants after each step.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { approveListings } from '../support/listing.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { testSchedule } from '../support/schedule.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
const LIAOCHENG = '371500';
const at = (local: string) => `${local}+08:00`;

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let instrumentId: number;
let enterpriseId: number;
let province: number;
let city: number;
let sharedCapId: number;
/** The first co-funded order. */
let first: number;

const programme = (changes: Record<string, unknown>) => ({
  province: '山东省',
  issuerCityCode: null,
  year: 2026,
  settlementMode: 'deduct',
  groupYearCapFen: null,
  enterpriseYearCapFen: 10_000_000,
  budgetFen: 100_000_000,
  startsOn: '2026-01-01',
  useBy: '2026-12-31',
  claimBy: '2027-03-31',
  eligibleCategories: [],
  eligibleProviders: [],
  allowOutOfProvince: false,
  quotaIssueMode: 'admin',
  ...changes,
});

const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);

const book = (day: string) =>
  researcher.post('/api/v1/bookings').send({
    instrumentId,
    mode: 'machine_time',
    start: at(`${day}T09:00:00`),
    end: at(`${day}T11:00:00`),
    purpose: '轴承疲劳测试',
    useVoucher: true,
    paymentToken: 'tok_visa',
  });

const quotaOf = async (programmeId: number) =>
  (await researcher.get('/api/v1/vouchers')).body.items.find(
    (q: { programmeId: number }) => q.programmeId === programmeId,
  ) as { reservedFen: number; usedFen: number; availableFen: number };

/** The lab claims December under one programme; the line of one booking there. */
async function claimLine(programmeId: number, bookingId: number) {
  const made = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-12' });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  for (const b of [made.body, ...((made.body.siblings ?? []) as { id: number }[])]) {
    const view = b === made.body ? made.body : (await lab.get(`/api/v1/settlement-batches/${b.id}`)).body;
    const line = (
      view.lines as {
        bookingId: number;
        voucherFen: number;
        checks: { name: string; ok: boolean; detail: string }[];
      }[]
    ).find((l) => l.bookingId === bookingId);
    if (line)
      return {
        batchId: view.id as number,
        programmeId: view.programmeId as number,
        voucherFen: line.voucherFen,
        checks: Object.fromEntries(line.checks.map((c) => [c.name, c])),
      };
  }
  throw new Error(`booking ${bookingId} not claimed under programme ${programmeId}`);
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock, payments: await testStripe(), sessionTtlHours: 24 * 90 });
  admin = await signIn(t.app, 'admin@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher4@demo.test');
  enterpriseId = (await t.db.value<number>(`SELECT organisation_id FROM users WHERE email = 'researcher4@demo.test'`))!;
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
  const card = {
    setupFeeFen: 0,
    minimumChargeFen: 0,
    urgentSurchargePercent: 0,
    offHoursSurchargePercent: 0,
    notes: null,
    items: [
      {
        unit: 'hour',
        labelZh: '常规机时',
        labelEn: null,
        internalFen: 40000,
        academicFen: 60000,
        enterpriseFen: 80000,
      },
    ],
  };
  expect((await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: card })).status).toBe(200);
  // A lab's price change goes through listing review (入网审核): the platform admin approves it.
  await approveListings(t, { instrumentIds: [instrumentId] });
  // Only this test's two programmes pay for the enterprise: quotas it held before are revoked.
  for (const q of (await admin.get(`/api/v1/voucher-quotas?enterpriseId=${enterpriseId}`)).body.items)
    expect((await admin.post(`/api/v1/voucher-quotas/${q.id}/revoke`).send({ reason: '测试' })).status).toBe(200);

  const p = await admin.post('/api/v1/voucher-programmes').send(
    programme({
      name: '2026 山东省共担测试创新券',
      ratioRules: { basePercent: 40, byCity: { [LIAOCHENG]: 60 }, sameCityTopUpPercent: 0 },
      orderCapFen: 60_000,
    }),
  );
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  province = p.body.id;
  const c = await admin.post('/api/v1/voucher-programmes').send(
    programme({
      name: '2026 聊城市共担测试创新券',
      issuerCityCode: LIAOCHENG,
      ratioRules: { basePercent: 30, byCity: {}, sameCityTopUpPercent: 0 },
      orderCapFen: null,
      fundingOrder: 1,
    }),
  );
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  city = c.body.id;
  for (const programmeId of [province, city]) {
    const q = await admin.post('/api/v1/voucher-quotas').send({ programmeId, enterpriseId, capFen: 1_000_000 });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
  }
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('a provincial and a 聊城 programme co-fund one order', () => {
  it('quotes both shares in funding order, each held to its own caps', async () => {
    const res = await researcher.post('/api/v1/quotes').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T11:00:00'),
      useVoucher: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // ¥1,600: the province's 60% is ¥960, held to its ¥600 order cap; the city pays its 30% (¥480).
    expect(res.body.price).toMatchObject({ totalFen: 160000, voucherFen: 108000, selfPayFen: 52000 });
    expect(res.body.vouchers).toEqual([
      expect.objectContaining({ programmeId: province, ratioPercent: 60, voucherFen: 60000, limitedBy: 'order_cap' }),
      expect.objectContaining({ programmeId: city, ratioPercent: 30, voucherFen: 48000, limitedBy: 'ratio' }),
    ]);
    expect(res.body.voucher).toMatchObject({ programmeId: province });
  });

  it('books, holds both shares on their own quotas, and shows both uses', async () => {
    const res = await book('2026-12-03');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    first = res.body.id;
    expect(res.body.price).toMatchObject({ totalFen: 160000, voucherFen: 108000, selfPayFen: 52000 });
    expect(res.body.payment).toMatchObject({ status: 'authorised', authorisedFen: 52000 });
    expect(res.body.voucherUses).toEqual([
      expect.objectContaining({ programmeId: province, sequence: 1, reservedFen: 60000, status: 'reserved' }),
      expect.objectContaining({ programmeId: city, sequence: 2, reservedFen: 48000, status: 'reserved' }),
    ]);
    expect(res.body.voucherUse).toMatchObject({ programmeId: province });
    expect((await quotaOf(province)).reservedFen).toBe(60000);
    expect((await quotaOf(city)).reservedFen).toBe(48000);
  });

  it('completes: each programme posts its share of the final price, the card pays the rest', async () => {
    const done = await walk(first, ['approve'], ['check-in'], ['complete', { actualMinutes: 60 }]);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    // ¥800: the province 60% = ¥480 (within its ¥600 hold), the city 30% = ¥240.
    expect(done.finalPrice).toMatchObject({ totalFen: 80000, voucherFen: 72000, selfPayFen: 8000 });
    expect(done.voucherUses).toEqual([
      expect.objectContaining({ programmeId: province, status: 'posted', postedFen: 48000 }),
      expect.objectContaining({ programmeId: city, status: 'posted', postedFen: 24000 }),
    ]);
    expect(done.payment).toMatchObject({ status: 'captured', capturedFen: 8000 });
    expect(await quotaOf(city)).toMatchObject({ reservedFen: 0, usedFen: 24000 });
  });

  it('settles under both programmes: a claim line in each programme’s batch, each with its share', async () => {
    const p = await claimLine(province, first);
    const c = await claimLine(city, first);
    expect(p.batchId).not.toBe(c.batchId);
    expect([p.programmeId, p.voucherFen]).toEqual([province, 48000]);
    expect([c.programmeId, c.voucherFen]).toEqual([city, 24000]);
    for (const line of [p, c]) {
      expect(line.checks.ratio_and_caps!.ok, line.checks.ratio_and_caps!.detail).toBe(true);
      expect(line.checks.published_price!.ok, line.checks.published_price!.detail).toBe(true);
      // The order's total is both voucher shares and the card: ¥480 + ¥240 + ¥80.
      expect(line.checks.total_adds_up!.ok, line.checks.total_adds_up!.detail).toBe(true);
    }
  });
});

describe('a cap shared by the province and the city', () => {
  it('is set by platform admins only, for programmes of its year', async () => {
    const body = {
      name: '省市合计上限',
      year: 2026,
      scope: 'enterprise',
      capFen: 150_000,
      programmeIds: [province, city],
    };
    expect((await lab.post('/api/v1/shared-caps').send(body)).status).toBe(403);
    const wrongYear = await admin.post('/api/v1/shared-caps').send({ ...body, year: 2027 });
    expect(wrongYear.status).toBe(400);
    expect(wrongYear.body.errors[0].path).toBe('body.programmeIds.0');
    const twice = await admin.post('/api/v1/shared-caps').send({ ...body, programmeIds: [province, province] });
    expect(twice.status).toBe(400);
    const res = await admin.post('/api/v1/shared-caps').send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    sharedCapId = res.body.id;
    expect(res.body).toMatchObject({
      capFen: 150_000,
      programmeNames: ['2026 山东省共担测试创新券', '2026 聊城市共担测试创新券'],
    });
    const finance = await signIn(t.app, 'finance@demo.test');
    // Beside the demo's own (聊城's ceiling).
    expect((await finance.get('/api/v1/shared-caps')).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: sharedCapId })]),
    );
  });

  it('limits the sum of the two shares: the ¥720 already used counts', async () => {
    const res = await book('2026-12-04');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // ¥1,500 − ¥720 used leaves ¥780: the province ¥600 (its order cap), the city ¥180 of its ¥480.
    expect(res.body.price).toMatchObject({ totalFen: 160000, voucherFen: 78000, limitedBy: 'shared_cap' });
    expect(res.body.voucherUses).toEqual([
      expect.objectContaining({ programmeId: province, reservedFen: 60000 }),
      expect.objectContaining({ programmeId: city, reservedFen: 18000 }),
    ]);
    // Each share is held on the shared cap too (its ledger account for this enterprise).
    const holds: number[] = [];
    for (const u of res.body.voucherUses as { id: number }[])
      holds.push(
        Number(
          await t.db.value(`SELECT amount_fen FROM ledger_transfers WHERE id = ?`, [
            `vu:${u.id}:shared:${sharedCapId}`,
          ]),
        ),
      );
    expect(holds).toEqual([60000, 18000]);

    // Nothing is left under the shared cap: a further order gets no voucher.
    const quote = await researcher.post('/api/v1/quotes').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-07T09:00:00'),
      end: at('2026-12-07T11:00:00'),
      useVoucher: true,
    });
    expect(quote.body.price.voucherFen).toBe(0);

    // Cancelling gives both shares back, to both quotas and the shared cap.
    const cancelled = await researcher.post(`/api/v1/bookings/${res.body.id}/cancel`).send({ reason: '计划调整' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.voucherUses).toEqual([
      expect.objectContaining({ programmeId: province, status: 'released' }),
      expect.objectContaining({ programmeId: city, status: 'released' }),
    ]);
    expect((await quotaOf(province)).reservedFen).toBe(0);
    expect((await quotaOf(city)).reservedFen).toBe(0);
    const again = await researcher.post('/api/v1/quotes').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-07T09:00:00'),
      end: at('2026-12-07T11:00:00'),
      useVoucher: true,
    });
    expect(again.body.price.voucherFen).toBe(78000);
  });

  it('can be raised and removed by an admin', async () => {
    const body = {
      name: '省市合计上限',
      year: 2026,
      scope: 'enterprise',
      capFen: 1_000_000,
      programmeIds: [province, city],
    };
    const raised = await admin.put(`/api/v1/shared-caps/${sharedCapId}`).send(body);
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    expect(raised.body.capFen).toBe(1_000_000);
    expect((await admin.delete(`/api/v1/shared-caps/${sharedCapId}`)).status).toBe(204);
    const left = (await admin.get('/api/v1/shared-caps')).body.items as { id: number }[];
    expect(left.map((c) => c.id)).not.toContain(sharedCapId);
    expect((await admin.delete(`/api/v1/shared-caps/${sharedCapId}`)).status).toBe(404);
  });
});
