/**
 * A claim line's invoice (发票) over HTTP: the lab uploads the file with its number, amount and buyer;
 * the file is checked by its bytes (PDF, OFD — a zip holding OFD.xml — or a scan; an HTML page named
 * invoice.pdf or a plain zip is refused); the line's invoice_matches check compares number, amount
 * (= the order's final price) and buyer (= the enterprise) and says a mismatch in Chinese and English;
 * finance downloads the file. Money invariants at the end.
 */
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param } from '../../db/port.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { HTML, PDF } from '../support/organisations.ts';
import { testStripe } from '../support/stripe.ts';

const NOW = Date.parse('2026-11-05T10:00:00+08:00');
let t: TestApp;
type Agent = Awaited<ReturnType<typeof signIn>>;
let lab: Agent;
let jinan: Agent;
let qingdao: Agent;
let batch: {
  id: number;
  lines: { id: number; totalFen: number; enterprise: { name: string }; reviewOffice: { name: string } }[];
};

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}
const invoiceCheck = (body: { lines: { id: number; checks: Check[] }[] }, lineId: number) =>
  body.lines.find((l) => l.id === lineId)!.checks.find((c) => c.name === 'invoice_matches')!;

function put(
  agent: Agent,
  lineId: number,
  bytes: Buffer,
  q: Record<string, string>,
  type = 'application/octet-stream',
  lang = 'zh-CN',
) {
  return agent
    .put(`/api/v1/settlement-batches/${batch.id}/lines/${lineId}/invoice`)
    .query(q)
    .set('Content-Type', type)
    .set('Accept-Language', lang)
    .send(bytes);
}

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock: fixedClock(NOW), payments: await testStripe() });
  lab = await signIn(t.app, 'lab@demo.test');
  jinan = await signIn(t.app, 'finance@demo.test');
  qingdao = await signIn(t.app, 'finance3@demo.test');
  const programmeId = (await one<{ id: number }>(`SELECT id FROM voucher_programmes ORDER BY id LIMIT 1`)).id;
  const res = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  batch = res.body;
});
afterAll(() => t.close());

