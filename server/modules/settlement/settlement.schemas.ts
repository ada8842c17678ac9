/** Request and response shapes of settlement and reconciliation. Imports only zod and the vocabularies. */
import { z } from 'zod';
import { batchStatuses, findingKinds, lineStatuses } from '../../../db/schema/enums.ts';

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

export const createBatchSchema = z.object({ programmeId: z.number().int().positive(), month: monthSchema }).strict();

export const bankAccountSchema = z
  .object({
    bankName: z.string().trim().min(2).max(100),
    accountName: z.string().trim().min(2).max(100),
    accountNo: z
      .string()
      .trim()
      .regex(/^[\d ]{8,40}$/, 'digits (spaces allowed)'),
  })
  .strict();

export const submitSchema = z.object({ bankAccount: bankAccountSchema }).strict();

export const lineEvidenceSchema = z
  .object({
    invoiceNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,40}$/, '6–40 letters, digits or -')
      .optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const approveLineSchema = z
  .object({
    reason: z.string().trim().max(500).optional(),
    /** Needed to approve a line whose checks failed: why it may be paid anyway. */
    overrideReason: z.string().trim().min(4).max(500).optional(),
  })
  .strict();
export const decideLineSchema = z.object({ reason: z.string().trim().min(2).max(500) }).strict();
export const paySchema = z.object({ reference: z.string().trim().min(4).max(100) }).strict();

export const checkSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });

export const lineSchema = z.object({
  id: z.number().int(),
  bookingId: z.number().int(),
  voucherUseId: z.number().int(),
  enterprise: z.object({ id: z.number().int(), name: z.string() }),
  instrumentName: z.string(),
  serviceDate: z.string(),
  totalFen: z.number().int(),
  selfPayFen: z.number().int(),
  voucherFen: z.number().int(),
  invoiceNo: z.string().nullable(),
  paymentRef: z.string().nullable(),
  serviceRecord: z.string(),
  reportUrl: z.string().nullable(),
  note: z.string().nullable(),
  status: z.enum(lineStatuses),
  reason: z.string().nullable(),
  override: z.object({ by: z.string(), reason: z.string() }).nullable(),
  checks: z.array(checkSchema),
  checksOk: z.boolean(),
});

export const batchSchema = z.object({
  id: z.number().int(),
  status: z.enum(batchStatuses),
  programmeId: z.number().int(),
  programmeName: z.string(),
  month: z.string(),
  claimant: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['provider', 'enterprise']) }),
  reviewOffice: z.object({ id: z.number().int(), name: z.string() }),
  totalFen: z.number().int(),
  approvedFen: z.number().int(),
  rejectedFen: z.number().int(),
  openFen: z.number().int(),
  paidFen: z.number().int().nullable(),
  paidReference: z.string().nullable(),
  bankAccount: bankAccountSchema.nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  /** Days since submission (or creation, for drafts). */
  ageDays: z.number().int(),
  lineCount: z.number().int(),
  lines: z.array(lineSchema),
  history: z.array(
    z.object({
      lineId: z.number().int().nullable(),
      action: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      by: z.string().nullable(),
      reason: z.string().nullable(),
      at: z.string(),
    }),
  ),
  /** Other batches made by the same request (lines reviewed by other finance offices). */
  siblings: z.array(z.object({ id: z.number().int(), reviewOffice: z.string() })).optional(),
});
export type BatchView = z.infer<typeof batchSchema>;

export const batchListQuerySchema = z
  .object({
    status: z.enum(batchStatuses).optional(),
    programmeId: z.string().regex(/^\d+$/).transform(Number).optional(),
  })
  .strict();

export const runRequestSchema = z
  .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .strict();

export const findingSchema = z.object({
  id: z.number().int(),
  kind: z.enum(findingKinds),
  amountFen: z.number().int(),
  ref: z.string(),
  detail: z.string(),
  resolved: z.boolean(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
});

export const runSchema = z.object({
  id: z.number().int(),
  status: z.enum(['running', 'clean', 'findings', 'failed']),
  from: z.string(),
  to: z.string(),
  trigger: z.enum(['manual', 'schedule']),
  summary: z.record(z.string(), z.number()).nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  openFindings: z.number().int(),
  findings: z.array(findingSchema),
});
export type RunView = z.infer<typeof runSchema>;

export const resolveSchema = z.object({ note: z.string().trim().min(2).max(1000) }).strict();
export const exportQuerySchema = z.object({ format: z.enum(['csv', 'xlsx', 'pdf']).default('csv') }).strict();

const moneyByKind = {
  grantedFen: z.number().int(),
  reservedFen: z.number().int(),
  usedFen: z.number().int(),
  claimedFen: z.number().int(),
  paidFen: z.number().int(),
};

export const dashboardSchema = z.object({
  /** The city a city finance office sees; null: the whole province. */
  scope: z.object({ cityCode: z.string(), cityName: z.string() }).nullable(),
  byMonth: z.array(z.object({ month: z.string(), ...moneyByKind })),
  byCity: z.array(z.object({ cityCode: z.string(), cityName: z.string(), ...moneyByKind })),
  openBatches: z.array(
    z.object({
      id: z.number().int(),
      claimant: z.string(),
      reviewOffice: z.string(),
      month: z.string(),
      status: z.enum(batchStatuses),
      totalFen: z.number().int(),
      ageDays: z.number().int(),
    }),
  ),
  latestRun: z
    .object({
      id: z.number().int(),
      status: z.enum(['running', 'clean', 'findings', 'failed']),
      finishedAt: z.string().nullable(),
      openFindings: z.number().int(),
    })
    .nullable(),
});
export type DashboardView = z.infer<typeof dashboardSchema>;
