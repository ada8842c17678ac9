/** The API's shape of a stored document (a registration's or an application's). Imports only zod and the enums. */
import { z } from 'zod';
import { documentKinds } from '../../../db/schema/enums.ts';

export const documentSchema = z.object({
  id: z.number().int(),
  kind: z.enum(documentKinds),
  fileName: z.string(),
  mime: z.string(),
  size: z.number().int(),
  uploadedAt: z.string(),
  url: z.string(),
});
