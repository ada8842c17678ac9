import { and, count, desc, eq, gt, inArray, isNull, like, lt, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import {
  loginDevices,
  loginThrottle,
  organisations,
  recoveryCodes,
  sessions,
  users,
  type MembershipStatus,
  type OrganisationKind,
  type OrganisationStatus,
  type Role,
} from '../../../db/schema/index.ts';
import { AccountTokensRepo } from './account-tokens.repo.ts';

export type ThrottleRow = typeof loginThrottle.$inferSelect;

export interface SessionActorRow {
  sessionId: string;
  lastSeenAt: number;
  secondFactorPending: boolean | number;
  userId: number;
  email: string;
  displayName: string;
  role: Role;
  orgAdmin: boolean | number;
  membership: MembershipStatus;
  emailVerifiedAt: number | null;
  passwordChangedAt: number | null;
  totpEnabledAt: number | null;
  organisationId: number;
  organisationName: string;
  organisationKind: OrganisationKind;
  organisationStatus: OrganisationStatus;
  cityCode: string | null;
}

/**
 * The live session's user and organisation in one read: every signed-in request does this. A session
 * unused for `idleSince` (its last_seen_at before it) has ended too.
 */
const SESSION_ACTOR_SQL = `SELECT s.id AS "sessionId", s.last_seen_at AS "lastSeenAt",
    s.second_factor_pending AS "secondFactorPending", u.id AS "userId", u.email, u.display_name AS "displayName",
    u.role, u.org_admin AS "orgAdmin",
    u.membership, u.email_verified_at AS "emailVerifiedAt", u.password_changed_at AS "passwordChangedAt",
    u.totp_enabled_at AS "totpEnabledAt",
    o.id AS "organisationId", o.name AS "organisationName", o.kind AS "organisationKind",
    o.status AS "organisationStatus", o.city_code AS "cityCode"
  FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id
  WHERE s.id = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled_at IS NULL`;

/** What GET /auth/me shows of a user and their organisation (one prepared read: every page load asks it). */
export type UserViewRow = Omit<SessionActorRow, 'sessionId' | 'lastSeenAt' | 'secondFactorPending'>;

const USER_VIEW_SQL = `SELECT u.id AS "userId", u.email, u.display_name AS "displayName", u.role, u.org_admin AS "orgAdmin",
    u.membership, u.email_verified_at AS "emailVerifiedAt", u.password_changed_at AS "passwordChangedAt",
    u.totp_enabled_at AS "totpEnabledAt",
    o.id AS "organisationId", o.name AS "organisationName", o.kind AS "organisationKind",
    o.status AS "organisationStatus", o.city_code AS "cityCode"
  FROM users u JOIN organisations o ON o.id = u.organisation_id
  WHERE u.id = ?`;

export class AuthRepo {
  /** The single-use account links (password resets). */
  readonly tokens: AccountTokensRepo;

  constructor(private readonly q: Queryable) {
    this.tokens = new AccountTokensRepo(q);
  }

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

  async userView(userId: number): Promise<UserViewRow | undefined> {
    return this.q.get<UserViewRow>(USER_VIEW_SQL, [userId]);
  }

  async insertSession(row: typeof sessions.$inferInsert): Promise<void> {
    await this.q.orm.insert(sessions).values(row).run();
  }

  /** Sliding expiry; the address is the one the session was last seen from, when known. */
  async touchSession(id: string, lastSeenAt: number, expiresAt: number, clientAddress?: string): Promise<void> {
    await this.q.orm
      .update(sessions)
      .set({ lastSeenAt, expiresAt, ...(clientAddress && { clientAddress }) })
      .where(eq(sessions.id, id))
      .run();
  }

  /** Ends a session: 1 when it was there. */
  async deleteSession(id: string): Promise<number> {
    const r = await this.q.orm
      .delete(sessions)
      .where(eq(sessions.id, id))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  /** The user of a session, whatever its state. */
  async sessionUser(id: string) {
    return this.q.orm
      .select({ id: users.id, email: users.email, organisationId: users.organisationId })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, id))
      .get();
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

  // ---- Account lifecycle (account.service.ts) ----

  async userById(id: number) {
    return this.q.orm.select().from(users).where(eq(users.id, id)).get();
  }

  /** A session signed in with the password whose second factor is still to come. */
  async pendingSession(id: string, now: number) {
    return this.q.orm
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, id), eq(sessions.secondFactorPending, true), gt(sessions.expiresAt, now)))
      .get();
  }

  /** The second factor is proved: the session becomes a full one (1 row changed), once. */
  async activateSession(id: string, now: number, expiresAt: number): Promise<number> {
    const r = await this.q.orm
      .update(sessions)
      .set({ secondFactorPending: false, lastSeenAt: now, expiresAt })
      .where(and(eq(sessions.id, id), eq(sessions.secondFactorPending, true)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  /** A user's live sessions (not expired, not idle too long, not waiting for a second factor), newest first. */
  async liveSessionsOf(userId: number, now: number, idleSince: number) {
    return this.q.orm
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, userId),
          gt(sessions.expiresAt, now),
          gt(sessions.lastSeenAt, idleSince),
          eq(sessions.secondFactorPending, false),
        ),
      )
      .orderBy(desc(sessions.lastSeenAt))
      .all();
  }

  /** Ends a user's sessions, all or all but one; the number ended. */
  async deleteSessionsOf(userId: number, except?: string): Promise<number> {
    const r = await this.q.orm
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), except === undefined ? undefined : ne(sessions.id, except)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  async deleteSessionOf(userId: number, id: string): Promise<number> {
    const r = await this.q.orm
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), eq(sessions.id, id)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  async setPassword(userId: number, passwordHash: string, now: number): Promise<void> {
    await this.q.orm
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, userId))
      .run();
  }

  /** Forgets sign-in counters: an account's, and those of the browsers that signed in to it. */
  async clearSignInLocks(userId: number, email: string): Promise<void> {
    const devices = this.q.orm
      .select({ key: sql<string>`'device:' || ${loginDevices.id}` })
      .from(loginDevices)
      .where(eq(loginDevices.userId, userId));
    await this.q.orm
      .delete(loginThrottle)
      .where(or(eq(loginThrottle.key, `account:${email}`), inArray(loginThrottle.key, devices)))
      .run();
  }

  async setTotpPending(userId: number, secret: string | null, now: number): Promise<void> {
    await this.q.orm.update(users).set({ totpPendingSecret: secret, updatedAt: now }).where(eq(users.id, userId)).run();
  }

  /** The pending secret becomes the account's (1 row), unless another enrolment replaced it meanwhile (0). */
  async enableTotp(userId: number, secret: string, step: number, now: number): Promise<number> {
    const r = await this.q.orm
      .update(users)
      .set({ totpSecret: secret, totpPendingSecret: null, totpEnabledAt: now, totpLastStep: step, updatedAt: now })
      .where(and(eq(users.id, userId), eq(users.totpPendingSecret, secret)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  async disableTotp(userId: number, now: number): Promise<void> {
    await this.q.orm
      .update(users)
      .set({ totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now })
      .where(eq(users.id, userId))
      .run();
    await this.q.orm.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
  }

  /** Records the step a code was accepted for: 1 when it is later than the last one, 0 when the code was used already. */
  async acceptTotpStep(userId: number, step: number): Promise<number> {
    const r = await this.q.orm
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, userId), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  async replaceRecoveryCodes(userId: number, hashes: string[], now: number): Promise<void> {
    await this.q.orm.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
    await this.q.orm
      .insert(recoveryCodes)
      .values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })))
      .run();
  }

  /** Uses a recovery code: 1 when it was the user's and unused, else 0. */
  async useRecoveryCode(userId: number, codeHash: string, now: number): Promise<number> {
    const r = await this.q.orm
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, codeHash), isNull(recoveryCodes.usedAt)))
      .returning({ n: sql<number>`1` })
      .all();
    return r.length;
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    const found = await this.q.orm
      .select({ n: count() })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
      .get();
    return found?.n ?? 0;
  }
}
