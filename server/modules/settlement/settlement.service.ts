/**
 * Settlement (兑付): providers (or, in reimburse mode, enterprises) claim the voucher shares they
 * are owed, month by month; the responsible finance office reviews each line against the automatic
 * checks, and pays the approved lines with a bank or treasury reference.
 *
 * This class is the module's face (routes and other modules call it); the work is in the use cases:
 * - batches.ts   — the claimant: assemble a draft, a line's evidence, remove a line, submit, resubmit
 * - review.ts    — the finance office: approve / return / reject lines, pay (ledger transfers)
 * - stages.ts    — the review stages (pure): where a line stands, sampling draws, the notice's end
 * - notices.ts   — the public notice (公示): the public list, objections and answers, ending notices
 * - invoices.ts  — a line's invoice file (发票) with its number, amount and buyer
 * - views.ts     — reading: a batch with its checks and history, the lists, the voucher-use register
 * - dashboard.ts — the finance dashboard
 * - context.ts   — what they share: who may see and do what, the audit event
 */
import type { Database } from '../../../db/port.ts';
import type { BatchStatus } from '../../../db/schema/index.ts';
import type { BankAccount } from '../../../db/schema/settlement.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Lang } from '../../shared/lang.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { VouchersRepo } from '../vouchers/vouchers.repo.ts';
import { BatchClaims, type ClaimableMonth } from './batches.ts';
import type { DocumentStore } from '../documents/documents.ts';
import { LineInvoices } from './invoices.ts';
import { PublicNotices } from './notices.ts';
import type { Check } from './checks.ts';
import { batchOr404, inSnapshot, type SettlementContext } from './context.ts';
import { FinanceDashboard } from './dashboard.ts';
import type { VoucherRegisterRow } from './exports.ts';
import { BatchReview } from './review.ts';
import type { BatchView, DashboardView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';
import { BatchReads } from './views.ts';

export { eventReason } from './views.ts';

export class SettlementService {
  private readonly ctx: SettlementContext;
  private readonly reads: BatchReads;
  private readonly claims: BatchClaims;
  private readonly review: BatchReview;
  private readonly finance: FinanceDashboard;

  constructor(
    db: Database,
    repo: SettlementRepo,
    vouchers: VouchersRepo,
    catalog: CatalogRepo,
    ledger: Ledger,
    clock: Clock,
    /** Tells claimants of returned lines and paid batches (absent in seeds). */
    notifier?: Notifier,
    /** The security audit log (absent in seeds). */
    audit?: AuditLog,
    /** Where claim lines' invoice files are kept (absent in seeds). */
    documents?: DocumentStore,
  ) {
    this.ctx = { db, repo, vouchers, catalog, ledger, clock, notifier, audit };
    this.reads = new BatchReads(this.ctx);
    this.claims = new BatchClaims(this.ctx, this.reads);
    this.review = new BatchReview(this.ctx, this.reads);
    this.finance = new FinanceDashboard(this.ctx, this.reads);
    this.notices = new PublicNotices(this.ctx, this.reads);
    this.invoices = new LineInvoices(this.ctx, this.reads, documents);
  }

  /** The public notice (notices.ts): the public list, objections and their answers, ending notices. */
  readonly notices: PublicNotices;
  /** Claim lines' invoice files (invoices.ts). */
  readonly invoices: LineInvoices;

  /** Programmes and months with unclaimed, claimable voucher uses of the caller (batches.ts). */
  claimable(actor: Actor): Promise<ClaimableMonth[]> {
    return this.claims.claimable(actor);
  }

  // The claimant (batches.ts)

  create(actor: Actor, input: { programmeId: number; month: string }, lang: Lang = 'zh'): Promise<BatchView> {
    return this.claims.create(actor, input, lang);
  }

  updateLine(
    actor: Actor,
    batchId: number,
    lineId: number,
    input: { invoiceNo?: string; note?: string },
    lang: Lang = 'zh',
  ): Promise<BatchView> {
    return this.claims.updateLine(actor, batchId, lineId, input, lang);
  }

  removeLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): Promise<BatchView> {
    return this.claims.removeLine(actor, batchId, lineId, lang);
  }

  submit(actor: Actor, id: number, bankAccount: BankAccount, lang: Lang = 'zh'): Promise<BatchView> {
    return this.claims.submit(actor, id, bankAccount, lang);
  }

  resubmitLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): Promise<BatchView> {
    return this.claims.resubmitLine(actor, batchId, lineId, lang);
  }

  // The finance office (review.ts)

  decide(
    actor: Actor,
    batchId: number,
    lineId: number,
    action: 'approve' | 'return' | 'reject',
    input: { reason?: string; overrideReason?: string },
    lang: Lang = 'zh',
  ): Promise<BatchView> {
    return this.review.decide(actor, batchId, lineId, action, input, lang);
  }

  approveLines(actor: Actor, batchId: number, lineIds: number[], lang: Lang = 'zh'): Promise<BatchView> {
    return this.review.approveLines(actor, batchId, lineIds, lang);
  }

  pay(actor: Actor, id: number, reference: string, lang: Lang = 'zh'): Promise<BatchView> {
    return this.review.pay(actor, id, reference, lang);
  }

  // Reading (views.ts, dashboard.ts), each answer from one snapshot

  list(actor: Actor, filter: { status?: BatchStatus; programmeId?: number }): Promise<BatchView[]> {
    return inSnapshot(this.ctx, (repo) => this.reads.list(repo, actor, filter));
  }

  get(actor: Actor, id: number, lang: Lang = 'zh'): Promise<BatchView> {
    return inSnapshot(this.ctx, async (repo) =>
      this.reads.view(repo, await batchOr404(repo, actor, id), lang, true, actor),
    );
  }

  /** A batch as the API answers it; texts the server writes (check details, its own notes) in `lang`. */
  view(b: BatchRow, lang: Lang = 'zh', withLines = true): Promise<BatchView> {
    return inSnapshot(this.ctx, (repo) => this.reads.view(repo, b, lang, withLines));
  }

  checksOf(b: BatchRow, line: LineRow): Promise<Check[]> {
    return inSnapshot(this.ctx, (repo) => this.reads.checksOf(repo, b, line));
  }

  /** The voucher-use register: every use the caller may see, with its claim and payment state. */
  register(actor: Actor): Promise<VoucherRegisterRow[]> {
    return inSnapshot(this.ctx, (repo) => this.reads.register(repo, actor));
  }

  dashboard(actor: Actor): Promise<DashboardView> {
    return this.finance.dashboard(actor);
  }
}
