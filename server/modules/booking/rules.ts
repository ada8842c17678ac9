/**
 * The rules of an instrument's time: its schedule (opening hours and booking rules), its closures
 * (maintenance and downtime), and the platform's holiday calendar.
 */
import { DateTime } from 'luxon';
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { formatInstant, isValidZone, parseInstant } from '../../shared/time.ts';
import { isPlatformAdmin } from '../audit/audit-log.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { Schedule } from './booking.schemas.ts';
import type { ScheduleRow } from './booking.repo.ts';
import type { BookingContext } from './context.ts';

const DAY = 86_400_000;

/** What an instrument without its own schedule offers: weekday office hours, approval needed. */
export const DEFAULT_SCHEDULE: Omit<Schedule, 'timeZone'> = {
  weeklyHours: {
    '1': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '2': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '3': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '4': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
    '5': [
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ],
  },
  slotMinutes: 30,
  minBookingMinutes: 60,
  maxBookingMinutes: 480,
  minNoticeMinutes: 24 * 60,
  horizonDays: 60,
  setupBufferMinutes: 0,
  cleanupBufferMinutes: 0,
  machineTimeEnabled: true,
  sampleEnabled: true,
  approvalRequired: true,
  qualificationRequired: false,
  cancellationDeadlineHours: 24,
  observeHolidays: true,
  noShowChargePercent: 0,
  checkInOpensMinutes: 30,
  noShowGraceMinutes: 15,
};

/** An instrument's rules from its schedule row, or the default ones when it has none. */
export function rulesOf(timeZone: string, row: ScheduleRow | undefined): Schedule {
  if (!row) return { timeZone, ...DEFAULT_SCHEDULE };
  const { instrumentId: _i, updatedAt: _u, ...rules } = row;
  return { timeZone, ...rules };
}

export class BookingRules {
  constructor(private readonly ctx: BookingContext) {}

  // Schedules

  async schedule(instrumentId: number): Promise<Schedule & { instrumentId: number }> {
    const instrument = await this.ctx.instrumentOr404(instrumentId);
    return { instrumentId, ...(await this.ctx.rules(instrumentId, instrument.timeZone)) };
  }

