/**
 * A new enterprise's whole way in, in a real browser against a real server process whose e-mails go to
 * this test's own SMTP server: it registers (the credit code a valid GB 32100 one, the business licence
 * a real PDF uploaded on the form), verifies its e-mail by the link the mail carries, waits for review;
 * the platform admin reviews the registration in the browser (the licence is there to open) and approves
 * it; the enterprise applies for SME certification (科技型中小企业, its certificate attached), which
 * 济南's finance office approves; then for a quota of the programme that issues by application (申领),
 * which the office approves for less than asked; the quota appears on 我的创新券, and the enterprise
 * books an instrument with it, the self-pay share on the 4242 test card.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { APPLICATION_PROGRAMME_NAME } from '../../db/seed/vouchers.ts';
import {
  CREDIT_CODE_CHARS,
  creditCodeCheckChar,
  isValidCreditCode,
  organisationCodeCheckChar,
} from '../../server/modules/organisations/credit-code.ts';
import { formatFen } from '../../web/src/ui/money.ts';
import {
  bookableInstrumentAt,
  chooseOption,
  clickOpened,
  decideApplication,
  DESKTOP,
  expectNoHorizontalOverflow,
  getJson,
  newPage,
  noToast,
  PHONE,
  pickFreeSlot,
  screenshot,
  screenshotDir,
  signIn,
  fillOpened,
} from './helpers.ts';
import { useMailHarness } from './mail.ts';

const { harness, mailedLink } = useMailHarness();

/** A random unified social credit code of an enterprise (91) registered in 济南 历下区, both check characters right. */
function creditCode(): string {
  const digits = Array.from({ length: 8 }, () => Math.floor(Math.random() * 10)).join('');
  const first17 = `91370102${digits}${organisationCodeCheckChar(digits)!}`;
  const code = first17 + creditCodeCheckChar(first17)!;
  expect(isValidCreditCode(code), code).toBe(true);
  expect([...code].every((c) => CREDIT_CODE_CHARS.includes(c))).toBe(true);
  return code;
}

