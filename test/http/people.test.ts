/**
 * An organisation's people against the real app: asking to join (verified, then accepted or declined
 * by the organisation's administrator), invitations by e-mail (a single-use link that expires),
 * roles within the organisation's kind, disabling (sessions end at once) and re-enabling, the
 * protections (nobody acts on their own account, an organisation keeps an administrator), the walls
 * between organisations, masked e-mails and phones in lists against the full record for the
 * organisation's administrators and the platform, the platform's directory and its finance offices.
 */
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { creditCodes, GOOD_PASSWORD, linkToken } from '../support/organisations.ts';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const HOUR = 3_600_000;
const clock = fixedClock(NOW);
type Agent = Awaited<ReturnType<typeof signIn>>;
type Person = { id: number; email: string; phone: string | null; membership: string; orgAdmin: boolean };

let t: TestApp;
let admin: Agent; // platform admin
let researcher: Agent; // the demo enterprise's administrator
let lab: Agent; // the demo lab's administrator
let enterpriseId: number;
let enterpriseCode: string;
let labOrgId: number;
let platformOrgId: number;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(Object.values((await t.db.get(sql, params))!)[0]);
const orgOf = async (email: string) =>
  (await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = ?`, email)).organisation_id;
const idOf = async (email: string) => (await one<{ id: number }>(`SELECT id FROM users WHERE email = ?`, email)).id;
const audits = (action: string, outcome = 'success') =>
  count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?`, action, outcome);
const people = async (agent: Agent, orgId: number, query: Record<string, string> = {}) => {
  const res = await agent.get(`/api/v1/organisations/${orgId}/people`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: Person[]; canManage: boolean; full: boolean; roles: string[] };
};
const verify = async (email: string) => {
  const token = await linkToken(t, email, '/verify-email');
  const res = await request(t.app).post('/api/v1/registration/verify-email').send({ token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

async function join(email: string, displayName = '赵新人') {
  const agent = request.agent(t.app);
  const res = await agent
    .post('/api/v1/registration/join')
    .send({ creditCode: enterpriseCode, displayName, email, phone: '13912345678', password: GOOD_PASSWORD });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { agent, id: res.body.user.id as number };
}

async function invite(by: Agent, orgId: number, body: Record<string, unknown>) {
  const res = await by.post(`/api/v1/organisations/${orgId}/invitations`).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Person;
}

async function accept(email: string, password = GOOD_PASSWORD) {
  const token = await linkToken(t, email, '/accept-invitation');
  const agent = request.agent(t.app);
  const res = await agent.post('/api/v1/invitations/accept').send({ token, password });
  return { agent, res, token };
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 40, clock, sessionTtlHours: 24 * 365 });
  [admin, researcher, lab] = await Promise.all([
    signIn(t.app, 'admin@demo.test'),
    signIn(t.app, 'researcher@demo.test'),
    signIn(t.app, 'lab@demo.test'),
  ]);
  enterpriseId = await orgOf('researcher@demo.test');
  labOrgId = await orgOf('lab@demo.test');
  platformOrgId = await orgOf('admin@demo.test');
  enterpriseCode = (
    await one<{ credit_code: string }>(`SELECT credit_code FROM organisations WHERE id = ?`, enterpriseId)
  ).credit_code;
});
afterAll(() => t.close());
beforeEach(() => clock.advance(2 * HOUR));

