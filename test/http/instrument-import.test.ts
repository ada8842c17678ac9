/**
 * Bulk import of instrument records through the API: the national export re-imports unchanged, every
 * kind of row error is reported at its row and column with nothing written, a re-import updates,
 * a lab's import goes to listing review while an admin's publishes, and who may import where.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { servicesOf } from '../../server/app.ts';
import { INSTRUMENT_HEADERS } from '../../server/modules/imports/template.ts';
import { parseCsv, parseXlsx, toCsv } from '../../server/modules/settlement/exports.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';

let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let admin: Agent;
let researcher: Agent;
let labOrg: number;
let otherOrg: number;
let labName: string;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number((await one<{ n: number }>(sql, ...params)).n);

beforeAll(async () => {
  t = await createTestApp({ instruments: 120 });
  lab = await signIn(t.app, 'lab@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  labOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab@demo.test'`)).o;
  otherOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab2@demo.test'`)).o;
  labName = (await one<{ name: string }>(`SELECT name FROM organisations WHERE id = ?`, labOrg)).name;
});
afterAll(async () => {
  await servicesOf(t.app).imports.processor.idle();
  await t.close();
});

const upload = (agent: Agent, body: Buffer, type: string, query = '') =>
  agent.post(`/api/v1/instrument-imports?fileName=sheet${query}`).set('Content-Type', type).send(body);

/** Polls the import until its background step is done. */
async function settled(agent: Agent, id: number) {
  await servicesOf(t.app).imports.processor.idle();
  for (let i = 0; i < 200; i++) {
    const res = await agent.get(`/api/v1/instrument-imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status !== 'validating' && res.body.status !== 'importing') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import never settled');
}

async function checked(agent: Agent, body: Buffer, type = 'text/csv', query = '') {
  const res = await upload(agent, body, type, query);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return settled(agent, res.body.id);
}

async function runImport(agent: Agent, id: number, errorPolicy = 'valid_rows') {
  const res = await agent.post(`/api/v1/instrument-imports/${id}/run`).send({ errorPolicy });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return settled(agent, id);
}

const exportOf = (agent: Agent, format: 'csv' | 'xlsx') =>
  download(agent, `/api/v1/national-reports/instruments?institutionId=${labOrg}&year=2026&format=${format}`);

/** A sheet of the template from rows given by header. */
function sheet(rows: Record<string, string>[]): Buffer {
  return toCsv({
    sheet: '仪器信息',
    title: 't',
    headers: INSTRUMENT_HEADERS,
    rows: rows.map((r) => INSTRUMENT_HEADERS.map((h) => r[h] ?? '')),
  });
}

const CATEGORY = async () =>
  (await one<{ code: string }>(`SELECT code FROM categories WHERE level = 3 ORDER BY code`)).code;

async function newRow(asset: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    仪器名称: `导入测试仪 ${asset}`,
    所属单位仪器编号: asset,
    所属单位: labName,
    分类编码: await CATEGORY(),
    '原值(元)': '560000.50',
    共享模式: '外部共享',
    所在城市: '济南市',
    启用日期: '2020-03-15',
    资金来源: '中央财政',
    '通用/专用': '通用',
    是否海关监管: '否',
    预约网址: 'https://lab.example.edu.cn/book/1',
    '仪器编号(NRII)': `NRII-${asset}`,
    ...extra,
  };
}

/** The export as rows by header. */
function rowsOf(csv: Buffer): Record<string, string>[] {
  const [headers, ...rows] = parseCsv(csv);
  return rows.map((r) => Object.fromEntries(headers!.map((h, i) => [h, r[i] ?? ''])));
}

describe('the template', () => {
  it('comes as XLSX with the allowed values on a second sheet, and as CSV', async () => {
    const xlsx = await download(lab, '/api/v1/instrument-imports/template?format=xlsx');
    expect(xlsx.status).toBe(200);
    const rows = await parseXlsx(xlsx.body as Buffer);
    expect(rows[0]).toEqual(INSTRUMENT_HEADERS);
    expect(rows).toHaveLength(2); // the example row
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const help = wb.worksheets[1]!;
    const texts: string[] = [];
    help.eachRow((r) => texts.push(String(r.getCell(1).value ?? '')));
    for (const v of ['运行状态', '共享模式', '外部共享', '故障频繁', '中央财政', '济南', '分类编码（国家仪器分类）'])
      expect(texts).toContain(v);
    expect(texts).toContain(await CATEGORY());

    const csv = await download(lab, '/api/v1/instrument-imports/template?format=csv');
    expect(csv.status).toBe(200);
    expect(parseCsv(csv.body as Buffer)[0]).toEqual(INSTRUMENT_HEADERS);
    expect((await researcher.get('/api/v1/instrument-imports/template')).status).toBe(403);
    expect((await request(t.app).get('/api/v1/instrument-imports/template')).status).toBe(401);
  });
});

describe('the national record fields', () => {
  it('are edited through the API, checked, and shown in the record', async () => {
    const id = (await one<{ id: number }>(`SELECT min(id) AS id FROM instruments WHERE institution_id = ?`, labOrg)).id;
    for (const bad of [
      { bookingUrl: 'javascript:alert(1)' },
      { bookingUrl: 'ftp://example.com/x' },
      { purchaseFunding: 'lottery' },
      { purpose: 'both' },
      { nationalNumber: 'x'.repeat(41) },
      { customsSupervised: 'yes' },
    ]) {
      const res = await admin.patch(`/api/v1/instruments/${id}`).send(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const fields = {
      purchaseFunding: 'local',
      purpose: 'special',
      hostFacility: '山东省分析测试中心平台',
      customsSupervised: true,
      sharingRules: '校外用户须提前一周预约',
      bookingUrl: 'http://booking.example.edu.cn/instrument/7',
      nationalNumber: 'NRII-37-000123',
    };
    expect((await admin.patch(`/api/v1/instruments/${id}`).send(fields)).status).toBe(200);
    const detail = (await request(t.app).get(`/api/v1/instruments/${id}`)).body;
    expect(detail).toMatchObject(fields);
    // And the national export carries them.
    const rows = rowsOf((await exportOf(lab, 'csv')).body as Buffer);
    const row = rows.find((r) => r['仪器编号(NRII)'] === 'NRII-37-000123')!;
    expect(row).toMatchObject({
      资金来源: '地方财政',
      '通用/专用': '专用',
      是否海关监管: '是',
      '所属科研设施/平台': '山东省分析测试中心平台',
      共享规定: '校外用户须提前一周预约',
      预约网址: 'http://booking.example.edu.cn/instrument/7',
    });
  });
});

describe('round trip', () => {
  it('re-imports the national export unchanged, CSV and XLSX', async () => {
    const before = await t.db.all(`SELECT * FROM instruments WHERE institution_id = ? ORDER BY id`, [labOrg]);
    const submissions = await count(`SELECT count(*) AS n FROM listing_submissions WHERE institution_id = ?`, labOrg);
    expect(before.length).toBeGreaterThan(3);
    for (const format of ['csv', 'xlsx'] as const) {
      const file = await exportOf(lab, format);
      expect(file.status).toBe(200);
      const type = format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      const imp = await checked(lab, file.body as Buffer, type);
      expect(imp.status).toBe('validated');
      const errors = await lab.get(`/api/v1/instrument-imports/${imp.id}/errors`);
      expect(errors.body).toEqual({ items: [], total: 0 });
      expect(imp).toMatchObject({ totalRows: before.length, validRows: before.length, errorRows: 0 });
      const done = await runImport(lab, imp.id, 'all_or_nothing');
      expect(done).toMatchObject({
        status: 'completed',
        createdCount: 0,
        updatedCount: 0,
        submittedCount: 0,
        unchangedCount: before.length,
      });
    }
    expect(await t.db.all(`SELECT * FROM instruments WHERE institution_id = ? ORDER BY id`, [labOrg])).toEqual(before);
    expect(await count(`SELECT count(*) AS n FROM listing_submissions WHERE institution_id = ?`, labOrg)).toBe(
      submissions,
    );
  });
});

describe('row errors', () => {
  it('reports every kind at its row and column, writes nothing, and gives the sheet back with 错误说明', async () => {
    const existing = rowsOf((await exportOf(lab, 'csv')).body as Buffer)[0]!;
    const rows = [
      await newRow('E-OK-1'), // row 2: fine
      await newRow('E-2', { 仪器名称: '' }), // 3: required
      await newRow('E-3', { 分类编码: '12AB' }), // 4: not 6 digits
      await newRow('E-4', { 分类编码: '999999' }), // 5: not in the taxonomy
      await newRow('E-5', { '原值(元)': '12.345' }), // 6: money
      await newRow('E-6', { 启用日期: '2021-13-01' }), // 7: date
      await newRow('E-7', { 共享模式: '随便' }), // 8: enum
      await newRow('E-8', { 所属单位: '别的大学' }), // 9: institution
      await newRow('E-OK-1'), // 10: duplicate of row 2
      await newRow('E-10', { 电子邮箱: 'not-an-email' }), // 11
      await newRow('E-11', { 预约网址: 'ftp://x' }), // 12
      await newRow('E-12', { 所在城市: '火星市' }), // 13
      await newRow('E-13', { 主要学科领域: 'a；b；c；d；e' }), // 14
      await newRow('E-14', { 是否海关监管: '也许' }), // 15
      { ...existing, 运行状态: '坏了' }, // 16: an existing record with a bad enum
    ];
    const expected: [number, string, string][] = [
      [3, '仪器名称', '必填项不能为空'],
      [4, '分类编码', '应为 6 位数字的分类编码'],
      [5, '分类编码', '分类编码不在国家仪器分类中'],
      [6, '原值(元)', '最多两位小数'],
      [7, '启用日期', 'YYYY-MM-DD'],
      [8, '共享模式', '外部共享'],
      [9, '所属单位', labName],
      [10, '所属单位仪器编号', '与第 2 行的资产编号重复'],
      [11, '电子邮箱', '电子邮箱'],
      [12, '预约网址', 'http'],
      [13, '所在城市', '城市'],
      [14, '主要学科领域', '最多 4 个'],
      [15, '是否海关监管', '是'],
      [16, '运行状态', '正常'],
    ];
    const instruments = await count(`SELECT count(*) AS n FROM instruments`);
    const submissions = await count(`SELECT count(*) AS n FROM listing_submissions`);
    const imp = await checked(lab, sheet(rows));
    expect(imp).toMatchObject({ status: 'validated', totalRows: 15, errorRows: 14, validRows: 1 });
    const errors = (await lab.get(`/api/v1/instrument-imports/${imp.id}/errors?limit=100`)).body;
    expect(errors.total).toBe(expected.length);
    for (const [row, column, message] of expected) {
      const found = errors.items.find((e: { row: number; column: string }) => e.row === row && e.column === column);
      expect(found, `row ${row} ${column}`).toBeDefined();
      expect(found.message).toContain(message);
    }
    expect(errors.items.find((e: { row: number }) => e.row === 2)).toBeUndefined();

    // All or nothing: refused while rows have errors, nothing written.
    const refused = await lab.post(`/api/v1/instrument-imports/${imp.id}/run`).send({ errorPolicy: 'all_or_nothing' });
    expect(refused.status).toBe(409);
    expect((await lab.get(`/api/v1/instrument-imports/${imp.id}`)).body.status).toBe('validated');
    expect(await count(`SELECT count(*) AS n FROM instruments`)).toBe(instruments);
    expect(await count(`SELECT count(*) AS n FROM listing_submissions`)).toBe(submissions);

    // The sheet back with its 错误说明 column.
    const back = await download(lab, `/api/v1/instrument-imports/${imp.id}/error-sheet?format=csv`);
    expect(back.status).toBe(200);
    const table = parseCsv(back.body as Buffer);
    expect(table[0]).toEqual([...INSTRUMENT_HEADERS, '错误说明']);
    expect(table[1]!.at(-1)).toBe('');
    expect(table[2]!.at(-1)).toContain('仪器名称：必填项不能为空');
    expect(table[9]!.at(-1)).toContain('与第 2 行的资产编号重复');
    const xlsx = await download(lab, `/api/v1/instrument-imports/${imp.id}/error-sheet?format=xlsx`);
    expect((await parseXlsx(xlsx.body as Buffer))[0]).toEqual([...INSTRUMENT_HEADERS, '错误说明']);

    // Cancelled: it can no longer run.
    expect((await lab.post(`/api/v1/instrument-imports/${imp.id}/cancel`)).body.status).toBe('cancelled');
    expect(
      (await lab.post(`/api/v1/instrument-imports/${imp.id}/run`).send({ errorPolicy: 'valid_rows' })).status,
    ).toBe(409);
  });
});

describe('admin imports', () => {
  it('publish at once; a re-import reports created, updated and unchanged', async () => {
    const [first, second] = rowsOf((await exportOf(admin, 'csv')).body as Buffer);
    const rows = [
      await newRow('ADM-1', { 仪器名称: '导入质谱仪甲' }),
      await newRow('ADM-2'),
      { ...first!, 联系人: '新联系人', 共享模式: '内部共享' },
      second!,
    ];
    const imp = await checked(admin, sheet(rows), 'text/csv', `&institutionId=${labOrg}`);
    expect(imp).toMatchObject({ status: 'validated', errorRows: 0, validRows: 4 });
    const done = await runImport(admin, imp.id);
    expect(done).toMatchObject({ createdCount: 2, updatedCount: 1, unchangedCount: 1, submittedCount: 0 });
    const made = await one<{ id: number; value: number; url: string; customs: unknown; funding: string }>(
      `SELECT id, original_value_fen AS value, booking_url AS url, customs_supervised AS customs, purchase_funding AS funding
         FROM instruments WHERE institution_id = ? AND asset_number = 'ADM-1'`,
      labOrg,
    );
    expect(made).toMatchObject({ value: 56_000_050, url: 'https://lab.example.edu.cn/book/1', funding: 'central' });
    const detail = (await request(t.app).get(`/api/v1/instruments/${made.id}`)).body;
    expect(detail).toMatchObject({
      purchaseFunding: 'central',
      purpose: 'general',
      customsSupervised: false,
      bookingUrl: 'https://lab.example.edu.cn/book/1',
      nationalNumber: 'NRII-ADM-1',
    });
    // In the search index at once.
    const found = await request(t.app).get(`/api/v1/instruments?q=${encodeURIComponent('导入质谱仪甲')}`);
    expect(found.body.items.map((i: { id: number }) => i.id)).toContain(made.id);
    const changed = await one<{ contact: string; mode: string }>(
      `SELECT contact_name AS contact, sharing_mode AS mode FROM instruments WHERE institution_id = ? AND asset_number = ?`,
      labOrg,
      first!['所属单位仪器编号']!,
    );
    expect(changed).toEqual({ contact: '新联系人', mode: 'internal' });
    expect(
      await count(
        `SELECT count(*) AS n FROM listing_submissions WHERE import_id = ? AND status = 'approved' AND kind = 'new'`,
        imp.id,
      ),
    ).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM audit_log WHERE action = 'instrument.import' AND subject_id = ?`,
        String(labOrg),
      ),
    ).toBe(1);

    // The same file again: nothing changes.
    const again = await checked(admin, sheet(rows), 'text/csv', `&institutionId=${labOrg}`);
    expect(await runImport(admin, again.id)).toMatchObject({
      createdCount: 0,
      updatedCount: 0,
      unchangedCount: 4,
    });
    // The uploader is told.
    const admins = await count(
      `SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'admin@demo.test' AND n.type = 'import_finished'`,
    );
    expect(admins).toBe(2);
  });
});