describe('a line’s invoice', () => {
  it('is stored with its number, amount and buyer, and matches the order', async () => {
    const line = batch.lines.find((l) => l.reviewOffice.name === '济南市科学技术局')!;
    const res = await put(lab, line.id, PDF, {
      invoiceNo: '37002611000001',
      amountFen: String(line.totalFen),
      buyer: line.enterprise.name.replace(/\(/g, '（').replace(/\)/g, '）'),
      name: '发票.pdf',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = res.body.lines.find((l: { id: number }) => l.id === line.id);
    expect(view).toMatchObject({
      invoiceNo: '37002611000001',
      invoice: { amountFen: line.totalFen, fileName: '发票.pdf' },
    });
    expect(invoiceCheck(res.body, line.id)).toMatchObject({ ok: true });
    expect(invoiceCheck(res.body, line.id).detail).toMatch(/^发票 37002611000001：金额 ¥[\d,.]+ = 订单金额/);
    // Lines without an uploaded invoice say so and are not held up by it.
    const other = batch.lines.find((l) => l.id !== line.id)!;
    expect(invoiceCheck(res.body, other.id)).toMatchObject({ ok: true, detail: '未上传发票文件（仅核对发票号）' });
  });

  it('flags a mismatch of amount and buyer with a clear sentence, in Chinese and English', async () => {
    const line = batch.lines[1]!;
    const q = { invoiceNo: '37002611000002', amountFen: String(line.totalFen + 100), buyer: '别的公司有限公司' };
    const zh = await put(lab, line.id, PDF, q);
    expect(zh.status).toBe(200);
    const check = invoiceCheck(zh.body, line.id);
    expect(check.ok).toBe(false);
    expect(check.detail).toBe(
      `发票与订单不符：发票金额 ${yuan(line.totalFen + 100)} ≠ 订单金额 ${yuan(line.totalFen)}；购买方“别的公司有限公司”≠ 用户单位“${line.enterprise.name}”`,
    );
    const en = await lab.get(`/api/v1/settlement-batches/${batch.id}`).set('Accept-Language', 'en');
    expect(invoiceCheck(en.body, line.id).detail).toBe(
      `the invoice does not match the order: amount ${yuan(line.totalFen + 100)} ≠ the order's ${yuan(line.totalFen)}; buyer "别的公司有限公司" ≠ the enterprise "${line.enterprise.name}"`,
    );
  });

  it('is checked by its bytes: OFD and scans accepted; HTML named .pdf, a plain zip and empty files refused', async () => {
    const line = batch.lines[2]!;
    const q = { invoiceNo: '37002611000003', amountFen: String(line.totalFen), buyer: line.enterprise.name };
    const ofd = new JSZip();
    ofd.file('OFD.xml', '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>');
    ofd.file('Doc_0/Document.xml', '<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"/>');
    const ofdBytes = await ofd.generateAsync({ type: 'nodebuffer' });
    const accepted = await put(lab, line.id, ofdBytes, { ...q, name: 'invoice.ofd' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.lines.find((l: { id: number }) => l.id === line.id).invoice.fileName).toBe('invoice.ofd');
    const mime = await one<{ mime: string }>(
      `SELECT mime FROM documents WHERE subject_type = 'settlement_line' AND subject_id = ? AND removed_at IS NULL`,
      line.id,
    );
    expect(mime.mime).toBe('application/ofd');

    const plain = new JSZip();
    plain.file('readme.txt', 'not an invoice');
    const zip = await plain.generateAsync({ type: 'nodebuffer' });
    expect((await put(lab, line.id, zip, { ...q, name: 'invoice.ofd' })).status).toBe(415);
    const html = await put(lab, line.id, HTML, { ...q, name: 'invoice.pdf' }, 'application/pdf');
    expect(html.status).toBe(415);
    expect((await put(lab, line.id, Buffer.alloc(0), q)).status).toBe(400);
    // Bad details change nothing.
    expect((await put(lab, line.id, PDF, { ...q, amountFen: '-5' })).status).toBe(400);
    expect((await put(lab, line.id, PDF, { ...q, invoiceNo: '37002611000001' })).status).toBe(400); // another line's
    // Only the claimant uploads.
    expect((await put(jinan, line.id, PDF, q)).status).toBe(403);
    // The OFD stays the line's invoice.
    const still = await one<{ n: number }>(
      `SELECT COUNT(*) AS n FROM documents WHERE subject_type = 'settlement_line' AND subject_id = ? AND removed_at IS NULL AND mime = 'application/ofd'`,
      line.id,
    );
    expect(Number(still.n)).toBe(1);
  });

  it('is downloaded by finance once submitted; another city’s office gets nothing', async () => {
    const line = batch.lines.find((l) => l.reviewOffice.name === '济南市科学技术局')!;
    const now = (await lab.get(`/api/v1/settlement-batches/${batch.id}`)).body as {
      lines: { id: number; invoiceNo: string | null }[];
    };
    for (const [i, l] of now.lines.entries())
      if (!l.invoiceNo)
        await lab
          .patch(`/api/v1/settlement-batches/${batch.id}/lines/${l.id}`)
          .send({ invoiceNo: `INV2611${String(i).padStart(4, '0')}` });
    const bank = { bankName: '中国银行济南分行', accountName: '山东省分析测试中心', accountNo: '2345 6789 0123 4567' };
    const submitted = await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const file = await download(jinan, `/api/v1/settlement-batches/${batch.id}/lines/${line.id}/invoice`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toMatch(/application\/pdf/);
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);
    expect((await qingdao.get(`/api/v1/settlement-batches/${batch.id}/lines/${line.id}/invoice`)).status).toBe(404);
    // After submission the invoice of a line under review cannot be replaced.
    expect(
      (
        await put(lab, line.id, PDF, {
          invoiceNo: '37002611000009',
          amountFen: String(line.totalFen),
          buyer: line.enterprise.name,
        })
      ).status,
    ).toBe(409);
    await expectMoneyInvariants(t.db);
  });
});

function yuan(fen: number): string {
  return `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
