/**
 * The slot engine: pure functions of (rules, holidays, closures, existing bookings, now).
 * No clock, database or environment inside. Instants are UTC epoch milliseconds; opening hours are
 * local to the instrument's time zone and turned into instants with luxon, one day at a time, then
 * everything steps in epoch milliseconds (luxon per slot would be ~15× slower).
 *
 * Conventions:
 * - Opening hours are "HH:mm" local wall times; "24:00" is the end of the day (the next local midnight).
 * - Each opening interval is its own booking unit: a booking lies inside ONE interval, so it never spans
 *   the lunch break or midnight, even when two intervals touch (["09:00","12:00"],["12:00","17:00"]).
 * - The slot grid of an interval starts at the interval's start and steps by slotMinutes.
 * - DST: a local time inside a spring-forward gap moves forward by the gap as luxon does (02:30 → 03:30 in
 *   Europe/Berlin), so an interval lying wholly in the gap disappears; an ambiguous fall-back time
 *   (02:30 on 2026-10-25 in Berlin) resolves as luxon resolves it (currently the later, standard-time instant).
 * - Where the clocks change at midnight, "00:00" is the instant the local day starts: 01:00 where 00:00 is
 *   skipped (America/Havana 2026-03-08), the first 00:00 where it comes twice (America/Havana 2026-11-01).
 */
import { IANAZone } from 'luxon';
import { wallTimeInstant, zoneOffsetMinutes } from '../../shared/time.ts';
import type { WeeklyHours } from '../../../db/schema/booking.ts';

export interface ScheduleRules {
  timeZone: string;
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  minBookingMinutes: number;
  maxBookingMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  setupBufferMinutes: number;
  cleanupBufferMinutes: number;
  observeHolidays: boolean;
}

/** Local dates (YYYY-MM-DD) that are public holidays, and weekend days that are working days (调休). */
export interface HolidayCalendar {
  off: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
}

/** Half-open [start, end) in UTC ms. */
export interface Interval {
  start: number;
  end: number;
}

/** A bookable start for the asked length, and the longest booking that could start there. */
export interface Slot extends Interval {
  /** Whole minutes on the slot grid, at least the asked length, at most the rules' maximum. */
  maxMinutes: number;
}

export interface Situation {
  rules: ScheduleRules;
  holidays: HolidayCalendar;
  /** Maintenance and downtime windows. */
  closures: readonly Interval[];
  /** Time held by active bookings, their buffers included, sorted by start. */
  busy: readonly Interval[];
  now: number;
}

export type BookabilityProblem =
  | 'end_before_start'
  | 'too_short'
  | 'too_long'
  | 'not_on_grid'
  | 'outside_hours'
  | 'too_soon'
  | 'too_far'
  | 'closed'
  | 'conflict';

type Weekday = '1' | '2' | '3' | '4' | '5' | '6' | '7';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const DAY_MINUTES = 24 * 60;

// ---------------------------------------------------------------------------------------------------------
// Local days

/** The weekday key whose hours apply on a local date, or null when the date is a public holiday. */
function hoursKey(
  rules: ScheduleRules,
  holidays: HolidayCalendar,
  localDate: string,
  weekday: Weekday,
): Weekday | null {
  if (rules.observeHolidays) {
    if (holidays.off.has(localDate)) return null; // a public holiday closes the instrument
    if (holidays.workdays.has(localDate)) return '1'; // 调休: a make-up working day works Monday hours
  }
  return weekday;
}

