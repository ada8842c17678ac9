import { createHash, randomBytes } from 'node:crypto';
import type { Database, Tx } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Role } from '../../../db/schema/index.ts';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import type { Actor, Restriction } from './actor.ts';
import type { AuthRepo, SessionActorRow } from './auth.repo.ts';
import type { LoginInput, SecondFactorInput, UserView } from './auth.schemas.ts';
import {
  accountBucket,
  addressBucket,
  deviceBucket,
  LoginThrottle,
  type Bucket,
  type LockStarted,
} from './login-throttle.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { DEFAULT_SECURITY, SECOND_FACTOR_ROLES, type SecuritySettings } from './settings.ts';
import { matchTotp, recoveryCodeHash } from './totp.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How long a browser that signed in stays known to the account (renewed at each sign-in). */
export const DEVICE_TTL_MS = 90 * DAY;
/** How long the second step of a sign-in (the authenticator's code) may take after the password. */
export const SECOND_FACTOR_WAIT_MS = 10 * MINUTE;
/** Known browsers kept per account. */
const DEVICES_PER_USER = 10;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginContext {
  userAgent?: string;
  /** The client address as Express gives it (req.ip: the socket's peer unless `trust proxy` is set). */
  client?: string;
  /** The device cookie, if the browser sent one. */
  deviceToken?: string;
}

export type UserRow = NonNullable<Awaited<ReturnType<AuthRepo['userById']>>>;

/** What a sign-in step gives: a full session (`user`), or one still waiting for the second factor. */
export interface LoginOutcome {
  token: string;
  user: UserView | null;
  secondFactorRequired: boolean;
  /** A new device cookie, when the browser was not yet known to the account (full sign-ins only). */
  deviceToken: string | null;
}

export class AuthService {
  private readonly throttle: LoginThrottle;

  /** Compared against when the e-mail is unknown, so both failures take the same time. */
  private readonly decoyHash = hashPassword('decoy password never used');

  constructor(
    private readonly db: Database,
    private readonly repo: AuthRepo,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
    /** Production never offers the demo's accounts, even if a database holds them. */
    private readonly production = false,
    readonly security: SecuritySettings = DEFAULT_SECURITY,
    /** The security audit log: sign-ins, failures, lockouts, sign-outs, second-factor events. */
    private readonly audit: AuditLog | null = null,
  ) {
    this.throttle = new LoginThrottle(db, repo, clock);
  }

  /** The demo's accounts that can sign in (none in production): the sign-in page lists them. */
  async demoAccounts(): Promise<{ email: string; role: Role }[]> {
    return this.production ? [] : this.repo.activeDemoAccounts(50);
  }

  /** Records in the audit log (in `q`, the caller's transaction, when given). */
  async record(entry: AuditEntry, q?: Tx): Promise<void> {
    await this.audit?.record(entry, q);
  }

  /**
   * Which sign-in counters an attempt counts against: a browser that has signed in to the account
   * before is counted on its own; any other against the account and the client address.
   */
  async bucketsFor(
    email: string,
    user: { id: number } | undefined,
    context: LoginContext,
  ): Promise<{ buckets: Bucket[]; known: boolean; deviceId: string | null }> {
    // These reads only choose the buckets; the counts themselves are read and written in `begin`'s
    // transaction. A device that expires or moves in between only changes which buckets count this try.
    const deviceId = context.deviceToken && context.deviceToken.length <= 100 ? hashToken(context.deviceToken) : null;
    const device = deviceId && user ? await this.repo.device(deviceId, this.clock.now()) : undefined;
    const known = device !== undefined && device.userId === user!.id;
    const buckets = known ? [deviceBucket(deviceId!)] : [accountBucket(email), addressBucket(context.client)];
    return { buckets, known, deviceId };
  }

  /** Counts an attempt; a refusal (429) is recorded as a failed sign-in before it goes out. */
  private async begin(buckets: Bucket[], who: AuditEntry['who'], context: LoginContext, action: string) {
    try {
      return await this.throttle.begin(buckets);
    } catch (err) {
      if (err instanceof AppError && err.code === 'rate_limited') {
        await this.record({
          action,
          outcome: 'denied',
          who,
          client: { address: context.client, userAgent: context.userAgent },
          details: { reason: 'rate_limited', ...(err.details as object) },
        });
      }
      throw err;
    }
  }

