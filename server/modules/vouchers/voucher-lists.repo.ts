/** SQL of the vouchers admin lists: enterprises, quotas and related parties, a page at a time with how many match. */
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  gte,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
  type AnyColumn,
  type SQL,
} from 'drizzle-orm';
import type { JoinNullability, SelectResult } from 'drizzle-orm/query-builders/select.types';
import { alias, type SelectedFields, type SQLiteSelect, type SQLiteSelectBuilder } from 'drizzle-orm/sqlite-core';
import type { Queryable } from '../../../db/port.ts';
import {
  cities,
  enterpriseCertifications,
  organisations,
  relatedParties,
  voucherProgrammes,
  voucherQuotas,
} from '../../../db/schema/index.ts';
import { likePattern } from '../organisations/organisations.repo.ts';
import type { RelatedPartyRow } from './vouchers.repo.ts';

/** Matches `text` anywhere in the column, ignoring case (LIKE … ESCAPE on LOWER, the same on both engines). */
const contains = (column: AnyColumn, text: string) => sql`LOWER(${column}) LIKE ${likePattern(text)} ESCAPE '\\'`;
const direction = (order: 'asc' | 'desc') => (order === 'asc' ? asc : desc);
/** Names in code-point order on both engines (PostgreSQL's "C" collation, SQLite's default). */
const byName = (engine: 'sqlite' | 'postgres', column: AnyColumn): SQL =>
  engine === 'postgres' ? sql`${column} COLLATE "C"` : sql`${column}`;
/** Rows a page when a list asks for none (the lists before numbered pages). */
const UNPAGED = { enterprises: 200, quotas: 500, related: 1000 };

