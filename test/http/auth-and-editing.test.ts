import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { approveListings } from '../support/listing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ instruments: 300 });
});
afterAll(() => t.close());

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const labInstitutionId = async () =>
  (await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`))
    .organisation_id;

const newInstrument = (overrides: Record<string, unknown> = {}) => ({
  assetNumber: `T-${Math.random().toString(36).slice(2, 10)}`,
  nameZh: '超高分辨场发射扫描电子显微镜',
  nameEn: 'Ultra-high Resolution FE-SEM',
  categoryCode: '010102',
  originalValueFen: 450000000,
  manufacturer: '蔡司（Zeiss）',
  model: 'GeminiSEM 560',
  sharingMode: 'external',
  runStatus: 'normal',
  cityCode: '370100',
  rateCard: {
    setupFeeFen: 20000,
    minimumChargeFen: 0,
    urgentSurchargePercent: 50,
    offHoursSurchargePercent: 0,
    notes: null,
    items: [
      {
        unit: 'hour',
        labelZh: '机时',
        labelEn: 'Machine hour',
        internalFen: 25000,
        academicFen: 40000,
        enterpriseFen: 50000,
      },
      {
        unit: 'sample',
        labelZh: '送样',
        labelEn: 'Sample',
        internalFen: 10000,
        academicFen: 20000,
        enterpriseFen: 30000,
      },
    ],
  },
  ...overrides,
});

describe('sign-in and sessions', () => {
  it('offers the demo accounts on a development installation that has them', async () => {
    const res = await request(t.app).get('/api/v1/auth/demo-accounts');
    expect(res.status).toBe(200);
    expect(res.body.accounts).toEqual(
      expect.arrayContaining([
        { email: 'researcher@demo.test', role: 'researcher' },
        { email: 'admin@demo.test', role: 'platform_admin' },
      ]),
    );
    // A disabled demo account is no longer offered.
    await t.db.run(`UPDATE users SET disabled_at = 1 WHERE email = 'finance4@demo.test'`);
    const after = await request(t.app).get('/api/v1/auth/demo-accounts');
    expect(after.body.accounts.map((a: { email: string }) => a.email)).not.toContain('finance4@demo.test');
  });

  it('refuses a wrong password or unknown user with the same 401', async () => {
    const wrong = await request(t.app).post('/api/v1/auth/login').send({ email: 'lab@demo.test', password: 'nope' });
    const unknown = await request(t.app).post('/api/v1/auth/login').send({ email: 'who@demo.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('sets an httpOnly SameSite session cookie and stores only a hash of it', async () => {
    const res = await request(t.app)
      .post('/api/v1/auth/login')
      .send({ email: 'LAB@demo.test', password: 'demo-pass-2025' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: 'lab@demo.test', role: 'lab_manager' });
    const cookie = res.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const token = cookie.split(';')[0]!.slice(4);
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE id = ?', token)).n).toBe(0);
  });

  it('knows who is signed in, and logout kills the session for good', async () => {
    const agent = await signIn(t.app, 'researcher@demo.test');
    const me = await agent.get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ role: 'researcher', organisation: { kind: 'enterprise' } });
    const cookie = (
      await request(t.app)
        .post('/api/v1/auth/login')
        .send({ email: 'researcher@demo.test', password: 'demo-pass-2025' })
    ).headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(t.app).get('/api/v1/auth/me').set('Cookie', cookie)).status).toBe(200);
    expect((await request(t.app).post('/api/v1/auth/logout').set('Cookie', cookie)).status).toBe(204);
    // The old cookie no longer works, even if a client keeps sending it.
    expect((await request(t.app).get('/api/v1/auth/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('answers 401 without a session and for a forged cookie', async () => {
    expect((await request(t.app).get('/api/v1/auth/me')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/auth/me').set('Cookie', 'sid=forged')).status).toBe(401);
  });

  it('validates the login body', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').send({ email: 'not-an-email', password: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['body.email', 'body.password']),
    );
  });
});

describe('who may publish and edit instruments', () => {
  it('needs a session (401) and the right role (403)', async () => {
    expect((await request(t.app).post('/api/v1/instruments').send(newInstrument())).status).toBe(401);
    for (const email of ['researcher@demo.test', 'finance@demo.test']) {
      const agent = await signIn(t.app, email);
      expect((await agent.post('/api/v1/instruments').send(newInstrument())).status).toBe(403);
      expect((await agent.patch('/api/v1/instruments/1').send({ nameZh: 'x' })).status).toBe(403);
    }
  });

  it('lets a lab manager publish into their own institution through review, indexed and priced once approved', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const submitted = await lab.post('/api/v1/instruments').send(newInstrument({ nameZh: '冷冻透射电子显微镜样机' }));
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({
      kind: 'new',
      status: 'pending',
      institution: { id: await labInstitutionId() },
    });
    const [id] = await approveListings(t, { submissionIds: [submitted.body.id] });
    const res = await lab.get(`/api/v1/instruments/${id}`);
    expect(res.body).toMatchObject({
      institution: { id: await labInstitutionId() },
      listPrice: { fen: 30000, unit: 'sample' },
      editable: true,
    });
    const found = await request(t.app).get('/api/v1/instruments').query({ q: '样机', include: 'total' });
    expect(found.body.items.map((i: { id: number }) => i.id)).toContain(res.body.id);
  });

  it('refuses to publish into another institution', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const other = await one<{ id: number }>(
      `SELECT id FROM organisations WHERE kind = 'institution' AND id != ? LIMIT 1`,
      await labInstitutionId(),
    );
    const res = await lab.post('/api/v1/instruments').send(newInstrument({ institutionId: other.id }));
    expect(res.status).toBe(403);
  });

  it('edits the price of its own instrument (the price once approved); search and detail follow', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const id = (
      await one<{ id: number }>('SELECT id FROM instruments WHERE institution_id = ? LIMIT 1', await labInstitutionId())
    ).id;
    const before = (await lab.get(`/api/v1/instruments/${id}`)).body;
    expect(before.editable).toBe(true);
    const items = [
      { unit: 'hour', labelZh: '机时', labelEn: null, internalFen: 100, academicFen: 200, enterpriseFen: 12345 },
    ];
    const res = await lab.patch(`/api/v1/instruments/${id}`).send({
      rateCard: { ...before.rateCard, items },
      runStatus: 'standby',
      nameZh: '更名后的测试仪器甲',
    });
    expect(res.status).toBe(200);
    // Status and name apply at once; the price waits for listing review.
    expect(res.body.runStatus).toBe('standby');
    expect(res.body.listPrice).toEqual(before.listPrice);
    expect(res.body.pendingChange).toMatchObject({ status: 'pending', fields: ['rateCard'] });
    await approveListings(t, { instrumentIds: [id] });
    expect((await lab.get(`/api/v1/instruments/${id}`)).body.listPrice).toEqual({ fen: 12345, unit: 'hour' });
    const found = await request(t.app).get('/api/v1/instruments').query({ q: '更名后', status: 'standby' });
    expect(found.body.items.map((i: { id: number; listPrice: unknown }) => [i.id, i.listPrice])).toEqual([
      [id, { fen: 12345, unit: 'hour' }],
    ]);
    // The old index entry is gone: its old status no longer finds it.
    const old = await request(t.app).get('/api/v1/instruments').query({ q: '更名后', status: before.runStatus });
    expect(before.runStatus === 'standby' || old.body.total === 0).toBe(true);
  });

  it('forbids editing another institution’s instrument and changes nothing', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const row = await one<{ id: number; name_zh: string }>(
      'SELECT id, name_zh FROM instruments WHERE institution_id != ? LIMIT 1',
      await labInstitutionId(),
    );
    const res = await lab.patch(`/api/v1/instruments/${row.id}`).send({ nameZh: 'hijacked' });
    expect(res.status).toBe(403);
    expect((await one<{ name_zh: string }>('SELECT name_zh FROM instruments WHERE id = ?', row.id)).name_zh).toBe(
      row.name_zh,
    );
  });

  it('lets a platform admin publish for any institution, naming it', async () => {
    const admin = await signIn(t.app, 'admin@demo.test');
    const other = await one<{ id: number }>(
      `SELECT id FROM organisations WHERE kind = 'institution' ORDER BY id DESC LIMIT 1`,
    );
    expect((await admin.post('/api/v1/instruments').send(newInstrument())).status).toBe(400);
    const res = await admin.post('/api/v1/instruments').send(newInstrument({ institutionId: other.id }));
    expect(res.status).toBe(201);
    expect(res.body.institution.id).toBe(other.id);
  });

  it('refuses a duplicate asset number with 409', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const asset = await one<{ asset_number: string }>(
      'SELECT asset_number FROM instruments WHERE institution_id = ? LIMIT 1',
      await labInstitutionId(),
    );
    const res = await lab.post('/api/v1/instruments').send(newInstrument({ assetNumber: asset.asset_number }));
    expect(res.status).toBe(409);
  });

  it.each([
    [{ originalValueFen: -1 }, 'originalValueFen'],
    [{ originalValueFen: 12.5 }, 'originalValueFen'],
    [{ originalValueFen: '100' }, 'originalValueFen'],
    [{ categoryCode: '123456' }, 'categoryCode'],
    [{ cityCode: '110100' }, 'cityCode'],
    [{ sharingMode: 'sometimes' }, 'sharingMode'],
    [{ nameZh: '' }, 'nameZh'],
    [{ specs: 'x'.repeat(501) }, 'specs'],
    [{ subjectAreas: ['a', 'b', 'c', 'd', 'e'] }, 'subjectAreas'],
    [{ photoUrl: 'javascript:alert(1)' }, 'photoUrl'],
    [{ unexpected: true }, 'unexpected'],
    [
      { rateCard: { items: [{ unit: 'day', labelZh: 'x', internalFen: 1, academicFen: 1, enterpriseFen: 1 }] } },
      'unit',
    ],
  ])('rejects %j with a 400 naming the field, writing nothing', async (override, field) => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const before = (await one<{ n: number }>('SELECT count(*) AS n FROM instruments')).n;
    const res = await lab.post('/api/v1/instruments').send(newInstrument(override));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain(field);
    expect((await one<{ n: number }>('SELECT count(*) AS n FROM instruments')).n).toBe(before);
  });

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const bad = await lab.post('/api/v1/instruments').set('Content-Type', 'application/json').send('{"nameZh":');
    expect(bad.status).toBe(400);
    const huge = await lab.post('/api/v1/instruments').send(newInstrument({ specs: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
  });
});

describe('a PATCH changes exactly the fields it names', () => {
  /** The record as the API shows it, without what an edit always changes. */
  const record = async (agent: Awaited<ReturnType<typeof signIn>>, id: number) => {
    const { updatedAt: _updatedAt, ...rest } = (await agent.get(`/api/v1/instruments/${id}`)).body;
    return rest as Record<string, unknown>;
  };

  it('leaves an instrument awaiting repair out of service when only its fee note changes', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const created = await lab.post('/api/v1/instruments').send(
      newInstrument({
        nameZh: '待修测试仪器',
        runStatus: 'awaiting_repair',
        origin: 'donated',
        subjectAreas: ['材料科学'],
        contactEmail: 'lab@demo.test',
        district: '历下区',
      }),
    );
    expect(created.status).toBe(202);
    const [id] = (await approveListings(t, { submissionIds: [created.body.id] })) as [number];
    const before = await record(lab, id);

    const res = await lab.patch(`/api/v1/instruments/${id}`).send({ feeNote: '维修期间暂停收费' });
    expect(res.status).toBe(200);
    expect(res.body.runStatus).toBe('awaiting_repair');
    expect(await record(lab, id)).toEqual({ ...before, feeNote: '维修期间暂停收费' });
    // Still out of service: no slots, and the search still files it under its status.
    const slots = await request(t.app)
      .get(`/api/v1/instruments/${id}/availability`)
      .query({ from: '2026-12-01T00:00:00+08:00', to: '2026-12-08T00:00:00+08:00' });
    expect(slots.body.slots).toEqual([]);
    const found = await request(t.app).get('/api/v1/instruments').query({ q: '待修测试', status: 'awaiting_repair' });
    expect(found.body.items.map((i: { id: number }) => i.id)).toEqual([id]);
  });

  it('keeps model, manufacturer and every other field on a name-only PATCH', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const id = (
      await one<{ id: number }>(
        'SELECT id FROM instruments WHERE institution_id = ? AND model IS NOT NULL AND manufacturer IS NOT NULL LIMIT 1',
        await labInstitutionId(),
      )
    ).id;
    const before = await record(lab, id);
    const res = await lab.patch(`/api/v1/instruments/${id}`).send({ nameZh: '只改名称的测试仪器' });
    expect(res.status).toBe(200);
    expect(await record(lab, id)).toEqual({ ...before, nameZh: '只改名称的测试仪器' });
    expect(res.body.model).toBe(before.model);
    expect(res.body.manufacturer).toBe(before.manufacturer);
  });

  it('clears a field only when the PATCH names it with null', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const id = (
      await one<{ id: number }>(
        'SELECT id FROM instruments WHERE institution_id = ? AND model IS NOT NULL LIMIT 1',
        await labInstitutionId(),
      )
    ).id;
    const before = await record(lab, id);
    const res = await lab.patch(`/api/v1/instruments/${id}`).send({ model: null });
    expect(res.status).toBe(200);
    expect(await record(lab, id)).toEqual({ ...before, model: null });
  });
});
