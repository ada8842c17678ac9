import { and, count, eq, isNull, like, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { organisations, sessions, users, type OrganisationKind, type Role } from '../../../db/schema/index.ts';

export class AuthRepo {
  private readonly actorStatement;

  constructor(private readonly db: Db) {
    this.actorStatement = db.$client.prepare(
      `SELECT s.id AS sessionId, s.last_seen_at AS lastSeenAt, u.id AS userId, u.role, o.id AS organisationId,
         o.kind AS organisationKind, o.city_code AS cityCode
       FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
       WHERE s.id = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
    );
  }

  userByEmail(email: string) {
    return this.db.select().from(users).where(eq(users.email, email)).get();
  }

  /** The live session's user and organisation in one read: every signed-in request does this. */
  sessionActor(id: string, now: number) {
    return this.actorStatement.get(id, now) as
      | {
          sessionId: string;
          lastSeenAt: number;
          userId: number;
          role: Role;
          organisationId: number;
          organisationKind: OrganisationKind;
          cityCode: string | null;
        }
      | undefined;
  }

  userWithOrganisation(userId: number) {
    return this.db
      .select({ user: users, organisation: organisations })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId))
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

  /** Accounts of the demo (published password) that can still sign in. */
  activeDemoAccounts(limit: number): string[] {
    return this.db
      .select({ email: users.email })
      .from(users)
      .where(and(like(users.email, '%@demo.test'), isNull(users.disabledAt)))
      .orderBy(users.id)
      .limit(limit)
      .all()
      .map((u) => u.email);
  }

  activePlatformAdmins(): number {
    return this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'platform_admin'), isNull(users.disabledAt)))
      .get()!.n;
  }

  platformOrganisation() {
    return this.db
      .select()
      .from(organisations)
      .where(eq(organisations.kind, 'platform'))
      .orderBy(organisations.id)
      .get();
  }

  insertOrganisation(row: typeof organisations.$inferInsert) {
    return this.db.insert(organisations).values(row).returning().get();
  }

  insertUser(row: typeof users.$inferInsert) {
    return this.db.insert(users).values(row).returning().get();
  }
}
