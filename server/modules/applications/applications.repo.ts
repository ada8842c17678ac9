/** SQL of applications: SME certification and voucher applications, their review history, the offices that review them. */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import {
  certificationApplications,
  reviewEvents,
  voucherApplications,
  voucherProgrammes,
  type ApplicationStatus,
  type ReviewAction,
  type ReviewSubject,
} from '../../../db/schema/index.ts';

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

/** Certification applications with the enterprise's city and name, newest first. */
const CERTIFICATION_QUEUE_SQL = `SELECT a.id FROM certification_applications a JOIN organisations e ON e.id = a.organisation_id
  WHERE (CAST(@status AS TEXT) IS NULL OR a.status = @status)
    AND (CAST(@city AS TEXT) IS NULL OR e.city_code = @city)
    AND (CAST(@q AS TEXT) IS NULL OR e.name LIKE @q OR a.registration_no LIKE @q)
  ORDER BY a.submitted_at DESC, a.id DESC LIMIT @limit`;

/** Voucher applications a city's office reads: its enterprises' and its own programmes'. */
const VOUCHER_QUEUE_SQL = `SELECT a.id FROM voucher_applications a JOIN organisations e ON e.id = a.enterprise_id
    JOIN voucher_programmes p ON p.id = a.programme_id
  WHERE (CAST(@status AS TEXT) IS NULL OR a.status = @status)
    AND (CAST(@programme AS INTEGER) IS NULL OR a.programme_id = @programme)
    AND (CAST(@city AS TEXT) IS NULL OR e.city_code = @city OR p.issuer_city_code = @city)
    AND (CAST(@q AS TEXT) IS NULL OR e.name LIKE @q)
  ORDER BY a.submitted_at DESC, a.id DESC LIMIT @limit`;

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

  async certificationsOf(organisationId: number): Promise<CertificationApplicationRow[]> {
    return this.q.orm
      .select()
      .from(certificationApplications)
      .where(eq(certificationApplications.organisationId, organisationId))
      .orderBy(desc(certificationApplications.id))
      .limit(100)
      .all();
  }

  async certificationQueue(
    filter: { status?: ApplicationStatus; cityCode?: string; q?: string },
    limit: number,
  ): Promise<CertificationApplicationRow[]> {
    const ids = await this.q.column<number>(CERTIFICATION_QUEUE_SQL, {
      status: filter.status ?? null,
      city: filter.cityCode ?? null,
      q: filter.q ? `%${filter.q}%` : null,
      limit,
    });
    return this.byIds(ids, (id) => this.certification(id));
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

  async vouchersOf(enterpriseId: number): Promise<VoucherApplicationRow[]> {
    return this.q.orm
      .select()
      .from(voucherApplications)
      .where(eq(voucherApplications.enterpriseId, enterpriseId))
      .orderBy(desc(voucherApplications.id))
      .limit(200)
      .all();
  }

  async voucherQueue(
    filter: { status?: ApplicationStatus; programmeId?: number; cityCode?: string; q?: string },
    limit: number,
  ): Promise<VoucherApplicationRow[]> {
    const ids = await this.q.column<number>(VOUCHER_QUEUE_SQL, {
      status: filter.status ?? null,
      programme: filter.programmeId ?? null,
      city: filter.cityCode ?? null,
      q: filter.q ? `%${filter.q}%` : null,
      limit,
    });
    return this.byIds(ids, (id) => this.voucher(id));
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
