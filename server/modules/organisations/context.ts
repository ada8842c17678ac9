/**
 * What the use cases of registration, review and people management share: their dependencies, the
 * roles each kind of organisation has, the documents a registration needs, the single-use links,
 * who reviews a registration, and the views they answer with.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../../db/port.ts';
import type {
  AccountTokenPurpose,
  DocumentKind,
  OrganisationKind,
  OrganisationStatus,
  Role,
} from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { maskEmail, maskPhone } from '../../shared/mask.ts';
import type { Actor } from '../auth/actor.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { NotificationService } from '../notifications/notifications.service.ts';
import type { HistoryRow, OrganisationRow, OrganisationsRepo, TokenRow, UserRow } from './organisations.repo.ts';
import type { HistoryView, OrganisationView, PersonView } from './organisations.schemas.ts';

export interface OrganisationsContext {
  readonly db: Database;
  readonly repo: OrganisationsRepo;
  readonly clock: Clock;
  readonly notifications: NotificationService;
  readonly audit: AuditLog;
  readonly documents: DocumentStore;
  /** Sessions for people who register or accept an invitation, and the security settings. */
  readonly auth: AuthService;
}

/** Where a public request came from (req.ip, the browser). */
export interface ClientInfo {
  client?: string;
  userAgent?: string;
}

const HOUR = 3_600_000;
export const VERIFY_EMAIL_TTL_MS = 24 * HOUR;
export const INVITATION_TTL_MS = 7 * 24 * HOUR;

/** The roles a person may have in each kind of organisation; the first is the default. */
export const ROLES_OF_KIND: Readonly<Record<OrganisationKind, readonly Role[]>> = {
  enterprise: ['researcher'],
  institution: ['lab_manager'],
  finance_office: ['finance_officer'],
  platform: ['platform_admin', 'finance_officer'],
};

/** A registration's fields and documents may change until it is decided. */
export const EDITABLE_STATUSES: readonly OrganisationStatus[] = ['unverified', 'pending_review', 'returned'];

/** What a registration must carry before it goes to review. */
export function requiredDocuments(kind: OrganisationKind): DocumentKind[] {
  return kind === 'institution' ? ['business_licence', 'authorisation_letter'] : ['business_licence'];
}

/** The documents an organisation's registration may carry. */
export const REGISTRATION_DOCUMENTS: readonly DocumentKind[] = ['business_licence', 'authorisation_letter', 'other'];

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A stored password hash no password matches: invited people have none until they accept. */
export const NO_PASSWORD = '!none';

/** A new single-use link for a user (the older unused ones of the purpose stop working); the token to mail. */
export async function issueToken(
  repo: OrganisationsRepo,
  userId: number,
  purpose: AccountTokenPurpose,
  ttlMs: number,
  now: number,
): Promise<string> {
  await repo.tokens.retire(userId, now, purpose);
  const token = randomBytes(32).toString('base64url');
  await repo.tokens.insert({ id: hashToken(token), purpose, userId, createdAt: now, expiresAt: now + ttlMs });
  return token;
}

/** A link that has been used, has expired or never was: the same answer for each. */
export const deadLink = () =>
  new AppError('validation', 'this link has expired or was already used', [
    { path: 'body.token', message: 'expired or used' },
  ]);

/** The live token's row (not yet used, not expired), or the dead-link error. */
export async function liveToken(
  repo: OrganisationsRepo,
  token: string,
  purpose: AccountTokenPurpose,
  now: number,
): Promise<TokenRow> {
  const row = await repo.tokens.get(hashToken(token), purpose);
  if (!row || row.usedAt !== null || row.expiresAt <= now) throw deadLink();
  return row;
}

/** The role of a new person in an organisation of this kind, or whether `role` fits it. */
export const roleFits = (kind: OrganisationKind, role: Role) => ROLES_OF_KIND[kind].includes(role);

/** Administers the organisation: its own administrator (an active one) or a platform admin. */
export function administers(actor: Actor, organisationId: number): boolean {
  return actor.role === 'platform_admin' || (actor.organisationId === organisationId && actor.orgAdmin === true);
}

/**
 * Whether the caller reviews this organisation's registration: platform admins always; when
 * registrations are reviewed by city, the finance officers of its city's office (not a county's).
 */
export async function reviews(ctx: OrganisationsContext, actor: Actor, org: OrganisationRow): Promise<boolean> {
  if (actor.role === 'platform_admin') return true;
  return (await cityReviewed(ctx, actor)) === org.cityCode && org.cityCode !== null;
}

