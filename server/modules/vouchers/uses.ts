/**
 * The voucher part of a checkout, one use per booking: the split of a price (which quota pays how
 * much, with the live balances), its reservation at request (pending ledger transfers on the quota,
 * the controller group's cap and the programme's budget), its posting at completion, or its release
 * otherwise; and the reads of uses for booking views, settlement and the enterprise's history.
 *
 * Checkout calls these inside its own transaction (they keep their parameters and join it through
 * the port): the plan read in that transaction is the plan reserved, so no cap is overdrawn.
 */
import type { UserType, VoucherLimit } from '../../../db/schema/enums.ts';
import { badRequest, forbidden } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { LINKS } from '../notifications/links.ts';
import { code, groupAccount, programmeAccounts } from './accounts.ts';
import { today, type VouchersContext } from './context.ts';
import { ineligibility, finalShare, ratioPercent, voucherShare, type Ineligibility } from './rules.ts';
import type { VoucherSplit } from './vouchers.schemas.ts';
import type { ProgrammeRow, QuotaRow, VoucherUseRow, VouchersRepo } from './vouchers.repo.ts';

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
      let best: VoucherPlan | null = null;
      for (const quota of quotas) {
        const plan = await this.plan(repo, ctx, quota, ineligible);
        if (plan && (!best || plan.voucherFen > best.voucherFen)) best = plan;
      }
      if (!best || !useVoucher) return none(ineligible);
      return { view: this.splitView(ctx.totalFen, best, ineligible), plan: best };
    });
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
  private async plan(
    repo: VouchersRepo,
    ctx: SplitContext,
    quota: QuotaRow,
    ineligible: VoucherSplit['ineligible'],
  ): Promise<VoucherPlan | null> {
    const { ledger } = this.ctx;
    const programme = (await repo.programme(quota.programmeId))!;
    const enterprise = (await repo.organisation(ctx.enterpriseId))!;
    const provider = (await repo.organisation(ctx.providerId))!;
    const cert = await repo.certification(ctx.enterpriseId);
    const reasons: Ineligibility[] =
      ctx.userType === 'enterprise'
        ? ineligibility({
            serviceDate: ctx.serviceDate,
            today: today(this.ctx.clock),
            programme,
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
    const ratio = ratioPercent(programme.ratioRules, enterprise.cityCode, provider.cityCode);
    const quotaAccount = await ledger.accountByCode(code.quota(quota.id));
    const budget = await ledger.accountByCode(code.budget(programme.id));
    const groupId = programme.groupYearCapFen ? (cert?.controllerGroupId ?? null) : null;
    const group = groupId ? await ledger.accountByCode(code.group(groupId, programme.id)) : undefined;
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
   * the budget, all or none (a savepoint of the caller's transaction; the ledger refuses an
   * overdraft whatever the plan says).
   */
  async reserve(bookingId: number, ctx: SplitContext, plan: VoucherPlan, now: number): Promise<VoucherUseRow> {
    const { ledger, notifier } = this.ctx;
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const { quota, programme: p } = plan;
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
        ratioPercent: plan.ratioPercent,
        eligibleFen: ctx.totalFen,
        reservedFen: plan.voucherFen,
        postedFen: null,
        limitedBy: plan.limitedBy,
        justification: ctx.justification ?? null,
        createdAt: now,
        updatedAt: now,
      });
      const accounts = await programmeAccounts(ledger, p, now);
      const hold = (id: string, debit: number, credit: number, why: string) =>
        ledger.create(
          { id: `vu:${use.id}:${id}`, debit, credit, amountFen: plan.voucherFen, code: why, pending: true, bookingId },
          now,
        );
      await hold('quota', (await ledger.accountByCode(code.quota(quota.id)))!.id, accounts.used.id, 'voucher_reserve');
      if (plan.groupId !== null) {
        const group = await groupAccount(ledger, repo, plan.groupId, p, now);
        await hold('group', group.id, accounts.quotaSource.id, 'voucher_reserve_group');
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
    });
  }

  async use(bookingId: number): Promise<VoucherUseRow | undefined> {
    return this.ctx.repo.use(bookingId);
  }

  async usesOfBookings(ids: number[]): Promise<VoucherUseRow[]> {
    return this.ctx.repo.usesOfBookings(ids);
  }

  /**
   * Inside the completion transaction: posts the share of the final price (never above the reserve).
   * The use's status is read and changed in one transaction (the caller's, or its own): posted once.
   */
  async post(bookingId: number, finalFen: number, now: number): Promise<VoucherUseRow | null> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const use = await repo.use(bookingId);
      if (!use || use.status !== 'reserved') return use ?? null;
      const amount = finalShare(finalFen, use.ratioPercent, use.reservedFen);
      if (amount === 0) return this.releaseIn(repo, use, now, 'nothing to pay at the final price');
      for (const part of await this.partsOf(use))
        await this.ctx.ledger.post(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:post`, amount, now);
      await repo.updateUse(use.id, { status: 'posted', postedFen: amount, updatedAt: now });
      return (await repo.use(bookingId))!;
    });
  }

  /** Inside a cancellation, rejection, no-show or failed checkout: gives the whole reserve back. */
  async release(bookingId: number, now: number, note?: string): Promise<VoucherUseRow | null> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const use = await repo.use(bookingId);
      if (!use || use.status !== 'reserved') return use ?? null;
      return this.releaseIn(repo, use, now, note);
    });
  }

  /** Voids a reserved use's holds, in the transaction that read it reserved. */
  private async releaseIn(repo: VouchersRepo, use: VoucherUseRow, now: number, note?: string): Promise<VoucherUseRow> {
    for (const part of await this.partsOf(use))
      await this.ctx.ledger.void(`vu:${use.id}:${part}`, `vu:${use.id}:${part}:void`, now, note);
    await repo.updateUse(use.id, { status: 'released', postedFen: 0, updatedAt: now });
    return (await repo.use(use.bookingId))!;
  }

  private async partsOf(use: VoucherUseRow): Promise<string[]> {
    const group = await this.ctx.ledger.transfer(`vu:${use.id}:group`);
    return ['quota', ...(group ? ['group'] : []), 'budget'];
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
