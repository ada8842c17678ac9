import { DateTime, Settings } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { WeeklyHours } from '../../db/schema/booking.ts';
import { holidays2026 } from '../../db/seed/data.ts';
import {
  availability,
  bookingBlock,
  checkBookable,
  dayHours,
  describeProblem,
  isWorkingDay,
  offHoursMinutes,
  openIntervals,
  type HolidayCalendar,
  type Interval,
  type ScheduleRules,
  type Situation,
} from '../../server/modules/booking/slots.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY_MS = 24 * HOUR;

/** A Shanghai wall time (UTC+8 all year) as UTC ms, written out without luxon. */
const sh = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
const shI = (date: string, start: string, end: string): Interval => ({ start: sh(date, start), end: sh(date, end) });

const twoPeriods: [string, string][] = [
  ['09:00', '12:00'],
  ['14:00', '17:00'],
];
const weekdays: WeeklyHours = { '1': twoPeriods, '2': twoPeriods, '3': twoPeriods, '4': twoPeriods, '5': twoPeriods };

const rules: ScheduleRules = {
  timeZone: 'Asia/Shanghai',
  weeklyHours: weekdays,
  slotMinutes: 30,
  minBookingMinutes: 60,
  maxBookingMinutes: 240,
  minNoticeMinutes: 24 * 60,
  horizonDays: 30,
  setupBufferMinutes: 0,
  cleanupBufferMinutes: 0,
  observeHolidays: true,
};

// 2026-10-01 (Thursday) and 10-02 are public holidays; Saturday 2026-10-10 is a make-up working day (调休).
const holidays: HolidayCalendar = { off: new Set(['2026-10-01', '2026-10-02']), workdays: new Set(['2026-10-10']) };

// Thursday 2026-09-10 08:00: 24 h notice → 09-11 08:00; 30-day horizon → 10-10 08:00.
const NOW = sh('2026-09-10', '08:00');

const situation = (over: Partial<Situation> = {}, ruleOver: Partial<ScheduleRules> = {}): Situation => ({
  rules: { ...rules, ...ruleOver },
  holidays,
  closures: [],
  busy: [],
  now: NOW,
  ...over,
});

const MONDAY = '2026-09-14';

describe('dayHours', () => {
  it('gives the weekday hours, none at the weekend', () => {
    expect(dayHours(rules, holidays, MONDAY)).toEqual(twoPeriods);
    expect(dayHours(rules, holidays, '2026-09-12')).toEqual([]); // Saturday
    expect(dayHours(rules, holidays, '2026-09-13')).toEqual([]); // Sunday
  });

  it('closes on public holidays and opens make-up working days with Monday hours', () => {
    const mondaySpecial = { ...rules, weeklyHours: { ...weekdays, '1': [['08:00', '12:00']] as [string, string][] } };
    expect(dayHours(mondaySpecial, holidays, '2026-10-01')).toEqual([]); // Thursday, holiday
    expect(dayHours(mondaySpecial, holidays, '2026-10-08')).toEqual(twoPeriods); // an ordinary Thursday
    expect(dayHours(mondaySpecial, holidays, '2026-10-10')).toEqual([['08:00', '12:00']]); // Saturday, 调休
  });

  it('ignores the calendar when observeHolidays is false', () => {
    const ignoring = { ...rules, observeHolidays: false };
    expect(dayHours(ignoring, holidays, '2026-10-01')).toEqual(twoPeriods);
    expect(dayHours(ignoring, holidays, '2026-10-10')).toEqual([]);
  });
});

describe('openIntervals (Asia/Shanghai, no DST)', () => {
  it('turns two periods a day into UTC instants, eight hours behind local time', () => {
    const from = Date.parse('2026-09-13T16:00:00Z'); // Monday 00:00 local
    const to = Date.parse('2026-09-14T16:00:00Z');
    expect(openIntervals(rules, holidays, from, to)).toEqual([
      { start: Date.parse('2026-09-14T01:00:00Z'), end: Date.parse('2026-09-14T04:00:00Z') },
      { start: Date.parse('2026-09-14T06:00:00Z'), end: Date.parse('2026-09-14T09:00:00Z') },
    ]);
  });

  it('covers a working week, sorted', () => {
    const week = openIntervals(rules, holidays, sh(MONDAY, '00:00'), sh('2026-09-19', '00:00'));
    expect(week).toHaveLength(10);
    expect(week[0]).toEqual(shI(MONDAY, '09:00', '12:00'));
    expect(week[9]).toEqual(shI('2026-09-18', '14:00', '17:00'));
    for (let i = 1; i < week.length; i++) expect(week[i]!.start).toBeGreaterThanOrEqual(week[i - 1]!.end);
  });

  it('clips to the window', () => {
    expect(openIntervals(rules, holidays, sh(MONDAY, '10:00'), sh(MONDAY, '15:00'))).toEqual([
      shI(MONDAY, '10:00', '12:00'),
      shI(MONDAY, '14:00', '15:00'),
    ]);
    expect(openIntervals(rules, holidays, sh(MONDAY, '12:00'), sh(MONDAY, '14:00'))).toEqual([]);
    expect(openIntervals(rules, holidays, sh(MONDAY, '15:00'), sh(MONDAY, '15:00'))).toEqual([]);
  });

  it('skips the holidays and opens the make-up working day', () => {
    const from = sh('2026-09-30', '00:00');
    const to = sh('2026-10-11', '00:00');
    const observed = openIntervals(rules, holidays, from, to);
    // 09-30 + 10-05 … 10-09 + 10-10 (调休) = 7 working days × 2
    expect(observed).toHaveLength(14);
    expect(observed.some((i) => i.start === sh('2026-10-01', '09:00'))).toBe(false);
    expect(observed.slice(-2)).toEqual([shI('2026-10-10', '09:00', '12:00'), shI('2026-10-10', '14:00', '17:00')]);

    const ignored = openIntervals({ ...rules, observeHolidays: false }, holidays, from, to);
    // 09-30, 10-01, 10-02, 10-05 … 10-09 = 8 days × 2, nothing on Saturday 10-10
    expect(ignored).toHaveLength(16);
    expect(ignored[2]).toEqual(shI('2026-10-01', '09:00', '12:00'));
    expect(ignored.some((i) => i.start === sh('2026-10-10', '09:00'))).toBe(false);
  });

  it('reads 24:00 as the next midnight', () => {
    const evenings = { ...rules, weeklyHours: { '7': [['20:00', '24:00']] as [string, string][] } };
    expect(openIntervals(evenings, holidays, sh('2026-09-13', '00:00'), sh('2026-09-15', '00:00'))).toEqual([
      { start: sh('2026-09-13', '20:00'), end: sh('2026-09-14', '00:00') },
    ]);
  });
});

