/**
 * Paying with an innovation voucher (创新券) in a real browser. The demo researcher, whose enterprise is
 * certified and holds a quota in the demo programme, books machine time with the voucher on and pays the
 * self-pay share with the processor's 4242 test card; the lab approves, checks in and completes it; the
 * researcher then sees the voucher use posted on 我的创新券 and the card payment captured for exactly the
 * self-pay share the checkout showed. A declined test card (4000 0000 0000 0002) shows the decline and
 * makes no booking. Admins see the programmes, finance sees the ledger.
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
  roundTheClock,
  signIn,
  chooseOption,
  noToast,
  clickOpened,
} from './helpers.ts';

const harness = useHarness();

type BookingJson = {
  id: number;
  status: string;
  price: { totalFen: number; voucherFen: number; selfPayFen: number };
  finalPrice: { totalFen: number; voucherFen: number; selfPayFen: number } | null;
  payment: { status: string; authorisedFen: number; capturedFen: number } | null;
  voucherUse: { status: string; reservedFen: number; postedFen: number | null } | null;
};

const bookableInstrument = () => bookableInstrumentAt(harness().server.baseUrl);

/** Open the booking drawer on a free slot and wait for the live quote with its voucher split. */
async function openCheckout(page: Page, instrumentId: number, days: number) {
  await page.goto(`/instruments/${instrumentId}`);
  await page.getByTestId('week-calendar').waitFor();
  const start = await pickFreeSlot(page, days);
  await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
  await page.getByTestId('booking-form').waitFor();
  // The voucher is on by default for an enterprise holding an active quota.
  await page.locator('[data-testid="voucher-choice"][data-on="true"]').waitFor();
  await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="voucher-split"]');
  const split = page.getByTestId('voucher-split');
  const voucherFen = Number(await split.getAttribute('data-voucher-fen'));
  const selfPayFen = Number(await split.getAttribute('data-self-pay-fen'));
  const totalFen = Number(await page.getByTestId('quote-total').getAttribute('data-fen'));
  // 经费来源: an enterprise names the research funding it pays from (the national service record asks).
  await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
  return { voucherFen, selfPayFen, totalFen };
}

/** Choose one of the processor's test cards in the payment form, by the number people know. */
async function chooseCard(page: Page, number: string) {
  await page.getByTestId('payment-section').getByText('银行卡支付').click();
  await chooseOption(page, page.getByTestId('payment-card'), number);
}

/** The demo researcher's quota in the demo programme, as 我的创新券 shows it. */
async function quotaFigures(page: Page) {
  await page.goto('/vouchers');
  const card = page.getByTestId('quota-card').first();
  await card.waitFor();
  return {
    usedFen: Number(await card.getAttribute('data-used-fen')),
    reservedFen: Number(await card.getAttribute('data-reserved-fen')),
    availableFen: Number(await card.getAttribute('data-available-fen')),
  };
}

