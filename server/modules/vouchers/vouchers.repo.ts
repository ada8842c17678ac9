/**
 * SQL of vouchers: programmes, certifications, controller groups, related parties, quotas and uses.
 * The admin lists' pages are in voucher-lists.repo.ts.
 */
import { and, asc, desc, eq, ilike, inArray, like, lte, or } from 'drizzle-orm';
import { byEngine, fromBool, fromJson, type Queryable } from '../../../db/port.ts';
import {
  cities,
  controllerGroups,
  enterpriseCertifications,
  organisations,
  programmeRuleVersions,
  relatedParties,
  sharedCaps,
  voucherProgrammes,
  voucherQuotas,
  voucherUses,
} from '../../../db/schema/index.ts';
import { listParam } from '../../shared/sql-list.ts';

export type ProgrammeRow = typeof voucherProgrammes.$inferSelect;
export type QuotaRow = typeof voucherQuotas.$inferSelect;
export type VoucherUseRow = typeof voucherUses.$inferSelect;
export type CertificationRow = typeof enterpriseCertifications.$inferSelect;
export type RuleVersionRow = typeof programmeRuleVersions.$inferSelect;
export type SharedCapRow = typeof sharedCaps.$inferSelect;

export interface OrganisationBrief {
  id: number;
  kind: string;
  name: string;
  cityCode: string | null;
  countyCode: string | null;
  province: string | null;
  certified: boolean;
}

// Aliases are quoted: PostgreSQL folds unquoted names to lower case. A parameter tested with IS NULL
// is cast, so that PostgreSQL knows its type (SQLite: the same value).

const ORGANISATION_SQL = `SELECT o.id, o.kind, o.name, o.city_code AS "cityCode", o.county_code AS "countyCode",
    c.province, o.certified
  FROM organisations o LEFT JOIN cities c ON c.code = o.city_code WHERE o.id = ?`;

const CITY_NAME_SQL = `SELECT name FROM cities WHERE code = ?`;

const USE_TOTALS_SQL = `SELECT COALESCE(SUM(CASE WHEN status = 'reserved' THEN reserved_fen END), 0) AS "reservedFen",
    COALESCE(SUM(CASE WHEN status = 'posted' THEN posted_fen END), 0) AS "usedFen"
  FROM voucher_uses WHERE quota_id = ?`;

const QUOTA_COUNT_SQL = `SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ?`;

const GROUP_MEMBERS_SQL = `SELECT o.id, o.name
  FROM enterprise_certifications c JOIN organisations o ON o.id = c.organisation_id
  WHERE c.controller_group_id = @group AND (CAST(@city AS TEXT) IS NULL OR o.city_code = @city) ORDER BY o.id`;

const RELATED_PARTIES_SQL = `SELECT r.id, r.relation, r.note, r.declared_at AS "declaredAt", e.id AS "enterpriseId",
    e.name AS "enterpriseName", p.id AS "providerId", p.name AS "providerName"
  FROM related_parties r JOIN organisations e ON e.id = r.enterprise_id JOIN organisations p ON p.id = r.provider_id
  WHERE (CAST(@enterprise AS INTEGER) IS NULL OR r.enterprise_id = @enterprise)
    AND (CAST(@city AS TEXT) IS NULL OR e.city_code = @city)
  ORDER BY r.id`;

const IS_RELATED_SQL = `SELECT 1 FROM related_parties WHERE enterprise_id = ? AND provider_id = ? LIMIT 1`;

const DELETE_RELATED_PARTY_SQL = `DELETE FROM related_parties WHERE id = ?`;

const QUOTAS_TO_EXPIRE_SQL = `SELECT q.id, q.programme_id AS "programmeId", q.enterprise_id AS "enterpriseId",
    q.cap_fen AS "capFen", q.granted_by AS "grantedBy", q.granted_at AS "grantedAt", q.revoked_at AS "revokedAt",
    q.revoke_reason AS "revokeReason"
  FROM voucher_quotas q JOIN voucher_programmes p ON p.id = q.programme_id
  WHERE p.use_by < ? AND q.revoked_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = 'quota:' || q.id || ':expire')`;

