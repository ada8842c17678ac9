/**
 * The organisation tables' list parameters (issue 17): the reviewers' queue of registrations searched
 * (name, credit code, contact, applicant), filtered by status and kind, sorted by the time sent to review
 * or by name and paged by number with the total; an organisation's people searched (names, and e-mails
 * only for those who see them whole), filtered by status and role, sorted by name or joining and paged
 * by number. Bad values are refused with 400, and only the callers served before are served. Runs on
 * both engines (`--project http`, `--project http-pg`).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { creditCodes, GOOD_PASSWORD, linkToken, register, registrationBody } from '../support/organisations.ts';

type Agent = Awaited<ReturnType<typeof signIn>>;
type Org = { id: number; name: string; kind: string; status: string; creditCode: string };
type Queue = { items: Org[]; nextCursor: string | null; total?: number; counts: Record<string, number> };
type Person = { id: number; displayName: string; email: string; role: string; membership: string; disabled: boolean };
type People = { items: Person[]; total: number; requests: number; full: boolean };

let t: TestApp;
let admin: Agent;
let lab: Agent;
let researcher: Agent;
let labOrgId: number;
const mine: { id: number; name: string; email: string; kind: string; code: string }[] = [];
const tag = `T${Date.now() % 100000}`;

const num = async (sql: string, ...params: Param[]) => Number(Object.values((await t.db.get(sql, params))!)[0]);
const ok = <T>(res: request.Response, status = 200) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as T;
};
const queue = async (query: Record<string, string>, status = 200) =>
  ok<Queue>(await admin.get('/api/v1/registrations').query(query), status);
const people = async (agent: Agent, query: Record<string, string>, status = 200) =>
  ok<People>(await agent.get(`/api/v1/organisations/${labOrgId}/people`).query(query), status);
const codePointSorted = (xs: string[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

beforeAll(async () => {
  t = await createTestApp();
  [admin, lab, researcher] = await Promise.all([
    signIn(t.app, 'admin@demo.test'),
    signIn(t.app, 'lab@demo.test'),
    signIn(t.app, 'researcher@demo.test'),
  ]);
  labOrgId = await num(`SELECT organisation_id FROM users WHERE email = ?`, 'lab@demo.test');
  // Four registrations: two enterprises, two institutions; sent to review in the opposite order of
  // registering, so the time sent and the id disagree.
  const enterprise = creditCodes('organisation-tables');
  const institution = creditCodes('organisation-tables-inst', '12');
  const specs = [
    { kind: 'enterprise', code: enterprise(), name: `济南${tag}甲材料科技有限公司`, person: '欧阳审表' },
    { kind: 'institution', code: institution(), name: `山东${tag}乙检测研究院`, person: '司马审表' },
    { kind: 'enterprise', code: enterprise(), name: `淄博${tag}丙仪器有限公司`, person: '诸葛审表' },
    { kind: 'institution', code: institution(), name: `青岛${tag}丁分析测试中心`, person: '上官审表' },
  ];
  const base = Date.parse('2026-11-01T09:00:00+08:00');
  for (const [i, s] of specs.entries()) {
    const body = registrationBody(s.code, {
      kind: s.kind,
      name: s.name,
      displayName: s.person,
      ...(s.kind === 'institution' ? { institutionType: 'institute' } : {}),
    });
    const r = await register(t.app, body);
    mine.push({ id: r.organisationId, name: s.name, email: r.email, kind: s.kind, code: s.code });
    await t.db.run(`UPDATE organisations SET status = 'pending_review', submitted_at = ? WHERE id = ?`, [
      base - i * 3_600_000,
      r.organisationId,
    ]);
  }
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /registrations: search, filters, sort and numbered pages', () => {
  it('pages the queue by number with the total, by the time sent to review', async () => {
    const all = await num(
      `SELECT COUNT(*) FROM organisations WHERE kind IN ('enterprise', 'institution') AND status = 'pending_review'`,
    );
    expect(all).toBeGreaterThanOrEqual(4);
    const first = await queue({ sort: 'oldest', offset: '0', limit: '2' });
    expect(first.total).toBe(all);
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeNull();
    expect(first.counts.pending_review).toBe(all);
    const rest = await queue({ sort: 'oldest', offset: '2', limit: '100' });
    expect(rest.items).toHaveLength(all - 2);
    const order = [...first.items, ...rest.items].map((o) => o.id);
    expect(new Set(order).size).toBe(all);
    // Ours were sent in the opposite order of registering: oldest sent first is the newest registered.
    const ours = order.filter((id) => mine.some((m) => m.id === id));
    expect(ours).toEqual(mine.map((m) => m.id).reverse());
    const newest = await queue({ sort: 'newest', limit: '100' });
    expect(newest.items.map((o) => o.id).filter((id) => mine.some((m) => m.id === id))).toEqual(mine.map((m) => m.id));
    // The default queue (no sort, no offset) is as before: by cursor, without a total.
    const plain = await queue({});
    expect(plain.total).toBeUndefined();
  });

  it('sorts by name in code-point order, ties by id', async () => {
    const byName = await queue({ status: 'all', sort: 'name', limit: '100' });
    const names = byName.items.map((o) => o.name);
    expect(names).toEqual(codePointSorted(names));
    expect(byName.total).toBe(
      await num(`SELECT COUNT(*) FROM organisations WHERE kind IN ('enterprise', 'institution')`),
    );
  });

  it('filters by kind and status, and counts together', async () => {
    const institutions = await queue({ status: 'all', kind: 'institution', sort: 'newest', limit: '100' });
    expect(institutions.items.every((o) => o.kind === 'institution')).toBe(true);
    expect(institutions.total).toBe(await num(`SELECT COUNT(*) FROM organisations WHERE kind = 'institution'`));
    expect(institutions.items.map((o) => o.id)).toEqual(
      expect.arrayContaining(mine.filter((m) => m.kind === 'institution').map((m) => m.id)),
    );
    const approved = await queue({ status: 'approved', kind: 'enterprise', offset: '0', limit: '5' });
    expect(approved.items.every((o) => o.status === 'approved' && o.kind === 'enterprise')).toBe(true);
    expect(approved.total).toBe(
      await num(`SELECT COUNT(*) FROM organisations WHERE kind = 'enterprise' AND status = 'approved'`),
    );
  });

  it('searches the name, the credit code and the applicant (name or e-mail)', async () => {
    const ids = async (q: string) => (await queue({ status: 'all', q, sort: 'name' })).items.map((o) => o.id);
    expect(await ids(tag)).toHaveLength(4);
    expect(await ids(`${tag}乙检测`)).toEqual([mine[1]!.id]);
    expect(await ids(mine[2]!.code.toLowerCase())).toEqual([mine[2]!.id]);
    expect(await ids('诸葛审表')).toEqual([mine[2]!.id]);
    expect(await ids(mine[3]!.email.toUpperCase())).toEqual([mine[3]!.id]);
    // LIKE's wildcards match themselves.
    expect(await ids('%')).toEqual([]);
    const found = await queue({ status: 'all', q: tag, kind: 'enterprise', offset: '0', limit: '1' });
    expect(found.total).toBe(2);
    expect(found.items).toHaveLength(1);
  });

  it('refuses bad values with 400 and serves only reviewers', async () => {
    for (const query of [
      { sort: 'submitted' },
      { kind: 'platform' },
      { limit: '0' },
      { limit: '101' },
      { offset: '-1' },
      { cursor: 'abc', offset: '0' },
      { cursor: 'abc', sort: 'name' },
    ]) {
      const res = await admin.get('/api/v1/registrations').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
    expect((await researcher.get('/api/v1/registrations').query({ sort: 'name' })).status).toBe(403);
    expect((await lab.get('/api/v1/registrations').query({ offset: '0' })).status).toBe(403);
  });
});

describe('GET /organisations/:id/people: search, filters, sort and numbered pages', () => {
  let member: Agent;
  beforeAll(async () => {
    // Five invited people and one who accepted (an ordinary member, who sees e-mails masked).
    for (const [i, name] of ['Zhang Wei', '王测表', 'Adams Li', '李测表', 'Brown Xu'].entries()) {
      ok(
        await lab
          .post(`/api/v1/organisations/${labOrgId}/invitations`)
          .send({ email: `people-${tag.toLowerCase()}-${i}@example.cn`, displayName: name }),
        201,
      );
    }
    const email = `member-${tag.toLowerCase()}@example.cn`;
    ok(await lab.post(`/api/v1/organisations/${labOrgId}/invitations`).send({ email, displayName: '成员测表' }), 201);
    const token = await linkToken(t, email, '/accept-invitation');
    member = request.agent(t.app);
    ok(await member.post('/api/v1/invitations/accept').send({ token, password: GOOD_PASSWORD }));
  }, 120_000);

  it('pages the people by number with the total, sorted by name or joining', async () => {
    const all = await num(`SELECT COUNT(*) FROM users WHERE organisation_id = ?`, labOrgId);
    const everyone = await people(lab, {});
    expect(everyone.total).toBe(all);
    expect(everyone.items).toHaveLength(all);
    const first = await people(lab, { sort: 'name', offset: '0', limit: '3' });
    expect(first.total).toBe(all);
    expect(first.items).toHaveLength(3);
    const rest = await people(lab, { sort: 'name', offset: '3', limit: '100' });
    const names = [...first.items, ...rest.items].map((p) => p.displayName);
    expect(names).toHaveLength(all);
    expect(names).toEqual(codePointSorted(names));
    const newest = await people(lab, { sort: 'newest', limit: '100' });
    expect(newest.items[0]!.displayName).toBe('成员测表');
    const oldest = await people(lab, { sort: 'oldest', limit: '100' });
    expect(oldest.items.map((p) => p.id)).toEqual([...newest.items.map((p) => p.id)].reverse());
  });

  it('filters by status and role', async () => {
    const invited = await people(lab, { status: 'invited', limit: '100' });
    expect(invited.items.every((p) => p.membership === 'invited' && !p.disabled)).toBe(true);
    expect(invited.total).toBeGreaterThanOrEqual(5);
    const active = await people(lab, { status: 'active', role: 'lab_manager' });
    expect(active.items.every((p) => p.membership === 'active' && !p.disabled && p.role === 'lab_manager')).toBe(true);
    expect(active.items.map((p) => p.displayName)).toContain('成员测表');
    expect((await people(lab, { role: 'researcher' })).total).toBe(0);
    expect(typeof active.requests).toBe('number');
  });

  it('searches names, and e-mails only for those who see them whole', async () => {
    expect((await people(lab, { q: 'adams' })).items.map((p) => p.displayName)).toEqual(['Adams Li']);
    expect((await people(lab, { q: `people-${tag.toLowerCase()}-4@` })).items.map((p) => p.displayName)).toEqual([
      'Brown Xu',
    ]);
    expect((await people(admin, { q: '测表', sort: 'name' })).total).toBe(3);
    // An ordinary member sees masked e-mails: the search does not look at them (nothing to guess by).
    const masked = await people(member, { q: `people-${tag.toLowerCase()}` });
    expect(masked.full).toBe(false);
    expect(masked.total).toBe(0);
    expect((await people(member, { q: 'zhang' })).items.map((p) => p.displayName)).toEqual(['Zhang Wei']);
  });

  it('refuses bad values with 400 and keeps other organisations out', async () => {
    for (const query of [{ sort: 'joined' }, { status: 'gone' }, { role: 'nobody' }, { limit: '0' }, { offset: 'x' }]) {
      const res = await lab.get(`/api/v1/organisations/${labOrgId}/people`).query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
    expect((await researcher.get(`/api/v1/organisations/${labOrgId}/people`).query({ q: 'a' })).status).toBe(404);
  });

  it('documents the parameters in OpenAPI', async () => {
    const doc = (await admin.get('/api/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const names = (path: string) => doc.paths[path]?.get?.parameters?.map((p) => p.name);
    expect(names('/api/v1/registrations')).toEqual(
      expect.arrayContaining(['status', 'kind', 'q', 'sort', 'offset', 'limit']),
    );
    expect(names('/api/v1/organisations/{id}/people')).toEqual(
      expect.arrayContaining(['status', 'role', 'q', 'sort', 'offset', 'limit']),
    );
  });
});
