/**
 * Bank transfer (对公转账) end to end over HTTP: checkout by transfer, the payment notice at
 * confirmation (on screen and as a PDF), receipts recorded by the lab or the finance desk — partial,
 * exact, over-paid and returned, each through the ledger — who may see and record what, bad input
 * that changes nothing, the overdue rule (cancelled before the service with the voucher released; a
 * debt after it), an unpaid transfer never claimable nor approvable, and reconciliation finding a
 * tampered receipt. The money invariants (test/support/money.ts) after each.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromJson, type Param } from '../../db/port.ts';
import { servicesOf } from '../../server/app.ts';
import type { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { normaliseReference } from '../../server/modules/transfers/rules.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { thenBack, walkAtTheirTimes } from '../support/lifecycle.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { testSchedule } from '../support/schedule.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const DAY = 86_400_000;
const clock = fixedClock(NOW);
let t: TestApp;
let stripe: StripeProvider;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let lab2: Agent; // another lab (山东大学)
let researcher: Agent; // the demo enterprise (济南)
let other: Agent; // another enterprise (临沂)
let desk: Agent; // the platform's finance desk
let finance: Agent; // 济南市科学技术局
let labOrg: number;
let instruments: number[];

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => Number(await t.db.value(sql, params));
const at = (local: string) => `${local}+08:00`;

let slotDay = 2; // each booking its own weekday morning
function nextSlot(hours = 2) {
  const d = new Date(Date.UTC(2026, 11, 1 + slotDay));
  slotDay++;
  if ([0, 6].includes(d.getUTCDay())) return nextSlot(hours);
  const day = d.toISOString().slice(0, 10);
  return { start: at(`${day}T09:00:00`), end: at(`${day}T${String(9 + hours).padStart(2, '0')}:00:00`) };
}
let instrumentIndex = 0;
const nextInstrument = () => instruments[instrumentIndex++ % (instruments.length - 1)]!;

function book(body: Record<string, unknown>, agent = researcher) {
  return agent
    .post('/api/v1/bookings')
    .send({ instrumentId: nextInstrument(), mode: 'machine_time', purpose: '材料表征', ...nextSlot(), ...body });
}
const walk = (id: number, ...steps: [string, Record<string, unknown>?][]) =>
  walkAtTheirTimes(clock, lab, researcher, id, ...steps);
const noticeOf = async (bookingId: number, agent = researcher) =>
  (await agent.get(`/api/v1/bookings/${bookingId}/payment-notice`)).body;
const receipt = (noticeId: number, body: Record<string, unknown>, agent = lab) =>
  agent.post(`/api/v1/payment-notices/${noticeId}/receipts`).send(body);

/** A booking by transfer, approved by the lab: its notice. */
async function approvedByTransfer(body: Record<string, unknown> = {}) {
  const b = (await book({ useVoucher: true, paymentMethod: 'bank_transfer', ...body })).body;
  expect(b.status, JSON.stringify(b)).toBe('requested');
  expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
  return { booking: b, notice: await noticeOf(b.id) };
}

beforeAll(async () => {
  stripe = await testStripe();
  t = await createTestApp({ instruments: 300, clock, payments: stripe, sessionTtlHours: 24 * 90 });
  lab = await signIn(t.app, 'lab@demo.test');
  lab2 = await signIn(t.app, 'lab2@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  other = await signIn(t.app, 'researcher3@demo.test');
  desk = await signIn(t.app, 'finance-desk@demo.test');
  finance = await signIn(t.app, 'finance@demo.test');
  labOrg = (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'lab@demo.test'`)).id;
  instruments = (await t.db.column(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY i.id LIMIT 7`,
    [labOrg],
  )) as number[];
  for (const [i, id] of instruments.entries()) {
    // The last one confirms at once (no approval needed).
    const schedule = testSchedule({ approvalRequired: i < instruments.length - 1 });
    expect((await lab.put(`/api/v1/instruments/${id}/schedule`).send(schedule)).status).toBe(200);
  }
});
afterEach(() => expectMoneyInvariants(t.db));
afterAll(() => t.close());