const USES_OF_ENTERPRISE_SQL = `SELECT u.id, u.booking_id AS "bookingId", u.programme_id AS "programmeId", u.status,
    u.reserved_fen AS "reservedFen", u.posted_fen AS "postedFen", u.ratio_percent AS "ratioPercent",
    u.settlement_mode AS "settlementMode", u.created_at AS "createdAt", u.updated_at AS "updatedAt",
    i.name_zh AS "instrumentName", p.name AS "providerName"
  FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id JOIN instruments i ON i.id = b.instrument_id
  JOIN organisations p ON p.id = u.provider_id
  WHERE CAST(? AS INTEGER) IS NULL OR u.enterprise_id = ? ORDER BY u.id DESC LIMIT ?`;

// IN-lists take the list as ONE parameter (listParam): a JSON array read by `json_each(?)` on
// SQLite, an array compared with `= ANY(?)` on PostgreSQL. Each query keeps both texts.

const KNOWN_CITIES_SQL = {
  sqlite: `SELECT code FROM cities WHERE code IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT code FROM cities WHERE code = ANY(?::text[])`,
};

const KNOWN_COUNTIES_SQL = {
  sqlite: `SELECT code FROM counties WHERE code IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT code FROM counties WHERE code = ANY(?::text[])`,
};

const USER_NAME_SQL = `SELECT display_name FROM users WHERE id = ?`;

/** What the uses under some programmes hold and used, of one enterprise or of a controller group's members. */
const SHARED_CAP_USED = `SELECT COALESCE(SUM(CASE WHEN u.status = 'reserved' THEN u.reserved_fen
      WHEN u.status = 'posted' THEN u.posted_fen ELSE 0 END), 0)
  FROM voucher_uses u LEFT JOIN enterprise_certifications c ON c.organisation_id = u.enterprise_id`;
const SHARED_CAP_USED_SQL = {
  sqlite: `${SHARED_CAP_USED}
  WHERE u.programme_id IN (SELECT value FROM json_each(@programmes))
    AND ((@scope = 'enterprise' AND u.enterprise_id = @id) OR (@scope = 'group' AND c.controller_group_id = @id))`,
  postgres: `${SHARED_CAP_USED}
  WHERE u.programme_id = ANY(CAST(@programmes AS bigint[]))
    AND ((CAST(@scope AS TEXT) = 'enterprise' AND u.enterprise_id = @id) OR (CAST(@scope AS TEXT) = 'group' AND c.controller_group_id = @id))`,
};

const CATEGORIES_KNOWN_SQL = {
  sqlite: `SELECT COUNT(*) FROM categories WHERE code IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT COUNT(*) FROM categories WHERE code = ANY(?::text[])`,
};

const INSTITUTIONS_KNOWN_SQL = {
  sqlite: `SELECT COUNT(*) FROM organisations
  WHERE kind = 'institution' AND id IN (SELECT value FROM json_each(?))`,
  postgres: `SELECT COUNT(*) FROM organisations
  WHERE kind = 'institution' AND id = ANY(?::bigint[])`,
};

/** Every booking view asks for its bookings' uses: one statement for the page. */
const USE_COLUMNS = `SELECT id, booking_id AS "bookingId", quota_id AS "quotaId", programme_id AS "programmeId",
    enterprise_id AS "enterpriseId", provider_id AS "providerId", settlement_mode AS "settlementMode", status,
    ratio_percent AS "ratioPercent", eligible_fen AS "eligibleFen", reserved_fen AS "reservedFen",
    posted_fen AS "postedFen", limited_by AS "limitedBy", justification, planned, sequence,
    created_at AS "createdAt", updated_at AS "updatedAt",
    (SELECT p.name FROM voucher_programmes p WHERE p.id = voucher_uses.programme_id) AS "programmeName"
  FROM voucher_uses`;
