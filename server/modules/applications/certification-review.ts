/**
 * The office's review of SME certification applications: approve (the enterprise certified through
 * the existing Enterprises.certify in the approval's transaction, valid through 31 December of the
 * evaluation year or an earlier date given), return or reject with reasons. Its city's finance office,
 * the province's finance staff or an admin decides; anyone else's attempt is audited as denied.
 */
import type { Queryable } from '../../../db/port.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { CertificationApplicationRow } from './applications.repo.ts';
import type { CertificationApplicationDetail } from './applications.schemas.ts';
import type { CertificationApplications } from './certification.ts';
import {
  auditedRefusal,
  enterpriseRecipients,
  LINKS,
  reviewsCertification,
  subjectOf,
  today,
  type ApplicationsContext,
} from './context.ts';

const SUBJECT = 'certification_application' as const;

export class CertificationReview {
  constructor(
    private readonly ctx: ApplicationsContext,
    private readonly reads: CertificationApplications,
  ) {}

  // The office

  /**
   * The reviewer's step, checked and written in one transaction: the application is still submitted,
   * and the caller the office (a refusal is audited as denied).
   */
  private async review(
    actor: Actor,
    id: number,
    action: 'approve' | 'return' | 'reject',
    step: (tx: Queryable, a: CertificationApplicationRow, now: number) => Promise<void>,
  ): Promise<CertificationApplicationDetail> {
    const subject = subjectOf(SUBJECT, id);
    return auditedRefusal(this.ctx, { action: `certification.${action}`, actor, subject }, () =>
      this.ctx.db.write(async (tx) => {
        const a = await this.ctx.repo.with(tx).certification(id);
        if (!a) throw notFound('application');
        const e = (await this.ctx.repo.with(tx).enterprise(a.organisationId))!;
        if (actor.organisationId === a.organisationId || !reviewsCertification(actor, e.cityCode))
          throw forbidden('this application is reviewed by the finance office of its city or the province');
        if (a.status !== 'submitted')
          throw new AppError('conflict', `the application is ${a.status}, not awaiting review`);
        await step(tx, a, this.ctx.clock.now());
        return this.reads.detail(tx, actor, (await this.ctx.repo.with(tx).certification(a.id))!);
      }),
    );
  }

  /**
   * Approval certifies the enterprise through Enterprises.certify in the same transaction (its checks:
   * the number is no other enterprise's; the controller group it had is kept) — and the automatic
   * quotas of programmes in its scope follow there too (the voucher service's hook).
   */
  async approve(actor: Actor, id: number, input: { certifiedOn?: string; expiresOn?: string; note?: string }) {
    return this.review(actor, id, 'approve', async (tx, a, now) => {
      const repo = this.ctx.repo.with(tx);
      const date = today(this.ctx.clock);
      const latest = `${a.registrationYear}-12-31`;
      const certifiedOn = input.certifiedOn ?? date;
      const expiresOn = input.expiresOn ?? latest;
      if (certifiedOn > date || certifiedOn.slice(0, 4) !== String(a.registrationYear))
        throw badRequest('the certification date lies in the evaluation year, not after today', [
          { path: 'body.certifiedOn', message: 'out_of_range' },
        ]);
      if (expiresOn > latest)
        throw badRequest(
          `a registration of ${a.registrationYear} is valid until ${a.registrationYear}-12-31 at the latest`,
          [{ path: 'body.expiresOn', message: 'after_year_end' }],
        );
      if (expiresOn <= certifiedOn || expiresOn < date)
        throw badRequest('the certification would already have lapsed', [
          { path: 'body.expiresOn', message: 'already_lapsed' },
        ]);
      const subject = subjectOf(SUBJECT, a.id);
      if (!(await this.ctx.documents.kinds(subject, tx)).has('sme_certificate'))
        throw badRequest('the application has no SME certificate uploaded', [
          { path: 'documents', message: 'sme_certificate_missing' },
        ]);
      const existing = await this.ctx.vouchersRepo.with(tx).certification(a.organisationId);
      await this.ctx.vouchers.certify(actor, a.organisationId, {
        certificateNo: a.registrationNo,
        certifiedOn,
        expiresOn,
        controllerGroupId: existing?.controllerGroupId ?? null,
      });
      const note = input.note || null;
      await repo.updateCertification(a.id, {
        status: 'approved',
        certifiedOn,
        expiresOn,
        reviewNote: note,
        reviewedBy: actor.userId,
        reviewedAt: now,
        updatedAt: now,
      });
      await repo.addEvent(subject, 'approved', actor.userId, note, now);
      await this.tellApplicant(a, 'approved', note, expiresOn, now);
      await this.ctx.audit.record(
        {
          action: 'certification.approve',
          actor,
          subject,
          details: { enterpriseId: a.organisationId, registrationNo: a.registrationNo, certifiedOn, expiresOn },
        },
        tx,
      );
    });
  }

  async returnForChanges(actor: Actor, id: number, note: string) {
    return this.review(actor, id, 'return', (tx, a, now) => this.close(tx, actor, a, 'returned', note, now));
  }

  async reject(actor: Actor, id: number, note: string) {
    return this.review(actor, id, 'reject', (tx, a, now) => this.close(tx, actor, a, 'rejected', note, now));
  }

  private async close(
    tx: Queryable,
    actor: Actor,
    a: CertificationApplicationRow,
    outcome: 'returned' | 'rejected',
    note: string,
    now: number,
  ): Promise<void> {
    const repo = this.ctx.repo.with(tx);
    await repo.updateCertification(a.id, {
      status: outcome,
      reviewNote: note,
      reviewedBy: actor.userId,
      reviewedAt: now,
      updatedAt: now,
    });
    await repo.addEvent(subjectOf(SUBJECT, a.id), outcome, actor.userId, note, now);
    await this.tellApplicant(a, outcome, note, null, now);
    await this.ctx.audit.record(
      {
        action: `certification.${outcome === 'returned' ? 'return' : 'reject'}`,
        actor,
        subject: subjectOf(SUBJECT, a.id),
        details: { enterpriseId: a.organisationId, registrationNo: a.registrationNo, note },
      },
      tx,
    );
  }

  private async tellApplicant(
    a: CertificationApplicationRow,
    outcome: 'approved' | 'returned' | 'rejected',
    note: string | null,
    expiresOn: string | null,
    now: number,
  ) {
    await this.ctx.notifier?.notify(
      {
        type: 'certification_reviewed',
        to: enterpriseRecipients(a.organisationId),
        data: { outcome, note, applicationId: a.id, registrationNo: a.registrationNo, expiresOn },
        link: LINKS.myCertification,
        key: `certification_reviewed:${a.id}:${outcome}:${now}`,
      },
      now,
    );
  }
}
