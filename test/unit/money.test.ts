import { describe, expect, it } from 'vitest';
import { formatFen, yuanToFen } from '../../server/shared/money.ts';

describe('formatFen', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [123450, '¥1,234.50'],
    [100000000, '¥1,000,000.00'],
    [-9999, '-¥99.99'],
    [900719925474099, '¥9,007,199,254,740.99'],
  ])('%i fen → %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('refuses fractions of a fen', () => {
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });
});

describe('yuanToFen', () => {
  it('rounds to the nearest fen without float drift', () => {
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
    expect(yuanToFen(450)).toBe(45000);
  });
});
