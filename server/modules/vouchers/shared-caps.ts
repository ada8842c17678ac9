/**
 * Caps shared across programmes (e.g. a combined province-plus-city ceiling per enterprise or per
 * controller group per year): platform admins set them, finance staff read them. Every voucher use
 * under a listed programme of the cap's year counts against it, through a ledger account per cap and
 * enterprise (or group) that may not be overdrawn (accounts.ts). A removed cap stops applying to new
 * orders; uses planned with it keep their holds until posted or released.
 */
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { oversightCity, type VouchersContext } from './context.ts';
import type { SharedCapInput, SharedCapView } from './vouchers.schemas.ts';
import type { SharedCapRow, VouchersRepo } from './vouchers.repo.ts';

export class SharedCaps {
  constructor(private readonly ctx: VouchersContext) {}

  async list(actor: Actor): Promise<SharedCapView[]> {
    oversightCity(actor);
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const views: SharedCapView[] = [];
      for (const c of await repo.sharedCaps()) views.push(await this.view(repo, c));
      return views;
    });
  }

  async create(actor: Actor, input: SharedCapInput): Promise<SharedCapView> {
    adminOnly(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      await this.check(repo, input);
      const row = await repo.insertSharedCap({ ...input, createdBy: actor.userId, createdAt: this.ctx.clock.now() });
      await this.ctx.audit?.record(
        {
          action: 'voucher.shared_cap_create',
          actor,
          subject: { type: 'shared_cap', id: row.id },
          details: { ...input },
        },
        tx,
      );
      return this.view(repo, row);
    });
  }

  /** A raised cap is funded on the next use; a lowered one limits the next plans (holds stay). */
  async update(actor: Actor, id: number, input: SharedCapInput): Promise<SharedCapView> {
    adminOnly(actor);
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const before = await repo.sharedCap(id);
      if (!before) throw notFound('shared cap');
      await this.check(repo, input);
      await repo.updateSharedCap(id, input);
      await this.ctx.audit?.record(
        {
          action: 'voucher.shared_cap_update',
          actor,
          subject: { type: 'shared_cap', id },
          details: { before: { capFen: before.capFen, programmeIds: before.programmeIds }, after: { ...input } },
        },
        tx,
      );
      return this.view(repo, (await repo.sharedCap(id))!);
    });
  }

  async remove(actor: Actor, id: number): Promise<void> {
    adminOnly(actor);
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const before = await repo.sharedCap(id);
      if (!before) throw notFound('shared cap');
      await repo.deleteSharedCap(id);
      await this.ctx.audit?.record(
        {
          action: 'voucher.shared_cap_remove',
          actor,
          subject: { type: 'shared_cap', id },
          details: { name: before.name, capFen: before.capFen },
        },
        tx,
      );
    });
  }

  private async check(repo: VouchersRepo, input: SharedCapInput): Promise<void> {
    const bad = (path: string, message: string) => badRequest(message, [{ path: `body.${path}`, message }]);
    if (new Set(input.programmeIds).size !== input.programmeIds.length)
      throw bad('programmeIds', 'a programme is listed twice');
    for (const [i, id] of input.programmeIds.entries()) {
      const p = await repo.programme(id);
      if (!p) throw bad(`programmeIds.${i}`, `no programme ${id}`);
      if (p.year !== input.year) throw bad(`programmeIds.${i}`, `programme ${id} is of ${p.year}, not ${input.year}`);
    }
  }

  private async view(repo: VouchersRepo, c: SharedCapRow): Promise<SharedCapView> {
    const names: string[] = [];
    for (const id of c.programmeIds) names.push((await repo.programme(id))?.name ?? String(id));
    return {
      id: c.id,
      name: c.name,
      year: c.year,
      scope: c.scope,
      capFen: c.capFen,
      programmeIds: c.programmeIds,
      programmeNames: names,
      createdAt: new Date(c.createdAt).toISOString(),
    };
  }
}

function adminOnly(actor: Actor): void {
  if (actor.role !== 'platform_admin') throw forbidden('shared caps are set by platform admins');
}
