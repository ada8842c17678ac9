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
import { apiFetch, toQueryString } from './client';

import type { ListingSubmission } from '../../../server/modules/listing/listing.schemas.ts';
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

// Photo addresses: uploaded to the platform, or https:// on a host the server allows (pure, shared).
export { isPhotoAddress, isPlatformPhoto } from '../../../server/shared/photo-url.ts';
export { isWebAddress } from '../../../server/shared/web-address.ts';

// The contract's vocabularies, from the same dependency-free module the server uses (no zod in the bundle).
export {
  catalogSorts as SORTS,
  instrumentOrigins as ORIGINS,
  priceUnits as PRICE_UNITS,
  runStatuses as RUN_STATUSES,
  sharingModes as SHARING_MODES,
  userTypes as USER_TYPES,
  purchaseFundings as PURCHASE_FUNDINGS,
  instrumentPurposes as INSTRUMENT_PURPOSES,
} from '../../../db/schema/enums.ts';
import type {
  CatalogSort as Sort,
  InstrumentOrigin as Origin,
  InstrumentPurpose,
  PurchaseFunding,
  PriceUnit,
  RunStatus,
  SharingMode,
} from '../../../db/schema/enums.ts';
export type { InstrumentPurpose, Origin, PriceUnit, PurchaseFunding, RunStatus, SharingMode, Sort };

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
  /** A platform admin's record is published (the instrument); a lab manager's goes to listing review (the submission). */
  create: (input: InstrumentInput) =>
    apiFetch<InstrumentDetail | ListingSubmission>('/instruments', { method: 'POST', body: input }),
  update: (id: number, patch: InstrumentPatch) =>
    apiFetch<InstrumentDetail>(`/instruments/${id}`, { method: 'PATCH', body: patch }),
  /** The instrument's photo (JPEG, PNG or WebP, up to 5 MB): the file itself is the body; it becomes photoUrl. */
  uploadPhoto: (id: number, file: File) =>
    apiFetch<InstrumentDetail>(`/instruments/${id}/photo`, { method: 'PUT', file }),
  categories: (signal?: AbortSignal) =>
    apiFetch<{ items: CategoryNode[] }>('/categories', { signal }).then((r) => r.items),
  cities: (signal?: AbortSignal) => apiFetch<{ items: City[] }>('/cities', { signal }).then((r) => r.items),
  institutions: (city?: string, signal?: AbortSignal) =>
    apiFetch<{ items: Institution[] }>(`/institutions${toQueryString({ city })}`, { signal }).then((r) => r.items),
};
