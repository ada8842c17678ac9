/**
 * What a use of an instrument costs: the request's usage, the caller's user type, and the price by
 * the instrument's rate card (pricing.ts does the arithmetic). Used by quotes, booking requests and
 * completion.
 */
import type { BookingMode, PriceSnapshot, UserType } from '../../../db/schema/index.ts';
import { badRequest } from '../../shared/errors.ts';
import { parseInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { BookingRequest, Schedule } from './booking.schemas.ts';
import type { BookingContext } from './context.ts';
import { bookedItem, cardOfSnapshot, price, type PricingRequest } from './pricing.ts';
import { offHoursMinutes, type HolidayCalendar } from './slots.ts';

export interface RequestedUsage {
  mode: BookingMode;
  minutes?: number;
  samples?: number;
  start?: number;
  end?: number;
}

export function userTypeOf(actor: Actor, institutionId: number): UserType {
  if (actor.organisationId === institutionId) return 'internal';
  return actor.organisationKind === 'institution' ? 'academic' : 'enterprise';
}

/** What a sample job says about its samples: not part of a machine-time request. */
const SAMPLE_FIELDS = ['sampleName', 'sampleType', 'sampleHazards', 'sampleDelivery'] as const;

/** The machine time or samples a request asks for. */
export function usageOf(input: BookingRequest): RequestedUsage {
  if (input.mode === 'machine_time') {
    if (!input.start || !input.end) {
      throw badRequest('machine time needs start and end', [
        { path: input.start ? 'body.end' : 'body.start', message: 'required' },
      ]);
    }
    if (input.sampleCount !== undefined)
      throw badRequest('machine time has no sample count', [{ path: 'body.sampleCount', message: 'not allowed' }]);
    const sampleField = SAMPLE_FIELDS.find((f) => input[f] !== undefined);
    if (sampleField)
      throw badRequest('machine time has no sample details', [{ path: `body.${sampleField}`, message: 'not allowed' }]);
    const start = parseInstant(input.start, 'body.start');
    const end = parseInstant(input.end, 'body.end');
    if (end <= start) throw badRequest('end must be after start', [{ path: 'body.end', message: 'not after start' }]);
    return { mode: 'machine_time', start, end, minutes: Math.round((end - start) / 60_000) };
  }
  if (input.sampleCount === undefined)
    throw badRequest('a sample job needs sampleCount', [{ path: 'body.sampleCount', message: 'required' }]);
  if (input.start !== undefined)
    throw badRequest('the lab schedules sample jobs; give only a wanted-by end', [
      { path: 'body.start', message: 'not allowed' },
    ]);
  return {
    mode: 'sample',
    samples: input.sampleCount,
    end: input.end ? parseInstant(input.end, 'body.end') : undefined,
  };
}

/**
 * Prices a use of an instrument by its card. Machine time from `start` for `minutes` pays the card's
 * off-hours surcharge on the minutes that are off-hours in the instrument's zone (the platform calendar,
 * cached for availability: no query of its own).
 */
export async function priceFor(
  ctx: BookingContext,
  instrumentId: number,
  userType: UserType,
  usage: {
    mode: BookingMode;
    minutes?: number;
    samples?: number;
    start?: number;
    urgent: boolean;
    /** The item a request names: it must be on the card (400 otherwise). */
    rateItemId?: number;
    /** The item a booking stored, priced again: used while still on the card, else the first of the unit. */
    bookedRateItemId?: number | null;
    /** The terms the order was quoted on: priced by them, not by today's card (orders before snapshots: null). */
    snapshot?: PriceSnapshot | null;
  },
  rules: Pick<Schedule, 'slotMinutes' | 'timeZone'>,
  /** The platform calendar when the caller has read it in this transaction already (one statement less). */
  holidays?: HolidayCalendar,
) {
  const card = usage.snapshot ? cardOfSnapshot(usage.snapshot) : await ctx.catalogRepo.rateCard(instrumentId);
  if (!card)
    throw badRequest('this instrument has no published prices', [
      { path: 'body.instrumentId', message: 'no rate card' },
    ]);
  const rateItemId = usage.snapshot
    ? card.items[0]!.id
    : usage.bookedRateItemId != null
      ? bookedItem(card, usage.mode === 'machine_time' ? 'hour' : 'sample', usage.bookedRateItemId)?.id
      : usage.rateItemId;
  const offHours =
    usage.mode === 'machine_time' && usage.start !== undefined && (card.offHoursSurchargePercent ?? 0) > 0
      ? offHoursMinutes(
          usage.start,
          usage.start + usage.minutes! * 60_000,
          rules.timeZone,
          holidays ?? (await ctx.holidayCalendar()),
        )
      : 0;
  const req: PricingRequest =
    usage.mode === 'machine_time'
      ? {
          mode: 'machine_time',
          minutes: usage.minutes!,
          slotMinutes: rules.slotMinutes,
          offHoursMinutes: offHours,
          userType,
          urgent: usage.urgent,
          rateItemId,
        }
      : { mode: 'sample', samples: usage.samples!, userType, urgent: usage.urgent, rateItemId };
  const result = price(card, req);
  if (!result.ok && result.reason === 'too_large') {
    throw badRequest('the price of this much use is too large to charge', [
      { path: usage.mode === 'sample' ? 'body.sampleCount' : 'body.end', message: result.reason },
    ]);
  }
  if (!result.ok) {
    throw badRequest(
      result.reason === 'no_rate'
        ? `no ${usage.mode === 'sample' ? 'per-sample' : 'per-hour'} price for this instrument`
        : 'unknown rate item',
      [{ path: result.reason === 'no_rate' ? 'body.mode' : 'body.rateItemId', message: result.reason }],
    );
  }
  const snapshot: PriceSnapshot = { ...result.terms, quotedAt: usage.snapshot?.quotedAt ?? ctx.clock.now() };
  return { ...result, snapshot };
}

/**
 * The price of a new request: by the accepted quote it names (the needs module checks it and gives its
 * lines), else by the instrument's card.
 */
export async function priceOfRequest(
  ctx: BookingContext,
  actor: Actor,
  input: BookingRequest,
  instrumentId: number,
  userType: UserType,
  usage: RequestedUsage,
  rules: Pick<Schedule, 'slotMinutes' | 'timeZone'>,
  holidays?: HolidayCalendar,
) {
  if (input.quoteId === undefined)
    return priceFor(
      ctx,
      instrumentId,
      userType,
      { ...usage, urgent: input.urgent, rateItemId: input.rateItemId },
      rules,
      holidays,
    );
  if (input.rateItemId !== undefined || input.urgent)
    throw badRequest('an order on a quote is priced by the quote: no rate item or urgent surcharge', [
      { path: input.rateItemId !== undefined ? 'body.rateItemId' : 'body.urgent', message: 'not with quoteId' },
    ]);
  if (!ctx.quotes)
    throw badRequest('orders on quotes are not taken here', [{ path: 'body.quoteId', message: 'unavailable' }]);
  return ctx.quotes.price(actor, input.quoteId, instrumentId, usage.mode);
}
