/**
 * Voucher programmes, enterprise certification, controller groups, related parties and quotas
 * (platform admins), the enterprise's own quotas, and the voucher part of a checkout: the split
 * of a price, its reservation at request, its posting at completion or release otherwise. The
 * money of every step is a ledger transfer; the caps are ledger accounts that cannot be overdrawn.
 */
import { DateTime } from 'luxon';
import type { UserType, VoucherLimit } from '../../../db/schema/enums.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import { LINKS } from '../notifications/links.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import { availableOf, type Ledger } from '../ledger/ledger.ts';
import { ineligibility, finalShare, ratioPercent, voucherShare, type Ineligibility } from './rules.ts';
import type { EnterpriseView, ProgrammeInput, ProgrammeView, QuotaView, VoucherSplit } from './vouchers.schemas.ts';
import type { ProgrammeRow, QuotaRow, VoucherUseRow, VouchersRepo } from './vouchers.repo.ts';

const ZONE = 'Asia/Shanghai';

const REASON_TEXT: Record<Ineligibility, string> = {
  not_certified: 'the enterprise is not a certified technology-based SME',
  certification_expired: 'the enterprise’s certification has expired',
  quota_revoked: 'this quota was revoked',
  programme_not_started: 'the programme has not started',
  programme_ended: 'the programme has ended (past its use-by date)',
  category_not_eligible: 'this instrument’s category is not covered by the programme',
  provider_not_eligible: 'this provider is not in the programme’s list',
  provider_not_certified: 'this provider is not certified for voucher services',
  out_of_province: 'out-of-province providers need a justification and a programme that allows them',
  related_party: 'the enterprise and this provider are related parties',
  not_enterprise_price: 'vouchers pay for external services to enterprises only',
};

/** What the checkout tells the voucher module about one order. */
export interface SplitContext {
  enterpriseId: number;
  userType: UserType;
  providerId: number;
  categoryCode: string;
  totalFen: number;
  /** Local date of the service (YYYY-MM-DD). */
  serviceDate: string;
  justification?: string | null;
}

/** The chosen quota and the amounts, as reserved inside the booking transaction. */
export interface VoucherPlan {
  quota: QuotaRow;
  programme: ProgrammeRow;
  ratioPercent: number;
  voucherFen: number;
  limitedBy: VoucherLimit;
  groupId: number | null;
}

const code = {
  funding: (p: number) => `programme:${p}:funding`,
  budget: (p: number) => `programme:${p}:budget`,
  used: (p: number) => `programme:${p}:used`,
  quotaSource: (p: number) => `programme:${p}:quota-source`,
  quota: (q: number) => `quota:${q}`,
  group: (g: number, p: number) => `group:${g}:programme:${p}`,
  providerReceivable: (i: number, p: number) => `provider:${i}:receivable:programme:${p}`,
  enterpriseReceivable: (e: number, p: number) => `enterprise:${e}:receivable:programme:${p}`,
};

export class VouchersService {
  constructor(
    private readonly repo: VouchersRepo,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    /** Tells the enterprise when a quota is nearly used up (absent in seeds). */
    private readonly notifier?: Notifier,
  ) {}

  private today(): string {
    return DateTime.fromMillis(this.clock.now(), { zone: ZONE }).toISODate()!;
  }

  /**
   * Whose voucher records a finance reader sees (financeScope): a city's office its city's (the code
   * returned), the provincial office, the platform's finance desk and admins all (undefined).
   */
  private oversightCity(actor: Actor): string | undefined {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('voucher records are for finance staff and admins');
    return scope.kind === 'city' ? scope.cityCode : undefined;
  }

  // Programmes

