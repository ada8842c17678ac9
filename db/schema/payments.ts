import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { bookings } from './booking.ts';
import { paymentStatuses } from './enums.ts';

/**
 * One card payment of a booking's self-pay share. The row is written before the processor is
 * called; its id makes the processor idempotency keys (isp-pay-<id>-authorise, …), so a retry
 * or the recovery pass can never charge twice.
 */
export const payments = sqliteTable(
  'payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .unique()
      .references(() => bookings.id),
    provider: text('provider').notNull(),
    status: text('status', { enum: paymentStatuses }).notNull(),
    currency: text('currency').notNull(),
    /** The processor's card token; kept only until the authorisation has an answer. */
    token: text('token'),
    chargeId: text('charge_id').unique(),
    authorisedFen: integer('authorised_fen').notNull(),
    capturedFen: integer('captured_fen').notNull().default(0),
    refundedFen: integer('refunded_fen').notNull().default(0),
    /** What the next processor call should do when one is owed (capture or release after a failure). */
    pendingAction: text('pending_action', { enum: ['capture', 'release'] }),
    pendingAmountFen: integer('pending_amount_fen'),
    declineCode: text('decline_code'),
    failureMessage: text('failure_message'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('payments_status').on(t.status, t.updatedAt)],
);

/** Webhook events by processor event id: stored before they are applied, so a replay is a no-op. */
export const processorEvents = sqliteTable('processor_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  objectId: text('object_id'),
  payload: text('payload', { mode: 'json' }).notNull(),
  receivedAt: integer('received_at').notNull(),
  outcome: text('outcome'),
});

/** Refunds recorded against payments (made by us, or seen at the processor through a webhook). */
export const paymentRefunds = sqliteTable('payment_refunds', {
  id: text('id').primaryKey(), // processor refund id
  paymentId: integer('payment_id')
    .notNull()
    .references(() => payments.id),
  amountFen: integer('amount_fen').notNull(),
  reason: text('reason'),
  createdAt: integer('created_at').notNull(),
});

/**
 * One row: this installation's random id. It goes into processor idempotency keys and charge
 * metadata, so installations sharing a processor account (staging, tests) never mistake each other's
 * payment 17 for their own.
 */
export const installation = sqliteTable('installation', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
});
