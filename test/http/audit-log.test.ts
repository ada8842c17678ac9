/**
 * The security audit log: what the existing modules record (money authorised, captured, refunded;
 * a settlement batch submitted, reviewed and paid; voucher administration; the holiday calendar;
 * exports of financial and personal data) with who, when and from where; searching it with filters
 * and cursor pages; exporting it as CSV and XLSX (the export recorded too, its size bounded); that
 * only platform admins read it; and that nobody can change it — not the API, not SQL.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { MAX_EXPORT_ROWS } from '../../server/modules/audit/audit.service.ts';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { parseCsv, parseXlsx } from '../../server/modules/settlement/exports.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { slotTimes, testSchedule } from '../support/schedule.ts';
import { testStripe } from '../support/stripe.ts';

// Thursday 2026-11-05, 10:00 in Shanghai: October's demo jobs are done and unclaimed.
const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let stripe: StripeProvider;
type Agent = Awaited<ReturnType<typeof signIn>>;
let admin: Agent;
let lab: Agent;
let finance: Agent; // 济南市科学技术局
let researcher: Agent;

/** Supertest's requests come from the loopback address, as IPv4 or in its IPv6-mapped form. */
const LOCAL = /^(::ffff:)?127\.0\.0\.1$/;

interface Entry {
  id: number;
  at: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actor: {
    userId: number | null;
    email: string | null;
    organisationId: number | null;
    organisationName: string | null;
  } | null;
  clientAddress: string | null;
  userAgent: string | null;
  subject: { type: string; id: string } | null;
  details: Record<string, unknown>;
}

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const userId = async (email: string) => (await one<{ id: number }>(`SELECT id FROM users WHERE email = ?`, email)).id;
const orgOf = async (email: string) =>
  (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = ?`, email)).id;

/** The entries matching a query string, newest first (one page of up to 200). */
async function search(query: string): Promise<Entry[]> {
  const res = await admin.get(`/api/v1/admin/audit-log?limit=200&${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
}
const only = (entries: Entry[], action: string) => {
  const found = entries.filter((e) => e.action === action);
  expect(found, action).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  stripe = await testStripe();
  // The lab's steps move the clock to the booked days: sign-ins must last.
  t = await createTestApp({ instruments: 300, clock, payments: stripe, sessionTtlHours: 24 * 60 });
  admin = await signIn(t.app, 'admin@demo.test');
  lab = await signIn(t.app, 'lab@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
});
afterAll(() => t.close());

describe('what the modules record', () => {
  let bookingId: number;

  it('records a card payment authorised, captured and refunded — who, when, from where, how much', async () => {
    const instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
    expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
    const free = await researcher.get(
      `/api/v1/instruments/${instrumentId}/availability?from=${encodeURIComponent('2026-11-16T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-21T00:00:00+08:00')}&durationMinutes=120`,
    );
    const [slot, other] = slotTimes(free.body);
    const booked = await researcher
      .post('/api/v1/bookings')
      .send({ instrumentId, mode: 'machine_time', purpose: '材料表征', ...slot, paymentToken: 'tok_visa' });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    bookingId = booked.body.id;
    const done = await walkAtTheirTimes(clock, lab, researcher, bookingId, ['approve'], ['check-in'], ['complete']);
    expect(done.payment.status).toBe('captured');
    const refund = await lab
      .post(`/api/v1/bookings/${bookingId}/refund`)
      .set('User-Agent', 'audit-test/1.0')
      .send({ amountFen: 1000, reason: '报告延迟' });
    expect(refund.status).toBe(200);

    const entries = await search(`subjectType=booking&subjectId=${bookingId}`);
    // In the order they happened (the capture's time is the job's end, ahead of the test clock's now).
    expect(entries.sort((a, b) => a.id - b.id).map((e) => e.action)).toEqual([
      'payment.authorise',
      'payment.capture',
      'payment.refund',
    ]);
    const authorised = only(entries, 'payment.authorise');
    expect(authorised).toMatchObject({
      outcome: 'success',
      at: new Date(NOW).toISOString(),
      actor: {
        userId: await userId('researcher@demo.test'),
        email: 'researcher@demo.test',
        organisationId: await orgOf('researcher@demo.test'),
      },
      subject: { type: 'booking', id: String(bookingId) },
      details: { amountFen: booked.body.payment.authorisedFen, processorRef: booked.body.payment.processorId },
    });
    expect(authorised.actor!.organisationName).toBeTruthy();
    expect(authorised.clientAddress).toMatch(LOCAL);
    // The capture happened when the lab completed the job: the lab's person, at the job's end.
    const captured = only(entries, 'payment.capture');
    expect(captured.actor?.email).toBe('lab@demo.test');
    expect(captured.details.amountFen).toBe(done.payment.capturedFen);
    expect(Date.parse(captured.at)).toBe(Date.parse(done.end));
    const refunded = only(entries, 'payment.refund');
    expect(refunded).toMatchObject({
      actor: { email: 'lab@demo.test' },
      userAgent: 'audit-test/1.0',
      details: { amountFen: 1000, reason: '报告延迟' },
    });
    expect(refunded.clientAddress).toMatch(LOCAL);

    // A declined card: the same action, outcome failure, with the processor's code.
    const declined = await researcher
      .post('/api/v1/bookings')
      .send({ instrumentId, mode: 'machine_time', purpose: '材料表征', ...other, paymentToken: 'tok_chargeDeclined' });
    expect(declined.status).toBe(402);
    const [failed] = await search('action=payment.authorise&outcome=failure');
    expect(failed).toMatchObject({
      action: 'payment.authorise',
      outcome: 'failure',
      actor: { email: 'researcher@demo.test' },
      details: { code: 'generic_decline' },
    });
  });

  let batch: { id: number; lines: { id: number; voucherFen: number; reviewOffice: { name: string } }[] };

  it('records a settlement batch submitted, its lines approved, returned and rejected, and its payment', async () => {
    const programmeId = (await one<{ id: number }>(`SELECT id FROM voucher_programmes ORDER BY id LIMIT 1`)).id;
    const made = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    batch = made.body;
    expect(batch.lines.length).toBeGreaterThanOrEqual(3);
    for (const [i, line] of batch.lines.entries()) {
      const res = await lab
        .patch(`/api/v1/settlement-batches/${batch.id}/lines/${line.id}`)
        .send({ invoiceNo: `AUDIT2610${String(i).padStart(4, '0')}` });
      expect(res.status).toBe(200);
    }
    const bank = { bankName: '中国银行济南分行', accountName: '山东省分析测试中心', accountNo: '2345 6789 0123 4567' };
    expect((await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank })).status).toBe(
      200,
    );
    const url = (lineId: number, action: string) => `/api/v1/settlement-batches/${batch.id}/lines/${lineId}/${action}`;
    // One batch for the month: 济南's office decides 济南's lines, each other city's office its own; the
    // province (the paying office) pays, being none of the approvers (four-eyes).
    const jinan = batch.lines.filter((l) => l.reviewOffice.name === '济南市科学技术局');
    expect(jinan.length).toBeGreaterThanOrEqual(3);
    const [a, b, c, ...rest] = jinan as [(typeof jinan)[0], (typeof jinan)[0], (typeof jinan)[0]];
    expect((await finance.post(url(a.id, 'approve')).send({ reason: '材料齐全' })).status).toBe(200);
    expect((await finance.post(url(b.id, 'return')).send({ reason: '发票抬头有误' })).status).toBe(200);
    expect((await finance.post(url(c.id, 'reject')).send({ reason: '服务内容与申报不符' })).status).toBe(200);
    expect((await lab.post(url(b.id, 'resubmit')).send({})).status).toBe(200);
    for (const line of [b, ...rest]) expect((await finance.post(url(line.id, 'approve')).send({})).status).toBe(200);
    const officers: Record<string, string> = {
      临沂市科学技术局: 'finance4@demo.test',
      聊城市科学技术局: 'finance6@demo.test',
    };
    for (const line of batch.lines.filter((l) => !jinan.includes(l))) {
      const officer = await signIn(t.app, officers[line.reviewOffice.name]!);
      expect((await officer.post(url(line.id, 'approve')).send({})).status).toBe(200);
    }
    const province = await signIn(t.app, 'finance2@demo.test');
    const paid = await province.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'GK-AUDIT-01' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);

    const entries = await search(`subjectType=settlement_batch&subjectId=${batch.id}`);
    const submitted = only(entries, 'settlement.submit');
    expect(submitted).toMatchObject({
      actor: { email: 'lab@demo.test' },
      details: { month: '2026-10', lines: batch.lines.length, totalFen: paid.body.totalFen },
    });
    expect(only(entries, 'settlement.line_return')).toMatchObject({
      actor: { email: 'finance@demo.test' },
      details: { lineId: b.id, voucherFen: b.voucherFen, reason: '发票抬头有误' },
    });
    expect(only(entries, 'settlement.line_reject')).toMatchObject({
      details: { lineId: c.id, voucherFen: c.voucherFen, reason: '服务内容与申报不符' },
    });
    const approvals = entries.filter((e) => e.action === 'settlement.line_approve');
    expect(approvals.map((e) => e.details.lineId).sort()).toEqual(
      batch.lines
        .filter((l) => l.id !== c.id)
        .map((l) => l.id)
        .sort(),
    );
    expect(only(entries, 'settlement.pay')).toMatchObject({
      actor: { email: 'finance2@demo.test', organisationName: '山东省科学技术厅' },
      details: { paidFen: paid.body.paidFen, reference: 'GK-AUDIT-01', lines: batch.lines.length - 1 },
    });
    for (const e of entries) expect(e.clientAddress).toMatch(LOCAL);
  });

  it('records voucher administration: a quota granted and revoked, related parties, certification', async () => {
    const pair = await one<{ programmeId: number; enterpriseId: number }>(
      `SELECT p.id AS "programmeId", c.organisation_id AS "enterpriseId"
         FROM voucher_programmes p, enterprise_certifications c
        WHERE p.starts_on <= '2026-11-05' AND p.use_by >= '2026-11-05' AND c.revoked_at IS NULL
          AND c.expires_on >= '2026-11-05'
          AND NOT EXISTS (SELECT 1 FROM voucher_quotas q WHERE q.programme_id = p.id AND q.enterprise_id = c.organisation_id)
        ORDER BY p.id, c.organisation_id LIMIT 1`,
    );
    expect(pair).toBeDefined();
    const granted = await admin.post('/api/v1/voucher-quotas').send({ ...pair, capFen: 12_345 });
    expect(granted.status, JSON.stringify(granted.body)).toBe(201);
    const revoked = await admin.post(`/api/v1/voucher-quotas/${granted.body.id}/revoke`).send({ reason: '重复申报' });
    expect(revoked.status).toBe(200);
    const quota = await search(`subjectType=voucher_quota&subjectId=${granted.body.id}`);
    expect(quota.map((e) => e.action)).toEqual(['voucher.quota_revoke', 'voucher.quota_grant']);
    expect(only(quota, 'voucher.quota_grant')).toMatchObject({
      actor: { email: 'admin@demo.test' },
      details: { programmeId: pair.programmeId, enterpriseId: pair.enterpriseId, capFen: 12_345 },
    });
    expect(only(quota, 'voucher.quota_revoke').details).toMatchObject({ reason: '重复申报', returnedFen: 12_345 });

    // Removing a related party names no actor in the service: the request's admin is recorded.
    const provider = await orgOf('lab@demo.test');
    const declared = await admin
      .post('/api/v1/related-parties')
      .send({ enterpriseId: pair.enterpriseId, providerId: provider, relation: 'shared_owner', note: '审计测试' });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    expect((await admin.delete(`/api/v1/related-parties/${declared.body.id}`)).status).toBe(204);
    const related = await search(`subjectType=related_party&subjectId=${declared.body.id}`);
    expect(related.map((e) => [e.action, e.actor?.email])).toEqual([
      ['voucher.related_party_remove', 'admin@demo.test'],
      ['voucher.related_party_declare', 'admin@demo.test'],
    ]);
    expect(related[0]!.details).toMatchObject({
      enterpriseId: pair.enterpriseId,
      providerId: provider,
      relation: 'shared_owner',
    });
    expect(related[0]!.clientAddress).toMatch(LOCAL);
  });

  it('records the holiday calendar’s changes and an admin’s edit of an institution’s instrument', async () => {
    const put = await admin.put('/api/v1/holidays/2026-12-28').send({ kind: 'off', nameZh: '审计测试休息日' });
    expect(put.status).toBe(200);
    expect((await admin.delete('/api/v1/holidays/2026-12-28')).status).toBe(204);
    const holidays = await search('action=holiday.&subjectId=2026-12-28');
    expect(holidays.map((e) => [e.action, e.actor?.email])).toEqual([
      ['holiday.delete', 'admin@demo.test'],
      ['holiday.put', 'admin@demo.test'],
    ]);
    expect(holidays[1]!.details).toMatchObject({ before: null, after: { kind: 'off', nameZh: '审计测试休息日' } });

    const instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
    const before = (await admin.get(`/api/v1/instruments/${instrumentId}`)).body;
    const edited = await admin.patch(`/api/v1/instruments/${instrumentId}`).send({ runStatus: 'standby' });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const [edit] = await search(`action=instrument.update&subjectId=${instrumentId}`);
    expect(edit).toMatchObject({
      actor: { email: 'admin@demo.test' },
      details: { fields: { runStatus: { from: before.runStatus, to: 'standby' } } },
    });
    // The lab's own edits of its instruments are its work, not an admin action.
    expect((await lab.patch(`/api/v1/instruments/${instrumentId}`).send({ runStatus: 'normal' })).status).toBe(200);
    expect(await search(`action=instrument.&actor=lab@demo.test`)).toEqual([]);
  });

  it('records exports of financial and personal data with their format and row count', async () => {
    const csv = await download(lab, `/api/v1/settlement-batches/${batch.id}/export?format=csv`);
    expect(csv.status).toBe(200);
    const register = await download(finance, '/api/v1/voucher-register/export?format=xlsx');
    expect(register.status).toBe(200);
    const labOrg = await orgOf('lab@demo.test');
    const services = await download(lab, `/api/v1/national-reports/services?institutionId=${labOrg}&year=2026`);
    expect(services.status).toBe(200);

    const exports = await search('action=export.');
    expect(only(exports, 'export.settlement_batch')).toMatchObject({
      actor: { email: 'lab@demo.test' },
      subject: { type: 'settlement_batch', id: String(batch.id) },
      details: { format: 'csv', rows: batch.lines.length },
    });
    const registerRows = (await parseXlsx(register.body as Buffer)).length - 1;
    expect(only(exports, 'export.voucher_register')).toMatchObject({
      actor: { email: 'finance@demo.test' },
      details: { format: 'xlsx', rows: registerRows },
    });
    expect(only(exports, 'export.national_services')).toMatchObject({
      actor: { email: 'lab@demo.test' },
      subject: { type: 'organisation', id: String(labOrg) },
      details: { format: 'csv', rows: parseCsv(services.body as Buffer).length - 1, year: 2026 },
    });
  });
});