describe('weekly hours as written', () => {
  const from = sh('2026-09-14', '00:00'); // a Monday
  const to = sh('2026-09-15', '00:00');

  it("takes a day's periods in any order, and H:mm as HH:mm", () => {
    const reversed = {
      ...rules,
      weeklyHours: {
        '1': [
          ['14:00', '17:00'],
          ['9:00', '12:00'],
        ] as [string, string][],
      },
    };
    expect(openIntervals(reversed, holidays, from, to)).toEqual([
      shI('2026-09-14', '09:00', '12:00'),
      shI('2026-09-14', '14:00', '17:00'),
    ]);
  });

  it('drops an empty period and refuses a text that is not a time of day', () => {
    const empty = {
      ...rules,
      weeklyHours: {
        '1': [
          ['12:00', '12:00'],
          ['09:00', '10:00'],
        ] as [string, string][],
      },
    };
    expect(openIntervals(empty, holidays, from, to)).toEqual([shI('2026-09-14', '09:00', '10:00')]);
    for (const bad of ['9:60', '24:01', '25:00', 'ab:cd', '0900', '09-00', '009:00', '']) {
      const week = { ...rules, weeklyHours: { '1': [['08:00', bad]] as [string, string][] } };
      expect(() => openIntervals(week, holidays, from, to), bad).toThrow(RangeError);
    }
  });

  it("names each local date right across a year's end (the holiday calendar is keyed by them)", () => {
    const newYear: HolidayCalendar = { off: new Set(['2027-01-01']), workdays: new Set(['2027-01-02']) };
    const days = openIntervals(rules, newYear, sh('2026-12-31', '00:00'), sh('2027-01-04', '00:00'));
    // Thursday 12-31 open, Friday 01-01 a holiday, Saturday 01-02 a make-up working day, Sunday 01-03 closed
    expect(days.map((i) => DateTime.fromMillis(i.start, { zone: 'Asia/Shanghai' }).toISODate())).toEqual([
      '2026-12-31',
      '2026-12-31',
      '2027-01-02',
      '2027-01-02',
    ]);
  });
});

describe('availability with a slot mapper', () => {
  it('makes each slot from its start and maxMinutes, the same slots as without one', () => {
    const s = situation({ busy: [shI('2026-09-14', '10:00', '11:00')] });
    const [from, to] = [sh('2026-09-14', '00:00'), sh('2026-09-15', '00:00')];
    const plain = availability(s, from, to, 60);
    const mapped = availability(s, from, to, 60, (start, maxMinutes) => `${start}/${maxMinutes}`);
    expect(mapped.free).toEqual(plain.free);
    expect(mapped.slots).toEqual(plain.slots.map((slot) => `${slot.start}/${slot.maxMinutes}`));
    expect(mapped.slots.length).toBeGreaterThan(0);
  });
});

describe('checkBookable', () => {
  const s = situation();
  const check = (date: string, start: string, end: string, sit: Situation = s) =>
    checkBookable(sit, sh(date, start), sh(date, end));

  it('accepts bookings on the grid inside one period', () => {
    expect(check(MONDAY, '09:00', '10:00')).toBeNull();
    expect(check(MONDAY, '09:00', '10:30')).toBeNull(); // 90 min on a 30-min grid
    expect(check(MONDAY, '14:00', '17:00')).toBeNull();
    expect(check('2026-09-11', '09:00', '10:00')).toBeNull(); // Friday, exactly 25 h ahead
  });

  it('rejects an end at or before the start', () => {
    expect(check(MONDAY, '10:00', '10:00')).toBe('end_before_start');
    expect(check(MONDAY, '10:00', '09:00')).toBe('end_before_start');
  });

  it('enforces the minimum and maximum length', () => {
    expect(check(MONDAY, '09:00', '09:30')).toBe('too_short');
    expect(check(MONDAY, '09:00', '14:30')).toBe('too_long'); // 330 > 240, checked before the hours
    expect(check(MONDAY, '14:00', '17:00', situation({}, { maxBookingMinutes: 120 }))).toBe('too_long');
  });

  it('keeps start and length on the slot grid', () => {
    const s30 = situation({}, { minBookingMinutes: 30 });
    expect(check(MONDAY, '09:00', '09:45', s30)).toBe('not_on_grid'); // 45 min on a 30-min grid
    expect(check(MONDAY, '09:00', '10:30', s30)).toBeNull(); // 90 min
    expect(check(MONDAY, '09:10', '10:10', s30)).toBe('not_on_grid');
    expect(check(MONDAY, '14:30', '15:00', s30)).toBeNull();
  });

  it('keeps the booking inside one opening period of its day', () => {
    expect(check(MONDAY, '11:30', '12:30')).toBe('outside_hours'); // no spanning the lunch break
    expect(check(MONDAY, '11:00', '14:30')).toBe('outside_hours');
    expect(check(MONDAY, '08:00', '09:00')).toBe('outside_hours');
    expect(check(MONDAY, '12:00', '13:00')).toBe('outside_hours');
    expect(check(MONDAY, '16:30', '17:30')).toBe('outside_hours');
    expect(check('2026-09-12', '09:00', '10:00')).toBe('outside_hours'); // Saturday
    expect(check('2026-10-01', '09:00', '10:00')).toBe('outside_hours'); // public holiday
    expect(check('2026-10-01', '09:00', '10:00', situation({}, { observeHolidays: false }))).toBeNull();
  });

  it('opens the make-up working day with Monday hours', () => {
    const farther = situation({}, { horizonDays: 60 });
    expect(check('2026-10-10', '09:00', '10:00', farther)).toBeNull();
    expect(check('2026-10-10', '14:00', '15:00', farther)).toBeNull();
    expect(check('2026-10-10', '09:00', '10:00', situation({}, { horizonDays: 60, observeHolidays: false }))).toBe(
      'outside_hours',
    );
  });

  it('needs the minimum notice', () => {
    expect(check('2026-09-10', '14:00', '15:00')).toBe('too_soon');
    const later = situation({ now: sh('2026-09-10', '09:30') }); // notice ends 09-11 09:30
    expect(check('2026-09-11', '09:00', '10:00', later)).toBe('too_soon');
    expect(check('2026-09-11', '09:30', '10:30', later)).toBeNull();
    const noNotice = situation({ now: sh(MONDAY, '10:00') }, { minNoticeMinutes: 0 });
    expect(check(MONDAY, '09:30', '10:30', noNotice)).toBe('too_soon');
    expect(check(MONDAY, '10:00', '11:00', noNotice)).toBeNull();
  });

  it('stops at the horizon', () => {
    // 30 days after 09-10 08:00 is 10-10 08:00
    expect(check('2026-10-09', '16:00', '17:00')).toBeNull();
    expect(check('2026-10-10', '09:00', '10:00')).toBe('too_far');
    expect(check('2026-10-12', '09:00', '10:00')).toBe('too_far');
  });

  it('refuses closures, buffers included', () => {
    const closed = situation({ closures: [shI(MONDAY, '10:00', '11:00')] });
    expect(check(MONDAY, '09:00', '10:00', closed)).toBeNull(); // touching is fine
    expect(check(MONDAY, '11:00', '12:00', closed)).toBeNull();
    expect(check(MONDAY, '09:30', '10:30', closed)).toBe('closed');
    const buffered = situation({ closures: [shI(MONDAY, '10:00', '11:00')] }, { cleanupBufferMinutes: 15 });
    expect(check(MONDAY, '09:00', '10:00', buffered)).toBe('closed'); // block runs to 10:15
    expect(check(MONDAY, '11:00', '12:00', buffered)).toBeNull(); // only clean-up after
  });

  it('refuses overlaps with other bookings, buffers included', () => {
    const busy = [shI(MONDAY, '10:00', '11:00')];
    expect(check(MONDAY, '09:00', '10:00', situation({ busy }))).toBeNull();
    expect(check(MONDAY, '10:30', '11:30', situation({ busy }))).toBe('conflict');
    const buffered = situation({ busy }, { setupBufferMinutes: 30, cleanupBufferMinutes: 30 });
    expect(check(MONDAY, '09:00', '10:00', buffered)).toBe('conflict'); // block [09:00, 10:30)
    expect(check(MONDAY, '11:00', '12:00', buffered)).toBe('conflict'); // block [10:30, 12:30)
    expect(check(MONDAY, '14:00', '15:00', buffered)).toBeNull();
    // closed is reported before conflict
    const both = situation({ busy, closures: [shI(MONDAY, '10:30', '11:30')] });
    expect(check(MONDAY, '10:00', '11:00', both)).toBe('closed');
  });

  it('describes each problem in a sentence', () => {
    expect(describeProblem('too_soon', rules)).toBe("bookings need 24 hours' notice");
    expect(describeProblem('too_soon', { ...rules, minNoticeMinutes: 60 })).toBe("bookings need 1 hour's notice");
    expect(describeProblem('too_soon', { ...rules, minNoticeMinutes: 90 })).toBe("bookings need 90 minutes' notice");
    expect(describeProblem('not_on_grid', rules)).toBe('start and length must follow the 30-minute grid');
    expect(describeProblem('too_short', rules)).toBe('bookings must be at least 1 hour long');
    expect(describeProblem('too_long', rules)).toBe('bookings can be at most 4 hours long');
    expect(describeProblem('too_far', rules)).toBe('bookings can be made at most 30 days ahead');
    for (const p of ['end_before_start', 'outside_hours', 'closed', 'conflict'] as const) {
      expect(describeProblem(p, rules)).toMatch(/^[a-z].+[a-z)]$/);
    }
  });
});

