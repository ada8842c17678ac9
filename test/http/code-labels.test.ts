/**
 * What the SPA needs to show the API's answers in words: GET /auth/session answers an anonymous caller 200
 * with `user: null` (GET /auth/me keeps its 401), ledger accounts and transfers carry the names of whom the
 * account is (organisation, programme, controller group, shared cap) under the caller's usual scope, and every
 * transfer code the ledger holds is one of enums.ts's (which the SPA labels: test/unit/code-labels.test.ts).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerTransferCodes } from '../../db/schema/enums.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ instruments: 60 });
}, 300_000);
afterAll(() => t?.close());

type Owners = {
  organisationName: string | null;
  programmeName: string | null;
  groupName: string | null;
  capName: string | null;
};
type Account = Owners & {
  id: number;
  code: string;
  kind: string;
  organisationId: number | null;
  programmeId: number | null;
};

describe('GET /auth/session', () => {
  it('answers an anonymous caller 200 with no user, and a signed-in one with the same user as /auth/me', async () => {
    const anonymous = await request(t.app).get('/api/v1/auth/session');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ user: null });
    const forged = await request(t.app).get('/api/v1/auth/session').set('Cookie', 'sid=forged');
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({ user: null });
    // /auth/me keeps its contract for API clients: 401 without a session.
    expect((await request(t.app).get('/api/v1/auth/me')).status).toBe(401);

    const agent = await signIn(t.app, 'researcher@demo.test');
    const session = await agent.get('/api/v1/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe('researcher@demo.test');
    expect(session.body).toEqual((await agent.get('/api/v1/auth/me')).body);
  });

  it('is in the OpenAPI document, public, with its operationId', async () => {
    const doc = (await request(t.app).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>>;
    };
    const op = doc.paths['/api/v1/auth/session']?.get ?? doc.paths['/auth/session']?.get;
    expect(op?.operationId).toBe('getAuthSession');
    expect(op?.security).toEqual([]);
  });
});

describe('ledger accounts by name', () => {
  it('names each account’s organisation and programme (the province’s office sees all)', async () => {
    const province = await signIn(t.app, 'finance2@demo.test');
    const res = await province.get('/api/v1/ledger/accounts');
    expect(res.status).toBe(200);
    const accounts = res.body.items as Account[];
    expect(accounts.length).toBeGreaterThan(0);
    const orgNames = new Map(
      ((await t.db.all(`SELECT id, name FROM organisations`, [])) as { id: number; name: string }[]).map((o) => [
        Number(o.id),
        o.name,
      ]),
    );
    const programmeNames = new Map(
      ((await t.db.all(`SELECT id, name FROM voucher_programmes`, [])) as { id: number; name: string }[]).map((p) => [
        Number(p.id),
        p.name,
      ]),
    );
    for (const a of accounts) {
      expect(a.organisationName, a.code).toBe(a.organisationId === null ? null : orgNames.get(a.organisationId));
      expect(a.programmeName, a.code).toBe(a.programmeId === null ? null : programmeNames.get(a.programmeId));
      if (a.kind === 'group_cap') expect(a.groupName, a.code).toEqual(expect.any(String));
      if (a.kind === 'shared_cap' || a.kind === 'shared_cap_source')
        expect(a.capName, a.code).toEqual(expect.any(String));
    }
    expect(accounts.some((a) => a.kind === 'enterprise_cash' && a.organisationName)).toBe(true);

    const transfers = await province.get('/api/v1/ledger/transfers?limit=200');
    expect(transfers.status).toBe(200);
    const items = transfers.body.items as { debitAccount: Account; creditAccount: Account }[];
    expect(items.length).toBeGreaterThan(0);
    for (const x of items) {
      for (const a of [x.debitAccount, x.creditAccount]) {
        expect(a.kind).toEqual(expect.any(String));
        expect(a).toHaveProperty('organisationName');
        expect(a).toHaveProperty('programmeName');
      }
    }
  });

  it('a city office gets the same accounts as before, with names, and none of another city’s', async () => {
    const qingdao = await signIn(t.app, 'finance3@demo.test');
    const seen = (await qingdao.get('/api/v1/ledger/accounts')).body.items as Account[];
    const own = new Set(
      (
        (await t.db.all(
          `SELECT a.id FROM ledger_accounts a LEFT JOIN organisations o ON o.id = a.organisation_id
           LEFT JOIN voucher_programmes p ON p.id = a.programme_id
           WHERE (o.kind = 'enterprise' AND o.city_code = '370200') OR p.issuer_city_code = '370200'`,
          [],
        )) as { id: number }[]
      ).map((r) => Number(r.id)),
    );
    for (const a of seen) expect(own.has(a.id), a.code).toBe(true);
    expect((await request(t.app).get('/api/v1/ledger/accounts')).status).toBe(401);
    expect((await (await signIn(t.app, 'researcher@demo.test')).get('/api/v1/ledger/accounts')).status).toBe(403);
  });

  it('holds only transfer codes the SPA has words for', async () => {
    const codes = ((await t.db.all(`SELECT DISTINCT code FROM ledger_transfers`, [])) as { code: string }[]).map(
      (r) => r.code,
    );
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !(ledgerTransferCodes as readonly string[]).includes(c))).toEqual([]);
  });
});
