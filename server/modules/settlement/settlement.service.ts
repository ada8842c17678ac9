/**
 * Settlement (兑付): providers (or, in reimburse mode, enterprises) claim the voucher shares they
 * are owed, month by month; the responsible finance office reviews each line against the automatic
 * checks, and pays the approved lines with a bank or treasury reference. Money moves as ledger
 * transfers: paying a line settles the claimant's receivable from the programme; rejecting one
 * gives the budget back and, where the programme says so, makes the share the enterprise's debt.
 */
import { DateTime } from 'luxon';
import type { BatchStatus, LineStatus, PriceLine } from '../../../db/schema/index.ts';
import type { BankAccount } from '../../../db/schema/settlement.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Lang } from '../../shared/lang.ts';
import { formatFen } from '../../shared/money.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import { bookedItem } from '../booking/pricing.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LINKS } from '../notifications/links.ts';
import type { Notifier, Recipient } from '../notifications/notifications.service.ts';
import { ratioPercent } from '../vouchers/rules.ts';
import type { VouchersRepo } from '../vouchers/vouchers.repo.ts';
import { describeCheck, lineChecks, type Check } from './checks.ts';
import type { VoucherRegisterRow } from './exports.ts';
import type { BatchView, DashboardView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';

const ZONE = 'Asia/Shanghai';
const DAY = 86_400_000;

export class SettlementService {
  constructor(
    private readonly repo: SettlementRepo,
    private readonly vouchers: VouchersRepo,
    private readonly catalog: CatalogRepo,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    /** Tells claimants of returned lines and paid batches (absent in seeds). */
    private readonly notifier?: Notifier,
  ) {}

  private today(): string {
    return DateTime.fromMillis(this.clock.now(), { zone: ZONE }).toISODate()!;
  }

  /** The claimant's people: the lab managers of a provider, the researchers of an enterprise. */
  private claimantUsers(b: BatchRow): Recipient[] {
    return [{ organisationId: b.claimantId, role: b.claimantKind === 'provider' ? 'lab_manager' : 'researcher' }];
  }

  // Who may see and do what

  /** A lab manager claims for its institution; a researcher for its enterprise (reimburse mode). */
  private claimantOf(actor: Actor): { id: number; kind: 'provider' | 'enterprise' } {
    if (actor.role === 'lab_manager') return { id: actor.organisationId, kind: 'provider' };
    if (actor.role === 'researcher') return { id: actor.organisationId, kind: 'enterprise' };
    throw forbidden('only lab managers (and enterprises, in reimburse programmes) make claims');
  }

  private canSee(actor: Actor, b: BatchRow): boolean {
    if (actor.role === 'platform_admin') return true;
    // A draft is the claimant's until it is submitted.
    if (actor.role === 'finance_officer')
      return (
        b.status !== 'draft' && (actor.organisationKind === 'platform' || b.reviewOfficeId === actor.organisationId)
      );
    return b.claimantId === actor.organisationId && (actor.role === 'lab_manager') === (b.claimantKind === 'provider');
  }

  private batchOr404(actor: Actor, id: number): BatchRow {
    const b = this.repo.batch(id);
    if (!b || !this.canSee(actor, b)) throw notFound('settlement batch');
    return b;
  }

  private ownBatch(actor: Actor, id: number): BatchRow {
    const b = this.batchOr404(actor, id);
    if (actor.role === 'finance_officer' || actor.role === 'platform_admin' || b.claimantId !== actor.organisationId)
      throw forbidden('only the claimant edits and submits its batch');
    return b;
  }

  private reviewedBatch(actor: Actor, id: number): BatchRow {
    const b = this.batchOr404(actor, id);
    if (actor.role !== 'finance_officer' || b.reviewOfficeId !== actor.organisationId)
      throw forbidden('only the responsible finance office reviews and pays this batch');
    return b;
  }

  // Batches

  create(actor: Actor, input: { programmeId: number; month: string }, lang: Lang = 'zh'): BatchView {
    const claimant = this.claimantOf(actor);
    const programme = this.vouchers.programme(input.programmeId);
    if (!programme) throw badRequest('unknown programme', [{ path: 'body.programmeId', message: 'unknown' }]);
    const mode = claimant.kind === 'provider' ? 'deduct' : 'reimburse';
    if (programme.settlementMode !== mode) {
      throw badRequest(
        claimant.kind === 'provider'
          ? 'in a reimburse programme the enterprises claim, not the provider'
          : 'in a deduct programme the provider claims, not the enterprise',
        [{ path: 'body.programmeId', message: programme.settlementMode }],
      );
    }
    const start = DateTime.fromISO(`${input.month}-01`, { zone: ZONE });
    if (!start.isValid) throw badRequest('not a month', [{ path: 'body.month', message: 'YYYY-MM' }]);
    const now = this.clock.now();
    if (start.toMillis() > now)
      throw badRequest('that month has not begun', [{ path: 'body.month', message: 'in the future' }]);
    if (this.today() > programme.claimBy)
      throw badRequest(`claims for this programme closed on ${programme.claimBy}`, [
        { path: 'body.programmeId', message: 'claim period over' },
      ]);
    const made = this.repo.transaction(() => {
      const uses = this.repo.claimable({
        programmeId: programme.id,
        ...(claimant.kind === 'provider' ? { providerId: claimant.id } : { enterpriseId: claimant.id }),
        from: start.toMillis(),
        to: start.plus({ months: 1 }).toMillis(),
      });
      if (!uses.length)
        throw badRequest(`no completed voucher uses to claim for ${input.month}`, [
          { path: 'body.month', message: 'nothing to claim' },
        ]);
      // One batch per reviewing office: the enterprise's city office, or the provincial one.
      const byOffice = new Map<number, typeof uses>();
      for (const u of uses) {
        const office =
          (programme.reviewLevel === 'city' ? this.repo.financeOffice(u.enterpriseCity) : undefined) ??
          this.repo.financeOffice(null);
        if (office === undefined) throw new AppError('conflict', 'no finance office is set up to review this claim');
        byOffice.set(office, [...(byOffice.get(office) ?? []), u]);
      }
      const batches: BatchRow[] = [];
      for (const [office, group] of byOffice) {
        const batch = this.repo.insertBatch({
          programmeId: programme.id,
          month: input.month,
          claimantId: claimant.id,
          claimantKind: claimant.kind,
          reviewOfficeId: office,
          status: 'draft',
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        });
        for (const u of group) {
          this.repo.insertLine({
            batchId: batch.id,
            voucherUseId: u.useId,
            bookingId: u.bookingId,
            voucherFen: u.postedFen,
            paymentRef: u.chargeId ?? (u.paymentMethod === 'invoice' ? `invoice:booking:${u.bookingId}` : null),
            serviceRecord: serviceRecord(u),
            status: 'pending',
            createdAt: now,
            updatedAt: now,
          });
        }
        this.event(batch.id, null, 'created', null, 'draft', actor, `${group.length} lines`, now);
        batches.push(batch);
      }
      return batches;
    });
    const [first, ...others] = made;
    return {
      ...this.view(first!, lang),
      siblings: others.map((b) => ({ id: b.id, reviewOffice: this.repo.organisationName(b.reviewOfficeId) })),
    };
  }

  list(actor: Actor, filter: { status?: BatchStatus; programmeId?: number }): BatchView[] {
    let rows: BatchRow[];
    if (actor.role === 'platform_admin' || (actor.role === 'finance_officer' && actor.organisationKind === 'platform'))
      rows = this.repo.batches(filter);
    else if (actor.role === 'finance_officer')
      rows = this.repo.batches({ ...filter, reviewOfficeId: actor.organisationId });
    else rows = this.repo.batches({ ...filter, ...this.scopeOfClaimant(actor) });
    return rows.filter((b) => this.canSee(actor, b)).map((b) => this.view(b, 'zh', false));
  }

  private scopeOfClaimant(actor: Actor) {
    const c = this.claimantOf(actor);
    return { claimantId: c.id, claimantKind: c.kind };
  }

  get(actor: Actor, id: number, lang: Lang = 'zh'): BatchView {
    return this.view(this.batchOr404(actor, id), lang);
  }

  /** The claimant fills in a line's evidence (draft batch, or a returned line). */
  updateLine(
    actor: Actor,
    batchId: number,
    lineId: number,
    input: { invoiceNo?: string; note?: string },
    lang: Lang = 'zh',
  ): BatchView {
    const b = this.ownBatch(actor, batchId);
    const line = this.lineOf(b, lineId);
    if (!(b.status === 'draft' || line.status === 'returned'))
      throw new AppError('conflict', 'only a draft batch or a returned line can be changed', {
        currentStatus: line.status,
      });
    const now = this.clock.now();
    this.repo.transaction(() => {
      if (input.invoiceNo) {
        const other = this.repo.lineByInvoice(input.invoiceNo);
        if (other && other.id !== line.id)
          throw badRequest('that invoice number is already claimed', [
            { path: 'body.invoiceNo', message: 'duplicate' },
          ]);
      }
      this.repo.updateLine(line.id, {
        ...(input.invoiceNo !== undefined && { invoiceNo: input.invoiceNo }),
        ...(input.note !== undefined && { note: input.note }),
        updatedAt: now,
      });
      this.event(b.id, line.id, 'evidence', line.status, line.status, actor, input.invoiceNo ?? null, now);
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  /** Takes a line out of its batch (draft, or returned): the order can be claimed again later. */
  removeLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): BatchView {
    const b = this.ownBatch(actor, batchId);
    const line = this.lineOf(b, lineId);
    if (!(b.status === 'draft' || line.status === 'returned'))
      throw new AppError('conflict', 'only lines of a draft batch or returned lines can be removed', {
        currentStatus: line.status,
      });
    const now = this.clock.now();
    this.repo.transaction(() => {
      this.repo.updateLine(line.id, { status: 'removed', updatedAt: now });
      this.event(b.id, line.id, 'remove', line.status, 'removed', actor, null, now);
      this.settleIfDecided(b, actor, now);
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  submit(actor: Actor, id: number, bankAccount: BankAccount, lang: Lang = 'zh'): BatchView {
    const b = this.ownBatch(actor, id);
    if (b.status !== 'draft')
      throw new AppError('conflict', `a ${b.status} batch cannot be submitted`, { currentStatus: b.status });
    const lines = this.repo.lines(b.id);
    if (!lines.length) throw badRequest('the batch has no lines', [{ path: 'params.id', message: 'empty' }]);
    const missing = lines.filter((l) => !l.invoiceNo);
    if (missing.length)
      throw badRequest(`every line needs its invoice number (${missing.length} missing)`, [
        { path: 'lines', message: `lines ${missing.map((l) => l.id).join(', ')} have no invoice number` },
      ]);
    const now = this.clock.now();
    this.repo.transaction(() => {
      const fresh = this.repo.batch(b.id)!;
      if (fresh.status !== 'draft')
        throw new AppError('conflict', `the batch is now ${fresh.status}`, { currentStatus: fresh.status });
      this.repo.updateBatch(b.id, { status: 'submitted', bankAccount, submittedAt: now, updatedAt: now });
      this.event(b.id, null, 'submit', 'draft', 'submitted', actor, null, now);
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  /** The claimant sends a corrected line back for review. */
  resubmitLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): BatchView {
    const b = this.ownBatch(actor, batchId);
    const line = this.lineOf(b, lineId);
    if (line.status !== 'returned')
      throw new AppError('conflict', `a ${line.status} line cannot be resubmitted`, { currentStatus: line.status });
    if (!line.invoiceNo)
      throw badRequest('the line needs its invoice number', [{ path: 'body.invoiceNo', message: 'required' }]);
    const now = this.clock.now();
    this.repo.transaction(() => {
      this.repo.updateLine(line.id, { status: 'pending', updatedAt: now });
      if (b.status === 'reviewed') this.repo.updateBatch(b.id, { status: 'submitted', updatedAt: now });
      this.event(b.id, line.id, 'resubmit', 'returned', 'pending', actor, null, now);
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  // Review

  decide(
    actor: Actor,
    batchId: number,
    lineId: number,
    action: 'approve' | 'return' | 'reject',
    input: { reason?: string; overrideReason?: string },
    lang: Lang = 'zh',
  ): BatchView {
    const b = this.reviewedBatch(actor, batchId);
    if (b.status !== 'submitted')
      throw new AppError('conflict', `lines of a ${b.status} batch cannot be reviewed`, { currentStatus: b.status });
    const line = this.lineOf(b, lineId);
    if (line.status !== 'pending')
      throw new AppError('conflict', `the line is already ${line.status}`, { currentStatus: line.status });
    const checks = this.checksOf(b, line);
    const failing = checks.filter((c) => !c.ok);
    if (action === 'approve' && failing.length && !input.overrideReason) {
      throw new AppError(
        'conflict',
        `checks failed (${failing.map((c) => c.name).join(', ')}): approving needs an override reason`,
        {
          failedChecks: failing.map((c) => c.name),
        },
      );
    }
    const to: LineStatus = action === 'approve' ? 'approved' : action === 'return' ? 'returned' : 'rejected';
    const now = this.clock.now();
    this.repo.transaction(() => {
      const fresh = this.repo.lines(b.id).find((l) => l.id === line.id)!;
      if (fresh.status !== 'pending')
        throw new AppError('conflict', `the line is already ${fresh.status}`, { currentStatus: fresh.status });
      this.repo.updateLine(line.id, {
        status: to,
        reason: input.reason ?? null,
        decidedBy: actor.userId,
        decidedAt: now,
        ...(action === 'approve' &&
          failing.length && { overrideBy: actor.userId, overrideReason: input.overrideReason! }),
        updatedAt: now,
      });
      if (action === 'reject') this.unclaim(b, line, now);
      if (action === 'return')
        this.notifier?.notify(
          {
            type: 'settlement_line_returned',
            to: this.claimantUsers(b),
            data: {
              batchId: b.id,
              lineId: line.id,
              bookingId: line.bookingId,
              programmeName: this.vouchers.programme(b.programmeId)?.name ?? '',
              month: b.month,
              voucherFen: line.voucherFen,
              reason: input.reason ?? null,
            },
            link: LINKS.claimantBatch(b.id, b.claimantKind),
            key: `settlement_line_returned:line:${line.id}:at:${now}`,
          },
          now,
        );
      this.event(
        b.id,
        line.id,
        action === 'approve' && failing.length ? 'approve_override' : action,
        'pending',
        to,
        actor,
        input.overrideReason && failing.length
          ? `${input.overrideReason}${input.reason ? ` · ${input.reason}` : ''}`
          : (input.reason ?? null),
        now,
      );
      this.settleIfDecided(b, actor, now);
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  /** A rejected line: the budget gets the share back; in deduct mode it may become the enterprise's debt. */
  private unclaim(b: BatchRow, line: LineRow, now: number): void {
    const programme = this.vouchers.programme(b.programmeId)!;
    const use = this.vouchers.use(line.bookingId)!;
    const receivable = this.receivableOf(b, use.enterpriseId);
    const budget = this.ledger.accountByCode(`programme:${programme.id}:budget`)!;
    this.ledger.create(
      {
        id: `claim-line:${line.id}:reject`,
        debit: receivable.id,
        credit: budget.id,
        amountFen: line.voucherFen,
        code: 'claim_rejected',
        bookingId: line.bookingId,
      },
      now,
    );
    if (b.claimantKind === 'provider' && programme.rejectOutcome === 'enterprise_debt') {
      const cash = this.ledger.account(
        {
          code: `enterprise:${use.enterpriseId}:cash`,
          kind: 'enterprise_cash',
          name: `用户单位 ${use.enterpriseId} · 自付资金 self-pay`,
          organisationId: use.enterpriseId,
        },
        now,
      );
      const owed = this.ledger.account(
        {
          code: `provider:${b.claimantId}:receivable:enterprise`,
          kind: 'provider_receivable_enterprise',
          name: `服务单位 ${b.claimantId} · 应收用户（发票）from invoices`,
          organisationId: b.claimantId,
        },
        now,
      );
      this.ledger.create(
        {
          id: `claim-line:${line.id}:debt`,
          debit: cash.id,
          credit: owed.id,
          amountFen: line.voucherFen,
          code: 'voucher_debt',
          bookingId: line.bookingId,
        },
        now,
      );
    }
  }

  private receivableOf(b: BatchRow, enterpriseId: number) {
    const code =
      b.claimantKind === 'provider'
        ? `provider:${b.claimantId}:receivable:programme:${b.programmeId}`
        : `enterprise:${enterpriseId}:receivable:programme:${b.programmeId}`;
    const account = this.ledger.accountByCode(code);
    if (!account) throw new AppError('conflict', `no receivable account ${code}`);
    return account;
  }

  /** When no line waits any more, the batch is reviewed (or back to submitted while some wait). */
  private settleIfDecided(b: BatchRow, actor: Actor, now: number): void {
    const fresh = this.repo.batch(b.id)!;
    if (fresh.status !== 'submitted') return;
    const lines = this.repo.lines(b.id);
    if (lines.some((l) => l.status === 'pending' || l.status === 'returned')) return;
    this.repo.updateBatch(b.id, { status: 'reviewed', updatedAt: now });
    this.event(b.id, null, 'reviewed', 'submitted', 'reviewed', actor, null, now);
  }

  pay(actor: Actor, id: number, reference: string, lang: Lang = 'zh'): BatchView {
    const b = this.reviewedBatch(actor, id);
    if (b.status !== 'reviewed')
      throw new AppError(
        'conflict',
        `a ${b.status} batch cannot be paid${b.status === 'submitted' ? ' before every line is decided' : ''}`,
        {
          currentStatus: b.status,
        },
      );
    const now = this.clock.now();
    this.repo.transaction(() => {
      const fresh = this.repo.batch(b.id)!;
      if (fresh.status !== 'reviewed')
        throw new AppError('conflict', `the batch is now ${fresh.status}`, { currentStatus: fresh.status });
      const approved = this.repo.lines(b.id).filter((l) => l.status === 'approved');
      if (!approved.length) throw new AppError('conflict', 'no line of this batch is approved: nothing to pay');
      const paidAccount = this.ledger.account(
        {
          code: `programme:${b.programmeId}:paid`,
          kind: 'programme_paid',
          name: `${this.vouchers.programme(b.programmeId)!.name} · 已兑付 paid out`,
          programmeId: b.programmeId,
        },
        now,
      );
      for (const line of approved) {
        const use = this.vouchers.use(line.bookingId)!;
        this.ledger.create(
          {
            id: `claim-line:${line.id}:pay`,
            debit: this.receivableOf(b, use.enterpriseId).id,
            credit: paidAccount.id,
            amountFen: line.voucherFen,
            code: 'claim_paid',
            bookingId: line.bookingId,
            processorRef: reference,
          },
          now,
        );
      }
      const paid = approved.reduce((s, l) => s + l.voucherFen, 0);
      this.repo.updateBatch(b.id, {
        status: 'paid',
        paidReference: reference,
        paidFen: paid,
        paidAt: now,
        updatedAt: now,
      });
      this.event(b.id, null, 'pay', 'reviewed', 'paid', actor, reference, now);
      this.notifier?.notify(
        {
          type: 'batch_paid',
          to: this.claimantUsers(b),
          data: {
            batchId: b.id,
            programmeName: this.vouchers.programme(b.programmeId)?.name ?? '',
            month: b.month,
            paidFen: paid,
            reference,
            lineCount: approved.length,
          },
          link: LINKS.claimantBatch(b.id, b.claimantKind),
          key: `batch_paid:batch:${b.id}`,
        },
        now,
      );
    });
    return this.view(this.repo.batch(b.id)!, lang);
  }

  /**
   * The finance dashboard: voucher money granted, reserved, used, claimed and paid, by month and by
   * the enterprise's city; open batches with their age; the latest reconciliation. A city office
   * sees its city (and no reconciliation: that is the province's); the provincial office and the
   * platform's desk see the province.
   */
  dashboard(actor: Actor): DashboardView {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('the finance dashboard is for finance staff');
    const city = scope.kind === 'city' ? scope.cityCode : null;
    const rows = this.repo.raw<{ what: string; month: string; cityCode: string | null; fen: number }>(
      `WITH facts AS (
         SELECT 'granted' AS what, t.created_at AS at, e.city_code AS city, t.amount_fen AS fen
           FROM voucher_quotas q JOIN ledger_transfers t ON t.id = 'quota:' || q.id || ':grant'
           JOIN organisations e ON e.id = q.enterprise_id
         UNION ALL
         SELECT 'reserved', u.created_at, e.city_code, u.reserved_fen FROM voucher_uses u
           JOIN organisations e ON e.id = u.enterprise_id WHERE u.status = 'reserved'
         UNION ALL
         SELECT 'used', u.updated_at, e.city_code, u.posted_fen FROM voucher_uses u
           JOIN organisations e ON e.id = u.enterprise_id WHERE u.status = 'posted'
         UNION ALL
         SELECT 'claimed', b.submitted_at, e.city_code, l.voucher_fen FROM settlement_lines l
           JOIN settlement_batches b ON b.id = l.batch_id JOIN voucher_uses u ON u.id = l.voucher_use_id
           JOIN organisations e ON e.id = u.enterprise_id WHERE l.status != 'removed' AND b.submitted_at IS NOT NULL
         UNION ALL
         SELECT 'paid', b.paid_at, e.city_code, l.voucher_fen FROM settlement_lines l
           JOIN settlement_batches b ON b.id = l.batch_id JOIN voucher_uses u ON u.id = l.voucher_use_id
           JOIN organisations e ON e.id = u.enterprise_id WHERE l.status = 'approved' AND b.status = 'paid'
       )
       SELECT what, strftime('%Y-%m', at / 1000, 'unixepoch', '+8 hours') AS month, city AS cityCode, SUM(fen) AS fen
       FROM facts WHERE @city IS NULL OR city = @city GROUP BY what, month, city`,
      { city },
    );
    const empty = () => ({ grantedFen: 0, reservedFen: 0, usedFen: 0, claimedFen: 0, paidFen: 0 });
    const byMonth = new Map<string, ReturnType<typeof empty>>();
    const byCity = new Map<string, ReturnType<typeof empty>>();
    for (const r of rows) {
      const key = `${r.what}Fen` as keyof ReturnType<typeof empty>;
      const m = byMonth.get(r.month) ?? empty();
      m[key] += r.fen;
      byMonth.set(r.month, m);
      const cityKey = r.cityCode ?? '';
      const c = byCity.get(cityKey) ?? empty();
      c[key] += r.fen;
      byCity.set(cityKey, c);
    }
    const cityNames = new Map(
      this.repo.raw<{ code: string; name: string }>(`SELECT code, name FROM cities`).map((c) => [c.code, c.name]),
    );
    const open = this.list(actor, {}).filter(
      (b) => b.status === 'submitted' || b.status === 'reviewed' || b.status === 'draft',
    );
    const latest = city === null ? this.repo.runs(1)[0] : undefined;
    return {
      scope: city ? { cityCode: city, cityName: cityNames.get(city) ?? city } : null,
      byMonth: [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, v]) => ({ month, ...v })),
      byCity: [...byCity.entries()]
        .map(([cityCode, v]) => ({ cityCode, cityName: cityNames.get(cityCode) ?? '—', ...v }))
        .sort((a, b) => b.grantedFen - a.grantedFen),
      openBatches: open.map((b) => ({
        id: b.id,
        claimant: b.claimant.name,
        reviewOffice: b.reviewOffice.name,
        month: b.month,
        status: b.status,
        totalFen: b.totalFen,
        ageDays: b.ageDays,
      })),
      latestRun: latest
        ? {
            id: latest.id,
            status: latest.status,
            finishedAt: latest.finishedAt === null ? null : new Date(latest.finishedAt).toISOString(),
            openFindings: this.repo.findings(latest.id).filter((f) => f.resolvedAt === null).length,
          }
        : null,
    };
  }

  /** The voucher-use register: every use the caller may see, with its claim and payment state. */
  register(actor: Actor): VoucherRegisterRow[] {
    const scope =
      actor.role === 'platform_admin' || (actor.role === 'finance_officer' && actor.organisationKind === 'platform')
        ? { kind: 'all' as const }
        : actor.role === 'finance_officer'
          ? { kind: 'office' as const, id: actor.organisationId }
          : actor.role === 'lab_manager'
            ? { kind: 'provider' as const, id: actor.organisationId }
            : { kind: 'enterprise' as const, id: actor.organisationId };
    const officeCity =
      scope.kind === 'office'
        ? (this.repo.db.$client.prepare('SELECT city_code FROM organisations WHERE id = ?').pluck().get(scope.id) as
            string | null)
        : null;
    const rows = this.repo.raw<
      VoucherRegisterRow & { startAt: number | null; postedAt: number; timeZone: string; paidInt: number }
    >(
      `SELECT u.id AS useId, u.booking_id AS bookingId, p.name AS programmeName, e.name AS enterpriseName,
              pr.name AS providerName, i.name_zh AS instrumentName, u.status, u.ratio_percent AS ratioPercent,
              u.eligible_fen AS eligibleFen, u.reserved_fen AS reservedFen, u.posted_fen AS postedFen,
              l.batch_id AS batchId, l.status AS lineStatus, (sb.status = 'paid' AND l.status = 'approved') AS paidInt,
              b.start_at AS startAt, u.updated_at AS postedAt, i.time_zone AS timeZone
       FROM voucher_uses u
       JOIN voucher_programmes p ON p.id = u.programme_id
       JOIN organisations e ON e.id = u.enterprise_id
       JOIN organisations pr ON pr.id = u.provider_id
       JOIN bookings b ON b.id = u.booking_id
       JOIN instruments i ON i.id = b.instrument_id
       LEFT JOIN settlement_lines l ON l.voucher_use_id = u.id AND l.status != 'removed'
       LEFT JOIN settlement_batches sb ON sb.id = l.batch_id
       WHERE @kind = 'all'
          OR (@kind = 'provider' AND u.provider_id = @id)
          OR (@kind = 'enterprise' AND u.enterprise_id = @id)
          OR (@kind = 'office' AND (sb.review_office_id = @id OR (p.review_level = 'city' AND e.city_code = @city)
                                    OR (p.review_level = 'province' AND @city IS NULL)))
       ORDER BY u.id`,
      { kind: scope.kind, id: 'id' in scope ? scope.id : null, city: officeCity },
    );
    return rows.map(({ startAt, postedAt, timeZone, paidInt, ...r }) => ({
      ...r,
      paid: Boolean(paidInt),
      serviceDate: DateTime.fromMillis(startAt ?? postedAt, { zone: timeZone }).toISODate()!,
    }));
  }

  private lineOf(b: BatchRow, lineId: number): LineRow {
    const line = this.repo.lines(b.id).find((l) => l.id === lineId);
    if (!line) throw notFound('line of this batch');
    return line;
  }

  private event(
    batchId: number,
    lineId: number | null,
    action: string,
    from: string | null,
    to: string | null,
    actor: Actor,
    reason: string | null,
    at: number,
  ): void {
    this.repo.insertEvent({
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

  // Checks and views

  checksOf(b: BatchRow, line: LineRow): Check[] {
    const c = this.repo.lineContext(line.bookingId);
    const use = this.vouchers.use(line.bookingId)!;
    const programme = this.vouchers.programme(b.programmeId)!;
    const finalLines = (c.finalLines ? JSON.parse(c.finalLines) : []) as PriceLine[];
    const card = this.catalog.rateCard(c.instrumentId);
    const unit = c.mode === 'machine_time' ? 'hour' : 'sample';
    // The item completion priced the booking by: the one it booked while still on the card, else the first of the unit.
    const item = card ? bookedItem(card, unit, c.rateItemId) : undefined;
    const published = item
      ? c.userType === 'enterprise'
        ? item.enterpriseFen
        : c.userType === 'academic'
          ? item.academicFen
          : item.internalFen
      : null;
    const selfPaid =
      c.paymentMethod === 'card'
        ? (c.capturedFen ?? 0) - (c.refundedFen ?? 0)
        : c.paymentMethod === 'invoice'
          ? (c.invoicedFen ?? 0)
          : 0;
    const serviceAt = c.startAt ?? c.updatedAt;
    return lineChecks({
      voucherFen: line.voucherFen,
      booking: {
        status: c.status,
        mode: c.mode,
        finalFen: c.finalFen,
        finalLines,
        bookedMinutes: c.startAt !== null && c.endAt !== null ? Math.round((c.endAt - c.startAt) / 60_000) : null,
        actualMinutes: c.actualMinutes,
        sampleCount: c.sampleCount,
        actualSamples: c.actualSamples,
        serviceDate: DateTime.fromMillis(serviceAt, { zone: c.timeZone }).toISODate()!,
        hasReport: Boolean(c.reportFile || c.reportUrl),
      },
      use: {
        postedFen: use.postedFen,
        reservedFen: use.reservedFen,
        ratioPercent: use.ratioPercent,
        settlementMode: use.settlementMode,
      },
      selfPaidFen: selfPaid,
      ruleRatioPercent: ratioPercent(programme.ratioRules, c.enterpriseCity, c.providerCity),
      publishedUnitFen: published,
      programme,
      providerProvince: c.providerProvince ?? '',
      justification: use.justification,
      related: this.vouchers.isRelated(c.enterpriseId, c.providerId),
      today: this.today(),
      invoiceNo: line.invoiceNo,
    });
  }

  /** A batch as the API answers it; texts the server writes (check details, its own notes) in `lang`. */
  view(b: BatchRow, lang: Lang = 'zh', withLines = true): BatchView {
    const lines = this.repo.lines(b.id);
    const sum = (pred: (l: LineRow) => boolean) => lines.filter(pred).reduce((s, l) => s + l.voucherFen, 0);
    const now = this.clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const names = new Map<number, string>();
    const nameOf = (id: number) => {
      if (!names.has(id)) names.set(id, this.repo.organisationName(id));
      return names.get(id)!;
    };
    return {
      id: b.id,
      status: b.status,
      programmeId: b.programmeId,
      programmeName: this.vouchers.programme(b.programmeId)?.name ?? '',
      month: b.month,
      claimant: { id: b.claimantId, name: nameOf(b.claimantId), kind: b.claimantKind },
      reviewOffice: { id: b.reviewOfficeId, name: nameOf(b.reviewOfficeId) },
      totalFen: sum(() => true),
      approvedFen: sum((l) => l.status === 'approved'),
      rejectedFen: sum((l) => l.status === 'rejected'),
      openFen: sum((l) => l.status === 'pending' || l.status === 'returned'),
      paidFen: b.paidFen,
      paidReference: b.paidReference,
      bankAccount: b.bankAccount,
      createdAt: new Date(b.createdAt).toISOString(),
      submittedAt: iso(b.submittedAt),
      paidAt: iso(b.paidAt),
      ageDays: Math.floor((now - (b.submittedAt ?? b.createdAt)) / DAY),
      lineCount: lines.length,
      lines: withLines ? lines.map((l) => this.lineView(b, l, lang)) : [],
      history: withLines
        ? this.repo.events(b.id).map((e) => ({
            lineId: e.lineId,
            action: e.action,
            from: e.fromStatus,
            to: e.toStatus,
            by: e.actorName,
            reason: eventReason(e.action, e.reason, lang),
            at: new Date(e.at).toISOString(),
          }))
        : [],
    };
  }

  private lineView(b: BatchRow, l: LineRow, lang: Lang): BatchView['lines'][number] {
    const c = this.repo.lineContext(l.bookingId);
    const checks = this.checksOf(b, l);
    const override = l.overrideBy !== null ? { by: this.userName(l.overrideBy), reason: l.overrideReason ?? '' } : null;
    const serviceAt = c.startAt ?? c.updatedAt;
    const use = this.vouchers.use(l.bookingId)!;
    return {
      id: l.id,
      bookingId: l.bookingId,
      voucherUseId: l.voucherUseId,
      enterprise: { id: c.enterpriseId, name: c.enterpriseName },
      instrumentName: c.instrumentName,
      serviceDate: DateTime.fromMillis(serviceAt, { zone: c.timeZone }).toISODate()!,
      totalFen: c.finalFen ?? 0,
      selfPayFen: (c.finalFen ?? 0) - (use.settlementMode === 'deduct' ? l.voucherFen : 0),
      voucherFen: l.voucherFen,
      invoiceNo: l.invoiceNo,
      paymentRef: l.paymentRef,
      serviceRecord: l.serviceRecord,
      reportUrl: c.reportFile ? `/api/v1/bookings/${l.bookingId}/report` : c.reportUrl,
      note: l.note,
      status: l.status,
      reason: l.reason,
      override,
      checks: checks.map((x) => ({ name: x.name, ok: x.ok, detail: describeCheck(x, lang) })),
      checksOk: checks.every((x) => x.ok),
    };
  }

  private userName(id: number): string {
    return (
      (this.repo.db.$client.prepare('SELECT display_name FROM users WHERE id = ?').pluck().get(id) as
        string | undefined) ?? ''
    );
  }
}

/**
 * An event's reason in the reader's language. The service notes a new draft's size itself ("6 lines",
 * as stored); everything else is people's words (reasons, invoice and payment references), as given.
 */
export function eventReason(action: string, reason: string | null, lang: Lang): string | null {
  const lines = action === 'created' && reason ? /^(\d+) lines?$/.exec(reason) : null;
  if (!lines) return reason;
  const count = Number(lines[1]);
  return lang === 'en' ? `${count} ${count === 1 ? 'line' : 'lines'}` : `共 ${count} 条明细`;
}

/** The national service record of a job, as a line's evidence. */
function serviceRecord(u: {
  mode: string;
  startAt: number | null;
  endAt: number | null;
  actualMinutes: number | null;
  actualSamples: number | null;
  finalFen: number;
  instrumentName: string;
}): string {
  const when =
    u.startAt !== null && u.endAt !== null
      ? `${DateTime.fromMillis(u.startAt, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm')}–${DateTime.fromMillis(u.endAt, { zone: ZONE }).toFormat('HH:mm')}`
      : '';
  const usage =
    u.mode === 'machine_time' ? `机时 ${u.actualMinutes ?? '–'} 分钟` : `委托测试 ${u.actualSamples ?? '–'} 个样品`;
  return [u.instrumentName, when, usage, `金额 ${formatFen(u.finalFen)}`].filter(Boolean).join('；');
}