describe('checkout by bank transfer', () => {
  it('issues the payment notice when the lab confirms: payee, amount, reference, due date; on screen and as a PDF', async () => {
    const b = (await book({ useVoucher: true, paymentMethod: 'bank_transfer' })).body;
    expect(b).toMatchObject({ status: 'requested', paymentMethod: 'bank_transfer', payment: null });
    // Not confirmed yet: no notice.
    expect((await researcher.get(`/api/v1/bookings/${b.id}/payment-notice`)).status).toBe(404);
    expect((await lab.post(`/api/v1/bookings/${b.id}/approve`).send({})).status).toBe(200);
    const n = await noticeOf(b.id);
    const account = fromJson<{ bankName: string; accountName: string; accountNo: string }>(
      await t.db.value(`SELECT bank_account FROM organisations WHERE id = ?`, [labOrg]),
    );
    expect(n).toMatchObject({
      bookingId: b.id,
      status: 'open',
      amountFen: b.price.selfPayFen,
      receivedFen: 0,
      outstandingFen: b.price.selfPayFen,
      payee: account,
      provider: { id: labOrg },
      canRecord: false,
      receipts: [],
    });
    expect(b.price.selfPayFen).toBeGreaterThan(0);
    // A short reference with a check character: a typo is caught, case and dashes are not.
    expect(n.reference).toMatch(/^TR[0-9A-Z]{7}$/);
    expect(normaliseReference(n.reference.toLowerCase().replace(/^tr/, 'tr-'))).toBe(n.reference);
    const typo = n.reference.slice(0, 4) + (n.reference[4] === '2' ? '3' : '2') + n.reference.slice(5);
    expect(normaliseReference(typo)).toBeNull();
    // Due 7 days after confirmation, but never after the day before the service: the service is on day 3.
    expect(n.dueOn).toBe('2026-12-02');
    expect((await lab.get(`/api/v1/payment-notices/${n.id}`)).body).toMatchObject({ id: n.id, canRecord: true });
    const mine = (await researcher.get('/api/v1/payment-notices?status=active')).body.items;
    expect(mine.map((x: { id: number }) => x.id)).toContain(n.id);
    const found = (await lab.get(`/api/v1/payment-notices?reference=${n.reference.toLowerCase()}`)).body.items;
    expect(found.map((x: { id: number }) => x.id)).toEqual([n.id]);
    // The PDF: a PDF, in Chinese (the Noto font embedded).
    const pdf = await download(researcher, n.pdfUrl.replace('/api/v1', '/api/v1'));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toMatch(/NotoSansHans/);
    // The enterprise was told.
    expect(
      await count(
        `SELECT COUNT(*) FROM notifications WHERE type = 'payment_notice_issued' AND link = ?`,
        `/bookings/${b.id}`,
      ),
    ).toBeGreaterThan(0);
  });

  it('issues it at checkout when the lab needs no approval; without a card token, transfer is the default', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId: instruments[instruments.length - 1],
      mode: 'machine_time',
      ...nextSlot(),
      useVoucher: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ status: 'approved', paymentMethod: 'bank_transfer' });
    expect(await noticeOf(res.body.id)).toMatchObject({ status: 'open', amountFen: res.body.price.selfPayFen });
  });

  it('refuses a muddled choice and a lab without a receiving account, writing nothing', async () => {
    const before = await count(`SELECT COUNT(*) FROM bookings`);
    const both = await book({ paymentMethod: 'bank_transfer', paymentToken: 'tok_visa' });
    expect([both.status, both.body.errors[0].path]).toEqual([400, 'body.paymentToken']);
    const cardless = await book({ paymentMethod: 'card' });
    expect([cardless.status, cardless.body.errors[0].path]).toEqual([400, 'body.paymentToken']);
    expect((await book({ paymentMethod: 'cash' })).status).toBe(400);
    const settings = (await lab.get('/api/v1/transfer-settings')).body;
    expect(settings).toMatchObject({ transferDueDays: 7, transferCancelUnpaid: true });
    expect((await lab.put('/api/v1/transfer-settings').send({ ...settings, bankAccount: null })).status).toBe(200);
    const noAccount = await book({ useVoucher: true });
    expect([noAccount.status, noAccount.body.errors[0].path]).toEqual([400, 'body.paymentMethod']);
    expect((await lab.put('/api/v1/transfer-settings').send(settings)).status).toBe(200);
    expect(await count(`SELECT COUNT(*) FROM bookings`)).toBe(before);
  });

  it('lets the lab set its account and rules, and nobody else', async () => {
    const settings = (await lab.get('/api/v1/transfer-settings')).body;
    expect((await lab.put('/api/v1/transfer-settings').send({ ...settings, transferDueDays: 0 })).status).toBe(400);
    const badNo = { ...settings, bankAccount: { ...settings.bankAccount, accountNo: 'abc' } };
    expect((await lab.put('/api/v1/transfer-settings').send(badNo)).status).toBe(400);
    expect((await researcher.get('/api/v1/transfer-settings')).status).toBe(403);
    expect((await researcher.put('/api/v1/transfer-settings').send(settings)).status).toBe(403);
    const changed = await lab.put('/api/v1/transfer-settings').send({ ...settings, transferDueDays: 10 });
    expect(changed.body.transferDueDays).toBe(10);
    expect((await lab.put('/api/v1/transfer-settings').send(settings)).body).toEqual(settings);
  });
});

