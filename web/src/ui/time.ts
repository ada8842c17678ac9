/**
 * Instants in the instrument's zone. The API answers ISO strings with the instrument zone's offset;
 * calendar arithmetic works on local dates (YYYY-MM-DD) and wall times, turned into instants with the zone.
 */
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { isEnglish } from '../i18n';

dayjs.extend(utc);
dayjs.extend(timezone);

export { dayjs };

export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
  } catch {
    return 'Asia/Shanghai';
  }
}

/** `iso` seen in `zone`. */
export const inZone = (iso: string | number, zone: string): Dayjs => dayjs(iso).tz(zone);

/** The instant of a local date and wall time (`2026-12-01`, `09:30`) in `zone`. */
export const zonedInstant = (date: string, hhmm: string, zone: string): Dayjs =>
  dayjs
    .tz(`${date} ${hhmm === '24:00' ? '23:59' : hhmm}`, 'YYYY-MM-DD HH:mm', zone)
    .add(hhmm === '24:00' ? 1 : 0, 'minute');

/** ISO 8601 with the zone's offset, as the API takes it. */
export const toIso = (d: Dayjs): string => d.format('YYYY-MM-DDTHH:mm:ssZ');

/** Today's local date in `zone`. */
export const todayIn = (zone: string): string => dayjs().tz(zone).format('YYYY-MM-DD');

/** The Monday (local date) of the week holding `date`. */
export function mondayOf(date: string): string {
  const d = dayjs(date);
  return d.subtract((d.day() + 6) % 7, 'day').format('YYYY-MM-DD');
}

export const addDays = (date: string, n: number): string => dayjs(date).add(n, 'day').format('YYYY-MM-DD');

/** Minutes since local midnight of "HH:mm". */
export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
export const hhmmOf = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** "UTC+08:00" for a zone at a moment. */
export const offsetLabel = (zone: string, at: string | number = Date.now()): string =>
  `UTC${dayjs(at).tz(zone).format('Z')}`;

/** The zone's name when the viewer is elsewhere (or always, with `always`): "Asia/Shanghai (UTC+08:00)". */
export function zoneNote(zone: string, always = false): string | null {
  if (!always && zone === viewerZone()) return null;
  return `${zone} (${offsetLabel(zone)})`;
}

export function formatDate(iso: string, zone: string, lang: string): string {
  const d = inZone(iso, zone);
  return isEnglish(lang) ? d.locale('en').format('ddd D MMM YYYY') : d.locale('zh-cn').format('YYYY年M月D日 ddd');
}

export function formatDateTime(iso: string, zone: string, lang: string): string {
  return `${formatDate(iso, zone, lang)} ${inZone(iso, zone).format('HH:mm')}`;
}

/** "2026年12月1日 周二 09:00–11:00" (or across days "… 09:00 – 12月2日 … 10:00"). */
export function formatRange(start: string, end: string, zone: string, lang: string): string {
  const s = inZone(start, zone);
  const e = inZone(end, zone);
  if (s.format('YYYY-MM-DD') === e.format('YYYY-MM-DD') || (e.format('HH:mm') === '00:00' && e.diff(s, 'hour') < 24)) {
    return `${formatDate(start, zone, lang)} ${s.format('HH:mm')}–${e.format('HH:mm') === '00:00' ? '24:00' : e.format('HH:mm')}`;
  }
  return `${formatDateTime(start, zone, lang)} – ${formatDateTime(end, zone, lang)}`;
}

/** "2 小时 30 分" / "2 h 30 min". */
export function formatDuration(minutes: number, lang: string): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (isEnglish(lang)) return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || '0 min';
  return [h ? `${h} 小时` : '', m ? `${m} 分钟` : ''].filter(Boolean).join(' ') || '0 分钟';
}

/** The platform's own zone: records that are not an instrument's (registrations, reviews, sign-ins) show in it. */
export const PLATFORM_ZONE = 'Asia/Shanghai';

/** An instant in the platform's zone, to the minute: 2026-12-01 10:15 (the same on every page, wherever the reader is). */
export const formatPlatformMinute = (iso: string | number): string =>
  inZone(iso, PLATFORM_ZONE).format('YYYY-MM-DD HH:mm');
