/**
 * The service agreement (服务协议) in a real browser: the demo researcher books with a card on an
 * instrument that needs no approval, asking for 经费来源; the booking page shows the funding source and
 * the agreement card (number, SHA-256, PDF), and 接受协议 records who accepted it and when. Desktop and
 * phone width, with screenshots.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  clickOpened,
  DESKTOP,
  PHONE,
  bookableInstrumentAt,
  changeRules,
  chooseOption,
  expectNoHorizontalOverflow,
  newPage,
  pickFreeSlot,
  screenshot,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();

async function openCheckout(page: Page, instrumentId: number) {
  await page.goto(`/instruments/${instrumentId}`);
  await page.getByTestId('week-calendar').waitFor();
  const start = await pickFreeSlot(page, 2);
  await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
  await page.getByTestId('booking-form').waitFor();
  await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"]');
}

describe('service agreement', () => {
  it('an enterprise books, names its funding source, downloads and accepts the agreement', async () => {
    const base = harness().server.baseUrl;
    const instrumentId = await bookableInstrumentAt(base);
    const restore = await changeRules(base, instrumentId, (r) => ({ ...r, approvalRequired: false }));
    const { page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'researcher@demo.test');
      await openCheckout(page, instrumentId);
      await page.getByTestId('booking-purpose').fill('服务协议端到端测试');
      await chooseOption(page, page.getByTestId('booking-funding-source'), '省级科研项目');
      const card = page.getByTestId('pay-card');
      if (await card.count()) await card.click();
      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      expect(await confirmation.getAttribute('data-status')).toBe('approved');

      await page.goto(`/bookings/${bookingId}`);
      await page.getByTestId('booking-detail').waitFor();
      await expect(page.getByTestId('booking-detail').innerText()).resolves.toContain('省级科研项目');
      const agreement = page.getByTestId('agreement');
      await agreement.waitFor({ timeout: 30_000 });
      const sha256 = await agreement.getAttribute('data-sha256');
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      const pdfUrl = await page.getByTestId('agreement-pdf').getAttribute('href');
      const pdf = await page.request.get(pdfUrl!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['x-content-sha256']).toBe(sha256);
      await page.getByTestId('agreement-card').scrollIntoViewIfNeeded();
      await screenshot(page, 'service-agreement.png');

      await page.getByTestId('agreement-accept').click();
      await clickOpened(page, page.locator('.ant-popconfirm .ant-btn-primary'));
      await page.getByTestId('agreement-accepted').waitFor();
      await expect(page.getByTestId('agreement-accepted').innerText()).resolves.toContain('已由');
      await expect(page.getByTestId('agreement-accept').count()).resolves.toBe(0);
      await screenshot(page, 'service-agreement-accepted.png');

      await page.setViewportSize(PHONE);
      await page.getByTestId('agreement-card').scrollIntoViewIfNeeded();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'service-agreement-phone.png');

      // A service 10 days or more ahead (beyond the processor's ~7-day authorisation window): the card is saved
      // and authorised 6 days before it; the booking page says so.
      const from = new Date(Date.now() + 10 * 24 * 3600_000);
      const to = new Date(from.getTime() + 7 * 24 * 3600_000);
      const freeRes = await page.request.get(
        `/api/v1/instruments/${instrumentId}/availability?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&durationMinutes=120`,
      );
      const free = (await freeRes.json()) as { free: { start: string; end: string }[] };
      // Two hours of free time (the instrument's shortest booking) starting on the half-hour grid (local +08:00).
      const slot = free.free.find(
        (f) => /T\d\d:(00|30):00\+08:00$/.test(f.start) && Date.parse(f.end) - Date.parse(f.start) >= 2 * 3600_000,
      );
      expect(slot, JSON.stringify(free).slice(0, 400)).toBeDefined();
      const hour = Number(slot!.start.slice(11, 13));
      const slotEnd = `${slot!.start.slice(0, 11)}${String(hour + 2).padStart(2, '0')}${slot!.start.slice(13)}`;
      const later = await page.request.post('/api/v1/bookings', {
        headers: { Origin: base },
        data: {
          instrumentId,
          mode: 'machine_time',
          start: slot!.start,
          end: slotEnd,
          useVoucher: true,
          paymentToken: 'tok_visa',
          fundingSource: 'enterprise_own',
        },
      });
      expect(later.status(), await later.text()).toBe(201);
      const laterBooking = (await later.json()) as { id: number; payment: { status: string } };
      expect(laterBooking.payment.status).toBe('scheduled');
      await page.goto(`/bookings/${laterBooking.id}`);
      await page.getByTestId('card-scheduled').waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'card-window-scheduled-phone.png');
    } finally {
      await restore();
    }
  });
});
