/** Request and response shapes of bank transfers (对公转账). Imports only zod and the vocabularies. */
import { z } from 'zod';
import { paymentNoticeStatuses } from '../../../db/schema/enums.ts';
import { bankAccountSchema } from '../settlement/settlement.schemas.ts';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const amountSchema = z.number().int('whole fen').min(1).max(100_000_000_000);
/** The bank's own number of the transfer (流水号), as its statement shows it. */
const bankReferenceSchema = z
  .string()
  .trim()
  .min(4)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-_/.]*$/, 'letters, digits and - _ / . as the bank statement shows it');

export const receiptInputSchema = z
  .object({
    amountFen: amountSchema,
    receivedOn: dateSchema,
    bankReference: bankReferenceSchema,
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const returnInputSchema = z
  .object({
    amountFen: amountSchema,
    returnedOn: dateSchema,
    bankReference: bankReferenceSchema,
    note: z.string().trim().max(500).optional(),
  })
  .strict();

export const receiptSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['receipt', 'return']),
  amountFen: z.number().int(),
  receivedOn: z.string(),
  bankReference: z.string(),
  note: z.string().nullable(),
  proof: z.object({ fileName: z.string(), url: z.string() }).nullable(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
});

export const noticeSchema = z.object({
  id: z.number().int(),
  bookingId: z.number().int(),
  /** The remittance reference (汇款识别码) to quote in the transfer's memo. */
  reference: z.string(),
  status: z.enum(paymentNoticeStatuses),
  amountFen: z.number().int(),
  /** Receipts less returns. */
  receivedFen: z.number().int(),
  outstandingFen: z.number().int(),
  /** Paid beyond what is owed (all of it, for a cancelled booking): to be returned. */
  excessFen: z.number().int(),
  /** Local date, inclusive. */
  dueOn: z.string(),
  overdue: z.boolean(),
  payee: bankAccountSchema,
  provider: z.object({ id: z.number().int(), name: z.string() }),
  enterprise: z.object({ id: z.number().int(), name: z.string() }),
  instrumentName: z.string().nullable(),
  createdAt: z.string(),
  remindedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  receipts: z.array(receiptSchema),
  pdfUrl: z.string(),
  /** Whether the caller may record receipts and returns. */
  canRecord: z.boolean(),
});
export type NoticeView = z.infer<typeof noticeSchema>;

export const noticeListQuerySchema = z
  .object({
    /** `active`: still waiting for money or for an excess to be returned. */
    status: z.enum([...paymentNoticeStatuses, 'active']).optional(),
    /** A remittance reference as typed (case, spaces and dashes do not matter). */
    reference: z.string().max(30).optional(),
  })
  .strict();

export const transferSettingsSchema = z
  .object({
    /** Where enterprises transfer to; null: the lab takes no bank transfers (cards only). */
    bankAccount: bankAccountSchema.nullable(),
    /** Days after confirmation the enterprise has to pay (never later than the day before the service). */
    transferDueDays: z.number().int().min(1).max(60),
    /** Cancel a booking still unpaid a day after the overdue reminder (before the service). */
    transferCancelUnpaid: z.boolean(),
  })
  .strict();
