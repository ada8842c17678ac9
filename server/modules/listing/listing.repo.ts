/** SQL of listing review (入网审核): submissions, their queue and counts, history, and who reviews them. */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { byEngine, fromJson, type Queryable } from '../../../db/port.ts';
import { OrganisationsRepo } from '../organisations/organisations.repo.ts';
import type { ListingSort } from './listing.schemas.ts';
import {
  listingSubmissions,
  reviewEvents,
  type ListingKind,
  type ListingSource,
  type ListingStatus,
  type ReviewAction,
} from '../../../db/schema/index.ts';

export type SubmissionRow = typeof listingSubmissions.$inferSelect;
export type SubmissionInsert = typeof listingSubmissions.$inferInsert;

/** A submission with the names the queue and the lab's list show. */
export interface SubmissionListRow extends SubmissionRow {
  institutionName: string;
  categoryName: string | null;
  cityName: string | null;
  submittedByName: string | null;
  decidedByName: string | null;
}

export interface HistoryRow {
  id: number;
  action: ReviewAction;
  note: string | null;
  at: number;
  actorName: string | null;
  actorOrganisation: string | null;
}

/** What a caller may see: everything, one institution's, or one city's. */
export type Scope =
  { kind: 'all' } | { kind: 'institution'; institutionId: number } | { kind: 'city'; cityCode: string };

export interface QueueFilter {
  status?: ListingStatus;
  kind?: ListingKind;
  source?: ListingSource;
  city?: string;
  institutionId?: number;
  instrumentId?: number;
  q?: string;
  sort?: ListingSort;
}

/** Open submissions: waiting for the reviewer (pending) or for the lab (returned). */
export const OPEN_STATUSES = ['pending', 'returned'] as const satisfies readonly ListingStatus[];

const SELECT = `SELECT s.*, o.name AS "institutionName", c.name AS "categoryName", ci.name AS "cityName",
    su.display_name AS "submittedByName", du.display_name AS "decidedByName"
  FROM listing_submissions s JOIN organisations o ON o.id = s.institution_id
    LEFT JOIN categories c ON c.code = s.category_code LEFT JOIN cities ci ON ci.code = s.city_code
    LEFT JOIN users su ON su.id = s.submitted_by LEFT JOIN users du ON du.id = s.decided_by`;

/** The filters other than the status (the counts per status use these). */
const WHERE = `(CAST(@scopeInstitution AS INTEGER) IS NULL OR s.institution_id = @scopeInstitution)
    AND (CAST(@scopeCity AS TEXT) IS NULL OR s.city_code = @scopeCity)
    AND (CAST(@kind AS TEXT) IS NULL OR s.kind = @kind)
    AND (CAST(@source AS TEXT) IS NULL OR s.source = @source)
    AND (CAST(@city AS TEXT) IS NULL OR s.city_code = @city)
    AND (CAST(@institutionId AS INTEGER) IS NULL OR s.institution_id = @institutionId)
    AND (CAST(@instrumentId AS INTEGER) IS NULL OR s.instrument_id = @instrumentId)
    AND (CAST(@q AS TEXT) IS NULL OR LOWER(s.name_zh) LIKE @q OR LOWER(s.asset_number) LIKE @q
      OR LOWER(o.name) LIKE @q)`;

/**
 * The queue's orders, each ending in the submission time and the id (a stable order for numbered
 * pages); institution names in code-point order on both engines (PostgreSQL's "C" collation).
 */
const QUEUE_ORDER: Record<'sqlite' | 'postgres', Record<ListingSort, string>> = {
  sqlite: {
    submitted_asc: 's.submitted_at ASC, s.id ASC',
    submitted_desc: 's.submitted_at DESC, s.id DESC',
    institution_asc: 'o.name ASC, s.submitted_at ASC, s.id ASC',
    institution_desc: 'o.name DESC, s.submitted_at ASC, s.id ASC',
  },
  postgres: {
    submitted_asc: 's.submitted_at ASC, s.id ASC',
    submitted_desc: 's.submitted_at DESC, s.id DESC',
    institution_asc: 'o.name COLLATE "C" ASC, s.submitted_at ASC, s.id ASC',
    institution_desc: 'o.name COLLATE "C" DESC, s.submitted_at ASC, s.id ASC',
  },
};

