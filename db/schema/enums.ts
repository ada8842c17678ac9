/**
 * The platform's fixed vocabularies, in one dependency-free module: the tables, the API schemas
 * and the SPA all import these, so a value added here reaches every side at once.
 */
export const organisationKinds = ['enterprise', 'institution', 'finance_office', 'platform'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const institutionTypes = ['university', 'institute', 'test_centre', 'enterprise_lab'] as const;
export type InstitutionType = (typeof institutionTypes)[number];

export const roles = ['researcher', 'lab_manager', 'finance_officer', 'platform_admin'] as const;
export type Role = (typeof roles)[number];

export const instrumentOrigins = ['purchased', 'self_built', 'donated', 'other'] as const;
export type InstrumentOrigin = (typeof instrumentOrigins)[number];

/** Best first: the order is also the search ranking prior (search-key.ts). */
export const sharingModes = ['external', 'internal', 'not_shared'] as const;
export type SharingMode = (typeof sharingModes)[number];

/** National run-status values, best first (the order is also the search ranking prior). */
export const runStatuses = [
  'normal',
  'standby',
  'remote',
  'occasional_fault',
  'frequent_fault',
  'awaiting_repair',
  'to_be_retired',
] as const;
export type RunStatus = (typeof runStatuses)[number];

export const priceUnits = ['hour', 'sample'] as const;
export type PriceUnit = (typeof priceUnits)[number];

/** Who pays which price of a rate card. */
export const userTypes = ['internal', 'academic', 'enterprise'] as const;
export type UserType = (typeof userTypes)[number];

export const catalogSorts = ['relevance', 'price_asc', 'price_desc', 'value_desc', 'value_asc', 'newest'] as const;
export type CatalogSort = (typeof catalogSorts)[number];

export const bookingModes = ['machine_time', 'sample'] as const;
export type BookingMode = (typeof bookingModes)[number];

export const bookingStatuses = [
  /** Checkout in progress: the time is held while the card is authorised. */
  'pending_payment',
  'requested',
  'approved',
  'in_progress',
  'completed',
  'rejected',
  'cancelled',
  'no_show',
  /** The card was declined or the checkout was undone: never a booking the user sees as made. */
  'payment_failed',
] as const;
export type BookingStatus = (typeof bookingStatuses)[number];
/** Bookings that hold their time: no two of these overlap on one instrument. */
export const activeBookingStatuses = [
  'pending_payment',
  'requested',
  'approved',
  'in_progress',
] as const satisfies readonly BookingStatus[];

/** 经费来源 of a service record (national sharing-service template): the user's research funding. */
export const fundingSources = [
  'national_programme',
  'provincial_programme',
  'local_programme',
  'enterprise_own',
  'institution_own',
  'other',
] as const;
export type FundingSource = (typeof fundingSources)[number];
/** 经费来源 as the national service record prints it (null on a request: 未填写). */
export const fundingSourceLabels: Record<FundingSource, string> = {
  national_programme: '国家科研项目',
  provincial_programme: '省级科研项目',
  local_programme: '市县科研项目',
  enterprise_own: '企业自有资金',
  institution_own: '单位自有资金',
  other: '其他',
};

/** 样品类型 of a sample job: the physical form the lab receives. */
export const sampleTypes = ['solid', 'powder', 'liquid', 'gas', 'thin_film', 'biological', 'other'] as const;
export type SampleType = (typeof sampleTypes)[number];
/** 危险特性 a sample job declares (several may apply; `none` stands alone). */
export const sampleHazards = [
  'none',
  'flammable',
  'corrosive',
  'toxic',
  'oxidising',
  'explosive',
  'radioactive',
  'biohazard',
  'volatile',
] as const;
export type SampleHazard = (typeof sampleHazards)[number];
/** How the samples reach the lab: 寄送 (courier) or 自送 (brought in person). */
export const sampleDeliveries = ['courier', 'in_person'] as const;
export type SampleDelivery = (typeof sampleDeliveries)[number];

/** The national 5-level satisfaction scale, best first (5 = 非常满意 … 1 = 极差). */
export const ratingLevels = [5, 4, 3, 2, 1] as const;

/** Deduct (通兑): the enterprise pays only its share. Reimburse (通用): it pays all and claims afterwards. */
export const settlementModes = ['deduct', 'reimburse'] as const;
export type SettlementMode = (typeof settlementModes)[number];

/** Ways an enterprise and a provider can be related; any of them forbids voucher use between them. */
export const relationKinds = ['shared_owner', 'legal_representative', 'controller'] as const;
export type RelationKind = (typeof relationKinds)[number];

/** reserved (booking requested) → posted (service completed) | released (cancelled, rejected, no-show, failed). */
export const voucherUseStatuses = ['reserved', 'posted', 'released'] as const;
export type VoucherUseStatus = (typeof voucherUseStatuses)[number];

/** What capped a voucher share, in the order they are applied. */
/** shared_cap: a cap shared across programmes; co_funded: what an earlier programme of a co-funded order left. */
export const voucherLimits = [
  'ratio',
  'order_cap',
  'quota',
  'group_cap',
  'budget',
  'none',
  'shared_cap',
  'co_funded',
] as const;
export type VoucherLimit = (typeof voucherLimits)[number];

/** card: through the processor; bank_transfer: 对公转账 against a payment notice; invoice: billed by the lab (older orders, not proof of payment). */
export const paymentMethods = ['card', 'bank_transfer', 'invoice'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/**
 * A card payment's life: authorising (intent written, processor not yet answered) → authorised →
 * captured (| partially_refunded | refunded); or released (authorisation given back), failed (declined).
 * A service beyond the processor's authorisation window (CARD_AUTHORISATION=window): saving_card (intent
 * to save the card at the processor) → scheduled (saved; the job authorises it at authoriseAt) →
 * authorising…; an authorisation that failed there waits for the enterprise's new card: action_required.
 */
export const paymentStatuses = [
  'saving_card',
  'scheduled',
  'action_required',
  'authorising',
  'authorised',
  'captured',
  'partially_refunded',
  'refunded',
  'released',
  'failed',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** A payment notice: open → partly_paid → paid (| overpaid until the excess is returned); cancelled; debt (overdue after the service). */
export const paymentNoticeStatuses = ['open', 'partly_paid', 'paid', 'overpaid', 'cancelled', 'debt'] as const;
export type PaymentNoticeStatus = (typeof paymentNoticeStatuses)[number];

export const ledgerAccountKinds = [
  'programme_budget',
  'programme_funding',
  'programme_used',
  'quota',
  'quota_source',
  'group_cap',
  /** A cap shared by several programmes, per enterprise or controller group, and where it is funded from. */
  'shared_cap',
  'shared_cap_source',
  'enterprise_cash',
  'enterprise_receivable',
  'provider_receivable_programme',
  'provider_receivable_processor',
  'provider_receivable_enterprise',
  'processor_clearing',
  /** Bank transfers (对公转账) the provider has confirmed receiving, less what it returned. */
  'provider_transfer_received',
  'programme_paid',
  'platform',
] as const;
export type LedgerAccountKind = (typeof ledgerAccountKinds)[number];

/**
 * Why money moved (a ledger transfer's `code`, shown as 业务代码): programme budgets and quotas, voucher holds,
 * card and bank-transfer money, claims. A post or void of a pending transfer keeps the pending one's code.
 */
export const ledgerTransferCodes = [
  'budget_fund',
  'budget_increase',
  'budget_decrease',
  'quota_grant',
  'quota_revoke',
  'quota_expire',
  'group_cap_fund',
  'shared_cap_fund',
  'voucher_reserve',
  'voucher_reserve_group',
  'voucher_reserve_shared_cap',
  'voucher_budget',
  'card_authorise',
  'card_capture',
  'card_refund',
  'card_refund_funds',
  'card_dispute',
  'card_dispute_won',
  'invoice',
  'transfer_receipt',
  'transfer_return',
  'claim_rejected',
  'voucher_debt',
  'claim_paid',
] as const;
export type LedgerTransferCode = (typeof ledgerTransferCodes)[number];

export const transferStates = ['posted', 'pending', 'post_pending', 'void_pending'] as const;
export type TransferState = (typeof transferStates)[number];

/** Who reviews a programme's claims: the finance office of the enterprise's city, or the provincial one. */
export const reviewLevels = ['city', 'province'] as const;
export type ReviewLevel = (typeof reviewLevels)[number];

/** What a rejected claim line becomes: the enterprise owes the provider, or nobody pays it. */
export const rejectOutcomes = ['enterprise_debt', 'written_off'] as const;
export type RejectOutcome = (typeof rejectOutcomes)[number];

/**
 * draft → submitted (its review stages in turn) → in_notice (公示, when the programme has a notice
 * period) → reviewed (every line decided, payment open) → paid.
 */
export const batchStatuses = ['draft', 'submitted', 'in_notice', 'reviewed', 'paid'] as const;
export type BatchStatus = (typeof batchStatuses)[number];

/** A claim line: pending review, approved, returned for correction (the lab fixes and resubmits), rejected; removed from its batch. */
export const lineStatuses = ['pending', 'approved', 'returned', 'rejected', 'removed'] as const;
export type LineStatus = (typeof lineStatuses)[number];

/** One stage of a programme's claim review: who reviews, and whether every line or a sample. */
export const reviewStageKinds = ['city', 'province'] as const;
export type ReviewStageKind = (typeof reviewStageKinds)[number];

/** A public-notice objection (异议): lodged, then answered by the reviewing office. */
export const objectionStatuses = ['open', 'answered'] as const;
export type ObjectionStatus = (typeof objectionStatuses)[number];

export const findingKinds = [
  'processor_missing_in_ledger',
  'ledger_missing_at_processor',
  'amount_mismatch',
  'status_mismatch',
  'duplicate',
  'voucher_rule_broken',
  'quota_identity_broken',
  'batch_total_mismatch',
  'ledger_unbalanced',
  /** A recorded transfer receipt or return without its ledger transfer. */
  'transfer_missing_in_ledger',
  /** A receipt's ledger transfer moves another amount than the receipt says. */
  'transfer_amount_mismatch',
  /** A payment notice's received total is not its receipts less its returns. */
  'notice_total_mismatch',
] as const;
export type FindingKind = (typeof findingKinds)[number];

/** What a user is told about, in the app and (where their preferences allow) by email. */
export const notificationTypes = [
  'booking_requested',
  'booking_approved',
  'booking_rejected',
  'booking_cancelled',
  'booking_reminder',
  /** Usage completed: the enterprise is asked to rate the service. */
  'booking_completed',
  'quota_low',
  'settlement_line_returned',
  'batch_paid',
  'reconciliation_findings',
  /** An organisation's registration was approved, returned for changes or rejected. */
  'registration_reviewed',
  /** A registration awaits the reviewers (platform admins or the city's office). */
  'registration_submitted',
  /** Someone asked to join an organisation: its administrators are told. */
  'membership_requested',
  /** A join request was accepted or declined. */
  'membership_reviewed',
  /** An SME certification or voucher application awaits review (to reviewers). */
  'application_submitted',
  /** An SME certification application was approved, returned or rejected. */
  'certification_reviewed',
  /** A voucher application (申领) was approved, returned or rejected. */
  'voucher_application_reviewed',
  /** A quota was granted automatically under a programme. */
  'quota_granted',
  /** A payment notice (付款通知书) for a bank transfer was issued to the enterprise. */
  'payment_notice_issued',
  /** A payment notice is past its due date unpaid (sent once). */
  'payment_notice_overdue',
  /** The lab recorded money received against a payment notice. */
  'transfer_received',
  /** A card authorisation before the service failed (declined, no saved card): the enterprise pays with a new card. */
  'card_payment_required',
  /** An instrument record (new, imported or a key-field change) awaits listing review (to reviewers). */
  'listing_submitted',
  /** A listing submission was approved, returned with reasons or rejected (to the lab). */
  'listing_reviewed',
  /** A bulk import finished (or failed): to the person who started it. */
  'import_finished',
  /** An enterprise's testing need matches the lab's instruments, or names the lab (to lab managers). */
  'testing_need_posted',
  /** A lab answered a testing need with a quote (to the enterprise). */
  'quote_received',
  /** The enterprise accepted the lab's quote, or chose another one (to the lab). */
  'quote_decided',
  /** A testing need expired with no quote accepted (to the enterprise). */
  'testing_need_expired',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/** An outbox email: pending (due at next_attempt_at) → sending (claimed, leased) → sent | failed (gave up). */
export const outboxStatuses = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * An organisation's registration: unverified (its first user's e-mail not yet confirmed) →
 * pending_review → approved | returned (the applicant fixes and resubmits → pending_review) | rejected.
 * Organisations made by the platform (seed, admins) start approved.
 */
export const organisationStatuses = ['unverified', 'pending_review', 'returned', 'approved', 'rejected'] as const;
export type OrganisationStatus = (typeof organisationStatuses)[number];

/** A person's place in their organisation: active; requested (asked to join, awaits the organisation's administrator); invited (has not yet accepted); declined. */
export const membershipStatuses = ['active', 'requested', 'invited', 'declined'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

/** Single-use links sent by e-mail (only their SHA-256 is stored). */
export const accountTokenPurposes = ['verify_email', 'reset_password', 'invitation'] as const;
export type AccountTokenPurpose = (typeof accountTokenPurposes)[number];

/** Documents uploaded with registrations and applications. */
/** invoice: a claim line's 发票 (PDF, OFD or a scan). */
export const documentKinds = [
  'business_licence',
  'authorisation_letter',
  'sme_certificate',
  'other',
  'invoice',
  /** A file attached to a testing need or a quote (specification, drawing, sample photo). */
  'attachment',
] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** What an uploaded document or a review event belongs to. */
export const reviewSubjects = [
  'organisation',
  'membership',
  'certification_application',
  'voucher_application',
  /** A bank-transfer receipt (到账确认): its proof (bank slip). */
  'transfer_receipt',
  /** A settlement claim line: its invoice (发票) file. */
  'settlement_line',
  /** An instrument listing submission (入网审核): its history. */
  'listing_submission',
  /** An enterprise's testing need (需求发布): its attachments and history. */
  'testing_need',
  /** A lab's quote for a testing need: its attachments and history. */
  'quote',
] as const;
export type ReviewSubject = (typeof reviewSubjects)[number];

/** Steps in an application's history. */
export const reviewActions = [
  'submitted',
  'resubmitted',
  'approved',
  'returned',
  'rejected',
  'withdrawn',
  'accepted',
  'declined',
] as const;
export type ReviewAction = (typeof reviewActions)[number];

/** An SME certification or voucher application: submitted → approved | returned (fix, resubmit) | rejected; or withdrawn. */
export const applicationStatuses = ['submitted', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];

/** How a programme's quotas are issued: by an admin one by one, on application (申领), or to every certified enterprise. */
export const quotaIssueModes = ['admin', 'application', 'automatic'] as const;
export type QuotaIssueMode = (typeof quotaIssueModes)[number];

/** Finance offices: the province's, a city's, or a county's (区县). */
export const financeOfficeLevels = ['province', 'city', 'county'] as const;
export type FinanceOfficeLevel = (typeof financeOfficeLevels)[number];

/** How an audited action ended. */
export const auditOutcomes = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

/** Purchase funding of an instrument (national record 资金来源): central or local government, the unit's own, other. */
export const purchaseFundings = ['central', 'local', 'own', 'other'] as const;
export type PurchaseFunding = (typeof purchaseFundings)[number];

/** General-purpose (通用) or special-purpose (专用) instrument, as the national record classes it. */
export const instrumentPurposes = ['general', 'special'] as const;
export type InstrumentPurpose = (typeof instrumentPurposes)[number];

/**
 * A listing submission (入网审核): a new record, or a change to key fields of a published one.
 * pending → approved (published) | returned (the lab fixes and resubmits → pending) | rejected; or withdrawn by the lab.
 */
export const listingStatuses = ['pending', 'returned', 'approved', 'rejected', 'withdrawn'] as const;
export type ListingStatus = (typeof listingStatuses)[number];
export const listingKinds = ['new', 'change'] as const;
export type ListingKind = (typeof listingKinds)[number];
/** Where a listing submission came from: the instrument form, or a bulk import. */
export const listingSources = ['form', 'import'] as const;
export type ListingSource = (typeof listingSources)[number];

/**
 * A bulk import: uploaded → validating → validated (dry run done; nothing written) → importing
 * (chunk by chunk, resumable) → completed | failed; or cancelled before importing.
 */
export const importStatuses = [
  'uploaded',
  'validating',
  'validated',
  'importing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type ImportStatus = (typeof importStatuses)[number];
/** What an import does with a file that has errors: write every valid row, or nothing at all. */
export const importErrorPolicies = ['valid_rows', 'all_or_nothing'] as const;
export type ImportErrorPolicy = (typeof importErrorPolicies)[number];
export const importFormats = ['csv', 'xlsx'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** The national service record's user type: inside the owning unit, or outside it. */
export const serviceUserTypes = ['internal', 'external'] as const;
export type ServiceUserType = (typeof serviceUserTypes)[number];

/** A testing need (需求发布): open → accepted (a quote taken) | expired | withdrawn. */
export const testingNeedStatuses = ['open', 'accepted', 'expired', 'withdrawn'] as const;
export type TestingNeedStatus = (typeof testingNeedStatuses)[number];
/** Public: every lab may quote; invited: only the institutions the enterprise chose. */
export const testingNeedVisibilities = ['public', 'invited'] as const;
export type TestingNeedVisibility = (typeof testingNeedVisibilities)[number];
/** A lab's quote: submitted → accepted | declined (another was accepted, or the need closed) | expired | withdrawn. */
export const quoteStatuses = ['submitted', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type QuoteStatus = (typeof quoteStatuses)[number];
