/**
 * The settlement cycle (book with voucher → complete → batch → review with approve / return /
 * reject → pay → reconcile clean), each reconciliation finding made to happen, exports parsed back,
 * and city scoping — against the real app, a real SQLite file and the real local Stripe server.
 */
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { parseCsv, parseXlsx } from '../../server/modules/settlement/exports.ts';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { formatFen } from '../../server/shared/money.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { advanceForStep, thenBack } from '../support/lifecycle.ts';
import { expectMoneyInvariants, captureUnknownToTheProcessor } from '../support/money.ts';
import { testStripe } from '../support/stripe.ts';
import { shanghaiPeriod } from '../support/sql.ts';
import { slotTimes } from '../support/schedule.ts';

// Thursday 2026-11-05, 10:00 in Shanghai: October's demo jobs are done and unclaimed.
const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let stripe: StripeProvider;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let finance: Agent; // 济南市科学技术局
let linyi: Agent; // 临沂市科学技术局
let province: Agent; // 山东省科学技术厅: pays the provincial programme's claims
let qingdao: Agent; // 青岛市科学技术局
let desk: Agent; // the platform's finance desk
let researcher: Agent;
let programmeId: number;
type Line = {
  id: number;
  bookingId: number;
  voucherFen: number;
  checks: { name: string; ok: boolean }[];
  reviewOffice: { name: string };
};
let batch: { id: number; lines: Line[] };
const JINAN = '济南市科学技术局';
const LINYI = '临沂市科学技术局';
const linesOf = (office: string) => batch.lines.filter((l) => l.reviewOffice.name === office);

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;

const PERIOD = { from: '2026-10-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' };