  private programmeAccounts(p: ProgrammeRow, now: number) {
    const base = { programmeId: p.id };
    return {
      funding: this.ledger.account(
        { code: code.funding(p.id), kind: 'programme_funding', name: `${p.name} · 财政资金 funding`, ...base },
        now,
      ),
      budget: this.ledger.account(
        {
          code: code.budget(p.id),
          kind: 'programme_budget',
          name: `${p.name} · 预算 budget`,
          noOverdraft: true,
          ...base,
        },
        now,
      ),
      used: this.ledger.account(
        { code: code.used(p.id), kind: 'programme_used', name: `${p.name} · 已用额度 quota used`, ...base },
        now,
      ),
      quotaSource: this.ledger.account(
        {
          code: code.quotaSource(p.id),
          kind: 'quota_source',
          name: `${p.name} · 额度来源 quota issued`,
          ...base,
        },
        now,
      ),
    };
  }

  /**
   * Every programme's terms are public policy. Its budget figures (budget, reserved, used, free, how
   * many quotas) are its issuer's money: a city's office reads them for the province's programmes and
   * its own city's, and only the terms of another city's.
   */
  listProgrammes(actor: Actor): ProgrammeView[] {
    const city = this.oversightCity(actor);
    return this.repo.programmes().map((p) => this.programmeView(p, city));
  }

  programme(actor: Actor, id: number): ProgrammeView {
    const city = this.oversightCity(actor);
    const p = this.repo.programme(id);
    if (!p) throw notFound('programme');
    return this.programmeView(p, city);
  }

  /** `city`: the caller is that city's finance office (undefined: the province, the desk or an admin). */
  private programmeView(p: ProgrammeRow, city?: string): ProgrammeView {
    const today = this.today();
    const { createdBy: _c, createdAt: _a, updatedAt: _u, ...rest } = p;
    const status =
      today < p.startsOn ? 'upcoming' : today <= p.useBy ? 'open' : today <= p.claimBy ? 'claims_only' : 'closed';
    if (city !== undefined && p.issuerCityCode !== null && p.issuerCityCode !== city)
      return {
        ...rest,
        budgetFen: null,
        budgetAvailableFen: null,
        budgetReservedFen: null,
        budgetUsedFen: null,
        quotaCount: null,
        status,
      };
    const budget = this.ledger.accountByCode(code.budget(p.id));
    return {
      ...rest,
      budgetAvailableFen: budget ? availableOf(budget) : p.budgetFen,
      budgetReservedFen: budget?.debitsPendingFen ?? 0,
      budgetUsedFen: budget?.debitsPostedFen ?? 0,
      quotaCount: this.repo.quotaCount(p.id),
      status,
    };
  }

  private checkProgramme(input: ProgrammeInput): void {
    const bad = (path: string, message: string) => badRequest(message, [{ path: `body.${path}`, message }]);
    if (input.useBy < input.startsOn) throw bad('useBy', 'the use-by date is before the start');
    if (input.claimBy < input.useBy) throw bad('claimBy', 'the claim-by date is before the use-by date');
    const [from, to] = [Number(input.startsOn.slice(0, 4)), Number(input.useBy.slice(0, 4))];
    if (input.year < from || input.year > to) throw bad('year', 'the year lies outside the programme’s dates');
    if (input.orderCapFen && input.orderCapFen > input.enterpriseYearCapFen)
      throw bad('orderCapFen', 'the order cap exceeds the per-enterprise cap');
    if (input.enterpriseYearCapFen > input.budgetFen)
      throw bad('enterpriseYearCapFen', 'the per-enterprise cap exceeds the budget');
    const cityCodes = [
      ...Object.keys(input.ratioRules.byCity),
      ...(input.issuerCityCode ? [input.issuerCityCode] : []),
    ];
    const known = this.repo.knownCities(cityCodes);
    const unknown = cityCodes.find((c) => !known.has(c));
    if (unknown) throw bad('ratioRules.byCity', `unknown city ${unknown}`);
    if (
      input.eligibleCategories.length &&
      this.repo.categoriesKnown(input.eligibleCategories) !== new Set(input.eligibleCategories).size
    )
      throw bad('eligibleCategories', 'unknown category code');
    if (
      input.eligibleProviders.length &&
      this.repo.institutionsKnown(input.eligibleProviders) !== new Set(input.eligibleProviders).size
    )
      throw bad('eligibleProviders', 'not an instrument-owning institution');
  }

