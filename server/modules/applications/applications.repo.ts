/** SQL of applications: SME certification and voucher applications, their review history, the offices that review them. */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { byEngine, type Queryable } from '../../../db/port.ts';
import {
  certificationApplications,
  reviewEvents,
  voucherApplications,
  voucherProgrammes,
  type ApplicationStatus,
  type ReviewAction,
  type ReviewSubject,
} from '../../../db/schema/index.ts';
import { likePattern } from '../organisations/organisations.repo.ts';

export type CertificationApplicationRow = typeof certificationApplications.$inferSelect;
export type VoucherApplicationRow = typeof voucherApplications.$inferSelect;
export type ProgrammeRow = typeof voucherProgrammes.$inferSelect;

/** Applications still with the office or the applicant: at most one per enterprise (and programme). */
export const OPEN_STATUSES = ['submitted', 'returned'] as const satisfies readonly ApplicationStatus[];

/** What reviewers and the applicant see of the enterprise behind an application. */
export interface EnterpriseFacts {
  id: number;
  name: string;
  kind: string;
  status: string;
  creditCode: string | null;
  cityCode: string | null;
  cityName: string | null;
  province: string | null;
  legalRepresentative: string | null;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
}

export interface HistoryRow {
  id: number;
  action: ReviewAction;
  note: string | null;
  at: number;
  actorName: string | null;
  actorOrganisation: string | null;
}

const ENTERPRISE_SQL = `SELECT o.id, o.name, o.kind, o.status, o.credit_code AS "creditCode", o.city_code AS "cityCode",
    c.name AS "cityName", c.province, o.legal_representative AS "legalRepresentative", o.contact_name AS "contactName",
    o.contact_phone AS "contactPhone", o.contact_email AS "contactEmail"
  FROM organisations o LEFT JOIN cities c ON c.code = o.city_code WHERE o.id = ?`;

/** A city's own finance office (not a county's): the first made, as settlement picks it. */
const CITY_OFFICE_SQL = `SELECT id FROM organisations WHERE kind = 'finance_office' AND city_code = ?
    AND (finance_level IS NULL OR finance_level = 'city') ORDER BY id LIMIT 1`;

const HISTORY_SQL = `SELECT e.id, e.action, e.note, e.at, u.display_name AS "actorName", o.name AS "actorOrganisation"
  FROM review_events e LEFT JOIN users u ON u.id = e.actor_user_id LEFT JOIN organisations o ON o.id = u.organisation_id
  WHERE e.subject_type = ? AND e.subject_id = ? ORDER BY e.at, e.id`;

const USER_NAME_SQL = `SELECT display_name FROM users WHERE id = ?`;

/** The orders of the application tables: submitted time, the enterprise's name, the amount asked (vouchers). */
export const applicationSorts = ['newest', 'oldest', 'enterprise', 'amount_desc', 'amount_asc'] as const;
export type ApplicationSort = (typeof applicationSorts)[number];

/** What a page of a queue is chosen by: status, enterprise or reviewer's city, programme, a search. */
export interface QueueFilter {
  status?: ApplicationStatus;
  /** The enterprise's own applications only. */
  enterpriseId?: number;
  /** A city's office: its city's enterprises (and, for vouchers, its own programmes). */
  scopeCity?: string;
  /** The enterprise's city, chosen in the table. */
  cityCode?: string;
  programmeId?: number;
  /** Part of the enterprise's name or credit code, or of the registration number (certification). */
  q?: string;
}

export interface QueuePage {
  sort?: ApplicationSort;
  offset?: number;
  limit: number;
}

/** Stable orders (the id breaks ties); names in code-point order on both engines. */
const QUEUE_ORDER: Record<'sqlite' | 'postgres', Record<ApplicationSort, string>> = {
  sqlite: {
    newest: 'a.submitted_at DESC, a.id DESC',
    oldest: 'a.submitted_at ASC, a.id ASC',
    enterprise: 'e.name ASC, a.id ASC',
    amount_desc: 'a.amount_fen DESC, a.id DESC',
    amount_asc: 'a.amount_fen ASC, a.id ASC',
  },
  postgres: {
    newest: 'a.submitted_at DESC, a.id DESC',
    oldest: 'a.submitted_at ASC, a.id ASC',
    enterprise: 'e.name COLLATE "C" ASC, a.id ASC',
    amount_desc: 'a.amount_fen DESC, a.id DESC',
    amount_asc: 'a.amount_fen ASC, a.id ASC',
  },
};

