/**
 * The testing-needs-expiry job: open needs past their time expire with their submitted quotes (the
 * enterprise told), and submitted quotes past their last valid day expire. One transaction per row,
 * each re-reading the status it moves from, so a second run (or two at once) changes nothing more.
 */
import { LINKS } from '../notifications/links.ts';
import { localDate, type NeedsContext } from './context.ts';

export async function expireNeeds(
  ctx: NeedsContext,
  now = ctx.clock.now(),
): Promise<{ needs: number; quotes: number }> {
  let needs = 0;
  let quotes = 0;
  for (const id of await ctx.repo.expiredNeeds(now)) {
    const done = await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const need = await repo.need(id);
      if (!need || need.status !== 'open' || need.expiresAt > now) return false;
      await repo.updateNeed(id, { status: 'expired', updatedAt: now });
      await repo.closeQuotes(id, 'expired', now);
      await ctx.notifier?.notify(
        {
          type: 'testing_need_expired',
          to: [{ userId: need.createdBy }],
          data: { needId: id, title: need.title, quoteCount: need.quoteCount },
          link: LINKS.need(id, 'enterprise'),
          key: `testing_need_expired:need:${id}`,
        },
        now,
      );
      return true;
    });
    if (done) needs++;
  }
  for (const id of await ctx.repo.lapsedQuotes(localDate(now))) {
    const done = await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const q = await repo.quote(id);
      if (!q || q.status !== 'submitted' || q.validUntil >= localDate(now)) return false;
      await repo.updateQuote(id, { status: 'expired', decidedAt: now, updatedAt: now });
      return true;
    });
    if (done) quotes++;
  }
  return { needs, quotes };
}
