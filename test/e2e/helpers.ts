/** Shared pieces of the browser journeys: one server and one browser per test file. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { launchBrowser } from '../support/browser.ts';
import { repoRoot, startServer, type ServerProcess } from '../support/server-process.ts';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

export type Harness = { server: ServerProcess; browser: Browser };

/** `env` adds to the server's environment (e.g. SMTP_URL of the test's own mail server). */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const server = await startServer({ env });
  try {
    const browser = await launchBrowser();
    return { server, browser };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** What the browser refused under the platform's Content-Security-Policy, on any page of the file. */
const cspViolations: string[] = [];

export async function stopHarness(h: Harness | undefined) {
  await h?.browser.close().catch(() => undefined);
  await h?.server.stop();
  expect(cspViolations, 'nothing a page needs is refused by the Content-Security-Policy').toEqual([]);
}

/**
 * A page in a fresh context. The device asks for less motion unless `motion` is set, so antd's overlays open
 * at once: a click or a fill while one still zoomed in was lost on loaded CI machines.
 */
export async function newPage(
  h: Harness,
  viewport = DESKTOP,
  { motion = false }: { motion?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    viewport,
    baseURL: h.server.baseUrl,
    locale: 'zh-CN',
    reducedMotion: motion ? 'no-preference' : 'reduce',
  });
  context.setDefaultTimeout(20_000);
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${msg.page()?.url() ?? ''}: ${msg.text()}`);
  });
  const page = await context.newPage();
  return { context, page };
}

/** A full-page PNG in test-results/screenshots, once web fonts have loaded. */
export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  // Full-page captures of a scrolled page come out with blank regions: capture from the top.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        window.scrollTo(0, 0);
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
      }),
  );
  // A tall page on a busy machine takes a while to capture (the context's 20 s is for waiting on the page).
  await page.screenshot({
    path: path.join(screenshotDir, name),
    fullPage: true,
    animations: 'disabled',
    timeout: 60_000,
  });
}

/** Wait until the catalogue shows the answer to the current URL (no skeletons, not refreshing). */
export async function waitForResults(page: Page) {
  // The URL changes a moment before React renders the new search: wait for the render of *this* URL.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="results"]');
    return (
      !!el &&
      el.getAttribute('data-busy') === 'false' &&
      el.getAttribute('data-search') === new URLSearchParams(window.location.search).toString()
    );
  });
  await page.locator('[data-testid="instrument-card-skeleton"]').first().waitFor({ state: 'detached' });
}

export async function resultTotal(page: Page): Promise<number> {
  const raw = await page.getByTestId('result-total').getAttribute('data-total');
  expect(raw, 'the result count is shown').toMatch(/^\d+$/);
  return Number(raw);
}

/** The Chinese web font is in use: without it headless Chromium draws boxes for every Han character. */
export async function expectChineseFontLoaded(page: Page) {
  const ok = await page.evaluate(async () => {
    await document.fonts.ready;
    await document.fonts.load('16px "Noto Sans SC"', '仪器检索');
    return document.fonts.check('16px "Noto Sans SC"', '仪器检索');
  });
  expect(ok, 'Noto Sans SC is loaded for Chinese text').toBe(true);
}

/**
 * Nothing sticks out sideways (the classic broken phone layout). After a viewport change the
 * responsive components re-render on their media-query listeners, so the check waits for the
 * layout to settle (up to 5 s) rather than measuring the frame in between.
 */
export async function expectNoHorizontalOverflow(page: Page) {
  const overflow = () =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await expect.poll(overflow, { message: 'page is not wider than the viewport', timeout: 5000 }).toBeLessThanOrEqual(0);
}

/**
 * One server and one browser for the calling test file; the returned function hands them out. `env`,
 * called as the server starts, adds to its environment (e.g. a mail server the test starts there).
 */
export function useHarness(env?: () => Record<string, string> | Promise<Record<string, string>>): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(await env?.());
  });
  afterAll(async () => {
    await stopHarness(h);
  });
  return () => {
    if (!h) throw new Error('harness not started');
    return h;
  };
}

/** Fill in the sign-in form (the page must show it). */
export async function fillSignIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Sign in through the form and wait for the signed-in header. */
export async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page
    .getByTestId('login-email')
    .waitFor()
    .catch(async (e: unknown) => {
      // Say what the page shows instead of the form (a spinner, an error, another page).
      const text = (
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      )
        .replace(/\s+/g, ' ')
        .slice(0, 300);
      throw new Error(`no sign-in form at ${page.url()}: the page shows "${text}"`, { cause: e });
    });
  await fillSignIn(page, email);
  await page.getByTestId('user-menu').waitFor();
}

export async function getJsonAt<T>(baseUrl: string, path: string): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`);
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

