/** Shapes of the service agreement API. */
import { z } from 'zod';

export const agreementSchema = z.object({
  bookingId: z.number().int(),
  /** The agreement's printed number (FW-<date>-<booking>). */
  number: z.string(),
  /** SHA-256 (hex) of the stored PDF's bytes: what an acceptance names. */
  sha256: z.string(),
  createdAt: z.string(),
  pdfUrl: z.string(),
  accepted: z
    .object({
      by: z.object({ id: z.number().int(), name: z.string() }),
      at: z.string(),
      /** The client address the acceptance came from. */
      from: z.string().nullable(),
    })
    .nullable(),
  /** Whether the caller may accept it now (a user of the enterprise that booked, not yet accepted). */
  canAccept: z.boolean(),
});
export type AgreementView = z.infer<typeof agreementSchema>;

export const acceptSchema = z
  .object({ sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'the SHA-256 (64 hex digits) of the agreement read') })
  .strict();
