/**
 * The sharing statistics in a real browser: the public overview (共享共用情况一网通览) signed out, in
 * Chinese and English, at desktop and phone width; then a lab manager's institution statistics and a
 * national reporting download.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectChineseFontLoaded,
  expectNoHorizontalOverflow,
  fillSignIn,
  newPage,
  PHONE,
  screenshot,
  useHarness,
  switchLanguage,
} from './helpers.ts';

const harness = useHarness();

/** The overview shows the answer for `year` (not a placeholder of another year while it loads). */
async function waitForOverview(page: Page, year = new Date().getFullYear()) {
  await page.locator(`[data-testid="overview"][data-busy="false"][data-year="${year}"]`).waitFor();
  await page.getByTestId('overview-figures').waitFor();
}

async function figure(page: Page, testId: string): Promise<number> {
  const raw = await page.getByTestId(testId).getAttribute('data-value');
  expect(raw, `${testId} carries its number`).toMatch(/^-?\d+(\.\d+)?$/);
  const text = await page.getByTestId(`${testId}-value`).innerText();
  expect(text, `${testId} shows a number`).toMatch(/\d/);
  return Number(raw);
}

/** The chart's SVG has drawn shapes (ECharts renders with SVG, so the page font draws its text). */
async function expectChartDrawn(page: Page, testId: string) {
  const chart = page.getByTestId(testId);
  await chart.locator('svg').first().waitFor();
  await expect.poll(() => chart.locator('svg path').count(), { message: `${testId} draws shapes` }).toBeGreaterThan(5);
}

const chartText = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('svg text')
    .allTextContents()
    .then((t) => t.join(' '));

