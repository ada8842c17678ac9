/**
 * Voucher applications (申领) and automatic quotas against the real app: programmes that issue quotas
 * by application (the window, the scope, the caps), an enterprise applying, the responsible office
 * returning, approving with an amount (the quota granted through the ledger exactly once, then
 * booked with) or rejecting; the refusals (not certified, lapsed, outside the window or the area,
 * twice, over the cap, no declaration, the wrong office, a researcher, a restricted account);
 * automatic quotas granted once per enterprise however often the pass runs; notifications, history
 * and the audit log. The money invariants hold after every test.
 */
import { fromJson, type Param } from '../../db/port.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { testSchedule } from '../support/schedule.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
type Agent = Awaited<ReturnType<typeof signIn>>;

let t: TestApp;
let researcher: Agent; // 济南, certified
let researcher2: Agent; // 青岛, certified
let researcher3: Agent; // 临沂, certified
let lab: Agent;
let admin: Agent;
let jinan: Agent; // finance@demo.test: 济南市科学技术局
let province: Agent; // finance2: 山东省科学技术厅
let qingdao: Agent; // finance3: 青岛市科学技术局
let linyi: Agent; // finance4: 临沂市科学技术局
let enterprise: number;
let enterprise2: number;
let enterprise3: number;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(await t.db.value(sql, params));
const orgOf = async (email: string) =>
  (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = ?`, email)).id;
const userOf = async (email: string) => (await one<{ id: number }>(`SELECT id FROM users WHERE email = ?`, email)).id;

function programmeInput(change: Record<string, unknown> = {}) {
  return {
    name: `申领测试 ${Math.random().toString(36).slice(2, 7)}`,
    province: '山东省',
    year: 2026,
    settlementMode: 'deduct',
    ratioRules: { basePercent: 40, byCity: { '371300': 60 }, sameCityTopUpPercent: 0 },
    enterpriseYearCapFen: 5_000_000,
    budgetFen: 100_000_000,
    startsOn: '2026-01-01',
    useBy: '2027-06-30',
    claimBy: '2027-09-30',
    quotaIssueMode: 'application',
    applicationOpensOn: '2026-11-01',
    applicationClosesOn: '2027-01-31',
    ...change,
  };
}

async function createProgramme(change: Record<string, unknown> = {}) {
  const res = await admin.post('/api/v1/voucher-programmes').send(programmeInput(change));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; name: string; quotaIssueMode: string };
}

const application = (programmeId: number, change: Record<string, unknown> = {}) => ({
  programmeId,
  amountFen: 3_000_000,
  plannedUse: '新材料研发中的扫描电镜与X射线衍射测试，约 60 机时',
  declaresNoRelatedParties: true,
  ...change,
});

const notificationsOf = (userId: number, type: string) =>
  count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND type = ?`, userId, type);
