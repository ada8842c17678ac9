/**
 * A person's account after sign-in, and the ways back into it: change the password, reset a forgotten
 * one by an e-mailed single-use link, see and end one's sessions (an administrator ends another
 * person's), and the second factor (TOTP with recovery codes): enrol, confirm, new recovery codes,
 * turn it off. Every change is in the security audit log; passwords, tokens and codes never are.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { maskEmail } from '../../shared/mask.ts';
import type { AccountMail } from '../notifications/account-mail.ts';
import type { Actor } from './actor.ts';
import type { AuthRepo } from './auth.repo.ts';
import type { ChangePasswordInput, ResetPasswordInput, SecondFactorInput, SessionView } from './auth.schemas.ts';
import { hashToken, type AuthService, type LoginContext, type UserRow } from './auth.service.ts';
import { accountBucket, LoginThrottle, resetAddressBucket, resetEmailBucket, type Bucket } from './login-throttle.ts';
import { hashPassword, passwordProblems, verifyPassword } from './password.ts';
import { SECOND_FACTOR_ROLES } from './settings.ts';
import { matchTotp, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpQrDataUrl, totpUri } from './totp.ts';
import { describeDevice, parseUserAgent } from './user-agent.ts';

const MINUTE = 60_000;
/** A reset link works this long, once. */
export const RESET_LINK_MINUTES = 30;
/**
 * "Forgot password" answers no sooner than this (real time), whether a mail went out or not, so the
 * time taken does not tell whether an address has an account.
 */
const FORGOT_ANSWER_MS = 250;

/** Sends account e-mails (NotificationService.sendAccountMail). */
export interface AccountMailer {
  sendAccountMail(mail: AccountMail, now: number): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What a session is called in the API: derived from the stored id, which itself never leaves the server. */
export const publicSessionId = (storedId: string) =>
  createHash('sha256').update(`session:${storedId}`).digest('base64url').slice(0, 22);

/** 400 naming the field; the detail says which rules the password breaks (messages.zh.ts translates each). */
const weak = (field: string, problems: string[]) =>
  badRequest(`the password is too weak: ${problems.join('; ')}`, [{ path: field, message: 'password_too_weak' }]);

type ResetRefusal = 'invalid' | 'used' | 'expired';
/** 400 naming body.token with a code the reset page compares against (link_used, link_expired, link_invalid). */
function resetRefused(reason: ResetRefusal): AppError {
  switch (reason) {
    case 'used':
      return badRequest('this reset link has been used already; ask for a new one if you need to', [
        { path: 'body.token', message: 'link_used' },
      ]);
    case 'expired':
      return badRequest('this reset link has expired; ask for a new one', [
        { path: 'body.token', message: 'link_expired' },
      ]);
    case 'invalid':
      return badRequest('this reset link is not valid; ask for a new one', [
        { path: 'body.token', message: 'link_invalid' },
      ]);
  }
}

export class AccountService {
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Database,
    private readonly repo: AuthRepo,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly mail: AccountMailer,
  ) {
    this.throttle = new LoginThrottle(db, repo, clock);
  }

  private async user(actor: Actor): Promise<UserRow> {
    const user = await this.repo.userById(actor.userId);
    if (!user || user.disabledAt !== null) throw new AppError('unauthenticated', 'sign in first');
    return user;
  }

  private context(actor: Actor): LoginContext {
    return { client: actor.clientAddress, userAgent: actor.userAgent };
  }

  /**
   * Checks a signed-in person's password (before changing it, or the second factor). Counted against
   * the account's sign-in limit, so a session left open is no way to guess the password.
   */
  private async checkPassword(user: UserRow, password: string, field: string, context: LoginContext): Promise<void> {
    const buckets: Bucket[] = [accountBucket(user.email)];
    const locks = await this.throttle.begin(buckets);
    let ok = false;
    try {
      ok = await verifyPassword(password, user.passwordHash);
    } finally {
      await this.throttle.end(buckets, ok);
    }
    if (!ok) {
      const who = { userId: user.id, email: user.email, organisationId: user.organisationId };
      await this.auth.record({
        action: 'auth.password_check',
        outcome: 'failure',
        who,
        client: { address: context.client, userAgent: context.userAgent },
      });
      await this.auth.recordLocks(locks, who, context);
      throw badRequest('the password is wrong', [{ path: field, message: 'wrong password' }]);
    }
  }

  // ---- Passwords ----

