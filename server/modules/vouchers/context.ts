/**
 * What every voucher use case shares: the database its transactions run on, the SQL, the ledger,
 * the clock and the notifier; the local date; who of the finance staff sees which records.
 */
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { forbidden } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { VouchersRepo } from './vouchers.repo.ts';

const ZONE = 'Asia/Shanghai';

export interface VouchersContext {
  /** The use cases' transactions; the ledger's and the notifier's statements join them. */
  readonly db: Database;
  readonly repo: VouchersRepo;
  readonly ledger: Ledger;
  readonly clock: Clock;
  /** Tells the enterprise when a quota is nearly used up (absent in seeds). */
  readonly notifier?: Notifier;
  /** The security audit log: programmes, certification, related parties, quotas (absent in seeds). */
  readonly audit?: AuditLog;
}

/** The local date (YYYY-MM-DD) of the clock's now. */
export function today(clock: Clock): string {
  return DateTime.fromMillis(clock.now(), { zone: ZONE }).toISODate()!;
}

/**
 * Whose voucher records a finance reader sees (financeScope): a city's office its city's (the code
 * returned), the provincial office, the platform's finance desk and admins all (undefined).
 */
export function oversightCity(actor: Actor): string | undefined {
  const scope = financeScope(actor);
  if (!scope) throw forbidden('voucher records are for finance staff and admins');
  return scope.kind === 'city' ? scope.cityCode : undefined;
}
