/** Request and response shapes of the ledger API. Imports only zod and the vocabularies. */
import { z } from 'zod';
import { ledgerAccountKinds, transferStates } from '../../../db/schema/enums.ts';

/**
 * Whose an account is, by name, for a reader's label (kind's label · these names): the organisation (an
 * enterprise or a lab), the voucher programme, the controller group and the shared cap it belongs to. `name` is
 * the name stored when the account was opened (the search matches it), which may carry ids and mixed languages.
 */
export const accountOwnersSchema = z.object({
  organisationName: z.string().nullable(),
  programmeName: z.string().nullable(),
  groupName: z.string().nullable(),
  capName: z.string().nullable(),
});
export type AccountOwners = z.infer<typeof accountOwnersSchema>;

/** An account as a transfer names it. */
export const accountRefSchema = z
  .object({ id: z.number().int(), code: z.string(), kind: z.enum(ledgerAccountKinds), name: z.string() })
  .extend(accountOwnersSchema.shape);
export type AccountRef = z.infer<typeof accountRefSchema>;

export const accountSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  kind: z.enum(ledgerAccountKinds),
  name: z.string(),
  organisationId: z.number().int().nullable(),
  programmeId: z.number().int().nullable(),
  ...accountOwnersSchema.shape,
  debitsPendingFen: z.number().int(),
  debitsPostedFen: z.number().int(),
  creditsPendingFen: z.number().int(),
  creditsPostedFen: z.number().int(),
  /** credits posted − debits posted. */
  balanceFen: z.number().int(),
  /** What may still be debited: credits posted − debits posted − debits pending (for capped accounts). */
  availableFen: z.number().int(),
});
export type AccountView = z.infer<typeof accountSchema>;

export const accountListQuerySchema = z
  .object({ kind: z.enum(ledgerAccountKinds).optional(), q: z.string().trim().max(100).optional() })
  .strict();

export const transferSchema = z.object({
  id: z.string(),
  debitAccount: accountRefSchema,
  creditAccount: accountRefSchema,
  amountFen: z.number().int(),
  state: z.enum(transferStates),
  pendingId: z.string().nullable(),
  code: z.string(),
  bookingId: z.number().int().nullable(),
  processorRef: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type TransferView = z.infer<typeof transferSchema>;

export const transferListQuerySchema = z
  .object({
    accountId: z.string().regex(/^\d+$/).transform(Number).optional(),
    bookingId: z.string().regex(/^\d+$/).transform(Number).optional(),
    code: z.string().max(40).optional(),
    state: z.enum(transferStates).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().max(200).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().min(1).max(200))
      .default(50),
  })
  .strict();
