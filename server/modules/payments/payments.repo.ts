/** SQL of payments: card payments of bookings, their refunds, and the processor's webhook events. */
import { eq, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../../db/client.ts';
import { randomBytes } from 'node:crypto';
import { installation, paymentRefunds, payments, processorEvents } from '../../../db/schema/index.ts';

export type PaymentRow = typeof payments.$inferSelect;

export class PaymentsRepo {
  constructor(readonly db: Db) {}

  /** This installation's id, made on first use (the same in every process on this database). */
  installationId(now: number): string {
    const found = this.db.select().from(installation).get();
    if (found) return found.id;
    this.db
      .insert(installation)
      .values({ id: randomBytes(6).toString('base64url'), createdAt: now })
      .onConflictDoNothing()
      .run();
    return this.db.select().from(installation).get()!.id;
  }

  insert(row: typeof payments.$inferInsert): PaymentRow {
    return this.db.insert(payments).values(row).returning().get();
  }

  update(id: number, set: Partial<PaymentRow>): void {
    this.db.update(payments).set(set).where(eq(payments.id, id)).run();
  }

  byId(id: number): PaymentRow | undefined {
    return this.db.select().from(payments).where(eq(payments.id, id)).get();
  }

  ofBooking(bookingId: number): PaymentRow | undefined {
    return this.db.select().from(payments).where(eq(payments.bookingId, bookingId)).get();
  }

  byCharge(chargeId: string): PaymentRow | undefined {
    return this.db.select().from(payments).where(eq(payments.chargeId, chargeId)).get();
  }

  /** The payments of some bookings (every booking view asks: a cached statement, not the query builder). */
  ofBookings(ids: number[]): PaymentRow[] {
    if (!ids.length) return [];
    if (!this.ofBookingsStmt) {
      this.ofBookingsStmt = this.db.$client.prepare(
        `SELECT id, booking_id AS bookingId, provider, status, currency, token, charge_id AS chargeId,
                authorised_fen AS authorisedFen, captured_fen AS capturedFen, refunded_fen AS refundedFen,
                pending_action AS pendingAction, pending_amount_fen AS pendingAmountFen, decline_code AS declineCode,
                failure_message AS failureMessage, created_at AS createdAt, updated_at AS updatedAt
         FROM payments WHERE booking_id IN (SELECT value FROM json_each(?))`,
      );
    }
    return this.ofBookingsStmt.all(JSON.stringify(ids)) as PaymentRow[];
  }
  private ofBookingsStmt: Statement | null = null;

  /** Payments a processor call is still owed for: unanswered authorisations, captures or releases. */
  unfinished(olderThan: number): PaymentRow[] {
    return this.db
      .select()
      .from(payments)
      .where(
        sql`(${payments.status} = 'authorising' OR ${payments.pendingAction} IS NOT NULL) AND ${payments.updatedAt} <= ${olderThan}`,
      )
      .all();
  }

  refund(id: string) {
    return this.db.select().from(paymentRefunds).where(eq(paymentRefunds.id, id)).get();
  }

  insertRefund(row: typeof paymentRefunds.$inferInsert): void {
    this.db.insert(paymentRefunds).values(row).run();
  }

  /** Stores an event by id; false when it was seen before (a replay). */
  storeEvent(row: typeof processorEvents.$inferInsert): boolean {
    return this.db.insert(processorEvents).values(row).onConflictDoNothing().run().changes > 0;
  }

  /** What applying a stored event came to; null while it has not been applied to the end. */
  eventOutcome(id: string): string | null | undefined {
    return this.db
      .select({ outcome: processorEvents.outcome })
      .from(processorEvents)
      .where(eq(processorEvents.id, id))
      .get()?.outcome;
  }

  setEventOutcome(id: string, outcome: string): void {
    this.db.update(processorEvents).set({ outcome }).where(eq(processorEvents.id, id)).run();
  }
}