describe('searching the log', () => {
  it('filters by area, action, outcome, person, organisation, address and time', async () => {
    const payments = await search('action=payment.');
    expect(payments.length).toBeGreaterThanOrEqual(4);
    expect(payments.every((e) => e.action.startsWith('payment.'))).toBe(true);
    expect((await search('action=payment.capture')).every((e) => e.action === 'payment.capture')).toBe(true);
    const failures = await search('outcome=failure');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);

    const byEmail = await search('actor=FINANCE@demo');
    expect(byEmail.length).toBeGreaterThan(0);
    expect(byEmail.every((e) => e.actor?.email === 'finance@demo.test')).toBe(true);
    const financeId = await userId('finance@demo.test');
    expect((await search(`actor=${financeId}`)).map((e) => e.id)).toEqual(byEmail.map((e) => e.id));
    const financeOrg = await orgOf('finance@demo.test');
    const byOrg = await search(`organisationId=${financeOrg}`);
    expect(byOrg.every((e) => e.actor?.organisationId === financeOrg)).toBe(true);
    // % and _ are the text itself, not wildcards.
    expect(await search('actor=%25')).toEqual([]);

    const local = await search('address=127.0.0.1');
    expect(local.length).toBeGreaterThan(10);
    expect(local.every((e) => LOCAL.test(e.clientAddress ?? ''))).toBe(true);
    expect(await search('address=10.1.')).toEqual([]);

    // Dates are whole days in Beijing time; instants are exact.
    const dayStart = Date.parse('2026-11-06T00:00:00+08:00');
    const later = await search('from=2026-11-06');
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((e) => Date.parse(e.at) >= dayStart)).toBe(true);
    const thatDay = await search('from=2026-11-05&to=2026-11-05');
    expect(thatDay.every((e) => Date.parse(e.at) >= NOW - 10 * 3600_000 && Date.parse(e.at) < dayStart)).toBe(true);
    expect(thatDay.map((e) => e.id).sort()).toEqual(
      (
        await search(
          `from=${encodeURIComponent('2026-11-05T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-06T00:00:00+08:00')}`,
        )
      )
        .map((e) => e.id)
        .sort(),
    );
    expect([...thatDay, ...later].length).toBe((await search('')).length);
  });

  it('pages newest first with a cursor, and answers one entry', async () => {
    const all = await search('');
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await admin.get(
        `/api/v1/admin/audit-log?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(Date.parse(a.at) > Date.parse(b.at) || (a.at === b.at && a.id > b.id)).toBe(true);
    }
    const entry = all[0]!;
    const got = await admin.get(`/api/v1/admin/audit-log/${entry.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(entry);
    expect((await admin.get('/api/v1/admin/audit-log/999999999')).status).toBe(404);
    const actions = (await admin.get('/api/v1/admin/audit-log/actions')).body.items.map(
      (a: { action: string }) => a.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['payment.capture', 'settlement.pay', 'voucher.quota_grant']));
  });

  it('refuses bad filters with 400', async () => {
    for (const query of [
      'cursor=not-a-cursor',
      'action=Auth',
      'action=auth..login',
      'from=2026-02-30',
      'from=2026-11-06&to=2026-11-05',
      'from=yesterday',
      'to=2026-11-05T10:00:00',
      'outcome=maybe',
      'limit=0',
      'limit=201',
      'address=not-an-ip',
      'organisationId=abc',
      'colour=blue',
    ]) {
      const res = await admin.get(`/api/v1/admin/audit-log?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});

describe('exporting the log', () => {
  it('exports a filtered range as CSV and XLSX, and records each export with its filter and row count', async () => {
    const settlement = await search('action=settlement.');
    const csv = await download(admin, '/api/v1/admin/audit-log/export?action=settlement.&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-log\.csv"/);
    const rows = parseCsv(csv.body as Buffer);
    expect(rows[0]).toEqual([
      '编号',
      '时间（北京时间）',
      '操作',
      '操作说明',
      '结果',
      '用户ID',
      '用户邮箱',
      '单位ID',
      '单位名称',
      '客户端地址',
      '浏览器',
      '对象类型',
      '对象编号',
      '详情',
    ]);
    const body = rows.slice(1);
    expect(body.length).toBe(settlement.length);
    // Oldest first, as a record is read.
    expect(body.map((r) => Number(r[0]))).toEqual(settlement.map((e) => e.id).reverse());
    const pay = body.find((r) => r[2] === 'settlement.pay')!;
    expect(pay.slice(3, 7)).toEqual([
      '兑付付款',
      '成功',
      String(await userId('finance2@demo.test')),
      'finance2@demo.test',
    ]);
    expect(pay[1]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(pay[9]).toMatch(LOCAL);
    expect(JSON.parse(pay[13]!)).toMatchObject({ reference: 'GK-AUDIT-01' });

    const [recorded] = await search('action=export.audit_log');
    expect(recorded).toMatchObject({
      actor: { email: 'admin@demo.test' },
      details: { format: 'csv', rows: settlement.length, filter: { action: 'settlement.' } },
    });
    expect(recorded!.clientAddress).toMatch(LOCAL);

    const xlsx = await download(admin, '/api/v1/admin/audit-log/export?action=payment.refund&format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    const sheet = await parseXlsx(xlsx.body as Buffer);
    expect(sheet.slice(1).map((r) => [r[2], r[3]])).toEqual([['payment.refund', '退款']]);
    const exports = await search('action=export.audit_log');
    expect(exports).toHaveLength(2);
    expect(exports[0]!.details).toEqual({ format: 'xlsx', rows: 1, filter: { action: 'payment.refund' } });
  });

  it(`refuses an export of more than ${MAX_EXPORT_ROWS.csv} entries (${MAX_EXPORT_ROWS.xlsx} in XLSX), asking for a narrower range`, async () => {
    // Old entries, straight into the table (appending is allowed): one more than a CSV may hold.
    const base = Date.parse('2020-01-01T00:00:00+08:00');
    await t.db.run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MAX_EXPORT_ROWS.csv + 1})
       INSERT INTO audit_log (at, action, outcome, details) SELECT ${base} + i * 1000, 'test.bulk', 'success', '{}' FROM n`,
    );
    const before = (await search('action=export.audit_log')).length;
    const refused = await admin
      .get('/api/v1/admin/audit-log/export?action=test.&format=csv')
      .set('Accept-Language', 'en');
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe(
      `the export would hold ${MAX_EXPORT_ROWS.csv + 1} entries, more than ${MAX_EXPORT_ROWS.csv}: narrow the range or the filters`,
    );
    // In Chinese for a Chinese reader.
    const zh = await admin.get('/api/v1/admin/audit-log/export?action=test.').set('Accept-Language', 'zh-CN');
    expect(zh.body.detail).toMatch(/缩小时间范围/);
    // One more than a spreadsheet may hold: refused in XLSX (CSV can), fine in CSV.
    const range = (seconds: number) =>
      `from=${encodeURIComponent('2020-01-01T00:00:00+08:00')}&to=${encodeURIComponent(new Date(base + seconds * 1000).toISOString())}`;
    const sheet = await admin.get(
      `/api/v1/admin/audit-log/export?action=test.bulk&format=xlsx&${range(MAX_EXPORT_ROWS.xlsx + 2)}`,
    );
    expect(sheet.status).toBe(400);
    expect(sheet.body.errors.map((e: { path: string }) => e.path)).toContain('query.format');
    const csv = await download(
      admin,
      `/api/v1/admin/audit-log/export?action=test.bulk&${range(MAX_EXPORT_ROWS.xlsx + 2)}`,
    );
    expect(csv.status).toBe(200);
    expect(parseCsv(csv.body as Buffer).length - 1).toBe(MAX_EXPORT_ROWS.xlsx + 1);
    // An hour of them as a spreadsheet is fine.
    const hour = await download(admin, `/api/v1/admin/audit-log/export?action=test.bulk&format=xlsx&${range(3600)}`);
    expect(hour.status).toBe(200);
    expect((await parseXlsx(hour.body as Buffer)).length - 1).toBe(3599); // seconds 1 … 3599
    const exports = await search('action=export.audit_log');
    expect(exports.length).toBe(before + 2);
    expect(exports[0]!.details).toMatchObject({ format: 'xlsx', rows: 3599, filter: { action: 'test.bulk' } });
  });
});

