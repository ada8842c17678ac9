/**
 * A staged review through public notice (公示) to payment by a second officer, in a real browser. The demo
 * programme is set to a city review, then a provincial re-check of every line, then a 3-day notice. The
 * lab files October's claim once; the city offices approve their lines; the provincial reviewer
 * (reviewer@demo.test) approves them all on its page; the batch goes into notice. Anyone opens the public
 * notice page (also at phone width) and lodges an objection; the paying office answers it. The notice
 * is made to have ended (its end moved into the past in the database: the server keeps real time); the
 * reviewer, who approved, may not pay (four-eyes); finance2@demo.test pays, and the history shows both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import {
  batchReady,
  DESKTOP,
  expectNoHorizontalOverflow,
  getJson as api,
  newPage,
  noToast,
  PHONE,
  screenshot,
  signIn,
  useHarness,
  approveAll,
  payBatch,
  fillAndConfirm,
  clickOpened,
  fillOpened,
} from './helpers.ts';

const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'isp-staged-')), 'staged.db');
const harness = useHarness(() => ({ DATABASE_PATH: dbPath }));
const db = () => openDatabase(dbPath);

type BatchJson = {
  id: number;
  status: string;
  totalFen: number;
  lines: { id: number; reviewOffice: { name: string } }[];
  approvers: string[];
  paidBy: string | null;
  mayPay: boolean;
};

/** A same-origin JSON request from the signed-in page; its status. */
const send = (page: Page, method: string, url: string, body: unknown = {}) =>
  page.evaluate(
    async ({ m, u, b }: { m: string; u: string; b: unknown }) =>
      (await fetch(u, { method: m, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) })).status,
    { m: method, u: url, b: body },
  );

