/**
 * Notifications: the in-app notification centre and email through an outbox.
 *
 * `notify()` runs inside the transaction of the event it tells of (it joins the caller's
 * transaction through the port), in a savepoint of it: it finds the recipients, writes their
 * in-app rows and, where their preferences allow, one outbox row each. Both carry a dedupe key
 * made of the event and the user, so the same event told twice writes nothing the second time.
 * Rolled back with the event, it never tells of something that did not happen; committed with it,
 * it is never lost.
 *
 * `deliver()` sends what is due after commit (kicked by every notify, and on a timer), outside any
 * transaction: it claims due rows in one write transaction (pending and due, or sending with an
 * expired lease — a sender that died), sends each with a Message-ID derived from the outbox row
 * (so a receiver can drop a duplicate), marks it sent; on an error it counts the attempt and
 * retries later with exponential back-off (30 s, 1 min, 2 min … capped at 1 h); after 10 attempts
 * the row is failed.
 */
import { AsyncResource } from 'node:async_hooks';
import { DateTime } from 'luxon';
import { formatInstant } from '../../shared/time.ts';
import type { Transporter } from 'nodemailer';
import { notificationTypes, type NotificationType, type OutboxStatus, type Role } from '../../../db/schema/index.ts';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { BookingFacts, NotificationRow, NotificationsRepo, OutboxRow, Person } from './notifications.repo.ts';
import { render, renderEmail, type BookingData, type NotificationData } from './templates.ts';
import type { NotificationView } from './notifications.schemas.ts';
import { LINKS } from './links.ts';

const ZONE = 'Asia/Shanghai';
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

/** Who is told: one user, the users of an organisation with a role, or the province's finance staff. */
export type Recipient = { userId: number } | { organisationId: number; role: Role } | 'provincial_finance';

export interface NotificationEvent<T extends NotificationType = NotificationType> {
  type: T;
  to: Recipient[];
  data: NotificationData[T];
  link?: string | null;
  /** Names the event (`booking_approved:booking:17`); with the user appended, the dedupe key. */
  key: string;
  /** Not told (the user who did it). */
  except?: number | null;
}

/** What other services are given: tell of an event inside their transaction (await it there). */
export interface Notifier {
  notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number>;
  /** A booking was made (requested, or confirmed at once): the lab is told, and the requester when confirmed. */
  bookingCreated(bookingId: number, now: number): Promise<number>;
  /** A booking changed status (approve, reject, cancel, complete): the other side is told. */
  bookingChanged(bookingId: number, now: number, actorId: number | null): Promise<number>;
}

export interface MailSettings {
  transport: Transporter;
  from: string;
  /** The platform's address for links in emails (http://host:port); without it, emails carry no link. */
  publicUrl?: string | null;
  /** Deliver right after each notify's transaction (default true); the timer delivers in any case. */
  autoDeliver?: boolean;
}

export interface DeliveryResult {
  sent: number;
  retrying: number;
  failed: number;
}

const listCursor = z.object({ id: z.number().int().positive() });

export class NotificationService implements Notifier {
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<DeliveryResult> | null = null;
  private kickScheduled = false;
  private readonly domain: string;
  /**
   * The async context the service was made in (the app's start: no transaction open). Delivery
   * kicked by an event starts from there, not from the event's own flow: the port sends every
   * statement of a flow inside a transaction to that transaction, so a delivery started from it
   * would claim (and send) in the middle of the event's uncommitted work.
   */
  private readonly outside = new AsyncResource('NotificationDelivery');

  constructor(
    private readonly db: Database,
    private readonly repo: NotificationsRepo,
    private readonly clock: Clock,
    private readonly mail?: MailSettings,
  ) {
    this.domain = /@([^>\s]+)>?\s*$/.exec(mail?.from ?? DEFAULT_MAIL_FROM)?.[1] ?? 'localhost';
  }

  // Telling

