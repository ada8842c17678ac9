/**
 * Signing up: an organisation registers with its first user (who becomes its administrator), or a
 * person asks to join an organisation already registered; either way the e-mail is verified by a
 * single-use link before anything goes further. A registration goes to review once the e-mail is
 * verified and its documents are uploaded; a join request goes to the organisation's administrators.
 * Every new account counts against its client address (registration-limit.ts).
 */
import { constraintErrorOf } from '../../../db/port.ts';
import type { Role } from '../../../db/schema/index.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { UserView } from '../auth/auth.schemas.ts';
import { hashPassword, passwordProblems } from '../auth/password.ts';
import { submitIfReady } from './application.ts';
import {
  issueToken,
  liveToken,
  ROLES_OF_KIND,
  VERIFY_EMAIL_TTL_MS,
  type ClientInfo,
  type OrganisationsContext,
} from './context.ts';
import { creditCodeTaken, emailTaken, organisationProblems } from './checks.ts';
import { creditCodeMessage, creditCodeProblem, normaliseCreditCode } from './credit-code.ts';
import type { OrganisationRow, OrganisationsRepo, UserRow } from './organisations.repo.ts';
import type { JoinInput, RegistrationInput } from './organisations.schemas.ts';
import { RegistrationLimit } from './registration-limit.ts';

type FieldError = { path: string; message: string };
const field = (path: string, message: string): FieldError => ({ path: `body.${path}`, message });

/** A minute between verification mails of one account. */
const RESEND_GAP_MS = 60_000;

export class Registration {
  private readonly limit: RegistrationLimit;

  constructor(private readonly ctx: OrganisationsContext) {
    this.limit = new RegistrationLimit(ctx.db, ctx.clock);
  }

  /** Shandong's cities and their counties, for the registration form's cascader. */
  async counties(cityCode?: string) {
    const repo = this.ctx.repo;
    const all = await repo.counties(cityCode);
    return {
      cities: (await repo.cities())
        .filter((c) => !cityCode || c.code === cityCode)
        .map((c) => ({
          ...c,
          counties: all.filter((k) => k.cityCode === c.code).map(({ code, name, nameEn }) => ({ code, name, nameEn })),
        })),
    };
  }

  /** Whether a credit code is well formed, and whether an organisation has registered it already. */
  async checkCreditCode(input: string) {
    const code = normaliseCreditCode(input);
    const problem = creditCodeProblem(code);
    const org = problem ? undefined : await this.ctx.repo.organisationByCreditCode(code);
    return {
      code,
      valid: problem === null,
      problem: problem ? creditCodeMessage(problem) : null,
      registered: org ? { name: org.name, kind: org.kind, joinable: joinable(org) } : null,
    };
  }

  /**
   * Registers an organisation and its first user, signed in at once (restricted until the e-mail is
   * verified and the registration approved). Every field is checked before anything is written.
   */
  async register(input: RegistrationInput, info: ClientInfo): Promise<{ token: string; user: UserView }> {
    const { ctx } = this;
    const creditCode = normaliseCreditCode(input.creditCode);
    const errors = await organisationProblems(ctx.repo, { ...input, creditCode });
    const weak = passwordProblems(input.password, input.email);
    if (weak.length) errors.push(field('password', `the password is too weak: ${weak.join('; ')}`));
    if (errors.length) throw badRequest('the registration has mistakes; see the marked fields', errors);
    await this.checkFree(ctx.repo, creditCode, input.email);
    await this.limit.take(info.client);
    // Outside any transaction: scrypt is slow, and nobody else may wait for it.
    const passwordHash = await hashPassword(input.password);
    const role = ROLES_OF_KIND[input.kind][0]!;
    try {
      return await ctx.db.write(async (tx) => {
        const repo = ctx.repo.with(tx);
        await this.checkFree(repo, creditCode, input.email);
        const now = ctx.clock.now();
        const org = await repo.insertOrganisation({
          kind: input.kind,
          name: input.name,
          creditCode,
          cityCode: input.cityCode,
          countyCode: input.countyCode,
          address: input.address,
          institutionType: input.kind === 'institution' ? input.institutionType : null,
          legalRepresentative: input.legalRepresentative,
          contactName: input.contactName,
          contactPhone: input.contactPhone,
          contactEmail: input.email,
          status: 'unverified',
          createdAt: now,
          updatedAt: now,
        });
        const user = await this.newUser(repo, {
          email: input.email,
          passwordHash,
          displayName: input.displayName ?? input.contactName,
          role,
          organisationId: org.id,
          phone: input.contactPhone,
          orgAdmin: true,
          membership: 'active',
          now,
        });
        await ctx.audit.record(
          {
            action: 'organisation.register',
            who: { userId: user.id, email: user.email, organisationId: org.id },
            client: { address: info.client, userAgent: info.userAgent },
            subject: { type: 'organisation', id: org.id },
            details: { kind: org.kind, name: org.name, creditCode, cityCode: org.cityCode },
          },
          tx,
        );
        await this.sendVerification(repo, user, now);
        const token = await ctx.auth.openSession(user.id, info);
        return { token, user: (await ctx.auth.userView(user.id))! };
      });
    } catch (err) {
      throw this.taken(err);
    }
  }

