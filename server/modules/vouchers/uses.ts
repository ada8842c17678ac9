/**
 * The voucher part of a checkout: the split of a price (which quotas pay how much, with the live
 * balances and the programme rules in force at the order), its reservation at request (pending ledger
 * transfers on each quota, the controller group's cap, the shared caps and the programme's budget),
 * its posting at completion, or its release otherwise; and the reads of uses for booking views,
 * settlement and the enterprise's history.
 *
 * Co-funding: an enterprise holding a usable provincial quota and a usable city quota of the same
 * settlement mode draws on both (one use each, `sequence` 1, 2 in funding order — the province's first). Each pays its own ratio of
 * its own eligible amount, held to its own caps; the later one at most what the earlier left of the
 * eligible amount; shared caps limit the sum (rules.ts coFundedShares). A named `quotaId` draws on
 * that quota alone.
 *
 * Checkout calls these inside its own transaction (they keep their parameters and join it through
 * the port): the plan read in that transaction is the plan reserved, so no cap is overdrawn.
 */
import type { PriceLine } from '../../../db/schema/booking.ts';
import type { UserType, VoucherLimit } from '../../../db/schema/enums.ts';
import type { PlannedTerms } from '../../../db/schema/vouchers.ts';
import { badRequest, forbidden } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { LINKS } from '../notifications/links.ts';
import {
  code,
  groupAccount,
  programmeAccounts,
  sharedCapAccount,
  sharedCapRoom,
  type SharedCapSubject,
} from './accounts.ts';
import { today, type VouchersContext } from './context.ts';
import {
  coFundedShares,
  eligibleFen,
  ineligibility,
  postedShare,
  ratioPercent,
  voucherShare,
  type Ineligibility,
  type ShareLimits,
} from './rules.ts';
import { rulesInForce } from './versions.ts';
import type { VoucherSplit } from './vouchers.schemas.ts';
import type { ProgrammeRow, QuotaRow, SharedCapRow, VoucherUseRow, VouchersRepo } from './vouchers.repo.ts';

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
  /** The price lines of the order: the programme's eligible parts are some of them. */
  lines: PriceLine[];
  /** Local date of the service (YYYY-MM-DD). */
  serviceDate: string;
  justification?: string | null;
}

/** One programme's share of an order, as planned inside the booking transaction. */
export interface PlannedShare {
  quota: QuotaRow;
  programme: ProgrammeRow;
  ratioPercent: number;
  voucherFen: number;
  limitedBy: VoucherLimit;
  groupId: number | null;
  /** The amount the ratio applies to: the eligible parts of the price. */
  eligibleFen: number;
  /** The rules version and terms in force at the order (kept on the use). */
  planned: PlannedTerms;
  /** The shared caps the share counts against, with whom each is for. */
  sharedCaps: { cap: SharedCapRow; subject: SharedCapSubject }[];
  /** Limits apart from co-funding and shared caps (what a share alone is held to). */
  limits: ShareLimits;
}

/** The voucher part of an order: one share, or a province's and a city's in funding order. */
export interface VoucherPlan {
  shares: PlannedShare[];
  /** All shares together, and the part the enterprise does not pay now (deduct mode). */
  voucherFen: number;
  deductFen: number;
  limitedBy: VoucherLimit;
}

export class VoucherUses {
  constructor(private readonly ctx: VouchersContext) {}

