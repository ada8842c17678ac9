/** SQL of settlement: claim batches, their lines and audit trail, and reconciliation runs. */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { statementCache, writeTransaction, type Db } from '../../../db/client.ts';
import {
  reconciliationFindings,
  reconciliationRuns,
  settlementBatches,
  settlementEvents,
  settlementLines,
  type BatchStatus,
} from '../../../db/schema/index.ts';

export type BatchRow = typeof settlementBatches.$inferSelect;
export type LineRow = typeof settlementLines.$inferSelect;
export type RunRow = typeof reconciliationRuns.$inferSelect;
export type FindingRow = typeof reconciliationFindings.$inferSelect;

/** A posted voucher use not yet claimed, with what a claim line needs to know about it. */
export interface Claimable {
  useId: number;
  bookingId: number;
  enterpriseId: number;
  enterpriseCity: string | null;
  postedFen: number;
  chargeId: string | null;
  paymentMethod: string | null;
  startAt: number | null;
  endAt: number | null;
  mode: string;
  actualMinutes: number | null;
  actualSamples: number | null;
  finalFen: number;
  instrumentName: string;
  postedAt: number;
}

export class SettlementRepo {
  private readonly stmt: ReturnType<typeof statementCache>;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /** Posted uses of a claimant in a programme, posted in [from, to), in no live claim line. */
  claimable(q: {
    programmeId: number;
    providerId?: number;
    enterpriseId?: number;
    from: number;
    to: number;
  }): Claimable[] {
    return this.stmt(
      `SELECT u.id AS useId, u.booking_id AS bookingId, u.enterprise_id AS enterpriseId, e.city_code AS enterpriseCity,
              u.posted_fen AS postedFen, p.charge_id AS chargeId, b.payment_method AS paymentMethod,
              b.start_at AS startAt, b.end_at AS endAt, b.mode, b.actual_minutes AS actualMinutes,
              b.actual_samples AS actualSamples, b.final_fen AS finalFen, i.name_zh AS instrumentName,
              u.updated_at AS postedAt
       FROM voucher_uses u
       JOIN bookings b ON b.id = u.booking_id
       JOIN instruments i ON i.id = b.instrument_id
       JOIN organisations e ON e.id = u.enterprise_id
       LEFT JOIN payments p ON p.booking_id = b.id
       WHERE u.programme_id = @programmeId AND u.status = 'posted' AND b.status = 'completed'
         AND (@providerId IS NULL OR u.provider_id = @providerId)
         AND (@enterpriseId IS NULL OR u.enterprise_id = @enterpriseId)
         AND u.updated_at >= @from AND u.updated_at < @to
         AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.voucher_use_id = u.id AND l.status != 'removed')
       ORDER BY u.updated_at, u.id`,
    ).all({
      programmeId: q.programmeId,
      providerId: q.providerId ?? null,
      enterpriseId: q.enterpriseId ?? null,
      from: q.from,
      to: q.to,
    }) as Claimable[];
  }

  /** The finance office of a city, or the provincial office (no city). */
  financeOffice(cityCode: string | null): number | undefined {
    return this.stmt(
      `SELECT id FROM organisations WHERE kind = 'finance_office' AND city_code IS ? ORDER BY id LIMIT 1`,
    )
      .pluck()
      .get(cityCode) as number | undefined;
  }

  insertBatch(row: typeof settlementBatches.$inferInsert): BatchRow {
    return this.db.insert(settlementBatches).values(row).returning().get();
  }

  updateBatch(id: number, set: Partial<BatchRow>): void {
    this.db.update(settlementBatches).set(set).where(eq(settlementBatches.id, id)).run();
  }

  batch(id: number): BatchRow | undefined {
    return this.db.select().from(settlementBatches).where(eq(settlementBatches.id, id)).get();
  }