/** Columns the raw SELECT gives in snake case: the row as drizzle's camel-case type. */
function decode(r: Record<string, unknown>): SubmissionListRow {
  return {
    id: Number(r.id),
    institutionId: Number(r.institution_id),
    instrumentId: r.instrument_id === null ? null : Number(r.instrument_id),
    kind: r.kind as ListingKind,
    status: r.status as ListingStatus,
    record: fromJson<Record<string, unknown>>(r.record),
    published: r.published === null ? null : fromJson<Record<string, unknown>>(r.published),
    fieldReasons: r.field_reasons === null ? null : fromJson<Record<string, string>>(r.field_reasons),
    note: (r.note as string | null) ?? null,
    source: r.source as ListingSource,
    importId: r.import_id === null ? null : Number(r.import_id),
    assetNumber: r.asset_number as string,
    nameZh: r.name_zh as string,
    categoryCode: r.category_code as string,
    cityCode: r.city_code as string,
    submittedBy: r.submitted_by === null ? null : Number(r.submitted_by),
    submittedAt: Number(r.submitted_at),
    decidedBy: r.decided_by === null ? null : Number(r.decided_by),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    updatedAt: Number(r.updated_at),
    institutionName: r.institutionName as string,
    categoryName: (r.categoryName as string | null) ?? null,
    cityName: (r.cityName as string | null) ?? null,
    submittedByName: (r.submittedByName as string | null) ?? null,
    decidedByName: (r.decidedByName as string | null) ?? null,
  };
}

