/**
 * Settlement (兑付) and reconciliation in a real browser. The demo lab claims October 2026's completed
 * voucher jobs of programme 1 on 兑付申报, fills in the invoice numbers and submits the batch with its
 * bank account. 济南市科学技术局's finance officer (finance@demo.test) lands on 资金看板, opens the batch on
 * 兑付审核 (its own lines of it), returns one line and approves the rest; the lab corrects and resubmits the
 * returned line; finance approves it; 临沂's office approves its lines; the provincial office (the paying office,
 * finance2@demo.test) pays the batch with a bank reference. The dashboard then shows the city's paid amount and its
 * charts; the city's office has no reconciliation, the provincial office (finance2@demo.test) runs one of
 * October–November and sees its result.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../server/modules/settlement/checks.ts';
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
  approveAll,
  approveLine,
  payBatch,
  fillOpened,
  clickOpened,
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
  lines: {
    id: number;
    status: string;
    invoiceNo: string | null;
    voucherFen: number;
    checksOk: boolean;
    reviewOffice: { name: string };
  }[];
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
      // The lab picks from what it can claim (programme, month, count, amount): it never types a number.
      const option = lp.locator(`[data-testid="claimable-option"][data-month="${MONTH}"]`).first();
      await option.waitFor();
      await expect(option.innerText()).resolves.toMatch(/笔 · 创新券 ¥/);
      await option.click();
      await screenshot(lp, 'settlement-new-claim.png');
      await lp.getByTestId('new-claim-ok').click();
      await lp.waitForURL((url) => /^\/lab\/settlement\/\d+$/.test(url.pathname));

      // One batch for the month, whatever the enterprises' cities: each line carries its reviewing office.
      const drafts = (await api<{ items: BatchJson[] }>(lp, '/settlement-batches?status=draft')).items;
      const mine = drafts.find((b) => b.month === MONTH);
      expect(mine, `a draft for ${MONTH}`).toBeTruthy();
      const batchId = mine!.id;
      if (!lp.url().endsWith(`/lab/settlement/${batchId}`)) await lp.goto(`/lab/settlement/${batchId}`);
      await batchReady(lp, batchId, 'draft');
      const draft = await api<BatchJson>(lp, `/settlement-batches/${batchId}`);
      const lines = draft.lines.filter((l) => l.status === 'pending');
      const jinanLines = lines.filter((l) => l.reviewOffice.name === OFFICE);
      const jinanFen = jinanLines.reduce((s, l) => s + l.voucherFen, 0);
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
      await fillOpened(lp, lp.getByTestId('bank-name'), '中国银行济南分行营业部');
      await fillOpened(lp, lp.getByTestId('bank-account-no'), '6217 8560 0001 2345 678');
      await clickOpened(lp, lp.getByTestId('submit-ok'));
      await batchReady(lp, batchId, 'submitted');
      await expect(lp.getByTestId('batch-bank').innerText()).resolves.toContain('中国银行济南分行营业部');

      // --- finance lands on its queue (the claims to review), then reviews the batch
      const fp = finance.page;
      await signIn(fp, 'finance@demo.test');
      await fp.waitForURL((url) => url.pathname === '/finance/settlement');
      // What 济南's enterprises' claims were paid before (the seeded year's claims, db/seed/claims.ts).
      const paidBefore = (await api<{ byMonth: { paidFen: number }[] }>(fp, '/finance/dashboard')).byMonth.reduce(
        (s, m) => s + m.paidFen,
        0,
      );
      await fp.getByTestId('nav-finance-settlement').click();
      await fp.waitForURL((url) => url.pathname === '/finance/settlement');
      const row = fp.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
      await row.waitFor();
      await expect(row.getByTestId('batch-age').getAttribute('data-days')).resolves.toBe('0');
      await row.getByTestId('batch-link').click();
      await batchReady(fp, batchId, 'submitted');
      // 济南's office sees its lines of the batch only, and their total.
      await fp.getByTestId('scope-note').waitFor();
      await expect(fp.getByTestId('batch-total').getAttribute('data-fen')).resolves.toBe(String(jinanFen));

      // Per line: the evidence and every check.
      const returned = jinanLines[0]!;
      await line(fp, returned.id).locator('.ant-table-row-expand-icon').click();
      const evidence = fp.getByTestId('line-evidence');
      await evidence.waitFor();
      await expect(evidence.getByTestId('check').count()).resolves.toBe(CHECK_NAMES.length);
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
      await fillOpened(fp, fp.getByTestId('decision-reason'), '发票号与开票系统记录不一致，请核对后重新提交');
      await clickOpened(fp, fp.getByTestId('decision-ok'));
      await line(fp, returned.id, 'returned').waitFor();
      await approveAll(fp);
      for (const l of jinanLines.slice(1)) await line(fp, l.id, 'approved').waitFor();
      // 济南 reviews but does not pay the province's programme: no payment button for it.
      await expect(fp.getByTestId('pay-batch').count()).resolves.toBe(0);
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
      await approveLine(fp, returned.id);
      await expect(fp.getByTestId('pay-batch').count()).resolves.toBe(0);

      // --- 临沂's office decides its lines; the province (the paying office) pays, not an approver
      const linyi = await newPage(harness(), DESKTOP);
      const payer = await newPage(harness(), DESKTOP);
      try {
        // Each other city's office decides its lines (临沂's, and 聊城's where the demo has them).
        const officers: Record<string, string> = {
          临沂市科学技术局: 'finance4@demo.test',
          聊城市科学技术局: 'finance6@demo.test',
          山东省科学技术厅: 'reviewer@demo.test',
        };
        const others = lines.filter((x) => x.reviewOffice.name !== OFFICE);
        for (const office of new Set(others.map((x) => x.reviewOffice.name))) {
          expect(officers[office], `an officer of ${office}`).toBeTruthy();
          await linyi.context.clearCookies();
          await signIn(linyi.page, officers[office]!);
          for (const l of others.filter((x) => x.reviewOffice.name === office)) {
            const status = await linyi.page.evaluate(
              async (path) =>
                (await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }))
                  .status,
              `/api/v1/settlement-batches/${batchId}/lines/${l.id}/approve`,
            );
            expect(status, `${office} approves line ${l.id}`).toBe(200);
          }
        }
        const pp = payer.page;
        await signIn(pp, 'finance2@demo.test');
        await pp.goto(`/finance/settlement/${batchId}`);
        await batchReady(pp, batchId, 'reviewed');
        await pp.getByTestId('review-done').waitFor();
        await payBatch(pp, 'GK-2026-1128-000731');
        await batchReady(pp, batchId, 'paid');
        await expect(pp.getByTestId('batch-paid-fen').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));
        await expect(pp.getByTestId('batch-paid').innerText()).resolves.toContain('GK-2026-1128-000731');
        await expect(pp.getByTestId('paid-by').innerText()).resolves.toBe('徐宏伟');
      } finally {
        await linyi.context.close();
        await payer.context.close();
      }
      await fp.reload();
      await batchReady(fp, batchId, 'paid');
      const paid = await api<BatchJson>(lp, `/settlement-batches/${batchId}`);
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
      // The city's part of the paid money: its enterprises' lines (this batch's, after the year's).
      await expect(paidKpi.getAttribute('data-fen')).resolves.toBe(String(paidBefore + jinanFen));
      await expect(paidKpi.locator('.kpi__value').getAttribute('title')).resolves.toBe(
        formatFen(paidBefore + jinanFen),
      );
      await fp.locator('[data-testid="chart-by-month"] svg').first().waitFor();
      await fp.locator('[data-testid="chart-by-city"] svg').first().waitFor();
      // Months are named 10月 (the year under the first month and each January).
      await expect(fp.getByTestId('chart-by-month').innerText()).resolves.toContain('10月');
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
      await fp.waitForURL((url) => url.pathname === '/finance/settlement');
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
