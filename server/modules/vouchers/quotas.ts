/**
 * Quotas: an enterprise's share of a programme, as a ledger account funded from the programme's
 * quota source. Granted and revoked by platform admins, read by finance staff (financeScope) and by
 * the enterprise itself; what is unused goes back to the programme at revocation or expiry.
 *
 * Each grant, revocation and expiry checks and writes in one transaction: the checks (one quota per
 * programme and enterprise, not revoked twice, not expired twice) and the balance given back are
 * only true while no other request writes in between.
 */
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { code, programmeAccounts } from './accounts.ts';
import { today, type VouchersContext } from './context.ts';
import type { QuotaListQuery, QuotaView } from './vouchers.schemas.ts';
import type { ProgrammeRow, QuotaRow, VouchersRepo } from './vouchers.repo.ts';
import type { VoucherListsRepo } from './voucher-lists.repo.ts';

export class Quotas {
  constructor(
    private readonly ctx: VouchersContext,
    private readonly lists: VoucherListsRepo,
  ) {}

  /**
   * Quotas for finance and admins: a city's finance office sees those of its city's enterprises and of
   * the programmes its city issued; the provincial office, the platform's desk and admins see all.
   */
  async list(actor: Actor, query: QuotaListQuery): Promise<{ items: QuotaView[]; total: number }> {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('quotas are for finance staff and admins');
    const cityCode = scope.kind === 'city' ? scope.cityCode : undefined;
    const { programmeId, enterpriseId, q, status, sort, order, offset, limit } = query;
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const lists = this.lists.with(tx);
      const page = await lists.quotaPage(
        { programmeId, enterpriseId, cityCode, q: q || undefined, status, today: today(this.ctx.clock) },
        { sort, order, offset, limit },
      );
      const items: QuotaView[] = [];
      for (const row of page.rows) items.push(await this.view(repo, row));
      return { items, total: page.total };
    });
  }

  /** The signed-in enterprise's own quotas. */
  async mine(actor: Actor): Promise<QuotaView[]> {
    if (actor.organisationKind !== 'enterprise') throw forbidden('vouchers belong to enterprises');
    return this.views({ enterpriseId: actor.organisationId });
  }

  /** One snapshot: a quota's balance and its uses' totals are of the same moment. */
  private async views(filter: Parameters<VouchersRepo['quotas']>[0]): Promise<QuotaView[]> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const views: QuotaView[] = [];
      for (const q of await repo.quotas(filter)) views.push(await this.view(repo, q));
      return views;
    });
  }

  private async view(repo: VouchersRepo, q: QuotaRow): Promise<QuotaView> {
    const p = (await repo.programme(q.programmeId))!;
    const org = (await repo.organisation(q.enterpriseId))!;
    const account = await this.ctx.ledger.accountByCode(code.quota(q.id));
    const totals = await repo.useTotals(q.id);
    const date = today(this.ctx.clock);
    const status =
      q.revokedAt !== null ? 'revoked' : date > p.useBy ? 'expired' : date < p.startsOn ? 'not_started' : 'active';
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

  /**
   * The programme's dates and cap, the enterprise's certification and the one-quota rule are checked
   * in the transaction that writes the quota and funds it: none can change in between.
   */
  async grant(
    /** Null: granted by the platform itself (automatic quotas). */
    actor: Actor | null,
    input: { programmeId: number; enterpriseId: number; capFen: number },
  ): Promise<QuotaView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const p = await repo.programme(input.programmeId);
      if (!p) throw badRequest('unknown programme', [{ path: 'body.programmeId', message: 'unknown' }]);
      const date = today(this.ctx.clock);
      if (date > p.useBy)
        throw badRequest('the programme has ended', [{ path: 'body.programmeId', message: 'past its use-by date' }]);
      const org = await repo.organisation(input.enterpriseId);
      if (!org || org.kind !== 'enterprise')
        throw badRequest('unknown enterprise', [{ path: 'body.enterpriseId', message: 'not an enterprise' }]);
      const cert = await repo.certification(org.id);
      if (!cert || cert.revokedAt !== null || cert.expiresOn < date)
        throw badRequest('the enterprise is not a certified technology-based SME', [
          { path: 'body.enterpriseId', message: 'not certified' },
        ]);
      if (input.capFen > p.enterpriseYearCapFen)
        throw badRequest(`a quota may not exceed the programme’s per-enterprise cap (${p.enterpriseYearCapFen} fen)`, [
          { path: 'body.capFen', message: 'above the per-enterprise cap' },
        ]);
      if (await repo.quotaOf(p.id, org.id))
        throw new AppError('conflict', 'the enterprise already holds a quota in this programme');
      const now = this.ctx.clock.now();
      const quota = await repo.insertQuota({ ...input, grantedBy: actor?.userId ?? null, grantedAt: now });
      const accounts = await programmeAccounts(this.ctx.ledger, p, now);
      const account = await this.ctx.ledger.account(
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
      await this.ctx.ledger.create(
        {
          id: `quota:${quota.id}:grant`,
          debit: accounts.quotaSource.id,
          credit: account.id,
          amountFen: quota.capFen,
          code: 'quota_grant',
        },
        now,
      );
      await this.ctx.audit?.record(
        {
          action: 'voucher.quota_grant',
          actor,
          subject: { type: 'voucher_quota', id: quota.id },
          details: { programmeId: p.id, enterpriseId: org.id, enterpriseName: org.name, capFen: quota.capFen },
        },
        tx,
      );
      return this.view(repo, quota);
    });
  }

  /** Two revocations at once: the second sees the first's and gets the conflict, as one after the other. */
  async revoke(actor: Actor, id: number, reason: string): Promise<QuotaView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const q = await repo.quota(id);
      if (!q) throw notFound('quota');
      if (q.revokedAt !== null) throw new AppError('conflict', 'the quota is already revoked');
      const now = this.ctx.clock.now();
      const p = (await repo.programme(q.programmeId))!;
      await repo.updateQuota(id, { revokedAt: now, revokeReason: reason });
      const returnedFen = await this.giveBack(q, p, 'revoke', now);
      await this.ctx.audit?.record(
        {
          action: 'voucher.quota_revoke',
          actor,
          subject: { type: 'voucher_quota', id },
          details: { programmeId: p.id, enterpriseId: q.enterpriseId, capFen: q.capFen, returnedFen, reason },
        },
        tx,
      );
      return this.view(repo, (await repo.quota(id))!);
    });
  }

  /**
   * Returns what a quota has left to the programme (revocation or expiry). Reservations stay held.
   * Inside the caller's transaction: the balance read is the amount moved.
   */
  private async giveBack(q: QuotaRow, p: ProgrammeRow, why: 'revoke' | 'expire', now: number): Promise<number> {
    const account = await this.ctx.ledger.accountByCode(code.quota(q.id));
    if (!account) return 0;
    const left = availableOf(account);
    if (left <= 0) return 0;
    await this.ctx.ledger.create(
      {
        id: `quota:${q.id}:${why}`,
        debit: account.id,
        credit: (await programmeAccounts(this.ctx.ledger, p, now)).quotaSource.id,
        amountFen: left,
        code: `quota_${why}`,
      },
      now,
    );
    return left;
  }

  /**
   * Quotas past their use-by date give their unused money back (run by the daily maintenance), each
   * in its own transaction. The list is read before them, so each quota is checked again inside its
   * transaction: another sweep (another worker) may have expired it meanwhile — expiring it again
   * with a balance a release has since raised would be refused by the ledger and stop the sweep — or
   * an admin may have revoked it or extended its programme.
   */
  async expire(): Promise<number> {
    const now = this.ctx.clock.now();
    const date = today(this.ctx.clock);
    let expired = 0;
    for (const listed of await this.ctx.repo.quotasToExpire(date)) {
      const done = await this.ctx.db.write(async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const q = await repo.quota(listed.id);
        if (!q || q.revokedAt !== null) return false;
        const p = (await repo.programme(q.programmeId))!;
        if (!(p.useBy < date) || (await this.ctx.ledger.transfer(`quota:${q.id}:expire`))) return false;
        const returnedFen = await this.giveBack(q, p, 'expire', now);
        await this.ctx.audit?.record(
          {
            action: 'voucher.quota_expire',
            subject: { type: 'voucher_quota', id: q.id },
            details: { programmeId: p.id, enterpriseId: q.enterpriseId, useBy: p.useBy, returnedFen },
          },
          tx,
        );
        return true;
      });
      if (done) expired++;
    }
    return expired;
  }
}
