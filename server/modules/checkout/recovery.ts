/**
 * The recovery pass (at start-up and on a timer): finishes or undoes what a crash, a timeout or an
 * outage left open. Every step asks the processor outside any transaction with the same keys as the
 * first attempt, and records through the same methods, which read the payment again in their own
 * transaction — so it is safe at any time, next to live requests and from several processes.
 */
import type { Authorisation } from './authorisation.ts';
import type { CardWindow } from './card-window.ts';
import type { CheckoutContext } from './context.ts';
import type { Settle } from './settle.ts';

export class Recovery {
  constructor(
    private readonly ctx: CheckoutContext,
    private readonly authorisation: Authorisation,
    private readonly settling: Settle,
    private readonly cardWindow: CardWindow,
  ) {}

  /**
   * Authorisations without an answer (found at the processor: finished; known absent or too old:
   * undone) and captures or releases still owed.
   */
  async recover(
    options: { minAgeMs?: number } = {},
  ): Promise<{ finished: number; undone: number; settled: number; open: number }> {
    const { payments } = this.ctx.deps;
    const now = this.ctx.now;
    const giveUp = this.ctx.deps.giveUpAfterMs ?? 10 * 60_000;
    const result = { finished: 0, undone: 0, settled: 0, open: 0 };
    for (const p of await payments.unfinished(now - (options.minAgeMs ?? 60_000))) {
      if (p.status === 'saving_card') {
        // A card save without an answer: asked again with its key, or the checkout undone when too old.
        await this.cardWindow.recoverSave(p, now - p.createdAt >= giveUp);
        const after = (await payments.byId(p.id))!;
        if (after.status === 'scheduled') result.finished++;
        else if (after.status === 'failed') result.undone++;
        else result.open++;
      } else if (p.status === 'authorising') {
        const settled = await this.authorisation.resolveFromProcessor(p, now - p.createdAt >= giveUp);
        if (!settled) {
          // Not found yet and not too old: ask again with the same key (replayed if it was made).
          await this.authorisation.authorise(p, false).catch(() => undefined);
        }
        const after = (await payments.byId(p.id))!;
        if (after.status === 'authorised') result.finished++;
        else if (after.status === 'failed') result.undone++;
        else result.open++;
      } else if (p.pendingAction) {
        try {
          await this.settling.settle(p.id);
          result.settled++;
        } catch {
          result.open++;
        }
      }
    }
    return result;
  }
}