  /** A person asks to join a registered organisation: an account waiting for its administrators. */
  async join(input: JoinInput, info: ClientInfo): Promise<{ token: string; user: UserView }> {
    const { ctx } = this;
    const creditCode = normaliseCreditCode(input.creditCode);
    const problem = creditCodeProblem(creditCode);
    const errors: FieldError[] = problem ? [field('creditCode', creditCodeMessage(problem))] : [];
    const weak = passwordProblems(input.password, input.email);
    if (weak.length) errors.push(field('password', `the password is too weak: ${weak.join('; ')}`));
    if (errors.length) throw badRequest('the request has mistakes; see the marked fields', errors);
    const target = async (repo: OrganisationsRepo) => {
      const org = await repo.organisationByCreditCode(creditCode);
      if (!org) {
        throw new AppError('not_found', 'no organisation is registered with this credit code; register it instead', [
          field('creditCode', 'not registered'),
        ]);
      }
      if (!joinable(org)) {
        throw new AppError(
          'forbidden',
          'this organisation adds its people by invitation; ask its administrator to invite you',
        );
      }
      if (await repo.userByEmail(input.email)) throw emailTaken();
      return org;
    };
    await target(ctx.repo);
    await this.limit.take(info.client);
    const passwordHash = await hashPassword(input.password);
    try {
      return await ctx.db.write(async (tx) => {
        const repo = ctx.repo.with(tx);
        const org = await target(repo);
        const now = ctx.clock.now();
        const user = await this.newUser(repo, {
          email: input.email,
          passwordHash,
          displayName: input.displayName,
          role: ROLES_OF_KIND[org.kind][0]!,
          organisationId: org.id,
          phone: input.phone,
          orgAdmin: false,
          membership: 'requested',
          now,
        });
        await ctx.audit.record(
          {
            action: 'organisation.join_request',
            who: { userId: user.id, email: user.email, organisationId: org.id },
            client: { address: info.client, userAgent: info.userAgent },
            subject: { type: 'user', id: user.id },
            details: { organisation: org.name },
          },
          tx,
        );
        await this.sendVerification(repo, user, now);
        const token = await ctx.auth.openSession(user.id, info);
        return { token, user: (await ctx.auth.userView(user.id))! };
      });
    } catch (err) {
      throw this.taken(err);
    }
  }

