import dayjs from 'dayjs';

/** An instant in the reader's own time, to the minute: 2026-12-01 10:15. */
export const formatMinute = (iso: string | number): string => dayjs(iso).format('YYYY-MM-DD HH:mm');
