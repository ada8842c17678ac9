/**
 * Testing needs in a real browser: researcher@demo.test posts a need (with an attachment) and sees the
 * suggested instruments; lab@demo.test finds it in the needs hall and quotes from its rate card; the
 * researcher compares the quotes (voucher share and self-pay), accepts, and completes the checkout with
 * the voucher in the booking drawer. Desktop 1440×900 and phone 390×844, with screenshots.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import {
  clickOpened,
  chooseOption,
  expectNoHorizontalOverflow,
  getJsonAt,
  newPage,
  noToast,
  screenshot,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** An instrument of the demo lab priced per sample that takes sample jobs: its id, name and rate item. */
async function sampleInstrument(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lab@demo.test', password: DEMO_PASSWORD }),
  });
  const { user } = (await login.json()) as { user: { organisation: { id: number } } };
  const list = await getJsonAt<{ items: { id: number; nameZh: string; sharingMode: string; runStatus: string }[] }>(
    baseUrl,
    `/api/v1/instruments?institutionId=${user.organisation.id}&limit=100&sharingMode=external&status=normal`,
  );
  for (const i of list.items) {
    const detail = await getJsonAt<{ rateCard: { items: { id: number; unit: string; labelZh: string }[] } | null }>(
      baseUrl,
      `/api/v1/instruments/${i.id}`,
    );
    const item = detail.rateCard?.items.find((x) => x.unit === 'sample');
    const s = await getJsonAt<{ sampleEnabled: boolean }>(baseUrl, `/api/v1/instruments/${i.id}/schedule`);
    if (item && s.sampleEnabled) return { id: i.id, name: i.nameZh, item };
  }
  throw new Error('the demo lab has no instrument priced per sample');
}

/** An Ant Design date picker: type the date and confirm. */
async function pickDate(page: Page, picker: Locator, date: string) {
  const input = (await picker.evaluate((e) => e.tagName)) === 'INPUT' ? picker : picker.locator('input');
  await input.click();
  await input.fill(date);
  // Tab, not Enter: Enter would submit the form. The picker takes a typed valid date as it loses focus.
  await input.press('Tab');
  await expect.poll(() => input.inputValue()).toBe(date);
  void page;
}

const isoDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

