/**
 * SME (科技型中小企业) certification applications. An enterprise's researcher applies with its
 * national registration number (入库登记编号) and the evaluation year, and uploads the certificate;
 * its city's finance office, the province's finance staff or an admin approves, returns (the applicant
 * fixes and resubmits) or rejects, with reasons. One application under way per enterprise.
 *
 * Validity (design, from the national rules): an enterprise is evaluated and entered in the national
 * database each year, and its registration number is valid for the year of the evaluation — through
 * 31 December of registrationYear. Approval writes that (or an earlier date the reviewer gives) into
 * enterprise_certifications through the existing Enterprises.certify, in the approval's transaction;
 * the certification then lapses by date (valid = not revoked and expiresOn ≥ today).
 */
import type { Queryable } from '../../../db/port.ts';
import type { DocumentKind } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import type { CertificationApplicationRow, QueueFilter } from './applications.repo.ts';
import type {
  CertificationApplicationDetail,
  CertificationApplicationInput,
  CertificationApplicationView,
  CertificationQueueQuery,
} from './applications.schemas.ts';
import {
  applicantView,
  certificationOffice,
  certificationState,
  historyView,
  iso,
  LINKS,
  listScope,
  officeRecipients,
  reviewsCertification,
  subjectOf,
  today,
  type ApplicationsContext,
} from './context.ts';

const SUBJECT = 'certification_application' as const;
/** The documents an application carries: the certificate, and anything else the office asks for. */
export const CERTIFICATION_DOCUMENT_KINDS = ['sme_certificate', 'other'] as const satisfies readonly DocumentKind[];

export class CertificationApplications {
  constructor(private readonly ctx: ApplicationsContext) {}

  // Reading

