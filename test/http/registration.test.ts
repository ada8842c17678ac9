/**
 * Registration of real-name organisations against the real app: the form's data (counties, the
 * credit-code check), signing up (signed in at once, restricted), the e-mail verified by a single-use
 * link read from the outbox, documents (an HTML file named licence.pdf refused), submission, review by
 * the platform or the city's office (approve, return, resubmit, reject) with notifications and audit
 * rows, and the refusals: bad fields name the field and write nothing, a taken credit code points to
 * joining, an unreviewed organisation cannot act, a link works once and expires, scripts are limited.
 */
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import {
  creditCodes,
  GOOD_PASSWORD,
  HTML,
  linkToken,
  PDF,
  register,
  registrationBody,
  upload,
} from '../support/organisations.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const HOUR = 3_600_000;
const clock = fixedClock(NOW);
type Agent = Awaited<ReturnType<typeof signIn>>;

let t: TestApp;
let admin: Agent;
const nextCode = creditCodes('registration');
const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(Object.values((await t.db.get(sql, params))!)[0]);
const audits = (action: string, subjectId: number | string) =>
  count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject_id = ?`, action, String(subjectId));
const notified = (email: string, type: string) =>
  count(
    `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = ? AND n.type = ?`,
    email,
    type,
  );
const verify = (token: string) => request(t.app).post('/api/v1/registration/verify-email').send({ token });

beforeAll(async () => {
  t = await createTestApp({ instruments: 60, clock, sessionTtlHours: 24 * 365 });
  admin = await signIn(t.app, 'admin@demo.test');
});
afterAll(() => t.close());
// Each test from a fresh hour of the per-address limit on new accounts.
beforeEach(() => clock.advance(2 * HOUR));

describe('the form’s data', () => {
  it('lists the province’s 136 county-level divisions by city', async () => {
    const res = await request(t.app).get('/api/v1/counties');
    expect(res.status).toBe(200);
    const cities = res.body.cities as { code: string; name: string; counties: { code: string; name: string }[] }[];
    expect(cities).toHaveLength(16);
    expect(cities.flatMap((c) => c.counties)).toHaveLength(136);
    const jinan = cities.find((c) => c.code === '370100')!;
    expect(jinan.counties[0]).toMatchObject({ code: '370102', name: '历下区', nameEn: 'Lixia District' });
    expect(jinan.counties.map((c) => c.name)).toEqual(expect.arrayContaining(['莱芜区', '钢城区', '商河县']));
    const qingdao = await request(t.app).get('/api/v1/counties').query({ cityCode: '370200' });
    expect(qingdao.body.cities).toHaveLength(1);
    expect(qingdao.body.cities[0].counties).toHaveLength(10);
  });

  it('checks a credit code and says whether it is registered', async () => {
    const fresh = nextCode();
    const ok = await request(t.app).get(`/api/v1/registration/credit-codes/${fresh.toLowerCase()}`);
    expect(ok.body).toEqual({ code: fresh, valid: true, problem: null, registered: null });
    const wrong = `${fresh.slice(0, 17)}${fresh[17] === '0' ? '1' : '0'}`;
    const bad = await request(t.app).get(`/api/v1/registration/credit-codes/${wrong}`);
    expect(bad.body).toMatchObject({ valid: false, problem: '第 18 位校验码不正确，请核对', registered: null });
    const enBad = await request(t.app).get(`/api/v1/registration/credit-codes/${wrong}`).set('Accept-Language', 'en');
    expect(enBad.body.problem).toBe('the check character (the 18th) does not match');
    const demo = await one<{ credit_code: string; name: string }>(
      `SELECT o.credit_code, o.name FROM organisations o JOIN users u ON u.organisation_id = o.id WHERE u.email = ?`,
      'researcher@demo.test',
    );
    const taken = await request(t.app).get(`/api/v1/registration/credit-codes/${demo.credit_code}`);
    expect(taken.body.registered).toEqual({ name: demo.name, kind: 'enterprise', joinable: true });
  });
});

describe('the demo', () => {
  it('has an enterprise awaiting review whose administrator signs in and sees the application', async () => {
    const applicant = await signIn(t.app, 'applicant@demo.test');
    const mine = await applicant.get('/api/v1/registration');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      account: { emailVerified: true, orgAdmin: true, restriction: 'organisation_unapproved' },
      organisation: { name: '济南泉城光电检测技术有限公司', status: 'pending_review', countyName: '历城区' },
      missingDocuments: [],
    });
    expect(mine.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'returned',
      'resubmitted',
    ]);
    const licence = await download(applicant, mine.body.documents[0].url);
    expect(licence.status).toBe(200);
    expect((licence.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const queue = await admin.get('/api/v1/registrations');
    expect(queue.body.items.map((o: { name: string }) => o.name)).toContain('济南泉城光电检测技术有限公司');
    expect(queue.body.counts.pending_review).toBeGreaterThanOrEqual(1);
  });
});

describe('registering an enterprise', () => {
  it('signs up, verifies by the mailed link, uploads the licence, is reviewed and approved', async () => {
    const body = registrationBody(nextCode());
    const signup = await request.agent(t.app).post('/api/v1/registration').send(body);
    expect(signup.status, JSON.stringify(signup.body)).toBe(201);
    expect(signup.headers['set-cookie']?.[0]).toMatch(/^sid=/);
    const agent = request.agent(t.app);
    agent.jar.setCookie(signup.headers['set-cookie']![0]!.split(';')[0]!);
    const orgId = signup.body.user.organisation.id as number;

    const org = await one<Record<string, unknown>>(`SELECT * FROM organisations WHERE id = ?`, orgId);
    expect(org).toMatchObject({ status: 'unverified', kind: 'enterprise', county_code: '370102' });
    const user = await one<Record<string, unknown>>(`SELECT * FROM users WHERE email = ?`, body.email);
    expect(user).toMatchObject({ role: 'researcher', membership: 'active', email_verified_at: null });
    expect(Boolean(user.org_admin)).toBe(true);
    expect(await audits('organisation.register', orgId)).toBe(1);

    // The link is single-use and only its hash is stored.
    const token = await linkToken(t, body.email, '/verify-email');
    const stored = await one<{ id: string; expires_at: number }>(
      `SELECT id, expires_at FROM account_tokens WHERE user_id = ? AND purpose = 'verify_email'`,
      user.id as number,
    );
    expect(stored.id).not.toBe(token);
    expect(stored.id).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.expires_at).toBe(clock.now() + 24 * HOUR);

    // Restricted until verified: it sees its application, and can do nothing else.
    const mine = await agent.get('/api/v1/registration');
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      account: { emailVerified: false, orgAdmin: true, restriction: 'email_unverified' },
      organisation: { status: 'unverified', contactPhone: '13805310000', countyName: '历下区' },
      requiredDocuments: ['business_licence'],
      missingDocuments: ['business_licence'],
      canEdit: true,
      canSubmit: false,
    });
    const instrument = await hourlyInstrumentOf(t, 'lab@demo.test');
    const booking = {
      instrumentId: instrument,
      mode: 'machine_time',
      start: '2026-12-20T09:00:00+08:00',
      end: '2026-12-20T11:00:00+08:00',
      purpose: '测试',
    };
    const refused = await agent.post('/api/v1/bookings').send(booking);
    expect(refused.status).toBe(403);
    expect(refused.body.restriction).toBe('email_unverified');

    // An HTML page named licence.pdf is refused; the PDF is taken.
    const html = await upload(agent, orgId, 'business_licence', HTML);
    expect(html.status).toBe(415);
    expect(await count(`SELECT COUNT(*) FROM documents WHERE organisation_id = ?`, orgId)).toBe(0);
    const pdf = await upload(agent, orgId, 'business_licence');
    expect(pdf.status, JSON.stringify(pdf.body)).toBe(200);
    expect(pdf.body).toMatchObject({ kind: 'business_licence', mime: 'application/pdf' });

    // Verified: it goes to review and the platform's admins are told.
    const told = await notified('admin@demo.test', 'registration_submitted');
    const verified = await verify(token);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ organisationStatus: 'pending_review', submitted: true });
    expect(await notified('admin@demo.test', 'registration_submitted')).toBe(told + 1);
    expect(await audits('organisation.submit', orgId)).toBe(1);
    // The link worked once.
    expect((await verify(token)).status).toBe(400);

    const waiting = await agent.post('/api/v1/bookings').send(booking);
    expect(waiting.status).toBe(403);
    expect(waiting.body.restriction).toBe('organisation_unapproved');
    const history = (await agent.get('/api/v1/registration')).body.history as { action: string }[];
    expect(history.map((h) => h.action)).toEqual(['submitted']);

    // The reviewer sees it in the list (contacts masked) and whole on its page, with the licence.
    const list = await admin.get('/api/v1/registrations').query({ q: body.name });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: orgId, contactPhone: '138****0000' });
    expect(list.body.items[0].contactEmail).toMatch(/^a\*\*\*@example\.cn$/);
    const detail = await admin.get(`/api/v1/registrations/${orgId}`);
    expect(detail.body.organisation).toMatchObject({ contactPhone: '13805310000', contactEmail: body.email });
    expect(detail.body.people[0]).toMatchObject({ email: body.email, orgAdmin: true });
    const file = await download(admin, detail.body.documents[0].url);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);

    const approved = await admin.post(`/api/v1/registrations/${orgId}/approve`).send({});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.organisation).toMatchObject({ status: 'approved', reviewedBy: { name: '陈建华' } });
    expect(await audits('organisation.approve', orgId)).toBe(1);
    expect(await notified(body.email, 'registration_reviewed')).toBe(1);
    // Decided once.
    expect((await admin.post(`/api/v1/registrations/${orgId}/approve`).send({})).status).toBe(409);

    // Now it may act.
    const booked = await agent.post('/api/v1/bookings').send(booking);
    expect(booked.status, JSON.stringify(booked.body)).not.toBe(403);
    expect((await agent.get('/api/v1/registration')).body.account.restriction).toBeNull();
  });

  it('waits for its documents when the e-mail is verified first, then is submitted by hand', async () => {
    const body = registrationBody(nextCode());
    const { agent, organisationId } = await register(t.app, body);
    const verified = await verify(await linkToken(t, body.email, '/verify-email'));
    expect(verified.body).toMatchObject({ organisationStatus: 'unverified', submitted: false });
    const early = await agent.post('/api/v1/registration/submit');
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ path: 'documents.business_licence', message: '必填' }]);
    expect((await upload(agent, organisationId, 'business_licence')).status).toBe(200);
    const mine = (await agent.get('/api/v1/registration')).body;
    expect(mine).toMatchObject({ canSubmit: true, account: { restriction: 'organisation_unapproved' } });
    const submitted = await agent.post('/api/v1/registration/submit');
    expect(submitted.status).toBe(200);
    expect(submitted.body.organisation.status).toBe('pending_review');
    expect((await agent.post('/api/v1/registration/submit')).status).toBe(409);
  });

  it('registers an institution: its type and the authorisation letter are required', async () => {
    const code = creditCodes('institution', '12', '370102')();
    const noType = await request(t.app)
      .post('/api/v1/registration')
      .send(registrationBody(code, { kind: 'institution', name: '山东省测试研究院' }));
    expect(noType.status).toBe(400);
    expect(noType.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.institutionType']);
    const body = registrationBody(code, {
      kind: 'institution',
      institutionType: 'institute',
      name: '山东省测试研究院',
    });
    const { agent, organisationId } = await register(t.app, body);
    expect((await one<{ role: string }>(`SELECT role FROM users WHERE email = ?`, body.email)).role).toBe(
      'lab_manager',
    );
    // A lab manager of an unverified institution cannot publish instruments.
    const create = await agent.post('/api/v1/instruments').send({ nameZh: '扫描电镜' });
    expect(create.status).toBe(403);
    expect(create.body.restriction).toBe('email_unverified');
    await upload(agent, organisationId, 'business_licence');
    await verify(await linkToken(t, body.email, '/verify-email'));
    const submit = await agent.post('/api/v1/registration/submit');
    expect(submit.status).toBe(400);
    expect(submit.body.errors.map((e: { path: string }) => e.path)).toEqual(['documents.authorisation_letter']);
    expect((await upload(agent, organisationId, 'authorisation_letter')).status).toBe(200);
    expect((await agent.post('/api/v1/registration/submit')).body.organisation.status).toBe('pending_review');
  });
});

describe('refusals that write nothing', () => {
  const totals = async () => ({
    organisations: await count(`SELECT COUNT(*) FROM organisations`),
    users: await count(`SELECT COUNT(*) FROM users`),
    outbox: await count(`SELECT COUNT(*) FROM outbox`),
    tokens: await count(`SELECT COUNT(*) FROM account_tokens`),
  });

  it.each([
    [
      'a wrong check character',
      (c: string) => ({ creditCode: `${c.slice(0, 17)}${c[17] === '0' ? '1' : '0'}` }),
      'body.creditCode',
    ],
    ['a code of the wrong length', () => ({ creditCode: '9137010' }), 'body.creditCode'],
    ['an enterprise without a 91 code', () => ({ creditCode: creditCodes('not-91', '12')() }), 'body.creditCode'],
    ['a county of another city', () => ({ countyCode: '370202' }), 'body.countyCode'],
    ['an unknown county', () => ({ countyCode: '370199' }), 'body.countyCode'],
    ['an unknown city', () => ({ cityCode: '110100' }), 'body.cityCode'],
    ['a weak password', () => ({ password: 'password' }), 'body.password'],
    [
      'a password that is the e-mail’s name',
      () => ({ email: 'zhangsan.lab@example.cn', password: 'Zhangsan.Lab-2026' }),
      'body.password',
    ],
    ['a landline as the mobile', () => ({ contactPhone: '0531-88881234' }), 'body.contactPhone'],
    ['no legal representative', () => ({ legalRepresentative: '' }), 'body.legalRepresentative'],
  ])('%s → 400 naming the field', async (_, change, path) => {
    const before = await totals();
    const code = nextCode();
    const res = await request(t.app)
      .post('/api/v1/registration')
      .send(registrationBody(code, change(code)));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await totals()).toEqual(before);
  });

  it('a registered credit code → 409 that points to joining; a taken e-mail → 409', async () => {
    const code = nextCode();
    const first = registrationBody(code);
    await register(t.app, first);
    const before = await totals();
    const again = await request(t.app).post('/api/v1/registration').send(registrationBody(code));
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ path: 'body.creditCode', message: '已注册' }]);
    expect(again.body.detail).toContain('申请加入');
    const en = await request(t.app)
      .post('/api/v1/registration')
      .set('Accept-Language', 'en')
      .send(registrationBody(code));
    expect(en.body.detail).toMatch(/ask to join/);
    const email = await request(t.app)
      .post('/api/v1/registration')
      .send(registrationBody(nextCode(), { email: first.email }));
    expect(email.status).toBe(409);
    expect(email.body.errors).toEqual([{ path: 'body.email', message: '已注册账号' }]);
    expect(await totals()).toEqual(before);
  });

  it('limits new accounts per client address (429 with Retry-After), counted in the database', async () => {
    const before = await count(`SELECT COUNT(*) FROM users`);
    let refused: request.Response | null = null;
    for (let i = 0; i < 21 && !refused; i++) {
      const res = await request(t.app).post('/api/v1/registration').send(registrationBody(nextCode()));
      if (res.status === 429) refused = res;
      else expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    expect(await count(`SELECT COUNT(*) FROM users`)).toBe(before + 20);
    expect(await count(`SELECT COUNT(*) FROM login_throttle WHERE key LIKE 'register:%'`)).toBe(1);
    clock.advance(HOUR + 1000);
    expect((await request(t.app).post('/api/v1/registration').send(registrationBody(nextCode()))).status).toBe(201);
  });
});

describe('the verification link', () => {
  it('expires after 24 hours; a new one can be asked for, not twice a minute, and the old one dies', async () => {
    const body = registrationBody(nextCode());
    const { agent } = await register(t.app, body);
    const first = await linkToken(t, body.email, '/verify-email');
    clock.advance(24 * HOUR + 1000);
    const late = await verify(first);
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual([{ path: 'body.token', message: '已过期或已使用' }]);
    expect((await agent.post('/api/v1/registration/verify-email/resend')).status).toBe(204);
    const again = await agent.post('/api/v1/registration/verify-email/resend');
    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toBeDefined();
    const second = await linkToken(t, body.email, '/verify-email');
    expect(second).not.toBe(first);
    expect((await verify(second)).status).toBe(200);
    expect((await agent.post('/api/v1/registration/verify-email/resend')).status).toBe(409);
    expect((await verify('x'.repeat(43))).status).toBe(400);
  });
});

describe('review: return, resubmit, reject', () => {
  async function pending(overrides: Record<string, unknown> = {}) {
    const body = registrationBody(nextCode(), overrides);
    const r = await register(t.app, body);
    await upload(r.agent, r.organisationId, 'business_licence');
    await verify(await linkToken(t, body.email, '/verify-email'));
    return { ...r, body };
  }

  it('returns with reasons; the applicant fixes and resubmits; the reviewers are told again', async () => {
    const { agent, organisationId, body } = await pending();
    expect((await admin.post(`/api/v1/registrations/${organisationId}/return`).send({})).status).toBe(400);
    const returned = await admin
      .post(`/api/v1/registrations/${organisationId}/return`)
      .send({ note: '营业执照扫描件不清晰，请重新上传' });
    expect(returned.status).toBe(200);
    expect(returned.body.organisation.status).toBe('returned');
    expect(await audits('organisation.return', organisationId)).toBe(1);
    expect(await notified(body.email, 'registration_reviewed')).toBe(1);

    const mine = (await agent.get('/api/v1/registration')).body;
    expect(mine).toMatchObject({
      organisation: { status: 'returned', reviewNote: '营业执照扫描件不清晰，请重新上传' },
      canEdit: true,
      canSubmit: true,
    });
    // A bad change is refused, a good one taken.
    const bad = await agent.patch('/api/v1/registration').send({ countyCode: '370211' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'body.countyCode', message: '不是该城市的区县' }]);
    const fixed = await agent.patch('/api/v1/registration').send({ cityCode: '370200', countyCode: '370211' });
    expect(fixed.status).toBe(200);
    expect(fixed.body.organisation).toMatchObject({ cityName: '青岛', countyName: '黄岛区' });
    expect((await upload(agent, organisationId, 'business_licence')).status).toBe(200);
    const told = await notified('admin@demo.test', 'registration_submitted');
    const again = await agent.post('/api/v1/registration/submit');
    expect(again.status).toBe(200);
    expect(again.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'returned',
      'resubmitted',
    ]);
    expect(again.body.history[1]).toMatchObject({
      note: '营业执照扫描件不清晰，请重新上传',
      actor: { name: '陈建华' },
    });
    expect(await notified('admin@demo.test', 'registration_submitted')).toBe(told + 1);
    expect(await audits('organisation.resubmit', organisationId)).toBe(1);
  });

  it('rejects with reasons: the organisation stays unable to act and its fields are frozen', async () => {
    const { agent, organisationId, body } = await pending();
    const rejected = await admin
      .post(`/api/v1/registrations/${organisationId}/reject`)
      .send({ note: '经核实，该单位不属于科技型企业' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.organisation.status).toBe('rejected');
    expect(await audits('organisation.reject', organisationId)).toBe(1);
    expect(await notified(body.email, 'registration_reviewed')).toBe(1);
    const mine = (await agent.get('/api/v1/registration')).body;
    expect(mine).toMatchObject({
      canEdit: false,
      canSubmit: false,
      account: { restriction: 'organisation_unapproved' },
    });
    expect((await agent.patch('/api/v1/registration').send({ name: '改个名字有限公司' })).status).toBe(409);
    expect((await upload(agent, organisationId, 'other')).status).toBe(409);
    // The rejected code stays taken.
    const again = await request(t.app).post('/api/v1/registration').send(registrationBody(body.creditCode));
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('未通过');
  });

  it('keeps documents to the organisation and its reviewers', async () => {
    const { organisationId } = await pending();
    const url = `/api/v1/organisations/${organisationId}/documents/business_licence`;
    expect((await request(t.app).get(url)).status).toBe(401);
    expect((await (await signIn(t.app, 'lab@demo.test')).get(url)).status).toBe(404);
    // A city office does not review while registrations are the platform's.
    const finance = await signIn(t.app, 'finance@demo.test');
    expect((await finance.get(url)).status).toBe(404);
    expect((await finance.get('/api/v1/registrations')).status).toBe(403);
    expect((await download(admin, url)).status).toBe(200);
  });
});

describe('review by the city’s office (registrationReview: city)', () => {
  let c: TestApp;
  beforeAll(async () => {
    c = await createTestApp({
      instruments: 20,
      clock,
      sessionTtlHours: 24 * 365,
      security: { registrationReview: 'city' },
    });
  });
  afterAll(() => c.close());

  it('lets 济南’s office review 济南’s registrations and not 青岛’s, and tells it when one is submitted', async () => {
    const jinan = registrationBody(nextCode());
    const qingdao = registrationBody(nextCode(), { cityCode: '370200', countyCode: '370212' });
    const ids: number[] = [];
    for (const body of [jinan, qingdao]) {
      const r = await register(c.app, body);
      await upload(r.agent, r.organisationId, 'business_licence');
      const token = await linkToken(c, body.email, '/verify-email');
      expect((await request(c.app).post('/api/v1/registration/verify-email').send({ token })).status).toBe(200);
      ids.push(r.organisationId);
    }
    const officeTold = Number(
      (await c.db.value(
        `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.email = 'finance@demo.test' AND n.type = 'registration_submitted'`,
      ))!,
    );
    expect(officeTold).toBe(1);

    const office = await signIn(c.app, 'finance@demo.test'); // 济南市科学技术局
    const list = await office.get('/api/v1/registrations');
    expect(list.status).toBe(200);
    const seen = list.body.items.map((o: { id: number; cityCode: string }) => o.cityCode);
    expect(new Set(seen)).toEqual(new Set(['370100'])); // the demo's own 济南 registration, and ours
    expect(list.body.items.map((o: { id: number }) => o.id)).toContain(ids[0]);
    expect((await office.get(`/api/v1/registrations/${ids[1]}`)).status).toBe(404);
    expect((await office.post(`/api/v1/registrations/${ids[1]}/approve`).send({})).status).toBe(404);
    expect((await download(office, `/api/v1/organisations/${ids[0]}/documents/business_licence`)).status).toBe(200);
    expect((await download(office, `/api/v1/organisations/${ids[1]}/documents/business_licence`)).status).toBe(404);
    const approved = await office.post(`/api/v1/registrations/${ids[0]}/approve`).send({ note: '材料齐全' });
    expect(approved.status).toBe(200);
    expect(approved.body.organisation.status).toBe('approved');

    // 青岛's office reviews 青岛's; the platform reviews all.
    const qingdaoOffice = await signIn(c.app, 'finance3@demo.test');
    expect((await qingdaoOffice.get('/api/v1/registrations')).body.items.map((o: { id: number }) => o.id)).toEqual([
      ids[1],
    ]);
    // The provincial office is not a city's.
    expect((await (await signIn(c.app, 'finance2@demo.test')).get('/api/v1/registrations')).status).toBe(403);
    const platform = await signIn(c.app, 'admin@demo.test');
    expect((await platform.get(`/api/v1/registrations/${ids[1]}`)).status).toBe(200);
  });

  it('still keeps the password policy of the auth module for applicants', async () => {
    const res = await request(c.app)
      .post('/api/v1/registration')
      .send(registrationBody(nextCode(), { password: 'short' }));
    expect(res.status).toBe(400);
    expect(GOOD_PASSWORD.length).toBeGreaterThan(10);
  });
});
