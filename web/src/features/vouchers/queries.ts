import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  voucherApi,
  type EnterpriseListParams,
  type QuotaListParams,
  type RelatedPartyListParams,
} from '../../api/vouchers';

export const voucherKeys = {
  mine: ['vouchers', 'mine'] as const,
  myUses: ['vouchers', 'mine', 'uses'] as const,
  programmes: ['vouchers', 'programmes'] as const,
  enterprises: (q: string) => ['vouchers', 'enterprises', q] as const,
  groups: ['vouchers', 'controller-groups'] as const,
  enterprisePage: (params: EnterpriseListParams) => ['vouchers', 'enterprises', 'page', params] as const,
  related: ['vouchers', 'related-parties'] as const,
  quotas: (params: QuotaListParams) => ['vouchers', 'quotas', params] as const,
};

/** The signed-in researcher's enterprise's quotas. */
export function useMyQuotas(enabled = true) {
  return useQuery({
    queryKey: voucherKeys.mine,
    queryFn: ({ signal }) => voucherApi.myQuotas(signal),
    enabled,
  });
}

export function useMyVoucherUses() {
  return useQuery({ queryKey: voucherKeys.myUses, queryFn: ({ signal }) => voucherApi.myUses(signal) });
}

/** Every programme (finance and admins; others get a 403). */
export function useProgrammes(enabled = true) {
  return useQuery({
    queryKey: voucherKeys.programmes,
    queryFn: ({ signal }) => voucherApi.programmes(signal),
    enabled,
  });
}

export function useEnterprises(q: string, enabled = true) {
  return useQuery({
    queryKey: voucherKeys.enterprises(q),
    queryFn: ({ signal }) => voucherApi.enterprises(q || undefined, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useControllerGroups() {
  return useQuery({ queryKey: voucherKeys.groups, queryFn: ({ signal }) => voucherApi.controllerGroups(signal) });
}

/** A page of the admin list of enterprises (search, city, certification, sort, offset/limit). */
export function useEnterprisePage(params: EnterpriseListParams) {
  return useQuery({
    queryKey: voucherKeys.enterprisePage(params),
    queryFn: ({ signal }) => voucherApi.enterprisePage(params, signal),
    placeholderData: keepPreviousData,
  });
}

/** A page of related-party declarations. */
export function useRelatedParties(params: RelatedPartyListParams) {
  return useQuery({
    queryKey: [...voucherKeys.related, params],
    queryFn: ({ signal }) => voucherApi.relatedParties(params, signal),
    placeholderData: keepPreviousData,
  });
}

/** A page of quotas. */
export function useQuotas(params: QuotaListParams, enabled = true) {
  return useQuery({
    queryKey: voucherKeys.quotas(params),
    queryFn: ({ signal }) => voucherApi.quotas(params, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}