  createProgramme(actor: Actor, input: ProgrammeInput): ProgrammeView {
    this.checkProgramme(input);
    const now = this.clock.now();
    const row = this.repo.transaction(() => {
      const p = this.repo.insertProgramme({
        ...input,
        nameEn: input.nameEn ?? null,
        issuerCityCode: input.issuerCityCode ?? null,
        orderCapFen: input.orderCapFen ?? null,
        groupYearCapFen: input.groupYearCapFen ?? null,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      });
      const accounts = this.programmeAccounts(p, now);
      this.ledger.create(
        {
          id: `programme:${p.id}:fund`,
          debit: accounts.funding.id,
          credit: accounts.budget.id,
          amountFen: p.budgetFen,
          code: 'budget_fund',
        },
        now,
      );
      return p;
    });
    return this.programmeView(row);
  }

  updateProgramme(actor: Actor, id: number, input: ProgrammeInput): ProgrammeView {
    const p = this.repo.programme(id);
    if (!p) throw notFound('programme');
    this.checkProgramme(input);
    if (input.settlementMode !== p.settlementMode && this.repo.quotaCount(id) > 0) {
      throw badRequest('the settlement mode cannot change once quotas are granted', [
        { path: 'body.settlementMode', message: 'quotas exist' },
      ]);
    }
    const now = this.clock.now();
    this.repo.transaction(() => {
      const accounts = this.programmeAccounts(p, now);
      const delta = input.budgetFen - p.budgetFen;
      if (delta < 0 && availableOf(accounts.budget) < -delta) {
        throw badRequest('the budget cannot drop below what is reserved and used', [
          { path: 'body.budgetFen', message: `at least ${p.budgetFen - availableOf(accounts.budget)} fen` },
        ]);
      }
      if (delta !== 0) {
        this.ledger.create(
          {
            id: `programme:${p.id}:budget-change:${now}`,
            debit: delta > 0 ? accounts.funding.id : accounts.budget.id,
            credit: delta > 0 ? accounts.budget.id : accounts.funding.id,
            amountFen: Math.abs(delta),
            code: delta > 0 ? 'budget_increase' : 'budget_decrease',
            note: `by user ${actor.userId}`,
          },
          now,
        );
      }
      this.repo.updateProgramme(id, {
        ...input,
        nameEn: input.nameEn ?? null,
        issuerCityCode: input.issuerCityCode ?? null,
        orderCapFen: input.orderCapFen ?? null,
        groupYearCapFen: input.groupYearCapFen ?? null,
        updatedAt: now,
      });
    });
    return this.programmeView(this.repo.programme(id)!);
  }

  // Enterprises and certification

  /** A city's finance office reads its city's enterprises; the province, the desk and admins all. */
  enterprises(actor: Actor, q: string | undefined): EnterpriseView[] {
    const cityCode = this.oversightCity(actor);
    return this.repo.enterprises({ q, cityCode }, 200).map((e) => this.enterpriseView(e));
  }

  private enterpriseView(e: {
    id: number;
    name: string;
    cityCode: string | null;
    cityName: string | null;
    creditCode: string | null;
  }): EnterpriseView {
    const c = this.repo.certification(e.id);
    const group = c?.controllerGroupId ? this.repo.controllerGroup(c.controllerGroupId) : undefined;
    return {
      ...e,
      certification: c
        ? {
            certificateNo: c.certificateNo,
            certifiedOn: c.certifiedOn,
            expiresOn: c.expiresOn,
            valid: c.revokedAt === null && c.expiresOn >= this.today(),
            revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
            controllerGroup: group ? { id: group.id, name: group.name } : null,
          }
        : null,
    };
  }

  private enterpriseOr404(id: number) {
    const org = this.repo.organisation(id);
    if (!org || org.kind !== 'enterprise') throw notFound('enterprise');
    return org;
  }

