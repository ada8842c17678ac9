/**
 * The admin tables of 入网审核 and the security audit log (issue 17), their server side: the review
 * queue searched by instrument, asset number or institution (any case), sorted by submission time or
 * institution both ways with numbered pages and a stable order, a lab manager still confined to its
 * institution; the audit log searched by free text (e-mail, organisation, action or its label, subject,
 * address) and read newest or oldest first with cursor pages that keep their order. Bad values get 400,
 * the parameters are in the OpenAPI document. Runs on both engines (`--project http`, `--project http-pg`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

type Agent = Awaited<ReturnType<typeof signIn>>;
type Submission = {
  id: number;
  nameZh: string;
  assetNumber: string;
  submittedAt: number;
  institution: { name: string };
};
type Queue = { items: Submission[]; total: number; page: number; pageSize: number; counts: Record<string, number> };
type Entry = {
  id: number;
  at: string;
  action: string;
  actor: { email: string | null; organisationName: string | null } | null;
};
type Log = { items: Entry[]; nextCursor: string | null };

let t: TestApp;
let admin: Agent;
let lab: Agent;
let researcher: Agent;

/** Code-point order (SQLite's BINARY, PostgreSQL's "C"). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const queue = async (query: Record<string, string>, who: Agent = admin, status = 200) => {
  const res = await who.get('/api/v1/listing-submissions').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as Queue;
};
const log = async (query: Record<string, string>, status = 200) => {
  const res = await admin.get('/api/v1/admin/audit-log').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as Log;
};

beforeAll(async () => {
  t = await createTestApp({ instruments: 20 });
  [admin, lab, researcher] = await Promise.all([
    signIn(t.app, 'admin@demo.test'),
    signIn(t.app, 'lab@demo.test'),
    signIn(t.app, 'researcher@demo.test'),
  ]);
  // Enough pending work for several pages, from three institutions.
  const labs = [lab, await signIn(t.app, 'lab2@demo.test'), await signIn(t.app, 'lab3@demo.test')];
  for (let i = 0; i < 24; i++) {
    const res = await labs[i % 3]!.post('/api/v1/instruments').send({
      assetNumber: `TBL-${i}-${Math.random().toString(36).slice(2, 7)}`,
      nameZh: `表格测试光谱仪${i}号`,
      categoryCode: '010102',
      originalValueFen: 120_000_000,
      sharingMode: 'external',
      cityCode: '370100',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  }
});
afterAll(async () => {
  await t?.close();
});

describe('GET /listing-submissions: search, sort and numbered pages', () => {
  it('searches the instrument, its asset number and the institution, in any case', async () => {
    const byInstitution = await queue({ status: 'pending', q: '山东大学', pageSize: '100' });
    expect(byInstitution.items.length).toBeGreaterThan(0);
    expect(byInstitution.items.every((s) => s.institution.name.includes('山东大学'))).toBe(true);
    expect(byInstitution.items.map((s) => s.nameZh)).toContain('X射线单晶衍射仪');
    expect(byInstitution.total).toBe(byInstitution.items.length);
    // The counts per status follow the search.
    expect(byInstitution.counts.pending).toBe(byInstitution.total);

    const asset = byInstitution.items.find((s) => s.nameZh === 'X射线单晶衍射仪')!.assetNumber;
    const lower = await queue({ q: asset.toLowerCase() });
    expect(lower.items.map((s) => s.assetNumber)).toEqual([asset]);
    const byName = await queue({ q: '单晶衍射' });
    expect(byName.items.map((s) => s.assetNumber)).toEqual([asset]);
    // A LIKE wildcard is the character itself.
    expect((await queue({ q: '%' })).total).toBe(0);
  });

  it('sorts by submission time both ways, paging by number in a stable order', async () => {
    const all = await queue({ status: 'pending', sort: 'submitted_asc', pageSize: '100' });
    expect(all.total).toBeGreaterThan(25);
    expect(all.items).toHaveLength(all.total);
    const key = (s: Submission) => [s.submittedAt, s.id] as const;
    const ascending = (a: Submission, b: Submission) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1];
    expect(all.items).toEqual([...all.items].sort(ascending));

    const pages: Submission[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 10); page++) {
      const one = await queue({ status: 'pending', sort: 'submitted_desc', page: String(page), pageSize: '10' });
      expect(one).toMatchObject({ total: all.total, page, pageSize: 10 });
      pages.push(...one.items);
    }
    expect(pages.map((s) => s.id)).toEqual([...all.items].reverse().map((s) => s.id));
  });

  it('sorts by institution both ways (ties by submission time, then id)', async () => {
    for (const sort of ['institution_asc', 'institution_desc'] as const) {
      const page = await queue({ status: 'pending', sort, pageSize: '100' });
      const names = page.items.map((s) => s.institution.name);
      const sorted = [...names].sort(byCodePoint);
      expect(names).toEqual(sort === 'institution_asc' ? sorted : sorted.reverse());
      for (let i = 1; i < page.items.length; i++) {
        const [a, b] = [page.items[i - 1]!, page.items[i]!];
        if (a.institution.name === b.institution.name)
          expect(a.submittedAt < b.submittedAt || (a.submittedAt === b.submittedAt && a.id < b.id)).toBe(true);
      }
      expect(new Set(names).size).toBeGreaterThanOrEqual(3);
    }
    // Numbered pages of that order hold every row once.
    const first = await queue({ status: 'pending', sort: 'institution_asc', page: '1', pageSize: '15' });
    const second = await queue({ status: 'pending', sort: 'institution_asc', page: '2', pageSize: '15' });
    const whole = await queue({ status: 'pending', sort: 'institution_asc', pageSize: '30' });
    expect([...first.items, ...second.items].map((s) => s.id)).toEqual(whole.items.map((s) => s.id));
  });

  it('keeps a lab manager to its own institution whatever it searches', async () => {
    const own = await queue({ pageSize: '100' }, lab);
    const institutions = new Set(own.items.map((s) => s.institution.name));
    expect(institutions.size).toBe(1);
    expect((await queue({ q: '山东大学', sort: 'institution_desc' }, lab)).items).toEqual([]);
    expect((await queue({}, researcher, 403)).items).toBeUndefined();
  });

  it('refuses bad values with 400', async () => {
    for (const query of [
      { sort: 'name' },
      { sort: 'submitted' },
      { page: '0' },
      { pageSize: '101' },
      { q: 'x'.repeat(101) },
    ]) {
      const res = await admin.get('/api/v1/listing-submissions').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
  });
});

describe('GET /admin/audit-log: free text and the order by time', () => {
  it('reads newest or oldest first, with cursor pages that keep their order', async () => {
    const newest = await log({ action: 'auth.login', limit: '200' });
    expect(newest.items.length).toBeGreaterThanOrEqual(5);
    const oldest = await log({ action: 'auth.login', order: 'asc', limit: '200' });
    expect(oldest.items.map((e) => e.id)).toEqual([...newest.items].reverse().map((e) => e.id));
    const times = oldest.items.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Oldest first, two at a time, to the end.
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Log = await log({
        action: 'auth.login',
        order: 'asc',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(oldest.items.map((e) => e.id));

    // A cursor goes on in its own order only.
    const asc = await log({ action: 'auth.login', order: 'asc', limit: '2' });
    const desc = await log({ action: 'auth.login', limit: '2' });
    expect((await admin.get('/api/v1/admin/audit-log').query({ cursor: asc.nextCursor! })).status).toBe(400);
    expect((await admin.get('/api/v1/admin/audit-log').query({ cursor: desc.nextCursor!, order: 'asc' })).status).toBe(
      400,
    );
    expect((await log({ cursor: desc.nextCursor!, order: 'desc', action: 'auth.login', limit: '2' })).items).toEqual(
      newest.items.slice(2, 4),
    );
  });

  it('searches the e-mail, the organisation, the action and its label in either language', async () => {
    const byEmail = await log({ q: 'LAB2@DEMO', limit: '200' });
    expect(byEmail.items.length).toBeGreaterThan(0);
    expect(byEmail.items.every((e) => e.actor?.email === 'lab2@demo.test')).toBe(true);

    const org = byEmail.items[0]!.actor!.organisationName!;
    const byOrg = await log({ q: org, limit: '200' });
    expect(byOrg.items.map((e) => e.id)).toEqual(expect.arrayContaining(byEmail.items.map((e) => e.id)));
    expect(byOrg.items.every((e) => e.actor?.organisationName === org)).toBe(true);

    const logins = await log({ action: 'auth.login', limit: '200' });
    const byLabel = await log({ q: '登录', limit: '200' });
    expect(byLabel.items.map((e) => e.id)).toEqual(expect.arrayContaining(logins.items.map((e) => e.id)));
    expect(byLabel.items.every((e) => /^auth\.(login|logout)$/.test(e.action))).toBe(true);
    const english = await log({ q: 'sign-in', limit: '200' });
    expect(english.items.map((e) => e.id)).toEqual(expect.arrayContaining(logins.items.map((e) => e.id)));
    const byCode = await log({ q: 'auth.log', limit: '200' });
    expect(byCode.items.map((e) => e.id)).toEqual(expect.arrayContaining(logins.items.map((e) => e.id)));

    // With the other filters, and nothing for text nowhere in the log.
    const both = await log({ q: 'lab2@', action: 'auth.login', limit: '200' });
    expect(both.items.every((e) => e.action === 'auth.login' && e.actor?.email === 'lab2@demo.test')).toBe(true);
    expect((await log({ q: 'nothing-like-this%' })).items).toEqual([]);
  });

  it('refuses bad values with 400, and serves platform admins only', async () => {
    for (const query of [{ order: 'up' }, { q: '' }, { q: 'x'.repeat(101) }, { order: 'asc', cursor: 'abc' }]) {
      const res = await admin.get('/api/v1/admin/audit-log').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
    expect((await lab.get('/api/v1/admin/audit-log').query({ q: 'auth' })).status).toBe(403);
    // The export takes the same text.
    const csv = await admin.get('/api/v1/admin/audit-log/export').query({ q: 'lab2@demo.test', format: 'csv' });
    expect(csv.status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('documents the new parameters', async () => {
    const doc = (await admin.get('/api/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string; schema?: { enum?: string[] } }[] } }>;
    };
    const queueParams = doc.paths['/api/v1/listing-submissions']?.get?.parameters ?? [];
    expect(queueParams.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'sort', 'page', 'pageSize']));
    expect(queueParams.find((p) => p.name === 'sort')?.schema?.enum).toEqual([
      'submitted_asc',
      'submitted_desc',
      'institution_asc',
      'institution_desc',
    ]);
    const logParams = doc.paths['/api/v1/admin/audit-log']?.get?.parameters ?? [];
    expect(logParams.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'order', 'cursor', 'limit']));
  });
});