const auditOf = (action: string, subjectId: number, outcome = 'success') =>
  t.db.all<{ details: string; actor_email: string | null }>(
    `SELECT details, actor_email FROM audit_log WHERE action = ? AND subject_id = ? AND outcome = ? ORDER BY id`,
    [action, String(subjectId), outcome],
  );

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock, payments: await testStripe(), sessionTtlHours: 24 * 90 });
  researcher = await signIn(t.app, 'researcher@demo.test');
  researcher2 = await signIn(t.app, 'researcher2@demo.test');
  researcher3 = await signIn(t.app, 'researcher3@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  jinan = await signIn(t.app, 'finance@demo.test');
  province = await signIn(t.app, 'finance2@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
  linyi = await signIn(t.app, 'finance4@demo.test');
  enterprise = await orgOf('researcher@demo.test');
  enterprise2 = await orgOf('researcher2@demo.test');
  enterprise3 = await orgOf('researcher3@demo.test');
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t?.close());

describe('programmes that issue quotas by application or automatically', () => {
  it.each([
    ['no window in application mode', { applicationOpensOn: null }, 'body.applicationOpensOn'],
    ['no closing date', { applicationClosesOn: undefined }, 'body.applicationClosesOn'],
    ['a window closing before it opens', { applicationClosesOn: '2026-10-01' }, 'body.applicationClosesOn'],
    ['a window closing after the use-by date', { applicationClosesOn: '2027-07-01' }, 'body.applicationClosesOn'],
    ['a window opening years early', { applicationOpensOn: '2024-12-01' }, 'body.applicationOpensOn'],
    ['no amount in automatic mode', { quotaIssueMode: 'automatic' }, 'body.automaticQuotaFen'],
    [
      'an automatic amount above the cap',
      { quotaIssueMode: 'automatic', automaticQuotaFen: 5_000_001 },
      'body.automaticQuotaFen',
    ],
    ['an unknown mode', { quotaIssueMode: 'lottery' }, 'body.quotaIssueMode'],
  ])('refuses %s', async (_what, change, path) => {
    const before = await count(`SELECT COUNT(*) FROM voucher_programmes`);
    const res = await admin.post('/api/v1/voucher-programmes').send(programmeInput(change));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count(`SELECT COUNT(*) FROM voucher_programmes`)).toBe(before);
  });

  it('keeps the window only in application mode and the amount only in automatic mode', async () => {
    const p = await createProgramme();
    expect(p).toMatchObject({
      quotaIssueMode: 'application',
      applicationOpensOn: '2026-11-01',
      applicationClosesOn: '2027-01-31',
      automaticQuotaFen: null,
    });
    const admins = (
      await admin
        .put(`/api/v1/voucher-programmes/${p.id}`)
        .send(programmeInput({ name: p.name, quotaIssueMode: 'admin', automaticQuotaFen: 100 }))
    ).body;
    expect(admins).toMatchObject({
      quotaIssueMode: 'admin',
      applicationOpensOn: null,
      applicationClosesOn: null,
      automaticQuotaFen: null,
    });
    // Programmes made before the modes existed issue quotas by admins.
    const seeded = (await admin.get('/api/v1/voucher-programmes')).body.items.find(
      (x: { name: string }) => x.name === '2026年度山东省科技创新券',
    );
    expect(seeded.quotaIssueMode).toBe('admin');
  });
});

describe('the demo', () => {
  it('has the demo enterprise’s application awaiting 济南’s office', async () => {
    const queue = (await jinan.get('/api/v1/voucher-applications?status=submitted')).body.items;
    const seeded = queue.find((a: { enterprise: { id: number } }) => a.enterprise.id === enterprise);
    expect(seeded).toMatchObject({
      status: 'submitted',
      amountFen: 8_000_000,
      mayReview: true,
      reviewOffice: { level: 'city', cityCode: '370100' },
      programme: { applicationOpensOn: '2026-10-01', applicationClosesOn: '2027-03-31' },
    });
    // Its window holds the demo's "now" (2026-11-01) and this test's (2026-12-01).
    const mine = (await researcher.get('/api/v1/voucher-applications')).body.items;
    expect(mine.map((a: { id: number }) => a.id)).toContain(seeded.id);
    expect(mine[0].enterprise.contactPhone === null || !mine[0].enterprise.contactPhone.includes('*')).toBe(true);
    // 青岛's office neither sees nor reviews it.
    expect((await qingdao.get(`/api/v1/voucher-applications/${seeded.id}`)).status).toBe(404);
    const eligibility = (await researcher.get('/api/v1/voucher-applications/eligibility')).body;
    expect(eligibility.certification).toMatchObject({ valid: true });
    expect(eligibility.programmes.find((p: { id: number }) => p.id === seeded.programme.id)).toMatchObject({
      application: { id: seeded.id, status: 'submitted' },
      blockedBy: 'already_applied',
      holdsQuota: false,
    });
  });
});