  certify(
    actor: Actor,
    enterpriseId: number,
    input: { certificateNo: string; certifiedOn: string; expiresOn: string; controllerGroupId?: number | null },
  ): EnterpriseView {
    const org = this.enterpriseOr404(enterpriseId);
    if (input.expiresOn <= input.certifiedOn)
      throw badRequest('the certificate expires before it was issued', [
        { path: 'body.expiresOn', message: 'not after certifiedOn' },
      ]);
    const other = this.repo.certificationByNumber(input.certificateNo);
    if (other && other.organisationId !== enterpriseId)
      throw badRequest('that certificate number belongs to another enterprise', [
        { path: 'body.certificateNo', message: 'taken' },
      ]);
    if (input.controllerGroupId && !this.repo.controllerGroup(input.controllerGroupId))
      throw badRequest('unknown controller group', [{ path: 'body.controllerGroupId', message: 'unknown' }]);
    this.repo.upsertCertification({
      organisationId: enterpriseId,
      certificateNo: input.certificateNo,
      certifiedOn: input.certifiedOn,
      expiresOn: input.expiresOn,
      controllerGroupId: input.controllerGroupId ?? null,
      revokedAt: null,
      updatedBy: actor.userId,
      updatedAt: this.clock.now(),
    });
    return this.enterpriseView(this.repo.enterprise(org.id)!);
  }

  revokeCertification(actor: Actor, enterpriseId: number): EnterpriseView {
    const org = this.enterpriseOr404(enterpriseId);
    const c = this.repo.certification(enterpriseId);
    if (!c) throw notFound('certification');
    if (c.revokedAt === null)
      this.repo.upsertCertification({
        ...c,
        revokedAt: this.clock.now(),
        updatedBy: actor.userId,
        updatedAt: this.clock.now(),
      });
    return this.enterpriseView(this.repo.enterprise(org.id)!);
  }

  /**
   * Controller groups. A city's finance office reads the groups one of its enterprises belongs to,
   * with its own enterprises as the members: who else shares the cap, elsewhere, is not said.
   */
  controllerGroups(actor: Actor) {
    const cityCode = this.oversightCity(actor);
    return this.repo.controllerGroups(cityCode).map((g) => ({
      id: g.id,
      name: g.name,
      controller: g.controller,
      members: this.repo.groupMembers(g.id, cityCode),
    }));
  }

  createControllerGroup(input: { name: string; controller: string }) {
    const g = this.repo.insertControllerGroup({ ...input, createdAt: this.clock.now() });
    return { id: g.id, name: g.name, controller: g.controller, members: [] };
  }

  /** Related-party declarations; a city's finance office reads those of its city's enterprises. */
  relatedParties(actor: Actor, enterpriseId?: number) {
    return this.relatedPartyViews({ enterpriseId, cityCode: this.oversightCity(actor) });
  }

  private relatedPartyViews(filter: { enterpriseId?: number; cityCode?: string }) {
    return this.repo.relatedParties(filter).map((r) => ({
      id: r.id,
      enterprise: { id: r.enterpriseId, name: r.enterpriseName },
      provider: { id: r.providerId, name: r.providerName },
      relation: r.relation,
      note: r.note,
      declaredAt: new Date(r.declaredAt).toISOString(),
    }));
  }

  declareRelated(
    actor: Actor,
    input: {
      enterpriseId: number;
      providerId: number;
      relation: 'shared_owner' | 'legal_representative' | 'controller';
      note?: string;
    },
  ) {
    const enterprise = this.repo.organisation(input.enterpriseId);
    if (!enterprise || enterprise.kind !== 'enterprise')
      throw badRequest('unknown enterprise', [{ path: 'body.enterpriseId', message: 'not an enterprise' }]);
    const provider = this.repo.organisation(input.providerId);
    if (!provider || provider.kind !== 'institution')
      throw badRequest('unknown provider', [
        { path: 'body.providerId', message: 'not an instrument-owning institution' },
      ]);
    this.repo.insertRelatedParty({
      ...input,
      note: input.note ?? null,
      declaredBy: actor.userId,
      declaredAt: this.clock.now(),
    });
    return this.relatedPartyViews({ enterpriseId: input.enterpriseId }).find(
      (r) => r.provider.id === input.providerId && r.relation === input.relation,
    )!;
  }

  removeRelated(id: number): void {
    if (!this.repo.deleteRelatedParty(id)) throw notFound('related party');
  }

