/**
 * The checkout drawer, the sample form and the booking page as a researcher sees them (issue 17, "Finding and
 * booking"): the drawer names the rate item it prices and offers the card's other items, shows the voucher balance
 * left after the order, the total and what the user pays in different colours, and the cancellation rule in plain
 * words; a sample-only instrument leads with 送样检测 (no empty calendar) and its form asks the sample's name, type,
 * count, hazards and how it arrives, with the lab's receiving address; the lab reads those on the request. The
 * booking page has one price block (estimate → final), the lab's address and contact, and a timeline that starts
 * with what happened (submitted, card authorised — not 待支付). Screenshots at desktop and phone width.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatFen } from '../../web/src/ui/money.ts';
import {
  changeRules,
  chooseOption,
  DESKTOP,
  expectNoHorizontalOverflow,
  getJsonAt,
  newPage,
  noToast,
  PHONE,
  pickFreeSlot,
  roundTheClock,
  screenshot,
  screenshotDir,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();

type Item = { id: number; unit: 'hour' | 'sample'; labelZh: string; enterpriseFen: number };
type Detail = {
  id: number;
  address: string | null;
  sharingMode: string;
  runStatus: string;
  rateCard: { items: Item[] } | null;
};
type Schedule = { machineTimeEnabled: boolean; sampleEnabled: boolean; qualificationRequired: boolean };

let cached: Promise<{ detail: Detail; schedule: Schedule }[]> | undefined;
/** The demo lab's shared, working instruments with their rate items and rules (read once). */
const labInstruments = () => (cached ??= readLabInstruments());

async function readLabInstruments(): Promise<{ detail: Detail; schedule: Schedule }[]> {
  const baseUrl = harness().server.baseUrl;
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lab@demo.test', password: 'demo-pass-2025' }),
  });
  const { user } = (await login.json()) as { user: { organisation: { id: number } } };
  const list = await getJsonAt<{ items: { id: number }[] }>(
    baseUrl,
    `/api/v1/instruments?institutionId=${user.organisation.id}&limit=100`,
  );
  const out: { detail: Detail; schedule: Schedule }[] = [];
  for (const { id } of list.items) {
    const schedule = await getJsonAt<Schedule>(baseUrl, `/api/v1/instruments/${id}/schedule`).catch(() => null);
    if (!schedule) continue;
    const detail = await getJsonAt<Detail>(baseUrl, `/api/v1/instruments/${id}`);
    if (detail.sharingMode === 'external' && detail.runStatus === 'normal') out.push({ detail, schedule });
  }
  return out;
}

const itemsOf = (d: Detail, unit: 'hour' | 'sample') => (d.rateCard?.items ?? []).filter((i) => i.unit === unit);

/** A viewport picture of what is on screen (the drawer scrolls inside itself). */
async function viewShot(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: path.join(screenshotDir, name), animations: 'disabled' });
}

async function quoteReady(page: Page) {
  await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="quote-total"]');
}

