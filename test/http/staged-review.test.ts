/**
 * Staged review with public notice (公示) and four-eyes payment, over HTTP against the real app: the lab
 * picks what to claim from its claimable list and files one batch for enterprises of two cities; each
 * city office decides its lines; the province re-checks a deterministic sample (a returned line goes
 * back to the lab and re-enters at the first stage); the batch is in public notice, where anyone may
 * object and the office answers; payment waits for the notice's end and its answers, and is recorded by
 * an officer who approved nothing. Money invariants after each step that moves money.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { servicesOf } from '../../server/app.ts';
import { drawnLines } from '../../server/modules/settlement/stages.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { testStripe } from '../support/stripe.ts';

// Thursday 2026-11-05, 10:00 in Shanghai: October's demo jobs are done and unclaimed.
const NOW = Date.parse('2026-11-05T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let jinan: Agent; // 济南市科学技术局 (孙海燕)
let linyi: Agent; // 临沂市科学技术局 (颜振东)
let liaocheng: Agent; // 聊城市科学技术局 (a co-funded 聊城 order of the demo, where seeded)
let qingdao: Agent; // 青岛市科学技术局
let reviewer: Agent; // 山东省科学技术厅 (鲍文静): the provincial re-check
let payer: Agent; // 山东省科学技术厅 (徐宏伟): a second officer of the paying office
let programmeId: number;

interface Line {
  id: number;
  bookingId: number;
  voucherFen: number;
  status: string;
  stage: number;
  reviewOffice: { name: string };
  reviews: { stage: number; kind: string; decision: string; by: string | null }[];
  mayDecide: boolean;
}
interface Batch {
  id: number;
  status: string;
  stage: number;
  scope: string;
  lines: Line[];
  notice: { startsAt: string; endsAt: string; lastDay: string } | null;
  objections: { id: number; name: string | null; contact: string | null; status: string; answer: string | null }[];
  approvers: string[];
  paidBy: string | null;
  mayPay: boolean;
}
let batch: Batch;
const JINAN = '济南市科学技术局';
const LINYI = '临沂市科学技术局';
/** The city office that decides a line at the first stage. */
const officeOf = (name: string): Agent =>
  ({ [JINAN]: jinan, [LINYI]: linyi, 聊城市科学技术局: liaocheng })[name] ??
  (() => {
    throw new Error(`no officer of ${name} in this test`);
  })();

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const url = (path = '') => `/api/v1/settlement-batches/${batch.id}${path}`;
const read = async (agent: Agent) => (await agent.get(url())).body as Batch;

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock, payments: await testStripe(), sessionTtlHours: 24 * 60 });
  lab = await signIn(t.app, 'lab@demo.test');
  jinan = await signIn(t.app, 'finance@demo.test');
  linyi = await signIn(t.app, 'finance4@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
  liaocheng = await signIn(t.app, 'finance6@demo.test');
  reviewer = await signIn(t.app, 'reviewer@demo.test');
  payer = await signIn(t.app, 'finance2@demo.test');
  programmeId = (await one<{ id: number }>(`SELECT id FROM voucher_programmes ORDER BY id LIMIT 1`)).id;
  // The demo's provincial programme: the city office first, then the province re-checks half; 3 days' notice.
  const stages = JSON.stringify([
    { kind: 'city', samplePercent: 100 },
    { kind: 'province', samplePercent: 50 },
  ]);
  await t.db.run(
    t.db.engine === 'postgres'
      ? `UPDATE voucher_programmes SET review_stages = CAST(? AS jsonb), public_notice_days = 3 WHERE id = ?`
      : `UPDATE voucher_programmes SET review_stages = ?, public_notice_days = 3 WHERE id = ?`,
    [stages, programmeId],
  );
});
afterAll(() => t.close());

describe('programme stages', () => {
  it('are set and shown by the programme API, the first stage reviewing every line', async () => {
    const admin = await signIn(t.app, 'admin@demo.test');
    const body = {
      name: '分级审核测试创新券',
      year: 2026,
      ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 1_000_000,
      budgetFen: 10_000_000,
      startsOn: '2026-01-01',
      useBy: '2026-12-31',
      claimBy: '2027-03-31',
      reviewStages: [
        { kind: 'city', samplePercent: 100 },
        { kind: 'province', samplePercent: 20 },
      ],
      publicNoticeDays: 5,
    };
    const made = await admin.post('/api/v1/voucher-programmes').send(body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ reviewStages: body.reviewStages, publicNoticeDays: 5 });
    expect((await admin.get(`/api/v1/voucher-programmes/${made.body.id}`)).body.reviewStages).toEqual(
      body.reviewStages,
    );
    const bad = await admin
      .post('/api/v1/voucher-programmes')
      .send({ ...body, name: '抽查在先', reviewStages: [{ kind: 'province', samplePercent: 30 }] });
    expect(bad.status).toBe(400);
    expect((await admin.post('/api/v1/voucher-programmes').send({ ...body, publicNoticeDays: -1 })).status).toBe(400);
  });
});

