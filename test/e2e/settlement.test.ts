/**
 * Settlement (兑付) and reconciliation in a real browser. The demo lab claims October 2026's completed
 * voucher jobs of programme 1 on 兑付申报, fills in the invoice numbers and submits the batch with its
 * bank account. 济南市科学技术局's finance officer (finance@demo.test) lands on 资金看板, opens the batch on
 * 兑付审核, returns one line and approves the rest; the lab corrects and resubmits the returned line; finance
 * approves it and pays the batch with a bank reference. The dashboard then shows the paid amount and its
 * charts; the city's office has no reconciliation, the provincial office (finance2@demo.test) runs one of
 * October–November and sees its result.
 */
import { describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/ui/money.ts';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  screenshot,
  useHarness,
  signIn,
  switchLanguage,
  getJson as api,
  batchReady,
  settlementLine as line,
  noToast,
} from './helpers.ts';

const harness = useHarness();

const OFFICE = '济南市科学技术局';
const MONTH = '2026-10';

type BatchJson = {
  id: number;
  status: string;
  month: string;
  totalFen: number;
  approvedFen: number;
  paidFen: number | null;
  paidReference: string | null;
  reviewOffice: { name: string };
  lines: { id: number; status: string; invoiceNo: string | null; voucherFen: number; checksOk: boolean }[];
};

