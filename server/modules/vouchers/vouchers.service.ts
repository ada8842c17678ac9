/**
 * Innovation vouchers: the one service routes, checkout, settlement, maintenance and the seed call.
 * The work is done by use case, in files named after it:
 * - programmes.ts   programmes and their budgets (admins write, finance staff read)
 * - enterprises.ts  certification, controller groups, related parties (admins write, finance read)
 * - quotas.ts       quotas: grant, revoke, expire; finance's and the enterprise's views
 * - uses.ts         the voucher part of a checkout: split, reserve, post, release; uses' reads
 * - versions.ts     programme rule versions: the rules in force at a time
 * - claim-terms.ts  what a claim line is checked against: the terms its use was planned with
 * - shared-caps.ts  caps shared across programmes (admins write, finance read)
 * - accounts.ts     the ledger accounts of all of these (caps are accounts that cannot be overdrawn)
 * - context.ts      what they share; rules.ts the pure arithmetic and eligibility
 */
import type { Database } from '../../../db/port.ts';
import type { PriceLine } from '../../../db/schema/booking.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Actor } from '../auth/actor.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier } from '../notifications/notifications.service.ts';
import type { VouchersContext } from './context.ts';
import { Enterprises, type CertificationInput, type RelatedPartyInput } from './enterprises.ts';
import { Programmes } from './programmes.ts';
import { Quotas } from './quotas.ts';
import { claimTermsOf } from './claim-terms.ts';
import { SharedCaps } from './shared-caps.ts';
import { VoucherUses, type SplitContext, type VoucherPlan } from './uses.ts';
import type {
  EnterpriseListQuery,
  ProgrammeInput,
  QuotaListQuery,
  RelatedPartyListQuery,
  SharedCapInput,
} from './vouchers.schemas.ts';
import type { VouchersRepo } from './vouchers.repo.ts';
import { VoucherListsRepo } from './voucher-lists.repo.ts';

export type { SplitContext, VoucherPlan } from './uses.ts';

/**
 * What other modules are told of (the automatic quotas of the applications module): an enterprise
 * certified — inside the certifying transaction when the certification is part of a larger one —
 * and a programme saved in automatic mode (after its commit). A hook's failure never undoes the
 * certification or the programme: the periodic pass catches up.
 */
export interface VoucherHooks {
  certified?(enterpriseId: number, actor: Actor): Promise<void>;
  automaticProgrammeSaved?(programmeId: number, actor: Actor): void;
}

export class VouchersService {
  readonly #programmes: Programmes;
  readonly #enterprises: Enterprises;
  readonly #quotas: Quotas;
  readonly #uses: VoucherUses;
  readonly #sharedCaps: SharedCaps;
  readonly #ctx: VouchersContext;
  #hooks: VoucherHooks = {};

  constructor(
    db: Database,
    repo: VouchersRepo,
    ledger: Ledger,
    clock: Clock,
    /** Tells the enterprise when a quota is nearly used up (absent in seeds). */
    notifier?: Notifier,
    /** The security audit log (absent in seeds). */
    audit?: AuditLog,
  ) {
    const ctx: VouchersContext = { db, repo, ledger, clock, notifier, audit };
    this.#programmes = new Programmes(ctx);
    // The admin lists' pages, on the same database as `repo`.
    const lists = new VoucherListsRepo(db);
    this.#enterprises = new Enterprises(ctx, lists);
    this.#quotas = new Quotas(ctx, lists);
    this.#uses = new VoucherUses(ctx);
    this.#sharedCaps = new SharedCaps(ctx);
    this.#ctx = ctx;
  }

  /** Set once, where the app is put together. */
  setHooks(hooks: VoucherHooks): void {
    this.#hooks = hooks;
  }

  // Programmes (programmes.ts)

  listProgrammes(actor: Actor) {
    return this.#programmes.list(actor);
  }

  programme(actor: Actor, id: number) {
    return this.#programmes.get(actor, id);
  }

  async createProgramme(actor: Actor, input: ProgrammeInput) {
    return this.#saved(actor, await this.#programmes.create(actor, input));
  }

  async updateProgramme(actor: Actor, id: number, input: ProgrammeInput) {
    return this.#saved(actor, await this.#programmes.update(actor, id, input));
  }

  /** A programme's rule versions, newest first. */
  programmeVersions(actor: Actor, id: number) {
    return this.#programmes.versions(actor, id);
  }

