import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { checkAccess } from '../auth/actor.ts';
import { defineRoute, idParams, operationIdOf, parseInput } from '../../http/route.ts';
import { readUpload, sendImage } from '../../http/upload.ts';
import { PHOTO_FILE_PATTERN } from '../../shared/photo-url.ts';
import {
  categoryNodeSchema,
  citySchema,
  instrumentDetailSchema,
  instrumentInputSchema,
  instrumentPatchSchema,
  institutionSchema,
  searchQuerySchema,
  searchResultSchema,
} from './catalog.schemas.ts';
import type { CatalogService } from './catalog.service.ts';
import { listingSubmissionSchema } from '../listing/listing.schemas.ts';
import { PHOTO_MAX_BYTES } from './photos.ts';

const LAB = ['lab_manager', 'platform_admin'] as const;
const photoParams = z.object({ file: z.string().regex(PHOTO_FILE_PATTERN, 'an uploaded photo’s file name') });

/** GET /instruments: the search, the same answer for every caller (public-answers.ts). */
export function catalogSearchHandler(catalog: CatalogService): RequestHandler {
  return async (req, res) => {
    res.set('Cache-Control', 'no-store'); // until an answer says otherwise: errors are not kept
    await catalog.answers.send(req, res, parseInput(searchQuerySchema, req.query, 'query'));
  };
}

