import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Role } from '../../../db/schema/index.ts';
import type { Actor, Restriction } from './actor.ts';
import type { AuthRepo, SessionActorRow } from './auth.repo.ts';
import type { LoginInput, UserView } from './auth.schemas.ts';
import { accountBucket, addressBucket, deviceBucket, LoginThrottle } from './login-throttle.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { DEFAULT_SECURITY, SECOND_FACTOR_ROLES, type SecuritySettings } from './settings.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How long a browser that signed in stays known to the account (renewed at each sign-in). */
export const DEVICE_TTL_MS = 90 * DAY;
/** Known browsers kept per account. */
const DEVICES_PER_USER = 10;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface LoginContext {
  userAgent?: string;
  /** The client address as Express gives it (req.ip: the socket's peer unless `trust proxy` is set). */
  client?: string;
  /** The device cookie, if the browser sent one. */
  deviceToken?: string;
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
  ) {
    this.throttle = new LoginThrottle(db, repo, clock);
  }

  /** The demo's accounts that can sign in (none in production): the sign-in page lists them. */
  async demoAccounts(): Promise<{ email: string; role: Role }[]> {
    return this.production ? [] : this.repo.activeDemoAccounts(50);
  }

  /**
   * Checks the password and opens a session; returns the cookie token (only its hash is stored) and,
   * when the browser was not yet known to the account, a new device token for its device cookie.
   *
   * Guessing is bounded per account and per client address; a browser that has signed in to the
   * account before is counted on its own instead, so a stranger's guessing cannot lock the owner out
   * of it. Every attempt is counted before the (slow) password check starts.
   */
  async login(
    input: LoginInput,
    context: LoginContext = {},
  ): Promise<{ token: string; user: UserView; deviceToken: string | null }> {
    // These two reads only choose the buckets; the counts themselves are read and written in `begin`'s
    // transaction. A device that expires or moves in between only changes which buckets count this try.
    const user = await this.repo.userByEmail(input.email);
    const deviceId = context.deviceToken && context.deviceToken.length <= 100 ? hashToken(context.deviceToken) : null;
    const device = deviceId && user ? await this.repo.device(deviceId, this.clock.now()) : undefined;
    const known = device !== undefined && device.userId === user!.id;
    const buckets = known ? [deviceBucket(deviceId!)] : [accountBucket(input.email), addressBucket(context.client)];
    await this.throttle.begin(buckets);
    let ok = false;
    try {
      // Outside any transaction: scrypt is slow, and nobody else may wait for it.
      // Unknown e-mails are checked against a decoy, so both failures take the same time.
      ok = await verifyPassword(input.password, user?.passwordHash ?? (await this.decoyHash));
      ok = ok && user !== undefined && user.disabledAt === null;
    } finally {
      await this.throttle.end(buckets, ok);
    }
    if (!ok || !user) throw new AppError('unauthenticated', 'wrong e-mail or password');
    const token = randomBytes(32).toString('base64url');
    const deviceToken = known ? null : randomBytes(32).toString('base64url');
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
        expiresAt: now + this.sessionTtlMs,
        userAgent: context.userAgent?.slice(0, 300) ?? null,
      });
      await repo.deleteExpiredDevices(now);
      if (deviceToken === null) await repo.extendDevice(deviceId!, now + DEVICE_TTL_MS);
      else {
        await repo.insertDevice(
          { id: hashToken(deviceToken), userId: user.id, createdAt: now, expiresAt: now + DEVICE_TTL_MS },
          DEVICES_PER_USER,
        );
      }
    });
    return { token, user: (await this.userView(user.id))!, deviceToken };
  }

  async logout(token: string): Promise<void> {
    await this.repo.deleteSession(hashToken(token));
  }

  /**
   * The actor behind a session cookie, or null when the session is unknown, expired, idle too long,
   * still waiting for its second factor, or its user disabled.
   */
  async authenticate(token: string): Promise<Actor | null> {
    const now = this.clock.now();
    const idleMs = this.security.sessionIdleMinutes * MINUTE;
    const found = await this.repo.sessionActor(hashToken(token), now, idleMs > 0 ? now - idleMs : 0);
    if (!found || found.secondFactorPending) return null;
    // Sliding expiry, written at most once a minute. Two requests of one session may both write it
    // (the same values within a few ms); an UPDATE of a session logged out meanwhile changes nothing.
    if (now - found.lastSeenAt > MINUTE) await this.repo.touchSession(found.sessionId, now, now + this.sessionTtlMs);
    return {
      userId: found.userId,
      role: found.role,
      organisationId: found.organisationId,
      organisationKind: found.organisationKind,
      cityCode: found.cityCode,
      email: found.email,
      orgAdmin: Boolean(found.orgAdmin),
      sessionId: found.sessionId,
      restriction: restrictionOf(found, now, this.security),
    };
  }

  async userView(userId: number): Promise<UserView | null> {
    const found = await this.repo.userWithOrganisation(userId);
    if (!found) return null;
    const { user, organisation } = found;
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      organisation: {
        id: organisation.id,
        kind: organisation.kind,
        name: organisation.name,
        cityCode: organisation.cityCode,
      },
    };
  }
}

/** What the account must do before it may act (actor.ts `restrictions`), in that order; null when nothing. */
export function restrictionOf(row: SessionActorRow, now: number, security: SecuritySettings): Restriction | null {
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
