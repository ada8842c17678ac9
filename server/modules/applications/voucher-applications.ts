/**
 * Voucher applications (申领). Under a programme that issues quotas by application, a certified
 * enterprise of the programme's scope (a city's programme: its city; the province's: the province)
 * applies during the window: the amount asked (at most the per-enterprise cap), what it means to use
 * the vouchers for, and its declaration that it has no related party among the providers it will use.
 * One application that still counts (submitted, returned or approved) per programme and enterprise.
 *
 * The reviewing office (context.ts) approves with an amount — at most the amount asked, the
 * programme's per-enterprise cap and its budget still free — which grants the quota through the
 * existing Quotas.grant in the approval's transaction: one quota, funded in the ledger exactly as an
 * admin's grant; or it returns the application (the enterprise changes and resubmits it, also after
 * the window has closed, until the programme's use-by date) or rejects it, with reasons.
 *
 * This file is the applicant's side; voucher-review.ts the office's; voucher-reads.ts the lists, one
 * application's detail, and what the enterprise may apply for now.
 */
import type { Queryable } from '../../../db/port.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { ProgrammeRow, VoucherApplicationRow } from './applications.repo.ts';
import type { ApplyBlock, VoucherApplicationDetail, VoucherApplicationInput } from './applications.schemas.ts';
import { LINKS, officeRecipients, subjectOf, voucherOffice, type ApplicationsContext } from './context.ts';
import { VOUCHER_SUBJECT as SUBJECT, type VoucherReads } from './voucher-reads.ts';

type Change = Omit<VoucherApplicationInput, 'programmeId'>;

/** The applicant's side: apply, change and resubmit, withdraw. */
export class VoucherApplications {
  constructor(
    private readonly ctx: ApplicationsContext,
    private readonly reads: VoucherReads,
  ) {}

  // The applicant

  private applicant(actor: Actor): void {
    if (actor.role !== 'researcher' || actor.organisationKind !== 'enterprise')
      throw forbidden('applications are made by enterprises');
  }

  private checkChange(p: ProgrammeRow, input: Change): void {
    if (!input.declaresNoRelatedParties)
      throw badRequest('declare that your enterprise has no related party among the providers it will use', [
        { path: 'body.declaresNoRelatedParties', message: 'must_be_true' },
      ]);
    if (input.amountFen > p.enterpriseYearCapFen)
      throw badRequest(`the amount asked exceeds the programme’s per-enterprise cap (${p.enterpriseYearCapFen} fen)`, [
        { path: 'body.amountFen', message: 'above_cap' },
      ]);
  }

