/**
 * The account lifecycle's routes: passwords (change, forgotten, reset), sessions, the second factor.
 * A restricted account (actor.ts) may use all of those that are its own business — an expired
 * password is changed here, a required second factor set up here.
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type CookieOptions } from 'express';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { SESSION_COOKIE } from '../../http/session.ts';
import { restrictions } from './actor.ts';
import type { AccountService } from './account.service.ts';
import {
  acceptedSchema,
  changePasswordSchema,
  codeSchema,
  disableSecondFactorSchema,
  endedSchema,
  enrolmentSchema,
  forgotPasswordSchema,
  passwordCheckSchema,
  recoveryCodesSchema,
  resetPasswordSchema,
  resetTokenSchema,
  resetTokenStateSchema,
  secondFactorStateSchema,
  sessionIdParams,
  sessionListSchema,
} from './auth.schemas.ts';
import { loginContext } from './auth.routes.ts';

export function accountRoutes(account: AccountService, registry: OpenAPIRegistry, cookie: CookieOptions): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Account';

  // ---- Passwords ----
  route({
    method: 'post',
    path: '/auth/password',
    summary:
      'Change one’s password: the current one, and a new one by the policy (10+ characters of 3 kinds, not the ' +
      'e-mail, not a common password). Every other session ends; a mail tells the person',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    body: changePasswordSchema,
    response: endedSchema,
    handler: async ({ actor, body }) => ({ ended: (await account.changePassword(actor!, body)).sessionsEnded }),
  });
  route({
    method: 'post',
    path: '/auth/password/forgot',
    summary:
      'Forgotten password: mails a single-use reset link (30 minutes) if the address has an account. The answer ' +
      'is 202 either way',
    tag,
    access: 'public',
    body: forgotPasswordSchema,
    status: 202,
    response: acceptedSchema,
    handler: async ({ body, req }) => {
      await account.requestReset(body.email, loginContext(req));
      return { accepted: true as const };
    },
  });
  route({
    method: 'post',
    path: '/auth/password/reset/check',
    summary: 'Whether a reset link can still be used (400 with the reason when not): the page asks before its form',
    tag,
    access: 'public',
    body: resetTokenSchema,
    response: resetTokenStateSchema,
    handler: async ({ body }) => account.resetState(body.token),
  });
  route({
    method: 'post',
    path: '/auth/password/reset',
    summary:
      'Set a new password with a reset link’s token: once, within 30 minutes. Ends every session of the account ' +
      'and lifts its sign-in lockout',
    tag,
    access: 'public',
    body: resetPasswordSchema,
    handler: async ({ body, req }) => {
      await account.resetPassword(body, loginContext(req));
    },
  });

  // ---- Sessions ----
  route({
    method: 'get',
    path: '/auth/sessions',
    summary: 'One’s live sessions: device, address, when signed in and last seen; this one is `current`',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    response: sessionListSchema,
    handler: async ({ actor }) => ({ sessions: await account.sessions(actor!) }),
  });
  route({
    method: 'post',
    path: '/auth/sessions/end-others',
    summary: 'End every session of one’s own but this one',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    response: endedSchema,
    handler: async ({ actor }) => ({ ended: await account.endOtherSessions(actor!) }),
  });
  route({
    method: 'delete',
    path: '/auth/sessions/:id',
    summary: 'End one of one’s own sessions (ending this one signs out)',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    params: sessionIdParams,
    handler: async ({ actor, params, res }) => {
      const { current } = await account.endSession(actor!, params.id);
      if (current) res.clearCookie(SESSION_COOKIE, { ...cookie, maxAge: undefined });
    },
  });
  route({
    method: 'delete',
    path: '/auth/users/:id/sessions',
    summary:
      'End every session of a person: platform admins anyone’s, an organisation’s administrator those of its own people',
    tag,
    access: 'signed_in',
    params: idParams,
    response: endedSchema,
    handler: async ({ actor, params }) => ({ ended: await account.endUserSessions(actor!, params.id) }),
  });

  // ---- Second factor ----
  route({
    method: 'get',
    path: '/auth/second-factor',
    summary:
      'Whether two-step verification (TOTP) is on, required for one’s role, and how many recovery codes are left',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    response: secondFactorStateSchema,
    handler: async ({ actor }) => account.secondFactorState(actor!),
  });
  route({
    method: 'post',
    path: '/auth/second-factor/enrol',
    summary:
      'Start setting up an authenticator app (the password again): the secret, its otpauth:// address and QR code. ' +
      'Confirm with a code',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    body: passwordCheckSchema,
    response: enrolmentSchema,
    handler: async ({ actor, body }) => account.startEnrolment(actor!, body.password),
  });
  route({
    method: 'post',
    path: '/auth/second-factor/confirm',
    summary: 'Confirm the app with a code of it: two-step verification is on; ten recovery codes, shown only now',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    body: codeSchema,
    response: recoveryCodesSchema,
    handler: async ({ actor, body }) => ({ recoveryCodes: await account.confirmEnrolment(actor!, body.code) }),
  });
  route({
    method: 'post',
    path: '/auth/second-factor/recovery-codes',
    summary: 'Ten new recovery codes with a code of the app (the old ones stop working)',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    body: codeSchema,
    response: recoveryCodesSchema,
    handler: async ({ actor, body }) => ({ recoveryCodes: await account.regenerateRecoveryCodes(actor!, body.code) }),
  });
  route({
    method: 'post',
    path: '/auth/second-factor/disable',
    summary:
      'Turn two-step verification off with the password and a code (or a recovery code); refused where the role ' +
      'requires it',
    tag,
    access: 'signed_in',
    allowRestricted: restrictions,
    body: disableSecondFactorSchema,
    handler: async ({ actor, body }) => {
      await account.disableSecondFactor(actor!, body);
    },
  });
  return router;
}