describe('applying', () => {
  let open: { id: number };
  beforeAll(async () => {
    open = await createProgramme();
  });

  it('offers the enterprise the programmes open to it, and only to enterprises', async () => {
    const eligibility = (await researcher2.get('/api/v1/voucher-applications/eligibility')).body;
    expect(eligibility.programmes.find((p: { id: number }) => p.id === open.id)).toMatchObject({
      blockedBy: null,
      application: null,
      enterpriseYearCapFen: 5_000_000,
    });
    expect((await lab.get('/api/v1/voucher-applications/eligibility')).status).toBe(403);
    expect((await jinan.get('/api/v1/voucher-applications/eligibility')).status).toBe(403);
  });

  it('refuses what breaks the rules, and writes nothing', async () => {
    const before = await count(`SELECT COUNT(*) FROM voucher_applications`);
    const future = await createProgramme({ applicationOpensOn: '2027-01-01', applicationClosesOn: '2027-02-28' });
    const past = await createProgramme({ applicationOpensOn: '2026-03-01', applicationClosesOn: '2026-06-30' });
    const qingdaoOnly = await createProgramme({ issuerCityCode: '370200' });
    const byAdmins = await createProgramme({ quotaIssueMode: 'admin' });
    const cases: [string, Agent, Record<string, unknown>, number, string?][] = [
      ['before the window', researcher2, application(future.id), 400, 'window_not_open'],
      ['after the window', researcher2, application(past.id), 400, 'window_closed'],
      ['another city’s programme', researcher, application(qingdaoOnly.id), 400, 'out_of_scope'],
      ['a programme of admin grants', researcher2, application(byAdmins.id), 400, 'not_by_application'],
      ['an unknown programme', researcher2, application(999_999), 400, 'unknown_programme'],
      ['more than the cap', researcher2, application(open.id, { amountFen: 5_000_001 }), 400, 'above_cap'],
      ['no declaration', researcher2, application(open.id, { declaresNoRelatedParties: false }), 400, 'must_be_true'],
      ['nothing asked', researcher2, application(open.id, { amountFen: 0 }), 400],
      ['yuan with decimals', researcher2, application(open.id, { amountFen: 100.5 }), 400],
      ['no planned use', researcher2, application(open.id, { plannedUse: '测试' }), 400],
      ['a lab', lab, application(open.id), 403],
      ['a finance office', jinan, application(open.id), 403],
    ];
    for (const [what, agent, body, status, code] of cases) {
      const res = await agent.post('/api/v1/voucher-applications').send(body);
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
      if (code)
        expect(
          res.body.errors.map((e: { message: string }) => e.message),
          what,
        ).toContain(code);
    }
    expect(await count(`SELECT COUNT(*) FROM voucher_applications`)).toBe(before);
  });

  it('refuses an enterprise that is not certified, or whose certification has lapsed', async () => {
    // An uncertified enterprise of 济南, with a researcher of its own.
    const uncertified = (await one<{ id: number }>(
      `SELECT o.id FROM organisations o WHERE o.kind = 'enterprise' AND o.city_code = '370100' AND o.status = 'approved'
         AND NOT EXISTS (SELECT 1 FROM enterprise_certifications c WHERE c.organisation_id = o.id) ORDER BY o.id LIMIT 1`,
    ))!.id;
    await t.db.run(
      `INSERT INTO users (email, password_hash, display_name, role, organisation_id, created_at, email_verified_at, password_changed_at)
       SELECT 'uncertified@test.local', password_hash, '张未认', 'researcher', ?, created_at, created_at, created_at
       FROM users WHERE email = 'researcher@demo.test'`,
      [uncertified],
    );
    const sme = await signIn(t.app, 'uncertified@test.local');
    const refused = await sme.post('/api/v1/voucher-applications').send(application(open.id));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toBe('not_certified');
    expect((await sme.get('/api/v1/voucher-applications/eligibility')).body).toMatchObject({ certification: null });

    // 临沂's enterprise: its certificate ran out yesterday.
    const before = await one<{ expiresOn: string }>(
      `SELECT expires_on AS "expiresOn" FROM enterprise_certifications WHERE organisation_id = ?`,
      enterprise3,
    );
    await t.db.run(`UPDATE enterprise_certifications SET expires_on = '2026-11-30' WHERE organisation_id = ?`, [
      enterprise3,
    ]);
    try {
      const lapsed = await researcher3.post('/api/v1/voucher-applications').send(application(open.id));
      expect(lapsed.status).toBe(400);
      expect(lapsed.body.errors[0].message).toBe('certification_expired');
      const eligibility = (await researcher3.get('/api/v1/voucher-applications/eligibility')).body;
      expect(eligibility.certification).toMatchObject({ valid: false, expiresOn: '2026-11-30' });
      expect(eligibility.programmes.find((p: { id: number }) => p.id === open.id).blockedBy).toBe(
        'certification_expired',
      );
    } finally {
      await t.db.run(`UPDATE enterprise_certifications SET expires_on = ? WHERE organisation_id = ?`, [
        before.expiresOn,
        enterprise3,
      ]);
    }
  });

  it('refuses a restricted account', async () => {
    await t.db.run(
      `INSERT INTO users (email, password_hash, display_name, role, organisation_id, created_at, password_changed_at)
       SELECT 'unverified@test.local', password_hash, '钱未验', 'researcher', organisation_id, created_at, created_at
       FROM users WHERE email = 'researcher2@demo.test'`,
    );
    const unverified = await signIn(t.app, 'unverified@test.local');
    const res = await unverified.post('/api/v1/voucher-applications').send(application(open.id));
    expect(res.status).toBe(403);
    expect(res.body.restriction).toBe('email_unverified');
    expect((await unverified.get('/api/v1/voucher-applications')).status).toBe(403);
  });
});

