/**
 * The mail server for development and tests: the npm package smtp-server inside this process, on
 * 127.0.0.1 only, without TLS and with authentication optional. It keeps what it receives in memory
 * (`messages`); a test can take it down (`setDown(true)`: connections and messages are refused with
 * 421) or make it refuse chosen messages (`failNext`, answered 451) to play an outage.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  messageId: string;
  receivedAt: number;
}

export interface LocalSmtp {
  /** smtp://127.0.0.1:PORT, for SMTP_URL or nodemailer. */
  url: string;
  port: number;
  /** Everything accepted so far, oldest first. */
  messages: ReceivedMail[];
  close(): Promise<void>;
  /** Down: every connection and message is refused (421) until set up again. */
  setDown(down: boolean): void;
}

export async function startLocalSmtp(
  options: {
    port?: number;
    /** Asked for each message: true refuses it (451, try again later). */
    failNext?: () => boolean;
    /** Told of each accepted message (main.ts logs its subject). */
    onMessage?: (mail: ReceivedMail) => void;
  } = {},
): Promise<LocalSmtp> {
  let down = false;
  const messages: ReceivedMail[] = [];
  const refuse = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    banner: 'isp local mail server',
    size: 10 * 1024 * 1024,
    closeTimeout: 200,
    onConnect(_session, callback) {
      callback(down ? refuse(421, 'mail service not available (down for a test)') : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (down) return callback(refuse(421, 'mail service not available (down for a test)'));
        if (options.failNext?.()) return callback(refuse(451, 'temporary failure, try again later'));
        simpleParser(Buffer.concat(chunks))
          .then((parsed) => {
            const mail: ReceivedMail = {
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
              receivedAt: Date.now(),
            };
            messages.push(mail);
            options.onMessage?.(mail);
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors of single connections (a client gone mid-message) are the client's business.
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    setDown(value) {
      down = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
