/**
 * An enterprise's own claims in a reimburse-mode programme (先付后补) in a real browser. The demo's
 * 临沂 enterprise (researcher3@demo.test) paid three October jobs at the demo lab in full with its
 * 临沂 voucher; on 我的报销 it claims October's voucher share itself, fills in the invoice numbers and
 * submits with its bank account. 临沂市科学技术局 (finance4@demo.test) approves the lines and pays with
 * a bank reference; researcher3 follows the notification to the paid batch. The lab's own claim
 * pages stay where they were.
 */
import { describe, expect, it } from 'vitest';
import { LINYI_PROGRAMME_NAME } from '../../db/seed/vouchers.ts';
import { formatFen } from '../../web/src/ui/money.ts';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  newPage,
  PHONE,
  screenshot,
  signIn,
  useHarness,
  getJson as api,
  batchReady,
  settlementLine as line,
  noToast,
  approveAll,
  payBatch,
  clickOpened,
  fillOpened,
} from './helpers.ts';

const harness = useHarness();

const OFFICE = '临沂市科学技术局';
const ENTERPRISE = '临沂鼎新智能装备有限公司';
const MONTH = '2026-10';

type BatchJson = {
  id: number;
  status: string;
  month: string;
  programmeId: number;
  totalFen: number;
  paidFen: number | null;
  claimant: { name: string; kind: string };
  reviewOffice: { name: string };
  lines: { id: number; status: string; voucherFen: number; totalFen: number; checksOk: boolean }[];
};
type QuotaJson = { programmeId: number; programmeName: string; settlementMode: string };
type NotificationJson = { type: string; link: string | null };