describe('asking to join an organisation', () => {
  it('verifies, waits for the administrator, is accepted, and may act', async () => {
    const { agent, id } = await join('zhao.xinren@example.cn');
    expect(await one(`SELECT membership, org_admin, role FROM users WHERE id = ?`, id)).toMatchObject({
      membership: 'requested',
      role: 'researcher',
    });
    const waiting = await agent.get('/api/v1/registration');
    expect(waiting.status).toBe(200);
    expect(waiting.body.account).toMatchObject({ membership: 'requested', restriction: 'email_unverified' });
    expect(waiting.body.documents).toEqual([]);
    // The organisation's contacts are not the newcomer's to see whole.
    expect(waiting.body.organisation.contactPhone).toMatch(/\*\*\*\*/);

    const told = await count(
      `SELECT COUNT(*) FROM notifications WHERE type = 'membership_requested' AND user_id = ?`,
      await idOf('researcher@demo.test'),
    );
    expect(await verify('zhao.xinren@example.cn')).toMatchObject({ membership: 'requested', submitted: false });
    expect(
      await count(
        `SELECT COUNT(*) FROM notifications WHERE type = 'membership_requested' AND user_id = ?`,
        await idOf('researcher@demo.test'),
      ),
    ).toBe(told + 1);
    const pending = await agent.post('/api/v1/bookings').send({});
    expect(pending.status).toBe(403);
    expect(pending.body.restriction).toBe('membership_pending');

    const requests = await people(researcher, enterpriseId, { membership: 'requested' });
    expect(requests.items.map((p) => p.id)).toEqual([id]);
    const accepted = await researcher.post(`/api/v1/organisations/${enterpriseId}/people/${id}/accept`).send({});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ membership: 'active', orgAdmin: false });
    expect(
      await count(`SELECT COUNT(*) FROM notifications WHERE type = 'membership_reviewed' AND user_id = ?`, id),
    ).toBe(1);
    expect(await audits('organisation.member_accept')).toBe(1);
    expect((await agent.get('/api/v1/registration')).body.account.restriction).toBeNull();
    expect((await agent.get('/api/v1/bookings')).status).toBe(200);
    // Accepted once.
    expect((await researcher.post(`/api/v1/organisations/${enterpriseId}/people/${id}/accept`)).status).toBe(409);
  });

  it('is declined: the account is disabled, its session ends, the person is told', async () => {
    const { agent, id } = await join('qian.shenqing@example.cn', '钱申请');
    // Not before the address is verified.
    expect((await researcher.post(`/api/v1/organisations/${enterpriseId}/people/${id}/accept`)).status).toBe(409);
    await verify('qian.shenqing@example.cn');
    const declined = await researcher
      .post(`/api/v1/organisations/${enterpriseId}/people/${id}/decline`)
      .send({ note: '非本单位员工' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ membership: 'declined', disabled: true });
    expect((await agent.get('/api/v1/registration')).status).toBe(401);
    expect(
      await count(`SELECT COUNT(*) FROM notifications WHERE type = 'membership_reviewed' AND user_id = ?`, id),
    ).toBe(1);
    expect(await audits('organisation.member_decline')).toBe(1);
    expect((await researcher.post(`/api/v1/organisations/${enterpriseId}/people/${id}/enable`)).status).toBe(409);
    const signin = await request(t.app)
      .post('/api/v1/auth/login')
      .send({ email: 'qian.shenqing@example.cn', password: GOOD_PASSWORD });
    expect(signin.status).toBe(401);
  });

  it('refuses an unknown code, an office’s code and a taken e-mail', async () => {
    const body = { displayName: '孙某', email: 'sun@example.cn', phone: '13912345678', password: GOOD_PASSWORD };
    const unknown = await request(t.app)
      .post('/api/v1/registration/join')
      .send({ ...body, creditCode: creditCodes('people-unknown')() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([{ path: 'body.creditCode', message: '未注册' }]);
    const officeCode = (await one<{ credit_code: string }>(
      `SELECT o.credit_code FROM organisations o JOIN users u ON u.organisation_id = o.id WHERE u.email = ?`,
      'finance@demo.test',
    ))!.credit_code;
    expect(
      (
        await request(t.app)
          .post('/api/v1/registration/join')
          .send({ ...body, creditCode: officeCode })
      ).status,
    ).toBe(403);
    const taken = await request(t.app)
      .post('/api/v1/registration/join')
      .send({ ...body, email: 'lab@demo.test', creditCode: enterpriseCode });
    expect(taken.status).toBe(409);
    expect(await count(`SELECT COUNT(*) FROM users WHERE email = 'sun@example.cn'`)).toBe(0);
  });
});