  async notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number> {
    try {
      // A savepoint inside the caller's transaction (its own transaction without one): a failure
      // here undoes only the notification. The recipients are read in it too: on PostgreSQL a
      // failed statement outside a savepoint would spoil the caller's whole transaction.
      const { told, queued } = await this.db.write(async (tx) => {
        const repo = this.repo.with(tx);
        const people = (await this.recipients(repo, event.to)).filter((p) => p.id !== event.except);
        if (!people.length) return { told: 0, queued: false };
        return this.write(repo, event, people, now);
      });
      if (queued) this.kick();
      return told;
    } catch (err) {
      console.error(`notification ${event.key} not written:`, err instanceof Error ? err.message : err);
      return 0;
    }
  }

  private async recipients(repo: NotificationsRepo, to: Recipient[]): Promise<Person[]> {
    const found = new Map<number, Person>();
    for (const r of to) {
      const people =
        r === 'provincial_finance'
          ? await repo.provincialFinance()
          : 'userId' in r
            ? [await repo.user(r.userId)].filter((p): p is Person => p !== undefined)
            : await repo.usersOf(r.organisationId, r.role);
      for (const p of people) found.set(p.id, p);
    }
    return [...found.values()];
  }

  /** The rows of one event: how many were told, and whether an email was queued. */
  private async write<T extends NotificationType>(
    repo: NotificationsRepo,
    event: NotificationEvent<T>,
    people: Person[],
    now: number,
  ): Promise<{ told: number; queued: boolean }> {
    const texts = render(event.type, event.data);
    const link = event.link ?? null;
    const base = this.mail?.publicUrl?.replace(/\/+$/, '');
    const email = renderEmail(texts, link && base ? `${base}${link}` : null);
    let told = 0;
    let queued = false;
    for (const p of people) {
      const dedupeKey = `${event.key}:user:${p.id}`;
      const id = await repo.insertNotification({
        userId: p.id,
        type: event.type,
        title: texts.zh.title,
        body: texts.zh.body,
        titleEn: texts.en.title,
        bodyEn: texts.en.body,
        link,
        data: JSON.stringify(event.data),
        dedupeKey,
        createdAt: now,
      });
      if (id === undefined) continue; // told before
      told++;
      if (p.email && (await repo.emailWanted(p.id, event.type))) {
        const mailId = await repo.insertOutbox({
          notificationId: id,
          userId: p.id,
          toAddress: p.email,
          ...email,
          dedupeKey,
          createdAt: now,
        });
        if (mailId !== undefined) queued = true;
      }
    }
    return { told, queued };
  }

  // Bookings

  private bookingData(b: BookingFacts): BookingData {
    const zone = b.timeZone;
    // formatInstant is the cached fast path (luxon's formatting cost more than the booking here).
    const local = (ms: number) => {
      const iso = formatInstant(ms, zone);
      return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
    };
    let when: string | null = null;
    if (b.startAt !== null) {
      const start = local(b.startAt);
      when = `${start.day} ${start.time}`;
      if (b.endAt !== null) {
        const end = local(b.endAt);
        when += `–${end.day === start.day ? end.time : `${end.day} ${end.time}`}`;
      }
      if (zone !== ZONE) when += ` (${zone})`;
    }
    return {
      bookingId: b.id,
      instrumentName: b.instrumentName,
      institutionName: b.institutionName,
      requesterName: b.requesterName,
      requesterOrganisation: b.requesterOrganisation,
      mode: b.mode,
      when,
      sampleCount: b.sampleCount,
    };
  }

  async bookingCreated(bookingId: number, now: number): Promise<number> {
    const b = await this.repo.booking(bookingId);
    if (!b || (b.status !== 'requested' && b.status !== 'approved')) return 0;
    const data = this.bookingData(b);
    const confirmed = b.status === 'approved';
    const link = LINKS.booking(b.id);
    let told = await this.notify(
      {
        type: 'booking_requested',
        to: [{ organisationId: b.institutionId, role: 'lab_manager' }],
        data: { ...data, confirmed },
        link,
        key: `booking_requested:booking:${b.id}`,
        except: b.requesterId,
      },
      now,
    );
    if (confirmed) {
      told += await this.notify(
        {
          type: 'booking_approved',
          to: [{ userId: b.requesterId }],
          data,
          link,
          key: `booking_approved:booking:${b.id}`,
        },
        now,
      );
    }
    return told;
  }

