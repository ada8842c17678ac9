import { DateTime } from 'luxon';
import { badRequest } from './errors.ts';

/** An ISO 8601 instant with an offset → UTC ms; 400 naming the field when it is not one. */
export function parseInstant(value: string, field: string): number {
  const dt = DateTime.fromISO(value, { setZone: true });
  if (!dt.isValid)
    throw badRequest(`${field} is not a valid instant`, [{ path: field, message: 'not a valid instant' }]);
  return dt.toMillis();
}

/** UTC ms → ISO 8601 with the offset of the given zone (2026-12-01T09:00:00+08:00). */
export function formatInstant(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
