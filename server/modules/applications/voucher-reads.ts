/**
 * Voucher applications as they are read: the enterprise's own, the reviewers' queues (within their
 * financeScope), one application with its history, and what the enterprise may apply for now (the
 * programmes in application mode of its area and what stands in the way).
 */
import type { Queryable } from '../../../db/port.ts';
import { forbidden, notFound } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { code } from '../vouchers/accounts.ts';
import type { ProgrammeRow, QueueFilter, VoucherApplicationRow } from './applications.repo.ts';
import type {
  ApplyBlock,
  Eligibility,
  VoucherApplicationDetail,
  VoucherApplicationView,
  VoucherQueueQuery,
} from './applications.schemas.ts';
import {
  applicantView,
  certificationState,
  historyView,
  iso,
  isOffice,
  listScope,
  subjectOf,
  today,
  voucherOffice,
  type ApplicationsContext,
} from './context.ts';

export const VOUCHER_SUBJECT = 'voucher_application' as const;
const SUBJECT = VOUCHER_SUBJECT;

export class VoucherReads {
  constructor(private readonly ctx: ApplicationsContext) {}

  // Reading

  /**
   * A page of the enterprise's own applications, or of the reviewers' queue (their financeScope), with
   * how many match: searched, filtered by status, city and programme, in the order asked.
   */
  async list(actor: Actor, query: VoucherQueueQuery): Promise<{ items: VoucherApplicationView[]; total: number }> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const scope = listScope(actor);
      const filter: QueueFilter = {
        status: query.status,
        q: query.q || undefined,
        cityCode: query.city,
        programmeId: query.programmeId,
        ...('enterpriseId' in scope ? { enterpriseId: scope.enterpriseId } : { scopeCity: scope.cityCode }),
      };
      const rows = await repo.voucherQueue(filter, {
        sort: query.sort,
        offset: query.offset,
        limit: query.limit ?? 200,
      });
      const items: VoucherApplicationView[] = [];
      for (const r of rows) items.push(await this.view(tx, actor, r, false));
      return { items, total: await repo.voucherCount(filter) };
    });
  }

  async get(actor: Actor, id: number): Promise<VoucherApplicationDetail> {
    return this.ctx.db.read(async (tx) => this.detail(tx, actor, await this.visible(tx, actor, id)));
  }

  /** Its enterprise's people; a city's office for its enterprises and programmes; the province; else 404. */
  async visible(q: Queryable, actor: Actor, id: number): Promise<VoucherApplicationRow> {
    const repo = this.ctx.repo.with(q);
    const a = await repo.voucher(id);
    if (!a) throw notFound('application');
    if (actor.organisationId === a.enterpriseId) return a;
    const scope = financeScope(actor);
    if (scope?.kind === 'province') return a;
    if (scope?.kind === 'city') {
      const p = (await this.ctx.vouchersRepo.with(q).programme(a.programmeId))!;
      const e = await repo.enterprise(a.enterpriseId);
      if (p.issuerCityCode === scope.cityCode || e?.cityCode === scope.cityCode) return a;
    }
    throw notFound('application');
  }

  private async terms(q: Queryable, p: ProgrammeRow) {
    return {
      id: p.id,
      name: p.name,
      nameEn: p.nameEn,
      year: p.year,
      issuerCityCode: p.issuerCityCode,
      issuerCityName: await this.ctx.repo.with(q).cityName(p.issuerCityCode),
      settlementMode: p.settlementMode,
      enterpriseYearCapFen: p.enterpriseYearCapFen,
      orderCapFen: p.orderCapFen,
      startsOn: p.startsOn,
      useBy: p.useBy,
      applicationOpensOn: p.applicationOpensOn,
      applicationClosesOn: p.applicationClosesOn,
    };
  }

  private async view(
    q: Queryable,
    actor: Actor,
    a: VoucherApplicationRow,
    whole: boolean,
  ): Promise<VoucherApplicationView> {
    const repo = this.ctx.repo.with(q);
    const p = (await this.ctx.vouchersRepo.with(q).programme(a.programmeId))!;
    const e = (await repo.enterprise(a.enterpriseId))!;
    const office = await voucherOffice(repo, p, e.cityCode);
    const own = actor.organisationId === a.enterpriseId;
    return {
      id: a.id,
      programme: await this.terms(q, p),
      enterprise: applicantView(e, whole || own),
      amountFen: a.amountFen,
      approvedFen: a.approvedFen,
      plannedUse: a.plannedUse,
      declaresNoRelatedParties: a.declaresNoRelatedParties,
      quotaId: a.quotaId,
      reviewOffice: {
        level: office.level,
        cityCode: office.level === 'city' ? office.cityCode : null,
        cityName: office.level === 'city' ? await repo.cityName(office.cityCode) : null,
      },
      status: a.status,
      reviewNote: a.reviewNote,
      reviewedAt: iso(a.reviewedAt),
      reviewerName: await repo.userName(a.reviewedBy),
      submittedAt: iso(a.submittedAt)!,
      updatedAt: iso(a.updatedAt)!,
      mayReview: a.status === 'submitted' && !own && isOffice(actor, office),
      mayEdit: own && actor.role === 'researcher' && (a.status === 'submitted' || a.status === 'returned'),
    };
  }

  async detail(q: Queryable, actor: Actor, a: VoucherApplicationRow): Promise<VoucherApplicationDetail> {
    const own = actor.organisationId === a.enterpriseId;
    const budget = own ? undefined : await this.ctx.ledger.accountByCode(code.budget(a.programmeId));
    return {
      ...(await this.view(q, actor, a, true)),
      history: historyView(await this.ctx.repo.with(q).history(subjectOf(SUBJECT, a.id))),
      certification: await certificationState(this.ctx, q, a.enterpriseId),
      budgetAvailableFen: budget ? availableOf(budget) : null,
    };
  }

  // What the enterprise may apply for

  /**
   * Why the enterprise may not apply under the programme today (null: it may). Scope and
   * certification first (they hold for every programme), then the window, then what it already has.
   */
  async blockOf(q: Queryable, p: ProgrammeRow, enterpriseId: number): Promise<ApplyBlock | null> {
    const e = (await this.ctx.repo.with(q).enterprise(enterpriseId))!;
    if (p.issuerCityCode ? e.cityCode !== p.issuerCityCode : e.province !== p.province) return 'out_of_scope';
    const cert = await certificationState(this.ctx, q, enterpriseId);
    if (!cert) return 'not_certified';
    if (!cert.valid) return 'certification_expired';
    const date = today(this.ctx.clock);
    if (date > p.useBy) return 'programme_ended';
    if (!p.applicationOpensOn || date < p.applicationOpensOn) return 'window_not_open';
    if (!p.applicationClosesOn || date > p.applicationClosesOn) return 'window_closed';
    if (await this.ctx.repo.with(q).liveVoucherOf(p.id, enterpriseId)) return 'already_applied';
    if (await this.ctx.vouchersRepo.with(q).quotaOf(p.id, enterpriseId)) return 'holds_quota';
    return null;
  }

  /** The enterprise's certification and the programmes in application mode of its scope not yet ended. */
  async eligibility(actor: Actor): Promise<Eligibility> {
    if (actor.role !== 'researcher' || actor.organisationKind !== 'enterprise')
      throw forbidden('applications are made by enterprises');
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const date = today(this.ctx.clock);
      const open = await repo.openCertificationOf(actor.organisationId);
      const programmes = [];
      for (const p of await repo.programmesIssuedBy('application')) {
        const blockedBy = await this.blockOf(tx, p, actor.organisationId);
        const application = await repo.liveVoucherOf(p.id, actor.organisationId);
        if (blockedBy === 'out_of_scope' || (p.useBy < date && !application)) continue;
        programmes.push({
          ...(await this.terms(tx, p)),
          application: application ? { id: application.id, status: application.status } : null,
          holdsQuota: (await this.ctx.vouchersRepo.with(tx).quotaOf(p.id, actor.organisationId)) !== undefined,
          blockedBy,
        });
      }
      return {
        certification: await certificationState(this.ctx, tx, actor.organisationId),
        certificationApplication: open ? { id: open.id, status: open.status } : null,
        programmes,
      };
    });
  }
}
