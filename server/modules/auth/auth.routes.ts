import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type CookieOptions } from 'express';
import { defineRoute } from '../../http/route.ts';
import { AppError } from '../../shared/errors.ts';
import { SESSION_COOKIE } from '../../http/session.ts';
import { demoAccountsSchema, loginSchema, sessionSchema } from './auth.schemas.ts';
import { DEVICE_TTL_MS, type AuthService } from './auth.service.ts';

/** Marks a browser that has signed in to an account (see AuthService.login); sent only to sign-in. */
export const DEVICE_COOKIE = 'did';

export function authRoutes(auth: AuthService, registry: OpenAPIRegistry, cookie: CookieOptions): Router {
  const router = Router();
  defineRoute(router, registry, {
    method: 'post',
    path: '/auth/login',
    summary:
      'Sign in with e-mail and password; sets the session cookie (too many wrong passwords: 429 with Retry-After)',
    tag: 'Auth',
    access: 'public',
    body: loginSchema,
    response: sessionSchema,
    handler: async ({ body, req, res }) => {
      const { token, user, deviceToken } = await auth.login(body, {
        userAgent: req.get('user-agent'),
        client: req.ip, // the socket's peer, or with `trust proxy` set the address the trusted proxies report
        deviceToken: req.cookies?.[DEVICE_COOKIE] as string | undefined,
      });
      res.cookie(SESSION_COOKIE, token, cookie);
      if (deviceToken) {
        res.cookie(DEVICE_COOKIE, deviceToken, {
          ...cookie,
          sameSite: 'strict',
          path: '/api/v1/auth/login',
          maxAge: DEVICE_TTL_MS,
        });
      }
      return { user };
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
      if (token) await auth.logout(token);
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
    summary: 'The signed-in user and their organisation',
    tag: 'Auth',
    access: 'signed_in',
    response: sessionSchema,
    handler: async ({ actor }) => {
      const user = await auth.userView(actor!.userId);
      if (!user) throw new AppError('unauthenticated', 'sign in first');
      return { user };
    },
  });
  return router;
}
