/** The voucher (创新券) API: the enterprise's quotas and uses; programmes, certification, related parties, quotas. */
import type { z } from 'zod';
import type {
  EnterpriseListQuery,
  EnterpriseView,
  QuotaListQuery,
  RelatedPartyListQuery,
  ProgrammeInput,
  ProgrammeView,
  QuotaView,
  RuleVersionView,
  SharedCapInput,
  SharedCapView,
  VoucherSplit,
  controllerGroupSchema,
  relatedPartySchema,
  voucherUseHistorySchema,
} from '../../../server/modules/vouchers/vouchers.schemas.ts';
import { apiFetch, toQueryString } from './client';

export {
  rejectOutcomes as REJECT_OUTCOMES,
  relationKinds as RELATION_KINDS,
  reviewLevels as REVIEW_LEVELS,
  settlementModes as SETTLEMENT_MODES,
  voucherLimits as VOUCHER_LIMITS,
  voucherUseStatuses as VOUCHER_USE_STATUSES,
} from '../../../db/schema/enums.ts';
import type { RelationKind, SettlementMode, VoucherLimit, VoucherUseStatus } from '../../../db/schema/enums.ts';
export type { RelationKind, SettlementMode, VoucherLimit, VoucherUseStatus };

export type { EnterpriseView as Enterprise, ProgrammeInput, ProgrammeView as Programme, QuotaView as Quota };
export type { VoucherSplit };
/** The admin lists' query parameters as sent (numbers, not the strings of the query). */
type Sent<Q> = { [K in keyof Q]?: Q[K] extends number | undefined ? number : Q[K] };
export type EnterpriseListParams = Sent<EnterpriseListQuery>;
export type QuotaListParams = Sent<QuotaListQuery>;
export type RelatedPartyListParams = Sent<RelatedPartyListQuery>;
export type CertificationState = NonNullable<EnterpriseListQuery['certification']>;
/** A numbered page of a list: its rows and how many match in all. */
export type ListPage<T> = { items: T[]; total: number };
export type RuleVersion = RuleVersionView;
export type SharedCap = SharedCapView;
export type { SharedCapInput };
export type ProgrammeStatus = ProgrammeView['status'];
export type QuotaStatus = QuotaView['status'];
export type RatioRules = ProgrammeInput['ratioRules'];
export type ControllerGroup = z.infer<typeof controllerGroupSchema>;
export type RelatedParty = z.infer<typeof relatedPartySchema>;
export type VoucherUseHistory = z.infer<typeof voucherUseHistorySchema>;
export type CertificationInput = {
  certificateNo: string;
  certifiedOn: string;
  expiresOn: string;
  controllerGroupId?: number | null;
};
export type RelatedPartyInput = { enterpriseId: number; providerId: number; relation: RelationKind; note?: string };
export type QuotaInput = { programmeId: number; enterpriseId: number; capFen: number };

/**
 * Shandong's rule: 60% for enterprises in 枣庄, 临沂, 德州, 聊城, 滨州 and 菏泽, 40% elsewhere.
 * A new programme's ratio table starts from it.
 */
export const SHANDONG_RATIO_RULES: RatioRules = {
  basePercent: 40,
  byCity: { '370400': 60, '371300': 60, '371400': 60, '371500': 60, '371600': 60, '371700': 60 },
  sameCityTopUpPercent: 0,
};

const items = <T>(p: Promise<{ items: T[] }>) => p.then((r) => r.items);
const post = <T>(path: string, body: unknown = {}) => apiFetch<T>(path, { method: 'POST', body });

export const voucherApi = {
  /** The caller's enterprise's quotas. */
  myQuotas: (signal?: AbortSignal) => items(apiFetch<{ items: QuotaView[] }>('/vouchers', { signal })),
  myUses: (signal?: AbortSignal) => items(apiFetch<{ items: VoucherUseHistory[] }>('/vouchers/uses', { signal })),

  programmes: (signal?: AbortSignal) => items(apiFetch<{ items: ProgrammeView[] }>('/voucher-programmes', { signal })),
  createProgramme: (input: ProgrammeInput) => post<ProgrammeView>('/voucher-programmes', input),
  updateProgramme: (id: number, input: ProgrammeInput) =>
    apiFetch<ProgrammeView>(`/voucher-programmes/${id}`, { method: 'PUT', body: input }),
  /** A programme's rule versions, newest first. */
  programmeVersions: (id: number, signal?: AbortSignal) =>
    items(apiFetch<{ items: RuleVersionView[] }>(`/voucher-programmes/${id}/versions`, { signal })),
  sharedCaps: (signal?: AbortSignal) => items(apiFetch<{ items: SharedCapView[] }>('/shared-caps', { signal })),

  enterprises: (q: string | undefined, signal?: AbortSignal) =>
    items(apiFetch<{ items: EnterpriseView[] }>(`/enterprises${toQueryString({ q })}`, { signal })),
  /** A page of the admin list: searched, filtered, sorted, with the total. */
  enterprisePage: (params: EnterpriseListParams, signal?: AbortSignal) =>
    apiFetch<ListPage<EnterpriseView>>(`/enterprises${toQueryString(params)}`, { signal }),
  certify: (id: number, input: CertificationInput) =>
    apiFetch<EnterpriseView>(`/enterprises/${id}/certification`, { method: 'PUT', body: input }),
  revokeCertification: (id: number) =>
    apiFetch<EnterpriseView>(`/enterprises/${id}/certification`, { method: 'DELETE' }),

  controllerGroups: (signal?: AbortSignal) =>
    items(apiFetch<{ items: ControllerGroup[] }>('/controller-groups', { signal })),
  createControllerGroup: (input: { name: string; controller: string }) =>
    post<ControllerGroup>('/controller-groups', input),

  relatedParties: (params: RelatedPartyListParams, signal?: AbortSignal) =>
    apiFetch<ListPage<RelatedParty>>(`/related-parties${toQueryString(params)}`, { signal }),
  createRelatedParty: (input: RelatedPartyInput) => post<RelatedParty>('/related-parties', input),
  deleteRelatedParty: (id: number) => apiFetch<void>(`/related-parties/${id}`, { method: 'DELETE' }),

  quotas: (params: QuotaListParams, signal?: AbortSignal) =>
    apiFetch<ListPage<QuotaView>>(`/voucher-quotas${toQueryString(params)}`, { signal }),
  grantQuota: (input: QuotaInput) => post<QuotaView>('/voucher-quotas', input),
  revokeQuota: (id: number, reason: string) => post<QuotaView>(`/voucher-quotas/${id}/revoke`, { reason }),
};
