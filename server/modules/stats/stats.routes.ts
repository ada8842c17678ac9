import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Database } from '../../../db/port.ts';
import { idParams, routeDeclarer } from '../../http/route.ts';
import { keepEncoded } from '../../http/compression.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { forbidden, notFound } from '../../shared/errors.ts';
import { toCsv, toXlsx, type Table } from '../settlement/exports.ts';
import { instrumentRecords, serviceRecords } from './national.ts';
import type { StatsService } from './stats.service.ts';

const year = z
  .string()
  .regex(/^\d{4}$/, 'a year YYYY')
  .transform(Number)
  .optional();
const ratio = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a fraction 0–1')
  .transform(Number);
const figuresSchema = z.object({
  openHours: z.number(),
  bookedHours: z.number(),
  usedHours: z.number(),
  externalHours: z.number(),
  samples: z.number().int(),
  utilisation: z.number(),
  externalShare: z.number(),
  incomeFen: z.number().int(),
  voucherIncomeFen: z.number().int(),
  selfPayIncomeFen: z.number().int(),
  savedFen: z.number().int(),
  enterprisesServed: z.number().int(),
  requests: z.number().int(),
  completed: z.number().int(),
  averageRating: z.number().nullable(),
  medianApprovalMinutes: z.number().nullable(),
  noShowRate: z.number(),
  cancellationRate: z.number(),
});
const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** True while the year's figures are still being built: what exists is answered, the rest follows. */
const building = z.boolean();