beforeAll(async () => {
  stripe = await testStripe();
  // The lab's steps move the clock to the booked days, weeks ahead: sign-ins must last.
  t = await createTestApp({ instruments: 300, clock, payments: stripe, sessionTtlHours: 24 * 60 });
  lab = await signIn(t.app, 'lab@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  linyi = await signIn(t.app, 'finance4@demo.test');
  province = await signIn(t.app, 'finance2@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
  desk = await signIn(t.app, 'finance-desk@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  programmeId = (await one<{ id: number }>(`SELECT id FROM voucher_programmes ORDER BY id LIMIT 1`)).id;
});
afterAll(() => t.close());

describe('the claim cycle', () => {
  it('finds last month’s completed voucher uses of the demo lab: one batch, each line with its reviewing office', async () => {
    const res = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    batch = res.body;
    expect(res.body).toMatchObject({ status: 'draft', programmeId, month: '2026-10' });
    // The programme is the province's: its office pays; each line is reviewed by its enterprise's city office.
    expect(res.body.reviewOffice.name).toBe('山东省科学技术厅');
    expect(res.body.lines.length).toBeGreaterThanOrEqual(3);
    expect(res.body.totalFen).toBe(
      res.body.lines.reduce((s: number, l: { voucherFen: number }) => s + l.voucherFen, 0),
    );
    // researcher3's jobs (临沂) are reviewed by 临沂's office, in the same batch: the lab files once.
    expect([...new Set(res.body.lines.map((l: Line) => l.reviewOffice.name))]).toEqual(
      expect.arrayContaining([JINAN, LINYI]),
    );
    for (const line of res.body.lines) {
      const failed = line.checks.filter((c: { ok: boolean }) => !c.ok).map((c: { name: string }) => c.name);
      expect(failed).toEqual(['evidence']); // only the invoice number is missing
      // The demo's jobs were paid by bank transfer, each receipt confirmed by the lab (db/seed/settlement.ts).
      expect(line.paymentRef).toBe(`transfer:booking:${line.bookingId}`);
      expect(line.serviceRecord).toMatch(/机时/);
    }
    // Nothing is claimed twice.
    const again = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
    expect(again.status).toBe(400);
  });

  it('writes the checks’ details and its own notes in the reader’s language: Chinese unless English comes first', async () => {
    const read = (acceptLanguage?: string) => {
      const req = lab.get(`/api/v1/settlement-batches/${batch.id}`);
      return acceptLanguage === undefined ? req : req.set('Accept-Language', acceptLanguage);
    };
    type Body = {
      lines: { checks: { name: string; ok: boolean; detail: string }[] }[];
      history: { action: string; reason: string | null }[];
    };
    const [zh, zhCN, en, enGB] = await Promise.all([
      read(),
      read('zh-CN,zh;q=0.9,en;q=0.8'),
      read('en-US,en;q=0.9'),
      read('en-GB'),
    ]);
    for (const res of [zh, zhCN, en, enGB]) expect(res.status).toBe(200);
    expect(en.headers.vary).toMatch(/Accept-Language/i);
    const { claimBy } = await one<{ claimBy: string }>(
      `SELECT claim_by AS "claimBy" FROM voucher_programmes WHERE id = ?`,
      programmeId,
    );
    const detail = (body: Body, name: string) => body.lines[0]!.checks.find((c) => c.name === name)!.detail;
    const created = (body: Body) => body.history.find((h) => h.action === 'created')!.reason;
    const lineCount = batch.lines.length;
    const cjk = /[\u4e00-\u9fff]/;

    for (const body of [zh.body as Body, zhCN.body as Body]) {
      expect(detail(body, 'total_adds_up')).toMatch(
        // The demo's self-pay shares were paid by bank transfer, each receipt confirmed by the lab.
        /^合计 ¥[\d,]+\.\d\d = 创新券 ¥[\d,]+\.\d\d \+ 自付 ¥[\d,]+\.\d\d；自付已对公转账到账：付款通知书 TR[0-9A-Z]{7}，到账 ¥[\d,]+\.\d\d：\d{4}-\d\d-\d\d 到账 ¥[\d,]+\.\d\d（流水号 SEED\d{8}）$/,
      );
      expect(detail(body, 'claim_window')).toBe(`申领截止 ${claimBy}`);
      expect(detail(body, 'no_related_party')).toBe('未申报关联关系');
      expect(detail(body, 'evidence')).toMatch(/^未填发票号；(已附|未附)检测报告$/);
      expect(created(body)).toBe(`共 ${lineCount} 条明细`);
      for (const l of body.lines) for (const c of l.checks) expect(c.detail, c.name).toMatch(cjk);
    }
    for (const body of [en.body as Body, enGB.body as Body]) {
      expect(detail(body, 'total_adds_up')).toMatch(
        /^total ¥[\d,]+\.\d\d = voucher ¥[\d,]+\.\d\d \+ self-pay ¥[\d,]+\.\d\d; self-pay received by bank transfer: notice TR[0-9A-Z]{7}, ¥[\d,]+\.\d\d received: received ¥[\d,]+\.\d\d on \d{4}-\d\d-\d\d \(bank ref\. SEED\d{8}\)$/,
      );
      expect(detail(body, 'claim_window')).toBe(`claims until ${claimBy}`);
      expect(detail(body, 'no_related_party')).toBe('no declared relation');
      expect(detail(body, 'evidence')).toMatch(/^no invoice number; (report attached|no report)$/);
      expect(created(body)).toBe(`${lineCount} lines`);
      for (const l of body.lines) for (const c of l.checks) expect(c.detail, c.name).not.toMatch(cjk);
    }
    // Only the words differ: the verdicts are the same.
    const verdicts = (body: Body) => body.lines.map((l) => l.checks.map((c) => [c.name, c.ok]));
    expect(verdicts(en.body)).toEqual(verdicts(zh.body));
  });

  it('needs every invoice number, each unique on the platform, before it can be submitted', async () => {
    const bank = { bankName: '中国银行济南分行', accountName: '山东省分析测试中心', accountNo: '2345 6789 0123 4567' };
    const early = await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank });
    expect(early.status).toBe(400);
    for (const [i, line] of batch.lines.entries()) {
      const res = await lab
        .patch(`/api/v1/settlement-batches/${batch.id}/lines/${line.id}`)
        .set('Accept-Language', i % 2 ? 'en' : 'zh-CN')
        .send({ invoiceNo: `37002610${String(i).padStart(4, '0')}` });
      expect(res.status).toBe(200);
      // The answer to a change is in the caller's language too.
      const evidence = res.body.lines
        .find((l: { id: number }) => l.id === line.id)
        .checks.find((c: { name: string }) => c.name === 'evidence').detail;
      expect(evidence).toMatch(
        i % 2
          ? new RegExp(`^invoice 37002610${String(i).padStart(4, '0')}; (report attached|no report)$`)
          : new RegExp(`^发票号 37002610${String(i).padStart(4, '0')}；(已附|未附)检测报告$`),
      );
    }
    // A PATCH changes what it names: a note alone keeps the invoice number, and the other way round.
    const first = batch.lines[0]!.id;
    const lineOf = (body: { lines: { id: number; invoiceNo: string | null; note: string | null }[] }) =>
      body.lines.find((l) => l.id === first)!;
    const noted = await lab.patch(`/api/v1/settlement-batches/${batch.id}/lines/${first}`).send({ note: '发票已寄出' });
    expect(lineOf(noted.body)).toMatchObject({ invoiceNo: '370026100000', note: '发票已寄出' });
    const invoiced = await lab
      .patch(`/api/v1/settlement-batches/${batch.id}/lines/${first}`)
      .send({ invoiceNo: '370026100000' });
    expect(lineOf(invoiced.body)).toMatchObject({ invoiceNo: '370026100000', note: '发票已寄出' });
    const dup = await lab
      .patch(`/api/v1/settlement-batches/${batch.id}/lines/${batch.lines[1]!.id}`)
      .send({ invoiceNo: '370026100000' });
    expect(dup.status).toBe(400);
    expect(dup.body.errors[0].path).toBe('body.invoiceNo');
    const res = await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('submitted');
    expect(res.body.lines.every((l: { checksOk: boolean }) => l.checksOk)).toBe(true);
    expect((await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank })).status).toBe(
      409,
    );
  });

  it('keeps each city’s finance office to its own lines', async () => {
    expect((await qingdao.get(`/api/v1/settlement-batches/${batch.id}`)).status).toBe(404);
    const listed = (await qingdao.get('/api/v1/settlement-batches')).body.items.map((b: { id: number }) => b.id);
    expect(listed).not.toContain(batch.id);
    const act = await qingdao
      .post(`/api/v1/settlement-batches/${batch.id}/lines/${batch.lines[0]!.id}/approve`)
      .send({});
    expect(act.status).toBe(404);
    expect((await finance.get('/api/v1/settlement-batches')).body.items.map((b: { id: number }) => b.id)).toContain(
      batch.id,
    );
    // Each city office sees its lines of the batch, and the totals of those only.
    const jinanView = (await finance.get(`/api/v1/settlement-batches/${batch.id}`)).body;
    expect(jinanView.scope).toBe('own_lines');
    expect(jinanView.lines.map((l: Line) => l.id)).toEqual(linesOf(JINAN).map((l) => l.id));
    expect(jinanView.totalFen).toBe(linesOf(JINAN).reduce((s, l) => s + l.voucherFen, 0));
    const linyiView = (await linyi.get(`/api/v1/settlement-batches/${batch.id}`)).body;
    expect(linyiView.lines.map((l: Line) => l.id)).toEqual(linesOf(LINYI).map((l) => l.id));
    expect((await province.get(`/api/v1/settlement-batches/${batch.id}`)).body.lines.length).toBe(batch.lines.length);
    // A city office cannot decide another city's line.
    const other = await linyi
      .post(`/api/v1/settlement-batches/${batch.id}/lines/${linesOf(JINAN)[0]!.id}/approve`)
      .send({});
    expect(other.status).toBe(404);
    expect((await desk.get(`/api/v1/settlement-batches/${batch.id}`)).status).toBe(200);
    expect((await researcher.get(`/api/v1/settlement-batches/${batch.id}`)).status).toBe(404);
  });

  it('reviews line by line: approve, return for correction, reject — and refuses wrong moves', async () => {
    const [a, b, c] = linesOf(JINAN) as [Line, Line, Line];
    const url = (line: { id: number }, action: string) =>
      `/api/v1/settlement-batches/${batch.id}/lines/${line.id}/${action}`;
    expect((await finance.post(url(a, 'approve')).send({ reason: '材料齐全' })).status).toBe(200);
    expect((await finance.post(url(a, 'approve')).send({})).status).toBe(409);
    expect((await finance.post(url(b, 'return')).send({})).status).toBe(400); // a reason is required
    expect((await finance.post(url(b, 'return')).send({ reason: '发票抬头有误' })).status).toBe(200);
    const rejected = await finance.post(url(c, 'reject')).send({ reason: '服务内容与申报不符' });
    expect(rejected.status).toBe(200);
    expect((await finance.post(`/api/v1/settlement-batches/${batch.id}/lines/999999/approve`).send({})).status).toBe(
      404,
    );
    expect((await lab.post(url(a, 'approve')).send({})).status).toBe(403);
    // Paying before every line is decided; and a city office does not pay the province's claim.
    expect(
      (await province.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'GK2026110501' })).status,
    ).toBe(409);
    expect(
      (await finance.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'GK2026110501' })).status,
    ).toBe(403);
    // The rejected share goes back to the budget and becomes the enterprise's debt to the lab.
    const debt = await one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM ledger_transfers WHERE id = ?`,
      `claim-line:${c.id}:debt`,
    );
    expect(debt.n).toBe(1);
  });

  it('lets the lab fix and resubmit a returned line, then decides the rest', async () => {
    const [, b, , ...rest] = linesOf(JINAN);
    const fix = await lab
      .patch(`/api/v1/settlement-batches/${batch.id}/lines/${b!.id}`)
      .send({ invoiceNo: '370026109999', note: '已更正发票抬头' });
    expect(fix.status).toBe(200);
    expect((await lab.post(`/api/v1/settlement-batches/${batch.id}/lines/${b!.id}/resubmit`).send({})).status).toBe(
      200,
    );
    // 通过全部: the lines at once, all of them or none.
    const bulk = (agent: Agent, lineIds: number[]) =>
      agent.post(`/api/v1/settlement-batches/${batch.id}/approve-lines`).send({ lineIds });
    const statuses = async (ids: number[]) => {
      const view = (await province.get(`/api/v1/settlement-batches/${batch.id}`)).body;
      return ids.map((id) => view.lines.find((l: { id: number }) => l.id === id).status as string);
    };
    const jinanIds = [b!, ...rest].map((l) => l.id);
    const linyiId = linesOf(LINYI)[1]!.id;
    expect((await bulk(finance, [])).status).toBe(400);
    expect((await bulk(lab, jinanIds)).status).toBe(403);
    const unknown = await bulk(finance, [...jinanIds, 999999]);
    expect([unknown.status, unknown.body.lineId]).toEqual([404, 999999]);
    const foreign = await bulk(linyi, [linyiId, jinanIds[0]!]); // another city's line is not there for 临沂
    expect([foreign.status, foreign.body.lineId]).toEqual([404, jinanIds[0]]);
    expect(await statuses([...jinanIds, linyiId])).toEqual([...jinanIds, linyiId].map(() => 'pending'));
    const approved = await bulk(finance, [...jinanIds, jinanIds[0]!]); // a line named twice is approved once
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await statuses(jinanIds)).toEqual(jinanIds.map(() => 'approved'));
    expect(
      approved.body.history.filter((h: { action: string }) => h.action === 'approve').length,
    ).toBeGreaterThanOrEqual(jinanIds.length);
    // 临沂's office decides its lines; one fails its checks and needs an override that says who and why.
    const [first, ...others] = linesOf(LINYI);
    await t.db.run(`UPDATE bookings SET actual_minutes = 30 WHERE id = ?`, [first!.bookingId]);
    const url = `/api/v1/settlement-batches/${batch.id}/lines/${first!.id}/approve`;
    // Approved at once with the others, the failing line refuses them all, and says which it is.
    const refusedAll = await bulk(linyi, [...others.map((l) => l.id), first!.id]);
    expect(refusedAll.status).toBe(409);
    expect(refusedAll.body).toMatchObject({
      lineId: first!.id,
      failedChecks: expect.arrayContaining(['usage_matches']),
    });
    expect(await statuses(linesOf(LINYI).map((l) => l.id))).toEqual(linesOf(LINYI).map(() => 'pending'));
    const refused = await linyi.post(url).send({});
    expect(refused.status).toBe(409);
    expect(refused.body.failedChecks).toContain('usage_matches');
    const allowed = await linyi.post(url).send({ overrideReason: '实验室补充了上机记录，核实无误' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.lines.find((l: { id: number }) => l.id === first!.id).override.reason).toBe(
      '实验室补充了上机记录，核实无误',
    );
    expect(allowed.body.history.some((h: { action: string }) => h.action === 'approve_override')).toBe(true);
    await t.db.run(`UPDATE bookings SET actual_minutes = 120 WHERE id = ?`, [first!.bookingId]);
    expect(
      (
        await bulk(
          linyi,
          others.map((l) => l.id),
        )
      ).status,
    ).toBe(200);
    // Any other city's lines (the demo's co-funded 聊城 order) by that city's office.
    const liaocheng = await signIn(t.app, 'finance6@demo.test');
    for (const l of batch.lines.filter((x) => x.reviewOffice.name === '聊城市科学技术局'))
      expect(
        (await liaocheng.post(`/api/v1/settlement-batches/${batch.id}/lines/${l.id}/approve`).send({})).status,
      ).toBe(200);
    const reviewed = (await province.get(`/api/v1/settlement-batches/${batch.id}`)).body;
    expect(reviewed.status).toBe('reviewed');
    expect(reviewed.approvedFen + reviewed.rejectedFen).toBe(reviewed.totalFen);
    const actions = reviewed.history.map((h: { action: string }) => h.action);
    expect(actions).toEqual(
      expect.arrayContaining(['created', 'submit', 'approve', 'return', 'reject', 'resubmit', 'reviewed']),
    );
  });

  it('pays the approved lines with the bank reference, once, by the paying office', async () => {
    const res = await province.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'GK2026110501' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'paid', paidReference: 'GK2026110501', paidBy: '徐宏伟' });
    expect(res.body.approvers).toEqual(expect.arrayContaining(['颜振东']));
    expect(res.body.paidFen).toBe(res.body.approvedFen);
    const paidInLedger = (
      await one<{ s: number }>(
        `SELECT SUM(amount_fen) AS s FROM ledger_transfers WHERE code = 'claim_paid' AND processor_ref = 'GK2026110501'`,
      )
    ).s;
    expect(paidInLedger).toBe(res.body.approvedFen);
    expect(
      (await province.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'again' })).status,
    ).toBe(409);
    await expectMoneyInvariants(t.db);
  });
});

describe('reconciliation', () => {
  let cardBooking: { id: number; payment: { processorId: string; authorisedFen: number } };

  it('is clean after the whole cycle, with card payments too', async () => {
    const labOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab@demo.test'`)).o;
    const instruments = (await t.db.column(
      `SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE i.institution_id = ? AND s.machine_time_enabled = TRUE AND s.qualification_required = FALSE
           AND i.sharing_mode = 'external' AND i.run_status = 'normal'
           AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour') ORDER BY i.id LIMIT 3`,
      [labOrg],
    )) as number[];
    const made = [];
    for (const instrumentId of instruments) {
      const free = await researcher.get(
        `/api/v1/instruments/${instrumentId}/availability?from=${encodeURIComponent('2026-11-16T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-21T00:00:00+08:00')}&durationMinutes=120`,
      );
      const slot = slotTimes(free.body)[0];
      const res = await researcher
        .post('/api/v1/bookings')
        .send({ instrumentId, mode: 'machine_time', ...slot, useVoucher: true, paymentToken: 'tok_visa' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      made.push(res.body);
    }
    // One completes (captured), one is cancelled (released), one stays authorised.
    const [done, cancelled, open] = made;
    if (done.status === 'requested') await lab.post(`/api/v1/bookings/${done.id}/approve`).send({});
    await thenBack(clock, async () => {
      advanceForStep(clock, done, 'check-in');
      expect((await lab.post(`/api/v1/bookings/${done.id}/check-in`).send({})).status).toBe(200);
      advanceForStep(clock, done, 'complete');
      expect((await lab.post(`/api/v1/bookings/${done.id}/complete`).send({})).status).toBe(200);
    });
    await researcher.post(`/api/v1/bookings/${cancelled.id}/cancel`).send({});
    cardBooking = open;
    const run = await desk.post('/api/v1/reconciliation/runs').send(PERIOD);
    expect(run.status).toBe(201);
    expect(run.body.findings).toEqual([]);
    expect(run.body.status).toBe('clean');
    expect(run.body.summary.payments).toBeGreaterThanOrEqual(3);
    expect((await desk.get(`/api/v1/reconciliation/runs/${run.body.id}`)).body.status).toBe('clean');
    expect((await researcher.post('/api/v1/reconciliation/runs').send(PERIOD)).status).toBe(403);
  });

  const runKinds = async () => {
    const run = await desk.post('/api/v1/reconciliation/runs').send(PERIOD);
    expect(run.status).toBe(201);
    return run.body as {
      id: number;
      status: string;
      findings: { id: number; kind: string; amountFen: number; ref: string }[];
    };
  };

  it('reports a refund made at the processor that the platform never heard of', async () => {
    const captured = await one<{ charge: string; captured: number }>(
      `SELECT charge_id AS charge, captured_fen AS captured FROM payments WHERE status = 'captured' ORDER BY id DESC LIMIT 1`,
    );
    await stripe.refund(captured.charge, 700, `direct-refund-${captured.charge}`);
    const run = await runKinds();
    expect(run.status).toBe('findings');
    expect(run.findings).toContainEqual(
      expect.objectContaining({ kind: 'processor_missing_in_ledger', amountFen: 700 }),
    );
  });

  it('reports a ledger entry that has no charge at the processor', async () => {
    await captureUnknownToTheProcessor(t.db, {
      id: 'forged:capture',
      amountFen: 4321,
      processorRef: 'ch_not_at_processor',
      at: NOW,
    });
    const run = await runKinds();
    expect(run.findings).toContainEqual(
      expect.objectContaining({ kind: 'ledger_missing_at_processor', amountFen: 4321, ref: 'forged:capture' }),
    );
  });

  it('reports a changed amount, a second charge for one payment, and a capture made elsewhere', async () => {
    await t.db.run(`UPDATE payments SET authorised_fen = authorised_fen + 100 WHERE booking_id = ?`, [cardBooking.id]);
    const paymentId = (await one<{ id: number }>(`SELECT id FROM payments WHERE booking_id = ?`, cardBooking.id)).id;
    const installation = (await one<{ id: string }>(`SELECT id FROM installation`)).id;
    await stripe.authorise({
      amountFen: 5000,
      currency: 'cny',
      token: 'tok_visa',
      description: 'duplicate',
      metadata: { installation, payment_id: String(paymentId) },
      idempotencyKey: `duplicate-${paymentId}`,
    });
    const run = await runKinds();
    expect(run.findings).toContainEqual(
      expect.objectContaining({ kind: 'amount_mismatch', amountFen: 100, ref: `payment:${paymentId}` }),
    );
    expect(run.findings).toContainEqual(expect.objectContaining({ kind: 'duplicate', amountFen: 5000 }));
    await stripe.capture(cardBooking.payment.processorId, 1000, `elsewhere-${paymentId}`);
    const after = await runKinds();
    expect(after.findings).toContainEqual(
      expect.objectContaining({ kind: 'status_mismatch', ref: `payment:${paymentId}` }),
    );
  });

  it('reports voucher uses that break the rules, quotas that do not add up and batches whose totals disagree', async () => {
    const use = await one<{ id: number; posted: number }>(
      `SELECT id, posted_fen AS posted FROM voucher_uses WHERE status = 'posted' ORDER BY id DESC LIMIT 1`,
    );
    await t.db.run(`UPDATE voucher_uses SET posted_fen = posted_fen + 50, updated_at = ? WHERE id = ?`, [NOW, use.id]);
    const paid = await one<{ id: number }>(
      `SELECT id FROM settlement_batches WHERE status = 'paid' ORDER BY id LIMIT 1`,
    );
    await t.db.run(`UPDATE settlement_batches SET paid_fen = paid_fen + 1 WHERE id = ?`, [paid.id]);
    const run = await runKinds();
    const kinds = run.findings.map((f) => f.kind);
    expect(kinds).toContain('voucher_rule_broken');
    expect(kinds).toContain('quota_identity_broken');
    expect(run.findings).toContainEqual(
      expect.objectContaining({ kind: 'batch_total_mismatch', ref: `batch:${paid.id}`, amountFen: 1 }),
    );
  });

  it('resolves a finding with a note, once', async () => {
    const run = await runKinds();
    const finding = run.findings[0]!;
    const res = await desk
      .post(`/api/v1/reconciliation/runs/${run.id}/findings/${finding.id}/resolve`)
      .send({ note: '已与支付机构核对，系手工退款' });
    expect(res.status).toBe(200);
    const resolved = res.body.findings.find((f: { id: number }) => f.id === finding.id);
    expect(resolved).toMatchObject({ resolved: true, resolutionNote: '已与支付机构核对，系手工退款' });
    expect(res.body.openFindings).toBe(run.findings.length - 1);
    expect(
      (await desk.post(`/api/v1/reconciliation/runs/${run.id}/findings/${finding.id}/resolve`).send({ note: 'again' }))
        .status,
    ).toBe(409);
  });

  it('writes the findings’ details in the reader’s language, keeps their facts, and reads runs stored before', async () => {
    const run = await runKinds();
    type Body = {
      id: number;
      findings: { id: number; kind: string; amountFen: number; ref: string; detail: string }[];
    };
    const read = (acceptLanguage?: string) => {
      const req = desk.get(`/api/v1/reconciliation/runs/${run.id}`);
      return acceptLanguage === undefined ? req : req.set('Accept-Language', acceptLanguage);
    };
    const [zh, zhCN, en, enGB] = await Promise.all([
      read(),
      read('zh-CN,zh;q=0.9,en;q=0.8'),
      read('en-US,en;q=0.9'),
      read('en-GB'),
    ]);
    for (const res of [zh, zhCN, en, enGB]) expect(res.status).toBe(200);
    expect(en.headers.vary).toMatch(/Accept-Language/i);
    const cjk = /[\u4e00-\u9fff]/;
    const detail = (body: Body, ref: string) => body.findings.find((f) => f.ref === ref)!.detail;
    const paid = await one<{ id: number; paidFen: number; approved: number }>(
      `SELECT b.id, b.paid_fen AS "paidFen",
              (SELECT SUM(voucher_fen) FROM settlement_lines l WHERE l.batch_id = b.id AND l.status = 'approved') AS approved
       FROM settlement_batches b WHERE b.status = 'paid' ORDER BY b.id LIMIT 1`,
    );
    const yuan = (fen: number) => formatFen(fen);

    for (const body of [zh.body as Body, zhCN.body as Body]) {
      expect(detail(body, 'forged:capture')).toBe(
        '账本转账 forged:capture 记载的扣款 ch_not_at_processor 在支付机构查无记录',
      );
      expect(detail(body, `batch:${paid.id}`)).toBe(
        `已兑付 ${yuan(paid.paidFen)}，审核通过的明细合计 ${yuan(paid.approved)}`,
      );
      for (const f of body.findings) expect(f.detail, f.kind).toMatch(cjk);
    }
    for (const body of [en.body as Body, enGB.body as Body]) {
      expect(detail(body, 'forged:capture')).toBe(
        'ledger transfer forged:capture names charge ch_not_at_processor, which the processor does not have',
      );
      expect(detail(body, `batch:${paid.id}`)).toBe(
        `paid ${yuan(paid.paidFen)}, approved lines ${yuan(paid.approved)}`,
      );
      for (const f of body.findings) expect(f.detail, f.kind).not.toMatch(cjk);
    }
    // Only the words differ.
    const what = (body: Body) => body.findings.map(({ id, kind, amountFen, ref }) => [id, kind, amountFen, ref]);
    expect(what(en.body)).toEqual(what(zh.body));
    // The answer that started the run (asked without a language) said them in Chinese too.
    expect((zh.body as Body).findings.map((f) => f.detail)).toEqual(
      (run as unknown as Body).findings.map((f) => f.detail),
    );

    // Each finding is stored with its facts and its detail in Chinese.
    const stored = (await t.db.all(
      `SELECT id, facts, detail FROM reconciliation_findings WHERE run_id = ? ORDER BY id`,
      [run.id],
    )) as { id: number; facts: string | null; detail: string }[];
    expect(stored.map((r) => r.detail)).toEqual((zh.body as Body).findings.map((f) => f.detail));
    for (const r of stored) expect(JSON.parse(r.facts!)).toHaveProperty('variant');

    // A finding stored before facts were kept reads as it was stored, in either language, and
    // can be resolved with a note.
    const old = 'booking 12: charge ch_old is not at the processor';
    const legacy = (await t.db.value<number>(
      `INSERT INTO reconciliation_findings (run_id, kind, amount_fen, ref, detail)
       VALUES (?, 'ledger_missing_at_processor', 1200, 'payment:0', ?) RETURNING id`,
      [run.id, old],
    ))!;
    for (const lang of [undefined, 'en']) {
      const body = (await read(lang)).body as Body;
      expect(body.findings.find((f) => f.id === legacy)!.detail).toBe(old);
    }
    const resolved = await desk
      .post(`/api/v1/reconciliation/runs/${run.id}/findings/${legacy}/resolve`)
      .set('Accept-Language', 'en')
      .send({ note: '旧记录，已核对' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.findings.find((f: { id: number }) => f.id === legacy)).toMatchObject({
      detail: old,
      resolved: true,
      resolutionNote: '旧记录，已核对',
    });
    expect(detail(resolved.body as Body, 'forged:capture')).toMatch(/^ledger transfer forged:capture/);

    // The export is a Chinese document whatever the caller reads.
    const csv = await download(desk, `/api/v1/reconciliation/runs/${run.id}/export?format=csv`).set(
      'Accept-Language',
      'en',
    );
    const rows = parseCsv(csv.body as Buffer);
    const col = rows[0]!.indexOf('说明');
    expect(rows.slice(1).map((r) => r[col])).toEqual([...(zh.body as Body).findings.map((f) => f.detail), old]);

    // What the service itself refuses with is in the reader's language too.
    const again = (lang?: string) => {
      const req = desk.post(`/api/v1/reconciliation/runs/${run.id}/findings/${legacy}/resolve`);
      return (lang ? req.set('Accept-Language', lang) : req).send({ note: '再次处理' });
    };
    const [twiceZh, twiceEn] = await Promise.all([again(), again('en')]);
    expect([twiceZh.status, twiceZh.body.detail]).toEqual([409, '该差异已处理']);
    expect([twiceEn.status, twiceEn.body.detail]).toEqual([409, 'the finding is already resolved']);
    const long = { from: '2025-01-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' };
    const [longZh, longEn] = await Promise.all([
      desk.post('/api/v1/reconciliation/runs').send(long),
      desk.post('/api/v1/reconciliation/runs').set('Accept-Language', 'en').send(long),
    ]);
    expect([longZh.status, longZh.body.detail]).toEqual([400, '一次对账最长覆盖 400 天']);
    expect([longEn.status, longEn.body.detail]).toEqual([400, 'a run covers 400 days at most']);
  });
});

