/** SQL of payments: card payments of bookings, their refunds, and the processor's webhook events. */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { byEngine, type Database, type Queryable } from '../../../db/port.ts';
import { paymentRefunds, payments, processorEvents } from '../../../db/schema/index.ts';
import { listParam } from '../../shared/sql-list.ts';

/** The database itself (it can open a transaction), not a transaction of it. */
const isDatabase = (q: Queryable): q is Database => 'write' in q;

export type PaymentRow = typeof payments.$inferSelect;

/**
 * The installation's row, made only while the table is empty: one statement, so two first uses at
 * once cannot both insert. SQLite runs it under its write lock. On PostgreSQL it runs in a
 * SERIALIZABLE write transaction (installationId opens one when it is not inside one already): two
 * transactions that both found the table empty and both inserted cannot both commit — one fails
 * with a serialization error, is run again, and finds the other's row. The parameters are cast so
 * that PostgreSQL knows their types (SQLite: the same values).
 */
const INSERT_INSTALLATION_SQL = `INSERT INTO installation (id, created_at)
  SELECT CAST(? AS TEXT), CAST(? AS BIGINT) WHERE NOT EXISTS (SELECT 1 FROM installation)`;
/** Raw SQL: a serialization failure reaches the engine's retry as PostgreSQL's own error. */
const INSTALLATION_SQL = `SELECT id FROM installation`;

const PAYMENT_COLUMNS = `SELECT id, booking_id AS "bookingId", provider, status, currency, token,
    charge_id AS "chargeId", authorised_fen AS "authorisedFen", captured_fen AS "capturedFen",
    refunded_fen AS "refundedFen", pending_action AS "pendingAction", pending_amount_fen AS "pendingAmountFen",
    decline_code AS "declineCode", failure_message AS "failureMessage", customer_id AS "customerId",
    authorised_at AS "authorisedAt", authorise_at AS "authoriseAt", attempt, created_at AS "createdAt",
    updated_at AS "updatedAt"
  FROM payments`;

/**
 * The payments of some bookings: every booking view asks, so one statement with the ids as one
 * parameter (listParam): a JSON array on SQLite, an array on PostgreSQL.
 */
const PAYMENTS_OF_BOOKINGS_SQL = {
  sqlite: `${PAYMENT_COLUMNS} WHERE booking_id IN (SELECT value FROM json_each(?))`,
  postgres: `${PAYMENT_COLUMNS} WHERE booking_id = ANY(?::bigint[])`,
};

