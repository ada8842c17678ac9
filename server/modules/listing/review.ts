/**
 * The reviewers' side of listing review: the queue with its filters and counts, one submission with
 * its diff against the published record, and the decisions — approve (publish through the
 * catalogue's own write paths, in the transaction that decides), return with reasons per field, reject,
 * and bulk approve (each submission in its own transaction).
 */
import type { ReviewAction } from '../../../db/schema/index.ts';
import { parseInput } from '../../http/route.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { canManageInstitution } from '../auth/actor.ts';
import { instrumentInputSchema, instrumentPatchSchema } from '../catalog/catalog.schemas.ts';
import { LISTING_KEY_FIELDS } from '../catalog/records.ts';
import { inScope, notifyLab, readScope, reviewScope, submissionView, type ListingContext } from './context.ts';
import type { ListingPage, ListingQuery, ListingSubmissionDetail } from './listing.schemas.ts';
import type { ListingRepo, SubmissionListRow } from './listing.repo.ts';

/** Fields of a new record in the order the diff lists them (the form's order); others follow. */
const FIELD_ORDER = [
  'assetNumber',
  'nameZh',
  'nameEn',
  'categoryCode',
  'originalValueFen',
  'sharingMode',
  'runStatus',
  'origin',
  'commissionedOn',
  'country',
  'manufacturer',
  'model',
  'cityCode',
  'district',
  'address',
  'rateCard',
];

export class ListingReview {
  constructor(private readonly ctx: ListingContext) {}

  private repo(): ListingRepo {
    return this.ctx.repo.with(this.ctx.db);
  }

  async list(actor: Actor, query: ListingQuery): Promise<ListingPage> {
    const scope = await readScope(this.ctx, actor);
    const { page, pageSize, status, ...filter } = query;
    return this.ctx.db.read(async () => {
      const repo = this.repo();
      const counts = await repo.counts(scope, filter);
      const rows = await repo.list(scope, { ...filter, status }, { offset: (page - 1) * pageSize, limit: pageSize });
      const total = status ? counts[status] : Object.values(counts).reduce((a, b) => a + b, 0);
      return { items: rows.map(submissionView), total, page, pageSize, counts };
    });
  }

  async get(actor: Actor, id: number): Promise<ListingSubmissionDetail> {
    const scope = await readScope(this.ctx, actor);
    const reviews = (await reviewScope(this.ctx, actor)) !== null;
    return this.ctx.db.read(async () => {
      const repo = this.repo();
      const row = await repo.get(id);
      if (!row) throw notFound('listing submission');
      if (!inScope(scope, row)) throw forbidden('not a submission you may see');
      const history = await repo.history(id);
      return {
        ...submissionView(row),
        diff: diffOf(row),
        history: history.map(({ id: _id, ...h }) => h),
        canReview: reviews && row.status === 'pending',
        canEdit:
          canManageInstitution(actor, row.institutionId) && (row.status === 'returned' || row.status === 'pending'),
      };
    });
  }

  /** The submission, if the caller reviews its city; pending, or a 409. */
  private async decidable(repo: ListingRepo, actor: Actor, id: number): Promise<SubmissionListRow> {
    const scope = await reviewScope(this.ctx, actor);
    if (!scope) throw forbidden('only listing reviewers decide submissions');
    const row = await repo.get(id);
    if (!row) throw notFound('listing submission');
    if (!inScope(scope, row)) throw forbidden('this submission is reviewed by another city');
    if (row.status !== 'pending') throw new AppError('conflict', `the submission is ${row.status}, not pending`);
    return row;
  }

