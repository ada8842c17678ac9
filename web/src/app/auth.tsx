import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Spin } from 'antd';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { authApi, type Role, type User } from '../api/auth';
import { isApiError } from '../api/client';
import { ErrorState, ForbiddenPage } from '../ui/states';

type AuthState = {
  user: User | null;
  /** True until the first `GET /auth/me` has answered. */
  loading: boolean;
  error: unknown;
  login: (email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  refetch: () => void;
};

const AuthContext = createContext<AuthState | null>(null);
export const ME_KEY = ['auth', 'me'] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: ME_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await authApi.me(signal);
      } catch (e) {
        if (isApiError(e) && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
  });
  const loginMutation = useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => authApi.login(email, password),
    onSuccess: (user) => {
      // Anything fetched as the previous caller (e.g. `editable`) is stale now.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, user);
    },
  });
  const logoutMutation = useMutation({
    mutationFn: () => authApi.logout(),
    onSettled: () => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, null);
    },
  });

  const { mutateAsync: loginAsync } = loginMutation;
  const { mutateAsync: logoutAsync } = logoutMutation;
  const { data, isPending, error, refetch } = me;
  const value = useMemo<AuthState>(
    () => ({
      user: data ?? null,
      loading: isPending,
      error,
      login: (email, password) => loginAsync({ email, password }),
      logout: () => logoutAsync(),
      refetch: () => void refetch(),
    }),
    [data, isPending, error, loginAsync, logoutAsync, refetch],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export const LAB_ROLES: Role[] = ['lab_manager', 'platform_admin'];

/**
 * Province-wide finance (as the server's financeScope): the provincial office (a finance office
 * without a city), the platform's finance desk and admins. A city's office reads its own city only:
 * no reconciliation, no check of the whole ledger.
 */
export function isProvinceFinance(user: User | null): boolean {
  if (!user) return false;
  if (user.role === 'platform_admin') return true;
  if (user.role !== 'finance_officer') return false;
  return (
    user.organisation.kind === 'platform' ||
    (user.organisation.kind === 'finance_office' && !user.organisation.cityCode)
  );
}

/** Pages for signed-in users with one of `roles`: others go to sign-in, or see a 403. */
export function RequireRole({
  roles,
  allow,
  children,
}: {
  roles: Role[];
  /** A further rule on the user (e.g. province-wide finance), beyond the role. */
  allow?: (user: User) => boolean;
  children: ReactNode;
}) {
  const { user, loading, error, refetch } = useAuth();
  const location = useLocation();
  if (loading) {
    return (
      <div className="page-spin">
        <Spin size="large" />
      </div>
    );
  }
  if (error && !user) return <ErrorState error={error} onRetry={refetch} />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (!roles.includes(user.role) || (allow && !allow(user))) return <ForbiddenPage />;
  return <>{children}</>;
}
