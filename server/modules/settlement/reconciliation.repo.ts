/**
 * SQL of reconciliation: its runs and findings, and the reads that compare payments, voucher uses,
 * quotas and claim batches with the ledger (reconcile.ts holds the comparisons themselves).
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { fromJson, type Queryable } from '../../../db/port.ts';
import {
  reconciliationFindings,
  reconciliationRuns,
  type EligibleParts,
  type PlannedTerms,
  type PriceLine,
} from '../../../db/schema/index.ts';

export type RunRow = typeof reconciliationRuns.$inferSelect;
export type FindingRow = typeof reconciliationFindings.$inferSelect;

/** A payment with the money the ledger holds for it (reconciliation). */
export interface PaymentWithLedger {
  id: number;
  bookingId: number;
  status: string;
  chargeId: string | null;
  authorisedFen: number;
  capturedFen: number;
  refundedFen: number;
  ledgerCapturedFen: number;
  ledgerRefundedFen: number;
}

export interface CardTransferRow {
  id: string;
  processorRef: string;
  amountFen: number;
  bookingId: number | null;
}

export interface UseAmountsRow {
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
  /** The final price's lines, the eligible parts the use was planned with, and what earlier co-funders posted. */
  finalLines: PriceLine[];
  parts: EligibleParts | null;
  earlierPostedFen: number;
}

export interface QuotaBalanceRow {
  id: number;
  capFen: number;
  granted: number;
  givenBack: number;
  available: number | null;
  held: number | null;
  consumed: number | null;
  usedByUses: number;
  heldByUses: number;
}

export interface BatchTotalsRow {
  id: number;
  status: string;
  paidFen: number | null;
  approved: number;
  ledgerPaid: number;
  lineMismatch: number;
}

const PAYMENTS_WITH_LEDGER_SQL = `SELECT p.id, p.booking_id AS "bookingId", p.status, p.charge_id AS "chargeId", p.authorised_fen AS "authorisedFen",
        p.captured_fen AS "capturedFen", p.refunded_fen AS "refundedFen",
        COALESCE((SELECT amount_fen FROM ledger_transfers t WHERE t.id = 'pay:' || p.id || ':capture-funds'), 0) AS "ledgerCapturedFen",
        COALESCE((SELECT SUM(t.amount_fen) FROM payment_refunds r JOIN ledger_transfers t ON t.id = 'refund:' || r.id
                  WHERE r.payment_id = p.id), 0) AS "ledgerRefundedFen"
 FROM payments p WHERE p.created_at >= ? AND p.created_at < ?`;

const CARD_TRANSFERS_WITHOUT_PAYMENT_SQL = `SELECT t.id, t.processor_ref AS "processorRef", t.amount_fen AS "amountFen", t.booking_id AS "bookingId"
 FROM ledger_transfers t
 WHERE t.code IN ('card_authorise', 'card_capture') AND t.state IN ('posted', 'pending')
   AND t.created_at >= ? AND t.created_at < ? AND t.processor_ref IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.charge_id = t.processor_ref AND p.created_at >= ? AND p.created_at < ?)`;

const USE_AMOUNTS_SQL = `SELECT u.id, u.booking_id AS "bookingId", u.status, u.reserved_fen AS "reservedFen", u.posted_fen AS "postedFen",
        u.ratio_percent AS "ratioPercent", u.eligible_fen AS "eligibleFen", b.final_fen AS "finalFen",
        b.final_lines AS "finalLines", u.planned,
        (SELECT COALESCE(SUM(e.posted_fen), 0) FROM voucher_uses e
          WHERE e.booking_id = u.booking_id AND e.sequence < u.sequence AND e.status = 'posted') AS "earlierPostedFen",
        (SELECT amount_fen FROM ledger_transfers WHERE id = 'vu:' || u.id || ':quota') AS held,
        (SELECT amount_fen FROM ledger_transfers WHERE id = 'vu:' || u.id || ':quota:post') AS posted
 FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id
 WHERE u.updated_at >= ? AND u.updated_at < ?`;

const QUOTA_BALANCES_SQL = `SELECT q.id, q.cap_fen AS "capFen",
        COALESCE((SELECT amount_fen FROM ledger_transfers WHERE id = 'quota:' || q.id || ':grant'), 0) AS granted,
        COALESCE((SELECT SUM(amount_fen) FROM ledger_transfers WHERE id IN ('quota:' || q.id || ':revoke', 'quota:' || q.id || ':expire')), 0) AS "givenBack",
        a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen AS available,
        a.debits_pending_fen AS held,
        (SELECT COALESCE(SUM(t.amount_fen), 0) FROM ledger_transfers t WHERE t.debit_account_id = a.id AND t.state = 'post_pending') AS consumed,
        (SELECT COALESCE(SUM(posted_fen), 0) FROM voucher_uses WHERE quota_id = q.id AND status = 'posted') AS "usedByUses",
        (SELECT COALESCE(SUM(reserved_fen), 0) FROM voucher_uses WHERE quota_id = q.id AND status = 'reserved') AS "heldByUses"
 FROM voucher_quotas q LEFT JOIN ledger_accounts a ON a.code = 'quota:' || q.id`;

