import type { User } from '../api/auth';

/**
 * Where each role's own work is, the page it lands on after sign-in when no page asked for it: a lab
 * its bookings to handle (the requests queue), finance officers the claims awaiting review, platform
 * admins the listing review queue (入网审核), researchers the catalogue they book from.
 */
export function workHome(user: Pick<User, 'role'>): string {
  switch (user.role) {
    case 'lab_manager':
      return '/lab/bookings';
    case 'finance_officer':
      return '/finance/settlement';
    case 'platform_admin':
      return '/admin/listing-review';
    default:
      return '/instruments';
  }
}
