import { and, count, desc, eq, gt, inArray, isNull, like, lt, lte, notInArray } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import {
  loginDevices,
  loginThrottle,
  organisations,
  sessions,
  users,
  type MembershipStatus,
  type OrganisationKind,
  type OrganisationStatus,
  type Role,
} from '../../../db/schema/index.ts';

export type ThrottleRow = typeof loginThrottle.$inferSelect;

export interface SessionActorRow {
  sessionId: string;
  lastSeenAt: number;
  secondFactorPending: boolean | number;
  userId: number;
  email: string;
  role: Role;
  orgAdmin: boolean | number;
  membership: MembershipStatus;
  emailVerifiedAt: number | null;
  passwordChangedAt: number | null;
  totpEnabledAt: number | null;
  organisationId: number;
  organisationKind: OrganisationKind;
  organisationStatus: OrganisationStatus;
  cityCode: string | null;
}

/**
 * The live session's user and organisation in one read: every signed-in request does this. A session
 * unused for `idleSince` (its last_seen_at before it) has ended too.
 */
const SESSION_ACTOR_SQL = `SELECT s.id AS "sessionId", s.last_seen_at AS "lastSeenAt",
    s.second_factor_pending AS "secondFactorPending", u.id AS "userId", u.email, u.role, u.org_admin AS "orgAdmin",
    u.membership, u.email_verified_at AS "emailVerifiedAt", u.password_changed_at AS "passwordChangedAt",
    u.totp_enabled_at AS "totpEnabledAt",
    o.id AS "organisationId", o.kind AS "organisationKind", o.status AS "organisationStatus", o.city_code AS "cityCode"
  FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
  WHERE s.id = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled_at IS NULL`;

export class AuthRepo {
  constructor(private readonly q: Queryable) {}

  /** The same queries on a transaction (or another connection). */
  with(q: Queryable): AuthRepo {
    return new AuthRepo(q);
  }

  async userByEmail(email: string) {
    return this.q.orm.select().from(users).where(eq(users.email, email)).get();
  }

  /** The live session's user and organisation in one read: every signed-in request does this. */
  async sessionActor(id: string, now: number, idleSince: number): Promise<SessionActorRow | undefined> {
    return this.q.get<SessionActorRow>(SESSION_ACTOR_SQL, [id, now, idleSince]);
  }

  async userWithOrganisation(userId: number) {
    return this.q.orm
      .select({ user: users, organisation: organisations })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId))
      .get();
  }

  async insertSession(row: typeof sessions.$inferInsert): Promise<void> {
    await this.q.orm.insert(sessions).values(row).run();
  }

  async touchSession(id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    await this.q.orm.update(sessions).set({ lastSeenAt, expiresAt }).where(eq(sessions.id, id)).run();
  }

  async deleteSession(id: string): Promise<void> {
    await this.q.orm.delete(sessions).where(eq(sessions.id, id)).run();
  }

  async deleteExpiredSessions(now: number): Promise<void> {
    await this.q.orm.delete(sessions).where(lt(sessions.expiresAt, now)).run();
  }

  /** Accounts of the demo (published password) that can still sign in. */
  async activeDemoAccounts(limit: number): Promise<{ email: string; role: Role }[]> {
    return this.q.orm
      .select({ email: users.email, role: users.role })
      .from(users)
      .where(and(like(users.email, '%@demo.test'), isNull(users.disabledAt)))
      .orderBy(users.id)
      .limit(limit)
      .all();
  }

  async activePlatformAdmins(): Promise<number> {
    const found = await this.q.orm
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'platform_admin'), isNull(users.disabledAt)))
      .get();
    return found!.n;
  }

  async platformOrganisation() {
    return this.q.orm
      .select()
      .from(organisations)
      .where(eq(organisations.kind, 'platform'))
      .orderBy(organisations.id)
      .get();
  }

  async insertOrganisation(row: typeof organisations.$inferInsert) {
    return (await this.q.orm.insert(organisations).values(row).returning().get())!;
  }

  async insertUser(row: typeof users.$inferInsert) {
    return (await this.q.orm.insert(users).values(row).returning().get())!;
  }

  async throttleRows(keys: string[]): Promise<ThrottleRow[]> {
    return this.q.orm.select().from(loginThrottle).where(inArray(loginThrottle.key, keys)).all();
  }

  async saveThrottle(row: ThrottleRow): Promise<void> {
    await this.q.orm
      .insert(loginThrottle)
      .values(row)
      .onConflictDoUpdate({ target: loginThrottle.key, set: { ...row, key: undefined } })
      .run();
  }

  async deleteExpiredThrottle(now: number): Promise<void> {
    await this.q.orm.delete(loginThrottle).where(lte(loginThrottle.expiresAt, now)).run();
  }

  /** The live device (by its cookie's hash), whoever it belongs to. */
  async device(id: string, now: number) {
    return this.q.orm
      .select()
      .from(loginDevices)
      .where(and(eq(loginDevices.id, id), gt(loginDevices.expiresAt, now)))
      .get();
  }

  /** Two statements: the caller runs them in its transaction (AuthService.login does). */
  async insertDevice(row: typeof loginDevices.$inferInsert, keep: number): Promise<void> {
    await this.q.orm.insert(loginDevices).values(row).run();
    // A user's newest devices only: a script signing in without cookies must not grow the table without end.
    const newest = this.q.orm
      .select({ id: loginDevices.id })
      .from(loginDevices)
      .where(eq(loginDevices.userId, row.userId))
      .orderBy(desc(loginDevices.createdAt))
      .limit(keep);
    await this.q.orm
      .delete(loginDevices)
      .where(and(eq(loginDevices.userId, row.userId), notInArray(loginDevices.id, newest)))
      .run();
  }

  async extendDevice(id: string, expiresAt: number): Promise<void> {
    await this.q.orm.update(loginDevices).set({ expiresAt }).where(eq(loginDevices.id, id)).run();
  }

  async deleteExpiredDevices(now: number): Promise<void> {
    await this.q.orm.delete(loginDevices).where(lte(loginDevices.expiresAt, now)).run();
  }
}
