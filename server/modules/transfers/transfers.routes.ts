import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { fileResponse, idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { DOCUMENT_KINDS, typesOfKinds } from '../../shared/files.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { checkAccess } from '../auth/actor.ts';
import {
  noticeListQuerySchema,
  noticeSchema,
  receiptInputSchema,
  returnInputSchema,
  transferSettingsSchema,
} from './transfers.schemas.ts';
import { PROOF_MAX_BYTES, type TransfersService } from './transfers.service.ts';

const SEE = ['researcher', 'lab_manager', 'finance_officer', 'platform_admin'] as const;
const RECORD = ['lab_manager', 'finance_officer', 'platform_admin'] as const;
const id = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
  .transform(Number);
const receiptParams = z.object({ id, receiptId: id });
const proofQuery = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export function transferRoutes(transfers: TransfersService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Payments';

  route({
    method: 'get',
    path: '/payment-notices',
    summary:
      'Payment notices (付款通知书) the caller may see: its enterprise’s, its lab’s, or all (the platform’s finance desk); `status=active` for those still waiting',
    tag,
    access: SEE,
    query: noticeListQuerySchema,
    response: z.object({ items: z.array(noticeSchema) }),
    handler: async ({ query, actor }) => ({ items: await transfers.list(actor!, query) }),
  });
  route({
    method: 'get',
    path: '/payment-notices/:id',
    summary: 'One payment notice with its receipts and returns',
    tag,
    access: SEE,
    params: idParams,
    response: noticeSchema,
    handler: ({ params, actor }) => transfers.get(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/bookings/:id/payment-notice',
    operationId: 'getBookingPaymentNotice',
    summary: 'The payment notice of a booking paid by bank transfer (404 when it has none)',
    tag,
    access: SEE,
    params: idParams,
    response: noticeSchema,
    handler: ({ params, actor }) => transfers.ofBooking(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/payment-notices/:id/pdf',
    summary: 'The payment notice as a PDF in Chinese (payee, amount in figures and capitals, reference, due date)',
    tag,
    access: SEE,
    params: idParams,
    file: ['application/pdf'],
    handler: async ({ params, actor, res }) => {
      const pdf = await transfers.pdf(actor!, params.id);
      res
        .status(200)
        .type('application/pdf')
        .set(
          'Content-Disposition',
          `inline; filename="notice-${params.id}.pdf"; filename*=UTF-8''${encodeURIComponent(pdf.name)}`,
        )
        .send(pdf.body);
    },
  });
  route({
    method: 'post',
    path: '/payment-notices/:id/receipts',
    summary:
      'Record money received against the notice (到账确认: amount, date, the bank’s reference); part, all or more than owed. The lab paid, or the platform’s finance desk',
    tag,
    access: RECORD,
    params: idParams,
    body: receiptInputSchema,
    response: noticeSchema,
    status: 201,
    handler: ({ params, body, actor }) => transfers.recordReceipt(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/payment-notices/:id/returns',
    summary:
      'Record money given back to the enterprise: an over-payment’s excess, or what a cancelled booking had paid',
    tag,
    access: RECORD,
    params: idParams,
    body: returnInputSchema,
    response: noticeSchema,
    status: 201,
    handler: ({ params, body, actor }) => transfers.recordReturn(actor!, params.id, body),
  });
  route({
    method: 'get',
    path: '/transfer-settings',
    summary: 'The lab’s bank-transfer settings: receiving account, days to pay, whether unpaid bookings are cancelled',
    tag,
    access: ['lab_manager'],
    response: transferSettingsSchema,
    handler: ({ actor }) => transfers.settings(actor!),
  });
  route({
    method: 'put',
    path: '/transfer-settings',
    summary: 'Change the lab’s bank-transfer settings (new notices use them; issued notices keep theirs)',
    tag,
    access: ['lab_manager'],
    body: transferSettingsSchema,
    response: transferSettingsSchema,
    handler: ({ body, actor }) => transfers.updateSettings(actor!, body),
  });

  // A receipt's proof (bank slip): the file itself is the body, its name in ?name=. Who may upload is
  // settled before a byte of the body is read.
  router.put('/payment-notices/:id/receipts/:receiptId/proof', async (req, res) => {
    checkAccess(req.actor ?? null, RECORD);
    const params = parseInput(receiptParams, req.params, 'params');
    const { name } = parseInput(proofQuery, req.query, 'query');
    await transfers.checkProofUpload(req.actor!, params.id, params.receiptId);
    const bytes = await readUpload(req, PROOF_MAX_BYTES);
    res.json(await transfers.attachProof(req.actor!, params.id, params.receiptId, { name, bytes }));
  });
  router.get('/payment-notices/:id/receipts/:receiptId/proof', async (req, res) => {
    checkAccess(req.actor ?? null, SEE);
    const params = parseInput(receiptParams, req.params, 'params');
    sendDownload(res, await transfers.proof(req.actor!, params.id, params.receiptId));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/payment-notices/{id}/receipts/{receiptId}/proof',
    operationId: operationIdOf('put', '/payment-notices/:id/receipts/:receiptId/proof'),
    summary: 'Attach the proof of a receipt (bank slip: PDF, JPEG or PNG as the raw body, its name in ?name=)',
    description:
      'Roles: lab_manager (the lab paid), finance_officer (the platform’s finance desk), platform_admin. The type is ' +
      'read from the content; up to 10 MB. A new proof replaces the old.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: receiptParams as never,
      query: proofQuery as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: 'The notice', content: { 'application/json': { schema: noticeSchema } } },
      400: { description: 'Empty file or invalid name (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the lab paid' },
      404: { description: 'No such notice or receipt visible to the caller' },
      413: { description: 'Larger than 10 MB' },
      415: { description: 'Not a PDF, JPEG or PNG' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/payment-notices/{id}/receipts/{receiptId}/proof',
    operationId: operationIdOf('get', '/payment-notices/:id/receipts/:receiptId/proof'),
    summary: 'Download the proof of a receipt',
    description:
      'Roles: researcher (the paying enterprise), lab_manager (the lab paid), the finance desk, platform_admin.',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: receiptParams as never },
    responses: {
      200: fileResponse(typesOfKinds(DOCUMENT_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such notice, receipt or proof' },
    },
  });
  return router;
}
