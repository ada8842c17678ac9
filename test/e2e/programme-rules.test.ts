/**
 * The admin's programme form, in a real browser on the demo: a county ratio for 冠县 (省财政直管县),
 * surcharges made ineligible, the change saved as a new rule version that the programme's version list
 * shows in force beside version 1. Desktop, then phone width.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  screenshot,
  screenshotDir,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();

describe('programme rules', () => {
  it('saves a county ratio and eligible parts as a new version, listed with the earlier one', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/programmes');
      await editProvincial(page);
      await page.getByTestId('programme-form').waitFor();
      const versions = page.getByTestId('rule-versions');
      await versions.getByTestId('rule-version').first().waitFor();
      await expect(versions.getByTestId('rule-version').count()).resolves.toBe(1);

      await page.getByTestId('add-county').click();
      await pickCounty(page, '冠县');
      await page.getByTestId('county-percent').last().fill('70');
      await page.getByTestId('parts-surcharges').click();
      await page.getByTestId('county-ratios').scrollIntoViewIfNeeded();
      await screenshot(page, 'programme-rules-form.png');
      await page.getByTestId('save-programme').click();
      await page.getByTestId('programme-drawer').waitFor({ state: 'hidden' });

      await editProvincial(page);
      const again = page.getByTestId('rule-versions');
      await again.locator('[data-version="2"][data-in-force="true"]').waitFor();
      await expect(again.getByTestId('rule-version').count()).resolves.toBe(2);
      await expect(page.getByTestId('parts-surcharges').getAttribute('aria-checked')).resolves.toBe('false');
      await again.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, 'programme-rule-versions.png') });
    } finally {
      await context.close();
    }
  });

  it('shows the versions at phone width without overflow', async () => {
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/programmes');
      await editProvincial(page);
      await page.getByTestId('rule-versions').getByTestId('rule-version').first().waitFor();
      await expectNoHorizontalOverflow(page);
      await page.getByTestId('rule-versions').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(screenshotDir, 'programme-rule-versions-phone.png') });
    } finally {
      await context.close();
    }
  });
});

/** The provincial programme's edit button (the demo has city programmes with other parts and stages too). */
function editProvincial(page: Page) {
  return page.locator('.ant-table-row', { hasText: '2026年度山东省科技创新券' }).getByTestId('edit-programme').click();
}

/**
 * Picks a county in the last county row. The list is long (and virtual) and loads after the row appears,
 * so search for it and wait until the select shows it; a pick that landed while the options were still
 * loading is tried again.
 */
async function pickCounty(page: Page, name: string) {
  const select = page.getByTestId('county-select').last();
  for (let attempt = 1; ; attempt++) {
    await select.click();
    await page.keyboard.type(name);
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .filter({ hasText: name })
      .first()
      .click();
    try {
      await expect.poll(() => select.innerText(), { timeout: 5_000 }).toContain(name);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
