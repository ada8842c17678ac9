import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { notificationTypes, outboxStatuses } from './enums.ts';

/** One message in a user's notification centre (in-app), in Chinese and English. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: notificationTypes }).notNull(),
    /** zh-CN */
    title: text('title').notNull(),
    body: text('body').notNull(),
    titleEn: text('title_en').notNull(),
    bodyEn: text('body_en').notNull(),
    /** Where the SPA opens it (a path such as /bookings/17). */
    link: text('link'),
    /** What the templates were given (ids, names, amounts). */
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The event and the recipient (`booking_approved:booking:17:user:5`): the same event is told once. */
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [index('notifications_user_read').on(t.userId, t.readAt), index('notifications_user').on(t.userId, t.id)],
);

/**
 * Emails to send, written in the same transaction as the event they tell of and delivered after
 * commit. The dedupe key makes a second write of the same event a no-op, so a mail is queued once.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notificationId: integer('notification_id').references(() => notifications.id, { onDelete: 'set null' }),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    /** Delivery attempts started (a claim counts as one). */
    attempts: integer('attempts').notNull().default(0),
    /** pending: due from then; sending: the claim's lease runs out then. */
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    dedupeKey: text('dedupe_key').notNull().unique(),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
    /** The Message-ID header sent (derived from the id, so every retry carries the same one). */
    messageId: text('message_id'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);

/**
 * Events still to be told (a transactional outbox of events): written in the transaction of what
 * happened — one small row instead of every recipient's notification and email — and fanned out
 * into `notifications` and `outbox` after commit, in batches (notifications/fan-out.ts). A row is
 * deleted in the transaction that writes its notifications, so an event is pending until told,
 * whatever crashed in between; the mail-delivery job fans out what a stopped node left.
 */
export const notificationEvents = sqliteTable('notification_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** What happened (`booking_created`). */
  kind: text('kind').notNull(),
  /** What it happened to (the booking's id). */
  subjectId: integer('subject_id').notNull(),
  /** What the event knew at the time (a booking's confirmation at once). */
  data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
  createdAt: integer('created_at').notNull(),
});

/** A user's choice of emails per notification type; no row means email on. */
export const notificationPreferences = sqliteTable(
  'notification_preferences',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: notificationTypes }).notNull(),
    email: integer('email', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.type] })],
);
