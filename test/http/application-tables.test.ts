/**
 * The finance office's application tables (issue 17): certification and voucher applications
 * searched (enterprise name, credit code, registration number), filtered (status, city, programme),
 * sorted (submitted time, enterprise, amount; ties by id) and paged by number with the total, on
 * the server and within the caller's scope (a city's office never sees another city's, whatever it
 * asks); bad values refused with 400; documented in OpenAPI. Both engines (`--project http`, `http-pg`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedApplicationRows, type SeededApplications } from '../support/application-rows.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

type Agent = Awaited<ReturnType<typeof signIn>>;
type Row = {
  id: number;
  status: string;
  submittedAt: string;
  amountFen?: number;
  registrationNo?: string;
  programme?: { id: number };
  enterprise: { id: number; name: string; creditCode: string | null; cityCode: string | null };
};
type Page = { items: Row[]; total: number };

let t: TestApp;
let seeded: SeededApplications;
let jinan: Agent; // 济南's office
let province: Agent;
let researcher: Agent;
let lab: Agent;

const list = async (agent: Agent, path: string, query: Record<string, string> = {}, status = 200) => {
  const res = await agent.get(`/api/v1/${path}`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as Page;
};
const count = async (sql: string, ...params: (string | number)[]) => Number(await t.db.value(sql, params));

/** Every row of a table, page by page, in the order asked. */
async function everyPage(agent: Agent, path: string, query: Record<string, string>, size = 7) {
  const rows: Row[] = [];
  let total = 0;
  for (let offset = 0; ; offset += size) {
    const page = await list(agent, path, { ...query, offset: String(offset), limit: String(size) });
    total = page.total;
    rows.push(...page.items);
    if (page.items.length < size) break;
  }
  return { rows, total };
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 20 });
  seeded = await seedApplicationRows(t.db);
  [jinan, province, researcher, lab] = await Promise.all([
    signIn(t.app, 'finance@demo.test'),
    signIn(t.app, 'finance2@demo.test'),
    signIn(t.app, 'researcher@demo.test'),
    signIn(t.app, 'lab@demo.test'),
  ]);
}, 300_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /certification-applications: the reviewers’ table', () => {
  it('pages a city office’s queue by number, with the total, newest first and stable', async () => {
    const inCity = await count(
      `SELECT COUNT(*) FROM certification_applications a JOIN organisations e ON e.id = a.organisation_id
        WHERE e.city_code = '370100'`,
    );
    expect(inCity).toBeGreaterThan(20);
    const { rows, total } = await everyPage(jinan, 'certification-applications', {});
    expect(total).toBe(inCity);
    expect(rows).toHaveLength(inCity);
    expect(new Set(rows.map((r) => r.id)).size).toBe(inCity);
    expect(rows.every((r) => r.enterprise.cityCode === '370100')).toBe(true);
    const times = rows.map((r) => Date.parse(r.submittedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Oldest first is the same rows the other way round (ties broken by id).
    const oldest = await everyPage(jinan, 'certification-applications', { sort: 'oldest' });
    expect(oldest.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id).reverse());
  });

  it('sorts by the enterprise’s name in code-point order, ties by id', async () => {
    const { rows } = await everyPage(province, 'certification-applications', { sort: 'enterprise' }, 10);
    expect(rows.length).toBe(await count('SELECT COUNT(*) FROM certification_applications'));
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const cmp = a.enterprise.name < b.enterprise.name ? -1 : a.enterprise.name > b.enterprise.name ? 1 : 0;
      expect(cmp === -1 || (cmp === 0 && a.id < b.id), `${a.enterprise.name} / ${b.enterprise.name}`).toBe(true);
    }
  });

  it('filters by status and city, and searches the name, credit code and registration number', async () => {
    const submitted = await list(province, 'certification-applications', { status: 'submitted', limit: '200' });
    expect(submitted.total).toBe(
      await count(`SELECT COUNT(*) FROM certification_applications WHERE status = 'submitted'`),
    );
    expect(submitted.items.every((r) => r.status === 'submitted')).toBe(true);

    const qingdao = await list(province, 'certification-applications', { city: '370200', limit: '200' });
    expect(qingdao.total).toBeGreaterThan(0);
    expect(qingdao.items.every((r) => r.enterprise.cityCode === '370200')).toBe(true);
    // 济南's office asking for 青岛's gets nothing: its scope stays.
    expect((await list(jinan, 'certification-applications', { city: '370200' })).total).toBe(0);

    const one = qingdao.items.find((r) => r.enterprise.creditCode)!;
    const byCode = await list(province, 'certification-applications', { q: one.enterprise.creditCode!.toLowerCase() });
    expect(byCode.items.map((r) => r.enterprise.id)).toContain(one.enterprise.id);
    expect(byCode.items.every((r) => r.enterprise.creditCode === one.enterprise.creditCode)).toBe(true);
    const byNumber = await list(province, 'certification-applications', { q: one.registrationNo! });
    expect(byNumber.items.map((r) => r.id)).toEqual([one.id]);
    const word = one.enterprise.name.slice(0, 3);
    const byName = await list(province, 'certification-applications', { q: word, limit: '200' });
    expect(byName.items.length).toBeGreaterThan(0);
    expect(byName.items.every((r) => r.enterprise.name.includes(word) || r.registrationNo!.includes(word))).toBe(true);
    // LIKE's wildcards are matched as themselves.
    expect((await list(province, 'certification-applications', { q: '%' })).total).toBe(0);
    expect((await list(province, 'certification-applications', { q: '_' })).total).toBe(0);
  });

  it('gives the enterprise its own applications only, with the total', async () => {
    const own = await list(researcher, 'certification-applications', { sort: 'enterprise' });
    const org = Number(await t.db.value(`SELECT organisation_id FROM users WHERE email = 'researcher@demo.test'`));
    expect(own.total).toBe(
      await count(`SELECT COUNT(*) FROM certification_applications WHERE organisation_id = ?`, org),
    );
    expect(own.items.every((r) => r.enterprise.id === org)).toBe(true);
  });
});

