/**
 * Once there is a query (text or any filter in the URL), the catalogue folds its hero banner, the
 * province's figures and the sharing-overview banner into a compact search bar, so the results start
 * near the top: at 1440×900 at least five results are on the first screen, and on a 390×844 phone the
 * first result starts within 250 px. Without a query the landing hero is as it was.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  resultTotal,
  screenshot,
  screenshotDir,
  switchLanguage,
  useHarness,
  waitForResults,
} from './helpers.ts';

const harness = useHarness();

const WIDE = { width: 1440, height: 900 };
const PHONE_390 = { width: 390, height: 844 };

/** Where the result cards are on the first screen (before any scrolling). */
async function cardBoxes(page: Page): Promise<{ top: number; bottom: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="instrument-card"]')].map((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY };
    }),
  );
}

/** What the visitor sees before scrolling (screenshot() captures the whole page). */
async function firstScreen(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshotDir, name), animations: 'disabled' });
}

/** Cards whose whole box is inside the viewport's height. */
const fullyVisible = (boxes: { top: number; bottom: number }[], height: number) =>
  boxes.filter((b) => b.top >= 0 && b.bottom <= height).length;

async function expectCompact(page: Page) {
  await expect.poll(() => page.getByTestId('search-bar-compact').count()).toBe(1);
  await expect(page.getByTestId('catalog-hero').count()).resolves.toBe(0);
  await expect(page.getByTestId('overview-banner').count()).resolves.toBe(0);
}

describe('the catalogue’s compact search bar', () => {
  it('puts at least five results on a 1440×900 screen once there is a query, and the hero back without one', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await page.goto('/instruments');
      await waitForResults(page);
      // The landing: the hero with the province's figures and the overview banner.
      await page.getByTestId('catalog-hero').waitFor();
      await page.getByTestId('overview-banner').waitFor();
      const landingFirst = (await cardBoxes(page))[0]!.top;

      const input = page.getByTestId('search-input');
      await input.fill('色谱');
      await input.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('q') === '色谱');
      await waitForResults(page);
      await expectCompact(page);
      expect(await resultTotal(page)).toBeGreaterThan(5);
      // The compact bar keeps the query and the search.
      await expect(page.getByTestId('search-input').inputValue()).resolves.toBe('色谱');
      await screenshot(page, 'search-bar-1440.png');
      await firstScreen(page, 'search-bar-1440-first-screen.png');
      const boxes = await cardBoxes(page);
      expect(boxes[0]!.top).toBeLessThan(landingFirst - 150);
      expect(
        fullyVisible(boxes, WIDE.height),
        `card tops ${boxes.map((b) => Math.round(b.top)).join(', ')}`,
      ).toBeGreaterThanOrEqual(5);

      // A filter alone is a query too.
      await page.goto('/instruments?city=370200');
      await waitForResults(page);
      await expectCompact(page);
      expect(fullyVisible(await cardBoxes(page), WIDE.height)).toBeGreaterThanOrEqual(5);

      // Clearing the text of a text-only search brings the landing back.
      await page.goto('/instruments?q=%E8%89%B2%E8%B0%B1');
      await waitForResults(page);
      await expectCompact(page);
      await page.getByTestId('search-input').fill('');
      await page.getByTestId('search-submit').click();
      await page.waitForURL((url) => !url.searchParams.has('q'));
      await waitForResults(page);
      await page.getByTestId('catalog-hero').waitFor();
      await expect(page.getByTestId('search-bar-compact').count()).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });

  it('shows the first result within 250 px on a 390×844 phone, with filters and free-time search at hand', async () => {
    const { context, page } = await newPage(harness(), PHONE_390);
    try {
      await page.goto('/instruments?q=%E8%89%B2%E8%B0%B1'); // 色谱
      await waitForResults(page);
      await expectCompact(page);
      const first = (await cardBoxes(page))[0]!;
      expect(first.top, `first result at y=${Math.round(first.top)}`).toBeLessThan(250);
      await expectNoHorizontalOverflow(page);
      // The filters drawer and the free-time search are one tap away.
      await page.getByTestId('open-filters').waitFor();
      await page.getByTestId('free-search-toggle').click();
      await page.getByTestId('free-search').waitFor();
      await expectNoHorizontalOverflow(page);
      await page.getByTestId('free-search-toggle').click();
      await expect.poll(() => page.getByTestId('free-search').count()).toBe(0);
      await screenshot(page, 'search-bar-390.png');
      await firstScreen(page, 'search-bar-390-first-screen.png');
    } finally {
      await context.close();
    }
  });

  it('looks right at the suite’s desktop and phone sizes, in Chinese and English', async () => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page } = await newPage(harness(), viewport);
      try {
        await page.goto('/instruments?q=SEM');
        await waitForResults(page);
        await expectCompact(page);
        const boxes = await cardBoxes(page);
        expect(boxes.length).toBeGreaterThan(0);
        expect(boxes[0]!.top).toBeLessThan(name === 'phone' ? 250 : 200);
        // The synonym table at work: SEM finds scanning electron microscopes first.
        const firstTitle = await page.getByTestId('instrument-card').first().innerText();
        expect(firstTitle).toMatch(/扫描电子显微镜|扫描电镜|Scanning Electron/);
        await expectNoHorizontalOverflow(page);
        await screenshot(page, `search-bar-${name}.png`);
        await firstScreen(page, `search-bar-${name}-first-screen.png`);
        await switchLanguage(page, 'en');
        await waitForResults(page);
        await expectCompact(page);
        await expectNoHorizontalOverflow(page);
        await screenshot(page, `search-bar-${name}-en.png`);
        await firstScreen(page, `search-bar-${name}-en-first-screen.png`);
      } finally {
        await context.close();
      }
    }
  });
});