export class PaymentsRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): PaymentsRepo {
    return new PaymentsRepo(q);
  }

  /** This installation's id, made on first use (the same in every process on this database). */
  async installationId(now: number): Promise<string> {
    const found = await this.q.value<string>(INSTALLATION_SQL);
    if (found !== undefined) return found;
    // PostgreSQL, outside a transaction: the insert and its re-read in a SERIALIZABLE one (above).
    if (this.q.engine === 'postgres' && isDatabase(this.q))
      return this.q.write((tx) => this.with(tx).installationId(now));
    await this.q.run(INSERT_INSTALLATION_SQL, [randomBytes(6).toString('base64url'), now]);
    // Ours, or the one another first use inserted just before.
    return (await this.q.value<string>(INSTALLATION_SQL))!;
  }

  async insert(row: typeof payments.$inferInsert): Promise<PaymentRow> {
    return (await this.q.orm.insert(payments).values(row).returning().get())!;
  }

  async update(id: number, set: Partial<PaymentRow>): Promise<void> {
    await this.q.orm.update(payments).set(set).where(eq(payments.id, id)).run();
  }

  async byId(id: number): Promise<PaymentRow | undefined> {
    return this.q.orm.select().from(payments).where(eq(payments.id, id)).get();
  }

  async ofBooking(bookingId: number): Promise<PaymentRow | undefined> {
    return this.q.orm.select().from(payments).where(eq(payments.bookingId, bookingId)).get();
  }

  async byCharge(chargeId: string): Promise<PaymentRow | undefined> {
    return this.q.orm.select().from(payments).where(eq(payments.chargeId, chargeId)).get();
  }

  /** The payments of some bookings (every booking view asks: one raw statement, not the query builder). */
  async ofBookings(ids: number[]): Promise<PaymentRow[]> {
    if (!ids.length) return [];
    // No boolean or JSON columns: the raw rows are PaymentRows as they are.
    return this.q.all<PaymentRow>(byEngine(this.q.engine, PAYMENTS_OF_BOOKINGS_SQL), [listParam(this.q.engine, ids)]);
  }

  /** Payments a processor call is still owed for: unanswered authorisations or card saves, captures, releases, refunds. */
  async unfinished(olderThan: number): Promise<PaymentRow[]> {
    return this.q.orm
      .select()
      .from(payments)
      .where(
        sql`(${payments.status} IN ('authorising', 'saving_card') OR ${payments.pendingAction} IS NOT NULL) AND ${payments.updatedAt} <= ${olderThan}`,
      )
      .all();
  }

  /** Saved cards whose authorisation is due (the processor's window before the service has opened). */
  async dueForAuthorisation(now: number): Promise<PaymentRow[]> {
    return this.q.orm
      .select()
      .from(payments)
      .where(sql`${payments.status} = 'scheduled' AND ${payments.authoriseAt} <= ${now}`)
      .orderBy(payments.authoriseAt)
      .all();
  }

  /**
   * Holds authorised at or before `authorisedBefore` (they lapse at the processor soon) whose booking
   * still waits for its service: to renew. Holds of earlier versions (no authorisedAt) are not known.
   */
  async dueForRenewal(authorisedBefore: number): Promise<PaymentRow[]> {
    return this.q.all<PaymentRow>(
      `${PAYMENT_COLUMNS} WHERE status = 'authorised' AND pending_action IS NULL AND authorised_at <= ?
         AND booking_id IN (SELECT id FROM bookings WHERE status IN ('requested', 'approved', 'in_progress'))
       ORDER BY authorised_at`,
      [authorisedBefore],
    );
  }

  /** Payments waiting for the enterprise's new card whose booking is still active (the unpaid-by-start rule). */
  async awaitingAction(): Promise<(PaymentRow & { serviceAt: number | null })[]> {
    return this.q.all<PaymentRow & { serviceAt: number | null }>(
      `SELECT p.*, COALESCE(b.start_at, b.wanted_by) AS "serviceAt" FROM (${PAYMENT_COLUMNS}) p
         JOIN bookings b ON b.id = p."bookingId"
       WHERE p.status = 'action_required' AND b.status IN ('requested', 'approved')`,
    );
  }

  async refund(id: string) {
    return this.q.orm.select().from(paymentRefunds).where(eq(paymentRefunds.id, id)).get();
  }

  async insertRefund(row: typeof paymentRefunds.$inferInsert): Promise<void> {
    await this.q.orm.insert(paymentRefunds).values(row).run();
  }

  /** Stores an event by id; false when it was seen before (a replay). */
  async storeEvent(row: typeof processorEvents.$inferInsert): Promise<boolean> {
    // One statement decides: of two deliveries of one event at once, exactly one inserts the row.
    const inserted = await this.q.orm
      .insert(processorEvents)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: processorEvents.id })
      .all();
    return inserted.length > 0;
  }

  /** What applying a stored event came to; null while it has not been applied to the end. */
  async eventOutcome(id: string): Promise<string | null | undefined> {
    const found = await this.q.orm
      .select({ outcome: processorEvents.outcome })
      .from(processorEvents)
      .where(eq(processorEvents.id, id))
      .get();
    return found?.outcome;
  }

  async setEventOutcome(id: string, outcome: string): Promise<void> {
    await this.q.orm.update(processorEvents).set({ outcome }).where(eq(processorEvents.id, id)).run();
  }
}