describe('exports', () => {
  it('gives a batch as CSV and XLSX that parse back to its lines, and a PDF statement', async () => {
    const view = (await finance.get(`/api/v1/settlement-batches/${batch.id}`)).body;
    const csv = await download(finance, `/api/v1/settlement-batches/${batch.id}/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = parseCsv(csv.body as Buffer);
    expect(rows[0]).toContain('创新券金额(元)');
    expect(rows.length - 1).toBe(view.lines.length);
    const voucherCol = rows[0]!.indexOf('创新券金额(元)');
    const bookingCol = rows[0]!.indexOf('预约单号');
    for (const line of view.lines) {
      const row = rows.find((r) => r[bookingCol] === String(line.bookingId))!;
      expect(row[voucherCol]).toBe((line.voucherFen / 100).toFixed(2));
    }
    const xlsx = await download(finance, `/api/v1/settlement-batches/${batch.id}/export?format=xlsx`);
    const sheet = await parseXlsx(xlsx.body as Buffer);
    expect(sheet[0]).toEqual(rows[0]);
    const xVoucher = sheet[0]!.indexOf('创新券金额(元)');
    expect(sheet.slice(1).reduce((s, r) => s + Number(r[xVoucher]), 0)).toBeCloseTo(view.totalFen / 100, 2);
    const pdf = await download(finance, `/api/v1/settlement-batches/${batch.id}/export?format=pdf`);
    expect(pdf.status).toBe(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await qingdao.get(`/api/v1/settlement-batches/${batch.id}/export?format=csv`)).status).toBe(404);
    expect((await finance.get(`/api/v1/settlement-batches/${batch.id}/export?format=doc`)).status).toBe(400);
  });

  it('gives a run and the voucher register as CSV', async () => {
    const runs = (await desk.get('/api/v1/reconciliation/runs')).body.items;
    const withFindings = runs.find((r: { status: string }) => r.status === 'findings');
    const csv = await download(desk, `/api/v1/reconciliation/runs/${withFindings.id}/export?format=csv`);
    const rows = parseCsv(csv.body as Buffer);
    const full = (await desk.get(`/api/v1/reconciliation/runs/${withFindings.id}`)).body;
    expect(rows.length - 1).toBe(full.findings.length);
    const register = await download(lab, '/api/v1/voucher-register/export?format=csv');
    const reg = parseCsv(register.body as Buffer);
    const labUses = (
      await one<{ n: number }>(
        `SELECT COUNT(*) AS n FROM voucher_uses WHERE provider_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')`,
      )
    ).n;
    expect(reg.length - 1).toBe(labUses);
  });
});