function isoWeekdayOf(localDate: string): Weekday {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!m) throw new RangeError(`not a local date YYYY-MM-DD: ${localDate}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return String(day === 0 ? 7 : day) as Weekday;
}

/** The opening intervals of a local date (YYYY-MM-DD), as local wall times; "24:00" means end of day. */
export function dayHours(rules: ScheduleRules, holidays: HolidayCalendar, localDate: string): [string, string][] {
  const key = hoursKey(rules, holidays, localDate, isoWeekdayOf(localDate));
  if (key === null) return [];
  return (rules.weeklyHours[key] ?? []).map(([a, b]) => [a, b]);
}

/** The digit at `i` of a text, NaN if it is not one. */
function digitAt(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** "HH:mm" (or "H:mm") → minutes after local midnight, 0 … 1440. Character by character: it runs per request. */
function clockMinutes(text: string): number {
  const n = text.length;
  const hours = n === 5 ? digitAt(text, 0) * 10 + digitAt(text, 1) : n === 4 ? digitAt(text, 0) : NaN;
  const minutes = digitAt(text, n - 2) * 10 + digitAt(text, n - 1);
  const total = hours * 60 + minutes;
  if (text.charCodeAt(n - 3) !== 58 /* : */ || !(minutes <= 59) || !(total <= DAY_MINUTES)) {
    throw new RangeError(`not a local time HH:mm: ${text}`);
  }
  return total;
}

/** Weekly hours parsed once per call: weekday → sorted [startMinute, endMinute] pairs, empty ones dropped. */
function parseWeek(week: WeeklyHours): Map<Weekday, [number, number][]> {
  const parsed = new Map<Weekday, [number, number][]>();
  for (const key in week) {
    const pairs: [number, number][] = [];
    for (const interval of week[key as Weekday] ?? []) {
      const a = clockMinutes(interval[0]);
      const b = clockMinutes(interval[1]);
      if (!(a < b)) continue;
      // In order of start as they come (a day has a few; Array.sort's set-up costs more than they do).
      const pair: [number, number] = [a, b];
      let i = pairs.length;
      pairs.push(pair);
      for (; i > 0 && pairs[i - 1]![0] > a; i--) pairs[i] = pairs[i - 1]!;
      pairs[i] = pair;
    }
    parsed.set(key as Weekday, pairs);
  }
  return parsed;
}

/** Texts of local dates by day number (days since 1970-01-01): a 60-day window looks up ~60 a request. */
const dateTexts = new Map<number, string>();

/** The local date YYYY-MM-DD of a day number, made once (the holiday calendar is keyed by these texts). */
function dateText(localDay: number): string {
  let text = dateTexts.get(localDay);
  if (text === undefined) {
    text = new Date(localDay * DAY).toISOString().slice(0, 10);
    if (dateTexts.size >= 20_000) dateTexts.clear();
    dateTexts.set(localDay, text);
  }
  return text;
}

/** Monday = '1' … Sunday = '7' of a day number (day 0, 1970-01-01, was a Thursday). */
function weekdayOf(localDay: number): Weekday {
  return String(((((localDay + 3) % 7) + 7) % 7) + 1) as Weekday;
}

function dateOf(localDay: number): { year: number; month: number; day: number } {
  const d = new Date(localDay * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instant of `minutes` after the start of a local day that begins at `midnight` and ends at
 * `nextMidnight`: plain arithmetic on a day without a clock change (`plainDay`), luxon on one with it.
 */
function instantInDay(
  minutes: number,
  localDay: number,
  midnight: number,
  nextMidnight: number,
  plainDay: boolean,
  zone: string,
): number {
  if (minutes === DAY_MINUTES) return nextMidnight; // "24:00"
  if (plainDay) return midnight + minutes * MINUTE;
  if (minutes === 0) return midnight; // the day's start, also where 00:00 is skipped or comes twice
  return wallTimeInstant(dateOf(localDay), minutes, zone, 'later');
}

/**
 * Every opening interval (NOT clipped: the grid is anchored at the interval's start) of every local date
 * touching [from, to), as UTC instants, sorted; strictly overlapping intervals are merged, touching ones kept.
 *
 * One offset look-up per day: a day whose midnight and next midnight have the same UTC offset holds no
 * transition, so its wall times are midnight + minutes — when it starts at a real local 00:00. Days with a
 * transition (both 2026 Berlin switches) and days that start later because the clocks jumped at midnight
 * (America/Havana 2026-03-08 starts at 01:00) resolve each wall time with luxon.
 *
 * Days are numbered (days since 1970-01-01 of the local date) and their texts kept: every availability
 * request walks ~60 of them, and making a date, a text and a closure for each was half of what the
 * slot engine allocated, young-generation garbage that the answer's tail latency paid for.
 */
function openings(rules: ScheduleRules, holidays: HolidayCalendar, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  if (!(from < to)) return out;
  const zone = IANAZone.create(rules.timeZone);
  if (!zone.isValid) throw new RangeError(`unknown time zone: ${rules.timeZone}`);
  const week = parseWeek(rules.weeklyHours);

  // The local date of `from`, and its midnight, from cached offsets; luxon only if midnight is odd.
  const fromOffset = zoneOffsetMinutes(from, rules.timeZone);
  let localDay = Math.floor((from + fromOffset * MINUTE) / DAY);
  const localMidnight = localDay * DAY;
  let midnight = localMidnight - fromOffset * MINUTE;
  let offset = fromOffset; // minutes east of UTC at this day's midnight
  if (zoneOffsetMinutes(midnight, rules.timeZone) !== fromOffset) {
    midnight = wallTimeInstant(dateOf(localDay), 0, rules.timeZone, 'earlier');
    offset = zone.offset(midnight);
  } else {
    // 00:00 comes twice where the clocks go back from 01:00 to 00:00 (America/Havana 2026-11-01): the day
    // starts at the first, under the offset in force just before the second.
    const before = zoneOffsetMinutes(midnight - 1, rules.timeZone);
    if (before !== offset && midnight - 1 + before * MINUTE >= localMidnight) {
      midnight = localMidnight - before * MINUTE;
      offset = before;
    }
  }

  while (midnight < to) {
    // Guess the next midnight with today's offset; if the zone agrees, today holds no transition.
    const guess = (localDay + 1) * DAY - offset * MINUTE;
    let nextMidnight: number;
    let nextOffset: number;
    let plainDay: boolean;
    if (zoneOffsetMinutes(guess, rules.timeZone) === offset) {
      nextMidnight = guess;
      nextOffset = offset;
      // No transition today, but wall times are midnight + minutes only if the day starts at a real local 00:00
      // (24 h before the next one): where DST begins at midnight (America/Havana 2026-03-08) the day starts at
      // 01:00, and 09:00 is 8 h in.
      plainDay = guess - midnight === DAY;
    } else {
      nextMidnight = wallTimeInstant(dateOf(localDay + 1), 0, rules.timeZone, 'earlier');
      nextOffset = zone.offset(nextMidnight);
      plainDay = false;
    }

    const key = hoursKey(rules, holidays, dateText(localDay), weekdayOf(localDay));
    const pairs = key === null ? undefined : week.get(key);
    if (pairs) {
      for (const pair of pairs) {
        const start = instantInDay(pair[0], localDay, midnight, nextMidnight, plainDay, rules.timeZone);
        const end = instantInDay(pair[1], localDay, midnight, nextMidnight, plainDay, rules.timeZone);
        if (start >= end) continue; // wholly inside a spring-forward gap
        const last = out[out.length - 1];
        if (last && start < last.end) last.end = Math.max(last.end, end);
        else out.push({ start, end });
      }
    }

    localDay++;
    midnight = nextMidnight;
    offset = nextOffset;
  }
  return out;
}

/** Opening hours as UTC instants, clipped to [from, to), sorted, for every local date touching the window. */
export function openIntervals(rules: ScheduleRules, holidays: HolidayCalendar, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  for (const o of openings(rules, holidays, from, to)) {
    const start = Math.max(o.start, from);
    const end = Math.min(o.end, to);
    if (start < end) out.push({ start, end });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Off-hours (非工作时间), for the rate card's off-hours surcharge

/** The working hours of a platform working day, local wall time: 08:00–18:00 (minutes after local midnight). */
export const WORKING_HOURS = { from: 8 * 60, to: 18 * 60 } as const;

/**
 * Whether a local date is a working day of the platform calendar: Monday to Friday unless it is an official
 * holiday (off day), and Saturday or Sunday when the calendar makes it a make-up working day (调休上班).
 * An off day that is also listed as a make-up day counts as off, as in dayHours.
 */
export function isWorkingDay(holidays: HolidayCalendar, localDate: string): boolean {
  if (holidays.off.has(localDate)) return false;
  if (holidays.workdays.has(localDate)) return true;
  return Number(isoWeekdayOf(localDate)) <= 5;
}

/**
 * The off-hours minutes of [start, end) in a zone: the parts that fall on a non-working day of the platform
 * calendar (whole local days), or on a working day before 08:00 or from 18:00 local time. The platform
 * calendar applies whatever the instrument's own observeHolidays says (that setting opens or closes the
 * instrument; off-hours is about when the time lies). Real elapsed time: a local day is 23 or 25 hours long
 * on a DST switch, and its 08:00 and 18:00 come from luxon on such days (cached offsets on all others).
 * Instants are UTC ms; the answer is whole minutes (rounded, as booked minutes are), 0 when end ≤ start.
 */
export function offHoursMinutes(start: number, end: number, timeZone: string, holidays: HolidayCalendar): number {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RangeError(`not instants: ${start}, ${end}`);
  if (!(start < end)) return 0;
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new RangeError(`unknown time zone: ${timeZone}`);

  // The local date of `start` and its midnight, as in openings(): cached offsets, luxon only if midnight is odd.
  const startOffset = zoneOffsetMinutes(start, timeZone);
  const local = new Date(start + startOffset * MINUTE);
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth() + 1;
  let day = local.getUTCDate();
  let midnight = Date.UTC(year, month - 1, day) - startOffset * MINUTE;
  let offset = startOffset;
  if (zoneOffsetMinutes(midnight, timeZone) !== startOffset) {
    midnight = wallTimeInstant({ year, month, day }, 0, timeZone, 'earlier');
    offset = zone.offset(midnight);
  }

  let offMs = 0;
  const add = (a: number, b: number) => {
    const from = Math.max(a, start);
    const to = Math.min(b, end);
    if (from < to) offMs += to - from;
  };
  while (midnight < end) {
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    const guess = next.getTime() - offset * MINUTE;
    let nextMidnight: number;
    let nextOffset: number;
    if (zoneOffsetMinutes(guess, timeZone) === offset) {
      nextMidnight = guess;
      nextOffset = offset;
    } else {
      const date = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
      nextMidnight = wallTimeInstant(date, 0, timeZone, 'earlier');
      nextOffset = zone.offset(nextMidnight);
    }
    // Wall times are midnight + minutes only on a day without a transition that starts at a real 00:00
    // (where DST begins at midnight, America/Havana, the day starts at 01:00).
    const plainDay = nextOffset === offset && (midnight + offset * MINUTE) % DAY === 0;

    if (!isWorkingDay(holidays, dateText(Date.UTC(year, month - 1, day) / DAY))) {
      add(midnight, nextMidnight); // the whole local day
    } else {
      const at = (minutes: number): number =>
        plainDay ? midnight + minutes * MINUTE : wallTimeInstant({ year, month, day }, minutes, timeZone, 'later');
      add(midnight, at(WORKING_HOURS.from));
      add(at(WORKING_HOURS.to), nextMidnight);
    }

    year = next.getUTCFullYear();
    month = next.getUTCMonth() + 1;
    day = next.getUTCDate();
    midnight = nextMidnight;
    offset = nextOffset;
  }
  return Math.round(offMs / MINUTE);
}

// ---------------------------------------------------------------------------------------------------------
// Bookability

/** The time a booking holds: [start − setup buffer, end + clean-up buffer). */
export function bookingBlock(rules: ScheduleRules, start: number, end: number): Interval {
  return { start: start - rules.setupBufferMinutes * MINUTE, end: end + rules.cleanupBufferMinutes * MINUTE };
}

function slotMs(rules: ScheduleRules): number {
  if (!Number.isSafeInteger(rules.slotMinutes) || rules.slotMinutes <= 0) {
    throw new RangeError(`slotMinutes must be a positive integer: ${rules.slotMinutes}`);
  }
  return rules.slotMinutes * MINUTE;
}

/** The checks that depend on the length alone, in checkBookable's order. */
function lengthProblem(rules: ScheduleRules, durationMs: number): BookabilityProblem | null {
  if (!(durationMs > 0)) return 'end_before_start';
  if (durationMs < rules.minBookingMinutes * MINUTE) return 'too_short';
  if (durationMs > rules.maxBookingMinutes * MINUTE) return 'too_long';
  if (durationMs % slotMs(rules) !== 0) return 'not_on_grid';
  return null;
}

const overlaps = (a: Interval, b: Interval) => a.start < a.end && a.start < b.end && b.start < a.end;

/** Why [start, end) cannot be booked, checking in a fixed order; null when it can. */
export function checkBookable(s: Situation, start: number, end: number): BookabilityProblem | null {
  const { rules } = s;
  const lengthIssue = lengthProblem(rules, end - start);
  if (lengthIssue) return lengthIssue;
  const opening = openings(rules, s.holidays, start, start + 1).find((o) => o.start <= start && start < o.end);
  if (opening && (start - opening.start) % slotMs(rules) !== 0) return 'not_on_grid';
  if (!opening || end > opening.end) return 'outside_hours';
  if (start < s.now + rules.minNoticeMinutes * MINUTE) return 'too_soon';
  if (start >= s.now + rules.horizonDays * DAY) return 'too_far';
  const block = bookingBlock(rules, start, end);
  if (s.closures.some((c) => overlaps(c, block))) return 'closed';
  if (s.busy.some((b) => overlaps(b, block))) return 'conflict';
  return null;
}

/** Non-empty intervals of both lists, sorted and merged (touching ones too): disjoint, ascending start and end. */
function union(...lists: (readonly Interval[])[]): Interval[] {
  const all: Interval[] = [];
  for (const list of lists) for (const i of list) if (i.start < i.end) all.push({ start: i.start, end: i.end });
  all.sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of all) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push(i);
  }
  return out;
}

/**
 * Free time and bookable slots in [from, to).
 * - free: opening hours ∩ [max(from, now + notice), min(to, now + horizon)) minus closures and busy time,
 *   merged (touching pieces join) and sorted. Free time is not a start: a piece shorter than the minimum
 *   length, or the end of a longer one, cannot begin a booking.
 * - slots: every grid start t in [from, to) with checkBookable(s, t, t + duration) === null, as [t, t + duration),
 *   with maxMinutes: the longest length checkBookable accepts from t (same opening interval, buffers clear of
 *   the next booking or closure, at most the maximum length), so a form offers only lengths that fit.
 */
export function availability(
  s: Situation,
  from: number,
  to: number,
  durationMinutes: number,
): { free: Interval[]; slots: Slot[] };
/**
 * The same with each slot made by `slotOf` from its start and maxMinutes: an answer's slots made directly,
 * without a Slot (an object and two boxed numbers) for each of a window's hundreds of starts first.
 */
export function availability<T>(
  s: Situation,
  from: number,
  to: number,
  durationMinutes: number,
  slotOf: (start: number, maxMinutes: number) => T,
): { free: Interval[]; slots: T[] };
export function availability<T>(
  s: Situation,
  from: number,
  to: number,
  durationMinutes: number,
  slotOf?: (start: number, maxMinutes: number) => T,
): { free: Interval[]; slots: (T | Slot)[] } {
  const { rules } = s;
  const step = slotMs(rules);
  const earliest = Math.max(from, s.now + rules.minNoticeMinutes * MINUTE);
  const latest = Math.min(to, s.now + rules.horizonDays * DAY); // exclusive
  const opens = openings(rules, s.holidays, from, to); // sorted and disjoint
  const blocked = union(s.closures, s.busy); // sorted and disjoint

  const free: Interval[] = [];
  const pushFree = (start: number, end: number) => {
    const last = free[free.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else free.push({ start, end });
  };
  let j = 0; // first blocked interval that may still overlap; starts only move forward
  for (const o of opens) {
    let a = Math.max(o.start, earliest);
    const b = Math.min(o.end, latest);
    if (a >= b) continue;
    while (j < blocked.length && blocked[j]!.end <= a) j++;
    for (let k = j; a < b; k++) {
      const bl = blocked[k];
      if (!bl || bl.start >= b) {
        pushFree(a, b);
        break;
      }
      if (bl.start > a) pushFree(a, bl.start);
      a = Math.max(a, bl.end);
    }
  }

  const slots: (T | Slot)[] = [];
  const duration = durationMinutes * MINUTE;
  if (lengthProblem(rules, duration) === null) {
    const setup = rules.setupBufferMinutes * MINUTE;
    const cleanup = rules.cleanupBufferMinutes * MINUTE;
    const longest = Math.floor((rules.maxBookingMinutes * MINUTE) / step) * step;
    let p = 0; // moving pointer over blocked: block starts grow with t
    for (const o of opens) {
      let t = o.start;
      if (t < earliest) t += Math.ceil((earliest - t) / step) * step; // first grid start not too soon
      for (; t + duration <= o.end && t < latest; t += step) {
        const blockStart = t - setup;
        const blockEnd = t + duration + cleanup;
        while (p < blocked.length && blocked[p]!.end <= blockStart) p++;
        if (p < blocked.length && blocked[p]!.start < blockEnd) continue;
        // The next blocked time (sorted, disjoint) starts after this block: the clean-up must end by then.
        const limit = Math.min(o.end, t + longest, p < blocked.length ? blocked[p]!.start - cleanup : Infinity);
        const maxMs = Math.floor((limit - t) / step) * step;
        const maxMinutes = maxMs / MINUTE;
        slots.push(slotOf ? slotOf(t, maxMinutes) : { start: t, end: t + duration, maxMinutes });
      }
    }
  }
  return { free, slots };
}

// ---------------------------------------------------------------------------------------------------------
// Messages

/** 90 → "90 minutes", 120 → "2 hours", 1440 → "24 hours". */
export function span(minutes: number): string {
  if (minutes > 0 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "24 hours' notice", "1 hour's notice". */
function possessive(text: string): string {
  return text.endsWith('s') ? `${text}'` : `${text}'s`;
}

/** A short English sentence for API errors. */
export function describeProblem(problem: BookabilityProblem, rules: ScheduleRules): string {
  switch (problem) {
    case 'end_before_start':
      return 'the end must be after the start';
    case 'too_short':
      return `bookings must be at least ${span(rules.minBookingMinutes)} long`;
    case 'too_long':
      return `bookings can be at most ${span(rules.maxBookingMinutes)} long`;
    case 'not_on_grid':
      return `start and length must follow the ${rules.slotMinutes}-minute grid`;
    case 'outside_hours':
      return 'the booking must lie within one opening period of the instrument';
    case 'too_soon':
      return rules.minNoticeMinutes > 0
        ? `bookings need ${possessive(span(rules.minNoticeMinutes))} notice`
        : 'bookings cannot start in the past';
    case 'too_far':
      return `bookings can be made at most ${plural(rules.horizonDays, 'day')} ahead`;
    case 'closed':
      return 'the instrument is closed for maintenance at that time';
    case 'conflict':
      return 'the time overlaps another booking (set-up and clean-up time included)';
  }
}