export function catalogRoutes(catalog: CatalogService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tag = 'Catalogue';
  // The search is the same for every caller: answered with an ETag, 304 when it is still current
  // (public-answers.ts), so the route and its OpenAPI entry are written out here.
  router.get('/instruments', catalogSearchHandler(catalog));
  const etagHeader = {
    ETag: {
      description: 'Weak validator of the catalogue at the answer’s snapshot and the normalised request',
      schema: { type: 'string' as const },
    },
    'Cache-Control': {
      description: '`public, no-cache`: any cache may keep it, revalidating each time',
      schema: { type: 'string' as const },
    },
  };
  registry.registerPath({
    method: 'get',
    path: '/api/v1/instruments',
    operationId: operationIdOf('get', '/instruments'),
    summary: 'Search every instrument in the province: full text, filters, facets, cursor pages',
    description:
      'Public. The answer is the same for every caller. It carries an ETag (the catalogue’s version at the ' +
      'answer’s snapshot and the normalised request); sent back in If-None-Match, an answer still current is ' +
      '304 without the search running. JSON of 1 KB or more is gzipped for callers that accept it.',
    tags: [tag],
    security: [],
    request: {
      query: searchQuerySchema as never,
      headers: z.object({ 'if-none-match': z.string().optional() }) as never,
    },
    responses: {
      200: {
        description: 'OK',
        headers: etagHeader,
        content: { 'application/json': { schema: searchResultSchema } },
      },
      304: { description: 'Not modified: the ETag sent in If-None-Match is still current', headers: etagHeader },
      400: { description: 'Invalid input (application/problem+json)' },
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/instruments/:id',
    summary: 'The full national record of one instrument, with institution and rate card',
    tag,
    access: 'public',
    params: idParams,
    response: instrumentDetailSchema,
    handler: ({ params, actor }) => catalog.instrument(params.id, actor),
  });
  // A platform admin's record is published (201); a lab manager's waits for listing review (202):
  // two answers, so the route and its OpenAPI entry are written out here.
  router.post('/instruments', async (req, res) => {
    checkAccess(req.actor ?? null, LAB);
    const body = parseInput(instrumentInputSchema, req.body ?? {}, 'body');
    const result = await catalog.create(req.actor!, body);
    if ('published' in result) res.status(201).json(result.published);
    else res.status(202).json(result.submitted);
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/instruments',
    operationId: operationIdOf('post', '/instruments'),
    summary: 'Add an instrument (lab managers: their own institution, through listing review; admins: any, published)',
    description:
      'Roles: lab_manager (own institution), platform_admin. A platform admin’s record is published at once ' +
      '(201, the instrument). A lab manager’s goes to listing review (入网审核): 202 with the submission; ' +
      'nothing enters the catalogue until a reviewer approves it (see Listing review).',
    tags: [tag],
    security: [{ session: [] }],
    request: { body: { content: { 'application/json': { schema: instrumentInputSchema } } } },
    responses: {
      201: { description: 'Published', content: { 'application/json': { schema: instrumentDetailSchema } } },
      202: {
        description: 'Submitted for listing review',
        content: { 'application/json': { schema: listingSubmissionSchema } },
      },
      400: { description: 'Invalid input (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Wrong role or organisation' },
      409: { description: 'Asset number already used (or awaiting review) in the institution' },
    },
  });
  defineRoute(router, registry, {
    method: 'patch',
    path: '/instruments/:id',
    summary:
      'Edit an instrument record and/or replace its rate card (a lab manager’s key-field changes — category, value, sharing mode, rate card — go to listing review: see pendingChange)',
    tag,
    access: ['lab_manager', 'platform_admin'],
    params: idParams,
    body: instrumentPatchSchema,
    response: instrumentDetailSchema,
    handler: ({ params, body, actor }) => catalog.update(actor!, params.id, body),
  });

  // Photos: the image itself is the body (up to 5 MB). Who may upload is settled before it is read.
  router.put('/instruments/:id/photo', async (req, res) => {
    checkAccess(req.actor ?? null, LAB);
    const { id } = parseInput(idParams, req.params, 'params');
    await catalog.photos.checkUpload(req.actor!, id);
    const bytes = await readUpload(req, PHOTO_MAX_BYTES);
    await catalog.photos.upload(req.actor!, id, bytes);
    res.json(await catalog.instrument(id, req.actor!));
  });
  router.get('/instrument-photos/:file', async (req, res) => {
    const { file } = parseInput(photoParams, req.params, 'params');
    sendImage(res, await catalog.photos.file(file));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/instruments/{id}/photo',
    operationId: operationIdOf('put', '/instruments/:id/photo'),
    summary: 'Upload the instrument’s photo (the raw image as the body); it replaces the one it had',
    description:
      'Roles: lab_manager (own institution), platform_admin. JPEG, PNG or WebP, read from the content (not ' +
      'Content-Type), up to 5 MB; access is checked before the body is read. The photo is served at a new ' +
      '/api/v1/instrument-photos/… address, which becomes the instrument’s photoUrl.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: idParams as never,
      body: { content: { 'image/*': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: 'The instrument', content: { 'application/json': { schema: instrumentDetailSchema } } },
      400: { description: 'Empty body (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the owning institution' },
      404: { description: 'No such instrument' },
      413: { description: 'Larger than 5 MB' },
      415: { description: 'Not a JPEG, PNG or WebP image' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/instrument-photos/{file}',
    operationId: operationIdOf('get', '/instrument-photos/:file'),
    summary: 'An uploaded instrument photo (its address never changes content: cached for a year)',
    description: 'Public.',
    tags: [tag],
    security: [],
    request: { params: photoParams as never },
    responses: {
      200: {
        description: 'The image',
        content: Object.fromEntries(
          ['image/jpeg', 'image/png', 'image/webp'].map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
        ),
      },
      404: { description: 'No such photo' },
    },
  });

  defineRoute(router, registry, {
    method: 'get',
    path: '/categories',
    summary: 'The national instrument taxonomy as a tree, with instrument counts',
    tag,
    access: 'public',
    response: z.object({ items: z.array(categoryNodeSchema) }),
    handler: async () => ({ items: await catalog.categoryTree() }),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/cities',
    summary: 'Cities of the province with their voucher ratio and instrument counts',
    tag,
    access: 'public',
    response: z.object({ items: z.array(citySchema) }),
    handler: async () => ({ items: await catalog.cities() }),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/institutions',
    summary: 'Instrument-owning institutions, optionally in one city',
    tag,
    access: 'public',
    query: z
      .object({
        city: z
          .string()
          .regex(/^\d{6}$/, 'a 6-digit city code')
          .optional(),
      })
      .strict(),
    response: z.object({ items: z.array(institutionSchema) }),
    handler: async ({ query }) => ({ items: await catalog.institutions(query.city) }),
  });
  return router;
}