describe('lab imports', () => {
  it('go to listing review: new records and key-field changes wait, other changes apply at once', async () => {
    const existing = rowsOf((await exportOf(lab, 'csv')).body as Buffer)[2]!;
    const asset = existing['所属单位仪器编号']!;
    const published = await one<{ id: number; mode: string; value: number }>(
      `SELECT id, sharing_mode AS mode, original_value_fen AS value FROM instruments WHERE institution_id = ? AND asset_number = ?`,
      labOrg,
      asset,
    );
    const newMode = published.mode === 'external' ? '内部共享' : '外部共享';
    const rows = [
      await newRow('LAB-NEW-1'),
      { ...existing, 共享模式: newMode, 联系人: '实验室新联系人', 共享规定: '预约须提前三天' },
    ];
    const imp = await checked(lab, sheet(rows));
    expect(imp.errorRows).toBe(0);
    const done = await runImport(lab, imp.id);
    expect(done).toMatchObject({ status: 'completed', createdCount: 0, submittedCount: 2 });

    expect(await count(`SELECT count(*) AS n FROM instruments WHERE asset_number = 'LAB-NEW-1'`)).toBe(0);
    const fresh = await one<{ kind: string; status: string; source: string; record: string }>(
      `SELECT kind, status, source, record FROM listing_submissions WHERE import_id = ? AND asset_number = 'LAB-NEW-1'`,
      imp.id,
    );
    expect(fresh).toMatchObject({ kind: 'new', status: 'pending', source: 'import' });
    expect(JSON.parse(String(fresh.record))).toMatchObject({ institutionId: labOrg, assetNumber: 'LAB-NEW-1' });
    const change = await one<{ record: string; published: string }>(
      `SELECT record, published FROM listing_submissions WHERE instrument_id = ? AND kind = 'change' AND status = 'pending'`,
      published.id,
    );
    expect(JSON.parse(String(change.record))).toEqual({
      sharingMode: newMode === '内部共享' ? 'internal' : 'external',
    });
    expect(JSON.parse(String(change.published))).toEqual({ sharingMode: published.mode });
    // The published version stays; the non-key fields changed at once.
    const now = await one<{ mode: string; contact: string; rules: string }>(
      `SELECT sharing_mode AS mode, contact_name AS contact, sharing_rules AS rules FROM instruments WHERE id = ?`,
      published.id,
    );
    expect(now).toEqual({ mode: published.mode, contact: '实验室新联系人', rules: '预约须提前三天' });
    expect(
      await count(
        `SELECT count(*) AS n FROM review_events e JOIN listing_submissions s ON s.id = e.subject_id
           WHERE e.subject_type = 'listing_submission' AND e.action = 'submitted' AND s.import_id = ?`,
        imp.id,
      ),
    ).toBe(2);
    // Reviewers told once for the import; the lab told it finished.
    const told = await t.db.all<{ data: string }>(
      `SELECT n.data FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE u.email = 'admin@demo.test' AND n.type = 'listing_submitted' AND n.dedupe_key LIKE ?`,
      [`listing_submitted:import:${imp.id}:%`],
    );
    expect(told).toHaveLength(1);
    expect(JSON.parse(told[0]!.data)).toMatchObject({ count: 2 });
    expect(
      await count(
        `SELECT count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'lab@demo.test' AND n.type = 'import_finished'`,
      ),
    ).toBeGreaterThan(0);

    // An admin may not publish over the asset number a pending submission reserves.
    const clash = await checked(admin, sheet([await newRow('LAB-NEW-1')]), 'text/csv', `&institutionId=${labOrg}`);
    expect(clash.errorRows).toBe(1);
    // The lab imports the same again: its pending submission is replaced, nothing new.
    const again = await checked(lab, sheet(rows));
    expect(await runImport(lab, again.id)).toMatchObject({ submittedCount: 0, unchangedCount: 2 });
    expect(await count(`SELECT count(*) AS n FROM listing_submissions WHERE asset_number = 'LAB-NEW-1'`)).toBe(1);
  });
});

