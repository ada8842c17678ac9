/**
 * 入网审核 in the browser: admin@demo.test works through the demo queue — counts per status, the
 * filters, a key-field change's diff (published → proposed), one new record returned with a reason on
 * its field, and the rest approved in bulk, which publishes them in the catalogue. Desktop and phone.
 */
import { describe, expect, it } from 'vitest';
import { chooseOption, getJson, newPage, noToast, screenshot, signIn, useHarness } from './helpers.ts';

const harness = useHarness();
const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

type Page = { items: { id: number; nameZh: string; kind: string; status: string }[]; counts: Record<string, number> };

describe('listing review', () => {
  it('an admin filters the queue, compares a change, returns one with a reason and approves the rest in bulk', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.getByTestId('nav-admin-listing-review').click();
      await page.waitForURL((url) => url.pathname === '/admin/listing-review');
      const queue = page.getByTestId('listing-queue');
      const rows = queue.locator('tbody tr.ant-table-row');
      await rows.first().waitFor();
      const before = await getJson<Page>(page, '/listing-submissions?status=pending');
      expect(await rows.count()).toBe(before.items.length);
      expect(before.counts.pending).toBeGreaterThanOrEqual(5);
      await expect(page.getByTestId('listing-tab-pending').innerText()).resolves.toContain(
        String(before.counts.pending),
      );
      await noToast(page);
      await screenshot(page, 'listing-queue.png');

      // The text filter, then the kind filter: the one key-field change.
      await page.getByTestId('listing-search').locator('input').fill('核磁');
      await expect.poll(() => rows.count()).toBe(1);
      await expect(rows.first().innerText()).resolves.toContain('核磁共振');
      await page.getByTestId('listing-search').locator('input').fill('');
      await chooseOption(page, page.getByTestId('listing-kind'), '关键信息变更');
      await expect.poll(() => rows.count()).toBe(1);
      await rows.first().getByTestId('listing-open').click();
      const diff = page.getByTestId('listing-diff');
      await diff.waitFor();
      const diffText = await diff.innerText();
      expect(diffText).toContain('已发布');
      expect(diffText).toContain('拟发布');
      expect(diffText).toContain('收费标准');
      expect(diffText).toContain('原值');
      await screenshot(page, 'listing-change-diff.png');
      // Back to the whole queue (the filters live in the page).
      await page.goto('/admin/listing-review');
      await rows.first().waitFor();
      await expect.poll(() => rows.count()).toBe(before.items.length);

      // Return the X-ray diffractometer with a reason on its original value.
      const xrd = before.items.find((s) => s.nameZh === 'X射线单晶衍射仪')!;
      await page.getByTestId(`listing-row-${xrd.id}`).getByTestId('listing-open').click();
      await page.getByTestId('listing-reason-originalValueFen').fill('请附购置合同金额');
      await page.getByTestId('listing-note').fill('原值请与合同一致');
      await page.getByTestId('listing-return').click();
      await page.getByText('已退回修改').first().waitFor();
      await expect.poll(() => rows.count()).toBe(before.items.length - 1);
      const returned = await getJson<{ status: string; fieldReasons: Record<string, string> }>(
        page,
        `/listing-submissions/${xrd.id}`,
      );
      expect(returned).toMatchObject({ status: 'returned', fieldReasons: { originalValueFen: '请附购置合同金额' } });

      // Bulk approve the rest: select all, approve; the queue empties and the records are published.
      await queue.locator('thead .ant-checkbox-input').check();
      await expect(page.getByTestId('listing-bulk-approve').innerText()).resolves.toContain(
        String(before.items.length - 1),
      );
      await page.getByTestId('listing-bulk-approve').click();
      await page.getByText(`已通过 ${before.items.length - 1} 条`).waitFor();
      await expect.poll(() => rows.count()).toBe(0);
      const after = await getJson<Page>(page, '/listing-submissions?status=pending');
      expect(after.counts.pending).toBe(0);
      const published = await getJson<{ items: { nameZh: string }[] }>(
        page,
        '/instruments?q=Sigma%20360&include=total',
      );
      expect(published.items.map((i) => i.nameZh)).toContain('场发射扫描电子显微镜');

      // The returned tab: what waits for the labs, with its history in the drawer.
      await page.getByTestId('listing-tab-returned').click();
      await expect.poll(() => rows.count()).toBe(2);
      await page.getByTestId(`listing-row-${xrd.id}`).getByTestId('listing-open').click();
      await page.getByTestId('listing-history').waitFor();
      await expect.poll(() => page.getByTestId('listing-diff').innerText()).toContain('请附购置合同金额');
      await noToast(page);
      await screenshot(page, 'listing-returned-drawer.png');
    } finally {
      await context.close();
    }
  });

  it('fits a phone: the queue and a submission', async () => {
    const { context, page } = await newPage(harness(), PHONE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/listing-review');
      await page.getByTestId('listing-tab-all').click();
      const rows = page.getByTestId('listing-queue').locator('tbody tr.ant-table-row');
      await rows.first().waitFor();
      await noToast(page);
      await screenshot(page, 'listing-queue-phone.png');
      await rows.first().getByTestId('listing-open').click();
      await page.getByTestId('listing-diff').waitFor();
      await screenshot(page, 'listing-detail-phone.png');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await context.close();
    }
  });

  it('shows the lab its records’ review status and lets it fix a returned one', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto('/lab/instruments');
      const card = page.getByTestId('lab-submissions');
      await card.getByText('流式细胞仪').waitFor();
      await page.getByTestId('lab-instruments').waitFor();
      await noToast(page);
      await screenshot(page, 'listing-lab.png');
      await card.locator('.ant-list-item', { hasText: '流式细胞仪' }).getByTestId('lab-submission-open').click();
      await page.getByTestId('lab-reason-originalValueFen').waitFor();
      await page
        .locator(
          'input[data-testid="listing-edit-originalValueFen"], [data-testid="listing-edit-originalValueFen"] input',
        )
        .first()
        .fill('1850000');
      await page.getByTestId('listing-edit-address').fill('济南市历下区科院路 19 号 生物楼 210');
      await screenshot(page, 'listing-lab-fix.png');
      await page.getByTestId('lab-resubmit').click();
      await page.getByText('已重新提交审核').first().waitFor();
      const mine = await getJson<Page>(page, '/listing-submissions?q=%E6%B5%81%E5%BC%8F');
      expect(mine.items[0]).toMatchObject({ status: 'pending' });
    } finally {
      await context.close();
    }
  });
});
