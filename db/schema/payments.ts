import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users, type BankAccount } from './auth.ts';
import { bookings } from './booking.ts';
import { paymentNoticeStatuses, paymentStatuses } from './enums.ts';

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
    pendingAction: text('pending_action', { enum: ['capture', 'release', 'refund'] }),
    pendingAmountFen: integer('pending_amount_fen'),
    declineCode: text('decline_code'),
    failureMessage: text('failure_message'),
    /** The card saved at the processor (a customer) when the authorisation waits for the service's window. */
    customerId: text('customer_id'),
    /** When the processor authorised the current hold (it lapses about 7 days later). */
    authorisedAt: integer('authorised_at'),
    /** When the scheduled job should authorise the saved card (within the processor's window before the service). */
    authoriseAt: integer('authorise_at'),
    /** Authorisations asked so far beyond the first (a renewal, a new card): part of the idempotency key and the hold's ledger id. */
    attempt: integer('attempt').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('payments_status').on(t.status, t.updatedAt), index('payments_authorise_at').on(t.authoriseAt)],
);

/**
 * A payment notice (付款通知书) for a self-pay share paid by bank transfer (对公转账): the payee's account,
 * the amount, a remittance reference unique on the platform, the due date; receipts are recorded against it.
 */
export const paymentNotices = sqliteTable(
  'payment_notices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .unique()
      .references(() => bookings.id),
    providerId: integer('provider_id')
      .notNull()
      .references(() => organisations.id),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    /** The remittance reference the payer writes in the transfer's memo (附言). */
    reference: text('reference').notNull().unique(),
    payee: text('payee', { mode: 'json' }).$type<BankAccount>().notNull(),
    amountFen: integer('amount_fen').notNull(),
    receivedFen: integer('received_fen').notNull().default(0),
    /** Local date (the provider's zone), inclusive. */
    dueOn: text('due_on').notNull(),
    status: text('status', { enum: paymentNoticeStatuses }).notNull(),
    remindedAt: integer('reminded_at'),
    closedAt: integer('closed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('payment_notices_status').on(t.status, t.dueOn), index('payment_notices_provider').on(t.providerId)],
);

/** A receipt of money against a payment notice (到账确认), or money given back (an over-payment returned). */
export const transferReceipts = sqliteTable(
  'transfer_receipts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    noticeId: integer('notice_id')
      .notNull()
      .references(() => paymentNotices.id),
    kind: text('kind', { enum: ['receipt', 'return'] }).notNull(),
    amountFen: integer('amount_fen').notNull(),
    /** Local date the money arrived (or left). */
    receivedOn: text('received_on').notNull(),
    bankReference: text('bank_reference').notNull(),
    /** An optional proof (bank slip): a documents row. */
    proofDocumentId: integer('proof_document_id'),
    note: text('note'),
    recordedBy: integer('recorded_by').references(() => users.id),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [
    index('transfer_receipts_notice').on(t.noticeId),
    uniqueIndex('transfer_receipts_bank_reference').on(t.kind, t.bankReference),
  ],
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
