/** Request and response shapes of testing needs and quotes (需求发布 / 供需对接). Imports only zod and the vocabularies. */
import { z } from 'zod';
import { quoteStatuses, testingNeedStatuses, testingNeedVisibilities } from '../../../db/schema/enums.ts';
import { instrumentSummarySchema } from '../catalog/catalog.schemas.ts';
import { voucherSplitSchema } from '../vouchers/vouchers.schemas.ts';

const isoDate = z.iso.date('an ISO date YYYY-MM-DD');
const fen = z.number().int().min(0).max(1e12);
const id = z.number().int().positive();
const positiveId = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
  .transform(Number);

export const needInputSchema = z
  .object({
    title: z.string().trim().min(2).max(100),
    /** What must be measured, in the enterprise's words (searched against the catalogue). */
    description: z.string().trim().min(2).max(2000),
    categoryCode: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit national category code')
      .optional(),
    sampleType: z.string().trim().max(100).optional(),
    sampleCount: z.number().int().min(1).max(10_000).optional(),
    /** The date the results are needed by (Asia/Shanghai). */
    deadline: isoDate.optional(),
    budgetMinFen: fen.optional(),
    budgetMaxFen: fen.optional(),
    cityCode: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit city code')
      .optional(),
    visibility: z.enum(testingNeedVisibilities).default('public'),
    /** The institutions an invited need is sent to (and asked to quote on a public one). */
    institutionIds: z.array(id).max(20).default([]),
    /** The last day quotes are taken (default: 14 days on, never after the deadline). */
    expiresOn: isoDate.optional(),
  })
  .strict()
  .refine((v) => v.budgetMinFen === undefined || v.budgetMaxFen === undefined || v.budgetMinFen <= v.budgetMaxFen, {
    message: 'budgetMinFen must not exceed budgetMaxFen',
    path: ['budgetMinFen'],
  })
  .refine((v) => v.visibility === 'public' || v.institutionIds.length > 0, {
    message: 'an invited need names the institutions it is sent to',
    path: ['institutionIds'],
  });
export type NeedInput = z.infer<typeof needInputSchema>;