/** FROM and WHERE of a queue (certification or voucher applications), with their parameters. */
function queueFrom(kind: 'certification' | 'voucher', f: QueueFilter): { sql: string; params: (string | number)[] } {
  const conds: string[] = [];
  const params: (string | number)[] = [];
  const enterpriseColumn = kind === 'certification' ? 'a.organisation_id' : 'a.enterprise_id';
  let from =
    kind === 'certification'
      ? 'certification_applications a JOIN organisations e ON e.id = a.organisation_id'
      : 'voucher_applications a JOIN organisations e ON e.id = a.enterprise_id JOIN voucher_programmes p ON p.id = a.programme_id';
  if (f.enterpriseId !== undefined) {
    conds.push(`${enterpriseColumn} = ?`);
    params.push(f.enterpriseId);
  }
  if (f.scopeCity) {
    conds.push(kind === 'certification' ? 'e.city_code = ?' : '(e.city_code = ? OR p.issuer_city_code = ?)');
    params.push(...(kind === 'certification' ? [f.scopeCity] : [f.scopeCity, f.scopeCity]));
  }
  if (f.status) {
    conds.push('a.status = ?');
    params.push(f.status);
  }
  if (f.cityCode) {
    conds.push('e.city_code = ?');
    params.push(f.cityCode);
  }
  if (f.programmeId !== undefined && kind === 'voucher') {
    conds.push('a.programme_id = ?');
    params.push(f.programmeId);
  }
  if (f.q) {
    const p = likePattern(f.q);
    const registration = kind === 'certification' ? ` OR LOWER(a.registration_no) LIKE ? ESCAPE '\\'` : '';
    conds.push(
      `(LOWER(e.name) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(e.credit_code, '')) LIKE ? ESCAPE '\\'${registration})`,
    );
    params.push(p, p, ...(registration ? [p] : []));
  }
  from += conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
  return { sql: from, params };
}

/**
 * Certified enterprises of an automatic programme's scope without a quota in it: approved, their
 * certification neither revoked nor lapsed on `date`, in the issuing city (a city's programme) or in
 * the programme's province.
 */
const AUTOMATIC_CANDIDATES_SQL = `SELECT o.id FROM organisations o
    JOIN enterprise_certifications c ON c.organisation_id = o.id
    JOIN cities ci ON ci.code = o.city_code
  WHERE o.kind = 'enterprise' AND o.status = 'approved' AND c.revoked_at IS NULL AND c.expires_on >= @date
    AND (CAST(@city AS TEXT) IS NULL OR o.city_code = @city) AND ci.province = @province
    AND (CAST(@enterprise AS INTEGER) IS NULL OR o.id = @enterprise)
    AND NOT EXISTS (SELECT 1 FROM voucher_quotas q WHERE q.programme_id = @programme AND q.enterprise_id = o.id)
  ORDER BY o.id LIMIT @limit`;

export class ApplicationsRepo {
  constructor(private readonly q: Queryable) {}

  with(q: Queryable): ApplicationsRepo {
    return new ApplicationsRepo(q);
  }

  // Who is who

  async enterprise(id: number): Promise<EnterpriseFacts | undefined> {
    return this.q.get<EnterpriseFacts>(ENTERPRISE_SQL, [id]);
  }

  async cityOffice(cityCode: string): Promise<number | undefined> {
    return this.q.value<number>(CITY_OFFICE_SQL, [cityCode]);
  }

  async cityName(code: string | null): Promise<string | null> {
    if (!code) return null;
    return (await this.q.value<string>(`SELECT name FROM cities WHERE code = ?`, [code])) ?? null;
  }

  async userName(id: number | null): Promise<string | null> {
    if (id === null) return null;
    return (await this.q.value<string>(USER_NAME_SQL, [id])) ?? null;
  }

  // History

  async addEvent(
    subject: { type: ReviewSubject; id: number },
    action: ReviewAction,
    actorUserId: number | null,
    note: string | null,
    at: number,
  ): Promise<void> {
    await this.q.orm
      .insert(reviewEvents)
      .values({ subjectType: subject.type, subjectId: subject.id, action, note, actorUserId, at })
      .run();
  }

  async history(subject: { type: ReviewSubject; id: number }): Promise<HistoryRow[]> {
    return this.q.all<HistoryRow>(HISTORY_SQL, [subject.type, subject.id]);
  }

  // Certification applications

  async insertCertification(row: typeof certificationApplications.$inferInsert): Promise<CertificationApplicationRow> {
    return this.q.orm.insert(certificationApplications).values(row).returning().get();
  }

  async certification(id: number): Promise<CertificationApplicationRow | undefined> {
    return this.q.orm.select().from(certificationApplications).where(eq(certificationApplications.id, id)).get();
  }

  async updateCertification(id: number, set: Partial<CertificationApplicationRow>): Promise<void> {
    await this.q.orm.update(certificationApplications).set(set).where(eq(certificationApplications.id, id)).run();
  }

