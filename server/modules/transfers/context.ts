/**
 * What the bank-transfer use cases share: their dependencies, the platform's zone for local dates,
 * and the ledger accounts transfer money moves between.
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { BookingService } from '../booking/booking.service.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import type { NoticeRow } from './transfers.repo.ts';
import { TransfersRepo } from './transfers.repo.ts';

/** Due dates and receipt dates are local dates of the platform (Shandong). */
export const ZONE = 'Asia/Shanghai';

export interface TransfersDeps {
  db: Database;
  ledger: Ledger;
  clock: Clock;
  notifier?: Notifier;
  audit?: AuditLog;
  /** Proof files of receipts (bank slips). */
  documents?: DocumentStore;
  /** The overdue rule cancels bookings through the booking's own cancellation (voucher released there). */
  bookings?: BookingService;
}

export class TransfersContext {
  readonly repo: TransfersRepo;

  constructor(readonly deps: TransfersDeps) {
    this.repo = new TransfersRepo(deps.db);
  }

  get now(): number {
    return this.deps.clock.now();
  }

  /**
   * The enterprise's self-pay account (the card's too: the same code as checkout's) and the
   * provider's account of transfers received. Opened on first use, inside the caller's transaction.
   */
  async accounts(n: Pick<NoticeRow, 'enterpriseId' | 'providerId'>, now: number) {
    const { ledger } = this.deps;
    const cash = await ledger.account(
      {
        code: `enterprise:${n.enterpriseId}:cash`,
        kind: 'enterprise_cash',
        name: `用户单位 ${n.enterpriseId} · 自付资金 self-pay`,
        organisationId: n.enterpriseId,
      },
      now,
    );
    const received = await ledger.account(
      {
        code: `provider:${n.providerId}:received:transfer`,
        kind: 'provider_transfer_received',
        name: `服务单位 ${n.providerId} · 对公转账到账 bank transfers received`,
        organisationId: n.providerId,
      },
      now,
    );
    return { cash, received };
  }
}

/** Who may see a notice: its enterprise, its provider's lab, the platform's finance desk and admins. */
export function canSeeNotice(actor: Actor, n: Pick<NoticeRow, 'enterpriseId' | 'providerId'>): boolean {
  if (actor.role === 'platform_admin') return true;
  if (actor.role === 'finance_officer') return actor.organisationKind === 'platform';
  if (actor.role === 'lab_manager' && actor.organisationId === n.providerId) return true;
  return actor.organisationId === n.enterpriseId;
}

/** Who may record receipts: the provider's lab managers, the platform's finance desk, admins. */
export function canRecordReceipts(actor: Actor, n: Pick<NoticeRow, 'providerId'>): boolean {
  if (actor.role === 'platform_admin') return true;
  if (actor.role === 'finance_officer') return actor.organisationKind === 'platform';
  return actor.role === 'lab_manager' && actor.organisationId === n.providerId;
}

/** The notice, if the caller may see it; 404 otherwise (another's notice is not confirmed to exist). */
export async function visibleNotice(repo: TransfersRepo, actor: Actor, id: number): Promise<NoticeRow> {
  const n = await repo.notice(id);
  if (!n || !canSeeNotice(actor, n)) throw notFound('payment notice');
  return n;
}

/** The notice, if the caller may record money against it. */
export async function receivableNotice(repo: TransfersRepo, actor: Actor, id: number): Promise<NoticeRow> {
  const n = await visibleNotice(repo, actor, id);
  if (!canRecordReceipts(actor, n))
    throw new AppError('forbidden', 'only the lab that is paid (or the platform’s finance desk) records receipts');
  return n;
}
