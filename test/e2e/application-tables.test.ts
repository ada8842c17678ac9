/**
 * The finance office's application tables in a real browser (issue 17): 济南's office sorts, filters,
 * searches and pages its certification and voucher applications on the server, each row has one
 * primary action and the rest in its menu, the page is never wider than 1440 px, and at phone width
 * the rows are cards without the page overflowing. Extra applications are written into the test's
 * own database before the server starts (both engines).
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { seedApplicationRows } from '../support/application-rows.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { expectNoHorizontalOverflow, newPage, PHONE, screenshot, signIn, useHarness } from './helpers.ts';
import { pageFits, requestAfter, WIDE } from './tables.ts';

let database: TestDatabase | undefined;
// Registered before the harness: runs after the server has stopped.
afterAll(async () => {
  await database?.drop();
});
const harness = useHarness(async () => {
  database = await createTestDatabase({ demo: { instruments: 50 } });
  const db = openDatabase(database.target);
  try {
    await seedApplicationRows(db);
  } finally {
    await db.close();
  }
  return database.env;
});

const idle = (page: Page) => page.locator('[data-testid="application-queue"][data-busy="false"]').waitFor();

describe('application tables', () => {
  it('sorts, filters, searches and pages the certification applications on the server', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'finance@demo.test');
      await page.goto('/finance/certification-applications');
      await idle(page);
      const rows = page.locator('[data-testid="application-queue"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);
      // Submitted by default; one primary action a row, the rest in its menu.
      await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes('待审核'))).toBe(true);
      await expect(rows.first().getByTestId('open-application').innerText()).resolves.toBe('审核');
      await rows.first().getByTestId('application-more').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item').first().waitFor();
      await page.keyboard.press('Escape');

      // The status column's filter: all statuses (reset, then OK), then numbered pages with the total.
      await page.locator('th', { hasText: '状态' }).last().locator('.ant-table-filter-trigger').click();
      const dropdown = page.locator('.ant-table-filter-dropdown:visible');
      await dropdown.getByRole('button', { name: /重\s*置|Reset/ }).click();
      const all = await requestAfter(
        page,
        '/certification-applications',
        (q) => !q.get('status'),
        () => dropdown.getByRole('button', { name: /确\s*定|OK/ }).click(),
      );
      expect(all.get('limit')).toBe('20');
      await idle(page);
      await expect.poll(() => page.getByTestId('application-pager').innerText()).toMatch(/共 \d+ 条/);
      const before = await rows.first().innerText();
      const paged = await requestAfter(
        page,
        '/certification-applications',
        (q) => q.get('offset') === '20',
        () => page.locator('[data-testid="application-pager"] .ant-pagination-item-2').click(),
      );
      expect(paged.get('limit')).toBe('20');
      await idle(page);
      await expect.poll(() => rows.first().innerText()).not.toBe(before);

      // Sorting by the enterprise asks the server, and starts again at page 1.
      const sorted = await requestAfter(
        page,
        '/certification-applications',
        (q) => q.get('sort') === 'enterprise',
        () => page.locator('th', { hasText: '企业' }).first().click(),
      );
      expect(sorted.get('offset')).toBe('0');
      await idle(page);

      // A search by credit code, debounced, on the server.
      const code = (await rows.first().locator('.small-text').first().innerText()).trim();
      expect(code.length).toBeGreaterThan(5);
      const searched = await requestAfter(
        page,
        '/certification-applications',
        (q) => q.get('q') === code,
        () => page.getByTestId('application-search').locator('input').fill(code),
      );
      expect(searched.get('sort')).toBe('enterprise');
      await idle(page);
      await expect.poll(async () => (await rows.allInnerTexts()).every((r) => r.includes(code))).toBe(true);
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'application-tables-certification.png');

      await page.getByTestId('application-search').locator('input').fill('');
      await idle(page);
      await page.setViewportSize(PHONE);
      await page.locator('[data-testid="application-queue"] .lab-list__item').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'application-tables-certification-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('sorts the voucher applications by amount, filters by programme and opens one', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'finance@demo.test');
      await page.goto('/finance/voucher-applications');
      await idle(page);
      const rows = page.locator('[data-testid="application-queue"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);

      const sorted = await requestAfter(
        page,
        '/voucher-applications',
        (q) => q.get('sort') === 'amount_desc',
        () => page.locator('th', { hasText: '申请金额' }).first().click(),
      );
      expect(sorted.get('status')).toBe('submitted');
      await idle(page);
      const amounts = async () =>
        (await rows.locator('.money-cell').allInnerTexts()).map((s) => Number(s.split('→')[0]!.replace(/[^\d.]/g, '')));
      await expect
        .poll(async () => {
          const a = await amounts();
          return a.length > 1 && a.every((v, i) => i === 0 || a[i - 1]! >= v);
        })
        .toBe(true);

      // The row menu narrows the table to the row's programme.
      await rows.first().getByTestId('application-more').click();
      const filtered = await requestAfter(
        page,
        '/voucher-applications',
        (q) => !!q.get('programmeId'),
        () =>
          page
            .locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item', { hasText: '只看该项目' })
            .click(),
      );
      expect(filtered.get('sort')).toBe('amount_desc');
      await idle(page);
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'application-tables-voucher.png');

      await page.setViewportSize(PHONE);
      await page.locator('[data-testid="application-queue"] .lab-list__item').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'application-tables-voucher-phone.png');
      await page
        .locator('[data-testid="application-queue"] .lab-list__item')
        .first()
        .getByTestId('open-application')
        .click();
      await page.getByTestId('voucher-review').waitFor();
    } finally {
      await context.close();
    }
  }, 180_000);
});
