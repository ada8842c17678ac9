/**
 * Rules and prices that were in force when the order was made. A 聊城 enterprise in 冠县 (a county the
 * provincial finance runs directly, 省财政直管县, with its own ratio) orders under version 1 of a
 * programme; the programme's ratios, caps, eligible parts and dates are then changed (version 2), its
 * categories too (version 3), and the lab raises its price. The first order completes at its quoted price
 * and its version's ratio, and its claim line's checks stay green; a new order is planned by the new
 * version (its ratio, its cap, surcharges no longer eligible). Money invariants after each step.
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
const GUANXIAN = '371525'; // 冠县
const at = (local: string) => `${local}+08:00`;

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let instrumentId: number;
let enterpriseId: number;
let programmeId: number;
let quotaId: number;
/** Order A, made under version 1. */
let orderA: { id: number; totalFen: number; voucherFen: number };

const item = (unit: 'hour' | 'sample', labelZh: string, enterpriseFen: number) => ({
  unit,
  labelZh,
  labelEn: null,
  internalFen: enterpriseFen / 2,
  academicFen: (enterpriseFen * 3) / 4,
  enterpriseFen,
});
const card = (hourFen: number) => ({
  setupFeeFen: 0,
  minimumChargeFen: 0,
  urgentSurchargePercent: 50,
  offHoursSurchargePercent: 0,
  notes: null,
  items: [item('hour', '常规机时', hourFen), item('sample', '常规测试', 30000)],
});

const V1 = {
  name: '2026 规则版本测试创新券',
  province: '山东省',
  issuerCityCode: null,
  year: 2026,
  settlementMode: 'deduct',
  ratioRules: { basePercent: 40, byCity: { [LIAOCHENG]: 60 }, byCounty: { [GUANXIAN]: 70 }, sameCityTopUpPercent: 0 },
  orderCapFen: null,
  enterpriseYearCapFen: 10_000_000,
  groupYearCapFen: null,
  budgetFen: 100_000_000,
  startsOn: '2026-01-01',
  useBy: '2026-12-31',
  claimBy: '2027-03-31',
  eligibleCategories: [] as string[],
  eligibleProviders: [] as number[],
  allowOutOfProvince: false,
  quotaIssueMode: 'admin',
};

/** Version 2: lower ratios, an order cap, surcharges out, services only until 12-02. */
const V2 = {
  ...V1,
  ratioRules: { basePercent: 40, byCity: { [LIAOCHENG]: 50 }, byCounty: { [GUANXIAN]: 35 }, sameCityTopUpPercent: 0 },
  orderCapFen: 50_000,
  useBy: '2026-12-02',
  eligibleParts: { surcharges: false, setupFee: true },
  versionNote: '2026年12月起调整补贴比例',
};

const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);

/** The lab claims the month; the checks of one booking's line (by name), in English. */
async function lineChecks(bookingId: number): Promise<Record<string, { ok: boolean; detail: string }>> {
  const made = await lab
    .post('/api/v1/settlement-batches')
    .set('Accept-Language', 'en')
    .send({ programmeId, month: '2026-12' });
  // A second claim of the same month finds the uses already claimed: read the batches instead.
  const list = await lab.get('/api/v1/settlement-batches').set('Accept-Language', 'en');
  expect(list.status).toBe(200);
  const ids = [
    ...(made.status === 201
      ? [made.body.id, ...((made.body.siblings ?? []) as { id: number }[]).map((s) => s.id)]
      : []),
    ...(list.body.items as { id: number; programmeId: number }[])
      .filter((b) => b.programmeId === programmeId)
      .map((b) => b.id),
  ];
  for (const id of ids) {
    const view = (await lab.get(`/api/v1/settlement-batches/${id}`).set('Accept-Language', 'en')).body;
    const line = (view.lines as { bookingId: number; checks: { name: string; ok: boolean; detail: string }[] }[]).find(
      (l) => l.bookingId === bookingId,
    );
    if (line) return Object.fromEntries(line.checks.map((c) => [c.name, { ok: c.ok, detail: c.detail }]));
  }
  throw new Error(`booking ${bookingId} is in no batch: ${JSON.stringify(made.body)}`);
}

