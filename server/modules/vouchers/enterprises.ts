/**
 * Enterprises and their 科技型中小企业 certification, controller groups (enterprises with one actual
 * controller share a cap) and related parties (no voucher between them): written by platform admins,
 * read by finance staff within their financeScope.
 */
import { badRequest, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { oversightCity, today, type VouchersContext } from './context.ts';
import type { EnterpriseListQuery, EnterpriseView, RelatedPartyListQuery } from './vouchers.schemas.ts';
import type { RelatedPartyRow, VouchersRepo } from './vouchers.repo.ts';
import type { VoucherListsRepo } from './voucher-lists.repo.ts';

export interface CertificationInput {
  certificateNo: string;
  certifiedOn: string;
  expiresOn: string;
  controllerGroupId?: number | null;
}

export interface RelatedPartyInput {
  enterpriseId: number;
  providerId: number;
  relation: 'shared_owner' | 'legal_representative' | 'controller';
  note?: string;
}

function relatedPartyView(r: RelatedPartyRow) {
  return {
    id: r.id,
    enterprise: { id: r.enterpriseId, name: r.enterpriseName },
    provider: { id: r.providerId, name: r.providerName },
    relation: r.relation,
    note: r.note,
    declaredAt: new Date(r.declaredAt).toISOString(),
  };
}

export class Enterprises {
  constructor(
    private readonly ctx: VouchersContext,
    private readonly lists: VoucherListsRepo,
  ) {}

  /**
   * A page of enterprises, searched, filtered by city and certification and sorted, with the money their
   * quotas have left and how many match. A city's finance office reads its city's enterprises (another
   * city asked for: none); the province, the desk and admins all.
   */
  async list(actor: Actor, query: EnterpriseListQuery): Promise<{ items: EnterpriseView[]; total: number }> {
    const cityCode = oversightCity(actor);
    const { q, city, certification, sort, order, offset, limit } = query;
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const lists = this.lists.with(tx);
      const page = await lists.enterprisePage(
        { q: q || undefined, city, certification, cityCode, today: today(this.ctx.clock) },
        { sort, order, offset, limit },
      );
      const items: EnterpriseView[] = [];
      for (const e of page.rows) items.push({ ...(await this.view(repo, e)), quotaBalanceFen: e.quotaBalanceFen });
      return { items, total: page.total };
    });
  }

  private async view(
    repo: VouchersRepo,
    e: { id: number; name: string; cityCode: string | null; cityName: string | null; creditCode: string | null },
  ): Promise<EnterpriseView> {
    const c = await repo.certification(e.id);
    const group = c?.controllerGroupId ? await repo.controllerGroup(c.controllerGroupId) : undefined;
    return {
      ...e,
      certification: c
        ? {
            certificateNo: c.certificateNo,
            certifiedOn: c.certifiedOn,
            expiresOn: c.expiresOn,
            valid: c.revokedAt === null && c.expiresOn >= today(this.ctx.clock),
            revokedAt: c.revokedAt === null ? null : new Date(c.revokedAt).toISOString(),
            controllerGroup: group ? { id: group.id, name: group.name } : null,
          }
        : null,
    };
  }

  private async enterpriseOr404(repo: VouchersRepo, id: number) {
    const org = await repo.organisation(id);
    if (!org || org.kind !== 'enterprise') throw notFound('enterprise');
    return org;
  }

  /**
   * Checked and written in one transaction: a certificate number is one enterprise's (two admins
   * giving it to two enterprises at once would otherwise both pass the check), and the group named
   * exists when it is written.
   */
  async certify(actor: Actor, enterpriseId: number, input: CertificationInput): Promise<EnterpriseView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const org = await this.enterpriseOr404(repo, enterpriseId);
      if (input.expiresOn <= input.certifiedOn)
        throw badRequest('the certificate expires before it was issued', [
          { path: 'body.expiresOn', message: 'not after certifiedOn' },
        ]);
      const other = await repo.certificationByNumber(input.certificateNo);
      if (other && other.organisationId !== enterpriseId)
        throw badRequest('that certificate number belongs to another enterprise', [
          { path: 'body.certificateNo', message: 'taken' },
        ]);
      if (input.controllerGroupId && !(await repo.controllerGroup(input.controllerGroupId)))
        throw badRequest('unknown controller group', [{ path: 'body.controllerGroupId', message: 'unknown' }]);
      await repo.upsertCertification({
        organisationId: enterpriseId,
        certificateNo: input.certificateNo,
        certifiedOn: input.certifiedOn,
        expiresOn: input.expiresOn,
        controllerGroupId: input.controllerGroupId ?? null,
        revokedAt: null,
        updatedBy: actor.userId,
        updatedAt: this.ctx.clock.now(),
      });
      await this.ctx.audit?.record(
        {
          action: 'voucher.certify',
          actor,
          subject: { type: 'organisation', id: enterpriseId },
          details: { enterpriseName: org.name, ...input },
        },
        tx,
      );
      return this.view(repo, (await repo.enterprise(org.id))!);
    });
  }

  /** The certification is read and written back revoked in one transaction: a certify in between is kept. */
  async revokeCertification(actor: Actor, enterpriseId: number): Promise<EnterpriseView> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const org = await this.enterpriseOr404(repo, enterpriseId);
      const c = await repo.certification(enterpriseId);
      if (!c) throw notFound('certification');
      if (c.revokedAt === null) {
        await repo.upsertCertification({
          ...c,
          revokedAt: this.ctx.clock.now(),
          updatedBy: actor.userId,
          updatedAt: this.ctx.clock.now(),
        });
        await this.ctx.audit?.record(
          {
            action: 'voucher.certification_revoke',
            actor,
            subject: { type: 'organisation', id: enterpriseId },
            details: { enterpriseName: org.name, certificateNo: c.certificateNo },
          },
          tx,
        );
      }
      return this.view(repo, (await repo.enterprise(org.id))!);
    });
  }

  /**
   * Controller groups. A city's finance office reads the groups one of its enterprises belongs to,
   * with its own enterprises as the members: who else shares the cap, elsewhere, is not said.
   */
  async controllerGroups(actor: Actor) {
    const cityCode = oversightCity(actor);
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const views = [];
      for (const g of await repo.controllerGroups(cityCode))
        views.push({
          id: g.id,
          name: g.name,
          controller: g.controller,
          members: await repo.groupMembers(g.id, cityCode),
        });
      return views;
    });
  }

  /** The admin of the request is recorded as who made it (the audit log's request scope). */
  async createControllerGroup(input: { name: string; controller: string }) {
    return this.ctx.db.write(async (tx) => {
      const g = await this.ctx.repo.with(tx).insertControllerGroup({ ...input, createdAt: this.ctx.clock.now() });
      await this.ctx.audit?.record(
        { action: 'voucher.controller_group_create', subject: { type: 'controller_group', id: g.id }, details: input },
        tx,
      );
      return { id: g.id, name: g.name, controller: g.controller, members: [] };
    });
  }

  /**
   * A page of related-party declarations, searched by either side's name, filtered by relation and
   * sorted; a city's finance office reads those of its city's enterprises.
   */
  async relatedParties(actor: Actor, query: RelatedPartyListQuery) {
    const cityCode = oversightCity(actor);
    const { enterpriseId, q, relation, sort, order, offset, limit } = query;
    const page = await this.lists.relatedPartyPage(
      { enterpriseId, cityCode, q: q || undefined, relation },
      { sort, order, offset, limit },
    );
    return { items: page.rows.map(relatedPartyView), total: page.total };
  }

  private async relatedPartyViews(repo: VouchersRepo, filter: { enterpriseId?: number; cityCode?: string }) {
    return (await repo.relatedParties(filter)).map(relatedPartyView);
  }

  /** Checked, written and read back in one transaction. */
  async declareRelated(actor: Actor, input: RelatedPartyInput) {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const enterprise = await repo.organisation(input.enterpriseId);
      if (!enterprise || enterprise.kind !== 'enterprise')
        throw badRequest('unknown enterprise', [{ path: 'body.enterpriseId', message: 'not an enterprise' }]);
      const provider = await repo.organisation(input.providerId);
      if (!provider || provider.kind !== 'institution')
        throw badRequest('unknown provider', [
          { path: 'body.providerId', message: 'not an instrument-owning institution' },
        ]);
      await repo.insertRelatedParty({
        ...input,
        note: input.note ?? null,
        declaredBy: actor.userId,
        declaredAt: this.ctx.clock.now(),
      });
      const made = (await this.relatedPartyViews(repo, { enterpriseId: input.enterpriseId })).find(
        (r) => r.provider.id === input.providerId && r.relation === input.relation,
      )!;
      await this.ctx.audit?.record(
        {
          action: 'voucher.related_party_declare',
          actor,
          subject: { type: 'related_party', id: made.id },
          details: { ...input, enterpriseName: enterprise.name, providerName: provider.name },
        },
        tx,
      );
      return made;
    });
  }

  /** The admin of the request is recorded as who removed it (the audit log's request scope). */
  async removeRelated(id: number): Promise<void> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const before = (await this.relatedPartyViews(repo, {})).find((r) => r.id === id);
      if (!before || !(await repo.deleteRelatedParty(id))) throw notFound('related party');
      await this.ctx.audit?.record(
        {
          action: 'voucher.related_party_remove',
          subject: { type: 'related_party', id },
          details: {
            enterpriseId: before.enterprise.id,
            enterpriseName: before.enterprise.name,
            providerId: before.provider.id,
            providerName: before.provider.name,
            relation: before.relation,
          },
        },
        tx,
      );
    });
  }
}