describe('receipts (到账确认)', () => {
  it('records part, the rest, too much and the excess returned — each through the ledger', async () => {
    const { notice: n } = await approvedByTransfer();
    const owed = n.amountFen as number;
    const first = await receipt(n.id, { amountFen: owed - 1000, receivedOn: '2026-12-01', bankReference: 'ICBC-0001' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'partly_paid', receivedFen: owed - 1000, outstandingFen: 1000 });
    const r1 = first.body.receipts[0];
    expect(r1).toMatchObject({
      kind: 'receipt',
      amountFen: owed - 1000,
      bankReference: 'ICBC-0001',
      recordedBy: '赵静',
    });
    const tr = await one<{ amount: number; code: string; booking: number }>(
      `SELECT amount_fen AS amount, code, booking_id AS booking FROM ledger_transfers WHERE id = ?`,
      `tr:${r1.id}:receipt`,
    );
    expect(tr).toMatchObject({ amount: owed - 1000, code: 'transfer_receipt', booking: n.bookingId });
    // The platform's finance desk records the rest.
    const rest = await receipt(n.id, { amountFen: 1000, receivedOn: '2026-12-01', bankReference: 'ICBC-0002' }, desk);
    expect(rest.body).toMatchObject({ status: 'paid', receivedFen: owed, outstandingFen: 0 });
    const over = await receipt(n.id, { amountFen: 500, receivedOn: '2026-12-01', bankReference: 'ICBC-0003' });
    expect(over.body).toMatchObject({ status: 'overpaid', receivedFen: owed + 500, excessFen: 500 });
    // The same bank reference twice: refused, nothing written.
    const twice = await receipt(n.id, { amountFen: 500, receivedOn: '2026-12-01', bankReference: 'ICBC-0003' });
    expect([twice.status, twice.body.reason]).toEqual([409, 'duplicate_bank_reference']);
    // More back than the excess: refused; the excess: back to paid, through the ledger.
    const returns = `/api/v1/payment-notices/${n.id}/returns`;
    const tooMuch = await lab.post(returns).send({ amountFen: 501, returnedOn: '2026-12-01', bankReference: 'RET-1' });
    expect([tooMuch.status, tooMuch.body.errors[0].path]).toEqual([400, 'body.amountFen']);
    const back = await lab.post(returns).send({ amountFen: 500, returnedOn: '2026-12-01', bankReference: 'RET-1' });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ status: 'paid', receivedFen: owed, excessFen: 0 });
    const ret = back.body.receipts.find((r: { kind: string }) => r.kind === 'return');
    expect(await count(`SELECT amount_fen FROM ledger_transfers WHERE id = ?`, `tr:${ret.id}:return`)).toBe(500);
    expect(
      (await lab.post(returns).send({ amountFen: 1, returnedOn: '2026-12-01', bankReference: 'RET-2' })).status,
    ).toBe(400);
    // A proof (bank slip) on the first receipt, which the enterprise can download.
    const slip = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const proof = await lab
      .put(`/api/v1/payment-notices/${n.id}/receipts/${r1.id}/proof?name=${encodeURIComponent('回单.pdf')}`)
      .set('Content-Type', 'application/pdf')
      .send(slip);
    expect(proof.status, JSON.stringify(proof.body)).toBe(200);
    const withProof = proof.body.receipts.find((r: { id: number }) => r.id === r1.id);
    expect(withProof.proof.fileName).toBe('回单.pdf');
    const file = await download(researcher, withProof.proof.url);
    expect([file.status, (file.body as Buffer).subarray(0, 5).toString()]).toEqual([200, '%PDF-']);
    const html = await lab
      .put(`/api/v1/payment-notices/${n.id}/receipts/${r1.id}/proof?name=x.pdf`)
      .set('Content-Type', 'application/pdf')
      .send(Buffer.from('<html></html>'));
    expect(html.status).toBe(415);
    // The enterprise was told of each receipt.
    expect(
      await count(
        `SELECT COUNT(*) FROM notifications WHERE type = 'transfer_received' AND link = ?`,
        `/bookings/${n.bookingId}`,
      ),
    ).toBe(3);
  });

  it('shows another’s notice to nobody else: 404 to other enterprises and labs, 403 to the enterprise recording', async () => {
    const { notice: n } = await approvedByTransfer();
    for (const agent of [other, lab2, finance]) {
      expect((await agent.get(`/api/v1/payment-notices/${n.id}`)).status).toBe(404);
      expect((await agent.get(`/api/v1/bookings/${n.bookingId}/payment-notice`)).status).toBe(404);
      expect((await agent.get(`/api/v1/payment-notices/${n.id}/pdf`)).status).toBe(404);
    }
    expect((await other.get('/api/v1/payment-notices')).body.items.map((x: { id: number }) => x.id)).not.toContain(
      n.id,
    );
    const body = { amountFen: 100, receivedOn: '2026-12-01', bankReference: 'OTHER-1' };
    expect((await receipt(n.id, body, lab2)).status).toBe(404);
    expect((await receipt(n.id, body, finance)).status).toBe(404);
    expect((await receipt(n.id, body, researcher)).status).toBe(403);
    expect(await count(`SELECT COUNT(*) FROM transfer_receipts WHERE notice_id = ?`, n.id)).toBe(0);
  });

  it('refuses bad input with a 4xx that changes nothing', async () => {
    const { notice: n } = await approvedByTransfer();
    const good = { amountFen: 100, receivedOn: '2026-12-01', bankReference: 'BAD-INPUT-1' };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...good, amountFen: 0 }, 'body.amountFen'],
      [{ ...good, amountFen: -5 }, 'body.amountFen'],
      [{ ...good, amountFen: 1.5 }, 'body.amountFen'],
      [{ ...good, amountFen: '100' }, 'body.amountFen'],
      [{ ...good, receivedOn: '2026-13-01' }, 'body.receivedOn'],
      [{ ...good, receivedOn: '01/12/2026' }, 'body.receivedOn'],
      [{ ...good, receivedOn: '2026-12-02' }, 'body.receivedOn'], // tomorrow
      [{ ...good, receivedOn: '2026-11-30' }, 'body.receivedOn'], // before the notice
      [{ ...good, bankReference: '' }, 'body.bankReference'],
      [{ ...good, bankReference: 'a b; DROP' }, 'body.bankReference'],
      [{ ...good, extra: 1 }, 'body'],
    ];
    for (const [body, path] of bad) {
      const res = await receipt(n.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].path, JSON.stringify(body)).toBe(path);
    }
    expect((await lab.post('/api/v1/payment-notices/abc/receipts').send(good)).status).toBe(400);
    expect((await lab.post('/api/v1/payment-notices/999999/receipts').send(good)).status).toBe(404);
    expect(await count(`SELECT COUNT(*) FROM transfer_receipts WHERE notice_id = ?`, n.id)).toBe(0);
    expect((await noticeOf(n.bookingId)).receivedFen).toBe(0);
  });
});