describe('voucher checkout', () => {
  // Two browsers through checkout, approval, completion and capture: 32–42 s alone, ~60 s beside the other suite.
  it('books with the voucher and the 4242 card; the lab completes it; the voucher is posted and the card captured', async () => {
    const instrumentId = await bookableInstrument();
    // Open round the clock without notice: the booking starts within half an hour, so the lab may check it in.
    const restore = await changeRules(harness().server.baseUrl, instrumentId, roundTheClock);
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      await expect(page.getByTestId('nav-my-vouchers').count()).resolves.toBe(1);
      const before = await quotaFigures(page);
      expect(before.availableFen, 'the demo enterprise holds an active quota').toBeGreaterThan(0);

      // --- checkout: the split, the card, the amount to authorise
      const { voucherFen, selfPayFen, totalFen } = await openCheckout(page, instrumentId, 0);
      expect(voucherFen).toBeGreaterThan(0);
      expect(voucherFen + selfPayFen).toBe(totalFen);
      await expect(page.getByTestId('split-self-pay').innerText()).resolves.toBe(formatFen(selfPayFen));
      await expect(page.getByTestId('split-voucher').innerText()).resolves.toContain(formatFen(voucherFen));
      // The voucher line names the programme and its ratio, and why the share is what it is.
      await expect(page.getByTestId('voucher-split').innerText()).resolves.toMatch(/创新券.*补贴 \d+%/s);
      await expect(page.getByTestId('split-limited-by').innerText()).resolves.toMatch(/补贴比例|额度|上限|预算/);
      await page.getByTestId('booking-purpose').fill('新材料样品的表征测试（创新券端到端测试）');
      await chooseCard(page, '4242 4242 4242 4242');
      const submit = page.getByTestId('booking-submit');
      await expect(submit.innerText()).resolves.toContain(formatFen(selfPayFen));
      await expect(submit.innerText()).resolves.toMatch(/授权/);
      await page.getByTestId('booking-quote').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: path.join(screenshotDir, 'voucher-checkout.png'), animations: 'disabled' });

      await submit.click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      const firstStatus = await confirmation.getAttribute('data-status');
      expect(bookingId).toBeGreaterThan(0);
      expect(['requested', 'approved']).toContain(firstStatus);
      await expect(confirmation.getByTestId('payment-status').getAttribute('data-status')).resolves.toBe('authorised');
      const booked = (await (await page.request.get(`/api/v1/bookings/${bookingId}`)).json()) as BookingJson;
      expect(booked.payment?.status).toBe('authorised');
      expect(booked.payment?.authorisedFen).toBe(selfPayFen);
      expect(booked.voucherUse?.status).toBe('reserved');
      expect(booked.voucherUse?.reservedFen).toBe(voucherFen);

      // The quota now holds the voucher share.
      const reserved = await quotaFigures(page);
      expect(reserved.reservedFen).toBe(before.reservedFen + voucherFen);

      // --- the lab approves (unless it was confirmed at once), checks in and completes it as booked
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.goto(`/bookings/${bookingId}`);
      const detail = lp.getByTestId('booking-detail');
      await detail.waitFor();
      if (firstStatus === 'requested') {
        await lp.getByTestId('approve').click();
        await lp.locator('[data-testid="booking-detail"][data-status="approved"]').waitFor();
      }
      await lp.getByTestId('check-in').click();
      await lp.locator('[data-testid="booking-detail"][data-status="in_progress"]').waitFor();
      await lp.getByTestId('complete').click();
      await lp.getByTestId('complete-minutes').waitFor();
      // Before anything is captured, the dialog says what will happen to the card hold and the voucher share.
      const note = await lp.getByTestId('complete-modal').getByTestId('money-note').innerText();
      expect(note).toContain(`最多 ${formatFen(selfPayFen)}`);
      expect(note).toContain(`最多 ${formatFen(voucherFen)}（冻结额）`);
      await clickOpened(lp, lp.getByTestId('complete-ok'));
      await lp.locator('[data-testid="booking-detail"][data-status="completed"]').waitFor();

      // --- 我的创新券: the use is posted and the used amount grew by the voucher share
      const after = await quotaFigures(page);
      expect(after.usedFen).toBe(before.usedFen + voucherFen);
      expect(after.reservedFen).toBe(before.reservedFen);
      const useRow = page.locator(`[data-testid="voucher-uses"] tr[data-booking-id="${bookingId}"]`);
      await useRow.waitFor();
      await expect(useRow.getAttribute('data-status')).resolves.toBe('posted');
      await expect(useRow.innerText()).resolves.toContain(formatFen(voucherFen));
      await screenshot(page, 'my-vouchers.png');

      // --- the booking: the card payment captured for exactly the self-pay share shown at checkout
      await useRow.getByTestId('voucher-use-booking').click();
      await page.waitForURL((url) => url.pathname === `/bookings/${bookingId}`);
      const payment = page.locator('[data-testid="booking-payment"][data-status="captured"]');
      await payment.waitFor();
      await expect(page.getByTestId('payment-captured').getAttribute('data-fen')).resolves.toBe(String(selfPayFen));
      await expect(page.getByTestId('payment-captured').innerText()).resolves.toBe(formatFen(selfPayFen));
      await expect(page.locator('[data-testid="booking-voucher-use"]').getAttribute('data-status')).resolves.toBe(
        'posted',
      );
      await screenshot(page, 'voucher-booking-detail.png');

      const done = (await (await page.request.get(`/api/v1/bookings/${bookingId}`)).json()) as BookingJson;
      expect(done.status).toBe('completed');
      expect(done.payment?.status).toBe('captured');
      expect(done.payment?.capturedFen).toBe(selfPayFen);
      expect(done.voucherUse?.status).toBe('posted');
      expect(done.voucherUse?.postedFen).toBe(voucherFen);

      // My vouchers at phone width.
      await page.setViewportSize(PHONE);
      await page.goto('/vouchers');
      await page.getByTestId('quota-card').first().waitFor();
      await page.locator('[data-testid="voucher-uses"] [data-booking-id]').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'my-vouchers-phone.png');
    } finally {
      await researcher.context.close();
      await lab.context.close();
      await restore();
    }
  }, 120_000);

  it('shows a declined card (4000 0000 0000 0002) at phone width and makes no booking', async () => {
    const instrumentId = await bookableInstrument();
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'researcher@demo.test');
      const ids = async () => {
        const res = await page.request.get('/api/v1/bookings?limit=100');
        expect(res.status()).toBe(200);
        return ((await res.json()) as { items: { id: number }[] }).items.map((b) => b.id).sort();
      };
      const before = await ids();
      const quota = await quotaFigures(page);

      const { selfPayFen } = await openCheckout(page, instrumentId, 5);
      await chooseCard(page, '4000 0000 0000 0002');
      await expect(page.getByTestId('booking-submit').innerText()).resolves.toContain(formatFen(selfPayFen));
      await expectNoHorizontalOverflow(page);
      await page.getByTestId('booking-quote').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: path.join(screenshotDir, 'voucher-checkout-phone.png'), animations: 'disabled' });

      await page.getByTestId('booking-submit').click();
      const declined = page.getByTestId('payment-declined');
      await declined.waitFor();
      await expect(declined.innerText()).resolves.toContain('银行卡被拒绝');
      await expect(page.getByTestId('decline-reason').innerText()).resolves.toBe('发卡行拒绝了本次交易');
      await expect(declined.getAttribute('data-decline-code')).resolves.toBe('generic_decline');
      await expect(page.getByTestId('booking-confirmation').count()).resolves.toBe(0);
      await declined.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, 'voucher-declined-phone.png'), animations: 'disabled' });

      // No booking, and nothing held on the quota.
      expect(await ids()).toEqual(before);
      const after = await quotaFigures(page);
      expect(after.reservedFen).toBe(quota.reservedFen);
      expect(after.availableFen).toBe(quota.availableFen);
    } finally {
      await context.close();
    }
  });

  it('offers a retry with the same Idempotency-Key when the payment service is down', async () => {
    const instrumentId = await bookableInstrument();
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'researcher@demo.test');
      const { selfPayFen } = await openCheckout(page, instrumentId, 7);
      await chooseCard(page, '5555 5555 5555 4444');
      // The first attempt meets a processor outage (503); the retry goes through.
      const keys: string[] = [];
      await page.route('**/api/v1/bookings', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        keys.push(route.request().headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          return route.fulfill({
            status: 503,
            contentType: 'application/problem+json',
            body: JSON.stringify({ status: 503, code: 'unavailable', detail: 'the payment processor is unavailable' }),
          });
        }
        return route.fallback();
      });
      await page.getByTestId('booking-submit').click();
      const unavailable = page.getByTestId('payment-unavailable');
      await unavailable.waitFor();
      await expect(unavailable.innerText()).resolves.toMatch(/支付服务暂时不可用[\s\S]*不会重复扣款/);
      await page.getByTestId('payment-retry').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^[\w-]{8,100}$/);
      expect(keys[1]).toBe(keys[0]);
      const id = Number(await confirmation.getAttribute('data-booking-id'));
      const b = (await (await page.request.get(`/api/v1/bookings/${id}`)).json()) as BookingJson;
      expect(b.payment?.authorisedFen).toBe(selfPayFen);
    } finally {
      await context.close();
    }
  });

  it('shows the voucher programmes to the platform admin', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'admin@demo.test');
      await page.getByTestId('nav-admin-programmes').click();
      await page.waitForURL((url) => url.pathname === '/admin/programmes');
      const rows = page.locator('[data-testid="programmes"] .ant-table-row');
      await rows.first().waitFor();
      await expect(page.getByTestId('programmes').innerText()).resolves.toContain('创新券');
      await noToast(page);
      await screenshot(page, 'admin-programmes.png');

      // The form: Shandong's ratio table and caps in yuan (the provincial programme; 临沂's is listed too).
      await rows.filter({ hasText: '2026年度山东省科技创新券' }).first().getByTestId('edit-programme').click();
      const drawer = page.getByTestId('programme-form');
      await drawer.waitFor();
      await expect(page.getByTestId('ratio-city-371300').inputValue()).resolves.toBe('60');
      await expect(page.getByTestId('ratio-city-370100').inputValue()).resolves.toBe('');
      await expect(page.getByTestId('programme-enterprise-cap').inputValue()).resolves.toMatch(/^\d+\.\d{2}$/);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: path.join(screenshotDir, 'admin-programme-form.png'), animations: 'disabled' });
      await page.getByTestId('ratio-table').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, 'admin-programme-ratios.png'), animations: 'disabled' });
      await page.keyboard.press('Escape');

      for (const [nav, url, table] of [
        ['nav-admin-enterprises', '/admin/enterprises', 'enterprises'],
        ['nav-admin-related-parties', '/admin/related-parties', 'related-parties'],
        ['nav-admin-quotas', '/admin/quotas', 'quotas'],
      ] as const) {
        await page.getByTestId(nav).click();
        await page.waitForURL((u) => u.pathname === url);
        await page.locator(`[data-testid="${table}"] .ant-table-row`).first().waitFor();
      }
      await screenshot(page, 'admin-quotas.png');

      await page.setViewportSize(PHONE);
      await page.goto('/admin/programmes');
      await page.locator('[data-testid="programmes"] .ant-table-row').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'admin-programmes-phone.png');
    } finally {
      await context.close();
    }
  });

  it('shows the whole ledger, balanced, to the provincial office', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'finance2@demo.test');
      await page.getByTestId('nav-ledger').click();
      await page.waitForURL((url) => url.pathname === '/ledger');
      await page.locator('[data-testid="ledger-check"][data-balanced="true"]').waitFor();
      await page.locator('[data-testid="ledger-accounts"] .ant-table-row').first().waitFor();
      await page.locator('[data-testid="ledger-transfers"] .ant-table-row').first().waitFor();
      await expect(page.getByTestId('ledger-accounts').innerText()).resolves.toMatch(/¥[\d,]+\.\d{2}/);
      await noToast(page);
      await screenshot(page, 'ledger.png');

      // Filter the transfers by one account.
      await page
        .locator('[data-testid="ledger-accounts"] .ant-table-row')
        .first()
        .getByTestId('show-transfers')
        .click();
      await page.getByTestId('transfer-clear').waitFor();

      await page.setViewportSize(PHONE);
      await page.goto('/ledger');
      await page.locator('[data-testid="ledger-accounts"] .ant-table-row').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'ledger-phone.png');
    } finally {
      await context.close();
    }
  });

  it('shows a city office only its own city’s accounts, without the whole-ledger check', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'finance@demo.test');
      await page.getByTestId('nav-ledger').click();
      await page.waitForURL((url) => url.pathname === '/ledger');
      await page.getByTestId('ledger-city-scope').waitFor();
      await page.locator('[data-testid="ledger-accounts"] .ant-table-row').first().waitFor();
      expect(await page.locator('[data-testid="ledger-check"]').count()).toBe(0);
      // None of the accounts that mix every city's money (processor clearing, the platform).
      await expect(page.getByTestId('ledger-accounts').innerText()).resolves.not.toMatch(/processor|clearing|平台/i);
      await noToast(page);
      await screenshot(page, 'ledger-city-office.png');
    } finally {
      await context.close();
    }
  });
});
