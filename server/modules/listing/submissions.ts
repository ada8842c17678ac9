/**
 * The lab's side of listing review: what the catalogue's write paths hand over (a new record, a
 * key-field change, a reviewer's own record published at once), and the lab fixing and resubmitting
 * a returned submission, or withdrawing one.
 */
import type { ReviewAction } from '../../../db/schema/index.ts';
import { parseInput } from '../../http/route.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { instrumentInputSchema, type InstrumentInput, type InstrumentPatch } from '../catalog/catalog.schemas.ts';
import { LISTING_KEY_FIELDS, normalRateCard, type ListingGate } from '../catalog/records.ts';
import { notifyReviewers, publishedValues, submissionView, type ListingContext } from './context.ts';
import type { ListingSubmission, PendingChange } from './listing.schemas.ts';
import { OPEN_STATUSES, type ListingRepo, type SubmissionListRow } from './listing.repo.ts';

const isKeyField = (f: string): f is (typeof LISTING_KEY_FIELDS)[number] =>
  (LISTING_KEY_FIELDS as readonly string[]).includes(f);

/** A value as a change compares it (rate cards without ids, in a fixed key order). */
const comparable = (field: string, v: unknown) =>
  JSON.stringify(field === 'rateCard' ? normalRateCard(v as never) : (v ?? null));

export class ListingSubmissions implements ListingGate {
  constructor(private readonly ctx: ListingContext) {}

  private repo(): ListingRepo {
    return this.ctx.repo.with(this.ctx.db);
  }

  private async event(
    repo: ListingRepo,
    id: number,
    action: ReviewAction,
    actor: Actor | null,
    note: string | null,
    at: number,
  ) {
    await repo.insertEvent({
      subjectType: 'listing_submission',
      subjectId: id,
      action,
      note,
      actorUserId: actor?.userId ?? null,
      at,
    });
  }

  /** An open new record must not take an asset number another open one holds. */
  private async checkReserved(repo: ListingRepo, institutionId: number, assetNumber: string, exceptId?: number) {
    if (await repo.assetReserved(institutionId, assetNumber, exceptId)) {
      throw new AppError('conflict', 'asset number already used in this institution', [
        { path: 'assetNumber', message: 'already awaiting review' },
      ]);
    }
  }

  // The catalogue's gate (records.ts); each call joins the caller's transaction.

  async submitNew(actor: Actor, institutionId: number, input: InstrumentInput): Promise<ListingSubmission> {
    return this.ctx.db.write(async () => {
      const repo = this.repo();
      await this.checkReserved(repo, institutionId, input.assetNumber);
      const now = this.ctx.clock.now();
      const id = await repo.insert({
        institutionId,
        kind: 'new',
        status: 'pending',
        record: { ...input, institutionId },
        source: 'form',
        assetNumber: input.assetNumber,
        nameZh: input.nameZh,
        categoryCode: input.categoryCode,
        cityCode: input.cityCode,
        submittedBy: actor.userId,
        submittedAt: now,
        updatedAt: now,
      });
      await this.event(repo, id, 'submitted', actor, null, now);
      await notifyReviewers(this.ctx, repo, id, now);
      return submissionView((await repo.get(id))!);
    });
  }

  async submitChange(
    actor: Actor,
    instrumentId: number,
    patch: InstrumentPatch,
    published: Record<string, unknown>,
    reverted: string[],
  ): Promise<void> {
    await this.ctx.db.write(async () => {
      const repo = this.repo();
      const now = this.ctx.clock.now();
      const open = await repo.openChange(instrumentId);
      if (open) {
        // A newer change replaces the open one's values field by field (a field set back to its
        // published value leaves it); it waits for review again.
        const record: Record<string, unknown> = { ...open.record, ...patch };
        const before: Record<string, unknown> = { ...open.published, ...published };
        for (const f of reverted) {
          delete record[f];
          delete before[f];
        }
        const same = JSON.stringify(record) === JSON.stringify(open.record);
        if (same && open.status === 'pending') return;
        if (!Object.keys(record).length) {
          await repo.update(open.id, { status: 'withdrawn', updatedAt: now });
          await this.event(repo, open.id, 'withdrawn', actor, 'every field set back to its published value', now);
          return;
        }
        await repo.update(open.id, {
          status: 'pending',
          record,
          published: before,
          categoryCode: (record.categoryCode as string | undefined) ?? open.categoryCode,
          updatedAt: now,
        });
        await this.event(repo, open.id, 'resubmitted', actor, null, now);
        await notifyReviewers(this.ctx, repo, open.id, now);
        return;
      }
      if (!Object.keys(patch).length) return;
      const detail = await this.ctx.catalog.instrument(instrumentId, actor);
      const id = await repo.insert({
        institutionId: detail.institution.id,
        instrumentId,
        kind: 'change',
        status: 'pending',
        record: patch,
        published,
        source: 'form',
        assetNumber: detail.assetNumber,
        nameZh: detail.nameZh,
        categoryCode: patch.categoryCode ?? detail.category.code,
        cityCode: detail.city.code,
        submittedBy: actor.userId,
        submittedAt: now,
        updatedAt: now,
      });
      await this.event(repo, id, 'submitted', actor, null, now);
      await notifyReviewers(this.ctx, repo, id, now);
    });
  }

