import { describe, expect, it } from 'vitest';
import { canManageInstitution, checkAccess, type Actor } from '../../server/modules/auth/actor.ts';
import type { AppError } from '../../server/shared/errors.ts';

const actor = (role: Actor['role'], organisationId = 7): Actor => ({
  userId: 1,
  role,
  organisationId,
  organisationKind: role === 'lab_manager' ? 'institution' : 'enterprise',
  cityCode: '370100',
});

const codeOf = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as AppError).code;
  }
};

describe('checkAccess', () => {
  it('lets anyone through public routes', () => {
    expect(codeOf(() => checkAccess(null, 'public'))).toBe('ok');
  });

  it('answers unauthenticated without a session, forbidden for the wrong role', () => {
    expect(codeOf(() => checkAccess(null, ['lab_manager']))).toBe('unauthenticated');
    expect(codeOf(() => checkAccess(null, 'signed_in'))).toBe('unauthenticated');
    expect(codeOf(() => checkAccess(actor('researcher'), ['lab_manager', 'platform_admin']))).toBe('forbidden');
    expect(codeOf(() => checkAccess(actor('lab_manager'), ['lab_manager', 'platform_admin']))).toBe('ok');
    expect(codeOf(() => checkAccess(actor('finance_officer'), 'signed_in'))).toBe('ok');
  });
});

describe('canManageInstitution', () => {
  it('allows a lab manager only their own institution', () => {
    expect(canManageInstitution(actor('lab_manager', 7), 7)).toBe(true);
    expect(canManageInstitution(actor('lab_manager', 7), 8)).toBe(false);
  });

  it('allows platform admins everywhere and nobody else anywhere', () => {
    expect(canManageInstitution(actor('platform_admin', 1), 8)).toBe(true);
    expect(canManageInstitution(actor('researcher', 7), 7)).toBe(false);
    expect(canManageInstitution(actor('finance_officer', 7), 7)).toBe(false);
    expect(canManageInstitution(null, 7)).toBe(false);
  });
});
