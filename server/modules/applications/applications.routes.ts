import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { fileResponse, idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { DOCUMENT_KINDS, typesOfKinds } from '../../shared/files.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { checkAccess } from '../auth/actor.ts';
import { DOCUMENT_MAX_BYTES } from '../documents/documents.ts';
import {
  certificationApplicationDetailSchema,
  certificationApplicationInputSchema,
  certificationApplicationSchema,
  certificationApprovalSchema,
  eligibilitySchema,
  queueQuerySchema,
  reviewReasonSchema,
  voucherApplicationChangeSchema,
  voucherApplicationDetailSchema,
  voucherApplicationInputSchema,
  voucherApplicationSchema,
  voucherApprovalSchema,
  voucherQueueQuerySchema,
} from './applications.schemas.ts';
import type { ApplicationsService } from './applications.service.ts';

const APPLICANT = ['researcher'] as const;
const REVIEWER = ['finance_officer', 'platform_admin'] as const;
const READER = ['researcher', 'finance_officer', 'platform_admin'] as const;

const documentParams = z.object({ id: idParams.shape.id, kind: z.string().regex(/^[a-z_]{1,40}$/, 'a document kind') });
const fileParams = z.object({ id: idParams.shape.id, documentId: idParams.shape.id });
const nameQuery = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export function applicationRoutes(applications: ApplicationsService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Applications';

  // SME (科技型中小企业) certification applications
  route({
    method: 'get',
    path: '/certification-applications',
    summary:
      'SME certification applications: the enterprise’s own, or the reviewers’ queue (a city’s finance office: its city’s enterprises); searched, filtered, sorted and paged by number, with the total',
    tag,
    access: READER,
    query: queueQuerySchema,
    response: z.object({ items: z.array(certificationApplicationSchema), total: z.number().int() }),
    handler: ({ actor, query }) => applications.certificationApplications(actor!, query),
  });
  route({
    method: 'post',
    path: '/certification-applications',
    summary:
      'Apply to be recognised as a technology-based SME (入库登记编号 and evaluation year); upload the certificate next',
    tag,
    access: APPLICANT,
    body: certificationApplicationInputSchema,
    response: certificationApplicationDetailSchema,
    status: 201,
    handler: ({ actor, body }) => applications.applyForCertification(actor!, body),
  });
  route({
    method: 'get',
    path: '/certification-applications/:id',
    summary: 'One certification application with its documents, history and the enterprise’s certification',
    tag,
    access: READER,
    params: idParams,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params }) => applications.certificationApplication(actor!, params.id),
  });
  route({
    method: 'put',
    path: '/certification-applications/:id',
    summary: 'Change a returned certification application and submit it again',
    tag,
    access: APPLICANT,
    params: idParams,
    body: certificationApplicationInputSchema,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.resubmitCertification(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/certification-applications/:id/withdraw',
    summary: 'Withdraw a certification application still under way',
    tag,
    access: APPLICANT,
    params: idParams,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params }) => applications.withdrawCertification(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/certification-applications/:id/approve',
    summary:
      'Approve: the enterprise is certified (valid through 31 December of the evaluation year, or an earlier expiresOn)',
    tag,
    access: REVIEWER,
    params: idParams,
    body: certificationApprovalSchema,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.approveCertification(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/certification-applications/:id/return',
    summary: 'Return a certification application for changes, with the reasons',
    tag,
    access: REVIEWER,
    params: idParams,
    body: reviewReasonSchema,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.returnCertification(actor!, params.id, body.note),
  });
  route({
    method: 'post',
    path: '/certification-applications/:id/reject',
    summary: 'Reject a certification application, with the reasons',
    tag,
    access: REVIEWER,
    params: idParams,
    body: reviewReasonSchema,
    response: certificationApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.rejectCertification(actor!, params.id, body.note),
  });

  // Documents: the file itself is the body (PDF, JPEG or PNG by its bytes, up to 10 MB), its name in ?name=.
  // Who may upload is settled before a byte of the body is read.
  router.put('/certification-applications/:id/documents/:kind', async (req, res) => {
    checkAccess(req.actor ?? null, APPLICANT);
    const { id, kind } = parseInput(documentParams, req.params, 'params');
    const { name } = parseInput(nameQuery, req.query, 'query');
    const documentKind = await applications.checkCertificationUpload(req.actor!, id, kind);
    const bytes = await readUpload(req, DOCUMENT_MAX_BYTES);
    res.json(await applications.uploadCertificationDocument(req.actor!, id, documentKind, { name, bytes }));
  });
  router.get('/certification-applications/:id/documents/:documentId/file', async (req, res) => {
    checkAccess(req.actor ?? null, READER);
    const { id, documentId } = parseInput(fileParams, req.params, 'params');
    sendDownload(res, await applications.certificationDocument(req.actor!, id, documentId));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/certification-applications/{id}/documents/{kind}',
    operationId: operationIdOf('put', '/certification-applications/:id/documents/:kind'),
    summary: 'Upload a document of a certification application (the raw file as the body, its name in ?name=)',
    description:
      'Roles: researcher of the applying enterprise, while the application is submitted or returned. kind: ' +
      'sme_certificate (the certificate; required before approval) or other. The type is read from the bytes: ' +
      'PDF, JPEG or PNG, up to 10 MB (an HTML file named .pdf is refused with 415). A new upload of a kind ' +
      'replaces the previous one. Access is checked before the body is read.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: documentParams as never,
      query: nameQuery as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: {
        description: 'The application',
        content: { 'application/json': { schema: certificationApplicationDetailSchema } },
      },
      400: { description: 'Unknown kind, empty file or invalid name (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not an enterprise’s researcher' },
      404: { description: 'No such application of the caller’s enterprise' },
      409: { description: 'The application is no longer open' },
      413: { description: 'Larger than 10 MB' },
      415: { description: 'Not a PDF, JPEG or PNG' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/certification-applications/{id}/documents/{documentId}/file',
    operationId: operationIdOf('get', '/certification-applications/:id/documents/:documentId/file'),
    summary: 'Download a document of a certification application',
    description:
      'Roles: researcher (the applying enterprise), finance_officer (within its scope), platform_admin. Sent as ' +
      'an attachment with the type found at upload, sandboxed.',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: fileParams as never },
    responses: {
      200: fileResponse(typesOfKinds(DOCUMENT_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such application or document visible to the caller' },
    },
  });

  // Voucher applications (申领)
  route({
    method: 'get',
    path: '/voucher-applications/eligibility',
    summary:
      'What the caller’s enterprise may apply for now: its certification and the programmes taking applications in its area',
    tag,
    access: APPLICANT,
    response: eligibilitySchema,
    handler: ({ actor }) => applications.voucherEligibility(actor!),
  });
  route({
    method: 'get',
    path: '/voucher-applications',
    summary:
      'Voucher applications: the enterprise’s own, or the reviewers’ queue (a city’s finance office: its enterprises’ and its programmes’); searched, filtered, sorted and paged by number, with the total',
    tag,
    access: READER,
    query: voucherQueueQuerySchema,
    response: z.object({ items: z.array(voucherApplicationSchema), total: z.number().int() }),
    handler: ({ actor, query }) => applications.voucherApplications(actor!, query),
  });
  route({
    method: 'post',
    path: '/voucher-applications',
    summary:
      'Apply for a quota under a programme taking applications: amount, planned use, no related parties declared',
    tag,
    access: APPLICANT,
    body: voucherApplicationInputSchema,
    response: voucherApplicationDetailSchema,
    status: 201,
    handler: ({ actor, body }) => applications.applyForVouchers(actor!, body),
  });
  route({
    method: 'get',
    path: '/voucher-applications/:id',
    summary: 'One voucher application with its history and the enterprise’s certification',
    tag,
    access: READER,
    params: idParams,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params }) => applications.voucherApplication(actor!, params.id),
  });
  route({
    method: 'put',
    path: '/voucher-applications/:id',
    summary: 'Change a returned voucher application and submit it again',
    tag,
    access: APPLICANT,
    params: idParams,
    body: voucherApplicationChangeSchema,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.resubmitVoucherApplication(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/voucher-applications/:id/withdraw',
    summary: 'Withdraw a voucher application still under way',
    tag,
    access: APPLICANT,
    params: idParams,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params }) => applications.withdrawVoucherApplication(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/voucher-applications/:id/approve',
    summary:
      'Approve with an amount (at most the amount asked, the per-enterprise cap and the budget free): the quota is granted',
    tag,
    access: REVIEWER,
    params: idParams,
    body: voucherApprovalSchema,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.approveVoucherApplication(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/voucher-applications/:id/return',
    summary: 'Return a voucher application for changes, with the reasons',
    tag,
    access: REVIEWER,
    params: idParams,
    body: reviewReasonSchema,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.returnVoucherApplication(actor!, params.id, body.note),
  });
  route({
    method: 'post',
    path: '/voucher-applications/:id/reject',
    summary: 'Reject a voucher application, with the reasons',
    tag,
    access: REVIEWER,
    params: idParams,
    body: reviewReasonSchema,
    response: voucherApplicationDetailSchema,
    handler: ({ actor, params, body }) => applications.rejectVoucherApplication(actor!, params.id, body.note),
  });

  // Automatic quotas
  route({
    method: 'post',
    path: '/voucher-programmes/:id/automatic-quotas',
    summary:
      'Grant now the missing automatic quotas of a programme in automatic mode (the platform also does it periodically)',
    tag,
    access: ['platform_admin'],
    params: idParams,
    response: z.object({ granted: z.number().int() }),
    handler: async ({ actor, params }) => ({
      granted: await applications.grantProgrammeAutomaticQuotas(actor!, params.id),
    }),
  });
  return router;
}