  // Quotas

  /**
   * Quotas for finance and admins: a city's finance office sees those of its city's enterprises and of
   * the programmes its city issued; the provincial office, the platform's desk and admins see all.
   */
  quotas(actor: Actor, filter: { programmeId?: number; enterpriseId?: number }): QuotaView[] {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('quotas are for finance staff and admins');
    const cityCode = scope.kind === 'city' ? scope.cityCode : undefined;
    return this.repo.quotas({ ...filter, cityCode }).map((q) => this.quotaView(q));
  }

  /** The signed-in enterprise's own quotas. */
  myQuotas(actor: Actor): QuotaView[] {
    if (actor.organisationKind !== 'enterprise') throw forbidden('vouchers belong to enterprises');
    return this.repo.quotas({ enterpriseId: actor.organisationId }).map((q) => this.quotaView(q));
  }

  myUses(actor: Actor) {
    if (actor.role !== 'platform_admin' && actor.organisationKind !== 'enterprise')
      throw forbidden('vouchers belong to enterprises');
    const scope = actor.role === 'platform_admin' ? null : actor.organisationId;
    return this.repo.usesOfEnterprise(scope, 200).map((u) => ({
      ...u,
      createdAt: new Date(u.createdAt).toISOString(),
      updatedAt: new Date(u.updatedAt).toISOString(),
    }));
  }

  private quotaView(q: QuotaRow): QuotaView {
    const p = this.repo.programme(q.programmeId)!;
    const org = this.repo.organisation(q.enterpriseId)!;
    const account = this.ledger.accountByCode(code.quota(q.id));
    const totals = this.repo.useTotals(q.id);
    const today = this.today();
    const status =
      q.revokedAt !== null ? 'revoked' : today > p.useBy ? 'expired' : today < p.startsOn ? 'not_started' : 'active';
    return {
      id: q.id,
      programmeId: p.id,
      programmeName: p.name,
      settlementMode: p.settlementMode,
      enterprise: { id: org.id, name: org.name },
      capFen: q.capFen,
      reservedFen: totals.reservedFen,
      usedFen: totals.usedFen,
      availableFen: status === 'active' && account ? availableOf(account) : 0,
      useBy: p.useBy,
      claimBy: p.claimBy,
      status,
      grantedAt: new Date(q.grantedAt).toISOString(),
      revokedAt: q.revokedAt === null ? null : new Date(q.revokedAt).toISOString(),
    };
  }

  grantQuota(actor: Actor, input: { programmeId: number; enterpriseId: number; capFen: number }): QuotaView {
    const p = this.repo.programme(input.programmeId);
    if (!p) throw badRequest('unknown programme', [{ path: 'body.programmeId', message: 'unknown' }]);
    if (this.today() > p.useBy)
      throw badRequest('the programme has ended', [{ path: 'body.programmeId', message: 'past its use-by date' }]);
    const org = this.repo.organisation(input.enterpriseId);
    if (!org || org.kind !== 'enterprise')
      throw badRequest('unknown enterprise', [{ path: 'body.enterpriseId', message: 'not an enterprise' }]);
    const cert = this.repo.certification(org.id);
    if (!cert || cert.revokedAt !== null || cert.expiresOn < this.today())
      throw badRequest('the enterprise is not a certified technology-based SME', [
        { path: 'body.enterpriseId', message: 'not certified' },
      ]);
    if (input.capFen > p.enterpriseYearCapFen)
      throw badRequest(`a quota may not exceed the programme’s per-enterprise cap (${p.enterpriseYearCapFen} fen)`, [
        { path: 'body.capFen', message: 'above the per-enterprise cap' },
      ]);
    if (this.repo.quotaOf(p.id, org.id))
      throw new AppError('conflict', 'the enterprise already holds a quota in this programme');
    const now = this.clock.now();
    const q = this.repo.transaction(() => {
      if (this.repo.quotaOf(p.id, org.id))
        throw new AppError('conflict', 'the enterprise already holds a quota in this programme');
      const quota = this.repo.insertQuota({ ...input, grantedBy: actor.userId, grantedAt: now });
      const accounts = this.programmeAccounts(p, now);
      const account = this.ledger.account(
        {
          code: code.quota(quota.id),
          kind: 'quota',
          name: `${org.name} · ${p.name} 额度`,
          organisationId: org.id,
          programmeId: p.id,
          noOverdraft: true,
        },
        now,
      );
      this.ledger.create(
        {
          id: `quota:${quota.id}:grant`,
          debit: accounts.quotaSource.id,
          credit: account.id,
          amountFen: quota.capFen,
          code: 'quota_grant',
        },
        now,
      );
      return quota;
    });
    return this.quotaView(q);
  }

