import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { readUpload } from '../../http/upload.ts';
import { checkAccess } from '../auth/actor.ts';
import {
  errorPageSchema,
  errorsQuerySchema,
  formatQuerySchema,
  importViewSchema,
  listQuerySchema,
  runBodySchema,
  uploadQuerySchema,
} from './imports.schemas.ts';
import { IMPORT_MAX_BYTES, XLSX_TYPE, type ImportsService } from './imports.service.ts';

const LAB = ['lab_manager', 'platform_admin'] as const;
const CSV_TYPE = 'text/csv; charset=utf-8';

/** `attachment` with a UTF-8 name (Chinese file names) and an ASCII fallback. */
const disposition = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function importRoutes(imports: ImportsService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Instrument imports';

  route({
    method: 'get',
    path: '/instrument-imports/template',
    summary:
      'The national instrument-record template (导入模板) with an example row; the XLSX has a second sheet with instructions and the allowed values',
    tag,
    access: LAB,
    query: formatQuerySchema,
    file: [XLSX_TYPE, CSV_TYPE],
    handler: async ({ query, actor, res }) => {
      const format = query.format ?? 'xlsx';
      const bytes = await imports.template(actor!, format);
      res
        .status(200)
        .type(format === 'csv' ? CSV_TYPE : XLSX_TYPE)
        .set('Content-Disposition', disposition(`仪器信息导入模板.${format}`))
        .send(bytes);
    },
  });

  // The sheet is the body (XLSX or CSV, read from its bytes); who may import is settled before it is read.
  router.post('/instrument-imports', async (req, res) => {
    checkAccess(req.actor ?? null, LAB);
    const query = parseInput(uploadQuerySchema, req.query, 'query');
    const institutionId = await imports.target(req.actor!, query.institutionId);
    const bytes = await readUpload(req, IMPORT_MAX_BYTES);
    const view = await imports.upload(req.actor!, {
      institutionId,
      fileName: query.fileName ?? 'instruments',
      bytes,
    });
    res.status(202).json(view);
  });
  registry.registerPath({
    method: 'post',
    path: '/api/v1/instrument-imports',
    operationId: operationIdOf('post', '/instrument-imports'),
    summary: 'Upload a sheet of instrument records (XLSX or CSV as the raw body); the dry run starts at once',
    description:
      'Roles: lab_manager (own institution), platform_admin (any: ?institutionId=). The sheet must be in the ' +
      'template (GET /instrument-imports/template); up to 50 MB. Answers 202 with the import, status validating: ' +
      'poll it until validated, then look at its errors and run it.',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      query: uploadQuerySchema as never,
      body: {
        content: {
          [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } },
          'text/csv': { schema: { type: 'string', format: 'binary' } },
        },
      },
    },
    responses: {
      202: { description: 'The import', content: { 'application/json': { schema: importViewSchema } } },
      400: { description: 'Empty, or not in the template (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the caller’s institution' },
      413: { description: 'Larger than 50 MB' },
      415: { description: 'Not an XLSX or CSV sheet' },
    },
  });

  route({
    method: 'get',
    path: '/instrument-imports',
    summary: 'Imports of the caller’s institution (platform admins: all, or one institution’s), newest first',
    tag,
    access: LAB,
    query: listQuerySchema,
    response: z.object({ items: z.array(importViewSchema) }),
    handler: ({ query, actor }) => imports.list(actor!, query),
  });
  route({
    method: 'get',
    path: '/instrument-imports/:id',
    summary: 'One import: its status, counts and progress',
    tag,
    access: LAB,
    params: idParams,
    response: importViewSchema,
    handler: ({ params, actor }) => imports.get(actor!, params.id),
  });
  route({
    method: 'get',
    path: '/instrument-imports/:id/errors',
    summary: 'The problems the dry run (and the import) found, by row as numbered in the sheet and column',
    tag,
    access: LAB,
    params: idParams,
    query: errorsQuerySchema,
    response: errorPageSchema,
    handler: ({ params, query, actor }) => imports.errors(actor!, params.id, query),
  });
  route({
    method: 'get',
    path: '/instrument-imports/:id/error-sheet',
    summary: 'The uploaded sheet with a column 错误说明 telling what is wrong with each row',
    tag,
    access: LAB,
    params: idParams,
    query: formatQuerySchema,
    file: [XLSX_TYPE, CSV_TYPE],
    handler: async ({ params, query, actor, res }) => {
      const file = await imports.errorSheet(actor!, params.id, query.format);
      res
        .status(200)
        .type(file.type)
        .set({ 'Content-Disposition': disposition(file.name), 'X-Content-Type-Options': 'nosniff' })
        .send(file.bytes);
    },
  });
  route({
    method: 'post',
    path: '/instrument-imports/:id/run',
    summary:
      'Import a checked sheet: every valid row (valid_rows) or, all_or_nothing, only when no row has errors (409 otherwise)',
    tag,
    access: LAB,
    params: idParams,
    body: runBodySchema,
    response: importViewSchema,
    status: 202,
    handler: ({ params, body, actor }) => imports.run(actor!, params.id, body.errorPolicy),
  });
  route({
    method: 'post',
    path: '/instrument-imports/:id/cancel',
    summary: 'Drop a checked import without importing it',
    tag,
    access: LAB,
    params: idParams,
    response: importViewSchema,
    handler: ({ params, actor }) => imports.cancel(actor!, params.id),
  });
  return router;
}
