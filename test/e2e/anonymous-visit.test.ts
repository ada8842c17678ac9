/**
 * An anonymous visit logs no failed request: the catalogue, an instrument's page and a signed-in-only page
 * (/lab/settlement, which shows the sign-in form) answer every request under 400 and print no console error.
 * Who is signed in comes from GET /auth/session (200 with `user: null`), not a 401 of GET /auth/me.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookableInstrumentAt, DESKTOP, newPage, PHONE, screenshot, signIn, useHarness } from './helpers.ts';

const harness = useHarness();

/** Every console error and every answer ≥ 400 the page sees, as text. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return problems;
}

describe('an anonymous visit', () => {
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`logs no failed request on the catalogue, an instrument and /lab/settlement (${label})`, async () => {
      const h = harness();
      const instrumentId = await bookableInstrumentAt(h.server.baseUrl);
      const { context, page } = await newPage(h, viewport);
      try {
        const problems = watch(page);
        const session = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/session'));
        await page.goto('/');
        const answer = await session;
        expect(answer.status()).toBe(200);
        expect(await answer.json()).toEqual({ user: null });
        await page.getByTestId('results').waitFor();
        await page.getByTestId('instrument-card').first().waitFor();
        await page.waitForLoadState('networkidle');

        await page.goto(`/instruments/${instrumentId}`);
        // The instrument's name is an h3 on a desktop and an h4 on a phone: wait for it by its test id.
        await page.getByTestId('detail-title').waitFor();
        await page.waitForLoadState('networkidle');

        await page.goto('/lab/settlement');
        await page.getByTestId('login-email').waitFor();
        expect(new URL(page.url()).pathname).toBe('/login');
        await page.waitForLoadState('networkidle');
        if (label === 'phone') await screenshot(page, 'anonymous-lab-settlement-phone.png');
        else await screenshot(page, 'anonymous-lab-settlement-desktop.png');

        expect(problems, 'no failed request and no console error').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('a signed-in researcher opening /lab/settlement is told it is not theirs, with no failed request', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'researcher@demo.test');
      await page.waitForLoadState('networkidle');
      const problems = watch(page);
      await page.goto('/lab/settlement');
      await page.locator('.ant-result-403, .ant-result').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(problems, 'no role-only API is called for a page the visitor may not use').toEqual([]);
    } finally {
      await context.close();
    }
  });

  for (const motion of [true, false]) {
    it(`opens the language menu ${motion ? 'with' : 'without'} its zoom when the device ${motion ? 'does not ask' : 'asks'} for less motion`, async () => {
      const { context, page } = await newPage(harness(), DESKTOP, { motion });
      try {
        await page.goto('/');
        await page.getByTestId('results').waitFor();
        // Every class of an overlay's running animation (a popup takes `-appear-prepare` while it is placed, moving or not).
        await page.evaluate(() => {
          const seen: string[] = [];
          (window as unknown as { motionSeen: string[] }).motionSeen = seen;
          new MutationObserver((changes) => {
            for (const c of changes) {
              const el = c.target as Element;
              if (/-(appear|enter)-active\b/.test(el.className?.toString() ?? '')) seen.push(el.className.toString());
            }
          }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['class'], childList: true });
        });
        await page.getByTestId('lang-switch').click();
        await page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item').first().waitFor();
        await expect
          .poll(() => page.evaluate(() => document.querySelectorAll('[class*="-appear"], [class*="-enter"]').length))
          .toBe(0);
        const seen = await page.evaluate(() => (window as unknown as { motionSeen: string[] }).motionSeen);
        if (motion) expect(seen.some((c) => c.includes('ant-slide-up-appear-active'))).toBe(true);
        else expect(seen).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
