/** Booking rules the HTTP tests give an instrument: plain defaults, each test changing what it is about. */
import type { Schedule } from '../../server/modules/booking/booking.schemas.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/booking.service.ts';

export function testSchedule(changes: Partial<Schedule> = {}): Schedule {
  return {
    ...DEFAULT_SCHEDULE,
    timeZone: 'Asia/Shanghai',
    weeklyHours: DEFAULT_SCHEDULE.weeklyHours, // weekdays 09:00–12:00 and 13:30–17:30
    slotMinutes: 30,
    minBookingMinutes: 60,
    maxBookingMinutes: 240,
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
    ...changes,
  };
}

/** The bookable times an availability answer offers: each start with its end, `durationMinutes` later. */
export function slotTimes(availability: {
  durationMinutes: number;
  slots: { start: string }[];
}): { start: string; end: string }[] {
  return availability.slots.map(({ start }) => ({
    start,
    end: new Date(Date.parse(start) + availability.durationMinutes * 60_000).toISOString(),
  }));
}
