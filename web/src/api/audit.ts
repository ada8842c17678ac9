/** The security audit log (platform admins): search with filters and pages, one entry, exports. */
import type { AuditEntryView, AuditPage } from '../../../server/modules/audit/audit.schemas.ts';
import i18n from '../i18n';
import { apiFetch, ApiError, toQueryString } from './client';

export { AUDIT_ACTIONS, AUDIT_AREAS, OUTCOME_LABELS, type AuditArea } from '../../../server/modules/audit/actions.ts';
export { auditOutcomes as AUDIT_OUTCOMES } from '../../../db/schema/enums.ts';
import type { AuditOutcome } from '../../../db/schema/enums.ts';
export type { AuditEntryView as AuditEntry, AuditOutcome, AuditPage };

/** The filters the list and the export share (as the API takes them). */
export type AuditFilter = {
  /** A date YYYY-MM-DD (Beijing time, the whole day) or an ISO instant with its offset. */
  from?: string;
  to?: string;
  /** A user id or part of an e-mail address. */
  actor?: string;
  organisationId?: number;
  /** An action (`settlement.pay`) or an area with its dot (`auth.`). */
  action?: string;
  outcome?: AuditOutcome;
  subjectType?: string;
  subjectId?: string;
  /** An IP address or its beginning. */
  address?: string;
  /** Free text: e-mail, organisation, action or its label, subject id, address. */
  q?: string;
};

export type ExportFormat = 'csv' | 'xlsx';

export const auditApi = {
  list: (filter: AuditFilter & { order?: 'asc' | 'desc'; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    apiFetch<AuditPage>(`/admin/audit-log${toQueryString(filter)}`, { signal }),
  get: (id: number, signal?: AbortSignal) => apiFetch<AuditEntryView>(`/admin/audit-log/${id}`, { signal }),
  actions: (signal?: AbortSignal) =>
    apiFetch<{ items: { action: string }[] }>('/admin/audit-log/actions', { signal }).then((r) =>
      r.items.map((a) => a.action),
    ),
  exportUrl: (filter: AuditFilter, format: ExportFormat) =>
    `/api/v1/admin/audit-log/export${toQueryString({ ...filter, format })}`,
  /**
   * Fetches the export and hands it to the browser as a download. Fetched rather than linked, so a
   * refusal (a range too large to export) is an error the page can show, not a page of JSON.
   */
  async download(filter: AuditFilter, format: ExportFormat): Promise<void> {
    let res: Response;
    try {
      res = await fetch(auditApi.exportUrl(filter, format), {
        credentials: 'same-origin',
        headers: { 'Accept-Language': i18n.resolvedLanguage ?? i18n.language ?? 'zh-CN' },
      });
    } catch (e) {
      throw new ApiError(0, 'network', e instanceof Error ? e.message : 'network error');
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
      throw new ApiError(res.status, problem.code ?? 'internal', problem.detail ?? res.statusText);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `audit-log.${format}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