describe('bookingBlock', () => {
  it('adds the set-up and clean-up buffers', () => {
    const r = { ...rules, setupBufferMinutes: 15, cleanupBufferMinutes: 30 };
    expect(bookingBlock(r, sh(MONDAY, '10:00'), sh(MONDAY, '11:00'))).toEqual(shI(MONDAY, '09:45', '11:30'));
    expect(bookingBlock(rules, sh(MONDAY, '10:00'), sh(MONDAY, '11:00'))).toEqual(shI(MONDAY, '10:00', '11:00'));
  });
});

describe('availability', () => {
  const dayFrom = sh(MONDAY, '00:00');
  const dayTo = sh('2026-09-15', '00:00');
  const starts = (slots: Interval[]) => slots.map((i) => new Date(i.start + 8 * HOUR).toISOString().slice(11, 16));

  it('subtracts notice, busy time and closures from the opening hours', () => {
    const s = situation({
      now: sh('2026-09-13', '10:00'), // notice ends Monday 10:00
      busy: [shI(MONDAY, '14:30', '15:30')],
      closures: [shI(MONDAY, '16:00', '16:30')],
    });
    const { free, slots } = availability(s, dayFrom, dayTo, 60);
    expect(free).toEqual([
      shI(MONDAY, '10:00', '12:00'),
      shI(MONDAY, '14:00', '14:30'),
      shI(MONDAY, '15:30', '16:00'),
      shI(MONDAY, '16:30', '17:00'),
    ]);
    expect(starts(slots)).toEqual(['10:00', '10:30', '11:00']);
    expect(slots[0]).toEqual({ ...shI(MONDAY, '10:00', '11:00'), maxMinutes: 120 });
    // 30-minute bookings: too short, so no slots; free time does not depend on the length
    expect(availability(s, dayFrom, dayTo, 30)).toEqual({ free, slots: [] });
    const slot = (start: string, end: string, maxMinutes: number) => ({ ...shI(MONDAY, start, end), maxMinutes });
    expect(availability({ ...s, rules: { ...s.rules, minBookingMinutes: 30 } }, dayFrom, dayTo, 30).slots).toEqual([
      slot('10:00', '10:30', 120),
      slot('10:30', '11:00', 90),
      slot('11:00', '11:30', 60),
      slot('11:30', '12:00', 30),
      slot('14:00', '14:30', 30), // up to the booking at 14:30
      slot('15:30', '16:00', 30), // up to the closure at 16:00
      slot('16:30', '17:00', 30),
    ]);
  });

  it('keeps the buffers clear of other bookings', () => {
    const s = situation(
      { now: sh('2026-09-01', '00:00'), busy: [shI(MONDAY, '10:00', '11:00')] },
      { setupBufferMinutes: 30, cleanupBufferMinutes: 30 },
    );
    const { free, slots } = availability(s, dayFrom, dayTo, 60);
    expect(free).toEqual([shI(MONDAY, '09:00', '10:00'), shI(MONDAY, '11:00', '12:00'), shI(MONDAY, '14:00', '17:00')]);
    expect(starts(slots)).toEqual(['14:00', '14:30', '15:00', '15:30', '16:00']);
  });

  it('ends at the horizon: starts before it, free time up to it', () => {
    const s = situation({ now: sh('2026-09-13', '10:00') }, { minNoticeMinutes: 0, horizonDays: 1 });
    const { free, slots } = availability(s, dayFrom, dayTo, 60);
    expect(free).toEqual([shI(MONDAY, '09:00', '10:00')]);
    expect(starts(slots)).toEqual(['09:00', '09:30']); // too_far judges the start only
  });

  it('offers 90-minute bookings on the 30-minute grid and nothing for off-grid lengths', () => {
    const s = situation({ now: sh('2026-09-01', '00:00') }, { minBookingMinutes: 30 });
    expect(starts(availability(s, dayFrom, dayTo, 90).slots)).toEqual([
      '09:00',
      '09:30',
      '10:00',
      '10:30',
      '14:00',
      '14:30',
      '15:00',
      '15:30',
    ]);
    expect(availability(s, dayFrom, dayTo, 45).slots).toEqual([]);
    expect(availability(s, dayFrom, dayTo, 300).slots).toEqual([]); // too long
  });

  it('merges touching free intervals, but no booking spans them', () => {
    const split = {
      ...rules,
      minNoticeMinutes: 0,
      weeklyHours: {
        '1': [
          ['09:00', '12:00'],
          ['12:00', '17:00'],
        ],
      },
    };
    const s = situation({ rules: split as ScheduleRules, now: sh('2026-09-01', '00:00') });
    const { free, slots } = availability(s, dayFrom, dayTo, 60);
    expect(free).toEqual([shI(MONDAY, '09:00', '17:00')]);
    expect(starts(slots)).not.toContain('11:30');
    expect(starts(slots)).toContain('12:00');
    expect(checkBookable(s, sh(MONDAY, '11:30'), sh(MONDAY, '12:30'))).toBe('outside_hours');

    const back2back = situation({ now: sh('2026-09-01', '00:00'), busy: [shI(MONDAY, '10:00', '11:00')] });
    const closures = [shI(MONDAY, '11:00', '11:30'), shI(MONDAY, '09:00', '09:30')];
    expect(availability({ ...back2back, closures }, dayFrom, dayTo, 60).free).toEqual([
      shI(MONDAY, '09:30', '10:00'),
      shI(MONDAY, '11:30', '12:00'),
      shI(MONDAY, '14:00', '17:00'),
    ]);

    const allDay = { ...rules, weeklyHours: { '1': [['00:00', '24:00']], '2': [['00:00', '24:00']] } } as ScheduleRules;
    const nights = situation({ rules: allDay, now: sh('2026-09-01', '00:00') });
    const twoDays = availability(nights, dayFrom, sh('2026-09-16', '00:00'), 60);
    expect(twoDays.free).toEqual([{ start: dayFrom, end: sh('2026-09-16', '00:00') }]);
    expect(twoDays.slots).toHaveLength(2 * 47); // 00:00 … 23:00 each day, none across midnight
    expect(checkBookable(nights, sh(MONDAY, '23:30'), sh('2026-09-15', '00:30'))).toBe('outside_hours');
  });

  it('offers no start whose minimum length would run past the end of the opening period', () => {
    // The morning ends at 12:00 and bookings last at least 2 hours: 10:30 and 11:30 are free, but no start.
    const s = situation({ now: sh('2026-09-01', '00:00') }, { minBookingMinutes: 120, maxBookingMinutes: 240 });
    const { free, slots } = availability(s, dayFrom, dayTo, 120);
    expect(free).toEqual([shI(MONDAY, '09:00', '12:00'), shI(MONDAY, '14:00', '17:00')]);
    expect(starts(slots)).toEqual(['09:00', '09:30', '10:00', '14:00', '14:30', '15:00']);
    expect(slots.map((x) => x.maxMinutes)).toEqual([180, 150, 120, 180, 150, 120]);
    expect(checkBookable(s, sh(MONDAY, '11:30'), sh(MONDAY, '13:30'))).toBe('outside_hours');
    expect(checkBookable(s, sh(MONDAY, '11:30'), sh(MONDAY, '12:00'))).toBe('too_short');
  });

  it('gives each slot the longest length that fits: up to the maximum, the period’s end, or the next buffer', () => {
    const s = situation(
      { now: sh('2026-09-01', '00:00'), busy: [shI(MONDAY, '15:30', '16:00')] },
      { minBookingMinutes: 60, maxBookingMinutes: 120, cleanupBufferMinutes: 30, setupBufferMinutes: 0 },
    );
    const { slots } = availability(s, dayFrom, dayTo, 60);
    const max = Object.fromEntries(slots.map((x) => [starts([x])[0], x.maxMinutes]));
    // Morning: the 2-hour maximum, then the end at 12:00. Afternoon: the clean-up must end by 15:30; after the
    // other booking, the period's end at 17:00.
    expect(max).toEqual({
      '09:00': 120,
      '09:30': 120,
      '10:00': 120,
      '10:30': 90,
      '11:00': 60,
      '14:00': 60,
      '16:00': 60,
    });
  });

  it('slots are exactly the grid starts checkBookable accepts (property over three weeks)', () => {
    const from = sh('2026-09-28', '00:00');
    const to = sh('2026-10-17', '00:00');
    const busy: Interval[] = [];
    // deterministic pseudo-random bookings of 1–3 h with their buffers, some overlapping
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 40; i++) {
      const start = from + Math.floor(rnd() * 19 * 48) * 30 * MIN - 15 * MIN;
      busy.push({ start, end: start + (1 + Math.floor(rnd() * 3)) * HOUR + 45 * MIN });
    }
    busy.sort((a, b) => a.start - b.start);
    const base = situation(
      {
        now: sh('2026-09-28', '11:20'),
        busy,
        closures: [shI('2026-10-08', '13:00', '15:10'), shI('2026-09-30', '08:00', '09:40')],
      },
      { setupBufferMinutes: 10, cleanupBufferMinutes: 20, horizonDays: 14, minBookingMinutes: 30 },
    );
    let accepted = 0;
    for (const ruleOver of [{}, { observeHolidays: false }, { slotMinutes: 20 }, { minNoticeMinutes: 0 }]) {
      const s = { ...base, rules: { ...base.rules, ...ruleOver } };
      const step = s.rules.slotMinutes * MIN;
      for (const duration of [20, 30, 40, 45, 60, 90, 120, 180, 300]) {
        const { slots } = availability(s, from, to, duration);
        const offered = new Set(slots.map((x) => x.start));
        let expected = 0;
        for (const o of openIntervals(s.rules, s.holidays, from, to)) {
          for (let t = o.start; t < o.end; t += step) {
            const ok = checkBookable(s, t, t + duration * MIN) === null;
            expect(offered.has(t), `${new Date(t).toISOString()} ${duration} min`).toBe(ok);
            if (ok) expected++;
            expect(checkBookable(s, t + 10 * MIN, t + 10 * MIN + duration * MIN)).not.toBeNull();
          }
        }
        expect(slots).toHaveLength(expected);
        accepted += expected;
        for (const x of slots) {
          expect(x.end - x.start).toBe(duration * MIN);
          // maxMinutes is bookable, and one slot longer is not.
          expect(x.maxMinutes).toBeGreaterThanOrEqual(duration);
          expect(checkBookable(s, x.start, x.start + x.maxMinutes * MIN)).toBeNull();
          expect(checkBookable(s, x.start, x.start + x.maxMinutes * MIN + step)).not.toBeNull();
        }
      }
    }
    expect(accepted).toBeGreaterThan(100); // the property is not vacuous
  });
});