describe('reviewing', () => {
  let p: { id: number; name: string };
  let applied: { id: number };
  const jinanFinance = () => userOf('finance@demo.test');

  beforeAll(async () => {
    p = await createProgramme({ name: '申领审核测试项目' });
  });

  it('takes one application per programme and tells the office of the enterprise’s city', async () => {
    const res = await researcher.post('/api/v1/voucher-applications').send(application(p.id));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    applied = res.body;
    expect(res.body).toMatchObject({
      status: 'submitted',
      amountFen: 3_000_000,
      approvedFen: null,
      quotaId: null,
      mayEdit: true,
      mayReview: false,
      reviewOffice: { level: 'city', cityCode: '370100', cityName: '济南' },
      history: [{ action: 'submitted', actorName: '李文博' }],
    });
    const twice = await researcher.post('/api/v1/voucher-applications').send(application(p.id));
    expect(twice.status).toBe(409);
    expect(await notificationsOf(await jinanFinance(), 'application_submitted')).toBeGreaterThanOrEqual(1);
    const [entry] = await auditOf('voucher_application.apply', applied.id);
    expect(entry!.actor_email).toBe('researcher@demo.test');
    expect(JSON.parse(entry!.details)).toMatchObject({ programmeId: p.id, amountFen: 3_000_000 });
  });

  it('is refused to another city’s office, the province when the city reviews, and researchers', async () => {
    for (const [who, agent, status] of [
      ['青岛', qingdao, 403],
      ['the province', province, 403],
      ['a researcher', researcher2, 403],
      ['its own researcher', researcher, 403],
      ['a lab', lab, 403],
    ] as const) {
      const res = await agent.post(`/api/v1/voucher-applications/${applied.id}/approve`).send({ approvedFen: 100 });
      expect(res.status, who).toBe(status);
    }
    expect((await qingdao.get(`/api/v1/voucher-applications/${applied.id}`)).status).toBe(404);
    // The province reads it (oversight), without the right to decide.
    expect((await province.get(`/api/v1/voucher-applications/${applied.id}`)).body.mayReview).toBe(false);
    const denied = await auditOf('voucher_application.approve', applied.id, 'denied');
    expect(denied.map((d) => d.actor_email)).toEqual(['finance3@demo.test', 'finance2@demo.test']);
    expect(await count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ?`, p.id)).toBe(0);
  });

  it('returns it with reasons; the enterprise changes it and submits it again', async () => {
    expect((await jinan.post(`/api/v1/voucher-applications/${applied.id}/return`).send({ note: '' })).status).toBe(400);
    const returned = await jinan
      .post(`/api/v1/voucher-applications/${applied.id}/return`)
      .send({ note: '请细化拟使用的仪器和机时' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'returned', reviewNote: '请细化拟使用的仪器和机时' });
    expect(await notificationsOf(await userOf('researcher@demo.test'), 'voucher_application_reviewed')).toBe(1);
    // Not awaiting review: nothing to approve.
    expect(
      (await jinan.post(`/api/v1/voucher-applications/${applied.id}/approve`).send({ approvedFen: 100 })).status,
    ).toBe(409);
    const change = {
      amountFen: 2_500_000,
      plannedUse: '扫描电镜 40 机时、X射线衍射 20 个样品',
      declaresNoRelatedParties: true,
    };
    expect(
      (await researcher.put(`/api/v1/voucher-applications/${applied.id}`).send({ ...change, amountFen: 9e6 })).status,
    ).toBe(400);
    const again = await researcher.put(`/api/v1/voucher-applications/${applied.id}`).send(change);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'submitted', amountFen: 2_500_000 });
    expect(again.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'returned',
      'resubmitted',
    ]);
    expect((await researcher.put(`/api/v1/voucher-applications/${applied.id}`).send(change)).status).toBe(409);
  });

  it('approves a smaller amount: exactly one quota, granted through the ledger, and booked with', async () => {
    const over = await jinan
      .post(`/api/v1/voucher-applications/${applied.id}/approve`)
      .send({ approvedFen: 2_500_001 });
    expect(over.status).toBe(400);
    expect(over.body.errors[0].message).toBe('above_asked');
    const res = await jinan
      .post(`/api/v1/voucher-applications/${applied.id}/approve`)
      .send({ approvedFen: 2_000_000, note: '按 2 万元核定' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'approved', approvedFen: 2_000_000, reviewerName: '孙海燕' });
    const quotaId = res.body.quotaId as number;
    expect(quotaId).toBeGreaterThan(0);
    // Once: approving again is refused, so is a second application.
    expect(
      (await jinan.post(`/api/v1/voucher-applications/${applied.id}/approve`).send({ approvedFen: 1 })).status,
    ).toBe(409);
    expect((await researcher.post('/api/v1/voucher-applications').send(application(p.id))).status).toBe(409);
    expect(
      await count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ? AND enterprise_id = ?`, p.id, enterprise),
    ).toBe(1);
    // The ledger: the grant moved the amount from the programme's quota source to the quota's account.
    const grant = await one<{ amountFen: number; code: string }>(
      `SELECT amount_fen AS "amountFen", code FROM ledger_transfers WHERE id = ?`,
      `quota:${quotaId}:grant`,
    );
    expect(grant).toMatchObject({ amountFen: 2_000_000, code: 'quota_grant' });
    const quota = (await researcher.get('/api/v1/vouchers')).body.items.find((q: { id: number }) => q.id === quotaId);
    expect(quota).toMatchObject({ capFen: 2_000_000, availableFen: 2_000_000, status: 'active', programmeId: p.id });
    // Told, and recorded with the amounts.
    const researcherId = await userOf('researcher@demo.test');
    expect(await notificationsOf(researcherId, 'voucher_application_reviewed')).toBe(2);
    expect(await notificationsOf(researcherId, 'quota_granted')).toBe(1);
    const [approved] = await auditOf('voucher_application.approve', applied.id);
    expect(JSON.parse(approved!.details)).toMatchObject({ amountFen: 2_500_000, approvedFen: 2_000_000, quotaId });
    expect(await auditOf('voucher_application.return', applied.id)).toHaveLength(1);
    expect(await auditOf('voucher_application.resubmit', applied.id)).toHaveLength(1);

    // The enterprise books with it, as with any quota.
    const instrument = (await t.db.value<number>(
      `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' ORDER BY i.id LIMIT 1`,
    ))!;
    expect((await lab.put(`/api/v1/instruments/${instrument}/schedule`).send(testSchedule())).status).toBe(200);
    const booked = await researcher.post('/api/v1/bookings').send({
      instrumentId: instrument,
      mode: 'machine_time',
      purpose: '材料表征',
      start: '2026-12-08T09:00:00+08:00',
      end: '2026-12-08T11:00:00+08:00',
      useVoucher: true,
      quotaId,
      paymentToken: 'tok_visa',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const b = booked.body;
    expect(b.price.voucherFen).toBe(Math.floor((b.price.totalFen * 40) / 100));
    expect(b.voucherUse).toMatchObject({ status: 'reserved', programmeId: p.id, reservedFen: b.price.voucherFen });
    const done = await walkAtTheirTimes(clock, lab, researcher, b.id, ['approve'], ['check-in'], ['complete']);
    expect(done.voucherUse).toMatchObject({ status: 'posted', postedFen: b.price.voucherFen });
    const after = (await researcher.get('/api/v1/vouchers')).body.items.find((q: { id: number }) => q.id === quotaId);
    expect(after).toMatchObject({ usedFen: b.price.voucherFen, availableFen: 2_000_000 - b.price.voucherFen });
  });

  it('rejects with reasons; the enterprise may apply again, or withdraw', async () => {
    const first = (await researcher2.post('/api/v1/voucher-applications').send(application(p.id))).body;
    expect(first.reviewOffice).toMatchObject({ level: 'city', cityCode: '370200' });
    // 济南's office does not decide on 青岛's enterprises.
    expect(
      (await jinan.post(`/api/v1/voucher-applications/${first.id}/reject`).send({ note: '不符合条件' })).status,
    ).toBe(403);
    const rejected = await qingdao
      .post(`/api/v1/voucher-applications/${first.id}/reject`)
      .send({ note: '拟使用服务与企业研发方向不符' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewNote: '拟使用服务与企业研发方向不符' });
    expect(await auditOf('voucher_application.reject', first.id)).toHaveLength(1);
    expect((await researcher2.post(`/api/v1/voucher-applications/${first.id}/withdraw`)).status).toBe(409);

    const second = (await researcher2.post('/api/v1/voucher-applications').send(application(p.id))).body;
    expect(second.status).toBe('submitted');
    const withdrawn = await researcher2.post(`/api/v1/voucher-applications/${second.id}/withdraw`);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', mayEdit: false });
    expect(
      (await qingdao.post(`/api/v1/voucher-applications/${second.id}/approve`).send({ approvedFen: 1 })).status,
    ).toBe(409);
    // Another enterprise's application is not found by it.
    expect((await researcher2.get(`/api/v1/voucher-applications/${applied.id}`)).status).toBe(404);
    expect((await researcher2.post(`/api/v1/voucher-applications/${applied.id}/withdraw`)).status).toBe(404);
    expect(
      await count(
        `SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ? AND enterprise_id = ?`,
        p.id,
        enterprise2,
      ),
    ).toBe(0);
  });

  it('has a city’s own programme reviewed by that city, and a provincial-level one by the province', async () => {
    const linyiProgramme = await createProgramme({ issuerCityCode: '371300' });
    const a = (await researcher3.post('/api/v1/voucher-applications').send(application(linyiProgramme.id))).body;
    expect(a.reviewOffice).toMatchObject({ level: 'city', cityCode: '371300' });
    expect(
      (await province.post(`/api/v1/voucher-applications/${a.id}/approve`).send({ approvedFen: 1_000_000 })).status,
    ).toBe(403);
    const ok = await linyi.post(`/api/v1/voucher-applications/${a.id}/approve`).send({ approvedFen: 1_000_000 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);

    const provincial = await createProgramme({ reviewLevel: 'province' });
    const b = (await researcher3.post('/api/v1/voucher-applications').send(application(provincial.id))).body;
    expect(b.reviewOffice).toMatchObject({ level: 'province', cityCode: null });
    expect((await linyi.post(`/api/v1/voucher-applications/${b.id}/approve`).send({ approvedFen: 1 })).status).toBe(
      403,
    );
    expect(
      (await province.post(`/api/v1/voucher-applications/${b.id}/approve`).send({ approvedFen: 1_000_000 })).status,
    ).toBe(200);
    // The queues: 临沂 sees its programme's and its enterprise's; 青岛 neither.
    const linyiQueue = (await linyi.get(`/api/v1/voucher-applications?programmeId=${linyiProgramme.id}`)).body.items;
    expect(linyiQueue.map((x: { id: number }) => x.id)).toEqual([a.id]);
    expect((await qingdao.get(`/api/v1/voucher-applications?programmeId=${linyiProgramme.id}`)).body.items).toEqual([]);
    expect(linyiQueue[0].enterprise.contactPhone ?? '').not.toMatch(/^\d{11}$/);
  });
});

describe('automatic quotas', () => {
  const certifiedOf = (city: string) =>
    count(
      `SELECT COUNT(*) FROM organisations o JOIN enterprise_certifications c ON c.organisation_id = o.id
       WHERE o.kind = 'enterprise' AND o.status = 'approved' AND o.city_code = ? AND c.revoked_at IS NULL
         AND c.expires_on >= '2026-12-01'`,
      city,
    );
  const quotasOf = (programmeId: number) =>
    count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ?`, programmeId);

  it('grants every certified enterprise of the scope one quota, however often and at once the pass runs', async () => {
    const services = servicesOf(t.app);
    const expected = await certifiedOf('370200');
    expect(expected).toBeGreaterThan(0);
    const p = await createProgramme({
      issuerCityCode: '370200',
      quotaIssueMode: 'automatic',
      automaticQuotaFen: 1_000_000,
    });
    // The pass started by the programme's creation, and two more at once (two nodes' jobs).
    const [a, b] = await Promise.all([
      services.applications.grantAutomaticQuotas(),
      services.applications.grantAutomaticQuotas(),
    ]);
    await services.applications.automaticQuotasSettled();
    expect(await quotasOf(p.id)).toBe(expected);
    expect(a + b).toBeLessThanOrEqual(expected);
    expect(
      await count(
        `SELECT COUNT(*) FROM (SELECT enterprise_id FROM voucher_quotas WHERE programme_id = ? GROUP BY enterprise_id HAVING COUNT(*) > 1) d`,
        p.id,
      ),
    ).toBe(0);
    // Again: nothing more.
    expect(await services.applications.grantAutomaticQuotas()).toBe(0);
    const now = await admin.post(`/api/v1/voucher-programmes/${p.id}/automatic-quotas`);
    expect(now.body).toEqual({ granted: 0 });
    expect(await quotasOf(p.id)).toBe(expected);
    // Each grant funded in the ledger with the amount, told and audited.
    expect(
      await count(
        `SELECT COUNT(*) FROM ledger_transfers t JOIN voucher_quotas q ON t.id = 'quota:' || q.id || ':grant'
         WHERE q.programme_id = ? AND t.amount_fen = 1000000`,
        p.id,
      ),
    ).toBe(expected);
    const quota = (await researcher2.get('/api/v1/vouchers')).body.items.find(
      (q: { programmeId: number }) => q.programmeId === p.id,
    );
    expect(quota).toMatchObject({ capFen: 1_000_000, status: 'active' });
    expect(await notificationsOf(await userOf('researcher2@demo.test'), 'quota_granted')).toBeGreaterThanOrEqual(1);
    const audited = await t.db.all<{ details: unknown }>(
      `SELECT details FROM audit_log WHERE action = 'voucher.quota_auto_grant'`,
    );
    expect(audited.filter((a) => fromJson<{ programmeId: number }>(a.details).programmeId === p.id)).toHaveLength(
      expected,
    );
    // Not 济南's enterprises.
    expect(
      await count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ? AND enterprise_id = ?`, p.id, enterprise),
    ).toBe(0);
  });

  it('grants a newly certified enterprise its quota at certification, and a programme switched to automatic', async () => {
    const services = servicesOf(t.app);
    const p = await createProgramme({ issuerCityCode: '370200', quotaIssueMode: 'admin', name: '青岛自动发放测试' });
    expect(await quotasOf(p.id)).toBe(0);
    const switched = await admin.put(`/api/v1/voucher-programmes/${p.id}`).send(
      programmeInput({
        name: p.name,
        issuerCityCode: '370200',
        quotaIssueMode: 'automatic',
        automaticQuotaFen: 500_000,
      }),
    );
    expect(switched.status).toBe(200);
    await services.applications.automaticQuotasSettled();
    const before = await quotasOf(p.id);
    expect(before).toBe(await certifiedOf('370200'));
    // An uncertified 青岛 enterprise, certified by an admin: its quota comes with the certification.
    const newcomer = (await one<{ id: number }>(
      `SELECT o.id FROM organisations o WHERE o.kind = 'enterprise' AND o.city_code = '370200' AND o.status = 'approved'
         AND NOT EXISTS (SELECT 1 FROM enterprise_certifications c WHERE c.organisation_id = o.id) ORDER BY o.id LIMIT 1`,
    ))!.id;
    const certified = await admin
      .put(`/api/v1/enterprises/${newcomer}/certification`)
      .send({ certificateNo: '202637020000000999', certifiedOn: '2026-12-01', expiresOn: '2026-12-31' });
    expect(certified.status, JSON.stringify(certified.body)).toBe(200);
    expect(await quotasOf(p.id)).toBe(before + 1);
    expect(
      await count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ? AND enterprise_id = ?`, p.id, newcomer),
    ).toBe(1);
    // An admin's "grant now" refuses a programme not in automatic mode.
    const admins = await createProgramme({ quotaIssueMode: 'admin' });
    expect((await admin.post(`/api/v1/voucher-programmes/${admins.id}/automatic-quotas`)).status).toBe(400);
    expect((await admin.post(`/api/v1/voucher-programmes/999999/automatic-quotas`)).status).toBe(404);
    expect((await jinan.post(`/api/v1/voucher-programmes/${p.id}/automatic-quotas`)).status).toBe(403);
  });
});
