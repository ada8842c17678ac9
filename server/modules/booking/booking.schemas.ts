/** Request and response shapes of the booking API. Imports only zod and the vocabularies. */
import { z } from 'zod';
import {
  bookingModes,
  bookingStatuses,
  fundingSources,
  paymentMethods,
  paymentStatuses,
  priceUnits,
  sampleDeliveries,
  sampleHazards,
  sampleTypes,
  userTypes,
  voucherLimits,
} from '../../../db/schema/enums.ts';
import { voucherSplitSchema, voucherUseSchema } from '../vouchers/vouchers.schemas.ts';

/** An instant with an explicit offset (2026-12-01T09:00:00+08:00); answered in the instrument's zone. */
export const instantSchema = z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with an offset' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a local time HH:mm');
const minutes = (min: number, max: number) => z.number().int().min(min).max(max);

export const intervalSchema = z.object({ start: z.string(), end: z.string() });

export const weeklyHoursSchema = z
  .partialRecord(z.enum(['1', '2', '3', '4', '5', '6', '7']), z.array(z.tuple([hhmm, hhmm])).max(6))
  .refine(
    (w) => Object.values(w).every((day) => day!.every(([a, b]) => a < b)),
    'each interval must end after it starts',
  );

export const scheduleSchema = z.object({
  timeZone: z.string().min(1).max(64),
  weeklyHours: weeklyHoursSchema,
  slotMinutes: z
    .number()
    .int()
    .refine((m) => [5, 10, 15, 20, 30, 60].includes(m), 'one of 5, 10, 15, 20, 30, 60'),
  minBookingMinutes: minutes(5, 24 * 60),
  maxBookingMinutes: minutes(5, 7 * 24 * 60),
  minNoticeMinutes: minutes(0, 30 * 24 * 60),
  horizonDays: minutes(1, 366),
  setupBufferMinutes: minutes(0, 240),
  cleanupBufferMinutes: minutes(0, 240),
  machineTimeEnabled: z.boolean(),
  sampleEnabled: z.boolean(),
  approvalRequired: z.boolean(),
  qualificationRequired: z.boolean(),
  cancellationDeadlineHours: minutes(0, 24 * 30),
  observeHolidays: z.boolean(),
  noShowChargePercent: minutes(0, 100).default(0),
  /** Check-in (machine time) opens this many minutes before the start and closes at the end. */
  checkInOpensMinutes: minutes(0, 24 * 60).default(30),
  /** A no-show can be recorded from this many minutes after the start. */
  noShowGraceMinutes: minutes(0, 24 * 60).default(15),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const availabilityQuerySchema = z
  .object({
    from: instantSchema,
    to: instantSchema,
    durationMinutes: z
      .string()
      .regex(/^\d{1,5}$/, 'whole minutes')
      .transform(Number)
      .optional(),
  })
  .strict();

export const availabilitySchema = z.object({
  instrumentId: z.number().int(),
  timeZone: z.string(),
  durationMinutes: z.number().int(),
  /** Free time (not every minute of it can start a booking: see slots). */
  free: z.array(intervalSchema),
  /**
   * The only valid starts for durationMinutes (the minimum length when not given): a booking of that length
   * from `start` holds [start, start + durationMinutes); `maxMinutes` is the longest booking that can start
   * there (whole minutes on the slot grid). Starts only: ~1,400 in a 60-day window of hourly slots.
   */
  slots: z.array(z.object({ start: z.string(), maxMinutes: z.number().int() })),
  /** Time held by other bookings (no personal data). */
  busy: z.array(intervalSchema),
});
export type Availability = z.infer<typeof availabilitySchema>;

export const priceLineSchema = z.object({
  kind: z.enum([
    'machine_time',
    'samples',
    'setup_fee',
    'minimum_charge',
    'urgent_surcharge',
    'off_hours_surcharge',
    'no_show_fee',
    'waived',
  ]),
  label: z.string(),
  quantity: z.number(),
  unitFen: z.number().int(),
  amountFen: z.number().int(),
});

/** A price and how it is paid: the voucher share and the self-pay share (deduct mode), and what capped the voucher. */
export const priceSchema = z.object({
  totalFen: z.number().int(),
  voucherFen: z.number().int(),
  selfPayFen: z.number().int(),
  limitedBy: z.enum(voucherLimits).nullable(),
  lines: z.array(priceLineSchema),
});

export const paymentSchema = z.object({
  status: z.enum(paymentStatuses),
  processorId: z.string().nullable(),
  authorisedFen: z.number().int(),
  capturedFen: z.number().int(),
  refundedFen: z.number().int(),
  declineCode: z.string().nullable(),
  /** A saved card waiting for its window (scheduled): when it is authorised (ISO instant, UTC). */
  authoriseAt: z.string().nullable().optional(),
});

/** The hazards a sample job declares: at least one, no repeats, and `none` only on its own. */
export const sampleHazardsSchema = z
  .array(z.enum(sampleHazards))
  .min(1)
  .max(sampleHazards.length)
  .refine((h) => new Set(h).size === h.length, 'each hazard once')
  .refine((h) => !h.includes('none') || h.length === 1, '"none" cannot be combined with a hazard');

/** What a sample job's requester said about the samples (null: not a sample job, or nothing said). */
export const sampleDetailsSchema = z.object({
  name: z.string().nullable(),
  type: z.enum(sampleTypes).nullable(),
  hazards: z.array(z.enum(sampleHazards)).nullable(),
  delivery: z.enum(sampleDeliveries).nullable(),
});

/** Where the instrument is and whom to ask: the catalogue record's address and contact. */
export const instrumentLocationSchema = z.object({
  address: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
});

export const bookingRequestSchema = z
  .object({
    instrumentId: z.number().int().positive(),
    mode: z.enum(bookingModes),
    start: instantSchema.optional(),
    end: instantSchema.optional(),
    sampleCount: z.number().int().min(1).max(10_000).optional(),
    /** Sample jobs only: 样品名称, 样品类型, 危险特性 and how the samples reach the lab (寄送 / 自送). */
    sampleName: z.string().trim().min(1).max(200).optional(),
    sampleType: z.enum(sampleTypes).optional(),
    sampleHazards: sampleHazardsSchema.optional(),
    sampleDelivery: z.enum(sampleDeliveries).optional(),
    purpose: z.string().trim().max(500).optional(),
    urgent: z.boolean().default(false),
    rateItemId: z.number().int().positive().optional(),
    /** Pay part with the enterprise's innovation voucher (the best quota it holds). */
    useVoucher: z.boolean().default(false),
    /** A particular quota of the enterprise's to use (default: the one that pays most). */
    quotaId: z.number().int().positive().optional(),
    /**
     * How the self-pay share is paid: `card` (with paymentToken) or `bank_transfer` (对公转账 against a
     * payment notice issued at confirmation). Default: card with a token, bank transfer without.
     */
    paymentMethod: z.enum(['card', 'bank_transfer']).optional(),
    /** A processor card token (tok_visa …): the self-pay share is authorised on the card. */
    paymentToken: z
      .string()
      .regex(/^[\w|-]{3,200}$/, 'a card token from the payment form')
      .optional(),
    /** Why an out-of-province provider is needed (programmes that allow them require one). */
    justification: z.string().trim().max(1000).optional(),
    /** 经费来源: the research funding the user pays from (optional in the API; the web form asks enterprises). */
    fundingSource: z.enum(fundingSources).optional(),
    /** An accepted quote (需求发布) of the enterprise's testing need: its lines are the price. */
    quoteId: z.number().int().positive().optional(),
  })
  .strict();
export type BookingRequest = z.infer<typeof bookingRequestSchema>;

export const quoteSchema = z.object({
  instrumentId: z.number().int(),
  userType: z.enum(userTypes),
  unit: z.enum(priceUnits),
  price: priceSchema,
  voucher: voucherSplitSchema.shape.voucher,
  /** Every programme's share in funding order (co-funded orders: the province's, then the city's). */
  vouchers: voucherSplitSchema.shape.vouchers,
  ineligible: voucherSplitSchema.shape.ineligible,
});

export const historyEntrySchema = z.object({
  from: z.enum(bookingStatuses).nullable(),
  to: z.enum(bookingStatuses),
  by: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  at: z.string(),
  reason: z.string().nullable(),
});

/**
 * Whether the clock and the status allow a step now (who may take it is the role's: the lab), and from /
 * until when (instants in the instrument's zone); `reason` says why not: status, too_early, too_late, no_date.
 */
export const actionWindowSchema = z.object({
  allowed: z.boolean(),
  from: z.string().nullable(),
  until: z.string().nullable(),
  reason: z.enum(['status', 'too_early', 'too_late', 'no_date']).nullable(),
});

export const bookingSchema = z.object({
  id: z.number().int(),
  instrumentId: z.number().int(),
  instrument: z.object({
    id: z.number().int(),
    nameZh: z.string(),
    institutionId: z.number().int(),
    institutionName: z.string(),
    /** Address and contact (absent in the answer of a booking request that carried no money). */
    location: instrumentLocationSchema.optional(),
  }),
  requester: z.object({
    id: z.number().int(),
    name: z.string(),
    organisationId: z.number().int(),
    organisationName: z.string(),
  }),
  mode: z.enum(bookingModes),
  status: z.enum(bookingStatuses),
  timeZone: z.string(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  sampleCount: z.number().int().nullable(),
  sample: sampleDetailsSchema.nullable(),
  purpose: z.string().nullable(),
  urgent: z.boolean(),
  fundingSource: z.enum(fundingSources).nullable(),
  userType: z.enum(userTypes),
  /**
   * The rate card item the booking is priced by (计价项目): the one it was quoted on, or (orders before price
   * snapshots) the item it named while still on the card, else the card's first item of its unit. Orders on a
   * quote name the quote's first line. Null: no item known (the card has none of the unit).
   */
  rateItem: z
    .object({
      id: z.number().int().nullable(),
      name: z.string(),
      nameEn: z.string().nullable(),
      unit: z.enum(priceUnits),
      unitFen: z.number().int(),
    })
    .nullable(),
  price: priceSchema,
  usage: z
    .object({
      minutes: z.number().int().nullable(),
      samples: z.number().int().nullable(),
      reportUrl: z.string().nullable(),
    })
    .nullable(),
  finalPrice: priceSchema.nullable(),
  paymentMethod: z.enum(paymentMethods).nullable(),
  payment: paymentSchema.nullable(),
  voucherUse: voucherUseSchema.nullable(),
  /** Every voucher use in funding order (co-funded orders hold one per programme; voucherUse is the first). */
  voucherUses: z.array(voucherUseSchema),
  rating: z.number().int().nullable(),
  ratingComment: z.string().nullable(),
  cancellableUntil: z.string().nullable(),
  /** The steps that follow the clock; noShow.feeFen is what a no-show would charge now. */
  actions: z.object({
    checkIn: actionWindowSchema,
    noShow: actionWindowSchema.extend({ feeFen: z.number().int() }),
    complete: actionWindowSchema,
  }),
  history: z.array(historyEntrySchema),
  createdAt: z.string(),
});
export type BookingView = z.infer<typeof bookingSchema>;

export const bookingListQuerySchema = z
  .object({
    status: z.enum(bookingStatuses).optional(),
    instrumentId: z.string().regex(/^\d+$/).transform(Number).optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    cursor: z.string().max(200).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().min(1).max(100))
      .default(20),
  })
  .strict();

export const reasonSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const optionalReasonSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const approveSchema = z
  .object({
    reason: z.string().trim().max(500).optional(),
    start: instantSchema.optional(),
    end: instantSchema.optional(),
  })
  .strict();
export const completeSchema = z
  .object({
    actualMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
    actualSamples: z.number().int().min(1).max(10_000).optional(),
    reportUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export const rateSchema = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(500).optional() })
  .strict();
