/**
 * What people submit for review — registrations, join requests, SME certification and voucher
 * applications — with their documents and the history of every step.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import { applicationStatuses, documentKinds, reviewActions, reviewSubjects } from './enums.ts';
import { voucherProgrammes, voucherQuotas } from './vouchers.ts';

/** An uploaded document (licence, authorisation letter, certificate) of a registration or an application. */
export const documents = sqliteTable(
  'documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    subjectType: text('subject_type', { enum: reviewSubjects }).notNull(),
    subjectId: integer('subject_id').notNull(),
    kind: text('kind', { enum: documentKinds }).notNull(),
    /** Where the file store keeps it (FileStorage's relative name). */
    storedName: text('stored_name').notNull(),
    /** The uploader's name for it, and the type found in its bytes. */
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    uploadedAt: integer('uploaded_at').notNull(),
    /** Replaced by a newer upload of the same kind, or removed by the applicant. */
    removedAt: integer('removed_at'),
  },
  (t) => [index('documents_subject').on(t.subjectType, t.subjectId)],
);

/** Each step of a registration's or an application's review: who did what, when, and why. */
export const reviewEvents = sqliteTable(
  'review_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectType: text('subject_type', { enum: reviewSubjects }).notNull(),
    subjectId: integer('subject_id').notNull(),
    action: text('action', { enum: reviewActions }).notNull(),
    note: text('note'),
    actorUserId: integer('actor_user_id').references(() => users.id),
    at: integer('at').notNull(),
  },
  (t) => [index('review_events_subject').on(t.subjectType, t.subjectId, t.at)],
);

/** An enterprise's application to be recognised as a 科技型中小企业 (approved: enterprise_certifications). */
export const certificationApplications = sqliteTable(
  'certification_applications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    /** 科技型中小企业入库登记编号 and the year of the national evaluation. */
    registrationNo: text('registration_no').notNull(),
    registrationYear: integer('registration_year').notNull(),
    status: text('status', { enum: applicationStatuses }).notNull(),
    reviewNote: text('review_note'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    /** Approved: the certification's dates (local dates, inclusive). */
    certifiedOn: text('certified_on'),
    expiresOn: text('expires_on'),
    submittedBy: integer('submitted_by').references(() => users.id),
    submittedAt: integer('submitted_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('certification_applications_org').on(t.organisationId),
    index('certification_applications_status').on(t.status),
  ],
);

/** An enterprise's application (申领) for a quota under a programme that issues quotas on application. */
export const voucherApplications = sqliteTable(
  'voucher_applications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    programmeId: integer('programme_id')
      .notNull()
      .references(() => voucherProgrammes.id),
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => organisations.id),
    amountFen: integer('amount_fen').notNull(),
    plannedUse: text('planned_use').notNull(),
    /** The enterprise declares it has no related party among the providers it means to use. */
    declaresNoRelatedParties: integer('declares_no_related_parties', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: applicationStatuses }).notNull(),
    approvedFen: integer('approved_fen'),
    reviewNote: text('review_note'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewedAt: integer('reviewed_at'),
    /** The quota the approval granted. */
    quotaId: integer('quota_id').references(() => voucherQuotas.id),
    submittedBy: integer('submitted_by').references(() => users.id),
    submittedAt: integer('submitted_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('voucher_applications_programme').on(t.programmeId, t.status),
    index('voucher_applications_enterprise').on(t.enterpriseId),
  ],
);