describe('GET /voucher-applications: the reviewers’ table', () => {
  it('sorts by the amount asked both ways, ties by id, and pages with the total', async () => {
    const desc = await everyPage(province, 'voucher-applications', { sort: 'amount_desc', status: 'submitted' }, 5);
    expect(desc.total).toBe(await count(`SELECT COUNT(*) FROM voucher_applications WHERE status = 'submitted'`));
    expect(desc.rows).toHaveLength(desc.total);
    const amounts = desc.rows.map((r) => r.amountFen!);
    expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
    const asc = await everyPage(province, 'voucher-applications', { sort: 'amount_asc', status: 'submitted' }, 5);
    expect(asc.rows.map((r) => r.amountFen)).toEqual([...amounts].reverse());
  });

  it('filters by programme, city and status and searches, within the office’s scope', async () => {
    const all = await list(jinan, 'voucher-applications', { limit: '200' });
    expect(all.total).toBeGreaterThan(20);
    const inProgramme = await list(jinan, 'voucher-applications', {
      programmeId: String(seeded.programmeId),
      city: '370100',
      status: 'approved',
      limit: '200',
    });
    expect(inProgramme.total).toBeGreaterThan(0);
    expect(
      inProgramme.items.every(
        (r) => r.programme!.id === seeded.programmeId && r.enterprise.cityCode === '370100' && r.status === 'approved',
      ),
    ).toBe(true);
    expect((await list(jinan, 'voucher-applications', { programmeId: '999999' })).total).toBe(0);
    const one = all.items.find((r) => r.enterprise.creditCode)!;
    const found = await list(jinan, 'voucher-applications', { q: one.enterprise.creditCode! });
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((r) => r.enterprise.id === one.enterprise.id)).toBe(true);
    const page2 = await list(jinan, 'voucher-applications', { sort: 'enterprise', offset: '20', limit: '20' });
    expect(page2.total).toBe(all.total);
    expect(page2.items.length).toBe(Math.min(20, all.total - 20));
  });

  it('refuses bad values with 400, and non-finance callers as before', async () => {
    for (const [path, query] of [
      ['certification-applications', { sort: 'amount_desc' }],
      ['certification-applications', { sort: 'bogus' }],
      ['certification-applications', { city: 'jinan' }],
      ['certification-applications', { offset: '-1' }],
      ['certification-applications', { limit: '0' }],
      ['certification-applications', { limit: '201' }],
      ['certification-applications', { programmeId: '1' }],
      ['voucher-applications', { sort: 'name' }],
      ['voucher-applications', { offset: '200000' }],
      ['voucher-applications', { programmeId: 'x' }],
      ['voucher-applications', { status: 'open' }],
    ] as const) {
      const res = await province.get(`/api/v1/${path}`).query(query);
      expect(res.status, `${path} ${JSON.stringify(query)}`).toBe(400);
    }
    expect((await lab.get('/api/v1/voucher-applications').query({ sort: 'amount_desc' })).status).toBe(403);
  });

  it('documents the parameters in OpenAPI', async () => {
    const doc = (await province.get('/api/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const names = (p: string) => doc.paths[p]?.get?.parameters?.map((x) => x.name);
    expect(names('/api/v1/certification-applications')).toEqual(
      expect.arrayContaining(['status', 'q', 'city', 'sort', 'offset', 'limit']),
    );
    expect(names('/api/v1/voucher-applications')).toEqual(
      expect.arrayContaining(['status', 'q', 'city', 'programmeId', 'sort', 'offset', 'limit']),
    );
  });
});