describe('Europe/Berlin across the 2026 DST switches', () => {
  const berlin: ScheduleRules = {
    ...rules,
    timeZone: 'Europe/Berlin',
    maxBookingMinutes: 8 * 60,
    weeklyHours: Object.fromEntries(
      ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['09:00', '17:00']]]),
    ) as WeeklyHours,
  };
  const none: HolidayCalendar = { off: new Set(), workdays: new Set() };
  const at = (iso: string) => Date.parse(iso);
  const day = (r: ScheduleRules, date: string, zoneStart: string, zoneEnd: string, next: string) =>
    openIntervals(r, none, at(`${date}T00:00:00${zoneStart}`), at(`${next}T00:00:00${zoneEnd}`));

  it('spring forward (Sunday 2026-03-29): 09:00–17:00 is 8 real hours, one hour earlier in UTC', () => {
    expect(day(berlin, '2026-03-28', '+01:00', '+01:00', '2026-03-29')).toEqual([
      { start: at('2026-03-28T08:00:00Z'), end: at('2026-03-28T16:00:00Z') },
    ]);
    const [sunday] = day(berlin, '2026-03-29', '+01:00', '+02:00', '2026-03-30');
    expect(sunday).toEqual({ start: at('2026-03-29T07:00:00Z'), end: at('2026-03-29T15:00:00Z') });
    expect(sunday!.end - sunday!.start).toBe(8 * HOUR);
    expect(sunday!.start - at('2026-03-28T08:00:00Z')).toBe(23 * HOUR);
  });

  it('fall back (Sunday 2026-10-25): 09:00–17:00 is 8 real hours, one hour later in UTC', () => {
    expect(day(berlin, '2026-10-24', '+02:00', '+02:00', '2026-10-25')).toEqual([
      { start: at('2026-10-24T07:00:00Z'), end: at('2026-10-24T15:00:00Z') },
    ]);
    const [sunday] = day(berlin, '2026-10-25', '+02:00', '+01:00', '2026-10-26');
    expect(sunday).toEqual({ start: at('2026-10-25T08:00:00Z'), end: at('2026-10-25T16:00:00Z') });
    expect(sunday!.end - sunday!.start).toBe(8 * HOUR);
    expect(sunday!.start - at('2026-10-24T07:00:00Z')).toBe(25 * HOUR);
  });

  it('a whole local day is 23 h in March and 25 h in October, with as many hourly slots', () => {
    const allDay = { ...berlin, slotMinutes: 60, weeklyHours: { '7': [['00:00', '24:00']] } } as ScheduleRules;
    const march = day(allDay, '2026-03-29', '+01:00', '+02:00', '2026-03-30');
    expect(march).toEqual([{ start: at('2026-03-28T23:00:00Z'), end: at('2026-03-29T22:00:00Z') }]);
    const october = day(allDay, '2026-10-25', '+02:00', '+01:00', '2026-10-26');
    expect(october).toEqual([{ start: at('2026-10-24T22:00:00Z'), end: at('2026-10-25T23:00:00Z') }]);

    const s: Situation = { rules: allDay, holidays: none, closures: [], busy: [], now: at('2026-01-01T00:00:00Z') };
    const yearLong = { ...s, rules: { ...allDay, horizonDays: 366 } };
    expect(availability(yearLong, march[0]!.start, march[0]!.end, 60).slots).toHaveLength(23);
    expect(availability(yearLong, october[0]!.start, october[0]!.end, 60).slots).toHaveLength(25);
    // an 8-hour booking 09:00–17:00 local on the short day is accepted as 8 real hours
    const eight = { ...yearLong, rules: { ...berlin, horizonDays: 366 } };
    expect(checkBookable(eight, at('2026-03-29T07:00:00Z'), at('2026-03-29T15:00:00Z'))).toBeNull();
    expect(checkBookable(eight, at('2026-10-25T08:00:00Z'), at('2026-10-25T16:00:00Z'))).toBeNull();
  });

  it('moves a time in the spring-forward gap forward, and drops a period wholly inside it', () => {
    const gap = { ...berlin, weeklyHours: { '7': [['02:30', '05:00']] } } as ScheduleRules;
    // 02:30 does not exist on 2026-03-29: luxon reads it as 03:30 CEST = 01:30Z; 05:00 CEST = 03:00Z
    expect(day(gap, '2026-03-29', '+01:00', '+02:00', '2026-03-30')).toEqual([
      { start: at('2026-03-29T01:30:00Z'), end: at('2026-03-29T03:00:00Z') },
    ]);
    const inside = { ...berlin, weeklyHours: { '7': [['02:00', '03:00']] } } as ScheduleRules;
    expect(day(inside, '2026-03-29', '+01:00', '+02:00', '2026-03-30')).toEqual([]);
  });

  it('reads an ambiguous fall-back time as its later, standard-time instant, whatever today’s date', () => {
    const twice = { ...berlin, weeklyHours: { '7': [['02:30', '04:00']] } } as ScheduleRules;
    // 02:30 happens twice on 2026-10-25 (00:30Z CEST and 01:30Z CET): CET, also when "today" is in summer
    // time (luxon alone would pick by today's offset).
    const expected = [{ start: at('2026-10-25T01:30:00Z'), end: at('2026-10-25T03:00:00Z') }];
    const realNow = Settings.now;
    try {
      for (const today of ['2026-07-01T12:00:00Z', '2026-12-01T12:00:00Z']) {
        Settings.now = () => Date.parse(today);
        expect(day(twice, '2026-10-25', '+02:00', '+01:00', '2026-10-26')).toEqual(expected);
      }
    } finally {
      Settings.now = realNow;
    }
  });
});

