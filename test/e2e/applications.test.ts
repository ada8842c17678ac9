/**
 * SME certification and voucher applications (申领) in a real browser, on the demo. 济南's finance
 * office approves the demo enterprise's voucher application awaiting it, for less than asked; the
 * researcher sees it approved and the quota on 我的创新券. 青岛's enterprise applies for its renewed
 * certification with the certificate attached; 青岛's office returns it, the enterprise resubmits and
 * the office approves. The admin's programme form offers the issue modes. Phone width throughout.
 */
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  decideApplication,
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  noToast,
  PHONE,
  screenshot,
  screenshotDir,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();

describe('applications', () => {
  it('has the office approve the demo enterprise’s voucher application, and the enterprise see its quota', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'finance@demo.test');
      await page.getByTestId('nav-finance-voucher-applications').click();
      await page.waitForURL((u) => u.pathname === '/finance/voucher-applications');
      const row = page.locator('[data-testid="application-queue"] [data-status="submitted"]').first();
      await row.waitFor();
      await screenshot(page, 'voucher-application-queue.png');
      await row.getByTestId('open-application').click();
      await page.getByTestId('voucher-review').waitFor();
      await decideApplication(page, 'voucher-review', 'approve', 'approved', {
        offeredYuan: '80000.00',
        amountYuan: '60000',
      });
      await noToast(page);
      await screenshot(page, 'voucher-application-approved.png');
    } finally {
      await context.close();
    }

    const r = await newPage(harness(), PHONE);
    try {
      await signIn(r.page, 'researcher@demo.test');
      await r.page.goto('/my/voucher-applications');
      const mine = r.page.locator('[data-testid="my-voucher-applications"] [data-status="approved"]');
      await mine.first().waitFor();
      await r.page.getByTestId('open-programmes').waitFor();
      await expectNoHorizontalOverflow(r.page);
      await screenshot(r.page, 'voucher-applications-phone.png');
      await mine.first().getByRole('link').click();
      await r.page.locator('[data-testid="my-voucher-application"][data-status="approved"]').waitFor();
      await expect(r.page.getByTestId('application-history').innerText()).resolves.toContain('审核通过');
      await r.page.getByTestId('view-quota').click();
      await r.page.waitForURL((u) => u.pathname === '/vouchers');
      const card = r.page.locator('[data-testid="quota-card"]').filter({ hasText: '第二批' });
      await card.waitFor();
      await expect(card.innerText()).resolves.toContain('60,000.00');
    } finally {
      await r.context.close();
    }
  });

  it('takes a certification application with its certificate, returned once, then approved', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'isp-cert-'));
    const pdf = path.join(dir, '入库登记证明.pdf');
    writeFileSync(pdf, '%PDF-1.4\n% 科技型中小企业入库登记证明\n1 0 obj << >> endobj\n%%EOF\n');
    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'researcher2@demo.test');
      await page.goto('/my/certification');
      await page.getByTestId('certification-form').waitFor();
      await page.getByTestId('registration-no').fill(`${year}37020200001234`);
      await page.locator('[data-testid="certification-form"] input[type="file"]').setInputFiles(pdf);
      await page.getByTestId('submit-certification').click();
      await page.locator('[data-testid="certification-underway"][data-status="submitted"]').waitFor();
      await page.getByTestId('application-documents').waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'certification-submitted-phone.png');
    } finally {
      await context.close();
    }

    const office = await newPage(harness(), DESKTOP);
    const review = async (decision: 'return' | 'approve') => {
      await office.page.goto('/finance/certification-applications');
      await office.page.locator('[data-testid="application-queue"] [data-status="submitted"]').first().waitFor();
      await office.page.getByTestId('open-application').first().click();
      await office.page.getByTestId('certification-review').waitFor();
      await decideApplication(
        office.page,
        'certification-review',
        decision,
        decision === 'return' ? 'returned' : 'approved',
        decision === 'return' ? { note: '请上传加盖公章的入库登记证明' } : {},
      );
    };
    try {
      await signIn(office.page, 'finance3@demo.test');
      await review('return');

      const again = await newPage(harness(), DESKTOP);
      try {
        await signIn(again.page, 'researcher2@demo.test');
        await again.page.goto('/my/certification');
        await again.page.locator('[data-testid="certification-underway"][data-status="returned"]').waitFor();
        await expect(again.page.getByTestId('outcome-alert').innerText()).resolves.toContain('公章');
        await again.page.getByTestId('submit-certification').click();
        await again.page.locator('[data-testid="certification-underway"][data-status="submitted"]').waitFor();
      } finally {
        await again.context.close();
      }

      await review('approve');
      await screenshot(office.page, 'certification-approved.png');
    } finally {
      await office.context.close();
    }
  });

  it('offers the issue modes in the admin’s programme form', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/programmes');
      await page.getByTestId('issue-mode-tag').first().waitFor();
      await page.getByTestId('add-programme').click();
      await page.getByTestId('programme-form').waitFor();
      await page.getByTestId('programme-name').fill('浏览器测试申领项目');
      await page.getByTestId('programme-budget-input').fill('1000000');
      await page.getByTestId('issue-mode').getByText('自动发放给认定企业').click();
      await page.getByTestId('automatic-quota').waitFor();
      await page.getByTestId('issue-mode').getByText('企业申领').click();
      const [opens, closes] = [
        page.getByTestId('application-window').nth(0),
        page.getByTestId('application-window').nth(1),
      ];
      const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      // Typed dates, committed by moving on (Enter would submit the form).
      await opens.click();
      await opens.fill(`${year}-01-01`);
      await opens.press('Tab');
      await closes.fill(`${year}-12-31`);
      await closes.press('Tab');
      await expect(opens.inputValue()).resolves.toBe(`${year}-01-01`);
      await expect(closes.inputValue()).resolves.toBe(`${year}-12-31`);
      await page.getByTestId('issue-mode').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, 'programme-issue-mode.png') });
      await page.getByTestId('save-programme').click();
      const row = page.locator('[data-testid="programmes"] .ant-table-row').filter({ hasText: '浏览器测试申领项目' });
      await row.waitFor();
      await expect(row.getByTestId('issue-mode-tag').innerText()).resolves.toContain(`${year}-01-01 – ${year}-12-31`);
    } finally {
      await context.close();
    }
  });
});
