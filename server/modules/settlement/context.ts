/**
 * What settlement's use cases share: their collaborators, who may see and do what with a batch, and
 * the small steps every change of a batch makes (the audit event, the line looked up in its batch).
 *
 * The helpers take the repository they work on: the one of the use case's transaction or snapshot.
 */
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier, Recipient } from '../notifications/notifications.service.ts';
import type { VouchersRepo } from '../vouchers/vouchers.repo.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';
import { stagesOf } from './stages.ts';

export const ZONE = 'Asia/Shanghai';
export const DAY = 86_400_000;

export interface SettlementContext {
  db: Database;
  repo: SettlementRepo;
  vouchers: VouchersRepo;
  catalog: CatalogRepo;
  ledger: Ledger;
  clock: Clock;
  /** Tells claimants of returned lines and paid batches (absent in seeds). */
  notifier?: Notifier;
  /** The security audit log: submissions, decisions and payments of money (absent in seeds). */
  audit?: AuditLog;
}

/** `fn`'s reads in one snapshot, with the repository on it (a view must not mix two states of a batch). */
export function inSnapshot<T>(ctx: SettlementContext, fn: (repo: SettlementRepo) => Promise<T>): Promise<T> {
  return ctx.db.read((tx) => fn(ctx.repo.with(tx)));
}

export function today(ctx: SettlementContext): string {
  return DateTime.fromMillis(ctx.clock.now(), { zone: ZONE }).toISODate()!;
}

/** The claimant's people: the lab managers of a provider, the researchers of an enterprise. */
export function claimantUsers(b: BatchRow): Recipient[] {
  return [{ organisationId: b.claimantId, role: b.claimantKind === 'provider' ? 'lab_manager' : 'researcher' }];
}

// Who may see and do what

/** A lab manager claims for its institution; a researcher for its enterprise (reimburse mode). */
export function claimantOf(actor: Actor): { id: number; kind: 'provider' | 'enterprise' } {
  if (actor.role === 'lab_manager') return { id: actor.organisationId, kind: 'provider' };
  if (actor.role === 'researcher') return { id: actor.organisationId, kind: 'enterprise' };
  throw forbidden('only lab managers (and enterprises, in reimburse programmes) make claims');
}

/**
 * What of a batch the caller sees: `all` of it, only the lines its office reviews at the first stage
 * (`own_lines`: a city office in a batch that spans cities — never another city's lines), or nothing.
 * A draft is the claimant's until it is submitted. The paying office, the provincial office where the
 * programme has a provincial stage, the platform's finance desk and admins see the whole batch.
 */
export async function scopeOf(repo: SettlementRepo, actor: Actor, b: BatchRow): Promise<'all' | 'own_lines' | null> {
  if (actor.role === 'platform_admin') return 'all';
  if (actor.role === 'finance_officer') {
    if (b.status === 'draft') return null;
    if (actor.organisationKind === 'platform' || b.reviewOfficeId === actor.organisationId) return 'all';
    if (actor.organisationKind === 'finance_office' && actor.cityCode === null) {
      const programme = await repo.programmeStages(b.programmeId);
      if (programme && stagesOf(programme).some((s) => s.kind === 'province')) return 'all';
    }
    const lines = await repo.lines(b.id);
    return lines.some((l) => officeOfLine(l, b) === actor.organisationId) ? 'own_lines' : null;
  }
  return b.claimantId === actor.organisationId && (actor.role === 'lab_manager') === (b.claimantKind === 'provider')
    ? 'all'
    : null;
}

/** The office that reviews a line at the first stage (lines of batches made before lines carried it: the batch's). */
export function officeOfLine(l: LineRow, b: BatchRow): number {
  return l.reviewOfficeId ?? b.reviewOfficeId;
}

/** The lines of a batch the caller sees (see `scopeOf`). */
export function visibleLines(lines: LineRow[], b: BatchRow, actor: Actor, scope: 'all' | 'own_lines'): LineRow[] {
  return scope === 'all' ? lines : lines.filter((l) => officeOfLine(l, b) === actor.organisationId);
}

export async function batchOr404(repo: SettlementRepo, actor: Actor, id: number): Promise<BatchRow> {
  const b = await repo.batch(id);
  if (!b || !(await scopeOf(repo, actor, b))) throw notFound('settlement batch');
  return b;
}

export async function ownBatch(repo: SettlementRepo, actor: Actor, id: number): Promise<BatchRow> {
  const b = await batchOr404(repo, actor, id);
  if (actor.role === 'finance_officer' || actor.role === 'platform_admin' || b.claimantId !== actor.organisationId)
    throw forbidden('only the claimant edits and submits its batch');
  return b;
}

/** A batch the caller's finance office takes part in reviewing (which lines it may decide is the stage's to say). */
export async function reviewedBatch(repo: SettlementRepo, actor: Actor, id: number): Promise<BatchRow> {
  const b = await batchOr404(repo, actor, id);
  if (actor.role !== 'finance_officer' || actor.organisationKind !== 'finance_office')
    throw forbidden('only the responsible finance office reviews and pays this batch');
  return b;
}

/** The batch's paying office: only it records the payment (and answers objections to the batch). */
export async function paidBatch(repo: SettlementRepo, actor: Actor, id: number): Promise<BatchRow> {
  const b = await batchOr404(repo, actor, id);
  if (actor.role !== 'finance_officer' || b.reviewOfficeId !== actor.organisationId)
    throw forbidden('only the paying finance office pays this batch');
  return b;
}

// Steps of every change

export async function lineOf(repo: SettlementRepo, b: BatchRow, lineId: number): Promise<LineRow> {
  const line = (await repo.lines(b.id)).find((l) => l.id === lineId);
  if (!line) throw notFound('line of this batch');
  return line;
}

/**
 * Moves the batch on from the status the use case read in its transaction. On SQLite nothing can
 * move it in between (the write transaction holds the lock); the condition is what keeps two
 * submissions or payments apart where transactions run side by side (PostgreSQL).
 */
export async function moveBatch(
  repo: SettlementRepo,
  b: BatchRow,
  set: Partial<BatchRow> & { status: BatchRow['status'] },
): Promise<void> {
  if (await repo.moveBatch(b.id, b.status, set)) return;
  const now = (await repo.batch(b.id))!;
  throw new AppError('conflict', `the batch is now ${now.status}`, { currentStatus: now.status });
}

/** One entry of the batch's audit trail. */
export async function recordEvent(
  repo: SettlementRepo,
  batchId: number,
  lineId: number | null,
  action: string,
  from: string | null,
  to: string | null,
  actor: Actor,
  reason: string | null,
  at: number,
): Promise<void> {
  await repo.insertEvent({
    batchId,
    lineId,
    action,
    fromStatus: from,
    toStatus: to,
    actorId: actor.userId,
    reason,
    at,
  });
}
