/**
 * Voucher programmes (platform admins write, finance staff read): their terms, and their budget as
 * ledger money — funded at creation, raised or lowered later, never below what is held and used.
 * Their rules (ratios, caps, categories, providers, dates, eligible parts) are versioned: creation
 * writes version 1, an edit that changes them the next, effective now or at a later time; an order is
 * planned with the version in force when it is made (versions.ts).
 */
import type { ProgrammeRules } from '../../../db/schema/vouchers.ts';
import { badRequest, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { code, programmeAccounts } from './accounts.ts';
import { oversightCity, today, type VouchersContext } from './context.ts';
import { rulesDiffer, rulesOf } from './rules.ts';
import { rulesInForce, versionView } from './versions.ts';
import type { ProgrammeInput, ProgrammeView, RuleVersionView } from './vouchers.schemas.ts';
import type { ProgrammeRow, VouchersRepo } from './vouchers.repo.ts';

const bad = (path: string, message: string) => badRequest(message, [{ path: `body.${path}`, message }]);

export class Programmes {
  constructor(private readonly ctx: VouchersContext) {}

  /**
   * Every programme's terms are public policy. Its budget figures (budget, reserved, used, free, how
   * many quotas) are its issuer's money: a city's office reads them for the province's programmes and
   * its own city's, and only the terms of another city's.
   */
  async list(actor: Actor): Promise<ProgrammeView[]> {
    const city = oversightCity(actor);
    // One snapshot: the figures of every programme are of the same moment.
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const views: ProgrammeView[] = [];
      for (const p of await repo.programmes()) views.push(await this.view(repo, p, city));
      return views;
    });
  }

  async get(actor: Actor, id: number): Promise<ProgrammeView> {
    const city = oversightCity(actor);
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const p = await repo.programme(id);
      if (!p) throw notFound('programme');
      return this.view(repo, p, city);
    });
  }

  /** A programme's rule versions, newest first (public policy like its terms: every finance reader). */
  async versions(actor: Actor, id: number): Promise<RuleVersionView[]> {
    oversightCity(actor);
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      if (!(await repo.programme(id))) throw notFound('programme');
      const now = this.ctx.clock.now();
      const inForce = await repo.ruleVersionAt(id, now);
      const views: RuleVersionView[] = [];
      for (const v of await repo.ruleVersions(id)) views.push(await versionView(repo, v, inForce?.version ?? null));
      return views;
    });
  }

  /**
   * Brings each programme row to the rules version in force now (a version set for a later time has
   * come): the row is what other modules read of a programme. Orders are planned by the versions
   * themselves whatever the row says; this keeps the row's terms current (run by the daily maintenance).
   */
  async syncDueVersions(): Promise<number> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const now = this.ctx.clock.now();
      let synced = 0;
      for (const p of await repo.programmes()) {
        const { version, rules } = await rulesInForce(repo, p, now);
        if (version === p.rulesVersion) continue;
        await repo.updateProgramme(p.id, {
          ...rules,
          eligibleParts: partsColumn(rules.eligibleParts),
          rulesVersion: version,
          updatedAt: now,
        });
        synced++;
      }
      return synced;
    });
  }

  /** `city`: the caller is that city's finance office (undefined: the province, the desk or an admin). */
  private async view(repo: VouchersRepo, row: ProgrammeRow, city?: string): Promise<ProgrammeView> {
    const date = today(this.ctx.clock);
    // The rules shown are the version in force now (a version set for later is not yet the programme's).
    const { version, rules } = await rulesInForce(repo, row, this.ctx.clock.now());
    const p = { ...row, ...rules, eligibleParts: partsColumn(rules.eligibleParts), rulesVersion: version };
    const { createdBy: _c, createdAt: _a, updatedAt: _u, ...rest } = p;
    const status =
      date < p.startsOn ? 'upcoming' : date <= p.useBy ? 'open' : date <= p.claimBy ? 'claims_only' : 'closed';
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
    const budget = await this.ctx.ledger.accountByCode(code.budget(p.id));
    return {
      ...rest,
      budgetAvailableFen: budget ? availableOf(budget) : p.budgetFen,
      budgetReservedFen: budget?.debitsPendingFen ?? 0,
      budgetUsedFen: budget?.debitsPostedFen ?? 0,
      quotaCount: await repo.quotaCount(p.id),
      status,
    };
  }

  private async check(repo: VouchersRepo, input: ProgrammeInput): Promise<void> {
    if (input.useBy < input.startsOn) throw bad('useBy', 'the use-by date is before the start');
    if (input.claimBy < input.useBy) throw bad('claimBy', 'the claim-by date is before the use-by date');
    const [from, to] = [Number(input.startsOn.slice(0, 4)), Number(input.useBy.slice(0, 4))];
    if (input.year < from || input.year > to) throw bad('year', 'the year lies outside the programme’s dates');
    if (input.orderCapFen && input.orderCapFen > input.enterpriseYearCapFen)
      throw bad('orderCapFen', 'the order cap exceeds the per-enterprise cap');
    if (input.enterpriseYearCapFen > input.budgetFen)
      throw bad('enterpriseYearCapFen', 'the per-enterprise cap exceeds the budget');
    checkIssueMode(input, bad);
    const cityCodes = [
      ...Object.keys(input.ratioRules.byCity),
      ...(input.issuerCityCode ? [input.issuerCityCode] : []),
    ];
    const known = await repo.knownCities(cityCodes);
    const unknown = cityCodes.find((c) => !known.has(c));
    if (unknown) throw bad('ratioRules.byCity', `unknown city ${unknown}`);
    const countyCodes = Object.keys(input.ratioRules.byCounty ?? {});
    const knownCounties = await repo.knownCounties(countyCodes);
    const unknownCounty = countyCodes.find((c) => !knownCounties.has(c));
    if (unknownCounty) throw bad('ratioRules.byCounty', `unknown county ${unknownCounty}`);
    if (
      input.eligibleCategories.length &&
      (await repo.categoriesKnown(input.eligibleCategories)) !== new Set(input.eligibleCategories).size
    )
      throw bad('eligibleCategories', 'unknown category code');
    if (
      input.eligibleProviders.length &&
      (await repo.institutionsKnown(input.eligibleProviders)) !== new Set(input.eligibleProviders).size
    )
      throw bad('eligibleProviders', 'not an instrument-owning institution');
  }

  /** The programme, its accounts and its budget's funding: all or nothing. */
  async create(actor: Actor, input: ProgrammeInput): Promise<ProgrammeView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      // Checked in the transaction that writes: the cities, categories and providers named are there.
      await this.check(repo, input);
      const now = this.ctx.clock.now();
      if (input.effectiveFrom !== undefined)
        throw bad('effectiveFrom', 'a new programme’s rules apply from its creation');
      const { effectiveFrom: _e, versionNote, ...terms } = input;
      const p = await repo.insertProgramme({
        ...terms,
        ...issueTerms(input),
        nameEn: input.nameEn ?? null,
        issuerCityCode: input.issuerCityCode ?? null,
        reviewStages: input.reviewStages ?? null,
        publicNoticeDays: input.publicNoticeDays ?? 0,
        orderCapFen: input.orderCapFen ?? null,
        groupYearCapFen: input.groupYearCapFen ?? null,
        fundingOrder: input.fundingOrder ?? 0,
        eligibleParts: input.eligibleParts ? partsColumn(input.eligibleParts) : null,
        rulesVersion: 1,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      });
      await repo.insertRuleVersion({
        programmeId: p.id,
        version: 1,
        effectiveFrom: now,
        rules: rulesOf(p),
        note: versionNote ?? null,
        createdBy: actor.userId,
        createdAt: now,
      });
      const accounts = await programmeAccounts(this.ctx.ledger, p, now);
      await this.ctx.audit?.record(
        {
          action: 'voucher.programme_create',
          actor,
          subject: { type: 'voucher_programme', id: p.id },
          details: { name: p.name, year: p.year, budgetFen: p.budgetFen, issuerCityCode: p.issuerCityCode },
        },
        tx,
      );
      await this.ctx.ledger.create(
        {
          id: `programme:${p.id}:fund`,
          debit: accounts.funding.id,
          credit: accounts.budget.id,
          amountFen: p.budgetFen,
          code: 'budget_fund',
        },
        now,
      );
      return this.view(repo, p);
    });
  }

  /**
   * One transaction from the read of the programme to its update: the budget change is the new
   * budget less the one read, so two changes at once must not both start from the same figure; and
   * the settlement mode may not change once a quota exists, so no quota may be granted in between.
   */
  async update(actor: Actor, id: number, input: ProgrammeInput): Promise<ProgrammeView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const p = await repo.programme(id);
      if (!p) throw notFound('programme');
      await this.check(repo, input);
      if (input.settlementMode !== p.settlementMode && (await repo.quotaCount(id)) > 0) {
        throw badRequest('the settlement mode cannot change once quotas are granted', [
          { path: 'body.settlementMode', message: 'quotas exist' },
        ]);
      }
      const now = this.ctx.clock.now();
      const from = input.effectiveFrom === undefined ? now : Date.parse(input.effectiveFrom);
      if (from < now) throw bad('effectiveFrom', 'changed rules apply from now or a later time, never the past');
      const accounts = await programmeAccounts(this.ctx.ledger, p, now);
      const delta = input.budgetFen - p.budgetFen;
      if (delta < 0 && availableOf(accounts.budget) < -delta) {
        throw badRequest('the budget cannot drop below what is reserved and used', [
          { path: 'body.budgetFen', message: `at least ${p.budgetFen - availableOf(accounts.budget)} fen` },
        ]);
      }
      if (delta !== 0) {
        await this.ctx.ledger.create(
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
      // What changed: each term named with its value before and after.
      const changed = Object.fromEntries(
        Object.entries(input)
          .filter(([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify((p as Record<string, unknown>)[k] ?? null))
          .map(([k, v]) => [k, { from: (p as Record<string, unknown>)[k] ?? null, to: v ?? null }]),
      );
      await this.ctx.audit?.record(
        {
          action: 'voucher.programme_update',
          actor,
          subject: { type: 'voucher_programme', id },
          details: { name: input.name, changed },
        },
        tx,
      );
      const { effectiveFrom: _e, versionNote, ...terms } = input;
      const next = rulesOf({
        ...terms,
        orderCapFen: input.orderCapFen ?? null,
        groupYearCapFen: input.groupYearCapFen ?? null,
        eligibleParts: input.eligibleParts ?? null,
      });
      const current = await rulesInForce(repo, p, now);
      const latest = (await repo.ruleVersions(id))[0]?.version ?? p.rulesVersion;
      // Changed rules are a new version; applied to the row now when in force now, else kept for later.
      let rowRules: Partial<ProgrammeRules> & { rulesVersion?: number } = {};
      if (rulesDiffer(current.rules, next)) {
        const version = latest + 1;
        await repo.insertRuleVersion({
          programmeId: id,
          version,
          effectiveFrom: from,
          rules: next,
          note: versionNote ?? null,
          createdBy: actor.userId,
          createdAt: now,
        });
        if (from <= now) rowRules = { ...next, rulesVersion: version };
        else rowRules = { ...current.rules, rulesVersion: current.version };
      } else rowRules = { ...current.rules, rulesVersion: current.version };
      await repo.updateProgramme(id, {
        ...terms,
        ...issueTerms(input),
        nameEn: input.nameEn ?? null,
        issuerCityCode: input.issuerCityCode ?? null,
        reviewStages: input.reviewStages ?? null,
        publicNoticeDays: input.publicNoticeDays ?? 0,
        orderCapFen: input.orderCapFen ?? null,
        groupYearCapFen: input.groupYearCapFen ?? null,
        fundingOrder: input.fundingOrder ?? 0,
        eligibleParts: input.eligibleParts ?? null,
        ...rowRules,
        ...(rowRules.eligibleParts && { eligibleParts: partsColumn(rowRules.eligibleParts) }),
        updatedAt: now,
      });
      return this.view(repo, (await repo.programme(id))!);
    });
  }
}

