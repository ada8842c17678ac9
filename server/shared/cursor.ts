import type { z } from 'zod';
import { badRequest } from './errors.ts';

/** Opaque pagination cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('malformed cursor', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw badRequest('malformed cursor', [{ path: 'cursor', message: 'not a cursor this API issued' }]);
  }
  return parsed.data;
}
