/**
 * Testing needs (需求发布): an enterprise posts one (the platform matches it with the catalogue and tells
 * the labs), lists and withdraws its own, attaches files; labs see the needs hall. Who sees a need:
 * its enterprise and platform admins; a lab when the need is public, or it was invited, or it quoted.
 */
import { AppError, badRequest, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { toSummary } from '../catalog/context.ts';
import { DOCUMENT_MAX_BYTES } from '../documents/documents.ts';
import { LINKS } from '../notifications/links.ts';
import {
  DAY,
  DEFAULT_VALIDITY_DAYS,
  endOfDay,
  iso,
  isEnterprise,
  localDate,
  requireEnterprise,
  type NeedsContext,
} from './context.ts';
import { matchInstruments } from './matching.ts';
import type { NeedInput, NeedListQuery, NeedSummary, NeedView } from './needs.schemas.ts';
import type { NeedInstitutionRow, NeedRow, NeedsRepo } from './needs.repo.ts';

export { DOCUMENT_MAX_BYTES as ATTACHMENT_MAX_BYTES };

/** How the caller stands to a need: owner (its enterprise), admin, a lab told of it or free to quote, or none. */
export type Standing =
  | { kind: 'owner' | 'admin' }
  | { kind: 'lab'; institutionId: number; reason: 'invited' | 'matched' | null }
  | { kind: 'none' };

export async function standingOf(repo: NeedsRepo, actor: Actor, need: NeedRow): Promise<Standing> {
  if (actor.role === 'platform_admin') return { kind: 'admin' };
  if (isEnterprise(actor) && actor.organisationId === need.enterpriseId) return { kind: 'owner' };
  if (actor.role !== 'lab_manager') return { kind: 'none' };
  const told = (await repo.institutions(need.id)).find((t) => t.institutionId === actor.organisationId);
  if (need.visibility === 'public')
    return { kind: 'lab', institutionId: actor.organisationId, reason: told?.reason ?? null };
  if (told?.reason === 'invited') return { kind: 'lab', institutionId: actor.organisationId, reason: 'invited' };
  // An invited need of others: only a lab that quoted on it (before) still sees it.
  if ((await repo.quotesOfNeed(need.id, actor.organisationId)).length)
    return { kind: 'lab', institutionId: actor.organisationId, reason: null };
  return { kind: 'none' };
}

/** The need, or 404 when the caller may not see it (an invited need of others is not revealed). */
export async function visibleNeed(ctx: NeedsContext, actor: Actor, id: number, repo = ctx.repo) {
  const need = await repo.need(id);
  if (!need) throw notFound('testing need');
  const standing = await standingOf(repo, actor, need);
  if (standing.kind === 'none') throw notFound('testing need');
  return { need, standing };
}

export class NeedPosting {
  constructor(private readonly ctx: NeedsContext) {}

  async post(actor: Actor, input: NeedInput): Promise<NeedView> {
    const { ctx } = this;
    requireEnterprise(actor);
    const now = ctx.clock.now();
    const today = localDate(now);
    if (input.deadline && input.deadline < today)
      throw badRequest('the deadline is in the past', [{ path: 'body.deadline', message: 'before today' }]);
    if (input.expiresOn && input.expiresOn < today)
      throw badRequest('the need would expire in the past', [{ path: 'body.expiresOn', message: 'before today' }]);
    if (input.expiresOn && input.deadline && input.expiresOn > input.deadline)
      throw badRequest('quotes must close by the deadline', [
        { path: 'body.expiresOn', message: 'after the deadline' },
      ]);
    let expiresAt = input.expiresOn ? endOfDay(input.expiresOn) : now + DEFAULT_VALIDITY_DAYS * DAY;
    if (input.deadline) expiresAt = Math.min(expiresAt, endOfDay(input.deadline));
    if (input.categoryCode && !(await ctx.db.value('SELECT 1 FROM categories WHERE code = ?', [input.categoryCode])))
      throw badRequest('unknown category', [{ path: 'body.categoryCode', message: 'not in the taxonomy' }]);
    if (input.cityCode && !(await ctx.db.value('SELECT 1 FROM cities WHERE code = ?', [input.cityCode])))
      throw badRequest('unknown city', [{ path: 'body.cityCode', message: 'not a city' }]);
    const invited = [...new Set(input.institutionIds)];
    const found = await ctx.repo.existingInstitutions(invited);
    const missing = invited.filter((id) => !found.includes(id));
    if (missing.length)
      throw badRequest('unknown institution', [
        { path: 'body.institutionIds', message: `no institution ${missing[0]}` },
      ]);

    const match = await matchInstruments(ctx, {
      title: input.title,
      description: input.description,
      categoryCode: input.categoryCode ?? null,
      cityCode: input.cityCode ?? null,
    });
    const id = await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const needId = await repo.insertNeed({
        enterpriseId: actor.organisationId,
        createdBy: actor.userId,
        title: input.title,
        description: input.description,
        categoryCode: input.categoryCode ?? null,
        sampleType: input.sampleType || null,
        sampleCount: input.sampleCount ?? null,
        deadline: input.deadline ?? null,
        budgetMinFen: input.budgetMinFen ?? null,
        budgetMaxFen: input.budgetMaxFen ?? null,
        cityCode: input.cityCode ?? null,
        visibility: input.visibility,
        status: 'open',
        expiresAt,
        createdAt: now,
        updatedAt: now,
      });
      // Invited institutions always; matched ones too (told only of a public need: an invited one is the
      // enterprise's choice, the matches are suggestions it sees).
      const rows = [
        ...invited.map((institutionId) => ({
          institutionId,
          reason: 'invited' as const,
          instrumentIds: match.byInstitution.get(institutionId) ?? [],
        })),
        ...[...match.byInstitution.entries()]
          .filter(([institutionId]) => !invited.includes(institutionId))
          .map(([institutionId, instrumentIds]) => ({ institutionId, reason: 'matched' as const, instrumentIds })),
      ];
      const told = rows.filter((r) => r.reason === 'invited' || input.visibility === 'public');
      await repo.insertInstitutions(
        rows.map((r) => ({ ...r, needId, notifiedAt: told.includes(r) && ctx.notifier ? now : null })),
      );
      const enterpriseName = (await tx.value<string>('SELECT name FROM organisations WHERE id = ?', [
        actor.organisationId,
      ]))!;
      for (const r of told) {
        await ctx.notifier?.notify(
          {
            type: 'testing_need_posted',
            to: [{ organisationId: r.institutionId, role: 'lab_manager' }],
            data: {
              needId,
              title: input.title,
              enterpriseName,
              invited: r.reason === 'invited',
              instrumentCount: r.instrumentIds.length,
            },
            link: LINKS.need(needId, 'lab'),
            key: `testing_need_posted:need:${needId}:${r.institutionId}`,
          },
          now,
        );
      }
      return needId;
    });
    return this.get(actor, id);
  }

  async list(actor: Actor, q: NeedListQuery): Promise<NeedSummary[]> {
    const { ctx } = this;
    const now = ctx.clock.now();
    let rows: NeedRow[];
    if (actor.role === 'platform_admin') rows = await ctx.repo.needs({ kind: 'all' }, q);
    else if (isEnterprise(actor))
      rows = await ctx.repo.needs({ kind: 'enterprise', enterpriseId: actor.organisationId }, q);
    else if (actor.role === 'lab_manager')
      rows = await ctx.repo.needs(
        { kind: 'lab', institutionId: actor.organisationId, mine: q.mine === 'true', now },
        q,
      );
    else rows = [];
    return ctx.db.read(async (tx) => {
      const repo = ctx.repo.with(tx);
      const out: NeedSummary[] = [];
      for (const need of rows) {
        const standing = await standingOf(repo, actor, need);
        if (standing.kind === 'none') continue;
        out.push(await this.summary(repo, actor, need, standing, now));
      }
      return out;
    });
  }

  async get(actor: Actor, id: number): Promise<NeedView> {
    const { ctx } = this;
    return ctx.db.read(async (tx) => {
      const repo = ctx.repo.with(tx);
      const { need, standing } = await visibleNeed(ctx, actor, id, repo);
      const now = ctx.clock.now();
      const summary = await this.summary(repo, actor, need, standing, now);
      const told = await repo.institutions(need.id);
      const shown = standing.kind === 'lab' ? told.filter((t) => t.institutionId === standing.institutionId) : told;
      const attachments = await ctx.documents.list({ type: 'testing_need', id: need.id }, tx);
      return {
        ...summary,
        suggestions: await this.suggestions(shown),
        attachments: attachments.map((d) => {
          const v = ctx.documents.view(d, `/api/v1/testing-needs/${need.id}/attachments/${d.id}`);
          return { id: v.id, fileName: v.fileName, mime: v.mime, size: v.size, uploadedAt: v.uploadedAt, url: v.url };
        }),
        timeline: await this.timeline(repo, need, standing),
      };
    });
  }

  /** The enterprise withdraws an open need: its submitted quotes are declined and their labs told. */
  async withdraw(actor: Actor, id: number): Promise<NeedView> {
    const { ctx } = this;
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const { need, standing } = await visibleNeed(ctx, actor, id, repo);
      if (standing.kind !== 'owner') throw new AppError('forbidden', 'only the posting enterprise withdraws a need');
      if (need.status !== 'open')
        throw new AppError('conflict', 'only an open need can be withdrawn', { currentStatus: need.status });
      const now = ctx.clock.now();
      const open = (await repo.quotesOfNeed(id)).filter((q) => q.status === 'submitted');
      await repo.updateNeed(id, { status: 'withdrawn', updatedAt: now });
      await repo.closeQuotes(id, 'declined', now);
      for (const q of open) await tellDecided(ctx, q, false, now);
    });
    return this.get(actor, id);
  }

  /** The enterprise attaches a file (PDF, JPEG or PNG) to its open need. */
  async attach(actor: Actor, id: number, file: { name: string; bytes: Buffer }) {
    const { ctx } = this;
    const need = await this.attachable(actor, id);
    const row = await ctx.documents.save(
      { type: 'testing_need', id, organisationId: need.enterpriseId },
      { kind: 'attachment', fileName: file.name, bytes: file.bytes, uploadedBy: actor.userId },
    );
    const v = ctx.documents.view(row, `/api/v1/testing-needs/${id}/attachments/${row.id}`);
    return { id: v.id, fileName: v.fileName, mime: v.mime, size: v.size, uploadedAt: v.uploadedAt, url: v.url };
  }

  /** Checked before a byte of an upload is read. */
  async attachable(actor: Actor, id: number): Promise<NeedRow> {
    const { need, standing } = await visibleNeed(this.ctx, actor, id);
    if (standing.kind !== 'owner') throw new AppError('forbidden', 'only the posting enterprise attaches files');
    if (need.status !== 'open')
      throw new AppError('conflict', 'files are attached to open needs only', { currentStatus: need.status });
    return need;
  }

  async attachment(actor: Actor, id: number, attachmentId: number) {
    await visibleNeed(this.ctx, actor, id);
    const row = await this.ctx.documents.get({ type: 'testing_need', id }, attachmentId);
    return this.ctx.documents.file(row);
  }

  private async summary(
    repo: NeedsRepo,
    actor: Actor,
    need: NeedRow,
    standing: Exclude<Standing, { kind: 'none' }>,
    now: number,
  ): Promise<NeedSummary> {
    const open = need.status === 'open' && need.expiresAt > now;
    const quotedAlready =
      standing.kind === 'lab' &&
      (await repo.quotesOfNeed(need.id, standing.institutionId)).some((q) => q.status === 'submitted');
    const bookings = await repo.bookingsOfNeed(need.id);
    return {
      id: need.id,
      enterprise: { id: need.enterpriseId, name: need.enterpriseName },
      title: need.title,
      description: need.description,
      category: need.categoryCode ? { code: need.categoryCode, name: need.categoryName ?? need.categoryCode } : null,
      sampleType: need.sampleType,
      sampleCount: need.sampleCount,
      deadline: need.deadline,
      budgetMinFen: need.budgetMinFen,
      budgetMaxFen: need.budgetMaxFen,
      city: need.cityCode ? { code: need.cityCode, name: need.cityName ?? need.cityCode } : null,
      visibility: need.visibility,
      status: need.status,
      expiresAt: iso(need.expiresAt),
      acceptedQuoteId: need.acceptedQuoteId,
      bookingId: bookings.length ? bookings[bookings.length - 1]!.id : null,
      quoteCount: need.quoteCount,
      createdAt: iso(need.createdAt),
      own: standing.kind === 'owner' && actor.organisationId === need.enterpriseId,
      canQuote: standing.kind === 'lab' && open && !quotedAlready,
      reason: standing.kind === 'lab' ? standing.reason : null,
    };
  }

  private async suggestions(told: NeedInstitutionRow[]) {
    const ids = [...new Set(told.flatMap((t) => t.instrumentIds))];
    const summaries = new Map((await this.ctx.catalogRepo.summaries(ids)).map((r) => [r.id, toSummary(r)]));
    return told.map((t) => ({
      institutionId: t.institutionId,
      institutionName: t.institutionName,
      reason: t.reason,
      instruments: t.instrumentIds.map((id) => summaries.get(id)).filter((s) => s !== undefined),
    }));
  }

  /** The history from the rows: posted, each quote and its decision, the bookings, the need's end. */
  private async timeline(repo: NeedsRepo, need: NeedRow, standing: Exclude<Standing, { kind: 'none' }>) {
    const entries: NeedView['timeline'] = [
      { at: iso(need.createdAt), event: 'posted', quoteId: null, institutionName: null },
    ];
    const quotes = await repo.quotesOfNeed(need.id, standing.kind === 'lab' ? standing.institutionId : undefined);
    for (const q of quotes) {
      entries.push({ at: iso(q.createdAt), event: 'quoted', quoteId: q.id, institutionName: q.institutionName });
      if (q.decidedAt !== null && q.status !== 'submitted')
        entries.push({
          at: iso(q.decidedAt),
          event: `quote_${q.status}`,
          quoteId: q.id,
          institutionName: q.institutionName,
        });
    }
    const own = new Set(quotes.map((q) => q.id));
    for (const b of await repo.bookingsOfNeed(need.id))
      if (own.has(b.quoteId))
        entries.push({ at: iso(b.createdAt), event: 'booked', quoteId: b.quoteId, institutionName: null });
    if (need.status !== 'open')
      entries.push({
        at: iso(need.updatedAt),
        event: need.status,
        quoteId: need.acceptedQuoteId,
        institutionName: null,
      });
    return entries.sort((a, b) => a.at.localeCompare(b.at));
  }
}

/** Tells a lab its quote was accepted or not (inside the caller's transaction). */
export async function tellDecided(
  ctx: NeedsContext,
  q: { id: number; needId: number; needTitle: string; institutionId: number; totalFen: number },
  accepted: boolean,
  now: number,
): Promise<void> {
  await ctx.notifier?.notify(
    {
      type: 'quote_decided',
      to: [{ organisationId: q.institutionId, role: 'lab_manager' }],
      data: { needId: q.needId, title: q.needTitle, quoteId: q.id, accepted, totalFen: q.totalFen },
      link: LINKS.need(q.needId, 'lab'),
      key: `quote_decided:quote:${q.id}`,
    },
    now,
  );
}
