/**
 * Charts that tell the truth, in a real browser: the public overview (一网通览) and the finance
 * dashboard (资金看板) read as what they draw (each chart's `data-chart`) and as what is on screen.
 * The browser's clock is set to 20 October 2026 (the demo's history runs to 31 October), so the
 * months after it have not happened: they are not drawn. Screenshots at desktop and phone widths.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, expectNoHorizontalOverflow, newPage, PHONE, screenshot, signIn, useHarness } from './helpers.ts';

const harness = useHarness();

/** 20 October 2026, 10:00 in Shandong: the browser's "now" in these tests. */
const NOW = new Date('2026-10-20T10:00:00+08:00');
/** The width the issue names for phones (a little wider than PHONE). */
const PHONE_390 = { width: 390, height: 844 };

type Axis = { type: string; data?: string[] };
type Drawn = {
  xAxis: Axis[];
  yAxis: Axis[];
  series: { name: string; type: string; stack: string | null; data: number[] }[];
};

async function drawn(page: Page, testId: string): Promise<Drawn> {
  const chart = page.getByTestId(testId);
  await chart.locator('svg').first().waitFor();
  return JSON.parse((await chart.getAttribute('data-chart'))!) as Drawn;
}

/** The chart's one category axis and one value axis (whichever way round). */
function axes(d: Drawn) {
  const all = [...d.xAxis, ...d.yAxis];
  expect(
    all.filter((a) => a.type === 'value'),
    'one value axis',
  ).toHaveLength(1);
  const categories = all.filter((a) => a.type === 'category');
  expect(categories, 'one category axis').toHaveLength(1);
  return categories[0]!.data!;
}

/** The texts the chart's SVG draws with their boxes, those matching `pattern`. */
function labelBoxes(page: Page, testId: string, pattern: RegExp) {
  return page
    .getByTestId(testId)
    .locator('svg text')
    .evaluateAll(
      (nodes, source) =>
        nodes
          .filter((n) => new RegExp(source).test(n.textContent ?? ''))
          .map((n) => {
            const r = n.getBoundingClientRect();
            return { text: n.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom };
          }),
      pattern.source,
    );
}

type Box = Awaited<ReturnType<typeof labelBoxes>>[number];
const overlapping = (boxes: Box[]) =>
  boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
      .map((b) => `${a.text}/${b.text}`),
  );

