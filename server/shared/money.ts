/** Money is integer fen everywhere; yuan only at display. Pure: the SPA uses these too. */
export type Fen = number;

/**
 * The most a rate card may ask per unit (and for its start-up fee or minimum charge): ¥1,000,000. Times
 * the largest quantity a booking can have (10,000 samples, a week of minutes) and a 300 % surcharge,
 * every amount stays an exact integer.
 */
export const MAX_UNIT_PRICE_FEN: Fen = 100_000_000;

export function assertFen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
  return value;
}

export function yuanToFen(yuan: number): Fen {
  return assertFen(Math.round(yuan * 100));
}

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** ¥1,234.50 — exact, from integer fen, without floating point. */
export function formatFen(fen: Fen, symbol = '¥'): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}${symbol}${groupThousands(String(yuan))}.${cents}`;
}

/** Large values in a compact form for Chinese readers: `¥128.50万`, `¥1.20亿`; below 10,000 yuan as formatFen. */
export function formatFenCompact(fen: number, lang: string): string {
  assertFen(fen);
  if (!lang.startsWith('zh') || Math.abs(fen) < 1_000_000) return formatFen(fen);
  // fen / 100 / 10_000 yuan, rounded half up to 2 decimals, with integers only.
  const unitFen = Math.abs(fen) >= 10_000_000_000 ? 10_000_000_000 : 1_000_000;
  const unit = unitFen === 1_000_000 ? '万' : '亿';
  const hundredths = Math.floor((Math.abs(fen) * 100 + unitFen / 2) / unitFen);
  const whole = Math.trunc(hundredths / 100);
  const frac = String(hundredths % 100).padStart(2, '0');
  return `${fen < 0 ? '-' : ''}¥${groupThousands(String(whole))}.${frac}${unit}`;
}

/** Yuan as a plain decimal string for form inputs: 45050 → "450.50". */
export function fenToYuanString(fen: number): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parse a yuan amount typed by a person (`450`, `450.5`, `1,234.50`) into fen; null when it is not one. */
export function parseYuanToFen(input: string | number | null | undefined): number | null {
  if (input === null || input === undefined) return null;
  const s = String(input)
    .trim()
    .replace(/[,，\s]/g, '')
    .replace(/^[¥￥]/, '');
  const m = /^(\d{1,11})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = Number(m[1]);
  const cents = Number((m[2] ?? '').padEnd(2, '0'));
  return whole * 100 + cents;
}