describe('an import a stopped node left', () => {
  it('is taken over once its lease has run out and goes on at next_row', async () => {
    const rows = [await newRow('RES-1'), await newRow('RES-2'), await newRow('RES-3')];
    const imp = await checked(admin, sheet(rows), 'text/csv', `&institutionId=${labOrg}`);
    expect(imp.validRows).toBe(3);
    // As a node that died after committing the chunk of rows 2 and 3 would leave it.
    await t.db.run(
      `UPDATE instrument_imports SET status = 'importing', error_policy = 'valid_rows', next_row = 4, processed_rows = 2,
         leased_by = 'dead-node', lease_until = ? WHERE id = ?`,
      [Date.now() + 60_000, imp.id],
    );
    const processor = servicesOf(t.app).imports.processor;
    expect(await processor.resume()).toBe(0); // still leased
    await t.db.run(`UPDATE instrument_imports SET lease_until = ? WHERE id = ?`, [Date.now() - 1, imp.id]);
    expect(await processor.resume()).toBe(1);
    const done = (await admin.get(`/api/v1/instrument-imports/${imp.id}`)).body;
    expect(done).toMatchObject({ status: 'completed', createdCount: 1, processedRows: 3 });
    const made = await t.db.column<string>(
      `SELECT asset_number FROM instruments WHERE institution_id = ? AND asset_number LIKE 'RES-%'`,
      [labOrg],
    );
    expect(made).toEqual(['RES-3']);
  });
});