  /**
   * Changes the signed-in person's password: the current one first, the new one by the policy and
   * different. Every other session of theirs ends (this one stays), a pending reset link stops
   * working, and a mail tells them.
   */
  async changePassword(actor: Actor, input: ChangePasswordInput): Promise<{ sessionsEnded: number }> {
    const user = await this.user(actor);
    const problems = passwordProblems(input.newPassword, user.email);
    if (problems.length) throw weak('body.newPassword', problems);
    await this.checkPassword(user, input.currentPassword, 'body.currentPassword', this.context(actor));
    if (input.newPassword.normalize('NFKC') === input.currentPassword.normalize('NFKC')) {
      throw badRequest('the new password must differ from the current one', [
        { path: 'body.newPassword', message: 'the same as the current password' },
      ]);
    }
    const passwordHash = await hashPassword(input.newPassword);
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const now = this.clock.now();
      await repo.setPassword(user.id, passwordHash, now);
      await repo.tokens.retire(user.id, now, 'reset_password');
      const sessionsEnded = await repo.deleteSessionsOf(user.id, actor.sessionId);
      await this.auth.record({ action: 'auth.password_change', actor, details: { sessionsEnded } }, tx);
      await this.mail.sendAccountMail(
        { kind: 'password_changed', to: user.email, userId: user.id, name: user.displayName },
        now,
      );
      return { sessionsEnded };
    });
  }

  /**
   * "Forgot password": mails a single-use link (30 minutes) when the address has an active account.
   * The answer is the same, and takes the same time, whether it has or not. Requests are limited per
   * client address (429) and per address mailed (past three an hour no more mail goes, silently).
   */
  async requestReset(email: string, context: LoginContext): Promise<void> {
    const started = performance.now();
    const address = resetAddressBucket(context.client);
    await this.throttle.begin([address]);
    await this.throttle.end([address], false);
    const user = await this.repo.userByEmail(email);
    let mailable = true;
    const perEmail = resetEmailBucket(email);
    try {
      await this.throttle.begin([perEmail]);
      await this.throttle.end([perEmail], false);
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'rate_limited')) throw err;
      mailable = false;
    }
    const who = { userId: user?.id ?? null, email, organisationId: user?.organisationId ?? null };
    const client = { address: context.client, userAgent: context.userAgent };
    if (user && user.disabledAt === null && mailable) {
      const token = randomBytes(32).toString('base64url');
      await this.db.write(async (tx) => {
        const repo = this.repo.with(tx);
        const now = this.clock.now();
        await repo.tokens.deleteExpired('reset_password', now - 7 * 24 * 60 * MINUTE);
        await repo.tokens.insert({
          id: hashToken(token),
          purpose: 'reset_password',
          userId: user.id,
          createdAt: now,
          expiresAt: now + RESET_LINK_MINUTES * MINUTE,
        });
        await this.auth.record({ action: 'auth.password_reset_requested', who, client }, tx);
        await this.mail.sendAccountMail(
          {
            kind: 'reset_password',
            to: user.email,
            userId: user.id,
            name: user.displayName,
            link: `/reset-password?token=${token}`,
            validMinutes: RESET_LINK_MINUTES,
          },
          now,
        );
      });
    } else {
      const reason = !user ? 'unknown_email' : user.disabledAt !== null ? 'disabled' : 'rate_limited';
      await this.auth.record({
        action: 'auth.password_reset_requested',
        outcome: 'failure',
        who,
        client,
        details: { reason },
      });
    }
    const left = FORGOT_ANSWER_MS - (performance.now() - started);
    if (left > 0) await sleep(left);
  }

  /** A reset token that can still be used, with its user; or the reason it cannot. */
  private async liveResetToken(token: string) {
    const now = this.clock.now();
    const row = await this.repo.tokens.get(hashToken(token), 'reset_password');
    if (!row) throw resetRefused('invalid');
    if (row.usedAt !== null) throw resetRefused('used');
    if (row.expiresAt <= now) throw resetRefused('expired');
    const user = await this.repo.userById(row.userId);
    if (!user || user.disabledAt !== null) throw resetRefused('invalid');
    return { row, user };
  }

  /** Whether a reset link can still be used (the page asks before showing its form). */
  async resetState(token: string): Promise<{ email: string; expiresAt: string }> {
    const { row, user } = await this.liveResetToken(token);
    return { email: maskEmail(user.email)!, expiresAt: iso(row.expiresAt) };
  }

  /**
   * Sets a new password with a reset link's token: once, within its 30 minutes. Every session of the
   * account ends, the sign-in lockout of the account (and of its browsers) is lifted, and the other
   * reset links stop working.
   */
  async resetPassword(input: ResetPasswordInput, context: LoginContext): Promise<void> {
    const { row, user } = await this.liveResetToken(input.token);
    const problems = passwordProblems(input.password, user.email);
    if (problems.length) throw weak('body.password', problems);
    const passwordHash = await hashPassword(input.password);
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const now = this.clock.now();
      // Another request with the same link may have used it while the password was hashed.
      if (!(await repo.tokens.use(row.id, now))) {
        const again = await repo.tokens.get(row.id, 'reset_password');
        throw resetRefused(again?.usedAt !== null ? 'used' : 'expired');
      }
      await repo.setPassword(user.id, passwordHash, now);
      await repo.tokens.retire(user.id, now, 'reset_password');
      const sessionsEnded = await repo.deleteSessionsOf(user.id);
      await repo.clearSignInLocks(user.id, user.email);
      await this.auth.record(
        {
          action: 'auth.password_reset',
          who: { userId: user.id, email: user.email, organisationId: user.organisationId },
          client: { address: context.client, userAgent: context.userAgent },
          subject: { type: 'user', id: user.id },
          details: { sessionsEnded },
        },
        tx,
      );
      await this.mail.sendAccountMail(
        { kind: 'password_changed', to: user.email, userId: user.id, name: user.displayName },
        now,
      );
    });
  }

  // ---- Sessions ----

  /** The signed-in person's live sessions, this one marked. */
  async sessions(actor: Actor): Promise<SessionView[]> {
    const now = this.clock.now();
    const idleMs = this.auth.security.sessionIdleMinutes * MINUTE;
    const rows = await this.repo.liveSessionsOf(actor.userId, now, idleMs > 0 ? now - idleMs : 0);
    return rows.map((s) => ({
      id: publicSessionId(s.id),
      device: describeDevice(s.userAgent),
      mobile: parseUserAgent(s.userAgent).mobile,
      userAgent: s.userAgent,
      address: s.clientAddress,
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
      current: s.id === actor.sessionId,
    }));
  }

  /** Ends one of one's own sessions (this one too: that is signing out). */
  async endSession(actor: Actor, id: string): Promise<{ current: boolean }> {
    const all = await this.repo.liveSessionsOf(actor.userId, this.clock.now(), 0);
    const found = all.find((s) => publicSessionId(s.id) === id);
    if (!found) throw notFound('session');
    await this.db.write(async (tx) => {
      const ended = await this.repo.with(tx).deleteSessionOf(actor.userId, found.id);
      await this.auth.record(
        {
          action: 'auth.sessions_ended',
          actor,
          subject: { type: 'user', id: actor.userId },
          details: { scope: found.id === actor.sessionId ? 'this' : 'one', ended },
        },
        tx,
      );
    });
    return { current: found.id === actor.sessionId };
  }

  /** Ends every session of one's own but this one. */
  async endOtherSessions(actor: Actor): Promise<number> {
    return this.db.write(async (tx) => {
      const ended = await this.repo.with(tx).deleteSessionsOf(actor.userId, actor.sessionId);
      await this.auth.record(
        {
          action: 'auth.sessions_ended',
          actor,
          subject: { type: 'user', id: actor.userId },
          details: { scope: 'others', ended },
        },
        tx,
      );
      return ended;
    });
  }

  /**
   * An administrator ends every session of a person: a platform admin anyone's, an organisation's
   * administrator those of their own organisation's people.
   */
  async endUserSessions(actor: Actor, userId: number): Promise<number> {
    const target = await this.repo.userById(userId);
    if (actor.role !== 'platform_admin') {
      if (!actor.orgAdmin || !target || target.organisationId !== actor.organisationId) {
        throw forbidden('only your own organisation’s administrators or the platform can end a person’s sessions');
      }
    }
    if (!target) throw notFound('user');
    return this.db.write(async (tx) => {
      const ended = await this.repo.with(tx).deleteSessionsOf(target.id);
      await this.auth.record(
        {
          action: 'auth.sessions_ended',
          actor,
          subject: { type: 'user', id: target.id },
          details: { scope: 'all', ended, email: target.email },
        },
        tx,
      );
      return ended;
    });
  }

  // ---- Second factor ----

  private secondFactorRequired(user: UserRow): boolean {
    return this.auth.security.requireSecondFactor && (SECOND_FACTOR_ROLES as readonly string[]).includes(user.role);
  }

  async secondFactorState(actor: Actor) {
    const user = await this.user(actor);
    return {
      enabled: user.totpEnabledAt !== null,
      enabledAt: user.totpEnabledAt === null ? null : iso(user.totpEnabledAt),
      recoveryCodesLeft: user.totpEnabledAt === null ? 0 : await this.repo.recoveryCodesLeft(user.id),
      required: this.secondFactorRequired(user),
      enrolmentPending: user.totpPendingSecret !== null,
    };
  }

  /**
   * Starts setting up an authenticator app (the password again first): a new secret, kept pending
   * until a code of it confirms it. Starting again replaces a pending secret; an enabled one stays in
   * force until a new one is confirmed (that is how a new phone is set up).
   */
  async startEnrolment(actor: Actor, password: string): Promise<{ secret: string; uri: string; qrDataUrl: string }> {
    const user = await this.user(actor);
    await this.checkPassword(user, password, 'body.password', this.context(actor));
    const secret = newTotpSecret();
    await this.repo.setTotpPending(user.id, secret, this.clock.now());
    const uri = totpUri(secret, user.email);
    return { secret, uri, qrDataUrl: await totpQrDataUrl(uri) };
  }

  /** Confirms the pending secret with a code of it: two-step verification is on; ten new recovery codes, shown once. */
  async confirmEnrolment(actor: Actor, code: string): Promise<string[]> {
    const user = await this.user(actor);
    const secret = user.totpPendingSecret;
    if (!secret) throw new AppError('conflict', 'start setting up two-step verification first');
    const step = matchTotp(secret, code, this.clock.now(), null);
    if (step === null) {
      await this.auth.record({
        action: 'auth.second_factor_failed',
        outcome: 'failure',
        actor,
        details: { method: 'totp', stage: 'enrolment' },
      });
      throw badRequest('wrong or expired code', [{ path: 'body.code', message: 'wrong or expired code' }]);
    }
    const codes = newRecoveryCodes();
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const now = this.clock.now();
      if (!(await repo.enableTotp(user.id, secret, step, now))) {
        throw new AppError('conflict', 'the set-up was started again elsewhere; scan the new code');
      }
      await repo.replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), now);
      await this.auth.record(
        { action: 'auth.second_factor_enabled', actor, details: { replaced: user.totpEnabledAt !== null } },
        tx,
      );
    });
    return codes;
  }

  /** Ten new recovery codes (the old ones stop working), with a code of the app. */
  async regenerateRecoveryCodes(actor: Actor, code: string): Promise<string[]> {
    const user = await this.user(actor);
    if (!user.totpSecret) throw new AppError('conflict', 'two-step verification is not on');
    const codes = newRecoveryCodes();
    await this.auth.proveSecondFactor(
      user,
      { code },
      this.context(actor),
      () => badRequest('wrong or expired code', [{ path: 'body.code', message: 'wrong or expired code' }]),
      async (tx) => {
        await this.repo.with(tx).replaceRecoveryCodes(user.id, codes.map(recoveryCodeHash), this.clock.now());
        await this.auth.record({ action: 'auth.recovery_codes_regenerated', actor }, tx);
      },
    );
    return codes;
  }

  /** Turns two-step verification off (password and a code), unless the installation requires it for the role. */
  async disableSecondFactor(actor: Actor, input: SecondFactorInput & { password: string }): Promise<void> {
    const user = await this.user(actor);
    if (!user.totpSecret) throw new AppError('conflict', 'two-step verification is not on');
    if (this.secondFactorRequired(user)) {
      throw new AppError(
        'conflict',
        'two-step verification is required for your role; set up a new authenticator instead of turning it off',
      );
    }
    await this.checkPassword(user, input.password, 'body.password', this.context(actor));
    const field = input.code ? 'body.code' : 'body.recoveryCode';
    await this.auth.proveSecondFactor(
      user,
      input,
      this.context(actor),
      () => badRequest('wrong or expired code', [{ path: field, message: 'wrong or expired code' }]),
      async (tx) => {
        await this.repo.with(tx).disableTotp(user.id, this.clock.now());
        await this.auth.record({ action: 'auth.second_factor_disabled', actor }, tx);
      },
    );
  }
}
