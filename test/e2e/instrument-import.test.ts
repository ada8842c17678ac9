/**
 * Bulk import (批量导入) in a real browser: the demo lab manager downloads the template, uploads a
 * sheet with errors and sees them per row and column (and the sheet with its error column), fixes
 * the sheet, uploads it again and imports it; the records go to listing review. Desktop and phone
 * width, with screenshots.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INSTRUMENT_HEADERS } from '../../server/modules/imports/template.ts';
import { parseCsv, toCsv } from '../../server/modules/settlement/exports.ts';
import { expectNoHorizontalOverflow, newPage, screenshot, signIn, useHarness } from './helpers.ts';

const harness = useHarness();
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

function sheet(rows: Record<string, string>[]): Buffer {
  return toCsv({
    sheet: '仪器信息',
    title: 't',
    headers: INSTRUMENT_HEADERS,
    rows: rows.map((r) => INSTRUMENT_HEADERS.map((h) => r[h] ?? '')),
  });
}

describe('bulk import', () => {
  it('a lab downloads the template, uploads a sheet with errors, sees them, fixes it and imports', async () => {
    const desktop = await newPage(harness(), DESKTOP);
    const phone = await newPage(harness(), PHONE);
    try {
      const page = desktop.page;
      await signIn(page, 'lab@demo.test');
      await page.goto('/lab/imports');
      await page.getByTestId('import-page').waitFor();
      await page.getByTestId('import-history').waitFor();

      // The template, as the browser downloads it.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-csv').click()]);
      const template = parseCsv(readFileSync((await download.path())!));
      expect(template[0]).toEqual(INSTRUMENT_HEADERS);
      const example = Object.fromEntries(INSTRUMENT_HEADERS.map((h, i) => [h, template[1]![i] ?? '']));
      const me = (await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.json()))) as {
        user: { organisation: { name: string } };
      };
      const institution = me.user.organisation.name;
      // The example row names the lab's own institution.
      expect(example['所属单位']).toBe(institution);
      const row = (n: number, extra: Record<string, string> = {}) => ({
        ...example,
        所属单位: institution,
        所属单位仪器编号: `E2E-IMPORT-${n}`,
        仪器名称: `端到端导入测试仪 ${n}`,
        ...extra,
      });

      // A sheet with two bad rows.
      const bad = sheet([row(1), row(2, { '原值(元)': '一百万' }), row(3, { 共享模式: '随便' })]);
      await page
        .getByTestId('import-upload')
        .locator('input[type="file"]')
        .setInputFiles({ name: '仪器导入.csv', mimeType: 'text/csv', buffer: bad });
      await page.getByTestId('import-checked').waitFor();
      const errors = page.getByTestId('import-errors');
      await errors.getByText('应为以元为单位的金额').waitFor();
      await expect(errors.innerText()).resolves.toContain('共享模式');
      await expect(page.getByTestId('import-counts').innerText()).resolves.toContain('2');
      await expect(page.getByTestId('error-sheet').getAttribute('href')).resolves.toMatch(/error-sheet\?format=xlsx$/);
      const firstId = Number(new URL(page.url()).searchParams.get('id'));
      expect(firstId).toBeGreaterThan(0);
      await screenshot(page, 'instrument-import-errors.png');
      await expectNoHorizontalOverflow(page);

      // The same at phone width.
      await signIn(phone.page, 'lab@demo.test');
      await phone.page.goto(`/lab/imports?id=${firstId}`);
      await phone.page.getByTestId('import-errors').getByText('应为以元为单位的金额').waitFor();
      await screenshot(phone.page, 'instrument-import-errors-phone.png');
      await expectNoHorizontalOverflow(phone.page);

      // All or nothing is not offered while rows have errors; this one is dropped.
      await page.getByTestId('import-cancel').click();
      await page.getByTestId('import-status').getByText('已取消').waitFor();

      // Fixed and uploaded again: no errors; imported; the records go to review.
      await page.getByTestId('import-another').click();
      const good = sheet([row(1), row(2, { '原值(元)': '1000000.00' }), row(3, { 共享模式: '内部共享' })]);
      await page
        .getByTestId('import-upload')
        .locator('input[type="file"]')
        .setInputFiles({ name: '仪器导入-修改后.csv', mimeType: 'text/csv', buffer: good });
      await page.getByTestId('import-checked').getByText('全部行校验通过').waitFor();
      await page.getByTestId('import-policy').getByText('有错误则全部不导入').click();
      await page.getByTestId('import-run').click();
      await page.getByTestId('import-done').waitFor();
      await expect(page.getByTestId('import-counts').innerText()).resolves.toMatch(/提交审核\s*3/);
      await screenshot(page, 'instrument-import-done.png');

      await phone.page.goto(`/lab/imports?id=${new URL(page.url()).searchParams.get('id')}`);
      await phone.page.getByTestId('import-done').waitFor();
      await screenshot(phone.page, 'instrument-import-done-phone.png');
      await expectNoHorizontalOverflow(phone.page);
    } finally {
      await desktop.context.close();
      await phone.context.close();
    }
  });
});
