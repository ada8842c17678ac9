/**
 * An organisation's people, managed by its administrators (and by platform admins anywhere): the
 * list (whole e-mails and phones for them, masked for the organisation's other members), invitations
 * by e-mail, roles within the organisation's kind and the administrator flag, disabling (which ends
 * the person's sessions) and re-enabling, and the requests to join. Nobody disables themselves or
 * changes their own role; an organisation keeps at least one active administrator and the platform
 * at least one platform admin. Every change is in the audit log; refusals to touch another
 * organisation are recorded as denied.
 */
import type { Role } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { hashPassword, passwordProblems } from '../auth/password.ts';
import {
  administers,
  INVITATION_TTL_MS,
  issueToken,
  liveToken,
  NO_PASSWORD,
  personView,
  ROLES_OF_KIND,
  roleFits,
  type ClientInfo,
  type OrganisationsContext,
} from './context.ts';
import type { OrganisationRow, OrganisationsRepo, PeopleFilter, PeopleSort, UserRow } from './organisations.repo.ts';
import type { InviteInput, MemberPatch } from './organisations.schemas.ts';

type MemberAction = 'disable' | 'enable' | 'accept' | 'decline';

export class People {
  constructor(private readonly ctx: OrganisationsContext) {}

  /**
   * The organisation whose people the caller may see (its members, masked) or manage (its
   * administrators, platform admins). Another organisation's: 404, recorded as denied.
   */
  private async organisationFor(actor: Actor, id: number, manage: boolean): Promise<OrganisationRow> {
    const org = await this.ctx.repo.organisation(id);
    const member = org !== undefined && actor.organisationId === org.id;
    if (org && (administers(actor, id) || (!manage && member))) return org;
    await this.ctx.audit.record({
      action: manage ? 'organisation.member_manage' : 'organisation.people_view',
      outcome: 'denied',
      actor,
      subject: { type: 'organisation', id },
    });
    if (member) throw forbidden('only the organisation’s administrators manage its people');
    throw notFound('organisation');
  }

  /**
   * The organisation's people by status, role and a search (names; e-mails too for those who see them
   * whole), sorted, everyone or a numbered page (`offset`, `limit`); `total` counts every match.
   */
  async list(actor: Actor, id: number, q: PeopleFilter & { sort?: PeopleSort; offset?: number; limit?: number } = {}) {
    const org = await this.organisationFor(actor, id, false);
    const full = administers(actor, id);
    const now = this.ctx.clock.now();
    const paged = q.offset !== undefined || q.limit !== undefined;
    const [{ rows, total }, requests] = await Promise.all([
      this.ctx.repo.peoplePage(id, {
        ...q,
        q: q.q || undefined,
        searchEmail: full,
        offset: paged ? (q.offset ?? 0) : undefined,
        limit: paged ? (q.limit ?? 50) : undefined,
      }),
      this.ctx.repo.requestCount(id),
    ]);
    const items = [];
    for (const u of rows) {
      const invitation = u.membership === 'invited' ? await this.ctx.repo.tokens.liveOf(u.id, 'invitation', now) : null;
      items.push(personView(u, !full, invitation?.expiresAt ?? null));
    }
    return {
      organisation: { id: org.id, name: org.name, kind: org.kind },
      roles: [...ROLES_OF_KIND[org.kind]],
      canManage: full,
      full,
      items,
      total,
      requests,
    };
  }

