/** Routes of testing needs and quotes (需求发布 / 供需对接). Who may do what is checked in the service. */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { fileResponse, idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { DOCUMENT_KINDS, typesOfKinds } from '../../shared/files.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { checkAccess } from '../auth/actor.ts';
import {
  attachmentParams,
  attachmentQuerySchema,
  comparisonSchema,
  needInputSchema,
  needListQuerySchema,
  needSchema,
  needSummarySchema,
  quoteInputSchema,
  quoteListQuerySchema,
  quoteSchema,
} from './needs.schemas.ts';
import { ATTACHMENT_MAX_BYTES } from './needs.ts';
import type { NeedsService } from './needs.service.ts';

const SEE = ['researcher', 'lab_manager', 'platform_admin'] as const;
const LAB = ['lab_manager', 'platform_admin'] as const;

const attachmentView = z.object({
  id: z.number().int(),
  fileName: z.string(),
  mime: z.string(),
  size: z.number().int(),
  uploadedAt: z.string(),
  url: z.string(),
});

export function needRoutes(needs: NeedsService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Testing needs';

  route({
    method: 'post',
    path: '/testing-needs',
    summary:
      'Post a testing need (an enterprise’s researcher): matched with the catalogue, the matching (public) or invited labs told',
    tag,
    access: ['researcher'],
    body: needInputSchema,
    response: needSchema,
    status: 201,
    handler: ({ actor, body }) => needs.post(actor!, body),
  });
  route({
    method: 'get',
    path: '/testing-needs',
    summary:
      'Needs the caller sees: an enterprise its own; a lab the needs hall (open public needs and those sent to it); admins all',
    tag,
    access: SEE,
    query: needListQuerySchema,
    response: z.object({ items: z.array(needSummarySchema) }),
    handler: async ({ actor, query }) => ({ items: await needs.list(actor!, query) }),
  });
  route({
    method: 'get',
    path: '/testing-needs/:id',
    summary: 'One need with the suggested instruments, attachments and its history',
    tag,
    access: SEE,
    params: idParams,
    response: needSchema,
    handler: ({ actor, params }) => needs.get(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/testing-needs/:id/withdraw',
    summary: 'Withdraw an open need (its enterprise); submitted quotes are declined',
    tag,
    access: ['researcher'],
    params: idParams,
    response: needSchema,
    handler: ({ actor, params }) => needs.withdraw(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/testing-needs/:id/quotes',
    summary: 'The quotes of a need: all for its enterprise, the caller’s own for a lab',
    tag,
    access: SEE,
    params: idParams,
    response: z.object({ items: z.array(quoteSchema) }),
    handler: async ({ actor, params }) => ({ items: await needs.quotesOf(actor!, params.id) }),
  });
  route({
    method: 'post',
    path: '/testing-needs/:id/quotes',
    summary: 'Quote for a need (a lab manager): an own published instrument, rate-card or negotiated lines',
    tag,
    access: LAB,
    params: idParams,
    body: quoteInputSchema,
    response: quoteSchema,
    status: 201,
    handler: ({ actor, params, body }) => needs.quote(actor!, params.id, body),
  });
  route({
    method: 'get',
    path: '/testing-needs/:id/comparison',
    summary:
      'The quotes side by side for the enterprise: price, the voucher share and self-pay the checkout would make, date, lab rating',
    tag,
    access: ['researcher', 'platform_admin'],
    params: idParams,
    response: comparisonSchema,
    handler: ({ actor, params }) => needs.compare(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/testing-need-quotes',
    summary: 'The lab’s own quotes (platform admins: all)',
    tag,
    access: LAB,
    query: quoteListQuerySchema,
    response: z.object({ items: z.array(quoteSchema) }),
    handler: async ({ actor, query }) => ({ items: await needs.myQuotes(actor!, query.status) }),
  });
  route({
    method: 'post',
    path: '/testing-need-quotes/:id/withdraw',
    summary: 'Withdraw a submitted quote (its lab)',
    tag,
    access: LAB,
    params: idParams,
    response: quoteSchema,
    handler: ({ actor, params }) => needs.withdrawQuote(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/testing-need-quotes/:id/accept',
    summary:
      'Accept a quote (the need’s enterprise): the others are declined; then book with `quoteId` through the checkout',
    tag,
    access: ['researcher'],
    params: idParams,
    response: quoteSchema,
    handler: ({ actor, params }) => needs.accept(actor!, params.id),
  });

  // Attachments: the file itself is the body (PDF, JPEG or PNG, up to 10 MB), its name in ?name=.
  // Who may upload is settled before a byte of the body is read.
  router.post('/testing-needs/:id/attachments', async (req, res) => {
    checkAccess(req.actor ?? null, ['researcher']);
    const { id } = parseInput(idParams, req.params, 'params');
    const { name } = parseInput(attachmentQuerySchema, req.query, 'query');
    await needs.attachable(req.actor!, id);
    const bytes = await readUpload(req, ATTACHMENT_MAX_BYTES);
    res.status(201).json(await needs.attach(req.actor!, id, { name, bytes }));
  });
  router.get('/testing-needs/:id/attachments/:attachmentId', async (req, res) => {
    checkAccess(req.actor ?? null, SEE);
    const { id, attachmentId } = parseInput(attachmentParams, req.params, 'params');
    sendDownload(res, await needs.attachment(req.actor!, id, attachmentId));
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/testing-needs/{id}/attachments',
    operationId: operationIdOf('post', '/testing-needs/:id/attachments'),
    summary: 'Attach a file to an open need (its enterprise; the raw file as the body, its name in ?name=)',
    description: 'Roles: researcher. PDF, JPEG or PNG by its bytes, up to 10 MB; several may be attached.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: idParams as never,
      query: attachmentQuerySchema as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      201: { description: 'The attachment', content: { 'application/json': { schema: attachmentView } } },
      400: { description: 'Empty file or bad name' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the need’s enterprise' },
      404: { description: 'No such need visible to the caller' },
      409: { description: 'The need is closed' },
      413: { description: 'Larger than 10 MB' },
      415: { description: 'Not a PDF, JPEG or PNG' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/testing-needs/{id}/attachments/{attachmentId}',
    operationId: operationIdOf('get', '/testing-needs/:id/attachments/:attachmentId'),
    summary: 'Download an attachment of a need (whoever sees the need)',
    description: 'Roles: researcher, lab_manager, platform_admin. An attachment, sandboxed.',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: attachmentParams as never },
    responses: {
      200: fileResponse(typesOfKinds(DOCUMENT_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such attachment visible to the caller' },
    },
  });
  return router;
}
