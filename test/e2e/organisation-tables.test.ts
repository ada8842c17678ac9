/**
 * The organisation tables (issue 17): the reviewers' queue of registrations and an organisation's people
 * search, filter, sort and page on the server, keep one action a row with the rest in a menu (deciding
 * a registration from its row), are never wider than the page at 1440 px and fit a phone.
 */
import { describe, expect, it } from 'vitest';
import {
  chooseOption,
  clickOpened,
  expectNoHorizontalOverflow,
  newPage,
  noToast,
  PHONE,
  screenshot,
  signIn,
  useHarness,
  fillOpened,
} from './helpers';
import { idle, pageFits, requestAfter, WIDE } from './tables.ts';

const harness = useHarness();

const openMenu = () => '.ant-dropdown:not(.ant-dropdown-hidden)';

describe('organisation tables', () => {
  it('searches, filters, sorts and pages the registrations on the server and decides from a row', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/admin/registrations');
      await idle(page, 'registrations');
      const rows = page.locator('[data-testid="registrations"] tbody tr.ant-table-row');
      await rows.first().waitFor();
      expect(await pageFits(page)).toBe(true);

      // Every status, sorted by name from the column's header: numbered pages from the first.
      await requestAfter(
        page,
        '/registrations',
        (q) => q.get('status') === 'all',
        () => page.getByTestId('status-filter').getByText('全部', { exact: true }).click(),
      );
      await idle(page, 'registrations');
      const sorted = await requestAfter(
        page,
        '/registrations',
        (q) => q.get('sort') === 'name',
        () => page.locator('[data-testid="registrations"] th', { hasText: '单位名称' }).first().click(),
      );
      expect(sorted.get('offset')).toBe('0');
      expect(sorted.get('limit')).toBe('20');
      await idle(page, 'registrations');
      const pager = page.locator('[data-testid="registrations-page"] .ant-pagination');
      await expect.poll(() => pager.innerText()).toMatch(/共 \d+ 条/);
      if (await pager.locator('.ant-pagination-item-2').count()) {
        const before = await rows.first().innerText();
        const paged = await requestAfter(
          page,
          '/registrations',
          (q) => q.get('offset') === '20' && q.get('sort') === 'name',
          () => pager.locator('.ant-pagination-item-2').click(),
        );
        expect(paged.get('status')).toBe('all');
        await expect.poll(() => rows.first().innerText()).not.toBe(before);
      }

      // The kind (filter bar) and the search of name, credit code, contact or applicant.
      const kind = await requestAfter(
        page,
        '/registrations',
        (q) => q.get('kind') === 'enterprise',
        () => chooseOption(page, page.getByTestId('registration-kind'), '企业'),
      );
      expect(kind.get('offset')).toBe('0');
      await requestAfter(
        page,
        '/registrations',
        (q) => q.get('q') === '泉城光电',
        () => page.getByTestId('registration-search').fill('泉城光电'),
      );
      await idle(page, 'registrations');
      await expect.poll(() => rows.count()).toBe(1);
      await expect.poll(() => rows.first().innerText()).toContain('济南泉城光电检测技术有限公司');
      expect(await rows.first().innerText()).toContain('待审核');

      // One action a row; the menu decides at once or opens the organisation's people.
      await expect(rows.first().getByTestId('registration-open').innerText()).resolves.toContain('审核');
      await rows.first().getByTestId('registration-more').click();
      const menu = page.locator(openMenu());
      await menu.locator('a[href^="/organisation/people?org="]').waitFor();
      await expect(menu.innerText()).resolves.toMatch(/审核通过[\s\S]*退回修改[\s\S]*不予通过/);
      await noToast(page);
      await screenshot(page, 'organisation-tables-registrations-menu.png');
      await menu.getByText('退回修改').click();
      await fillOpened(page, page.getByTestId('decision-note'), '营业执照扫描件不清晰，请重新上传。');
      await clickOpened(page, page.getByTestId('decision-ok'));
      await expect.poll(() => rows.first().innerText()).toContain('退回修改');
      await expect(rows.first().getByTestId('registration-open').innerText()).resolves.toContain('查看');

      // The status from the column's filter: returned ones, the search kept.
      await page.getByTestId('registration-search').fill('');
      await requestAfter(
        page,
        '/registrations',
        (q) => q.get('status') === 'returned',
        () => page.getByTestId('status-filter').getByText('退回修改', { exact: false }).click(),
      );
      await idle(page, 'registrations');
      await expect.poll(() => page.locator('[data-testid="registrations"] tbody').innerText()).toContain('泉城光电');
      expect(await pageFits(page)).toBe(true);
      await noToast(page);
      await screenshot(page, 'organisation-tables-registrations.png');

      await page.setViewportSize(PHONE);
      await page.goto('/admin/registrations');
      await idle(page, 'registrations');
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'organisation-tables-registrations-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('searches, filters, sorts and pages the people on the server, one action a row', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'lab@demo.test');
      await page.goto('/organisation/people');
      await idle(page, 'people');
      const rows = page.locator('[data-testid="people"] tbody tr.ant-table-row');
      await rows.first().waitFor();

      // Two invitations, through the page.
      for (const [email, name] of <[string, string][]>[
        ['ouyang.tables@example.cn', '欧阳表格'],
        ['adams.tables@example.cn', 'Adams Tables'],
      ]) {
        await page.getByTestId('invite-open').click();
        await page.getByTestId('invite-email').fill(email);
        await page.getByTestId('invite-name').fill(name);
        await page.locator('[data-testid="invite-modal"] .ant-btn-primary').click();
        // The form's field, not the modal's wrapper (hidden already before it opens): closed once sent.
        await page.getByTestId('invite-email').waitFor({ state: 'hidden' });
      }
      await idle(page, 'people');
      expect(await pageFits(page)).toBe(true);

      // Sorted by name from the column's header; the status from the filter bar.
      const sorted = await requestAfter(
        page,
        /^\/organisations\/\d+\/people$/,
        (q) => q.get('sort') === 'name',
        () => page.locator('[data-testid="people"] th', { hasText: '姓名' }).first().click(),
      );
      expect(sorted.get('offset')).toBe('0');
      expect(sorted.get('limit')).toBe('20');
      await idle(page, 'people');
      await expect.poll(() => page.locator('[data-testid="people-page"] .ant-table-pagination').count()).toBe(0);
      const invited = await requestAfter(
        page,
        /^\/organisations\/\d+\/people$/,
        (q) => q.get('status') === 'invited',
        () => chooseOption(page, page.getByTestId('people-status'), '已邀请'),
      );
      expect(invited.get('sort')).toBe('name');
      await idle(page, 'people');
      await expect.poll(() => rows.count()).toBe(2);
      // Code-point order: Latin before Chinese.
      await expect.poll(() => rows.first().innerText()).toContain('Adams Tables');

      // The search finds e-mails for the organisation's administrators.
      await requestAfter(
        page,
        /^\/organisations\/\d+\/people$/,
        (q) => q.get('q') === 'ouyang.tables',
        () => page.getByTestId('people-search').fill('ouyang.tables'),
      );
      await idle(page, 'people');
      await expect.poll(() => rows.count()).toBe(1);
      await expect.poll(() => rows.first().innerText()).toContain('欧阳表格');

      // One action (invite again), the rest in the menu (disable, confirmed).
      await expect(rows.first().getByTestId('resend-invitation').innerText()).resolves.toContain('重新邀请');
      await rows.first().getByTestId('person-more').click();
      await page.locator(`${openMenu()} [data-testid="disable-person"]`).click();
      // The confirmation closes once the server took it; the refetched list then holds no invitation.
      await clickOpened(page, page.getByTestId('disable-ok'));
      await page.getByTestId('disable-ok').waitFor({ state: 'detached', timeout: 40_000 });
      await idle(page, 'people');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(0);
      await chooseOption(page, page.getByTestId('people-status'), '已停用');
      await idle(page, 'people');
      await expect.poll(() => rows.first().innerText()).toContain('欧阳表格');
      await expect(rows.first().getByTestId('enable-person').count()).resolves.toBe(1);

      await page.getByTestId('people-search').fill('');
      await chooseOption(page, page.getByTestId('people-status'), '全部状态');
      await idle(page, 'people');
      await expect.poll(() => rows.count()).toBeGreaterThan(2);
      expect(await pageFits(page)).toBe(true);
      await noToast(page);
      await screenshot(page, 'organisation-tables-people.png');

      await page.setViewportSize(PHONE);
      await page.goto('/organisation/people');
      await idle(page, 'people');
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'organisation-tables-people-phone.png');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('shows the platform’s people by role to a platform admin, within 1440 px', async () => {
    const { context, page } = await newPage(harness(), WIDE);
    try {
      await signIn(page, 'admin@demo.test');
      await page.goto('/organisation/people');
      await idle(page, 'people');
      const role = await requestAfter(
        page,
        /^\/organisations\/\d+\/people$/,
        (q) => q.get('role') === 'finance_officer',
        () => chooseOption(page, page.getByTestId('people-role'), '财政'),
      );
      expect(role.get('offset')).toBe('0');
      await idle(page, 'people');
      expect(await pageFits(page)).toBe(true);
      await screenshot(page, 'organisation-tables-platform-people.png');
    } finally {
      await context.close();
    }
  }, 120_000);
});