describe('a staged claim', () => {
  it('lists what the lab can claim: programmes and months with unclaimed uses, counts and amounts', async () => {
    const res = await lab.get('/api/v1/settlement/claimable');
    expect(res.status).toBe(200);
    const october = res.body.items.find(
      (i: { programmeId: number; month: string }) => i.programmeId === programmeId && i.month === '2026-10',
    );
    const expected = await one<{ n: number; s: number }>(
      `SELECT COUNT(*) AS n, SUM(u.posted_fen) AS s FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id
       WHERE u.programme_id = ? AND u.status = 'posted' AND b.status = 'completed'
         AND u.provider_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND u.updated_at >= ? AND u.updated_at < ?`,
      programmeId,
      Date.parse('2026-10-01T00:00:00+08:00'),
      Date.parse('2026-11-01T00:00:00+08:00'),
    );
    expect(october).toMatchObject({ count: Number(expected.n), voucherFen: Number(expected.s) });
    expect((await jinan.get('/api/v1/settlement/claimable')).status).toBe(403);
  });

  it('is one batch for enterprises of two cities; each city office sees only its lines', async () => {
    const res = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    batch = res.body;
    expect([...new Set(batch.lines.map((l) => l.reviewOffice.name))]).toEqual(expect.arrayContaining([JINAN, LINYI]));
    const claimable = (await lab.get('/api/v1/settlement/claimable')).body.items;
    expect(
      claimable.some(
        (i: { month: string; programmeId: number }) => i.programmeId === programmeId && i.month === '2026-10',
      ),
    ).toBe(false);
    for (const [i, line] of batch.lines.entries())
      await lab.patch(url(`/lines/${line.id}`)).send({ invoiceNo: `SR2610${String(i).padStart(4, '0')}` });
    const bank = { bankName: '中国银行济南分行', accountName: '山东省分析测试中心', accountNo: '2345 6789 0123 4567' };
    const submitted = await lab.post(url('/submit')).send({ bankAccount: bank });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', stage: 0 });

    const mine = await read(jinan);
    expect(mine.scope).toBe('own_lines');
    expect(mine.lines.every((l) => l.reviewOffice.name === JINAN && l.mayDecide)).toBe(true);
    const theirs = await read(linyi);
    expect(theirs.lines.every((l) => l.reviewOffice.name === LINYI)).toBe(true);
    let seen = 0;
    for (const office of new Set(batch.lines.map((l) => l.reviewOffice.name)))
      seen += (await read(officeOf(office))).lines.length;
    expect(seen).toBe(batch.lines.length);
    expect((await qingdao.get(url())).status).toBe(404);
    // The province sees the whole batch (it re-checks), but the city stage is not its to decide.
    const all = await read(reviewer);
    expect(all.lines.length).toBe(batch.lines.length);
    expect(all.lines.some((l) => l.mayDecide)).toBe(false);
    expect((await reviewer.post(url(`/lines/${batch.lines[0]!.id}/approve`)).send({})).status).toBe(403);
    expect((await linyi.post(url(`/lines/${mine.lines[0]!.id}/approve`)).send({})).status).toBe(404);
  });

  it('moves to the province’s sample when every city line is decided', async () => {
    const jinanLines = batch.lines.filter((l) => l.reviewOffice.name === JINAN);
    for (const l of jinanLines) {
      const res = await jinan.post(url(`/lines/${l.id}/approve`)).send({ reason: '材料齐全' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.stage).toBe(0); // the other cities' lines still wait
    }
    for (const l of batch.lines.filter((x) => x.reviewOffice.name !== JINAN))
      expect(
        (
          await officeOf(l.reviewOffice.name)
            .post(url(`/lines/${l.id}/approve`))
            .send({})
        ).status,
      ).toBe(200);
    const now = await read(reviewer);
    expect(now).toMatchObject({ status: 'submitted', stage: 1 });
    const drawn = drawnLines(
      batch.lines.map((l) => l.id),
      1,
      50,
    );
    expect(drawn.size).toBe(Math.ceil(batch.lines.length / 2));
    for (const l of now.lines) {
      const last = l.reviews[l.reviews.length - 1]!;
      if (drawn.has(l.id)) {
        expect(l).toMatchObject({ status: 'pending', stage: 1, mayDecide: true });
        expect(last).toMatchObject({ stage: 0, kind: 'city', decision: 'approved' });
      } else {
        expect(l).toMatchObject({ status: 'approved', stage: 2 });
        expect(last).toMatchObject({ stage: 1, kind: 'province', decision: 'passed', by: null });
      }
    }
  });

  it('sends a line the province returns back to the lab and through the city stage again', async () => {
    const drawn = (await read(reviewer)).lines.filter((l) => l.status === 'pending');
    const [back, ...rest] = drawn;
    expect((await reviewer.post(url(`/lines/${back!.id}/return`)).send({ reason: '请补充发票复印件' })).status).toBe(
      200,
    );
    expect((await lab.post(url(`/lines/${back!.id}/resubmit`)).send({})).status).toBe(200);
    const again = await read(reviewer);
    expect(again.stage).toBe(0);
    expect(again.lines.find((l) => l.id === back!.id)).toMatchObject({ status: 'pending', stage: 0, mayDecide: false });
    // While the city re-checks it, the province's other lines wait: every line of a stage first.
    if (rest.length) expect((await reviewer.post(url(`/lines/${rest[0]!.id}/approve`)).send({})).status).toBe(409);
    const office = officeOf(back!.reviewOffice.name);
    expect((await office.post(url(`/lines/${back!.id}/approve`)).send({})).status).toBe(200);
    expect((await read(reviewer)).stage).toBe(1);
    for (const l of drawn) {
      const res = await reviewer.post(url(`/lines/${l.id}/approve`)).send({ reason: '抽查无误' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  });

  it('then is in public notice for 3 calendar days, and payment waits for its end', async () => {
    const now = await read(payer);
    expect(now.status).toBe('in_notice');
    expect(now.notice).toMatchObject({
      startsAt: new Date(NOW).toISOString(),
      endsAt: new Date(Date.parse('2026-11-09T00:00:00+08:00')).toISOString(),
      lastDay: '2026-11-08',
    });
    expect(now.mayPay).toBe(false);
    const refused = await payer.post(url('/pay')).set('Accept-Language', 'en').send({ reference: 'GK2026110901' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/public notice until the end of 2026-11-08/);
    const zh = await payer.post(url('/pay')).set('Accept-Language', 'zh-CN').send({ reference: 'GK2026110901' });
    expect(zh.body.detail).toBe('该批次公示至 2026-11-08（北京时间）结束，公示期满后方可兑付');
    await expectMoneyInvariants(t.db);
  });

  it('is on the public page for anyone, who may object (a few per address); the office answers', async () => {
    const anyone = request(t.app);
    const page = await anyone.get('/api/v1/public/notices');
    expect(page.status).toBe(200);
    const notice = page.body.items.find((n: { batchId: number }) => n.batchId === batch.id);
    expect(notice).toMatchObject({ provider: '山东省分析测试中心', lastDay: '2026-11-08', objections: 0 });
    expect(notice.lines.length).toBe(batch.lines.length);
    expect(notice.totalFen).toBe(batch.lines.reduce((s, l) => s + l.voucherFen, 0));
    expect(Object.keys(notice.lines[0]).sort()).toEqual(
      ['enterprise', 'instrumentName', 'lineId', 'serviceDate', 'voucherFen'].sort(),
    );
    const objection = {
      name: '李明',
      contact: '13900000000',
      content: '该服务单位当月并未为该企业提供测试服务，请核实。',
      lineId: notice.lines[0].lineId,
    };
    const lodged = await anyone.post(`/api/v1/public/notices/${batch.id}/objections`).send(objection);
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    expect((await anyone.post(`/api/v1/public/notices/${batch.id}/objections`).send({ name: 'x' })).status).toBe(400);
    expect(
      (await anyone.post(`/api/v1/public/notices/${batch.id}/objections`).send({ ...objection, lineId: 999999 }))
        .status,
    ).toBe(400);
    expect((await anyone.post(`/api/v1/public/notices/999999/objections`).send(objection)).status).toBe(404);
    const stored = await one<{ client: string | null; status: string }>(
      `SELECT client_address AS client, status FROM notice_objections WHERE id = ?`,
      lodged.body.id,
    );
    expect(stored.status).toBe('open');
    expect(stored.client).toBeTruthy();
    // Four more from the same address, then refused.
    for (let i = 0; i < 4; i++)
      expect(
        (await anyone.post(`/api/v1/public/notices/${batch.id}/objections`).send({ ...objection, lineId: undefined }))
          .status,
      ).toBe(201);
    const limited = await anyone
      .post(`/api/v1/public/notices/${batch.id}/objections`)
      .send({ ...objection, lineId: undefined });
    expect(limited.status).toBe(429);
    expect(Number((await one<{ n: number }>(`SELECT COUNT(*) AS n FROM notice_objections`)).n)).toBe(5);

    // Finance sees who objected; the lab sees what, not who.
    const byFinance = await read(payer);
    expect(byFinance.objections[0]).toMatchObject({ name: '李明', contact: '13900000000', status: 'open' });
    const byLab = await read(lab);
    expect(byLab.objections[0]).toMatchObject({ name: null, contact: null, content: objection.content });
    // The line's city office may answer that one; another city's may not.
    const lineOffice = officeOf(batch.lines.find((l) => l.id === objection.lineId)!.reviewOffice.name);
    const otherOffice = lineOffice === jinan ? linyi : jinan;
    const id = byFinance.objections[0]!.id;
    expect((await otherOffice.post(url(`/objections/${id}/answer`)).send({ answer: '已核实，无异常。' })).status).toBe(
      404,
    );
    const answered = await lineOffice
      .post(url(`/objections/${id}/answer`))
      .send({ answer: '经核实，该服务于10月完成，有上机记录和检测报告为证。' });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.objections[0]).toMatchObject({ status: 'answered' });
    expect((await lineOffice.post(url(`/objections/${id}/answer`)).send({ answer: '再次答复' })).status).toBe(409);
  });

  it('does not end into payment while an objection is unanswered', async () => {
    clock.set(Date.parse('2026-11-09T00:00:00+08:00'));
    const { settlement } = servicesOf(t.app);
    expect(await settlement.notices.closeEnded()).toBe(0);
    const refused = await payer.post(url('/pay')).set('Accept-Language', 'en').send({ reference: 'GK2026110901' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('objections to the public notice unanswered: 4; answer them before payment');
    // Objections are taken only during the notice.
    const late = await request(t.app)
      .post(`/api/v1/public/notices/${batch.id}/objections`)
      .set('X-Forwarded-For', '10.1.1.1')
      .send({ name: '王芳', contact: 'wang@example.cn', content: '公示结束后提交的异议，应当不被受理。' });
    expect([409, 429]).toContain(late.status);
    for (const o of (await read(payer)).objections.filter((x) => x.status === 'open'))
      expect((await payer.post(url(`/objections/${o.id}/answer`)).send({ answer: '已核实，无异常。' })).status).toBe(
        200,
      );
    expect(await settlement.notices.closeEnded()).toBe(1);
    expect((await read(payer)).status).toBe('reviewed');
    // Off the public page (the demo's own notice, 聊城's October claim, may still be running).
    const listed = (await request(t.app).get('/api/v1/public/notices')).body.items as { batchId: number }[];
    expect(listed.filter((n) => n.batchId === batch.id)).toEqual([]);
  });

  it('is paid by an officer who approved none of its lines (four-eyes)', async () => {
    // 鲍文静 approved lines at the provincial stage: she may not record the payment.
    const own = await reviewer.post(url('/pay')).set('Accept-Language', 'en').send({ reference: 'GK2026110901' });
    expect(own.status).toBe(403);
    expect(own.body.detail).toMatch(/four-eyes/);
    expect((await read(reviewer)).mayPay).toBe(false);
    expect((await jinan.post(url('/pay')).send({ reference: 'GK2026110901' })).status).toBe(403);
    expect((await read(payer)).mayPay).toBe(true);
    const paid = await payer.post(url('/pay')).send({ reference: 'GK2026110901' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', paidBy: '徐宏伟', paidReference: 'GK2026110901' });
    expect(paid.body.approvers).toEqual(expect.arrayContaining(['孙海燕', '颜振东', '鲍文静']));
    expect(paid.body.approvers).not.toContain('徐宏伟');
    const actions = paid.body.history.map((h: { action: string }) => h.action);
    expect(actions).toEqual(
      expect.arrayContaining(['stage', 'notice', 'objection', 'objection_answered', 'notice_ended', 'pay']),
    );
    const ledgerPaid = await one<{ s: number }>(
      `SELECT SUM(amount_fen) AS s FROM ledger_transfers WHERE code = 'claim_paid' AND processor_ref = 'GK2026110901'`,
    );
    expect(Number(ledgerPaid.s)).toBe(paid.body.approvedFen);
    await expectMoneyInvariants(t.db);
  });
});
