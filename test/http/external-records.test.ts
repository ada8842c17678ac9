/**
 * Records from institutions' own systems over HTTP: API keys made, listed and revoked by the lab
 * (only the hash stored, audited), records pushed with a key (Bearer, no cookie) counted in the
 * institution's figures, the public overview and the national service-record export (marked as the
 * institution's own system's), idempotent by the institution's record id, scoped to the key's
 * institution, refused with a revoked or unknown key, rate-limited per key, bad payloads refused
 * whole; no voucher or ledger row touched.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { servicesOf } from '../../server/app.ts';
import { creditCodeCheckChar, organisationCodeCheckChar } from '../../server/modules/organisations/credit-code.ts';
import { PUSH_LIMIT } from '../../server/modules/integrations/api-keys.ts';
import { parseCsv } from '../../server/modules/settlement/exports.ts';
import { SERVICE_HEADERS } from '../../server/modules/stats/national.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';

const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let lab2: Agent;
let admin: Agent;
let researcher: Agent;
let labOrg: number;
let lab2Org: number;
let ours: { id: number; asset: string }[];
let theirs: number;
let enterprise: { id: number; code: string; name: string };

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(await t.db.value(sql, params));
const PUSH = '/api/v1/external/service-records';

/** A well-formed credit code of an enterprise not on the platform (91, Jinan, organisation code from n). */
function offPlatformCode(n: number): string {
  const body = String(10_000_000 + n).slice(0, 8);
  const org = body + organisationCodeCheckChar(body)!;
  const first17 = '91370100' + org;
  return first17 + creditCodeCheckChar(first17)!;
}

async function makeKey(agent: Agent, name: string, institutionId?: number) {
  const res = await agent.post('/api/v1/api-keys').send({ name, ...(institutionId && { institutionId }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; secret: string; prefix: string };
}

const push = (key: string, records: unknown[]) =>
  request(t.app).post(PUSH).set('Authorization', `Bearer ${key}`).send({ records });

function record(over: Record<string, unknown> = {}) {
  return {
    externalId: 'LIMS-1',
    instrumentId: ours[0]!.id,
    mode: 'machine_time',
    start: '2026-10-12T09:00:00+08:00',
    end: '2026-10-12T12:00:00+08:00',
    minutes: 150,
    amountFen: 60_000,
    purpose: '材料断口形貌观察',
    userName: '王工',
    userOrganisation: enterprise.name,
    userCreditCode: enterprise.code,
    userType: 'external',
    rating: 5,
    ...over,
  };
}

const institutionTotals = async () =>
  (await lab.get(`/api/v1/stats/institutions/${labOrg}?year=2026`).expect(200)).body.totals;
const overviewTotals = async () =>
  (await request(t.app).get('/api/v1/stats/overview?year=2026').expect(200)).body.totals;

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock });
  await servicesOf(t.app).stats.ensureYear(2026);
  lab = await signIn(t.app, 'lab@demo.test');
  lab2 = await signIn(t.app, 'lab2@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  labOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab@demo.test'`)).o;
  lab2Org = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab2@demo.test'`)).o;
  ours = await t.db.all<{ id: number; asset: string }>(
    `SELECT id, asset_number AS asset FROM instruments WHERE institution_id = ? ORDER BY id LIMIT 3`,
    [labOrg],
  );
  theirs = (await t.db.value<number>(`SELECT MIN(id) FROM instruments WHERE institution_id = ?`, [lab2Org]))!;
  enterprise = await one(
    `SELECT o.id, o.credit_code AS code, o.name FROM organisations o JOIN users u ON u.organisation_id = o.id
     WHERE u.email = 'researcher@demo.test'`,
  );
});
afterAll(() => t.close());

