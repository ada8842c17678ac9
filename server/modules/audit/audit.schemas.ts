/** Request and response shapes of the audit log's API. Imports only zod and the vocabularies (the SPA imports it). */
import { z } from 'zod';
import { auditOutcomes } from '../../../db/schema/enums.ts';

export const auditEntrySchema = z.object({
  id: z.number().int(),
  /** ISO 8601 instant (UTC). */
  at: z.string(),
  action: z.string(),
  outcome: z.enum(auditOutcomes),
  /** Who, as recorded then (null: the platform itself, e.g. the processor's webhook or a timer). */
  actor: z
    .object({
      userId: z.number().int().nullable(),
      email: z.string().nullable(),
      organisationId: z.number().int().nullable(),
      /** The organisation's name today. */
      organisationName: z.string().nullable(),
    })
    .nullable(),
  clientAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  subject: z.object({ type: z.string(), id: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

/** A local date (the whole day in Beijing time) or an ISO instant with its offset. */
const when = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.+)?$/, 'a date YYYY-MM-DD or an instant with its offset')
  .max(40);

/** The filters the list and the export share. */
export const auditFilterSchema = z.object({
  /** From (inclusive): a date (its start, Beijing time) or an instant. */
  from: when.optional(),
  /** To: a date (through its end, Beijing time) or an instant (exclusive). */
  to: when.optional(),
  /** A user id (digits) or part of an e-mail address. */
  actor: z.string().trim().min(1).max(120).optional(),
  organisationId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
    .transform(Number)
    .optional(),
  /** An action (`settlement.pay`), or an area ending in a dot (`auth.`) for all its actions. */
  action: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$/, 'an action like auth.login, or an area like auth.')
    .max(80)
    .optional(),
  outcome: z.enum(auditOutcomes).optional(),
  subjectType: z.string().trim().min(1).max(40).optional(),
  subjectId: z.string().trim().min(1).max(80).optional(),
  /**
   * Free text, any case: part of the actor's e-mail, the organisation's name, the action's name or its
   * label (Chinese or English), the subject's id or the client address.
   */
  q: z.string().trim().min(1).max(100, 'at most 100 characters').optional(),
  /** A client address, or its beginning (`10.1.`); IPv4 also matches its IPv6-mapped form. */
  address: z
    .string()
    .trim()
    .regex(/^[0-9A-Fa-f:.]{1,45}$/, 'an IP address or its beginning')
    .optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** The list's orders by time: newest first (the default) or oldest first; ties by id the same way. */
export const auditOrders = ['desc', 'asc'] as const;
export type AuditOrder = (typeof auditOrders)[number];

export const auditListQuerySchema = auditFilterSchema
  .extend({
    /** Newest (`desc`, the default) or oldest (`asc`) first; a cursor continues the order it was made in. */
    order: z.enum(auditOrders).default('desc'),
    cursor: z.string().max(200).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().min(1).max(200))
      .default(50),
  })
  .strict();

export const auditExportQuerySchema = auditFilterSchema
  .extend({ format: z.enum(['csv', 'xlsx']).default('csv') })
  .strict();

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

export const auditActionsSchema = z.object({
  /** Every action the log holds, by name. */
  items: z.array(z.object({ action: z.string() })),
});
