/**
 * The account security settings of an installation (from the environment, see config.ts): the same on
 * every node, so a rule holds whichever node a request reaches.
 */
export interface SecuritySettings {
  /** A session unused this long ends (MLPS: idle timeout); 0 = only the absolute lifetime. */
  sessionIdleMinutes: number;
  /** A password older than this must be changed before anything else; 0 = passwords do not expire. */
  passwordMaxAgeDays: number;
  /** Finance officers and platform admins must sign in with a second factor (TOTP). */
  requireSecondFactor: boolean;
  /** Who reviews registrations: platform admins only, or also the finance office of the organisation's city. */
  registrationReview: 'platform' | 'city';
}

export const DEFAULT_SECURITY: SecuritySettings = {
  sessionIdleMinutes: 30,
  passwordMaxAgeDays: 0,
  requireSecondFactor: false,
  registrationReview: 'platform',
};

/** Roles that must use a second factor when `requireSecondFactor` is on. */
export const SECOND_FACTOR_ROLES = ['finance_officer', 'platform_admin'] as const;
