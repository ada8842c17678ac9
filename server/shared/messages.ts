/**
 * Error messages in the reader's language. The server writes its messages in English (the source
 * text, gettext-style); these put them into Chinese from the catalogue in messages.zh.ts. Pure, and
 * total: a message the catalogue does not know comes back as it was, in English.
 */
import type { Lang } from './lang.ts';
import {
  FIELD_CODES,
  ZH_DETAIL_PATTERNS,
  ZH_DETAILS,
  ZH_FIELD_PATTERNS,
  ZH_FIELDS,
  ZH_LOCATION,
  ZH_NOT_FOUND,
  type Pattern,
} from './messages.zh.ts';

const own = (table: Record<string, string>, key: string): string | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

function byPattern(text: string, patterns: readonly Pattern[]): string | undefined {
  for (const [re, to] of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const groups = m.slice(1).map((g) => g ?? '');
    return typeof to === 'string'
      ? to.replace(/\$(\d)/g, (_, i: string) => groups[Number(i) - 1] ?? '')
      : to(...groups);
  }
  return undefined;
}

/** Whether a field message is a code clients compare against (kept in every language). */
export const isFieldCode = (message: string): boolean => FIELD_CODES.has(message) || /^[a-z]+(_[a-z]+)+$/.test(message);

/**
 * The Chinese of a field error's message (`errors[].message`), or undefined. Codes have none; a
 * message that is a whole sentence may be one of the details.
 */
export function zhField(message: string): string | undefined {
  if (isFieldCode(message)) return undefined;
  return own(ZH_FIELDS, message) ?? byPattern(message, ZH_FIELD_PATTERNS) ?? zhDetail(message);
}

/** `invalid body: body.a: msg; body.b: msg` (route.ts, from zod): rebuilt from its parts. */
function zhInvalidInput(message: string): string | undefined {
  const m = /^invalid (params|query|body): (.*)$/s.exec(message);
  if (!m) return undefined;
  const parts = m[2]!.split('; ').map((part) => {
    const at = part.indexOf(': ');
    if (at < 0) return zhField(part) ?? part;
    const field = part.slice(0, at);
    const text = part.slice(at + 2);
    return `${field}：${zhField(text) ?? text}`;
  });
  return `${ZH_LOCATION[m[1]!]}有误：${parts.join('；')}`;
}

/** The Chinese of a problem's `detail` (an AppError's message), or undefined. */
export function zhDetail(message: string): string | undefined {
  const exact = own(ZH_DETAILS, message);
  if (exact !== undefined) return exact;
  const missing = /^(.+) not found$/s.exec(message);
  if (missing) {
    const what = own(ZH_NOT_FOUND, missing[1]!);
    if (what !== undefined) return `${what}不存在`;
  }
  const invalid = zhInvalidInput(message);
  if (invalid !== undefined) return invalid;
  const parts = byPattern(message, ZH_DETAIL_PATTERNS);
  if (parts !== undefined) return parts;
  // Several reasons joined by "; " (e.g. why no voucher can pay): each on its own.
  const voucher = /^no voucher can pay for this: (.+)$/s.exec(message);
  if (voucher)
    return `本订单无法使用创新券支付：${voucher[1]!
      .split('; ')
      .map((r) => zhDetail(r) ?? r)
      .join('；')}`;
  return undefined;
}

/** A problem's `detail` in the reader's language (English as written when there is no Chinese). */
export function translateDetail(message: string, lang: Lang): string {
  if (lang === 'en' || typeof message !== 'string') return message;
  try {
    return zhDetail(message) ?? message;
  } catch {
    return message;
  }
}

/** A field error's message in the reader's language; codes stay as they are. */
export function translateField(message: string, lang: Lang): string {
  if (lang === 'en' || typeof message !== 'string') return message;
  try {
    return zhField(message) ?? message;
  } catch {
    return message;
  }
}
