import type { RequestHandler } from 'express';
import type { Actor } from '../modules/auth/actor.ts';
import type { AuthService } from '../modules/auth/auth.service.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor | null;
    }
  }
}

export const SESSION_COOKIE = 'sid';

/** Resolves the session cookie to an actor (or null); routes decide whether one is needed. */
export function sessionMiddleware(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const token = req.cookies?.[SESSION_COOKIE] as string | undefined;
    try {
      // Where the request came from, for the audit log (req.ip honours `trust proxy`: worked out once).
      const ip = token ? req.ip : undefined;
      const actor = token && token.length <= 100 ? await auth.authenticate(token, ip) : null;
      req.actor = actor && { ...actor, clientAddress: ip, userAgent: req.get('user-agent')?.slice(0, 300) };
    } catch (err) {
      next(err);
      return;
    }
    // Outside the try: an error of a later handler is not this middleware's to report.
    next();
  };
}
