/**
 * The queries of the single-use account links (e-mail verification, invitations, password resets):
 * the one place that reads and writes `account_tokens`. Takes the database or a transaction.
 */
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import { accountTokens, type AccountTokenPurpose } from '../../../db/schema/index.ts';

export type TokenRow = typeof accountTokens.$inferSelect;

export class AccountTokensRepo {
  constructor(private readonly q: Queryable) {}

  async insert(row: typeof accountTokens.$inferInsert): Promise<void> {
    await this.q.orm.insert(accountTokens).values(row).run();
  }

  async get(id: string, purpose: AccountTokenPurpose): Promise<TokenRow | undefined> {
    return this.q.orm
      .select()
      .from(accountTokens)
      .where(and(eq(accountTokens.id, id), eq(accountTokens.purpose, purpose)))
      .get();
  }

  /** Marks a live link used; false when another request used it first or it has expired. */
  async use(id: string, now: number): Promise<boolean> {
    const r = await this.q.orm
      .update(accountTokens)
      .set({ usedAt: now })
      .where(and(eq(accountTokens.id, id), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length === 1;
  }

  /**
   * Every unused link of a user (of one purpose, or all) stops working: a new link replaces the old,
   * a changed password ends the reset links, disabling ends them all.
   */
  async retire(userId: number, now: number, purpose?: AccountTokenPurpose): Promise<void> {
    await this.q.orm
      .update(accountTokens)
      .set({ usedAt: now })
      .where(
        and(
          eq(accountTokens.userId, userId),
          purpose ? eq(accountTokens.purpose, purpose) : undefined,
          isNull(accountTokens.usedAt),
        ),
      )
      .run();
  }

  /** When the user's newest link of this purpose was made (to space out resends). */
  async lastCreatedAt(userId: number, purpose: AccountTokenPurpose): Promise<number | null> {
    const row = await this.q.orm
      .select({ at: accountTokens.createdAt })
      .from(accountTokens)
      .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose)))
      .orderBy(desc(accountTokens.createdAt))
      .limit(1)
      .get();
    return row?.at ?? null;
  }

  /** The live (unused, unexpired) link of a user for a purpose, if any. */
  async liveOf(userId: number, purpose: AccountTokenPurpose, now: number): Promise<TokenRow | undefined> {
    return this.q.orm
      .select()
      .from(accountTokens)
      .where(
        and(
          eq(accountTokens.userId, userId),
          eq(accountTokens.purpose, purpose),
          isNull(accountTokens.usedAt),
          gt(accountTokens.expiresAt, now),
        ),
      )
      .get();
  }

  /** Forgets the links of a purpose that expired before `before`. */
  async deleteExpired(purpose: AccountTokenPurpose, before: number): Promise<void> {
    await this.q.orm
      .delete(accountTokens)
      .where(and(eq(accountTokens.purpose, purpose), lt(accountTokens.expiresAt, before)))
      .run();
  }
}
