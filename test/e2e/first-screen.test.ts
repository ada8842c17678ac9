/**
 * The catalogue's first screen in a real browser, on a cold cache (a fresh context each time): its largest
 * contentful paint and the JavaScript it downloads, reported to the console and test-results/first-screen.json.
 * test/unit/first-screen.test.ts weighs the same screen from the build's manifest; this checks what the browser
 * really fetched (no charts, no date picker until the visitor uses it), and screenshots it, loading state too.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
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

/**
 * Limits the test holds the first screen to. JavaScript: everything the browser fetched until the first
 * results, the lazily loaded pieces included, held to the issue's 300 KB like the static first screen in
 * test/unit/first-screen.test.ts (antd's message/modal holders, ~22 KB, come at the first interaction). LCP
 * on this machine: a bound for a shared 2-core machine on the server's first visit (cold caches), not a target.
 */
const JS_CEILING_KB = 300;
const CSS_BUDGET_KB = 100;
const LOCAL_LCP_MS = 8_000;
const SLOW_LCP_MS = 15_000;
const SLOW_RESULTS_MS = 20_000;

const distWeb = path.join(repoRoot, 'dist', 'web');
/** A built file's size gzipped (level 9, as the build's .gz copies), read from dist/web. */
function gzipOf(urlPath: string): number {
  return gzipSync(readFileSync(path.join(distWeb, urlPath)), { level: 9 }).length;
}

/**
 * A slow 4G line and a mid-range phone, through the Chrome DevTools Protocol: ~400 kbit/s down and up,
 * 400 ms round trips, the CPU slowed 4×.
 */
