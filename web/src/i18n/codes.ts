/**
 * The one map from the API's codes to their words: for each vocabulary of db/schema/enums.ts that a page
 * shows, where its labels are in the texts (zh-CN.ts / zh-pages.ts / parts and en.ts). A page shows a code as
 * `t(`${key}.${value}`)` under that key, never the code itself; test/unit/code-labels.test.ts fails when a
 * value has no label in either language, or a new vocabulary is neither listed here nor in NOT_SHOWN.
 * The glossary (README, 术语表) fixes the words themselves.
 */
import type { TFunction } from 'i18next';
import type * as vocabularies from '../../../db/schema/enums.ts';

type Vocabulary = keyof typeof vocabularies;

/** Vocabulary → the texts' key its labels are under. */
export const CODE_LABELS = {
  applicationStatuses: 'applications.status',
  auditOutcomes: 'audit.outcomes',
  batchStatuses: 'settlement.batchStatus',
  bookingModes: 'booking.mode',
  bookingStatuses: 'booking.status',
  catalogSorts: 'catalog.sorts',
  documentKinds: 'organisations.docKind',
  financeOfficeLevels: 'organisations.financeLevel',
  findingKinds: 'reconciliation.kinds',
  fundingSources: 'agreements.fundingSource',
  importStatuses: 'imports.page.statuses',
  institutionTypes: 'organisations.institutionType',
  instrumentOrigins: 'origin',
  instrumentPurposes: 'imports.purposes',
  ledgerAccountKinds: 'ledger.kinds',
  ledgerTransferCodes: 'ledger.transferCodes',
  lineStatuses: 'settlement.lineStatus',
  listingKinds: 'listing.kinds',
  listingSources: 'listing.sources',
  listingStatuses: 'listing.statuses',
  membershipStatuses: 'organisations.membership',
  notificationTypes: 'notifications.types',
  objectionStatuses: 'staged.objections',
  organisationKinds: 'organisations.kind',
  organisationStatuses: 'organisations.status',
  paymentMethods: 'payment.method',
  paymentNoticeStatuses: 'transfers.notice.statuses',
  paymentStatuses: 'payment.status',
  priceUnits: 'priceUnit',
  purchaseFundings: 'imports.funding',
  quotaIssueModes: 'applications.issueMode',
  quoteStatuses: 'needs.quoteStatus',
  rejectOutcomes: 'programmes.rejectOutcomes',
  relationKinds: 'voucher.relation',
  reviewActions: 'applications.action',
  reviewLevels: 'programmes.reviewLevels',
  reviewStageKinds: 'staged.stages',
  roles: 'role',
  runStatuses: 'runStatus',
  sampleDeliveries: 'booking.order.sample.deliveries',
  sampleHazards: 'booking.order.sample.hazardCodes',
  sampleTypes: 'booking.order.sample.types',
  serviceUserTypes: 'integrations.records.userTypes',
  settlementModes: 'voucher.settlementMode',
  sharingModes: 'sharingMode',
  testingNeedStatuses: 'needs.status',
  testingNeedVisibilities: 'needs.visibility',
  transferStates: 'ledger.states',
  userTypes: 'userType',
  voucherLimits: 'voucher.limitedBy',
  voucherUseStatuses: 'voucher.useStatus',
} as const satisfies Partial<Record<Vocabulary, string>>;

/**
 * Vocabularies no page shows as words, and why (the test requires every vocabulary to be in one of the two
 * lists, so a new one is placed on purpose).
 */
export const NOT_SHOWN: Partial<Record<Vocabulary, string>> = {
  activeBookingStatuses: 'a subset of bookingStatuses (same labels)',
  accountTokenPurposes: 'inside e-mailed links only',
  outboxStatuses: 'the mail outbox is not shown in the SPA',
  ratingLevels: 'shown as stars',
  importFormats: 'shown as the file types CSV and XLSX',
  importErrorPolicies: 'chosen by a radio with its own sentence (imports.page.validRows / allOrNothing)',
  reviewSubjects: 'audit subjects have their own words (audit.subjectTypes)',
};

/** A code's label: `vocabulary` is a key of CODE_LABELS; an unknown value (newer server) shows as itself. */
export function codeLabel(t: TFunction, vocabulary: keyof typeof CODE_LABELS, value: string) {
  const key = `${CODE_LABELS[vocabulary]}.${value}`;
  return (t as (k: string, o?: object) => string)(key, { defaultValue: value });
}

/** Whose a ledger account is, by name (GET /ledger/accounts and transfers), and its kind. */
export type LedgerAccountLike = {
  kind: string;
  organisationName: string | null;
  programmeName: string | null;
  groupName: string | null;
  capName: string | null;
};

/**
 * A ledger account as a reader names it: its owners' names and its kind's label, e.g.
 * 济南某某科技有限公司 · 企业自付资金, or 2026 年度创新券 · 项目预算 — never the stored name with ids and codes.
 */
export function accountLabel(t: TFunction, a: LedgerAccountLike): string {
  const owners = [a.organisationName ?? a.groupName, a.capName, a.programmeName].filter((n): n is string => !!n);
  return [...owners, codeLabel(t, 'ledgerAccountKinds', a.kind)].join(' · ');
}

/**
 * A claim line's payment evidence: a card charge's id as it is, the bank transfer's or the lab's invoice's
 * reference (transfer:booking:N, invoice:booking:N) in words.
 */
export function paymentRefLabel(t: TFunction, ref: string): { text: string; code: boolean } {
  const m = /^(transfer|invoice):booking:(\d+)$/.exec(ref);
  if (!m) return { text: ref, code: true };
  const key = m[1] === 'transfer' ? 'settlement.paymentRefTransfer' : 'settlement.paymentRefInvoice';
  return { text: (t as (k: string, o?: object) => string)(key, { id: m[2] }), code: false };
}

/**
 * Words the server writes into a booking's history for steps no person took (the English text is its
 * stable code): shown in the page's language. Anything else is a person's own words, shown as given.
 */
export const BOOKING_SYSTEM_REASONS: Record<string, string> = {
  'card authorised': 'cardAuthorised',
  'confirmed at once (no approval needed)': 'confirmedAtOnce',
  'card saved; authorised within 6 days of the service': 'cardSaved',
  '未在服务开始前完成付款，预约已自动取消 payment not completed before the service': 'unpaidCancelled',
};

export function bookingReason(t: TFunction, reason: string): string {
  const key = BOOKING_SYSTEM_REASONS[reason];
  return key ? (t as (k: string) => string)(`booking.systemReason.${key}`) : reason;
}