async function update(body: Record<string, unknown>) {
  return admin.put(`/api/v1/voucher-programmes/${programmeId}`).send(body);
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock, payments: await testStripe(), sessionTtlHours: 24 * 90 });
  admin = await signIn(t.app, 'admin@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher4@demo.test');
  enterpriseId = (await t.db.value<number>(`SELECT organisation_id FROM users WHERE email = 'researcher4@demo.test'`))!;
  // The enterprise's seat is in 冠县 (the organisation's county, as registered).
  await t.db.run(`UPDATE organisations SET city_code = ?, county_code = ? WHERE id = ?`, [
    LIAOCHENG,
    GUANXIAN,
    enterpriseId,
  ]);
  instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
  expect((await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: card(80000) })).status).toBe(200);
  // A lab's price change goes through listing review (入网审核): the platform admin approves it.
  await approveListings(t, { instrumentIds: [instrumentId] });
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('a programme’s rules are versioned', () => {
  it('creating a programme writes version 1, in force from its creation', async () => {
    const res = await admin.post('/api/v1/voucher-programmes').send(V1);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    programmeId = res.body.id;
    expect(res.body).toMatchObject({ rulesVersion: 1, eligibleParts: null, fundingOrder: 0 });
    const versions = await admin.get(`/api/v1/voucher-programmes/${programmeId}/versions`);
    expect(versions.status).toBe(200);
    expect(versions.body.items).toHaveLength(1);
    expect(versions.body.items[0]).toMatchObject({
      version: 1,
      inForce: true,
      effectiveFrom: new Date(NOW).toISOString(),
      rules: { ratioRules: { byCounty: { [GUANXIAN]: 70 } }, eligibleParts: { surcharges: true, setupFee: true } },
    });
    const quota = await admin.post('/api/v1/voucher-quotas').send({ programmeId, enterpriseId, capFen: 5_000_000 });
    expect(quota.status, JSON.stringify(quota.body)).toBe(201);
    quotaId = quota.body.id;
    // Finance reads the versions too; an enterprise does not.
    expect(
      (
        await signIn(t.app, 'finance@demo.test').then((f) =>
          f.get(`/api/v1/voucher-programmes/${programmeId}/versions`),
        )
      ).status,
    ).toBe(200);
    expect((await researcher.get(`/api/v1/voucher-programmes/${programmeId}/versions`)).status).toBe(403);
  });

  it('refuses an unknown county, a past effective time, and an effective time on creation, changing nothing', async () => {
    const unknown = await update({ ...V1, ratioRules: { ...V1.ratioRules, byCounty: { '379999': 80 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.ratioRules.byCounty');
    const past = await update({ ...V2, effectiveFrom: new Date(NOW - 60_000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].path).toBe('body.effectiveFrom');
    const created = await admin
      .post('/api/v1/voucher-programmes')
      .send({ ...V1, name: '另一个项目', effectiveFrom: new Date(NOW + 60_000).toISOString() });
    expect(created.status).toBe(400);
    expect((await admin.get(`/api/v1/voucher-programmes/${programmeId}/versions`)).body.items).toHaveLength(1);
  });

  it('plans an order with the county ratio of the version in force, and keeps the price it was quoted', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T11:00:00'),
      purpose: '轴承材料表征',
      useVoucher: true,
      quotaId,
      paymentToken: 'tok_visa',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.price.totalFen).toBe(160000);
    // 冠县's 70% comes before 聊城's 60%.
    expect(res.body.price.voucherFen).toBe(112000);
    expect(res.body.voucherUse).toMatchObject({ ratioPercent: 70, ruleVersion: 1, sequence: 1, status: 'reserved' });
    orderA = { id: res.body.id, totalFen: 160000, voucherFen: 112000 };
    const planned = await t.db.value<string | object>(`SELECT planned FROM voucher_uses WHERE booking_id = ?`, [
      orderA.id,
    ]);
    expect(typeof planned === 'string' ? JSON.parse(planned) : planned).toMatchObject({
      ruleVersion: 1,
      orderCapFen: null,
      enterpriseCityCode: LIAOCHENG,
      enterpriseCountyCode: GUANXIAN,
      eligibleParts: { surcharges: true, setupFee: true },
    });
    const snapshot = await t.db.value<string | object>(`SELECT price_snapshot FROM bookings WHERE id = ?`, [orderA.id]);
    expect(typeof snapshot === 'string' ? JSON.parse(snapshot) : snapshot).toMatchObject({
      unit: 'hour',
      unitFen: 80000,
      itemName: '常规机时',
      userType: 'enterprise',
      urgentSurchargePercent: 50,
      quotedAt: NOW,
    });
  });

  it('an edit of the rules writes version 2, in force now, and the programme shows it', async () => {
    const res = await update(V2);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      rulesVersion: 2,
      orderCapFen: 50_000,
      useBy: '2026-12-02',
      eligibleParts: { surcharges: false, setupFee: true },
    });
    const versions = (await admin.get(`/api/v1/voucher-programmes/${programmeId}/versions`)).body.items;
    expect(versions.map((v: { version: number; inForce: boolean }) => [v.version, v.inForce])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(versions[0]).toMatchObject({ note: V2.versionNote, createdBy: expect.any(String) });
    // An edit that changes no rule (the name only) writes no version.
    const renamed = await update({ ...V2, name: '2026 规则版本测试创新券（更名）' });
    expect(renamed.body.rulesVersion).toBe(2);
    expect((await admin.get(`/api/v1/voucher-programmes/${programmeId}/versions`)).body.items).toHaveLength(2);
    // The order made before keeps what it was planned with.
    const a = (await researcher.get(`/api/v1/bookings/${orderA.id}`)).body;
    expect(a.voucherUse).toMatchObject({ ratioPercent: 70, ruleVersion: 1, reservedFen: 112000 });
  });

  it('a new order is planned by version 2: its county ratio, and surcharges no longer eligible', async () => {
    const body = {
      instrumentId,
      mode: 'sample',
      sampleCount: 2,
      urgent: true,
      purpose: '硬度测试',
      useVoucher: true,
      quotaId,
    };
    const quote = await researcher.post('/api/v1/quotes').send(body);
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    // 2 × ¥300 + 50% urgent = ¥900; the voucher pays 35% of the ¥600 service only.
    expect(quote.body.price).toMatchObject({ totalFen: 90000, voucherFen: 21000, selfPayFen: 69000 });
    expect(quote.body.vouchers).toEqual([
      expect.objectContaining({ programmeId, ratioPercent: 35, ruleVersion: 2, eligibleFen: 60000, voucherFen: 21000 }),
    ]);
    const res = await researcher.post('/api/v1/bookings').send({ ...body, paymentToken: 'tok_visa' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.voucherUse).toMatchObject({ ratioPercent: 35, ruleVersion: 2, reservedFen: 21000 });
    // One sample was tested: ¥300 + ¥150 urgent; the voucher pays 35% of the ¥300 service only.
    const done = await walk(res.body.id, ['approve'], ['check-in'], ['complete', { actualSamples: 1 }]);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.finalPrice.totalFen).toBe(45000);
    expect(done.voucherUse).toMatchObject({ status: 'posted', postedFen: 10500 });
    expect(done.finalPrice).toMatchObject({ voucherFen: 10500, selfPayFen: 34500 });
    const checks = await lineChecks(res.body.id);
    expect(checks.ratio_and_caps!.ok, checks.ratio_and_caps!.detail).toBe(true);
    expect(checks.within_validity!.ok, checks.within_validity!.detail).toBe(true);
    expect(checks.published_price!.ok, checks.published_price!.detail).toBe(true);
  });

  it('a card edited after the order changes neither its price nor its published-price check', async () => {
    expect((await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ rateCard: card(100000) })).status).toBe(200);
    await approveListings(t, { instrumentIds: [instrumentId] });
    const done = await walk(orderA.id, ['approve'], ['check-in'], ['complete', { actualMinutes: 120 }]);
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.finalPrice.totalFen).toBe(orderA.totalFen);
    expect(done.finalPrice.lines[0]).toMatchObject({ kind: 'machine_time', unitFen: 80000 });
    // Posted at the ratio it was planned with (70%), not version 2's 35%.
    expect(done.voucherUse).toMatchObject({ status: 'posted', postedFen: orderA.voucherFen });
    expect(done.finalPrice).toMatchObject({ voucherFen: orderA.voucherFen, selfPayFen: 48000 });
  });

  it('the earlier order’s claim checks stay green after the programme changed (ratio, cap, dates, categories)', async () => {
    // Version 3: another category only — new orders of this instrument are no longer eligible.
    const category = (await t.db.value<string>(`SELECT category_code FROM instruments WHERE id = ?`, [instrumentId]))!;
    const other = (await t.db.value<string>(
      `SELECT code FROM categories WHERE code LIKE '%0000' AND substr(code, 1, 2) <> ? ORDER BY code LIMIT 1`,
      [category.slice(0, 2)],
    ))!;
    const v3 = await update({ ...V2, eligibleCategories: [other] });
    expect(v3.status, JSON.stringify(v3.body)).toBe(200);
    expect(v3.body.rulesVersion).toBe(3);
    const quote = await researcher
      .post('/api/v1/quotes')
      .send({ instrumentId, mode: 'sample', sampleCount: 1, useVoucher: true, quotaId });
    expect(quote.body.ineligible).toEqual([expect.objectContaining({ reason: 'category_not_eligible' })]);

    const checks = await lineChecks(orderA.id);
    expect(checks.ratio_and_caps!.ok, checks.ratio_and_caps!.detail).toBe(true);
    expect(checks.ratio_and_caps!.detail).toContain('70%');
    expect(checks.published_price!.ok, checks.published_price!.detail).toBe(true);
    expect(checks.published_price!.detail).toBe('¥800.00 per hour = published ¥800.00');
    // Served on 12-03: inside version 1's dates (version 2 ends on 12-02).
    expect(checks.within_validity!.ok, checks.within_validity!.detail).toBe(true);
    expect(checks.within_validity!.detail).toContain('2026-12-31');
    expect(checks.claim_window!.ok).toBe(true);
  });

  it('a version set for later is not in force until its time', async () => {
    const later = new Date(NOW + 7 * 24 * 3600_000).toISOString();
    const res = await update({ ...V2, eligibleCategories: [], orderCapFen: 10_000, effectiveFrom: later });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The programme still shows version 3's rules.
    expect(res.body).toMatchObject({ rulesVersion: 3, orderCapFen: 50_000 });
    const versions = (await admin.get(`/api/v1/voucher-programmes/${programmeId}/versions`)).body.items;
    expect(versions[0]).toMatchObject({ version: 4, inForce: false, effectiveFrom: later });
    expect(versions[1]).toMatchObject({ version: 3, inForce: true });
    // From its time on, version 4 is the programme's.
    const before = clock.now();
    clock.set(Date.parse(later) + 1000);
    try {
      const now = (await admin.get(`/api/v1/voucher-programmes/${programmeId}`)).body;
      expect(now).toMatchObject({ rulesVersion: 4, orderCapFen: 10_000, eligibleCategories: [] });
    } finally {
      clock.set(before);
    }
  });
});
