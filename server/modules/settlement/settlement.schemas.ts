/** Request and response shapes of settlement and reconciliation. Imports only zod and the vocabularies. */
import { z } from 'zod';
import {
  batchStatuses,
  findingKinds,
  lineStatuses,
  objectionStatuses,
  reviewStageKinds,
} from '../../../db/schema/enums.ts';

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
/** Lines approved at once, as the officer saw them passing their checks (通过全部). */
export const approveLinesSchema = z.object({ lineIds: z.array(z.number().int().positive()).min(1).max(2000) }).strict();
export const paySchema = z.object({ reference: z.string().trim().min(4).max(100) }).strict();

/** An objection to a public notice, by anyone (no sign-in). */
export const objectionInputSchema = z
  .object({
    name: z.string().trim().min(2).max(50),
    contact: z.string().trim().min(5).max(100),
    content: z.string().trim().min(10).max(2000),
    /** The line objected to (its id on the notice); none: the batch as a whole. */
    lineId: z.number().int().positive().optional(),
  })
  .strict();
export const objectionAnswerSchema = z.object({ answer: z.string().trim().min(4).max(2000) }).strict();

/** What a lab (or an enterprise, in reimburse programmes) can claim: programmes and months with unclaimed uses. */
export const claimableSchema = z.object({
  items: z.array(
    z.object({
      programmeId: z.number().int(),
      programmeName: z.string(),
      month: z.string(),
      count: z.number().int(),
      voucherFen: z.number().int(),
      claimBy: z.string(),
    }),
  ),
});

/** The public notice page: batches in notice, with what a citizen may check. */
export const publicNoticeSchema = z.object({
  items: z.array(
    z.object({
      batchId: z.number().int(),
      programmeName: z.string(),
      month: z.string(),
      provider: z.string(),
      startsAt: z.string(),
      endsAt: z.string(),
      lastDay: z.string(),
      totalFen: z.number().int(),
      lines: z.array(
        z.object({
          lineId: z.number().int(),
          enterprise: z.string(),
          instrumentName: z.string(),
          serviceDate: z.string(),
          voucherFen: z.number().int(),
        }),
      ),
      objections: z.number().int(),
    }),
  ),
});

/** Invoice details sent with the file (query string: the file is the body). */
export const invoiceQuerySchema = z
  .object({
    invoiceNo: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{6,40}$/, '6–40 letters, digits or -'),
    amountFen: z
      .string()
      .regex(/^[1-9]\d{0,11}$/, 'whole fen, more than zero')
      .transform(Number),
    buyer: z.string().trim().min(2).max(100),
    name: z.string().trim().min(1).max(200).default('invoice'),
  })
  .strict();

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
  /** The office that reviews the line at the first stage (a city stage: the enterprise's city office). */
  reviewOffice: z.object({ id: z.number().int(), name: z.string() }),
  /** The stage (0-based) the line waits at; the number of stages once every stage let it through. */
  stage: z.number().int(),
  /** Each stage's decision on the line, oldest first (`passed`: not drawn in a stage's sample). */
  reviews: z.array(
    z.object({
      stage: z.number().int(),
      kind: z.enum(reviewStageKinds),
      office: z.string(),
      decision: z.enum(['approved', 'returned', 'rejected', 'passed']),
      reason: z.string().nullable(),
      by: z.string().nullable(),
      at: z.string(),
    }),
  ),
  /** The service agreement (服务协议) as claim evidence: its SHA-256 and acceptance (null: none drawn up). */
  agreement: z
    .object({
      sha256: z.string(),
      acceptedAt: z.string().nullable(),
      acceptedBy: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    })
    .nullable(),
  /** The invoice (发票) as uploaded: amount, buyer and the file (null: not uploaded). */
  invoice: z.object({
    amountFen: z.number().int().nullable(),
    buyer: z.string().nullable(),
    fileName: z.string().nullable(),
    url: z.string().nullable(),
  }),
  /** Whether the caller may decide the line now (its office, its stage). */
  mayDecide: z.boolean(),
});

export const objectionSchema = z.object({
  id: z.number().int(),
  lineId: z.number().int().nullable(),
  /** Who lodged it and how to reach them: shown to finance offices only (null for the claimant). */
  name: z.string().nullable(),
  contact: z.string().nullable(),
  content: z.string(),
  status: z.enum(objectionStatuses),
  answer: z.string().nullable(),
  answeredBy: z.string().nullable(),
  answeredAt: z.string().nullable(),
  lodgedAt: z.string(),
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
  /** The review stages, in order, and the one under way (0-based). */
  stages: z.array(z.object({ kind: z.enum(reviewStageKinds), samplePercent: z.number().int() })),
  stage: z.number().int(),
  /** The public notice (公示): from, to (exclusive, local midnight) and its last local day; null: none. */
  notice: z.object({ startsAt: z.string(), endsAt: z.string(), lastDay: z.string() }).nullable(),
  objections: z.array(objectionSchema),
  /** Who approved its lines (any stage) and who recorded the payment: never the same person. */
  approvers: z.array(z.string()),
  paidBy: z.string().nullable(),
  /** `own_lines`: a city office sees only the lines it reviews (the totals are of those lines). */
  scope: z.enum(['all', 'own_lines']),
  /** Whether the caller may record the payment now (the paying office, not an approver, payment open). */
  mayPay: z.boolean(),
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
  /**
   * Each voucher use once, at the stage it has reached (reserved → used → claimed → paid), by the month
   * of its use and by city: parts of one whole, which stack. grantedFen: none by month; by city, the
   * quotas granted to the city's enterprises.
   */
  stages: z.object({
    byMonth: z.array(z.object({ month: z.string(), ...moneyByKind })),
    byCity: z.array(z.object({ cityCode: z.string(), cityName: z.string(), ...moneyByKind })),
  }),
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
