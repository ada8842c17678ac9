import type {
  CategoryNode,
  InstrumentDetail,
  InstrumentInput,
  InstrumentPatch,
  InstrumentSummary,
  RateCard,
  RateCardItem,
  SearchResult,
  Facets,
} from '../../../server/modules/catalog/catalog.schemas.ts';
import type * as Contract from '../../../server/modules/catalog/catalog.schemas.ts';
import { apiFetch, toQueryString } from './client';

export type {
  CategoryNode,
  Facets,
  InstrumentDetail,
  InstrumentInput,
  InstrumentPatch,
  InstrumentSummary,
  RateCard,
  RateCardItem,
  SearchResult,
};

// The enums of the contract, restated so the SPA bundles no zod; `satisfies` makes tsc fail if they drift.
export const SHARING_MODES = ['external', 'internal', 'not_shared'] as const satisfies typeof Contract.SHARING_MODES;
export const RUN_STATUSES = [
  'normal',
  'standby',
  'remote',
  'occasional_fault',
  'frequent_fault',
  'awaiting_repair',
  'to_be_retired',
] as const satisfies typeof Contract.RUN_STATUSES;
export const ORIGINS = ['purchased', 'self_built', 'donated', 'other'] as const satisfies typeof Contract.ORIGINS;
export const PRICE_UNITS = ['hour', 'sample'] as const satisfies typeof Contract.PRICE_UNITS;
export const SORTS = [
  'relevance',
  'price_asc',
  'price_desc',
  'value_desc',
  'value_asc',
  'newest',
] as const satisfies typeof Contract.SORTS;
export const USER_TYPES = ['internal', 'academic', 'enterprise'] as const satisfies typeof Contract.USER_TYPES;

export type SharingMode = (typeof SHARING_MODES)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
export type Origin = (typeof ORIGINS)[number];
export type PriceUnit = (typeof PRICE_UNITS)[number];
export type Sort = (typeof SORTS)[number];

export type City = {
  code: string;
  name: string;
  nameEn: string | null;
  voucherRatioPercent: number;
  instrumentCount: number;
};
export type Institution = {
  id: number;
  name: string;
  nameEn: string | null;
  type: string | null;
  certified: boolean;
  city: { code: string; name: string; nameEn: string | null } | null;
  address: string | null;
  instrumentCount: number;
};

/** Query parameters of `GET /instruments`, as the API takes them. */
export type SearchParams = {
  q?: string;
  category?: string;
  city?: string;
  institutionId?: number;
  status?: RunStatus;
  sharingMode?: SharingMode;
  minPriceFen?: number;
  maxPriceFen?: number;
  minValueFen?: number;
  sort?: Sort;
  cursor?: string;
  limit?: number;
  /** `total,facets` on a first page; empty for further pages. */
  include?: string;
};

export const catalogApi = {
  search: (params: SearchParams, signal?: AbortSignal) =>
    apiFetch<SearchResult>(`/instruments${toQueryString(params, ['include'])}`, { signal }),
  instrument: (id: number, signal?: AbortSignal) => apiFetch<InstrumentDetail>(`/instruments/${id}`, { signal }),
  create: (input: InstrumentInput) => apiFetch<InstrumentDetail>('/instruments', { method: 'POST', body: input }),
  update: (id: number, patch: InstrumentPatch) =>
    apiFetch<InstrumentDetail>(`/instruments/${id}`, { method: 'PATCH', body: patch }),
  categories: (signal?: AbortSignal) =>
    apiFetch<{ items: CategoryNode[] }>('/categories', { signal }).then((r) => r.items),
  cities: (signal?: AbortSignal) => apiFetch<{ items: City[] }>('/cities', { signal }).then((r) => r.items),
  institutions: (city?: string, signal?: AbortSignal) =>
    apiFetch<{ items: Institution[] }>(`/institutions${toQueryString({ city })}`, { signal }).then((r) => r.items),
};