describe('the finance dashboard', () => {
  it('sums voucher money by month and city, for the office’s own city only', async () => {
    const jinan = (await finance.get('/api/v1/finance/dashboard')).body;
    expect(jinan.scope).toMatchObject({ cityCode: '370100', cityName: '济南' });
    expect(jinan.byCity.map((c: { cityCode: string }) => c.cityCode)).toEqual(['370100']);
    const october = jinan.byMonth.find((m: { month: string }) => m.month === '2026-10');
    const usedInOctober = (
      await one<{ s: number }>(
        `SELECT SUM(u.posted_fen) AS s FROM voucher_uses u JOIN organisations e ON e.id = u.enterprise_id
       WHERE u.status = 'posted' AND e.city_code = '370100'
         AND ${shanghaiPeriod(t.db.engine, 'u.updated_at', 'month')} = '2026-10'`,
      )
    ).s;
    expect(october.usedFen).toBe(usedInOctober);
    // Paid: the approved lines of paid batches for 济南's enterprises (one batch spans cities).
    const paid = (
      await one<{ s: number }>(
        `SELECT SUM(l.voucher_fen) AS s FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
           JOIN voucher_uses u ON u.id = l.voucher_use_id JOIN organisations e ON e.id = u.enterprise_id
         WHERE b.status = 'paid' AND l.status = 'approved' AND e.city_code = '370100'`,
      )
    ).s;
    expect(jinan.byMonth.reduce((s: number, m: { paidFen: number }) => s + m.paidFen, 0)).toBe(paid);
    expect(jinan.latestRun).toBeNull(); // reconciliation is the province's
    const province = (await desk.get('/api/v1/finance/dashboard')).body;
    expect(province.scope).toBeNull();
    expect(province.latestRun).toMatchObject({ status: 'findings' });
    expect(province.byCity.length).toBeGreaterThan(1);
    expect(province.openBatches.every((b: { status: string }) => b.status !== 'paid')).toBe(true);
    expect((await researcher.get('/api/v1/finance/dashboard')).status).toBe(403);
  });
});