type Schedule = { machineTimeEnabled: boolean; qualificationRequired: boolean; approvalRequired: boolean };

/** A machine-time instrument of the demo lab that anyone may book (no training needed), approval first if any. */
export async function bookableInstrumentAt(baseUrl: string): Promise<number> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lab@demo.test', password: DEMO_PASSWORD }),
  });
  const { user } = (await login.json()) as { user: { organisation: { id: number } } };
  const list = await getJsonAt<{ items: { id: number }[] }>(
    baseUrl,
    `/api/v1/instruments?institutionId=${user.organisation.id}&limit=100`,
  );
  const candidates: { id: number; approval: boolean }[] = [];
  for (const { id } of list.items) {
    const s = await getJsonAt<Schedule>(baseUrl, `/api/v1/instruments/${id}/schedule`);
    if (s.machineTimeEnabled && !s.qualificationRequired) candidates.push({ id, approval: s.approvalRequired });
  }
  expect(candidates.length, 'the demo lab has a bookable machine-time instrument').toBeGreaterThan(0);
  return (candidates.find((c) => c.approval) ?? candidates[0]!).id;
}

/** The lab manager's API session (its cookie on fetch): for the rules a journey needs, set as the lab would. */
export async function labApi(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'lab@demo.test', password: DEMO_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${path}`).toBe(200);
    return (await res.json()) as T;
  };
}

/**
 * Changes an instrument's booking rules (as its lab) and returns a function that puts the old ones back.
 * The browser journeys run on the real clock: a lab step that the platform allows only around the booked
 * time (check-in from 30 minutes before the start) needs a booking that starts soon.
 */
export async function changeRules(
  baseUrl: string,
  instrumentId: number,
  change: (rules: Record<string, unknown>) => Record<string, unknown>,
): Promise<() => Promise<void>> {
  const lab = await labApi(baseUrl);
  const { instrumentId: _id, ...before } = await lab<Record<string, unknown>>(
    'GET',
    `/instruments/${instrumentId}/schedule`,
  );
  await lab('PUT', `/instruments/${instrumentId}/schedule`, change(before));
  return async () => {
    await lab('PUT', `/instruments/${instrumentId}/schedule`, before);
  };
}

/**
 * Open round the clock, every day, without notice, check-in open a day ahead: the next slot can be
 * booked and checked in at once, whatever the time of day (near midnight the next slot that can take
 * an hour may start at 00:00, more than half an hour away).
 */
export const roundTheClock = (rules: Record<string, unknown>) => ({
  ...rules,
  weeklyHours: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])),
  slotMinutes: 30,
  minBookingMinutes: 60,
  minNoticeMinutes: 0,
  setupBufferMinutes: 0,
  cleanupBufferMinutes: 0,
  observeHolidays: false,
  checkInOpensMinutes: 1440,
});

/** Wait until the week calendar shows the answer for its week. */
export async function calendarReady(page: Page) {
  await page.waitForSelector('[data-testid="week-calendar"][data-busy="false"] [role="grid"]');
}

/**
 * Move forward week by week until a free slot at least `days` days ahead is shown; the earliest such start.
 * At least ten minutes ahead even for `days = 0`: a start a few seconds away is gone (too soon to book) by the
 * time a test on a loaded machine submits it.
 */
export async function pickFreeSlot(page: Page, days: number): Promise<string> {
  const earliest = Date.now() + days * 86_400_000 + 10 * 60_000;
  for (let week = 0; week < 6; week++) {
    await calendarReady(page);
    const starts = await page
      .locator('[data-testid="slot-free"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-start') ?? ''));
    // The grid lists cells row by row (a time of day across the week): order them by time.
    const start = starts.filter((s) => Date.parse(s) >= earliest).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    if (start) return start;
    await page.getByTestId('week-next').click();
  }
  throw new Error('no free slot within six weeks');
}

/**
 * Switches the UI language from the header's menu, again if a click lands while the menu is still
 * sliding in, until the page says it is in that language.
 */
export async function switchLanguage(page: Page, to: 'en' | 'zh-CN') {
  const name = to === 'en' ? 'English' : '中文';
  await vi.waitFor(
    async () => {
      if ((await page.evaluate(() => document.documentElement.lang)) !== to) {
        const item = page.getByRole('menuitem', { name });
        if (!(await item.isVisible())) await page.getByTestId('lang-switch').click();
        await item.click({ timeout: 3000 });
      }
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(to);
    },
    { timeout: 20_000, interval: 250 },
  );
}

/**
 * Chooses an option of an Ant Design select — the one showing `text`, or the first — opening it again
 * if a click landed while the dropdown was still sliding in, until the select shows the choice.
 */
export async function chooseOption(page: Page, select: Locator, text?: string) {
  // What the select shows before: its placeholder (or an earlier value) — a first option must change it.
  const before = (await select.innerText()).trim();
  const chosen = async () => {
    const shown = (await select.innerText()).trim();
    return text === undefined ? shown !== '' && shown !== before : shown.includes(text);
  };
  await vi.waitFor(
    async () => {
      if (!(await chosen())) {
        await select.click();
        const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
        await (text === undefined ? options.first() : options.filter({ hasText: text }).first()).click({
          timeout: 3000,
        });
      }
      expect(await chosen()).toBe(true);
    },
    { timeout: 20_000, interval: 250 },
  );
}

/** GET a JSON answer of the API as the page's signed-in user. */
export async function getJson<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(`/api/v1${path}`);
  expect(res.status(), `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

/**
 * Let toasts (e.g. 欢迎 after sign-in) go before a screenshot. Only for the picture: on a loaded machine a
 * toast's leaving animation can stall, and then the screenshot shows it rather than the test failing.
 */
export async function noToast(page: Page) {
  await page
    .locator('.ant-message-notice')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 })
    .catch(() => undefined);
}

