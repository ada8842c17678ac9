/**
 * Express tries the routers of the API one after another, and in each every route in turn: a request
 * for a module mounted late walks ~190 routes of the others first (tens of µs a request). A module's
 * router is entered only by requests whose first path segment starts one of its routes.
 */
import type { RequestHandler, Router } from 'express';

/** `/bookings/12/cancel` → `bookings`; Express matches paths without regard to case. */
export function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/** What Express keeps of each route or `use` of a router (router 2.x). */
interface Layer {
  route?: { path?: unknown };
  rawPath?: unknown;
}

/**
 * `router`, entered only for the first path segments of its routes. A router with a route or
 * middleware whose first segment is a parameter, a pattern or empty (`use(fn)`) is always entered.
 * Read when mounted: the router must have all its routes by then.
 */
export function onlyItsPaths(router: Router): RequestHandler {
  const segments = new Set<string>();
  for (const layer of router.stack as Layer[]) {
    const path = layer.route?.path ?? layer.rawPath;
    const first = typeof path === 'string' ? firstSegment(path) : '';
    if (!first || /[^a-z0-9._~-]/.test(first)) return router;
    segments.add(first);
  }
  return (req, res, next) => (segments.has(firstSegment(req.path)) ? router(req, res, next) : next());
}
