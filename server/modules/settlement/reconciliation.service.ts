/**
 * Reconciliation runs: for a period, the ledger, the platform's bookings and voucher uses, and the
 * processor's charges and refunds (listed through its API, page by page) are compared; what does not
 * agree is stored as findings with amounts, which finance resolves with a note.
 *
 * A finding is stored with its facts and its detail in Chinese; a run is read in the caller's
 * language (reconcile.ts says the facts), its exports in Chinese.
 */
import { DateTime } from 'luxon';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Lang } from '../../shared/lang.ts';
import { parseInstant } from '../../shared/time.ts';
import { isProvinceFinance, type Actor } from '../auth/actor.ts';
import type { Ledger } from '../ledger/ledger.ts';
import { LINKS } from '../notifications/links.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { Charge, PaymentProvider } from '../payments/provider.ts';
import type { PaymentsRepo } from '../payments/payments.repo.ts';
import {
  batchFinding,
  comparePayments,
  describeFinding,
  findingDetail,
  ledgerFinding,
  quotaFinding,
  transferWithoutCharge,
  voucherUseFinding,
  type Finding,
  type LocalPayment,
} from './reconcile.ts';
import type { RunView } from './settlement.schemas.ts';
import type { RunRow, SettlementRepo } from './settlement.repo.ts';

const ZONE = 'Asia/Shanghai';
const SLACK = 10 * 60_000;

/** What the service itself says to a caller who cannot do something, in Chinese and English. */

