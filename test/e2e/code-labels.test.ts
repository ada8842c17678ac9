/**
 * Chinese pages say everything in Chinese: the ledger (accounts by their organisations' names, kinds of
 * transfer in words), a booking's detail (its history's system steps) and the claims pages (a line's payment
 * evidence) show no internal code (snake_case, invoice:booking:N), no leftover English phrase and no
 * "用户单位 100". Screenshots of each at desktop and phone width.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AUTHORISATION_WINDOW_MS } from '../../server/modules/checkout/card-window.ts';
import {
  bookableInstrumentAt,
  DESKTOP,
  expectNoHorizontalOverflow,
  getJson,
  newPage,
  PHONE,
  screenshot,
  signIn,
  useHarness,
} from './helpers.ts';

const harness = useHarness();

/** What on the page's main area reads as an API code or English in Chinese mode. */
async function untranslated(page: Page): Promise<string[]> {
  const text = await page.locator('#main').innerText();
  const found = new Set<string>();
  for (const re of [
    /\b[a-z]+(?:_[a-z]+)+\b/g, // snake_case codes: card_capture, voucher_reserve
    /\b(?:invoice|transfer):booking:\d+/g,
    /\b[a-z]{3,}(?:[ -][a-z]{2,})+\b/g, // lowercase English phrases: self-pay, processor clearing, card authorised
    /(?:用户单位|服务单位) \d+/g,
    /待定已确认|先付后领|通用（/g,
  ]) {
    for (const m of text.matchAll(re)) found.add(m[0]);
  }
  return [...found];
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page
    .locator('.ant-skeleton')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
}

