/**
 * Journeys that follow links from e-mails: the server process sends its mail to an SMTP server in the
 * test's own process (local-smtp.ts), every second, and the test reads the links from what arrives.
 */
import { afterAll, expect, vi } from 'vitest';
import { startLocalSmtp, type LocalSmtp, type ReceivedMail } from '../../server/modules/notifications/local-smtp.ts';
import { useHarness, type Harness } from './helpers.ts';

export type MailHarness = {
  harness: () => Harness;
  /** Everything the server has mailed so far, oldest first. */
  messages: () => ReceivedMail[];
  /** The link to `path` (e.g. '/reset-password') in the newest mail to `to` that has one, once it has arrived. */
  mailedLink: (to: string, path: string) => Promise<string>;
};

/** One server (sending its mail to this test's SMTP server) and one browser for the calling test file. */
export function useMailHarness(): MailHarness {
  let smtp: LocalSmtp | undefined;
  const harness = useHarness(async () => {
    smtp = await startLocalSmtp();
    return { SMTP_URL: smtp.url, MAIL_INTERVAL_SECONDS: '1' };
  });
  afterAll(async () => {
    await smtp?.close();
  });
  const messages = () => {
    if (!smtp) throw new Error('mail server not started');
    return smtp.messages;
  };
  const mailedLink = async (to: string, path: string) => {
    const pattern = new RegExp(`https?://\\S+${path}\\?token=\\S+`);
    let link = '';
    await vi.waitFor(
      () => {
        const mail = messages()
          .filter((m) => m.to.includes(to) && pattern.test(m.text))
          .at(-1);
        expect(mail, `a mail to ${to} with a link to ${path}`).toBeDefined();
        link = mail!.text.match(pattern)![0];
      },
      { timeout: 30_000, interval: 200 },
    );
    return link;
  };
  return { harness, messages, mailedLink };
}
