/** SQL of payments: card payments of bookings, their refunds, and the processor's webhook events. */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import { installation, paymentRefunds, payments, processorEvents } from '../../../db/schema/index.ts';

export type PaymentRow = typeof payments.$inferSelect;

/**
 * The installation's row, made only while the table is empty: one statement, so two first uses at
 * once (two requests of this process, or two processes) cannot both insert — SQLite runs it under its
 * write lock. SQLite's text: PostgreSQL's version must also lock (two READ COMMITTED transactions can
 * both find the table empty), and type its parameters (`?::text, ?::bigint`).
 */
const INSERT_INSTALLATION_SQL = `INSERT INTO installation (id, created_at)
  SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM installation)`;

/**
 * The payments of some bookings: every booking view asks, so one statement with the ids as a JSON
 * array. SQLite's text (`json_each`); PostgreSQL's version will take the ids as an array (`= ANY(?)`).
 */
const PAYMENTS_OF_BOOKINGS_SQL = `SELECT id, booking_id AS "bookingId", provider, status, currency, token,
    charge_id AS "chargeId", authorised_fen AS "authorisedFen", captured_fen AS "capturedFen",
    refunded_fen AS "refundedFen", pending_action AS "pendingAction", pending_amount_fen AS "pendingAmountFen",
    decline_code AS "declineCode", failure_message AS "failureMessage", created_at AS "createdAt",
    updated_at AS "updatedAt"
  FROM payments WHERE booking_id IN (SELECT value FROM json_each(?))`;

export class PaymentsRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): PaymentsRepo {
    return new PaymentsRepo(q);
  }

  /** This installation's id, made on first use (the same in every process on this database). */
  async installationId(now: number): Promise<string> {
    const found = await this.q.orm.select().from(installation).get();
    if (found) return found.id;
    await this.q.run(INSERT_INSTALLATION_SQL, [randomBytes(6).toString('base64url'), now]);
    // Ours, or the one another first use inserted just before.
    return (await this.q.orm.select().from(installation).get())!.id;
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
    return this.q.all<PaymentRow>(PAYMENTS_OF_BOOKINGS_SQL, [JSON.stringify(ids)]);
  }

  /** Payments a processor call is still owed for: unanswered authorisations, captures or releases. */
  async unfinished(olderThan: number): Promise<PaymentRow[]> {
    return this.q.orm
      .select()
      .from(payments)
      .where(
        sql`(${payments.status} = 'authorising' OR ${payments.pendingAction} IS NOT NULL) AND ${payments.updatedAt} <= ${olderThan}`,
      )
      .all();
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