describe('the overdue rule', () => {
  it('before the service: reminds once, then cancels the booking and gives the voucher back', async () => {
    const { booking: b, notice: n } = await approvedByTransfer();
    const held = (await researcher.get('/api/v1/vouchers')).body.items[0].reservedFen as number;
    expect(b.voucherUse.reservedFen).toBeGreaterThan(0);
    const transfers = servicesOf(t.app).transfers;
    await thenBack(clock, async () => {
      // Due on the day before the service; the morning after, unpaid: reminded, not yet cancelled.
      clock.set(Date.parse(`${n.dueOn}T00:00:00+08:00`) + DAY + 3600_000);
      expect((await transfers.overdue()).reminded).toBeGreaterThanOrEqual(1);
      expect((await researcher.get(`/api/v1/bookings/${b.id}`)).body.status).toBe('approved');
      expect(
        await count(
          `SELECT COUNT(*) FROM notifications WHERE type = 'payment_notice_overdue' AND link = ?`,
          `/bookings/${b.id}`,
        ),
      ).toBe(1);
      // Run again at once: nothing new (one reminder).
      await transfers.overdue();
      expect(
        await count(
          `SELECT COUNT(*) FROM notifications WHERE type = 'payment_notice_overdue' AND link = ?`,
          `/bookings/${b.id}`,
        ),
      ).toBe(1);
      // A day after the reminder: cancelled through the booking's own cancellation.
      clock.advance(DAY);
      expect((await transfers.overdue()).cancelled).toBeGreaterThanOrEqual(1);
    });
    const after = (await researcher.get(`/api/v1/bookings/${b.id}`)).body;
    expect(after.status).toBe('cancelled');
    expect(after.voucherUse.status).toBe('released');
    expect((await noticeOf(b.id)).status).toBe('cancelled');
    // Its hold given back (other unpaid notices of this file were cancelled by the same runs).
    const now = (await researcher.get('/api/v1/vouchers')).body.items[0].reservedFen as number;
    expect(now).toBeLessThanOrEqual(held - b.voucherUse.reservedFen);
  });

  it('after the service: keeps the notice as a debt, open for receipts', async () => {
    const { booking: b, notice: n } = await approvedByTransfer();
    const done = await walk(b.id, ['check-in'], ['complete']);
    const owed = done.finalPrice.totalFen - done.voucherUse.postedFen;
    expect((await noticeOf(b.id)).amountFen).toBe(owed);
    await thenBack(clock, async () => {
      clock.set(Date.parse(`${n.dueOn}T00:00:00+08:00`) + 3 * DAY);
      await servicesOf(t.app).transfers.overdue();
      expect((await researcher.get(`/api/v1/bookings/${b.id}`)).body.status).toBe('completed');
      expect(await noticeOf(b.id)).toMatchObject({ status: 'debt', overdue: true });
      const paid = await receipt(n.id, { amountFen: owed, receivedOn: '2026-12-05', bankReference: 'DEBT-PAID-1' });
      expect(paid.body).toMatchObject({ status: 'paid', receivedFen: owed, overdue: false });
    });
  });
});