describe('API keys', () => {
  it('are made by the lab, shown once, stored only as their hash, listed by prefix, audited', async () => {
    const key = await makeKey(lab, 'LIMS 对接');
    expect(key.secret).toMatch(/^isp_live_[\w-]{43}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.prefix.length).toBeLessThan(20);
    const row = await one<Record<string, unknown>>(`SELECT * FROM api_keys WHERE id = ?`, key.id);
    expect(row.key_hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
    // Nowhere in the row, nor in the audit log, is the secret.
    expect(JSON.stringify(row)).not.toContain(key.secret.slice(15));
    const audit = await t.db.all<{ details: string }>(
      `SELECT details FROM audit_log WHERE action = 'integration.api_key_create' AND subject_id = ?`,
      [String(key.id)],
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(key.secret.slice(15));

    const list = (await lab.get('/api/v1/api-keys').expect(200)).body.items as Record<string, unknown>[];
    const listed = list.find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: 'LIMS 对接', prefix: key.prefix, revokedAt: null, lastUsedAt: null });
    expect(JSON.stringify(list)).not.toContain(key.secret.slice(15));
    // Another lab does not see it; a researcher may not make keys.
    const others = (await lab2.get('/api/v1/api-keys').expect(200)).body.items as { id: number }[];
    expect(others.map((k) => k.id)).not.toContain(key.id);
    expect((await researcher.post('/api/v1/api-keys').send({ name: 'x' })).status).toBe(403);
    expect((await lab.post('/api/v1/api-keys').send({ name: 'x', institutionId: lab2Org })).status).toBe(403);
    // A platform admin names the institution.
    expect((await admin.post('/api/v1/api-keys').send({ name: 'x' })).status).toBe(400);
    const byAdmin = await makeKey(admin, '平台代建', lab2Org);
    expect(await one<{ i: number }>(`SELECT institution_id AS i FROM api_keys WHERE id = ?`, byAdmin.id)).toEqual({
      i: lab2Org,
    });
  });

  it('are revoked by their lab (audited); a revoked or unknown key is refused with 401', async () => {
    const key = await makeKey(lab, 'to revoke');
    expect((await push(key.secret, [record({ externalId: 'REV-1' })])).status).toBe(200);
    expect((await lab2.post(`/api/v1/api-keys/${key.id}/revoke`)).status).toBe(404);
    const revoked = await lab.post(`/api/v1/api-keys/${key.id}/revoke`).expect(200);
    expect(revoked.body.revokedAt).toBe(NOW);
    expect(
      await count(
        `SELECT COUNT(*) FROM audit_log WHERE action = 'integration.api_key_revoke' AND subject_id = ?`,
        String(key.id),
      ),
    ).toBe(1);
    const refused = await push(key.secret, [record({ externalId: 'REV-2' })]).set('Accept-Language', 'en');
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('this API key has been revoked');
    expect((await push('isp_live_' + 'x'.repeat(43), [record({ externalId: 'REV-3' })])).status).toBe(401);
    expect(
      (
        await request(t.app)
          .post(PUSH)
          .send({ records: [record({ externalId: 'REV-4' })] })
      ).status,
    ).toBe(401);
    // A signed-in lab's cookie is no key: the push reads no session.
    expect((await lab.post(PUSH).send({ records: [record({ externalId: 'REV-5' })] })).status).toBe(401);
    expect(await count(`SELECT COUNT(*) FROM external_service_records WHERE external_id LIKE 'REV-%'`)).toBe(1);
  });
});

