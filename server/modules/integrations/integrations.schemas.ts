/**
 * What the integrations API takes and answers: API keys (the lab's page) and the completed service
 * records an institution's own booking system or LIMS pushes with one of them.
 */
import { z } from 'zod';
import { bookingModes, serviceUserTypes } from '../../../db/schema/enums.ts';
import { creditCodeMessage, creditCodeProblem, normaliseCreditCode } from '../organisations/credit-code.ts';

/** Records per push: enough for a day of a busy LIMS, small enough for one transaction. */
export const MAX_BATCH = 500;

const text = (max: number) => z.string().trim().min(1).max(max);
/** ISO 8601 with an offset (Z or ±hh:mm): a time without one could be read in either zone. */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, 'an ISO 8601 time with its offset')
  .refine((s) => Number.isFinite(Date.parse(s)), 'an ISO 8601 time with its offset')
  .transform((s) => Date.parse(s));

export const apiKeyInputSchema = z
  .object({ name: text(60), institutionId: z.number().int().positive().optional() })
  .strict();

export const apiKeySchema = z.object({
  id: z.number().int(),
  institutionId: z.number().int(),
  name: z.string(),
  /** The key's first characters, to tell keys apart (the rest is never shown again). */
  prefix: z.string(),
  createdAt: z.number().int(),
  createdByName: z.string().nullable(),
  lastUsedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeySchema>;

/** The new key with its secret: answered once, at creation. */
export const createdApiKeySchema = apiKeySchema.extend({ secret: z.string() });

export const apiKeyListQuerySchema = z
  .object({
    institutionId: z
      .string()
      .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
      .transform(Number)
      .optional(),
  })
  .strict();

/** One completed service from the institution's own system. */
export const pushRecordSchema = z
  .object({
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\w.:/#-]+$/, 'letters, digits and - _ . : / #'),
    instrumentId: z.number().int().positive().optional(),
    assetNumber: text(64).optional(),
    mode: z.enum(bookingModes),
    start: instant,
    end: instant,
    minutes: z.number().int().min(1).max(100_000).optional(),
    samples: z.number().int().min(1).max(100_000).optional(),
    amountFen: z.number().int().min(0).max(100_000_000_00),
    purpose: text(500).optional(),
    userName: text(60),
    userOrganisation: text(120),
    userCreditCode: z
      .string()
      .max(40)
      .transform(normaliseCreditCode)
      .superRefine((code, ctx) => {
        const problem = creditCodeProblem(code);
        if (problem) ctx.addIssue({ code: 'custom', message: creditCodeMessage(problem) });
      })
      .optional(),
    userType: z.enum(serviceUserTypes),
    rating: z.number().int().min(1).max(5).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.instrumentId === undefined) === (r.assetNumber === undefined))
      ctx.addIssue({ code: 'custom', path: ['instrumentId'], message: 'give instrumentId or assetNumber, not both' });
    if (r.end <= r.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'after the start' });
    if (r.mode === 'machine_time' && r.minutes === undefined)
      ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'machine time needs the minutes used' });
    if (r.mode === 'sample' && r.samples === undefined)
      ctx.addIssue({ code: 'custom', path: ['samples'], message: 'sample testing needs the number of samples' });
    if (r.minutes !== undefined && r.end > r.start && r.minutes > Math.ceil((r.end - r.start) / 60_000))
      ctx.addIssue({ code: 'custom', path: ['minutes'], message: 'more minutes than from start to end' });
    if (r.userType === 'external' && r.userCreditCode === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['userCreditCode'],
        message: 'an external user’s organisation needs its credit code',
      });
  });
export type PushRecord = z.infer<typeof pushRecordSchema>;

export const pushBodySchema = z
  .object({ records: z.array(pushRecordSchema).min(1).max(MAX_BATCH) })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.records.forEach((r, i) => {
      if (seen.has(r.externalId))
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'externalId'],
          message: 'the same externalId twice in one push',
        });
      seen.add(r.externalId);
    });
  });

export const pushResultSchema = z.object({
  externalId: z.string(),
  /** created / updated / unchanged: stored; refused: not stored (see error). */
  status: z.enum(['created', 'updated', 'unchanged', 'refused']),
  id: z.number().int().nullable(),
  error: z.object({ code: z.enum(['forbidden', 'not_found']), reason: z.string() }).optional(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const pushAnswerSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  refused: z.number().int(),
  results: z.array(pushResultSchema),
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const posInt = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
  .transform(Number);

export const recordListQuerySchema = z
  .object({
    institutionId: posInt.optional(),
    instrumentId: posInt.optional(),
    from: day.optional(),
    to: day.optional(),
    userType: z.enum(serviceUserTypes).optional(),
    /** The institution's record id, or part of the user's name or organisation. */
    q: z.string().trim().max(100).optional(),
    page: z
      .string()
      .regex(/^[1-9]\d{0,5}$/, 'a page number')
      .transform(Number)
      .optional(),
    pageSize: z
      .string()
      .regex(/^[1-9]\d{0,2}$/, 'a page size')
      .transform(Number)
      .optional(),
  })
  .strict();

export const externalRecordSchema = z.object({
  id: z.number().int(),
  externalId: z.string(),
  institutionId: z.number().int(),
  instrumentId: z.number().int(),
  instrumentName: z.string(),
  assetNumber: z.string(),
  mode: z.enum(bookingModes),
  startAt: z.number().int(),
  endAt: z.number().int(),
  minutes: z.number().int().nullable(),
  samples: z.number().int().nullable(),
  amountFen: z.number().int(),
  purpose: z.string().nullable(),
  userName: z.string(),
  userOrganisation: z.string(),
  userCreditCode: z.string().nullable(),
  userOrganisationId: z.number().int().nullable(),
  userType: z.enum(serviceUserTypes),
  rating: z.number().int().nullable(),
  apiKeyName: z.string().nullable(),
  receivedAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ExternalRecordView = z.infer<typeof externalRecordSchema>;

export const recordPageSchema = z.object({
  items: z.array(externalRecordSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
