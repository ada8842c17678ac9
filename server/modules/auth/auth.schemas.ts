import { z } from 'zod';

import { organisationKinds, organisationStatuses, roles } from '../../../db/schema/enums.ts';
import { restrictions } from './actor.ts';

const email = z.string().trim().toLowerCase().pipe(z.email().max(200));
/** A password as typed (its rules are the service's: passwordProblems). */
const password = z.string().min(1).max(200);

export const loginSchema = z
  .object({
    email,
    password,
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
    /** Registration review: only an approved organisation's people may act. */
    status: z.enum(organisationStatuses),
  }),
  /** What the account must do before it may act (null: nothing); every other route answers 403 until then. */
  restriction: z.enum(restrictions).nullable(),
  /** The organisation's administrator (manages its people and its registration). */
  orgAdmin: z.boolean(),
  emailVerified: z.boolean(),
  secondFactorEnabled: z.boolean(),
  /** When the password must be changed (null: passwords do not expire here). */
  passwordExpiresAt: z.iso.datetime().nullable(),
});
export type UserView = z.infer<typeof userSchema>;

export const sessionSchema = z.object({ user: userSchema });
/** GET /auth/session: the signed-in user, or null for an anonymous caller (no session, or one that ended). */
export const optionalSessionSchema = z.object({ user: userSchema.nullable() });

/** Signed in (`user`), or the password was right and the authenticator's code is to come. */
export const loginResultSchema = z.object({
  user: userSchema.optional(),
  secondFactorRequired: z.boolean(),
});

/** The second step of signing in: a code of the authenticator app, or one of the recovery codes. */
export const secondFactorSchema = z
  .object({
    code: z.string().trim().max(20).optional(),
    recoveryCode: z.string().trim().max(40).optional(),
  })
  .strict()
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), {
    message: 'give either code or recoveryCode',
    path: ['code'],
  });
export type SecondFactorInput = z.infer<typeof secondFactorSchema>;

export const demoAccountsSchema = z.object({
  accounts: z.array(z.object({ email: z.string(), role: z.enum(roles) })),
});

// ---- Passwords ----

export const changePasswordSchema = z.object({ currentPassword: password, newPassword: password }).strict();
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const forgotPasswordSchema = z.object({ email }).strict();

export const acceptedSchema = z.object({
  /** Always true: the answer is the same whether or not the address has an account. */
  accepted: z.literal(true),
});

/** The token of a reset link (base64url, 43 characters). */
const token = z.string().trim().min(10).max(100);

export const resetTokenSchema = z.object({ token }).strict();
export const resetPasswordSchema = z.object({ token, password }).strict();
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;

export const resetTokenStateSchema = z.object({
  /** The account's e-mail, masked (z***@example.com). */
  email: z.string(),
  expiresAt: z.iso.datetime(),
});

// ---- Sessions ----

export const sessionViewSchema = z.object({
  /** Names the session in these routes (not the cookie, nor what the server stores of it). */
  id: z.string(),
  /** Browser and system, read from the User-Agent ("Chrome 131 · Windows"). */
  device: z.string(),
  mobile: z.boolean(),
  userAgent: z.string().nullable(),
  /** The client address at sign-in, or as last seen. */
  address: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** The session this request came with. */
  current: z.boolean(),
});
export type SessionView = z.infer<typeof sessionViewSchema>;

export const sessionListSchema = z.object({ sessions: z.array(sessionViewSchema) });
export const sessionIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'a session id') });
export const endedSchema = z.object({ ended: z.number().int() });

// ---- Second factor ----

export const secondFactorStateSchema = z.object({
  enabled: z.boolean(),
  enabledAt: z.iso.datetime().nullable(),
  /** Unused recovery codes left. */
  recoveryCodesLeft: z.number().int(),
  /** The installation requires it for this account's role. */
  required: z.boolean(),
  /** An enrolment was started and not yet confirmed. */
  enrolmentPending: z.boolean(),
});

export const passwordCheckSchema = z.object({ password }).strict();

export const enrolmentSchema = z.object({
  /** The secret in base32, for typing into an app that cannot scan. */
  secret: z.string(),
  /** The otpauth:// address the QR code holds. */
  uri: z.string(),
  /** The QR code as a PNG data: URL. */
  qrDataUrl: z.string(),
});

export const codeSchema = z.object({ code: z.string().trim().min(1).max(20) }).strict();

export const recoveryCodesSchema = z.object({
  /** Shown once: only their hashes are kept. */
  recoveryCodes: z.array(z.string()),
});

export const disableSecondFactorSchema = z
  .object({
    password,
    code: z.string().trim().max(20).optional(),
    recoveryCode: z.string().trim().max(40).optional(),
  })
  .strict()
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), {
    message: 'give either code or recoveryCode',
    path: ['code'],
  });
