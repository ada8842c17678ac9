import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users, type BankAccount } from './auth.ts';
import { bookings } from './booking.ts';
import { batchStatuses, findingKinds, lineStatuses, objectionStatuses, reviewStageKinds } from './enums.ts';
import { voucherProgrammes, voucherUses } from './vouchers.ts';

export type { BankAccount } from './auth.ts';

/** A claim (兑付) of one claimant, one programme, one month, reviewed by one finance office. */
export const settlementBatches = sqliteTable(
  'settlement_batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => voucherProgrammes.id),
    /** YYYY-MM (Asia/Shanghai) of the services claimed. */
    month: text('month').notNull(),
    /** The provider (deduct mode) or the enterprise (reimburse mode) that claims. */
    claimantId: integer('claimant_id')
      .notNull()
      .references(() => organisations.id),
    claimantKind: text('claimant_kind', { enum: ['provider', 'enterprise'] }).notNull(),
    reviewOfficeId: integer('review_office_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status', { enum: batchStatuses }).notNull(),
    bankAccount: text('bank_account', { mode: 'json' }).$type<BankAccount>(),
    paidReference: text('paid_reference'),
    paidFen: integer('paid_fen'),
    /** Who recorded the payment: never an officer who approved one of its lines (four-eyes). */
    paidBy: integer('paid_by').references(() => users.id),
    /** The review stage now under way (index into the programme's stages). */
    stage: integer('stage').notNull().default(0),
    /** The public notice (公示): from when to when (UTC ms); payment opens at its end. */
    noticeStartsAt: integer('notice_starts_at'),
    noticeEndsAt: integer('notice_ends_at'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    submittedAt: integer('submitted_at'),
    paidAt: integer('paid_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('settlement_batches_office').on(t.reviewOfficeId, t.status),
    index('settlement_batches_claimant').on(t.claimantId, t.programmeId, t.month),
  ],
);

/** One voucher use claimed in a batch, with its evidence and the reviewer's decision. */
export const settlementLines = sqliteTable(
  'settlement_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    batchId: integer('batch_id')
      .notNull()
      .references(() => settlementBatches.id),
    voucherUseId: integer('voucher_use_id')
      .notNull()
      .references(() => voucherUses.id),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    voucherFen: integer('voucher_fen').notNull(),
    /** Evidence: the invoice number (unique platform-wide), the self-pay payment reference, the service record. */
    invoiceNo: text('invoice_no'),
    paymentRef: text('payment_ref'),
    serviceRecord: text('service_record').notNull(),
    note: text('note'),
    status: text('status', { enum: lineStatuses }).notNull(),
    reason: text('reason'),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: integer('decided_at'),
    /** Approval of a line whose checks failed: who allowed it and why. */
    overrideBy: integer('override_by').references(() => users.id),
    overrideReason: text('override_reason'),
    /** The office whose part of the batch this line is at the first stage (the enterprise's city office). */
    reviewOfficeId: integer('review_office_id').references(() => organisations.id),
    /** The invoice (发票) as uploaded: its amount, buyer and file (a documents row). */
    invoiceAmountFen: integer('invoice_amount_fen'),
    invoiceBuyer: text('invoice_buyer'),
    invoiceDocumentId: integer('invoice_document_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('settlement_lines_batch').on(t.batchId),
    // An order is claimed in one batch at a time (a removed line frees it).
    uniqueIndex('settlement_lines_use_once')
      .on(t.voucherUseId)
      .where(sql`status != 'removed'`),
    uniqueIndex('settlement_lines_invoice')
      .on(t.invoiceNo)
      .where(sql`invoice_no IS NOT NULL AND status != 'removed'`),
  ],
);

/** One stage's decision on one line: each stage decides per line, with reasons. */
export const settlementLineReviews = sqliteTable(
  'settlement_line_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    lineId: integer('line_id')
      .notNull()
      .references(() => settlementLines.id),
    batchId: integer('batch_id')
      .notNull()
      .references(() => settlementBatches.id),
    stage: integer('stage').notNull(),
    stageKind: text('stage_kind', { enum: reviewStageKinds }).notNull(),
    officeId: integer('office_id')
      .notNull()
      .references(() => organisations.id),
    /** approved / returned / rejected; `passed` when the stage sampled and this line was not drawn. */
    decision: text('decision', { enum: ['approved', 'returned', 'rejected', 'passed'] }).notNull(),
    reason: text('reason'),
    actorId: integer('actor_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('settlement_line_reviews_line').on(t.lineId, t.stage)],
);

/** An objection (异议) lodged against a line or a batch during its public notice, and its answer. */
export const noticeObjections = sqliteTable(
  'notice_objections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    batchId: integer('batch_id')
      .notNull()
      .references(() => settlementBatches.id),
    lineId: integer('line_id').references(() => settlementLines.id),
    name: text('name').notNull(),
    contact: text('contact').notNull(),
    content: text('content').notNull(),
    clientAddress: text('client_address'),
    status: text('status', { enum: objectionStatuses }).notNull(),
    answer: text('answer'),
    answeredBy: integer('answered_by').references(() => users.id),
    answeredAt: integer('answered_at'),
    lodgedAt: integer('lodged_at').notNull(),
  },
  (t) => [index('notice_objections_batch').on(t.batchId)],
);

/** Every state change of a batch or a line: who, when, why. */
export const settlementEvents = sqliteTable(
  'settlement_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    batchId: integer('batch_id')
      .notNull()
      .references(() => settlementBatches.id),
    lineId: integer('line_id').references(() => settlementLines.id),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actorId: integer('actor_id').references(() => users.id),
    reason: text('reason'),
    at: integer('at').notNull(),
  },
  (t) => [index('settlement_events_batch').on(t.batchId, t.id)],
);

/** A reconciliation run over a period: ledger ↔ platform records ↔ processor. */
export const reconciliationRuns = sqliteTable('reconciliation_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  fromAt: integer('from_at').notNull(),
  toAt: integer('to_at').notNull(),
  status: text('status', { enum: ['running', 'clean', 'findings', 'failed'] }).notNull(),
  trigger: text('trigger', { enum: ['manual', 'schedule'] }).notNull(),
  /** What was compared: counts and sums per side. */
  summary: text('summary', { mode: 'json' }).$type<Record<string, number>>(),
  error: text('error'),
  createdBy: integer('created_by').references(() => users.id),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
});

export const reconciliationFindings = sqliteTable(
  'reconciliation_findings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => reconciliationRuns.id),
    kind: text('kind', { enum: findingKinds }).notNull(),
    amountFen: integer('amount_fen').notNull(),
    /** What it is about: a charge, refund, payment, booking, quota or batch reference. */
    ref: text('ref').notNull(),
    /** What was found, in Chinese (rows from before `facts` was kept hold the English they were written in). */
    detail: text('detail').notNull(),
    /**
     * What the finding compared, with the `variant` of its sentence (reconcile.ts, FindingFacts): the
     * detail is said from these in the reader's language. Null on rows written before they were kept.
     */
    facts: text('facts', { mode: 'json' }).$type<{ variant: string }>(),
    resolvedBy: integer('resolved_by').references(() => users.id),
    resolvedAt: integer('resolved_at'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [index('reconciliation_findings_run').on(t.runId)],
);