/** The row keeps null for "every part" (as before the setting existed). */
function partsColumn(parts: ProgrammeRules['eligibleParts']) {
  return parts.surcharges && parts.setupFee ? null : parts;
}

/**
 * How quotas are issued. Application mode needs its window (local dates, inclusive): it closes no
 * earlier than it opens, by the use-by date (a quota applied for later could not be used), and opens
 * at most a year before the programme starts. Automatic mode needs the amount each certified
 * enterprise gets, at most the per-enterprise cap.
 */
function checkIssueMode(input: ProgrammeInput, bad: (path: string, message: string) => Error): void {
  if (input.quotaIssueMode === 'application') {
    const { applicationOpensOn: opens, applicationClosesOn: closes } = input;
    if (!opens) throw bad('applicationOpensOn', 'an application programme needs the date applications open');
    if (!closes) throw bad('applicationClosesOn', 'an application programme needs the date applications close');
    if (closes < opens) throw bad('applicationClosesOn', 'applications close before they open');
    if (closes > input.useBy) throw bad('applicationClosesOn', 'applications close after the use-by date');
    const earliest = `${Number(input.startsOn.slice(0, 4)) - 1}${input.startsOn.slice(4)}`;
    if (opens < earliest)
      throw bad('applicationOpensOn', 'applications open more than a year before the programme starts');
  }
  if (input.quotaIssueMode === 'automatic') {
    if (!input.automaticQuotaFen)
      throw bad('automaticQuotaFen', 'an automatic programme needs the quota each enterprise gets');
    if (input.automaticQuotaFen > input.enterpriseYearCapFen)
      throw bad('automaticQuotaFen', 'the automatic quota exceeds the per-enterprise cap');
  }
}

/** The issue terms stored: the window only in application mode, the amount only in automatic mode. */
function issueTerms(input: ProgrammeInput) {
  return {
    quotaIssueMode: input.quotaIssueMode,
    applicationOpensOn: input.quotaIssueMode === 'application' ? (input.applicationOpensOn ?? null) : null,
    applicationClosesOn: input.quotaIssueMode === 'application' ? (input.applicationClosesOn ?? null) : null,
    automaticQuotaFen: input.quotaIssueMode === 'automatic' ? (input.automaticQuotaFen ?? null) : null,
  };
}