/** The city whose registrations the caller (a city office's finance officer) reviews, or null. */
export async function cityReviewed(ctx: OrganisationsContext, actor: Actor): Promise<string | null> {
  if (ctx.auth.security.registrationReview !== 'city') return null;
  if (actor.role !== 'finance_officer' || actor.organisationKind !== 'finance_office' || !actor.cityCode) return null;
  const own = await ctx.repo.organisation(actor.organisationId);
  return own && (own.financeLevel === null || own.financeLevel === 'city') ? own.cityCode : null;
}

/** Tells the reviewers a registration awaits them (inside the submitting transaction). */
export async function notifyReviewers(
  ctx: OrganisationsContext,
  repo: OrganisationsRepo,
  org: OrganisationRow,
  resubmitted: boolean,
  now: number,
): Promise<void> {
  const city = org.cityCode ? await repo.city(org.cityCode) : undefined;
  const reviewers = await repo.reviewers(ctx.auth.security.registrationReview === 'city' ? org.cityCode : null);
  await ctx.notifications.notify(
    {
      type: 'registration_submitted',
      to: reviewers.map((userId) => ({ userId })),
      data: { organisationId: org.id, organisationName: org.name, cityName: city?.name ?? null, resubmitted },
      link: `/admin/registrations/${org.id}`,
      // One per submission: the n-th step of the registration's history.
      key: `registration_submitted:organisation:${org.id}:step:${(await repo.history('organisation', org.id)).length}`,
    },
    now,
  );
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** An organisation as the API shows it; `masked` for lists (contact phone and e-mail). */
export function organisationView(
  o: OrganisationRow,
  names: { cityName: string | null; countyName: string | null; reviewer?: { id: number; name: string } | null },
  masked = false,
): OrganisationView {
  return {
    id: o.id,
    kind: o.kind,
    name: o.name,
    nameEn: o.nameEn,
    creditCode: o.creditCode,
    institutionType: o.institutionType,
    cityCode: o.cityCode,
    cityName: names.cityName,
    countyCode: o.countyCode,
    countyName: names.countyName,
    address: o.address,
    legalRepresentative: o.legalRepresentative,
    contactName: o.contactName,
    contactPhone: masked ? maskPhone(o.contactPhone) : o.contactPhone,
    contactEmail: masked ? maskEmail(o.contactEmail) : o.contactEmail,
    status: o.status,
    financeLevel: o.financeLevel,
    certified: Boolean(o.certified),
    submittedAt: iso(o.submittedAt),
    reviewNote: o.reviewNote,
    reviewedAt: iso(o.reviewedAt),
    reviewedBy: names.reviewer ?? null,
    createdAt: iso(o.createdAt)!,
  };
}

/** An organisation with its place names and reviewer, read with `repo`. */
export async function loadOrganisationView(repo: OrganisationsRepo, o: OrganisationRow): Promise<OrganisationView> {
  const city = o.cityCode ? await repo.city(o.cityCode) : undefined;
  const county = o.countyCode ? await repo.county(o.countyCode) : undefined;
  const reviewer = o.reviewedBy ? await repo.user(o.reviewedBy) : undefined;
  return organisationView(o, {
    cityName: city?.name ?? null,
    countyName: county?.name ?? null,
    reviewer: reviewer ? { id: reviewer.id, name: reviewer.displayName } : null,
  });
}

/** A person as the API shows them; `masked` for anyone but their organisation's admins and the platform. */
export function personView(u: UserRow, masked: boolean, invitationExpiresAt: number | null = null): PersonView {
  return {
    id: u.id,
    displayName: u.displayName,
    email: masked ? maskEmail(u.email)! : u.email,
    phone: masked ? maskPhone(u.phone) : u.phone,
    role: u.role,
    orgAdmin: Boolean(u.orgAdmin),
    membership: u.membership,
    emailVerified: u.emailVerifiedAt !== null,
    disabled: u.disabledAt !== null,
    createdAt: iso(u.createdAt)!,
    invitationExpiresAt: iso(invitationExpiresAt),
  };
}

export function historyView(h: HistoryRow): HistoryView {
  return {
    action: h.action as HistoryView['action'],
    note: h.note,
    at: iso(h.at)!,
    actor: h.actorName ? { name: h.actorName, organisation: h.actorOrganisation } : null,
  };
}

/** Where an organisation's current document of a kind downloads from. */
export const documentUrl = (organisationId: number, kind: DocumentKind) =>
  `/api/v1/organisations/${organisationId}/documents/${kind}`;
