/** SQL of settlement: claim batches, their lines, staged review and audit trail, the dashboard and register (reconciliation's is reconciliation.repo.ts). */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import { byEngine, type Queryable } from '../../../db/port.ts';
import {
  noticeObjections,
  settlementBatches,
  settlementEvents,
  settlementLineReviews,
  settlementLines,
  voucherProgrammes,
  type BatchStatus,
  type LineStatus,
} from '../../../db/schema/index.ts';
import { ReconciliationRepo } from './reconciliation.repo.ts';

export type BatchRow = typeof settlementBatches.$inferSelect;
export type LineRow = typeof settlementLines.$inferSelect;
export type ReviewRow = typeof settlementLineReviews.$inferSelect;
export type ObjectionRow = typeof noticeObjections.$inferSelect;

/** A posted voucher use not yet claimed, with what a claim line needs to know about it. */
export interface Claimable {
  useId: number;
  programmeId: number;
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

export interface EventRow {
  id: number;
  lineId: number | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  reason: string | null;
  at: number;
  actorId: number | null;
  actorName: string | null;
}

/** What a line's checks read about its booking, payment and parties. */
export interface LineContext {
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
  /** The price terms at order time (JSON PriceSnapshot); null on orders from before snapshots. */
  priceSnapshot: string | null;
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
}

/** One sum of the finance dashboard: what, in which local month, for which city. */
export interface DashboardFact {
  what: 'granted' | 'reserved' | 'used' | 'claimed' | 'paid';
  month: string;
  cityCode: string | null;
  fen: number;
}

/** A voucher use in the register, as the query reads it (`paid` still the engine's boolean). */
export interface RegisterRow {
  useId: number;
  bookingId: number;
  programmeName: string;
  enterpriseName: string;
  providerName: string;
  instrumentName: string;
  status: string;
  ratioPercent: number;
  eligibleFen: number;
  reservedFen: number;
  postedFen: number | null;
  batchId: number | null;
  lineStatus: string | null;
  paid: unknown;
  startAt: number | null;
  postedAt: number;
  timeZone: string;
}

export type RegisterScope =
  { kind: 'all' } | { kind: 'office' | 'provider' | 'enterprise'; id: number; city?: string | null };

const CLAIMABLE_SQL = `SELECT u.id AS "useId", u.programme_id AS "programmeId", u.booking_id AS "bookingId", u.enterprise_id AS "enterpriseId", e.city_code AS "enterpriseCity",
        u.posted_fen AS "postedFen", p.charge_id AS "chargeId", b.payment_method AS "paymentMethod",
        b.start_at AS "startAt", b.end_at AS "endAt", b.mode, b.actual_minutes AS "actualMinutes",
        b.actual_samples AS "actualSamples", b.final_fen AS "finalFen", i.name_zh AS "instrumentName",
        u.updated_at AS "postedAt"
 FROM voucher_uses u
 JOIN bookings b ON b.id = u.booking_id
 JOIN instruments i ON i.id = b.instrument_id
 JOIN organisations e ON e.id = u.enterprise_id
 LEFT JOIN payments p ON p.booking_id = b.id
 WHERE (CAST(@programmeId AS BIGINT) IS NULL OR u.programme_id = @programmeId) AND u.status = 'posted' AND b.status = 'completed'
   AND (CAST(@providerId AS BIGINT) IS NULL OR u.provider_id = @providerId)
   AND (CAST(@enterpriseId AS BIGINT) IS NULL OR u.enterprise_id = @enterpriseId)
   AND u.updated_at >= @from AND u.updated_at < @to
   AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.voucher_use_id = u.id AND l.status != 'removed')
 ORDER BY u.updated_at, u.id`;

const CITY_FINANCE_OFFICE_SQL = `SELECT id FROM organisations WHERE kind = 'finance_office' AND city_code = ? ORDER BY id LIMIT 1`;
const PROVINCE_FINANCE_OFFICE_SQL = `SELECT id FROM organisations WHERE kind = 'finance_office' AND city_code IS NULL ORDER BY id LIMIT 1`;

const EVENTS_SQL = `SELECT e.id, e.line_id AS "lineId", e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.reason, e.at,
        u.id AS "actorId", u.display_name AS "actorName"
 FROM settlement_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.batch_id = ? ORDER BY e.id`;

const LINE_CONTEXT_SQL = `SELECT b.id, b.status, b.mode, b.final_fen AS "finalFen", b.final_lines AS "finalLines", b.start_at AS "startAt",
        b.end_at AS "endAt", b.actual_minutes AS "actualMinutes", b.sample_count AS "sampleCount",
        b.actual_samples AS "actualSamples", b.report_url AS "reportUrl", b.report_file AS "reportFile",
        b.user_type AS "userType", b.rate_item_id AS "rateItemId", b.instrument_id AS "instrumentId",
        b.payment_method AS "paymentMethod", b.price_snapshot AS "priceSnapshot",
        b.updated_at AS "updatedAt", i.name_zh AS "instrumentName", i.time_zone AS "timeZone",
        p.captured_fen AS "capturedFen", p.refunded_fen AS "refundedFen", p.charge_id AS "chargeId",
        (SELECT amount_fen FROM ledger_transfers t WHERE t.id = 'booking:' || b.id || ':invoice') AS "invoicedFen",
        e.id AS "enterpriseId", e.name AS "enterpriseName", e.city_code AS "enterpriseCity",
        pr.id AS "providerId", pr.city_code AS "providerCity", pc.province AS "providerProvince"
 FROM bookings b JOIN instruments i ON i.id = b.instrument_id
 JOIN organisations e ON e.id = b.requester_organisation_id
 JOIN organisations pr ON pr.id = b.institution_id
 LEFT JOIN cities pc ON pc.code = pr.city_code
 LEFT JOIN payments p ON p.booking_id = b.id
 WHERE b.id = ?`;

/** The dashboard's money facts: what, when (epoch ms), the enterprise's city, how much. */
const DASHBOARD_FACTS = `WITH facts AS (
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
 )`;

/**
 * Each voucher use once, at the stage it has reached (held, used, claimed, paid), in the month of its
 * use (the order for a hold, the completion for the rest): parts of one whole, so they stack. A use
 * whose claim line was rejected stays claimed (the claim was made).
 */
const STAGE_FACTS = `WITH facts AS (
   SELECT CASE
       WHEN u.status = 'reserved' THEN 'reserved'
       WHEN EXISTS (SELECT 1 FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
                    WHERE l.voucher_use_id = u.id AND l.status = 'approved' AND b.status = 'paid') THEN 'paid'
       WHEN EXISTS (SELECT 1 FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
                    WHERE l.voucher_use_id = u.id AND l.status != 'removed' AND b.submitted_at IS NOT NULL) THEN 'claimed'
       ELSE 'used' END AS what,
     CASE WHEN u.status = 'reserved' THEN u.created_at ELSE u.updated_at END AS at,
     e.city_code AS city,
     CASE WHEN u.status = 'reserved' THEN u.reserved_fen ELSE u.posted_fen END AS fen
   FROM voucher_uses u JOIN organisations e ON e.id = u.enterprise_id WHERE u.status IN ('reserved', 'posted')
 )`;

/**
 * The dashboard's sums by local month (Asia/Shanghai, UTC+8 without daylight saving) and city.
 * The month of an epoch-millisecond instant is each engine's own: SQLite's strftime, PostgreSQL's
 * stats_month() (to_char in Asia/Shanghai, db/migrations-pg/0001_engine_rules.sql).
 */
const DASHBOARD_FACTS_SQL = {
  sqlite: `${DASHBOARD_FACTS}
 SELECT what, strftime('%Y-%m', at / 1000, 'unixepoch', '+8 hours') AS month, city AS "cityCode", SUM(fen) AS fen
 FROM facts WHERE @city IS NULL OR city = @city GROUP BY what, month, city`,
  postgres: `${DASHBOARD_FACTS}
 SELECT what, stats_month(at) AS month, city AS "cityCode", SUM(fen) AS fen
 FROM facts WHERE CAST(@city AS TEXT) IS NULL OR city = @city GROUP BY what, stats_month(at), city`,
};

/** The stages' sums by local month and city, each engine's way (as DASHBOARD_FACTS_SQL). */
const STAGE_FACTS_SQL = {
  sqlite: `${STAGE_FACTS}
 SELECT what, strftime('%Y-%m', at / 1000, 'unixepoch', '+8 hours') AS month, city AS "cityCode", SUM(fen) AS fen
 FROM facts WHERE @city IS NULL OR city = @city GROUP BY what, month, city`,
  postgres: `${STAGE_FACTS}
 SELECT what, stats_month(at) AS month, city AS "cityCode", SUM(fen) AS fen
 FROM facts WHERE CAST(@city AS TEXT) IS NULL OR city = @city GROUP BY what, stats_month(at), city`,
};

const REGISTER_SQL = `SELECT u.id AS "useId", u.booking_id AS "bookingId", p.name AS "programmeName", e.name AS "enterpriseName",
        pr.name AS "providerName", i.name_zh AS "instrumentName", u.status, u.ratio_percent AS "ratioPercent",
        u.eligible_fen AS "eligibleFen", u.reserved_fen AS "reservedFen", u.posted_fen AS "postedFen",
        l.batch_id AS "batchId", l.status AS "lineStatus", (sb.status = 'paid' AND l.status = 'approved') AS paid,
        b.start_at AS "startAt", u.updated_at AS "postedAt", i.time_zone AS "timeZone"
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
    OR (@kind = 'office' AND (sb.review_office_id = @id OR l.review_office_id = @id OR (p.review_level = 'city' AND e.city_code = @city)
                              OR (p.review_level = 'province' AND CAST(@city AS TEXT) IS NULL)))
 ORDER BY u.id`;

export class SettlementRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): SettlementRepo {
    return new SettlementRepo(q);
  }

  /** Reconciliation's reads on the same connection (the dashboard's snapshot shows the latest run). */
  reconciliation(): ReconciliationRepo {
    return new ReconciliationRepo(this.q);
  }

  /** Posted uses of a claimant in a programme (or any: null), posted in [from, to), in no live claim line. */
  async claimable(q: {
    programmeId: number | null;
    providerId?: number;
    enterpriseId?: number;
    from: number;
    to: number;
  }): Promise<Claimable[]> {
    return this.q.all<Claimable>(CLAIMABLE_SQL, {
      programmeId: q.programmeId,
      providerId: q.providerId ?? null,
      enterpriseId: q.enterpriseId ?? null,
      from: q.from,
      to: q.to,
    });
  }

  /** The finance office of a city, or the provincial office (no city). */
  async financeOffice(cityCode: string | null): Promise<number | undefined> {
    return cityCode === null
      ? this.q.value<number>(PROVINCE_FINANCE_OFFICE_SQL)
      : this.q.value<number>(CITY_FINANCE_OFFICE_SQL, [cityCode]);
  }

  async insertBatch(row: typeof settlementBatches.$inferInsert): Promise<BatchRow> {
    return this.q.orm.insert(settlementBatches).values(row).returning().get();
  }

  async updateBatch(id: number, set: Partial<BatchRow>): Promise<void> {
    await this.q.orm.update(settlementBatches).set(set).where(eq(settlementBatches.id, id)).run();
  }

  /** Moves a batch on only if it is still in `from` (false: someone else moved it first). */
  async moveBatch(id: number, from: BatchStatus, set: Partial<BatchRow>): Promise<boolean> {
    const moved = await this.q.orm
      .update(settlementBatches)
      .set(set)
      .where(and(eq(settlementBatches.id, id), eq(settlementBatches.status, from)))
      .returning({ id: settlementBatches.id })
      .all();
    return moved.length > 0;
  }

  async batch(id: number): Promise<BatchRow | undefined> {
    return this.q.orm.select().from(settlementBatches).where(eq(settlementBatches.id, id)).get();
  }

  async batches(filter: {
    claimantId?: number;
    claimantKind?: 'provider' | 'enterprise';
    reviewOfficeId?: number;
    status?: BatchStatus;
    programmeId?: number;
  }): Promise<BatchRow[]> {
    const conds = [];
    if (filter.claimantId !== undefined) conds.push(eq(settlementBatches.claimantId, filter.claimantId));
    if (filter.claimantKind) conds.push(eq(settlementBatches.claimantKind, filter.claimantKind));
    if (filter.reviewOfficeId !== undefined) conds.push(eq(settlementBatches.reviewOfficeId, filter.reviewOfficeId));
    if (filter.status) conds.push(eq(settlementBatches.status, filter.status));
    if (filter.programmeId !== undefined) conds.push(eq(settlementBatches.programmeId, filter.programmeId));
    return this.q.orm
      .select()
      .from(settlementBatches)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(settlementBatches.id))
      .limit(500)
      .all();
  }

  async insertLine(row: typeof settlementLines.$inferInsert): Promise<LineRow> {
    return this.q.orm.insert(settlementLines).values(row).returning().get();
  }

  async updateLine(id: number, set: Partial<LineRow>): Promise<void> {
    await this.q.orm.update(settlementLines).set(set).where(eq(settlementLines.id, id)).run();
  }

  /** Moves a line on only if it is still in `from` (and unchanged since `updatedAt`; false: someone else moved it first). */
  async moveLine(id: number, from: LineStatus, set: Partial<LineRow>, updatedAt?: number): Promise<boolean> {
    const moved = await this.q.orm
      .update(settlementLines)
      .set(set)
      .where(
        and(
          eq(settlementLines.id, id),
          eq(settlementLines.status, from),
          // A stage's approval leaves the line pending: its time says whether another decision came first.
          updatedAt === undefined ? undefined : eq(settlementLines.updatedAt, updatedAt),
        ),
      )
      .returning({ id: settlementLines.id })
      .all();
    return moved.length > 0;
  }

  async lines(batchId: number, withRemoved = false): Promise<LineRow[]> {
    return this.q.orm
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

  async linesOfBatches(batchIds: number[]): Promise<LineRow[]> {
    if (!batchIds.length) return [];
    return this.q.orm
      .select()
      .from(settlementLines)
      .where(and(inArray(settlementLines.batchId, batchIds), ne(settlementLines.status, 'removed')))
      .all();
  }

  async lineByInvoice(invoiceNo: string): Promise<LineRow | undefined> {
    return this.q.orm
      .select()
      .from(settlementLines)
      .where(and(eq(settlementLines.invoiceNo, invoiceNo), ne(settlementLines.status, 'removed')))
      .get();
  }

  // Staged review, public notice and objections

  /** How a programme reviews its claims (stages.ts reads them). */
  async programmeStages(
    id: number,
  ): Promise<Pick<typeof voucherProgrammes.$inferSelect, 'reviewStages' | 'reviewLevel'> | undefined> {
    return this.q.orm
      .select({ reviewStages: voucherProgrammes.reviewStages, reviewLevel: voucherProgrammes.reviewLevel })
      .from(voucherProgrammes)
      .where(eq(voucherProgrammes.id, id))
      .get();
  }

  /** Batches with a line whose first-stage office is `officeId`, or that it pays. */
  async batchesOfOffice(officeId: number): Promise<BatchRow[]> {
    const ids = await this.q.all<{ id: number }>(
      `SELECT id FROM settlement_batches WHERE review_office_id = ?
       UNION SELECT batch_id AS id FROM settlement_lines WHERE review_office_id = ? AND status != 'removed'`,
      [officeId, officeId],
    );
    if (!ids.length) return [];
    return this.q.orm
      .select()
      .from(settlementBatches)
      .where(
        inArray(
          settlementBatches.id,
          ids.map((r) => Number(r.id)),
        ),
      )
      .orderBy(desc(settlementBatches.id))
      .limit(500)
      .all();
  }

  async insertReview(row: typeof settlementLineReviews.$inferInsert): Promise<void> {
    await this.q.orm.insert(settlementLineReviews).values(row).run();
  }

  /** Every stage decision on the batch's lines, in the order they were made. */
  async reviews(batchId: number): Promise<ReviewRow[]> {
    return this.q.orm
      .select()
      .from(settlementLineReviews)
      .where(eq(settlementLineReviews.batchId, batchId))
      .orderBy(settlementLineReviews.id)
      .all();
  }

  /** Who approved a line of the batch at any stage (four-eyes: none of them may pay it). */
  async approvers(batchId: number): Promise<number[]> {
    const rows = await this.q.all<{ id: number }>(
      `SELECT actor_id AS id FROM settlement_line_reviews WHERE batch_id = ? AND decision = 'approved' AND actor_id IS NOT NULL
       UNION SELECT decided_by AS id FROM settlement_lines WHERE batch_id = ? AND status = 'approved' AND decided_by IS NOT NULL
       UNION SELECT override_by AS id FROM settlement_lines WHERE batch_id = ? AND status = 'approved' AND override_by IS NOT NULL`,
      [batchId, batchId, batchId],
    );
    return rows.map((r) => Number(r.id));
  }

  /** Batches in public notice (公示), newest notice first. */
  async batchesInNotice(): Promise<BatchRow[]> {
    return this.q.orm
      .select()
      .from(settlementBatches)
      .where(eq(settlementBatches.status, 'in_notice'))
      .orderBy(desc(settlementBatches.noticeStartsAt), desc(settlementBatches.id))
      .limit(200)
      .all();
  }

  async insertObjection(row: typeof noticeObjections.$inferInsert): Promise<ObjectionRow> {
    return this.q.orm.insert(noticeObjections).values(row).returning().get();
  }

  async objections(batchId: number): Promise<ObjectionRow[]> {
    return this.q.orm
      .select()
      .from(noticeObjections)
      .where(eq(noticeObjections.batchId, batchId))
      .orderBy(noticeObjections.id)
      .all();
  }

  /** Answers an objection only while it is open (false: someone answered it first). */
  async answerObjection(id: number, set: Pick<ObjectionRow, 'answer' | 'answeredBy' | 'answeredAt'>): Promise<boolean> {
    const done = await this.q.orm
      .update(noticeObjections)
      .set({ ...set, status: 'answered' })
      .where(and(eq(noticeObjections.id, id), eq(noticeObjections.status, 'open')))
      .returning({ id: noticeObjections.id })
      .all();
    return done.length > 0;
  }

  async insertEvent(row: typeof settlementEvents.$inferInsert): Promise<void> {
    await this.q.orm.insert(settlementEvents).values(row).run();
  }

  async events(batchId: number): Promise<EventRow[]> {
    return this.q.all<EventRow>(EVENTS_SQL, [batchId]);
  }

  /** What a line's checks read about its booking, payment and parties, in one query. */
  async lineContext(bookingId: number): Promise<LineContext> {
    return (await this.q.get<LineContext>(LINE_CONTEXT_SQL, [bookingId]))!;
  }

  /** The file name of a (not removed) document: a line's invoice file. */
  async documentName(id: number): Promise<string | null> {
    return (
      (await this.q.value<string>(`SELECT file_name FROM documents WHERE id = ? AND removed_at IS NULL`, [id])) ?? null
    );
  }

  async organisationName(id: number): Promise<string> {
    return (await this.q.value<string>(`SELECT name FROM organisations WHERE id = ?`, [id])) ?? '';
  }

  async organisationCity(id: number): Promise<string | null> {
    return (await this.q.value<string | null>(`SELECT city_code FROM organisations WHERE id = ?`, [id])) ?? null;
  }

  async userName(id: number): Promise<string | undefined> {
    return this.q.value<string>(`SELECT display_name FROM users WHERE id = ?`, [id]);
  }

  async cities(): Promise<{ code: string; name: string }[]> {
    return this.q.all<{ code: string; name: string }>(`SELECT code, name FROM cities`);
  }

  // Dashboard and register

  /** Voucher money granted, reserved, used, claimed and paid by local month and city (one city, or all: null). */
  async dashboardFacts(city: string | null): Promise<DashboardFact[]> {
    return this.q.all<DashboardFact>(byEngine(this.q.engine, DASHBOARD_FACTS_SQL), { city });
  }

  /** Each voucher use's amount at the stage it has reached (never granted), by month and city. */
  async dashboardStages(city: string | null): Promise<DashboardFact[]> {
    return this.q.all<DashboardFact>(byEngine(this.q.engine, STAGE_FACTS_SQL), { city });
  }

  async register(scope: RegisterScope): Promise<RegisterRow[]> {
    return this.q.all<RegisterRow>(REGISTER_SQL, {
      kind: scope.kind,
      id: 'id' in scope ? scope.id : null,
      city: 'city' in scope ? (scope.city ?? null) : null,
    });
  }
}
