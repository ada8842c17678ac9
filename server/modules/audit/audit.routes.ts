/**
 * The security audit log's API, for platform admins (the platform's security auditors): search,
 * one entry, the actions it holds, and exports. Read-only by design: no route changes or removes an
 * entry (test/http/audit-log.test.ts checks the OpenAPI document for any).
 */
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { toCsv, toXlsx } from '../settlement/exports.ts';
import {
  auditActionsSchema,
  auditEntrySchema,
  auditExportQuerySchema,
  auditListQuerySchema,
  auditPageSchema,
} from './audit.schemas.ts';
import { MAX_EXPORT_ROWS, type AuditReadService } from './audit.service.ts';

const ADMIN = ['platform_admin'] as const;
const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export function auditRoutes(audit: AuditReadService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Audit';

  route({
    method: 'get',
    path: '/admin/audit-log',
    summary:
      'Search the security audit log, newest (or oldest) first, with cursor pages: by time (dates in Beijing time or instants), person (user id or part of an e-mail), organisation, action or area (`auth.`), outcome, subject, client address and free text',
    tag,
    access: ADMIN,
    query: auditListQuerySchema,
    response: auditPageSchema,
    handler: ({ query, actor }) => {
      const { cursor, limit, order, ...filter } = query;
      return audit.list(actor!, filter, cursor, limit, order);
    },
  });
  // Before /:id, which would take these for an id.
  route({
    method: 'get',
    path: '/admin/audit-log/actions',
    summary: 'Every action the audit log holds (for the filter’s choices)',
    tag,
    access: ADMIN,
    response: auditActionsSchema,
    handler: async ({ actor }) => ({ items: await audit.actions(actor!) }),
  });
  route({
    method: 'get',
    path: '/admin/audit-log/export',
    summary: `A filtered range of the audit log as CSV or XLSX, oldest first (at most ${MAX_EXPORT_ROWS.csv} entries in CSV, ${MAX_EXPORT_ROWS.xlsx} in XLSX: a larger range is refused with 400); the export is itself recorded (export.audit_log)`,
    tag,
    access: ADMIN,
    query: auditExportQuerySchema,
    file: [TYPES.csv, TYPES.xlsx],
    handler: async ({ query, actor, res }) => {
      const { format, ...filter } = query;
      const table = await audit.export(actor!, filter, format);
      const name = `audit-log.${format}`;
      res
        .status(200)
        .type(TYPES[format])
        .set('Content-Disposition', `attachment; filename="${name}"`)
        .send(format === 'csv' ? toCsv(table) : await toXlsx(table));
    },
  });
  route({
    method: 'get',
    path: '/admin/audit-log/:id',
    summary: 'One entry of the audit log',
    tag,
    access: ADMIN,
    params: idParams,
    response: auditEntrySchema,
    handler: ({ params, actor }) => audit.get(actor!, params.id),
  });
  return router;
}