  /** A lock that a failed attempt started: 'auth.lockout' in the audit log. */
  async recordLocks(locks: LockStarted[], who: AuditEntry['who'], context: LoginContext): Promise<void> {
    for (const { bucket, lockedUntil } of locks) {
      await this.record({
        action: 'auth.lockout',
        outcome: 'denied',
        who,
        client: { address: context.client, userAgent: context.userAgent },
        details: {
          bucket: bucket.kind,
          // A device's key is the hash of its cookie: not worth keeping.
          ...(bucket.kind !== 'device' && { key: bucket.key }),
          lockedUntil: new Date(lockedUntil).toISOString(),
        },
      });
    }
  }

  /**
   * Checks the password and opens a session; returns the cookie token (only its hash is stored) and,
   * when the browser was not yet known to the account, a new device token for its device cookie.
   * An account with a second factor gets a session that waits for it (`secondFactorRequired`): it
   * can do nothing but complete the sign-in with `completeSecondFactor`, for ten minutes.
   *
   * Guessing is bounded per account and per client address; a browser that has signed in to the
   * account before is counted on its own instead, so a stranger's guessing cannot lock the owner out
   * of it. Every attempt is counted before the (slow) password check starts.
   */
  async login(input: LoginInput, context: LoginContext = {}): Promise<LoginOutcome> {
    const user = await this.repo.userByEmail(input.email);
    const who = { userId: user?.id ?? null, email: input.email, organisationId: user?.organisationId ?? null };
    const { buckets, known, deviceId } = await this.bucketsFor(input.email, user, context);
    const locks = await this.begin(buckets, who, context, 'auth.login');
    let ok = false;
    try {
      // Outside any transaction: scrypt is slow, and nobody else may wait for it.
      // Unknown e-mails are checked against a decoy, so both failures take the same time.
      ok = await verifyPassword(input.password, user?.passwordHash ?? (await this.decoyHash));
      ok = ok && user !== undefined && user.disabledAt === null;
    } finally {
      await this.throttle.end(buckets, ok);
    }
    if (!ok || !user) {
      await this.record({
        action: 'auth.login',
        outcome: 'failure',
        who,
        client: { address: context.client, userAgent: context.userAgent },
        details: { reason: !user ? 'unknown_email' : user.disabledAt !== null ? 'disabled' : 'wrong_password' },
      });
      await this.recordLocks(locks, who, context);
      throw new AppError('unauthenticated', 'wrong e-mail or password');
    }
    const secondFactor = user.totpEnabledAt !== null && user.totpSecret !== null;
    const token = randomBytes(32).toString('base64url');
    // A browser becomes known only once it has signed in completely (with the second factor too).
    const deviceToken = known || secondFactor ? null : randomBytes(32).toString('base64url');
    // The sign-in's writes in one transaction, as the synchronous code ran them back to back: one
    // lock and commit instead of five, and no session is left without its device when one fails.
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const now = this.clock.now();
      await repo.deleteExpiredSessions(now);
      await repo.insertSession({
        id: hashToken(token),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + (secondFactor ? SECOND_FACTOR_WAIT_MS : this.sessionTtlMs),
        userAgent: context.userAgent?.slice(0, 300) ?? null,
        clientAddress: context.client ?? null,
        secondFactorPending: secondFactor,
      });
      if (secondFactor) return;
      await this.rememberDevice(tx, user.id, known ? deviceId : null, deviceToken);
      await this.record(
        {
          action: 'auth.login',
          who,
          client: { address: context.client, userAgent: context.userAgent },
          details: { secondFactor: false },
        },
        tx,
      );
    });
    if (secondFactor) return { token, user: null, secondFactorRequired: true, deviceToken: null };
    return { token, user: (await this.userView(user.id))!, secondFactorRequired: false, deviceToken };
  }

  /** Extends a known browser, or keeps a new one (the caller's transaction). */
  private async rememberDevice(tx: Tx, userId: number, knownId: string | null, newToken: string | null) {
    const repo = this.repo.with(tx);
    const now = this.clock.now();
    await repo.deleteExpiredDevices(now);
    if (knownId) await repo.extendDevice(knownId, now + DEVICE_TTL_MS);
    else if (newToken) {
      await repo.insertDevice(
        { id: hashToken(newToken), userId, createdAt: now, expiresAt: now + DEVICE_TTL_MS },
        DEVICES_PER_USER,
      );
    }
  }

  /**
   * Checks a second factor — a code of the authenticator app (each good once, for its 30-second step
   * or one either side) or an unused recovery code — counted against the sign-in limits like a
   * password, and runs `action` in the transaction that marks the code used. A wrong code: `wrong()`
   * is thrown, after 'auth.second_factor_failed' is recorded.
   */
  async proveSecondFactor<T>(
    user: UserRow,
    input: SecondFactorInput,
    context: LoginContext,
    wrong: () => AppError,
    action: (tx: Tx, method: 'totp' | 'recovery_code') => Promise<T>,
  ): Promise<T> {
    if (!user.totpSecret) throw wrong();
    const who = { userId: user.id, email: user.email, organisationId: user.organisationId };
    const { buckets } = await this.bucketsFor(user.email, user, context);
    const locks = await this.begin(buckets, who, context, 'auth.second_factor_failed');
    const method = input.code ? 'totp' : 'recovery_code';
    let result: { ok: true; value: T } | { ok: false } = { ok: false };
    try {
      const now = this.clock.now();
      const step = input.code ? matchTotp(user.totpSecret, input.code, now, user.totpLastStep) : null;
      if (method === 'recovery_code' || step !== null) {
        result = await this.db.write(async (tx) => {
          const repo = this.repo.with(tx);
          // Marked used in the same transaction as what it allows: a code replayed at the same moment loses.
          const accepted =
            method === 'totp'
              ? await repo.acceptTotpStep(user.id, step!)
              : await repo.useRecoveryCode(user.id, recoveryCodeHash(input.recoveryCode!), now);
          if (!accepted) return { ok: false as const };
          if (method === 'recovery_code') {
            await this.record(
              {
                action: 'auth.recovery_code_used',
                who,
                client: { address: context.client, userAgent: context.userAgent },
                details: { left: await repo.recoveryCodesLeft(user.id) },
              },
              tx,
            );
          }
          return { ok: true as const, value: await action(tx, method) };
        });
      }
    } finally {
      await this.throttle.end(buckets, result.ok);
    }
    if (!result.ok) {
      await this.record({
        action: 'auth.second_factor_failed',
        outcome: 'failure',
        who,
        client: { address: context.client, userAgent: context.userAgent },
        details: { method },
      });
      await this.recordLocks(locks, who, context);
      throw wrong();
    }
    return result.value;
  }

  /**
   * The second step of signing in to an account with a second factor: the session the password
   * opened (its cookie) becomes a full one. Wrong codes count against the sign-in limits.
   */
  async completeSecondFactor(token: string, input: SecondFactorInput, context: LoginContext): Promise<LoginOutcome> {
    const id = hashToken(token);
    const pending = await this.repo.pendingSession(id, this.clock.now());
    const user = pending && (await this.repo.userById(pending.userId));
    if (!pending || !user || user.disabledAt !== null || !user.totpSecret) {
      throw new AppError('unauthenticated', 'sign in with your password first', { reason: 'no_pending_sign_in' });
    }
    const { known, deviceId } = await this.bucketsFor(user.email, user, context);
    const deviceToken = known ? null : randomBytes(32).toString('base64url');
    await this.proveSecondFactor(
      user,
      input,
      context,
      () => new AppError('unauthenticated', 'wrong or expired code', { reason: 'wrong_code' }),
      async (tx, method) => {
        const now = this.clock.now();
        // Another request completed it first: this one changes nothing (and counts as a failure).
        if (!(await this.repo.with(tx).activateSession(id, now, now + this.sessionTtlMs))) {
          throw new AppError('unauthenticated', 'sign in with your password first', { reason: 'no_pending_sign_in' });
        }
        await this.rememberDevice(tx, user.id, known ? deviceId : null, deviceToken);
        await this.record(
          {
            action: 'auth.login',
            who: { userId: user.id, email: user.email, organisationId: user.organisationId },
            client: { address: context.client, userAgent: context.userAgent },
            details: { secondFactor: method },
          },
          tx,
        );
      },
    );
    return { token, user: (await this.userView(user.id))!, secondFactorRequired: false, deviceToken };
  }

  /**
   * Opens a session for a user who has just proved who they are another way (registered, accepted an
   * invitation): returns the cookie token (only its hash is stored). Inside the caller's write, if any.
   */
  async openSession(userId: number, context: LoginContext = {}): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.write(async (tx) => {
      const now = this.clock.now();
      await this.repo.with(tx).insertSession({
        id: hashToken(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + this.sessionTtlMs,
        userAgent: context.userAgent?.slice(0, 300) ?? null,
        clientAddress: context.client ?? null,
      });
    });
    return token;
  }

  /** Ends the session (whatever state it is in) and records 'auth.logout' for its user. */
  async logout(token: string, context: LoginContext = {}): Promise<void> {
    const id = hashToken(token);
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const user = await repo.sessionUser(id);
      if (!(await repo.deleteSession(id))) return;
      await this.record(
        {
          action: 'auth.logout',
          who: user && { userId: user.id, email: user.email, organisationId: user.organisationId },
          client: { address: context.client, userAgent: context.userAgent },
        },
        tx,
      );
    });
  }

  /**
   * The actor behind a session cookie, or null when the session is unknown, expired, idle too long,
   * still waiting for its second factor, or its user disabled. `clientAddress`: where the request
   * came from, kept as the session's last-seen address.
   */
  async authenticate(token: string, clientAddress?: string): Promise<Actor | null> {
    const now = this.clock.now();
    const idleMs = this.security.sessionIdleMinutes * MINUTE;
    const found = await this.repo.sessionActor(hashToken(token), now, idleMs > 0 ? now - idleMs : 0);
    if (!found || found.secondFactorPending) return null;
    // Sliding expiry, written at most once a minute. Two requests of one session may both write it
    // (the same values within a few ms); an UPDATE of a session logged out meanwhile changes nothing.
    if (now - found.lastSeenAt > MINUTE)
      await this.repo.touchSession(found.sessionId, now, now + this.sessionTtlMs, clientAddress);
    return {
      userId: found.userId,
      role: found.role,
      organisationId: found.organisationId,
      organisationKind: found.organisationKind,
      cityCode: found.cityCode,
      email: found.email,
      names: { person: found.displayName, organisation: found.organisationName },
      orgAdmin: Boolean(found.orgAdmin),
      sessionId: found.sessionId,
      restriction: restrictionOf(found, now, this.security),
    };
  }

  /** When the password must be changed (null: it does not expire; already passed when never set). */
  passwordExpiresAt(passwordChangedAt: number | null): number | null {
    if (this.security.passwordMaxAgeDays <= 0) return null;
    if (passwordChangedAt === null) return this.clock.now();
    return passwordChangedAt + this.security.passwordMaxAgeDays * DAY;
  }

  async userView(userId: number): Promise<UserView | null> {
    const user = await this.repo.userView(userId);
    if (!user) return null;
    const now = this.clock.now();
    const expiresAt = this.passwordExpiresAt(user.passwordChangedAt);
    return {
      id: user.userId,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      organisation: {
        id: user.organisationId,
        kind: user.organisationKind,
        name: user.organisationName,
        cityCode: user.cityCode,
        status: user.organisationStatus,
      },
      restriction: restrictionOf(
        {
          role: user.role,
          membership: user.membership,
          emailVerifiedAt: user.emailVerifiedAt,
          passwordChangedAt: user.passwordChangedAt,
          totpEnabledAt: user.totpEnabledAt,
          organisationStatus: user.organisationStatus,
        },
        now,
        this.security,
      ),
      orgAdmin: Boolean(user.orgAdmin),
      emailVerified: user.emailVerifiedAt !== null,
      secondFactorEnabled: user.totpEnabledAt !== null,
      passwordExpiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    };
  }
}

/** What the account must do before it may act (actor.ts `restrictions`), in that order; null when nothing. */
export function restrictionOf(
  row: Pick<
    SessionActorRow,
    'role' | 'membership' | 'emailVerifiedAt' | 'passwordChangedAt' | 'totpEnabledAt' | 'organisationStatus'
  >,
  now: number,
  security: SecuritySettings,
): Restriction | null {
  if (row.emailVerifiedAt === null) return 'email_unverified';
  if (row.organisationStatus !== 'approved') return 'organisation_unapproved';
  if (row.membership !== 'active') return 'membership_pending';
  if (
    security.passwordMaxAgeDays > 0 &&
    (row.passwordChangedAt === null || now - row.passwordChangedAt > security.passwordMaxAgeDays * DAY)
  )
    return 'password_expired';
  if (
    security.requireSecondFactor &&
    (SECOND_FACTOR_ROLES as readonly string[]).includes(row.role) &&
    row.totpEnabledAt === null
  )
    return 'second_factor_required';
  return null;
}
