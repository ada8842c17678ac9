import { describe, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../server/shared/time.ts';
import { AppError } from '../../server/shared/errors.ts';

describe('instants', () => {
  it('parses any offset to the same instant', () => {
    expect(parseInstant('2026-12-01T09:00:00+08:00', 'x')).toBe(Date.UTC(2026, 11, 1, 1));
    expect(parseInstant('2026-12-01T01:00:00Z', 'x')).toBe(Date.UTC(2026, 11, 1, 1));
    expect(parseInstant('2026-12-01T02:00:00.000+01:00', 'x')).toBe(Date.UTC(2026, 11, 1, 1));
  });

  it.each([
    '2026-02-30T10:00:00+08:00',
    '2026-13-01T10:00:00+08:00',
    '2026-12-01T10:00:00',
    '2026-12-01',
    'soon',
    '2026-12-01T10:00:00+25:00',
  ])('refuses %j with a 400 naming the field', (value) => {
    expect(() => parseInstant(value, 'body.start')).toThrow(AppError);
  });

  it('formats in the zone with its offset, across a DST change', () => {
    expect(formatInstant(Date.UTC(2026, 11, 1, 1), 'Asia/Shanghai')).toBe('2026-12-01T09:00:00+08:00');
    expect(formatInstant(Date.UTC(2026, 2, 29, 0, 30), 'Europe/Berlin')).toBe('2026-03-29T01:30:00+01:00');
    expect(formatInstant(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    expect(formatInstant(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+02:00');
    expect(formatInstant(Date.UTC(2026, 9, 25, 1, 30), 'Europe/Berlin')).toBe('2026-10-25T02:30:00+01:00');
    expect(formatInstant(Date.UTC(2026, 6, 1, 12), 'America/St_Johns')).toBe('2026-07-01T09:30:00-02:30');
  });
});
