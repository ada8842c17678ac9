/**
 * The read side before a booking: an instrument's free time and bookable slots in a window, the
 * catalogue's instruments with a free slot, and the quote of a prospective booking.
 */
import { z } from 'zod';
import { badRequest } from '../../shared/errors.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { formatInstant, parseInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { SearchQuery } from '../catalog/catalog.schemas.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { BookingRequest } from './booking.schemas.ts';
import { bookableStatus, DAY, type BookingContext } from './context.ts';
import { priceOfRequest, usageOf, userTypeOf } from './prices.ts';
import { availability, describeProblem, type Interval } from './slots.ts';

const MAX_WINDOW_DAYS = 92;

const availabilityCursor = z.object({ c: z.string().nullable(), skip: z.number().int().min(0) });

type CatalogItem = Awaited<ReturnType<CatalogService['search']>>['items'][number];

export class BookingAvailability {
  constructor(private readonly ctx: BookingContext) {}

  async availability(instrumentId: number, fromIso: string, toIso: string, durationMinutes?: number) {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr404(instrumentId);
    const rules = await ctx.rules(instrumentId, instrument.timeZone);
    const { from, to } = this.window(fromIso, toIso);
    const duration = durationMinutes ?? rules.minBookingMinutes;
    if (duration < 1)
      throw badRequest('durationMinutes must be positive', [{ path: 'query.durationMinutes', message: 'at least 1' }]);
    const s = await ctx.situation(instrumentId, rules, from, to);
    const bookable = rules.machineTimeEnabled && bookableStatus(instrument.runStatus);
    const result = bookable ? availability(s, from, to, duration) : { free: [], slots: [] };
    const zone = rules.timeZone;
    const iso = (i: Interval) => ({ start: formatInstant(i.start, zone), end: formatInstant(i.end, zone) });
    const busy = await ctx.repo.activeBookingsOf(instrumentId, from, to);
    return {
      instrumentId,
      timeZone: zone,
      durationMinutes: duration,
      free: result.free.map(iso),
      slots: result.slots.map(iso),
      maxMinutes: Object.fromEntries(result.slots.map((slot) => [formatInstant(slot.start, zone), slot.maxMinutes])),
      busy: busy.map((b) => iso({ start: b.startAt!, end: b.endAt! })),
    };
  }

  private window(fromIso: string, toIso: string) {
    const from = parseInstant(fromIso, 'query.from');
    const to = parseInstant(toIso, 'query.to');
    if (to <= from) throw badRequest('to must be after from', [{ path: 'query.to', message: 'not after from' }]);
    if (to - from > MAX_WINDOW_DAYS * DAY) {
      throw badRequest(`the window may span ${MAX_WINDOW_DAYS} days at most`, [
        { path: 'query.to', message: 'window too long' },
      ]);
    }
    return { from, to };
  }

  /** Instruments of the catalogue with a free slot of the asked length in the window. */
  async searchAvailability(q: {
    from: string;
    to: string;
    durationMinutes: number;
    catalog: Pick<SearchQuery, 'q' | 'category' | 'city'>;
    cursor?: string;
    limit: number;
  }) {
    this.window(q.from, q.to); // refuse a bad window before looking at any instrument
    const start = q.cursor ? decodeCursor(q.cursor, availabilityCursor) : { c: null, skip: 0 };
    const items: { instrument: CatalogItem; firstSlot: { start: string; end: string }; slotCount: number }[] = [];
    let catalogCursor = start.c;
    let skip = start.skip;
    let scanned = 0;
    // Look through catalogue pages (relevance order) until the page is full or enough were tried.
    while (items.length < q.limit && scanned < 400) {
      const page = await this.ctx.catalog.search({
        ...q.catalog,
        sort: 'relevance',
        limit: 50,
        include: '',
        ...(catalogCursor && { cursor: catalogCursor }),
      } as SearchQuery);
      for (let i = skip; i < page.items.length; i++) {
        const instrument = page.items[i]!;
        scanned++;
        if (instrument.sharingMode === 'not_shared') continue;
        const found = await this.availability(instrument.id, q.from, q.to, q.durationMinutes);
        if (found.slots.length) {
          items.push({ instrument, firstSlot: found.slots[0]!, slotCount: found.slots.length });
          if (items.length >= q.limit) {
            const more = i + 1 < page.items.length || page.nextCursor;
            return { items, nextCursor: more ? encodeCursor({ c: catalogCursor, skip: i + 1 }) : null };
          }
        }
      }
      skip = 0;
      if (!page.nextCursor) return { items, nextCursor: null };
      catalogCursor = page.nextCursor;
    }
    return { items, nextCursor: encodeCursor({ c: catalogCursor, skip: 0 }) };
  }

  /** The price of a prospective booking for the caller (checkout adds the voucher split). */
  async quote(actor: Actor, input: BookingRequest) {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr400(input.instrumentId);
    const rules = await ctx.rules(instrument.id, instrument.timeZone);
    const userType = userTypeOf(actor, instrument.institutionId);
    const usage = usageOf(input);
    // Longer than the instrument can be booked: nothing to price (and the off-hours count walks the days).
    if (usage.mode === 'machine_time' && usage.minutes! > rules.maxBookingMinutes)
      throw badRequest(describeProblem('too_long', rules), [{ path: 'body.end', message: 'too_long' }]);
    const result = await priceOfRequest(ctx, actor, input, instrument.id, userType, usage, rules);
    return {
      instrumentId: instrument.id,
      institutionId: instrument.institutionId,
      categoryCode: instrument.categoryCode,
      serviceDate: formatInstant(usage.start ?? usage.end ?? ctx.clock.now(), instrument.timeZone).slice(0, 10),
      userType,
      unit: result.unit,
      totalFen: result.totalFen,
      lines: result.lines,
    };
  }
}