describe('claims and reconciliation', () => {
  it('never lets an unpaid transfer be claimed: the check says why, approval is refused even with an override', async () => {
    const { booking: b, notice: n } = await approvedByTransfer();
    const done = await walk(b.id, ['check-in'], ['complete']);
    const month = done.start.slice(0, 7);
    const programmeId = done.voucherUse.programmeId;
    const created = await lab.post('/api/v1/settlement-batches').send({ programmeId, month });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const batches = [created.body, ...((created.body.siblings ?? []) as { id: number }[])];
    let batch = created.body;
    let line = batch.lines.find((l: { bookingId: number }) => l.bookingId === b.id);
    for (const s of batches.slice(1)) {
      if (line) break;
      batch = (await lab.get(`/api/v1/settlement-batches/${s.id}`)).body;
      line = batch.lines.find((l: { bookingId: number }) => l.bookingId === b.id);
    }
    expect(line).toBeTruthy();
    const selfPay = line.checks.find((c: { name: string }) => c.name === 'total_adds_up');
    expect(selfPay.ok).toBe(false);
    expect(selfPay.detail).toContain(`付款通知书 ${n.reference}`);
    expect(selfPay.detail).toContain('未确认到账');
    // Filed and reviewed: the office cannot approve it, not even with an override.
    for (const l of batch.lines)
      await lab.patch(`/api/v1/settlement-batches/${batch.id}/lines/${l.id}`).send({ invoiceNo: `TRF${b.id}${l.id}` });
    const submitted = await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({
      bankAccount: { bankName: '中国工商银行济南分行', accountName: '测试实验室', accountNo: '1602 0012 3456 7890' },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const approve = await finance
      .post(`/api/v1/settlement-batches/${batch.id}/lines/${line.id}/approve`)
      .send({ overrideReason: '企业称已付款' });
    expect([approve.status, approve.body.reason]).toEqual([409, 'self_pay_not_received']);
    // Once the lab confirms the money, the check passes with its evidence.
    const owed = done.finalPrice.totalFen - done.voucherUse.postedFen;
    await receipt(n.id, { amountFen: owed, receivedOn: '2026-12-01', bankReference: 'CLAIM-PAID-1' });
    const again = (await finance.get(`/api/v1/settlement-batches/${batch.id}`)).body.lines.find(
      (l: { id: number }) => l.id === line.id,
    );
    const check = again.checks.find((c: { name: string }) => c.name === 'total_adds_up');
    expect(check.ok).toBe(true);
    expect(check.detail).toContain('自付已对公转账到账');
    expect(check.detail).toContain('CLAIM-PAID-1');
  });

  it('finds a tampered receipt in reconciliation, and is clean again once it is put right', async () => {
    const { notice: n } = await approvedByTransfer();
    const r = (await receipt(n.id, { amountFen: 1234, receivedOn: '2026-12-01', bankReference: 'TAMPER-1' })).body
      .receipts[0];
    const period = { from: '2026-11-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' };
    const kinds = async () =>
      ((await desk.post('/api/v1/reconciliation/runs').send(period)).body.findings as { kind: string; ref: string }[])
        .filter((f) => f.kind.startsWith('transfer_') || f.kind === 'notice_total_mismatch')
        .map((f) => `${f.kind} ${f.ref}`);
    expect(await kinds()).toEqual([]);
    await t.db.run(`UPDATE transfer_receipts SET amount_fen = amount_fen + 100 WHERE id = ?`, [r.id]);
    expect(await kinds()).toEqual([
      `transfer_amount_mismatch tr:${r.id}:receipt`,
      `notice_total_mismatch notice:${n.id}`,
    ]);
    await t.db.run(`UPDATE transfer_receipts SET amount_fen = amount_fen - 100 WHERE id = ?`, [r.id]);
    expect(await kinds()).toEqual([]);
  });
});