  // Shared caps (shared-caps.ts)

  sharedCaps(actor: Actor) {
    return this.#sharedCaps.list(actor);
  }

  createSharedCap(actor: Actor, input: SharedCapInput) {
    return this.#sharedCaps.create(actor, input);
  }

  updateSharedCap(actor: Actor, id: number, input: SharedCapInput) {
    return this.#sharedCaps.update(actor, id, input);
  }

  removeSharedCap(actor: Actor, id: number) {
    return this.#sharedCaps.remove(actor, id);
  }

  #saved<P extends { id: number; quotaIssueMode: string }>(actor: Actor, p: P): P {
    if (p.quotaIssueMode === 'automatic') this.#hooks.automaticProgrammeSaved?.(p.id, actor);
    return p;
  }

  // Enterprises, certification, controller groups, related parties (enterprises.ts)

  enterprises(actor: Actor, query: EnterpriseListQuery) {
    return this.#enterprises.list(actor, query);
  }

  async certify(actor: Actor, enterpriseId: number, input: CertificationInput) {
    const view = await this.#enterprises.certify(actor, enterpriseId, input);
    if (view.certification?.valid) {
      try {
        await this.#hooks.certified?.(enterpriseId, actor);
      } catch (err) {
        console.error(`after certifying enterprise ${enterpriseId}:`, err instanceof Error ? err.message : err);
      }
    }
    return view;
  }

  revokeCertification(actor: Actor, enterpriseId: number) {
    return this.#enterprises.revokeCertification(actor, enterpriseId);
  }

  controllerGroups(actor: Actor) {
    return this.#enterprises.controllerGroups(actor);
  }

  createControllerGroup(input: { name: string; controller: string }) {
    return this.#enterprises.createControllerGroup(input);
  }

  relatedParties(actor: Actor, query: RelatedPartyListQuery) {
    return this.#enterprises.relatedParties(actor, query);
  }

  declareRelated(actor: Actor, input: RelatedPartyInput) {
    return this.#enterprises.declareRelated(actor, input);
  }

  removeRelated(id: number) {
    return this.#enterprises.removeRelated(id);
  }

  // Quotas (quotas.ts)

  quotas(actor: Actor, query: QuotaListQuery) {
    return this.#quotas.list(actor, query);
  }

  myQuotas(actor: Actor) {
    return this.#quotas.mine(actor);
  }

  /** `actor` null: granted by the platform itself (automatic quotas). */
  grantQuota(actor: Actor | null, input: { programmeId: number; enterpriseId: number; capFen: number }) {
    return this.#quotas.grant(actor, input);
  }

  revokeQuota(actor: Actor, id: number, reason: string) {
    return this.#quotas.revoke(actor, id, reason);
  }

  /** Quotas past their use-by date give their unused money back (run by the daily maintenance). */
  async expireQuotas() {
    // The same daily pass brings programme rows to a rules version whose time has come.
    await this.#programmes.syncDueVersions();
    return this.#quotas.expire();
  }

  // Voucher uses: what checkout and settlement call, inside their own transactions (uses.ts)

  myUses(actor: Actor) {
    return this.#uses.mine(actor);
  }

  split(ctx: SplitContext, useVoucher: boolean, quotaId?: number) {
    return this.#uses.split(ctx, useVoucher, quotaId);
  }

  reserve(bookingId: number, ctx: SplitContext, plan: VoucherPlan, now: number) {
    return this.#uses.reserve(bookingId, ctx, plan, now);
  }

  /** A booking's uses in funding order (co-funded orders hold one per programme). */
  uses(bookingId: number) {
    return this.#uses.uses(bookingId);
  }

  useById(id: number) {
    return this.#uses.useById(id);
  }

  /** What a claim line of this use is checked against: the terms planned at the order (claim-terms.ts). */
  claimTerms(useId: number) {
    return claimTermsOf(this.#ctx.repo, useId);
  }

  usesOfBookings(ids: number[]) {
    return this.#uses.usesOfBookings(ids);
  }

  post(bookingId: number, finalFen: number, finalLines: PriceLine[], now: number) {
    return this.#uses.post(bookingId, finalFen, finalLines, now);
  }

  release(bookingId: number, now: number, note?: string) {
    return this.#uses.release(bookingId, now, note);
  }
}
