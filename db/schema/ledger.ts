import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { bookings } from './booking.ts';
import { ledgerAccountKinds, transferStates } from './enums.ts';

/**
 * A ledger account. The four sums are a cache of its transfers, written in the same transaction;
 * the ledger check recomputes them from the transfers. With noOverdraft the account may never
 * have more debits (posted + pending) than posted credits: quotas, caps and budgets are such accounts.
 */
export const ledgerAccounts = sqliteTable(
  'ledger_accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable name, e.g. quota:12 or provider:3:receivable:programme:1. */
    code: text('code').notNull().unique(),
    kind: text('kind', { enum: ledgerAccountKinds }).notNull(),
    name: text('name').notNull(),
    organisationId: integer('organisation_id'),
    programmeId: integer('programme_id'),
    noOverdraft: integer('no_overdraft', { mode: 'boolean' }).notNull().default(false),
    debitsPendingFen: integer('debits_pending_fen').notNull().default(0),
    debitsPostedFen: integer('debits_posted_fen').notNull().default(0),
    creditsPendingFen: integer('credits_pending_fen').notNull().default(0),
    creditsPostedFen: integer('credits_posted_fen').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    check(
      'ledger_accounts_overdraft',
      sql`${t.noOverdraft} = 0 OR ${t.debitsPostedFen} + ${t.debitsPendingFen} <= ${t.creditsPostedFen}`,
    ),
  ],
);

/**
 * An immutable transfer (triggers refuse UPDATE and DELETE). A pending transfer holds its amount
 * until exactly one post_pending or void_pending transfer names it; a post may take less than held.
 */
export const ledgerTransfers = sqliteTable(
  'ledger_transfers',
  {
    /** Unique and derived from the local record it belongs to, so it doubles as an idempotency key. */
    id: text('id').primaryKey(),
    debitAccountId: integer('debit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    creditAccountId: integer('credit_account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    amountFen: integer('amount_fen').notNull(),
    state: text('state', { enum: transferStates }).notNull(),
    /** For post_pending / void_pending: the pending transfer it settles. */
    pendingId: text('pending_id'),
    /** Why: voucher_reserve, card_capture, quota_grant, … */
    code: text('code').notNull(),
    bookingId: integer('booking_id').references(() => bookings.id),
    /** The processor object (charge or refund id) behind this money. */
    processorRef: text('processor_ref'),
    note: text('note'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('ledger_transfers_settles_once').on(t.pendingId),
    index('ledger_transfers_debit').on(t.debitAccountId, t.createdAt),
    index('ledger_transfers_credit').on(t.creditAccountId, t.createdAt),
    index('ledger_transfers_booking').on(t.bookingId),
    index('ledger_transfers_created').on(t.createdAt),
    check('ledger_transfers_amount', sql`${t.amountFen} >= 0 AND ${t.debitAccountId} != ${t.creditAccountId}`),
  ],
);
