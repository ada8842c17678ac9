import { apiFetch } from './client';

export type Role = 'researcher' | 'lab_manager' | 'finance_officer' | 'platform_admin';
export type OrganisationKind = 'enterprise' | 'institution' | 'finance_office' | 'platform';
export type OrganisationStatus = 'unverified' | 'pending_review' | 'returned' | 'approved' | 'rejected';

/** What an account must do before it may act (the server answers 403 with it everywhere else). */
export type Restriction =
  'email_unverified' | 'organisation_unapproved' | 'membership_pending' | 'password_expired' | 'second_factor_required';

export type User = {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  organisation: {
    id: number;
    kind: OrganisationKind;
    name: string;
    cityCode: string | null;
    status?: OrganisationStatus;
  };
  /** Null (or absent from an older server) when the account may act. */
  restriction?: Restriction | null;
  orgAdmin?: boolean;
  emailVerified?: boolean;
  secondFactorEnabled?: boolean;
  /** When the password must be changed; null when passwords do not expire. */
  passwordExpiresAt?: string | null;
};

/** Signed in, or the password was right and the authenticator's code is to come. */
export type LoginResult = { user?: User; secondFactorRequired: boolean };

export type SessionInfo = {
  id: string;
  device: string;
  mobile: boolean;
  userAgent: string | null;
  address: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
};

export type SecondFactorState = {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  required: boolean;
  enrolmentPending: boolean;
};

export type Enrolment = { secret: string; uri: string; qrDataUrl: string };

/** Either a code of the authenticator app or a recovery code. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

export const authApi = {
  me: (signal?: AbortSignal) => apiFetch<{ user: User }>('/auth/me', { signal }).then((r) => r.user),
  /** The signed-in user or null: 200 either way, so an anonymous page load logs no failed request. */
  session: (signal?: AbortSignal) => apiFetch<{ user: User | null }>('/auth/session', { signal }).then((r) => r.user),
  login: (email: string, password: string) =>
    apiFetch<LoginResult>('/auth/login', { method: 'POST', body: { email, password } }),
  secondFactor: (proof: SecondFactorProof) =>
    apiFetch<LoginResult>('/auth/login/second-factor', { method: 'POST', body: proof }),
  logout: () => apiFetch<void>('/auth/logout', { method: 'POST' }),
  demoAccounts: (signal?: AbortSignal) =>
    apiFetch<{ accounts: { email: string; role: Role }[] }>('/auth/demo-accounts', { signal }).then((r) => r.accounts),

  // Passwords
  changePassword: (currentPassword: string, newPassword: string) =>
    apiFetch<{ ended: number }>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } }),
  forgotPassword: (email: string) =>
    apiFetch<{ accepted: true }>('/auth/password/forgot', { method: 'POST', body: { email } }),
  checkResetToken: (token: string, signal?: AbortSignal) =>
    apiFetch<{ email: string; expiresAt: string }>('/auth/password/reset/check', {
      method: 'POST',
      body: { token },
      signal,
    }),
  resetPassword: (token: string, password: string) =>
    apiFetch<void>('/auth/password/reset', { method: 'POST', body: { token, password } }),

  // Sessions
  sessions: (signal?: AbortSignal) =>
    apiFetch<{ sessions: SessionInfo[] }>('/auth/sessions', { signal }).then((r) => r.sessions),
  endSession: (id: string) => apiFetch<void>(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  endOtherSessions: () => apiFetch<{ ended: number }>('/auth/sessions/end-others', { method: 'POST' }),
  endUserSessions: (userId: number) =>
    apiFetch<{ ended: number }>(`/auth/users/${userId}/sessions`, { method: 'DELETE' }),

  // Second factor
  secondFactorState: (signal?: AbortSignal) => apiFetch<SecondFactorState>('/auth/second-factor', { signal }),
  startEnrolment: (password: string) =>
    apiFetch<Enrolment>('/auth/second-factor/enrol', { method: 'POST', body: { password } }),
  confirmEnrolment: (code: string) =>
    apiFetch<{ recoveryCodes: string[] }>('/auth/second-factor/confirm', { method: 'POST', body: { code } }),
  regenerateRecoveryCodes: (code: string) =>
    apiFetch<{ recoveryCodes: string[] }>('/auth/second-factor/recovery-codes', { method: 'POST', body: { code } }),
  disableSecondFactor: (password: string, proof: SecondFactorProof) =>
    apiFetch<void>('/auth/second-factor/disable', { method: 'POST', body: { password, ...proof } }),
};
