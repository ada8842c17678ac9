/**
 * Paying by bank transfer (对公转账) in a real browser: the demo researcher books with the voucher and
 * chooses 对公转账; once the lab confirms, the booking page shows the payment notice (payee, amount,
 * remittance reference, due date, PDF) and 付款通知书 lists it; the lab finds it on 到账确认 by its
 * reference and records the receipt with the bank's reference; the enterprise then sees it paid.
 * Desktop and phone width, with screenshots.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/ui/money.ts';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  screenshot,
  screenshotDir,
  useHarness,
  bookableInstrumentAt,
  changeRules,
  pickFreeSlot,
  signIn,
  chooseOption,
} from './helpers.ts';

const harness = useHarness();

type NoticeJson = { id: number; reference: string; amountFen: number; receivedFen: number; status: string };

/** Opens the booking drawer on a free slot, waits for the voucher split, and answers the self-pay share. */
async function openCheckout(page: Page, instrumentId: number) {
  await page.goto(`/instruments/${instrumentId}`);
  await page.getByTestId('week-calendar').waitFor();
  const start = await pickFreeSlot(page, 2);
  await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
  await page.getByTestId('booking-form').waitFor();
  await page.locator('[data-testid="voucher-choice"][data-on="true"]').waitFor();
  await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="voucher-split"]');
  return Number(await page.getByTestId('voucher-split').getAttribute('data-self-pay-fen'));
}

describe('bank transfer', () => {
  it('an enterprise books with 对公转账, sees the notice; the lab records the receipt', async () => {
    const base = harness().server.baseUrl;
    const instrumentId = await bookableInstrumentAt(base);
    // The lab approves requests: the notice comes with its confirmation.
    const restore = await changeRules(base, instrumentId, (r) => ({ ...r, approvalRequired: true }));
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      const selfPayFen = await openCheckout(page, instrumentId);
      expect(selfPayFen).toBeGreaterThan(0);
      await page.getByTestId('booking-purpose').fill('新材料样品表征（对公转账端到端测试）');
      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      await page.getByTestId('pay-bank-transfer').click();
      await page.locator('[data-testid="payment-section"][data-method="bank_transfer"]').waitFor();
      await expect(page.getByTestId('bank-transfer-hint').innerText()).resolves.toContain('付款通知书');
      // The drawer, as it stands (a full-page shot of an open drawer takes too long).
      await page.getByTestId('payment-section').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: path.join(screenshotDir, 'bank-transfer-checkout.png'), animations: 'disabled' });
      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      expect(await confirmation.getAttribute('data-status')).toBe('requested');

      // Not confirmed yet: the booking page says the notice comes with the confirmation.
      await page.goto(`/bookings/${bookingId}`);
      await page.getByTestId('payment-notice-card').getByText('预约确认后生成付款通知书').waitFor();

      // --- the lab confirms
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.goto(`/bookings/${bookingId}`);
      await lp.getByTestId('booking-detail').waitFor();
      await lp.getByTestId('approve').click();
      await lp.locator('[data-testid="booking-detail"][data-status="approved"]').waitFor();

      // --- the enterprise sees its notice: payee, amount, reference, due date, PDF
      await page.reload();
      const card = page.getByTestId('payment-notice-card');
      await card.getByTestId('payment-notice').waitFor();
      const reference = (await card.getByTestId('notice-reference').innerText()).trim();
      expect(reference).toMatch(/^TR[0-9A-Z]{7}$/);
      await expect(card.getByTestId('notice-amount').getAttribute('data-fen')).resolves.toBe(String(selfPayFen));
      await expect(card.getByTestId('notice-status').getAttribute('data-status')).resolves.toBe('open');
      await expect(card.innerText()).resolves.toContain('山东省分析测试中心');
      const pdfUrl = await card.getByTestId('notice-pdf').getAttribute('href');
      const pdf = await page.request.get(pdfUrl!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'bank-transfer-notice.png');

      // 付款通知书 lists it.
      await page.getByTestId('nav-my-payment-notices').click();
      await page.locator(`[data-testid="notice-row"][data-reference="${reference}"]`).waitFor();

      // --- the lab finds it by reference on 到账确认 and records the receipt
      await lp.getByTestId('nav-lab-receipts').click();
      await lp.getByTestId('lab-receipts').waitFor();
      await lp.getByTestId('notice-search').locator('input').fill(reference.toLowerCase());
      await lp.getByTestId('notice-search').locator('input').press('Enter');
      const row = lp.locator(`[data-testid="notice-row"][data-reference="${reference}"]`);
      await row.waitFor();
      await row.click();
      const form = lp.getByTestId('receipt-form');
      await form.waitFor();
      await form.getByTestId('receipt-amount').fill((selfPayFen / 100).toFixed(2));
      await form.getByTestId('receipt-bank-reference').fill('ICBC20261201E2E');
      await screenshot(lp, 'bank-transfer-lab-receipt.png');
      await form.getByTestId('receipt-save').click();
      await lp.locator('[data-testid="notice-status"][data-status="paid"]').first().waitFor();
      await lp.getByTestId('notice-receipts').waitFor();
      await expect(lp.getByTestId('notice-receipts').innerText()).resolves.toContain('ICBC20261201E2E');
      await screenshot(lp, 'bank-transfer-lab-paid.png');

      const after = (await (
        await page.request.get(`/api/v1/bookings/${bookingId}/payment-notice`)
      ).json()) as NoticeJson;
      expect(after).toMatchObject({ status: 'paid', receivedFen: selfPayFen, reference });

      // --- the enterprise sees it paid, at phone width too
      await page.goto(`/bookings/${bookingId}`);
      await page
        .locator('[data-testid="payment-notice-card"] [data-testid="notice-status"][data-status="paid"]')
        .waitFor();
      await expect(page.getByTestId('notice-received').innerText()).resolves.toBe(formatFen(selfPayFen));
      await page.setViewportSize(PHONE);
      await page.getByTestId('payment-notice-card').scrollIntoViewIfNeeded();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'bank-transfer-notice-phone.png');
      await page.goto('/my/payment-notices');
      await page.locator(`[data-testid="notice-row"][data-reference="${reference}"]`).waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'bank-transfer-my-notices-phone.png');
    } finally {
      await researcher.context.close();
      await lab.context.close();
      await restore();
    }
  }, 180_000);
});
