/**
 * Settlement (兑付) and reconciliation (对账): claim batches of the labs, their review and payment by
 * the finance offices, reconciliation runs, the finance dashboard and the exports.
 */
import type {
  BatchView,
  DashboardView,
  RunView,
  bankAccountSchema,
  claimableSchema,
  objectionInputSchema,
  publicNoticeSchema,
} from '../../../server/modules/settlement/settlement.schemas.ts';
import type { z } from 'zod';
import { apiFetch, toQueryString } from './client';

export {
  batchStatuses as BATCH_STATUSES,
  findingKinds as FINDING_KINDS,
  lineStatuses as LINE_STATUSES,
} from '../../../db/schema/enums.ts';
import type { BatchStatus, FindingKind, LineStatus } from '../../../db/schema/enums.ts';
export type { BatchStatus, FindingKind, LineStatus };

export type Batch = BatchView;
export type BatchLine = BatchView['lines'][number];
export type BatchEvent = BatchView['history'][number];
export type LineCheck = BatchLine['checks'][number];
export type BankAccount = z.infer<typeof bankAccountSchema>;
export type Run = RunView;
export type RunStatus = RunView['status'];
export type Finding = RunView['findings'][number];
export type Dashboard = DashboardView;
export type Objection = BatchView['objections'][number];
export type LineReview = BatchLine['reviews'][number];
export type ClaimableMonth = z.infer<typeof claimableSchema>['items'][number];
export type PublicNotice = z.infer<typeof publicNoticeSchema>['items'][number];
export type ObjectionInput = z.infer<typeof objectionInputSchema>;
export type MoneyByKind = Pick<DashboardView['byMonth'][number], MoneyKind>;
export const MONEY_KINDS = ['grantedFen', 'reservedFen', 'usedFen', 'claimedFen', 'paidFen'] as const;
export type MoneyKind = (typeof MONEY_KINDS)[number];

/** The ten automatic checks of a claim line, in the order the server gives them. */
export const CHECK_NAMES = [
  'total_adds_up',
  'ratio_and_caps',
  'published_price',
  'usage_matches',
  'within_validity',
  'claim_window',
  'no_related_party',
  'out_of_province_justified',
  'evidence',
  'invoice_matches',
  'agreement_accepted',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export type BatchFilter = { status?: BatchStatus; programmeId?: number };
export type LineDecision = 'approve' | 'return' | 'reject';
export type ExportFormat = 'csv' | 'xlsx' | 'pdf';

const post = <T>(path: string, body: unknown = {}) => apiFetch<T>(path, { method: 'POST', body });
const line = (batchId: number, lineId: number) => `/settlement-batches/${batchId}/lines/${lineId}`;

export const settlementApi = {
  batches: (filter: BatchFilter, signal?: AbortSignal) =>
    apiFetch<{ items: Batch[] }>(`/settlement-batches${toQueryString(filter)}`, { signal }).then((r) => r.items),
  batch: (id: number, signal?: AbortSignal) => apiFetch<Batch>(`/settlement-batches/${id}`, { signal }),
  create: (input: { programmeId: number; month: string }) => post<Batch>('/settlement-batches', input),
  updateLine: (batchId: number, lineId: number, input: { invoiceNo?: string; note?: string }) =>
    apiFetch<Batch>(line(batchId, lineId), { method: 'PATCH', body: input }),
  removeLine: (batchId: number, lineId: number) => apiFetch<Batch>(line(batchId, lineId), { method: 'DELETE' }),
  submit: (id: number, bankAccount: BankAccount) => post<Batch>(`/settlement-batches/${id}/submit`, { bankAccount }),
  resubmitLine: (batchId: number, lineId: number) => post<Batch>(`${line(batchId, lineId)}/resubmit`),
  decide: (
    batchId: number,
    lineId: number,
    action: LineDecision,
    input: { reason?: string; overrideReason?: string },
  ) => post<Batch>(`${line(batchId, lineId)}/${action}`, input),
  /** Approves the lines at once (通过全部): all of them, or none if one cannot be approved. */
  approveLines: (batchId: number, lineIds: number[]) =>
    post<Batch>(`/settlement-batches/${batchId}/approve-lines`, { lineIds }),
  pay: (id: number, reference: string) => post<Batch>(`/settlement-batches/${id}/pay`, { reference }),
  /** Programmes and months with unclaimed, claimable voucher uses of the caller. */
  claimable: (signal?: AbortSignal) =>
    apiFetch<{ items: ClaimableMonth[] }>('/settlement/claimable', { signal }).then((r) => r.items),
  answerObjection: (batchId: number, objectionId: number, answer: string) =>
    post<Batch>(`/settlement-batches/${batchId}/objections/${objectionId}/answer`, { answer }),
  /** The invoice file is the body; its number, amount (fen) and buyer go in the query. */
  uploadInvoice: (
    batchId: number,
    lineId: number,
    file: File,
    input: { invoiceNo: string; amountFen: number; buyer: string },
  ) =>
    apiFetch<Batch>(`${line(batchId, lineId)}/invoice${toQueryString({ ...input, name: file.name })}`, {
      method: 'PUT',
      file,
    }),
  invoiceUrl: (batchId: number, lineId: number) => `/api/v1${line(batchId, lineId)}/invoice`,
  dashboard: (signal?: AbortSignal) => apiFetch<Dashboard>('/finance/dashboard', { signal }),
};

/** The public notice page (no sign-in). */
export const publicNoticeApi = {
  list: (signal?: AbortSignal) =>
    apiFetch<{ items: PublicNotice[] }>('/public/notices', { signal }).then((r) => r.items),
  object: (batchId: number, input: ObjectionInput) =>
    post<{ id: number; lodgedAt: string }>(`/public/notices/${batchId}/objections`, input),
};

export const reconciliationApi = {
  runs: (signal?: AbortSignal) => apiFetch<{ items: Run[] }>('/reconciliation/runs', { signal }).then((r) => r.items),
  run: (id: number, signal?: AbortSignal) => apiFetch<Run>(`/reconciliation/runs/${id}`, { signal }),
  /** `from` and `to`: ISO instants with an offset. */
  start: (input: { from: string; to: string }) => post<Run>('/reconciliation/runs', input),
  resolve: (runId: number, findingId: number, note: string) =>
    post<Run>(`/reconciliation/runs/${runId}/findings/${findingId}/resolve`, { note }),
};

/** Where the browser downloads a file (same-origin: the session cookie goes along). */
export const exportUrls = {
  batch: (id: number, format: ExportFormat) => `/api/v1/settlement-batches/${id}/export?format=${format}`,
  run: (id: number, format: 'csv' | 'xlsx') => `/api/v1/reconciliation/runs/${id}/export?format=${format}`,
  voucherRegister: (format: 'csv' | 'xlsx') => `/api/v1/voucher-register/export?format=${format}`,
};