async function openOverview(page: Page) {
  await page.goto('/overview?year=2026');
  // (The first answer after the server starts may wait for the year's figures on a busy machine.)
  await page.locator('[data-testid="overview"][data-busy="false"][data-year="2026"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('overview-figures').waitFor();
}

const monthNames = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1}月`);

describe('charts that tell the truth', () => {
  it('the overview: months up to now, one axis per chart, a believable year, no orphan figures', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await context.clock.setFixedTime(NOW);
      await openOverview(page);

      // A province's year: hundreds of enterprises served, vouchers that saved them a visible amount.
      const enterprises = Number(await page.getByTestId('kpi-enterprises').getAttribute('data-value'));
      const savedFen = Number(await page.getByTestId('kpi-saved').getAttribute('data-value'));
      expect(enterprises, 'enterprises served').toBeGreaterThanOrEqual(200);
      // (This server's demo has 400 instruments; the full demo of 3,000 saves several times more.)
      expect(savedFen, 'saved with vouchers (fen)').toBeGreaterThanOrEqual(5_000_000); // ≥ 5 万元
      // The same figures as the public API, which counts the seeded bookings and voucher uses.
      const api = (await (await page.request.get('/api/v1/stats/overview?year=2026')).json()) as {
        totals: { enterprisesServed: number; savedFen: number };
      };
      expect(enterprises).toBe(api.totals.enterprisesServed);
      expect(savedFen).toBe(api.totals.savedFen);

      // The month axis: January to October, every month once, nothing after "now".
      const monthly = await drawn(page, 'chart-monthly');
      expect(axes(monthly)).toEqual(monthNames(10));
      expect(monthly.yAxis).toHaveLength(1);
      // Outside users' hours and the institutions' own, stacked: two different series, not one twice.
      expect(monthly.series.map((s) => s.stack)).toEqual(['hours', 'hours']);
      expect(monthly.series[0]!.data).not.toEqual(monthly.series[1]!.data);
      expect(
        monthly.series[1]!.data.some((h) => h > 0),
        'some internal use',
      ).toBe(true);
      for (const id of ['chart-city', 'chart-category']) {
        const d = await drawn(page, id);
        axes(d);
        expect(d.series, `${id}: one quantity`).toHaveLength(1);
      }
      // Every month label drawn, none over another.
      const labels = await labelBoxes(page, 'chart-monthly', /^\d{1,2}月$/);
      expect(labels.map((l) => l.text)).toEqual(monthNames(10));
      expect(overlapping(labels)).toEqual([]);

      // Eight figures: four by two on a wide screen.
      const cards = page.locator('[data-testid="overview-figures"] > .stat-card');
      await expect(cards.count()).resolves.toBe(8);
      const rows = async () =>
        cards.evaluateAll((els) => {
          const tops = els.map((e) => Math.round(e.getBoundingClientRect().top));
          return [...new Set(tops)].map((t) => tops.filter((x) => x === t).length);
        });
      await expect(rows()).resolves.toEqual([4, 4]);
      await screenshot(page, 'charts-overview.png');

      for (const viewport of [PHONE_390, PHONE]) {
        await page.setViewportSize(viewport);
        await openOverview(page);
        await expect.poll(rows).toEqual([2, 2, 2, 2]);
        await page.getByTestId('chart-monthly').locator('svg').first().waitFor();
        // Phones draw the same months, every label readable.
        await expect
          .poll(async () => (await labelBoxes(page, 'chart-monthly', /^\d{1,2}月$/)).map((l) => l.text))
          .toEqual(monthNames(10));
        expect(overlapping(await labelBoxes(page, 'chart-monthly', /^\d{1,2}月$/))).toEqual([]);
        const category = await labelBoxes(page, 'chart-category', /./);
        expect(overlapping(category), 'category chart texts apart').toEqual([]);
        await expectNoHorizontalOverflow(page);
      }
      await screenshot(page, 'charts-overview-phone.png');

      // A finished year is drawn whole (twelve months, none after now needed).
      await context.clock.setFixedTime(new Date('2027-02-01T10:00:00+08:00'));
      await page.setViewportSize(DESKTOP);
      await openOverview(page);
      expect(axes(await drawn(page, 'chart-monthly'))).toEqual(monthNames(12));
    } finally {
      await context.close();
    }
  });

  it('the finance dashboard: stages stacked on one axis over continuous months, the city chart on one axis', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await context.clock.setFixedTime(NOW);
      await signIn(page, 'finance2@demo.test');
      await page.goto('/finance/dashboard');
      await page.locator('[data-testid="dashboard"][data-busy="false"]').waitFor();
      const byMonth = await drawn(page, 'chart-by-month');
      const months = axes(byMonth);
      expect(byMonth.yAxis).toHaveLength(1);
      // Continuous: each month the one after the last.
      expect(months.length).toBeGreaterThanOrEqual(6);
      for (let i = 1; i < months.length; i++) {
        const [y, m] = months[i - 1]!.split('-').map(Number) as [number, number];
        expect(months[i], `after ${months[i - 1]}`).toBe(
          m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`,
        );
      }
      // Up to now (October), or a later month the data already holds (the hold of next week's booking,
      // made when the demo started), never beyond.
      const data = (await (await page.request.get('/api/v1/finance/dashboard')).json()) as {
        stages: { byMonth: { month: string }[] };
      };
      const latest = [...data.stages.byMonth.map((m) => m.month), '2026-10'].sort().pop();
      expect(months[months.length - 1]).toBe(latest);
      // The four stages, stacked (parts of one whole); the quota granted is no line on a second axis.
      expect(byMonth.series.map((s) => s.type)).toEqual(['bar', 'bar', 'bar', 'bar']);
      expect(new Set(byMonth.series.map((s) => s.stack))).toEqual(new Set(['stages']));
      const stacked = byMonth.series.reduce((sum, s) => sum + s.data.reduce((a, b) => a + b, 0), 0);
      expect(stacked, 'money drawn on (yuan)').toBeGreaterThan(50_000);
      await expect(page.getByTestId('stages-note').innerText()).resolves.toContain('已核定额度');

      // Cities: one value axis, the stages stacked; each bar ends with drawn on / granted (a figure).
      const byCity = await drawn(page, 'chart-by-city');
      axes(byCity);
      expect(byCity.series.every((s) => s.stack === 'stages')).toBe(true);
      await expect(page.getByTestId('chart-by-city').innerText()).resolves.toMatch(/¥[\d.,]+万? \/ ¥[\d.,]+万/);
      await expect(page.getByTestId('city-note').innerText()).resolves.toContain('已核定额度');
      // Every month named on the axis (the year under the first month and each January).
      const ticks = await labelBoxes(page, 'chart-by-month', /^\d{1,2}月/);
      expect(ticks.map((l) => /^\d{1,2}月/.exec(l.text)![0])).toEqual(months.map((m) => `${Number(m.slice(5))}月`));
      expect(overlapping(ticks)).toEqual([]);
      await screenshot(page, 'charts-dashboard.png');

      await page.setViewportSize(PHONE_390);
      await page.reload();
      await page.locator('[data-testid="dashboard"][data-busy="false"]').waitFor();
      await page.getByTestId('chart-by-month').locator('svg').first().waitFor();
      // Every month label drawn: ECharts leaves out any that would overlap, so all there means none do.
      await expect
        .poll(async () => (await labelBoxes(page, 'chart-by-month', /^\d{1,2}月/)).length)
        .toBe(months.length);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'charts-dashboard-phone.png');
    } finally {
      await context.close();
    }
  });
});
