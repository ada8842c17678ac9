import { and, count, desc, eq, gt, inArray, isNull, like, lt, lte, notInArray } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../../db/client.ts';
import {
  loginDevices,
  loginThrottle,
  organisations,
  sessions,
  users,
  type OrganisationKind,
  type Role,
} from '../../../db/schema/index.ts';

export type ThrottleRow = typeof loginThrottle.$inferSelect;

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
  activeDemoAccounts(limit: number): { email: string; role: Role }[] {
    return this.db
      .select({ email: users.email, role: users.role })
      .from(users)
      .where(and(like(users.email, '%@demo.test'), isNull(users.disabledAt)))
      .orderBy(users.id)
      .limit(limit)
      .all();
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

  /** A write transaction that takes the database lock before reading: counters stay exact across processes. */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  throttleRows(keys: string[]): ThrottleRow[] {
    return this.db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
  }

  saveThrottle(row: ThrottleRow): void {
    this.db
      .insert(loginThrottle)
      .values(row)
      .onConflictDoUpdate({ target: loginThrottle.key, set: { ...row, key: undefined } })
      .run();
  }

  deleteExpiredThrottle(now: number): void {
    this.db.delete(loginThrottle).where(lte(loginThrottle.expiresAt, now)).run();
  }

  /** The live device (by its cookie's hash), whoever it belongs to. */
  device(id: string, now: number) {
    return this.db
      .select()
      .from(loginDevices)
      .where(and(eq(loginDevices.id, id), gt(loginDevices.expiresAt, now)))
      .get();
  }

  insertDevice(row: typeof loginDevices.$inferInsert, keep: number): void {
    this.db.insert(loginDevices).values(row).run();
    // A user's newest devices only: a script signing in without cookies must not grow the table without end.
    const newest = this.db
      .select({ id: loginDevices.id })
      .from(loginDevices)
      .where(eq(loginDevices.userId, row.userId))
      .orderBy(desc(loginDevices.createdAt))
      .limit(keep);
    this.db
      .delete(loginDevices)
      .where(and(eq(loginDevices.userId, row.userId), notInArray(loginDevices.id, newest)))
      .run();
  }

  extendDevice(id: string, expiresAt: number): void {
    this.db.update(loginDevices).set({ expiresAt }).where(eq(loginDevices.id, id)).run();
  }

  deleteExpiredDevices(now: number): void {
    this.db.delete(loginDevices).where(lte(loginDevices.expiresAt, now)).run();
  }
}
