/** SQL of testing needs, the institutions told of them, and quotes. Runs on SQLite and PostgreSQL. */
import { and, eq, inArray } from 'drizzle-orm';
import { fromBool, fromJson, type Param, type Queryable } from '../../../db/port.ts';
import {
  quotes,
  testingNeedInstitutions,
  testingNeeds,
  type QuoteLine,
  type QuoteStatus,
  type TestingNeedStatus,
} from '../../../db/schema/index.ts';

export type NeedInsert = typeof testingNeeds.$inferInsert;
export type QuoteInsert = typeof quotes.$inferInsert;

/** A need with the names its views show. */
export interface NeedRow {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  createdBy: number;
  title: string;
  description: string;
  categoryCode: string | null;
  categoryName: string | null;
  sampleType: string | null;
  sampleCount: number | null;
  deadline: string | null;
  budgetMinFen: number | null;
  budgetMaxFen: number | null;
  cityCode: string | null;
  cityName: string | null;
  visibility: 'public' | 'invited';
  status: TestingNeedStatus;
  expiresAt: number;
  acceptedQuoteId: number | null;
  createdAt: number;
  updatedAt: number;
  quoteCount: number;
}

export interface NeedInstitutionRow {
  needId: number;
  institutionId: number;
  institutionName: string;
  reason: 'invited' | 'matched';
  instrumentIds: number[];
  notifiedAt: number | null;
}

export interface QuoteRow {
  id: number;
  needId: number;
  needTitle: string;
  needEnterpriseId: number;
  institutionId: number;
  institutionName: string;
  institutionCityCode: string | null;
  institutionCityName: string | null;
  instrumentId: number;
  instrumentName: string;
  instrumentModel: string | null;
  lines: QuoteLine[];
  totalFen: number;
  negotiated: boolean;
  earliestDate: string;
  validUntil: string;
  note: string | null;
  status: QuoteStatus;
  createdAt: number;
  updatedAt: number;
  decidedAt: number | null;
  bookingId: number | null;
}

const NEED_SELECT = `SELECT n.id, n.enterprise_id AS "enterpriseId", e.name AS "enterpriseName", n.created_by AS "createdBy",
    n.title, n.description, n.category_code AS "categoryCode", c.name AS "categoryName", n.sample_type AS "sampleType",
    n.sample_count AS "sampleCount", n.deadline, n.budget_min_fen AS "budgetMinFen", n.budget_max_fen AS "budgetMaxFen",
    n.city_code AS "cityCode", ci.name AS "cityName", n.visibility, n.status, n.expires_at AS "expiresAt",
    n.accepted_quote_id AS "acceptedQuoteId", n.created_at AS "createdAt", n.updated_at AS "updatedAt",
    (SELECT COUNT(*) FROM quotes q WHERE q.need_id = n.id AND q.status <> 'withdrawn') AS "quoteCount"
  FROM testing_needs n JOIN organisations e ON e.id = n.enterprise_id
  LEFT JOIN categories c ON c.code = n.category_code LEFT JOIN cities ci ON ci.code = n.city_code`;

const QUOTE_SELECT = `SELECT q.id, q.need_id AS "needId", n.title AS "needTitle", n.enterprise_id AS "needEnterpriseId",
    q.institution_id AS "institutionId", o.name AS "institutionName", o.city_code AS "institutionCityCode",
    ci.name AS "institutionCityName", q.instrument_id AS "instrumentId", i.name_zh AS "instrumentName",
    i.model AS "instrumentModel", q.lines, q.total_fen AS "totalFen", q.negotiated, q.earliest_date AS "earliestDate",
    q.valid_until AS "validUntil", q.note, q.status, q.created_at AS "createdAt", q.updated_at AS "updatedAt",
    q.decided_at AS "decidedAt",
    (SELECT MAX(b.id) FROM bookings b WHERE b.quote_id = q.id) AS "bookingId"
  FROM quotes q JOIN testing_needs n ON n.id = q.need_id JOIN organisations o ON o.id = q.institution_id
  JOIN instruments i ON i.id = q.instrument_id LEFT JOIN cities ci ON ci.code = o.city_code`;

const needRow = (r: Record<string, unknown>): NeedRow => ({
  ...(r as unknown as NeedRow),
  quoteCount: Number(r.quoteCount),
});
const quoteRow = (r: Record<string, unknown>): QuoteRow => ({
  ...(r as unknown as QuoteRow),
  lines: fromJson<QuoteLine[]>(r.lines),
  negotiated: fromBool(r.negotiated),
  bookingId: r.bookingId == null ? null : Number(r.bookingId),
});

