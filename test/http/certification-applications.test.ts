/**
 * SME (科技型中小企业) certification applications against the real app: an enterprise applies with its
 * registration number and year and uploads its certificate (an HTML file posing as a PDF is refused);
 * its city's office returns it, the enterprise fixes and resubmits, the office approves — the
 * enterprise is certified through the existing certification, valid through 31 December of the
 * evaluation year, and gets its automatic quotas at once; the certification then lapses by date and
 * voucher applications are refused. Also the refusals, rejection, withdrawal, the province's office,
 * notifications, history and the audit log.
 */
import type { Param } from '../../db/port.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { expectMoneyInvariants } from '../support/money.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
type Agent = Awaited<ReturnType<typeof signIn>>;

const PDF = Buffer.from('%PDF-1.4\n% 科技型中小企业入库登记证明\n1 0 obj << >> endobj\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
const NUMBER = '202637010300001234';

let t: TestApp;
let sme: Agent; // a researcher of an uncertified 济南 enterprise
let sme2: Agent; // of an uncertified 青岛 enterprise
let researcher: Agent;
let lab: Agent;
let admin: Agent;
let jinan: Agent;
let province: Agent;
let qingdao: Agent;
let smeOrg: number;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(await t.db.value(sql, params));
const userOf = async (email: string) => (await one<{ id: number }>(`SELECT id FROM users WHERE email = ?`, email)).id;
const uploadUrl = (id: number, kind = 'sme_certificate', name = '入库登记证明.pdf') =>
  `/api/v1/certification-applications/${id}/documents/${kind}?name=${encodeURIComponent(name)}`;
const upload = (agent: Agent, id: number, bytes: Buffer, kind?: string) =>
  agent.put(uploadUrl(id, kind)).set('Content-Type', 'application/pdf').send(bytes);

/**
 * An uncertified, approved enterprise of the city, none of the demo accounts' (`…@demo.test`; the usage
 * history's members are `…@<firm>.demo.test`), and a researcher of it who can sign in.
 */
async function newcomer(city: string, email: string): Promise<number> {
  const org = (await one<{ id: number }>(
    `SELECT o.id FROM organisations o WHERE o.kind = 'enterprise' AND o.city_code = ? AND o.status = 'approved'
       AND NOT EXISTS (SELECT 1 FROM enterprise_certifications c WHERE c.organisation_id = o.id)
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id AND u.email LIKE '%@demo.test')
     ORDER BY o.id LIMIT 1`,
    city,
  ))!.id;
  await t.db.run(
    `INSERT INTO users (email, password_hash, display_name, role, organisation_id, created_at, email_verified_at, password_changed_at)
     SELECT ?, password_hash, '周新企', 'researcher', ?, created_at, created_at, created_at FROM users WHERE email = 'researcher@demo.test'`,
    [email, org],
  );
  return org;
}

const audits = (action: string, subjectId: number, outcome = 'success') =>
  t.db.all<{ details: string; actor_email: string | null }>(
    `SELECT details, actor_email FROM audit_log WHERE action = ? AND subject_id = ? AND outcome = ? ORDER BY id`,
    [action, String(subjectId), outcome],
  );

beforeAll(async () => {
  t = await createTestApp({ instruments: 50, clock, sessionTtlHours: 24 * 90 });
  smeOrg = await newcomer('370100', 'sme@test.local');
  await newcomer('370200', 'sme2@test.local');
  sme = await signIn(t.app, 'sme@test.local');
  sme2 = await signIn(t.app, 'sme2@test.local');
  researcher = await signIn(t.app, 'researcher@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  jinan = await signIn(t.app, 'finance@demo.test');
  province = await signIn(t.app, 'finance2@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t?.close());

describe('applying', () => {
  it.each([
    ['a number of 17 digits', { registrationNo: '20263701030000123', registrationYear: 2026 }, 'body.registrationNo'],
    ['letters in the number', { registrationNo: '2026370103000012AB', registrationYear: 2026 }, 'body.registrationNo'],
    [
      'a number of another year',
      { registrationNo: '202537010300001234', registrationYear: 2026 },
      'body.registrationNo',
    ],
    [
      'last year’s registration',
      { registrationNo: '202537010300001234', registrationYear: 2025 },
      'body.registrationYear',
    ],
    ['next year’s', { registrationNo: '202737010300001234', registrationYear: 2027 }, 'body.registrationYear'],
    ['no year', { registrationNo: NUMBER }, 'body.registrationYear'],
  ])('refuses %s', async (_what, body, path) => {
    const res = await sme.post('/api/v1/certification-applications').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await count(`SELECT COUNT(*) FROM certification_applications`)).toBe(0);
  });

  it('is for enterprises’ researchers whose accounts may act', async () => {
    const body = { registrationNo: NUMBER, registrationYear: 2026 };
    expect((await lab.post('/api/v1/certification-applications').send(body)).status).toBe(403);
    expect((await jinan.post('/api/v1/certification-applications').send(body)).status).toBe(403);
    await t.db.run(`UPDATE organisations SET status = 'pending_review' WHERE id = ?`, [smeOrg]);
    try {
      const res = await sme.post('/api/v1/certification-applications').send(body);
      expect(res.status).toBe(403);
      expect(res.body.restriction).toBe('organisation_unapproved');
    } finally {
      await t.db.run(`UPDATE organisations SET status = 'approved' WHERE id = ?`, [smeOrg]);
    }
    expect(await count(`SELECT COUNT(*) FROM certification_applications`)).toBe(0);
  });
});

describe('from application to certification', () => {
  let id: number;

  it('takes the application, one at a time, and tells 济南’s office', async () => {
    const res = await sme
      .post('/api/v1/certification-applications')
      .send({ registrationNo: NUMBER, registrationYear: 2026 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    id = res.body.id;
    expect(res.body).toMatchObject({
      status: 'submitted',
      registrationNo: NUMBER,
      mayEdit: true,
      documents: [],
      certification: null,
      history: [{ action: 'submitted', actorName: '周新企' }],
    });
    expect(
      (await sme.post('/api/v1/certification-applications').send({ registrationNo: NUMBER, registrationYear: 2026 }))
        .status,
    ).toBe(409);
    // Another enterprise may not claim the same number.
    const taken = await sme2
      .post('/api/v1/certification-applications')
      .send({ registrationNo: NUMBER, registrationYear: 2026 });
    expect(taken.status).toBe(400);
    expect(taken.body.errors[0].message).toBe('number_taken');
    const financeId = await userOf('finance@demo.test');
    expect(
      await count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND type = 'application_submitted'`, financeId),
    ).toBe(1);
    expect((await audits('certification.apply', id))[0]!.actor_email).toBe('sme@test.local');
  });

  it('refuses an HTML file sent as the certificate PDF, and keeps a real one', async () => {
    const html = await upload(sme, id, HTML);
    expect(html.status).toBe(415);
    expect(await count(`SELECT COUNT(*) FROM documents WHERE subject_type = 'certification_application'`)).toBe(0);
    expect((await upload(sme, id, PDF, 'business_licence')).status).toBe(400);
    expect((await upload(researcher, id, PDF)).status).toBe(404);
    expect((await upload(jinan, id, PDF)).status).toBe(403);
    const ok = await upload(sme, id, PDF);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.documents).toHaveLength(1);
    const doc = ok.body.documents[0];
    expect(doc).toMatchObject({ kind: 'sme_certificate', mime: 'application/pdf', size: PDF.length });
    const file = await download(jinan, doc.url);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);
    expect(file.headers['content-disposition']).toMatch(/attachment/);
    // Not another city's office, nor another enterprise.
    expect((await qingdao.get(doc.url)).status).toBe(404);
    expect((await researcher.get(doc.url)).status).toBe(404);
  });

  it('is reviewed by 济南’s office or the province, not by 青岛’s nor by researchers', async () => {
    const refused = await qingdao.post(`/api/v1/certification-applications/${id}/approve`).send({});
    expect(refused.status).toBe(403);
    expect((await qingdao.get(`/api/v1/certification-applications/${id}`)).status).toBe(404);
    expect((await researcher.post(`/api/v1/certification-applications/${id}/approve`).send({})).status).toBe(403);
    expect((await sme.post(`/api/v1/certification-applications/${id}/approve`).send({})).status).toBe(403);
    expect((await audits('certification.approve', id, 'denied')).map((a) => a.actor_email)).toEqual([
      'finance3@demo.test',
    ]);
    const queue = (await jinan.get('/api/v1/certification-applications?status=submitted')).body.items;
    expect(queue.map((a: { id: number }) => a.id)).toEqual([id]);
    expect(queue[0]).toMatchObject({ mayReview: true, enterprise: { id: smeOrg, cityCode: '370100' } });
    expect((await qingdao.get('/api/v1/certification-applications')).body.items).toEqual([]);
    expect((await province.get(`/api/v1/certification-applications/${id}`)).body.mayReview).toBe(true);
  });

  it('is returned with reasons, fixed and submitted again', async () => {
    expect((await jinan.post(`/api/v1/certification-applications/${id}/return`).send({})).status).toBe(400);
    const returned = await jinan
      .post(`/api/v1/certification-applications/${id}/return`)
      .send({ note: '入库登记编号与证明材料不一致' });
    expect(returned.body).toMatchObject({ status: 'returned', reviewNote: '入库登记编号与证明材料不一致' });
    const smeUser = await userOf('sme@test.local');
    expect(
      await count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND type = 'certification_reviewed'`, smeUser),
    ).toBe(1);
    expect((await jinan.post(`/api/v1/certification-applications/${id}/approve`).send({})).status).toBe(409);
    const fixed = await sme
      .put(`/api/v1/certification-applications/${id}`)
      .send({ registrationNo: '202637010300005678', registrationYear: 2026 });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'submitted', registrationNo: '202637010300005678' });
    expect(fixed.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'returned',
      'resubmitted',
    ]);
    expect(await audits('certification.return', id)).toHaveLength(1);
    expect(await audits('certification.resubmit', id)).toHaveLength(1);
  });

  it('is approved: certified through the year’s end, with the automatic quotas of its city at once', async () => {
    const services = servicesOf(t.app);
    // 济南's programme gives every certified enterprise of the city a quota.
    const auto = await admin.post('/api/v1/voucher-programmes').send({
      name: '济南市自动发放创新券',
      province: '山东省',
      issuerCityCode: '370100',
      year: 2026,
      ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 2_000_000,
      budgetFen: 50_000_000,
      startsOn: '2026-01-01',
      useBy: '2027-06-30',
      claimBy: '2027-09-30',
      quotaIssueMode: 'automatic',
      automaticQuotaFen: 1_000_000,
    });
    expect(auto.status, JSON.stringify(auto.body)).toBe(201);
    await services.applications.automaticQuotasSettled();
    const quotaOfSme = () =>
      count(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ? AND enterprise_id = ?`, auto.body.id, smeOrg);
    expect(await quotaOfSme()).toBe(0);

    const late = await jinan.post(`/api/v1/certification-applications/${id}/approve`).send({ expiresOn: '2027-01-31' });
    expect(late.status).toBe(400);
    expect(late.body.errors[0].message).toBe('after_year_end');
    expect(
      (await jinan.post(`/api/v1/certification-applications/${id}/approve`).send({ certifiedOn: '2026-12-02' })).status,
    ).toBe(400);
    const res = await jinan.post(`/api/v1/certification-applications/${id}/approve`).send({ note: '材料齐全' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      status: 'approved',
      certifiedOn: '2026-12-01',
      expiresOn: '2026-12-31',
      reviewerName: '孙海燕',
      certification: { certificateNo: '202637010300005678', expiresOn: '2026-12-31', valid: true },
    });
    const row = await one<Record<string, unknown>>(
      `SELECT certificate_no, certified_on, expires_on, revoked_at FROM enterprise_certifications WHERE organisation_id = ?`,
      smeOrg,
    );
    expect(row).toMatchObject({
      certificate_no: '202637010300005678',
      certified_on: '2026-12-01',
      expires_on: '2026-12-31',
      revoked_at: null,
    });
    const enterprises = (await admin.get(`/api/v1/enterprises?q=${encodeURIComponent(res.body.enterprise.name)}`)).body
      .items;
    expect(enterprises[0].certification).toMatchObject({ valid: true, expiresOn: '2026-12-31' });
    // Its automatic quota came with the certification, once.
    expect(await quotaOfSme()).toBe(1);
    expect(await services.applications.grantAutomaticQuotas()).toBe(0);
    expect(await quotaOfSme()).toBe(1);
    const smeUser = await userOf('sme@test.local');
    expect(
      await count(
        `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND type IN ('certification_reviewed', 'quota_granted')`,
        smeUser,
      ),
    ).toBe(3);
    const [approved] = await audits('certification.approve', id);
    expect(JSON.parse(approved!.details)).toMatchObject({
      enterpriseId: smeOrg,
      registrationNo: '202637010300005678',
      expiresOn: '2026-12-31',
    });
    // Closed: no more documents, no withdrawal.
    expect((await upload(sme, id, PDF)).status).toBe(409);
    expect((await sme.post(`/api/v1/certification-applications/${id}/withdraw`)).status).toBe(409);
  });

  it('lapses after 31 December: voucher applications are then refused', async () => {
    const programme = await admin.post('/api/v1/voucher-programmes').send({
      name: '跨年申领测试项目',
      province: '山东省',
      year: 2026,
      ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 2_000_000,
      budgetFen: 50_000_000,
      startsOn: '2026-01-01',
      useBy: '2027-06-30',
      claimBy: '2027-09-30',
      quotaIssueMode: 'application',
      applicationOpensOn: '2026-11-01',
      applicationClosesOn: '2027-03-31',
    });
    expect(programme.status).toBe(201);
    const body = {
      programmeId: programme.body.id,
      amountFen: 1_000_000,
      plannedUse: '新产品的材料性能测试与成分分析',
      declaresNoRelatedParties: true,
    };
    const eligibility = (await sme.get('/api/v1/voucher-applications/eligibility')).body;
    expect(eligibility.programmes.find((p: { id: number }) => p.id === programme.body.id).blockedBy).toBeNull();
    clock.set(Date.parse('2027-01-02T09:00:00+08:00'));
    try {
      const refused = await sme.post('/api/v1/voucher-applications').send(body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].message).toBe('certification_expired');
      const later = (await sme.get('/api/v1/voucher-applications/eligibility')).body;
      expect(later.certification).toMatchObject({ valid: false, expiresOn: '2026-12-31' });
    } finally {
      clock.set(NOW);
    }
    expect((await sme.post('/api/v1/voucher-applications').send(body)).status).toBe(201);
  });
});

describe('rejection and withdrawal', () => {
  it('is rejected with reasons by 青岛’s office; a new application is then approved by the province', async () => {
    const first = (
      await sme2
        .post('/api/v1/certification-applications')
        .send({ registrationNo: '202637020200000042', registrationYear: 2026 })
    ).body;
    expect(
      (await jinan.post(`/api/v1/certification-applications/${first.id}/reject`).send({ note: '不属实' })).status,
    ).toBe(403);
    const rejected = await qingdao
      .post(`/api/v1/certification-applications/${first.id}/reject`)
      .send({ note: '未在全国科技型中小企业信息服务平台查到该编号' });
    expect(rejected.body).toMatchObject({ status: 'rejected', mayEdit: false });
    expect(await audits('certification.reject', first.id)).toHaveLength(1);
    expect(
      (
        await sme2
          .put(`/api/v1/certification-applications/${first.id}`)
          .send({ registrationNo: '202637020200000042', registrationYear: 2026 })
      ).status,
    ).toBe(409);

    const second = (
      await sme2
        .post('/api/v1/certification-applications')
        .send({ registrationNo: '202637020200000043', registrationYear: 2026 })
    ).body;
    expect(second.status).toBe('submitted');
    // Without its certificate it cannot be approved.
    const bare = await province.post(`/api/v1/certification-applications/${second.id}/approve`).send({});
    expect(bare.status).toBe(400);
    expect(bare.body.errors[0].message).toBe('sme_certificate_missing');
    expect((await upload(sme2, second.id, PDF)).status).toBe(200);
    const approved = await province
      .post(`/api/v1/certification-applications/${second.id}/approve`)
      .send({ certifiedOn: '2026-11-20', expiresOn: '2026-12-20' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.certification).toMatchObject({
      certifiedOn: '2026-11-20',
      expiresOn: '2026-12-20',
      valid: true,
    });
    const mine = (await sme2.get('/api/v1/certification-applications')).body.items;
    expect(mine.map((a: { status: string }) => a.status)).toEqual(['approved', 'rejected']);
  });

  it('is withdrawn while under way', async () => {
    const a = (
      await sme
        .post('/api/v1/certification-applications')
        .send({ registrationNo: '202637010300009999', registrationYear: 2026 })
    ).body;
    const withdrawn = await sme.post(`/api/v1/certification-applications/${a.id}/withdraw`);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn' });
    expect((await upload(sme, a.id, PDF)).status).toBe(409);
    expect(
      (await jinan.post(`/api/v1/certification-applications/${a.id}/reject`).send({ note: '撤回后不应审核' })).status,
    ).toBe(409);
    expect(await audits('certification.withdraw', a.id)).toHaveLength(1);
    // Another enterprise's application is not found by it.
    expect((await sme2.get(`/api/v1/certification-applications/${a.id}`)).status).toBe(404);
  });
});