describe('Chinese all the way', () => {
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`the ledger names accounts and transfers in Chinese (${label})`, async () => {
      const { context, page } = await newPage(harness(), viewport);
      try {
        await signIn(page, 'finance2@demo.test');
        await page.goto('/ledger');
        await page.getByTestId('ledger-accounts').locator('.ant-table-row').first().waitFor();
        await page.getByTestId('ledger-transfers').locator('.ant-table-row').first().waitFor();
        await settle(page);
        await expect.poll(() => untranslated(page)).toEqual([]);
        const text = await page.locator('#main').innerText();
        expect(text).toMatch(/有限公司|研究院|大学/); // organisations by name
        await expectNoHorizontalOverflow(page);
        await screenshot(page, `labels-ledger-${label}.png`);
      } finally {
        await context.close();
      }
    });

    it(`a booking's detail and its history read in Chinese (${label})`, async () => {
      const { context, page } = await newPage(harness(), viewport);
      try {
        const h = harness();
        const instrumentId = await bookableInstrumentAt(h.server.baseUrl);
        await signIn(page, 'researcher@demo.test');
        // A card booking a few days ahead: the card is authorised at once, and the history says so (a system step).
        // Only a service starting within the processor's window (AUTHORISATION_WINDOW_MS) is authorised at once:
        // a later one waits for its day, so the search ends before it (an hour to spare for the test itself).
        const from = new Date(Date.now() + (label === 'phone' ? 3 : 2) * 24 * 3600_000);
        const to = new Date(Date.now() + AUTHORISATION_WINDOW_MS - 3600_000);
        const free = await getJson<{ free: { start: string; end: string }[] }>(
          page,
          `/instruments/${instrumentId}/availability?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&durationMinutes=120`,
        );
        const slot = free.free.find(
          (f) => /T\d\d:(00|30):00\+08:00$/.test(f.start) && Date.parse(f.end) - Date.parse(f.start) >= 2 * 3600_000,
        );
        expect(slot, JSON.stringify(free).slice(0, 400)).toBeDefined();
        const end = new Date(Date.parse(slot!.start) + 2 * 3600_000).toISOString();
        const made = await page.request.post('/api/v1/bookings', {
          headers: { Origin: h.server.baseUrl },
          data: { instrumentId, mode: 'machine_time', start: slot!.start, end, paymentToken: 'tok_visa' },
        });
        expect(made.status(), await made.text()).toBe(201);
        const booking = (await made.json()) as { id: number; history: { reason: string | null }[] };
        expect(booking.history.some((e) => e.reason === 'card authorised')).toBe(true);
        await page.goto(`/bookings/${booking.id}`);
        await page.getByTestId('booking-history').waitFor();
        await settle(page);
        await expect.poll(() => untranslated(page)).toEqual([]);
        expect(await page.getByTestId('booking-history').innerText()).toContain('银行卡已预授权');
        await screenshot(page, `labels-booking-${label}.png`);
      } finally {
        await context.close();
      }
    });

    it(`the claims pages show payment evidence in words (${label})`, async () => {
      const { context, page } = await newPage(harness(), viewport);
      try {
        await signIn(page, 'lab@demo.test');
        await page.goto('/lab/settlement');
        await page.locator('#main h3, #main h4').first().waitFor();
        await settle(page);
        await expect.poll(() => untranslated(page)).toEqual([]);
        await screenshot(page, `labels-claims-${label}.png`);
        // A claim with its lines' evidence: the lab's own (made of its first claimable month when it has none),
        // else one the provincial office reviews. The demo's data decides which there is (see the unit test
        // code-labels.test.ts for the words themselves).
        type Line = { id: number; paymentRef: string | null };
        type Batch = { id: number; lines: Line[] };
        let batch: Batch | null = null;
        let path = '/lab/settlement';
        const own = await getJson<{ items: { id: number }[] }>(page, '/settlement-batches');
        const claimable = await getJson<{ items: { programmeId: number; month: string }[] }>(
          page,
          '/settlement/claimable',
        );
        if (own.items.length) batch = await getJson<Batch>(page, `/settlement-batches/${own.items[0]!.id}`);
        else if (claimable.items.length) {
          const { programmeId, month } = claimable.items[0]!;
          const made = await page.request.post('/api/v1/settlement-batches', {
            headers: { Origin: harness().server.baseUrl },
            data: { programmeId, month },
          });
          expect(made.status(), await made.text()).toBeLessThan(300);
          batch = (await made.json()) as Batch;
        } else {
          await context.clearCookies();
          await signIn(page, 'finance2@demo.test');
          path = '/finance/settlement';
          const reviewed = await getJson<{ items: { id: number }[] }>(page, '/settlement-batches');
          // The batch with the most telling evidence: a line paid by bank transfer or on the lab's invoice.
          for (const { id } of reviewed.items.slice(0, 20)) {
            const b = await getJson<Batch>(page, `/settlement-batches/${id}`);
            batch ??= b;
            if (b.lines.some((l) => /^(transfer|invoice):booking:/.test(l.paymentRef ?? ''))) {
              batch = b;
              break;
            }
          }
        }
        if (!batch) return;
        await page.goto(`${path}/${batch!.id}`);
        await page.locator('[data-testid="settlement-line"], [data-testid="line-expand"]').first().waitFor();
        await settle(page);
        // Open the evidence of a line paid by bank transfer or on the lab's invoice if there is one, else the first.
        const index = Math.max(
          0,
          batch!.lines.findIndex((l) => /^(transfer|invoice):booking:/.test(l.paymentRef ?? '')),
        );
        const toggles = page.locator('#main .ant-table-row-expand-icon, #main [data-testid="line-expand"]');
        await toggles.nth(index).click();
        await page.getByTestId('line-evidence').first().waitFor();
        await expect.poll(() => untranslated(page)).toEqual([]);
        const refs = page.getByTestId('line-payment-ref');
        if (await refs.count()) expect(await refs.first().innerText()).toMatch(/预约 #\d+/);
        await screenshot(page, `labels-claim-${label}.png`);
      } finally {
        await context.close();
      }
    });
  }
});