  /**
   * Follows a verification link: the address is verified; a registration whose documents are in goes
   * to review, a join request to the organisation's administrators. The link works once.
   */
  async verifyEmail(token: string, info: ClientInfo) {
    const { ctx } = this;
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const now = ctx.clock.now();
      const row = await liveToken(repo, token, 'verify_email', now);
      const user = (await repo.user(row.userId))!;
      const org = (await repo.organisation(user.organisationId))!;
      if (user.disabledAt !== null || !(await repo.tokens.use(row.id, now))) {
        throw new AppError('validation', 'this link has expired or was already used', [
          field('token', 'expired or used'),
        ]);
      }
      let submitted = false;
      if (user.emailVerifiedAt === null) {
        await repo.updateUser(user.id, { emailVerifiedAt: now, updatedAt: now });
        await ctx.audit.record(
          {
            action: 'auth.email_verify',
            who: { userId: user.id, email: user.email, organisationId: org.id },
            client: { address: info.client, userAgent: info.userAgent },
            subject: { type: 'user', id: user.id },
          },
          tx,
        );
        if (user.membership === 'requested') await this.tellAdmins(repo, user, org, now);
        if (org.status === 'unverified' && user.orgAdmin) {
          submitted = await submitIfReady(ctx, repo, org, { ...user, emailVerifiedAt: now }, now);
        }
      }
      const after = (await repo.organisation(org.id))!;
      return { email: user.email, membership: user.membership, organisationStatus: after.status, submitted };
    });
  }

  /** Sends a new verification link to the signed-in, unverified user (at most one a minute). */
  async resendVerification(actor: Actor): Promise<void> {
    const { ctx } = this;
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const now = ctx.clock.now();
      const user = (await repo.user(actor.userId))!;
      if (user.emailVerifiedAt !== null) throw new AppError('conflict', 'your e-mail address is already verified');
      const last = await repo.tokens.lastCreatedAt(user.id, 'verify_email');
      if (last !== null && now - last < RESEND_GAP_MS) {
        throw new AppError('rate_limited', 'a link was sent a moment ago; wait a minute before asking again', {
          retryAfterSeconds: Math.max(1, Math.ceil((last + RESEND_GAP_MS - now) / 1000)),
        });
      }
      await this.sendVerification(repo, user, now);
    });
  }

  // ---- helpers ----

  private async checkFree(repo: OrganisationsRepo, creditCode: string, email: string): Promise<void> {
    const org = await repo.organisationByCreditCode(creditCode);
    if (org) throw creditCodeTaken(org);
    if (await repo.userByEmail(email)) throw emailTaken();
  }

  /** A unique constraint met by a registration that slipped in meanwhile: the same 409 as the check's. */
  private taken(err: unknown): unknown {
    const found = constraintErrorOf(err);
    if (found?.kind !== 'unique') return err;
    return /credit_code/.test(`${found.constraint ?? ''} ${found.message}`)
      ? new AppError('conflict', 'an organisation with this credit code is already registered; ask to join it', [
          field('creditCode', 'already registered'),
        ])
      : emailTaken();
  }

  private async newUser(
    repo: OrganisationsRepo,
    u: {
      email: string;
      passwordHash: string;
      displayName: string;
      role: Role;
      organisationId: number;
      phone: string;
      orgAdmin: boolean;
      membership: 'active' | 'requested';
      now: number;
    },
  ): Promise<UserRow> {
    return repo.insertUser({
      email: u.email,
      passwordHash: u.passwordHash,
      displayName: u.displayName,
      role: u.role,
      organisationId: u.organisationId,
      phone: u.phone,
      orgAdmin: u.orgAdmin,
      membership: u.membership,
      emailVerifiedAt: null,
      passwordChangedAt: u.now,
      createdAt: u.now,
      updatedAt: u.now,
    });
  }

  private async sendVerification(repo: OrganisationsRepo, user: UserRow, now: number): Promise<void> {
    const token = await issueToken(repo, user.id, 'verify_email', VERIFY_EMAIL_TTL_MS, now);
    await this.ctx.notifications.sendAccountMail(
      {
        kind: 'verify_email',
        to: user.email,
        userId: user.id,
        name: user.displayName,
        link: `/verify-email?token=${token}`,
        validMinutes: VERIFY_EMAIL_TTL_MS / 60_000,
      },
      now,
    );
  }

  /** A verified join request reaches the organisation's administrators. */
  private async tellAdmins(repo: OrganisationsRepo, user: UserRow, org: OrganisationRow, now: number) {
    await repo.insertEvent({
      subjectType: 'membership',
      subjectId: user.id,
      action: 'submitted',
      actorUserId: user.id,
      at: now,
    });
    const admins = await repo.activeAdmins(org.id);
    await this.ctx.notifications.notify(
      {
        type: 'membership_requested',
        to: admins.map((a) => ({ userId: a.id })),
        data: { userId: user.id, personName: user.displayName, email: user.email, organisationName: org.name },
        link: '/organisation/people',
        key: `membership_requested:user:${user.id}`,
      },
      now,
    );
  }
}

/** People ask to join enterprises and institutions; finance offices and the platform invite theirs. */
const joinable = (org: OrganisationRow) =>
  (org.kind === 'enterprise' || org.kind === 'institution') && org.status !== 'rejected';