  /** Checked and written in one transaction: the window, the certification, one application per programme. */
  async apply(actor: Actor, input: VoucherApplicationInput): Promise<VoucherApplicationDetail> {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const p = await this.ctx.vouchersRepo.with(tx).programme(input.programmeId);
      if (!p) throw badRequest('unknown programme', [{ path: 'body.programmeId', message: 'unknown_programme' }]);
      if (p.quotaIssueMode !== 'application')
        throw badRequest('this programme does not take applications', [
          { path: 'body.programmeId', message: 'not_by_application' },
        ]);
      const block = await this.reads.blockOf(tx, p, actor.organisationId);
      if (block) throw this.blocked(block, p);
      this.checkChange(p, input);
      const now = this.ctx.clock.now();
      const a = await repo.insertVoucher({
        programmeId: p.id,
        enterpriseId: actor.organisationId,
        amountFen: input.amountFen,
        plannedUse: input.plannedUse,
        declaresNoRelatedParties: input.declaresNoRelatedParties,
        status: 'submitted',
        submittedBy: actor.userId,
        submittedAt: now,
        updatedAt: now,
      });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'submitted', actor.userId, null, now);
      await this.tellOffice(tx, a, p, false, now);
      await this.ctx.audit.record(
        {
          action: 'voucher_application.apply',
          actor,
          subject: subjectOf(SUBJECT, a.id),
          details: { programmeId: p.id, amountFen: a.amountFen },
        },
        tx,
      );
      return this.reads.detail(tx, actor, a);
    });
  }

  private blocked(block: ApplyBlock, p: ProgrammeRow): AppError {
    const field = (message: string) => [{ path: 'body.programmeId', message }];
    switch (block) {
      case 'out_of_scope':
        return badRequest('your enterprise is outside this programme’s area', field('out_of_scope'));
      case 'not_certified':
        return badRequest('only certified technology-based SMEs may apply', field('not_certified'));
      case 'certification_expired':
        return badRequest(
          'your enterprise’s SME certification has lapsed or been revoked',
          field('certification_expired'),
        );
      case 'programme_ended':
        return badRequest('the programme has ended', field('programme_ended'));
      case 'window_not_open':
        return badRequest(`applications open on ${p.applicationOpensOn ?? '-'}`, field('window_not_open'));
      case 'window_closed':
        return badRequest(`applications closed on ${p.applicationClosesOn ?? '-'}`, field('window_closed'));
      case 'already_applied':
        return new AppError('conflict', 'your enterprise already has an application in this programme');
      case 'holds_quota':
        return new AppError('conflict', 'the enterprise already holds a quota in this programme');
    }
  }

  /** A returned application, changed and submitted again (the certification must still hold). */
  async resubmit(actor: Actor, id: number, input: Change): Promise<VoucherApplicationDetail> {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const a = await this.own(tx, actor, id);
      if (a.status !== 'returned')
        throw new AppError('conflict', `only a returned application can be resubmitted (it is ${a.status})`);
      const p = (await this.ctx.vouchersRepo.with(tx).programme(a.programmeId))!;
      const block = await this.reads.blockOf(tx, p, actor.organisationId);
      if (block === 'not_certified' || block === 'certification_expired' || block === 'programme_ended')
        throw this.blocked(block, p);
      this.checkChange(p, input);
      const now = this.ctx.clock.now();
      await repo.updateVoucher(a.id, { ...input, status: 'submitted', submittedAt: now, updatedAt: now });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'resubmitted', actor.userId, null, now);
      const changed = (await repo.voucher(a.id))!;
      await this.tellOffice(tx, changed, p, true, now);
      await this.ctx.audit.record(
        {
          action: 'voucher_application.resubmit',
          actor,
          subject: subjectOf(SUBJECT, a.id),
          details: { programmeId: p.id, amountFen: input.amountFen, previousAmountFen: a.amountFen },
        },
        tx,
      );
      return this.reads.detail(tx, actor, changed);
    });
  }

  async withdraw(actor: Actor, id: number): Promise<VoucherApplicationDetail> {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const a = await this.own(tx, actor, id);
      if (a.status !== 'submitted' && a.status !== 'returned')
        throw new AppError('conflict', `the application is ${a.status}: it can no longer be withdrawn`);
      const now = this.ctx.clock.now();
      await repo.updateVoucher(a.id, { status: 'withdrawn', updatedAt: now });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'withdrawn', actor.userId, null, now);
      await this.ctx.audit.record(
        {
          action: 'voucher_application.withdraw',
          actor,
          subject: subjectOf(SUBJECT, a.id),
          details: { programmeId: a.programmeId, amountFen: a.amountFen },
        },
        tx,
      );
      return this.reads.detail(tx, actor, (await repo.voucher(a.id))!);
    });
  }

  private async own(q: Queryable, actor: Actor, id: number): Promise<VoucherApplicationRow> {
    const a = await this.ctx.repo.with(q).voucher(id);
    if (!a || a.enterpriseId !== actor.organisationId) throw notFound('application');
    return a;
  }

  // Telling

  private async tellOffice(q: Queryable, a: VoucherApplicationRow, p: ProgrammeRow, resubmitted: boolean, now: number) {
    if (!this.ctx.notifier) return;
    const repo = this.ctx.repo.with(q);
    const e = (await repo.enterprise(a.enterpriseId))!;
    await this.ctx.notifier.notify(
      {
        type: 'application_submitted',
        to: await officeRecipients(repo, await voucherOffice(repo, p, e.cityCode)),
        data: {
          kind: 'voucher',
          applicationId: a.id,
          organisationName: e.name,
          programmeName: p.name,
          amountFen: a.amountFen,
        },
        link: LINKS.reviewVoucher(a.id),
        key: `application_submitted:voucher:${a.id}:${resubmitted ? `resubmitted:${now}` : 'submitted'}`,
      },
      now,
    );
  }
}
