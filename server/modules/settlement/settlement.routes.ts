import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { checkAccess } from '../auth/actor.ts';
import { fileResponse, idParams, operationIdOf, parseInput, routeDeclarer } from '../../http/route.ts';
import { INVOICE_KINDS, typesOfKinds } from '../../shared/files.ts';
import { readUpload, sendDownload } from '../../http/upload.ts';
import { langOf } from '../../shared/lang.ts';
import { INVOICE_MAX_BYTES } from './invoices.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { renderPdf } from '../documents/pdf-thread.ts';
import { batchTable, runTable, toCsv, toXlsx, voucherRegisterTable, type Table } from './exports.ts';
import type { ReconciliationService } from './reconciliation.service.ts';
import {
  approveLineSchema,
  batchListQuerySchema,
  batchSchema,
  claimableSchema,
  createBatchSchema,
  dashboardSchema,
  approveLinesSchema,
  decideLineSchema,
  exportQuerySchema,
  invoiceQuerySchema,
  lineEvidenceSchema,
  objectionAnswerSchema,
  objectionInputSchema,
  paySchema,
  publicNoticeSchema,
  resolveSchema,
  runRequestSchema,
  runSchema,
  submitSchema,
} from './settlement.schemas.ts';
import type { SettlementService } from './settlement.service.ts';

const CLAIMANTS = ['lab_manager', 'researcher'] as const;
const EVERYONE_INVOLVED = ['lab_manager', 'researcher', 'finance_officer', 'platform_admin'] as const;
const FINANCE = ['finance_officer', 'platform_admin'] as const;
const id = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'a positive integer id')
  .transform(Number);
const lineParams = z.object({ id, lineId: id });
const tableExportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }).strict();

const TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const;

