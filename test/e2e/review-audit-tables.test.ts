/**
 * The admin tables of 入网审核 and the security audit log the Ant Design Pro way (issue 17), in the
 * browser: searched, filtered and sorted on the server, paged by number (with the total, or over the
 * audit log's cursor), one primary action a row and the rest in its menu, bulk approve still working,
 * never wider than the page at 1440 px, and fitting a phone (390 px). Screenshots at both widths.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { expectNoHorizontalOverflow, newPage, noToast, screenshot, signIn, useHarness } from './helpers';
import { idle, pageFits, requestAfter, WIDE } from './tables.ts';

const harness = useHarness();
const PHONE = { width: 390, height: 844 };

const openMenu = (page: Page) => page.locator('.ant-dropdown:not(.ant-dropdown-hidden)');

/** A signed-in API session (its cookie on fetch). */
async function apiAs(email: string) {
  const baseUrl = harness().server.baseUrl;
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return (method: string, path: string, body?: unknown) =>
    fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

beforeAll(async () => {
  // More pending work than one page holds, from two institutions.
  const labs = [await apiAs('lab2@demo.test'), await apiAs('lab3@demo.test')];
  for (let i = 0; i < 24; i++) {
    const res = await labs[i % 2]!('POST', '/instruments', {
      assetNumber: `E2E-TBL-${i}`,
      nameZh: `表格测试紫外可见分光光度计${i}号`,
      categoryCode: '010102',
      originalValueFen: 85_000_000,
      sharingMode: 'external',
      cityCode: '370100',
    });
    expect(res.status).toBe(202);
  }
  // More audit entries than one page holds: sign-ins of a few accounts.
  for (let i = 0; i < 16; i++)
    await apiAs(['admin@demo.test', 'lab2@demo.test', 'lab3@demo.test', 'lab@demo.test'][i % 4]!);
});

describe('admin tables', () => {
  it('入网审核: searches, sorts and pages on the server, one action a row, bulk approve kept, within 1440 px', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/listing-review');
      await idle(page, 'listing-queue', 45_000);
      const queue = page.getByTestId('listing-queue');
      const pager = page.getByTestId('listing-review-page').locator('.ant-pagination');
      const rows = queue.locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(20);
      await expect.poll(() => pager.locator('.ant-pagination-total-text').innerText()).toMatch(/共 2\d 条/);
      expect(await pageFits(page)).toBe(true);
      // One primary action (审核) a row; the rest in its menu.
      await expect(rows.first().getByTestId('listing-row-open').innerText()).resolves.toMatch(/^审\s*核$/);
      await rows.first().getByTestId('listing-row-more').click();
      await openMenu(page).getByTestId('listing-row-approve').waitFor();
      await openMenu(page).getByTestId('listing-row-institution').waitFor();
      await page.keyboard.press('Escape');

      // The search takes the institution's name, on the server.
      const searched = await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('q') === '中国海洋大学',
        () => page.getByTestId('listing-search').locator('input').fill('中国海洋大学'),
      );
      expect(searched.get('status')).toBe('pending');
      await idle(page, 'listing-queue', 45_000);
      await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes('中国海洋大学'))).toBe(true);
      await page.getByTestId('listing-search').locator('input').fill('');

      // Sorted by institution, then by submission time newest first, by the column headers.
      const byInstitution = await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('sort') === 'institution_asc' && !q.get('q'),
        () => queue.locator('th', { hasText: '所属单位' }).first().click(),
      );
      expect(byInstitution.get('page')).toBe('1');
      await idle(page, 'listing-queue', 45_000);
      await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('sort') === 'institution_desc',
        () => queue.locator('th', { hasText: '所属单位' }).first().click(),
      );
      await idle(page, 'listing-queue', 45_000);
      await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('sort') === 'submitted_asc',
        () => queue.locator('th', { hasText: '提交时间' }).first().click(),
      );
      await idle(page, 'listing-queue', 45_000);
      await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('sort') === 'submitted_desc',
        () => queue.locator('th', { hasText: '提交时间' }).first().click(),
      );
      await idle(page, 'listing-queue', 45_000);

      // Numbered pages with the total.
      const before = await rows.first().innerText();
      const paged = await requestAfter(
        page,
        '/listing-submissions',
        (q) => q.get('page') === '2' && q.get('sort') === 'submitted_desc',
        () => pager.locator('.ant-pagination-item-2').click(),
      );
      expect(paged.get('pageSize')).toBe('20');
      await idle(page, 'listing-queue', 45_000);
      await expect.poll(() => rows.first().innerText()).not.toBe(before);
      expect(await rows.count()).toBeGreaterThan(0);
      expect(await pageFits(page)).toBe(true);
      await noToast(page);
      await screenshot(page, 'review-tables-queue.png');

      // The row's menu: only this institution (a filter tag), then approve one from the menu.
      await pager.locator('.ant-pagination-item-1').click();
      await idle(page, 'listing-queue', 45_000);
      const institution = (await rows.first().locator('td').nth(2).innerText()).trim();
      await rows.first().getByTestId('listing-row-more').click();
      const narrowed = await requestAfter(
        page,
        '/listing-submissions',
        (q) => !!q.get('institutionId'),
        () => openMenu(page).getByTestId('listing-row-institution').click(),
      );
      expect(narrowed.get('page')).toBe('1');
      await expect.poll(() => page.getByTestId('listing-institution-filter').innerText()).toContain(institution);
      await idle(page, 'listing-queue', 45_000);
      await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes(institution))).toBe(true);
      // The count as the page holds it (the badge's digits scroll while it changes).
      const pendingBefore = Number(await page.getByTestId('listing-tab-pending').getAttribute('data-count'));
      const firstName = (await rows.first().getByTestId('listing-open').innerText()).trim();
      await rows.first().getByTestId('listing-row-more').click();
      await openMenu(page).getByTestId('listing-row-approve').click();
      await page.locator('.ant-message-success', { hasText: `已通过：${firstName}` }).waitFor();
      await expect
        .poll(async () => Number(await page.getByTestId('listing-tab-pending').getAttribute('data-count')))
        .toBe(pendingBefore - 1);

      // Bulk approve still works on the page shown.
      await idle(page, 'listing-queue', 45_000);
      const onPage = await rows.count();
      await queue.locator('thead .ant-checkbox-input').check();
      await expect(page.getByTestId('listing-bulk-approve').innerText()).resolves.toContain(String(onPage));
      await page.getByTestId('listing-bulk-approve').click();
      await page.getByText(`已通过 ${onPage} 条`).waitFor();
      await expect
        .poll(async () => Number(await page.getByTestId('listing-tab-pending').getAttribute('data-count')))
        .toBe(pendingBefore - 1 - onPage);

      // A phone: no page overflow, the pager simple.
      await page.getByTestId('listing-institution-filter').locator('.ant-tag-close-icon').click();
      await page.getByTestId('listing-tab-all').click();
      await idle(page, 'listing-queue', 45_000);
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await rows.first().waitFor();
      await noToast(page);
      await screenshot(page, 'review-tables-queue-phone.png');
      await rows.first().getByTestId('listing-row-more').click();
      await openMenu(page).getByTestId('listing-row-institution').waitFor();
      await page.keyboard.press('Escape');
      await expectNoHorizontalOverflow(page);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('the audit log: searched, sorted both ways, numbered pages over its cursor, a row’s details and menu', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/audit-log');
      await idle(page, 'audit-log', 45_000);
      const rows = page.locator('[data-testid="audit-log"] tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(20);
      expect(await pageFits(page)).toBe(true);
      const times = async () =>
        (await page.locator('[data-testid="audit-log"] tbody tr.ant-table-row td:first-child').allInnerTexts()).map(
          (s) => s.trim(),
        );

      // Oldest first, then newest first again, by the time column.
      await requestAfter(
        page,
        '/admin/audit-log',
        (q) => q.get('order') === 'asc',
        () => page.locator('th', { hasText: '时间' }).first().click(),
      );
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () => {
          const t = await times();
          return t.length > 1 && t.every((x, i) => i === 0 || t[i - 1]! <= x);
        })
        .toBe(true);
      // Back to newest first (its first page may come from the cache).
      await page.locator('th', { hasText: '时间' }).first().click();
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () => {
          const t = await times();
          return t.length > 1 && t.every((x, i) => i === 0 || t[i - 1]! >= x);
        })
        .toBe(true);

      // Numbered pages over the cursor: page 2 asks for the next cursor, page 1 comes back from memory.
      const first = await rows.first().innerText();
      const paged = await requestAfter(
        page,
        '/admin/audit-log',
        (q) => !!q.get('cursor'),
        () => page.getByTestId('audit-pager').locator('.ant-pagination-item-2').click(),
      );
      expect(paged.get('limit')).toBe('20');
      await expect.poll(() => rows.first().innerText()).not.toBe(first);
      await page.getByTestId('audit-pager').locator('.ant-pagination-item-1').click();
      await expect.poll(() => rows.first().innerText()).toBe(first);

      // Free text, on the server: an e-mail, and an action by its Chinese label.
      const searched = await requestAfter(
        page,
        '/admin/audit-log',
        (q) => q.get('q') === 'lab2@demo',
        () => page.locator('[data-testid="audit-search"] input, input[data-testid="audit-search"]').fill('lab2@demo'),
      );
      expect(searched.get('order')).toBe('desc');
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () => {
          const texts = await rows.allInnerTexts();
          return texts.length > 0 && texts.every((r) => r.includes('lab2@demo.test'));
        })
        .toBe(true);
      await page.locator('[data-testid="audit-search"] input, input[data-testid="audit-search"]').fill('登录');
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () => {
          const actions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
          return actions.length > 0 && actions.every((a) => a === 'auth.login' || a === 'auth.logout');
        })
        .toBe(true);
      await page.locator('[data-testid="audit-search"] input, input[data-testid="audit-search"]').fill('');
      await idle(page, 'audit-log', 45_000);

      // A row: its details in a drawer (one action), the rest in its menu (narrow to this action).
      await rows.first().getByTestId('audit-open').click();
      const entry = page.getByTestId('audit-entry');
      await entry.waitFor();
      await expect.poll(() => entry.innerText()).toContain('浏览器');
      await noToast(page);
      await screenshot(page, 'audit-tables-entry.png');
      await page.keyboard.press('Escape');
      await entry.waitFor({ state: 'detached' });
      const action = (await rows.first().getAttribute('data-action'))!;
      await rows.first().getByTestId('audit-row-more').click();
      await requestAfter(
        page,
        '/admin/audit-log',
        (q) => q.get('action') === action,
        () => openMenu(page).getByTestId('audit-row-action').click(),
      );
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () =>
          (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).every((a) => a === action),
        )
        .toBe(true);
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'audit-tables.png');
      await page.getByTestId('audit-clear').click();
      await idle(page, 'audit-log', 45_000);

      // A phone: cards, the order as a select, no page overflow.
      await page.setViewportSize(PHONE);
      const cards = page.locator('[data-testid="audit-log"] [data-testid="audit-row"]');
      await cards.first().waitFor();
      await expectNoHorizontalOverflow(page);
      // Oldest first (the answer may come from the query cache: the same order was asked above).
      await page.getByTestId('audit-order').click();
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
          hasText: '最早在前',
        })
        .click();
      await idle(page, 'audit-log', 45_000);
      await expect
        .poll(async () => {
          const at = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-at') ?? ''));
          return at.length > 1 && at.every((t, i) => i === 0 || at[i - 1]! <= t);
        })
        .toBe(true);
      await expectNoHorizontalOverflow(page);
      await noToast(page);
      await screenshot(page, 'audit-tables-phone.png');
      await cards.first().getByTestId('audit-open').click();
      await page.getByTestId('audit-entry').waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'audit-tables-entry-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);
});
