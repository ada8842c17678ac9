/** Testing needs and quotes (需求发布 / 供需对接): posting, the needs hall, quotes, comparison and acceptance. */
import type { z } from 'zod';
import type {
  NeedInput,
  NeedSummary,
  NeedView,
  QuoteInput,
  QuoteView,
  comparisonSchema,
  needInputSchema,
  quoteInputSchema,
} from '../../../server/modules/needs/needs.schemas.ts';
import { apiFetch, toQueryString } from './client';

export type Need = NeedView;
export type { NeedSummary };
export type NeedQuote = QuoteView;
export type Comparison = z.infer<typeof comparisonSchema>;
export type ComparedQuote = Comparison['items'][number];
export type NewNeed = z.input<typeof needInputSchema>;
export type NewQuote = z.input<typeof quoteInputSchema>;
export type { NeedInput, QuoteInput };
export type NeedListParams = { status?: Need['status']; category?: string; city?: string; q?: string; mine?: 'true' };

export const needsApi = {
  list: (params: NeedListParams = {}, signal?: AbortSignal) =>
    apiFetch<{ items: NeedSummary[] }>(`/testing-needs${toQueryString(params)}`, { signal }).then((r) => r.items),
  get: (id: number, signal?: AbortSignal) => apiFetch<Need>(`/testing-needs/${id}`, { signal }),
  post: (body: NewNeed) => apiFetch<Need>('/testing-needs', { method: 'POST', body }),
  withdraw: (id: number) => apiFetch<Need>(`/testing-needs/${id}/withdraw`, { method: 'POST', body: {} }),
  attach: (id: number, file: File) =>
    apiFetch<Need['attachments'][number]>(`/testing-needs/${id}/attachments${toQueryString({ name: file.name })}`, {
      method: 'POST',
      file,
    }),
  quotes: (id: number, signal?: AbortSignal) =>
    apiFetch<{ items: NeedQuote[] }>(`/testing-needs/${id}/quotes`, { signal }).then((r) => r.items),
  quote: (id: number, body: NewQuote) => apiFetch<NeedQuote>(`/testing-needs/${id}/quotes`, { method: 'POST', body }),
  compare: (id: number, signal?: AbortSignal) => apiFetch<Comparison>(`/testing-needs/${id}/comparison`, { signal }),
  myQuotes: (status?: NeedQuote['status'], signal?: AbortSignal) =>
    apiFetch<{ items: NeedQuote[] }>(`/testing-need-quotes${toQueryString({ status })}`, { signal }).then(
      (r) => r.items,
    ),
  withdrawQuote: (id: number) =>
    apiFetch<NeedQuote>(`/testing-need-quotes/${id}/withdraw`, { method: 'POST', body: {} }),
  accept: (id: number) => apiFetch<NeedQuote>(`/testing-need-quotes/${id}/accept`, { method: 'POST', body: {} }),
};