  /**
   * Replaces an instrument's rules and zone. The instrument is read inside the transaction: its zone
   * is written only when it differs, and a zone read before another request changed it would let
   * that request's zone win over this one's.
   */
  async updateSchedule(
    actor: Actor,
    instrumentId: number,
    input: Schedule,
  ): Promise<Schedule & { instrumentId: number }> {
    const { ctx } = this;
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const instrument = await ctx.instrumentOr404(instrumentId, repo);
      if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
      if (!isValidZone(input.timeZone)) {
        throw badRequest('unknown time zone', [{ path: 'body.timeZone', message: 'not an IANA time zone' }]);
      }
      if (input.minBookingMinutes > input.maxBookingMinutes) {
        throw badRequest('minimum booking length exceeds the maximum', [
          { path: 'body.minBookingMinutes', message: 'must not exceed maxBookingMinutes' },
        ]);
      }
      if (input.minBookingMinutes % input.slotMinutes || input.maxBookingMinutes % input.slotMinutes) {
        throw badRequest('booking lengths must be multiples of the slot', [
          { path: 'body.minBookingMinutes', message: `multiples of ${input.slotMinutes} minutes` },
        ]);
      }
      const { timeZone, ...rules } = input;
      await repo.upsertSchedule({ instrumentId, ...rules, updatedAt: ctx.clock.now() });
      if (timeZone !== instrument.timeZone) await repo.setTimeZone(instrumentId, timeZone);
      // A platform admin changing an institution's instrument: an admin action.
      if (isPlatformAdmin(actor))
        await ctx.audit?.record(
          {
            action: 'instrument.schedule_update',
            actor,
            subject: { type: 'instrument', id: instrumentId },
            details: { institutionId: instrument.institutionId, schedule: input },
          },
          tx,
        );
      // What was written, as it reads back.
      return { instrumentId, ...(await ctx.rules(instrumentId, timeZone, repo)) };
    });
  }

  // Closures

  async closures(instrumentId: number, fromIso?: string, toIso?: string) {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr404(instrumentId);
    const from = fromIso ? parseInstant(fromIso, 'from') : ctx.clock.now() - 30 * DAY;
    const to = toIso ? parseInstant(toIso, 'to') : ctx.clock.now() + 365 * DAY;
    return (await ctx.repo.closures(instrumentId, from, to)).map((c) => ({
      id: c.id,
      start: formatInstant(c.startAt, instrument.timeZone),
      end: formatInstant(c.endAt, instrument.timeZone),
      reason: c.reason,
    }));
  }

  async addClosure(actor: Actor, instrumentId: number, input: { start: string; end: string; reason: string }) {
    const { ctx } = this;
    const instrument = await ctx.instrumentOr404(instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    const start = parseInstant(input.start, 'body.start');
    const end = parseInstant(input.end, 'body.end');
    if (end <= start)
      throw badRequest('a closure must end after it starts', [{ path: 'body.end', message: 'before start' }]);
    if (end - start > 366 * DAY)
      throw badRequest('a closure may last a year at most', [{ path: 'body.end', message: 'too long' }]);
    const row = await ctx.db.write(async (tx) => {
      const made = await ctx.repo.with(tx).insertClosure({
        instrumentId,
        startAt: start,
        endAt: end,
        reason: input.reason,
        createdBy: actor.userId,
        createdAt: ctx.clock.now(),
      });
      if (isPlatformAdmin(actor))
        await ctx.audit?.record(
          {
            action: 'instrument.closure_add',
            actor,
            subject: { type: 'instrument', id: instrumentId },
            details: { institutionId: instrument.institutionId, closureId: made.id, ...input },
          },
          tx,
        );
      return made;
    });
    return {
      id: row.id,
      start: formatInstant(start, instrument.timeZone),
      end: formatInstant(end, instrument.timeZone),
      reason: row.reason,
    };
  }

  async deleteClosure(actor: Actor, instrumentId: number, closureId: number): Promise<void> {
    const instrument = await this.ctx.instrumentOr404(instrumentId);
    if (!canManageInstitution(actor, instrument.institutionId)) throw forbidden('not your institution’s instrument');
    // One statement finds and removes it: of two removals at once, the second answers 404.
    await this.ctx.db.write(async (tx) => {
      if (!(await this.ctx.repo.with(tx).deleteClosure(closureId, instrumentId))) throw notFound('closure');
      if (isPlatformAdmin(actor))
        await this.ctx.audit?.record(
          {
            action: 'instrument.closure_remove',
            actor,
            subject: { type: 'instrument', id: instrumentId },
            details: { institutionId: instrument.institutionId, closureId },
          },
          tx,
        );
    });
  }

  // Holidays

  async holidays(year?: number) {
    return (await this.ctx.repo.allHolidays())
      .filter((h) => year === undefined || h.date.startsWith(`${year}-`))
      .map((h) => ({ date: h.date, kind: h.kind, nameZh: h.nameZh, nameEn: h.nameEn }));
  }

  async putHoliday(date: string, input: { kind: 'off' | 'workday'; nameZh: string; nameEn?: string | null }) {
    if (!DateTime.fromISO(date).isValid)
      throw badRequest('not a date', [{ path: 'params.date', message: 'YYYY-MM-DD' }]);
    // Platform admins only (the route's rule); who it was comes from the request (the audit log's scope).
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const before = (await repo.allHolidays()).find((h) => h.date === date);
      await repo.upsertHoliday({ date, kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null });
      await this.ctx.audit?.record(
        {
          action: 'holiday.put',
          subject: { type: 'holiday', id: date },
          details: {
            before: before ? { kind: before.kind, nameZh: before.nameZh, nameEn: before.nameEn } : null,
            after: { kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null },
          },
        },
        tx,
      );
    });
    return { date, kind: input.kind, nameZh: input.nameZh, nameEn: input.nameEn ?? null };
  }

  async deleteHoliday(date: string): Promise<void> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const before = (await repo.allHolidays()).find((h) => h.date === date);
      if (!before || !(await repo.deleteHoliday(date))) throw notFound('holiday');
      await this.ctx.audit?.record(
        {
          action: 'holiday.delete',
          subject: { type: 'holiday', id: date },
          details: { kind: before.kind, nameZh: before.nameZh, nameEn: before.nameEn },
        },
        tx,
      );
    });
  }
}