  async published(actor: Actor, instrumentId: number, institutionId: number, input: InstrumentInput): Promise<void> {
    const repo = this.repo();
    const now = this.ctx.clock.now();
    const id = await repo.insert({
      institutionId,
      instrumentId,
      kind: 'new',
      status: 'approved',
      record: { ...input, institutionId },
      source: 'form',
      assetNumber: input.assetNumber,
      nameZh: input.nameZh,
      categoryCode: input.categoryCode,
      cityCode: input.cityCode,
      submittedBy: actor.userId,
      submittedAt: now,
      decidedBy: actor.userId,
      decidedAt: now,
      updatedAt: now,
    });
    await this.event(repo, id, 'approved', actor, 'published by a reviewer', now);
  }

  async pendingChange(instrumentId: number): Promise<PendingChange | null> {
    const open = await this.repo().openChange(instrumentId);
    if (!open) return null;
    return {
      submissionId: open.id,
      status: open.status as PendingChange['status'],
      // In the key fields' order (PostgreSQL's jsonb keeps no order of its own).
      fields: LISTING_KEY_FIELDS.filter((f) => f in open.record),
      submittedAt: open.submittedAt,
    };
  }

  // The lab's own actions

  private async ownOpen(repo: ListingRepo, actor: Actor, id: number): Promise<SubmissionListRow> {
    const row = await repo.get(id);
    if (!row) throw notFound('listing submission');
    if (!canManageInstitution(actor, row.institutionId))
      throw forbidden('only the institution’s lab managers may change its submissions');
    return row;
  }

  /** A returned submission, fixed: the edits merged into its record, checked again, pending again. */
  async resubmit(actor: Actor, id: number, edits: InstrumentPatch, note: string | null): Promise<void> {
    await this.ctx.db.write(async () => {
      const repo = this.repo();
      const row = await this.ownOpen(repo, actor, id);
      if (row.status !== 'returned') throw new AppError('conflict', `a ${row.status} submission cannot be resubmitted`);
      const now = this.ctx.clock.now();
      if (row.kind === 'new') {
        const record = parseInput(
          instrumentInputSchema,
          { ...row.record, ...edits, institutionId: row.institutionId },
          'record',
        );
        await this.checkReserved(repo, row.institutionId, record.assetNumber, row.id);
        await repo.update(id, {
          status: 'pending',
          record,
          assetNumber: record.assetNumber,
          nameZh: record.nameZh,
          categoryCode: record.categoryCode,
          cityCode: record.cityCode,
          updatedAt: now,
        });
      } else {
        const foreign = Object.keys(edits).filter((f) => !isKeyField(f));
        if (foreign.length)
          throw badRequest(
            'a change under review holds key fields only (category, value, sharing mode, rate card)',
            foreign.map((f) => ({ path: `record.${f}`, message: 'edit it on the instrument itself' })),
          );
        const current = publishedValues(await this.ctx.catalog.instrument(row.instrumentId!, actor));
        const record: Record<string, unknown> = {};
        const published: Record<string, unknown> = {};
        for (const [field, value] of Object.entries({ ...row.record, ...edits })) {
          if (!isKeyField(field) || comparable(field, value) === comparable(field, current[field])) continue;
          record[field] = value;
          published[field] = current[field];
        }
        if (!Object.keys(record).length)
          throw badRequest('nothing to review: the proposed values equal the published ones');
        await repo.update(id, {
          status: 'pending',
          record,
          published,
          categoryCode: (record.categoryCode as string | undefined) ?? (current.categoryCode as string),
          updatedAt: now,
        });
      }
      await this.event(repo, id, 'resubmitted', actor, note, now);
      await notifyReviewers(this.ctx, repo, id, now);
    });
  }

  /** The lab takes back an open submission (a change: the published record simply stays). */
  async withdraw(actor: Actor, id: number): Promise<void> {
    await this.ctx.db.write(async () => {
      const repo = this.repo();
      await this.ownOpen(repo, actor, id);
      const now = this.ctx.clock.now();
      if (!(await repo.transition(id, OPEN_STATUSES, { status: 'withdrawn', updatedAt: now })))
        throw new AppError('conflict', 'only a pending or returned submission can be withdrawn');
      await this.event(repo, id, 'withdrawn', actor, null, now);
    });
  }
}
