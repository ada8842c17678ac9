/**
 * What the browser tests of the Ant Design Pro tables (issue 17) share: the wide desktop they must fit,
 * the check that the page is no wider than its window, waiting for a table to settle, and catching the
 * API request an interaction sends (search, filter, sort and pages happen on the server).
 */
import type { Page } from 'playwright-core';

/** The widest screen the tables are laid out for (the 1440 px). */
export const WIDE = { width: 1440, height: 900 };

/** The page is not wider than its window (the tables scroll inside their cards if at all). */
export const pageFits = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

/** Waits until the element of `testId` has loaded (`data-busy="false"`). */
export const idle = (page: Page, testId: string, timeout?: number) =>
  page.locator(`[data-testid="${testId}"][data-busy="false"]`).waitFor(timeout ? { timeout } : undefined);

/** The data rows of the antd table inside the element of `testId`. */
export const rowsOf = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"] tbody tr.ant-table-row`);

/**
 * Waits for an API request to `path` (under /api/v1; a string or a pattern) whose query satisfies
 * `check`, started by `act`; returns its query.
 */
export async function requestAfter(
  page: Page,
  path: string | RegExp,
  check: (q: URLSearchParams) => boolean,
  act: () => Promise<void>,
): Promise<URLSearchParams> {
  const seen = page.waitForRequest((r) => {
    const url = new URL(r.url());
    const at = url.pathname.replace(/^\/api\/v1/, '');
    return (typeof path === 'string' ? at === path : path.test(at)) && check(url.searchParams);
  });
  await act();
  return new URL((await seen).url()).searchParams;
}
