/** Numbers of the sharing statistics as people read them: hours, percentages, 万元, months. */
import { isEnglish } from '../../i18n';
import { formatFen } from '../../ui/money';

const locale = (lang: string) => (isEnglish(lang) ? 'en-US' : 'zh-CN');

/** 1,234.5 (hours come with one decimal). */
export const formatHours = (hours: number, lang: string) =>
  hours.toLocaleString(locale(lang), { maximumFractionDigits: 1 });

export const formatCount = (n: number, lang: string) => n.toLocaleString(locale(lang));

/** A ratio 0–1 as a percentage: 12.3%; small non-zero values keep two decimals (0.02%). */
export function formatPercent(ratio: number, lang: string): string {
  const pct = ratio * 100;
  const digits = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
  return `${pct.toLocaleString(locale(lang), { maximumFractionDigits: digits })}%`;
}

/** Minutes as hours with one decimal. */
export const minutesToHours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/**
 * A headline amount: in Chinese as 万元 with two decimals (from integer fen, no floating point),
 * in English as yuan.
 */
export function moneyHeadline(fen: number, lang: string): { value: string; unit: string } {
  if (isEnglish(lang)) {
    const full = formatFen(fen);
    // Whole yuan read better on a headline card: ¥3,780 rather than ¥3,780.00.
    return { value: full.endsWith('.00') ? full.slice(0, -3) : full, unit: '' };
  }
  // 1 万元 = 1,000,000 fen: hundredths of 万元 are fen / 10,000, rounded half up.
  const hundredths = Math.floor((Math.abs(fen) + 5_000) / 10_000);
  const whole = Math.trunc(hundredths / 100).toLocaleString('zh-CN');
  const frac = String(hundredths % 100).padStart(2, '0');
  return { value: `${fen < 0 ? '-' : ''}${whole}.${frac}`, unit: '万元' };
}

/** "2026-10" → "10月" / "Oct". */
export function monthLabel(month: string, lang: string): string {
  const m = Number(month.slice(5, 7));
  if (isEnglish(lang))
    return new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${m}月`;
}

/** Text for the charts' HTML tooltips. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
