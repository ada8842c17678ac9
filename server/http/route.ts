/**
 * One declaration per endpoint: path, who may call it, the zod schemas of its input and output,
 * and the handler. The same declaration mounts the Express route and writes the OpenAPI entry,
 * so the reference at /api/docs cannot drift from what the server checks.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { checkAccess, type Access, type Actor, type Restriction } from '../modules/auth/actor.ts';
import { badRequest } from '../shared/errors.ts';
import { textCompression } from './compression.ts';
import { langOf, type Lang } from '../shared/lang.ts';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  path: string; // express style, e.g. /instruments/:id
  summary: string;
  tag: string;
  access: Access;
  /** Restricted accounts (see actor.ts) may call this route under these restrictions; by default, none. */
  allowRestricted?: readonly Restriction[];
  params?: P;
  query?: Q;
  body?: B;
  response?: R;
  /** The OpenAPI operationId; by default made from the method and the path (see `operationIdOf`). */
  operationId?: string;
  /** The route answers a file (CSV, XLSX, PDF…) itself: documented as 200 with these content types. */
  file?: string[];
  status?: number;
  handler: (input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    actor: Actor | null;
    /** The caller's language, from its `Accept-Language` (Chinese unless English comes first). */
    lang: Lang;
    req: Request;
    res: Response;
  }) => z.infer<R> | Promise<z.infer<R>>;
}

export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw badRequest(`invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }
  return parsed.data;
}

export const idParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
    .transform(Number),
});

const pascal = (text: string) =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * An operationId from the method and the path: `get /bookings` → getBookings, `get /bookings/:id` →
 * getBookingsById, `post /bookings/:id/cancel` → postBookingsCancel. Parameters in the middle of
 * a path add nothing (the segments after them say what is meant); a closing one says `By…`.
 */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const words = segments.map((segment, i) => {
    if (!segment.startsWith(':')) return pascal(segment);
    return i === segments.length - 1 ? `By${pascal(segment.slice(1))}` : '';
  });
  return method.toLowerCase() + words.join('');
}

/**
 * The OpenAPI answer of a route that sends a file itself: one entry per content type it may have (CSV, XLSX,
 * PDF, images, iCalendar…), text as a string and the rest as bytes.
 */
export function fileResponse(types: readonly string[], description = 'The file') {
  return {
    description,
    content: Object.fromEntries(
      types.map((type) => [
        type,
        { schema: /^text\//.test(type) ? { type: 'string' as const } : { type: 'string' as const, format: 'binary' } },
      ]),
    ),
  };
}

const ACCESS_TEXT = (access: Access) =>
  access === 'public' ? 'Public.' : access === 'signed_in' ? 'Any signed-in user.' : `Roles: ${access.join(', ')}.`;

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<P, Q, B, R>,
): void {
  // Files (CSV, iCalendar…) are compressed as text; JSON answers by compressJson.
  const before = spec.file ? [textCompression] : [];
  router[spec.method](spec.path, ...before, async (req, res) => {
    const actor = req.actor ?? null;
    checkAccess(actor, spec.access, spec.allowRestricted);
    const params = spec.params ? parseInput(spec.params, req.params, 'params') : {};
    const query = spec.query ? parseInput(spec.query, req.query, 'query') : {};
    const body = spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined;
    const lang = langOf(req.headers['accept-language']);
    // Texts written by the server (e.g. the checks of a claim line) follow the caller's language.
    res.vary('Accept-Language');
    const result = await spec.handler({ params, query, body, actor, lang, req, res } as never);
    if (res.headersSent) return;
    const status = spec.status ?? 200;
    if (result === undefined) res.status(status === 200 ? 204 : status).end();
    else res.status(status).json(result);
  });

  const request: RouteConfig['request'] = {};
  if (spec.params) request.params = spec.params as never;
  if (spec.query) request.query = spec.query as never;
  if (spec.body) request.body = { content: { 'application/json': { schema: spec.body } } };
  const status = spec.status ?? 200;
  registry.registerPath({
    method: spec.method,
    path: `/api/v1${spec.path.replace(/:(\w+)/g, '{$1}')}`,
    operationId: spec.operationId ?? operationIdOf(spec.method, spec.path),
    summary: spec.summary,
    description: ACCESS_TEXT(spec.access),
    tags: [spec.tag],
    security: spec.access === 'public' ? [] : [{ session: [] }],
    request,
    responses: {
      [spec.response || spec.file ? status : 204]: spec.response
        ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
        : spec.file
          ? fileResponse(spec.file)
          : { description: 'Done' },
      ...(spec.access !== 'public' && {
        401: { description: 'Not signed in' },
        403: { description: 'Wrong role or organisation' },
      }),
      400: { description: 'Invalid input (application/problem+json)' },
    },
  });
}

/** `defineRoute` bound to one router and registry: what each module's routes file declares with. */
export function routeDeclarer(router: Router, registry: OpenAPIRegistry) {
  return <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ) => defineRoute(router, registry, spec);
}
