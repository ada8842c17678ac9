/** SQL of vouchers: programmes, certifications, controller groups, related parties, quotas and uses. */
import { and, asc, desc, eq, inArray, like, or, sql } from 'drizzle-orm';
import { statementCache, writeTransaction, type Db } from '../../../db/client.ts';
import {
  cities,
  controllerGroups,
  enterpriseCertifications,
  organisations,
  relatedParties,
  voucherProgrammes,
  voucherQuotas,
  voucherUses,
} from '../../../db/schema/index.ts';

export type ProgrammeRow = typeof voucherProgrammes.$inferSelect;
export type QuotaRow = typeof voucherQuotas.$inferSelect;
export type VoucherUseRow = typeof voucherUses.$inferSelect;
export type CertificationRow = typeof enterpriseCertifications.$inferSelect;

export interface OrganisationBrief {
  id: number;
  kind: string;
  name: string;
  cityCode: string | null;
  province: string | null;
  certified: boolean;
}

export class VouchersRepo {
  private readonly stmt: ReturnType<typeof statementCache>;

  constructor(readonly db: Db) {
    this.stmt = statementCache(db);
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  organisation(id: number): OrganisationBrief | undefined {
    const r = this.stmt(
      `SELECT o.id, o.kind, o.name, o.city_code AS cityCode, c.province, o.certified
       FROM organisations o LEFT JOIN cities c ON c.code = o.city_code WHERE o.id = ?`,
    ).get(id) as (Omit<OrganisationBrief, 'certified'> & { certified: number }) | undefined;
    return r && { ...r, certified: Boolean(r.certified) };
  }

  cityName(code: string | null): string | null {
    if (!code) return null;
    return (this.stmt(`SELECT name FROM cities WHERE code = ?`).pluck().get(code) as string | undefined) ?? null;
  }

  knownCities(codes: string[]): Set<string> {
    if (!codes.length) return new Set();
    return new Set(
      this.db
        .select({ code: cities.code })
        .from(cities)
        .where(sql`${cities.code} IN (SELECT value FROM json_each(${JSON.stringify(codes)}))`)
        .all()
        .map((r) => r.code),
    );
  }

  // Programmes

  programmes(): ProgrammeRow[] {
    return this.db
      .select()
      .from(voucherProgrammes)
      .orderBy(desc(voucherProgrammes.year), asc(voucherProgrammes.id))
      .all();
  }

  programme(id: number): ProgrammeRow | undefined {
    return this.db.select().from(voucherProgrammes).where(eq(voucherProgrammes.id, id)).get();
  }

  insertProgramme(row: typeof voucherProgrammes.$inferInsert): ProgrammeRow {
    return this.db.insert(voucherProgrammes).values(row).returning().get();
  }

  updateProgramme(id: number, set: Partial<typeof voucherProgrammes.$inferInsert>): void {
    this.db.update(voucherProgrammes).set(set).where(eq(voucherProgrammes.id, id)).run();
  }

  /** Sums of a quota's uses by status. */
  useTotals(quotaId: number): { reservedFen: number; usedFen: number } {
    return this.stmt(
      `SELECT COALESCE(SUM(CASE WHEN status = 'reserved' THEN reserved_fen END), 0) AS reservedFen,
              COALESCE(SUM(CASE WHEN status = 'posted' THEN posted_fen END), 0) AS usedFen
       FROM voucher_uses WHERE quota_id = ?`,
    ).get(quotaId) as { reservedFen: number; usedFen: number };
  }

  categoriesKnown(codes: string[]): number {
    return this.stmt(`SELECT COUNT(*) FROM categories WHERE code IN (SELECT value FROM json_each(?))`)
      .pluck()
      .get(JSON.stringify(codes)) as number;
  }

  institutionsKnown(ids: number[]): number {
    return this.stmt(
      `SELECT COUNT(*) FROM organisations WHERE kind = 'institution' AND id IN (SELECT value FROM json_each(?))`,
    )
      .pluck()
      .get(JSON.stringify(ids)) as number;
  }

  quotaCount(programmeId: number): number {
    return this.stmt(`SELECT COUNT(*) FROM voucher_quotas WHERE programme_id = ?`).pluck().get(programmeId) as number;
  }

  // Enterprises, certification, groups, related parties

  enterprise(id: number) {
    return this.enterprises({ id }, 1)[0];
  }

  /** Enterprises by name or credit code; with `cityCode`, only that city's. */
  enterprises(filter: { q?: string; id?: number; cityCode?: string }, limit: number) {
    const { q, id, cityCode } = filter;
    const where = and(
      eq(organisations.kind, 'enterprise'),
      id !== undefined ? eq(organisations.id, id) : undefined,
      q ? or(like(organisations.name, `%${q}%`), like(organisations.creditCode, `%${q}%`)) : undefined,
      cityCode !== undefined ? eq(organisations.cityCode, cityCode) : undefined,
    );
    return this.db
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

  certification(organisationId: number): CertificationRow | undefined {
    return this.db
      .select()
      .from(enterpriseCertifications)
      .where(eq(enterpriseCertifications.organisationId, organisationId))
      .get();
  }

  certificationByNumber(no: string): CertificationRow | undefined {
    return this.db.select().from(enterpriseCertifications).where(eq(enterpriseCertifications.certificateNo, no)).get();
  }

  upsertCertification(row: CertificationRow): void {
    const { organisationId: _o, ...set } = row;
    this.db
      .insert(enterpriseCertifications)
      .values(row)
      .onConflictDoUpdate({ target: enterpriseCertifications.organisationId, set })
      .run();
  }

  /** Controller groups; with `cityCode`, those with at least one member enterprise in that city. */
  controllerGroups(cityCode?: string) {
    return this.db
      .select()
      .from(controllerGroups)
      .where(
        cityCode === undefined
          ? undefined
          : inArray(
              controllerGroups.id,
              this.db
                .select({ id: enterpriseCertifications.controllerGroupId })
                .from(enterpriseCertifications)
                .innerJoin(organisations, eq(organisations.id, enterpriseCertifications.organisationId))
                .where(eq(organisations.cityCode, cityCode)),
            ),
      )
      .orderBy(asc(controllerGroups.id))
      .all();
  }

  controllerGroup(id: number) {
    return this.db.select().from(controllerGroups).where(eq(controllerGroups.id, id)).get();
  }

  insertControllerGroup(row: typeof controllerGroups.$inferInsert) {
    return this.db.insert(controllerGroups).values(row).returning().get();
  }

  /** A group's member enterprises; with `cityCode`, only those of that city. */
  groupMembers(groupId: number, cityCode?: string): { id: number; name: string }[] {
    return this.stmt(
      `SELECT o.id, o.name FROM enterprise_certifications c JOIN organisations o ON o.id = c.organisation_id
       WHERE c.controller_group_id = @group AND (@city IS NULL OR o.city_code = @city) ORDER BY o.id`,
    ).all({ group: groupId, city: cityCode ?? null }) as { id: number; name: string }[];
  }

  /** Related-party declarations; with `cityCode`, those of that city's enterprises. */
  relatedParties(filter: { enterpriseId?: number; cityCode?: string } = {}) {
    return this.stmt(
      `SELECT r.id, r.relation, r.note, r.declared_at AS declaredAt, e.id AS enterpriseId, e.name AS enterpriseName,
              p.id AS providerId, p.name AS providerName
       FROM related_parties r JOIN organisations e ON e.id = r.enterprise_id JOIN organisations p ON p.id = r.provider_id
       WHERE (@enterprise IS NULL OR r.enterprise_id = @enterprise) AND (@city IS NULL OR e.city_code = @city)
       ORDER BY r.id`,
    ).all({ enterprise: filter.enterpriseId ?? null, city: filter.cityCode ?? null }) as {
      id: number;
      relation: (typeof relatedParties.$inferSelect)['relation'];
      note: string | null;
      declaredAt: number;
      enterpriseId: number;
      enterpriseName: string;
      providerId: number;
      providerName: string;
    }[];
  }

  isRelated(enterpriseId: number, providerId: number): boolean {
    return (
      this.stmt(`SELECT 1 FROM related_parties WHERE enterprise_id = ? AND provider_id = ? LIMIT 1`).get(
        enterpriseId,
        providerId,
      ) !== undefined
    );
  }

  insertRelatedParty(row: typeof relatedParties.$inferInsert): number {
    return this.db.insert(relatedParties).values(row).onConflictDoNothing().run().lastInsertRowid as number;
  }

  deleteRelatedParty(id: number): boolean {
    return this.db.delete(relatedParties).where(eq(relatedParties.id, id)).run().changes > 0;
  }

  // Quotas and uses

  /** Quotas, newest first; with `cityCode`, those of the city's enterprises or of programmes the city issued. */
  quotas(filter: { programmeId?: number; enterpriseId?: number; cityCode?: string }): QuotaRow[] {
    const conds = [];
    if (filter.programmeId !== undefined) conds.push(eq(voucherQuotas.programmeId, filter.programmeId));
    if (filter.enterpriseId !== undefined) conds.push(eq(voucherQuotas.enterpriseId, filter.enterpriseId));
    if (filter.cityCode !== undefined)
      conds.push(
        or(
          inArray(
            voucherQuotas.enterpriseId,
            this.db
              .select({ id: organisations.id })
              .from(organisations)
              .where(eq(organisations.cityCode, filter.cityCode)),
          ),
          inArray(
            voucherQuotas.programmeId,
            this.db
              .select({ id: voucherProgrammes.id })
              .from(voucherProgrammes)
              .where(eq(voucherProgrammes.issuerCityCode, filter.cityCode)),
          ),
        ),
      );
    return this.db
      .select()
      .from(voucherQuotas)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(voucherQuotas.id))
      .limit(500)
      .all();
  }

  quota(id: number): QuotaRow | undefined {
    return this.db.select().from(voucherQuotas).where(eq(voucherQuotas.id, id)).get();
  }

  quotaOf(programmeId: number, enterpriseId: number): QuotaRow | undefined {
    return this.db
      .select()
      .from(voucherQuotas)
      .where(and(eq(voucherQuotas.programmeId, programmeId), eq(voucherQuotas.enterpriseId, enterpriseId)))
      .get();
  }

  insertQuota(row: typeof voucherQuotas.$inferInsert): QuotaRow {
    return this.db.insert(voucherQuotas).values(row).returning().get();
  }

  updateQuota(id: number, set: Partial<QuotaRow>): void {
    this.db.update(voucherQuotas).set(set).where(eq(voucherQuotas.id, id)).run();
  }

  /** Quotas past their programme's use-by date that still hold unused money (for the expiry sweep). */
  quotasToExpire(today: string): QuotaRow[] {
    return this.stmt(
      `SELECT q.id, q.programme_id AS programmeId, q.enterprise_id AS enterpriseId, q.cap_fen AS capFen,
              q.granted_by AS grantedBy, q.granted_at AS grantedAt, q.revoked_at AS revokedAt, q.revoke_reason AS revokeReason
       FROM voucher_quotas q JOIN voucher_programmes p ON p.id = q.programme_id
       WHERE p.use_by < ? AND q.revoked_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = 'quota:' || q.id || ':expire')`,
    ).all(today) as QuotaRow[];
  }

  use(bookingId: number): VoucherUseRow | undefined {
    return this.db.select().from(voucherUses).where(eq(voucherUses.bookingId, bookingId)).get();
  }

  /** The uses of some bookings (every booking view asks: a cached statement, not the query builder). */
  usesOfBookings(bookingIds: number[]): VoucherUseRow[] {
    if (!bookingIds.length) return [];
    return this.stmt(
      `SELECT id, booking_id AS bookingId, quota_id AS quotaId, programme_id AS programmeId, enterprise_id AS enterpriseId,
              provider_id AS providerId, settlement_mode AS settlementMode, status, ratio_percent AS ratioPercent,
              eligible_fen AS eligibleFen, reserved_fen AS reservedFen, posted_fen AS postedFen, limited_by AS limitedBy,
              justification, created_at AS createdAt, updated_at AS updatedAt
       FROM voucher_uses WHERE booking_id IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(bookingIds)) as VoucherUseRow[];
  }

  insertUse(row: typeof voucherUses.$inferInsert): VoucherUseRow {
    return this.db.insert(voucherUses).values(row).returning().get();
  }

  updateUse(id: number, set: Partial<VoucherUseRow>): void {
    this.db.update(voucherUses).set(set).where(eq(voucherUses.id, id)).run();
  }

  usesOfEnterprise(enterpriseId: number | null, limit: number) {
    return this.stmt(
      `SELECT u.id, u.booking_id AS bookingId, u.programme_id AS programmeId, u.status, u.reserved_fen AS reservedFen,
              u.posted_fen AS postedFen, u.ratio_percent AS ratioPercent, u.settlement_mode AS settlementMode,
              u.created_at AS createdAt, u.updated_at AS updatedAt, i.name_zh AS instrumentName, p.name AS providerName
       FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id JOIN instruments i ON i.id = b.instrument_id
       JOIN organisations p ON p.id = u.provider_id
       WHERE ? IS NULL OR u.enterprise_id = ? ORDER BY u.id DESC LIMIT ?`,
    ).all(enterpriseId, enterpriseId, limit) as (Pick<
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
    > & { instrumentName: string; providerName: string })[];
  }
}
