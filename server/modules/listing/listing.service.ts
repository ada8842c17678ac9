/**
 * Listing review (入网审核): the instruments table holds only published records; a lab manager's new
 * record, and a change of a published record's key fields (category, value, sharing mode, rate
 * card), wait in listing_submissions until a reviewer approves, returns (reasons per field) or rejects
 * them. Reviewers: platform admins; with LISTING_REVIEWER=city also the city-level finance office of
 * the submission's city.
 *
 * - submissions.ts  the catalogue's gate (records.ts calls it) and the lab's resubmit / withdraw
 * - review.ts       the queue, one submission with its diff, approve / return / reject, bulk approve
 * Beside them: context.ts (scopes, views, notifications) and listing.repo.ts (the SQL).
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { InstrumentPatch } from '../catalog/catalog.schemas.ts';
import type { ListingGate } from '../catalog/records.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { ListingContext, ListingReviewer, Publisher } from './context.ts';
import type { ListingPage, ListingQuery, ListingSubmissionDetail } from './listing.schemas.ts';
import { ListingRepo } from './listing.repo.ts';
import { ListingReview } from './review.ts';
import { ListingSubmissions } from './submissions.ts';

export type { ListingReviewer } from './context.ts';

export class ListingService {
  /** What the catalogue's write paths hand lab managers' records to. */
  readonly gate: ListingGate;
  private readonly submissions: ListingSubmissions;
  private readonly review: ListingReview;

  constructor(deps: {
    db: Database;
    catalog: Publisher;
    notifier: Notifier;
    clock: Clock;
    reviewer?: ListingReviewer;
    audit?: AuditLog;
  }) {
    const ctx: ListingContext = { ...deps, repo: new ListingRepo(deps.db), reviewer: deps.reviewer ?? 'platform' };
    this.submissions = new ListingSubmissions(ctx);
    this.review = new ListingReview(ctx);
    this.gate = this.submissions;
  }

  list(actor: Actor, query: ListingQuery): Promise<ListingPage> {
    return this.review.list(actor, query);
  }

  get(actor: Actor, id: number): Promise<ListingSubmissionDetail> {
    return this.review.get(actor, id);
  }

  async approve(actor: Actor, id: number, note: string | null): Promise<ListingSubmissionDetail> {
    await this.review.approve(actor, id, note);
    return this.get(actor, id);
  }

  async returnForChanges(
    actor: Actor,
    id: number,
    input: { fieldReasons: Record<string, string>; note: string | null },
  ): Promise<ListingSubmissionDetail> {
    await this.review.returnForChanges(actor, id, input);
    return this.get(actor, id);
  }

  async reject(actor: Actor, id: number, note: string): Promise<ListingSubmissionDetail> {
    await this.review.reject(actor, id, note);
    return this.get(actor, id);
  }

  bulkApprove(actor: Actor, ids: number[]) {
    return this.review.bulkApprove(actor, ids);
  }

  async resubmit(
    actor: Actor,
    id: number,
    edits: InstrumentPatch,
    note: string | null,
  ): Promise<ListingSubmissionDetail> {
    await this.submissions.resubmit(actor, id, edits, note);
    return this.get(actor, id);
  }

  async withdraw(actor: Actor, id: number): Promise<ListingSubmissionDetail> {
    await this.submissions.withdraw(actor, id);
    return this.get(actor, id);
  }
}