/**
 * A settlement batch page has its answer (not refetching), in that status if given. When it does not come,
 * the error says what the page shows instead: the batch's status and any message on screen.
 */
export async function batchReady(page: Page, id: number, status?: string, timeout = 30_000) {
  const sel = `[data-testid="batch-detail"][data-batch-id="${id}"]${status ? `[data-status="${status}"]` : ''}`;
  try {
    await page.locator(`${sel}[data-busy="false"]`).waitFor({ timeout });
  } catch (e) {
    const shown = await page
      .locator('[data-testid="batch-detail"]')
      .evaluateAll((els) =>
        els.map((el) => `status=${el.getAttribute('data-status')} busy=${el.getAttribute('data-busy')}`),
      );
    const messages = await page.locator('.ant-message-notice, .ant-alert-error').allInnerTexts();
    throw new Error(
      `batch ${id} not ${status ?? 'ready'}: page shows [${shown.join('; ')}], messages [${messages.join(' | ')}]`,
      {
        cause: e,
      },
    );
  }
}

/**
 * Wait until the overlays on the page (modals, popovers, drawers) have finished opening. A fill or a click
 * while one still zoomed in was lost on loaded CI machines: the batch never moved and nothing said why.
 */
export async function overlaysOpened(page: Page) {
  await page.waitForFunction(
    () =>
      !document.querySelector(
        ':is(.ant-modal, .ant-modal-mask, .ant-popover, .ant-drawer-content-wrapper):is([class*="-appear"], [class*="-enter"])',
      ),
  );
}

/** Click a button of an overlay (a confirmation's OK) once the overlay has finished opening. */
export async function clickOpened(page: Page, button: Locator) {
  await button.waitFor();
  await overlaysOpened(page);
  await button.click();
}

