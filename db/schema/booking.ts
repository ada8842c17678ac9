import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './auth.ts';
import { instruments } from './catalog.ts';
import { quotes } from './needs.ts';
import {
  bookingModes,
  bookingStatuses,
  fundingSources,
  paymentMethods,
  sampleDeliveries,
  sampleTypes,
  userTypes,
  type SampleHazard,
} from './enums.ts';

/** Local opening hours: ISO weekday (1 = Monday … 7 = Sunday) → [["09:00", "12:00"], …]. */
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', [string, string][]>>;

/** How an instrument may be booked; one row per instrument (defaults apply when absent). */
export const instrumentSchedules = sqliteTable('instrument_schedules', {
  instrumentId: integer('instrument_id')
    .primaryKey()
    .references(() => instruments.id, { onDelete: 'cascade' }),
  weeklyHours: text('weekly_hours', { mode: 'json' }).$type<WeeklyHours>().notNull(),
  slotMinutes: integer('slot_minutes').notNull().default(30),
  minBookingMinutes: integer('min_booking_minutes').notNull().default(60),
  maxBookingMinutes: integer('max_booking_minutes').notNull().default(480),
  minNoticeMinutes: integer('min_notice_minutes')
    .notNull()
    .default(24 * 60),
  horizonDays: integer('horizon_days').notNull().default(60),
  setupBufferMinutes: integer('setup_buffer_minutes').notNull().default(0),
  cleanupBufferMinutes: integer('cleanup_buffer_minutes').notNull().default(0),
  machineTimeEnabled: integer('machine_time_enabled', { mode: 'boolean' }).notNull().default(true),
  sampleEnabled: integer('sample_enabled', { mode: 'boolean' }).notNull().default(true),
  approvalRequired: integer('approval_required', { mode: 'boolean' }).notNull().default(true),
  /** Self-operated machine time needs a valid training record for this instrument. */
  qualificationRequired: integer('qualification_required', { mode: 'boolean' }).notNull().default(false),
  /** Researchers may cancel up to this many hours before the start. */
  cancellationDeadlineHours: integer('cancellation_deadline_hours').notNull().default(24),
  observeHolidays: integer('observe_holidays', { mode: 'boolean' }).notNull().default(true),
  /** Share of the self-pay charged when the user does not come (the rest of the card hold is released). */
  noShowChargePercent: integer('no_show_charge_percent').notNull().default(0),
  /** The lab checks a user in from this many minutes before the start (machine time; until the end). */
  checkInOpensMinutes: integer('check_in_opens_minutes').notNull().default(30),
  /** A no-show can be recorded from this many minutes after the start (a late user may still come). */
  noShowGraceMinutes: integer('no_show_grace_minutes').notNull().default(15),
  updatedAt: integer('updated_at').notNull(),
});

/** Maintenance and downtime windows of one instrument. */
export const closures = sqliteTable(
  'closures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id, { onDelete: 'cascade' }),
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at').notNull(),
    reason: text('reason').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('closures_instrument').on(t.instrumentId, t.startAt)],
);

/** The platform-wide calendar: public holidays (off) and make-up working days (workday, 调休). */
export const holidays = sqliteTable('holidays', {
  date: text('date').primaryKey(), // local date, YYYY-MM-DD
  kind: text('kind', { enum: ['off', 'workday'] }).notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en'),
});

/**
 * A person's qualification to operate one instrument themselves, granted by the lab to an e-mail
 * address. `user_id` is the account that had that address when it was granted; a grant to an address
 * without an account keeps it null and applies to whoever signs up with the address later.
 */
export const trainingRecords = sqliteTable(
  'training_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id, { onDelete: 'cascade' }),
    userId: integer('user_id').references(() => users.id),
    /** The address the lab granted to (lower-case), whether or not it has an account. */
    userEmail: text('user_email').notNull(),
    grantedBy: integer('granted_by').references(() => users.id),
    grantedAt: integer('granted_at').notNull(),
    expiresOn: text('expires_on').notNull(), // local date, valid through that day
    revokedAt: integer('revoked_at'),
    note: text('note'),
  },
  (t) => [
    index('training_records_user').on(t.userId, t.instrumentId),
    index('training_records_email').on(t.userEmail, t.instrumentId),
  ],
);

export interface PriceLine {
  kind:
    | 'machine_time'
    | 'samples'
    | 'setup_fee'
    | 'minimum_charge'
    | 'urgent_surcharge'
    | 'off_hours_surcharge'
    | 'no_show_fee'
    | 'waived';
  label: string;
  quantity: number;
  unitFen: number;
  amountFen: number;
}

/** The price as quoted when the order was made: what the claim checks compare with, whatever the card says later. */
export interface PriceSnapshot {
  /** The rate card item priced (its id, name and unit) and its unit price for the user's type then. */
  rateItemId: number | null;
  itemName: string;
  /** The item's English name then, if it had one (snapshots before it: absent). */
  itemNameEn?: string | null;
  unit: 'hour' | 'sample';
  unitFen: number;
  userType: 'internal' | 'academic' | 'enterprise';
  setupFeeFen: number;
  minimumChargeFen: number;
  urgentSurchargePercent: number;
  offHoursSurchargePercent: number;
  /** When the quote was taken (UTC ms). */
  quotedAt: number;
}

