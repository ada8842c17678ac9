/**
 * Routes of signing up, the applicant's registration and its documents, and the reviewers' work.
 * (People and the directory: people.routes.ts; both mounted by organisations.routes.ts.)
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { CookieOptions, Router } from 'express';
import type { z } from 'zod';
import { checkAccess, type Restriction } from '../auth/actor.ts';
import { sessionSchema } from '../auth/auth.schemas.ts';
import { DOCUMENT_MAX_BYTES } from '../documents/documents.ts';
import { fileResponse, idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { DOCUMENT_KINDS, typesOfKinds } from '../../shared/files.ts';
import { SESSION_COOKIE } from '../../http/session.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { translateField } from '../../shared/messages.ts';
import {
  countiesQuery,
  countiesSchema,
  creditCodeCheckSchema,
  creditCodeParams,
  decisionSchema,
  documentQuery,
  documentSchema,
  joinInputSchema,
  reasonSchema,
  registrationDetailSchema,
  registrationInputSchema,
  registrationListQuery,
  registrationPageSchema,
  registrationPatchSchema,
  registrationSchema,
  tokenInputSchema,
  uploadParams,
  verifiedSchema,
} from './organisations.schemas.ts';
import type { OrganisationsService } from './organisations.service.ts';

/** The applicant's routes stay open while the account waits for its e-mail, review or acceptance. */
export const APPLICANT: readonly Restriction[] = ['email_unverified', 'organisation_unapproved', 'membership_pending'];
const tag = 'Registration';

