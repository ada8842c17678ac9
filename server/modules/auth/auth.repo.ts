import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { organisations, sessions, users } from '../../../db/schema/index.ts';

export class AuthRepo {
  constructor(private readonly db: Db) {}

  userByEmail(email: string) {
    return this.db.select().from(users).where(eq(users.email, email)).get();
  }

  userWithOrganisation(userId: number) {
    return this.db
      .select({ user: users, organisation: organisations })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId))
      .get();
  }

  liveSession(id: string, now: number) {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
      .get();
  }

  insertSession(row: typeof sessions.$inferInsert): void {
    this.db.insert(sessions).values(row).run();
  }

  touchSession(id: string, lastSeenAt: number, expiresAt: number): void {
    this.db.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.id, id)).run();
  }

  deleteSession(id: string): void {
    this.db.delete(sessions).where(eq(sessions.id, id)).run();
  }

  deleteExpiredSessions(now: number): void {
    this.db.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  }
}
