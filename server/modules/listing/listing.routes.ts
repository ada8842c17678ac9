import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { translateDetail } from '../../shared/messages.ts';
import {
  approveListingSchema,
  bulkApproveResultSchema,
  bulkApproveSchema,
  listingPageSchema,
  listingQuerySchema,
  listingSubmissionDetailSchema,
  rejectListingSchema,
  resubmitListingSchema,
  returnListingSchema,
} from './listing.schemas.ts';
import type { ListingService } from './listing.service.ts';

/** Who calls at all; the service checks the organisation (the institution's own, or the reviewer's city). */
const READERS = ['lab_manager', 'platform_admin', 'finance_officer'] as const;
const REVIEWERS = ['platform_admin', 'finance_officer'] as const;
const LABS = ['lab_manager', 'platform_admin'] as const;

export function listingRoutes(listing: ListingService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Listing review';
  route({
    method: 'get',
    path: '/listing-submissions',
    summary:
      'Listing submissions (入网审核): the reviewer’s queue (their city in city mode), or a lab’s own institution’s; with counts per status',
    tag,
    access: READERS,
    query: listingQuerySchema,
    response: listingPageSchema,
    handler: ({ actor, query }) => listing.list(actor!, query),
  });
  route({
    method: 'post',
    path: '/listing-submissions/bulk-approve',
    summary: 'Approve several pending submissions, each in its own transaction; the outcome per id',
    tag,
    access: REVIEWERS,
    body: bulkApproveSchema,
    response: bulkApproveResultSchema,
    handler: async ({ actor, body, lang }) => {
      const out = await listing.bulkApprove(actor!, body.ids);
      // Each refusal in the reader's language, as a problem's detail would be.
      for (const r of out.results) if (r.error) r.error.detail = translateDetail(r.error.detail, lang);
      return out;
    },
  });
  route({
    method: 'get',
    path: '/listing-submissions/:id',
    summary: 'One submission with its diff against the published record and its history',
    tag,
    access: READERS,
    params: idParams,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params }) => listing.get(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/listing-submissions/:id/approve',
    summary: 'Approve: a new record is published in the catalogue, a change is applied to the published record',
    tag,
    access: REVIEWERS,
    params: idParams,
    body: approveListingSchema,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params, body }) => listing.approve(actor!, params.id, body.note),
  });
  route({
    method: 'post',
    path: '/listing-submissions/:id/return',
    summary: 'Return for changes, with a reason per field and a note',
    tag,
    access: REVIEWERS,
    params: idParams,
    body: returnListingSchema,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params, body }) => listing.returnForChanges(actor!, params.id, body),
  });
  route({
    method: 'post',
    path: '/listing-submissions/:id/reject',
    summary: 'Reject (with the reason)',
    tag,
    access: REVIEWERS,
    params: idParams,
    body: rejectListingSchema,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params, body }) => listing.reject(actor!, params.id, body.note),
  });
  route({
    method: 'post',
    path: '/listing-submissions/:id/resubmit',
    summary: 'The lab resubmits a returned submission with its fixes (new: any field; change: key fields)',
    tag,
    access: LABS,
    params: idParams,
    body: resubmitListingSchema,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params, body }) => listing.resubmit(actor!, params.id, body.record, body.note),
  });
  route({
    method: 'post',
    path: '/listing-submissions/:id/withdraw',
    summary: 'The lab withdraws a pending or returned submission (a change: the published record stays)',
    tag,
    access: LABS,
    params: idParams,
    response: listingSubmissionDetailSchema,
    handler: ({ actor, params }) => listing.withdraw(actor!, params.id),
  });
  return router;
}
