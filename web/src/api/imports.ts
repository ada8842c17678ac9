import type { ImportError, ImportView } from '../../../server/modules/imports/imports.schemas.ts';
import type { ImportErrorPolicy, ImportFormat } from '../../../db/schema/enums.ts';
import { apiFetch, toQueryString } from './client';

export type { ImportError, ImportErrorPolicy, ImportFormat, ImportView };

/** Bulk import of instrument records (批量导入). */
export const importsApi = {
  list: (institutionId: number | undefined, signal?: AbortSignal) =>
    apiFetch<{ items: ImportView[] }>(`/instrument-imports${toQueryString({ institutionId, limit: 20 })}`, { signal }),
  get: (id: number, signal?: AbortSignal) => apiFetch<ImportView>(`/instrument-imports/${id}`, { signal }),
  errors: (id: number, offset: number, limit: number, signal?: AbortSignal) =>
    apiFetch<{ items: ImportError[]; total: number }>(
      `/instrument-imports/${id}/errors${toQueryString({ offset, limit })}`,
      { signal },
    ),
  upload: (file: File, institutionId: number | undefined) =>
    apiFetch<ImportView>(`/instrument-imports${toQueryString({ institutionId, fileName: file.name })}`, {
      method: 'POST',
      file,
    }),
  run: (id: number, errorPolicy: ImportErrorPolicy) =>
    apiFetch<ImportView>(`/instrument-imports/${id}/run`, { method: 'POST', body: { errorPolicy } }),
  cancel: (id: number) => apiFetch<ImportView>(`/instrument-imports/${id}/cancel`, { method: 'POST' }),
};

export const templateUrl = (format: ImportFormat) => `/api/v1/instrument-imports/template?format=${format}`;
export const errorSheetUrl = (id: number, format: ImportFormat) =>
  `/api/v1/instrument-imports/${id}/error-sheet?format=${format}`;
