import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import {
  accountTokenPurposes,
  financeOfficeLevels,
  institutionTypes,
  membershipStatuses,
  organisationKinds,
  organisationStatuses,
  roles,
} from './enums.ts';
import { cities, counties } from './reference.ts';

/** Every party on the platform: SMEs, instrument-owning institutions, finance offices, the platform itself. */
/** A bank account money is paid into: a lab's for transfers and claims, an office's for payments. */
export interface BankAccount {
  bankName: string;
  accountName: string;
  accountNo: string;
}

export const organisations = sqliteTable(
  'organisations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: organisationKinds }).notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    /** 统一社会信用代码 (unified social credit code), where known. */
    creditCode: text('credit_code').unique(),
    cityCode: text('city_code').references(() => cities.code),
    address: text('address'),
    institutionType: text('institution_type', { enum: institutionTypes }),
    certified: integer('certified', { mode: 'boolean' }).notNull().default(false),
    contactPhone: text('contact_phone'),
    website: text('website'),
    createdAt: integer('created_at').notNull(),
    /** Registration review (enums.ts); organisations the platform made start approved. */
    status: text('status', { enum: organisationStatuses }).notNull().default('approved'),
    countyCode: text('county_code').references(() => counties.code),
    legalRepresentative: text('legal_representative'),
    contactName: text('contact_name'),
    /** The organisation's contact e-mail (its first user's, at registration). */
    contactEmail: text('contact_email'),
    /** Finance offices only: the province's, a city's or a county's. */
    financeLevel: text('finance_level', { enum: financeOfficeLevels }),
    /** When the registration was (re)submitted for review, and the last review's outcome. */
    submittedAt: integer('submitted_at'),
    reviewNote: text('review_note'),
    reviewedBy: integer('reviewed_by'),
    reviewedAt: integer('reviewed_at'),
    updatedAt: integer('updated_at'),
    /** Providers: the account enterprises pay bank transfers (对公转账) into, shown on payment notices. */
    bankAccount: text('bank_account', { mode: 'json' }).$type<BankAccount>(),
    /** Providers: days after confirmation a transfer is due, and whether an unpaid one cancels a service not yet given. */
    transferDueDays: integer('transfer_due_days').notNull().default(7),
    transferCancelUnpaid: integer('transfer_cancel_unpaid', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    index('organisations_kind_city').on(t.kind, t.cityCode),
    index('organisations_status').on(t.status, t.cityCode),
  ],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull().unique(), // stored lower-case
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    phone: text('phone'),
    createdAt: integer('created_at').notNull(),
    disabledAt: integer('disabled_at'),
    /** The organisation's administrator: manages its people and its registration. */
    orgAdmin: integer('org_admin', { mode: 'boolean' }).notNull().default(false),
    membership: text('membership', { enum: membershipStatuses }).notNull().default('active'),
    /** Null until the person followed the link sent to the address (seeded and invited people: set). */
    emailVerifiedAt: integer('email_verified_at'),
    /** When the password was last set (expiry counts from here; null = never set by the person). */
    passwordChangedAt: integer('password_changed_at'),
    /** TOTP (RFC 6238): the base32 secret once enrolment is confirmed, and one awaiting confirmation. */
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    totpEnabledAt: integer('totp_enabled_at'),
    /** The last 30-second step a code was accepted for: a code is good once. */
    totpLastStep: integer('totp_last_step'),
    updatedAt: integer('updated_at'),
  },
  (t) => [index('users_organisation').on(t.organisationId)],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    userAgent: text('user_agent'),
    /** The client address at sign-in (and as last seen). */
    clientAddress: text('client_address'),
    /** Signed in with the password, the second factor still to come: the session can only complete it. */
    secondFactorPending: integer('second_factor_pending', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

/**
 * Sign-in attempt counters, shared by every server process: one row per bucket (`account:<e-mail>`,
 * `address:<client address>`, `device:<hash>`). An attempt is counted before its password is checked
 * and undone if it succeeds; `in_flight` bounds the checks running at once (a lease, so a crashed
 * process's checks stop counting). Rows whose window, lock and lease have passed are deleted.
 */
export const loginThrottle = sqliteTable(
  'login_throttle',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull(),
    windowStart: integer('window_start').notNull(),
    lockedUntil: integer('locked_until'),
    inFlight: integer('in_flight').notNull(),
    inFlightUntil: integer('in_flight_until'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('login_throttle_expires').on(t.expiresAt)],
);

/**
 * Browsers that have signed in to an account before (a long-lived httpOnly cookie; the table holds
 * only its SHA-256). Their attempts are counted on their own, so a stranger locking the account by
 * guessing does not lock its owner out of their usual browser.
 */
export const loginDevices = sqliteTable(
  'login_devices',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('login_devices_user').on(t.userId), index('login_devices_expires').on(t.expiresAt)],
);

/** Single-use links sent by e-mail (verify the address, reset a password, accept an invitation); only the token's SHA-256 is kept. */
export const accountTokens = sqliteTable(
  'account_tokens',
  {
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: accountTokenPurposes }).notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('account_tokens_user').on(t.userId, t.purpose)],
);

/** One-time recovery codes for a second factor that is lost (hashes only). */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('recovery_codes_user').on(t.userId)],
);
