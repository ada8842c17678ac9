/**
 * Reconciliation runs: for a period, the ledger, the platform's bookings and voucher uses, and the
 * processor's charges and refunds (listed through its API, page by page) are compared; what does not
 * agree is stored as findings with amounts, which finance resolves with a note.
 *
 * A finding is stored with its facts and its detail in Chinese; a run is read in the caller's
 * language (reconcile.ts says the facts), its exports in Chinese.
 */
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Lang } from '../../shared/lang.ts';
import { parseInstant } from '../../shared/time.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { isProvinceFinance, type Actor } from '../auth/actor.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LINKS } from '../notifications/links.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { Charge, PaymentProvider } from '../payments/provider.ts';
import type { PaymentsRepo } from '../payments/payments.repo.ts';
import { TransfersRepo } from '../transfers/transfers.repo.ts';
import {
  batchFinding,
  comparePayments,
  ledgerFinding,
  quotaFinding,
  transferFindings,
  transferWithoutCharge,
  voucherUseFinding,
  type Finding,
  type LocalPayment,
} from './reconcile.ts';
import { describeFinding, findingDetail } from './finding-sentences.ts';
import type { RunView } from './settlement.schemas.ts';
import type { ReconciliationRepo, RunRow } from './reconciliation.repo.ts';

const ZONE = 'Asia/Shanghai';
const SLACK = 10 * 60_000;

/** What the service itself says to a caller who cannot do something, in Chinese and English. */

export class ReconciliationService {
  constructor(
    private readonly db: Database,
    private readonly repo: ReconciliationRepo,
    private readonly payments: PaymentsRepo,
    private readonly ledger: Ledger,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
    /** Tells the province's finance staff of findings (absent in benches). */
    private readonly notifier?: Notifier,
    /** The security audit log: runs and resolved findings (absent in benches). */
    private readonly audit?: AuditLog,
  ) {}

  /**
   * A run compares the processor's charges and the ledger of the whole province, and its findings name
   * charges, bookings and batches of every city: runs are read, started and resolved by the provincial
   * office, the platform's finance desk and admins, not by a city's office.
   */
  private checkFinance(actor: Actor): void {
    if (!isProvinceFinance(actor))
      throw forbidden('reconciliation is for the provincial office and the platform’s finance desk');
  }

  async start(actor: Actor, input: { from: string; to: string }, lang: Lang = 'zh'): Promise<RunView> {
    this.checkFinance(actor);
    const from = parseInstant(input.from, 'body.from');
    const to = parseInstant(input.to, 'body.to');
    if (to <= from) throw badRequest('to must be after from', [{ path: 'body.to', message: 'not after from' }]);
    if (to - from > 400 * 86_400_000)
      throw badRequest('a run covers 400 days at most', [{ path: 'body.to', message: 'too long' }]);
    const run = await this.run(from, to, 'manual', actor.userId);
    return this.view(run, lang);
  }

