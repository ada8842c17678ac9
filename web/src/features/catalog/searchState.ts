/** The catalogue's search state lives in the URL query string, so searches are shareable and the back button works. */
import {
  RUN_STATUSES,
  SHARING_MODES,
  SORTS,
  type RunStatus,
  type SearchParams,
  type SharingMode,
  type Sort,
} from '../../api/catalog';
import { parseYuanToFen } from '../../ui/money';

export type CatalogSearch = {
  q: string;
  category?: string;
  city?: string;
  status?: RunStatus;
  sharingMode?: SharingMode;
  /** Yuan, as typed (the URL shows yuan; the API takes fen). */
  minPrice?: string;
  maxPrice?: string;
  sort: Sort;
};

const SIX_DIGITS = /^\d{6}$/;
const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
const yuan = (v: string | null) => (v !== null && parseYuanToFen(v) !== null ? v : undefined);

export function parseSearch(params: URLSearchParams): CatalogSearch {
  const category = params.get('category');
  const city = params.get('city');
  return {
    q: (params.get('q') ?? '').slice(0, 100),
    category: category && SIX_DIGITS.test(category) ? category : undefined,
    city: city && SIX_DIGITS.test(city) ? city : undefined,
    status: oneOf(RUN_STATUSES, params.get('status')),
    sharingMode: oneOf(SHARING_MODES, params.get('sharingMode')),
    minPrice: yuan(params.get('minPrice')),
    maxPrice: yuan(params.get('maxPrice')),
    sort: oneOf(SORTS, params.get('sort')) ?? 'relevance',
  };
}

/** URL query string for a search; defaults are left out to keep links short. */
export function toUrlParams(s: CatalogSearch): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set('q', s.q.trim());
  if (s.category) p.set('category', s.category);
  if (s.city) p.set('city', s.city);
  if (s.sharingMode) p.set('sharingMode', s.sharingMode);
  if (s.status) p.set('status', s.status);
  if (s.minPrice) p.set('minPrice', s.minPrice);
  if (s.maxPrice) p.set('maxPrice', s.maxPrice);
  if (s.sort !== 'relevance') p.set('sort', s.sort);
  return p;
}

/** API parameters for a search (without cursor and include). */
export function toApiParams(s: CatalogSearch): SearchParams {
  let minPriceFen = s.minPrice ? (parseYuanToFen(s.minPrice) ?? undefined) : undefined;
  let maxPriceFen = s.maxPrice ? (parseYuanToFen(s.maxPrice) ?? undefined) : undefined;
  if (minPriceFen !== undefined && maxPriceFen !== undefined && minPriceFen > maxPriceFen) {
    [minPriceFen, maxPriceFen] = [maxPriceFen, minPriceFen];
  }
  return {
    q: s.q.trim() || undefined,
    category: s.category,
    city: s.city,
    status: s.status,
    sharingMode: s.sharingMode,
    minPriceFen,
    maxPriceFen,
    sort: s.sort,
  };
}

export const hasFilters = (s: CatalogSearch) =>
  Boolean(s.category || s.city || s.status || s.sharingMode || s.minPrice || s.maxPrice);
