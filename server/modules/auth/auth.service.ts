import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from './actor.ts';
import type { AuthRepo } from './auth.repo.ts';
import type { LoginInput, UserView } from './auth.schemas.ts';
import { hashPassword, verifyPassword } from './password.ts';

const MINUTE = 60_000;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Slows password guessing: after MAX_FAILURES wrong passwords for one e-mail from one address within
 * the window, that pair is refused (429) until the window has passed. Kept in memory: a restart or
 * another process starts counting afresh, which bounds guessing rather than stopping it.
 */
class LoginGuard {
  static readonly MAX_FAILURES = 5;
  static readonly WINDOW_MS = 15 * 60_000;
  private readonly failures = new Map<string, { count: number; since: number }>();

  check(key: string, now: number): void {
    const f = this.failures.get(key);
    if (!f) return;
    if (now - f.since > LoginGuard.WINDOW_MS) {
      this.failures.delete(key);
      return;
    }
    if (f.count >= LoginGuard.MAX_FAILURES) {
      throw new AppError('rate_limited', 'too many wrong passwords; try again later', {
        retryAfterSeconds: Math.ceil((f.since + LoginGuard.WINDOW_MS - now) / 1000),
      });
    }
  }

  failed(key: string, now: number): void {
    const f = this.failures.get(key);
    if (f && now - f.since <= LoginGuard.WINDOW_MS) f.count++;
    else this.failures.set(key, { count: 1, since: now });
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}

export class AuthService {
  private readonly guard = new LoginGuard();

  /** Compared against when the e-mail is unknown, so both failures take the same time. */
  private readonly decoyHash = hashPassword('decoy password never used');

  constructor(
    private readonly repo: AuthRepo,
    private readonly clock: Clock,
    private readonly sessionTtlMs: number,
  ) {}

  /** Checks the password and opens a session; returns the cookie token (only its hash is stored). */
  async login(
    input: LoginInput,
    userAgent: string | undefined,
    client = 'unknown',
  ): Promise<{ token: string; user: UserView }> {
    const attempt = `${client}|${input.email}`;
    this.guard.check(attempt, this.clock.now());
    const user = this.repo.userByEmail(input.email);
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !ok || user.disabledAt !== null) {
      this.guard.failed(attempt, this.clock.now());
      throw new AppError('unauthenticated', 'wrong e-mail or password');
    }
    this.guard.succeeded(attempt);
    const now = this.clock.now();
    this.repo.deleteExpiredSessions(now);
    const token = randomBytes(32).toString('base64url');
    this.repo.insertSession({
      id: hashToken(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.sessionTtlMs,
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    return { token, user: this.userView(user.id)! };
  }

  logout(token: string): void {
    this.repo.deleteSession(hashToken(token));
  }

  /** The actor behind a session cookie, or null when the session is unknown, expired or disabled. */
  authenticate(token: string): Actor | null {
    const now = this.clock.now();
    const found = this.repo.sessionActor(hashToken(token), now);
    if (!found) return null;
    // Sliding expiry, written at most once a minute.
    if (now - found.lastSeenAt > MINUTE) this.repo.touchSession(found.sessionId, now, now + this.sessionTtlMs);
    return {
      userId: found.userId,
      role: found.role,
      organisationId: found.organisationId,
      organisationKind: found.organisationKind,
      cityCode: found.cityCode,
    };
  }

  userView(userId: number): UserView | null {
    const found = this.repo.userWithOrganisation(userId);
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
