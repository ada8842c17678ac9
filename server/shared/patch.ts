/**
 * PATCH bodies. A PATCH changes exactly the fields it names. zod 4's `.partial()` keeps each field's
 * `.default()`, so a PATCH derived that way would write the default into every field it did not
 * name (a fee-note edit putting an instrument under repair back to `normal`). Imports only zod, so
 * the SPA may use it too.
 */
import { z } from 'zod';

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;
export type PatchShape<S extends z.ZodRawShape> = { [K in keyof S]: z.ZodOptional<WithoutDefault<S[K]>> };

/** Every field of `schema` optional and none defaulted: a field left out stays undefined. */
export function patchSchemaOf<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
): z.ZodObject<PatchShape<S>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const inner = (field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType;
    shape[key] = inner.optional();
  }
  return z.object(shape).strict() as unknown as z.ZodObject<PatchShape<S>, z.core.$strict>;
}

/** The fields a PATCH named (drops keys whose value is undefined), ready to spread over a stored row. */
export function namedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