export type CertificationState = 'valid' | 'expired' | 'revoked' | 'none';
export interface EnterpriseListFilter {
  q?: string;
  /** The caller's oversight city (a city's finance office). */
  cityCode?: string;
  /** The city asked for. */
  city?: string;
  certification?: CertificationState;
  /** Today's local date: a certification expired before it is not valid. */
  today: string;
}
export interface QuotaListFilter {
  programmeId?: number;
  enterpriseId?: number;
  cityCode?: string;
  q?: string;
  status?: 'active' | 'revoked' | 'expired' | 'not_started';
  today: string;
}
export interface RelatedPartyListFilter {
  enterpriseId?: number;
  cityCode?: string;
  q?: string;
  relation?: RelatedPartyRow['relation'];
}
export interface ListPage<S extends string> {
  sort?: S;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** What an enterprise's quota accounts have left to spend (posted credits less debits, less what is held). */
const QUOTA_BALANCE = sql<unknown>`COALESCE((SELECT SUM(a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen)
  FROM ledger_accounts a WHERE a.kind = 'quota' AND a.organisation_id = ${organisations.id}), 0)`;
const providers = alias(organisations, 'providers');

/** A select of some fields, before its FROM. */
type Select = SQLiteSelectBuilder<SelectedFields, 'async', unknown>;

export class VoucherListsRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): VoucherListsRepo {
    return new VoucherListsRepo(q);
  }

  /**
   * One page of a list and how many match: `from` adds the list's FROM and joins to the select of the
   * page's fields and to that of its count, so that each list states them once.
   */
  private async pageOf<F extends SelectedFields, N extends Record<string, JoinNullability>>(
    fields: F,
    from: (select: Select) => {
      $dynamic(): SQLiteSelect<string, 'async', unknown, SelectedFields, 'partial', N>;
    },
    where: SQL | undefined,
    order: SQL[],
    page: ListPage<string>,
    unpaged: number,
  ): Promise<{ rows: SelectResult<F, 'partial', N>[]; total: number }> {
    // `from` keeps the fields it is given: the rows are of `fields`.
    const rows = (await from(this.q.orm.select(fields))
      .$dynamic()
      .where(where)
      .orderBy(...order)
      .limit(page.limit ?? unpaged)
      .offset(page.offset ?? 0)
      .all()) as SelectResult<F, 'partial', N>[];
    const [n] = await from(this.q.orm.select({ n: count() }))
      .$dynamic()
      .where(where)
      .all();
    return { rows, total: Number(n?.n ?? 0) };
  }

  /** The admin list's conditions on enterprises joined with their certification (if any). */
  private enterpriseConditions(f: EnterpriseListFilter): SQL | undefined {
    const c = enterpriseCertifications;
    const state: Record<CertificationState, SQL | undefined> = {
      none: isNull(c.organisationId),
      revoked: isNotNull(c.revokedAt),
      expired: and(isNotNull(c.organisationId), isNull(c.revokedAt), lt(c.expiresOn, f.today)),
      valid: and(isNotNull(c.organisationId), isNull(c.revokedAt), gte(c.expiresOn, f.today)),
    };
    return and(
      eq(organisations.kind, 'enterprise'),
      f.q ? or(contains(organisations.name, f.q), contains(organisations.creditCode, f.q)) : undefined,
      f.cityCode !== undefined ? eq(organisations.cityCode, f.cityCode) : undefined,
      f.city !== undefined ? eq(organisations.cityCode, f.city) : undefined,
      f.certification ? state[f.certification] : undefined,
    );
  }

  /**
   * A page of the admin list of enterprises with the money their quotas have left: by name, by that
   * balance or in registration order, ties by id; and how many match.
   */
  async enterprisePage(filter: EnterpriseListFilter, page: ListPage<'name' | 'balance'>) {
    // The city is one row per code, so joining it leaves the count as it was.
    const from = (select: Select) =>
      select
        .from(organisations)
        .leftJoin(cities, eq(cities.code, organisations.cityCode))
        .leftJoin(enterpriseCertifications, eq(enterpriseCertifications.organisationId, organisations.id));
    const dir = direction(page.order ?? (page.sort === 'balance' ? 'desc' : 'asc'));
    const order =
      page.sort === 'name'
        ? [dir(byName(this.q.engine, organisations.name)), dir(organisations.id)]
        : page.sort === 'balance'
          ? [dir(QUOTA_BALANCE), dir(organisations.id)]
          : [asc(organisations.id)];
    const { rows, total } = await this.pageOf(
      {
        id: organisations.id,
        name: organisations.name,
        cityCode: organisations.cityCode,
        creditCode: organisations.creditCode,
        cityName: cities.name,
        quotaBalanceFen: QUOTA_BALANCE,
      },
      from,
      this.enterpriseConditions(filter),
      order,
      page,
      UNPAGED.enterprises,
    );
    return { rows: rows.map((r) => ({ ...r, quotaBalanceFen: Number(r.quotaBalanceFen) })), total };
  }

  /**
   * A page of quotas for the admin list: searched by the enterprise's name, by programme, enterprise and
   * status (today's, as the views tell it), by amount or time granted (newest first by default), ties by
   * id; and how many match.
   */
  async quotaPage(filter: QuotaListFilter, page: ListPage<'amount' | 'granted'>) {
    const q = voucherQuotas;
    const p = voucherProgrammes;
    const live = isNull(q.revokedAt);
    const state = {
      revoked: isNotNull(q.revokedAt),
      expired: and(live, lt(p.useBy, filter.today)),
      not_started: and(live, gte(p.useBy, filter.today), gt(p.startsOn, filter.today)),
      active: and(live, gte(p.useBy, filter.today), lte(p.startsOn, filter.today)),
    };
    const where = and(
      filter.programmeId !== undefined ? eq(q.programmeId, filter.programmeId) : undefined,
      filter.enterpriseId !== undefined ? eq(q.enterpriseId, filter.enterpriseId) : undefined,
      filter.cityCode !== undefined
        ? or(eq(organisations.cityCode, filter.cityCode), eq(p.issuerCityCode, filter.cityCode))
        : undefined,
      filter.q ? contains(organisations.name, filter.q) : undefined,
      filter.status ? state[filter.status] : undefined,
    );
    const dir = direction(page.order ?? 'desc');
    const order =
      page.sort === 'amount'
        ? [dir(q.capFen), dir(q.id)]
        : page.sort === 'granted'
          ? [dir(q.grantedAt), dir(q.id)]
          : [desc(q.id)];
    const from = (select: Select) =>
      select
        .from(q)
        .innerJoin(organisations, eq(organisations.id, q.enterpriseId))
        .innerJoin(p, eq(p.id, q.programmeId));
    return this.pageOf(getTableColumns(q), from, where, order, page, UNPAGED.quotas);
  }

  /** A page of declarations, searched by either side's name: newest declared first or by enterprise name. */
  async relatedPartyPage(
    filter: RelatedPartyListFilter,
    page: ListPage<'declared' | 'enterprise'>,
  ): Promise<{ rows: RelatedPartyRow[]; total: number }> {
    const r = relatedParties;
    const where = and(
      filter.enterpriseId !== undefined ? eq(r.enterpriseId, filter.enterpriseId) : undefined,
      filter.cityCode !== undefined ? eq(organisations.cityCode, filter.cityCode) : undefined,
      filter.relation ? eq(r.relation, filter.relation) : undefined,
      filter.q ? or(contains(organisations.name, filter.q), contains(providers.name, filter.q)) : undefined,
    );
    const order =
      page.sort === 'enterprise'
        ? [
            direction(page.order ?? 'asc')(byName(this.q.engine, organisations.name)),
            direction(page.order ?? 'asc')(r.id),
          ]
        : [direction(page.order ?? 'desc')(r.declaredAt), direction(page.order ?? 'desc')(r.id)];
    const from = (select: Select) =>
      select
        .from(r)
        .innerJoin(organisations, eq(organisations.id, r.enterpriseId))
        .innerJoin(providers, eq(providers.id, r.providerId));
    return this.pageOf(
      {
        id: r.id,
        relation: r.relation,
        note: r.note,
        declaredAt: r.declaredAt,
        enterpriseId: organisations.id,
        enterpriseName: organisations.name,
        providerId: providers.id,
        providerName: providers.name,
      },
      from,
      where,
      order,
      page,
      UNPAGED.related,
    );
  }
}
