import { z } from 'zod';

import { organisationKinds, roles } from '../../../db/schema/enums.ts';

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
  role: z.enum(roles),
  organisation: z.object({
    id: z.number().int(),
    kind: z.enum(organisationKinds),
    name: z.string(),
    cityCode: z.string().nullable(),
  }),
});
export type UserView = z.infer<typeof userSchema>;

export const sessionSchema = z.object({ user: userSchema });

export const demoAccountsSchema = z.object({
  accounts: z.array(z.object({ email: z.string(), role: z.enum(roles) })),
});