describe('sharing overview', () => {
  it('shows the province’s figures and charts to a signed-out visitor, in Chinese and English, on desktop and phone', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      // Reachable from the catalogue: the banner of headline figures leads to the overview.
      await page.goto('/instruments');
      const banner = page.getByTestId('overview-banner');
      await expect(banner.getAttribute('href')).resolves.toBe('/overview');
      await expect(page.getByTestId('nav-overview').count()).resolves.toBe(1);
      await banner.click();
      await page.waitForURL((url) => url.pathname === '/overview');
      await waitForOverview(page);
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('共享共用情况一网通览');

      // Headline figures: the demo has completed jobs (October of this year).
      expect(await figure(page, 'kpi-instruments')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-institutions')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-jobs')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-hours')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-enterprises')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-saved')).toBeGreaterThan(0);
      await expect(page.getByTestId('kpi-saved').innerText()).resolves.toContain('万元');
      const rating = await figure(page, 'kpi-rating');
      expect(rating).toBeGreaterThanOrEqual(1);
      expect(rating).toBeLessThanOrEqual(5);

      // The charts draw.
      for (const id of ['chart-monthly', 'chart-city', 'chart-category']) await expectChartDrawn(page, id);
      await expect(chartText(page, 'chart-city')).resolves.toContain('济南');
      await expect(chartText(page, 'chart-monthly')).resolves.toContain('10月');

      // The most used instruments link to their pages.
      const top = page.getByTestId('top-instrument');
      expect(await top.count()).toBeGreaterThan(0);
      expect(await top.count()).toBeLessThanOrEqual(10);
      await expect(top.first().locator('a').getAttribute('href')).resolves.toMatch(/^\/instruments\/\d+$/);

      await expectChineseFontLoaded(page);
      await screenshot(page, 'overview.png');

      // Another year: 2025 has no services in the demo, and says so. The server builds a year's figures
      // the first time it is asked for, behind its answer: the page says so until they are complete.
      await page.getByTestId('year-2025').click();
      await page.waitForURL((url) => url.searchParams.get('year') === '2025');
      await waitForOverview(page, 2025);
      await page.getByTestId('stats-building').waitFor();
      await page.getByTestId('stats-building').waitFor({ state: 'detached' });
      await expect(figure(page, 'kpi-jobs')).resolves.toBe(0);
      await page.getByTestId('monthly-empty').waitFor();
      const thisYear = new Date().getFullYear();
      // Only the platform's years are offered (from its first, 2025, to this one).
      await expect(page.getByTestId('year-2024').count()).resolves.toBe(0);
      await page.getByTestId(`year-${thisYear}`).click();
      await page.waitForURL((url) => url.searchParams.get('year') === String(thisYear));
      await waitForOverview(page, thisYear);
      await expectChartDrawn(page, 'chart-monthly');

      // English: city names in English.
      await switchLanguage(page, 'en');
      await page.getByRole('heading', { name: 'Sharing overview', level: 1 }).waitFor();
      await expect.poll(() => chartText(page, 'chart-city')).toContain('Jinan');
      await expect(chartText(page, 'chart-city')).resolves.toContain('Qingdao');
      await expect(chartText(page, 'chart-monthly')).resolves.toContain('Oct');

      // Phone width, still in English: the cities become a table; nothing sticks out sideways.
      await page.setViewportSize(PHONE);
      await page.getByTestId('city-table').waitFor();
      await expect(page.getByTestId('city-table').innerText()).resolves.toContain('Jinan');
      await expectNoHorizontalOverflow(page);

      // Back to Chinese for the phone screenshot.
      await switchLanguage(page, 'zh-CN');
      await page.getByRole('heading', { name: '共享共用情况一网通览', level: 1 }).waitFor();
      await expect(page.getByTestId('city-table').innerText()).resolves.toContain('济南');
      await expectChartDrawn(page, 'chart-monthly');
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'overview-phone.png');
    } finally {
      await context.close();
    }
  });

  it('gives a lab manager the institution statistics and the national reporting downloads', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      // Signed out, /lab/stats asks for sign-in first.
      await page.goto('/lab/stats');
      await page.waitForURL((url) => url.pathname === '/login');
      const dashboard = page.waitForResponse((r) => /\/api\/v1\/stats\/institutions\/\d+/.test(r.url()));
      await fillSignIn(page, 'lab@demo.test', 'demo-pass-2025');
      await page.waitForURL((url) => url.pathname === '/lab/stats');
      // The answer's gzip is deflate streams compressed apart and joined (the head, the instrument list's
      // blocks, the tail: server/http/json-blocks.ts): Chromium reads it whole.
      const answer = await dashboard;
      expect(answer.headers()['content-encoding']).toBe('gzip');
      expect(((await answer.json()) as { instruments: unknown[] }).instruments.length).toBeGreaterThan(0);
      await page.getByTestId('nav-lab-stats').waitFor();
      await page.locator('[data-testid="lab-stats"][data-busy="false"]').waitFor();
      await page.getByTestId('lab-stats-figures').waitFor();
      await expect(page.getByTestId('lab-stats-scope').innerText()).resolves.toContain('山东省分析测试中心');

      expect(await figure(page, 'kpi-enterprises')).toBeGreaterThan(0);
      expect(await figure(page, 'kpi-income')).toBeGreaterThan(0);
      await expectChartDrawn(page, 'chart-lab-monthly');
      expect(await page.getByTestId('instrument-stats-row').count()).toBeGreaterThan(0);

      // Sorting by income puts an instrument that earned something first.
      await page.getByTestId('instrument-stats').getByRole('columnheader', { name: '服务收入' }).click();
      const firstIncome = await page.getByTestId('instrument-stats-row').first().getByTestId('income-cell').innerText();
      expect(firstIncome).toMatch(/¥[1-9]/);

      // The underused list follows its thresholds.
      await page.getByTestId('underused-row').first().waitFor();
      await screenshot(page, 'lab-stats.png');
      const before = await page.getByTestId('underused-count').innerText();
      await page.getByTestId('underused-min-hours').fill('0');
      await page.getByTestId('underused-max-utilisation').fill('0');
      await expect.poll(() => page.getByTestId('underused-count').innerText()).not.toBe(before);

      // The national reporting exports answer with files for this session.
      for (const id of ['export-instruments-csv', 'export-services-xlsx']) {
        const href = await page.getByTestId(id).getAttribute('href');
        expect(href).toMatch(
          /^\/api\/v1\/national-reports\/(instruments|services)\?institutionId=\d+&year=\d{4}&format=/,
        );
        const answer = await page.evaluate(async (url) => {
          const res = await fetch(url, { credentials: 'same-origin' });
          return {
            status: res.status,
            type: res.headers.get('content-type'),
            disposition: res.headers.get('content-disposition'),
            size: (await res.arrayBuffer()).byteLength,
          };
        }, href!);
        expect(answer.status, `${id} answers 200`).toBe(200);
        expect(answer.disposition).toMatch(/attachment/);
        expect(answer.size).toBeGreaterThan(0);
        expect(answer.type).toMatch(id.endsWith('csv') ? /text\/csv/ : /spreadsheetml/);
      }

      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
    } finally {
      await context.close();
    }
  });
});
