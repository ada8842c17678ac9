import { formatPlatformMinute } from '../../ui/time';

/** An instant in the platform's zone (Asia/Shanghai), to the minute: 2026-12-01 10:15. */
export const formatMinute = (iso: string | number): string => formatPlatformMinute(iso);
