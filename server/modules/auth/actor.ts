import type { OrganisationKind, Role } from '../../../db/schema/index.ts';
import { AppError, forbidden } from '../../shared/errors.ts';

/** Who is calling: the signed-in user and the organisation they act for. */
export interface Actor {
  userId: number;
  role: Role;
  organisationId: number;
  organisationKind: OrganisationKind;
  cityCode: string | null;
}

/** Route-level rule: who may call at all. 'public' routes accept anyone, signed in or not. */
export type Access = 'public' | 'signed_in' | readonly Role[];

export function checkAccess(actor: Actor | null, access: Access): void {
  if (access === 'public') return;
  if (!actor) throw new AppError('unauthenticated', 'sign in first');
  if (access === 'signed_in') return;
  if (!access.includes(actor.role)) throw forbidden(`this needs the role ${access.join(' or ')}`);
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
