/**
 * A forgotten password, in a real browser against a real server process that mails to this test's own
 * SMTP server. From the sign-in page a user asks for a reset link (the page says the same for an address
 * nobody registered, and nothing is mailed there), opens the mailed link on a phone, chooses a new
 * password and signs in with it; the old one no longer works, the link works once, and the session the
 * user had open on another device has ended.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import {
  DESKTOP,
  expectNoHorizontalOverflow,
  fillSignIn,
  newPage,
  noToast,
  PHONE,
  screenshot,
  signIn,
} from './helpers.ts';
import { useMailHarness } from './mail.ts';

const { harness, messages, mailedLink } = useMailHarness();

const user = 'lab3@demo.test';
const newPassword = 'Haiyang-Lab-2027';

describe('password reset', { timeout: 120_000 }, () => {
  it('resets a forgotten password by the mailed link; the new one signs in, the old one does not', async () => {
    // Signed in on another device before the reset.
    const other = await newPage(harness(), DESKTOP);
    const phone = await newPage(harness(), PHONE);
    try {
      await signIn(other.page, user);
      expect((await other.page.request.get('/api/v1/auth/me')).status()).toBe(200);

      const page = phone.page;
      await page.goto('/login');
      await page.getByTestId('forgot-password-link').click();
      await page.waitForURL((u) => u.pathname === '/forgot-password');
      await page.getByTestId('forgot-password').waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'forgot-password-phone.png');

      // An address nobody registered gets the same answer.
      const nobody = 'nobody.here@demo.test';
      await page.getByTestId('forgot-email').fill(nobody);
      await page.getByTestId('forgot-submit').click();
      const sent = page.getByTestId('forgot-sent');
      await sent.waitFor();
      const answerForNobody = (await sent.innerText()).replace(nobody, '<email>');

      await page.goto('/forgot-password');
      await page.getByTestId('forgot-email').fill(user);
      await page.getByTestId('forgot-submit').click();
      await sent.waitFor();
      expect((await sent.innerText()).replace(user, '<email>')).toBe(answerForNobody);
      await screenshot(page, 'forgot-password-sent-phone.png');

      const link = await mailedLink(user, '/reset-password');
      expect(new URL(link).origin).toBe(harness().server.baseUrl);
      // The mail job sends in order: the request for the unknown address, made first, mailed nothing.
      expect(messages().filter((m) => m.to.includes(nobody))).toEqual([]);

      await page.goto(link);
      const form = page.getByTestId('reset-password');
      await form.waitFor();
      // The page names the account, masked.
      await expect(page.getByTestId('reset-password-page').innerText()).resolves.toMatch(/l\S*@demo\.test/);
      await expect(page.getByTestId('reset-password-page').innerText()).resolves.not.toContain(user);
      await form.fill(newPassword);
      await page.getByTestId('reset-confirm').fill(newPassword);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, 'reset-password-phone.png');
      await page.getByTestId('reset-submit').click();
      await page.getByTestId('reset-done').waitFor();
      await screenshot(page, 'reset-password-done-phone.png');

      // The link works once.
      await page.goto(link);
      await page.getByTestId('reset-link-problem').waitFor();
      await expect(page.getByTestId('reset-password').count()).resolves.toBe(0);

      // The old password is refused; the new one signs in.
      await page.goto('/login');
      await fillSignIn(page, user, DEMO_PASSWORD);
      await page.getByTestId('login-error').waitFor();
      await expect(page.getByTestId('user-menu').count()).resolves.toBe(0);
      await fillSignIn(page, user, newPassword);
      await page.getByTestId('user-menu').waitFor();
      await noToast(page);

      // The session on the other device ended with the reset.
      expect((await other.page.request.get('/api/v1/auth/me')).status()).toBe(401);
      await other.page.reload();
      await other.page.getByTestId('login-submit').or(other.page.getByTestId('sign-in')).first().waitFor();
      await expect(other.page.getByTestId('user-menu').count()).resolves.toBe(0);

      // The user is told the password changed.
      await expect
        .poll(() => messages().filter((m) => m.to.includes(user)).length, { timeout: 30_000 })
        .toBeGreaterThanOrEqual(2);
    } finally {
      await other.context.close();
      await phone.context.close();
    }
  });

  it('shows the forgotten-password and reset pages at desktop width', async () => {
    const { context, page } = await newPage(harness(), DESKTOP);
    try {
      await page.goto('/forgot-password');
      await page.getByTestId('forgot-password').waitFor();
      await screenshot(page, 'forgot-password.png');
      // A link that was never issued.
      await page.goto('/reset-password?token=not-a-real-token');
      await page.getByTestId('reset-link-problem').waitFor();
      await screenshot(page, 'reset-password-bad-link.png');
    } finally {
      await context.close();
    }
  });
});