  private async decide(
    repo: ListingRepo,
    actor: Actor,
    row: SubmissionListRow,
    action: ReviewAction & ('approved' | 'returned' | 'rejected'),
    set: { note: string | null; fieldReasons?: Record<string, string> | null; instrumentId?: number },
  ) {
    const now = this.ctx.clock.now();
    const moved = await repo.transition(row.id, ['pending'], {
      status: action,
      note: set.note,
      fieldReasons: set.fieldReasons ?? null,
      ...(set.instrumentId !== undefined && { instrumentId: set.instrumentId }),
      decidedBy: actor.userId,
      decidedAt: now,
      updatedAt: now,
    });
    if (!moved) throw new AppError('conflict', 'the submission was decided by someone else meanwhile');
    await repo.insertEvent({
      subjectType: 'listing_submission',
      subjectId: row.id,
      action,
      note: set.note,
      actorUserId: actor.userId,
      at: now,
    });
    await notifyLab(this.ctx, row, action, set.note, actor, now);
    await this.ctx.audit?.record(
      {
        action: `instrument.listing_${action === 'approved' ? 'approve' : action === 'returned' ? 'return' : 'reject'}`,
        actor,
        subject: { type: 'listing_submission', id: row.id },
        details: { institutionId: row.institutionId, kind: row.kind, assetNumber: row.assetNumber, nameZh: row.nameZh },
      },
      this.ctx.db,
    );
  }

  /**
   * Publishes a pending submission: a new record through the catalogue's create path, a change
   * through its update path, in one transaction with the decision. The record is checked again
   * (asset number still free, category and city still known): a clear 409 / 400 if not.
   */
  async approve(actor: Actor, id: number, note: string | null): Promise<number> {
    return this.ctx.db.write(async () => {
      const repo = this.repo();
      const row = await this.decidable(repo, actor, id);
      let instrumentId: number;
      if (row.kind === 'new') {
        // Parsed again: the stored record gets the defaults of fields added since it was submitted.
        const input = parseInput(instrumentInputSchema, row.record, 'record');
        instrumentId = await this.ctx.catalog.publishApproved(actor, row.institutionId, input);
      } else {
        instrumentId = row.instrumentId!;
        await this.ctx.catalog.applyApproved(
          actor,
          instrumentId,
          parseInput(instrumentPatchSchema, row.record, 'record'),
        );
      }
      await this.decide(repo, actor, row, 'approved', { note, instrumentId });
      return instrumentId;
    });
  }

  async returnForChanges(
    actor: Actor,
    id: number,
    input: { fieldReasons: Record<string, string>; note: string | null },
  ): Promise<void> {
    await this.ctx.db.write(async () => {
      const repo = this.repo();
      const row = await this.decidable(repo, actor, id);
      await this.decide(repo, actor, row, 'returned', { note: input.note, fieldReasons: input.fieldReasons });
    });
  }

  async reject(actor: Actor, id: number, note: string): Promise<void> {
    await this.ctx.db.write(async () => {
      const repo = this.repo();
      const row = await this.decidable(repo, actor, id);
      await this.decide(repo, actor, row, 'rejected', { note });
    });
  }

  /** Each submission approved in its own transaction: one that fails is reported and the rest go on. */
  async bulkApprove(actor: Actor, ids: number[]) {
    if (!(await reviewScope(this.ctx, actor))) throw forbidden('only listing reviewers decide submissions');
    const results = [];
    for (const id of [...new Set(ids)]) {
      try {
        const instrumentId = await this.approve(actor, id, null);
        results.push({ id, ok: true, instrumentId, error: null });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ id, ok: false, instrumentId: null, error: { code: err.code, detail: err.message } });
      }
    }
    const approved = results.filter((r) => r.ok).length;
    return { results, approved, failed: results.length - approved };
  }
}

/** Field by field, published → proposed: a change's fields, or every field a new record gives. */
function diffOf(row: SubmissionListRow) {
  // Fields in a fixed order: PostgreSQL's jsonb keeps no order of its own.
  if (row.kind === 'change') {
    const key: string[] = LISTING_KEY_FIELDS.filter((f) => f in row.record);
    const others = Object.keys(row.record)
      .filter((f) => !key.includes(f))
      .sort();
    return [...key, ...others].map((field) => ({
      field,
      published: row.published?.[field] ?? null,
      proposed: row.record[field],
    }));
  }
  const rank = (f: string) => {
    const i = FIELD_ORDER.indexOf(f);
    return i < 0 ? FIELD_ORDER.length : i;
  };
  return Object.entries(row.record)
    .filter(([field]) => field !== 'institutionId')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([field, proposed]) => ({ field, published: null, proposed }));
}
