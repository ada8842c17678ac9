/**
 * Browser journeys through the public catalogue: search in Chinese, filter by city, open a detail page.
 * Runs the real server (fresh database, 400 generated instruments) and the built SPA in headless Chromium.
 */
import { describe, expect, it } from 'vitest';
import {
  DESKTOP,
  expectChineseFontLoaded,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  resultTotal,
  screenshot,
  waitForResults,
  useHarness,
  switchLanguage,
} from './helpers.ts';

const harness = useHarness();

describe('catalogue', () => {
  it('serves the catalogue at the site root', async () => {
    const res = await fetch(`${harness().server.baseUrl}/`);
    expect(res.status, 'GET / returns the SPA shell').toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/');
      await waitForResults(page);
      expect(await resultTotal(page)).toBeGreaterThan(0);
      await expect(page.getByTestId('search-input').isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('serves the API reference under the same Content-Security-Policy', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      const res = await page.goto('/api/docs/');
      expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
      // Swagger UI builds the page from its own script files: the operations appear only if they ran.
      // The tags come folded (docExpansion 'none'): all of them listed, and one opened shows its operations.
      await expect.poll(() => page.locator('.opblock-tag').count(), { timeout: 20_000 }).toBeGreaterThan(10);
      await page.locator('.opblock-tag', { hasText: 'Booking' }).first().click();
      await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(20);
      await screenshot(page, 'api-docs.png');
    } finally {
      await context.close();
    }
  });

  it('finds instruments by a Chinese search term, on desktop and phone', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/instruments');
      await waitForResults(page);
      const everything = await resultTotal(page);
      expect(everything).toBeGreaterThan(0);

      const input = page.getByTestId('search-input');
      await input.fill('显微镜');
      await input.press('Enter');
      await page.waitForURL((url) => url.pathname === '/instruments' && url.searchParams.get('q') === '显微镜');
      await waitForResults(page);

      const total = await resultTotal(page);
      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThan(everything);
      const cards = page.getByTestId('instrument-card');
      const texts = await cards.allInnerTexts();
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.length).toBeLessThanOrEqual(Math.min(total, 20));
      // The best matches come first: the top card names a microscope.
      expect(texts[0]).toMatch(/显微镜|显微|microscop/i);
      const mentioning = texts.filter((t) => /显微|microscop|镜/i.test(t)).length;
      expect(mentioning / texts.length, `cards mentioning the term:\n${texts.join('\n---\n')}`).toBeGreaterThanOrEqual(
        0.8,
      );
      await expect(page.getByTestId('result-total').innerText()).resolves.toContain(String(total));

      await expectChineseFontLoaded(page);
      await screenshot(page, 'catalog-search.png');

      // The same search at phone width: filters move into a drawer; nothing overflows sideways.
      await page.setViewportSize(PHONE);
      await page.getByTestId('open-filters').waitFor();
      await expect(page.getByTestId('facet-panel').count()).resolves.toBe(0);
      await expect(page.getByTestId('instrument-card').count()).resolves.toBe(texts.length);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'catalog-search-phone.png');

      // The back button returns to the unfiltered catalogue.
      await page.goBack();
      await page.waitForURL((url) => !url.searchParams.has('q'));
      await waitForResults(page);
      expect(await resultTotal(page)).toBe(everything);
    } finally {
      await context.close();
    }
  });

  it('filters by city from the facet, keeping the filter in the URL', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/instruments');
      await waitForResults(page);
      const qingdao = page.getByTestId('facet-city-370200');
      await expect(qingdao.innerText()).resolves.toContain('青岛');
      const facetCount = Number((await qingdao.locator('.facet-option__count').innerText()).replace(/,/g, ''));
      expect(facetCount).toBeGreaterThan(0);

      await qingdao.click();
      await page.waitForURL((url) => url.searchParams.get('city') === '370200');
      await waitForResults(page);
      await expect(qingdao.getAttribute('aria-pressed')).resolves.toBe('true');

      expect(await resultTotal(page)).toBe(facetCount);
      const cities = await page.getByTestId('instrument-card-city').allInnerTexts();
      expect(cities.length).toBe(Math.min(facetCount, 20));
      for (const city of cities) expect(city).toContain('青岛');
      const cards = await page.getByTestId('instrument-card').allInnerTexts();
      for (const card of cards) expect(card).toContain('青岛');

      // "Load more" continues the same filtered search.
      if (facetCount > 20) {
        await page.getByTestId('load-more').click();
        await page.getByTestId('instrument-card').nth(20).waitFor();
        const more = await page.getByTestId('instrument-card-city').allInnerTexts();
        expect(more.length).toBe(Math.min(facetCount, 40));
        for (const city of more) expect(city).toContain('青岛');
      }

      // A shared link reproduces the filtered search.
      const page2 = await context.newPage();
      await page2.goto('/instruments?city=370200');
      await waitForResults(page2);
      expect(await resultTotal(page2)).toBe(facetCount);
      await page2.close();
    } finally {
      await context.close();
    }
  });

  it('opens a detail page with the national record and the rate card', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/instruments?sort=price_asc');
      await waitForResults(page);
      // The cheapest priced instrument has a rate card.
      const card = page.getByTestId('instrument-card').first();
      const cardTitle = (await card.getByTestId('instrument-card-link').innerText()).trim();
      await expect(card.getByTestId('instrument-card-price').innerText()).resolves.toMatch(
        /¥[\d,]+\.\d{2}起\/(小时|样)/,
      );
      await card.getByTestId('instrument-card-link').click();
      await page.waitForURL(/\/instruments\/\d+$/);
      const id = Number(new URL(page.url()).pathname.split('/').pop());

      await page.getByTestId('instrument-detail').waitFor();
      await expect(page.getByTestId('detail-title').innerText()).resolves.toBe(cardTitle);
      const record = page.getByTestId('national-record');
      await record.waitFor();
      const recordText = await record.innerText();
      for (const label of [
        '仪器名称',
        '资产编号',
        '仪器分类',
        '规格型号',
        '生产制造商',
        '仪器原值',
        '共享方式',
        '运行状态',
        '主要技术指标',
      ]) {
        expect(recordText).toContain(label);
      }
      expect(recordText).toMatch(/¥[\d,]+\.\d{2}/);

      const api = (await (await fetch(`${harness().server.baseUrl}/api/v1/instruments/${id}`)).json()) as {
        nameZh: string;
        assetNumber: string;
        rateCard: { items: { labelZh: string }[] } | null;
      };
      expect(recordText).toContain(api.nameZh);
      expect(recordText).toContain(api.assetNumber);
      expect(api.rateCard?.items.length ?? 0).toBeGreaterThan(0);

      const rateCard = page.getByTestId('rate-card');
      await rateCard.waitFor();
      const rateText = await rateCard.innerText();
      for (const label of ['校内', '高校院所', '企业', '开机费', '最低收费', '加急附加费'])
        expect(rateText).toContain(label);
      for (const item of api.rateCard?.items ?? []) expect(rateText).toContain(item.labelZh);
      await expect(page.getByTestId('institution-card').isVisible()).resolves.toBe(true);
      await expect(page.getByTestId('location-card').innerText()).resolves.toContain('联系');
      // Anonymous visitors cannot edit.
      await expect(page.getByTestId('edit-instrument').count()).resolves.toBe(0);

      await expectChineseFontLoaded(page);
      await screenshot(page, 'instrument-detail.png');
      await page.setViewportSize(PHONE);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'instrument-detail-phone.png');

      // Unknown ids get a 404 page, not a crash.
      await page.setViewportSize(DESKTOP);
      await page.goto('/instruments/987654321');
      await page.getByTestId('not-found').waitFor();
    } finally {
      await context.close();
    }
  });

  it('switches to English and remembers the choice', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/instruments');
      await waitForResults(page);
      await switchLanguage(page, 'en');
      await page.getByText('Find instruments').first().waitFor();
      await expect(page.getByTestId('result-total').innerText()).resolves.toMatch(/instruments found/);
      await page.reload();
      await waitForResults(page);
      await expect(page.getByTestId('result-total').innerText()).resolves.toMatch(/instruments found/);
      await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    } finally {
      await context.close();
    }
  });
});