describe('enterprise claims (reimburse mode)', () => {
  it('researcher3 claims October on 我的报销, 临沂 reviews and pays, the enterprise sees it paid', async () => {
    const ent = await newPage(harness(), DESKTOP);
    const finance = await newPage(harness(), DESKTOP);
    try {
      // --- the enterprise's menu has 我的报销; the page starts empty
      const ep = ent.page;
      await signIn(ep, 'researcher3@demo.test');
      const nav = ep.getByTestId('nav-my-claims');
      await expect(nav.innerText()).resolves.toBe('我的报销');
      await nav.click();
      await ep.waitForURL((url) => url.pathname === '/my/claims');
      await ep.locator('[data-testid="batches"][data-busy="false"]').waitFor();
      await expect(ep.locator('h3').first().innerText()).resolves.toBe('我的报销');
      await ep.getByTestId('empty-state').waitFor();
      await expect(ep.locator('.app-menu .ant-menu-item-selected').innerText()).resolves.toContain('我的报销');
      await screenshot(ep, 'my-claims-empty.png');

      // The programme comes from the enterprise's own reimburse-mode quotas (it may not list programmes).
      const quotas = (await api<{ items: QuotaJson[] }>(ep, '/vouchers')).items;
      const linyi = quotas.find((q) => q.programmeName === LINYI_PROGRAMME_NAME);
      expect(linyi?.settlementMode).toBe('reimburse');
      expect((await ep.request.get('/api/v1/voucher-programmes')).status()).toBe(403);

      // --- a new claim for October: the 临沂 programme is the one offered
      await ep.getByTestId('new-claim').click();
      // Only what can be claimed is offered: the programme and month with its count and amount.
      const option = ep.locator(`[data-testid="claimable-option"][data-month="${MONTH}"]`);
      await option.waitFor();
      await expect(option.innerText()).resolves.toContain(LINYI_PROGRAMME_NAME);
      await option.click();
      await expect.poll(() => ep.locator('.ant-modal').innerText()).toContain('申报截止 2027-03-31');
      await noToast(ep).catch(() => undefined);
      await screenshot(ep, 'my-claims-new.png');
      await ep.getByTestId('new-claim-ok').click();
      await ep.waitForURL((url) => /^\/my\/claims\/\d+$/.test(url.pathname));
      const batchId = Number(new URL(ep.url()).pathname.split('/').pop());
      await batchReady(ep, batchId, 'draft');

      const draft = await api<BatchJson>(ep, `/settlement-batches/${batchId}`);
      expect(draft).toMatchObject({
        month: MONTH,
        programmeId: linyi!.programmeId,
        claimant: { name: ENTERPRISE, kind: 'enterprise' },
        reviewOffice: { name: OFFICE },
      });
      const lines = draft.lines.filter((l) => l.status === 'pending');
      expect(lines.length, 'the seeded October jobs are claimed').toBeGreaterThanOrEqual(2);
      // Paid in full by the enterprise; the voucher pays half back.
      for (const l of lines) expect(l.voucherFen).toBe(Math.floor(l.totalFen / 2));
      await expect(ep.getByTestId('batch-total').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));
      await expect(ep.getByTestId('batch-total').innerText()).resolves.toBe(formatFen(draft.totalFen));
      await expect(ep.getByTestId('missing-invoices').innerText()).resolves.toContain(String(lines.length));
      await expect(ep.getByTestId('submit-batch').isDisabled()).resolves.toBe(true);
      // The way back leads to 我的报销, not to the lab's pages.
      await expect(ep.getByTestId('back-to-batches').getAttribute('href')).resolves.toBe('/my/claims');

      // Invoice numbers, typed in place.
      for (const l of lines) {
        const row = line(ep, l.id);
        await row.getByTestId('invoice-input').fill(`LYRB${MONTH.replace('-', '')}${String(l.id).padStart(5, '0')}`);
        await row.getByTestId('invoice-input').press('Enter');
        await row.getByTestId('invoice-saved').waitFor();
      }
      await expect(line(ep, lines[0]!.id).getByTestId('checks-ok').count()).resolves.toBe(1);
      await noToast(ep).catch(() => undefined);
      await screenshot(ep, 'my-claims-draft.png');
      // The draft with its invoice editors at phone width, down to 360 px.
      await ep.setViewportSize(PHONE);
      await ep.locator('[data-testid="settlement-line"] [data-testid="invoice-saved"]').first().waitFor();
      await expectNoHorizontalOverflow(ep);
      await screenshot(ep, 'my-claims-draft-phone.png');
      await ep.setViewportSize({ width: 360, height: PHONE.height });
      await expectNoHorizontalOverflow(ep);
      await ep.setViewportSize(DESKTOP);
      await ep.locator('.ant-table-row[data-testid="settlement-line"]').first().waitFor();

      // Submit with the enterprise's bank account (its name is filled in).
      await ep.getByTestId('submit-batch').click();
      await expect.poll(() => ep.getByTestId('bank-account-name').inputValue()).toBe(ENTERPRISE);
      await expect.poll(() => ep.getByTestId('submit-modal').innerText()).toContain(OFFICE);
      await fillOpened(ep, ep.getByTestId('bank-name'), '临沂农村商业银行兰山支行');
      await fillOpened(ep, ep.getByTestId('bank-account-no'), '6230 2100 0088 1234 56');
      await clickOpened(ep, ep.getByTestId('submit-ok'));
      await batchReady(ep, batchId, 'submitted');
      await expect(ep.getByTestId('batch-bank').innerText()).resolves.toContain('临沂农村商业银行兰山支行');

      // --- 临沂's finance officer reviews it: approve every line, pay with the bank reference
      const fp = finance.page;
      await signIn(fp, 'finance4@demo.test');
      await fp.getByTestId('nav-finance-settlement').click();
      await fp.waitForURL((url) => url.pathname === '/finance/settlement');
      const row = fp.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`);
      await row.waitFor();
      await expect(row.innerText()).resolves.toContain(ENTERPRISE);
      await row.getByTestId('batch-link').click();
      await batchReady(fp, batchId, 'submitted');
      await approveAll(fp);
      for (const l of lines) await line(fp, l.id, 'approved').waitFor();
      await batchReady(fp, batchId, 'reviewed');
      // Four-eyes: the approver may not pay; a second officer of 临沂's office does.
      await expect(fp.getByTestId('pay-batch').isDisabled()).resolves.toBe(true);
      await finance.context.clearCookies();
      await signIn(fp, 'finance7@demo.test');
      await fp.goto(`/finance/settlement/${batchId}`);
      await batchReady(fp, batchId, 'reviewed');
      await payBatch(fp, 'LY-GK-2026-1128-0042');
      await batchReady(fp, batchId, 'paid');
      await expect(fp.getByTestId('batch-paid-fen').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));

      // --- the enterprise is told, follows the notification and sees the batch paid
      const notes = (await api<{ items: NotificationJson[] }>(ep, '/notifications')).items;
      expect(notes.find((n) => n.type === 'batch_paid')?.link).toBe(`/my/claims/${batchId}`);
      await ep.goto('/my/claims');
      await ep.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"][data-status="paid"]`).waitFor();
      await ep.getByTestId('notification-bell').click();
      await ep.getByTestId('notification-item').filter({ hasText: '兑付已支付' }).first().click();
      await ep.waitForURL((url) => url.pathname === `/my/claims/${batchId}`);
      await batchReady(ep, batchId, 'paid');
      await expect(ep.getByTestId('batch-paid-fen').getAttribute('data-fen')).resolves.toBe(String(draft.totalFen));
      await expect(ep.getByTestId('batch-paid').innerText()).resolves.toContain('LY-GK-2026-1128-0042');
      const paid = await api<BatchJson>(ep, `/settlement-batches/${batchId}`);
      expect(paid).toMatchObject({ status: 'paid', paidFen: draft.totalFen });
      await noToast(ep).catch(() => undefined);
      await screenshot(ep, 'my-claims-paid.png');

      // --- at phone width: the list and the paid batch fit
      await ep.setViewportSize(PHONE);
      await ep.goto('/my/claims');
      await ep.locator(`[data-testid="batch-row"][data-batch-id="${batchId}"]`).waitFor();
      await expectNoHorizontalOverflow(ep);
      await screenshot(ep, 'my-claims-phone.png');
      await ep.setViewportSize({ width: 360, height: PHONE.height });
      await expectNoHorizontalOverflow(ep);
      await ep.setViewportSize(PHONE);
      await ep.goto(`/my/claims/${batchId}`);
      await batchReady(ep, batchId, 'paid');
      await ep.locator('[data-testid="settlement-line"]').first().waitFor();
      await expectNoHorizontalOverflow(ep);
      await screenshot(ep, 'my-claims-batch-phone.png');
      // The menu entry is in the phone drawer too.
      await ep.getByTestId('nav-drawer-toggle').click();
      await ep.getByTestId('nav-my-claims').waitFor();

      // The lab's claim pages are the lab's: not the enterprise's.
      await ep.setViewportSize(DESKTOP);
      await ep.goto('/lab/settlement');
      await ep.getByTestId('forbidden').waitFor();
    } finally {
      await ent.context.close();
      await finance.context.close();
    }
  }, 240_000);

  it('tells an enterprise without a pay-first voucher that it has nothing to claim itself', async () => {
    const { context, page } = await newPage(harness(), PHONE);
    try {
      // The 济南 demo enterprise holds only the provincial voucher, deducted at checkout (通兑): no 我的报销
      // in its menu, and the address explains why instead of showing an empty claims page.
      await signIn(page, 'researcher@demo.test');
      await page.getByTestId('nav-drawer-toggle').click();
      await page.getByTestId('nav-my-vouchers').waitFor();
      await expect(page.getByTestId('nav-my-claims').count()).resolves.toBe(0);
      await page.goto('/my/claims');
      await page.getByTestId('claims-gate').waitFor();
      await expect(page.getByTestId('claims-gate').innerText()).resolves.toContain('通兑');
      await expect(page.getByTestId('new-claim').count()).resolves.toBe(0);
      await expectNoHorizontalOverflow(page);
      await noToast(page);
      await screenshot(page, 'my-claims-none-phone.png');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('leaves the lab manager’s 兑付申报 where it was, without the enterprise’s entry', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await signIn(page, 'lab@demo.test');
      await expect(page.getByTestId('nav-my-claims').count()).resolves.toBe(0);
      await page.getByTestId('nav-lab-settlement').click();
      await page.waitForURL((url) => url.pathname === '/lab/settlement');
      await page.locator('[data-testid="batches"][data-busy="false"]').waitFor();
      await expect(page.locator('h3').first().innerText()).resolves.toBe('兑付申报');
      await page.getByTestId('new-claim').click();
      // A lab manager picks from its claimable programmes and months: it never types a programme number.
      await page.locator('[data-testid="claimable-option"]').first().waitFor();
      await expect(page.locator('.ant-modal input[type="number"]').count()).resolves.toBe(0);
      await page.goto('/my/claims');
      await page.getByTestId('forbidden').waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
