/**
 * Automatic quotas: a programme in automatic mode gives every certified enterprise of its scope (a
 * city's programme: the city's enterprises; the province's: the province's) a quota of
 * automaticQuotaFen for its year. The pass finds the enterprises without one and grants each through
 * Quotas.grant — one transaction per quota, in which the grant's own checks run again (certified, the
 * programme not ended, one quota per programme and enterprise, also enforced by the unique index) —
 * then tells the enterprise and audits it.
 *
 * It runs: as a periodic job (server/jobs/platform.ts: the start of a programme's year, programmes
 * created or switched to automatic, anything missed); for one enterprise right after it is certified
 * (by an approved application or by an admin); in the background after an automatic programme is
 * saved. It is idempotent: a second pass, or two at once on two nodes, finds nothing more to grant
 * (a grant that loses the race is refused as a conflict and skipped).
 */
import { constraintErrorOf } from '../../../db/port.ts';
import { AppError, badRequest, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { availableOf } from '../ledger/ledger.ts';
import { code } from '../vouchers/accounts.ts';
import type { ProgrammeRow } from './applications.repo.ts';
import { enterpriseRecipients, LINKS, today, type ApplicationsContext } from './context.ts';

/** Enterprises looked at per programme and round (a pass goes on until none is left). */
const BATCH = 200;

export type AutomaticTrigger = 'job' | 'certification' | 'programme';

export class AutomaticQuotas {
  /** The background passes started after programmes were saved (awaited by `settled`). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: ApplicationsContext) {}

  /**
   * Grants the missing quotas; the number granted. `programmeId` / `enterpriseId` narrow the pass;
   * `actor`: who caused it (null: the platform's job).
   */
  async run(
    filter: { programmeId?: number; enterpriseId?: number } = {},
    actor: Actor | null = null,
    trigger: AutomaticTrigger = 'job',
  ): Promise<number> {
    const date = today(this.ctx.clock);
    let granted = 0;
    for (const p of await this.ctx.repo.programmesIssuedBy('automatic')) {
      if (filter.programmeId !== undefined && p.id !== filter.programmeId) continue;
      if (!p.automaticQuotaFen || date > p.useBy || date < yearStart(p)) continue;
      const skipped = new Set<number>();
      for (;;) {
        const candidates = (
          await this.ctx.repo.automaticCandidates(p, date, filter.enterpriseId, BATCH + skipped.size)
        ).filter((id) => !skipped.has(Number(id)));
        if (!candidates.length) break;
        for (const id of candidates) {
          if (await this.grant(p, Number(id), actor, trigger)) granted++;
          else skipped.add(Number(id));
        }
      }
    }
    return granted;
  }

  /** One quota in its own transaction (a savepoint inside a caller's); false when it was not granted. */
  private async grant(p: ProgrammeRow, enterpriseId: number, actor: Actor | null, trigger: AutomaticTrigger) {
    const amount = p.automaticQuotaFen!;
    try {
      return await this.ctx.db.write(async (tx) => {
        const budget = await this.ctx.ledger.accountByCode(code.budget(p.id));
        if (!budget || availableOf(budget) < amount) {
          console.error(`automatic quota of programme ${p.id}: its budget has less than ${amount} fen free`);
          return false;
        }
        const quota = await this.ctx.vouchers.grantQuota(actor, { programmeId: p.id, enterpriseId, capFen: amount });
        const now = this.ctx.clock.now();
        await this.ctx.notifier?.notify(
          {
            type: 'quota_granted',
            to: enterpriseRecipients(enterpriseId),
            data: { quotaId: quota.id, programmeName: p.name, capFen: quota.capFen },
            link: LINKS.vouchers,
            key: `quota_granted:quota:${quota.id}`,
          },
          now,
        );
        await this.ctx.audit.record(
          {
            action: 'voucher.quota_auto_grant',
            actor,
            subject: { type: 'voucher_quota', id: quota.id },
            details: { programmeId: p.id, enterpriseId, capFen: quota.capFen, trigger },
          },
          tx,
        );
        return true;
      });
    } catch (err) {
      // Granted meanwhile by another pass (conflict), or no longer grantable (lapsed, ended): skipped.
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'validation')) return false;
      if (constraintErrorOf(err)?.kind === 'unique') return false;
      throw err;
    }
  }

  /** An admin's "grant now" for one programme in automatic mode. */
  async runProgramme(programmeId: number, actor: Actor): Promise<number> {
    const p = await this.ctx.vouchersRepo.programme(programmeId);
    if (!p) throw notFound('programme');
    if (p.quotaIssueMode !== 'automatic')
      throw badRequest('the programme does not issue quotas automatically', [
        { path: 'params.id', message: 'not_automatic' },
      ]);
    return this.run({ programmeId }, actor, 'programme');
  }

  /** After an enterprise is certified: its quotas in every automatic programme of its scope. */
  forEnterprise(enterpriseId: number, actor: Actor): Promise<number> {
    return this.run({ enterpriseId }, actor, 'certification');
  }

  /** After an automatic programme is saved: its pass in the background (the request does not wait). */
  kick(programmeId: number, actor: Actor): void {
    this.running = this.running
      .then(() => this.run({ programmeId }, actor, 'programme'))
      .catch((err: unknown) =>
        console.error(`automatic quotas of programme ${programmeId}:`, err instanceof Error ? err.message : err),
      );
  }

  /** Resolves when the background passes started so far have ended (tests, shutdown). */
  settled(): Promise<void> {
    return this.running.then(() => undefined);
  }
}

/** A programme's quotas are granted from the start of its year (or its start, if earlier). */
function yearStart(p: ProgrammeRow): string {
  const jan1 = `${p.year}-01-01`;
  return p.startsOn < jan1 ? p.startsOn : jan1;
}