  revokeQuota(actor: Actor, id: number, reason: string): QuotaView {
    const q = this.repo.quota(id);
    if (!q) throw notFound('quota');
    if (q.revokedAt !== null) throw new AppError('conflict', 'the quota is already revoked');
    const now = this.clock.now();
    this.repo.transaction(() => {
      const p = this.repo.programme(q.programmeId)!;
      this.repo.updateQuota(id, { revokedAt: now, revokeReason: reason });
      this.giveBack(q, p, 'revoke', now);
    });
    void actor;
    return this.quotaView(this.repo.quota(id)!);
  }

  /** Returns what a quota has left to the programme (revocation or expiry). Reservations stay held. */
  private giveBack(q: QuotaRow, p: ProgrammeRow, why: 'revoke' | 'expire', now: number): void {
    const account = this.ledger.accountByCode(code.quota(q.id));
    if (!account) return;
    const left = availableOf(account);
    if (left <= 0) return;
    this.ledger.create(
      {
        id: `quota:${q.id}:${why}`,
        debit: account.id,
        credit: this.programmeAccounts(p, now).quotaSource.id,
        amountFen: left,
        code: `quota_${why}`,
      },
      now,
    );
  }

  /** Quotas past their use-by date give their unused money back (run by the daily maintenance). */
  expireQuotas(): number {
    const now = this.clock.now();
    const due = this.repo.quotasToExpire(this.today());
    for (const q of due) {
      this.repo.transaction(() => this.giveBack(q, this.repo.programme(q.programmeId)!, 'expire', now));
    }
    return due.length;
  }

  // Checkout

  /** The best voucher split for an order, and the plan to reserve it. */
  split(ctx: SplitContext, useVoucher: boolean, quotaId?: number): { view: VoucherSplit; plan: VoucherPlan | null } {
    const none = (ineligible: VoucherSplit['ineligible']): { view: VoucherSplit; plan: null } => ({
      view: {
        totalFen: ctx.totalFen,
        voucherFen: 0,
        selfPayFen: ctx.totalFen,
        limitedBy: null,
        voucher: null,
        ineligible,
      },
      plan: null,
    });
    const enterprise = this.repo.organisation(ctx.enterpriseId);
    if (!enterprise || enterprise.kind !== 'enterprise') return none([]);
    let quotas = this.repo.quotas({ enterpriseId: ctx.enterpriseId });
    if (quotaId !== undefined) {
      quotas = quotas.filter((q) => q.id === quotaId);
      if (!quotas.length)
        throw badRequest('that voucher quota is not your enterprise’s', [
          { path: 'body.quotaId', message: 'not yours' },
        ]);
    }
    if (!quotas.length) return none([]);
    const ineligible: VoucherSplit['ineligible'] = [];
    let best: VoucherPlan | null = null;
    for (const quota of quotas) {
      const plan = this.plan(ctx, quota, ineligible);
      if (plan && (!best || plan.voucherFen > best.voucherFen)) best = plan;
    }
    if (!best || !useVoucher) return none(ineligible);
    return { view: this.splitView(ctx.totalFen, best, ineligible), plan: best };
  }

