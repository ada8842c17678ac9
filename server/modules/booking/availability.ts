/**
 * The read side before a booking: an instrument's free time and bookable slots in a window, the
 * catalogue's instruments with a free slot, and the quote of a prospective booking.
 */
import { z } from 'zod';
import { badRequest } from '../../shared/errors.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { formatInstant, parseInstant, zoneOffsetMinutes } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { SearchQuery } from '../catalog/catalog.schemas.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import { MAX_BLOCK_MS } from './booking.repo.ts';
import type { BookingRequest } from './booking.schemas.ts';
import { bookableStatus, DAY, situationMargin, type BookingContext } from './context.ts';
import { priceOfRequest, usageOf, userTypeOf } from './prices.ts';
import { rulesOf } from './rules.ts';
import { availability, describeProblem, type Interval } from './slots.ts';

const MAX_WINDOW_DAYS = 92;
const HOUR = 3_600_000;

/**
 * The active bookings whose blocks meet a window (as the repository's busyBlocks, same bounds and index):
 * their blocks, which hold the slots, and their own times, which the answer shows.
 */
const BOOKED_SQL = `SELECT start_at AS start, end_at AS "end", block_start_at AS "blockStart", block_end_at AS "blockEnd"
  FROM bookings
  WHERE instrument_id = ? AND block_start_at < ? AND block_start_at > ? AND block_end_at > ?
    AND status IN ('pending_payment', 'requested', 'approved', 'in_progress')
  ORDER BY block_start_at`;

interface Booked extends Interval {
  blockStart: number;
  blockEnd: number;
}

/** "00" … "59". */
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * formatInstant for the many instants of one answer (a 60-day window has ~1,500): the date is made
 * once per local day and the offset once per offset, hours, minutes and seconds come from a table.
 * Formatting each instant afresh (a Date and toISOString) was half of the request's time.
 */
function instantFormatter(zone: string): (ms: number) => string {
  let day = NaN;
  let date = '';
  let offset = NaN;
  let tail = '';
  return (ms) => {
    const o = zoneOffsetMinutes(ms, zone);
    const local = ms + o * 60_000;
    const d = Math.floor(local / DAY);
    if (d !== day) {
      const text = new Date(d * DAY).toISOString(); // "YYYY-MM-DDT00:00:00.000Z"
      if (text.length !== 24) return formatInstant(ms, zone); // a year outside 0000–9999: as it is
      date = text.slice(0, 11);
      day = d;
    }
    if (o !== offset) {
      const abs = Math.abs(o);
      tail = `${o < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(abs / 60)]}:${TWO_DIGITS[abs % 60]}`;
      offset = o;
    }
    const rest = local - d * DAY;
    const time = `${TWO_DIGITS[Math.floor(rest / HOUR)]}:${TWO_DIGITS[Math.floor(rest / 60_000) % 60]}:${TWO_DIGITS[Math.floor(rest / 1000) % 60]}`;
    return date + time + tail;
  };
}

/** Texts of instants per zone, at most this many each (then forgotten all at once; ~8 MB, 161 bytes a text with its key). */
const KEPT_TEXTS = 50_000;
const instantTexts = new Map<string, Map<number, string>>();

/**
 * instantFormatter, remembering each text. Instruments of one zone mostly share a slot grid (09:00 plus
 * whole half hours…), so a few thousand texts answer nearly every request: a 60-day answer formatted
 * afresh made ~150 KB of short-lived strings, a third of what the request allocated, and the young
 * generation's collections every ~30 requests were the answer's p95.
 */
function keptInstantFormatter(zone: string): (ms: number) => string {
  let kept = instantTexts.get(zone);
  if (!kept) instantTexts.set(zone, (kept = new Map()));
  const texts = kept;
  const format = instantFormatter(zone);
  return (ms) => {
    let text = texts.get(ms);
    if (text === undefined) {
      text = format(ms);
      if (texts.size >= KEPT_TEXTS) texts.clear();
      texts.set(ms, text);
    }
    return text;
  };
}

const availabilityCursor = z.object({ c: z.string().nullable(), skip: z.number().int().min(0) });

type CatalogItem = Awaited<ReturnType<CatalogService['search']>>['items'][number];

export class BookingAvailability {
  constructor(private readonly ctx: BookingContext) {}

  async availability(instrumentId: number, fromIso: string, toIso: string, durationMinutes?: number) {
    const { from, to } = this.window(fromIso, toIso);
    const { zone, duration, open, busy } = await this.freeTime(instrumentId, from, to, durationMinutes);
    const format = keptInstantFormatter(zone);
    // Starts only (each slot ends durationMinutes later): half the instants to format and send.
    const result = open((start, maxMinutes) => ({ start: format(start), maxMinutes }));
    const iso = (i: Interval) => ({ start: format(i.start), end: format(i.end) });
    return {
      instrumentId,
      timeZone: zone,
      durationMinutes: duration,
      free: result.free.map(iso),
      slots: result.slots,
      busy: busy.map(iso),
    };
  }

  /**
   * What an instrument offers in a window: `open` lays out its free time and slots (each made by `slotOf`),
   * and `busy` lists the bookings the window meets.
   */
  private async freeTime(instrumentId: number, from: number, to: number, durationMinutes: number | undefined) {
    const { ctx } = this;
    // Reads that do not wait for each other go together (on PostgreSQL each is a round trip).
    const [instrument, schedule] = await Promise.all([
      ctx.instrumentOr404(instrumentId),
      ctx.repo.schedule(instrumentId),
    ]);
    const rules = rulesOf(instrument.timeZone, schedule);
    const duration = durationMinutes ?? rules.minBookingMinutes;
    if (duration < 1)
      throw badRequest('durationMinutes must be positive', [{ path: 'query.durationMinutes', message: 'at least 1' }]);
    // One read of the bookings near the window, not one for their blocks and another for their times.
    const margin = situationMargin(rules);
    const [withoutBusy, booked] = await Promise.all([
      ctx.situation(instrumentId, rules, from, to, 0, ctx.repo, false),
      ctx.db.all<Booked>(BOOKED_SQL, [instrumentId, to + margin, from - margin - MAX_BLOCK_MS, from - margin]),
    ]);
    const s = { ...withoutBusy, busy: booked.map((b) => ({ start: b.blockStart, end: b.blockEnd })) };
    const bookable = rules.machineTimeEnabled && bookableStatus(instrument.runStatus);
    return {
      zone: rules.timeZone,
      duration,
      open: <T>(slotOf: (start: number, maxMinutes: number) => T): { free: Interval[]; slots: T[] } =>
        bookable ? availability(s, from, to, duration, slotOf) : { free: [], slots: [] },
      busy: booked.filter((b) => b.blockStart < to && b.blockEnd > from),
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
    const { from, to } = this.window(q.from, q.to); // refuse a bad window before looking at any instrument
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
        const found = await this.freeTime(instrument.id, from, to, q.durationMinutes);
        // The starts as numbers: only the first is written out, the rest are counted.
        const starts = found.open((start) => start).slots;
        const first = starts[0];
        if (first !== undefined) {
          const end = first + q.durationMinutes * 60_000;
          const firstSlot = { start: formatInstant(first, found.zone), end: formatInstant(end, found.zone) };
          items.push({ instrument, firstSlot, slotCount: starts.length });
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
