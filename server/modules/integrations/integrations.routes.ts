import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import { idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { AppError } from '../../shared/errors.ts';
import { PUSH_LIMIT, type ApiKeys } from './api-keys.ts';
import type { ExternalRecords } from './external-records.ts';
import {
  apiKeyInputSchema,
  apiKeyListQuerySchema,
  apiKeySchema,
  createdApiKeySchema,
  MAX_BATCH,
  pushAnswerSchema,
  pushBodySchema,
  recordListQuerySchema,
  recordPageSchema,
} from './integrations.schemas.ts';

const MANAGE = ['lab_manager', 'platform_admin'] as const;
const tag = 'Integrations';
export const PUSH_PATH = '/external/service-records';

/**
 * The push endpoint, authenticated by an institution's API key alone. Mounted before the cross-site
 * guard, the cookie parser and the session: no cookie is ever read here, so a browser's ambient
 * credentials cannot act through it and the origin checks (which guard cookie sessions) have
 * nothing to protect. It takes JSON only, with its own body limit (500 records).
 */
export function externalPushRoutes(keys: ApiKeys, records: ExternalRecords, registry: OpenAPIRegistry): Router {
  const router = Router();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An institution’s API key (isp_live_…), made on the lab’s 数据对接 page: `Authorization: Bearer <key>`.',
  });
  const json = express.json({ limit: '1mb' });
  router.post(PUSH_PATH, async (req, res) => {
    // The key first: a caller without a valid one learns nothing about the payload.
    const holder = await keys.authenticate(req.get('authorization'));
    if (!req.is('application/json'))
      throw new AppError('unsupported_media_type', 'send the records as application/json');
    await new Promise<void>((resolve, reject) => json(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    const body = parseInput(pushBodySchema, req.body ?? {}, 'body');
    res.status(200).json(await records.push(holder, body.records));
  });
  registry.registerPath({
    method: 'post',
    path: `/api/v1${PUSH_PATH}`,
    operationId: operationIdOf('post', PUSH_PATH),
    summary: 'Push completed service records from the institution’s own booking system or LIMS (API key)',
    description:
      `Authenticated by the institution’s API key only (\`Authorization: Bearer isp_live_…\`; no session, no cookie). ` +
      `1–${MAX_BATCH} records per push, at most ${PUSH_LIMIT.max} pushes a minute per key (429 with Retry-After). ` +
      'Each record names the instrument by our `instrumentId` or the institution’s `assetNumber`; times are ISO 8601 ' +
      'with their offset; `amountFen` is the amount charged in integer fen (¥1 = 100). Machine time gives `minutes`, ' +
      'sample testing `samples`. External users need their organisation’s unified social credit code.\n\n' +
      'Anything wrong with the payload itself (shape, dates, a credit code that does not check, an externalId twice) ' +
      'answers 400 and stores nothing. Otherwise each record has its own result: `created`, `updated` (same ' +
      'externalId, something changed), `unchanged` (the same record again: nothing written), or `refused` (the ' +
      'instrument is unknown — `not_found` — or another institution’s — `forbidden`); the others are stored. ' +
      'Stored records count in the sharing statistics and the national service-record export like the platform’s ' +
      'own completed bookings (marked 单位自有系统); they never touch vouchers.',
    tags: [tag],
    security: [{ apiKey: [] }],
    request: { body: { content: { 'application/json': { schema: pushBodySchema } } } },
    responses: {
      200: { description: 'One result per record', content: { 'application/json': { schema: pushAnswerSchema } } },
      400: { description: 'Invalid payload: nothing stored (application/problem+json)' },
      401: { description: 'No API key, or an unknown or revoked one' },
      415: { description: 'Not application/json' },
      429: { description: 'Over the key’s rate limit; Retry-After says when to push again' },
    },
  });
  return router;
}

/** The lab's side: its API keys and the records its systems pushed (session routes). */
export function integrationRoutes(keys: ApiKeys, records: ExternalRecords, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  route({
    method: 'get',
    path: '/api-keys',
    summary: 'The institution’s API keys (prefix, created, last used, revoked); platform admins name the institution',
    tag,
    access: MANAGE,
    query: apiKeyListQuerySchema,
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async ({ actor, query }) => ({ items: await keys.list(actor!, query.institutionId) }),
  });
  route({
    method: 'post',
    path: '/api-keys',
    summary: 'Make an API key for the institution’s own systems: the secret is in this answer only (stored hashed)',
    tag,
    access: MANAGE,
    body: apiKeyInputSchema,
    response: createdApiKeySchema,
    status: 201,
    handler: ({ actor, body }) => keys.create(actor!, body),
  });
  route({
    method: 'post',
    path: '/api-keys/:id/revoke',
    summary: 'Revoke an API key: pushes with it are refused (401) from now on',
    tag,
    access: MANAGE,
    params: idParams,
    response: apiKeySchema,
    handler: ({ actor, params }) => keys.revoke(actor!, params.id),
  });
  route({
    method: 'get',
    path: PUSH_PATH,
    summary:
      'The service records the institution’s own systems pushed, newest first, with filters (instrument, dates, user type, text), paged',
    tag,
    access: MANAGE,
    query: recordListQuerySchema,
    response: recordPageSchema,
    handler: ({ actor, query }) => records.list(actor!, query),
  });
  return router;
}