export class ListingRepo {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): ListingRepo {
    return new ListingRepo(q);
  }

  async insert(row: SubmissionInsert): Promise<number> {
    const made = await this.q.orm.insert(listingSubmissions).values(row).returning({ id: listingSubmissions.id }).get();
    return Number(made!.id);
  }

  async update(id: number, set: Partial<SubmissionInsert>): Promise<void> {
    await this.q.orm.update(listingSubmissions).set(set).where(eq(listingSubmissions.id, id)).run();
  }

  /**
   * Moves a submission from one of `from` to `set.status`: false when another request moved it first
   * (the caller answers 409 instead of deciding twice).
   */
  async transition(id: number, from: readonly ListingStatus[], set: Partial<SubmissionInsert>): Promise<boolean> {
    const claimed = await this.q.run(
      `UPDATE listing_submissions SET status = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`,
      [set.status!, id, ...from],
    );
    if (claimed.changes !== 1) return false;
    await this.update(id, set);
    return true;
  }

  async get(id: number): Promise<SubmissionListRow | undefined> {
    const row = await this.q.get<Record<string, unknown>>(`${SELECT} WHERE s.id = ?`, [id]);
    return row && decode(row);
  }

  /** The open change of a published instrument (at most one). */
  async openChange(instrumentId: number): Promise<SubmissionListRow | undefined> {
    const row = await this.q.get<Record<string, unknown>>(
      `${SELECT} WHERE s.instrument_id = ? AND s.kind = 'change' AND s.status IN ('pending', 'returned')
       ORDER BY s.id DESC LIMIT 1`,
      [instrumentId],
    );
    return row && decode(row);
  }

  /** An open new record holding this asset number in the institution (other than `exceptId`). */
  async assetReserved(institutionId: number, assetNumber: string, exceptId?: number): Promise<boolean> {
    const row = await this.q.orm
      .select({ id: listingSubmissions.id })
      .from(listingSubmissions)
      .where(
        and(
          eq(listingSubmissions.institutionId, institutionId),
          eq(listingSubmissions.assetNumber, assetNumber),
          eq(listingSubmissions.kind, 'new'),
          inArray(listingSubmissions.status, [...OPEN_STATUSES]),
          ...(exceptId !== undefined ? [ne(listingSubmissions.id, exceptId)] : []),
        ),
      )
      .get();
    return row !== undefined;
  }

  private params(scope: Scope, f: QueueFilter) {
    return {
      scopeInstitution: scope.kind === 'institution' ? scope.institutionId : null,
      scopeCity: scope.kind === 'city' ? scope.cityCode : null,
      kind: f.kind ?? null,
      source: f.source ?? null,
      city: f.city ?? null,
      institutionId: f.institutionId ?? null,
      instrumentId: f.instrumentId ?? null,
      q: f.q ? `%${f.q.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null,
    };
  }

  /**
   * One page of the queue in the order asked; by default oldest waiting first for pending work, the
   * latest changed first otherwise.
   */
  async list(scope: Scope, f: QueueFilter, page: { offset: number; limit: number }): Promise<SubmissionListRow[]> {
    const order = f.sort
      ? byEngine(this.q.engine, QUEUE_ORDER)[f.sort]
      : f.status === 'pending'
        ? 's.submitted_at ASC, s.id ASC'
        : 's.updated_at DESC, s.id DESC';
    const rows = await this.q.all<Record<string, unknown>>(
      `${SELECT} WHERE ${WHERE.replace(/LIKE @q/g, `LIKE @q ESCAPE '\\'`)}
         AND (CAST(@status AS TEXT) IS NULL OR s.status = @status)
       ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      { ...this.params(scope, f), status: f.status ?? null, limit: page.limit, offset: page.offset },
    );
    return rows.map(decode);
  }

  /** Submissions per status under the filters (every status, the status filter aside). */
  async counts(scope: Scope, f: QueueFilter): Promise<Record<ListingStatus, number>> {
    const rows = await this.q.all<{ status: ListingStatus; n: unknown }>(
      `SELECT s.status, COUNT(*) AS n FROM listing_submissions s JOIN organisations o ON o.id = s.institution_id
       WHERE ${WHERE.replace(/LIKE @q/g, `LIKE @q ESCAPE '\\'`)} GROUP BY s.status`,
      this.params(scope, f),
    );
    const out = { pending: 0, returned: 0, approved: 0, rejected: 0, withdrawn: 0 };
    for (const r of rows) out[r.status] = Number(r.n);
    return out;
  }

  /** The latest submission of each of these instruments (for the lab's list of its records). */
  async latestFor(instrumentIds: number[]): Promise<SubmissionListRow[]> {
    if (!instrumentIds.length) return [];
    const rows = await this.q.all<Record<string, unknown>>(
      `${SELECT} WHERE s.id IN (SELECT MAX(id) FROM listing_submissions WHERE instrument_id IN (${instrumentIds
        .map(() => '?')
        .join(',')}) AND kind = 'change' AND status IN ('pending', 'returned') GROUP BY instrument_id)`,
      instrumentIds,
    );
    return rows.map(decode);
  }

  async insertEvent(row: typeof reviewEvents.$inferInsert): Promise<void> {
    await this.q.orm.insert(reviewEvents).values(row).run();
  }

  async history(id: number): Promise<HistoryRow[]> {
    const rows = await this.q.all<HistoryRow>(
      `SELECT e.id, e.action, e.note, e.at, u.display_name AS "actorName", o.name AS "actorOrganisation"
       FROM review_events e LEFT JOIN users u ON u.id = e.actor_user_id LEFT JOIN organisations o ON o.id = u.organisation_id
       WHERE e.subject_type = 'listing_submission' AND e.subject_id = ? ORDER BY e.at, e.id`,
      [id],
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }));
  }

  /**
   * Who reviews a submission of this city: platform admins and, in city mode, the finance officers
   * of the city's own finance office (not a county's) — the same people who review registrations.
   */
  reviewers(cityCode: string | null): Promise<number[]> {
    return new OrganisationsRepo(this.q).reviewers(cityCode);
  }

  /** The city a finance office reviews for: its city when it is a city-level office. */
  async officeCity(organisationId: number): Promise<string | null> {
    const row = await this.q.get<{ city: string | null; level: string | null; kind: string }>(
      `SELECT city_code AS city, finance_level AS level, kind FROM organisations WHERE id = ?`,
      [organisationId],
    );
    if (!row || row.kind !== 'finance_office' || !row.city) return null;
    return row.level === null || row.level === 'city' ? row.city : null;
  }

  async institution(
    id: number,
  ): Promise<{ id: number; name: string; kind: string; cityCode: string | null } | undefined> {
    const row = await this.q.get<{ id: number; name: string; kind: string; cityCode: string | null }>(
      `SELECT id, name, kind, city_code AS "cityCode" FROM organisations WHERE id = ?`,
      [id],
    );
    return row && { ...row, id: Number(row.id) };
  }
}
