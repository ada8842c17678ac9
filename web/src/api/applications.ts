/** SME certification applications, voucher applications (申领) and automatic quotas. */
import type {
  ApplyBlock,
  CertificationApplicationDetail,
  CertificationApplicationInput,
  CertificationApplicationView,
  Eligibility,
  VoucherApplicationDetail,
  VoucherApplicationInput,
  VoucherApplicationView,
} from '../../../server/modules/applications/applications.schemas.ts';
import { apiFetch, toQueryString } from './client';

export {
  applicationStatuses as APPLICATION_STATUSES,
  quotaIssueModes as QUOTA_ISSUE_MODES,
} from '../../../db/schema/enums.ts';
import type { ApplicationStatus, QuotaIssueMode, ReviewAction } from '../../../db/schema/enums.ts';
export type { ApplicationStatus, QuotaIssueMode, ReviewAction };

export type {
  ApplyBlock,
  CertificationApplicationDetail as CertificationDetail,
  CertificationApplicationInput as CertificationInput,
  CertificationApplicationView as CertificationApplication,
  Eligibility,
  VoucherApplicationDetail as VoucherDetail,
  VoucherApplicationInput as VoucherInput,
  VoucherApplicationView as VoucherApplication,
};
export type OpenProgramme = Eligibility['programmes'][number];
export type HistoryEntry = CertificationApplicationDetail['history'][number];
export type DocumentView = CertificationApplicationDetail['documents'][number];
export type CertificationState = NonNullable<Eligibility['certification']>;
export type VoucherChange = Omit<VoucherApplicationInput, 'programmeId'>;

/** The orders of the application tables (amounts: voucher applications only). */
export type QueueSort = 'newest' | 'oldest' | 'enterprise' | 'amount_desc' | 'amount_asc';
export type QueueFilter = {
  status?: ApplicationStatus;
  q?: string;
  programmeId?: number;
  /** The enterprise's city (6-digit code). */
  city?: string;
  sort?: QueueSort;
  offset?: number;
  limit?: number;
};
export type QueuePage<T> = { items: T[]; total: number };

const post = <T>(path: string, body: unknown = {}) => apiFetch<T>(path, { method: 'POST', body });

export const applicationsApi = {
  // SME certification
  certifications: (filter: QueueFilter, signal?: AbortSignal) =>
    apiFetch<QueuePage<CertificationApplicationView>>(
      `/certification-applications${toQueryString({ ...filter, programmeId: undefined })}`,
      { signal },
    ),
  certification: (id: number, signal?: AbortSignal) =>
    apiFetch<CertificationApplicationDetail>(`/certification-applications/${id}`, { signal }),
  applyForCertification: (input: CertificationApplicationInput) =>
    post<CertificationApplicationDetail>('/certification-applications', input),
  resubmitCertification: (id: number, input: CertificationApplicationInput) =>
    apiFetch<CertificationApplicationDetail>(`/certification-applications/${id}`, { method: 'PUT', body: input }),
  withdrawCertification: (id: number) =>
    post<CertificationApplicationDetail>(`/certification-applications/${id}/withdraw`),
  uploadCertificationDocument: (id: number, kind: 'sme_certificate' | 'other', file: File) =>
    apiFetch<CertificationApplicationDetail>(
      `/certification-applications/${id}/documents/${kind}${toQueryString({ name: file.name })}`,
      { method: 'PUT', file },
    ),
  approveCertification: (id: number, input: { certifiedOn?: string; expiresOn?: string; note?: string }) =>
    post<CertificationApplicationDetail>(`/certification-applications/${id}/approve`, input),
  returnCertification: (id: number, note: string) =>
    post<CertificationApplicationDetail>(`/certification-applications/${id}/return`, { note }),
  rejectCertification: (id: number, note: string) =>
    post<CertificationApplicationDetail>(`/certification-applications/${id}/reject`, { note }),

  // Voucher applications
  eligibility: (signal?: AbortSignal) => apiFetch<Eligibility>('/voucher-applications/eligibility', { signal }),
  vouchers: (filter: QueueFilter, signal?: AbortSignal) =>
    apiFetch<QueuePage<VoucherApplicationView>>(`/voucher-applications${toQueryString(filter)}`, { signal }),
  voucher: (id: number, signal?: AbortSignal) =>
    apiFetch<VoucherApplicationDetail>(`/voucher-applications/${id}`, { signal }),
  applyForVouchers: (input: VoucherApplicationInput) => post<VoucherApplicationDetail>('/voucher-applications', input),
  resubmitVoucher: (id: number, input: VoucherChange) =>
    apiFetch<VoucherApplicationDetail>(`/voucher-applications/${id}`, { method: 'PUT', body: input }),
  withdrawVoucher: (id: number) => post<VoucherApplicationDetail>(`/voucher-applications/${id}/withdraw`),
  approveVoucher: (id: number, input: { approvedFen: number; note?: string }) =>
    post<VoucherApplicationDetail>(`/voucher-applications/${id}/approve`, input),
  returnVoucher: (id: number, note: string) =>
    post<VoucherApplicationDetail>(`/voucher-applications/${id}/return`, { note }),
  rejectVoucher: (id: number, note: string) =>
    post<VoucherApplicationDetail>(`/voucher-applications/${id}/reject`, { note }),

  // Automatic quotas
  grantAutomaticQuotas: (programmeId: number) =>
    post<{ granted: number }>(`/voucher-programmes/${programmeId}/automatic-quotas`),
};
