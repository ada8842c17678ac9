/**
 * Records from institutions' own systems (booking systems, LIMS, card-swipe terminals): the API keys
 * they push with, and the completed service records they pushed, counted in the statistics and the
 * national service-record export beside the platform's own bookings.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import { instruments } from './catalog.ts';
import { bookingModes, serviceUserTypes } from './enums.ts';

/** A per-institution API key: only its SHA-256 is stored; the prefix is shown so people can tell keys apart. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    revokedBy: integer('revoked_by').references(() => users.id),
  },
  (t) => [index('api_keys_institution').on(t.institutionId, t.id)],
);

/** A completed service from an institution's own system, idempotent by that system's record id. */
export const externalServiceRecords = sqliteTable(
  'external_service_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id),
    /** The institution's own record id: a second push with it updates the record. */
    externalId: text('external_id').notNull(),
    apiKeyId: integer('api_key_id').references(() => apiKeys.id),
    mode: text('mode', { enum: bookingModes }).notNull(),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
    /** Machine time used (minutes) or samples tested. */
    minutes: integer('minutes'),
    samples: integer('samples'),
    amountFen: integer('amount_fen').notNull(),
    purpose: text('purpose'),
    userName: text('user_name').notNull(),
    userOrganisationName: text('user_organisation_name').notNull(),
    userCreditCode: text('user_credit_code'),
    /** The user's organisation on the platform, when the credit code names one. */
    userOrganisationId: integer('user_organisation_id').references(() => organisations.id),
    userType: text('user_type', { enum: serviceUserTypes }).notNull(),
    /** 1–5, when the institution's system records satisfaction. */
    rating: integer('rating'),
    receivedAt: integer('received_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('external_service_records_external_id').on(t.institutionId, t.externalId),
    index('external_service_records_instrument').on(t.instrumentId, t.startAt),
    index('external_service_records_institution').on(t.institutionId, t.startAt),
  ],
);