describe('testing needs', () => {
  it('an enterprise posts a need, a lab quotes, the enterprise compares, accepts and books with the voucher', async () => {
    const base = harness().server.baseUrl;
    const instrument = await sampleInstrument(base);
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      // --- the enterprise posts
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      await page.getByTestId('nav-my-needs').click();
      await page.getByTestId('my-needs').waitFor();
      await page.getByTestId('need-row').first().waitFor(); // the demo's needs
      await noToast(page);
      await screenshot(page, 'needs-mine.png');
      await page.getByTestId('post-need').click();
      await page.getByTestId('need-form').waitFor();
      const title = `${instrument.name}检测（端到端）`;
      await page.getByTestId('need-title').fill(title);
      await page.getByTestId('need-description').fill(`需要用${instrument.name}测试 3 个样品，出具报告。`);
      await page.getByTestId('need-sample-type').fill('陶瓷粉体');
      await page.getByTestId('need-sample-count').fill('3');
      await page.getByTestId('need-budget-min').fill('100');
      await page.getByTestId('need-budget-max').fill('5000');
      await page.locator('[data-testid="need-form"] input[type="file"]').setInputFiles({
        name: '检测要求.pdf',
        mimeType: 'application/pdf',
        buffer: PDF,
      });
      await screenshot(page, 'needs-post-form.png');
      await page.getByTestId('need-submit').click();
      await page.getByTestId('need-page').waitFor();
      const needId = Number(await page.getByTestId('need-page').getAttribute('data-need-id'));
      await page.getByTestId('need-suggestions').waitFor();
      await expect(page.getByTestId('need-suggestions').innerText()).resolves.toContain(instrument.name);
      await expect(page.getByTestId('need-attachments').innerText()).resolves.toContain('检测要求.pdf');
      await page.getByText('暂无报价').waitFor();

      // --- the lab quotes from its rate card
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.getByTestId('nav-lab-needs').click();
      await lp.getByTestId('needs-hall').waitFor();
      const row = lp.locator(`[data-testid="need-row"][data-need-id="${needId}"]`);
      await row.waitFor();
      await noToast(lp);
      await screenshot(lp, 'needs-hall.png');
      await row.getByTestId('need-link').click();
      const form = lp.getByTestId('quote-form');
      await form.waitFor();
      await chooseOption(lp, form.getByTestId('quote-instrument'), instrument.name);
      await chooseOption(lp, form.getByTestId('quote-rate-item'), instrument.item.labelZh);
      await pickDate(lp, form.getByTestId('quote-earliest'), isoDay(Date.now() + 2 * 86_400_000));
      await pickDate(lp, form.getByTestId('quote-valid-until'), isoDay(Date.now() + 20 * 86_400_000));
      await form.getByTestId('quote-note').fill('三个工作日出报告');
      await expect.poll(async () => form.getByTestId('quote-form-total').innerText()).not.toBe('¥0.00');
      await screenshot(lp, 'needs-quote-form.png');
      await form.getByTestId('quote-submit').click();
      await lp.locator('[data-testid="lab-quote"] [data-testid="quote-status"][data-status="submitted"]').waitFor();
      await lp.getByTestId('nav-lab-quotes').click();
      await lp.getByTestId('my-quote').first().waitFor();
      await expect(lp.getByTestId('my-quote').first().innerText()).resolves.toContain(title);

      // --- the enterprise compares and accepts
      await page.reload();
      const table = page.getByTestId('quote-comparison');
      await table.waitFor();
      const voucher = await table.getByTestId('compare-voucher').first().innerText();
      const selfPay = await table.getByTestId('compare-self-pay').first().innerText();
      expect(voucher).not.toBe('¥0.00'); // the demo enterprise's voucher pays a share
      await screenshot(page, 'needs-compare.png');
      await table.getByTestId('accept-quote').first().click();
      await clickOpened(page, page.locator('.ant-popconfirm .ant-btn-primary'));
      const drawer = page.getByTestId('booking-form');
      await drawer.waitFor();
      await page.locator('[data-testid="voucher-choice"][data-on="true"]').waitFor();
      await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="voucher-split"]');
      const selfPayFen = Number(await page.getByTestId('voucher-split').getAttribute('data-self-pay-fen'));
      expect((selfPayFen / 100).toFixed(2)).toBe(selfPay.replace(/[¥,]/g, ''));
      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      // A sample job says what its samples are (the need's ceramic powder), and how they arrive.
      const fields = page.getByTestId('sample-fields');
      await fields.getByTestId('sample-name').fill('陶瓷粉体');
      await chooseOption(page, fields.getByTestId('sample-type'), '粉末');
      await fields.getByTestId('sample-hazards').getByText('无', { exact: true }).click();
      await fields.getByTestId('sample-delivery').getByText('寄送').click();
      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      await page.screenshot({ path: 'test-results/screenshots/needs-checkout-done.png', animations: 'disabled' });
      const booking = (await (await page.request.get(`/api/v1/bookings/${bookingId}`)).json()) as {
        mode: string;
        price: { selfPayFen: number; voucherFen: number };
        voucherUse: { status: string } | null;
      };
      expect(booking).toMatchObject({ mode: 'sample', price: { selfPayFen } });
      expect(booking.voucherUse?.status).toBe('reserved');

      // --- after: the need is accepted and shows the booking; at phone width too
      await page.goto(`/my/needs/${needId}`);
      await page.locator('[data-testid="need-status"][data-status="accepted"]').first().waitFor();
      await page.getByTestId('need-booking').waitFor();
      await page.getByTestId('need-history').waitFor();
      await screenshot(page, 'needs-accepted.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'needs-accepted-phone.png');
      await page.goto('/my/needs');
      await page.getByTestId('need-row').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'needs-mine-phone.png');
      await lp.setViewportSize(PHONE);
      await lp.goto('/lab/needs');
      await lp.getByTestId('needs-hall').waitFor();
      await expectNoHorizontalOverflow(lp);
      await screenshot(lp, 'needs-hall-phone.png');
    } catch (e) {
      await researcher.page.screenshot({ path: 'test-results/screenshots/needs-debug-researcher.png' });
      await lab.page.screenshot({ path: 'test-results/screenshots/needs-debug-lab.png' });
      throw e;
    } finally {
      await researcher.context.close();
      await lab.context.close();
    }
  }, 240_000);
});
