/**
 * The catalogue's first screen in a real browser, on a cold cache (a fresh context each time): its largest
 * contentful paint and the JavaScript it downloads, reported to the console and test-results/first-screen.json.
 * test/unit/first-screen.test.ts weighs the same screen from the build's manifest; this checks what the browser
 * really fetched (no charts, no date picker until the visitor uses it), and screenshots it, loading state too.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/server-process.ts';
import { DESKTOP, newPage, PHONE, screenshot, useHarness, waitForResults } from './helpers.ts';

const harness = useHarness();

type Script = { name: string; transferSize: number; encodedBodySize: number; decodedBodySize: number };
type Measure = { lcpMs: number | null; lcpElement: string | null; scripts: Script[] };

/**
 * Watches largest-contentful-paint from the first byte (an init script, before the page's own code): a
 * late observer with `buffered` can read before the browser has queued the entries.
 */
async function watchLcp(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp?: { ms: number; element: string | null } };
    new PerformanceObserver((list) => {
      const last = list.getEntries().at(-1) as (PerformanceEntry & { element?: Element | null }) | undefined;
      if (!last) return;
      const el = last.element;
      w.__lcp = {
        ms: Math.round(last.startTime),
        element: el
          ? `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`
          : null,
      };
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
}

/** The LCP seen so far (waiting a little for the browser to report it) and every script the page fetched. */
async function measure(page: Page): Promise<Measure> {
  await page
    .waitForFunction(() => (window as unknown as { __lcp?: unknown }).__lcp !== undefined, null, { timeout: 5_000 })
    .catch(() => undefined);
  return page.evaluate(() => {
    const lcp = (window as unknown as { __lcp?: { ms: number; element: string | null } }).__lcp;
    const scripts = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((r) => /\.js(\?|$)/.test(r.name))
      .map((r) => ({
        name: new URL(r.name).pathname,
        transferSize: r.transferSize,
        encodedBodySize: r.encodedBodySize,
        decodedBodySize: r.decodedBodySize,
      }));
    return { lcpMs: lcp?.ms ?? null, lcpElement: lcp?.element ?? null, scripts };
  });
}

const kb = (n: number) => Math.round((n / 1024) * 10) / 10;

describe('the catalogue’s first screen', () => {
  it('paints its largest content and downloads no charts and no date picker (cold cache)', async () => {
    const report: Record<string, unknown> = {};
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page } = await newPage(harness(), viewport);
      // Bytes on the wire per script, from the browser's network layer (resource timing leaves them 0 here).
      const wire = new Map<string, { transfer: number; decoded: number; encoding: string }>();
      const pending: Promise<void>[] = [];
      page.on('requestfinished', (req) => {
        if (!/\.js(\?|$)/.test(req.url())) return;
        pending.push(
          (async () => {
            const sizes = await req.sizes();
            const response = await req.response();
            const body = await response?.body();
            wire.set(new URL(req.url()).pathname, {
              transfer: sizes.responseBodySize + sizes.responseHeadersSize,
              decoded: body?.length ?? 0,
              encoding: response?.headers()['content-encoding'] ?? 'identity',
            });
          })(),
        );
      });
      try {
        await watchLcp(page);
        await page.goto('/');
        await waitForResults(page);
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        const m = await measure(page);
        await Promise.all(pending);
        for (const s of m.scripts) {
          s.transferSize = wire.get(s.name)?.transfer ?? s.transferSize;
          s.decodedBodySize = wire.get(s.name)?.decoded ?? s.decodedBodySize;
        }
        const js = m.scripts.reduce((s, r) => s + r.transferSize, 0);
        const jsDecoded = m.scripts.reduce((s, r) => s + r.decodedBodySize, 0);
        console.log(
          `catalogue first screen (${label}, cold cache): LCP ${m.lcpMs ?? '–'} ms on ${m.lcpElement ?? '–'}; ` +
            `${m.scripts.length} scripts, ${kb(js)} KB transferred, ${kb(jsDecoded)} KB decoded`,
        );
        report[label] = {
          viewport,
          lcpMs: m.lcpMs,
          lcpElement: m.lcpElement,
          scripts: m.scripts.length,
          jsTransferredKB: kb(js),
          jsDecodedKB: kb(jsDecoded),
          files: m.scripts.map((s) => ({
            name: s.name,
            transferKB: kb(s.transferSize),
            decodedKB: kb(s.decodedBodySize),
          })),
        };
        expect(m.lcpMs, 'the browser reports a largest contentful paint').not.toBeNull();
        // Scripts of 1 KB or more go out compressed at build (brotli for a browser that takes it).
        const plain = [...wire].filter(([, w]) => w.decoded >= 1024 && w.encoding !== 'br');
        expect(plain.map(([name]) => name)).toEqual([]);
        const names = m.scripts.map((s) => path.basename(s.name));
        expect(names.filter((n) => /EChart|FreeTimeRange|date-picker|en-/.test(n))).toEqual([]);
        await screenshot(page, `first-screen-${label}.png`);
      } finally {
        await context.close();
      }
    }
    mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
    writeFileSync(
      path.join(repoRoot, 'test-results', 'first-screen.json'),
      JSON.stringify({ measuredAt: new Date().toISOString(), ...report }, null, 2),
    );
  });

  it('shows its loading state (skeletons) while the search answers, on desktop and phone', async () => {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const { context, page } = await newPage(harness(), viewport);
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      try {
        // Hold the search's answer back: the page shows what a visitor on a slow line sees first.
        await page.route(/\/api\/v1\/instruments\?/, async (route) => {
          await held;
          await route.continue();
        });
        await page.goto('/');
        await page.getByTestId('instrument-card-skeleton').first().waitFor();
        await page.getByTestId('free-range-stand-in').waitFor();
        await screenshot(page, `first-screen-loading-${label}.png`);
        release();
        await waitForResults(page);
      } finally {
        release();
        await context.close();
      }
    }
  });

  it('fetches the date picker when the visitor reaches for it, and opens it on a click', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/');
      await waitForResults(page);
      const standIn = page.getByTestId('free-range-stand-in');
      await expect(standIn.innerText()).resolves.toMatch(/\d{4}-\d{2}-\d{2}/);
      // The picker's chunk held back: the click lands on the stand-in, and still opens the picker.
      let release: () => void = () => undefined;
      const held = new Promise<void>((r) => (release = r));
      await page.route(/\/assets\/FreeTimeRange-/, async (route) => {
        await held;
        await route.continue();
      });
      await standIn.click();
      await expect(standIn.isVisible()).resolves.toBe(true);
      release();
      // The real picker replaces the stand-in and opens its panel.
      await page.locator('.free-search .ant-picker-range').waitFor();
      await page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').first().waitFor();
      await screenshot(page, 'first-screen-picker-open.png');
      await page.keyboard.press('Escape');
      await page.getByTestId('free-apply').click();
      await page.waitForURL((url) => url.searchParams.has('freeFrom'));
      await page.getByTestId('free-results').waitFor();
    } finally {
      await context.close();
    }
  });
});