/** Type into a box of an overlay that has just opened, until the box holds the text. */
export async function fillOpened(page: Page, input: Locator, text: string) {
  await input.waitFor();
  await overlaysOpened(page);
  await expect
    .poll(async () => {
      await input.fill(text);
      return input.inputValue();
    })
    .toBe(text);
}

/** Type into a box of an overlay that has just opened, press its OK, and return once the server took it (the box is gone). */
export async function fillAndConfirm(page: Page, input: Locator, text: string, ok: Locator) {
  await fillOpened(page, input, text);
  await ok.click();
  await input.waitFor({ state: 'detached', timeout: 40_000 });
}

/** A settlement batch page's 通过全部: the button, its confirmation's OK, and back once every line is decided. */
export async function approveAll(page: Page) {
  await page.getByTestId('approve-all').click();
  const ok = page.getByTestId('approve-all-ok');
  await ok.waitFor();
  await overlaysOpened(page);
  await ok.click();
  // The confirmation stays open, its OK loading, until the last line's approval is answered.
  await ok.waitFor({ state: 'hidden', timeout: 60_000 });
}

/**
 * Approve one pending line of a settlement batch page through its confirmation, and return once the page shows
 * it approved; when it does not, the error says what the page shows (the line's status, any message).
 */
export async function approveLine(page: Page, id: number) {
  await settlementLine(page, id, 'pending').getByTestId('line-approve').click();
  const ok = page.getByTestId('approve-ok');
  await clickOpened(page, ok);
  // The confirmation stays open, its OK loading, until the approval is answered.
  await ok.waitFor({ state: 'hidden', timeout: 40_000 });
  try {
    await settlementLine(page, id, 'approved').waitFor();
  } catch (e) {
    const status = await settlementLine(page, id).getAttribute('data-status');
    const messages = await page.locator('.ant-message-notice, .ant-notification-notice, .ant-modal').allInnerTexts();
    throw new Error(`line ${id} not approved: it shows ${status}, messages [${messages.join(' | ')}]`, { cause: e });
  }
}

/** A settlement batch page's 兑付: the modal, the bank reference, and back once the server took it. */
export async function payBatch(page: Page, reference: string) {
  await page.getByTestId('pay-batch').click();
  await fillAndConfirm(page, page.getByTestId('pay-reference'), reference, page.getByTestId('pay-ok'));
}

/**
 * An application's review (certification or voucher): the decision's button, its modal's boxes typed once the
 * modal has opened, its OK, and back once the page shows the application in `status`. When it does not, the
 * error says what the page shows: the application's status, the modal's field errors, any message.
 */
export async function decideApplication(
  page: Page,
  review: 'certification-review' | 'voucher-review',
  decision: 'approve' | 'return' | 'reject',
  status: string,
  boxes: { offeredYuan?: string; amountYuan?: string; note?: string } = {},
) {
  await page.getByTestId(`review-${decision}`).click();
  const amount = page.getByTestId('approved-amount');
  // The modal offers the amount asked for before the office changes it.
  if (boxes.offeredYuan !== undefined) await expect.poll(() => amount.inputValue()).toBe(boxes.offeredYuan);
  if (boxes.amountYuan !== undefined) await fillOpened(page, amount, boxes.amountYuan);
  if (boxes.note !== undefined) await fillOpened(page, page.getByTestId('review-note'), boxes.note);
  await clickOpened(page, page.getByTestId('review-ok'));
  try {
    await page.locator(`[data-testid="${review}"][data-status="${status}"]`).waitFor({ timeout: 30_000 });
  } catch (e) {
    const shown = await page.getByTestId(review).getAttribute('data-status');
    const messages = await page
      .locator('.ant-message-notice, .ant-notification-notice, .ant-form-item-explain-error')
      .allInnerTexts();
    throw new Error(`${review} not ${status}: it shows ${shown}, messages [${messages.join(' | ')}]`, { cause: e });
  }
}

/** One line of a settlement batch page, in that status if given. */
export const settlementLine = (page: Page, id: number, status?: string) =>
  page.locator(`[data-testid="settlement-line"][data-line-id="${id}"]${status ? `[data-status="${status}"]` : ''}`);