describe('settlement', () => {
  it('claims October, reviews with a returned line, pays, and shows the dashboard and a reconciliation', async () => {
    const lab = await newPage(harness(), DESKTOP);
    const finance = await newPage(harness(), DESKTOP);
    try {
      // --- the lab makes the claim for October from 兑付申报
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.getByTestId('nav-lab-settlement').click();
      await lp.waitForURL((url) => url.pathname === '/lab/settlement');
      await lp.locator('[data-testid="batches"][data-busy="false"]').waitFor();
      await lp.getByTestId('new-claim').click();
      const programme = lp.getByTestId('claim-programme');
      await programme.waitFor();
      // A lab manager may not list programmes: it types the programme's number (the demo's is 1).
      await programme.fill('1');
      const month = lp.locator('.ant-modal .ant-picker input');
      const pickMonth = async (m: string) => {
        await month.click();
        await month.fill(m);
        await month.press('Enter');
      };
      // September has nothing to claim: the form says so.
      await pickMonth('2026-09');
      await lp.getByTestId('new-claim-ok').click();
      await lp.locator('.ant-modal .ant-form-item-explain-error', { hasText: '没有可申报' }).waitFor();
      await pickMonth(MONTH);
      await expect(month.inputValue()).resolves.toBe(MONTH);
      await lp.getByTestId('new-claim-ok').click();
      await lp.waitForURL((url) => /^\/lab\/settlement\/\d+$/.test(url.pathname));

      // One batch per reviewing office: the one 济南市科学技术局 reviews.
      const drafts = (await api<{ items: BatchJson[] }>(lp, '/settlement-batches?status=draft')).items;
      const mine = drafts.find((b) => b.month === MONTH && b.reviewOffice.name === OFFICE);
      expect(mine, `a draft for ${OFFICE}`).toBeTruthy();
      const batchId = mine!.id;
      if (!lp.url().endsWith(`/lab/settlement/${batchId}`)) await lp.goto(`/lab/settlement/${batchId}`);
      await batchReady(lp, batchId, 'draft');
      const draft = await api<BatchJson>(lp, `/settlement-batches/${batchId}`);
      const lines = draft.lines.filter((l) => l.status === 'pending');
      expect(lines.length, 'completed voucher jobs of October are claimed').toBeGreaterThan(1);
      await expect(lp.getByTestId('missing-invoices').innerText()).resolves.toContain(String(lines.length));
      await expect(lp.getByTestId('submit-batch').isDisabled()).resolves.toBe(true);

      // Invoice numbers, typed in place (Enter saves); a malformed one is refused on the spot.
      const first = line(lp, lines[0]!.id);
      await first.getByTestId('invoice-input').fill('12');
      await first.getByTestId('invoice-input').press('Enter');
      await first.getByTestId('invoice-error').waitFor();
      for (const l of lines) {
        const row = line(lp, l.id);
        await row.getByTestId('invoice-input').fill(`FP${MONTH.replace('-', '')}${String(l.id).padStart(5, '0')}`);
        await row.getByTestId('invoice-input').press('Enter');
        await row.getByTestId('invoice-saved').waitFor();
      }
      // The evidence check passes once the invoice is there.
      await expect(first.getByTestId('checks-ok').count()).resolves.toBe(1);

      // Submit with the bank account.
      await lp.getByTestId('submit-batch').click();
      await lp.getByTestId('bank-name').fill('中国银行济南分行营业部');
      await lp.getByTestId('bank-account-no').fill('6217 8560 0001 2345 678');
      await lp.getByTestId('submit-ok').click();
      await batchReady(lp, batchId, 'submitted');
      await expect(lp.getByTestId('batch-bank').innerText()).resolves.toContain('中国银行济南分行营业部');

      // --- finance lands on its dashboard, then reviews the batch
      const fp = finance.page;
      await signIn(fp, 'finance@demo.test');
      await fp.waitForURL((url) => url.pathname === '/finance/dashboard');
      await fp.getByTestId('nav-finance-settlement').click();
      await fp.waitForURL((url) => url.pathname === '/finance/settlement');
      const row = fp.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
      await row.waitFor();
      await expect(row.getByTestId('batch-age').getAttribute('data-days')).resolves.toBe('0');
      await row.getByTestId('batch-link').click();
      await batchReady(fp, batchId, 'submitted');
      await expect(fp.getByTestId('batch-total').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));

      // Per line: the evidence and the nine checks.
      const returned = lines[0]!;
      await line(fp, returned.id).locator('.ant-table-row-expand-icon').click();
      const evidence = fp.getByTestId('line-evidence');
      await evidence.waitFor();
      await expect(evidence.getByTestId('check').count()).resolves.toBe(9);
      await expect(evidence.innerText()).resolves.toContain('金额合计');
      // The checks' details come in the UI's language, and follow a switch of it.
      await expect(evidence.innerText()).resolves.toMatch(/申领截止 \d{4}-\d\d-\d\d/);
      await switchLanguage(fp, 'en');
      await expect.poll(() => evidence.innerText()).toMatch(/claims until \d{4}-\d\d-\d\d/);
      await expect(evidence.innerText()).resolves.toContain('no declared relation');
      await switchLanguage(fp, 'zh-CN');
      await expect.poll(() => evidence.innerText()).toMatch(/申领截止 \d{4}-\d\d-\d\d/);
      await expect(evidence.innerText()).resolves.toContain('未申报关联关系');

      // Return one line with a reason; approve the rest at once.
      await line(fp, returned.id).getByTestId('line-return').click();
      await fp.getByTestId('decision-reason').fill('发票号与开票系统记录不一致，请核对后重新提交');
      await fp.getByTestId('decision-ok').click();
      await line(fp, returned.id, 'returned').waitFor();
      await fp.getByTestId('approve-all').click();
      await fp.getByTestId('approve-all-ok').click();
      for (const l of lines.slice(1)) await line(fp, l.id, 'approved').waitFor();
      // Not payable while a line waits for the lab.
      await expect(fp.getByTestId('pay-batch').isDisabled()).resolves.toBe(true);
      await noToast(fp);
      await screenshot(fp, 'settlement-review.png');

      // --- the lab sees the returned line with the reason, corrects it and resubmits
      await lp.reload();
      await batchReady(lp, batchId, 'submitted');
      await lp.getByTestId('returned-alert').waitFor();
      const back = line(lp, returned.id, 'returned');
      await expect(back.getByTestId('line-reason').innerText()).resolves.toContain('发票号与开票系统记录不一致');
      await back
        .getByTestId('invoice-input')
        .fill(`FP${MONTH.replace('-', '')}${String(returned.id).padStart(5, '0')}A`);
      await back.getByTestId('invoice-input').press('Enter');
      await back.getByTestId('invoice-saved').waitFor();
      await back.getByTestId('line-resubmit').click();
      await line(lp, returned.id, 'pending').waitFor();

      // --- finance approves it: the batch is reviewed; pay with the bank reference
      await fp.reload();
      await batchReady(fp, batchId, 'submitted');
      await line(fp, returned.id, 'pending').getByTestId('line-approve').click();
      await fp.getByTestId('approve-ok').click();
      await batchReady(fp, batchId, 'reviewed');
      await fp.getByTestId('review-done').waitFor();
      await fp.getByTestId('pay-batch').click();
      await fp.getByTestId('pay-reference').fill('GK-2026-1128-000731');
      await fp.getByTestId('pay-ok').click();
      await batchReady(fp, batchId, 'paid');
      await expect(fp.getByTestId('batch-paid-fen').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));
      await expect(fp.getByTestId('batch-paid').innerText()).resolves.toContain('GK-2026-1128-000731');
      const paid = await api<BatchJson>(fp, `/settlement-batches/${batchId}`);
      expect(paid.status).toBe('paid');
      expect(paid.paidFen).toBe(draft.totalFen);
      expect(paid.lines.every((l) => l.status === 'approved')).toBe(true);
      await expect(fp.getByTestId('batch-history').innerText()).resolves.toMatch(/退回修改[\s\S]*重新提交[\s\S]*兑付/);
      await noToast(fp);
      await screenshot(fp, 'settlement-paid.png');

      // The lab follows the payment.
      await lp.reload();
      await batchReady(lp, batchId, 'paid');

      // The review page at phone width.
      await fp.setViewportSize(PHONE);
      await fp.reload();
      await batchReady(fp, batchId, 'paid');
      await fp.locator('[data-testid="settlement-line"]').first().waitFor();
      await expectNoHorizontalOverflow(fp);
      await screenshot(fp, 'settlement-review-phone.png');
      await fp.setViewportSize(DESKTOP);

      // --- the dashboard: the paid amount, the charts, no open batch of ours
      await fp.getByTestId('nav-finance-dashboard').click();
      await fp.waitForURL((url) => url.pathname === '/finance/dashboard');
      await fp.locator('[data-testid="dashboard"][data-busy="false"]').waitFor();
      await expect(fp.getByTestId('dashboard-scope').innerText()).resolves.toContain('济南');
      const paidKpi = fp.getByTestId('kpi-paidFen');
      await expect(paidKpi.getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));
      await expect(paidKpi.innerText()).resolves.toContain(formatFen(draft.totalFen));
      await fp.locator('[data-testid="chart-by-month"] svg').first().waitFor();
      await fp.locator('[data-testid="chart-by-city"] svg').first().waitFor();
      await expect(fp.getByTestId('chart-by-month').innerText()).resolves.toContain(MONTH);
      await expect(fp.locator(`[data-testid="open-batch"][data-batch-id="${batchId}"]`).count()).resolves.toBe(0);
      await noToast(fp);
      await screenshot(fp, 'finance-dashboard.png');
      await fp.setViewportSize(PHONE);
      await fp.reload();
      await fp.locator('[data-testid="dashboard"][data-busy="false"]').waitFor();
      await fp.locator('[data-testid="chart-by-month"] svg').first().waitFor();
      await expectNoHorizontalOverflow(fp);
      const chartWidth = await fp.getByTestId('chart-by-month').evaluate((el) => el.getBoundingClientRect().width);
      expect(chartWidth, 'the chart fits the phone').toBeLessThanOrEqual(PHONE.width);
      await screenshot(fp, 'finance-dashboard-phone.png');
      await fp.setViewportSize(DESKTOP);

      // A city's office reads its own city's money: no reconciliation, no check of the whole ledger.
      await expect(fp.getByTestId('latest-run').count()).resolves.toBe(0);
      await expect(fp.getByTestId('nav-finance-reconciliation').count()).resolves.toBe(0);
      await fp.getByTestId('nav-ledger').click();
      await fp.waitForURL((url) => url.pathname === '/ledger');
      await fp.getByTestId('ledger-city-scope').waitFor();
      await expect(fp.getByTestId('ledger-check').count()).resolves.toBe(0);
      await fp.goto('/finance/reconciliation');
      await fp.getByTestId('forbidden').waitFor();

      // --- the provincial office reconciles October–November
      await finance.context.clearCookies();
      await signIn(fp, 'finance2@demo.test');
      await fp.waitForURL((url) => url.pathname === '/finance/dashboard');
      await fp.getByTestId('nav-finance-reconciliation').click();
      await fp.waitForURL((url) => url.pathname === '/finance/reconciliation');
      const [from, to] = [
        fp.locator('.run-form .ant-picker input').nth(0),
        fp.locator('.run-form .ant-picker input').nth(1),
      ];
      await from.click();
      await from.fill('2026-10-01');
      await from.press('Enter');
      await to.fill('2026-11-30');
      await to.press('Enter');
      await expect(from.inputValue()).resolves.toBe('2026-10-01');
      await expect(to.inputValue()).resolves.toBe('2026-11-30');
      await fp.getByTestId('run-start').click();
      await fp.waitForURL((url) => /^\/finance\/reconciliation\/\d+$/.test(url.pathname));
      const verdict = fp.getByTestId('run-verdict');
      await verdict.waitFor();
      const runId = Number(await fp.getByTestId('run-detail').getAttribute('data-run-id'));
      const run = await api<{ status: string; from: string; to: string; findings: unknown[] }>(
        fp,
        `/reconciliation/runs/${runId}`,
      );
      expect(run.from).toBe('2026-09-30T16:00:00.000Z');
      expect(run.to).toBe('2026-11-30T16:00:00.000Z');
      expect(run.status, `findings: ${JSON.stringify(run.findings)}`).toBe('clean');
      await expect(verdict.getAttribute('data-status')).resolves.toBe('clean');
      await expect(verdict.innerText()).resolves.toContain('账实相符');
      await noToast(fp);
      await screenshot(fp, 'reconciliation-result.png');
      await fp.setViewportSize(PHONE);
      await fp.reload();
      await fp.getByTestId('run-verdict').waitFor();
      await expectNoHorizontalOverflow(fp);
      await screenshot(fp, 'reconciliation-result-phone.png');

      // The dashboard links the latest run (ours, or the daily scheduled one if it ran since).
      await fp.setViewportSize(DESKTOP);
      await fp.goto('/finance/dashboard');
      const latest = fp.getByTestId('latest-run');
      await latest.waitFor();
      expect(Number(await latest.getAttribute('data-run-id'))).toBeGreaterThanOrEqual(runId);
      await expect(latest.getAttribute('data-status')).resolves.toBe('clean');
      await latest.getByTestId('latest-run-link').click();
      await fp.waitForURL((url) => /^\/finance\/reconciliation\/\d+$/.test(url.pathname));
      await fp.getByTestId('run-verdict').waitFor();
    } finally {
      await lab.context.close();
      await finance.context.close();
    }
  }, 240_000);
});
