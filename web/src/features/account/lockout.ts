import type { TFunction } from 'i18next';
import type { ApiError } from '../../api/client';
import { formatMinute } from './format';

/**
 * What a 429 of signing in says: when the lock ends, in the reader's own time (`retryAt`), or — under
 * a minute — that another attempt at the account is still being checked.
 */
export function lockoutText(e: ApiError, t: TFunction): string {
  const seconds = Number(e.extra.retryAfterSeconds ?? 900);
  if (seconds < 60) return t('auth.busy');
  const at = typeof e.extra.retryAt === 'string' ? e.extra.retryAt : Date.now() + seconds * 1000;
  const time = formatMinute(at);
  return e.extra.reason === 'address'
    ? t('account.login.lockedNetwork', { time })
    : t('account.login.lockedAccount', { time });
}