export const bookings = sqliteTable(
  'bookings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    instrumentId: integer('instrument_id')
      .notNull()
      .references(() => instruments.id),
    /** The owning institution, copied for scoping lists without a join. */
    institutionId: integer('institution_id')
      .notNull()
      .references(() => organisations.id),
    requesterId: integer('requester_id')
      .notNull()
      .references(() => users.id),
    requesterOrganisationId: integer('requester_organisation_id')
      .notNull()
      .references(() => organisations.id),
    mode: text('mode', { enum: bookingModes }).notNull(),
    status: text('status', { enum: bookingStatuses }).notNull(),
    /** Machine time (or the lab's scheduled time for samples): UTC ms; null for unscheduled samples. */
    startAt: integer('start_at'),
    endAt: integer('end_at'),
    /** The time held, buffers included; null when the booking holds no time. */
    blockStartAt: integer('block_start_at'),
    blockEndAt: integer('block_end_at'),
    sampleCount: integer('sample_count'),
    /** Sample jobs: what the samples are (样品名称, 样品类型), their hazards, and how they reach the lab (寄送 / 自送). */
    sampleName: text('sample_name'),
    sampleType: text('sample_type', { enum: sampleTypes }),
    sampleHazards: text('sample_hazards', { mode: 'json' }).$type<SampleHazard[]>(),
    sampleDelivery: text('sample_delivery', { enum: sampleDeliveries }),
    wantedBy: integer('wanted_by'),
    purpose: text('purpose'),
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
    userType: text('user_type', { enum: userTypes }).notNull(),
    quotedFen: integer('quoted_fen').notNull(),
    /**
     * The rate card item the request named (rate_card_items.id), priced again at completion; null: none named
     * (the card's first item of the unit). No foreign key: a card edit replaces its items.
     */
    rateItemId: integer('rate_item_id'),
    /** How the self-pay share is paid: card through the processor, or the lab's invoice; null: nothing to pay. */
    paymentMethod: text('payment_method', { enum: paymentMethods }),
    priceLines: text('price_lines', { mode: 'json' }).$type<PriceLine[]>().notNull(),
    /** The rate card terms the order was quoted on; null on orders from before snapshots were kept. */
    priceSnapshot: text('price_snapshot', { mode: 'json' }).$type<PriceSnapshot>(),
    /** 经费来源: the research funding the user pays from (the national service record's field). */
    fundingSource: text('funding_source', { enum: fundingSources }),
    /** The accepted quote (需求发布) this order was placed on: its lines are the price. */
    quoteId: integer('quote_id').references(() => quotes.id),
    actualMinutes: integer('actual_minutes'),
    actualSamples: integer('actual_samples'),
    finalFen: integer('final_fen'),
    finalLines: text('final_lines', { mode: 'json' }).$type<PriceLine[]>(),
    reportUrl: text('report_url'),
    /** An uploaded report: where it is stored (relative to the file folder), its name and type. */
    reportFile: text('report_file'),
    reportName: text('report_name'),
    reportType: text('report_type'),
    rating: integer('rating'),
    ratingComment: text('rating_comment'),
    idempotencyKey: text('idempotency_key'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    // Covers the overlap check: instrument, block and status answer it without reading the table.
    index('bookings_instrument_block').on(t.instrumentId, t.blockStartAt, t.blockEndAt, t.status),
    index('bookings_institution').on(t.institutionId, t.id),
    index('bookings_requester_org').on(t.requesterOrganisationId, t.id),
    uniqueIndex('bookings_idempotency').on(t.requesterId, t.idempotencyKey),
  ],
);

/** The audit trail: every transition of a booking, who made it and why. */
export const bookingEvents = sqliteTable(
  'booking_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    bookingId: integer('booking_id')
      .notNull()
      .references(() => bookings.id),
    fromStatus: text('from_status', { enum: bookingStatuses }),
    toStatus: text('to_status', { enum: bookingStatuses }).notNull(),
    actorId: integer('actor_id').references(() => users.id),
    at: integer('at').notNull(),
    reason: text('reason'),
  },
  (t) => [index('booking_events_booking').on(t.bookingId, t.id)],
);

/**
 * A secret per user for their calendar feed (calendar apps cannot send our session cookie). Only its
 * SHA-256 is stored, so the address is shown once, when it is made; making a new one ends the old.
 */
export const calendarTokens = sqliteTable('calendar_tokens', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
});

/**
 * The service agreement (服务协议) of a confirmed request: a PDF made at confirmation, kept with its
 * SHA-256, and the enterprise's acceptance (who, when, from where).
 */
export const serviceAgreements = sqliteTable('service_agreements', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  bookingId: integer('booking_id')
    .notNull()
    .unique()
    .references(() => bookings.id),
  /** Where the file store keeps the PDF, and the SHA-256 (hex) of its bytes. */
  storedName: text('stored_name').notNull(),
  sha256: text('sha256').notNull(),
  createdAt: integer('created_at').notNull(),
  acceptedBy: integer('accepted_by').references(() => users.id),
  acceptedAt: integer('accepted_at'),
  acceptedFrom: text('accepted_from'),
  acceptedUserAgent: text('accepted_user_agent'),
});
