/**
 * Notifications: the in-app notification centre and email through an outbox. The service is what
 * app.ts, routes, the timers and (as a Notifier) other modules are given; each use case lives in a
 * file of its own, sharing a small context (context.ts):
 *
 * - notifier.ts   notify (inside the event's transaction, a savepoint of it; deduplicated by event and
 *                 user) and the booking events it turns into notifications
 * - fan-out.ts    events recorded in their transaction as one row, told after commit in batches
 * - inbox.ts      one's own notifications: the list, marking read, email preferences
 * - delivery.ts   the outbox: the kick after commit, claim, send, retry with back-off, the Message-ID
 * - reminders.ts  the reminder the day before a booking
 * Pure: templates.ts (the texts, zh + en), links.ts.
 */
import type { Transporter } from 'nodemailer';
import type { NotificationType, OutboxStatus } from '../../../db/schema/index.ts';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Actor } from '../auth/actor.ts';
import type { MailSettings, NotificationsContext } from './context.ts';
import { MailDelivery, type DeliveryResult } from './delivery.ts';
import { Inbox } from './inbox.ts';
import type { NotificationsRepo, OutboxRow } from './notifications.repo.ts';
import type { NotificationView } from './notifications.schemas.ts';
import { EventFanOut } from './fan-out.ts';
import { EventNotifier, type NotificationEvent, type Notifier } from './notifier.ts';
import { Reminders } from './reminders.ts';

export type { MailSettings } from './context.ts';
export { DEFAULT_MAIL_FROM, MAX_ATTEMPTS, retryDelayMs, type DeliveryResult } from './delivery.ts';
export type { NotificationEvent, Notifier, Recipient } from './notifier.ts';

import { AccountMailer, type AccountMail } from './account-mail.ts';

export class NotificationService implements Notifier {
  private readonly notifier: EventNotifier;
  private readonly fanOut: EventFanOut;
  private readonly inbox: Inbox;
  private readonly delivery: MailDelivery;
  private readonly reminders: Reminders;
  private readonly accountMail: AccountMailer;

  constructor(db: Database, repo: NotificationsRepo, clock: Clock, mail?: MailSettings) {
    const ctx: NotificationsContext = { db, repo, clock, mail };
    // Made here, at the app's start: delivery keeps this async context to start kicks from (delivery.ts).
    this.delivery = new MailDelivery(ctx);
    this.notifier = new EventNotifier(ctx, this.delivery);
    this.fanOut = new EventFanOut(ctx, this.notifier);
    // The list waits for events committed before it was asked (a lab sees the request just made).
    this.inbox = new Inbox(ctx, () => this.fanOut.drain());
    this.reminders = new Reminders(ctx, this.notifier);
    this.accountMail = new AccountMailer(ctx, this.delivery);
  }

  // Account e-mails (account-mail.ts): sent whatever the preferences

  sendAccountMail(mail: AccountMail, now: number): Promise<void> {
    return this.accountMail.send(mail, now);
  }

  // Telling (notifier.ts)

  notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number> {
    return this.notifier.notify(event, now);
  }

  notifyLater<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<void> {
    // Its subject is named by its key; the row's subject_id is for the kinds that read one.
    return this.fanOut.record('notification', 0, { event }, now);
  }

  bookingCreated(bookingId: number, now: number): Promise<number> {
    return this.notifier.bookingCreated(bookingId, now);
  }

  bookingCreatedLater(bookingId: number, confirmed: boolean, now: number): Promise<void> {
    return this.fanOut.record('booking_created', bookingId, { confirmed }, now);
  }

  /** Tells of every pending event now (fan-out.ts): the notifications of what has committed. */
  drainEvents(): Promise<number> {
    return this.fanOut.drain();
  }

  bookingChanged(bookingId: number, now: number, actorId: number | null): Promise<number> {
    return this.notifier.bookingChanged(bookingId, now, actorId);
  }

  cardPaymentRequired(
    bookingId: number,
    input: { amountFen: number; reason: string | null; attempt: number },
    now: number,
  ): Promise<number> {
    return this.notifier.cardPaymentRequired(bookingId, input, now);
  }

  // Reminders (reminders.ts)

  remindTomorrow(now?: number): Promise<number> {
    return this.reminders.remindTomorrow(now);
  }

  // Reading, one's own only (inbox.ts)

  list(actor: Actor, q: { unread: boolean; cursor?: string; limit: number }) {
    return this.inbox.list(actor, q);
  }

  markRead(actor: Actor, id: number): Promise<{ item: NotificationView; unreadCount: number }> {
    return this.inbox.markRead(actor, id);
  }

  markAllRead(actor: Actor): Promise<{ marked: number; unreadCount: number }> {
    return this.inbox.markAllRead(actor);
  }

  preferences(actor: Actor): Promise<{ items: { type: NotificationType; email: boolean }[] }> {
    return this.inbox.preferences(actor);
  }

  setPreferences(actor: Actor, items: { type: NotificationType; email: boolean }[]) {
    return this.inbox.setPreferences(actor, items);
  }

  // Delivering (delivery.ts)

  messageIdOf(row: Pick<OutboxRow, 'id' | 'createdAt'>): string {
    return this.delivery.messageIdOf(row);
  }

  /** Pending events told first (the mail-delivery job picks up what a stopped node left), then the due emails sent. */
  async deliver(transport?: Transporter): Promise<DeliveryResult> {
    await this.fanOut.drain();
    return this.delivery.deliver(transport);
  }

  /** The outbox row of a dedupe key (tests and support). */
  outboxOf(dedupeKey: string): Promise<OutboxRow | undefined> {
    return this.delivery.outboxOf(dedupeKey);
  }

  outboxCounts(): Promise<Record<OutboxStatus, number>> {
    return this.delivery.outboxCounts();
  }
}