  async bookingChanged(bookingId: number, now: number, actorId: number | null): Promise<number> {
    const b = await this.repo.booking(bookingId);
    if (!b) return 0;
    const data = { ...this.bookingData(b), reason: b.lastReason };
    const link = LINKS.booking(b.id);
    const requester: Recipient[] = [{ userId: b.requesterId }];
    const lab: Recipient[] = [{ organisationId: b.institutionId, role: 'lab_manager' }];
    const base = { link, except: actorId };
    switch (b.status) {
      case 'approved':
        return this.notify(
          { ...base, type: 'booking_approved', to: requester, data, key: `booking_approved:booking:${b.id}` },
          now,
        );
      case 'rejected':
        return this.notify(
          { ...base, type: 'booking_rejected', to: requester, data, key: `booking_rejected:booking:${b.id}` },
          now,
        );
      case 'cancelled': {
        const byRequester = actorId !== null && (await this.repo.sameOrganisation(actorId, b.requesterOrganisationId));
        return this.notify(
          {
            ...base,
            type: 'booking_cancelled',
            to: byRequester ? lab : requester,
            data: { ...data, cancelledBy: byRequester ? 'requester' : 'lab' },
            key: `booking_cancelled:booking:${b.id}`,
          },
          now,
        );
      }
      case 'completed':
        return this.notify(
          {
            ...base,
            type: 'booking_completed',
            to: requester,
            data: { ...data, finalFen: b.finalFen },
            key: `booking_completed:booking:${b.id}`,
          },
          now,
        );
      default:
        return 0;
    }
  }

  /**
   * Reminds the researchers of approved bookings that start tomorrow (local day in Asia/Shanghai);
   * once per booking however often it runs. Run by the server's timer; returns how many were told.
   */
  async remindTomorrow(now = this.clock.now()): Promise<number> {
    const today = DateTime.fromMillis(now, { zone: ZONE }).startOf('day');
    const from = today.plus({ days: 1 }).toMillis();
    const to = today.plus({ days: 2 }).toMillis();
    // One transaction: the day's bookings and their reminders (each notify a savepoint of it).
    return this.db.write(async (tx) => {
      let told = 0;
      for (const b of await this.repo.with(tx).bookingsStarting(from, to)) {
        told += await this.notify(
          {
            type: 'booking_reminder',
            to: [{ userId: b.requesterId }],
            data: this.bookingData(b),
            link: LINKS.booking(b.id),
            key: `booking_reminder:booking:${b.id}`,
          },
          now,
        );
      }
      return told;
    });
  }

  // Reading (one's own only)

  // The page and its unread count (and a mark and the count after it) in one transaction, as they
  // were when they ran back to back: another request's notification cannot fall between them.

