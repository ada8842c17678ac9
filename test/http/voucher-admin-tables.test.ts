/**
 * The voucher office's admin lists (issue 17): enterprises, quotas and related parties searched,
 * filtered, sorted (stable, ties by id) and paged by number with the total; bad values refused with
 * 400; a city's finance office still reads its own city's only. Runs on both engines
 * (`--project http`, `--project http-pg`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

type Agent = Awaited<ReturnType<typeof signIn>>;
type Enterprise = {
  id: number;
  name: string;
  cityCode: string | null;
  creditCode: string | null;
  certification: { valid: boolean; revokedAt: string | null } | null;
  quotaBalanceFen?: number;
};
type Quota = {
  id: number;
  programmeId: number;
  enterprise: { id: number; name: string };
  capFen: number;
  status: string;
  grantedAt: string;
};
type Related = {
  id: number;
  enterprise: { id: number; name: string };
  provider: { name: string };
  relation: string;
  declaredAt: string;
};
type Page<T> = { items: T[]; total: number };

let t: TestApp;
let admin: Agent;
let jinan: Agent;
let researcher: Agent;

const list = async <T>(agent: Agent, path: string, query: object, status = 200) => {
  const res = await agent.get(`/api/v1${path}`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as Page<T>;
};
const codePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  t = await createTestApp({ instruments: 10 });
  [admin, jinan, researcher] = await Promise.all([
    signIn(t.app, 'admin@demo.test'),
    signIn(t.app, 'finance@demo.test'),
    signIn(t.app, 'researcher@demo.test'),
  ]);
  // The demo's hundreds of enterprises and quotas take a while to seed on a busy PostgreSQL.
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe('GET /enterprises: search, filters, sort, numbered pages', () => {
  it('pages every enterprise by number with the total, by name in code-point order', async () => {
    const all = await list<Enterprise>(admin, '/enterprises', { limit: '200' });
    expect(all.total).toBeGreaterThan(3);
    expect(all.items).toHaveLength(Math.min(all.total, 200));
    const byName = await list<Enterprise>(admin, '/enterprises', { sort: 'name', limit: '200' });
    const names = byName.items.map((e) => e.name);
    expect(names).toEqual([...names].sort(codePoint));
    const first = await list<Enterprise>(admin, '/enterprises', { sort: 'name', offset: '0', limit: '2' });
    const second = await list<Enterprise>(admin, '/enterprises', { sort: 'name', offset: '2', limit: '2' });
    expect(first.total).toBe(all.total);
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(byName.items.slice(0, 4).map((e) => e.id));
    const desc = await list<Enterprise>(admin, '/enterprises', { sort: 'name', order: 'desc', limit: '200' });
    const descNames = desc.items.map((e) => e.name);
    expect(descNames).toEqual([...descNames].sort(codePoint).reverse());
    expect(desc.total).toBe(all.total);
  });

  it('sorts by the quota money left, ties by id, and says how much each has', async () => {
    const page = await list<Enterprise>(admin, '/enterprises', { sort: 'balance', limit: '200' });
    const balances = page.items.map((e) => e.quotaBalanceFen!);
    expect(balances.every((b) => Number.isInteger(b))).toBe(true);
    expect(balances).toEqual([...balances].sort((a, b) => b - a));
    expect(balances[0]).toBeGreaterThan(0);
    for (let i = 1; i < page.items.length; i++)
      if (balances[i] === balances[i - 1]) expect(page.items[i]!.id).toBeLessThan(page.items[i - 1]!.id);
    const asc = await list<Enterprise>(admin, '/enterprises', { sort: 'balance', order: 'asc', limit: '200' });
    const ascending = asc.items.map((e) => e.quotaBalanceFen!);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    // Pages of the same order do not overlap.
    const p1 = await list<Enterprise>(admin, '/enterprises', { sort: 'balance', limit: '20' });
    const p2 = await list<Enterprise>(admin, '/enterprises', { sort: 'balance', offset: '20', limit: '20' });
    expect(new Set([...p1.items, ...p2.items].map((e) => e.id)).size).toBe(40);
    // The balance is what the enterprise's quotas have left.
    const holder = page.items[0]!;
    const quotas = await list<Quota & { availableFen: number }>(admin, '/voucher-quotas', {
      enterpriseId: String(holder.id),
    });
    expect(quotas.items.reduce((s, q) => s + q.availableFen, 0)).toBe(holder.quotaBalanceFen);
  });

  it('searches name or credit code and filters by city and certification, counting what matches', async () => {
    const everyone = await list<Enterprise>(admin, '/enterprises', { limit: '200' });
    const all = everyone.items;
    const one = all.find((e) => e.creditCode)!;
    const byCode = await list<Enterprise>(admin, '/enterprises', { q: one.creditCode!.slice(-8).toLowerCase() });
    expect(byCode.items.map((e) => e.id)).toContain(one.id);
    const byName = await list<Enterprise>(admin, '/enterprises', { q: one.name.slice(0, 4) });
    expect(
      byName.items.every((e) => e.name.includes(one.name.slice(0, 4)) || e.creditCode?.includes(one.name.slice(0, 4))),
    ).toBe(true);
    expect(byName.total).toBe(byName.items.length);
    // A LIKE wildcard is searched for as itself.
    expect((await list<Enterprise>(admin, '/enterprises', { q: '%' })).total).toBe(0);

    const city = one.cityCode!;
    const inCity = await list<Enterprise>(admin, '/enterprises', { city, limit: '200' });
    expect(inCity.items.every((e) => e.cityCode === city)).toBe(true);
    expect(inCity.total).toBeLessThan(everyone.total);
    expect(inCity.total).toBeGreaterThanOrEqual(all.filter((e) => e.cityCode === city).length);

    const valid = await list<Enterprise>(admin, '/enterprises', { certification: 'valid', limit: '200' });
    expect(valid.total).toBeGreaterThan(0);
    expect(valid.items.every((e) => e.certification?.valid)).toBe(true);
    const none = await list<Enterprise>(admin, '/enterprises', { certification: 'none', limit: '200' });
    expect(none.items.every((e) => e.certification === null)).toBe(true);
    const revoked = await list<Enterprise>(admin, '/enterprises', { certification: 'revoked', limit: '200' });
    const expired = await list<Enterprise>(admin, '/enterprises', { certification: 'expired', limit: '200' });
    expect(valid.total + none.total + revoked.total + expired.total).toBe(everyone.total);
  });

  it('keeps a city office to its own city whatever city is asked for', async () => {
    const own = await list<Enterprise>(jinan, '/enterprises', { limit: '200' });
    expect(own.total).toBeGreaterThan(0);
    const city = own.items[0]!.cityCode!;
    expect(own.items.every((e) => e.cityCode === city)).toBe(true);
    const other = (await list<Enterprise>(admin, '/enterprises', { limit: '200' })).items.find(
      (e) => e.cityCode && e.cityCode !== city,
    )!;
    expect((await list<Enterprise>(jinan, '/enterprises', { city: other.cityCode! })).total).toBe(0);
    await list(researcher, '/enterprises', {}, 403);
  });

  it('refuses bad values with 400', async () => {
    for (const query of [
      { sort: 'size' },
      { order: 'up' },
      { certification: 'maybe' },
      { city: 'jinan' },
      { limit: '0' },
      { limit: '201' },
      { offset: '-1' },
      { page: '2' },
    ])
      await list(admin, '/enterprises', query, 400);
  });
});

describe('GET /voucher-quotas: search, filters, sort, numbered pages', () => {
  it('pages by number with the total, newest granted first by default', async () => {
    const all = await list<Quota>(admin, '/voucher-quotas', { limit: '200' });
    expect(all.total).toBeGreaterThan(1);
    const ids = all.items.map((q) => q.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const first = await list<Quota>(admin, '/voucher-quotas', { offset: '0', limit: '1' });
    const second = await list<Quota>(admin, '/voucher-quotas', { offset: '1', limit: '1' });
    expect(first.total).toBe(all.total);
    expect([first.items[0]!.id, second.items[0]!.id]).toEqual(ids.slice(0, 2));
  });

  it('sorts by amount and by time granted, either way, ties by id', async () => {
    const big = (await list<Quota>(admin, '/voucher-quotas', { sort: 'amount', limit: '200' })).items;
    expect(big.map((q) => q.capFen)).toEqual([...big.map((q) => q.capFen)].sort((a, b) => b - a));
    const small = (await list<Quota>(admin, '/voucher-quotas', { sort: 'amount', order: 'asc', limit: '200' })).items;
    expect(small.map((q) => q.capFen)).toEqual([...small.map((q) => q.capFen)].sort((a, b) => a - b));
    for (let i = 1; i < small.length; i++)
      if (small[i]!.capFen === small[i - 1]!.capFen) expect(small[i]!.id).toBeGreaterThan(small[i - 1]!.id);
    const oldest = (await list<Quota>(admin, '/voucher-quotas', { sort: 'granted', order: 'asc', limit: '200' })).items;
    const times = oldest.map((q) => Date.parse(q.grantedAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('searches the enterprise and filters by programme and status', async () => {
    const everything = await list<Quota>(admin, '/voucher-quotas', { limit: '200' });
    const all = everything.items;
    const one = all[0]!;
    const named = await list<Quota>(admin, '/voucher-quotas', { q: one.enterprise.name.slice(0, 4), limit: '200' });
    expect(named.items.map((q) => q.id)).toContain(one.id);
    expect(named.items.every((q) => q.enterprise.name.includes(one.enterprise.name.slice(0, 4)))).toBe(true);
    const inProgramme = await list<Quota>(admin, '/voucher-quotas', {
      programmeId: String(one.programmeId),
      limit: '200',
    });
    expect(inProgramme.items.every((q) => q.programmeId === one.programmeId)).toBe(true);
    expect(inProgramme.total).toBeGreaterThanOrEqual(all.filter((q) => q.programmeId === one.programmeId).length);
    let counted = 0;
    for (const status of ['active', 'not_started', 'expired', 'revoked']) {
      const page = await list<Quota>(admin, '/voucher-quotas', { status, limit: '200' });
      expect(page.items.every((q) => q.status === status)).toBe(true);
      counted += page.total;
    }
    expect(counted).toBe(everything.total);
    for (const query of [{ status: 'lost' }, { sort: 'name' }, { programmeId: 'x' }, { limit: '1000' }])
      await list(admin, '/voucher-quotas', query, 400);
  });
});

describe('GET /related-parties: search, filter, sort, numbered pages', () => {
  it('pages, searches either side, filters by relation, sorts by enterprise or time', async () => {
    const [enterprise] = (await list<Enterprise>(admin, '/enterprises', { sort: 'name', limit: '3' })).items;
    const institutions = await admin.get('/api/v1/institutions');
    const providers = (institutions.body.items ?? institutions.body) as {
      id: number;
      name?: string;
      nameZh?: string;
    }[];
    for (const [i, relation] of (['shared_owner', 'controller', 'legal_representative'] as const).entries()) {
      const res = await admin
        .post('/api/v1/related-parties')
        .send({ enterpriseId: enterprise!.id, providerId: providers[i % providers.length]!.id, relation });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const all = await list<Related>(admin, '/related-parties', { limit: '200' });
    expect(all.total).toBeGreaterThanOrEqual(3);
    const times = all.items.map((r) => Date.parse(r.declaredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const first = await list<Related>(admin, '/related-parties', { offset: '0', limit: '2' });
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(all.total);

    const controllers = await list<Related>(admin, '/related-parties', { relation: 'controller' });
    expect(controllers.items.length).toBeGreaterThan(0);
    expect(controllers.items.every((r) => r.relation === 'controller')).toBe(true);
    const byEnterprise = await list<Related>(admin, '/related-parties', { q: enterprise!.name });
    expect(
      byEnterprise.items.every(
        (r) => r.enterprise.name.includes(enterprise!.name) || r.provider.name.includes(enterprise!.name),
      ),
    ).toBe(true);
    expect(byEnterprise.total).toBeGreaterThanOrEqual(3);
    const provider = all.items[0]!.provider.name;
    expect((await list<Related>(admin, '/related-parties', { q: provider })).items.map((r) => r.id)).toContain(
      all.items[0]!.id,
    );

    const sorted = (await list<Related>(admin, '/related-parties', { sort: 'enterprise', limit: '200' })).items;
    const names = sorted.map((r) => r.enterprise.name);
    expect(names).toEqual([...names].sort(codePoint));
    for (const query of [{ relation: 'friend' }, { sort: 'provider' }, { offset: 'x' }])
      await list(admin, '/related-parties', query, 400);
    await list(researcher, '/related-parties', {}, 403);
  });
});