export class ReconciliationService {
  constructor(
    private readonly repo: SettlementRepo,
    private readonly payments: PaymentsRepo,
    private readonly ledger: Ledger,
    private readonly provider: PaymentProvider,
    private readonly clock: Clock,
    /** Tells the province's finance staff of findings (absent in benches). */
    private readonly notifier?: Notifier,
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

  /** Runs yesterday's reconciliation once a day after `at` (local HH:mm); called by the server's timer. */
  async daily(at: string): Promise<RunRow | null> {
    const now = DateTime.fromMillis(this.clock.now(), { zone: ZONE });
    const [h, m] = at.split(':').map(Number) as [number, number];
    if (now < now.set({ hour: h, minute: m, second: 0, millisecond: 0 })) return null;
    const dayStart = now.startOf('day');
    const last = this.repo.lastScheduledRun();
    if (last && last.toAt >= dayStart.toMillis()) return null;
    return this.run(dayStart.minus({ days: 1 }).toMillis(), dayStart.toMillis(), 'schedule', null);
  }

  /** One run: compares, stores the findings, and says clean or not. */
  async run(from: number, to: number, trigger: 'manual' | 'schedule', userId: number | null): Promise<RunRow> {
    const run = this.repo.insertRun({
      fromAt: from,
      toAt: to,
      status: 'running',
      trigger,
      createdBy: userId,
      startedAt: this.clock.now(),
    });
    try {
      const installation = this.payments.installationId(this.clock.now());
      const local = this.localPayments(from, to);
      const wanted = new Set(local.map((p) => String(p.id)));
      const charges = (await this.processorCharges(from)).filter(
        (c) =>
          c.metadata.installation === installation &&
          (wanted.has(c.metadata.payment_id ?? '') || (c.createdAt >= from - SLACK && c.createdAt < to + SLACK)),
      );
      const findings: Finding[] = [
        ...comparePayments(local, charges),
        ...this.ledgerWithoutCharges(from, to, new Set(charges.map((c) => c.id))),
        ...this.voucherRules(from, to),
        ...this.quotaIdentity(),
        ...this.batchTotals(),
        ...this.ledgerBalance(),
      ];
      const summary = {
        payments: local.length,
        processorCharges: charges.length,
        capturedFen: local.reduce((s, p) => s + p.capturedFen, 0),
        processorCapturedFen: charges.reduce((s, c) => s + (c.captured ? c.capturedFen : 0), 0),
        findings: findings.length,
      };
      this.repo.transaction(() => {
        // The facts are kept, so the run can be read in either language later; the detail in Chinese.
        this.repo.insertFindings(findings.map((f) => ({ ...f, detail: describeFinding(f, 'zh'), runId: run.id })));
        this.repo.updateRun(run.id, {
          status: findings.length ? 'findings' : 'clean',
          summary,
          finishedAt: this.clock.now(),
        });
        if (findings.length) {
          const day = (ms: number) => DateTime.fromMillis(ms, { zone: ZONE }).toISODate()!;
          this.notifier?.notify(
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
      this.repo.updateRun(run.id, {
        status: 'failed',
        error: err instanceof Error ? err.message : String(err),
        finishedAt: this.clock.now(),
      });
    }
    return this.repo.run(run.id)!;
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

  private localPayments(from: number, to: number): LocalPayment[] {
    return this.repo.raw<LocalPayment>(
      `SELECT p.id, p.booking_id AS bookingId, p.status, p.charge_id AS chargeId, p.authorised_fen AS authorisedFen,
              p.captured_fen AS capturedFen, p.refunded_fen AS refundedFen,
              COALESCE((SELECT amount_fen FROM ledger_transfers t WHERE t.id = 'pay:' || p.id || ':capture-funds'), 0) AS ledgerCapturedFen,
              COALESCE((SELECT SUM(t.amount_fen) FROM payment_refunds r JOIN ledger_transfers t ON t.id = 'refund:' || r.id
                        WHERE r.payment_id = p.id), 0) AS ledgerRefundedFen
       FROM payments p WHERE p.created_at >= ? AND p.created_at < ?`,
      [from, to],
    );
  }

  /** Card money in the ledger whose charge the processor does not have. */
  private ledgerWithoutCharges(from: number, to: number, known: Set<string>): Finding[] {
    const rows = this.repo.raw<{ id: string; processorRef: string; amountFen: number; bookingId: number | null }>(
      `SELECT t.id, t.processor_ref AS processorRef, t.amount_fen AS amountFen, t.booking_id AS bookingId
       FROM ledger_transfers t
       WHERE t.code IN ('card_authorise', 'card_capture') AND t.state IN ('posted', 'pending')
         AND t.created_at >= ? AND t.created_at < ? AND t.processor_ref IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.charge_id = t.processor_ref AND p.created_at >= ? AND p.created_at < ?)`,
      [from, to, from, to],
    );
    return rows.filter((r) => !known.has(r.processorRef)).map(transferWithoutCharge);
  }

  /** Voucher uses whose amounts break the rules, or whose ledger holds and posts disagree. */
  private voucherRules(from: number, to: number): Finding[] {
    const rows = this.repo.raw<{
      id: number;
      bookingId: number;
      status: string;
      reservedFen: number;
      postedFen: number | null;
      ratioPercent: number;
      eligibleFen: number;
      finalFen: number | null;
      held: number | null;
      posted: number | null;
    }>(
      `SELECT u.id, u.booking_id AS bookingId, u.status, u.reserved_fen AS reservedFen, u.posted_fen AS postedFen,
              u.ratio_percent AS ratioPercent, u.eligible_fen AS eligibleFen, b.final_fen AS finalFen,
              (SELECT amount_fen FROM ledger_transfers WHERE id = 'vu:' || u.id || ':quota') AS held,
              (SELECT amount_fen FROM ledger_transfers WHERE id = 'vu:' || u.id || ':quota:post') AS posted
       FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id
       WHERE u.updated_at >= ? AND u.updated_at < ?`,
      [from, to],
    );
    return rows.map(voucherUseFinding).filter((f) => f !== null);
  }

  /** For every quota: granted − consumed − given back (revoked, expired) = still available + held. */
  private quotaIdentity(): Finding[] {
    const rows = this.repo.raw<{
      id: number;
      capFen: number;
      granted: number;
      givenBack: number;
      available: number | null;
      held: number | null;
      consumed: number | null;
      usedByUses: number;
      heldByUses: number;
    }>(
      `SELECT q.id, q.cap_fen AS capFen,
              COALESCE((SELECT amount_fen FROM ledger_transfers WHERE id = 'quota:' || q.id || ':grant'), 0) AS granted,
              COALESCE((SELECT SUM(amount_fen) FROM ledger_transfers WHERE id IN ('quota:' || q.id || ':revoke', 'quota:' || q.id || ':expire')), 0) AS givenBack,
              a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen AS available,
              a.debits_pending_fen AS held,
              (SELECT COALESCE(SUM(t.amount_fen), 0) FROM ledger_transfers t WHERE t.debit_account_id = a.id AND t.state = 'post_pending') AS consumed,
              (SELECT COALESCE(SUM(posted_fen), 0) FROM voucher_uses WHERE quota_id = q.id AND status = 'posted') AS usedByUses,
              (SELECT COALESCE(SUM(reserved_fen), 0) FROM voucher_uses WHERE quota_id = q.id AND status = 'reserved') AS heldByUses
       FROM voucher_quotas q LEFT JOIN ledger_accounts a ON a.code = 'quota:' || q.id`,
    );
    return rows.map(quotaFinding).filter((f) => f !== null);
  }

  /** Batches whose lines, payment and ledger disagree. */
  private batchTotals(): Finding[] {
    const rows = this.repo.raw<{
      id: number;
      status: string;
      paidFen: number | null;
      approved: number;
      ledgerPaid: number;
      lineMismatch: number;
    }>(
      `SELECT b.id, b.status, b.paid_fen AS paidFen,
              COALESCE((SELECT SUM(voucher_fen) FROM settlement_lines l WHERE l.batch_id = b.id AND l.status = 'approved'), 0) AS approved,
              COALESCE((SELECT SUM(t.amount_fen) FROM settlement_lines l JOIN ledger_transfers t ON t.id = 'claim-line:' || l.id || ':pay'
                        WHERE l.batch_id = b.id), 0) AS ledgerPaid,
              (SELECT COUNT(*) FROM settlement_lines l JOIN voucher_uses u ON u.id = l.voucher_use_id
                WHERE l.batch_id = b.id AND l.status != 'removed' AND l.voucher_fen != u.posted_fen) AS lineMismatch
       FROM settlement_batches b`,
    );
    return rows.map(batchFinding).filter((f) => f !== null);
  }

  private ledgerBalance(): Finding[] {
    const finding = ledgerFinding(this.ledger.check());
    return finding ? [finding] : [];
  }

  // Reading and resolving

  /** A run with its findings, their details in `lang` (the exports ask for 'zh'). */
  get(actor: Actor, id: number, lang: Lang = 'zh'): RunView {
    this.checkFinance(actor);
    const run = this.repo.run(id);
    if (!run) throw notFound('reconciliation run');
    return this.view(run, lang);
  }

  list(actor: Actor, lang: Lang = 'zh'): RunView[] {
    this.checkFinance(actor);
    return this.repo.runs(50).map((r) => this.view(r, lang, false));
  }

  resolve(actor: Actor, runId: number, findingId: number, note: string, lang: Lang = 'zh'): RunView {
    this.checkFinance(actor);
    const finding = this.repo.finding(findingId);
    if (!finding || finding.runId !== runId) throw notFound('finding');
    if (finding.resolvedAt !== null) throw new AppError('conflict', 'the finding is already resolved');
    this.repo.updateFinding(findingId, {
      resolvedBy: actor.userId,
      resolvedAt: this.clock.now(),
      resolutionNote: note,
    });
    return this.get(actor, runId, lang);
  }

  /** A run as the API answers it; the findings' details in `lang`. */
  view(run: RunRow, lang: Lang = 'zh', withFindings = true): RunView {
    const findings = this.repo.findings(run.id);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const name = (id: number | null) =>
      id === null
        ? null
        : ((this.repo.db.$client.prepare('SELECT display_name FROM users WHERE id = ?').pluck().get(id) as
            string | undefined) ?? null);
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
