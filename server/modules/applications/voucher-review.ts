/**
 * The office's review of voucher applications: approve with an amount (the quota granted through
 * Quotas.grant in the approval's transaction), return or reject with reasons. Only the reviewing
 * office (context.ts) or an admin decides; anyone else's attempt is audited as denied.
 */
import type { Queryable } from '../../../db/port.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { code } from '../vouchers/accounts.ts';
import type { ProgrammeRow, VoucherApplicationRow } from './applications.repo.ts';
import type { VoucherApplicationDetail } from './applications.schemas.ts';
import {
  auditedRefusal,
  certificationState,
  enterpriseRecipients,
  isOffice,
  LINKS,
  subjectOf,
  voucherOffice,
  type ApplicationsContext,
} from './context.ts';
import { VOUCHER_SUBJECT as SUBJECT, type VoucherReads } from './voucher-reads.ts';

export class VoucherReview {
  constructor(
    private readonly ctx: ApplicationsContext,
    private readonly reads: VoucherReads,
  ) {}

  // The office

  private async review(
    actor: Actor,
    id: number,
    action: 'approve' | 'return' | 'reject',
    step: (tx: Queryable, a: VoucherApplicationRow, p: ProgrammeRow, now: number) => Promise<void>,
  ): Promise<VoucherApplicationDetail> {
    const subject = subjectOf(SUBJECT, id);
    return auditedRefusal(this.ctx, { action: `voucher_application.${action}`, actor, subject }, () =>
      this.ctx.db.write(async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const a = await repo.voucher(id);
        if (!a) throw notFound('application');
        const p = (await this.ctx.vouchersRepo.with(tx).programme(a.programmeId))!;
        const e = (await repo.enterprise(a.enterpriseId))!;
        const office = await voucherOffice(repo, p, e.cityCode);
        if (actor.organisationId === a.enterpriseId || !isOffice(actor, office))
          throw forbidden(
            office.level === 'city'
              ? 'this application is reviewed by the finance office of its city'
              : 'this application is reviewed by the provincial finance office',
          );
        if (a.status !== 'submitted')
          throw new AppError('conflict', `the application is ${a.status}, not awaiting review`);
        await step(tx, a, p, this.ctx.clock.now());
        return this.reads.detail(tx, actor, (await repo.voucher(a.id))!);
      }),
    );
  }

  /**
   * Grants the quota through Quotas.grant inside this transaction (its own checks run there too: the
   * programme not ended, the enterprise certified, the cap, one quota per programme and enterprise).
   */
  async approve(actor: Actor, id: number, input: { approvedFen: number; note?: string }) {
    return this.review(actor, id, 'approve', async (tx, a, p, now) => {
      const repo = this.ctx.repo.with(tx);
      if (input.approvedFen > a.amountFen)
        throw badRequest('the amount approved exceeds the amount asked', [
          { path: 'body.approvedFen', message: 'above_asked' },
        ]);
      if (input.approvedFen > p.enterpriseYearCapFen)
        throw badRequest(`a quota may not exceed the programme’s per-enterprise cap (${p.enterpriseYearCapFen} fen)`, [
          { path: 'body.approvedFen', message: 'above_cap' },
        ]);
      const budget = await this.ctx.ledger.accountByCode(code.budget(p.id));
      const free = budget ? availableOf(budget) : 0;
      if (input.approvedFen > free)
        throw badRequest(`the programme’s budget has ${free} fen left`, [
          { path: 'body.approvedFen', message: 'above_budget' },
        ]);
      const cert = await certificationState(this.ctx, tx, a.enterpriseId);
      if (!cert?.valid)
        throw badRequest('the enterprise’s SME certification has lapsed or been revoked', [
          { path: 'enterprise', message: 'not_certified' },
        ]);
      const quota = await this.ctx.vouchers.grantQuota(actor, {
        programmeId: p.id,
        enterpriseId: a.enterpriseId,
        capFen: input.approvedFen,
      });
      const note = input.note || null;
      await repo.updateVoucher(a.id, {
        status: 'approved',
        approvedFen: input.approvedFen,
        quotaId: quota.id,
        reviewNote: note,
        reviewedBy: actor.userId,
        reviewedAt: now,
        updatedAt: now,
      });
      const subject = subjectOf(SUBJECT, a.id);
      await repo.addEvent(subject, 'approved', actor.userId, note, now);
      await this.tellApplicant(a, p, 'approved', note, input.approvedFen, now);
      await this.ctx.notifier?.notify(
        {
          type: 'quota_granted',
          to: enterpriseRecipients(a.enterpriseId),
          data: { quotaId: quota.id, programmeName: p.name, capFen: quota.capFen },
          link: LINKS.vouchers,
          key: `quota_granted:quota:${quota.id}`,
        },
        now,
      );
      await this.ctx.audit.record(
        {
          action: 'voucher_application.approve',
          actor,
          subject,
          details: {
            programmeId: p.id,
            enterpriseId: a.enterpriseId,
            amountFen: a.amountFen,
            approvedFen: input.approvedFen,
            quotaId: quota.id,
          },
        },
        tx,
      );
    });
  }

  async returnForChanges(actor: Actor, id: number, note: string) {
    return this.review(actor, id, 'return', (tx, a, p, now) => this.close(tx, actor, a, p, 'returned', note, now));
  }

  async reject(actor: Actor, id: number, note: string) {
    return this.review(actor, id, 'reject', (tx, a, p, now) => this.close(tx, actor, a, p, 'rejected', note, now));
  }

  private async close(
    tx: Queryable,
    actor: Actor,
    a: VoucherApplicationRow,
    p: ProgrammeRow,
    outcome: 'returned' | 'rejected',
    note: string,
    now: number,
  ): Promise<void> {
    const repo = this.ctx.repo.with(tx);
    await repo.updateVoucher(a.id, {
      status: outcome,
      reviewNote: note,
      reviewedBy: actor.userId,
      reviewedAt: now,
      updatedAt: now,
    });
    await repo.addEvent(subjectOf(SUBJECT, a.id), outcome, actor.userId, note, now);
    await this.tellApplicant(a, p, outcome, note, null, now);
    await this.ctx.audit.record(
      {
        action: `voucher_application.${outcome === 'returned' ? 'return' : 'reject'}`,
        actor,
        subject: subjectOf(SUBJECT, a.id),
        details: { programmeId: p.id, enterpriseId: a.enterpriseId, amountFen: a.amountFen, note },
      },
      tx,
    );
  }

  private async tellApplicant(
    a: VoucherApplicationRow,
    p: ProgrammeRow,
    outcome: 'approved' | 'returned' | 'rejected',
    note: string | null,
    approvedFen: number | null,
    now: number,
  ) {
    await this.ctx.notifier?.notify(
      {
        type: 'voucher_application_reviewed',
        to: enterpriseRecipients(a.enterpriseId),
        data: { outcome, note, applicationId: a.id, programmeName: p.name, amountFen: a.amountFen, approvedFen },
        link: LINKS.myVoucherApplication(a.id),
        key: `voucher_application_reviewed:${a.id}:${outcome}:${now}`,
      },
      now,
    );
  }
}
