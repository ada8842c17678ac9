/** Request and response shapes of the instrument import API (zod only, so the SPA can share the types). */
import { z } from 'zod';
import { importErrorPolicies, importFormats, importStatuses } from '../../../db/schema/enums.ts';

const id = z.number().int();

export const importViewSchema = z.object({
  id,
  institution: z.object({ id, name: z.string() }),
  createdBy: z.object({ id, name: z.string() }),
  fileName: z.string(),
  format: z.enum(importFormats),
  status: z.enum(importStatuses),
  errorPolicy: z.enum(importErrorPolicies).nullable(),
  /** Data rows of the sheet (known once the dry run has read it all; until then, rows read so far). */
  totalRows: z.number().int(),
  validRows: z.number().int(),
  errorRows: z.number().int(),
  /** Rows gone through in the current phase (validation or import). */
  processedRows: z.number().int(),
  createdCount: z.number().int(),
  updatedCount: z.number().int(),
  unchangedCount: z.number().int(),
  submittedCount: z.number().int(),
  failure: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
});
export type ImportView = z.infer<typeof importViewSchema>;

export const importErrorSchema = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
});
export type ImportError = z.infer<typeof importErrorSchema>;

const intParam = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

export const uploadQuerySchema = z
  .object({
    /** Platform admins: the institution the records belong to. Lab managers: their own (may be omitted). */
    institutionId: intParam(2 ** 31).optional(),
    fileName: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const listQuerySchema = z
  .object({
    institutionId: intParam(2 ** 31).optional(),
    limit: intParam(100).pipe(z.number().min(1, 'at least 1')).default(20),
  })
  .strict();

export const errorsQuerySchema = z
  .object({
    offset: intParam(10_000_000).default(0),
    limit: intParam(500).pipe(z.number().min(1, 'at least 1')).default(100),
  })
  .strict();

export const formatQuerySchema = z.object({ format: z.enum(importFormats).optional() }).strict();

export const runBodySchema = z.object({ errorPolicy: z.enum(importErrorPolicies) }).strict();

export const errorPageSchema = z.object({
  items: z.array(importErrorSchema),
  total: z.number().int(),
});
