/**
 * Smaller fixes from the review of the pages as their users see them (issue 17), in a real browser at
 * desktop 1440×900 and phone 390×844: the finance dashboard's five figures leave no card alone on a row;
 * the ledger on a phone pages its accounts and transfers (a few screens tall, not every transfer at once);
 * a booking's price names the rate item it is priced by; the lab's bookings show a sample job's samples
 * (name, type, count, hazards, how they arrive); 我的报销’s gate uses the glossary’s terms.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { changeRules, expectNoHorizontalOverflow, getJsonAt, newPage, screenshot, signIn, useHarness } from './helpers';

const harness = useHarness();
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** An API session (its cookie on fetch) of a demo user. */
async function apiAs(baseUrl: string, email: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { user } = (await login.json()) as { user: { organisation: { id: number } } };
  const call = async <T>(method: string, path: string, body?: unknown, status = 200): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBe(status);
    return json;
  };
  return { call, organisationId: user.organisation.id };
}

type Rect = { x: number; y: number; width: number; height: number };

/** The figures' boxes and their grid's. */
const kpiRects = (page: Page) =>
  page.evaluate(() => {
    const grid = document.querySelector('[data-testid="dashboard-figures"]')!.getBoundingClientRect();
    const cards = [...document.querySelectorAll('[data-testid="dashboard-figures"] .kpi')].map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    });
    return { grid: { x: grid.x, y: grid.y, width: grid.width, height: grid.height }, cards };
  });

/** Every row of cards spans the grid's width: no card alone in a half-empty row. */
function expectFullRows(grid: Rect, cards: Rect[]) {
  const rows = new Map<number, Rect[]>();
  for (const c of cards) rows.set(Math.round(c.y), [...(rows.get(Math.round(c.y)) ?? []), c]);
  for (const row of rows.values()) {
    const left = Math.min(...row.map((c) => c.x));
    const right = Math.max(...row.map((c) => c.x + c.width));
    expect(left, 'the row starts at the grid’s left').toBeLessThanOrEqual(grid.x + 1);
    expect(right, 'the row ends at the grid’s right').toBeGreaterThanOrEqual(grid.x + grid.width - 1);
  }
  return [...rows.values()].map((r) => r.length);
}

