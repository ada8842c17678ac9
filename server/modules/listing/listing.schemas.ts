/** Request and response shapes of listing review (入网审核). Imports only zod and the vocabularies, so the SPA can share them. */
import { z } from 'zod';
import { listingKinds, listingSources, listingStatuses, reviewActions } from '../../../db/schema/enums.ts';
import { instrumentPatchSchema, type InstrumentDetail } from '../catalog/catalog.schemas.ts';

/** The key-field change of a published record awaiting review, as the instrument's detail shows it to editors. */
export type PendingChange = NonNullable<InstrumentDetail['pendingChange']>;

const int = z.number().int();

/** The queue's orders (`sort`): by submission time or institution name, ascending or descending. */
export const listingSorts = ['submitted_asc', 'submitted_desc', 'institution_asc', 'institution_desc'] as const;
export type ListingSort = (typeof listingSorts)[number];
const intParam = (max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

export const listingSubmissionSchema = z.object({
  id: int,
  kind: z.enum(listingKinds),
  status: z.enum(listingStatuses),
  source: z.enum(listingSources),
  importId: int.nullable(),
  institution: z.object({ id: int, name: z.string() }),
  /** Change: the published instrument; new: the instrument made on approval (null before). */
  instrumentId: int.nullable(),
  assetNumber: z.string(),
  nameZh: z.string(),
  category: z.object({ code: z.string(), name: z.string().nullable() }),
  city: z.object({ code: z.string(), name: z.string().nullable() }),
  /** New: the whole record as POST /instruments takes it; change: the changed key fields only. */
  record: z.record(z.string(), z.unknown()),
  /** Change: the published values of the changed fields. */
  published: z.record(z.string(), z.unknown()).nullable(),
  /** The last return's (or rejection's) reasons per field, and its note. */
  fieldReasons: z.record(z.string(), z.string()).nullable(),
  note: z.string().nullable(),
  submittedAt: int,
  submittedBy: z.string().nullable(),
  decidedAt: int.nullable(),
  decidedBy: z.string().nullable(),
  updatedAt: int,
});
export type ListingSubmission = z.infer<typeof listingSubmissionSchema>;

export const listingDiffSchema = z.object({
  field: z.string(),
  /** The published value (null for a new record). */
  published: z.unknown(),
  proposed: z.unknown(),
});

export const listingHistorySchema = z.object({
  action: z.enum(reviewActions),
  note: z.string().nullable(),
  at: int,
  actorName: z.string().nullable(),
  actorOrganisation: z.string().nullable(),
});

export const listingSubmissionDetailSchema = listingSubmissionSchema.extend({
  /** Field by field: published → proposed (a new record: every field it gives). */
  diff: z.array(listingDiffSchema),
  history: z.array(listingHistorySchema),
  /** Whether the caller may decide it (pending, and a reviewer of its city), or fix and resubmit / withdraw it. */
  canReview: z.boolean(),
  canEdit: z.boolean(),
});
export type ListingSubmissionDetail = z.infer<typeof listingSubmissionDetailSchema>;

export const listingQuerySchema = z
  .object({
    status: z.enum(listingStatuses).optional(),
    kind: z.enum(listingKinds).optional(),
    source: z.enum(listingSources).optional(),
    city: z
      .string()
      .regex(/^\d{6}$/, 'a 6-digit city code')
      .optional(),
    institutionId: intParam(2 ** 38).optional(),
    instrumentId: intParam(2 ** 38).optional(),
    /** Text in the instrument's name, its asset number or the institution's name (any case). */
    q: z.string().trim().max(100, 'at most 100 characters').optional(),
    /**
     * The order: by submission time or by the institution's name (code-point order, both engines), either
     * way; ties by submission time, then id. Default: oldest waiting first for pending work, else the
     * latest changed first.
     */
    sort: z.enum(listingSorts).optional(),
    page: intParam(100_000).pipe(z.number().min(1, 'at least 1')).default(1),
    pageSize: intParam(100).pipe(z.number().min(1, 'at least 1')).default(20),
  })
  .strict();
export type ListingQuery = z.infer<typeof listingQuerySchema>;

export const listingCountsSchema = z.object(
  Object.fromEntries(listingStatuses.map((s) => [s, int])) as Record<(typeof listingStatuses)[number], typeof int>,
);

export const listingPageSchema = z.object({
  items: z.array(listingSubmissionSchema),
  total: int,
  page: int,
  pageSize: int,
  /** Submissions per status under the other filters. */
  counts: listingCountsSchema,
});
export type ListingPage = z.infer<typeof listingPageSchema>;

const note = z.string().trim().max(500);

export const approveListingSchema = z.object({ note: note.nullable().default(null) }).strict();

export const returnListingSchema = z
  .object({
    /** Field name → what to fix (the field names of the record). */
    fieldReasons: z.record(z.string().max(40), z.string().trim().min(1).max(200)).default({}),
    note: note.nullable().default(null),
  })
  .strict()
  .refine((v) => Object.keys(v.fieldReasons).length > 0 || !!v.note, {
    message: 'give a reason for at least one field, or a note',
    path: ['fieldReasons'],
  });

export const rejectListingSchema = z.object({ note: note.min(1, 'say why') }).strict();

export const bulkApproveSchema = z
  .object({ ids: z.array(z.number().int().positive()).min(1).max(200, 'at most 200 at a time') })
  .strict();

export const bulkApproveResultSchema = z.object({
  results: z.array(
    z.object({
      id: int,
      ok: z.boolean(),
      instrumentId: int.nullable(),
      error: z.object({ code: z.string(), detail: z.string() }).nullable(),
    }),
  ),
  approved: int,
  failed: int,
});

/** A returned submission fixed by the lab: the fields it changes (new: any field; change: key fields). */
export const resubmitListingSchema = z
  .object({ record: instrumentPatchSchema.default({}), note: note.nullable().default(null) })
  .strict();