export const needListQuerySchema = z
  .object({
    status: z.enum(testingNeedStatuses).optional(),
    category: z
      .string()
      .regex(/^\d{2,6}$/)
      .optional(),
    city: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
    q: z.string().trim().max(100).optional(),
    /** Labs: only the needs sent to or matched with the caller's institution. */
    mine: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type NeedListQuery = z.infer<typeof needListQuerySchema>;

export const suggestionSchema = z.object({
  institutionId: z.number().int(),
  institutionName: z.string(),
  reason: z.enum(['invited', 'matched']),
  instruments: z.array(instrumentSummarySchema),
});

const attachmentSchema = z.object({
  id: z.number().int(),
  fileName: z.string(),
  mime: z.string(),
  size: z.number().int(),
  uploadedAt: z.string(),
  url: z.string(),
});

export const timelineEntrySchema = z.object({
  at: z.string(),
  /** posted, quoted, quote_withdrawn, accepted, declined, expired, withdrawn, booked */
  event: z.string(),
  quoteId: z.number().int().nullable(),
  institutionName: z.string().nullable(),
});

export const needSchema = z.object({
  id: z.number().int(),
  enterprise: z.object({ id: z.number().int(), name: z.string() }),
  title: z.string(),
  description: z.string(),
  category: z.object({ code: z.string(), name: z.string() }).nullable(),
  sampleType: z.string().nullable(),
  sampleCount: z.number().int().nullable(),
  deadline: z.string().nullable(),
  budgetMinFen: z.number().int().nullable(),
  budgetMaxFen: z.number().int().nullable(),
  city: z.object({ code: z.string(), name: z.string() }).nullable(),
  visibility: z.enum(testingNeedVisibilities),
  status: z.enum(testingNeedStatuses),
  expiresAt: z.string(),
  acceptedQuoteId: z.number().int().nullable(),
  /** The booking made on the accepted quote, if any (the latest). */
  bookingId: z.number().int().nullable(),
  quoteCount: z.number().int(),
  createdAt: z.string(),
  /** The caller is the posting enterprise. */
  own: z.boolean(),
  /** Labs: the caller's institution may quote now (open, not expired, not quoted yet). */
  canQuote: z.boolean(),
  /** Labs: how the need reached the caller's institution. */
  reason: z.enum(['invited', 'matched']).nullable(),
  /** The enterprise and platform admins: every institution told; labs: their own entry. */
  suggestions: z.array(suggestionSchema),
  attachments: z.array(attachmentSchema),
  timeline: z.array(timelineEntrySchema),
});
export type NeedView = z.infer<typeof needSchema>;

export const needSummarySchema = needSchema.omit({ suggestions: true, attachments: true, timeline: true });
export type NeedSummary = z.infer<typeof needSummarySchema>;

export const quoteLineInputSchema = z
  .object({
    /** A rate-card item of the instrument (priced at its enterprise price), or none with a negotiated unit price. */
    rateItemId: id.optional(),
    label: z.string().trim().min(1).max(100).optional(),
    unit: z.enum(['hour', 'sample']).optional(),
    quantity: z.number().positive().max(10_000),
    unitFen: z.number().int().min(0).max(1e10).optional(),
  })
  .strict();

export const quoteInputSchema = z
  .object({
    instrumentId: id,
    lines: z.array(quoteLineInputSchema).min(1).max(10),
    /** True: the unit prices are agreed for this need (each line gives unitFen); false: from the rate card. */
    negotiated: z.boolean().default(false),
    earliestDate: isoDate,
    validUntil: isoDate,
    note: z.string().trim().max(1000).optional(),
  })
  .strict();
export type QuoteInput = z.infer<typeof quoteInputSchema>;

export const quoteLineSchema = z.object({
  rateItemId: z.number().int().nullable(),
  label: z.string(),
  unit: z.enum(['hour', 'sample']),
  quantity: z.number(),
  unitFen: z.number().int(),
  amountFen: z.number().int(),
});

export const quoteSchema = z.object({
  id: z.number().int(),
  needId: z.number().int(),
  needTitle: z.string(),
  institution: z.object({ id: z.number().int(), name: z.string() }),
  instrument: z.object({ id: z.number().int(), nameZh: z.string(), model: z.string().nullable() }),
  lines: z.array(quoteLineSchema),
  totalFen: z.number().int(),
  negotiated: z.boolean(),
  earliestDate: z.string(),
  validUntil: z.string(),
  note: z.string().nullable(),
  status: z.enum(quoteStatuses),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  /** The booking made on it, if any. */
  bookingId: z.number().int().nullable(),
});
export type QuoteView = z.infer<typeof quoteSchema>;

export const quoteListQuerySchema = z.object({ status: z.enum(quoteStatuses).optional() }).strict();

export const comparisonSchema = z.object({
  needId: z.number().int(),
  items: z.array(
    quoteSchema.extend({
      /** What the voucher would pay and the enterprise would pay itself (as the checkout would split it today). */
      split: voucherSplitSchema.pick({ voucherFen: true, selfPayFen: true, limitedBy: true, ineligible: true }),
      /** The lab's average rating of its completed bookings (1–5), and how many ratings. */
      rating: z.number().nullable(),
      ratingCount: z.number().int(),
      city: z.object({ code: z.string(), name: z.string() }).nullable(),
      /** The quote may be accepted now (submitted and still valid, the need open). */
      acceptable: z.boolean(),
    }),
  ),
});

export const listParams = z.object({ id: positiveId });
export const attachmentParams = z.object({ id: positiveId, attachmentId: positiveId });
export const attachmentQuerySchema = z.object({ name: z.string().trim().min(1).max(200) }).strict();