describe('page fixes', () => {
  it('lays the finance dashboard’s five figures out without a card alone on a row', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'finance2@demo.test');
      await page.goto('/finance/dashboard');
      await page.getByTestId('kpi-paidFen').waitFor();
      await page.getByTestId('chart-by-month').or(page.getByTestId('empty-state')).first().waitFor();
      const wide = await kpiRects(page);
      expect(wide.cards).toHaveLength(5);
      expect(expectFullRows(wide.grid, wide.cards), 'one row of five at 1440 px').toEqual([5]);
      await screenshot(page, 'fixes-dashboard-desktop.png');

      await page.setViewportSize(PHONE);
      await expect.poll(async () => new Set((await kpiRects(page)).cards.map((c) => Math.round(c.y))).size).toBe(3);
      const phone = await kpiRects(page);
      expect(expectFullRows(phone.grid, phone.cards), 'two, two and the last across the row').toEqual([2, 2, 1]);
      // The last figure takes the whole row (not half of it).
      expect(phone.cards[4]!.width).toBeGreaterThan(phone.grid.width - 2);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'fixes-dashboard-phone.png');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('pages the ledger’s transfers (and accounts on a phone), so the phone page stays a few screens tall', async () => {
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'finance2@demo.test');
      await page.goto('/ledger');
      const transfers = page.getByTestId('ledger-transfers');
      await transfers.locator('.ant-table-row').first().waitFor();
      await page.getByTestId('ledger-accounts').locator('.ant-table-row').first().waitFor();
      expect(await transfers.locator('.ant-table-row').count()).toBeLessThanOrEqual(10);
      expect(await page.getByTestId('ledger-accounts').locator('.ant-table-row').count()).toBeLessThanOrEqual(10);
      const height = () => page.evaluate(() => document.documentElement.scrollHeight);
      expect(await height(), 'the phone page is a few screens tall').toBeLessThanOrEqual(PHONE.height * 8);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'fixes-ledger-phone.png');

      // The next page of transfers: other transfers, the page no taller.
      const pager = page.getByTestId('transfers-pager');
      await pager.waitFor();
      const first = await transfers.innerText();
      await pager.locator('.ant-pagination-next').click();
      await page.locator('[data-testid="ledger-transfers"][data-page="2"]').waitFor();
      await expect.poll(() => transfers.innerText()).not.toBe(first);
      expect(await transfers.locator('.ant-table-row').count()).toBeGreaterThan(0);
      expect(await height()).toBeLessThanOrEqual(PHONE.height * 8);

      // The desktop: numbered pages of the table, within the page's width.
      await page.setViewportSize(DESKTOP);
      await page.goto('/ledger');
      await page.getByTestId('ledger-transfers').locator('.ant-table-row').first().waitFor();
      await page.getByTestId('transfers-pager').waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'fixes-ledger-desktop.png');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('names the rate item on the booking and shows the lab a sample job’s samples', async () => {
    const base = harness().server.baseUrl;
    const lab = await apiAs(base, 'lab@demo.test');
    const researcher = await apiAs(base, 'researcher@demo.test');
    // An instrument of the demo lab priced per sample; the lab approves its jobs (so the job waits in the queue).
    const list = await getJsonAt<{ items: { id: number }[] }>(
      base,
      `/api/v1/instruments?institutionId=${lab.organisationId}&limit=100&sharingMode=external&status=normal`,
    );
    let pick: { id: number; item: { labelZh: string; enterpriseFen: number } } | undefined;
    for (const { id } of list.items) {
      const detail = await getJsonAt<{
        rateCard: { items: { unit: string; labelZh: string; enterpriseFen: number }[] };
      }>(base, `/api/v1/instruments/${id}`);
      const item = detail.rateCard?.items.find((x) => x.unit === 'sample');
      if (item) {
        pick = { id, item };
        break;
      }
    }
    expect(pick, 'the demo lab has an instrument priced per sample').toBeTruthy();
    const restore = await changeRules(base, pick!.id, (r) => ({ ...r, sampleEnabled: true, approvalRequired: true }));
    try {
      const booking = await researcher.call<{ id: number; status: string; rateItem: { name: string } | null }>(
        'POST',
        '/bookings',
        {
          instrumentId: pick!.id,
          mode: 'sample',
          sampleCount: 3,
          sampleName: '钛合金切片（端到端）',
          sampleType: 'solid',
          sampleHazards: ['corrosive', 'toxic'],
          sampleDelivery: 'courier',
          purpose: '成分分析',
        },
        201,
      );
      expect(booking.status).toBe('requested');
      expect(booking.rateItem?.name).toBe(pick!.item.labelZh);

      for (const [label, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        // The enterprise's booking: its price block names the item and its unit price.
        const r = await newPage(harness(), viewport);
        try {
          await signIn(r.page, 'researcher@demo.test');
          await r.page.goto(`/bookings/${booking.id}`);
          const rateItem = r.page.getByTestId('booking-price-block').getByTestId('booking-rate-item');
          await expect.poll(() => rateItem.innerText()).toContain(pick!.item.labelZh);
          await expect(rateItem.innerText()).resolves.toContain('计价项目');
          await expect(rateItem.innerText()).resolves.toMatch(/¥[\d,]+\.\d{2}\/样/);
          await expectNoHorizontalOverflow(r.page);
          await screenshot(r.page, `fixes-booking-rate-item-${label}.png`);
        } finally {
          await r.context.close();
        }

        // The lab's queue: the samples as the lab receives them.
        const l = await newPage(harness(), viewport);
        try {
          await signIn(l.page, 'lab@demo.test');
          await l.page.goto('/lab/bookings');
          const row = l.page.locator(`[data-testid="lab-booking-row"][data-booking-id="${booking.id}"]`);
          const samples = row.getByTestId('lab-booking-sample');
          await samples.waitFor();
          await expect.poll(() => samples.innerText()).toContain('钛合金切片（端到端）');
          const text = await samples.innerText();
          expect(text).toContain('固体');
          expect(text).toContain('3 个样品');
          expect(text).toContain('腐蚀性');
          expect(text).toContain('有毒');
          expect(text).toContain('寄送');
          await row.scrollIntoViewIfNeeded();
          await expectNoHorizontalOverflow(l.page);
          await screenshot(l.page, `fixes-lab-sample-${label}.png`);
        } finally {
          await l.context.close();
        }
      }
      await researcher.call('POST', `/bookings/${booking.id}/cancel`, {});
    } finally {
      await restore();
    }
  }, 180_000);

  it('words 我的报销’s gate by the glossary', async () => {
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'researcher@demo.test');
      await page.goto('/my/claims');
      const gate = page.getByTestId('claims-gate');
      await gate.waitFor();
      await expect.poll(() => gate.innerText()).toContain('通兑（直接抵扣）');
      await expect(gate.innerText()).resolves.toContain('先付后补（报销）');
      await expect(gate.innerText()).resolves.toContain('服务机构');
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'fixes-claims-gate-phone.png');
    } finally {
      await context.close();
    }
  }, 60_000);
});