export function registrationRoutes(
  router: Router,
  registry: OpenAPIRegistry,
  service: OrganisationsService,
  cookie: CookieOptions,
): void {
  const route = routeDeclarer(router, registry);
  const client = (req: { ip?: string; get(name: string): string | undefined }) => ({
    client: req.ip,
    userAgent: req.get('user-agent'),
  });

  route({
    method: 'get',
    path: '/counties',
    summary: 'The province’s cities and their county-level divisions (区县), for registration forms',
    tag,
    access: 'public',
    query: countiesQuery,
    response: countiesSchema,
    handler: ({ query }) => service.registration.counties(query.cityCode),
  });
  route({
    method: 'get',
    path: '/registration/credit-codes/:code',
    summary: 'Check a unified social credit code (GB 32100-2015) and whether an organisation has registered it',
    tag,
    access: 'public',
    params: creditCodeParams,
    response: creditCodeCheckSchema,
    handler: async ({ params, lang }) => {
      const found = await service.registration.checkCreditCode(params.code);
      return { ...found, problem: found.problem && translateField(found.problem, lang) };
    },
  });
  route({
    method: 'post',
    path: '/registration',
    summary:
      'Register an enterprise or an instrument-owning institution and its first user (its administrator); ' +
      'signs the user in, restricted until the e-mail is verified and the registration approved',
    tag,
    access: 'public',
    body: registrationInputSchema,
    response: sessionSchema,
    status: 201,
    handler: async ({ body, req, res }) => {
      const { token, user } = await service.registration.register(body, client(req));
      res.cookie(SESSION_COOKIE, token, cookie);
      return { user };
    },
  });
  route({
    method: 'post',
    path: '/registration/join',
    summary: 'Ask to join a registered organisation (by its credit code); its administrators accept or decline',
    tag,
    access: 'public',
    body: joinInputSchema,
    response: sessionSchema,
    status: 201,
    handler: async ({ body, req, res }) => {
      const { token, user } = await service.registration.join(body, client(req));
      res.cookie(SESSION_COOKIE, token, cookie);
      return { user };
    },
  });
  route({
    method: 'post',
    path: '/registration/verify-email',
    summary: 'Verify an e-mail address with the single-use link’s token (valid 24 hours)',
    tag,
    access: 'public',
    body: tokenInputSchema,
    response: verifiedSchema,
    handler: ({ body, req }) => service.registration.verifyEmail(body.token, client(req)),
  });
  route({
    method: 'post',
    path: '/registration/verify-email/resend',
    summary: 'Send the signed-in user a new verification link (at most one a minute)',
    tag,
    access: 'signed_in',
    allowRestricted: APPLICANT,
    status: 204,
    handler: async ({ actor }) => {
      await service.registration.resendVerification(actor!);
    },
  });
  route({
    method: 'get',
    path: '/registration',
    summary: 'The caller’s registration (or request to join): status, review notes, documents, history',
    tag,
    access: 'signed_in',
    allowRestricted: APPLICANT,
    response: registrationSchema,
    handler: ({ actor }) => service.application.view(actor!),
  });
  route({
    method: 'patch',
    path: '/registration',
    summary: 'Change the registration’s fields (its administrator; until it is decided)',
    tag,
    access: 'signed_in',
    allowRestricted: APPLICANT,
    body: registrationPatchSchema,
    response: registrationSchema,
    handler: ({ actor, body }) => service.application.update(actor!, body),
  });
  route({
    method: 'post',
    path: '/registration/submit',
    summary: 'Send the registration to review (e-mail verified, documents in), or again after it was returned',
    tag,
    access: 'signed_in',
    allowRestricted: APPLICANT,
    response: registrationSchema,
    handler: ({ actor }) => service.application.submit(actor!),
  });

  // Documents: the file itself is the body (PDF, JPEG or PNG by its bytes, up to 10 MB), its name in ?name=.
  // Who may upload is settled before a byte of the body is read.
  router.put('/organisations/:id/documents/:kind', async (req, res) => {
    checkAccess(req.actor ?? null, 'signed_in', APPLICANT);
    const { id, kind } = parseInput(uploadParams, req.params, 'params');
    const { name } = parseInput(documentQuery, req.query, 'query');
    await service.application.checkUpload(req.actor!, id, kind);
    const bytes = await readUpload(req, DOCUMENT_MAX_BYTES);
    res.json(await service.application.upload(req.actor!, id, kind, { name, bytes }));
  });
  router.get('/organisations/:id/documents/:kind', async (req, res) => {
    checkAccess(req.actor ?? null, 'signed_in', APPLICANT);
    const { id, kind } = parseInput(uploadParams, req.params, 'params');
    sendDownload(res, await service.application.document(req.actor!, id, kind));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/organisations/{id}/documents/{kind}',
    operationId: operationIdOf('put', '/organisations/:id/documents/:kind'),
    summary: 'Upload a registration document (the raw file as the body, its name in ?name=)',
    description:
      'The organisation’s administrator while the registration can change (unverified, pending review, ' +
      'returned), or a platform admin. business_licence for every organisation, authorisation_letter for ' +
      'institutions, other. The type is read from the bytes: PDF, JPEG or PNG, up to 10 MB (an HTML file ' +
      'named licence.pdf is refused with 415). A new upload of a kind replaces the old.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: uploadParams as never,
      query: documentQuery as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: 'The document', content: { 'application/json': { schema: documentSchema } } },
      400: { description: 'Empty file, or not a registration document' },
      401: { description: 'Not signed in' },
      404: { description: 'Not an organisation the caller administers' },
      409: { description: 'The registration is decided' },
      413: { description: 'Larger than 10 MB' },
      415: { description: 'Not a PDF, JPEG or PNG' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/organisations/{id}/documents/{kind}',
    operationId: operationIdOf('get', '/organisations/:id/documents/:kind'),
    summary: 'Download a registration’s current document of a kind',
    description:
      'The organisation’s administrators, platform admins and (when registrations are reviewed by city) ' +
      'the finance office of its city. An attachment, sandboxed.',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: uploadParams as never },
    responses: {
      200: fileResponse(typesOfKinds(DOCUMENT_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such document visible to the caller' },
    },
  });

  // Review
  const reviewers = ['platform_admin', 'finance_officer'] as const;
  route({
    method: 'get',
    path: '/registrations',
    summary:
      'Registrations to review, by status, kind and a search (name, credit code, contact, applicant; contacts masked), ' +
      'by cursor or numbered pages sorted by the time sent or by name (offset, limit; with total); platform admins and city offices',
    tag,
    access: reviewers,
    query: registrationListQuery,
    response: registrationPageSchema,
    handler: ({ actor, query }) => service.review.list(actor!, query),
  });
  route({
    method: 'get',
    path: '/registrations/:id',
    summary: 'A registration with its documents, history and people, for its reviewers',
    tag,
    access: reviewers,
    params: idParams,
    response: registrationDetailSchema,
    handler: ({ actor, params }) => service.review.detail(actor!, params.id),
  });
  const decisions = [
    ['approve', 'Approve a registration awaiting review', decisionSchema],
    ['return', 'Return a registration for changes, with the reasons', reasonSchema],
    ['reject', 'Reject a registration, with the reasons', reasonSchema],
  ] as const;
  for (const [decision, summary, body] of decisions) {
    route({
      method: 'post',
      path: `/registrations/:id/${decision}`,
      summary,
      tag,
      access: reviewers,
      params: idParams,
      body: body as z.ZodType<{ note?: string }>,
      response: registrationDetailSchema,
      handler: ({ actor, params, body }) => service.review.decide(actor!, params.id, decision, body.note),
    });
  }
}
