import { byEngine, fromBool, type Queryable } from '../../../db/port.ts';
import type { NotificationType, OutboxStatus, Role } from '../../../db/schema/index.ts';
import { listParam } from '../../shared/sql-list.ts';

export interface Person {
  id: number;
  email: string;
  displayName: string;
  /** Wants the notification read with it by email too. */
  emailWanted: boolean;
}

type PersonRow = Omit<Person, 'emailWanted'> & { emailWanted: unknown };
const personOf = (r: PersonRow): Person => ({ ...r, emailWanted: fromBool(r.emailWanted) });
/** Users (u) with their email preference for one type (the first parameter). */
const PERSON_SQL = `SELECT u.id, u.email, u.display_name AS "displayName", COALESCE(p.email, TRUE) AS "emailWanted" FROM users u
  LEFT JOIN notification_preferences p ON p.user_id = u.id AND p.type = ?`;

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

/** An event to be told (table notification_events). */
export interface EventRow {
  id: number;
  kind: string;
  subjectId: number;
  data: Record<string, unknown> | null;
  createdAt: number;
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

const NOTIFICATION_COLUMNS = `id, user_id AS "userId", type, title, body, title_en AS "titleEn", body_en AS "bodyEn", link, data,
  dedupe_key AS "dedupeKey", created_at AS "createdAt", read_at AS "readAt"`;
const OUTBOX_COLUMNS = `id, notification_id AS "notificationId", user_id AS "userId", to_address AS "toAddress", subject, text, html,
  status, attempts, next_attempt_at AS "nextAttemptAt", last_error AS "lastError", dedupe_key AS "dedupeKey",
  created_at AS "createdAt", sent_at AS "sentAt", message_id AS "messageId"`;
const BOOKING_FACTS = `SELECT b.id, b.status, b.mode, b.start_at AS "startAt", b.end_at AS "endAt", b.sample_count AS "sampleCount",
  b.final_fen AS "finalFen", b.institution_id AS "institutionId", b.requester_id AS "requesterId",
  b.requester_organisation_id AS "requesterOrganisationId", i.name_zh AS "instrumentName",
  i.time_zone AS "timeZone", inst.name AS "institutionName", u.display_name AS "requesterName", ro.name AS "requesterOrganisation",
  (SELECT e.reason FROM booking_events e WHERE e.booking_id = b.id ORDER BY e.id DESC LIMIT 1) AS "lastReason"
  FROM bookings b JOIN instruments i ON i.id = b.instrument_id JOIN organisations inst ON inst.id = b.institution_id
  JOIN users u ON u.id = b.requester_id JOIN organisations ro ON ro.id = b.requester_organisation_id`;

const IS_DUE = `status IN ('pending', 'sending') AND next_attempt_at <= @now`;
const DUE_SQL = `SELECT id FROM outbox WHERE ${IS_DUE} ORDER BY status, next_attempt_at, id LIMIT @limit`;
const CLAIM = `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = @leaseUntil`;
/** PostgreSQL: the due rows locked first (a row another sender changed meanwhile is re-checked, or skipped while it is locked), then updated by id. */
const CLAIM_DUE_SQL = `WITH due (due_id) AS (${DUE_SQL} FOR UPDATE SKIP LOCKED)
  ${CLAIM} FROM due WHERE outbox.id = due.due_id RETURNING ${OUTBOX_COLUMNS}`;
const CLAIM_ONE_SQL = `${CLAIM} WHERE id = @id AND ${IS_DUE} RETURNING ${OUTBOX_COLUMNS}`;

export type NewNotification = Omit<NotificationRow, 'id' | 'readAt'>;
export type NewEmail = Pick<
  OutboxRow,
  'notificationId' | 'userId' | 'toAddress' | 'subject' | 'text' | 'html' | 'dedupeKey' | 'createdAt'
>;

// Rows written as ONE parameter, a JSON array of them (as listParam does for ids): one statement
// text for any number of rows, so a fan-out batch writes all its notifications in one round trip.
// SQLite's `INSERT … SELECT … ON CONFLICT` needs the WHERE to parse.
const INSERT_NOTIFICATIONS_SQL = {
  sqlite: `INSERT INTO notifications (user_id, type, title, body, title_en, body_en, link, data, dedupe_key, created_at)
    SELECT value->>'userId', value->>'type', value->>'title', value->>'body', value->>'titleEn', value->>'bodyEn',
      value->>'link', value->>'data', value->>'dedupeKey', value->>'createdAt'
    FROM json_each(?) WHERE TRUE
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key AS "dedupeKey"`,
  postgres: `INSERT INTO notifications (user_id, type, title, body, title_en, body_en, link, data, dedupe_key, created_at)
    SELECT x."userId", x.type, x.title, x.body, x."titleEn", x."bodyEn", x.link, x.data::jsonb, x."dedupeKey", x."createdAt"
    FROM json_to_recordset(?::json) AS x("userId" bigint, type text, title text, body text, "titleEn" text,
      "bodyEn" text, link text, data text, "dedupeKey" text, "createdAt" bigint)
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key AS "dedupeKey"`,
};
const INSERT_EMAILS_SQL = {
  sqlite: `INSERT INTO outbox (notification_id, user_id, to_address, subject, text, html, status, attempts,
      next_attempt_at, dedupe_key, created_at)
    SELECT value->>'notificationId', value->>'userId', value->>'toAddress', value->>'subject', value->>'text',
      value->>'html', 'pending', 0, value->>'createdAt', value->>'dedupeKey', value->>'createdAt'
    FROM json_each(?) WHERE TRUE
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
  postgres: `INSERT INTO outbox (notification_id, user_id, to_address, subject, text, html, status, attempts,
      next_attempt_at, dedupe_key, created_at)
    SELECT x."notificationId", x."userId", x."toAddress", x.subject, x.text, x.html, 'pending', 0, x."createdAt",
      x."dedupeKey", x."createdAt"
    FROM json_to_recordset(?::json) AS x("notificationId" bigint, "userId" bigint, "toAddress" text, subject text,
      text text, html text, "dedupeKey" text, "createdAt" bigint)
    ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
};

const BOOKINGS_FACTS_SQL = {
  sqlite: `${BOOKING_FACTS} WHERE b.id IN (SELECT value FROM json_each(?))`,
  postgres: `${BOOKING_FACTS} WHERE b.id = ANY(?::bigint[])`,
};

/** The notification tables, and the few reads of other modules' tables a message needs. Raw SQL. */
export class NotificationsRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): NotificationsRepo {
    return new NotificationsRepo(q);
  }

  // Recipients, each with whether they want this type of notification by email (one read: a preference
  // row says no, or yes; none means yes)

  async user(id: number, type: NotificationType): Promise<Person | undefined> {
    const row = await this.q.get<PersonRow>(`${PERSON_SQL} WHERE u.id = ? AND u.disabled_at IS NULL`, [type, id]);
    return row && personOf(row);
  }

  async usersOf(organisationId: number, role: Role, type: NotificationType): Promise<Person[]> {
    const rows = await this.q.all<PersonRow>(
      `${PERSON_SQL} WHERE u.organisation_id = ? AND u.role = ? AND u.disabled_at IS NULL ORDER BY u.id`,
      [type, organisationId, role],
    );
    return rows.map(personOf);
  }

  /** Finance officers who see the whole province: the platform's finance desk and the provincial office. */
  async provincialFinance(type: NotificationType): Promise<Person[]> {
    const rows = await this.q.all<PersonRow>(
      `${PERSON_SQL} JOIN organisations o ON o.id = u.organisation_id
       WHERE u.role = 'finance_officer' AND u.disabled_at IS NULL
         AND (o.kind = 'platform' OR (o.kind = 'finance_office' AND o.city_code IS NULL)) ORDER BY u.id`,
      [type],
    );
    return rows.map(personOf);
  }

  async sameOrganisation(userId: number, organisationId: number): Promise<boolean> {
    return (
      (await this.q.get(`SELECT 1 FROM users WHERE id = ? AND organisation_id = ?`, [userId, organisationId])) !==
      undefined
    );
  }

  // Facts for the templates

  async booking(id: number): Promise<BookingFacts | undefined> {
    return this.q.get<BookingFacts>(`${BOOKING_FACTS} WHERE b.id = ?`, [id]);
  }

  /** Several bookings' facts in one read (a fan-out batch), by id. */
  async bookings(ids: readonly number[]): Promise<Map<number, BookingFacts>> {
    const rows = ids.length
      ? await this.q.all<BookingFacts>(byEngine(this.q.engine, BOOKINGS_FACTS_SQL), [listParam(this.q.engine, ids)])
      : [];
    return new Map(rows.map((b) => [b.id, b]));
  }

  /** Approved bookings that start in [from, to) (the reminder's day) whose requester has not been reminded yet. */
  async bookingsStarting(from: number, to: number): Promise<BookingFacts[]> {
    return this.q.all<BookingFacts>(
      `${BOOKING_FACTS} WHERE b.status = 'approved' AND b.start_at >= ? AND b.start_at < ?
         AND NOT EXISTS (SELECT 1 FROM notifications n
                         WHERE n.dedupe_key = 'booking_reminder:booking:' || b.id || ':user:' || b.requester_id)
       ORDER BY b.start_at, b.id`,
      [from, to],
    );
  }

  // Events to be told (fan-out.ts)

  async insertEvent(row: Omit<EventRow, 'id'>): Promise<void> {
    await this.q.run(`INSERT INTO notification_events (kind, subject_id, data, created_at) VALUES (?, ?, ?, ?)`, [
      row.kind,
      row.subjectId,
      row.data === null ? null : JSON.stringify(row.data),
      row.createdAt,
    ]);
  }

  /**
   * Takes (deletes, returning them) up to `limit` of the oldest events: call it in the write
   * transaction that tells of them, so they are gone exactly when told. PostgreSQL skips events
   * another node's fan-out has locked (it tells of those), so two nodes never wait on each other.
   */
  async takeEvents(limit: number): Promise<EventRow[]> {
    const lock = byEngine(this.q.engine, { sqlite: '', postgres: 'FOR UPDATE SKIP LOCKED' });
    const rows = await this.q.all<EventRow & { data: unknown }>(
      `DELETE FROM notification_events WHERE id IN (SELECT id FROM notification_events ORDER BY id LIMIT ? ${lock})
       RETURNING id, kind, subject_id AS "subjectId", data, created_at AS "createdAt"`,
      [limit],
    );
    return rows
      .map((r) => ({
        ...r,
        data: typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data,
      }))
      .sort((a, b) => a.id - b.id);
  }

  async hasEvents(): Promise<boolean> {
    return (await this.q.get(`SELECT 1 FROM notification_events LIMIT 1`)) !== undefined;
  }

  // In-app notifications

  /**
   * Writes notifications in one statement, whatever their number; a dedupe key written before
   * writes nothing. The ids of the new rows, by dedupe key.
   */
  async insertNotifications(rows: readonly NewNotification[]): Promise<Map<string, number>> {
    if (!rows.length) return new Map();
    const made = await this.q.all<{ id: number; dedupeKey: string }>(
      byEngine(this.q.engine, INSERT_NOTIFICATIONS_SQL),
      [JSON.stringify(rows)],
    );
    return new Map(made.map((r) => [r.dedupeKey, Number(r.id)]));
  }

  async list(userId: number, q: { unreadOnly: boolean; beforeId?: number; limit: number }): Promise<NotificationRow[]> {
    return this.q.all<NotificationRow>(
      `SELECT ${NOTIFICATION_COLUMNS} FROM notifications
       WHERE user_id = @userId AND (@unread = FALSE OR read_at IS NULL) AND (CAST(@before AS BIGINT) IS NULL OR id < @before)
       ORDER BY id DESC LIMIT @limit`,
      { userId, unread: q.unreadOnly, before: q.beforeId ?? null, limit: q.limit },
    );
  }

  async unreadCount(userId: number): Promise<number> {
    return Number(
      await this.q.value(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, [userId]),
    );
  }

  async notification(id: number): Promise<NotificationRow | undefined> {
    return this.q.get<NotificationRow>(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE id = ?`, [id]);
  }

  async markRead(id: number, now: number): Promise<void> {
    await this.q.run(`UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL`, [now, id]);
  }

  async markAllRead(userId: number, now: number): Promise<number> {
    return (
      await this.q.run(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, [now, userId])
    ).changes;
  }

  // Preferences

  async preferences(userId: number): Promise<Map<NotificationType, boolean>> {
    const rows = await this.q.all<{ type: NotificationType; email: unknown }>(
      `SELECT type, email FROM notification_preferences WHERE user_id = ?`,
      [userId],
    );
    return new Map(rows.map((r) => [r.type, fromBool(r.email)]));
  }

  async setPreference(userId: number, type: NotificationType, email: boolean): Promise<void> {
    await this.q.run(
      `INSERT INTO notification_preferences (user_id, type, email) VALUES (?, ?, ?)
       ON CONFLICT (user_id, type) DO UPDATE SET email = excluded.email`,
      [userId, type, email],
    );
  }

  // Outbox

  /** Queues emails in one statement, whatever their number; how many were new (by dedupe key). */
  async insertEmails(rows: readonly NewEmail[]): Promise<number> {
    if (!rows.length) return 0;
    return (await this.q.all(byEngine(this.q.engine, INSERT_EMAILS_SQL), [JSON.stringify(rows)])).length;
  }

  async outboxRow(id: number): Promise<OutboxRow | undefined> {
    return this.q.get<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE id = ?`, [id]);
  }

  async outboxOf(dedupeKey: string): Promise<OutboxRow | undefined> {
    return this.q.get<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE dedupe_key = ?`, [dedupeKey]);
  }

  /**
   * Takes up to `limit` due emails for this sender: pending ones whose time has come, and sending
   * ones whose sender's lease ran out (it died mid-send). Each becomes `sending`, leased until
   * `leaseUntil`, with one more attempt counted. In the index's order (pending before expired
   * sending, then by due time): a backlog of thousands is not sorted again at every claim.
   * - PostgreSQL: one statement (one round trip, where each email's claim and read used to cost two):
   *   SKIP LOCKED hands two senders different rows, and a row is locked only if it is still due.
   * - SQLite: the ids, then each row by its id (no round trips to save; a lookup by id whatever the
   *   planner's statistics say — an `IN (subquery)` planned on statistics from a small table scans
   *   the whole outbox). The write lock runs claims one after another.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<OutboxRow[]> {
    const params = { now, leaseUntil, limit };
    if (this.q.engine === 'postgres')
      return (await this.q.all<OutboxRow>(CLAIM_DUE_SQL, params)).sort((a, b) => a.id - b.id);
    const taken: OutboxRow[] = [];
    for (const id of await this.q.column<number>(DUE_SQL, params)) {
      const row = await this.q.get<OutboxRow>(CLAIM_ONE_SQL, { ...params, id });
      if (row) taken.push(row);
    }
    return taken;
  }

  /** The claim with this many attempts was sent: true unless another sender has taken the row since. */
  async markSent(id: number, attempts: number, messageId: string, now: number): Promise<boolean> {
    const { changes } = await this.q.run(
      `UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL
       WHERE id = ? AND status = 'sending' AND attempts = ?`,
      [now, messageId, id, attempts],
    );
    return changes === 1;
  }

  /** The claim failed: pending again from `nextAttemptAt`, or failed for good. */
  async markFailed(
    id: number,
    attempts: number,
    status: 'pending' | 'failed',
    nextAttemptAt: number,
    error: string,
  ): Promise<void> {
    await this.q.run(
      `UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ?
       WHERE id = ? AND status = 'sending' AND attempts = ?`,
      [status, nextAttemptAt, error.slice(0, 500), id, attempts],
    );
  }

  /** Counts by status (the health of the queue). */
  async outboxCounts(): Promise<Record<OutboxStatus, number>> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    const rows = await this.q.all<{ status: OutboxStatus; n: unknown }>(
      `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`,
    );
    for (const r of rows) counts[r.status] = Number(r.n);
    return counts;
  }
}
