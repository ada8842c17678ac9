/** Listing review (入网审核): the reviewers' queue and decisions, the lab's own submissions. */
import type {
  ListingPage,
  ListingSort,
  ListingSubmission,
  ListingSubmissionDetail,
} from '../../../server/modules/listing/listing.schemas.ts';
import type { InstrumentPatch } from '../../../server/modules/catalog/catalog.schemas.ts';
import type { ListingKind, ListingSource, ListingStatus } from '../../../db/schema/enums.ts';
import { apiFetch, toQueryString } from './client';

export { listingStatuses as LISTING_STATUSES, listingKinds as LISTING_KINDS } from '../../../db/schema/enums.ts';
export type {
  ListingKind,
  ListingPage,
  ListingSort,
  ListingSource,
  ListingStatus,
  ListingSubmission,
  ListingSubmissionDetail,
};

export type ListingFilter = {
  status?: ListingStatus;
  kind?: ListingKind;
  source?: ListingSource;
  city?: string;
  institutionId?: number;
  instrumentId?: number;
  q?: string;
  sort?: ListingSort;
  page?: number;
  pageSize?: number;
};

export type BulkApproveResult = {
  results: { id: number; ok: boolean; instrumentId: number | null; error: { code: string; detail: string } | null }[];
  approved: number;
  failed: number;
};

const post = <T>(path: string, body: unknown = {}) => apiFetch<T>(path, { method: 'POST', body });

export const listingApi = {
  list: (filter: ListingFilter, signal?: AbortSignal) =>
    apiFetch<ListingPage>(`/listing-submissions${toQueryString(filter)}`, { signal }),
  get: (id: number, signal?: AbortSignal) =>
    apiFetch<ListingSubmissionDetail>(`/listing-submissions/${id}`, { signal }),
  approve: (id: number, note: string | null = null) =>
    post<ListingSubmissionDetail>(`/listing-submissions/${id}/approve`, { note }),
  returnForChanges: (id: number, fieldReasons: Record<string, string>, note: string | null) =>
    post<ListingSubmissionDetail>(`/listing-submissions/${id}/return`, { fieldReasons, note }),
  reject: (id: number, note: string) => post<ListingSubmissionDetail>(`/listing-submissions/${id}/reject`, { note }),
  bulkApprove: (ids: number[]) => post<BulkApproveResult>('/listing-submissions/bulk-approve', { ids }),
  resubmit: (id: number, record: InstrumentPatch, note: string | null) =>
    post<ListingSubmissionDetail>(`/listing-submissions/${id}/resubmit`, { record, note }),
  withdraw: (id: number) => post<ListingSubmissionDetail>(`/listing-submissions/${id}/withdraw`),
};

/** The answer of POST /instruments: a lab manager's record went to review (202) rather than being published. */
export const isSubmission = (x: unknown): x is ListingSubmission =>
  typeof x === 'object' && x !== null && 'kind' in x && 'status' in x && 'record' in x;