  /**
   * Invites a person by e-mail: an account waiting for them to choose a password through a link valid
   * for 7 days. Inviting an address already invited to the organisation sends a new link.
   */
  async invite(actor: Actor, id: number, input: InviteInput) {
    const { ctx } = this;
    const org = await this.organisationFor(actor, id, true);
    const role = input.role ?? ROLES_OF_KIND[org.kind][0]!;
    if (!roleFits(org.kind, role)) throw wrongRole(org.kind);
    const inviter = (await ctx.repo.user(actor.userId))!;
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const now = ctx.clock.now();
      const existing = await repo.userByEmail(input.email);
      if (existing && !(existing.membership === 'invited' && existing.organisationId === id)) {
        throw new AppError('conflict', 'this e-mail address already has an account', [
          { path: 'body.email', message: 'already has an account' },
        ]);
      }
      const fields = {
        displayName: input.displayName,
        role,
        orgAdmin: input.orgAdmin,
        phone: input.phone ?? existing?.phone ?? null,
        disabledAt: null,
        updatedAt: now,
      };
      let user: UserRow;
      if (existing) {
        await repo.updateUser(existing.id, fields);
        user = (await repo.user(existing.id))!;
      } else {
        user = await repo.insertUser({
          ...fields,
          email: input.email,
          passwordHash: NO_PASSWORD,
          organisationId: id,
          membership: 'invited',
          emailVerifiedAt: null,
          createdAt: now,
        });
      }
      const token = await issueToken(repo, user.id, 'invitation', INVITATION_TTL_MS, now);
      await ctx.notifications.sendAccountMail(
        {
          kind: 'invitation',
          to: user.email,
          userId: user.id,
          name: user.displayName,
          link: `/accept-invitation?token=${token}`,
          organisationName: org.name,
          invitedBy: inviter.displayName,
          validMinutes: INVITATION_TTL_MS / 60_000,
        },
        now,
      );
      await ctx.audit.record(
        {
          action: 'organisation.member_invite',
          actor,
          subject: { type: 'user', id: user.id },
          details: { organisationId: id, email: user.email, role, orgAdmin: input.orgAdmin, again: !!existing },
        },
        tx,
      );
      return personView(user, false, now + INVITATION_TTL_MS);
    });
  }

  /** What an invitation link is for, before the person chooses a password (the link stays unused). */
  async invitation(token: string) {
    const { repo, clock } = this.ctx;
    const row = await liveToken(repo, token, 'invitation', clock.now());
    const user = (await repo.user(row.userId))!;
    const org = (await repo.organisation(user.organisationId))!;
    return {
      email: user.email,
      displayName: user.displayName,
      role: user.role,
      organisationName: org.name,
      expiresAt: new Date(row.expiresAt).toISOString(),
    };
  }

  /** Accepts an invitation with a password (the policy's): the account is active and signed in. */
  async acceptInvitation(input: { token: string; password: string; displayName?: string }, info: ClientInfo) {
    const { ctx } = this;
    const row = await liveToken(ctx.repo, input.token, 'invitation', ctx.clock.now());
    const user = (await ctx.repo.user(row.userId))!;
    const weak = passwordProblems(input.password, user.email);
    if (weak.length) {
      const message = `the password is too weak: ${weak.join('; ')}`;
      throw badRequest(message, [{ path: 'body.password', message }]);
    }
    // Outside the transaction: scrypt is slow.
    const passwordHash = await hashPassword(input.password);
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const now = ctx.clock.now();
      const current = (await repo.user(user.id))!;
      if (current.membership !== 'invited' || current.disabledAt !== null || !(await repo.tokens.use(row.id, now)))
        throw new AppError('validation', 'this link has expired or was already used', [
          { path: 'body.token', message: 'expired or used' },
        ]);
      await repo.updateUser(user.id, {
        passwordHash,
        passwordChangedAt: now,
        membership: 'active',
        emailVerifiedAt: now,
        displayName: input.displayName ?? current.displayName,
        updatedAt: now,
      });
      await ctx.audit.record(
        {
          action: 'organisation.invitation_accept',
          who: { userId: user.id, email: user.email, organisationId: user.organisationId },
          client: { address: info.client, userAgent: info.userAgent },
          subject: { type: 'user', id: user.id },
        },
        tx,
      );
      const token = await ctx.auth.openSession(user.id, info);
      return { token, user: (await ctx.auth.userView(user.id))! };
    });
  }

  /** Sets a person's role (within the organisation's kind) and administrator flag. */
  async update(actor: Actor, id: number, userId: number, patch: MemberPatch) {
    const { ctx } = this;
    const org = await this.organisationFor(actor, id, true);
    if (patch.role !== undefined && !roleFits(org.kind, patch.role)) throw wrongRole(org.kind);
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const person = await this.member(repo, id, userId);
      if (person.id === actor.userId) throw forbidden('you cannot change your own role; ask another administrator');
      const role: Role = patch.role ?? person.role;
      const orgAdmin = patch.orgAdmin ?? Boolean(person.orgAdmin);
      if (Boolean(person.orgAdmin) && !orgAdmin) await this.keepAnAdmin(repo, org, person);
      if (person.role === 'platform_admin' && role !== 'platform_admin') await this.keepAPlatformAdmin(repo, person);
      const now = ctx.clock.now();
      await repo.updateUser(person.id, { role, orgAdmin, updatedAt: now });
      await ctx.audit.record(
        {
          action: 'organisation.member_role_change',
          actor,
          subject: { type: 'user', id: person.id },
          details: {
            organisationId: id,
            before: { role: person.role, orgAdmin: Boolean(person.orgAdmin) },
            after: { role, orgAdmin },
          },
        },
        tx,
      );
      return personView((await repo.user(person.id))!, false);
    });
  }

  /**
   * disable (their sessions end and their links stop working) / enable; accept or decline a request to
   * join (declined: the account is disabled). The person is told of a decision on their request.
   */
  async act(actor: Actor, id: number, userId: number, action: MemberAction, note?: string) {
    const { ctx } = this;
    const org = await this.organisationFor(actor, id, true);
    return ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const person = await this.member(repo, id, userId);
      if (person.id === actor.userId) throw forbidden('you cannot do this to your own account');
      const now = ctx.clock.now();
      switch (action) {
        case 'disable':
          if (person.disabledAt !== null) throw new AppError('conflict', 'the account is already disabled');
          if (person.orgAdmin) await this.keepAnAdmin(repo, org, person);
          if (person.role === 'platform_admin') await this.keepAPlatformAdmin(repo, person);
          await this.switchOff(repo, person.id, now);
          break;
        case 'enable':
          if (person.disabledAt === null) throw new AppError('conflict', 'the account is not disabled');
          if (person.membership === 'declined')
            throw new AppError('conflict', 'a declined request is not re-enabled; the person may ask again');
          await repo.updateUser(person.id, { disabledAt: null, updatedAt: now });
          break;
        case 'accept':
        case 'decline': {
          if (person.membership !== 'requested' || person.disabledAt !== null)
            throw new AppError('conflict', 'the person has no open request to join');
          if (person.emailVerifiedAt === null && action === 'accept')
            throw new AppError('conflict', 'the person has not verified their e-mail address yet');
          const accepted = action === 'accept';
          await repo.insertEvent({
            subjectType: 'membership',
            subjectId: person.id,
            action: accepted ? 'accepted' : 'declined',
            note: note || null,
            actorUserId: actor.userId,
            at: now,
          });
          // Told before a decline disables the account (the disabled are not told).
          await ctx.notifications.notify(
            {
              type: 'membership_reviewed',
              to: [{ userId: person.id }],
              data: { organisationName: org.name, accepted },
              link: accepted ? '/' : null,
              key: `membership_reviewed:user:${person.id}:${now}`,
            },
            now,
          );
          if (accepted) await repo.updateUser(person.id, { membership: 'active', updatedAt: now });
          else {
            await repo.updateUser(person.id, { membership: 'declined', updatedAt: now });
            await this.switchOff(repo, person.id, now);
          }
          break;
        }
      }
      await ctx.audit.record(
        {
          action: `organisation.member_${action}`,
          actor,
          subject: { type: 'user', id: person.id },
          details: { organisationId: id, email: person.email, ...(note ? { note } : {}) },
        },
        tx,
      );
      return personView((await repo.user(person.id))!, false);
    });
  }

  // ---- helpers ----

  private async member(repo: OrganisationsRepo, organisationId: number, userId: number): Promise<UserRow> {
    const person = await repo.user(userId);
    if (!person || person.organisationId !== organisationId) throw notFound('person');
    return person;
  }

  private async switchOff(repo: OrganisationsRepo, userId: number, now: number): Promise<void> {
    await repo.updateUser(userId, { disabledAt: now, updatedAt: now });
    await repo.endSessions(userId);
    await repo.tokens.retire(userId, now);
  }

  /** The organisation keeps an active administrator other than `person`. */
  private async keepAnAdmin(repo: OrganisationsRepo, org: OrganisationRow, person: UserRow): Promise<void> {
    const others = (await repo.activeAdmins(org.id)).filter((a) => a.id !== person.id);
    if (person.membership === 'active' && person.disabledAt === null && !others.length)
      throw new AppError('conflict', 'this is the organisation’s last active administrator; make another one first');
  }

  private async keepAPlatformAdmin(repo: OrganisationsRepo, person: UserRow): Promise<void> {
    if (person.disabledAt === null && person.membership === 'active' && (await repo.activePlatformAdmins()) <= 1)
      throw new AppError('conflict', 'this is the platform’s last platform admin');
  }
}

function wrongRole(kind: OrganisationRow['kind']): AppError {
  return badRequest(`a person of this organisation has the role ${ROLES_OF_KIND[kind].join(' or ')}`, [
    { path: 'body.role', message: 'not a role of this kind of organisation' },
  ]);
}