describe('zones whose clocks change at midnight (2026)', () => {
  const none: HolidayCalendar = { off: new Set(), workdays: new Set() };
  const everyDay = (zone: string, periods: [string, string][], over: Partial<ScheduleRules> = {}): ScheduleRules => ({
    ...rules,
    timeZone: zone,
    maxBookingMinutes: 24 * 60,
    horizonDays: 366,
    weeklyHours: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, periods])) as WeeklyHours,
    ...over,
  });
  const at = (iso: string) => Date.parse(iso);
  const open = (r: ScheduleRules, from: string, to: string) => openIntervals(r, none, at(from), at(to));
  const local = (date: string, a: string, b: string, offset: string, endOffset = offset): Interval => ({
    start: at(`${date}T${a}:00${offset}`),
    end: at(`${date}T${b}:00${endOffset}`),
  });
  const JAN_1 = at('2026-01-01T00:00:00Z');

  describe('America/Havana: DST begins at 00:00 on Sunday 2026-03-08, so that day starts at 01:00', () => {
    const havana = everyDay('America/Havana', [['09:00', '17:00']]);

    it('opens 09:00–17:00 local that day, and the days before and after are unchanged', () => {
      const days = [
        local('2026-03-07', '09:00', '17:00', '-05:00'),
        local('2026-03-08', '09:00', '17:00', '-04:00'),
        local('2026-03-09', '09:00', '17:00', '-04:00'),
      ];
      expect(days[1]).toEqual({ start: at('2026-03-08T13:00:00Z'), end: at('2026-03-08T21:00:00Z') });
      // one window over the three days, and each day alone (its first instant is 01:00 on the 8th)
      expect(open(havana, '2026-03-07T00:00:00-05:00', '2026-03-10T00:00:00-04:00')).toEqual(days);
      expect(open(havana, '2026-03-07T00:00:00-05:00', '2026-03-08T01:00:00-04:00')).toEqual([days[0]]);
      expect(open(havana, '2026-03-08T01:00:00-04:00', '2026-03-09T00:00:00-04:00')).toEqual([days[1]]);
      expect(open(havana, '2026-03-09T00:00:00-04:00', '2026-03-10T00:00:00-04:00')).toEqual([days[2]]);
      // a window starting during the day
      expect(open(havana, '2026-03-08T12:00:00-04:00', '2026-03-08T20:00:00-04:00')).toEqual([
        local('2026-03-08', '12:00', '17:00', '-04:00'),
      ]);
    });

    it('books 09:00–17:00 local as 8 hours and refuses 10:00–18:00', () => {
      const s: Situation = { rules: havana, holidays: none, closures: [], busy: [], now: JAN_1 };
      const { start, end } = local('2026-03-08', '09:00', '17:00', '-04:00');
      expect(checkBookable(s, start, end)).toBeNull();
      expect(checkBookable(s, start + HOUR, end + HOUR)).toBe('outside_hours');
      const slots = availability(s, at('2026-03-08T01:00:00-04:00'), at('2026-03-09T00:00:00-04:00'), 60).slots;
      expect(slots[0]).toMatchObject({ start, end: start + HOUR });
      expect(slots.at(-1)).toEqual({ start: end - HOUR, end, maxMinutes: 60 });
      expect(slots).toHaveLength(15); // on the 30-minute grid
    });

    it('a whole local day is 23 hours, from 01:00', () => {
      const allDay = everyDay('America/Havana', [['00:00', '24:00']]);
      expect(open(allDay, '2026-03-08T01:00:00-04:00', '2026-03-09T00:00:00-04:00')).toEqual([
        { start: at('2026-03-08T05:00:00Z'), end: at('2026-03-09T04:00:00Z') },
      ]);
    });
  });

  it.each([
    ['America/Santiago', '2026-09-06', '-04:00', '-03:00'],
    ['Asia/Beirut', '2026-03-29', '+02:00', '+03:00'],
    ['Africa/Cairo', '2026-04-24', '+02:00', '+03:00'],
    ['Atlantic/Azores', '2026-03-29', '-01:00', '+00:00'],
  ])('%s springs forward at 00:00 on %s: 09:00–17:00 stays local', (zone, date, before, after) => {
    const r = everyDay(zone, [['09:00', '17:00']]);
    const previous = DateTime.fromISO(date).minus({ days: 1 }).toISODate()!;
    const following = DateTime.fromISO(date).plus({ days: 1 }).toISODate()!;
    const third = DateTime.fromISO(date).plus({ days: 2 }).toISODate()!;
    expect(open(r, `${previous}T00:00:00${before}`, `${third}T00:00:00${after}`)).toEqual([
      local(previous, '09:00', '17:00', before),
      local(date, '09:00', '17:00', after),
      local(following, '09:00', '17:00', after),
    ]);
    expect(open(r, `${date}T01:00:00${after}`, `${following}T00:00:00${after}`)).toEqual([
      local(date, '09:00', '17:00', after),
    ]);
  });

  it.each([
    // the clocks go back from 00:00 to 23:00: the Saturday before has 23:00–24:00 twice and is 25 hours long
    ['America/Santiago', '2026-04-04', '-03:00', '-04:00'],
    ['Asia/Beirut', '2026-10-24', '+03:00', '+02:00'],
    ['Africa/Cairo', '2026-10-29', '+03:00', '+02:00'],
  ])('%s falls back at 00:00 after %s: both days open 09:00–17:00 local', (zone, date, before, after) => {
    const following = DateTime.fromISO(date).plus({ days: 1 }).toISODate()!;
    const third = DateTime.fromISO(date).plus({ days: 2 }).toISODate()!;
    const nine = everyDay(zone, [['09:00', '17:00']]);
    expect(open(nine, `${date}T00:00:00${before}`, `${third}T00:00:00${after}`)).toEqual([
      local(date, '09:00', '17:00', before),
      local(following, '09:00', '17:00', after),
    ]);
    expect(open(nine, `${following}T00:00:00${after}`, `${third}T00:00:00${after}`)).toEqual([
      local(following, '09:00', '17:00', after),
    ]);
    const allDay = everyDay(zone, [['00:00', '24:00']]);
    const [long, next] = open(allDay, `${date}T00:00:00${before}`, `${third}T00:00:00${after}`);
    expect(long).toEqual({ start: at(`${date}T00:00:00${before}`), end: at(`${following}T00:00:00${after}`) });
    expect(long!.end - long!.start).toBe(25 * HOUR);
    expect(next!.end - next!.start).toBe(24 * HOUR);
  });

  describe('America/Havana: DST ends at 01:00 → 00:00 on Sunday 2026-11-01, so 00:00 comes twice', () => {
    it('opens 09:00–17:00 local that day, and the days before and after are unchanged', () => {
      const havana = everyDay('America/Havana', [['09:00', '17:00']]);
      expect(open(havana, '2026-10-31T00:00:00-04:00', '2026-11-03T00:00:00-05:00')).toEqual([
        local('2026-10-31', '09:00', '17:00', '-04:00'),
        local('2026-11-01', '09:00', '17:00', '-05:00'),
        local('2026-11-02', '09:00', '17:00', '-05:00'),
      ]);
    });

    it('starts the day at the first 00:00 (25 hours long), wherever the window starts', () => {
      const allDay = everyDay('America/Havana', [['00:00', '24:00']], { slotMinutes: 45, minBookingMinutes: 45 });
      const day = { start: at('2026-11-01T00:00:00-04:00'), end: at('2026-11-02T00:00:00-05:00') };
      expect(day.end - day.start).toBe(25 * HOUR);
      expect(open(allDay, '2026-10-31T12:00:00-04:00', '2026-11-02T00:00:00-05:00')[1]).toEqual(day);
      expect(open(allDay, '2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00')).toEqual([day]);
      // From inside the day, after the second 00:00: the 45-minute grid is still anchored at the first.
      const s: Situation = { rules: allDay, holidays: none, closures: [], busy: [], now: JAN_1 };
      const onGrid = day.start + 8 * 45 * MIN; // 05:00 local standard time, 6 hours after the day began
      expect(checkBookable(s, onGrid, onGrid + 45 * MIN)).toBeNull();
      expect(checkBookable(s, onGrid - HOUR, onGrid - HOUR + 45 * MIN)).toBe('not_on_grid');
      const fromInside = availability(s, at('2026-11-01T03:00:00-05:00'), day.end, 45).slots;
      const fromBefore = availability(s, at('2026-10-31T00:00:00-04:00'), day.end, 45).slots;
      const firstInside = day.start + 6 * 45 * MIN; // 03:30 local standard time
      expect(fromInside[0]).toMatchObject({ start: firstInside, end: firstInside + 45 * MIN });
      expect(fromBefore.slice(-fromInside.length)).toEqual(fromInside);
    });
  });

  it('agrees with a wall-clock reference around every 2026 midnight switch, wherever the window starts', () => {
    const periods: [string, string][] = [
      ['00:00', '06:00'],
      ['09:00', '17:00'],
      ['20:00', '24:00'],
    ];
    const cases: [string, string][] = [
      ['America/Havana', '2026-03-08'],
      ['America/Havana', '2026-11-01'],
      ['America/Santiago', '2026-04-05'],
      ['America/Santiago', '2026-09-06'],
      ['Asia/Beirut', '2026-03-29'],
      ['Asia/Beirut', '2026-10-25'],
      ['Africa/Cairo', '2026-04-24'],
      ['Africa/Cairo', '2026-10-30'],
      ['Atlantic/Azores', '2026-03-29'],
      ['Atlantic/Azores', '2026-10-25'],
      ['America/Nuuk', '2026-03-29'], // 23:00 → 00:00: the day before ends at 23:00
      ['America/Nuuk', '2026-10-25'],
      ['Europe/Berlin', '2026-03-29'],
      ['Europe/Berlin', '2026-10-25'],
      ['Asia/Shanghai', '2026-03-29'],
    ];
    for (const [zone, date] of cases) {
      const r = everyDay(zone, periods);
      // Every hour of the days around the switch with its local wall time (no wall time here is
      // ambiguous or skipped except 00:00 and 24:00): a wall time is the first instant that shows it or later.
      const first = DateTime.fromISO(date, { zone }).minus({ days: 4 }).toMillis();
      const marks: [number, string][] = [];
      for (let t = first; t < first + 10 * DAY_MS; t += HOUR) {
        marks.push([t, DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm')]);
      }
      const wall = (d: string, hm: string) => marks.find(([, w]) => w >= `${d} ${hm}`)![0];
      const reference: Interval[] = [];
      for (let i = -3; i <= 4; i++) {
        const d = DateTime.fromISO(date).plus({ days: i });
        for (const [a, b] of periods) {
          const end = b === '24:00' ? wall(d.plus({ days: 1 }).toISODate()!, '00:00') : wall(d.toISODate()!, b);
          reference.push({ start: wall(d.toISODate()!, a), end });
        }
      }
      // windows of 1 to 3 days starting every 3 hours from 2 days before the switch
      const base = DateTime.fromISO(date, { zone }).minus({ days: 2 }).toMillis();
      for (let k = 0; k < 32; k++) {
        const from = base + k * 3 * HOUR;
        const to = from + (1 + (k % 3)) * DAY_MS;
        const expected = reference
          .map((o) => ({ start: Math.max(o.start, from), end: Math.min(o.end, to) }))
          .filter((o) => o.start < o.end);
        expect([zone, date, from, openIntervals(r, none, from, to)]).toEqual([zone, date, from, expected]);
      }
    }
  });
});