describe('who may read it', () => {
  it('is for platform admins only', async () => {
    const id = (await search(''))[0]!.id;
    for (const agent of [researcher, lab, finance]) {
      for (const url of ['', `/${id}`, '/actions', '/export?format=csv']) {
        const res = await agent.get(`/api/v1/admin/audit-log${url}`);
        expect(res.status, url).toBe(403);
      }
    }
    expect((await request(t.app).get('/api/v1/admin/audit-log')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/admin/audit-log/export')).status).toBe(401);
  });
});

describe('append-only', () => {
  it('has no route that writes, changes or removes an entry', async () => {
    const doc = (await request(t.app).get('/api/openapi.json')).body as { paths: Record<string, object> };
    const audit = Object.entries(doc.paths).filter(([path]) => path.includes('audit'));
    expect(audit.map(([path]) => path).sort()).toEqual([
      '/api/v1/admin/audit-log',
      '/api/v1/admin/audit-log/actions',
      '/api/v1/admin/audit-log/export',
      '/api/v1/admin/audit-log/{id}',
    ]);
    for (const [path, operations] of audit) expect(Object.keys(operations), path).toEqual(['get']);
    const entry = (await search(''))[0]!;
    for (const method of ['put', 'patch', 'delete', 'post'] as const) {
      const res = await admin[method](`/api/v1/admin/audit-log/${entry.id}`).send({ action: 'tampered' });
      expect(res.status, method).toBe(404);
    }
    expect((await admin.delete('/api/v1/admin/audit-log')).status).toBe(404);
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const count = async () => Number(await t.db.value(`SELECT COUNT(*) FROM audit_log`));
    const before = await count();
    const entry = (await search('action=settlement.pay'))[0]!;
    await expect(t.db.run(`UPDATE audit_log SET action = 'tampered' WHERE id = ?`, [entry.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.run(`UPDATE audit_log SET details = '{}'`)).rejects.toThrow(/append-only/);
    await expect(t.db.run(`DELETE FROM audit_log WHERE id = ?`, [entry.id])).rejects.toThrow(/append-only/);
    await expect(t.db.run(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    // Inside a transaction too: the refusal undoes the transaction's work.
    await expect(
      t.db.write(async (tx) => {
        await tx.run(
          `INSERT INTO audit_log (at, action, outcome, details) VALUES (?, 'test.inside', 'success', '{}')`,
          [NOW],
        );
        await tx.run(`DELETE FROM audit_log WHERE action = 'test.inside'`);
      }),
    ).rejects.toThrow(/append-only/);
    if (t.db.engine === 'postgres') await expect(t.db.run(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    const again = (await admin.get(`/api/v1/admin/audit-log/${entry.id}`)).body;
    expect(again).toEqual(entry);
  });
});
