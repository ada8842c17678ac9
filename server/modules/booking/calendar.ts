/**
 * Calendar feeds (iCalendar): an instrument's booked time (public), and a person's bookings at a
 * secret address of which the platform keeps only the SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import ical from 'ical-generator';
import { notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { DAY, type BookingContext } from './context.ts';
import type { BookingViews } from './views.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class BookingCalendars {
  constructor(
    private readonly ctx: BookingContext,
    private readonly views: BookingViews,
  ) {}

  /** Whether the caller has a feed address, and since when (the address itself was shown once, when made). */
  async calendarFeed(actor: Actor): Promise<{ createdAt: string | null }> {
    const row = await this.ctx.repo.calendarToken(actor.userId);
    return { createdAt: row ? new Date(row.createdAt).toISOString() : null };
  }

  /** A new feed address for the caller; the old one (if any) stops working. Only its hash is kept. */
  async newCalendarUrl(actor: Actor): Promise<{ url: string; createdAt: string }> {
    const token = randomBytes(24).toString('base64url');
    const now = this.ctx.clock.now();
    // One upsert: of two new addresses made at once, the one written last is the one that works.
    await this.ctx.repo.replaceCalendarToken({ userId: actor.userId, tokenHash: sha256(token), createdAt: now });
    return { url: `/api/v1/calendar/${token}.ics`, createdAt: new Date(now).toISOString() };
  }

  async instrumentCalendar(instrumentId: number): Promise<string> {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr404(instrumentId);
    const now = ctx.clock.now();
    const cal = ical({ name: `${instrument.nameZh} · ${instrument.institutionName}`, timezone: instrument.timeZone });
    for (const b of await ctx.repo.activeBookingsOf(instrumentId, now - 30 * DAY, now + 366 * DAY)) {
      cal.createEvent({
        id: `booking-${b.id}@instrument-platform`,
        start: new Date(b.startAt!),
        end: new Date(b.endAt!),
        summary: '已预约 (booked)',
      });
    }
    return cal.toString();
  }

  async userCalendar(token: string): Promise<string> {
    const { ctx } = this;
    if (!/^[\w-]{20,64}$/.test(token)) throw notFound('calendar');
    // The owner, their bookings and the bookings' views from one snapshot.
    const views = await ctx.db.read(async (tx) => {
      const repo = ctx.repo.with(tx);
      const row = await repo.calendarOwner(sha256(token));
      if (!row) throw notFound('calendar');
      const rows = (await repo.bookingsOfUser(row.userId, ctx.clock.now() - 180 * DAY)).filter(
        (b) => b.startAt !== null,
      );
      return this.views.viewsWith(repo, rows);
    });
    const cal = ical({ name: '我的仪器预约 · My instrument bookings' });
    for (const v of views) {
      cal.createEvent({
        id: `booking-${v.id}@instrument-platform`,
        start: new Date(v.start!),
        end: new Date(v.end!),
        summary: `${v.instrument.nameZh} (${v.status})`,
        location: v.instrument.institutionName,
        // No purpose: it is the researcher's free text, and a feed address travels to calendar services.
      });
    }
    return cal.toString();
  }
}
