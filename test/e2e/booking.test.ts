/**
 * The booking journey in a real browser. With a 2-hour minimum the week calendar offers only starts that can
 * take it (the server's slots), the form shows the chosen start and length, and the lab may not check in days
 * early (it cancels instead, told what happens to the money). On an instrument open round the clock, a
 * researcher books the next slot and sees the live quote; the lab manager approves it in 预约审批, checks it in
 * and completes it with usage (told what completion does to the money); the researcher rates it 5 (非常满意).
 * The API then shows the completed booking with its history.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
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
  calendarReady,
  changeRules,
  roundTheClock,
  getJsonAt,
  pickFreeSlot,
  signIn,
  chooseOption,
  clickOpened,
  fillOpened,
} from './helpers.ts';

const harness = useHarness();

type BookingJson = {
  id: number;
  status: string;
  rating: number | null;
  usage: { minutes: number | null } | null;
  finalPrice: { totalFen: number } | null;
  history: { from: string | null; to: string; by: { name: string } | null }[];
  payment: { status: string; authorisedFen: number } | null;
};

const getJson = <T>(path: string) => getJsonAt<T>(harness().server.baseUrl, path);

const bookableInstrument = () => bookableInstrumentAt(harness().server.baseUrl);

describe('booking', () => {
  it('offers only starts that can take the 2-hour minimum, shows the chosen start and length, and keeps check-in for the day', async () => {
    const instrumentId = await bookableInstrument();
    const weekdays = Object.fromEntries(
      ['1', '2', '3', '4', '5'].map((d) => [
        d,
        [
          ['09:00', '12:00'],
          ['13:30', '17:30'],
        ],
      ]),
    );
    // The lab's rules: mornings end at 12:00 and bookings last at least 2 hours, so 10:30 and 11:30 start nothing.
    const restore = await changeRules(harness().server.baseUrl, instrumentId, (r) => ({
      ...r,
      weeklyHours: weekdays,
      slotMinutes: 30,
      minBookingMinutes: 120,
      maxBookingMinutes: 240,
      setupBufferMinutes: 0,
      cleanupBufferMinutes: 0,
    }));
    mkdirSync(screenshotDir, { recursive: true });
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      await page.goto(`/instruments/${instrumentId}`);
      await page.getByTestId('week-calendar').waitFor();
      await expect(page.getByTestId('week-zone').innerText()).resolves.toContain('Asia/Shanghai');
      const start = await pickFreeSlot(page, 2);

      // The calendar offers exactly the server's valid starts for the minimum length of the week shown.
      const monday = (await page.getByTestId('week-calendar').getAttribute('data-week'))!;
      const offered = await page
        .locator('[data-testid="slot-free"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-start') ?? ''));
      const next = new Date(Date.parse(`${monday}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
      const query = new URLSearchParams({ from: `${monday}T00:00:00+08:00`, to: `${next}T00:00:00+08:00` });
      const api = await getJson<{ durationMinutes: number; slots: { start: string }[] }>(
        `/api/v1/instruments/${instrumentId}/availability?${query}`,
      );
      expect(api.durationMinutes).toBe(120);
      expect([...offered].sort()).toEqual(api.slots.map((x) => x.start).sort());
      expect(offered.filter((x) => /T1[01]:30:00/.test(x))).toEqual([]);
      // The free hour before noon is shown, but as too short to start a booking.
      await expect(page.locator('[data-testid="slot-short"]').count()).resolves.toBeGreaterThan(0);
      await screenshot(page, 'booking-calendar.png');

      await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
      const form = page.getByTestId('booking-form');
      await form.waitFor();
      // The start as a date and time in the instrument's zone, and a length: never a raw number, never empty.
      const startText = await page.getByTestId('booking-start').innerText();
      expect(startText).toMatch(/^\d{1,2}月\d{1,2}日 周[一二三四五六日] \d{2}:\d{2}$/);
      expect(startText.endsWith(start.slice(11, 16))).toBe(true);
      await expect(page.getByTestId('booking-duration').innerText()).resolves.toBe('2 小时');
      await page.getByTestId('booking-purpose').fill('新材料样品的表征测试（端到端测试）');
      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="quote-total"]');
      const quoted = await page.getByTestId('quote-total').innerText();
      expect(quoted).toMatch(/^¥[\d,]+\.\d{2}$/);
      await expect(page.getByTestId('price-lines').innerText()).resolves.toMatch(/¥/);
      await expect(page.getByTestId('booking-range').innerText()).resolves.toMatch(/\d{2}:\d{2}–\d{2}:\d{2}/);
      await expect(page.getByTestId('booking-blocked').count()).resolves.toBe(0);
      await expect(page.getByTestId('booking-submit').isEnabled()).resolves.toBe(true);
      // The drawer covers the viewport: capture what the user sees.
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: path.join(screenshotDir, 'booking-form.png'), animations: 'disabled' });

      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      expect(bookingId).toBeGreaterThan(0);

      // --- the lab may approve now, but check in only from half an hour before the start
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.goto(`/bookings/${bookingId}`);
      await lp.getByTestId('booking-detail').waitFor();
      if ((await lp.getByTestId('booking-detail').getAttribute('data-status')) === 'requested') {
        await lp.getByTestId('approve').click();
      }
      await lp.locator('[data-testid="booking-detail"][data-status="approved"]').waitFor();
      await expect(lp.getByTestId('check-in').isDisabled()).resolves.toBe(true);
      await expect(lp.getByTestId('no-show').isDisabled()).resolves.toBe(true);
      const opens = new Date(Date.parse(start) - 30 * 60_000 + 8 * 3600_000).toISOString().slice(11, 16);
      await expect(lp.getByTestId('action-times').innerText()).resolves.toMatch(
        new RegExp(`${opens} 起可签到 · .* 起可记为爽约`),
      );
      const early = await lp.request.post(`/api/v1/bookings/${bookingId}/check-in`, { data: {} });
      expect(early.status()).toBe(409);
      expect(((await early.json()) as { allowedFrom: number }).allowedFrom).toBe(Date.parse(start) - 30 * 60_000);
      await screenshot(lp, 'lab-check-in-later.png');

      // The lab cancels it instead: the dialog says what happens to the card hold and the voucher share.
      await lp.getByTestId('lab-cancel').click();
      const dialog = lp.getByTestId('lab-cancel-modal');
      await dialog.getByTestId('money-note').waitFor();
      await expect(dialog.getByTestId('money-note').innerText()).resolves.toMatch(/预授权 ¥[\d,]+\.\d{2} 将全部释放/);
      await fillOpened(lp, dialog.getByTestId('lab-cancel-modal-reason'), '仪器临时检修');
      await clickOpened(lp, lp.getByTestId('lab-cancel-modal-ok'));
      await lp.locator('[data-testid="booking-detail"][data-status="cancelled"]').waitFor();
    } finally {
      await researcher.context.close();
      await lab.context.close();
      await restore();
    }
  }, 120_000);

  it('books, approves, checks in, completes and rates a machine-time booking', async () => {
    const instrumentId = await bookableInstrument();
    // Open round the clock without notice, check-in from a day ahead: the lab may check the booking in at once.
    const restore = await changeRules(harness().server.baseUrl, instrumentId, roundTheClock);

    // --- the researcher books the next free slot
    mkdirSync(screenshotDir, { recursive: true });
    const researcher = await newPage(harness(), DESKTOP);
    const lab = await newPage(harness(), DESKTOP);
    try {
      const page = researcher.page;
      await signIn(page, 'researcher@demo.test');
      await page.goto(`/instruments/${instrumentId}`);
      await page.getByTestId('week-calendar').waitFor();
      const start = await pickFreeSlot(page, 0);
      // The next slot that takes an hour, ten minutes ahead or later: within forty minutes, or at midnight when
      // it is late in the evening.
      expect(Date.parse(start) - Date.now()).toBeLessThanOrEqual(70 * 60_000);

      await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
      await page.getByTestId('booking-form').waitFor();
      await page.getByTestId('booking-purpose').fill('新材料样品的表征测试（端到端测试）');
      await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
      await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="quote-total"]');
      const quoted = await page.getByTestId('quote-total').innerText();

      await page.getByTestId('booking-submit').click();
      const confirmation = page.getByTestId('booking-confirmation');
      await confirmation.waitFor();
      const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
      const firstStatus = await confirmation.getAttribute('data-status');
      expect(bookingId).toBeGreaterThan(0);
      expect(['requested', 'approved']).toContain(firstStatus);
      await expect(confirmation.innerText()).resolves.toMatch(firstStatus === 'approved' ? /预约已确认/ : /待审批/);
      // 我的预约 lists it under upcoming.
      await page.goto('/bookings');
      const row = page.locator(`[data-testid="booking-row"][data-booking-id="${bookingId}"]`);
      await row.waitFor();
      await expect(row.getByTestId('booking-status').innerText()).resolves.toBe(
        firstStatus === 'approved' ? '已确认' : '待审批',
      );
      await expect(row.getByTestId('booking-price').innerText()).resolves.toBe(quoted);
      // The calendar feed's address is made on request and shown once (only its hash is kept).
      await page.getByTestId('calendar-feed-create').click();
      await page.getByTestId('calendar-feed-url').waitFor();
      const feedUrl = await page.getByTestId('calendar-feed-url').inputValue();
      expect(feedUrl).toMatch(/^https?:\/\/.+\.ics$/);
      expect((await fetch(feedUrl)).status).toBe(200);
      // Back later it is not shown again; a new address (after a confirmation) ends the old one.
      await page.reload();
      await page.getByTestId('calendar-feed-since').waitFor();
      await page.getByTestId('calendar-feed-rotate').click();
      await clickOpened(page, page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }));
      await page.getByTestId('calendar-feed-url').waitFor();
      const newFeedUrl = await page.getByTestId('calendar-feed-url').inputValue();
      expect(newFeedUrl).not.toBe(feedUrl);
      expect((await fetch(feedUrl)).status).toBe(404);
      expect((await fetch(newFeedUrl)).status).toBe(200);
      await page.locator(`[data-testid="booking-row"][data-booking-id="${bookingId}"]`).waitFor();
      await screenshot(page, 'my-bookings.png');

      // --- the lab manager approves it (unless it was confirmed at once), checks it in and completes it
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      await lp.getByTestId('nav-lab-bookings').click();
      await lp.waitForURL((url) => url.pathname === '/lab/bookings');
      if (firstStatus === 'requested') {
        const queued = lp.locator(`[data-testid="lab-booking-row"][data-booking-id="${bookingId}"]`);
        await queued.waitFor();
        await screenshot(lp, 'lab-queue.png');
        await queued.getByTestId('approve').click();
        await queued.waitFor({ state: 'detached' });
      } else {
        await lp.getByTestId('lab-queue').or(lp.getByTestId('empty-state')).first().waitFor();
        await screenshot(lp, 'lab-queue.png');
      }

      // The week schedule: find the booking's week.
      await lp.getByTestId('tab-schedule').click();
      const scheduled = lp.locator(
        `[data-testid="lab-schedule"] [data-testid="lab-booking-row"][data-booking-id="${bookingId}"]`,
      );
      // This week first (the booking starts within the half hour), then the next ones: each week's list loads first.
      for (let i = 0; i < 6; i++) {
        if (
          await scheduled.waitFor({ timeout: 3000 }).then(
            () => true,
            () => false,
          )
        )
          break;
        await lp.getByTestId('schedule-next').click();
      }
      await expect(scheduled.getAttribute('data-status')).resolves.toBe('approved');
      await scheduled.getByTestId('check-in').click();
      await lp
        .locator(
          `[data-testid="lab-schedule"] [data-testid="lab-booking-row"][data-booking-id="${bookingId}"][data-status="in_progress"]`,
        )
        .waitFor();
      await scheduled.getByTestId('complete').click();
      const modal = lp.getByTestId('complete-modal');
      await modal.getByTestId('complete-minutes').waitFor();
      // The dialog says what completion does to the money before it is confirmed.
      const held = ((await (await lp.request.get(`/api/v1/bookings/${bookingId}`)).json()) as BookingJson).payment;
      const note = await modal.getByTestId('money-note').innerText();
      expect(note).toContain('资金变动');
      if (held?.status === 'authorised') expect(note).toContain(`最多 ${formatFen(held.authorisedFen)}`);
      await screenshot(lp, 'lab-complete.png');
      await modal.getByTestId('complete-minutes').fill('90');
      await modal.getByTestId('complete-report').fill('https://reports.example.test/e2e.pdf');
      await modal.getByTestId('complete-note').fill('按时完成');
      await clickOpened(lp, lp.getByTestId('complete-ok'));
      await lp
        .locator(
          `[data-testid="lab-schedule"] [data-testid="lab-booking-row"][data-booking-id="${bookingId}"][data-status="completed"]`,
        )
        .waitFor();

      // --- the lab attaches the report file on the booking's page
      await lp.goto(`/bookings/${bookingId}`);
      await lp.locator('[data-testid="booking-detail"][data-status="completed"]').waitFor();
      const pdf = Buffer.from('%PDF-1.4\n% e2e report\n%%EOF\n');
      await lp
        .locator('input[type="file"]')
        .setInputFiles({ name: '检测报告.pdf', mimeType: 'application/pdf', buffer: pdf });
      await lp.locator('[data-testid="booking-report-link"][href$="/report"]').waitFor();
      const report = await lp.request.get(`/api/v1/bookings/${bookingId}/report`);
      expect(report.status()).toBe(200);
      expect(Buffer.compare(await report.body(), pdf)).toBe(0);

      // --- the researcher rates it 5 (非常满意)
      await page.goto(`/bookings/${bookingId}`);
      await page.locator('[data-testid="booking-detail"][data-status="completed"]').waitFor();
      await page.getByTestId('booking-final-total').waitFor();
      await page.getByTestId('rate-form').waitFor();
      await page.locator('[data-testid="rate-form"] .ant-rate-star').nth(4).locator('div[role="radio"]').click();
      await expect.poll(() => page.getByTestId('rate-label').innerText()).toBe('非常满意');
      await page.getByTestId('rate-comment').fill('服务专业，出数快');
      await page.getByTestId('rate-submit').click();
      await page.locator('[data-testid="rating-done"][data-rating="5"]').waitFor();
      const timeline = await page.getByTestId('booking-history').innerText();
      for (const label of ['已确认', '使用中', '已完成']) expect(timeline).toContain(label);

      // --- and the API agrees
      const res = await page.request.get(`/api/v1/bookings/${bookingId}`);
      expect(res.status()).toBe(200);
      const b = (await res.json()) as BookingJson;
      expect(b.status).toBe('completed');
      expect(b.rating).toBe(5);
      expect(b.usage?.minutes).toBe(90);
      expect(b.finalPrice?.totalFen).toBeGreaterThan(0);
      // The checkout pays the self-pay share by card (the test card by default): the booking holds its
      // time as pending_payment while the card is authorised, then becomes what the confirmation showed.
      const steps = b.history.map((e) => e.to).filter((s) => s !== 'pending_payment');
      expect(steps[0]).toBe(firstStatus);
      expect(steps).toEqual(expect.arrayContaining(['approved', 'in_progress', 'completed']));
      expect(steps.indexOf('approved')).toBeLessThan(steps.indexOf('in_progress'));
      expect(steps.indexOf('in_progress')).toBeLessThan(steps.indexOf('completed'));
    } finally {
      await researcher.context.close();
      await lab.context.close();
      await restore();
    }
  }, 120_000);

  it('shows the week calendar at phone width and asks signed-out visitors to sign in', async () => {
    const instrumentId = await bookableInstrument();
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await page.goto(`/instruments/${instrumentId}`);
      await page.getByTestId('booking-sign-in').waitFor();
      await page.getByTestId('week-calendar').scrollIntoViewIfNeeded();
      await pickFreeSlot(page, 1);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'booking-calendar-phone.png');
      // A free slot takes a signed-out visitor to sign in.
      await page.locator('[data-testid="slot-free"]').first().click();
      await page.waitForURL((url) => url.pathname === '/login');
    } finally {
      await context.close();
    }
  });

  it('tells a lab manager why they cannot book', async () => {
    const instrumentId = await bookableInstrument();
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto(`/instruments/${instrumentId}`);
      await page.getByTestId('booking-not-researcher').waitFor();
      await calendarReady(page);
      await expect(page.locator('button[data-testid="slot-free"]').count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });

  it('lets the lab edit opening hours and grant training', async () => {
    const instrumentId = await bookableInstrument();
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto(`/lab/instruments/${instrumentId}/schedule`);
      await page.getByTestId('schedule-form').waitFor();
      // Saturday mornings open, saved through the API.
      const saturday = page.locator('.hours-row').nth(5);
      if ((await saturday.locator('.ant-picker').count()) === 0) {
        await saturday.getByRole('button', { name: '添加时段' }).click();
        await expect(saturday.locator('.ant-picker').count()).resolves.toBe(1);
      }
      await page.getByTestId('save-schedule').click();
      await page.locator('.ant-message-success').waitFor();
      const s = await getJson<{ weeklyHours: Record<string, [string, string][]> }>(
        `/api/v1/instruments/${instrumentId}/schedule`,
      );
      expect(s.weeklyHours['6']).toContainEqual(['09:00', '12:00']);
      await screenshot(page, 'booking-settings.png');

      await page.getByTestId('nav-lab-training').click();
      await page.waitForURL((url) => url.pathname === '/lab/training');
      await page.locator('[data-testid="training-records"] .ant-table-row').first().waitFor();
      const rowsBefore = await page.locator('[data-testid="training-records"] .ant-table-row').count();
      await page.getByTestId('grant-training').click();
      const dialog = page.getByRole('dialog');
      await chooseOption(page, dialog.getByTestId('grant-instrument'));
      await dialog.getByTestId('grant-email').fill('researcher@demo.test');
      await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
      await page.locator('.ant-message-success', { hasText: '已登记培训记录' }).waitFor();
      await expect
        .poll(() => page.locator('[data-testid="training-records"] .ant-table-row').count())
        .toBe(rowsBefore + 1);
      await screenshot(page, 'lab-training.png');
    } finally {
      await context.close();
    }
  });

  it('shows the 2026 holidays to the platform admin', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'admin@demo.test');
      await page.getByTestId('nav-admin-holidays').click();
      await page.waitForURL((url) => url.pathname === '/admin/holidays');
      const rows = page.locator('[data-testid="holidays"] .ant-table-row');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(20);
      await expect(page.getByTestId('holidays').innerText()).resolves.toContain('春节');
      await screenshot(page, 'admin-holidays.png');
    } finally {
      await context.close();
    }
  });

  it('finds instruments free for a few hours in the catalogue', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/instruments');
      await page.getByTestId('free-search').waitFor();
      await page.getByTestId('free-apply').click();
      await page.waitForURL((url) => url.searchParams.has('freeFrom'));
      await page.getByTestId('free-results').waitFor();
      await page.getByTestId('free-first-slot').first().waitFor();
      await expect(page.getByTestId('free-first-slot').first().innerText()).resolves.toMatch(/最早可约/);
      await screenshot(page, 'catalog-free.png');
    } finally {
      await context.close();
    }
  });
});