export function settlementRoutes(
  settlement: SettlementService,
  reconciliation: ReconciliationService,
  registry: OpenAPIRegistry,
  /** Every export of financial data is recorded in the security audit log (by whom, what, how many rows). */
  audit?: AuditLog,
): Router {
  const router = Router();
  const route = routeDeclarer(router, registry);
  const tag = 'Settlement';
  const recordExport = (
    what: string,
    format: string,
    rows: number,
    subject?: { type: string; id: number },
    filters: Record<string, unknown> = {},
  ) => audit?.record({ action: `export.${what}`, subject, details: { format, rows, ...filters } });

  const sendTable = async (res: Response, table: Table, format: 'csv' | 'xlsx', name: string) => {
    const body = format === 'csv' ? toCsv(table) : await toXlsx(table);
    res
      .status(200)
      .type(TYPES[format])
      .set(
        'Content-Disposition',
        `attachment; filename="${name}.${format}"; filename*=UTF-8''${encodeURIComponent(`${name}.${format}`)}`,
      )
      .send(body);
  };

  route({
    method: 'get',
    path: '/settlement/claimable',
    summary:
      'What the caller can claim: programmes (open for claims, of its settlement mode) and months with completed voucher uses in no claim yet, with counts and amounts',
    tag,
    access: CLAIMANTS,
    response: claimableSchema,
    handler: async ({ actor }) => ({ items: await settlement.claimable(actor!) }),
  });
  route({
    method: 'post',
    path: '/settlement-batches',
    summary:
      'Assemble the claim of one programme and month: one batch per claimant, programme and month (each line carries its reviewing office; a draft of the month takes new uses)',
    tag,
    access: CLAIMANTS,
    body: createBatchSchema,
    response: batchSchema,
    status: 201,
    handler: ({ body, actor, lang }) => settlement.create(actor!, body, lang),
  });
  route({
    method: 'get',
    path: '/settlement-batches',
    summary: 'Batches the caller may see: its own claims, or those its finance office reviews',
    tag,
    access: EVERYONE_INVOLVED,
    query: batchListQuerySchema,
    response: z.object({ items: z.array(batchSchema) }),
    handler: async ({ query, actor }) => ({ items: await settlement.list(actor!, query) }),
  });
  route({
    method: 'get',
    path: '/settlement-batches/:id',
    summary:
      'One batch with its lines, their automatic checks and the audit trail (the checks’ details in the Accept-Language: Chinese unless English comes first)',
    tag,
    access: EVERYONE_INVOLVED,
    params: idParams,
    response: batchSchema,
    handler: ({ params, actor, lang }) => settlement.get(actor!, params.id, lang),
  });
  route({
    method: 'patch',
    path: '/settlement-batches/:id/lines/:lineId',
    summary: 'Fill in a line’s evidence: the invoice number (unique platform-wide) and a note',
    tag,
    access: CLAIMANTS,
    params: lineParams,
    body: lineEvidenceSchema,
    response: batchSchema,
    handler: ({ params, body, actor, lang }) => settlement.updateLine(actor!, params.id, params.lineId, body, lang),
  });
  route({
    method: 'delete',
    path: '/settlement-batches/:id/lines/:lineId',
    summary: 'Take a line out of a draft batch (or a returned line): it can be claimed again later',
    tag,
    access: CLAIMANTS,
    params: lineParams,
    response: batchSchema,
    handler: ({ params, actor, lang }) => settlement.removeLine(actor!, params.id, params.lineId, lang),
  });
  route({
    method: 'post',
    path: '/settlement-batches/:id/submit',
    summary: 'Submit a draft batch with the bank account to be paid',
    tag,
    access: CLAIMANTS,
    params: idParams,
    body: submitSchema,
    response: batchSchema,
    handler: ({ params, body, actor, lang }) => settlement.submit(actor!, params.id, body.bankAccount, lang),
  });
  route({
    method: 'post',
    path: '/settlement-batches/:id/lines/:lineId/resubmit',
    summary: 'Send a corrected returned line back for review',
    tag,
    access: CLAIMANTS,
    params: lineParams,
    response: batchSchema,
    handler: ({ params, actor, lang }) => settlement.resubmitLine(actor!, params.id, params.lineId, lang),
  });
  const decisions = [
    ['approve', approveLineSchema, 'Approve a line (a line failing its checks needs overrideReason)'],
    ['return', decideLineSchema, 'Return a line for correction, with a reason'],
    [
      'reject',
      decideLineSchema,
      'Reject a line, with a reason: the share becomes the enterprise’s debt or is written off',
    ],
  ] as const;
  for (const [action, body, summary] of decisions) {
    route({
      method: 'post',
      path: `/settlement-batches/:id/lines/:lineId/${action}`,
      summary,
      tag,
      access: ['finance_officer'],
      params: lineParams,
      body: body as z.ZodType<{ reason?: string; overrideReason?: string }>,
      response: batchSchema,
      handler: ({ params, body: input, actor, lang }) =>
        settlement.decide(actor!, params.id, params.lineId, action, input, lang),
    });
  }
  route({
    method: 'post',
    path: '/settlement-batches/:id/approve-lines',
    summary:
      'Approve several lines at once (通过全部), each as its own approval would and without override: one line that cannot be approved refuses them all (409 naming it), nothing changes',
    tag,
    access: ['finance_officer'],
    params: idParams,
    body: approveLinesSchema,
    response: batchSchema,
    handler: ({ params, body, actor, lang }) => settlement.approveLines(actor!, params.id, body.lineIds, lang),
  });
  route({
    method: 'post',
    path: '/settlement-batches/:id/pay',
    summary:
      'Pay the approved lines of a reviewed batch (or of one whose public notice is over with every objection answered), with the bank or treasury reference; the paying office, never an officer who approved a line of it (four-eyes: 403)',
    tag,
    access: ['finance_officer'],
    params: idParams,
    body: paySchema,
    response: batchSchema,
    handler: ({ params, body, actor, lang }) => settlement.pay(actor!, params.id, body.reference, lang),
  });
  route({
    method: 'post',
    path: '/settlement-batches/:id/objections/:objectionId/answer',
    summary: 'Answer an objection to the batch’s public notice (the paying office, or the office of the line it names)',
    tag,
    access: ['finance_officer'],
    params: z.object({ id, objectionId: id }),
    body: objectionAnswerSchema,
    response: batchSchema,
    handler: ({ params, body, actor, lang }) =>
      settlement.notices.answer(actor!, params.id, params.objectionId, body.answer, lang),
  });

  // A line's invoice (发票): the file is the body, its number, amount and buyer in the query.
  router.put('/settlement-batches/:id/lines/:lineId/invoice', async (req, res) => {
    checkAccess(req.actor ?? null, CLAIMANTS);
    const { id: batchId, lineId } = parseInput(lineParams, req.params, 'params');
    const q = parseInput(invoiceQuerySchema, req.query, 'query');
    await settlement.invoices.checkUpload(req.actor!, batchId, lineId);
    const bytes = await readUpload(req, INVOICE_MAX_BYTES);
    const lang = langOf(req.headers['accept-language']);
    res.vary('Accept-Language');
    res.json(await settlement.invoices.upload(req.actor!, batchId, lineId, { ...q, bytes }, lang));
  });
  router.get('/settlement-batches/:id/lines/:lineId/invoice', async (req, res) => {
    checkAccess(req.actor ?? null, EVERYONE_INVOLVED);
    const { id: batchId, lineId } = parseInput(lineParams, req.params, 'params');
    sendDownload(res, await settlement.invoices.file(req.actor!, batchId, lineId));
  });
  registry.registerPath({
    method: 'put',
    path: '/api/v1/settlement-batches/{id}/lines/{lineId}/invoice',
    operationId: operationIdOf('put', '/settlement-batches/:id/lines/:lineId/invoice'),
    summary:
      'Upload a line’s invoice (发票): the raw file as the body; its number, amount (fen) and buyer in the query',
    description:
      'Roles: lab_manager, researcher (the claimant), while the batch is a draft or the line is returned. The file’s ' +
      'type is read from its bytes: PDF, OFD (a zip container holding OFD.xml) or a JPEG/PNG scan, up to 10 MB. ' +
      'The line’s invoice_matches check then compares number, amount (= the order’s final price) and buyer (= the enterprise).',
    tags: [tag],
    security: [{ session: [] }],
    request: {
      params: lineParams as never,
      query: invoiceQuerySchema as never,
      body: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    },
    responses: {
      200: { description: 'The batch', content: { 'application/json': { schema: batchSchema } } },
      400: { description: 'Empty file, invalid details or a duplicate invoice number (application/problem+json)' },
      401: { description: 'Not signed in' },
      403: { description: 'Not the claimant' },
      404: { description: 'No such batch or line visible to the caller' },
      409: { description: 'The line cannot be changed now' },
      413: { description: 'Larger than 10 MB' },
      415: { description: 'Not a PDF, OFD, JPEG or PNG' },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/settlement-batches/{id}/lines/{lineId}/invoice',
    operationId: operationIdOf('get', '/settlement-batches/:id/lines/:lineId/invoice'),
    summary: 'Download a line’s invoice file',
    description:
      'Roles: the claimant, the finance offices that see the line (its reviewing office, the paying office), the ' +
      'platform’s finance desk, admins. Sent as an attachment with the type found at upload, sandboxed.',
    tags: [tag],
    security: [{ session: [] }],
    request: { params: lineParams as never },
    responses: {
      200: fileResponse(typesOfKinds(INVOICE_KINDS)),
      401: { description: 'Not signed in' },
      404: { description: 'No such line visible to the caller, or no invoice file' },
    },
  });

  // The public notice (公示): no sign-in.
  route({
    method: 'get',
    path: '/public/notices',
    summary:
      'Claims in public notice (公示): per batch the provider, programme and period; per line the enterprise, service and voucher amount',
    tag,
    access: 'public',
    response: publicNoticeSchema,
    handler: async () => ({ items: await settlement.notices.list() }),
  });
  route({
    method: 'post',
    path: '/public/notices/:id/objections',
    summary:
      'Lodge an objection (异议) to a claim in notice, optionally naming a line (anyone; a few per client address an hour)',
    tag,
    access: 'public',
    params: idParams,
    body: objectionInputSchema,
    response: z.object({ id: z.number().int(), lodgedAt: z.string() }),
    status: 201,
    handler: ({ params, body, req }) => settlement.notices.lodge(params.id, body, req.ip),
  });

  route({
    method: 'get',
    path: '/settlement-batches/:id/export',
    summary: 'A batch as CSV or XLSX (Chinese headers, yuan with two decimals), or its printable statement as PDF',
    tag,
    access: EVERYONE_INVOLVED,
    params: idParams,
    query: exportQuerySchema,
    file: [TYPES.csv, TYPES.xlsx, TYPES.pdf],
    handler: async ({ params, query, actor, res }) => {
      // The exports are Chinese documents: the checks' details and the history in Chinese too.
      const batch = await settlement.get(actor!, params.id, 'zh');
      const name = `settlement-batch-${batch.id}-${batch.month}`;
      await recordExport('settlement_batch', query.format, batch.lines.length, {
        type: 'settlement_batch',
        id: batch.id,
      });
      if (query.format !== 'pdf') return sendTable(res, batchTable(batch), query.format, name);
      res
        .status(200)
        .type(TYPES.pdf)
        .set('Content-Disposition', `inline; filename="${name}.pdf"`)
        .send(await renderPdf('batchStatement', batch));
    },
  });
  route({
    method: 'get',
    path: '/voucher-register/export',
    summary: 'The register of every voucher use the caller may see, as CSV or XLSX',
    tag,
    access: EVERYONE_INVOLVED,
    query: tableExportQuery,
    file: [TYPES.csv, TYPES.xlsx],
    handler: async ({ query, actor, res }) => {
      const rows = await settlement.register(actor!);
      await recordExport('voucher_register', query.format, rows.length);
      return sendTable(res, voucherRegisterTable(rows), query.format, 'voucher-register');
    },
  });

  route({
    method: 'get',
    path: '/finance/dashboard',
    summary:
      'Voucher money granted / reserved / used / claimed / paid by month and city, open batches, latest reconciliation',
    tag,
    access: FINANCE,
    response: dashboardSchema,
    handler: ({ actor }) => settlement.dashboard(actor!),
  });

  // Reconciliation
  const rtag = 'Reconciliation';
  route({
    method: 'post',
    path: '/reconciliation/runs',
    summary: 'Reconcile a period: ledger ↔ bookings and voucher uses ↔ the processor’s charges and refunds',
    tag: rtag,
    access: FINANCE,
    body: runRequestSchema,
    response: runSchema,
    status: 201,
    handler: ({ body, actor, lang }) => reconciliation.start(actor!, body, lang),
  });
  route({
    method: 'get',
    path: '/reconciliation/runs',
    summary: 'Recent runs, newest first',
    tag: rtag,
    access: FINANCE,
    response: z.object({ items: z.array(runSchema) }),
    handler: async ({ actor, lang }) => ({ items: await reconciliation.list(actor!, lang) }),
  });
  route({
    method: 'get',
    path: '/reconciliation/runs/:id',
    summary: 'One run with its findings (their details in the Accept-Language: Chinese unless English comes first)',
    tag: rtag,
    access: FINANCE,
    params: idParams,
    response: runSchema,
    handler: ({ params, actor, lang }) => reconciliation.get(actor!, params.id, lang),
  });
  route({
    method: 'post',
    path: '/reconciliation/runs/:id/findings/:findingId/resolve',
    summary: 'Resolve a finding with a note',
    tag: rtag,
    access: FINANCE,
    params: z.object({ id, findingId: id }),
    body: resolveSchema,
    response: runSchema,
    handler: ({ params, body, actor, lang }) =>
      reconciliation.resolve(actor!, params.id, params.findingId, body.note, lang),
  });
  route({
    method: 'get',
    path: '/reconciliation/runs/:id/export',
    summary: 'A run’s findings as CSV or XLSX',
    tag: rtag,
    access: FINANCE,
    params: idParams,
    query: tableExportQuery,
    file: [TYPES.csv, TYPES.xlsx],
    handler: async ({ params, query, actor, res }) => {
      // The exports are Chinese documents: the findings' details in Chinese too.
      const run = await reconciliation.get(actor!, params.id, 'zh');
      await recordExport('reconciliation_run', query.format, run.findings.length, {
        type: 'reconciliation_run',
        id: run.id,
      });
      return sendTable(res, runTable(run), query.format, `reconciliation-run-${run.id}`);
    },
  });
  return router;
}