/** A minimal, well-formed one-page PDF (header, objects, a cross-reference table with true offsets). */
function pdf(title: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 72 770 Td (${title}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Today's year in Shandong (the evaluation year a registration number of this year starts with). */
const shandongYear = () => new Date(Date.now() + 8 * 3600_000).getUTCFullYear();

const suffix = Math.random().toString(36).slice(2, 8);
const enterprise = {
  name: '济南瑞析新材料科技有限公司',
  creditCode: creditCode(),
  address: '济南市历下区经十路 12345 号创新大厦 9 层',
  legal: '周明远',
  contact: '韩晓雪',
  phone: '13805310123',
  email: `hanxx.${suffix}@ruixi-materials.test`,
  password: 'Ruixi-Lab-2026',
};
/** What each step hands to the next (the steps run in order, on one server). */
const journey = { certificationId: 0, voucherApplicationId: 0, approvedFen: 0 };

/** The enterprise's user, signed in (a new browser context each step, like coming back another day). */
async function asEnterprise<T>(viewport: typeof DESKTOP, fn: (page: Page) => Promise<T>): Promise<T> {
  const { context, page } = await newPage(harness(), viewport);
  try {
    await page.goto('/login');
    await page.getByTestId('login-email').fill(enterprise.email);
    await page.getByTestId('login-password').fill(enterprise.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function asUser<T>(email: string, viewport: typeof DESKTOP, fn: (page: Page) => Promise<T>): Promise<T> {
  const { context, page } = await newPage(harness(), viewport);
  try {
    await signIn(page, email);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** The row of the office's queue (a table at desktop width) for the new enterprise, opened. */
async function openFromQueue(page: Page, queue: string, detail: string) {
  await page.goto(queue);
  const row = page.locator('[data-testid="application-queue"] [data-status="submitted"]').filter({
    hasText: enterprise.name,
  });
  await row.first().waitFor();
  await row.first().getByTestId('open-application').click();
  await page.getByTestId(detail).waitFor();
}

// Each step has several people sign in and act in turn: more time than a one-page journey.
describe(
  'an enterprise’s registration, certification, voucher application and first booking',
  { timeout: 180_000 },
  () => {
    it('shows the registration form at phone width', async () => {
      const { context, page } = await newPage(harness(), PHONE);
      try {
        await page.goto('/login');
        await page.getByTestId('register-link').click();
        await page.waitForURL((u) => u.pathname === '/register');
        await page.getByTestId('kind-enterprise').waitFor();
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'register-kind-phone.png');
        await page.getByTestId('kind-enterprise').click();
        await page.getByTestId('register-form').waitFor();
        // A code whose check character is wrong is refused as it is typed.
        const wrong = enterprise.creditCode.slice(0, 17) + (enterprise.creditCode[17] === '0' ? '1' : '0');
        await page.getByTestId('org-credit-code').fill(wrong);
        await page
          .getByText('the check character (the 18th) does not match')
          .or(page.getByText(/校验码/))
          .waitFor();
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'register-form-phone.png');
      } finally {
        await context.close();
      }
    });

    it('registers an enterprise with its licence and verifies the e-mail by the mailed link', async () => {
      const { context, page } = await newPage(harness(), DESKTOP);
      try {
        await page.goto('/register');
        await page.getByTestId('kind-enterprise').click();
        const form = page.getByTestId('register-form');
        await form.waitFor();
        await page.getByTestId('org-name').fill(enterprise.name);
        await page.getByTestId('org-credit-code').fill(enterprise.creditCode);
        // The code checks, and nobody has registered it.
        await form.getByText('信用代码格式正确').waitFor();
        await page.getByTestId('place').click();
        await page.locator('.ant-cascader-menu-item[title="济南"]').click();
        await page.locator('.ant-cascader-menu-item[title="历下区"]').click();
        await expect.poll(() => page.getByTestId('place').innerText()).toContain('历下区');
        await page.getByTestId('org-address').fill(enterprise.address);
        await page.getByTestId('org-legal').fill(enterprise.legal);
        await page.getByTestId('org-contact-name').fill(enterprise.contact);
        await page.getByTestId('org-contact-phone').fill(enterprise.phone);
        await page.getByTestId('register-email').fill(enterprise.email);
        await page.getByTestId('register-password').fill(enterprise.password);
        await page.getByTestId('register-confirm').fill(enterprise.password);
        await screenshot(page, 'register-form.png');
        await page.getByTestId('register-submit').click();

        // Step 3: the business licence, a PDF, through the upload control.
        const licence = page.locator('[data-testid="documents"] [data-kind="business_licence"]');
        await licence.waitFor();
        await licence.locator('input[type="file"]').setInputFiles({
          name: '营业执照.pdf',
          mimeType: 'application/pdf',
          buffer: pdf('Business licence (test)'),
        });
        await licence.getByTestId('document-business_licence').waitFor();
        await expect(licence.getByTestId('document-business_licence').innerText()).resolves.toContain('营业执照.pdf');
        await noToast(page);
        await screenshot(page, 'register-documents.png');
        await page.getByTestId('documents-next').click();
        await page.getByTestId('register-mail').waitFor();
        await expect(page.getByTestId('register-mail').innerText()).resolves.toContain(enterprise.email);

        // Signed in already, but only to see the application: the catalogue's bookings are not open yet.
        const me = await getJson<{ user: { restriction: string | null } }>(page, '/auth/me');
        expect(me.user.restriction).toBe('email_unverified');
        await page.goto('/registration');
        await page.getByTestId('email-unverified').waitFor();
        await screenshot(page, 'registration-unverified.png');

        // The link from the mail: the address is verified and, the licence being in, the registration goes to review.
        const link = await mailedLink(enterprise.email, '/verify-email');
        expect(new URL(link).origin).toBe(harness().server.baseUrl);
        await page.goto(link);
        await page.getByTestId('verify-done').waitFor();
        await screenshot(page, 'verify-email-done.png');
        await page.goto('/registration');
        await page
          .locator('[data-testid="registration-page"] [data-testid="org-status"][data-status="pending_review"]')
          .first()
          .waitFor();
        await expect(page.getByTestId('email-unverified').count()).resolves.toBe(0);
        await noToast(page);
        await screenshot(page, 'registration-pending.png');

        // The link works once.
        await page.goto(link);
        await page.getByTestId('verify-failed').waitFor();
      } finally {
        await context.close();
      }

      // Until approved, the account sees its application and nothing else.
      await asEnterprise(PHONE, async (page) => {
        await page.waitForURL((u) => u.pathname === '/registration');
        await page.locator('[data-testid="org-status"][data-status="pending_review"]').first().waitFor();
        await page.goto('/my/certification');
        await page.waitForURL((u) => u.pathname === '/registration');
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'registration-pending-phone.png');
      });
    });

    it('has the platform admin review the registration in the browser and approve it', async () => {
      await asUser('admin@demo.test', DESKTOP, async (page) => {
        await page.getByTestId('nav-admin-registrations').click();
        await page.waitForURL((u) => u.pathname === '/admin/registrations');
        const row = page.locator('[data-testid="registrations"] .ant-table-row').filter({ hasText: enterprise.name });
        await row.waitFor();
        await expect(row.innerText()).resolves.toContain(enterprise.creditCode);
        await noToast(page);
        await screenshot(page, 'admin-registrations.png');
        await row.getByRole('link', { name: enterprise.name }).click();
        const review = page.getByTestId('registration-review');
        await review.waitFor();
        await expect(page.getByTestId('organisation-details').innerText()).resolves.toContain(enterprise.legal);
        const doc = page.getByTestId('document-business_licence');
        await doc.waitFor();
        // The licence the enterprise uploaded is the reviewer's to open: the same PDF bytes.
        const file = await page.request.get((await doc.getAttribute('href'))!);
        expect(file.status()).toBe(200);
        expect((await file.body()).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
        await screenshot(page, 'admin-registration-review.png');

        await page.getByTestId('approve').click();
        await fillOpened(page, page.getByTestId('decision-note'), '材料齐全，予以通过。');
        await clickOpened(page, page.getByTestId('decision-ok'));
        await review.locator('[data-testid="org-status"][data-status="approved"]').first().waitFor();
        await expect(page.getByTestId('history').innerText()).resolves.toContain('材料齐全');

        await page.setViewportSize(PHONE);
        await page.goto('/admin/registrations');
        await page.getByTestId('registrations').waitFor();
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'admin-registrations-phone.png');
      });

      // The enterprise is in: no restriction, and the enterprise's pages in the menu.
      await asEnterprise(DESKTOP, async (page) => {
        await page.goto('/registration');
        await page.locator('[data-testid="org-status"][data-status="approved"]').first().waitFor();
        await page.getByTestId('nav-certification').waitFor();
        await screenshot(page, 'registration-approved.png');
      });
    });

    it('applies for SME certification with the certificate; 济南’s office approves it', async () => {
      const year = shandongYear();
      const number = `${year}370102${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
      await asEnterprise(DESKTOP, async (page) => {
        await page.getByTestId('nav-certification').click();
        await page.waitForURL((u) => u.pathname === '/my/certification');
        const form = page.getByTestId('certification-form');
        await form.waitFor();
        await page.getByTestId('registration-no').fill(number);
        await page.getByTestId('registration-year').fill(String(year));
        await form.locator('input[type="file"]').setInputFiles({
          name: '科技型中小企业入库登记证明.pdf',
          mimeType: 'application/pdf',
          buffer: pdf('SME registration certificate (test)'),
        });
        await expect.poll(() => page.getByTestId('certificate-file').innerText()).toContain('入库登记证明');
        await page.getByTestId('submit-certification').click();
        const underway = page.locator('[data-testid="certification-underway"][data-status="submitted"]');
        await underway.waitFor();
        await underway.getByTestId('application-documents').waitFor();
        await expect(underway.innerText()).resolves.toContain(number);
        await noToast(page);
        await screenshot(page, 'certification-submitted.png');
      });

      await asUser('finance@demo.test', DESKTOP, async (page) => {
        await openFromQueue(page, '/finance/certification-applications', 'certification-review');
        journey.certificationId = Number(new URL(page.url()).pathname.split('/').at(-1));
        await screenshot(page, 'certification-review.png');
        await decideApplication(page, 'certification-review', 'approve', 'approved');
      });
      expect(journey.certificationId).toBeGreaterThan(0);

      await asEnterprise(PHONE, async (page) => {
        await page.goto('/my/certification');
        await page.locator('[data-testid="certification-state"][data-valid="true"]').waitFor();
        await expect(page.getByTestId('certification-state').innerText()).resolves.toContain(`${year}-12-31`);
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'certification-approved-phone.png');
      });
    });

    it('applies for a voucher quota (申领); the office approves less than asked; the quota is on 我的创新券', async () => {
      await asEnterprise(DESKTOP, async (page) => {
        await page.getByTestId('nav-voucher-applications').click();
        await page.waitForURL((u) => u.pathname === '/my/voucher-applications');
        const programme = page.getByTestId('open-programme').filter({ hasText: APPLICATION_PROGRAMME_NAME });
        await programme.waitFor();
        await expect(page.getByTestId('needs-certification').count()).resolves.toBe(0);
        await noToast(page);
        await screenshot(page, 'voucher-applications.png');
        await programme.getByTestId('apply-programme').click();
        const drawer = page.getByTestId('voucher-application-form');
        await drawer.waitFor();
        await page.getByTestId('application-amount').fill('50000');
        await page
          .getByTestId('application-planned-use')
          .fill('锂电池正极材料的形貌与成分分析：扫描电镜、能谱和 X 射线衍射测试，2026 年 12 月至 2027 年 3 月。');
        await page.getByTestId('application-declaration').check();
        await page.screenshot({
          path: path.join(screenshotDir, 'voucher-application-form.png'),
          animations: 'disabled',
        });
        await page.getByTestId('submit-voucher-application').click();
        await page.waitForURL((u) => /^\/my\/voucher-applications\/\d+$/.test(u.pathname));
        journey.voucherApplicationId = Number(new URL(page.url()).pathname.split('/').at(-1));
        await page.locator('[data-testid="my-voucher-application"][data-status="submitted"]').waitFor();
      });
      expect(journey.voucherApplicationId).toBeGreaterThan(0);

      // The programme reviews at city level: 济南's office decides its enterprises' applications.
      await asUser('finance@demo.test', DESKTOP, async (page) => {
        await openFromQueue(page, '/finance/voucher-applications', 'voucher-review');
        expect(new URL(page.url()).pathname).toBe(`/finance/voucher-applications/${journey.voucherApplicationId}`);
        await expect(page.getByTestId('voucher-review').innerText()).resolves.toContain(formatFen(5_000_000));
        await screenshot(page, 'voucher-application-review.png');
        await decideApplication(page, 'voucher-review', 'approve', 'approved', {
          offeredYuan: '50000.00',
          amountYuan: '30000',
          note: '按年度预算核定 3 万元。',
        });
      });
      journey.approvedFen = 3_000_000;

      await asEnterprise(PHONE, async (page) => {
        await page.goto(`/my/voucher-applications/${journey.voucherApplicationId}`);
        await page.locator('[data-testid="my-voucher-application"][data-status="approved"]').waitFor();
        await expect(page.getByTestId('application-history').innerText()).resolves.toContain('3 万元');
        await expectNoHorizontalOverflow(page);
        await screenshot(page, 'voucher-application-approved-phone.png');
        await page.getByTestId('view-quota').click();
        await page.waitForURL((u) => u.pathname === '/vouchers');
        const card = page.getByTestId('quota-card').filter({ hasText: APPLICATION_PROGRAMME_NAME });
        await card.waitFor();
        await expect(card.getAttribute('data-available-fen')).resolves.toBe(String(journey.approvedFen));
        await expect(card.innerText()).resolves.toContain(formatFen(journey.approvedFen));
      });
    });

    it('books an instrument with the new quota, the self-pay share on the 4242 card', async () => {
      expect(journey.approvedFen, 'the quota of the step before').toBeGreaterThan(0);
      const instrumentId = await bookableInstrumentAt(harness().server.baseUrl);
      await asEnterprise(DESKTOP, async (page) => {
        await page.goto(`/instruments/${instrumentId}`);
        await page.getByTestId('week-calendar').waitFor();
        const start = await pickFreeSlot(page, 2);
        await page.locator(`[data-testid="slot-free"][data-start="${start}"]`).click();
        await page.getByTestId('booking-form').waitFor();
        // The voucher is on by default: the enterprise holds an active quota now.
        await page.locator('[data-testid="voucher-choice"][data-on="true"]').waitFor();
        await page.waitForSelector('[data-testid="booking-quote"][data-busy="false"] [data-testid="voucher-split"]');
        const split = page.getByTestId('voucher-split');
        await expect(split.innerText()).resolves.toContain('第二批');
        const voucherFen = Number(await split.getAttribute('data-voucher-fen'));
        const selfPayFen = Number(await split.getAttribute('data-self-pay-fen'));
        const totalFen = Number(await page.getByTestId('quote-total').getAttribute('data-fen'));
        expect(voucherFen).toBeGreaterThan(0);
        expect(voucherFen).toBeLessThanOrEqual(journey.approvedFen);
        expect(voucherFen + selfPayFen).toBe(totalFen);
        await page.getByTestId('booking-purpose').fill('正极材料样品的形貌表征（新注册企业的首次预约）');
        await chooseOption(page, page.getByTestId('booking-funding-source'), '企业自有资金');
        await page.getByTestId('payment-section').getByText('银行卡支付').click();
        await chooseOption(page, page.getByTestId('payment-card'), '4242 4242 4242 4242');
        await expect(page.getByTestId('booking-submit').innerText()).resolves.toContain(formatFen(selfPayFen));
        await page.getByTestId('booking-submit').click();
        const confirmation = page.getByTestId('booking-confirmation');
        await confirmation.waitFor();
        const bookingId = Number(await confirmation.getAttribute('data-booking-id'));
        expect(bookingId).toBeGreaterThan(0);
        await expect(confirmation.getByTestId('payment-status').getAttribute('data-status')).resolves.toBe(
          'authorised',
        );
        await noToast(page);
        // The confirmation is a drawer: the window as the user sees it, not the page under it.
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        await page.screenshot({ path: path.join(screenshotDir, 'new-enterprise-booked.png'), animations: 'disabled' });

        type Booking = {
          payment: { status: string; authorisedFen: number } | null;
          voucherUse: { status: string; reservedFen: number } | null;
        };
        const booking = await getJson<Booking>(page, `/bookings/${bookingId}`);
        expect(booking.payment).toMatchObject({ status: 'authorised', authorisedFen: selfPayFen });
        expect(booking.voucherUse).toMatchObject({ status: 'reserved', reservedFen: voucherFen });

        // 我的创新券: the booking's share is held on the new quota.
        await page.goto('/vouchers');
        const card = page.getByTestId('quota-card').filter({ hasText: APPLICATION_PROGRAMME_NAME });
        await card.waitFor();
        await expect.poll(() => card.getAttribute('data-reserved-fen')).toBe(String(voucherFen));
        await expect(card.getAttribute('data-available-fen')).resolves.toBe(String(journey.approvedFen - voucherFen));
      });
    });
  },
);