  /**
   * Runs yesterday's reconciliation once a day after `at` (local HH:mm); called by the server's timer.
   * A run lasts as long as the processor's listing takes, and the timer does not wait for it: the
   * check for today's run and the claim of it (its row, 'running') are one transaction, so a second
   * call while the first is still listing finds the claim and does nothing.
   */
  async daily(at: string): Promise<RunRow | null> {
    const now = DateTime.fromMillis(this.clock.now(), { zone: ZONE });
    const [h, m] = at.split(':').map(Number) as [number, number];
    if (now < now.set({ hour: h, minute: m, second: 0, millisecond: 0 })) return null;
    const dayStart = now.startOf('day');
    const from = dayStart.minus({ days: 1 }).toMillis();
    const to = dayStart.toMillis();
    const run = await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const last = await repo.lastScheduledRun();
      if (last && last.toAt >= to) return null;
      return repo.insertRun(this.newRun(from, to, 'schedule', null));
    });
    return run && this.complete(run);
  }

  /** One run: compares, stores the findings, and says clean or not. */
  async run(from: number, to: number, trigger: 'manual' | 'schedule', userId: number | null): Promise<RunRow> {
    return this.complete(await this.repo.insertRun(this.newRun(from, to, trigger, userId)));
  }

  private newRun(from: number, to: number, trigger: 'manual' | 'schedule', userId: number | null) {
    return {
      fromAt: from,
      toAt: to,
      status: 'running' as const,
      trigger,
      createdBy: userId,
      startedAt: this.clock.now(),
    };
  }

  /**
   * Compares a started run's period and stores what it found. The processor is listed outside any
   * transaction (it is the network); the platform's side is read in one snapshot after it, and the
   * findings and the run's outcome are written in one transaction.
   */
  private async complete(run: RunRow): Promise<RunRow> {
    const from = run.fromAt;
    const to = run.toAt;
    const userId = run.createdBy;
    try {
      const installation = await this.payments.installationId(this.clock.now());
      const local = await this.localPayments(from, to);
      const wanted = new Set(local.map((p) => String(p.id)));
      const charges = (await this.processorCharges(from)).filter(
        (c) =>
          c.metadata.installation === installation &&
          (wanted.has(c.metadata.payment_id ?? '') || (c.createdAt >= from - SLACK && c.createdAt < to + SLACK)),
      );
      const known = new Set(charges.map((c) => c.id));
      const platform = await this.db.read(async (tx) => {
        const repo = this.repo.with(tx);
        return [
          ...(await this.ledgerWithoutCharges(repo, from, to, known)),
          ...(await this.voucherRules(repo, from, to)),
          ...(await this.quotaIdentity(repo)),
          ...(await this.batchTotals(repo)),
          ...(await this.ledgerBalance()),
          // Bank transfers: receipts and returns against their ledger transfers and their notices.
          ...transferFindings(await new TransfersRepo(tx).receiptLedger(), await new TransfersRepo(tx).noticeTotals()),
        ];
      });
      const findings: Finding[] = [...comparePayments(local, charges), ...platform];
      const summary = {
        payments: local.length,
        processorCharges: charges.length,
        capturedFen: local.reduce((s, p) => s + p.capturedFen, 0),
        processorCapturedFen: charges.reduce((s, c) => s + (c.captured ? c.capturedFen : 0), 0),
        findings: findings.length,
      };
      await this.db.write(async (tx) => {
        const repo = this.repo.with(tx);
        // The facts are kept, so the run can be read in either language later; the detail in Chinese.
        await repo.insertFindings(findings.map((f) => ({ ...f, detail: describeFinding(f, 'zh'), runId: run.id })));
        await repo.updateRun(run.id, {
          status: findings.length ? 'findings' : 'clean',
          summary,
          finishedAt: this.clock.now(),
        });
        await this.audit?.record(
          {
            action: 'reconciliation.run',
            subject: { type: 'reconciliation_run', id: run.id },
            details: {
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
              trigger: run.trigger,
              ...summary,
            },
          },
          tx,
        );
        if (findings.length) {
          const day = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;
          await this.notifier?.notify(
            {
              type: 'reconciliation_findings',
              to: ['provincial_finance'],
              data: {
                runId: run.id,
                from: day(from),
                to: day(Math.max(from, to - 1)),
                findings: findings.length,
                amountFen: findings.reduce((s, f) => s + f.amountFen, 0),
              },
              link: LINKS.run(run.id),
              key: `reconciliation_findings:run:${run.id}`,
              except: userId,
            },
            this.clock.now(),
          );
        }
      });
    } catch (err) {
      await this.repo.updateRun(run.id, {
        status: 'failed',
        error: err instanceof Error ? err.message : String(err),
        finishedAt: this.clock.now(),
      });
      await this.audit?.record({
        action: 'reconciliation.run',
        outcome: 'failure',
        subject: { type: 'reconciliation_run', id: run.id },
        details: { from: new Date(from).toISOString(), to: new Date(to).toISOString(), trigger: run.trigger },
      });
    }
    return (await this.repo.run(run.id))!;
  }

  /** Every charge the processor lists from shortly before the period on (all pages). */
  private async processorCharges(from: number): Promise<Charge[]> {
    const all: Charge[] = [];
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.provider.listCharges({ limit: 100, startingAfter, createdFrom: from - SLACK });
      all.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (!page.hasMore || !last) return all;
      startingAfter = last.id;
    }
  }

  private async localPayments(from: number, to: number): Promise<LocalPayment[]> {
    return this.repo.paymentsWithLedger(from, to);
  }

  /** Card money in the ledger whose charge the processor does not have. */
  private async ledgerWithoutCharges(
    repo: ReconciliationRepo,
    from: number,
    to: number,
    known: Set<string>,
  ): Promise<Finding[]> {
    const rows = await repo.cardTransfersWithoutPayment(from, to);
    return rows.filter((r) => !known.has(r.processorRef)).map(transferWithoutCharge);
  }

  /** Voucher uses whose amounts break the rules, or whose ledger holds and posts disagree. */
  private async voucherRules(repo: ReconciliationRepo, from: number, to: number): Promise<Finding[]> {
    return (await repo.useAmounts(from, to)).map(voucherUseFinding).filter((f) => f !== null);
  }

  /** For every quota: granted − consumed − given back (revoked, expired) = still available + held. */
  private async quotaIdentity(repo: ReconciliationRepo): Promise<Finding[]> {
    return (await repo.quotaBalances()).map(quotaFinding).filter((f) => f !== null);
  }

  /** Batches whose lines, payment and ledger disagree. */
  private async batchTotals(repo: ReconciliationRepo): Promise<Finding[]> {
    return (await repo.batchTotals()).map(batchFinding).filter((f) => f !== null);
  }

  private async ledgerBalance(): Promise<Finding[]> {
    const finding = ledgerFinding(await this.ledger.check());
    return finding ? [finding] : [];
  }

  // Reading and resolving

  /** A run with its findings, their details in `lang` (the exports ask for 'zh'). */
  async get(actor: Actor, id: number, lang: Lang = 'zh'): Promise<RunView> {
    this.checkFinance(actor);
    return this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      const run = await repo.run(id);
      if (!run) throw notFound('reconciliation run');
      return this.viewOn(repo, run, lang);
    });
  }

  async list(actor: Actor, lang: Lang = 'zh'): Promise<RunView[]> {
    this.checkFinance(actor);
    return this.db.read(async (tx) => {
      const repo = this.repo.with(tx);
      const views: RunView[] = [];
      for (const r of await repo.runs(50)) views.push(await this.viewOn(repo, r, lang, false));
      return views;
    });
  }

  async resolve(actor: Actor, runId: number, findingId: number, note: string, lang: Lang = 'zh'): Promise<RunView> {
    this.checkFinance(actor);
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const finding = await repo.finding(findingId);
      if (!finding || finding.runId !== runId) throw notFound('finding');
      if (finding.resolvedAt !== null) throw new AppError('conflict', 'the finding is already resolved');
      // Only while it is open: two officers resolving at once leave the first one's note.
      const resolved = await repo.resolveFinding(findingId, {
        resolvedBy: actor.userId,
        resolvedAt: this.clock.now(),
        resolutionNote: note,
      });
      if (!resolved) throw new AppError('conflict', 'the finding is already resolved');
      await this.audit?.record(
        {
          action: 'reconciliation.resolve',
          actor,
          subject: { type: 'reconciliation_run', id: runId },
          details: { findingId, kind: finding.kind, amountFen: finding.amountFen, note },
        },
        tx,
      );
    });
    return this.get(actor, runId, lang);
  }

  /** A run as the API answers it; the findings' details in `lang`. */
  async view(run: RunRow, lang: Lang = 'zh', withFindings = true): Promise<RunView> {
    return this.db.read((tx) => this.viewOn(this.repo.with(tx), run, lang, withFindings));
  }

  private async viewOn(
    repo: ReconciliationRepo,
    run: RunRow,
    lang: Lang = 'zh',
    withFindings = true,
  ): Promise<RunView> {
    const findings = await repo.findings(run.id);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const names = new Map<number, string | null>();
    if (withFindings)
      for (const f of findings)
        if (f.resolvedBy !== null && !names.has(f.resolvedBy))
          names.set(f.resolvedBy, (await repo.userName(f.resolvedBy)) ?? null);
    const name = (id: number | null) => (id === null ? null : (names.get(id) ?? null));
    return {
      id: run.id,
      status: run.status,
      from: new Date(run.fromAt).toISOString(),
      to: new Date(run.toAt).toISOString(),
      trigger: run.trigger,
      summary: run.summary,
      error: run.error,
      startedAt: new Date(run.startedAt).toISOString(),
      finishedAt: iso(run.finishedAt),
      openFindings: findings.filter((f) => f.resolvedAt === null).length,
      findings: withFindings
        ? findings.map((f) => ({
            id: f.id,
            kind: f.kind,
            amountFen: f.amountFen,
            ref: f.ref,
            detail: findingDetail(f, lang),
            resolved: f.resolvedAt !== null,
            resolvedBy: name(f.resolvedBy),
            resolvedAt: iso(f.resolvedAt),
            resolutionNote: f.resolutionNote,
          }))
        : [],
    };
  }
}