describe('pushed records', () => {
  let secret: string;
  beforeAll(async () => {
    secret = (await makeKey(lab, 'LIMS')).secret;
  });

  it('count in the institution’s figures, the public overview and the national export, like completed bookings', async () => {
    const vouchers = await count(`SELECT COUNT(*) FROM voucher_uses`);
    const ledger = await count(`SELECT COUNT(*) FROM ledger_transfers`);
    const beforeInst = await institutionTotals();
    const beforeAll_ = await overviewTotals();
    const csvBefore = parseCsv(
      (await download(lab, `/api/v1/national-reports/services?institutionId=${labOrg}&year=2026`)).body as Buffer,
    );
    const offPlatform = offPlatformCode(4242);
    const year = Date.parse('2026-01-01T00:00:00+08:00');
    // Was the demo enterprise served by this institution this year already (then it is not a new one)?
    const servedAlready =
      (await count(
        `SELECT COUNT(*) FROM bookings WHERE institution_id = ? AND status = 'completed' AND requester_organisation_id = ?
           AND user_type = 'enterprise' AND start_at >= ?`,
        labOrg,
        enterprise.id,
        year,
      )) +
        (await count(
          `SELECT COUNT(*) FROM external_service_records WHERE institution_id = ? AND user_organisation_id = ?
             AND user_type = 'external' AND start_at >= ?`,
          labOrg,
          enterprise.id,
          year,
        )) >
      0;
    const batch = [
      record({ externalId: 'LIMS-1' }), // the demo enterprise (linked by its credit code)
      record({
        externalId: 'LIMS-2',
        instrumentId: undefined,
        assetNumber: ours[1]!.asset, // by the institution's own asset number
        mode: 'sample',
        minutes: undefined,
        samples: 6,
        start: '2026-10-14T09:00:00+08:00',
        end: '2026-10-15T17:00:00+08:00',
        amountFen: 120_000,
        userOrganisation: '济南某新材料有限公司',
        userCreditCode: offPlatform,
        rating: 4,
      }),
      record({
        externalId: 'LIMS-3',
        start: '2026-10-20T14:00:00+08:00',
        end: '2026-10-20T16:00:00+08:00',
        minutes: 120,
        amountFen: 30_000,
        userName: '本单位课题组',
        userOrganisation: '山东省分析测试中心',
        userCreditCode: undefined,
        userType: 'internal',
        rating: undefined,
      }),
    ];
    const res = await push(secret, batch);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ created: 3, updated: 0, unchanged: 0, refused: 0 });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created']);
    const stored = await one<Record<string, unknown>>(
      `SELECT user_organisation_id AS org, api_key_id AS key, amount_fen AS fen FROM external_service_records
       WHERE institution_id = ? AND external_id = 'LIMS-1'`,
      labOrg,
    );
    expect(stored).toMatchObject({ org: enterprise.id, fen: 60_000 });
    expect(
      await one(`SELECT user_organisation_id AS org FROM external_service_records WHERE external_id = 'LIMS-2'`),
    ).toEqual({ org: null });

    const afterInst = await institutionTotals();
    expect(afterInst.completed - beforeInst.completed).toBe(3);
    expect(afterInst.requests - beforeInst.requests).toBe(3);
    expect(afterInst.incomeFen - beforeInst.incomeFen).toBe(210_000);
    expect(afterInst.voucherIncomeFen).toBe(beforeInst.voucherIncomeFen);
    expect(afterInst.savedFen).toBe(beforeInst.savedFen);
    expect(afterInst.samples - beforeInst.samples).toBe(6);
    // 150 + 120 minutes of machine time, and the samples' instrument time (start to end: no minutes given).
    const sampleMinutes = (Date.parse(batch[1]!.end as string) - Date.parse(batch[1]!.start as string)) / 60_000;
    expect(afterInst.usedHours - beforeInst.usedHours).toBeCloseTo((150 + 120 + sampleMinutes) / 60, 0);
    expect(afterInst.externalHours - beforeInst.externalHours).toBeCloseTo((150 + sampleMinutes) / 60, 0);
    // The off-platform enterprise is a new one served (by its credit code); the demo enterprise unless served already.
    expect(afterInst.enterprisesServed - beforeInst.enterprisesServed).toBe(servedAlready ? 1 : 2);
    const afterAll_ = await overviewTotals();
    expect(afterAll_.completed - beforeAll_.completed).toBe(3);
    expect(afterAll_.incomeFen - beforeAll_.incomeFen).toBe(210_000);
    expect(afterAll_.enterprisesServed - beforeAll_.enterprisesServed).toBe(
      afterInst.enterprisesServed - beforeInst.enterprisesServed,
    );
    // One instrument's own figures too.
    const month = (await request(t.app).get(`/api/v1/stats/instruments/${ours[0]!.id}?year=2026`).expect(200)).body;
    expect(JSON.stringify(month)).toContain('2026-10');

    const csv = parseCsv(
      (await download(lab, `/api/v1/national-reports/services?institutionId=${labOrg}&year=2026`)).body as Buffer,
    );
    expect(csv[0]).toEqual(SERVICE_HEADERS);
    expect(csv.length - csvBefore.length).toBe(3);
    const col = (h: string) => csv[0]!.indexOf(h);
    const pushed = csv.filter((r) => r[col('记录来源')] === '单位自有系统');
    const first = pushed.find((r) => r[col('服务开始时间')] === '2026-10-12 09:00')!;
    expect(first).toBeDefined();
    expect(first[col('服务金额(元)')]).toBe('600.00');
    expect(first[col('服务方式')]).toBe('占用');
    expect(first[col('服务量')]).toBe('2.50');
    expect(first[col('申请人单位')]).toBe(enterprise.name);
    expect(first[col('用户类型')]).toBe('外部');
    expect(first[col('服务评价')]).toBe('非常满意');
    expect(first[col('创新券金额(元)')]).toBe('');
    const sample = pushed.find((r) => r[col('服务开始时间')] === '2026-10-14 09:00')!;
    expect(sample[col('服务方式')]).toBe('委托');
    expect(sample[col('服务量')]).toBe('6');
    expect(csv.slice(1).every((r) => ['平台预约', '单位自有系统'].includes(r[col('记录来源')]!))).toBe(true);

    // The lab's list shows them; another lab's does not.
    const list = (await lab.get(`${PUSH}?q=LIMS-2`).expect(200)).body;
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      externalId: 'LIMS-2',
      samples: 6,
      apiKeyName: 'LIMS',
      instrumentId: ours[1]!.id,
    });
    expect(
      (await lab.get(`${PUSH}?from=2026-10-12&to=2026-10-12`).expect(200)).body.items.map(
        (r: { externalId: string }) => r.externalId,
      ),
    ).toContain('LIMS-1');
    expect(
      (await lab2.get(PUSH).expect(200)).body.items.every(
        (r: { institutionId: number }) => r.institutionId === lab2Org,
      ),
    ).toBe(true);
    expect((await lab2.get(`${PUSH}?institutionId=${labOrg}`)).status).toBe(403);
    expect((await researcher.get(PUSH)).status).toBe(403);

    expect(await count(`SELECT COUNT(*) FROM voucher_uses`)).toBe(vouchers);
    expect(await count(`SELECT COUNT(*) FROM ledger_transfers`)).toBe(ledger);
    expect(
      await one(
        `SELECT last_used_at AS at FROM api_keys WHERE key_hash = ?`,
        createHash('sha256').update(secret).digest('hex'),
      ),
    ).toEqual({ at: NOW });
  });

  it('are idempotent by the institution’s record id: the same again is unchanged, a change updates', async () => {
    const again = await push(secret, [record({ externalId: 'LIMS-1' })]);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const dirty = await count(`SELECT COUNT(*) FROM stats_dirty`);
    expect(dirty).toBe(0); // nothing written: nothing to recount
    const before = await institutionTotals();
    const changed = await push(secret, [record({ externalId: 'LIMS-1', amountFen: 80_000 })]);
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(changed.body.results[0].id).toBe(again.body.results[0].id);
    const after = await institutionTotals();
    expect(after.incomeFen - before.incomeFen).toBe(20_000);
    expect(after.completed).toBe(before.completed);
    expect(
      await count(
        `SELECT COUNT(*) FROM external_service_records WHERE institution_id = ? AND external_id = 'LIMS-1'`,
        labOrg,
      ),
    ).toBe(1);
  });

  it('refuse, record by record, another institution’s instrument and an unknown one; the rest are stored', async () => {
    const before = await institutionTotals();
    const res = await push(secret, [
      record({ externalId: 'X-1', instrumentId: theirs }),
      record({ externalId: 'X-2', instrumentId: undefined, assetNumber: 'NO-SUCH-ASSET' }),
      record({ externalId: 'X-3', start: '2026-10-21T09:00:00+08:00', end: '2026-10-21T10:00:00+08:00', minutes: 60 }),
    ]).set('Accept-Language', 'en');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, refused: 2 });
    expect(res.body.results[0]).toMatchObject({ status: 'refused', error: { code: 'forbidden' } });
    expect(res.body.results[1]).toMatchObject({ status: 'refused', error: { code: 'not_found' } });
    expect(res.body.results[2]).toMatchObject({ status: 'created' });
    expect(await count(`SELECT COUNT(*) FROM external_service_records WHERE external_id IN ('X-1', 'X-2')`)).toBe(0);
    // Another institution's key refuses our instrument.
    const theirKey = (await makeKey(lab2, 'their LIMS')).secret;
    const cross = await push(theirKey, [record({ externalId: 'X-1' })]);
    expect(cross.body.results[0]).toMatchObject({ status: 'refused', error: { code: 'forbidden' } });
    const after = await institutionTotals();
    expect(after.completed - before.completed).toBe(1);
  });

  it('refuse a bad payload whole (400), writing nothing', async () => {
    const rows = await count(`SELECT COUNT(*) FROM external_service_records`);
    const bad: [string, unknown][] = [
      ['no records', []],
      ['too many', Array.from({ length: 501 }, (_, i) => record({ externalId: `B-${i}` }))],
      ['no offset', [record({ externalId: 'B-1', start: '2026-10-12T09:00:00' })]],
      ['end before start', [record({ externalId: 'B-1', end: '2026-10-12T08:00:00+08:00' })]],
      ['bad credit code', [record({ externalId: 'B-1', userCreditCode: '91370100MA3C000001' })]],
      ['external without code', [record({ externalId: 'B-1', userCreditCode: undefined })]],
      ['both instrument ids', [record({ externalId: 'B-1', assetNumber: ours[0]!.asset })]],
      ['machine time without minutes', [record({ externalId: 'B-1', minutes: undefined })]],
      ['more minutes than the span', [record({ externalId: 'B-1', minutes: 500 })]],
      ['yuan as a string', [record({ externalId: 'B-1', amountFen: '600.00' })]],
      ['fractional fen', [record({ externalId: 'B-1', amountFen: 10.5 })]],
      ['rating 6', [record({ externalId: 'B-1', rating: 6 })]],
      ['unknown field', [record({ externalId: 'B-1', voucherFen: 100 })]],
      ['the same id twice', [record({ externalId: 'B-1' }), record({ externalId: 'B-1' })]],
      [
        'in the future',
        [
          record({
            externalId: 'B-1',
            start: '2026-11-20T09:00:00+08:00',
            end: '2026-11-20T10:00:00+08:00',
            minutes: 60,
          }),
        ],
      ],
      [
        'before the platform',
        [
          record({
            externalId: 'B-1',
            start: '2024-06-01T09:00:00+08:00',
            end: '2024-06-01T10:00:00+08:00',
            minutes: 60,
          }),
        ],
      ],
      // A good record beside a bad one: neither is stored.
      ['one bad of two', [record({ externalId: 'B-2' }), record({ externalId: 'B-1', mode: 'lease' })]],
    ];
    for (const [what, records] of bad) {
      const res = await push(secret, records as unknown[]);
      expect(res.status, what).toBe(400);
      expect(res.body.errors?.length, what).toBeGreaterThan(0);
    }
    const zh = await push(secret, [record({ externalId: 'B-1', userCreditCode: undefined })]);
    expect(zh.body.errors[0].message).toBe('外部用户须填写其单位的统一社会信用代码');
    const form = await request(t.app)
      .post(PUSH)
      .set('Authorization', `Bearer ${secret}`)
      .type('form')
      .send('records=1');
    expect(form.status).toBe(415);
    expect(await count(`SELECT COUNT(*) FROM external_service_records`)).toBe(rows);
  });

  it('are limited per key across requests (429 with Retry-After), other keys unaffected', async () => {
    const key = (await makeKey(lab, 'busy')).secret;
    const other = (await makeKey(lab, 'calm')).secret;
    for (let i = 0; i < PUSH_LIMIT.max; i++) expect((await push(key, [])).status).toBe(400); // counted, then refused as empty
    const over = await push(key, [record({ externalId: 'RL-1' })]);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await push(other, [record({ externalId: 'RL-1' })])).status).toBe(200);
    // A minute later the key may push again.
    clock.advance(61_000);
    const later = await push(key, [record({ externalId: 'RL-2' })]);
    expect(later.status).toBe(200);
  });

  it('need no CSRF exemption beyond themselves: a foreign Origin with a key is served; cookie routes stay guarded', async () => {
    const res = await push(secret, [record({ externalId: 'CS-1' })]).set('Origin', 'https://lims.example.edu.cn');
    expect(res.status).toBe(200);
    const guarded = await lab.post('/api/v1/api-keys').set('Origin', 'https://evil.example').send({ name: 'x' });
    expect(guarded.status).toBe(403);
  });
});

describe('the API reference', () => {
  it('documents the push with its bearer scheme', async () => {
    const doc = (await request(t.app).get('/api/openapi.json').expect(200)).body;
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const op = doc.paths['/api/v1/external/service-records'].post;
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(doc.paths['/api/v1/external/service-records'].get.security).toEqual([{ session: [] }]);
  });
});

describe('the demo', () => {
  it('has the demo lab’s LIMS key and its pushed records, counted in the roll-up', async () => {
    const key = await one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM api_keys WHERE institution_id = ? AND name = '本单位 LIMS 系统'`,
      labOrg,
    );
    expect(key.n).toBe(1);
    const demo = await count(
      `SELECT COUNT(*) FROM external_service_records WHERE institution_id = ? AND external_id LIKE 'LIMS-2026%'`,
      labOrg,
    );
    expect(demo).toBeGreaterThanOrEqual(24);
    expect((await lab.get(`${PUSH}?pageSize=10`).expect(200)).body.total).toBeGreaterThanOrEqual(demo);
  });
});