describe('staged review', () => {
  it('goes through the city and provincial stages and the public notice to payment by a second officer', async () => {
    const d = db();
    await d.run(`UPDATE voucher_programmes SET review_stages = ?, public_notice_days = 3 WHERE id = 1`, [
      JSON.stringify([
        { kind: 'city', samplePercent: 100 },
        { kind: 'province', samplePercent: 100 },
      ]),
    ]);
    const lab = await newPage(harness(), DESKTOP);
    const city = await newPage(harness(), DESKTOP);
    const reviewer = await newPage(harness(), DESKTOP);
    const anyone = await newPage(harness(), DESKTOP);
    const payer = await newPage(harness(), DESKTOP);
    try {
      // --- the lab files October once, and submits it
      const lp = lab.page;
      await signIn(lp, 'lab@demo.test');
      expect(await send(lp, 'POST', '/api/v1/settlement-batches', { programmeId: 1, month: '2026-10' })).toBe(201);
      const batch = (await api<{ items: BatchJson[] }>(lp, '/settlement-batches?status=draft')).items[0]!;
      const full = await api<BatchJson>(lp, `/settlement-batches/${batch.id}`);
      for (const l of full.lines)
        expect(
          await send(lp, 'PATCH', `/api/v1/settlement-batches/${batch.id}/lines/${l.id}`, {
            invoiceNo: `GS2610${String(l.id).padStart(5, '0')}`,
          }),
        ).toBe(200);
      const bank = {
        bankName: '中国银行济南分行',
        accountName: '山东省分析测试中心',
        accountNo: '2345 6789 0123 4567',
      };
      expect(await send(lp, 'POST', `/api/v1/settlement-batches/${batch.id}/submit`, { bankAccount: bank })).toBe(200);

      // --- stage 1: each city office approves its lines
      const cp = city.page;
      const officers: Record<string, string> = {
        济南市科学技术局: 'finance@demo.test',
        临沂市科学技术局: 'finance4@demo.test',
        聊城市科学技术局: 'finance6@demo.test',
      };
      for (const office of new Set(full.lines.map((l) => l.reviewOffice.name))) {
        const email = officers[office];
        expect(email, `an officer of ${office}`).toBeTruthy();
        await city.context.clearCookies();
        await signIn(cp, email!);
        for (const l of full.lines.filter((x) => x.reviewOffice.name === office))
          expect(await send(cp, 'POST', `/api/v1/settlement-batches/${batch.id}/lines/${l.id}/approve`)).toBe(200);
      }

      // --- stage 2: the provincial reviewer re-checks every line on its page
      const rp = reviewer.page;
      await signIn(rp, 'reviewer@demo.test');
      await rp.goto(`/finance/settlement/${batch.id}`);
      await batchReady(rp, batch.id, 'submitted');
      await rp.getByTestId('stage-flow').waitFor();
      await expect(rp.getByTestId('stage-flow').getAttribute('data-stage')).resolves.toBe('1');
      await screenshot(rp, 'staged-review-province.png');
      await approveAll(rp);
      await batchReady(rp, batch.id, 'in_notice');
      await rp.getByTestId('notice-alert').waitFor();
      await expect(rp.getByTestId('notice-alert').innerText()).resolves.toContain('公示中');
      await noToast(rp);
      await screenshot(rp, 'staged-review-notice.png');

      // --- anyone: the public notice page, and an objection
      const ap = anyone.page;
      await ap.goto('/public/notices');
      const notice = ap.locator(`[data-testid="public-notice"][data-batch-id="${batch.id}"]`);
      await notice.waitFor();
      await expect(notice.innerText()).resolves.toContain('山东省分析测试中心');
      await screenshot(ap, 'public-notices.png');
      await notice.getByTestId('object').click();
      await fillOpened(ap, ap.getByTestId('objection-name'), '李明');
      await fillOpened(ap, ap.getByTestId('objection-contact'), '13900000000');
      await fillOpened(ap, ap.getByTestId('objection-content'), '该服务单位当月并未为该企业提供测试服务，请核实。');
      await clickOpened(ap, ap.getByTestId('objection-ok'));
      await ap.locator('.ant-message', { hasText: '异议已提交' }).waitFor();
      await ap.setViewportSize(PHONE);
      await ap.reload();
      await notice.waitFor();
      await expectNoHorizontalOverflow(ap);
      await screenshot(ap, 'public-notices-phone.png');

      // --- the notice ends (moved into the past: the server keeps real time); the objection still blocks payment
      await d.run(`UPDATE settlement_batches SET notice_ends_at = ? WHERE id = ?`, [Date.now() - 60_000, batch.id]);
      const pp = payer.page;
      await signIn(pp, 'finance2@demo.test');
      await pp.goto(`/finance/settlement/${batch.id}`);
      await batchReady(pp, batch.id, 'in_notice');
      await expect(pp.getByTestId('pay-batch').isDisabled()).resolves.toBe(true);
      await pp.getByTestId('objection-answer').click();
      // The modal opens with an animation: the answer is typed once it has opened and the box holds what was
      // typed, and the modal closes only when the server took it.
      await fillAndConfirm(
        pp,
        pp.getByTestId('objection-answer-input'),
        '经核实，该服务于10月完成，有上机记录和检测报告为证。',
        pp.getByTestId('objection-answer-ok'),
      );
      await pp.locator('[data-testid="objection"][data-status="answered"]').waitFor();

      // The reviewer approved lines: the server refuses her as payer (four-eyes).
      await rp.reload();
      await batchReady(rp, batch.id, 'in_notice');
      await expect(rp.getByTestId('pay-batch').isDisabled()).resolves.toBe(true);
      expect(
        await send(rp, 'POST', `/api/v1/settlement-batches/${batch.id}/pay`, { reference: 'GK-2026-1205-0001' }),
      ).toBe(403);

      // A second officer of the paying office pays.
      await expect(pp.getByTestId('pay-batch').isDisabled()).resolves.toBe(false);
      await payBatch(pp, 'GK-2026-1205-0001');
      await batchReady(pp, batch.id, 'paid');
      await expect(pp.getByTestId('paid-by').innerText()).resolves.toBe('徐宏伟');
      await expect(pp.getByTestId('approvers').innerText()).resolves.toContain('鲍文静');
      const paid = await api<BatchJson>(pp, `/settlement-batches/${batch.id}`);
      expect(paid.approvers).not.toContain('徐宏伟');
      await expect(pp.getByTestId('batch-history').innerText()).resolves.toMatch(
        /开始公示[\s\S]*收到公示异议[\s\S]*答复异议[\s\S]*兑付/,
      );
      await noToast(pp);
      await screenshot(pp, 'staged-review-paid.png');
    } finally {
      for (const p of [lab, city, reviewer, anyone, payer]) await p.context.close();
      await d.close();
    }
  }, 240_000);
});
