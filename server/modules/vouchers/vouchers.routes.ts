import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { idParams, routeDeclarer } from '../../http/route.ts';
import {
  certificationInputSchema,
  controllerGroupInputSchema,
  controllerGroupSchema,
  enterpriseListQuery,
  enterpriseSchema,
  programmeInputSchema,
  programmeSchema,
  quotaInputSchema,
  quotaListQuery,
  quotaSchema,
  relatedPartyInputSchema,
  relatedPartyListQuery,
  relatedPartySchema,
  ruleVersionSchema,
  sharedCapInputSchema,
  sharedCapSchema,
  voucherUseHistorySchema,
} from './vouchers.schemas.ts';
import type { VouchersService } from './vouchers.service.ts';

const ADMIN = ['platform_admin'] as const;
const OVERSIGHT = ['platform_admin', 'finance_officer'] as const;

export function voucherRoutes(vouchers: VouchersService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Vouchers';

  // The enterprise's own
  route({
    method: 'get',
    path: '/vouchers',
    summary: 'The caller’s enterprise’s quotas: cap, reserved, used, available, use-by',
    tag,
    access: ['researcher'],
    response: z.object({ items: z.array(quotaSchema) }),
    handler: async ({ actor }) => ({ items: await vouchers.myQuotas(actor!) }),
  });
  route({
    method: 'get',
    path: '/vouchers/uses',
    summary: 'Voucher uses, newest first: the enterprise’s own, or all (admins)',
    tag,
    access: ['researcher', 'platform_admin'],
    response: z.object({ items: z.array(voucherUseHistorySchema) }),
    handler: async ({ actor }) => ({ items: await vouchers.myUses(actor!) }),
  });

  // Programmes
  route({
    method: 'get',
    path: '/voucher-programmes',
    summary:
      'Voucher programmes with their rules and budget use; a city’s finance office reads the budget figures of the province’s and its own city’s programmes, only the terms of another city’s',
    tag,
    access: OVERSIGHT,
    response: z.object({ items: z.array(programmeSchema) }),
    handler: async ({ actor }) => ({ items: await vouchers.listProgrammes(actor!) }),
  });
  route({
    method: 'get',
    path: '/voucher-programmes/:id',
    summary: 'One voucher programme (another city’s: its terms only, for a city’s finance office)',
    tag,
    access: OVERSIGHT,
    params: idParams,
    response: programmeSchema,
    handler: ({ params, actor }) => vouchers.programme(actor!, params.id),
  });
  route({
    method: 'post',
    path: '/voucher-programmes',
    summary: 'Create a programme: ratio rules, caps, dates, scope, budget (funded in the ledger)',
    tag,
    access: ADMIN,
    body: programmeInputSchema,
    response: programmeSchema,
    status: 201,
    handler: ({ body, actor }) => vouchers.createProgramme(actor!, body),
  });
  route({
    method: 'put',
    path: '/voucher-programmes/:id',
    summary: 'Change a programme (the budget cannot drop below what is held and used)',
    tag,
    access: ADMIN,
    params: idParams,
    body: programmeInputSchema,
    response: programmeSchema,
    handler: ({ params, body, actor }) => vouchers.updateProgramme(actor!, params.id, body),
  });
  route({
    method: 'get',
    path: '/voucher-programmes/:id/versions',
    summary:
      'A programme’s rule versions, newest first: each applies to orders made from its effective time (the one in force is marked)',
    tag,
    access: OVERSIGHT,
    params: idParams,
    response: z.object({ items: z.array(ruleVersionSchema) }),
    handler: async ({ params, actor }) => ({ items: await vouchers.programmeVersions(actor!, params.id) }),
  });

  // Shared caps
  route({
    method: 'get',
    path: '/shared-caps',
    summary: 'Caps shared across programmes (per enterprise or controller group, per year)',
    tag,
    access: OVERSIGHT,
    response: z.object({ items: z.array(sharedCapSchema) }),
    handler: async ({ actor }) => ({ items: await vouchers.sharedCaps(actor!) }),
  });
  route({
    method: 'post',
    path: '/shared-caps',
    summary: 'Set a cap shared by several programmes of one year (e.g. province plus city per enterprise)',
    tag,
    access: ADMIN,
    body: sharedCapInputSchema,
    response: sharedCapSchema,
    status: 201,
    handler: ({ body, actor }) => vouchers.createSharedCap(actor!, body),
  });
  route({
    method: 'put',
    path: '/shared-caps/:id',
    summary: 'Change a shared cap (a lowered cap limits later orders; holds already made stay)',
    tag,
    access: ADMIN,
    params: idParams,
    body: sharedCapInputSchema,
    response: sharedCapSchema,
    handler: ({ params, body, actor }) => vouchers.updateSharedCap(actor!, params.id, body),
  });
  route({
    method: 'delete',
    path: '/shared-caps/:id',
    summary: 'Remove a shared cap (it no longer applies to new orders)',
    tag,
    access: ADMIN,
    params: idParams,
    handler: ({ params, actor }) => vouchers.removeSharedCap(actor!, params.id),
  });

  // Enterprises
  route({
    method: 'get',
    path: '/enterprises',
    summary:
      'Enterprises with their 科技型中小企业 certification; a city’s finance office reads its city’s enterprises only',
    tag,
    access: OVERSIGHT,
    query: enterpriseListQuery,
    response: z.object({ items: z.array(enterpriseSchema), total: z.number().int() }),
    handler: ({ query, actor }) => vouchers.enterprises(actor!, query),
  });
  route({
    method: 'put',
    path: '/enterprises/:id/certification',
    summary: 'Certify an enterprise as a technology-based SME (number, dates, controller group)',
    tag,
    access: ADMIN,
    params: idParams,
    body: certificationInputSchema,
    response: enterpriseSchema,
    handler: ({ params, body, actor }) => vouchers.certify(actor!, params.id, body),
  });
  route({
    method: 'delete',
    path: '/enterprises/:id/certification',
    summary: 'Revoke an enterprise’s certification',
    tag,
    access: ADMIN,
    params: idParams,
    response: enterpriseSchema,
    handler: ({ params, actor }) => vouchers.revokeCertification(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/controller-groups',
    summary:
      'Groups of enterprises with the same actual controller (their caps are shared); a city’s finance office reads the groups of its enterprises, with its own enterprises as the members',
    tag,
    access: OVERSIGHT,
    response: z.object({ items: z.array(controllerGroupSchema) }),
    handler: async ({ actor }) => ({ items: await vouchers.controllerGroups(actor!) }),
  });
  route({
    method: 'post',
    path: '/controller-groups',
    summary: 'Create a controller group',
    tag,
    access: ADMIN,
    body: controllerGroupInputSchema,
    response: controllerGroupSchema,
    status: 201,
    handler: ({ body }) => vouchers.createControllerGroup(body),
  });
  route({
    method: 'get',
    path: '/related-parties',
    summary:
      'Declared relations between enterprises and providers (no voucher between them); a city’s finance office reads those of its city’s enterprises',
    tag,
    access: OVERSIGHT,
    query: relatedPartyListQuery,
    response: z.object({ items: z.array(relatedPartySchema), total: z.number().int() }),
    handler: ({ query, actor }) => vouchers.relatedParties(actor!, query),
  });
  route({
    method: 'post',
    path: '/related-parties',
    summary: 'Declare a related party (shared owner, legal representative or controller)',
    tag,
    access: ADMIN,
    body: relatedPartyInputSchema,
    response: relatedPartySchema,
    status: 201,
    handler: ({ body, actor }) => vouchers.declareRelated(actor!, body),
  });
  route({
    method: 'delete',
    path: '/related-parties/:id',
    summary: 'Remove a related-party declaration',
    tag,
    access: ADMIN,
    params: idParams,
    handler: ({ params }) => vouchers.removeRelated(params.id),
  });

  // Quotas
  route({
    method: 'get',
    path: '/voucher-quotas',
    summary:
      'Quotas granted, by programme or enterprise; a city’s finance office sees its enterprises’ and its own programmes’ quotas',
    tag,
    access: OVERSIGHT,
    query: quotaListQuery,
    response: z.object({ items: z.array(quotaSchema), total: z.number().int() }),
    handler: ({ query, actor }) => vouchers.quotas(actor!, query),
  });
  route({
    method: 'post',
    path: '/voucher-quotas',
    summary: 'Grant a certified enterprise a quota under a programme',
    tag,
    access: ADMIN,
    body: quotaInputSchema,
    response: quotaSchema,
    status: 201,
    handler: ({ body, actor }) => vouchers.grantQuota(actor!, body),
  });
  route({
    method: 'post',
    path: '/voucher-quotas/:id/revoke',
    summary: 'Revoke a quota: what is unused goes back to the programme; held shares stay held',
    tag,
    access: ADMIN,
    params: idParams,
    body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
    response: quotaSchema,
    handler: ({ params, body, actor }) => vouchers.revokeQuota(actor!, params.id, body.reason),
  });
  return router;
}