export function statsRoutes(
  stats: StatsService,
  db: Database,
  registry: OpenAPIRegistry,
  /** National-report exports are recorded in the security audit log. */
  audit?: AuditLog,
): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Statistics';
  route({
    method: 'get',
    path: '/stats/years',
    summary: 'The years with sharing figures (public): from the platform’s first to this one; others are refused',
    tag,
    access: 'public',
    response: z.object({ first: z.number().int(), last: z.number().int() }),
    handler: () => stats.years(),
  });
  route({
    method: 'get',
    path: '/stats/overview',
    summary:
      'The sharing overview (一网通览), public: instruments and institutions by city and category, hours of service, enterprises served, voucher savings, monthly trend, most used instruments. A year of /stats/years not built yet is answered at once with what exists and building: true',
    tag,
    access: 'public',
    query: z.object({ year }).strict(),
    response: z.object({
      year: z.number().int(),
      building,
      /** Voucher money this year: quotas granted, voucher shares used (what SMEs saved), claims paid to providers. */
      vouchers: z.object({ grantedFen: z.number().int(), usedFen: z.number().int(), paidFen: z.number().int() }),
      instruments: z.number().int(),
      sharedInstruments: z.number().int(),
      institutions: z.number().int(),
      totals: figuresSchema,
      byMonth: z.array(figuresSchema.extend({ month: z.string() })),
      byCity: z.array(
        figuresSchema.extend({
          cityCode: z.string(),
          cityName: z.string(),
          cityNameEn: z.string(),
          instruments: z.number().int(),
          institutions: z.number().int(),
        }),
      ),
      byCategory: z.array(
        figuresSchema.extend({ code: z.string(), name: z.string(), nameEn: z.string(), instruments: z.number().int() }),
      ),
      topInstruments: z.array(
        z.object({
          id: z.number().int(),
          nameZh: z.string(),
          nameEn: z.string().nullable(),
          institutionName: z.string(),
          usedHours: z.number(),
          externalHours: z.number(),
          jobs: z.number().int(),
        }),
      ),
    }),
    handler: async ({ query }) => keepEncoded(await stats.overview(query.year)),
  });
  route({
    method: 'get',
    path: '/stats/institutions/:id',
    summary: 'An institution’s figures by month and per instrument (its lab managers, finance, admins)',
    tag,
    access: 'signed_in',
    params: idParams,
    query: z.object({ year }).strict(),
    response: z.object({
      year: z.number().int(),
      building,
      institution: z.object({ id: z.number().int(), name: z.string() }),
      totals: figuresSchema,
      byMonth: z.array(figuresSchema.extend({ month: z.string() })),
      instruments: z.array(figuresSchema.extend({ instrumentId: z.number().int(), nameZh: z.string() })),
    }),
    handler: async ({ params, query, actor }) =>
      keepEncoded(await stats.institution(actor!, params.id, query.year), 'instruments'),
  });
  route({
    method: 'get',
    path: '/stats/instruments/:id',
    summary: 'One instrument’s sharing figures by month (public)',
    tag,
    access: 'public',
    params: idParams,
    query: z.object({ year }).strict(),
    response: z.object({
      year: z.number().int(),
      building,
      instrument: z.object({ id: z.number().int(), nameZh: z.string(), institutionId: z.number().int() }),
      totals: figuresSchema,
      byMonth: z.array(figuresSchema.extend({ month: z.string() })),
    }),
    handler: ({ params, query }) => stats.instrument(params.id, query.year),
  });
  route({
    method: 'get',
    path: '/stats/underused',
    summary: 'Instruments below a utilisation or effective-hours threshold, for the evaluation of open sharing',
    tag,
    access: ['lab_manager', 'finance_officer', 'platform_admin'],
    query: z
      .object({
        year,
        institutionId: z.string().regex(/^\d+$/).transform(Number).optional(),
        maxUtilisation: ratio.default(0.1),
        minHours: z
          .string()
          .regex(/^\d{1,5}$/)
          .transform(Number)
          .default(100),
      })
      .strict(),
    response: z.object({
      year: z.number().int(),
      building,
      thresholds: z.object({ maxUtilisation: z.number(), minHours: z.number() }),
      items: z.array(
        z.object({
          instrumentId: z.number().int(),
          nameZh: z.string(),
          institutionName: z.string(),
          openHours: z.number(),
          usedHours: z.number(),
          externalHours: z.number(),
          utilisation: z.number(),
        }),
      ),
    }),
    handler: ({ query, actor }) => stats.underused(actor!, query),
  });

  const send = async (res: Response, table: Table, format: 'csv' | 'xlsx', name: string) => {
    res
      .status(200)
      .type(TYPES[format])
      .set('Content-Disposition', `attachment; filename="${name}.${format}"`)
      .send(format === 'csv' ? toCsv(table) : await toXlsx(table));
  };
  const exportQuery = z
    .object({
      institutionId: z.string().regex(/^\d+$/).transform(Number),
      year: z
        .string()
        .regex(/^\d{4}$/)
        .transform(Number),
      format: z.enum(['csv', 'xlsx']).default('csv'),
    })
    .strict();
  const checkInstitution = async (actor: { role: string; organisationId: number }, institutionId: number) => {
    const kind = await db.value(`SELECT kind FROM organisations WHERE id = ?`, [institutionId]);
    if (kind !== 'institution') throw notFound('institution');
    if (!(actor.role === 'platform_admin' || (actor.role === 'lab_manager' && actor.organisationId === institutionId)))
      throw forbidden('national reports are made by the institution’s lab managers or admins');
  };
  for (const [kind, build, summary] of [
    ['instruments', instrumentRecords, 'Instrument records in the national reporting fields, per institution and year'],
    ['services', serviceRecords, 'Per-job service records in the national reporting fields, per institution and year'],
  ] as const) {
    route({
      method: 'get',
      path: `/national-reports/${kind}`,
      summary,
      tag,
      access: ['lab_manager', 'platform_admin'],
      query: exportQuery,
      file: [TYPES.csv, TYPES.xlsx],
      handler: async ({ query, actor, res }) => {
        await checkInstitution(actor!, query.institutionId);
        await stats.refresh();
        const table = await build(db, query.institutionId, query.year);
        // An export of the institution's records (users' names and units in the service records).
        await audit?.record({
          action: `export.national_${kind}`,
          subject: { type: 'organisation', id: query.institutionId },
          details: { format: query.format, rows: table.rows.length, year: query.year },
        });
        await send(res, table, query.format, `national-${kind}-${query.institutionId}-${query.year}`);
      },
    });
  }
  return router;
}
