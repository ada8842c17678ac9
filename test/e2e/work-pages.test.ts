/**
 * The working pages of labs, finance and admins (issue 17): each role lands on its own work after
 * sign-in (unless the sign-in came with a return-to address); a deduct-mode enterprise has no 我的报销;
 * 我的仪器 and the directory of organisations search, filter, sort and page on the server, keep one
 * action per row with the rest in a menu, and are never wider than the page at 1440 px; the schedule
 * form edits lengths in hours, the zone as a searchable IANA select with offsets, and copies hours.
 */
import { describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  fillSignIn,
  newPage,
  PHONE,
  screenshot,
  signIn,
  useHarness,
} from './helpers';
import { idle, pageFits, requestAfter, WIDE } from './tables.ts';

const harness = useHarness();

describe('working pages', () => {
  it('lands each role on its own work, or where the sign-in was asked for', async () => {
    const cases: [string, string][] = [
      ['lab@demo.test', '/lab/bookings'],
      ['finance@demo.test', '/finance/settlement'],
      ['admin@demo.test', '/admin/listing-review'],
      ['researcher@demo.test', '/instruments'],
    ];
    for (const [email, home] of cases) {
      const { context, page } = await newPage(harness(), DESKTOP);
      try {
        await signIn(page, email);
        await page.waitForURL((url) => url.pathname === home);
        // The header's sign-in button on the catalogue asks for no page in particular: the work again.
        await context.clearCookies();
        await page.goto('/instruments');
        await page.getByTestId('sign-in').click();
        await page.waitForURL((url) => url.pathname === '/login');
        await fillSignIn(page, email);
        await page.waitForURL((url) => url.pathname === home);
      } finally {
        await context.close();
      }
    }
    // A return-to address wins: a lab sent to sign in from its training page comes back there.
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/lab/training');
      await page.waitForURL((url) => url.pathname === '/login');
      await fillSignIn(page, 'lab@demo.test');
      await page.waitForURL((url) => url.pathname === '/lab/training');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('shows 我的报销 to reimburse-mode enterprises only; a deduct-mode one is told why', async () => {
    const reimburse = await newPage(harness(), DESKTOP);
    try {
      await signIn(reimburse.page, 'researcher3@demo.test');
      await reimburse.page.getByTestId('nav-my-claims').waitFor();
    } finally {
      await reimburse.context.close();
    }
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'researcher@demo.test');
      await page.getByTestId('nav-my-vouchers').waitFor();
      await expect(page.getByTestId('nav-my-claims').count()).resolves.toBe(0);
      await page.goto('/my/claims');
      const gate = page.getByTestId('claims-gate');
      await gate.waitFor();
      await expect.poll(() => gate.innerText()).toContain('通兑');
      await screenshot(page, 'work-claims-gate.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'work-claims-gate-phone.png');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('searches, filters, sorts and pages 我的仪器 on the server, one action a row, within 1440 px', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto('/lab/instruments');
      await idle(page, 'lab-instruments');
      const rows = page.locator('[data-testid="lab-instruments"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);
      // One primary action (edit) a row; the schedule settings and the public page in its menu.
      await expect(rows.first().getByTestId('lab-edit-link').count()).resolves.toBe(1);
      await rows.first().getByTestId('lab-row-more').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) [data-testid="lab-schedule-link"]').waitFor();
      await page.keyboard.press('Escape');

      // Sorting by price asks the server for it.
      const sorted = await requestAfter(
        page,
        '/instruments',
        (q) => q.get('sort') === 'price_asc',
        () => page.locator('th', { hasText: '起价' }).first().click(),
      );
      expect(sorted.get('institutionId')).toBeTruthy();
      await idle(page, 'lab-instruments');

      // Filtering by run status (the column's filter) too.
      await page.locator('th', { hasText: '运行状态' }).locator('.ant-table-filter-trigger').click();
      const menu = page.locator('.ant-table-filter-dropdown:visible');
      // Ticked before it is confirmed (a click during the dropdown's opening animation may be lost).
      const normal = menu.locator('.ant-dropdown-menu-item', { hasText: '正常' }).first();
      await expect
        .poll(async () => {
          if (!(await normal.locator('.ant-radio-checked, .ant-checkbox-checked').count())) await normal.click();
          return normal.locator('.ant-radio-checked, .ant-checkbox-checked').count();
        })
        .toBe(1);
      const filtered = await requestAfter(
        page,
        '/instruments',
        (q) => q.get('status') === 'normal',
        () => menu.getByRole('button', { name: /确\s*定|OK/ }).click(),
      );
      expect(filtered.get('sort')).toBe('price_asc');
      await idle(page, 'lab-instruments');
      await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes('正常'))).toBe(true);

      // A search, debounced, on the server.
      const first = (await rows.first().locator('.lab-name a').innerText()).trim();
      const word = first.slice(0, 2);
      const searched = await requestAfter(
        page,
        '/instruments',
        (q) => q.get('q') === word,
        () => page.getByTestId('lab-search').locator('input').fill(word),
      );
      expect(searched.get('status')).toBe('normal');
      await idle(page, 'lab-instruments');
      await screenshot(page, 'work-lab-instruments.png');

      // Numbered pages over the cursor: page 2 asks for the next cursor.
      await page.getByTestId('lab-search').locator('input').fill('');
      await page.locator('th', { hasText: '运行状态' }).locator('.ant-table-filter-trigger').click();
      await page
        .locator('.ant-table-filter-dropdown:visible')
        .getByRole('button', { name: /重\s*置|Reset/ })
        .click();
      await idle(page, 'lab-instruments');
      const pager = page.getByTestId('lab-pager');
      if ((await pager.count()) > 0) {
        const before = await rows.first().innerText();
        const paged = await requestAfter(
          page,
          '/instruments',
          (q) => !!q.get('cursor'),
          () => pager.locator('.ant-pagination-item-2').click(),
        );
        expect(paged.get('limit')).toBe('20');
        await expect.poll(() => rows.first().innerText()).not.toBe(before);
      }
      expect(await pageFits(page)).toBe(true);

      await page.setViewportSize(PHONE);
      await page.goto('/lab/instruments');
      await page.locator('[data-testid="lab-instruments"] .lab-list__item').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'work-lab-instruments-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('sorts and pages the directory of organisations on the server, within 1440 px', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/organisations');
      await idle(page, 'organisations');
      const rows = page.locator('[data-testid="organisations"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);
      const sorted = await requestAfter(
        page,
        '/organisations',
        (q) => q.get('sort') === 'name',
        () => page.locator('th', { hasText: '单位名称' }).first().click(),
      );
      expect(sorted.get('offset')).toBe('0');
      await idle(page, 'organisations');
      const paged = await requestAfter(
        page,
        '/organisations',
        (q) => q.get('offset') === '20' && q.get('sort') === 'name',
        () => page.locator('[data-testid="organisations-page"] .ant-pagination-item-2').click(),
      );
      expect(paged.get('limit')).toBe('20');
      await idle(page, 'organisations');
      // The row's menu: the organisation's people.
      await rows.first().getByTestId('organisation-more').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) a[href^="/organisation/people?org="]').waitFor();
      await page.keyboard.press('Escape');
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'work-organisations.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'work-organisations-phone.png');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('edits the schedule in hours, picks the zone from a searchable list and copies opening hours', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto('/lab/instruments');
      const edit = page.locator('[data-testid="lab-instruments"] tbody tr.ant-table-row [data-testid="lab-edit-link"]');
      const id = Number(await edit.first().getAttribute('data-id'));
      const api = async () =>
        (await (await page.request.get(`/api/v1/instruments/${id}/schedule`)).json()) as {
          weeklyHours: Record<string, [string, string][]>;
          minBookingMinutes: number;
          minNoticeMinutes: number;
          timeZone: string;
        };
      const before = await api();
      await page.goto(`/lab/instruments/${id}/schedule`);
      await page.getByTestId('schedule-form').waitFor();
      // Lengths in hours (the API keeps minutes).
      await expect
        .poll(() => page.getByTestId('min-booking-hours').inputValue())
        .toBe(String(before.minBookingMinutes / 60));
      // The zone: a searchable select with the offset shown.
      const zone = page.getByTestId('zone-select');
      await expect.poll(() => zone.innerText()).toContain(`${before.timeZone} (UTC`);
      await zone.click();
      await page.keyboard.type('UTC+9');
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
          hasText: 'Asia/Tokyo (UTC+09:00)',
        })
        .waitFor();
      await page.keyboard.press('Escape');
      // Two and a half hours' notice; Monday's hours copied to every day.
      await page.getByTestId('min-notice-hours').fill('2.5');
      await page.getByTestId('copy-hours-1').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').getByText('复制到每天').click();
      await page.locator('.ant-message-success').first().waitFor();
      await page.getByTestId('save-schedule').click();
      await page.locator('.ant-message-success', { hasText: '已保存预约设置' }).waitFor();
      const after = await api();
      expect(after.minNoticeMinutes).toBe(150);
      expect(after.minBookingMinutes).toBe(before.minBookingMinutes);
      expect(after.timeZone).toBe(before.timeZone);
      for (const d of ['2', '3', '4', '5', '6', '7']) expect(after.weeklyHours[d]).toEqual(after.weeklyHours['1']);
      // Closures: from a start time to an end time, or whole days.
      await page.getByTestId('closures-card').waitFor();
      await page.getByTestId('closure-whole-days').click();
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'work-schedule.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'work-schedule-phone.png');
    } finally {
      await context.close();
    }
  }, 120_000);
});
