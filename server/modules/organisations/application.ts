/**
 * The applicant's side of a registration: see it (status, review notes, documents, history), change
 * its fields and documents until it is decided, and submit it — first once the e-mail is verified and
 * the required documents are in, again after it was returned. Each step is in the review history.
 */
import type { Queryable } from '../../../db/port.ts';
import type { DocumentKind } from '../../../db/schema/index.ts';
import { AppError, badRequest, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { creditCodeTaken, organisationProblems } from './checks.ts';
import {
  administers,
  documentUrl,
  EDITABLE_STATUSES,
  historyView,
  loadOrganisationView,
  notifyReviewers,
  REGISTRATION_DOCUMENTS,
  requiredDocuments,
  reviews,
  type OrganisationsContext,
} from './context.ts';
import { normaliseCreditCode } from './credit-code.ts';
import type { OrganisationRow, OrganisationsRepo, UserRow } from './organisations.repo.ts';
import type { RegistrationPatch, RegistrationView } from './organisations.schemas.ts';
import { maskEmail, maskPhone } from '../../shared/mask.ts';

/** The required documents the registration lacks. */
async function missingDocuments(ctx: OrganisationsContext, org: OrganisationRow, q?: Queryable) {
  const have = await ctx.documents.kinds({ type: 'organisation', id: org.id }, q);
  return requiredDocuments(org.kind).filter((k) => !have.has(k));
}

/**
 * A registration not yet submitted goes to review when its administrator's e-mail is verified and its
 * documents are in (inside the caller's transaction); whether it went.
 */
export async function submitIfReady(
  ctx: OrganisationsContext,
  repo: OrganisationsRepo,
  org: OrganisationRow,
  admin: UserRow,
  now: number,
  q?: Queryable,
): Promise<boolean> {
  if (org.status !== 'unverified' || admin.emailVerifiedAt === null) return false;
  if ((await missingDocuments(ctx, org, q)).length) return false;
  await toReview(ctx, repo, org, admin, false, now);
  return true;
}

/** pending_review, with the history's step, the reviewers told and the audit log's entry. */
async function toReview(
  ctx: OrganisationsContext,
  repo: OrganisationsRepo,
  org: OrganisationRow,
  by: UserRow,
  resubmitted: boolean,
  now: number,
): Promise<void> {
  await repo.updateOrganisation(org.id, { status: 'pending_review', submittedAt: now, updatedAt: now });
  await repo.insertEvent({
    subjectType: 'organisation',
    subjectId: org.id,
    action: resubmitted ? 'resubmitted' : 'submitted',
    actorUserId: by.id,
    at: now,
  });
  await ctx.audit.record({
    action: resubmitted ? 'organisation.resubmit' : 'organisation.submit',
    who: { userId: by.id, email: by.email, organisationId: org.id },
    subject: { type: 'organisation', id: org.id },
  });
  await notifyReviewers(ctx, repo, org, resubmitted, now);
}

export class Application {
  constructor(private readonly ctx: OrganisationsContext) {}

  /** The caller's own registration (or, asking to join, their request and the organisation's name). */
  async view(actor: Actor): Promise<RegistrationView> {
    return this.ctx.db.read(async (tx) => this.viewWith(tx, actor));
  }

  private async viewWith(q: Queryable, actor: Actor): Promise<RegistrationView> {
    const repo = this.ctx.repo.with(q);
    const user = (await repo.user(actor.userId))!;
    const org = (await repo.organisation(user.organisationId))!;
    const admin = Boolean(user.orgAdmin) && user.membership === 'active';
    const organisation = await loadOrganisationView(repo, org);
    if (!admin) {
      organisation.contactPhone = maskPhone(organisation.contactPhone);
      organisation.contactEmail = maskEmail(organisation.contactEmail);
    }
    const docs = admin ? await this.ctx.documents.list({ type: 'organisation', id: org.id }, q) : [];
    const required = requiredDocuments(org.kind);
    const have = new Set(docs.map((d) => d.kind));
    const missing = admin ? required.filter((k) => !have.has(k)) : [];
    const history = admin ? await repo.history('organisation', org.id) : await repo.history('membership', user.id);
    const canEdit = admin && EDITABLE_STATUSES.includes(org.status);
    return {
      account: {
        userId: user.id,
        email: user.email,
        displayName: user.displayName,
        emailVerified: user.emailVerifiedAt !== null,
        membership: user.membership,
        orgAdmin: Boolean(user.orgAdmin),
        restriction: actor.restriction ?? null,
      },
      organisation,
      documents: docs.map((d) => this.ctx.documents.view(d, documentUrl(org.id, d.kind))),
      requiredDocuments: required,
      missingDocuments: missing,
      history: history.map(historyView),
      canEdit,
      canSubmit:
        canEdit &&
        user.emailVerifiedAt !== null &&
        !missing.length &&
        (org.status === 'unverified' || org.status === 'returned'),
    };
  }

  /** Changes the registration's fields (its administrator, until it is decided). */
  async update(actor: Actor, patch: RegistrationPatch): Promise<RegistrationView> {
    const { ctx } = this;
    const current = await this.editable(ctx.repo, actor);
    const next = {
      ...current,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      creditCode: patch.creditCode === undefined ? current.creditCode : normaliseCreditCode(patch.creditCode),
    } as OrganisationRow;
    const errors = await organisationProblems(ctx.repo, {
      kind: next.kind,
      creditCode: next.creditCode ?? '',
      institutionType: next.institutionType,
      cityCode: next.cityCode ?? '',
      countyCode: next.countyCode ?? '',
    });
    if (errors.length) throw badRequest('the registration has mistakes; see the marked fields', errors);
    const changed = Object.keys(patch).filter(
      (k) =>
        patch[k as keyof RegistrationPatch] !== undefined &&
        next[k as keyof OrganisationRow] !== current[k as keyof OrganisationRow],
    );
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const org = await this.editable(repo, actor);
      if (next.creditCode !== org.creditCode) {
        const other = await repo.organisationByCreditCode(next.creditCode!);
        if (other && other.id !== org.id) throw creditCodeTaken(other);
      }
      const now = ctx.clock.now();
      await repo.updateOrganisation(org.id, {
        name: next.name,
        creditCode: next.creditCode,
        institutionType: org.kind === 'institution' ? next.institutionType : null,
        cityCode: next.cityCode,
        countyCode: next.countyCode,
        address: next.address,
        legalRepresentative: next.legalRepresentative,
        contactName: next.contactName,
        contactPhone: next.contactPhone,
        contactEmail: next.contactEmail,
        updatedAt: now,
      });
      if (changed.length) {
        await ctx.audit.record(
          { action: 'organisation.update', actor, subject: { type: 'organisation', id: org.id }, details: { changed } },
          tx,
        );
      }
      return this.viewWith(tx, actor);
    });
  }

  /**
   * Who may upload the registration's documents, settled before a byte of the file is read: its
   * administrator while it can change, or a platform admin.
   */
  async checkUpload(actor: Actor, organisationId: number, kind: DocumentKind): Promise<void> {
    await this.uploadable(this.ctx.repo, actor, organisationId, kind);
  }

  async upload(actor: Actor, organisationId: number, kind: DocumentKind, file: { name: string; bytes: Buffer }) {
    const { ctx } = this;
    if (!file.bytes.length) throw badRequest('the file is empty', [{ path: 'body', message: 'empty' }]);
    const row = await ctx.documents.save(
      { type: 'organisation', id: organisationId, organisationId },
      { kind, fileName: file.name, bytes: file.bytes, uploadedBy: actor.userId },
      // The registration may have been decided while the file arrived.
      async (tx) => {
        await this.uploadable(ctx.repo.with(tx), actor, organisationId, kind);
        await ctx.audit.record(
          {
            action: 'organisation.document_upload',
            actor,
            subject: { type: 'organisation', id: organisationId },
            details: { kind, fileName: file.name, size: file.bytes.length },
          },
          tx,
        );
      },
    );
    return ctx.documents.view(row, documentUrl(organisationId, row.kind));
  }

  /** A registration's current document of a kind, for its administrators and its reviewers (others: 404). */
  async document(actor: Actor, organisationId: number, kind: DocumentKind) {
    const org = await this.ctx.repo.organisation(organisationId);
    if (!org || !(administers(actor, org.id) || (await reviews(this.ctx, actor, org)))) throw notFound('document');
    const row = (await this.ctx.documents.list({ type: 'organisation', id: org.id })).find((d) => d.kind === kind);
    if (!row) throw notFound('document');
    return this.ctx.documents.file(row);
  }

  /** Sends the registration to review: the first time, or again after it was returned. */
  async submit(actor: Actor): Promise<RegistrationView> {
    const { ctx } = this;
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const org = await this.editable(repo, actor);
      const user = (await repo.user(actor.userId))!;
      if (user.emailVerifiedAt === null) throw new AppError('conflict', 'verify your e-mail address first');
      if (org.status === 'pending_review')
        throw new AppError('conflict', 'the registration is already awaiting review');
      const missing = await missingDocuments(ctx, org, tx);
      if (missing.length) {
        throw badRequest(
          'upload the required documents first',
          missing.map((k) => ({ path: `documents.${k}`, message: 'required' })),
        );
      }
      await toReview(ctx, repo, org, user, org.status === 'returned', ctx.clock.now());
      return this.viewWith(tx, actor);
    });
  }

  /** The caller's organisation, when they administer it and it can still change. */
  private async editable(repo: OrganisationsRepo, actor: Actor): Promise<OrganisationRow> {
    const user = await repo.user(actor.userId);
    const org = user && (await repo.organisation(user.organisationId));
    if (!user || !org) throw notFound('organisation');
    if (!user.orgAdmin || user.membership !== 'active')
      throw new AppError('forbidden', 'only the organisation’s administrator changes its registration');
    if (!EDITABLE_STATUSES.includes(org.status))
      throw new AppError('conflict', `the registration is ${org.status}; it can no longer be changed`);
    return org;
  }

  private async uploadable(repo: OrganisationsRepo, actor: Actor, organisationId: number, kind: DocumentKind) {
    const org = await repo.organisation(organisationId);
    if (!org || !administers(actor, org.id)) throw notFound('organisation');
    if (!REGISTRATION_DOCUMENTS.includes(kind))
      throw badRequest('a registration takes a business licence, an authorisation letter or other documents', [
        { path: 'params.kind', message: 'not a registration document' },
      ]);
    if (actor.role !== 'platform_admin' && !EDITABLE_STATUSES.includes(org.status))
      throw new AppError('conflict', `the registration is ${org.status}; it can no longer be changed`);
  }
}