const USES_OF_BOOKINGS_SQL = {
  sqlite: `${USE_COLUMNS} WHERE booking_id IN (SELECT value FROM json_each(?)) ORDER BY booking_id, sequence`,
  postgres: `${USE_COLUMNS} WHERE booking_id = ANY(?::bigint[]) ORDER BY booking_id, sequence`,
};

/**
 * A name search that ignores case on both engines: SQLite's LIKE does for ASCII, PostgreSQL's
 * needs ILIKE.
 */
const likeOf = { sqlite: like, postgres: ilike };

export type RelatedPartyRow = {
  id: number;
  relation: (typeof relatedParties.$inferSelect)['relation'];
  note: string | null;
  declaredAt: number;
  enterpriseId: number;
  enterpriseName: string;
  providerId: number;
  providerName: string;
};

export type EnterpriseUseRow = Pick<
  VoucherUseRow,
  | 'id'
  | 'bookingId'
  | 'programmeId'
  | 'status'
  | 'reservedFen'
  | 'postedFen'
  | 'ratioPercent'
  | 'settlementMode'
  | 'createdAt'
  | 'updatedAt'
> & { instrumentName: string; providerName: string };

export class VouchersRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): VouchersRepo {
    return new VouchersRepo(q);
  }

  async organisation(id: number): Promise<OrganisationBrief | undefined> {
    const r = await this.q.get<Omit<OrganisationBrief, 'certified'> & { certified: unknown }>(ORGANISATION_SQL, [id]);
    return r && { ...r, certified: fromBool(r.certified) };
  }

  async cityName(code: string | null): Promise<string | null> {
    if (!code) return null;
    return (await this.q.value<string>(CITY_NAME_SQL, [code])) ?? null;
  }

  async knownCities(codes: string[]): Promise<Set<string>> {
    if (!codes.length) return new Set();
    return new Set(
      await this.q.column<string>(byEngine(this.q.engine, KNOWN_CITIES_SQL), [listParam(this.q.engine, codes)]),
    );
  }

  async knownCounties(codes: string[]): Promise<Set<string>> {
    if (!codes.length) return new Set();
    return new Set(
      await this.q.column<string>(byEngine(this.q.engine, KNOWN_COUNTIES_SQL), [listParam(this.q.engine, codes)]),
    );
  }

  async userName(id: number): Promise<string | null> {
    return (await this.q.value<string>(USER_NAME_SQL, [id])) ?? null;
  }

  // Programmes

  async programmes(): Promise<ProgrammeRow[]> {
    return this.q.orm
      .select()
      .from(voucherProgrammes)
      .orderBy(desc(voucherProgrammes.year), asc(voucherProgrammes.id))
      .all();
  }

  async programme(id: number): Promise<ProgrammeRow | undefined> {
    return this.q.orm.select().from(voucherProgrammes).where(eq(voucherProgrammes.id, id)).get();
  }

  async insertProgramme(row: typeof voucherProgrammes.$inferInsert): Promise<ProgrammeRow> {
    return this.q.orm.insert(voucherProgrammes).values(row).returning().get();
  }

  async updateProgramme(id: number, set: Partial<typeof voucherProgrammes.$inferInsert>): Promise<void> {
    await this.q.orm.update(voucherProgrammes).set(set).where(eq(voucherProgrammes.id, id)).run();
  }

  /** Sums of a quota's uses by status. */
  async useTotals(quotaId: number): Promise<{ reservedFen: number; usedFen: number }> {
    const r = await this.q.get<{ reservedFen: unknown; usedFen: unknown }>(USE_TOTALS_SQL, [quotaId]);
    return { reservedFen: Number(r?.reservedFen ?? 0), usedFen: Number(r?.usedFen ?? 0) };
  }

  async categoriesKnown(codes: string[]): Promise<number> {
    return Number(await this.q.value(byEngine(this.q.engine, CATEGORIES_KNOWN_SQL), [listParam(this.q.engine, codes)]));
  }

  async institutionsKnown(ids: number[]): Promise<number> {
    return Number(await this.q.value(byEngine(this.q.engine, INSTITUTIONS_KNOWN_SQL), [listParam(this.q.engine, ids)]));
  }

  async quotaCount(programmeId: number): Promise<number> {
    return Number(await this.q.value(QUOTA_COUNT_SQL, [programmeId]));
  }

  // Enterprises, certification, groups, related parties

  async enterprise(id: number) {
    return (await this.enterprises({ id }, 1))[0];
  }

  /** Enterprises by name or credit code; with `cityCode`, only that city's. */
  async enterprises(filter: { q?: string; id?: number; cityCode?: string }, limit: number) {
    const { q, id, cityCode } = filter;
    const matches = byEngine(this.q.engine, likeOf);
    const where = and(
      eq(organisations.kind, 'enterprise'),
      id !== undefined ? eq(organisations.id, id) : undefined,
      q ? or(matches(organisations.name, `%${q}%`), matches(organisations.creditCode, `%${q}%`)) : undefined,
      cityCode !== undefined ? eq(organisations.cityCode, cityCode) : undefined,
    );
    return this.q.orm
      .select({
        id: organisations.id,
        name: organisations.name,
        cityCode: organisations.cityCode,
        creditCode: organisations.creditCode,
        cityName: cities.name,
      })
      .from(organisations)
      .leftJoin(cities, eq(cities.code, organisations.cityCode))
      .where(where)
      .orderBy(asc(organisations.id))
      .limit(limit)
      .all();
  }

  async certification(organisationId: number): Promise<CertificationRow | undefined> {
    return this.q.orm
      .select()
      .from(enterpriseCertifications)
      .where(eq(enterpriseCertifications.organisationId, organisationId))
      .get();
  }

  async certificationByNumber(no: string): Promise<CertificationRow | undefined> {
    return this.q.orm
      .select()
      .from(enterpriseCertifications)
      .where(eq(enterpriseCertifications.certificateNo, no))
      .get();
  }

  async upsertCertification(row: CertificationRow): Promise<void> {
    const { organisationId: _o, ...set } = row;
    await this.q.orm
      .insert(enterpriseCertifications)
      .values(row)
      .onConflictDoUpdate({ target: enterpriseCertifications.organisationId, set })
      .run();
  }

  /** Controller groups; with `cityCode`, those with at least one member enterprise in that city. */
  async controllerGroups(cityCode?: string) {
    return this.q.orm
      .select()
      .from(controllerGroups)
      .where(
        cityCode === undefined
          ? undefined
          : inArray(
              controllerGroups.id,
              this.q.orm
                .select({ id: enterpriseCertifications.controllerGroupId })
                .from(enterpriseCertifications)
                .innerJoin(organisations, eq(organisations.id, enterpriseCertifications.organisationId))
                .where(eq(organisations.cityCode, cityCode)),
            ),
      )
      .orderBy(asc(controllerGroups.id))
      .all();
  }

  async controllerGroup(id: number) {
    return this.q.orm.select().from(controllerGroups).where(eq(controllerGroups.id, id)).get();
  }

  async insertControllerGroup(row: typeof controllerGroups.$inferInsert) {
    return this.q.orm.insert(controllerGroups).values(row).returning().get();
  }

  /** A group's member enterprises; with `cityCode`, only those of that city. */
  async groupMembers(groupId: number, cityCode?: string): Promise<{ id: number; name: string }[]> {
    return this.q.all<{ id: number; name: string }>(GROUP_MEMBERS_SQL, { group: groupId, city: cityCode ?? null });
  }

  /** Related-party declarations; with `cityCode`, those of that city's enterprises. */
  async relatedParties(filter: { enterpriseId?: number; cityCode?: string } = {}): Promise<RelatedPartyRow[]> {
    return this.q.all<RelatedPartyRow>(RELATED_PARTIES_SQL, {
      enterprise: filter.enterpriseId ?? null,
      city: filter.cityCode ?? null,
    });
  }

  async isRelated(enterpriseId: number, providerId: number): Promise<boolean> {
    return (await this.q.get(IS_RELATED_SQL, [enterpriseId, providerId])) !== undefined;
  }

  /** The new declaration's id; undefined when the same one was already declared. */
  async insertRelatedParty(row: typeof relatedParties.$inferInsert): Promise<number | undefined> {
    const r = await this.q.orm
      .insert(relatedParties)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: relatedParties.id })
      .get();
    return r?.id;
  }

  async deleteRelatedParty(id: number): Promise<boolean> {
    return (await this.q.run(DELETE_RELATED_PARTY_SQL, [id])).changes > 0;
  }

  // Quotas and uses

  /** Quotas, newest first; with `cityCode`, those of the city's enterprises or of programmes the city issued. */
  async quotas(filter: { programmeId?: number; enterpriseId?: number; cityCode?: string }): Promise<QuotaRow[]> {
    const conds = [];
    if (filter.programmeId !== undefined) conds.push(eq(voucherQuotas.programmeId, filter.programmeId));
    if (filter.enterpriseId !== undefined) conds.push(eq(voucherQuotas.enterpriseId, filter.enterpriseId));
    if (filter.cityCode !== undefined)
      conds.push(
        or(
          inArray(
            voucherQuotas.enterpriseId,
            this.q.orm
              .select({ id: organisations.id })
              .from(organisations)
              .where(eq(organisations.cityCode, filter.cityCode)),
          ),
          inArray(
            voucherQuotas.programmeId,
            this.q.orm
              .select({ id: voucherProgrammes.id })
              .from(voucherProgrammes)
              .where(eq(voucherProgrammes.issuerCityCode, filter.cityCode)),
          ),
        ),
      );
    return this.q.orm
      .select()
      .from(voucherQuotas)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(voucherQuotas.id))
      .limit(500)
      .all();
  }

  async quota(id: number): Promise<QuotaRow | undefined> {
    return this.q.orm.select().from(voucherQuotas).where(eq(voucherQuotas.id, id)).get();
  }

  async quotaOf(programmeId: number, enterpriseId: number): Promise<QuotaRow | undefined> {
    return this.q.orm
      .select()
      .from(voucherQuotas)
      .where(and(eq(voucherQuotas.programmeId, programmeId), eq(voucherQuotas.enterpriseId, enterpriseId)))
      .get();
  }

  async insertQuota(row: typeof voucherQuotas.$inferInsert): Promise<QuotaRow> {
    return this.q.orm.insert(voucherQuotas).values(row).returning().get();
  }

  async updateQuota(id: number, set: Partial<QuotaRow>): Promise<void> {
    await this.q.orm.update(voucherQuotas).set(set).where(eq(voucherQuotas.id, id)).run();
  }

  /** Quotas past their programme's use-by date that still hold unused money (for the expiry sweep). */
  async quotasToExpire(today: string): Promise<QuotaRow[]> {
    return this.q.all<QuotaRow>(QUOTAS_TO_EXPIRE_SQL, [today]);
  }

  /** A booking's uses in funding order (a co-funded order has one per programme). */
  async uses(bookingId: number): Promise<VoucherUseRow[]> {
    return this.q.orm
      .select()
      .from(voucherUses)
      .where(eq(voucherUses.bookingId, bookingId))
      .orderBy(asc(voucherUses.sequence), asc(voucherUses.id))
      .all();
  }

  async useById(id: number): Promise<VoucherUseRow | undefined> {
    return this.q.orm.select().from(voucherUses).where(eq(voucherUses.id, id)).get();
  }

  /** The uses of some bookings (every booking view asks: one statement, not the query builder). */
  async usesOfBookings(bookingIds: number[]): Promise<(VoucherUseRow & { programmeName?: string })[]> {
    if (!bookingIds.length) return [];
    const rows = await this.q.all<VoucherUseRow & { programmeName?: string }>(
      byEngine(this.q.engine, USES_OF_BOOKINGS_SQL),
      [listParam(this.q.engine, bookingIds)],
    );
    return rows.map((r) => ({
      ...r,
      planned: r.planned == null ? null : fromJson<NonNullable<VoucherUseRow['planned']>>(r.planned),
      sequence: Number(r.sequence),
    }));
  }

  // Rule versions

  /** A programme's rule versions, newest first. */
  async ruleVersions(programmeId: number): Promise<RuleVersionRow[]> {
    return this.q.orm
      .select()
      .from(programmeRuleVersions)
      .where(eq(programmeRuleVersions.programmeId, programmeId))
      .orderBy(desc(programmeRuleVersions.version))
      .all();
  }

  /** The version in force at `at`: the highest version whose effective time has come. */
  async ruleVersionAt(programmeId: number, at: number): Promise<RuleVersionRow | undefined> {
    return this.q.orm
      .select()
      .from(programmeRuleVersions)
      .where(and(eq(programmeRuleVersions.programmeId, programmeId), lte(programmeRuleVersions.effectiveFrom, at)))
      .orderBy(desc(programmeRuleVersions.version))
      .limit(1)
      .get();
  }

  async ruleVersion(programmeId: number, version: number): Promise<RuleVersionRow | undefined> {
    return this.q.orm
      .select()
      .from(programmeRuleVersions)
      .where(and(eq(programmeRuleVersions.programmeId, programmeId), eq(programmeRuleVersions.version, version)))
      .get();
  }

  async insertRuleVersion(row: typeof programmeRuleVersions.$inferInsert): Promise<RuleVersionRow> {
    return this.q.orm.insert(programmeRuleVersions).values(row).returning().get();
  }

  // Shared caps

  async sharedCaps(): Promise<SharedCapRow[]> {
    return this.q.orm.select().from(sharedCaps).orderBy(desc(sharedCaps.year), asc(sharedCaps.id)).all();
  }

  async sharedCap(id: number): Promise<SharedCapRow | undefined> {
    return this.q.orm.select().from(sharedCaps).where(eq(sharedCaps.id, id)).get();
  }

  async insertSharedCap(row: typeof sharedCaps.$inferInsert): Promise<SharedCapRow> {
    return this.q.orm.insert(sharedCaps).values(row).returning().get();
  }

  async updateSharedCap(id: number, set: Partial<typeof sharedCaps.$inferInsert>): Promise<void> {
    await this.q.orm.update(sharedCaps).set(set).where(eq(sharedCaps.id, id)).run();
  }

  /** What counts against a shared cap for one enterprise or group: its programmes' uses, held or posted. */
  async sharedCapUsed(programmeIds: number[], subject: { scope: 'enterprise' | 'group'; id: number }): Promise<number> {
    if (!programmeIds.length) return 0;
    return Number(
      await this.q.value(byEngine(this.q.engine, SHARED_CAP_USED_SQL), {
        programmes: listParam(this.q.engine, programmeIds),
        scope: subject.scope,
        id: subject.id,
      }),
    );
  }

  async deleteSharedCap(id: number): Promise<void> {
    await this.q.orm.delete(sharedCaps).where(eq(sharedCaps.id, id)).run();
  }

  async insertUse(row: typeof voucherUses.$inferInsert): Promise<VoucherUseRow> {
    return this.q.orm.insert(voucherUses).values(row).returning().get();
  }

  async updateUse(id: number, set: Partial<VoucherUseRow>): Promise<void> {
    await this.q.orm.update(voucherUses).set(set).where(eq(voucherUses.id, id)).run();
  }

  async usesOfEnterprise(enterpriseId: number | null, limit: number): Promise<EnterpriseUseRow[]> {
    return this.q.all<EnterpriseUseRow>(USES_OF_ENTERPRISE_SQL, [enterpriseId, enterpriseId, limit]);
  }
}