  async openCertificationOf(organisationId: number): Promise<CertificationApplicationRow | undefined> {
    return this.q.orm
      .select()
      .from(certificationApplications)
      .where(
        and(
          eq(certificationApplications.organisationId, organisationId),
          inArray(certificationApplications.status, OPEN_STATUSES),
        ),
      )
      .get();
  }

  /** Another enterprise's open application with this registration number. */
  async openCertificationByNumber(registrationNo: string): Promise<CertificationApplicationRow | undefined> {
    return this.q.orm
      .select()
      .from(certificationApplications)
      .where(
        and(
          eq(certificationApplications.registrationNo, registrationNo),
          inArray(certificationApplications.status, OPEN_STATUSES),
        ),
      )
      .get();
  }

  /** A page of certification applications (the enterprise's own, or a reviewer's queue) in the order asked. */
  async certificationQueue(filter: QueueFilter, page: QueuePage): Promise<CertificationApplicationRow[]> {
    const ids = await this.queueIds('certification', filter, page);
    return this.byIds(ids, (id) => this.certification(id));
  }

  /** How many certification applications the filter matches. */
  async certificationCount(filter: QueueFilter): Promise<number> {
    return this.queueCount('certification', filter);
  }

  // Voucher applications

  async insertVoucher(row: typeof voucherApplications.$inferInsert): Promise<VoucherApplicationRow> {
    return this.q.orm.insert(voucherApplications).values(row).returning().get();
  }

  async voucher(id: number): Promise<VoucherApplicationRow | undefined> {
    return this.q.orm.select().from(voucherApplications).where(eq(voucherApplications.id, id)).get();
  }

  async updateVoucher(id: number, set: Partial<VoucherApplicationRow>): Promise<void> {
    await this.q.orm.update(voucherApplications).set(set).where(eq(voucherApplications.id, id)).run();
  }

  /** The enterprise's application in a programme that still counts: open, or approved. */
  async liveVoucherOf(programmeId: number, enterpriseId: number): Promise<VoucherApplicationRow | undefined> {
    return this.q.orm
      .select()
      .from(voucherApplications)
      .where(
        and(
          eq(voucherApplications.programmeId, programmeId),
          eq(voucherApplications.enterpriseId, enterpriseId),
          inArray(voucherApplications.status, [...OPEN_STATUSES, 'approved']),
        ),
      )
      .get();
  }

  /** A page of voucher applications (the enterprise's own, or a reviewer's queue) in the order asked. */
  async voucherQueue(filter: QueueFilter, page: QueuePage): Promise<VoucherApplicationRow[]> {
    const ids = await this.queueIds('voucher', filter, page);
    return this.byIds(ids, (id) => this.voucher(id));
  }

  /** How many voucher applications the filter matches. */
  async voucherCount(filter: QueueFilter): Promise<number> {
    return this.queueCount('voucher', filter);
  }

  private async queueIds(kind: 'certification' | 'voucher', filter: QueueFilter, page: QueuePage) {
    const { sql, params } = queueFrom(kind, filter);
    const sort = kind === 'certification' && page.sort?.startsWith('amount') ? 'newest' : (page.sort ?? 'newest');
    return this.q.column<number>(
      `SELECT a.id FROM ${sql} ORDER BY ${byEngine(this.q.engine, QUEUE_ORDER)[sort]}
       LIMIT ${Math.trunc(page.limit)}${page.offset ? ` OFFSET ${Math.trunc(page.offset)}` : ''}`,
      params,
    );
  }

  private async queueCount(kind: 'certification' | 'voucher', filter: QueueFilter): Promise<number> {
    const { sql, params } = queueFrom(kind, filter);
    return Number((await this.q.value<number | string>(`SELECT COUNT(*) FROM ${sql}`, params)) ?? 0);
  }

  // Programmes that issue quotas by application or automatically

  async programmesIssuedBy(mode: 'application' | 'automatic'): Promise<ProgrammeRow[]> {
    return this.q.orm
      .select()
      .from(voucherProgrammes)
      .where(eq(voucherProgrammes.quotaIssueMode, mode))
      .orderBy(desc(voucherProgrammes.year), voucherProgrammes.id)
      .all();
  }

  async automaticCandidates(
    p: Pick<ProgrammeRow, 'id' | 'issuerCityCode' | 'province'>,
    date: string,
    enterpriseId: number | undefined,
    limit: number,
  ): Promise<number[]> {
    return this.q.column<number>(AUTOMATIC_CANDIDATES_SQL, {
      programme: p.id,
      city: p.issuerCityCode,
      province: p.province,
      date,
      enterprise: enterpriseId ?? null,
      limit,
    });
  }

  private async byIds<T>(ids: number[], one: (id: number) => Promise<T | undefined>): Promise<T[]> {
    const rows: T[] = [];
    for (const id of ids) {
      const row = await one(Number(id));
      if (row) rows.push(row);
    }
    return rows;
  }
}
