/** 数据对接: the institution's API keys and the service records its own systems pushed. */
import type { ApiKeyView, ExternalRecordView } from '../../../server/modules/integrations/integrations.schemas.ts';
import { apiFetch, toQueryString } from './client';

export type ApiKey = ApiKeyView;
export type ExternalRecord = ExternalRecordView;
export type RecordQuery = {
  instrumentId?: number;
  from?: string;
  to?: string;
  userType?: 'internal' | 'external';
  q?: string;
  page?: number;
  pageSize?: number;
};

export const integrationsApi = {
  keys: () => apiFetch<{ items: ApiKey[] }>('/api-keys'),
  createKey: (name: string) => apiFetch<ApiKey & { secret: string }>('/api-keys', { method: 'POST', body: { name } }),
  revokeKey: (id: number) => apiFetch<ApiKey>(`/api-keys/${id}/revoke`, { method: 'POST' }),
  records: (q: RecordQuery) =>
    apiFetch<{ items: ExternalRecord[]; total: number; page: number; pageSize: number }>(
      `/external/service-records${toQueryString(q)}`,
    ),
};
