/**
 * Listing review (入网审核): a lab manager's new record and key-field changes wait for a reviewer;
 * the catalogue shows only what is published, and the published version of a record stays while
 * its change waits. Reviewers approve (published through the catalogue's own write path), return
 * with reasons per field (the lab fixes and resubmits) or reject; both sides are told.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ instruments: 300 });
});
afterAll(() => t.close());

type Agent = Awaited<ReturnType<typeof signIn>>;
let serial = 0;
const record = (overrides: Record<string, unknown> = {}) => ({
  assetNumber: `LR-${++serial}-${Math.random().toString(36).slice(2, 8)}`,
  nameZh: `入网测试场发射扫描电镜${serial}号`,
  categoryCode: '010102',
  originalValueFen: 450_000_000,
  manufacturer: '蔡司（Zeiss）',
  model: 'GeminiSEM 560',
  sharingMode: 'external',
  cityCode: '370100',
  rateCard: {
    items: [{ unit: 'hour', labelZh: '机时', internalFen: 25000, academicFen: 40000, enterpriseFen: 50000 }],
  },
  ...overrides,
});

const labInstitution = async () =>
  (await t.db.value<number>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`))!;
const search = (q: string) => request(t.app).get('/api/v1/instruments').query({ q, include: 'total' });
const notices = async (email: string, type: string) =>
  t.db.all<{ title: string; data: string; link: string | null }>(
    `SELECT n.title, n.data, n.link FROM notifications n JOIN users u ON u.id = n.user_id
     WHERE u.email = ? AND n.type = ? ORDER BY n.id`,
    [email, type],
  );

describe('the demo', () => {
  it('has a queue waiting: new records, a key-field change and one returned with reasons', async () => {
    const admin = await signIn(t.app, 'admin@demo.test');
    const page = await admin.get('/api/v1/listing-submissions').query({ status: 'pending' });
    expect(page.body.items.map((s: { kind: string }) => s.kind).sort()).toEqual(['change', 'new', 'new', 'new', 'new']);
    const returned = await admin.get('/api/v1/listing-submissions').query({ status: 'returned' });
    expect(returned.body.items).toEqual([
      expect.objectContaining({
        nameZh: '流式细胞仪',
        fieldReasons: expect.objectContaining({ address: expect.any(String) }),
      }),
    ]);
  });
});

describe('a lab manager’s new record', () => {
  let lab: Agent;
  let admin: Agent;
  beforeAll(async () => {
    lab = await signIn(t.app, 'lab@demo.test');
    admin = await signIn(t.app, 'admin@demo.test');
  });

  it('waits for review outside the catalogue, then approval publishes it (searchable, priced) and tells the lab', async () => {
    const input = record({ nameZh: '入网待审冷冻电镜样机' });
    const res = await lab.post('/api/v1/instruments').send(input);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      kind: 'new',
      status: 'pending',
      instrumentId: null,
      assetNumber: input.assetNumber,
      institution: { id: await labInstitution() },
    });
    const id = res.body.id as number;
    // Nothing in the catalogue or its search.
    expect(
      Number(await t.db.value(`SELECT COUNT(*) FROM instruments WHERE asset_number = ?`, [input.assetNumber])),
    ).toBe(0);
    expect((await search('冷冻电镜样机')).body.total).toBe(0);
    // The reviewers are told, with a link to the queue.
    const told = await notices('admin@demo.test', 'listing_submitted');
    expect(told.at(-1)).toMatchObject({ link: `/admin/listing-review?submission=${id}` });
    expect(JSON.parse(told.at(-1)!.data)).toMatchObject({ submissionId: id, kind: 'new', count: 1 });

    // The reviewer sees the whole record as the diff (nothing published yet).
    const detail = await admin.get(`/api/v1/listing-submissions/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.canReview).toBe(true);
    expect(detail.body.diff).toEqual(
      expect.arrayContaining([
        { field: 'nameZh', published: null, proposed: '入网待审冷冻电镜样机' },
        { field: 'categoryCode', published: null, proposed: '010102' },
      ]),
    );

    const approved = await admin.post(`/api/v1/listing-submissions/${id}/approve`).send({});
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    const instrumentId = approved.body.instrumentId as number;
    const published = await request(t.app).get(`/api/v1/instruments/${instrumentId}`);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      nameZh: '入网待审冷冻电镜样机',
      assetNumber: input.assetNumber,
      listPrice: { fen: 50000, unit: 'hour' },
      institution: { id: await labInstitution() },
    });
    expect((await search('冷冻电镜样机')).body.items.map((i: { id: number }) => i.id)).toEqual([instrumentId]);
    expect(approved.body.history.map((h: { action: string }) => h.action)).toEqual(['submitted', 'approved']);
    const back = await notices('lab@demo.test', 'listing_reviewed');
    expect(JSON.parse(back.at(-1)!.data)).toMatchObject({ submissionId: id, outcome: 'approved' });
    // Decided once: a second approval is a conflict.
    expect((await admin.post(`/api/v1/listing-submissions/${id}/approve`).send({})).status).toBe(409);
  });

  it('reserves its asset number while it waits', async () => {
    const input = record();
    expect((await lab.post('/api/v1/instruments').send(input)).status).toBe(202);
    const again = await lab.post('/api/v1/instruments').send(record({ assetNumber: input.assetNumber }));
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([{ path: 'assetNumber', message: expect.any(String) }]);
  });

  it('is returned with reasons per field, fixed and resubmitted by the lab, then approved', async () => {
    const input = record({ nameZh: '退回测试液相色谱仪', categoryCode: '010502', originalValueFen: 10 });
    const id = (await lab.post('/api/v1/instruments').send(input)).body.id as number;
    // Reasons are the reviewer's.
    expect((await lab.post(`/api/v1/listing-submissions/${id}/return`).send({ note: 'x' })).status).toBe(403);
    const returned = await admin
      .post(`/api/v1/listing-submissions/${id}/return`)
      .send({ fieldReasons: { originalValueFen: '原值应与固定资产账一致' }, note: '请核对原值' });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({
      status: 'returned',
      fieldReasons: { originalValueFen: '原值应与固定资产账一致' },
      note: '请核对原值',
    });
    const told = await notices('lab@demo.test', 'listing_reviewed');
    expect(JSON.parse(told.at(-1)!.data)).toMatchObject({ submissionId: id, outcome: 'returned', note: '请核对原值' });

    // The lab sees the reasons on its own list and fixes the field.
    const mine = await lab.get('/api/v1/listing-submissions').query({ status: 'returned' });
    expect(mine.body.items.map((s: { id: number }) => s.id)).toContain(id);
    const badFix = await lab.post(`/api/v1/listing-submissions/${id}/resubmit`).send({ record: { categoryCode: '1' } });
    expect(badFix.status).toBe(400);
    const fixed = await lab
      .post(`/api/v1/listing-submissions/${id}/resubmit`)
      .send({ record: { originalValueFen: 86_000_000 }, note: '已按固定资产账更正' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ status: 'pending', record: { originalValueFen: 86_000_000 } });
    expect(fixed.body.history.map((h: { action: string }) => h.action)).toEqual([
      'submitted',
      'returned',
      'resubmitted',
    ]);
    // Resubmitted: the reviewers are told again.
    const again = await notices('admin@demo.test', 'listing_submitted');
    expect(again.filter((n) => JSON.parse(n.data).submissionId === id)).toHaveLength(2);

    const approved = await admin.post(`/api/v1/listing-submissions/${id}/approve`).send({ note: null });
    expect(approved.status).toBe(200);
    const published = await request(t.app).get(`/api/v1/instruments/${approved.body.instrumentId}`);
    expect(published.body.originalValueFen).toBe(86_000_000);
  });

  it('is rejected with a reason, and can be withdrawn while it waits', async () => {
    const a = (await lab.post('/api/v1/instruments').send(record())).body.id as number;
    expect((await admin.post(`/api/v1/listing-submissions/${a}/reject`).send({})).status).toBe(400);
    const rejected = await admin.post(`/api/v1/listing-submissions/${a}/reject`).send({ note: '非大型仪器' });
    expect(rejected.body).toMatchObject({ status: 'rejected', note: '非大型仪器', instrumentId: null });
    expect((await lab.post(`/api/v1/listing-submissions/${a}/resubmit`).send({})).status).toBe(409);

    const b = (await lab.post('/api/v1/instruments').send(record())).body.id as number;
    const withdrawn = await lab.post(`/api/v1/listing-submissions/${b}/withdraw`);
    expect(withdrawn.body.status).toBe('withdrawn');
    expect((await admin.post(`/api/v1/listing-submissions/${b}/approve`).send({})).status).toBe(409);
  });

  it('is published at once when a platform admin adds it, with an approved submission for the history', async () => {
    const input = record({ institutionId: await labInstitution(), nameZh: '管理员直接发布的仪器' });
    const res = await admin.post('/api/v1/instruments').send(input);
    expect(res.status).toBe(201);
    const history = await admin.get('/api/v1/listing-submissions').query({ instrumentId: res.body.id });
    expect(history.body.items).toEqual([expect.objectContaining({ kind: 'new', status: 'approved' })]);
  });
});

describe('a change of a published record’s key fields', () => {
  it('waits while the published version stays in the catalogue, and approval applies it', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const admin = await signIn(t.app, 'admin@demo.test');
    const id = (await t.db.value<number>(
      `SELECT i.id FROM instruments i WHERE i.institution_id = ? AND i.list_price_fen IS NOT NULL
         AND i.category_code <> '010301' AND NOT EXISTS (SELECT 1 FROM listing_submissions s WHERE s.instrument_id = i.id)
       ORDER BY i.id LIMIT 1`,
      [await labInstitution()],
    ))!;
    const before = (await lab.get(`/api/v1/instruments/${id}`)).body;
    expect(before.pendingChange).toBeNull();
    const items = [
      { unit: 'sample', labelZh: '送样', labelEn: null, internalFen: 1, academicFen: 2, enterpriseFen: 777 },
    ];
    const res = await lab.patch(`/api/v1/instruments/${id}`).send({
      rateCard: { ...before.rateCard, items },
      categoryCode: '010301',
      feeNote: '新收费标准待审核',
      // The same sharing mode as published: not a change.
      sharingMode: before.sharingMode,
    });
    expect(res.status).toBe(200);
    // The non-key field applies at once; the key fields wait.
    expect(res.body).toMatchObject({
      feeNote: '新收费标准待审核',
      listPrice: before.listPrice,
      category: before.category,
      pendingChange: { status: 'pending', fields: ['categoryCode', 'rateCard'] },
    });
    const submissionId = res.body.pendingChange.submissionId as number;
    // The public sees the published version (and no pending change).
    const publicView = await request(t.app).get(`/api/v1/instruments/${id}`);
    expect(publicView.body).toMatchObject({
      listPrice: before.listPrice,
      category: before.category,
      pendingChange: null,
    });
    const found = await request(t.app)
      .get('/api/v1/instruments')
      .query({ institutionId: before.institution.id, category: '010301' });
    expect(found.body.items.map((i: { id: number }) => i.id)).not.toContain(id);

    // The reviewer compares published → proposed.
    const detail = (await admin.get(`/api/v1/listing-submissions/${submissionId}`)).body;
    expect(detail.kind).toBe('change');
    expect(detail.diff).toEqual([
      { field: 'categoryCode', published: before.category.code, proposed: '010301' },
      {
        field: 'rateCard',
        published: expect.objectContaining({ items: expect.any(Array) }),
        proposed: expect.objectContaining({ items: [expect.objectContaining({ enterpriseFen: 777 })] }),
      },
    ]);

    // A newer edit replaces the waiting one's value; still one open change.
    const newer = await lab.patch(`/api/v1/instruments/${id}`).send({ originalValueFen: 123_456_700 });
    expect(newer.body.pendingChange).toMatchObject({
      submissionId,
      fields: ['categoryCode', 'originalValueFen', 'rateCard'],
    });
    expect(newer.body.originalValueFen).toBe(before.originalValueFen);

    const approved = await admin.post(`/api/v1/listing-submissions/${submissionId}/approve`).send({});
    expect(approved.status).toBe(200);
    const after = await request(t.app).get(`/api/v1/instruments/${id}`);
    expect(after.body).toMatchObject({
      listPrice: { fen: 777, unit: 'sample' },
      category: { code: '010301' },
      originalValueFen: 123_456_700,
      feeNote: '新收费标准待审核',
    });
    const refound = await request(t.app)
      .get('/api/v1/instruments')
      .query({ institutionId: before.institution.id, category: '010301' });
    expect(refound.body.items.map((i: { id: number }) => i.id)).toContain(id);
    expect((await lab.get(`/api/v1/instruments/${id}`)).body.pendingChange).toBeNull();
  });

  it('sends nothing to review when a form sends the published key fields back unchanged', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const id = (await t.db.value<number>(
      `SELECT i.id FROM instruments i JOIN rate_cards r ON r.instrument_id = i.id WHERE i.institution_id = ?
         AND NOT EXISTS (SELECT 1 FROM listing_submissions s WHERE s.instrument_id = i.id) ORDER BY i.id LIMIT 1`,
      [await labInstitution()],
    ))!;
    const d = (await lab.get(`/api/v1/instruments/${id}`)).body;
    const res = await lab.patch(`/api/v1/instruments/${id}`).send({
      categoryCode: d.category.code,
      originalValueFen: d.originalValueFen,
      sharingMode: d.sharingMode,
      rateCard: d.rateCard,
      contactName: '王工',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ contactName: '王工', pendingChange: null });
    expect(Number(await t.db.value(`SELECT COUNT(*) FROM listing_submissions WHERE instrument_id = ?`, [id]))).toBe(0);
  });

  it('lets a platform admin change key fields at once', async () => {
    const admin = await signIn(t.app, 'admin@demo.test');
    const id = (await t.db.value<number>(`SELECT id FROM instruments ORDER BY id DESC LIMIT 1`))!;
    const res = await admin.patch(`/api/v1/instruments/${id}`).send({ originalValueFen: 99_900_000 });
    expect(res.body).toMatchObject({ originalValueFen: 99_900_000, pendingChange: null });
  });
});

describe('the review queue', () => {
  it('filters, counts per status, bulk-approves each on its own, and keeps labs to their own', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const admin = await signIn(t.app, 'admin@demo.test');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await lab.post('/api/v1/instruments').send(record({ nameZh: `批量审核色谱仪${i}` }))).body.id);
    const page = await admin
      .get('/api/v1/listing-submissions')
      .query({ status: 'pending', q: '批量审核', kind: 'new' });
    expect(page.status).toBe(200);
    expect(page.body.items.map((s: { id: number }) => s.id)).toEqual(ids);
    expect(page.body.counts.pending).toBe(3);
    expect(page.body.total).toBe(3);
    const paged = await admin
      .get('/api/v1/listing-submissions')
      .query({ status: 'pending', q: '批量审核', pageSize: 2, page: 2 });
    expect(paged.body.items.map((s: { id: number }) => s.id)).toEqual([ids[2]]);
    expect((await admin.get('/api/v1/listing-submissions').query({ q: '批量审核', kind: 'change' })).body.total).toBe(
      0,
    );
    expect((await admin.get('/api/v1/listing-submissions').query({ q: '批量审核', city: '370200' })).body.total).toBe(
      0,
    );
    expect((await admin.get('/api/v1/listing-submissions').query({ status: 'bogus' })).status).toBe(400);

    // A lab neither reviews nor sees another institution's.
    expect((await lab.post('/api/v1/listing-submissions/bulk-approve').send({ ids })).status).toBe(403);
    expect((await lab.post(`/api/v1/listing-submissions/${ids[0]}/approve`).send({})).status).toBe(403);
    const other = await signIn(t.app, 'lab2@demo.test');
    expect((await other.get(`/api/v1/listing-submissions/${ids[0]}`)).status).toBe(403);
    expect((await other.get('/api/v1/listing-submissions').query({ q: '批量审核' })).body.total).toBe(0);
    expect((await other.post(`/api/v1/listing-submissions/${ids[0]}/withdraw`)).status).toBe(403);
    const researcher = await signIn(t.app, 'researcher@demo.test');
    expect((await researcher.get('/api/v1/listing-submissions')).status).toBe(403);

    // One already decided: reported, and the rest are approved.
    await admin.post(`/api/v1/listing-submissions/${ids[1]}/reject`).send({ note: '重复登记' });
    const bulk = await admin.post('/api/v1/listing-submissions/bulk-approve').send({ ids });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ approved: 2, failed: 1 });
    expect(bulk.body.results[1]).toMatchObject({ id: ids[1], ok: false, error: { code: 'conflict' } });
    const counts = (await admin.get('/api/v1/listing-submissions').query({ q: '批量审核' })).body.counts;
    expect(counts).toMatchObject({ pending: 0, approved: 2, rejected: 1 });
  });

  it('re-checks the asset number at approval', async () => {
    const lab = await signIn(t.app, 'lab@demo.test');
    const admin = await signIn(t.app, 'admin@demo.test');
    const input = record();
    const id = (await lab.post('/api/v1/instruments').send(input)).body.id as number;
    // Meanwhile the admin publishes a record with the same asset number directly.
    const direct = await admin.post('/api/v1/instruments').send({ ...input, institutionId: await labInstitution() });
    expect(direct.status).toBe(201);
    const res = await admin.post(`/api/v1/listing-submissions/${id}/approve`).send({});
    expect(res.status).toBe(409);
    expect((await admin.get(`/api/v1/listing-submissions/${id}`)).body.status).toBe('pending');
  });
});

describe('LISTING_REVIEWER=city', () => {
  let c: TestApp;
  beforeAll(async () => {
    c = await createTestApp({ instruments: 100, listingReviewer: 'city' });
  });
  afterAll(() => c.close());

  it('lets the city office review its own city’s submissions only, and tells it', async () => {
    const lab = await signIn(c.app, 'lab@demo.test');
    const jinan = (await lab.post('/api/v1/instruments').send(record({ cityCode: '370100' }))).body.id as number;
    const qingdao = (await lab.post('/api/v1/instruments').send(record({ cityCode: '370200' }))).body.id as number;
    const office = await signIn(c.app, 'finance5@demo.test'); // 济南市科学技术局
    // (The demo's own queue waits too: this test's records by their asset numbers.)
    const queue = await office.get('/api/v1/listing-submissions').query({ status: 'pending', q: 'LR-' });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((s: { id: number }) => s.id)).toEqual([jinan]);
    expect((await office.get(`/api/v1/listing-submissions/${qingdao}`)).status).toBe(403);
    expect((await office.post(`/api/v1/listing-submissions/${qingdao}/approve`).send({})).status).toBe(403);
    const told = await c.db.all<{ data: string }>(
      `SELECT n.data FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'finance5@demo.test' AND n.type = 'listing_submitted'`,
    );
    expect(told.map((n) => JSON.parse(n.data).submissionId)).toEqual([jinan]);
    const approved = await office.post(`/api/v1/listing-submissions/${jinan}/approve`).send({});
    expect(approved.status).toBe(200);
    expect((await request(c.app).get(`/api/v1/instruments/${approved.body.instrumentId}`)).status).toBe(200);
    // The provincial office is no city reviewer.
    const province = await signIn(c.app, 'finance2@demo.test');
    expect((await province.get('/api/v1/listing-submissions')).status).toBe(403);
  });

  it('is platform admins only by default', async () => {
    const office = await signIn(t.app, 'finance5@demo.test');
    expect((await office.get('/api/v1/listing-submissions')).status).toBe(403);
  });
});