describe('the checkout drawer and the booking page', () => {
  it('names and switches the rate item, shows the balance left, two colours and the rule; the page tells it as it was', async () => {
    const all = await labInstruments();
    const pick = all.find(
      (x) => x.schedule.machineTimeEnabled && !x.schedule.qualificationRequired && itemsOf(x.detail, 'hour').length > 1,
    );
    expect(pick, 'the demo lab has an instrument with two hourly items').toBeTruthy();
    const instrumentId = pick!.detail.id;
    const [first, second] = itemsOf(pick!.detail, 'hour');
    const restore = await changeRules(harness().server.baseUrl, instrumentId, (r) => ({
      ...roundTheClock(r),
      cancellationDeadlineHours: 24,
      noShowChargePercent: 0,
    }));
    const { page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'researcher@demo.test');
      await page.goto(`/instruments/${instrumentId}`);
      const start = await pickFreeSlot(page, 3);
      await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
      await page.getByTestId('booking-form').waitFor();
      await quoteReady(page);

      // The item priced is named; the first of the card by default, the other one on a click.
      await expect.poll(() => page.getByTestId('quote-item').innerText()).toContain(first!.labelZh);
      await expect(page.getByTestId('rate-item-option').count()).resolves.toBe(itemsOf(pick!.detail, 'hour').length);
      await page.locator(`[data-testid="rate-item-option"][data-item-id="${second!.id}"]`).click();
      await expect.poll(() => page.getByTestId('quote-item').innerText()).toContain(second!.labelZh);
      await quoteReady(page);
      await expect
        .poll(async () =>
          (await page.getByTestId('price-lines').first().innerText()).includes(formatFen(second!.enterpriseFen)),
        )
        .toBe(true);

      // The voucher balance left after this order: what the quota has now minus this order's share.
      await page.locator('[data-testid="voucher-choice"][data-on="true"]').waitFor();
      const split = page.getByTestId('voucher-split');
      await split.waitFor();
      const voucherFen = Number(await split.getAttribute('data-voucher-fen'));
      const quotas = (await (await page.request.get('/api/v1/vouchers')).json()) as {
        items: { id: number; availableFen: number; status: string }[];
      };
      const balance = page.getByTestId('voucher-balance');
      await balance.waitFor();
      const available = quotas.items.filter((q) => q.status === 'active').map((q) => q.availableFen);
      const left = Number(await balance.getAttribute('data-left-fen'));
      expect(available.map((a) => a - voucherFen)).toContain(left);
      await expect(balance.innerText()).resolves.toContain(formatFen(left));

      // The total and what the user pays in two colours.
      const colour = (testId: string) => page.getByTestId(testId).evaluate((el) => getComputedStyle(el).color);
      expect(await colour('quote-total')).not.toBe(await colour('split-self-pay'));

      // The rule in plain words, from the instrument's 24 hours.
      await expect(page.getByTestId('booking-fine-print').innerText()).resolves.toContain('开始前 24 小时可免费取消');

      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      await page.getByTestId('booking-quote').scrollIntoViewIfNeeded();
      await viewShot(page, 'checkout-drawer.png');

      // Book with the 4242 card: the page's timeline starts with the authorisation, not 待支付.
      await page.getByTestId('payment-section').getByText('银行卡支付').click();
      await chooseOption(page, page.getByTestId('payment-card'), '4242 4242 4242 4242');
      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      await page.goto(`/bookings/${bookingId}`);
      await page.getByTestId('booking-detail').waitFor();
      const firstEntry = page.getByTestId('history-entry').first();
      await expect.poll(() => firstEntry.getAttribute('data-label')).toBe('authorised');
      const firstText = await firstEntry.innerText();
      expect(firstText).toContain('银行卡已预授权');
      expect(firstText).not.toContain('待支付');
      await expect(page.getByTestId('booking-history').innerText()).resolves.not.toContain('待支付');

      // One price block: the estimate, then (to come) the final price; the lab's address and a route.
      await expect(page.getByTestId('booking-price-block').count()).resolves.toBe(1);
      await expect(page.getByTestId('price-estimate').getAttribute('data-fen')).resolves.toMatch(/^\d+$/);
      await expect(page.getByTestId('price-final').innerText()).resolves.toContain('完成后按实际用量结算');
      if (pick!.detail.address) {
        await expect(page.getByTestId('place-address').innerText()).resolves.toBe(pick!.detail.address);
        await expect(page.getByTestId('place-directions').getAttribute('href')).resolves.toContain('amap.com');
      }
      await noToast(page);
      await screenshot(page, 'booking-detail-desktop.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'booking-detail-phone.png');
    } finally {
      await page.context().close();
      await restore();
    }
  }, 180_000);

  it('fits a phone: the drawer with the item, the balance and the rule', async () => {
    const all = await labInstruments();
    const pick = all.find((x) => x.schedule.machineTimeEnabled && !x.schedule.qualificationRequired)!;
    const restore = await changeRules(harness().server.baseUrl, pick.detail.id, roundTheClock);
    const { page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'researcher@demo.test');
      await page.goto(`/instruments/${pick.detail.id}`);
      const start = await pickFreeSlot(page, 3);
      await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
      await page.getByTestId('booking-form').waitFor();
      await quoteReady(page);
      await page.getByTestId('voucher-balance').waitFor();
      await page.getByTestId('booking-quote').scrollIntoViewIfNeeded();
      await viewShot(page, 'checkout-drawer-phone.png');
      await page.getByTestId('booking-fine-print').scrollIntoViewIfNeeded();
      await viewShot(page, 'checkout-drawer-phone-rule.png');
    } finally {
      await page.context().close();
      await restore();
    }
  }, 180_000);

  it('leads a sample-only instrument with 送样检测; the form asks about the samples; the lab reads them', async () => {
    const all = await labInstruments();
    const pick = all.find((x) => itemsOf(x.detail, 'sample').length > 0 && x.detail.address);
    expect(pick, 'the demo lab has an instrument priced per sample').toBeTruthy();
    const instrumentId = pick!.detail.id;
    const restore = await changeRules(harness().server.baseUrl, instrumentId, (r) => ({
      ...r,
      machineTimeEnabled: false,
      sampleEnabled: true,
    }));
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      await page.goto(`/instruments/${instrumentId}`);
      const lead = page.getByTestId('sample-lead');
      await lead.waitFor();
      // No calendar of machine time, 送样检测 as the primary action, in the header too.
      await expect(page.getByTestId('week-calendar').count()).resolves.toBe(0);
      await expect(lead.getByTestId('send-samples').getAttribute('class')).resolves.toContain('ant-btn-primary');
      await expect.poll(() => page.getByTestId('book-now').innerText()).toContain('送样检测');
      await expect(lead.getByTestId('receiving-address').innerText()).resolves.toContain(pick!.detail.address!);
      await page.getByTestId('booking-card').scrollIntoViewIfNeeded();
      await noToast(page);
      await screenshot(page, 'sample-only-desktop.png');

      await lead.getByTestId('send-samples').click();
      await page.getByTestId('booking-form').waitFor();
      const fields = page.getByTestId('sample-fields');
      await fields.waitFor();
      await fields.getByTestId('sample-name').fill('钛合金切片');
      await chooseOption(page, fields.getByTestId('sample-type'), '固体');
      await page.getByTestId('booking-samples').fill('3');
      // "None" stands alone: a hazard clears it.
      await fields.getByTestId('sample-hazards').getByText('无', { exact: true }).click();
      await fields.getByTestId('sample-hazards').getByText('腐蚀性').click();
      await expect
        .poll(() => fields.getByTestId('sample-hazards').locator('.ant-checkbox-wrapper-checked').allInnerTexts())
        .toEqual(['腐蚀性']);
      await fields.getByTestId('sample-delivery').getByText('寄送').click();
      await expect.poll(() => fields.getByTestId('receiving-address').getAttribute('data-delivery')).toBe('courier');
      await expect(fields.getByTestId('receiving-address').innerText()).resolves.toContain('请将样品寄至以下地址');
      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      await quoteReady(page);
      // Sample jobs: the deadline instead of a cancellation rule.
      await expect(page.getByTestId('booking-fine-print').innerText()).resolves.toContain('收样前可免费撤回');
      await fields.scrollIntoViewIfNeeded();
      await viewShot(page, 'sample-form-desktop.png');

      // The self-pay share by bank transfer (a payment notice follows the lab's confirmation).
      if (await page.getByTestId('pay-bank-transfer').count()) {
        await page.getByTestId('pay-bank-transfer').click();
        await page.locator('[data-testid="payment-section"][data-method="bank_transfer"]').waitFor();
      }
      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      const booked = (await (await page.request.get(`/api/v1/bookings/${bookingId}`)).json()) as {
        sample: unknown;
        sampleCount: number;
      };
      expect(booked.sampleCount).toBe(3);
      expect(booked.sample).toEqual({ name: '钛合金切片', type: 'solid', hazards: ['corrosive'], delivery: 'courier' });

      // The lab reads the samples on the request.
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.goto(`/bookings/${bookingId}`);
      const sample = lp.getByTestId('booking-sample');
      await sample.waitFor();
      await expect(sample.innerText()).resolves.toMatch(/钛合金切片 · 固体/);
      await expect(sample.getByTestId('booking-sample-hazards').innerText()).resolves.toContain('腐蚀性');
      await expect(sample.getByTestId('booking-sample-delivery').innerText()).resolves.toContain('寄送');
      await noToast(lp);
      await screenshot(lp, 'sample-request-lab-desktop.png');

      // The researcher's page on a phone: the samples, the address with the courier hint.
      await page.goto(`/bookings/${bookingId}`);
      await page.getByTestId('booking-sample').waitFor();
      await expect(page.getByTestId('place-delivery-hint').innerText()).resolves.toContain('寄至');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'sample-booking-phone.png');

      // The sample-only instrument and its form on a phone.
      await page.goto(`/instruments/${instrumentId}`);
      await page.getByTestId('sample-lead').waitFor();
      await expectNoHorizontalOverflow(page);
      await page.getByTestId('booking-card').scrollIntoViewIfNeeded();
      await viewShot(page, 'sample-only-phone.png');
      await page.getByTestId('sample-lead').getByTestId('send-samples').click();
      await page.getByTestId('sample-fields').waitFor();
      await page.getByTestId('sample-fields').scrollIntoViewIfNeeded();
      await viewShot(page, 'sample-form-phone.png');
    } finally {
      await researcher.context.close();
      await lab.context.close();
      await restore();
    }
  }, 180_000);
});
