import { apiFetch } from './client';

export type Role = 'researcher' | 'lab_manager' | 'finance_officer' | 'platform_admin';
export type OrganisationKind = 'enterprise' | 'institution' | 'finance_office' | 'platform';

export type User = {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  organisation: { id: number; kind: OrganisationKind; name: string; cityCode: string | null };
};

export const authApi = {
  me: (signal?: AbortSignal) => apiFetch<{ user: User }>('/auth/me', { signal }).then((r) => r.user),
  login: (email: string, password: string) =>
    apiFetch<{ user: User }>('/auth/login', { method: 'POST', body: { email, password } }).then((r) => r.user),
  logout: () => apiFetch<void>('/auth/logout', { method: 'POST' }),
  demoAccounts: (signal?: AbortSignal) =>
    apiFetch<{ accounts: { email: string; role: Role }[] }>('/auth/demo-accounts', { signal }).then((r) => r.accounts),
};
