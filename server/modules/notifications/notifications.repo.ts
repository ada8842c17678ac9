import type Database from 'better-sqlite3';
import { statementCache, writeTransaction, type Db } from '../../../db/client.ts';
import type { NotificationType, OutboxStatus, Role } from '../../../db/schema/index.ts';

export interface Person {
  id: number;
  email: string;
  displayName: string;
}

export interface NotificationRow {
  id: number;
  userId: number;
  type: NotificationType;
  title: string;
  body: string;
  titleEn: string;
  bodyEn: string;
  link: string | null;
  data: string;
  dedupeKey: string;
  createdAt: number;
  readAt: number | null;
}

export interface OutboxRow {
  id: number;
  notificationId: number | null;
  userId: number | null;
  toAddress: string;
  subject: string;
  text: string;
  html: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  dedupeKey: string;
  createdAt: number;
  sentAt: number | null;
  messageId: string | null;
}

/** What a booking's notification needs to say, in one read. */
export interface BookingFacts {
  id: number;
  status: string;
  mode: 'machine_time' | 'sample';
  startAt: number | null;
  endAt: number | null;
  sampleCount: number | null;
  finalFen: number | null;
  institutionId: number;
  requesterId: number;
  requesterOrganisationId: number;
  instrumentName: string;
  timeZone: string;
  institutionName: string;
  requesterName: string;
  requesterOrganisation: string;
  /** The reason given with the latest status change (a rejection's, a cancellation's). */
  lastReason: string | null;
}

const NOTIFICATION_COLUMNS = `id, user_id AS userId, type, title, body, title_en AS titleEn, body_en AS bodyEn, link, data,
  dedupe_key AS dedupeKey, created_at AS createdAt, read_at AS readAt`;
const OUTBOX_COLUMNS = `id, notification_id AS notificationId, user_id AS userId, to_address AS toAddress, subject, text, html,
  status, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError, dedupe_key AS dedupeKey,
  created_at AS createdAt, sent_at AS sentAt, message_id AS messageId`;
const BOOKING_FACTS = `SELECT b.id, b.status, b.mode, b.start_at AS startAt, b.end_at AS endAt, b.sample_count AS sampleCount,
  b.final_fen AS finalFen, b.institution_id AS institutionId, b.requester_id AS requesterId,
  b.requester_organisation_id AS requesterOrganisationId, i.name_zh AS instrumentName,
  i.time_zone AS timeZone, inst.name AS institutionName, u.display_name AS requesterName, ro.name AS requesterOrganisation,
  (SELECT e.reason FROM booking_events e WHERE e.booking_id = b.id ORDER BY e.id DESC LIMIT 1) AS lastReason
  FROM bookings b JOIN instruments i ON i.id = b.instrument_id JOIN organisations inst ON inst.id = b.institution_id
  JOIN users u ON u.id = b.requester_id JOIN organisations ro ON ro.id = b.requester_organisation_id`;

/** The notification tables, and the few reads of other modules' tables a message needs. Raw SQL, prepared once. */
export class NotificationsRepo {
  private readonly stmt: (sql: string) => Database.Statement;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  /** An IMMEDIATE transaction; inside another transaction, a savepoint of it. */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  // Recipients

  user(id: number): Person | undefined {
    return this.stmt(
      `SELECT id, email, display_name AS displayName FROM users WHERE id = ? AND disabled_at IS NULL`,
    ).get(id) as Person | undefined;
  }

  usersOf(organisationId: number, role: Role): Person[] {
    return this.stmt(
      `SELECT id, email, display_name AS displayName FROM users
       WHERE organisation_id = ? AND role = ? AND disabled_at IS NULL ORDER BY id`,
    ).all(organisationId, role) as Person[];
  }

  /** Finance officers who see the whole province: the platform's finance desk and the provincial office. */
  provincialFinance(): Person[] {
    return this.stmt(
      `SELECT u.id, u.email, u.display_name AS displayName FROM users u JOIN organisations o ON o.id = u.organisation_id
       WHERE u.role = 'finance_officer' AND u.disabled_at IS NULL
         AND (o.kind = 'platform' OR (o.kind = 'finance_office' AND o.city_code IS NULL)) ORDER BY u.id`,
    ).all() as Person[];
  }

  sameOrganisation(userId: number, organisationId: number): boolean {
    return (
      this.stmt(`SELECT 1 FROM users WHERE id = ? AND organisation_id = ?`).get(userId, organisationId) !== undefined
    );
  }

  emailWanted(userId: number, type: NotificationType): boolean {
    const row = this.stmt(`SELECT email FROM notification_preferences WHERE user_id = ? AND type = ?`).get(
      userId,
      type,
    ) as { email: number } | undefined;
    return row ? row.email === 1 : true;
  }

  // Facts for the templates

  booking(id: number): BookingFacts | undefined {
    return this.stmt(`${BOOKING_FACTS} WHERE b.id = ?`).get(id) as BookingFacts | undefined;
  }

  /** Approved bookings that start in [from, to) (the reminder's day) whose requester has not been reminded yet. */
  bookingsStarting(from: number, to: number): BookingFacts[] {
    return this.stmt(
      `${BOOKING_FACTS} WHERE b.status = 'approved' AND b.start_at >= ? AND b.start_at < ?
         AND NOT EXISTS (SELECT 1 FROM notifications n
                         WHERE n.dedupe_key = 'booking_reminder:booking:' || b.id || ':user:' || b.requester_id)
       ORDER BY b.start_at, b.id`,
    ).all(from, to) as BookingFacts[];
  }