  private splitView(totalFen: number, plan: VoucherPlan, ineligible: VoucherSplit['ineligible']): VoucherSplit {
    const deduct = plan.programme.settlementMode === 'deduct';
    return {
      totalFen,
      voucherFen: deduct ? plan.voucherFen : 0,
      selfPayFen: deduct ? totalFen - plan.voucherFen : totalFen,
      limitedBy: plan.limitedBy,
      voucher: {
        programmeId: plan.programme.id,
        programmeName: plan.programme.name,
        quotaId: plan.quota.id,
        ratioPercent: plan.ratioPercent,
        settlementMode: plan.programme.settlementMode,
        claimableFen: deduct ? 0 : plan.voucherFen,
      },
      ineligible,
    };
  }

  /** One quota's share for an order, with the live balances; null (and a reason) when it may not pay. */
  private plan(ctx: SplitContext, quota: QuotaRow, ineligible: VoucherSplit['ineligible']): VoucherPlan | null {
    const programme = this.repo.programme(quota.programmeId)!;
    const enterprise = this.repo.organisation(ctx.enterpriseId)!;
    const provider = this.repo.organisation(ctx.providerId)!;
    const cert = this.repo.certification(ctx.enterpriseId);
    const reasons: Ineligibility[] =
      ctx.userType === 'enterprise'
        ? ineligibility({
            serviceDate: ctx.serviceDate,
            today: this.today(),
            programme,
            certification: cert ? { expiresOn: cert.expiresOn, revoked: cert.revokedAt !== null } : null,
            quotaRevoked: quota.revokedAt !== null,
            categoryCode: ctx.categoryCode,
            provider: { id: provider.id, certified: provider.certified, province: provider.province ?? '' },
            related: this.repo.isRelated(ctx.enterpriseId, ctx.providerId),
            justification: ctx.justification,
          })
        : ['not_enterprise_price'];
    if (reasons.length) {
      for (const reason of reasons) ineligible.push({ programmeId: programme.id, reason, detail: REASON_TEXT[reason] });
      return null;
    }
    const ratio = ratioPercent(programme.ratioRules, enterprise.cityCode, provider.cityCode);
    const quotaAccount = this.ledger.accountByCode(code.quota(quota.id));
    const budget = this.ledger.accountByCode(code.budget(programme.id));
    const groupId = programme.groupYearCapFen ? (cert?.controllerGroupId ?? null) : null;
    const group = groupId ? this.ledger.accountByCode(code.group(groupId, programme.id)) : undefined;
    const share = voucherShare(ctx.totalFen, ratio, {
      orderCapFen: programme.orderCapFen,
      quotaAvailableFen: quotaAccount ? availableOf(quotaAccount) : 0,
      groupAvailableFen: groupId ? (group ? availableOf(group) : programme.groupYearCapFen) : null,
      budgetAvailableFen: budget ? availableOf(budget) : 0,
    });
    return { quota, programme, ratioPercent: ratio, groupId, ...share };
  }