describe('reimburse-mode claims', () => {
  it('are made by the enterprise itself, reviewed by its city office and paid to it by the issuer’s office', async () => {
    const admin = await signIn(t.app, 'admin@demo.test');
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const programme = (
      await admin.post('/api/v1/voucher-programmes').send({
        name: '济南市创新券（报销）',
        year: 2026,
        settlementMode: 'reimburse',
        ratioRules: { basePercent: 50, byCity: {}, sameCityTopUpPercent: 0 },
        enterpriseYearCapFen: 1_000_000,
        budgetFen: 10_000_000,
        startsOn: '2026-01-01',
        useBy: '2027-06-30',
        claimBy: '2027-09-30',
      })
    ).body;
    const quota = (
      await admin.post('/api/v1/voucher-quotas').send({ programmeId: programme.id, enterpriseId, capFen: 500_000 })
    ).body;
    const labOrg = (await one<{ o: number }>(`SELECT organisation_id AS o FROM users WHERE email = 'lab@demo.test'`)).o;
    const instrumentId = (await t.db.value(
      `SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE i.institution_id = ? AND s.machine_time_enabled = TRUE AND s.qualification_required = FALSE
           AND i.sharing_mode = 'external' AND i.run_status = 'normal'
           AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour') ORDER BY i.id DESC LIMIT 1`,
      [labOrg],
    )) as number;
    const free = await researcher.get(
      `/api/v1/instruments/${instrumentId}/availability?from=${encodeURIComponent('2026-11-23T00:00:00+08:00')}&to=${encodeURIComponent('2026-11-28T00:00:00+08:00')}&durationMinutes=120`,
    );
    const booked = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      ...slotTimes(free.body)[0],
      useVoucher: true,
      quotaId: quota.id,
      paymentToken: 'tok_visa',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.payment.authorisedFen).toBe(booked.body.price.totalFen); // the enterprise pays all
    if (booked.body.status === 'requested') await lab.post(`/api/v1/bookings/${booked.body.id}/approve`).send({});
    await thenBack(clock, async () => {
      advanceForStep(clock, booked.body, 'check-in');
      expect((await lab.post(`/api/v1/bookings/${booked.body.id}/check-in`).send({})).status).toBe(200);
      advanceForStep(clock, booked.body, 'complete');
      const completed = await lab
        .post(`/api/v1/bookings/${booked.body.id}/complete`)
        .send({ reportUrl: 'https://reports.example.cn/r.pdf' });
      expect(completed.status).toBe(200);
    });
    const share = (
      await one<{ f: number }>(`SELECT posted_fen AS f FROM voucher_uses WHERE booking_id = ?`, booked.body.id)
    ).f;
    expect(share).toBeGreaterThan(0);

    // The lab may not claim it; the enterprise does.
    expect(
      (await lab.post('/api/v1/settlement-batches').send({ programmeId: programme.id, month: '2026-11' })).status,
    ).toBe(400);
    const claim = await researcher
      .post('/api/v1/settlement-batches')
      .send({ programmeId: programme.id, month: '2026-11' });
    expect(claim.status, JSON.stringify(claim.body)).toBe(201);
    expect(claim.body).toMatchObject({ claimant: { id: enterpriseId, kind: 'enterprise' }, totalFen: share });
    expect(claim.body.reviewOffice.name).toBe('山东省科学技术厅'); // a provincial programme: the province pays
    const line = claim.body.lines[0];
    expect(line.reviewOffice.name).toBe('济南市科学技术局');
    await researcher
      .patch(`/api/v1/settlement-batches/${claim.body.id}/lines/${line.id}`)
      .send({ invoiceNo: 'RB2026110001' });
    const submitted = await researcher.post(`/api/v1/settlement-batches/${claim.body.id}/submit`).send({
      bankAccount: {
        bankName: '招商银行济南分行',
        accountName: '济南智测新材料科技有限公司',
        accountNo: '5310 1234 5678',
      },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.lines[0].checksOk, JSON.stringify(submitted.body.lines[0].checks)).toBe(true);
    expect(
      (await finance.post(`/api/v1/settlement-batches/${claim.body.id}/lines/${line.id}/approve`).send({})).status,
    ).toBe(200);
    const paid = await province
      .post(`/api/v1/settlement-batches/${claim.body.id}/pay`)
      .send({ reference: 'GK-RB-0001' });
    expect(paid.body).toMatchObject({ status: 'paid', paidFen: share });
    const receivable = (
      await one<{ b: number }>(
        `SELECT credits_posted_fen - debits_posted_fen AS b FROM ledger_accounts WHERE code = ?`,
        `enterprise:${enterpriseId}:receivable:programme:${programme.id}`,
      )
    ).b;
    expect(receivable).toBe(0); // claimable, then paid out
    expect((await lab.get(`/api/v1/settlement-batches/${claim.body.id}`)).status).toBe(404);
    // (The other invariants were broken on purpose by the reconciliation tests above.)
    expect(await new Ledger(t.db).check()).toMatchObject({ balanced: true, mismatches: [] });
  });
});