  /**
   * The best voucher split for an order, and the plan to reserve it. Its reads are one snapshot:
   * inside the caller's transaction (the booking's) that transaction, else a read transaction.
   */
  async split(
    ctx: SplitContext,
    useVoucher: boolean,
    quotaId?: number,
  ): Promise<{ view: VoucherSplit; plan: VoucherPlan | null }> {
    const none = (ineligible: VoucherSplit['ineligible']): { view: VoucherSplit; plan: null } => ({
      view: {
        totalFen: ctx.totalFen,
        voucherFen: 0,
        selfPayFen: ctx.totalFen,
        limitedBy: null,
        voucher: null,
        vouchers: [],
        ineligible,
      },
      plan: null,
    });
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const enterprise = await repo.organisation(ctx.enterpriseId);
      if (!enterprise || enterprise.kind !== 'enterprise') return none([]);
      let quotas = await repo.quotas({ enterpriseId: ctx.enterpriseId });
      if (quotaId !== undefined) {
        quotas = quotas.filter((q) => q.id === quotaId);
        if (!quotas.length)
          throw badRequest('that voucher quota is not your enterprise’s', [
            { path: 'body.quotaId', message: 'not yours' },
          ]);
      }
      if (!quotas.length) return none([]);
      const ineligible: VoucherSplit['ineligible'] = [];
      const candidates: PlannedShare[] = [];
      for (const quota of quotas) {
        const share = await this.plan(repo, ctx, quota, ineligible);
        if (share) candidates.push(share);
      }
      const plan = await this.combine(repo, candidates);
      if (!plan || !useVoucher) return none(ineligible);
      return { view: this.splitView(ctx.totalFen, plan, ineligible), plan };
    });
  }

  /**
   * The shares to draw on: the best provincial quota's and the best city quota's (by what each pays
   * alone), co-funding in funding order when both pay; else the best one alone.
   */
  private async combine(repo: VouchersRepo, candidates: PlannedShare[]): Promise<VoucherPlan | null> {
    if (!candidates.length) return null;
    const best = (list: PlannedShare[]) =>
      list.reduce<PlannedShare | undefined>((a, b) => (!a || b.voucherFen > a.voucherFen ? b : a), undefined);
    const province = best(candidates.filter((c) => c.programme.issuerCityCode === null));
    const city = best(candidates.filter((c) => c.programme.issuerCityCode !== null));
    const chosen = [province, city]
      .filter((s): s is PlannedShare => s !== undefined)
      .sort(
        (a, b) =>
          a.programme.fundingOrder - b.programme.fundingOrder ||
          Number(a.programme.issuerCityCode !== null) - Number(b.programme.issuerCityCode !== null) ||
          a.programme.id - b.programme.id,
      );
    // Co-funding joins programmes that settle the same way; a pay-first-claim-after city programme
    // beside a deduct provincial one is used alone (the one that pays more), as before co-funding.
    const mixed = chosen.length === 2 && chosen[0]!.programme.settlementMode !== chosen[1]!.programme.settlementMode;
    if (chosen.length === 1 || mixed || chosen.some((s) => s.voucherFen === 0)) {
      const only = best(candidates)!;
      return planOf([{ ...only, planned: { ...only.planned, sharedCaps: capsOf(only) } }]);
    }
    // Both pay: their shares together, each programme's caps and the shared caps' room as read.
    const room = new Map<number, number>();
    for (const s of chosen)
      for (const { cap, subject } of s.sharedCaps) room.set(cap.id, await sharedCapRoom(repo, cap, subject));
    const shares = coFundedShares(
      chosen.map((s) => ({
        eligibleFen: s.eligibleFen,
        ratio: s.ratioPercent,
        limits: s.limits,
        sharedCaps: s.sharedCaps.map((c) => c.cap.id),
      })),
      room,
    );
    const combined = chosen
      .map((s, i) => ({ ...s, ...shares[i]!, planned: { ...s.planned, sharedCaps: capsOf(s) } }))
      .filter((s) => s.voucherFen > 0);
    return planOf(combined.length ? combined : [chosen[0]!]);
  }

  private splitView(totalFen: number, plan: VoucherPlan, ineligible: VoucherSplit['ineligible']): VoucherSplit {
    const vouchers = plan.shares.map((s) => {
      const deduct = s.programme.settlementMode === 'deduct';
      return {
        programmeId: s.programme.id,
        programmeName: s.programme.name,
        quotaId: s.quota.id,
        ratioPercent: s.ratioPercent,
        settlementMode: s.programme.settlementMode,
        claimableFen: deduct ? 0 : s.voucherFen,
        ruleVersion: s.planned.ruleVersion,
        eligibleFen: s.eligibleFen,
        voucherFen: s.voucherFen,
        limitedBy: s.limitedBy,
      };
    });
    const { voucherFen: _v, limitedBy: _l, ...first } = vouchers[0]!;
    return {
      totalFen,
      voucherFen: plan.deductFen,
      selfPayFen: totalFen - plan.deductFen,
      limitedBy: plan.limitedBy,
      voucher: first,
      vouchers,
      ineligible,
    };
  }

  /** One quota's share for an order alone, with the live balances; null (and a reason) when it may not pay. */
  private async plan(
    repo: VouchersRepo,
    ctx: SplitContext,
    quota: QuotaRow,
    ineligible: VoucherSplit['ineligible'],
  ): Promise<PlannedShare | null> {
    const { ledger } = this.ctx;
    const programme = (await repo.programme(quota.programmeId))!;
    // The rules in force now: an order is planned (and later checked) by the version of its time.
    const { version, rules } = await rulesInForce(repo, programme, this.ctx.clock.now());
    const enterprise = (await repo.organisation(ctx.enterpriseId))!;
    const provider = (await repo.organisation(ctx.providerId))!;
    const cert = await repo.certification(ctx.enterpriseId);
    const reasons: Ineligibility[] =
      ctx.userType === 'enterprise'
        ? ineligibility({
            serviceDate: ctx.serviceDate,
            today: today(this.ctx.clock),
            programme: { ...rules, province: programme.province },
            certification: cert ? { expiresOn: cert.expiresOn, revoked: cert.revokedAt !== null } : null,
            quotaRevoked: quota.revokedAt !== null,
            categoryCode: ctx.categoryCode,
            provider: { id: provider.id, certified: provider.certified, province: provider.province ?? '' },
            related: await repo.isRelated(ctx.enterpriseId, ctx.providerId),
            justification: ctx.justification,
          })
        : ['not_enterprise_price'];
    if (reasons.length) {
      for (const reason of reasons) ineligible.push({ programmeId: programme.id, reason, detail: REASON_TEXT[reason] });
      return null;
    }
    const ratio = ratioPercent(rules.ratioRules, enterprise.cityCode, enterprise.countyCode, provider.cityCode);
    const eligible = eligibleFen(ctx.lines, ctx.totalFen, rules.eligibleParts);
    const quotaAccount = await ledger.accountByCode(code.quota(quota.id));
    const budget = await ledger.accountByCode(code.budget(programme.id));
    const groupId = rules.groupYearCapFen ? (cert?.controllerGroupId ?? null) : null;
    const group = groupId ? await ledger.accountByCode(code.group(groupId, programme.id)) : undefined;
    const limits: ShareLimits = {
      orderCapFen: rules.orderCapFen,
      quotaAvailableFen: quotaAccount ? availableOf(quotaAccount) : 0,
      groupAvailableFen: groupId ? (group ? availableOf(group) : rules.groupYearCapFen) : null,
      budgetAvailableFen: budget ? availableOf(budget) : 0,
    };
    const sharedCaps = await this.sharedCapsOf(repo, programme, ctx.enterpriseId, cert?.controllerGroupId ?? null);
    let sharedRoom: number | null = null;
    for (const { cap, subject } of sharedCaps) {
      const room = await sharedCapRoom(repo, cap, subject);
      sharedRoom = sharedRoom === null ? room : Math.min(sharedRoom, room);
    }
    const share = voucherShare(eligible, ratio, { ...limits, sharedAvailableFen: sharedRoom });
    const planned: PlannedTerms = {
      ruleVersion: version,
      orderCapFen: rules.orderCapFen,
      enterpriseYearCapFen: rules.enterpriseYearCapFen,
      groupYearCapFen: rules.groupYearCapFen,
      eligibleParts: rules.eligibleParts,
      enterpriseCityCode: enterprise.cityCode,
      enterpriseCountyCode: enterprise.countyCode,
      providerCityCode: provider.cityCode,
      sharedCaps: {},
    };
    return {
      quota,
      programme,
      ratioPercent: ratio,
      groupId,
      eligibleFen: eligible,
      planned,
      sharedCaps,
      limits,
      ...share,
    };
  }

  /** The shared caps of the programme's year that list it, each for the enterprise or its group. */
  private async sharedCapsOf(
    repo: VouchersRepo,
    p: ProgrammeRow,
    enterpriseId: number,
    groupId: number | null,
  ): Promise<{ cap: SharedCapRow; subject: SharedCapSubject }[]> {
    const caps = (await repo.sharedCaps()).filter((c) => c.year === p.year && c.programmeIds.includes(p.id));
    return caps.flatMap((cap): { cap: SharedCapRow; subject: SharedCapSubject }[] =>
      cap.scope === 'enterprise'
        ? [{ cap, subject: { scope: 'enterprise' as const, id: enterpriseId } }]
        : groupId !== null
          ? [{ cap, subject: { scope: 'group' as const, id: groupId } }]
          : [],
    );
  }

  /**
   * Inside the booking transaction, with a plan made in the same transaction (so the balances it
   * read cannot have moved): holds each share as pending transfers on its quota, its group cap, the
   * shared caps and its budget, all or none (a savepoint of the caller's transaction; the ledger
   * refuses an overdraft whatever the plan says).
   */
  async reserve(bookingId: number, ctx: SplitContext, plan: VoucherPlan, now: number): Promise<VoucherUseRow[]> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const uses: VoucherUseRow[] = [];
      for (const [i, share] of plan.shares.entries())
        uses.push(await this.reserveShare(repo, bookingId, ctx, share, i + 1, now));
      return uses;
    });
  }

  private async reserveShare(
    repo: VouchersRepo,
    bookingId: number,
    ctx: SplitContext,
    share: PlannedShare,
    sequence: number,
    now: number,
  ): Promise<VoucherUseRow> {
    const { ledger, notifier } = this.ctx;
    const { quota, programme: p } = share;
    const provider = (await repo.organisation(ctx.providerId))!;
    const enterprise = (await repo.organisation(ctx.enterpriseId))!;
    const use = await repo.insertUse({
      bookingId,
      quotaId: quota.id,
      programmeId: p.id,
      enterpriseId: ctx.enterpriseId,
      providerId: ctx.providerId,
      settlementMode: p.settlementMode,
      status: 'reserved',
      ratioPercent: share.ratioPercent,
      eligibleFen: share.eligibleFen,
      reservedFen: share.voucherFen,
      postedFen: null,
      limitedBy: share.limitedBy,
      justification: ctx.justification ?? null,
      planned: share.planned,
      sequence,
      createdAt: now,
      updatedAt: now,
    });
    const accounts = await programmeAccounts(ledger, p, now);
    const hold = (id: string, debit: number, credit: number, why: string) =>
      ledger.create(
        { id: `vu:${use.id}:${id}`, debit, credit, amountFen: share.voucherFen, code: why, pending: true, bookingId },
        now,
      );
    await hold('quota', (await ledger.accountByCode(code.quota(quota.id)))!.id, accounts.used.id, 'voucher_reserve');
    if (share.groupId !== null) {
      const group = await groupAccount(ledger, repo, share.groupId, p, now);
      await hold('group', group.id, accounts.quotaSource.id, 'voucher_reserve_group');
    }
    for (const { cap, subject } of share.sharedCaps) {
      const name =
        subject.scope === 'enterprise'
          ? enterprise.name
          : ((await repo.controllerGroup(subject.id))?.name ?? `group ${subject.id}`);
      const account = await sharedCapAccount(ledger, cap, subject, name, now);
      const source = (await ledger.accountByCode(code.sharedCapSource(cap.id)))!;
      await hold(`shared:${cap.id}`, account.id, source.id, 'voucher_reserve_shared_cap');
    }
    const payee =
      p.settlementMode === 'deduct'
        ? await ledger.account(
            {
              code: code.providerReceivable(provider.id, p.id),
              kind: 'provider_receivable_programme',
              name: `${provider.name} · 应收 ${p.name}`,
              organisationId: provider.id,
              programmeId: p.id,
            },
            now,
          )
        : await ledger.account(
            {
              code: code.enterpriseReceivable(enterprise.id, p.id),
              kind: 'enterprise_receivable',
              name: `${enterprise.name} · 可申领 ${p.name}`,
              organisationId: enterprise.id,
              programmeId: p.id,
            },
            now,
          );
    await hold('budget', accounts.budget.id, payee.id, 'voucher_budget');
    // Read after the holds, in the same transaction: what is left once this share is held.
    const left = availableOf((await ledger.accountByCode(code.quota(quota.id)))!);
    if (notifier && left * 10 < quota.capFen) {
      // Below 10% of the cap: told once per quota (the dedupe key), in this transaction.
      await notifier.notify(
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

  /** A booking's uses in funding order (a co-funded order has one per programme). */
  async uses(bookingId: number): Promise<VoucherUseRow[]> {
    return this.ctx.repo.uses(bookingId);
  }

  async useById(id: number): Promise<VoucherUseRow | undefined> {
    return this.ctx.repo.useById(id);
  }

  async usesOfBookings(ids: number[]): Promise<(VoucherUseRow & { programmeName?: string })[]> {
    return this.ctx.repo.usesOfBookings(ids);
  }

  /**
   * Inside the completion transaction: posts each use's share of the final price (its eligible parts,
   * never above its reserve; a later use of a co-funded order at most what the earlier left). The
   * uses' status is read and changed in one transaction (the caller's, or its own): posted once.
   */
  async post(bookingId: number, finalFen: number, finalLines: PriceLine[], now: number): Promise<VoucherUseRow[]> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      let earlier = 0;
      for (const use of await repo.uses(bookingId)) {
        if (use.status !== 'reserved') {
          if (use.status === 'posted') earlier += use.postedFen ?? 0;
          continue;
        }
        const parts = use.planned?.eligibleParts ?? null;
        const amount = postedShare(finalFen, finalLines, parts, use.ratioPercent, use.reservedFen, earlier);
        if (amount === 0) {
          await this.releaseIn(repo, use, now, 'nothing to pay at the final price');
          continue;
        }
        for (const part of await this.partsOf(use))
          await this.ctx.ledger.post(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:post`, amount, now);
        await repo.updateUse(use.id, { status: 'posted', postedFen: amount, updatedAt: now });
        earlier += amount;
      }
      return repo.uses(bookingId);
    });
  }

  /** Inside a cancellation, rejection, no-show or failed checkout: gives every reserve back. */
  async release(bookingId: number, now: number, note?: string): Promise<VoucherUseRow[]> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      for (const use of await repo.uses(bookingId))
        if (use.status === 'reserved') await this.releaseIn(repo, use, now, note);
      return repo.uses(bookingId);
    });
  }

  /** Voids a reserved use's holds, in the transaction that read it reserved. */
  private async releaseIn(repo: VouchersRepo, use: VoucherUseRow, now: number, note?: string): Promise<void> {
    for (const part of await this.partsOf(use))
      await this.ctx.ledger.void(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:void`, now, note);
    await repo.updateUse(use.id, { status: 'released', postedFen: 0, updatedAt: now });
  }

  private async partsOf(use: VoucherUseRow): Promise<string[]> {
    const group = await this.ctx.ledger.transfer(`vu:${use.id}:group`);
    const shared = Object.keys(use.planned?.sharedCaps ?? {}).map((id) => `shared:${id}`);
    return ['quota', ...(group ? ['group'] : []), ...shared, 'budget'];
  }

  /** The enterprise's voucher history (all of it for admins), newest first. */
  async mine(actor: Actor) {
    if (actor.role !== 'platform_admin' && actor.organisationKind !== 'enterprise')
      throw forbidden('vouchers belong to enterprises');
    const scope = actor.role === 'platform_admin' ? null : actor.organisationId;
    return (await this.ctx.repo.usesOfEnterprise(scope, 200)).map((u) => ({
      ...u,
      createdAt: new Date(u.createdAt).toISOString(),
      updatedAt: new Date(u.updatedAt).toISOString(),
    }));
  }
}

/** The shared caps a share counts against, as kept on the use (id → the cap then). */
function capsOf(s: PlannedShare): Record<string, number> {
  return Object.fromEntries(s.sharedCaps.map(({ cap }) => [String(cap.id), cap.capFen]));
}

function planOf(shares: PlannedShare[]): VoucherPlan {
  const voucherFen = shares.reduce((sum, s) => sum + s.voucherFen, 0);
  const deductFen = shares
    .filter((s) => s.programme.settlementMode === 'deduct')
    .reduce((sum, s) => sum + s.voucherFen, 0);
  return { shares, voucherFen, deductFen, limitedBy: shares[shares.length - 1]!.limitedBy };
}
