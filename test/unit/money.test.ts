import { describe, expect, it } from 'vitest';
import { fenToYuanString, formatFen, formatFenCompact, parseYuanToFen, yuanToFen } from '../../server/shared/money.ts';

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

describe('formatFenCompact', () => {
  it.each([
    [999_999, 'zh-CN', '¥9,999.99'],
    [1_285_000_00, 'zh-CN', '¥128.50万'],
    [1_200_000_000_0, 'zh-CN', '¥1.20亿'],
    [1_285_000_00, 'en', '¥1,285,000.00'],
  ])('%i fen in %s → %s', (fen, lang, text) => {
    expect(formatFenCompact(fen, lang)).toBe(text);
  });
});

describe('typed yuan ↔ fen', () => {
  it.each([
    ['450', 45000],
    ['450.5', 45050],
    ['1,234.50', 123450],
    ['￥12.34', 1234],
    ['0.07', 7],
  ])('parses %j as %i fen', (input, fen) => {
    expect(parseYuanToFen(input)).toBe(fen);
  });

  it.each(['', 'abc', '1.234', '-5', '1e3', '12.3.4'])('refuses %j', (input) => {
    expect(parseYuanToFen(input)).toBeNull();
  });

  it('writes fen back as a plain yuan string', () => {
    expect(fenToYuanString(45050)).toBe('450.50');
    expect(fenToYuanString(7)).toBe('0.07');
  });
});