describe('who may import, and bad files', () => {
  it('keeps a lab to its own institution', async () => {
    const body = sheet([await newRow('X-1')]);
    expect((await upload(lab, body, 'text/csv', `&institutionId=${otherOrg}`)).status).toBe(403);
    expect((await upload(researcher, body, 'text/csv')).status).toBe(403);
    const other = await signIn(t.app, 'lab2@demo.test');
    const mine = await checked(lab, body);
    expect((await other.get(`/api/v1/instrument-imports/${mine.id}`)).status).toBe(403);
    expect((await other.get(`/api/v1/instrument-imports/${mine.id}/errors`)).status).toBe(403);
    expect(
      (await other.post(`/api/v1/instrument-imports/${mine.id}/run`).send({ errorPolicy: 'valid_rows' })).status,
    ).toBe(403);
    expect((await other.get(`/api/v1/instrument-imports?institutionId=${labOrg}`)).status).toBe(403);
    const list = await lab.get('/api/v1/instrument-imports');
    expect(list.body.items.map((i: { id: number }) => i.id)).toContain(mine.id);
    expect(list.body.items.every((i: { institution: { id: number } }) => i.institution.id === labOrg)).toBe(true);
    // An admin names the institution.
    expect((await upload(admin, body, 'text/csv')).status).toBe(400);
  });

  it('refuses files that are not sheets in the template', async () => {
    expect((await upload(lab, Buffer.alloc(0), 'text/csv')).status).toBe(400);
    expect((await upload(lab, Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), 'application/pdf')).status).toBe(
      415,
    );
    expect(
      (await upload(lab, Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 9, 9]), 'application/octet-stream')).status,
    ).toBe(415);
    const wrong = await upload(lab, Buffer.from('name,value\nfoo,1\n'), 'text/csv');
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toContain('模板');
    expect((await lab.post('/api/v1/instrument-imports/999999/run').send({ errorPolicy: 'valid_rows' })).status).toBe(
      404,
    );
    const imp = await checked(lab, sheet([await newRow('Y-1')]));
    expect((await lab.post(`/api/v1/instrument-imports/${imp.id}/run`).send({ errorPolicy: 'some' })).status).toBe(400);
  });
});
