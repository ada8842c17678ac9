/**
 * What listing review's use cases share (submissions.ts: the lab's side and the catalogue's gate;
 * review.ts: the reviewers' side): the database and the repository, the catalogue's write paths,
 * the notifier, who reviews, and how a submission is shown.
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { forbidden } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { InstrumentDetail, InstrumentInput, InstrumentPatch } from '../catalog/catalog.schemas.ts';
import type { LISTING_KEY_FIELDS } from '../catalog/records.ts';
import { normalRateCard } from '../catalog/records.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { LINKS } from '../notifications/links.ts';
import type { ListingSubmission } from './listing.schemas.ts';
import type { ListingRepo, Scope, SubmissionListRow } from './listing.repo.ts';

/** LISTING_REVIEWER: platform admins only, or also the city-level finance office of the submission's city. */
export type ListingReviewer = 'platform' | 'city';

/** The catalogue's write paths an approval goes through (CatalogService). */
export interface Publisher {
  publishApproved(actor: Actor, institutionId: number, input: InstrumentInput): Promise<number>;
  applyApproved(actor: Actor, id: number, patch: InstrumentPatch): Promise<void>;
  instrument(id: number, actor: Actor | null): Promise<InstrumentDetail>;
}

export interface ListingContext {
  db: Database;
  repo: ListingRepo;
  catalog: Publisher;
  notifier: Notifier;
  clock: Clock;
  reviewer: ListingReviewer;
  audit?: AuditLog;
}

/** What a caller reviews: everything (platform admins), one city (its city office in city mode), or nothing. */
export async function reviewScope(ctx: ListingContext, actor: Actor): Promise<Scope | null> {
  if (actor.role === 'platform_admin') return { kind: 'all' };
  if (ctx.reviewer !== 'city' || actor.role !== 'finance_officer' || actor.organisationKind !== 'finance_office')
    return null;
  const city = await ctx.repo.with(ctx.db).officeCity(actor.organisationId);
  return city ? { kind: 'city', cityCode: city } : null;
}

/** What a caller may read: a reviewer's scope, or a lab manager's own institution. */
export async function readScope(ctx: ListingContext, actor: Actor): Promise<Scope> {
  const scope = await reviewScope(ctx, actor);
  if (scope) return scope;
  if (actor.role === 'lab_manager') return { kind: 'institution', institutionId: actor.organisationId };
  throw forbidden('listing submissions are seen by their institution and their reviewers');
}

export function inScope(scope: Scope, row: { institutionId: number; cityCode: string }): boolean {
  return scope.kind === 'all'
    ? true
    : scope.kind === 'institution'
      ? row.institutionId === scope.institutionId
      : row.cityCode === scope.cityCode;
}

/** The published values of the key fields as a change compares with them. */
export function publishedValues(detail: InstrumentDetail): Record<(typeof LISTING_KEY_FIELDS)[number], unknown> {
  return {
    categoryCode: detail.category.code,
    originalValueFen: detail.originalValueFen,
    sharingMode: detail.sharingMode,
    rateCard: normalRateCard(detail.rateCard),
  };
}

export function submissionView(r: SubmissionListRow): ListingSubmission {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    source: r.source,
    importId: r.importId,
    institution: { id: r.institutionId, name: r.institutionName },
    instrumentId: r.instrumentId,
    assetNumber: r.assetNumber,
    nameZh: r.nameZh,
    category: { code: r.categoryCode, name: r.categoryName },
    city: { code: r.cityCode, name: r.cityName },
    record: r.record,
    published: r.published,
    fieldReasons: r.fieldReasons,
    note: r.note,
    submittedAt: r.submittedAt,
    submittedBy: r.submittedByName,
    decidedAt: r.decidedAt,
    decidedBy: r.decidedByName,
    updatedAt: r.updatedAt,
  };
}

/** Tells the reviewers of the submission's city that it awaits them (inside the submitting transaction). */
export async function notifyReviewers(ctx: ListingContext, repo: ListingRepo, id: number, now: number): Promise<void> {
  const row = (await repo.get(id))!;
  const reviewers = await repo.reviewers(ctx.reviewer === 'city' ? row.cityCode : null);
  await ctx.notifier.notify(
    {
      type: 'listing_submitted',
      to: reviewers.map((userId) => ({ userId })),
      data: {
        submissionId: id,
        instrumentName: row.nameZh,
        assetNumber: row.assetNumber,
        kind: row.kind,
        institutionName: row.institutionName,
        count: 1,
      },
      link: LINKS.listingReview(id),
      // One per submission step: the n-th event of its history.
      key: `listing_submitted:submission:${id}:step:${(await repo.history(id)).length}`,
    },
    now,
  );
}

/** Tells the institution's lab managers of a decision (inside the deciding transaction). */
export async function notifyLab(
  ctx: ListingContext,
  row: SubmissionListRow,
  outcome: 'approved' | 'returned' | 'rejected',
  note: string | null,
  actor: Actor,
  now: number,
): Promise<void> {
  await ctx.notifier.notify(
    {
      type: 'listing_reviewed',
      to: [{ organisationId: row.institutionId, role: 'lab_manager' }],
      data: {
        submissionId: row.id,
        instrumentName: row.nameZh,
        assetNumber: row.assetNumber,
        kind: row.kind,
        outcome,
        note,
      },
      link: LINKS.labListings,
      key: `listing_reviewed:submission:${row.id}:${outcome}:${now}`,
      except: actor.userId,
    },
    now,
  );
}
