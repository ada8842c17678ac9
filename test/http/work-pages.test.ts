/**
 * The working pages' list parameters (issue 17): the platform directory of organisations sorted
 * (newest, oldest, by name) and paged by number (offset, limit, total), the bad values refused with
 * 400, and only platform admins served. Runs on both engines (`--project http`, `--project http-pg`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

type Agent = Awaited<ReturnType<typeof signIn>>;
type Page = { items: { id: number; name: string; kind: string }[]; nextCursor: string | null; total?: number };

let t: TestApp;
let admin: Agent;
let lab: Agent;

const directory = async (query: Record<string, string>, status = 200) => {
  const res = await admin.get('/api/v1/organisations').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as Page;
};

beforeAll(async () => {
  t = await createTestApp({ instruments: 20 });
  [admin, lab] = await Promise.all([signIn(t.app, 'admin@demo.test'), signIn(t.app, 'lab@demo.test')]);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /organisations: sort and numbered pages', () => {
  it('pages through every organisation by number, with the total, in the order asked', async () => {
    const all = Number(Object.values((await t.db.get('SELECT COUNT(*) AS n FROM organisations', []))!)[0]);
    expect(all).toBeGreaterThan(6);
    const first = await directory({ sort: 'oldest', offset: '0', limit: '5' });
    expect(first.total).toBe(all);
    expect(first.items).toHaveLength(5);
    expect(first.nextCursor).toBeNull();
    const ids = first.items.map((o) => o.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const second = await directory({ sort: 'oldest', offset: '5', limit: '5' });
    expect(second.items[0]!.id).toBeGreaterThan(ids.at(-1)!);
    // The last page holds what is left.
    const last = await directory({ sort: 'oldest', offset: String(all - 2), limit: '5' });
    expect(last.items).toHaveLength(2);

    const newest = await directory({ offset: '0', limit: '3' });
    expect(newest.total).toBe(all);
    expect(newest.items.map((o) => o.id)).toEqual([...newest.items.map((o) => o.id)].sort((a, b) => b - a));

    // By name, in code-point order on both engines.
    const byName = await directory({ sort: 'name', limit: '100' });
    const names = byName.items.map((o) => o.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(byName.total).toBe(all);
  });

  it('filters and counts together, and keeps the cursor pages as they were', async () => {
    const enterprises = await directory({ kind: 'enterprise', sort: 'name', offset: '0', limit: '100' });
    expect(enterprises.items.every((o) => o.kind === 'enterprise')).toBe(true);
    const n = Number(
      Object.values((await t.db.get(`SELECT COUNT(*) AS n FROM organisations WHERE kind = 'enterprise'`, []))!)[0],
    );
    expect(enterprises.total).toBe(n);
    expect(enterprises.items).toHaveLength(Math.min(n, 100));
    const plain = await directory({});
    expect(plain.total).toBeUndefined();
    expect(plain.items.map((o) => o.id)).toEqual([...plain.items.map((o) => o.id)].sort((a, b) => b - a));
  });

  it('refuses bad values with 400 and serves platform admins only', async () => {
    for (const query of [
      { sort: 'size' },
      { offset: '-1' },
      { offset: 'x' },
      { limit: '0' },
      { limit: '101' },
      { offset: '200000' },
      { sort: 'name', cursor: 'abc' },
      { offset: '0', cursor: 'abc' },
    ]) {
      const res = await admin.get('/api/v1/organisations').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
    expect((await lab.get('/api/v1/organisations').query({ sort: 'name' })).status).toBe(403);
  });

  it('documents the parameters in OpenAPI', async () => {
    const doc = (await admin.get('/api/openapi.json')).body as {
      paths: Record<string, { get?: { parameters?: { name: string }[]; operationId?: string } }>;
    };
    const op = doc.paths['/api/v1/organisations']?.get;
    expect(op?.operationId).toBeTruthy();
    expect(op?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['sort', 'offset', 'limit']));
  });
});
