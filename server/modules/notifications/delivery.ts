/**
 * Email delivery through the outbox.
 *
 * `deliver()` sends what is due after commit (kicked by every notify, and by the cluster's
 * mail-delivery job, server/jobs), outside any
 * transaction: it claims due rows in one write transaction (pending and due, or sending with an
 * expired lease — a sender that died), sends each, composed once into the bytes SMTP carries
 * (mime.ts), with a Message-ID derived from the outbox row (so a receiver can drop a duplicate), and
 * records the round in one write transaction: sent, or on an error the attempt counted and retried
 * later with exponential back-off (30 s, 1 min, 2 min … capped at 1 h); after 10 attempts the row
 * is failed.
 */
import type { Transporter } from 'nodemailer';
import type { OutboxStatus } from '../../../db/schema/index.ts';
import { AfterCommitRun } from './after-commit.ts';
import type { NotificationsContext } from './context.ts';
import { composeEmail } from './mime.ts';
import type { OutboxRow } from './notifications.repo.ts';

export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;
/** How long a claimed email is its sender's: far longer than one send may take (see the transport timeouts). */
const LEASE_MS = 5 * 60_000;
const CLAIM_BATCH = 5;

export const DEFAULT_MAIL_FROM = '山东省大型科学仪器共享服务平台 <noreply@instruments.sd.example.cn>';

/** The wait before the next try after `attempts` failed ones: 30 s, 1 min, 2 min, … at most 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

interface SendOutcome {
  row: OutboxRow;
  messageId: string;
  outcome: keyof DeliveryResult;
  error: string | null;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

export class MailDelivery {
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<DeliveryResult> | null = null;
  private readonly domain: string;
  /**
   * Delivery kicked by an event starts from the service's own context (the app's start), not from the
   * event's flow: the port sends every statement of a flow inside a transaction to that transaction,
   * so a delivery started from it would claim (and send) in the middle of the event's uncommitted work.
   */
  private readonly afterCommit: AfterCommitRun;

  constructor(private readonly ctx: NotificationsContext) {
    this.afterCommit = new AfterCommitRun(ctx.db, 'mail delivery', () => this.deliver());
    this.domain = /@([^>\s]+)>?\s*$/.exec(ctx.mail?.from ?? DEFAULT_MAIL_FROM)?.[1] ?? 'localhost';
  }

  /** The Message-ID of an outbox email: the same on every try, unique across installations in practice. */
  messageIdOf(row: Pick<OutboxRow, 'id' | 'createdAt'>): string {
    return `<outbox-${row.id}-${row.createdAt.toString(36)}@${this.domain}>`;
  }

  /**
   * Delivery once the event's transaction has committed (the port's `afterCommit`: at once outside
   * any transaction, never after a rollback). On PostgreSQL transactions run side by side, so a claim
   * started before the COMMIT would not see the event's rows; after it, it does, whichever engine.
   * Several events in one transaction, or in quick succession, share one delivery (after-commit.ts).
   */
  kick(): void {
    if (!this.ctx.mail || this.ctx.mail.autoDeliver === false) return;
    this.afterCommit.kick();
  }

  /**
   * Sends every due email (runs one after another in this process: a call waits for the one
   * before; calls while one waits share it). With another transport than the configured one, that.
   * Outside any transaction (the timer's, a test's, the kick's): SMTP never runs inside one.
   */
  deliver(transport?: Transporter): Promise<DeliveryResult> {
    const t = transport ?? this.ctx.mail?.transport;
    if (!t) return Promise.resolve({ sent: 0, retrying: 0, failed: 0 });
    const shared = !transport || transport === this.ctx.mail?.transport;
    if (shared && this.queued) return this.queued;
    const run: Promise<DeliveryResult> = this.chain.then(() => {
      if (this.queued === run) this.queued = null;
      return this.deliverDue(t);
    });
    if (shared) this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async deliverDue(transport: Transporter): Promise<DeliveryResult> {
    const result: DeliveryResult = { sent: 0, retrying: 0, failed: 0 };
    // Until a claim comes back short: a backlog (a burst of bookings) goes out now, not a thousand
    // emails per run of the mail job every MAIL_INTERVAL_SECONDS. A claimed row leaves the due set
    // whatever its send did (sent, or pending again from a later time), so this ends.
    for (;;) {
      const now = this.ctx.clock.now();
      // The claim alone is the transaction; the sending below runs after its COMMIT. Its one statement
      // needs no serializability (the row locks and its own condition decide), so no aborts either.
      const claimed = await this.ctx.db.write(
        (tx) => this.ctx.repo.with(tx).claimDue(now, now + LEASE_MS, CLAIM_BATCH),
        { readCommitted: true },
      );
      const outcomes = await Promise.all(claimed.map((row) => this.send(transport, row)));
      await this.record(outcomes);
      for (const o of outcomes) result[o.outcome]++;
      if (claimed.length < CLAIM_BATCH) break;
    }
    return result;
  }

  /** Sends one claimed email; what became of it is recorded with the round's others (record). */
  private async send(transport: Transporter, row: OutboxRow): Promise<SendOutcome> {
    const messageId = this.messageIdOf(row);
    try {
      // Composed here, handed over whole: see mime.ts.
      const { envelope, raw } = composeEmail({
        from: this.ctx.mail?.from ?? DEFAULT_MAIL_FROM,
        to: row.toAddress,
        subject: row.subject,
        text: row.text,
        html: row.html,
        messageId,
        date: row.createdAt,
        headers: { 'X-Outbox-Id': String(row.id) },
      });
      await transport.sendMail({ envelope, raw });
    } catch (err) {
      const giveUp = row.attempts >= MAX_ATTEMPTS;
      return {
        row,
        messageId,
        outcome: giveUp ? 'failed' : 'retrying',
        error: err instanceof Error ? err.message : String(err),
      };
    }
    return { row, messageId, outcome: 'sent', error: null };
  }

  /**
   * A round's outcomes in one write transaction, not one each. Each is written only while the row is
   * still this claim's (status sending, the same attempts): a row taken over meanwhile is left alone.
   */
  private async record(outcomes: SendOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    const now = this.ctx.clock.now();
    await this.ctx.db.write(
      async (tx) => {
        const repo = this.ctx.repo.with(tx);
        for (const { row, messageId, outcome, error } of outcomes) {
          if (outcome === 'sent') await repo.markSent(row.id, row.attempts, messageId, now);
          else
            await repo.markFailed(
              row.id,
              row.attempts,
              outcome === 'failed' ? 'failed' : 'pending',
              now + retryDelayMs(row.attempts),
              error!,
            );
        }
      },
      { readCommitted: true },
    );
  }

  /** The outbox row of a dedupe key (tests and support). */
  async outboxOf(dedupeKey: string): Promise<OutboxRow | undefined> {
    return this.ctx.repo.outboxOf(dedupeKey);
  }

  async outboxCounts(): Promise<Record<OutboxStatus, number>> {
    return this.ctx.repo.outboxCounts();
  }
}