/** Which needs a list shows (the caller's role decides; see needs.ts). */
export type NeedScope =
  | { kind: 'enterprise'; enterpriseId: number }
  /** A lab: public open needs and those its institution was invited to or matched with (`mine`: only those). */
  | { kind: 'lab'; institutionId: number; mine: boolean; now: number }
  | { kind: 'all' };

export class NeedsRepo {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): NeedsRepo {
    return new NeedsRepo(q);
  }

  async insertNeed(row: NeedInsert): Promise<number> {
    const made = await this.q.orm.insert(testingNeeds).values(row).returning({ id: testingNeeds.id }).get();
    return made!.id;
  }

  async updateNeed(id: number, changes: Partial<NeedInsert>): Promise<void> {
    await this.q.orm.update(testingNeeds).set(changes).where(eq(testingNeeds.id, id)).run();
  }

  async need(id: number): Promise<NeedRow | undefined> {
    const r = await this.q.get(`${NEED_SELECT} WHERE n.id = ?`, [id]);
    return r ? needRow(r) : undefined;
  }

  async needs(
    scope: NeedScope,
    f: { status?: TestingNeedStatus; category?: string; city?: string; q?: string },
  ): Promise<NeedRow[]> {
    const where: string[] = [];
    const params: Param[] = [];
    if (scope.kind === 'enterprise') {
      where.push('n.enterprise_id = ?');
      params.push(scope.enterpriseId);
    } else if (scope.kind === 'lab') {
      // Never an invited need of others: an invited need shows only to the institutions it was sent to.
      const told = `EXISTS (SELECT 1 FROM testing_need_institutions t WHERE t.need_id = n.id AND t.institution_id = ?
        AND (t.reason = 'invited' OR n.visibility = 'public'))`;
      where.push(scope.mine ? told : `(n.visibility = 'public' OR ${told})`);
      params.push(scope.institutionId);
      if (!f.status) {
        where.push(`n.status = 'open' AND n.expires_at > ?`);
        params.push(scope.now);
      }
    }
    if (f.status) {
      where.push('n.status = ?');
      params.push(f.status);
    }
    if (f.category) {
      where.push('n.category_code LIKE ?');
      params.push(`${f.category}%`);
    }
    if (f.city) {
      where.push('n.city_code = ?');
      params.push(f.city);
    }
    if (f.q) {
      where.push('(n.title LIKE ? OR n.description LIKE ?)');
      params.push(`%${f.q}%`, `%${f.q}%`);
    }
    const sql = `${NEED_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY n.id DESC LIMIT 200`;
    return (await this.q.all(sql, params)).map(needRow);
  }

  async insertInstitutions(rows: (typeof testingNeedInstitutions.$inferInsert)[]): Promise<void> {
    if (rows.length) await this.q.orm.insert(testingNeedInstitutions).values(rows).run();
  }

  async institutions(needId: number): Promise<NeedInstitutionRow[]> {
    const rows = await this.q.all<Record<string, unknown>>(
      `SELECT t.need_id AS "needId", t.institution_id AS "institutionId", o.name AS "institutionName", t.reason,
          t.instrument_ids AS "instrumentIds", t.notified_at AS "notifiedAt"
        FROM testing_need_institutions t JOIN organisations o ON o.id = t.institution_id
        WHERE t.need_id = ? ORDER BY CASE t.reason WHEN 'invited' THEN 0 ELSE 1 END, t.institution_id`,
      [needId],
    );
    return rows.map((r) => ({
      ...(r as unknown as NeedInstitutionRow),
      instrumentIds: fromJson<number[]>(r.instrumentIds),
    }));
  }

  /** The institutions' ids of those that exist and are institutions. */
  async existingInstitutions(ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    return (
      await this.q.column<number>(
        `SELECT id FROM organisations WHERE kind = 'institution' AND id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      )
    ).map(Number);
  }

  async insertQuote(row: QuoteInsert): Promise<number> {
    const made = await this.q.orm.insert(quotes).values(row).returning({ id: quotes.id }).get();
    return made!.id;
  }

  async updateQuote(id: number, changes: Partial<QuoteInsert>): Promise<void> {
    await this.q.orm.update(quotes).set(changes).where(eq(quotes.id, id)).run();
  }

  /** Every submitted quote of a need but one: declined or expired with it. */
  async closeQuotes(needId: number, status: QuoteStatus, now: number, except?: number): Promise<void> {
    const open = await this.q.orm
      .select({ id: quotes.id })
      .from(quotes)
      .where(and(eq(quotes.needId, needId), eq(quotes.status, 'submitted')))
      .all();
    const ids = open.map((r) => r.id).filter((id) => id !== except);
    if (ids.length)
      await this.q.orm
        .update(quotes)
        .set({ status, decidedAt: now, updatedAt: now })
        .where(inArray(quotes.id, ids))
        .run();
  }

  async quote(id: number): Promise<QuoteRow | undefined> {
    const r = await this.q.get(`${QUOTE_SELECT} WHERE q.id = ?`, [id]);
    return r ? quoteRow(r) : undefined;
  }

  async quotesOfNeed(needId: number, institutionId?: number): Promise<QuoteRow[]> {
    const rows = institutionId
      ? await this.q.all(`${QUOTE_SELECT} WHERE q.need_id = ? AND q.institution_id = ? ORDER BY q.id`, [
          needId,
          institutionId,
        ])
      : await this.q.all(`${QUOTE_SELECT} WHERE q.need_id = ? ORDER BY q.id`, [needId]);
    return rows.map(quoteRow);
  }

  async quotesOfInstitution(institutionId: number | null, status?: QuoteStatus): Promise<QuoteRow[]> {
    const where: string[] = [];
    const params: Param[] = [];
    if (institutionId !== null) {
      where.push('q.institution_id = ?');
      params.push(institutionId);
    }
    if (status) {
      where.push('q.status = ?');
      params.push(status);
    }
    const sql = `${QUOTE_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY q.id DESC LIMIT 200`;
    return (await this.q.all(sql, params)).map(quoteRow);
  }

  /** The lab's average rating of its completed bookings. */
  async rating(institutionId: number): Promise<{ rating: number | null; count: number }> {
    const r = await this.q.get<{ avg: unknown; n: unknown }>(
      `SELECT AVG(rating) AS avg, COUNT(rating) AS n FROM bookings
        WHERE institution_id = ? AND status = 'completed' AND rating IS NOT NULL`,
      [institutionId],
    );
    const count = Number(r?.n ?? 0);
    return { rating: count ? Math.round(Number(r!.avg) * 10) / 10 : null, count };
  }

  /** Bookings placed on a quote that still hold it (not cancelled, rejected or failed). */
  async liveBookingsOnQuote(quoteId: number): Promise<number> {
    return Number(
      await this.q.value(
        `SELECT COUNT(*) FROM bookings WHERE quote_id = ? AND status NOT IN ('cancelled', 'rejected', 'payment_failed')`,
        [quoteId],
      ),
    );
  }

  async bookingsOfNeed(needId: number): Promise<{ id: number; quoteId: number; createdAt: number }[]> {
    return this.q.all(
      `SELECT b.id, b.quote_id AS "quoteId", b.created_at AS "createdAt" FROM bookings b
        JOIN quotes q ON q.id = b.quote_id WHERE q.need_id = ? ORDER BY b.id`,
      [needId],
    );
  }

  /** Open needs whose time is up. */
  async expiredNeeds(now: number): Promise<number[]> {
    return (
      await this.q.column<number>(
        `SELECT id FROM testing_needs WHERE status = 'open' AND expires_at <= ? ORDER BY id`,
        [now],
      )
    ).map(Number);
  }

  /** Submitted quotes past their last valid day. */
  async lapsedQuotes(today: string): Promise<number[]> {
    return (
      await this.q.column<number>(`SELECT id FROM quotes WHERE status = 'submitted' AND valid_until < ? ORDER BY id`, [
        today,
      ])
    ).map(Number);
  }

  async instrument(id: number) {
    return this.q.get<{
      id: number;
      institutionId: number;
      nameZh: string;
      categoryCode: string;
      sharingMode: string;
      runStatus: string;
    }>(
      `SELECT id, institution_id AS "institutionId", name_zh AS "nameZh", category_code AS "categoryCode",
          sharing_mode AS "sharingMode", run_status AS "runStatus" FROM instruments WHERE id = ?`,
      [id],
    );
  }
}
