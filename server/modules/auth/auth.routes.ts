import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type CookieOptions, type Request, type Response } from 'express';
import { defineRoute } from '../../http/route.ts';
import { AppError } from '../../shared/errors.ts';
import { SESSION_COOKIE } from '../../http/session.ts';
import { restrictions } from './actor.ts';
import {
  demoAccountsSchema,
  loginResultSchema,
  loginSchema,
  optionalSessionSchema,
  secondFactorSchema,
  sessionSchema,
} from './auth.schemas.ts';
import { DEVICE_TTL_MS, type AuthService, type LoginContext, type LoginOutcome } from './auth.service.ts';

/** Marks a browser that has signed in to an account (see AuthService.login); sent only to sign-in. */
export const DEVICE_COOKIE = 'did';

/** Where a sign-in request comes from, and the browser's device cookie. */
export function loginContext(req: Request): LoginContext {
  return {
    userAgent: req.get('user-agent'),
    client: req.ip, // the socket's peer, or with `trust proxy` set the address the trusted proxies report
    deviceToken: req.cookies?.[DEVICE_COOKIE] as string | undefined,
  };
}

export function authRoutes(auth: AuthService, registry: OpenAPIRegistry, cookie: CookieOptions): Router {
  const router = Router();
  const signedIn = (res: Response, outcome: LoginOutcome) => {
    res.cookie(SESSION_COOKIE, outcome.token, cookie);
    if (outcome.deviceToken) {
      // Path /api/v1/auth/login: sent to both steps of signing in, and nowhere else.
      res.cookie(DEVICE_COOKIE, outcome.deviceToken, {
        ...cookie,
        sameSite: 'strict',
        path: '/api/v1/auth/login',
        maxAge: DEVICE_TTL_MS,
      });
    }
    return outcome.user
      ? { user: outcome.user, secondFactorRequired: false }
      : { secondFactorRequired: outcome.secondFactorRequired };
  };
  defineRoute(router, registry, {
    method: 'post',
    path: '/auth/login',
    summary:
      'Sign in with e-mail and password; sets the session cookie. With two-step verification on, the answer is ' +
      '`secondFactorRequired` and the session waits for POST /auth/login/second-factor. Too many wrong ' +
      'passwords: 429 with Retry-After, retryAfterSeconds and retryAt',
    tag: 'Auth',
    access: 'public',
    body: loginSchema,
    response: loginResultSchema,
    handler: async ({ body, req, res }) => signedIn(res, await auth.login(body, loginContext(req))),
  });
  defineRoute(router, registry, {
    method: 'post',
    path: '/auth/login/second-factor',
    summary:
      'The second step of signing in: a code of the authenticator app (good once) or a recovery code, with the ' +
      'session cookie the password step set. Wrong codes count against the sign-in limits',
    tag: 'Auth',
    access: 'public',
    body: secondFactorSchema,
    response: loginResultSchema,
    handler: async ({ body, req, res }) => {
      const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
      if (!token || token.length > 100) {
        throw new AppError('unauthenticated', 'sign in with your password first', { reason: 'no_pending_sign_in' });
      }
      return signedIn(res, await auth.completeSecondFactor(token, body, loginContext(req)));
    },
  });
  defineRoute(router, registry, {
    method: 'post',
    path: '/auth/logout',
    summary: 'End the session (the cookie stops working everywhere)',
    tag: 'Auth',
    access: 'public',
    handler: async ({ req, res }) => {
      const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
      if (token && token.length <= 100) await auth.logout(token, loginContext(req));
      res.clearCookie(SESSION_COOKIE, { ...cookie, maxAge: undefined });
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/auth/demo-accounts',
    summary: 'The demo accounts this installation offers on its sign-in page (none in production)',
    tag: 'Auth',
    access: 'public',
    response: demoAccountsSchema,
    handler: async () => ({ accounts: await auth.demoAccounts() }),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/auth/me',
    summary:
      'The signed-in user and their organisation, and what the account must do first (`restriction`) — ' +
      'answered under every restriction',
    tag: 'Auth',
    access: 'signed_in',
    allowRestricted: restrictions,
    response: sessionSchema,
    handler: async ({ actor }) => {
      const user = await auth.userView(actor!.userId);
      if (!user) throw new AppError('unauthenticated', 'sign in first');
      return { user };
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/auth/session',
    summary:
      'Who is signed in, for pages that serve anonymous visitors too: `{ user }` as GET /auth/me answers it, or ' +
      '`{ user: null }` (still 200) without a session — a browser asks this on every page load without logging a failure',
    tag: 'Auth',
    access: 'public',
    response: optionalSessionSchema,
    handler: async ({ actor }) => ({ user: actor ? ((await auth.userView(actor.userId)) ?? null) : null }),
  });
  return router;
}
