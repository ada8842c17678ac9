/**
 * The voucher office's admin lists (issue 17) in a real browser: enterprises, quotas and related
 * parties searched, filtered, sorted and paged by number on the server; programmes (a handful) on the
 * client; one primary action per row and the rest in a menu; never wider than the page at 1440 px,
 * and no sideways scrolling of the page on a phone.
 */
import { describe, expect, it } from 'vitest';
import { expectNoHorizontalOverflow, newPage, PHONE, screenshot, signIn, useHarness } from './helpers.ts';
import { idle, pageFits, requestAfter, rowsOf, WIDE } from './tables.ts';

const harness = useHarness();

describe('voucher admin tables', () => {
  it('searches, filters, sorts and pages the enterprises on the server', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/enterprises');
      await idle(page, 'enterprises');
      const rows = rowsOf(page, 'enterprises');
      await rows.first().waitFor();
      await expect.poll(() => page.locator('.ant-pagination-total-text').innerText()).toMatch(/共 [\d,]+ 条/);
      expect(await pageFits(page)).toBe(true);

      // Sorted by the quota money left, most first, on the server.
      const sorted = await requestAfter(
        page,
        '/enterprises',
        (q) => q.get('sort') === 'balance',
        () => page.locator('th', { hasText: '额度余额' }).first().click(),
      );
      expect(sorted.get('order')).toBe('desc');
      expect(sorted.get('offset')).toBe('0');
      await idle(page, 'enterprises');
      const first = Number(await rows.first().getByTestId('enterprise-balance').getAttribute('data-fen'));
      const second = Number(await rows.nth(1).getByTestId('enterprise-balance').getAttribute('data-fen'));
      expect(first).toBeGreaterThanOrEqual(second);
      expect(first).toBeGreaterThan(0);

      // Numbered pages.
      const paged = await requestAfter(
        page,
        '/enterprises',
        (q) => q.get('offset') === '20',
        () => page.locator('.ant-pagination-item-2').click(),
      );
      expect(paged.get('limit')).toBe('20');
      await idle(page, 'enterprises');

      // Certification filter from the column header, then a search: back to the first page.
      const filtered = await requestAfter(
        page,
        '/enterprises',
        (q) => q.get('certification') === 'valid',
        async () => {
          await page.getByTestId('enterprise-certification').click();
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
              hasText: '有效',
            })
            .first()
            .click();
        },
      );
      expect(filtered.get('offset')).toBe('0');
      await idle(page, 'enterprises');
      await expect
        .poll(async () =>
          (
            await rows
              .locator('[data-testid="certification"]')
              .evaluateAll((n) => n.map((e) => e.getAttribute('data-state')))
          ).every((s) => s === 'valid'),
        )
        .toBe(true);
      const name = (await rows.first().getByTestId('enterprise-name').innerText()).slice(0, 4);
      const searched = await requestAfter(
        page,
        '/enterprises',
        (q) => q.get('q') === name,
        () => page.getByTestId('enterprise-search').fill(name),
      );
      expect(searched.get('certification')).toBe('valid');
      await idle(page, 'enterprises');
      await expect.poll(() => rows.first().innerText()).toContain(name);

      // One action shown, the rest in the row's menu.
      await rows.first().getByTestId('enterprise-more').click();
      await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) [data-testid="revoke-certification"]').waitFor();
      await page.keyboard.press('Escape');
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'voucher-admin-enterprises.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'voucher-admin-enterprises-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('filters, sorts and pages the quotas on the server; related parties and programmes too', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/quotas');
      await idle(page, 'quotas');
      const rows = rowsOf(page, 'quotas');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);
      const sorted = await requestAfter(
        page,
        '/voucher-quotas',
        (q) => q.get('sort') === 'amount',
        async () => {
          await page.getByTestId('quota-sort').click();
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
              hasText: '额度从高到低',
            })
            .click();
        },
      );
      expect(sorted.get('order')).toBe('desc');
      await idle(page, 'quotas');
      const caps = await rows
        .getByTestId('quota-cap')
        .evaluateAll((n) => n.map((e) => Number(e.getAttribute('data-fen'))));
      expect(caps).toEqual([...caps].sort((a, b) => b - a));
      const filtered = await requestAfter(
        page,
        '/voucher-quotas',
        (q) => q.get('status') === 'active',
        async () => {
          await page.getByTestId('quota-status-filter').click();
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
              hasText: '有效',
            })
            .first()
            .click();
        },
      );
      expect(filtered.get('sort')).toBe('amount');
      await idle(page, 'quotas');
      // The row's menu narrows to the enterprise (kept in the address).
      await rows.first().getByTestId('quota-more').click();
      await page
        .locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item', { hasText: '只看该项目' })
        .click();
      await page.waitForURL((u) => u.searchParams.has('programme'));
      await idle(page, 'quotas');
      await page.getByTestId('programme-budget').waitFor();
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'voucher-admin-quotas.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'voucher-admin-quotas-phone.png');

      await page.setViewportSize(WIDE);
      await page.goto('/admin/related-parties');
      await idle(page, 'related-parties');
      const declared = await requestAfter(
        page,
        '/related-parties',
        (q) => q.get('sort') === 'enterprise',
        async () => {
          await page.getByTestId('related-sort').click();
          await page
            .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
              hasText: '按企业名称',
            })
            .click();
        },
      );
      expect(declared.get('offset')).toBe('0');
      await idle(page, 'related-parties');
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'voucher-admin-related.png');

      await page.goto('/admin/programmes');
      const programmes = rowsOf(page, 'programmes');
      await programmes.first().waitFor();
      const n = await programmes.count();
      await page.getByTestId('programme-search').fill('山东省');
      await expect.poll(async () => (await programmes.allInnerTexts()).every((t) => t.includes('山东省'))).toBe(true);
      expect(await programmes.count()).toBeLessThanOrEqual(n);
      await programmes.first().getByTestId('programme-more').click();
      await page
        .locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item', { hasText: '查看额度' })
        .waitFor();
      await page.keyboard.press('Escape');
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'voucher-admin-programmes.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'voucher-admin-programmes-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);
});
