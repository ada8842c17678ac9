/** Money is integer fen everywhere; yuan only at display. */
export type Fen = number;

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
