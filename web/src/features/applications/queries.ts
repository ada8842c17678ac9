import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { applicationsApi, type QueueFilter } from '../../api/applications';

export const applicationKeys = {
  all: ['applications'] as const,
  certifications: (filter: QueueFilter) => ['applications', 'certifications', filter] as const,
  certification: (id: number) => ['applications', 'certification', id] as const,
  eligibility: ['applications', 'eligibility'] as const,
  vouchers: (filter: QueueFilter) => ['applications', 'vouchers', filter] as const,
  voucher: (id: number) => ['applications', 'voucher', id] as const,
};

/** The enterprise's own certification applications (or a queue's first 200), as a list. */
export function useCertificationApplications(filter: QueueFilter = {}) {
  return useQuery({
    queryKey: applicationKeys.certifications(filter),
    queryFn: ({ signal }) => applicationsApi.certifications(filter, signal),
    placeholderData: keepPreviousData,
    select: (page) => page.items,
  });
}

/** A numbered page of the reviewers' certification table, with the total. */
export function useCertificationQueue(filter: QueueFilter) {
  return useQuery({
    queryKey: applicationKeys.certifications(filter),
    queryFn: ({ signal }) => applicationsApi.certifications(filter, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCertificationApplication(id: number | null) {
  return useQuery({
    queryKey: applicationKeys.certification(id ?? 0),
    queryFn: ({ signal }) => applicationsApi.certification(id!, signal),
    enabled: id !== null,
  });
}

export function useEligibility() {
  return useQuery({
    queryKey: applicationKeys.eligibility,
    queryFn: ({ signal }) => applicationsApi.eligibility(signal),
  });
}

/** The enterprise's own voucher applications (or a queue's first 200), as a list. */
export function useVoucherApplications(filter: QueueFilter = {}) {
  return useQuery({
    queryKey: applicationKeys.vouchers(filter),
    queryFn: ({ signal }) => applicationsApi.vouchers(filter, signal),
    placeholderData: keepPreviousData,
    select: (page) => page.items,
  });
}

/** A numbered page of the reviewers' voucher application table, with the total. */
export function useVoucherQueue(filter: QueueFilter) {
  return useQuery({
    queryKey: applicationKeys.vouchers(filter),
    queryFn: ({ signal }) => applicationsApi.vouchers(filter, signal),
    placeholderData: keepPreviousData,
  });
}

export function useVoucherApplication(id: number | null) {
  return useQuery({
    queryKey: applicationKeys.voucher(id ?? 0),
    queryFn: ({ signal }) => applicationsApi.voucher(id!, signal),
    enabled: id !== null,
  });
}

/** After any change: every application list and detail, and the quotas an approval may have granted. */
export function useApplicationsChanged() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: applicationKeys.all });
    void qc.invalidateQueries({ queryKey: ['vouchers'] });
  };
}
