/**
 * Reviewing registrations: the platform's administrators, and — when the installation says so
 * (SecuritySettings.registrationReview 'city') — the finance office of the organisation's city.
 * Approve, return with reasons for changes, or reject with reasons; the organisation's people are
 * told, and the decision is in the review history and the audit log.
 */
import { z } from 'zod';
import type { OrganisationKind, OrganisationStatus } from '../../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import {
  cityReviewed,
  documentUrl,
  historyView,
  loadOrganisationView,
  organisationView,
  personView,
  requiredDocuments,
  reviews,
  ROLES_OF_KIND,
  type OrganisationsContext,
} from './context.ts';

const PAGE = 50;
const cursorSchema = z.object({ before: z.number().int().positive() });
/** Registrations are of enterprises and institutions; offices and the platform are made by admins. */
const REGISTERING: OrganisationKind[] = ['enterprise', 'institution'];

const ORDER = { newest: 'submittedNewest', oldest: 'submittedOldest', name: 'name' } as const;

export type Decision = 'approve' | 'return' | 'reject';
const OUTCOME = { approve: 'approved', return: 'returned', reject: 'rejected' } as const;

export class Review {
  constructor(private readonly ctx: OrganisationsContext) {}

  /** The city the caller reviews (a city office), undefined for the platform; 403 for anyone else. */
  private async scope(actor: Actor): Promise<string | undefined> {
    if (actor.role === 'platform_admin') return undefined;
    const city = await cityReviewed(this.ctx, actor);
    if (!city) throw forbidden('registrations are reviewed by the platform and, where so set, the city offices');
    return city;
  }

  /**
   * The queue: by cursor (newest registered first, as before), or numbered (`offset` or `sort`: by the
   * time sent to review or by name), which also counts every match (`total`). The city offices see
   * their city's only.
   */
  async list(
    actor: Actor,
    q: {
      status: OrganisationStatus | 'all';
      kind?: 'enterprise' | 'institution';
      q?: string;
      cursor?: string;
      sort?: 'newest' | 'oldest' | 'name';
      offset?: number;
      limit?: number;
    },
  ) {
    const cityCode = await this.scope(actor);
    const size = q.limit ?? PAGE;
    const before = q.cursor ? decodeCursor(q.cursor, cursorSchema).before : undefined;
    const numbered = q.offset !== undefined || q.sort !== undefined;
    const filter = {
      kinds: q.kind ? [q.kind] : REGISTERING,
      status: q.status === 'all' ? undefined : q.status,
      cityCode,
      q: q.q || undefined,
      searchPeople: true,
    };
    const sort = numbered ? ORDER[q.sort ?? 'newest'] : undefined;
    const [rows, total, counts] = await Promise.all([
      this.ctx.repo.list({ ...filter, before, sort, offset: q.offset, limit: size + 1 }),
      numbered ? this.ctx.repo.count(filter) : undefined,
      this.ctx.repo.statusCounts(REGISTERING, cityCode),
    ]);
    const page = rows.slice(0, size);
    return {
      items: page.map((r) => ({
        ...organisationView(r, { cityName: r.cityName, countyName: r.countyName }, true),
        people: r.people,
      })),
      nextCursor: rows.length > size && !numbered ? encodeCursor({ before: page.at(-1)!.id }) : null,
      counts,
      ...(total !== undefined ? { total } : {}),
    };
  }

  /** A registration with its documents, history and people, for its reviewers (others: 404). */
  async detail(actor: Actor, id: number) {
    await this.scope(actor);
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const org = await repo.organisation(id);
      if (!org || !REGISTERING.includes(org.kind) || !(await reviews(this.ctx, actor, org)))
        throw notFound('registration');
      const docs = await this.ctx.documents.list({ type: 'organisation', id }, tx);
      return {
        organisation: await loadOrganisationView(repo, org),
        documents: docs.map((d) => this.ctx.documents.view(d, documentUrl(id, d.kind))),
        requiredDocuments: requiredDocuments(org.kind),
        history: (await repo.history('organisation', id)).map(historyView),
        people: (await repo.people(id)).map((u) => personView(u, false)),
        canDecide: org.status === 'pending_review',
      };
    });
  }

  /** Approves, returns or rejects a registration awaiting review; returning and rejecting need reasons. */
  async decide(actor: Actor, id: number, decision: Decision, note: string | undefined) {
    await this.scope(actor);
    const { ctx } = this;
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const org = await repo.organisation(id);
      if (!org || !REGISTERING.includes(org.kind) || !(await reviews(ctx, actor, org))) throw notFound('registration');
      if (org.status !== 'pending_review')
        throw new AppError('conflict', `the registration is ${org.status}, not awaiting review`, {
          currentStatus: org.status,
        });
      const now = ctx.clock.now();
      const outcome = OUTCOME[decision];
      await repo.updateOrganisation(id, {
        status: outcome,
        reviewNote: note || null,
        reviewedBy: actor.userId,
        reviewedAt: now,
        updatedAt: now,
      });
      await repo.insertEvent({
        subjectType: 'organisation',
        subjectId: id,
        action: outcome,
        note: note || null,
        actorUserId: actor.userId,
        at: now,
      });
      await ctx.audit.record(
        {
          action: `organisation.${decision}`,
          actor,
          subject: { type: 'organisation', id },
          details: { name: org.name, creditCode: org.creditCode, note: note || null },
        },
        tx,
      );
      await ctx.notifications.notify(
        {
          type: 'registration_reviewed',
          to: ROLES_OF_KIND[org.kind].map((role) => ({ organisationId: id, role })),
          data: { outcome, note: note || null, organisationName: org.name },
          link: '/registration',
          key: `registration_reviewed:organisation:${id}:step:${(await repo.history('organisation', id)).length}`,
        },
        now,
      );
    });
    return this.detail(actor, id);
  }
}