describe('invitations', () => {
  it('invites by e-mail; the link shows the invitation, takes a good password once, and signs in', async () => {
    const person = await invite(lab, labOrgId, { email: 'wu.yaoqing@example.cn', displayName: '吴邀请' });
    expect(person).toMatchObject({ membership: 'invited', role: 'lab_manager', orgAdmin: false });
    expect(await audits('organisation.member_invite')).toBeGreaterThanOrEqual(1);
    const token = await linkToken(t, 'wu.yaoqing@example.cn', '/accept-invitation');
    const stored = await one<{ expires_at: number }>(
      `SELECT expires_at FROM account_tokens WHERE user_id = ? AND purpose = 'invitation'`,
      person.id,
    );
    expect(stored.expires_at).toBe(clock.now() + 7 * 24 * HOUR);
    const preview = await request(t.app).post('/api/v1/invitations/preview').send({ token });
    expect(preview.body).toMatchObject({ email: 'wu.yaoqing@example.cn', organisationName: '山东省分析测试中心' });
    // The invited cannot sign in before accepting.
    expect(
      (await request(t.app).post('/api/v1/auth/login').send({ email: 'wu.yaoqing@example.cn', password: '!none' }))
        .status,
    ).toBe(401);

    const weak = await accept('wu.yaoqing@example.cn', 'abc12345');
    expect(weak.res.status).toBe(400);
    expect(weak.res.body.errors[0].path).toBe('body.password');
    const { agent, res } = await accept('wu.yaoqing@example.cn');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers['set-cookie']?.[0]).toMatch(/^sid=/);
    expect((await agent.get('/api/v1/registration')).body.account).toMatchObject({
      membership: 'active',
      emailVerified: true,
      restriction: null,
    });
    expect(await audits('organisation.invitation_accept')).toBe(1);
    expect((await accept('wu.yaoqing@example.cn')).res.status).toBe(400);
  });

  it('expires after 7 days; inviting again sends a new link; the taken and the wrong role are refused', async () => {
    await invite(lab, labOrgId, { email: 'late@example.cn', displayName: '迟到者' });
    const old = await linkToken(t, 'late@example.cn', '/accept-invitation');
    clock.advance(7 * 24 * HOUR + 1000);
    expect((await request(t.app).post('/api/v1/invitations/preview').send({ token: old })).status).toBe(400);
    await invite(lab, labOrgId, { email: 'late@example.cn', displayName: '迟到者' });
    const fresh = await linkToken(t, 'late@example.cn', '/accept-invitation');
    expect(fresh).not.toBe(old);
    expect((await request(t.app).post('/api/v1/invitations/preview').send({ token: fresh })).status).toBe(200);

    const taken = await lab
      .post(`/api/v1/organisations/${labOrgId}/invitations`)
      .send({ email: 'researcher@demo.test', displayName: '李文博' });
    expect(taken.status).toBe(409);
    const role = await lab
      .post(`/api/v1/organisations/${labOrgId}/invitations`)
      .send({ email: 'x@example.cn', displayName: '某某', role: 'researcher' });
    expect(role.status).toBe(400);
    expect(role.body.errors).toEqual([{ path: 'body.role', message: '不是该类单位的角色' }]);
  });
});

