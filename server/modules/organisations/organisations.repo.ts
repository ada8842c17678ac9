/**
 * The queries of registration, review and people management: organisations, their users, the
 * single-use account links, the review history. Takes the database or a transaction (`with`).
 */
import { and, asc, count, desc, eq, isNotNull, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { byEngine, type Queryable } from '../../../db/port.ts';
import {
  cities,
  counties,
  organisations,
  reviewEvents,
  sessions,
  users,
  type OrganisationKind,
  type OrganisationStatus,
  type ReviewSubject,
} from '../../../db/schema/index.ts';
import { AccountTokensRepo } from '../auth/account-tokens.repo.ts';

export type OrganisationRow = typeof organisations.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type { TokenRow } from '../auth/account-tokens.repo.ts';

export interface HistoryRow {
  action: string;
  note: string | null;
  at: number;
  actorUserId: number | null;
  actorName: string | null;
  actorOrganisation: string | null;
}

export interface OrganisationListRow extends OrganisationRow {
  cityName: string | null;
  countyName: string | null;
  people: number;
}

/** `%text%` for LIKE … ESCAPE '\': the text's own %, _ and \ match themselves. */
export const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type OrganisationSort = 'newest' | 'oldest' | 'name';
/** The directory's sorts, and the review queue's by the time sent to review (the registration's, when never sent). */
export type OrganisationOrder = OrganisationSort | 'submittedNewest' | 'submittedOldest';
export type OrganisationFilter = {
  kinds?: OrganisationKind[];
  status?: OrganisationStatus;
  cityCode?: string;
  q?: string;
  /** The search also finds the organisation's people (applicant) by name or e-mail. */
  searchPeople?: boolean;
};

const SUBMITTED = 'COALESCE(o.submitted_at, o.created_at)';
/** The directory's orders; by name in code-point order on both engines (PostgreSQL's "C" collation). */
const ORGANISATION_ORDER: Record<'sqlite' | 'postgres', Record<OrganisationOrder, string>> = {
  sqlite: {
    newest: 'o.id DESC',
    oldest: 'o.id ASC',
    name: 'o.name ASC, o.id ASC',
    submittedNewest: `${SUBMITTED} DESC, o.id DESC`,
    submittedOldest: `${SUBMITTED} ASC, o.id ASC`,
  },
  postgres: {
    newest: 'o.id DESC',
    oldest: 'o.id ASC',
    name: 'o.name COLLATE "C" ASC, o.id ASC',
    submittedNewest: `${SUBMITTED} DESC, o.id DESC`,
    submittedOldest: `${SUBMITTED} ASC, o.id ASC`,
  },
};

/** Who is shown on an organisation's people page: its membership, or disabled. */
export type PersonStatus = 'active' | 'requested' | 'invited' | 'declined' | 'disabled';
/** The people page's orders: administrators first (then by joining), by name, newest or oldest joined first. */
export type PeopleSort = 'admins' | 'name' | 'newest' | 'oldest';
export type PeopleFilter = {
  membership?: UserRow['membership'];
  status?: PersonStatus;
  role?: UserRow['role'];
  q?: string;
  /** Whether the search looks at e-mails too (only for those who see them whole). */
  searchEmail?: boolean;
};

function personStatusCondition(status: PersonStatus): SQL | undefined {
  const enabled = isNull(users.disabledAt);
  switch (status) {
    case 'declined':
      return eq(users.membership, 'declined');
    case 'disabled':
      return and(isNotNull(users.disabledAt), ne(users.membership, 'declined'));
    default:
      return and(eq(users.membership, status), enabled);
  }
}

/** The WHERE conditions of the directory's filter (kind, status, city, a search of name, credit code, contact). */
function organisationConditions(filter: OrganisationFilter): { conds: string[]; params: (string | number)[] } {
  const conds: string[] = [];
  const params: (string | number)[] = [];
  if (filter.kinds?.length) {
    conds.push(`o.kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.status) {
    conds.push('o.status = ?');
    params.push(filter.status);
  }
  if (filter.cityCode) {
    conds.push('o.city_code = ?');
    params.push(filter.cityCode);
  }
  if (filter.q) {
    const p = likePattern(filter.q);
    const applicant = filter.searchPeople
      ? ` OR EXISTS (SELECT 1 FROM users s WHERE s.organisation_id = o.id
          AND (LOWER(s.display_name) LIKE ? ESCAPE '\\' OR LOWER(s.email) LIKE ? ESCAPE '\\'))`
      : '';
    conds.push(
      `(LOWER(o.name) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(o.credit_code, '')) LIKE ? ESCAPE '\\'
        OR LOWER(COALESCE(o.contact_name, '')) LIKE ? ESCAPE '\\'${applicant})`,
    );
    params.push(p, p, p, ...(filter.searchPeople ? [p, p] : []));
  }
  return { conds, params };
}

export class OrganisationsRepo {
  /** The single-use account links (e-mail verification, invitations). */
  readonly tokens: AccountTokensRepo;

  constructor(private readonly q: Queryable) {
    this.tokens = new AccountTokensRepo(q);
  }

  with(q: Queryable): OrganisationsRepo {
    return new OrganisationsRepo(q);
  }

  // Places

  async cities() {
    return this.q.orm
      .select({ code: cities.code, name: cities.name, nameEn: cities.nameEn })
      .from(cities)
      .orderBy(asc(cities.ordinal))
      .all();
  }

  async counties(cityCode?: string) {
    return this.q.orm
      .select()
      .from(counties)
      .where(cityCode ? eq(counties.cityCode, cityCode) : undefined)
      .orderBy(asc(counties.code))
      .all();
  }

  async city(code: string) {
    return this.q.orm.select().from(cities).where(eq(cities.code, code)).get();
  }

  async county(code: string) {
    return this.q.orm.select().from(counties).where(eq(counties.code, code)).get();
  }

  // Organisations

  async organisation(id: number): Promise<OrganisationRow | undefined> {
    return this.q.orm.select().from(organisations).where(eq(organisations.id, id)).get();
  }

  async organisationByCreditCode(code: string): Promise<OrganisationRow | undefined> {
    return this.q.orm.select().from(organisations).where(eq(organisations.creditCode, code)).get();
  }

  async insertOrganisation(row: typeof organisations.$inferInsert): Promise<OrganisationRow> {
    return (await this.q.orm.insert(organisations).values(row).returning().get())!;
  }

  async updateOrganisation(id: number, set: Partial<typeof organisations.$inferInsert>): Promise<void> {
    await this.q.orm.update(organisations).set(set).where(eq(organisations.id, id)).run();
  }

  /**
   * Organisations by kind, status and a search of name, credit code or contact, newest first, `limit`
   * after the id `before`; with their city's and county's names and how many people they have.
   */
  async list(
    filter: OrganisationFilter & { before?: number; limit: number; sort?: OrganisationOrder; offset?: number },
  ): Promise<OrganisationListRow[]> {
    const { conds, params } = organisationConditions(filter);
    if (filter.before !== undefined) {
      conds.push('o.id < ?');
      params.push(filter.before);
    }
    const rows = await this.q.all<Record<string, unknown>>(
      `SELECT o.id, o.kind, o.name, o.name_en AS "nameEn", o.credit_code AS "creditCode", o.city_code AS "cityCode",
         o.address, o.institution_type AS "institutionType", o.certified, o.contact_phone AS "contactPhone",
         o.website, o.created_at AS "createdAt", o.status, o.county_code AS "countyCode",
         o.legal_representative AS "legalRepresentative", o.contact_name AS "contactName",
         o.contact_email AS "contactEmail", o.finance_level AS "financeLevel", o.submitted_at AS "submittedAt",
         o.review_note AS "reviewNote", o.reviewed_by AS "reviewedBy", o.reviewed_at AS "reviewedAt",
         o.updated_at AS "updatedAt", c.name AS "cityName", k.name AS "countyName",
         (SELECT COUNT(*) FROM users u WHERE u.organisation_id = o.id AND u.disabled_at IS NULL) AS people
       FROM organisations o LEFT JOIN cities c ON c.code = o.city_code LEFT JOIN counties k ON k.code = o.county_code
       ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
       ORDER BY ${byEngine(this.q.engine, ORGANISATION_ORDER)[filter.sort ?? 'newest']}
       LIMIT ${Math.trunc(filter.limit)}${filter.offset ? ` OFFSET ${Math.trunc(filter.offset)}` : ''}`,
      params,
    );
    return rows.map((r) => ({
      ...(r as unknown as OrganisationListRow),
      certified: r.certified === true || r.certified === 1,
      people: Number(r.people),
    }));
  }

  /** How many organisations `list` would page through with this filter. */
  async count(filter: OrganisationFilter): Promise<number> {
    const { conds, params } = organisationConditions(filter);
    const row = await this.q.get<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM organisations o ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  // People

  async user(id: number): Promise<UserRow | undefined> {
    return this.q.orm.select().from(users).where(eq(users.id, id)).get();
  }

  async userByEmail(email: string): Promise<UserRow | undefined> {
    return this.q.orm.select().from(users).where(eq(users.email, email)).get();
  }

  async insertUser(row: typeof users.$inferInsert): Promise<UserRow> {
    return (await this.q.orm.insert(users).values(row).returning().get())!;
  }

  async updateUser(id: number, set: Partial<typeof users.$inferInsert>): Promise<void> {
    await this.q.orm.update(users).set(set).where(eq(users.id, id)).run();
  }

  /** Everyone of an organisation: administrators first, then by name's order of joining. */
  async people(organisationId: number): Promise<UserRow[]> {
    return this.q.orm
      .select()
      .from(users)
      .where(eq(users.organisationId, organisationId))
      .orderBy(desc(users.orgAdmin), asc(users.id))
      .all();
  }

  /**
   * A page of an organisation's people by status, role and a search of name (and e-mail), in the order
   * asked (ties by id), with how many match.
   */
  async peoplePage(
    organisationId: number,
    filter: PeopleFilter & { sort?: PeopleSort; offset?: number; limit?: number },
  ): Promise<{ rows: UserRow[]; total: number }> {
    const where = and(
      eq(users.organisationId, organisationId),
      filter.membership ? eq(users.membership, filter.membership) : undefined,
      filter.status ? personStatusCondition(filter.status) : undefined,
      filter.role ? eq(users.role, filter.role) : undefined,
      filter.q
        ? or(
            sql`LOWER(${users.displayName}) LIKE ${likePattern(filter.q)} ESCAPE '\\'`,
            filter.searchEmail ? sql`LOWER(${users.email}) LIKE ${likePattern(filter.q)} ESCAPE '\\'` : undefined,
          )
        : undefined,
    );
    const name = byEngine(this.q.engine, {
      sqlite: sql`${users.displayName}`,
      postgres: sql`${users.displayName} COLLATE "C"`,
    });
    const order: Record<PeopleSort, SQL[]> = {
      admins: [desc(users.orgAdmin), asc(users.id)],
      name: [asc(name), asc(users.id)],
      newest: [desc(users.createdAt), desc(users.id)],
      oldest: [asc(users.createdAt), asc(users.id)],
    };
    const base = this.q.orm
      .select()
      .from(users)
      .where(where)
      .orderBy(...order[filter.sort ?? 'admins']);
    const [rows, n] = await Promise.all([
      filter.limit !== undefined
        ? base
            .limit(filter.limit)
            .offset(filter.offset ?? 0)
            .all()
        : base.all(),
      this.q.orm.select({ n: count() }).from(users).where(where).get(),
    ]);
    return { rows, total: Number(n?.n ?? 0) };
  }

  /** How many of an organisation's people ask to join (enabled requests). */
  async requestCount(organisationId: number): Promise<number> {
    const n = await this.q.orm
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.organisationId, organisationId), eq(users.membership, 'requested'), isNull(users.disabledAt)))
      .get();
    return Number(n?.n ?? 0);
  }

  /** Administrators who can act: enabled, with an accepted membership. */
  async activeAdmins(organisationId: number): Promise<UserRow[]> {
    return this.q.orm
      .select()
      .from(users)
      .where(
        and(
          eq(users.organisationId, organisationId),
          eq(users.orgAdmin, true),
          eq(users.membership, 'active'),
          isNull(users.disabledAt),
        ),
      )
      .orderBy(asc(users.id))
      .all();
  }

  async activePlatformAdmins(): Promise<number> {
    const found = await this.q.orm
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'platform_admin'), eq(users.membership, 'active'), isNull(users.disabledAt)))
      .get();
    return found!.n;
  }

  /** Ends every session of a user (disabled, declined): their cookies stop working at once. */
  async endSessions(userId: number): Promise<void> {
    await this.q.orm.delete(sessions).where(eq(sessions.userId, userId)).run();
  }

  /**
   * Who reviews a registration: the platform's administrators and, when `cityCode` is given, the
   * finance officers of that city's office (not a county's).
   */
  async reviewers(cityCode: string | null): Promise<number[]> {
    const platform = `u.role = 'platform_admin' AND o.kind = 'platform'`;
    const city = `u.role = 'finance_officer' AND o.kind = 'finance_office' AND o.city_code = ?
      AND (o.finance_level IS NULL OR o.finance_level = 'city')`;
    const rows = await this.q.all<{ id: number }>(
      `SELECT u.id FROM users u JOIN organisations o ON o.id = u.organisation_id
       WHERE u.disabled_at IS NULL AND u.membership = 'active' AND (${cityCode ? `(${platform}) OR (${city})` : platform})
       ORDER BY u.id`,
      cityCode ? [cityCode] : [],
    );
    return rows.map((r) => Number(r.id));
  }

  // Review history

  async insertEvent(row: typeof reviewEvents.$inferInsert): Promise<void> {
    await this.q.orm.insert(reviewEvents).values(row).run();
  }

  async history(subjectType: ReviewSubject, subjectId: number): Promise<HistoryRow[]> {
    return this.q.orm
      .select({
        action: reviewEvents.action,
        note: reviewEvents.note,
        at: reviewEvents.at,
        actorUserId: reviewEvents.actorUserId,
        actorName: users.displayName,
        actorOrganisation: organisations.name,
      })
      .from(reviewEvents)
      .leftJoin(users, eq(users.id, reviewEvents.actorUserId))
      .leftJoin(organisations, eq(organisations.id, users.organisationId))
      .where(and(eq(reviewEvents.subjectType, subjectType), eq(reviewEvents.subjectId, subjectId)))
      .orderBy(asc(reviewEvents.at), asc(reviewEvents.id))
      .all();
  }

  /** A registration's counts by status, for the reviewers' tabs. */
  async statusCounts(kinds: OrganisationKind[], cityCode?: string): Promise<Record<string, number>> {
    const rows = await this.q.orm
      .select({ status: organisations.status, n: count() })
      .from(organisations)
      .where(
        and(
          sql`${organisations.kind} IN (${sql.join(
            kinds.map((k) => sql`${k}`),
            sql`, `,
          )})`,
          cityCode ? eq(organisations.cityCode, cityCode) : undefined,
          ne(organisations.status, 'approved'),
        ),
      )
      .groupBy(organisations.status)
      .all();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
