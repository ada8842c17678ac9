import type { OrganisationKind, Role } from '../../../db/schema/index.ts';
import { AppError, forbidden } from '../../shared/errors.ts';

/**
 * Why a signed-in account may not yet act on the platform (it can still see and fix what stands in
 * the way): its e-mail is not verified; its organisation's registration is not approved; it asked to
 * join an organisation whose administrator has not accepted; its password has expired; or a second
 * factor is required for its role and not set up. The first that applies is the actor's restriction.
 */
export const restrictions = [
  'email_unverified',
  'organisation_unapproved',
  'membership_pending',
  'password_expired',
  'second_factor_required',
] as const;
export type Restriction = (typeof restrictions)[number];

/** Who is calling: the signed-in user and the organisation they act for, and where the request came from. */
export interface Actor {
  userId: number;
  role: Role;
  organisationId: number;
  organisationKind: OrganisationKind;
  cityCode: string | null;
  /** The user's e-mail (the audit log copies it). */
  email?: string;
  /** The user's and the organisation's names as the session read them (a new booking's answer shows them). */
  names?: { person: string; organisation: string };
  /** The organisation's administrator (manages its people and registration). */
  orgAdmin?: boolean;
  /** The session's id (the cookie token's hash): a user's session list marks it as this one. */
  sessionId?: string;
  /** Null when the account may act; otherwise what it must do first (see `restrictions`). */
  restriction?: Restriction | null;
  /** The request's client address (req.ip) and browser, for the audit log. */
  clientAddress?: string;
  userAgent?: string;
}

/** Route-level rule: who may call at all. 'public' routes accept anyone, signed in or not. */
export type Access = 'public' | 'signed_in' | readonly Role[];

/**
 * `allowRestricted`: the restrictions under which the route may still be called (a restricted account
 * can read "me", fix its registration, verify its e-mail, change an expired password, enrol TOTP).
 */
export function checkAccess(actor: Actor | null, access: Access, allowRestricted: readonly Restriction[] = []): void {
  if (access === 'public') return;
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  if (actor.restriction && !allowRestricted.includes(actor.restriction)) throw restricted(actor.restriction);
  if (access === 'signed_in') return;
  if (!access.includes(actor.role)) throw forbidden(`this needs the role ${access.join(' or ')}`);
}

/** 403 with `details.restriction`, which the SPA reads to show the account's next step. */
export function restricted(restriction: Restriction): AppError {
  const details = { restriction };
  switch (restriction) {
    case 'email_unverified':
      return new AppError('forbidden', 'verify your e-mail address first', details);
    case 'organisation_unapproved':
      return new AppError('forbidden', 'your organisation is not approved yet', details);
    case 'membership_pending':
      return new AppError('forbidden', 'your organisation has not accepted you yet', details);
    case 'password_expired':
      return new AppError('forbidden', 'your password has expired; change it first', details);
    case 'second_factor_required':
      return new AppError('forbidden', 'set up two-step verification first', details);
  }
}

/** A lab manager manages their own institution's instruments; platform admins manage all. */
export function canManageInstitution(actor: Actor | null, institutionId: number): boolean {
  if (!actor) return false;
  if (actor.role === 'platform_admin') return true;
  return actor.role === 'lab_manager' && actor.organisationId === institutionId;
}

/**
 * Whose money a finance caller sees. The provincial office (a finance office without a city), the
 * platform's finance desk and platform admins see the province; a city's office sees its own city:
 * its enterprises and the programmes the city issued. Anyone else: nothing (null).
 */
export type FinanceScope = { kind: 'province' } | { kind: 'city'; cityCode: string };

export function financeScope(actor: Actor | null): FinanceScope | null {
  if (!actor) return null;
  if (actor.role === 'platform_admin') return { kind: 'province' };
  if (actor.role !== 'finance_officer') return null;
  if (actor.organisationKind === 'platform') return { kind: 'province' };
  if (actor.organisationKind !== 'finance_office') return null;
  return actor.cityCode ? { kind: 'city', cityCode: actor.cityCode } : { kind: 'province' };
}

/** Province-wide finance work (reconciliation, the whole ledger's check) is not a city office's. */
export function isProvinceFinance(actor: Actor | null): boolean {
  return financeScope(actor)?.kind === 'province';
}
