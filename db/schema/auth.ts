import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { institutionTypes, organisationKinds, roles } from './enums.ts';
import { cities } from './reference.ts';

/** Every party on the platform: SMEs, instrument-owning institutions, finance offices, the platform itself. */
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
  },
  (t) => [index('organisations_kind_city').on(t.kind, t.cityCode)],
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