  /**
   * Inside the booking transaction, with a plan made in the same transaction (so the balances it
   * read cannot have moved): holds the share as pending transfers on the quota, the group cap and
   * the budget, all or none.
   */
  reserve(bookingId: number, ctx: SplitContext, plan: VoucherPlan, now: number): VoucherUseRow {
    const { quota, programme: p } = plan;
    const provider = this.repo.organisation(ctx.providerId)!;
    const enterprise = this.repo.organisation(ctx.enterpriseId)!;
    const use = this.repo.insertUse({
      bookingId,
      quotaId: quota.id,
      programmeId: p.id,
      enterpriseId: ctx.enterpriseId,
      providerId: ctx.providerId,
      settlementMode: p.settlementMode,
      status: 'reserved',
      ratioPercent: plan.ratioPercent,
      eligibleFen: ctx.totalFen,
      reservedFen: plan.voucherFen,
      postedFen: null,
      limitedBy: plan.limitedBy,
      justification: ctx.justification ?? null,
      createdAt: now,
      updatedAt: now,
    });
    const accounts = this.programmeAccounts(p, now);
    const hold = (id: string, debit: number, credit: number, why: string) =>
      this.ledger.create(
        { id: `vu:${use.id}:${id}`, debit, credit, amountFen: plan.voucherFen, code: why, pending: true, bookingId },
        now,
      );
    hold('quota', this.ledger.accountByCode(code.quota(quota.id))!.id, accounts.used.id, 'voucher_reserve');
    if (plan.groupId !== null) {
      const group = this.groupAccount(plan.groupId, p, now);
      hold('group', group.id, accounts.quotaSource.id, 'voucher_reserve_group');
    }
    const payee =
      p.settlementMode === 'deduct'
        ? this.ledger.account(
            {
              code: code.providerReceivable(provider.id, p.id),
              kind: 'provider_receivable_programme',
              name: `${provider.name} · 应收 ${p.name}`,
              organisationId: provider.id,
              programmeId: p.id,
            },
            now,
          )
        : this.ledger.account(
            {
              code: code.enterpriseReceivable(enterprise.id, p.id),
              kind: 'enterprise_receivable',
              name: `${enterprise.name} · 可申领 ${p.name}`,
              organisationId: enterprise.id,
              programmeId: p.id,
            },
            now,
          );
    hold('budget', accounts.budget.id, payee.id, 'voucher_budget');
    const left = availableOf(this.ledger.accountByCode(code.quota(quota.id))!);
    if (this.notifier && left * 10 < quota.capFen) {
      // Below 10% of the cap: told once per quota (the dedupe key), in this transaction.
      this.notifier.notify(
        {
          type: 'quota_low',
          to: [{ organisationId: quota.enterpriseId, role: 'researcher' }],
          data: { quotaId: quota.id, programmeName: p.name, availableFen: left, capFen: quota.capFen },
          link: LINKS.vouchers,
          key: `quota_low:quota:${quota.id}`,
        },
        now,
      );
    }
    return use;
  }

  /** A controller group's cap in one programme, funded on first use. */
  private groupAccount(groupId: number, p: ProgrammeRow, now: number) {
    const existing = this.ledger.accountByCode(code.group(groupId, p.id));
    if (existing) return existing;
    const group = this.repo.controllerGroup(groupId)!;
    const account = this.ledger.account(
      {
        code: code.group(groupId, p.id),
        kind: 'group_cap',
        name: `${group.name} · ${p.name} 集团上限`,
        programmeId: p.id,
        noOverdraft: true,
      },
      now,
    );
    this.ledger.create(
      {
        id: `group:${groupId}:programme:${p.id}:fund`,
        debit: this.programmeAccounts(p, now).quotaSource.id,
        credit: account.id,
        amountFen: p.groupYearCapFen!,
        code: 'group_cap_fund',
      },
      now,
    );
    return account;
  }

  use(bookingId: number): VoucherUseRow | undefined {
    return this.repo.use(bookingId);
  }

  usesOfBookings(ids: number[]): VoucherUseRow[] {
    return this.repo.usesOfBookings(ids);
  }

  /** Inside the completion transaction: posts the share of the final price (never above the reserve). */
  post(bookingId: number, finalFen: number, now: number): VoucherUseRow | null {
    const use = this.repo.use(bookingId);
    if (!use || use.status !== 'reserved') return use ?? null;
    const amount = finalShare(finalFen, use.ratioPercent, use.reservedFen);
    if (amount === 0) return this.release(bookingId, now, 'nothing to pay at the final price');
    for (const part of this.partsOf(use))
      this.ledger.post(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:post`, amount, now);
    this.repo.updateUse(use.id, { status: 'posted', postedFen: amount, updatedAt: now });
    return this.repo.use(bookingId)!;
  }

  /** Inside a cancellation, rejection, no-show or failed checkout: gives the whole reserve back. */
  release(bookingId: number, now: number, note?: string): VoucherUseRow | null {
    const use = this.repo.use(bookingId);
    if (!use || use.status !== 'reserved') return use ?? null;
    for (const part of this.partsOf(use))
      this.ledger.void(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:void`, now, note);
    this.repo.updateUse(use.id, { status: 'released', postedFen: 0, updatedAt: now });
    return this.repo.use(bookingId)!;
  }

  private partsOf(use: VoucherUseRow): string[] {
    return ['quota', ...(this.ledger.transfer(`vu:${use.id}:group`) ? ['group'] : []), 'budget'];
  }
}