  async list(actor: Actor, q: { unread: boolean; cursor?: string; limit: number }) {
    const before = q.cursor ? decodeCursor(q.cursor, listCursor).id : undefined;
    const { rows, unreadCount } = await this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      return {
        rows: await repo.list(actor.userId, { unreadOnly: q.unread, beforeId: before, limit: q.limit + 1 }),
        unreadCount: await repo.unreadCount(actor.userId),
      };
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(view),
      unreadCount,
      nextCursor: rows.length > q.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
    };
  }

  async markRead(actor: Actor, id: number): Promise<{ item: NotificationView; unreadCount: number }> {
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const row = await repo.notification(id);
      if (!row || row.userId !== actor.userId) throw notFound('notification');
      await repo.markRead(id, this.clock.now());
      return { item: view((await repo.notification(id))!), unreadCount: await repo.unreadCount(actor.userId) };
    });
  }

  async markAllRead(actor: Actor): Promise<{ marked: number; unreadCount: number }> {
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const marked = await repo.markAllRead(actor.userId, this.clock.now());
      return { marked, unreadCount: await repo.unreadCount(actor.userId) };
    });
  }

  async preferences(actor: Actor): Promise<{ items: { type: NotificationType; email: boolean }[] }> {
    return preferencesView(await this.repo.preferences(actor.userId));
  }

  async setPreferences(actor: Actor, items: { type: NotificationType; email: boolean }[]) {
    // The answer is read in the same transaction: the choices as this request left them.
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      for (const i of items) await repo.setPreference(actor.userId, i.type, i.email);
      return preferencesView(await repo.preferences(actor.userId));
    });
  }

  // Delivering

  /** The Message-ID of an outbox email: the same on every try, unique across installations in practice. */
  messageIdOf(row: Pick<OutboxRow, 'id' | 'createdAt'>): string {
    return `<outbox-${row.id}-${row.createdAt.toString(36)}@${this.domain}>`;
  }

  /**
   * Delivery once the event's transaction has ended. Started from the service's own context (see
   * `outside`), never from the event's flow; its first step is the claim, a write transaction,
   * which cannot begin while the event's transaction holds the write lock (SQLite: one write
   * connection, its transactions one after another in FIFO order) — so it claims after the
   * COMMIT, and after a ROLLBACK finds nothing to send. Where transactions run side by side
   * (PostgreSQL) the claim could come before the commit and miss the new rows: they would then go
   * on the timer's next round, never lost; an after-commit hook in the port would make it at once.
   */
  private kick(): void {
    if (!this.mail || this.mail.autoDeliver === false || this.kickScheduled) return;
    this.kickScheduled = true;
    this.outside.runInAsyncScope(() =>
      setImmediate(() => {
        this.kickScheduled = false;
        this.deliver().catch((err: unknown) =>
          console.error('mail delivery failed:', err instanceof Error ? err.message : err),
        );
      }),
    );
  }

  /**
   * Sends every due email (runs one after another in this process: a call waits for the one
   * before; calls while one waits share it). With another transport than the configured one, that.
   * Outside any transaction (the timer's, a test's, the kick's): SMTP never runs inside one.
   */
  deliver(transport?: Transporter): Promise<DeliveryResult> {
    const t = transport ?? this.mail?.transport;
    if (!t) return Promise.resolve({ sent: 0, retrying: 0, failed: 0 });
    const shared = !transport || transport === this.mail?.transport;
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
    for (let round = 0; round < 200; round++) {
      const now = this.clock.now();
      // The claim alone is the transaction; the sending below runs after its COMMIT.
      const claimed = await this.db.write((tx) => this.repo.with(tx).claimDue(now, now + LEASE_MS, CLAIM_BATCH));
      const outcomes = await Promise.all(claimed.map((row) => this.send(transport, row)));
      for (const o of outcomes) result[o]++;
      if (claimed.length < CLAIM_BATCH) break;
    }
    return result;
  }

  private async send(transport: Transporter, row: OutboxRow): Promise<keyof DeliveryResult> {
    const messageId = this.messageIdOf(row);
    try {
      await transport.sendMail({
        from: this.mail?.from ?? DEFAULT_MAIL_FROM,
        to: row.toAddress,
        subject: row.subject,
        text: row.text,
        html: row.html,
        messageId,
        headers: { 'X-Outbox-Id': String(row.id) },
      });
    } catch (err) {
      const now = this.clock.now();
      const giveUp = row.attempts >= MAX_ATTEMPTS;
      const message = err instanceof Error ? err.message : String(err);
      await this.repo.markFailed(
        row.id,
        row.attempts,
        giveUp ? 'failed' : 'pending',
        now + retryDelayMs(row.attempts),
        message,
      );
      return giveUp ? 'failed' : 'retrying';
    }
    await this.repo.markSent(row.id, row.attempts, messageId, this.clock.now());
    return 'sent';
  }

  /** The outbox row of a dedupe key (tests and support). */
  async outboxOf(dedupeKey: string): Promise<OutboxRow | undefined> {
    return this.repo.outboxOf(dedupeKey);
  }

  async outboxCounts(): Promise<Record<OutboxStatus, number>> {
    return this.repo.outboxCounts();
  }
}

function preferencesView(set: Map<NotificationType, boolean>): { items: { type: NotificationType; email: boolean }[] } {
  return { items: notificationTypes.map((type) => ({ type, email: set.get(type) ?? true })) };
}

function view(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    titleEn: n.titleEn,
    bodyEn: n.bodyEn,
    link: n.link,
    data: JSON.parse(n.data) as Record<string, unknown>,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt === null ? null : new Date(n.readAt).toISOString(),
  };
}
