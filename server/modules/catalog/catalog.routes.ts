import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute, idParams } from '../../http/route.ts';
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

export function catalogRoutes(catalog: CatalogService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tag = 'Catalogue';
  defineRoute(router, registry, {
    method: 'get',
    path: '/instruments',
    summary: 'Search every instrument in the province: full text, filters, facets, cursor pages',
    tag,
    access: 'public',
    query: searchQuerySchema,
    response: searchResultSchema,
    handler: ({ query }) => catalog.search(query),
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
  defineRoute(router, registry, {
    method: 'post',
    path: '/instruments',
    summary: 'Publish an instrument (lab managers: their own institution; admins: any)',
    tag,
    access: ['lab_manager', 'platform_admin'],
    body: instrumentInputSchema,
    response: instrumentDetailSchema,
    status: 201,
    handler: ({ body, actor }) => catalog.create(actor!, body),
  });
  defineRoute(router, registry, {
    method: 'patch',
    path: '/instruments/:id',
    summary: 'Edit an instrument record and/or replace its rate card',
    tag,
    access: ['lab_manager', 'platform_admin'],
    params: idParams,
    body: instrumentPatchSchema,
    response: instrumentDetailSchema,
    handler: ({ params, body, actor }) => catalog.update(actor!, params.id, body),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/categories',
    summary: 'The national instrument taxonomy as a tree, with instrument counts',
    tag,
    access: 'public',
    response: z.object({ items: z.array(categoryNodeSchema) }),
    handler: () => ({ items: catalog.categoryTree() }),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/cities',
    summary: 'Cities of the province with their voucher ratio and instrument counts',
    tag,
    access: 'public',
    response: z.object({ items: z.array(citySchema) }),
    handler: () => ({ items: catalog.cities() }),
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
    handler: ({ query }) => ({ items: catalog.institutions(query.city) }),
  });
  return router;
}