async function throttle(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: (400 * 1024) / 8,
    uploadThroughput: (400 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

/** A GET with the raw answer's status and headers (Node's http: no unzipping, no cache). */
function head(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      })
      .on('error', reject);
  });
}

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
      const styles = new Map<
        string,
        { transfer: number; decoded: number; gz: number; encoding: string; inlinedFont: boolean }
      >();
      const fonts: { name: string; transfer: number }[] = [];
      const pending: Promise<void>[] = [];
      let collecting = true; // until the first screen is measured
      page.on('requestfinished', (req) => {
        if (!collecting) return;
        const name = new URL(req.url()).pathname;
        if (/\.woff2?$/.test(name)) {
          pending.push(req.sizes().then((sizes) => void fonts.push({ name, transfer: sizes.responseBodySize })));
          return;
        }
        const isCss = /\.css(\?|$)/.test(req.url());
        if (!/\.js(\?|$)/.test(req.url()) && !isCss) return;
        pending.push(
          (async () => {
            const sizes = await req.sizes();
            const response = await req.response();
            const body = await response?.body();
            const row = {
              transfer: sizes.responseBodySize + sizes.responseHeadersSize,
              decoded: body?.length ?? 0,
              encoding: response?.headers()['content-encoding'] ?? 'identity',
            };
            if (isCss) {
              const inlinedFont = body?.toString().includes('data:font/') ?? false;
              styles.set(name, { ...row, gz: body ? gzipSync(body, { level: 9 }).length : 0, inlinedFont });
            } else wire.set(name, row);
          })(),
        );
      });
      try {
        await watchLcp(page);
        await page.goto('/');
        await waitForResults(page);
        const resultsMs = await page.evaluate(() => Math.round(performance.now()));
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        const m = await measure(page);
        collecting = false;
        await Promise.all(pending);
        for (const s of m.scripts) {
          s.transferSize = wire.get(s.name)?.transfer ?? s.transferSize;
          s.decodedBodySize = wire.get(s.name)?.decoded ?? s.decodedBodySize;
        }
        const js = m.scripts.reduce((s, r) => s + r.transferSize, 0);
        const jsDecoded = m.scripts.reduce((s, r) => s + r.decodedBodySize, 0);
        // gzip: the issue's unit (what a gzip-only client would get); the browser itself takes brotli.
        const jsGz = m.scripts.reduce((s, r) => s + gzipOf(r.name), 0);
        const css = [...styles.values()];
        const cssGz = css.reduce((s, r) => s + r.gz, 0);
        const fontBytes = fonts.reduce((s, f) => s + f.transfer, 0);
        console.log(
          `catalogue first screen (${label}, cold cache): LCP ${m.lcpMs ?? '–'} ms on ${m.lcpElement ?? '–'}, ` +
            `results at ${resultsMs} ms; JS ${m.scripts.length} files ${kb(jsGz)} KB gzip (${kb(js)} KB transferred, ` +
            `${kb(jsDecoded)} KB decoded); CSS ${css.length} files ${kb(cssGz)} KB gzip; ` +
            `fonts ${fonts.length} files ${kb(fontBytes)} KB`,
        );
        report[label] = {
          viewport,
          lcpMs: m.lcpMs,
          lcpElement: m.lcpElement,
          resultsMs,
          jsGzipKB: kb(jsGz),
          cssGzipKB: kb(cssGz),
          fontKB: kb(fontBytes),
          fonts: fonts.length,
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
        expect(m.lcpMs!, 'LCP on this machine, ms').toBeLessThan(LOCAL_LCP_MS);
        expect(jsGz / 1024, 'JavaScript until the first results, KB gzip').toBeLessThanOrEqual(JS_CEILING_KB);
        expect(cssGz / 1024, 'first-screen CSS, KB gzip').toBeLessThanOrEqual(CSS_BUDGET_KB);
        // No font inlined into the stylesheets (they are files, fetched by unicode-range when used).
        expect([...styles].filter(([, c]) => c.inlinedFont).map(([n]) => n)).toEqual([]);
        // Stylesheets of 1 KB or more go out compressed too.
        expect([...styles].filter(([, c]) => c.decoded >= 1024 && c.encoding !== 'br').map(([n]) => n)).toEqual([]);
        // Scripts of 1 KB or more go out compressed at build (brotli for a browser that takes it).
        const plain = [...wire].filter(([, w]) => w.decoded >= 1024 && w.encoding !== 'br');
        expect(plain.map(([name]) => name)).toEqual([]);
        const names = m.scripts.map((s) => path.basename(s.name));
        expect(names.filter((n) => /EChart|FreeTimeRange|date-picker|en-|feedbackHolders/.test(n))).toEqual([]);
        await screenshot(page, `first-screen-${label}.png`);
        // The visitor's first key (or touch, or click) fetches antd's message/modal holders.
        const holders = page.waitForResponse((r) => /\/feedbackHolders-[\w-]+\.js$/.test(new URL(r.url()).pathname));
        await page.keyboard.press('Shift');
        expect((await holders).status()).toBe(200);
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

  it('on a slow 4G line and a slower phone: LCP and the first results within bounds (cold cache)', async () => {
    /**
     * Every phone has a Chinese font of its own: the page's font stack uses it, and neither the web font nor
     * its stylesheet is fetched (global.css, chinese-font.ts). This machine has none, so both are held back to
     * stand for such a phone; the second visit lets them through, the worst case of a device without any
     * Chinese font, reported only.
     */
    const visit = async (withWebFont: boolean) => {
      const { context, page } = await newPage(harness(), PHONE);
      try {
        context.setDefaultTimeout(90_000);
        if (!withWebFont) {
          await page.route(/\.woff2$/, (route) => route.abort());
          await page.route(/\/assets\/web-font-[\w-]+\.css$/, (route) =>
            route.fulfill({ status: 200, contentType: 'text/css', body: '' }),
          );
        }
        await throttle(page);
        await watchLcp(page);
        await page.goto('/');
        await waitForResults(page);
        const resultsMs = await page.evaluate(() => Math.round(performance.now()));
        const m = await measure(page);
        if (!withWebFont) await screenshot(page, 'first-screen-slow4g-phone.png');
        return { lcpMs: m.lcpMs, lcpElement: m.lcpElement, resultsMs };
      } finally {
        await context.close();
      }
    };
    const phone = await visit(false);
    const noChineseFont = await visit(true);
    console.log(
      `catalogue first screen (phone, slow 4G: 400 kbit/s, 400 ms RTT, CPU 4×, cold cache): ` +
        `LCP ${phone.lcpMs ?? '–'} ms on ${phone.lcpElement ?? '–'}, results at ${phone.resultsMs} ms; ` +
        `on a device without a Chinese font (web font fetched): LCP ${noChineseFont.lcpMs ?? '–'} ms, ` +
        `results at ${noChineseFont.resultsMs} ms`,
    );
    const file = path.join(repoRoot, 'test-results', 'first-screen.json');
    mkdirSync(path.dirname(file), { recursive: true });
    let report: Record<string, unknown> = {};
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // the first test did not write it (run alone)
    }
    report.slow4g = { viewport: PHONE, ...phone, withoutChineseFont: noChineseFont };
    writeFileSync(file, JSON.stringify(report, null, 2));
    expect(phone.lcpMs, 'the browser reports a largest contentful paint').not.toBeNull();
    expect(phone.lcpMs!, 'LCP on slow 4G, ms').toBeLessThan(SLOW_LCP_MS);
    expect(phone.resultsMs, 'first results shown on slow 4G, ms').toBeLessThan(SLOW_RESULTS_MS);
  }, 240_000);

  it('sends the shell never stale (no-cache, ETag, 304) and compressed; hashed assets for a year', async () => {
    const base = harness().server.baseUrl;
    const shell = await head(`${base}/`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(shell.status).toBe(200);
    expect(shell.headers['cache-control']).toBe('no-cache');
    expect(shell.headers.etag).toBeTruthy();
    expect(shell.headers['content-encoding']).toBe('br');
    const again = await head(`${base}/catalog?q=SEM`, { 'If-None-Match': shell.headers.etag! });
    expect(again.status).toBe(304);
    // The shell by its own name is no different.
    expect((await head(`${base}/index.html`)).headers['cache-control']).toBe('no-cache');

    const manifest = JSON.parse(readFileSync(path.join(distWeb, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      { file: string; isEntry?: boolean; css?: string[] }
    >;
    const entry = manifest['index.html']!;
    for (const file of [entry.file, ...(entry.css ?? [])]) {
      const asset = await head(`${base}/${file}`, { 'Accept-Encoding': 'gzip, deflate, br' });
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toMatch(/max-age=31536000/);
      expect(asset.headers['cache-control']).toMatch(/immutable/);
      expect(asset.headers['content-encoding']).toBe('br');
      const gz = await head(`${base}/${file}`, { 'Accept-Encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
    }
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
