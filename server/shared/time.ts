import { DateTime, IANAZone } from 'luxon';
import { badRequest } from './errors.ts';

/** An ISO 8601 instant with an offset → UTC ms; 400 naming the field when it is not one. */
export function parseInstant(value: string, field: string): number {
  // The shape (date, time, explicit offset) is checked first; Date.parse is then exact and ~20× faster than luxon.
  const ms = ISO_WITH_OFFSET.test(value) && realDate(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw badRequest(`${field} is not a valid instant`, [{ path: field, message: 'not a valid instant' }]);
  return ms;
}

/** Date.parse rolls 2026-02-30 over into March; refuse dates that do not exist. */
function realDate(value: string): boolean {
  const [y, m, d] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10))];
  return m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset in minutes at an instant. Offsets change on the hour in every zone we
 * serve, so one lookup per zone and hour is remembered (luxon's lookup costs ~10 µs; a 60-day
 * availability answer formats a thousand instants).
 */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  let byHour = offsets.get(zone);
  if (!byHour) offsets.set(zone, (byHour = new Map()));
  const hour = Math.floor(ms / 3_600_000);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    offset = IANAZone.create(zone).offset(ms);
    if (byHour.size > 50_000) byHour.clear();
    byHour.set(hour, offset);
  }
  return offset;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** UTC ms → ISO 8601 with the offset of the given zone (2026-12-01T09:00:00+08:00). */
export function formatInstant(ms: number, zone: string): string {
  const offset = zoneOffsetMinutes(ms, zone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/**
 * The instant of a local wall time — `minutes` after the start of the local date — in a zone, the same
 * whatever today's date is (luxon resolves an ambiguous time by the offset in force today). A time in a
 * spring-forward gap moves forward by the gap, as luxon does; one that happens twice (the clocks went
 * back) is its earlier or later occurrence, as asked.
 */
export function wallTimeInstant(
  date: { year: number; month: number; day: number },
  minutes: number,
  zone: string,
  prefer: 'earlier' | 'later',
): number {
  const tz = IANAZone.create(zone);
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  // The offsets in force a day either side: a wall time is near at most one change of them.
  const before = tz.offset(wall - 86_400_000);
  const after = tz.offset(wall + 86_400_000);
  const valid = [...new Set([before, after])]
    .map((o) => wall - o * 60_000)
    .filter((t) => tz.offset(t) * 60_000 === wall - t);
  if (!valid.length) return wall - before * 60_000; // in the gap: as far forward as the clocks jumped
  return prefer === 'earlier' ? Math.min(...valid) : Math.max(...valid);
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