  // In-app notifications

  /** The new row's id, or undefined when the dedupe key was written before. */
  insertNotification(row: Omit<NotificationRow, 'id' | 'readAt'>): number | undefined {
    const found = this.stmt(
      `INSERT INTO notifications (user_id, type, title, body, title_en, body_en, link, data, dedupe_key, created_at)
       VALUES (@userId, @type, @title, @body, @titleEn, @bodyEn, @link, @data, @dedupeKey, @createdAt)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    ).get(row) as { id: number } | undefined;
    return found?.id;
  }

  list(userId: number, q: { unreadOnly: boolean; beforeId?: number; limit: number }): NotificationRow[] {
    return this.stmt(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE user_id = @userId AND (@unread = 0 OR read_at IS NULL) AND (@before IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
    ).all({ userId, unread: q.unreadOnly ? 1 : 0, before: q.beforeId ?? null, limit: q.limit }) as NotificationRow[];
  }

  unreadCount(userId: number): number {
    return this.stmt(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`)
      .pluck()
      .get(userId) as number;
  }

  notification(id: number): NotificationRow | undefined {
    return this.stmt(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = ?`).get(id) as
      NotificationRow | undefined;
  }

  markRead(id: number, now: number): void {
    this.stmt(`UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL`).run(now, id);
  }

  markAllRead(userId: number, now: number): number {
    return this.stmt(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`).run(now, userId)
      .changes;
  }

  // Preferences

  preferences(userId: number): Map<NotificationType, boolean> {
    const rows = this.stmt(`SELECT type, email FROM notification_preferences WHERE user_id = ?`).all(userId) as {
      type: NotificationType;
      email: number;
    }[];
    return new Map(rows.map((r) => [r.type, r.email === 1]));
  }

  setPreference(userId: number, type: NotificationType, email: boolean): void {
    this.stmt(
      `INSERT INTO notification_preferences (user_id, type, email) VALUES (?, ?, ?)
       ON CONFLICT (user_id, type) DO UPDATE SET email = excluded.email`,
    ).run(userId, type, email ? 1 : 0);
  }

  // Outbox

  insertOutbox(
    row: Pick<
      OutboxRow,
      'notificationId' | 'userId' | 'toAddress' | 'subject' | 'text' | 'html' | 'dedupeKey' | 'createdAt'
    >,
  ): number | undefined {
    const found = this.stmt(
      `INSERT INTO outbox (notification_id, user_id, to_address, subject, text, html, status, attempts, next_attempt_at,
                           dedupe_key, created_at)
       VALUES (@notificationId, @userId, @toAddress, @subject, @text, @html, 'pending', 0, @createdAt, @dedupeKey, @createdAt)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    ).get(row) as { id: number } | undefined;
    return found?.id;
  }

  outboxRow(id: number): OutboxRow | undefined {
    return this.stmt(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE id = ?`).get(id) as OutboxRow | undefined;
  }

  outboxOf(dedupeKey: string): OutboxRow | undefined {
    return this.stmt(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE dedupe_key = ?`).get(dedupeKey) as
      OutboxRow | undefined;
  }

  /**
   * Takes up to `limit` due emails for this sender: pending ones whose time has come, and sending
   * ones whose sender's lease ran out (it died mid-send). Each becomes `sending`, leased until
   * `leaseUntil`, with one more attempt counted. One IMMEDIATE transaction: no two senders (in
   * this process or another on the same file) take the same row.
   */
  claimDue(now: number, leaseUntil: number, limit: number): OutboxRow[] {
    return this.db.$client
      .transaction(() => {
        const due = this.stmt(
          `SELECT id FROM outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?
           ORDER BY next_attempt_at, id LIMIT ?`,
        )
          .pluck()
          .all(now, limit) as number[];
        const claim = this.stmt(
          `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?
           WHERE id = ? AND status IN ('pending', 'sending') AND next_attempt_at <= ?`,
        );
        const taken: OutboxRow[] = [];
        for (const id of due) {
          if (claim.run(leaseUntil, id, now).changes) taken.push(this.outboxRow(id)!);
        }
        return taken;
      })
      .immediate();
  }

  /** The claim with this many attempts was sent: true unless another sender has taken the row since. */
  markSent(id: number, attempts: number, messageId: string, now: number): boolean {
    return (
      this.stmt(
        `UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL
         WHERE id = ? AND status = 'sending' AND attempts = ?`,
      ).run(now, messageId, id, attempts).changes === 1
    );
  }

  /** The claim failed: pending again from `nextAttemptAt`, or failed for good. */
  markFailed(id: number, attempts: number, status: 'pending' | 'failed', nextAttemptAt: number, error: string): void {
    this.stmt(
      `UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ?
       WHERE id = ? AND status = 'sending' AND attempts = ?`,
    ).run(status, nextAttemptAt, error.slice(0, 500), id, attempts);
  }

  /** Counts by status (the health of the queue). */
  outboxCounts(): Record<OutboxStatus, number> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of this.stmt(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`).all() as {
      status: OutboxStatus;
      n: number;
    }[])
      counts[r.status] = r.n;
    return counts;
  }
}