  /**
   * A page of the enterprise's own applications, or of the reviewers' queue (their financeScope), with
   * how many match: searched, filtered by status and city, in the order asked.
   */
  async list(
    actor: Actor,
    query: CertificationQueueQuery,
  ): Promise<{ items: CertificationApplicationView[]; total: number }> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const scope = listScope(actor);
      const filter: QueueFilter = {
        status: query.status,
        q: query.q || undefined,
        cityCode: query.city,
        ...('enterpriseId' in scope ? { enterpriseId: scope.enterpriseId } : { scopeCity: scope.cityCode }),
      };
      const rows = await repo.certificationQueue(filter, {
        sort: query.sort,
        offset: query.offset,
        limit: query.limit ?? 200,
      });
      const items: CertificationApplicationView[] = [];
      for (const r of rows) items.push(await this.view(tx, actor, r, false));
      return { items, total: await repo.certificationCount(filter) };
    });
  }

  async get(actor: Actor, id: number): Promise<CertificationApplicationDetail> {
    return this.ctx.db.read(async (tx) => this.detail(tx, actor, await this.visible(tx, actor, id)));
  }

  /** The application if the caller may read it: its enterprise's people, or finance within scope (else 404). */
  private async visible(q: Queryable, actor: Actor, id: number): Promise<CertificationApplicationRow> {
    const a = await this.ctx.repo.with(q).certification(id);
    if (!a) throw notFound('application');
    if (actor.organisationId === a.organisationId) return a;
    const scope = financeScope(actor);
    if (scope?.kind === 'province') return a;
    if (scope?.kind === 'city') {
      const e = await this.ctx.repo.with(q).enterprise(a.organisationId);
      if (e?.cityCode === scope.cityCode) return a;
    }
    throw notFound('application');
  }

  private async view(
    q: Queryable,
    actor: Actor,
    a: CertificationApplicationRow,
    whole: boolean,
  ): Promise<CertificationApplicationView> {
    const repo = this.ctx.repo.with(q);
    const e = (await repo.enterprise(a.organisationId))!;
    const own = actor.organisationId === a.organisationId;
    return {
      id: a.id,
      registrationNo: a.registrationNo,
      registrationYear: a.registrationYear,
      enterprise: applicantView(e, whole || own),
      certifiedOn: a.certifiedOn,
      expiresOn: a.expiresOn,
      status: a.status,
      reviewNote: a.reviewNote,
      reviewedAt: iso(a.reviewedAt),
      reviewerName: await repo.userName(a.reviewedBy),
      submittedAt: iso(a.submittedAt)!,
      updatedAt: iso(a.updatedAt)!,
      mayReview: a.status === 'submitted' && !own && reviewsCertification(actor, e.cityCode),
      mayEdit: own && actor.role === 'researcher' && (a.status === 'submitted' || a.status === 'returned'),
    };
  }

  async detail(q: Queryable, actor: Actor, a: CertificationApplicationRow) {
    const subject = subjectOf(SUBJECT, a.id);
    return {
      ...(await this.view(q, actor, a, true)),
      documents: (await this.ctx.documents.list(subject, q)).map((d) =>
        this.ctx.documents.view(d, `/api/v1/certification-applications/${a.id}/documents/${d.id}/file`),
      ),
      history: historyView(await this.ctx.repo.with(q).history(subject)),
      certification: await certificationState(this.ctx, q, a.organisationId),
    };
  }

  // The applicant

  private applicant(actor: Actor): void {
    if (actor.role !== 'researcher' || actor.organisationKind !== 'enterprise')
      throw forbidden('applications are made by enterprises');
  }

  /** The number's shape and year, and that no other enterprise holds or claims it. */
  private async checkInput(q: Queryable, actor: Actor, input: CertificationApplicationInput): Promise<void> {
    const year = Number(today(this.ctx.clock).slice(0, 4));
    if (input.registrationNo.slice(0, 4) !== String(input.registrationYear))
      throw badRequest('the registration number does not begin with its evaluation year', [
        { path: 'body.registrationNo', message: 'year_mismatch' },
      ]);
    if (input.registrationYear > year)
      throw badRequest('the evaluation year has not begun', [{ path: 'body.registrationYear', message: 'in_future' }]);
    if (input.registrationYear < year)
      throw badRequest(`a registration of ${input.registrationYear} lapsed on ${input.registrationYear}-12-31`, [
        { path: 'body.registrationYear', message: 'registration_lapsed' },
      ]);
    const held = await this.ctx.vouchersRepo.with(q).certificationByNumber(input.registrationNo);
    const claimed = await this.ctx.repo.with(q).openCertificationByNumber(input.registrationNo);
    if (
      (held && held.organisationId !== actor.organisationId) ||
      (claimed && claimed.organisationId !== actor.organisationId)
    )
      throw badRequest('that registration number belongs to another enterprise', [
        { path: 'body.registrationNo', message: 'number_taken' },
      ]);
  }

  /** Checked and written in one transaction: one application under way per enterprise. */
  async apply(actor: Actor, input: CertificationApplicationInput): Promise<CertificationApplicationDetail> {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      await this.checkInput(tx, actor, input);
      if (await repo.openCertificationOf(actor.organisationId))
        throw new AppError('conflict', 'your enterprise already has a certification application under way');
      const now = this.ctx.clock.now();
      const a = await repo.insertCertification({
        organisationId: actor.organisationId,
        registrationNo: input.registrationNo,
        registrationYear: input.registrationYear,
        status: 'submitted',
        submittedBy: actor.userId,
        submittedAt: now,
        updatedAt: now,
      });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'submitted', actor.userId, null, now);
      await this.tellOffice(tx, a, false, now);
      await this.ctx.audit.record(
        {
          action: 'certification.apply',
          actor,
          subject: subjectOf(SUBJECT, a.id),
          details: { registrationNo: a.registrationNo, registrationYear: a.registrationYear },
        },
        tx,
      );
      return this.detail(tx, actor, a);
    });
  }

  /** A returned application, changed and submitted again. */
  async resubmit(actor: Actor, id: number, input: CertificationApplicationInput) {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const a = await this.own(tx, actor, id);
      if (a.status !== 'returned')
        throw new AppError('conflict', `only a returned application can be resubmitted (it is ${a.status})`);
      await this.checkInput(tx, actor, input);
      const now = this.ctx.clock.now();
      await repo.updateCertification(a.id, { ...input, status: 'submitted', submittedAt: now, updatedAt: now });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'resubmitted', actor.userId, null, now);
      const changed = (await repo.certification(a.id))!;
      await this.tellOffice(tx, changed, true, now);
      await this.ctx.audit.record(
        {
          action: 'certification.resubmit',
          actor,
          subject: subjectOf(SUBJECT, a.id),
          details: { registrationNo: input.registrationNo, registrationYear: input.registrationYear },
        },
        tx,
      );
      return this.detail(tx, actor, changed);
    });
  }

  async withdraw(actor: Actor, id: number) {
    this.applicant(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const a = await this.own(tx, actor, id);
      if (a.status !== 'submitted' && a.status !== 'returned')
        throw new AppError('conflict', `the application is ${a.status}: it can no longer be withdrawn`);
      const now = this.ctx.clock.now();
      await repo.updateCertification(a.id, { status: 'withdrawn', updatedAt: now });
      await repo.addEvent(subjectOf(SUBJECT, a.id), 'withdrawn', actor.userId, null, now);
      await this.ctx.audit.record({ action: 'certification.withdraw', actor, subject: subjectOf(SUBJECT, a.id) }, tx);
      return this.detail(tx, actor, (await repo.certification(a.id))!);
    });
  }

  /** The caller's own enterprise's application (another's: 404). */
  private async own(q: Queryable, actor: Actor, id: number): Promise<CertificationApplicationRow> {
    const a = await this.ctx.repo.with(q).certification(id);
    if (!a || a.organisationId !== actor.organisationId) throw notFound('application');
    return a;
  }

  /** Before an upload's body is read: the applicant's, and still open. */
  async checkUpload(actor: Actor, id: number, kind: string): Promise<DocumentKind> {
    this.applicant(actor);
    if (!(CERTIFICATION_DOCUMENT_KINDS as readonly string[]).includes(kind))
      throw badRequest('an application carries its SME certificate (sme_certificate) or other documents (other)', [
        { path: 'params.kind', message: 'unknown_kind' },
      ]);
    const a = await this.own(this.ctx.db, actor, id);
    this.openForUpload(a);
    return kind as DocumentKind;
  }

  private openForUpload(a: CertificationApplicationRow): void {
    if (a.status !== 'submitted' && a.status !== 'returned')
      throw new AppError('conflict', `the application is ${a.status}: documents can no longer be changed`);
  }

  async upload(actor: Actor, id: number, kind: DocumentKind, file: { name: string; bytes: Buffer }) {
    const a = await this.own(this.ctx.db, actor, id);
    const saved = await this.ctx.documents.save(
      { type: SUBJECT, id: a.id, organisationId: a.organisationId },
      { kind, fileName: file.name, bytes: file.bytes, uploadedBy: actor.userId },
      // The application may have been reviewed or withdrawn while the file arrived.
      async (tx) => this.openForUpload((await this.ctx.repo.with(tx).certification(a.id))!),
    );
    await this.ctx.audit.record({
      action: 'certification.upload',
      actor,
      subject: subjectOf(SUBJECT, a.id),
      details: { kind, documentId: saved.id, size: saved.size, mime: saved.mime },
    });
    return this.get(actor, a.id);
  }

  async document(actor: Actor, id: number, documentId: number) {
    const a = await this.visible(this.ctx.db, actor, id);
    return this.ctx.documents.file(await this.ctx.documents.get(subjectOf(SUBJECT, a.id), documentId));
  }

  // Telling

  private async tellOffice(q: Queryable, a: CertificationApplicationRow, resubmitted: boolean, now: number) {
    if (!this.ctx.notifier) return;
    const repo = this.ctx.repo.with(q);
    const e = (await repo.enterprise(a.organisationId))!;
    await this.ctx.notifier.notify(
      {
        type: 'application_submitted',
        to: await officeRecipients(repo, await certificationOffice(repo, e.cityCode)),
        data: { kind: 'certification', applicationId: a.id, organisationName: e.name },
        link: LINKS.reviewCertification(a.id),
        key: `application_submitted:certification:${a.id}:${resubmitted ? `resubmitted:${now}` : 'submitted'}`,
      },
      now,
    );
  }
}
