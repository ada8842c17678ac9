import { z } from 'zod';

export const ROLES = ['researcher', 'lab_manager', 'finance_officer', 'platform_admin'] as const;

export const loginSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(200)),
    password: z.string().min(1).max(200),
  })
  .strict();
export type LoginInput = z.infer<typeof loginSchema>;

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  organisation: z.object({
    id: z.number().int(),
    kind: z.enum(['enterprise', 'institution', 'finance_office', 'platform']),
    name: z.string(),
    cityCode: z.string().nullable(),
  }),
});
export type UserView = z.infer<typeof userSchema>;

export const sessionSchema = z.object({ user: userSchema });
