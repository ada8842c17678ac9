import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { auditOutcomes } from './enums.ts';

/**
 * The security audit log (MLPS level 3): who did what, when, from where, and how it ended.
 * Append-only: triggers refuse every UPDATE and DELETE on both engines. Who and where are copied in
 * (not only referenced), so the record stays what it was when accounts change.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    /** e.g. auth.login, auth.password_reset, organisation.approve, payment.capture, export.ledger */
    action: text('action').notNull(),
    outcome: text('outcome', { enum: auditOutcomes }).notNull(),
    actorUserId: integer('actor_user_id'),
    actorEmail: text('actor_email'),
    actorOrganisationId: integer('actor_organisation_id'),
    clientAddress: text('client_address'),
    userAgent: text('user_agent'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    /** What else matters (amounts, roles before and after, a reason); never passwords or tokens. */
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [
    index('audit_log_at').on(t.at),
    index('audit_log_actor').on(t.actorUserId, t.at),
    index('audit_log_action').on(t.action, t.at),
  ],
);