describe('off-hours (非工作时间)', () => {
  // The seeded 2026 platform calendar: 2026-01-04 (Sunday) and 2026-10-10 (Saturday) are make-up working
  // days; 2026-10-01…07 are the National Day holidays.
  const calendar: HolidayCalendar = {
    off: new Set(holidays2026.holidays.flatMap((h) => h.offDays)),
    workdays: new Set(holidays2026.holidays.flatMap((h) => h.makeUpWorkdays)),
  };
  const off = (start: number, end: number, zone = 'Asia/Shanghai', cal = calendar) =>
    offHoursMinutes(start, end, zone, cal);

  it('knows the working days of the calendar', () => {
    expect(isWorkingDay(calendar, '2026-12-01')).toBe(true); // Tuesday
    expect(isWorkingDay(calendar, '2026-12-05')).toBe(false); // Saturday
    expect(isWorkingDay(calendar, '2026-12-06')).toBe(false); // Sunday
    expect(isWorkingDay(calendar, '2026-01-04')).toBe(true); // Sunday, 元旦 make-up working day
    expect(isWorkingDay(calendar, '2026-10-10')).toBe(true); // Saturday, 国庆 make-up working day
    expect(isWorkingDay(calendar, '2026-10-01')).toBe(false); // Thursday, National Day
    const both = { off: new Set(['2026-10-10']), workdays: new Set(['2026-10-10']) };
    expect(isWorkingDay(both, '2026-10-10')).toBe(false); // an off day wins, as in dayHours
  });

  it.each([
    ['a weekday 17:00–19:00: the hour from 18:00', shI('2026-12-01', '17:00', '19:00'), 60],
    ['a weekday inside 08:00–18:00', shI('2026-12-01', '08:00', '18:00'), 0],
    ['a weekday 07:00–08:30', shI('2026-12-01', '07:00', '08:30'), 60],
    ['a weekday 17:30–18:30', shI('2026-12-01', '17:30', '18:30'), 30],
    ['a Saturday morning', shI('2026-12-05', '09:00', '12:00'), 180],
    ['a Sunday evening', shI('2026-12-06', '17:00', '19:00'), 120],
    ['the make-up working Sunday 2026-01-04, office hours', shI('2026-01-04', '09:00', '12:00'), 0],
    ['the make-up working Sunday 2026-01-04, 17:00–19:00', shI('2026-01-04', '17:00', '19:00'), 60],
    ['the make-up working Saturday 2026-10-10', shI('2026-10-10', '09:00', '17:00'), 0],
    ['a holiday Thursday (2026-10-01)', shI('2026-10-01', '09:00', '12:00'), 180],
    ['a holiday Monday (元旦 2026-01-02 is a Friday)', shI('2026-01-02', '13:00', '15:00'), 120],
    ['nothing when the end is not after the start', shI('2026-12-01', '19:00', '19:00'), 0],
  ])('%s', (_name, w, minutes) => {
    expect(off(w.start, w.end)).toBe(minutes);
  });

  it('counts across midnight and into the weekend', () => {
    // Monday 22:00 → Tuesday 09:00: 2 h before midnight, 8 h before 08:00
    expect(off(sh('2026-12-07', '22:00'), sh('2026-12-08', '09:00'))).toBe(600);
    // Friday 17:00 → Saturday 02:00: Friday from 18:00 (6 h), Saturday from midnight (2 h)
    expect(off(sh('2026-12-04', '17:00'), sh('2026-12-05', '02:00'))).toBe(480);
    // the National Day week, Wednesday 2026-09-30 17:00 → Thursday 10-08 09:00
    const days = 7 * 24 * 60; // 10-01…10-07 are holidays
    expect(off(sh('2026-09-30', '17:00'), sh('2026-10-08', '09:00'))).toBe(6 * 60 + days + 8 * 60);
  });

  it('reads the wall clock of the zone, half-hour offsets too', () => {
    // 17:00–19:00 in Kolkata (UTC+05:30) is 11:30–13:30Z
    expect(off(Date.parse('2026-12-01T11:30:00Z'), Date.parse('2026-12-01T13:30:00Z'), 'Asia/Kolkata')).toBe(60);
    // the same instants are 19:30–21:30 in Shanghai: all off-hours
    expect(off(Date.parse('2026-12-01T11:30:00Z'), Date.parse('2026-12-01T13:30:00Z'))).toBe(120);
  });

  it('refuses an unknown zone and non-instants', () => {
    expect(() => off(sh('2026-12-01', '17:00'), sh('2026-12-01', '19:00'), 'Mars/Olympus')).toThrow(RangeError);
    expect(() => off(NaN, sh('2026-12-01', '19:00'))).toThrow(RangeError);
  });

  describe('Europe/Berlin across the 2026 DST switches', () => {
    const at = (iso: string) => Date.parse(iso);
    const berlin = (a: string, b: string, cal = calendar) => off(at(a), at(b), 'Europe/Berlin', cal);

    it('counts real time over a weekend of 23 and of 25 hours', () => {
      // Fri 2026-03-27 17:00 CET → Mon 03-30 09:00 CEST: Fri 6 h + Sat 24 h + Sun 23 h + Mon 8 h
      expect(berlin('2026-03-27T17:00:00+01:00', '2026-03-30T09:00:00+02:00')).toBe((6 + 24 + 23 + 8) * 60);
      // Fri 2026-10-23 17:00 CEST → Mon 10-26 09:00 CET: Fri 6 h + Sat 24 h + Sun 25 h + Mon 8 h
      expect(berlin('2026-10-23T17:00:00+02:00', '2026-10-26T09:00:00+01:00')).toBe((6 + 24 + 25 + 8) * 60);
      // the switch days alone
      expect(berlin('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00')).toBe(23 * 60);
      expect(berlin('2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00')).toBe(25 * 60);
      // the Monday after each switch: 07:00–09:00 local is one hour off-hours
      expect(berlin('2026-03-30T07:00:00+02:00', '2026-03-30T09:00:00+02:00')).toBe(60);
      expect(berlin('2026-10-26T17:00:00+01:00', '2026-10-26T19:00:00+01:00')).toBe(60);
    });

    it('on a switch day made a working day: 00:00–08:00 is 7 real hours in March, 9 in October', () => {
      const switchDays = { off: new Set<string>(), workdays: new Set(['2026-03-29', '2026-10-25']) };
      expect(berlin('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', switchDays)).toBe((7 + 6) * 60);
      expect(berlin('2026-10-25T00:00:00+02:00', '2026-10-26T00:00:00+01:00', switchDays)).toBe((9 + 6) * 60);
      expect(berlin('2026-03-29T07:00:00+02:00', '2026-03-29T19:00:00+02:00', switchDays)).toBe(2 * 60);
    });
  });

  it('agrees with a quarter-hour walk of the wall clock (property, DST zones and odd midnights)', () => {
    // Independent reference: look at the local wall time of every quarter hour with luxon.
    const reference = (start: number, end: number, zone: string, cal: HolidayCalendar) => {
      let n = 0;
      for (let t = start; t < end; t += 15 * MIN) {
        const local = DateTime.fromMillis(t, { zone });
        const date = local.toISODate()!;
        const working = cal.off.has(date) ? false : cal.workdays.has(date) ? true : local.weekday <= 5;
        const m = local.hour * 60 + local.minute;
        if (!working || m < 8 * 60 || m >= 18 * 60) n += 15;
      }
      return n;
    };
    // Sundays with a switch as make-up working days, so the switch falls on a working day too.
    const cal: HolidayCalendar = {
      off: new Set(['2026-03-31', '2026-10-27']),
      workdays: new Set(['2026-03-29', '2026-10-25', '2026-03-08', '2026-11-01']),
    };
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const cases: [string, string][] = [
      ['Europe/Berlin', '2026-03-26T00:00:00Z'],
      ['Europe/Berlin', '2026-10-22T00:00:00Z'],
      ['America/Havana', '2026-03-05T00:00:00Z'], // DST starts at midnight: 2026-03-08 has no 00:00
      ['America/Havana', '2026-10-29T00:00:00Z'], // and ends at 01:00 → 00:00 on 2026-11-01
      ['Asia/Shanghai', '2026-09-28T00:00:00Z'],
    ];
    for (const [zone, from] of cases) {
      for (let i = 0; i < 8; i++) {
        const start = Date.parse(from) + Math.floor(rand() * 5 * 96) * 15 * MIN;
        const end = start + Math.floor(rand() * 3 * 96) * 15 * MIN;
        expect([zone, start, end, offHoursMinutes(start, end, zone, cal)]).toEqual([
          zone,
          start,
          end,
          reference(start, end, zone, cal),
        ]);
      }
    }
  });
});