  batches(filter: {
    claimantId?: number;
    claimantKind?: 'provider' | 'enterprise';
    reviewOfficeId?: number;
    status?: BatchStatus;
    programmeId?: number;
  }): BatchRow[] {
    const conds = [];
    if (filter.claimantId !== undefined) conds.push(eq(settlementBatches.claimantId, filter.claimantId));
    if (filter.claimantKind) conds.push(eq(settlementBatches.claimantKind, filter.claimantKind));
    if (filter.reviewOfficeId !== undefined) conds.push(eq(settlementBatches.reviewOfficeId, filter.reviewOfficeId));
    if (filter.status) conds.push(eq(settlementBatches.status, filter.status));
    if (filter.programmeId !== undefined) conds.push(eq(settlementBatches.programmeId, filter.programmeId));
    return this.db
      .select()
      .from(settlementBatches)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(settlementBatches.id))
      .limit(500)
      .all();
  }

  insertLine(row: typeof settlementLines.$inferInsert): LineRow {
    return this.db.insert(settlementLines).values(row).returning().get();
  }

  updateLine(id: number, set: Partial<LineRow>): void {
    this.db.update(settlementLines).set(set).where(eq(settlementLines.id, id)).run();
  }

  lines(batchId: number, withRemoved = false): LineRow[] {
    return this.db
      .select()
      .from(settlementLines)
      .where(
        withRemoved
          ? eq(settlementLines.batchId, batchId)
          : and(eq(settlementLines.batchId, batchId), ne(settlementLines.status, 'removed')),
      )
      .orderBy(settlementLines.id)
      .all();
  }

  linesOfBatches(batchIds: number[]): LineRow[] {
    if (!batchIds.length) return [];
    return this.db
      .select()
      .from(settlementLines)
      .where(and(inArray(settlementLines.batchId, batchIds), ne(settlementLines.status, 'removed')))
      .all();
  }

  lineByInvoice(invoiceNo: string): LineRow | undefined {
    return this.db
      .select()
      .from(settlementLines)
      .where(and(eq(settlementLines.invoiceNo, invoiceNo), ne(settlementLines.status, 'removed')))
      .get();
  }

  insertEvent(row: typeof settlementEvents.$inferInsert): void {
    this.db.insert(settlementEvents).values(row).run();
  }

  events(batchId: number) {
    return this.stmt(
      `SELECT e.id, e.line_id AS lineId, e.action, e.from_status AS fromStatus, e.to_status AS toStatus, e.reason, e.at,
              u.id AS actorId, u.display_name AS actorName
       FROM settlement_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.batch_id = ? ORDER BY e.id`,
    ).all(batchId) as {
      id: number;
      lineId: number | null;
      action: string;
      fromStatus: string | null;
      toStatus: string | null;
      reason: string | null;
      at: number;
      actorId: number | null;
      actorName: string | null;
    }[];
  }

  /** What a line's checks read about its booking, payment and parties, in one query. */
  lineContext(bookingId: number) {
    return this.stmt(
      `SELECT b.id, b.status, b.mode, b.final_fen AS finalFen, b.final_lines AS finalLines, b.start_at AS startAt,
              b.end_at AS endAt, b.actual_minutes AS actualMinutes, b.sample_count AS sampleCount,
              b.actual_samples AS actualSamples, b.report_url AS reportUrl, b.report_file AS reportFile,
              b.user_type AS userType, b.rate_item_id AS rateItemId, b.instrument_id AS instrumentId,
              b.payment_method AS paymentMethod,
              b.updated_at AS updatedAt, i.name_zh AS instrumentName, i.time_zone AS timeZone,
              p.captured_fen AS capturedFen, p.refunded_fen AS refundedFen, p.charge_id AS chargeId,
              (SELECT amount_fen FROM ledger_transfers t WHERE t.id = 'booking:' || b.id || ':invoice') AS invoicedFen,
              e.id AS enterpriseId, e.name AS enterpriseName, e.city_code AS enterpriseCity,
              pr.id AS providerId, pr.city_code AS providerCity, pc.province AS providerProvince
       FROM bookings b JOIN instruments i ON i.id = b.instrument_id
       JOIN organisations e ON e.id = b.requester_organisation_id
       JOIN organisations pr ON pr.id = b.institution_id
       LEFT JOIN cities pc ON pc.code = pr.city_code
       LEFT JOIN payments p ON p.booking_id = b.id
       WHERE b.id = ?`,
    ).get(bookingId) as {
      id: number;
      status: string;
      mode: 'machine_time' | 'sample';
      finalFen: number | null;
      finalLines: string | null;
      startAt: number | null;
      endAt: number | null;
      actualMinutes: number | null;
      sampleCount: number | null;
      actualSamples: number | null;
      reportUrl: string | null;
      reportFile: string | null;
      userType: 'internal' | 'academic' | 'enterprise';
      rateItemId: number | null;
      instrumentId: number;
      paymentMethod: string | null;
      updatedAt: number;
      instrumentName: string;
      timeZone: string;
      capturedFen: number | null;
      refundedFen: number | null;
      chargeId: string | null;
      invoicedFen: number | null;
      enterpriseId: number;
      enterpriseName: string;
      enterpriseCity: string | null;
      providerId: number;
      providerCity: string | null;
      providerProvince: string | null;
    };
  }

  organisationName(id: number): string {
    return (this.stmt(`SELECT name FROM organisations WHERE id = ?`).pluck().get(id) as string | undefined) ?? '';
  }

  // Reconciliation

  insertRun(row: typeof reconciliationRuns.$inferInsert): RunRow {
    return this.db.insert(reconciliationRuns).values(row).returning().get();
  }

  updateRun(id: number, set: Partial<RunRow>): void {
    this.db.update(reconciliationRuns).set(set).where(eq(reconciliationRuns.id, id)).run();
  }

  run(id: number): RunRow | undefined {
    return this.db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id)).get();
  }

  runs(limit: number): RunRow[] {
    return this.db.select().from(reconciliationRuns).orderBy(desc(reconciliationRuns.id)).limit(limit).all();
  }

  lastScheduledRun(): RunRow | undefined {
    return this.db
      .select()
      .from(reconciliationRuns)
      .where(eq(reconciliationRuns.trigger, 'schedule'))
      .orderBy(desc(reconciliationRuns.id))
      .limit(1)
      .get();
  }

  insertFindings(rows: (typeof reconciliationFindings.$inferInsert)[]): void {
    for (let i = 0; i < rows.length; i += 500)
      this.db
        .insert(reconciliationFindings)
        .values(rows.slice(i, i + 500))
        .run();
  }

  findings(runId: number): FindingRow[] {
    return this.db
      .select()
      .from(reconciliationFindings)
      .where(eq(reconciliationFindings.runId, runId))
      .orderBy(reconciliationFindings.id)
      .all();
  }

  finding(id: number): FindingRow | undefined {
    return this.db.select().from(reconciliationFindings).where(eq(reconciliationFindings.id, id)).get();
  }

  updateFinding(id: number, set: Partial<FindingRow>): void {
    this.db.update(reconciliationFindings).set(set).where(eq(reconciliationFindings.id, id)).run();
  }

  countSql(query: string, ...params: unknown[]): number {
    return this.db.$client
      .prepare(query)
      .pluck()
      .get(...params) as number;
  }

  raw<T>(query: string, params: Record<string, unknown> | unknown[] = []): T[] {
    const s = this.db.$client.prepare(query);
    return (Array.isArray(params) ? s.all(...params) : s.all(params)) as T[];
  }
}