describe('roles, disabling and the protections', () => {
  let colleague: Person;
  let colleagueAgent: Agent;

  beforeAll(async () => {
    colleague = await invite(lab, labOrgId, { email: 'zheng.tongshi@example.cn', displayName: '郑同事' });
    const accepted = await accept('zheng.tongshi@example.cn');
    colleagueAgent = accepted.agent;
  });

  it('sets roles within the kind and the administrator flag, audited', async () => {
    const desk = await idOf('finance-desk@demo.test');
    const up = await admin
      .patch(`/api/v1/organisations/${platformOrgId}/people/${desk}`)
      .send({ role: 'platform_admin' });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.role).toBe('platform_admin');
    const row = await one<{ details: string }>(
      `SELECT details FROM audit_log WHERE action = 'organisation.member_role_change' AND subject_id = ? ORDER BY id DESC`,
      String(desk),
    );
    expect(JSON.parse(row.details)).toMatchObject({
      before: { role: 'finance_officer' },
      after: { role: 'platform_admin' },
    });
    expect(
      (await admin.patch(`/api/v1/organisations/${platformOrgId}/people/${desk}`).send({ role: 'finance_officer' }))
        .status,
    ).toBe(200);
    const wrong = await admin
      .patch(`/api/v1/organisations/${platformOrgId}/people/${desk}`)
      .send({ role: 'researcher' });
    expect(wrong.status).toBe(400);
    const promoted = await lab
      .patch(`/api/v1/organisations/${labOrgId}/people/${colleague.id}`)
      .send({ orgAdmin: true });
    expect(promoted.body.orgAdmin).toBe(true);
  });

  it('nobody acts on their own account; the last active administrator stays', async () => {
    const self = await idOf('lab@demo.test');
    expect((await lab.post(`/api/v1/organisations/${labOrgId}/people/${self}/disable`)).status).toBe(403);
    expect((await lab.patch(`/api/v1/organisations/${labOrgId}/people/${self}`).send({ orgAdmin: false })).status).toBe(
      403,
    );
    // The colleague (an administrator now) takes the flag from lab@; lab@ then manages nobody.
    const demoted = await colleagueAgent
      .patch(`/api/v1/organisations/${labOrgId}/people/${self}`)
      .send({ orgAdmin: false });
    expect(demoted.status).toBe(200);
    expect(
      (
        await lab
          .post(`/api/v1/organisations/${labOrgId}/invitations`)
          .send({ email: 'y@example.cn', displayName: '某人' })
      ).status,
    ).toBe(403);
    // Now the colleague is the last active administrator: even the platform cannot take it away.
    const last = await admin.post(`/api/v1/organisations/${labOrgId}/people/${colleague.id}/disable`);
    expect(last.status).toBe(409);
    expect(
      (await admin.patch(`/api/v1/organisations/${labOrgId}/people/${colleague.id}`).send({ orgAdmin: false })).status,
    ).toBe(409);
    // The platform keeps one platform admin.
    expect(
      (await admin.post(`/api/v1/organisations/${platformOrgId}/people/${await idOf('admin@demo.test')}/disable`))
        .status,
    ).toBe(403);
    // lab@ is an administrator again.
    expect(
      (await colleagueAgent.patch(`/api/v1/organisations/${labOrgId}/people/${self}`).send({ orgAdmin: true })).status,
    ).toBe(200);
  });

  it('disabling ends the person’s sessions at once; enabling lets them sign in again', async () => {
    const member = await invite(lab, labOrgId, { email: 'feng.member@example.cn', displayName: '冯成员' });
    const { agent } = await accept('feng.member@example.cn');
    expect((await agent.get('/api/v1/registration')).status).toBe(200);
    const disabled = await lab.post(`/api/v1/organisations/${labOrgId}/people/${member.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect(await count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, member.id)).toBe(0);
    expect((await agent.get('/api/v1/registration')).status).toBe(401);
    const login = () =>
      request(t.app).post('/api/v1/auth/login').send({ email: 'feng.member@example.cn', password: GOOD_PASSWORD });
    expect((await login()).status).toBe(401);
    expect((await lab.post(`/api/v1/organisations/${labOrgId}/people/${member.id}/disable`)).status).toBe(409);
    expect((await lab.post(`/api/v1/organisations/${labOrgId}/people/${member.id}/enable`)).status).toBe(200);
    expect((await login()).status).toBe(200);
    expect(await audits('organisation.member_disable')).toBeGreaterThanOrEqual(1);
    expect(await audits('organisation.member_enable')).toBeGreaterThanOrEqual(1);
  });
});

describe('the walls between organisations', () => {
  it('an organisation’s administrator cannot see or touch another organisation’s people', async () => {
    const denied = await audits('organisation.member_manage', 'denied');
    const researcherId = await idOf('researcher@demo.test');
    expect((await lab.get(`/api/v1/organisations/${enterpriseId}/people`)).status).toBe(404);
    expect(
      (
        await lab
          .post(`/api/v1/organisations/${enterpriseId}/invitations`)
          .send({ email: 'z@example.cn', displayName: '某某' })
      ).status,
    ).toBe(404);
    expect((await lab.post(`/api/v1/organisations/${enterpriseId}/people/${researcherId}/disable`)).status).toBe(404);
    // Through its own organisation's path: the person is not its own.
    expect((await lab.post(`/api/v1/organisations/${labOrgId}/people/${researcherId}/disable`)).status).toBe(404);
    expect(
      (await lab.patch(`/api/v1/organisations/${labOrgId}/people/${researcherId}`).send({ orgAdmin: true })).status,
    ).toBe(404);
    expect(await audits('organisation.member_manage', 'denied')).toBe(denied + 2);
    expect((await lab.get(`/api/v1/organisations/${enterpriseId}`)).status).toBe(404);
    expect((await lab.get('/api/v1/organisations')).status).toBe(403);
    expect(await one(`SELECT disabled_at, org_admin FROM users WHERE id = ?`, researcherId)).toMatchObject({
      disabled_at: null,
    });
  });
});

describe('personal data in lists', () => {
  it('masks e-mails and phones for the organisation’s other members; its admins and the platform see them whole', async () => {
    const { agent } = await join('chu.member@example.cn', '褚成员');
    await verify('chu.member@example.cn');
    const chuId = await idOf('chu.member@example.cn');
    await researcher.post(`/api/v1/organisations/${enterpriseId}/people/${chuId}/accept`);

    const masked = await people(agent, enterpriseId);
    expect(masked).toMatchObject({ canManage: false, full: false });
    const boss = masked.items.find((p) => p.id !== chuId && p.orgAdmin)!;
    expect(boss.email).toBe('r***@demo.test');
    if (boss.phone) expect(boss.phone).toMatch(/^1\d\d\*\*\*\*\d{4}$/);
    expect(
      (
        await agent
          .post(`/api/v1/organisations/${enterpriseId}/invitations`)
          .send({ email: 'q@example.cn', displayName: '某某' })
      ).status,
    ).toBe(403);

    for (const viewer of [researcher, admin]) {
      const whole = await people(viewer, enterpriseId);
      expect(whole.full).toBe(true);
      expect(whole.items.find((p) => p.id === boss.id)!.email).toBe('researcher@demo.test');
      expect(whole.items.find((p) => p.id === chuId)!.phone).toBe('13912345678');
    }

    // The platform's directory: masked in the list, whole on the organisation's page.
    const list = await admin.get('/api/v1/organisations').query({ kind: 'enterprise', q: '济南智测' });
    expect(list.status).toBe(200);
    const row = list.body.items.find((o: { id: number }) => o.id === enterpriseId);
    const full = await admin.get(`/api/v1/organisations/${enterpriseId}`);
    expect(full.body.contactPhone).toMatch(/^0531-?\d{7,8}$/);
    expect(row.contactPhone).toBe(`0531-****${full.body.contactPhone.slice(-4)}`);
    expect((await researcher.get(`/api/v1/organisations/${enterpriseId}`)).body.contactPhone).toBe(
      full.body.contactPhone,
    );
  });
});

describe('finance offices', () => {
  it('the platform sets up city and county offices and invites their officers', async () => {
    const city = await admin
      .post('/api/v1/finance-offices')
      .send({ name: '淄博市财政局', level: 'city', cityCode: '370300' });
    expect(city.status, JSON.stringify(city.body)).toBe(201);
    expect(city.body).toMatchObject({
      kind: 'finance_office',
      financeLevel: 'city',
      cityName: '淄博',
      status: 'approved',
    });
    const county = await admin.post('/api/v1/finance-offices').send({
      name: '淄博市张店区科学技术局',
      level: 'county',
      cityCode: '370300',
      countyCode: '370303',
    });
    expect(county.status).toBe(201);
    expect(county.body).toMatchObject({ financeLevel: 'county', countyName: '张店区' });
    const refusals = [
      { name: '某县科技局', level: 'county', cityCode: '370300', countyCode: '370102' },
      { name: '某省厅', level: 'province', cityCode: '370300' },
      { name: '某市局', level: 'city' },
    ];
    for (const body of refusals) expect((await admin.post('/api/v1/finance-offices').send(body)).status).toBe(400);
    expect(
      (
        await admin
          .post('/api/v1/finance-offices')
          .send({ name: '淄博市科学技术局', level: 'city', cityCode: '370300' })
      ).status,
    ).toBe(409);
    expect((await lab.post('/api/v1/finance-offices').send({ name: '某局', level: 'province' })).status).toBe(403);
    expect(await audits('organisation.finance_office_create')).toBe(2);

    const wrong = await admin
      .post(`/api/v1/organisations/${city.body.id}/invitations`)
      .send({ email: 'zibo.officer@example.cn', displayName: '淄博审核员', role: 'lab_manager' });
    expect(wrong.status).toBe(400);
    const officer = await invite(admin, city.body.id, {
      email: 'zibo.officer@example.cn',
      displayName: '淄博审核员',
      orgAdmin: true,
    });
    expect(officer).toMatchObject({ role: 'finance_officer', orgAdmin: true });
    const { res } = await accept('zibo.officer@example.cn');
    expect(res.body.user).toMatchObject({
      role: 'finance_officer',
      organisation: { kind: 'finance_office', cityCode: '370300' },
    });
  });
});