const BATCH_TOTALS_SQL = `SELECT b.id, b.status, b.paid_fen AS "paidFen",
        COALESCE((SELECT SUM(voucher_fen) FROM settlement_lines l WHERE l.batch_id = b.id AND l.status = 'approved'), 0) AS approved,
        COALESCE((SELECT SUM(t.amount_fen) FROM settlement_lines l JOIN ledger_transfers t ON t.id = 'claim-line:' || l.id || ':pay'
                  WHERE l.batch_id = b.id), 0) AS "ledgerPaid",
        (SELECT COUNT(*) FROM settlement_lines l JOIN voucher_uses u ON u.id = l.voucher_use_id
          WHERE l.batch_id = b.id AND l.status != 'removed' AND l.voucher_fen != u.posted_fen) AS "lineMismatch"
 FROM settlement_batches b`;

export class ReconciliationRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): ReconciliationRepo {
    return new ReconciliationRepo(q);
  }

  /** Who resolved a finding. */
  async userName(id: number): Promise<string | undefined> {
    return this.q.value<string>(`SELECT display_name FROM users WHERE id = ?`, [id]);
  }

  async insertRun(row: typeof reconciliationRuns.$inferInsert): Promise<RunRow> {
    return this.q.orm.insert(reconciliationRuns).values(row).returning().get();
  }

  async updateRun(id: number, set: Partial<RunRow>): Promise<void> {
    await this.q.orm.update(reconciliationRuns).set(set).where(eq(reconciliationRuns.id, id)).run();
  }

  async run(id: number): Promise<RunRow | undefined> {
    return this.q.orm.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id)).get();
  }

  async runs(limit: number): Promise<RunRow[]> {
    return this.q.orm.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.id)).limit(limit).all();
  }

  async lastScheduledRun(): Promise<RunRow | undefined> {
    return this.q.orm
      .select()
      .from(reconciliationRuns)
      .where(eq(reconciliationRuns.trigger, 'schedule'))
      .orderBy(desc(reconciliationRuns.id))
      .limit(1)
      .get();
  }

  async insertFindings(rows: (typeof reconciliationFindings.$inferInsert)[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 500)
      await this.q.orm
        .insert(reconciliationFindings)
        .values(rows.slice(i, i + 500))
        .run();
  }

  async findings(runId: number): Promise<FindingRow[]> {
    return this.q.orm
      .select()
      .from(reconciliationFindings)
      .where(eq(reconciliationFindings.runId, runId))
      .orderBy(reconciliationFindings.id)
      .all();
  }

  async finding(id: number): Promise<FindingRow | undefined> {
    return this.q.orm.select().from(reconciliationFindings).where(eq(reconciliationFindings.id, id)).get();
  }

  /** Resolves a finding only if it is still open (false: someone resolved it first). */
  async resolveFinding(
    id: number,
    set: Pick<FindingRow, 'resolvedBy' | 'resolvedAt' | 'resolutionNote'>,
  ): Promise<boolean> {
    const resolved = await this.q.orm
      .update(reconciliationFindings)
      .set(set)
      .where(and(eq(reconciliationFindings.id, id), isNull(reconciliationFindings.resolvedAt)))
      .returning({ id: reconciliationFindings.id })
      .all();
    return resolved.length > 0;
  }

  /** Payments created in [from, to) with the capture and refunds the ledger holds for each. */
  async paymentsWithLedger(from: number, to: number): Promise<PaymentWithLedger[]> {
    return this.q.all<PaymentWithLedger>(PAYMENTS_WITH_LEDGER_SQL, [from, to]);
  }

  /** Card transfers of [from, to) whose processor reference no payment of the period has. */
  async cardTransfersWithoutPayment(from: number, to: number): Promise<CardTransferRow[]> {
    return this.q.all<CardTransferRow>(CARD_TRANSFERS_WITHOUT_PAYMENT_SQL, [from, to, from, to]);
  }

  /** Voucher uses changed in [from, to) with their booking's total and their ledger hold and post. */
  async useAmounts(from: number, to: number): Promise<UseAmountsRow[]> {
    const rows = await this.q.all<
      Omit<UseAmountsRow, 'finalLines' | 'parts'> & { finalLines: unknown; planned: unknown }
    >(USE_AMOUNTS_SQL, [from, to]);
    return rows.map(({ planned, finalLines, ...r }) => ({
      ...r,
      finalLines: finalLines == null ? [] : fromJson<PriceLine[]>(finalLines),
      parts: planned == null ? null : (fromJson<PlannedTerms>(planned).eligibleParts ?? null),
      earlierPostedFen: Number(r.earlierPostedFen),
    }));
  }

  /** Every quota with its ledger grant, give-backs, balance and what its uses hold and used. */
  async quotaBalances(): Promise<QuotaBalanceRow[]> {
    return this.q.all<QuotaBalanceRow>(QUOTA_BALANCES_SQL);
  }

  /** Every batch with its approved lines' sum, the ledger's payments and lines that differ from their use. */
  async batchTotals(): Promise<BatchTotalsRow[]> {
    return this.q.all<BatchTotalsRow>(BATCH_TOTALS_SQL);
  }
}
