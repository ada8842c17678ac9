import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Spin } from 'antd';
import dayjs from 'dayjs';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { authApi, type LoginResult, type Restriction, type Role, type SecondFactorProof, type User } from '../api/auth';
import { ErrorState, ForbiddenPage } from '../ui/states';

type AuthState = {
  user: User | null;
  /** True until the first `GET /auth/session` has answered. */
  loading: boolean;
  error: unknown;
  /** The password step: signed in (`user`), or `secondFactorRequired` and the code is to come. */
  login: (email: string, password: string) => Promise<LoginResult>;
  /** The second step: a code of the authenticator app or a recovery code. */
  completeSecondFactor: (proof: SecondFactorProof) => Promise<User>;
  logout: () => Promise<void>;
  refetch: () => void;
};

const AuthContext = createContext<AuthState | null>(null);
export const ME_KEY = ['auth', 'me'] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: ME_KEY,
    // GET /auth/session answers an anonymous visitor with `user: null` (200), not a 401 in the console.
    queryFn: ({ signal }) => authApi.session(signal),
    staleTime: 5 * 60_000,
  });
  const signedIn = (user: User) => {
    // Anything fetched as the previous caller (e.g. `editable`) is stale now.
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    qc.setQueryData(ME_KEY, user);
  };
  const loginMutation = useMutation({
    mutationFn: ({ email, password }: { email: string; password: string }) => authApi.login(email, password),
    onSuccess: (result) => {
      if (result.user) signedIn(result.user);
    },
  });
  const secondFactorMutation = useMutation({
    mutationFn: async (proof: SecondFactorProof) => {
      const result = await authApi.secondFactor(proof);
      if (!result.user) throw new Error('no user after the second factor');
      return result.user;
    },
    onSuccess: signedIn,
  });
  const logoutMutation = useMutation({
    mutationFn: () => authApi.logout(),
    onSettled: () => {
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
      qc.setQueryData(ME_KEY, null);
    },
  });

  const { mutateAsync: loginAsync } = loginMutation;
  const { mutateAsync: secondFactorAsync } = secondFactorMutation;
  const { mutateAsync: logoutAsync } = logoutMutation;
  const { data, isPending, error, refetch } = me;
  const value = useMemo<AuthState>(
    () => ({
      user: data ?? null,
      loading: isPending,
      error,
      login: (email, password) => loginAsync({ email, password }),
      completeSecondFactor: (proof) => secondFactorAsync(proof),
      logout: () => logoutAsync(),
      refetch: () => void refetch(),
    }),
    [data, isPending, error, loginAsync, secondFactorAsync, logoutAsync, refetch],
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

/**
 * Where a restricted account is sent to do what it must first: an expired password or a missing
 * second factor to the account's security page, an unfinished registration to the registration page.
 */
export function restrictionHome(restriction: Restriction): string {
  return restriction === 'password_expired' || restriction === 'second_factor_required'
    ? '/account/security'
    : '/registration';
}

/**
 * Pages for signed-in users with one of `roles`: others go to sign-in, or see a 403. A restricted
 * account is sent where it can lift its restriction, unless the page is one of those (`allowRestricted`).
 */
export function RequireRole({
  roles,
  allow,
  allowRestricted = false,
  children,
}: {
  roles: Role[];
  /** A further rule on the user (e.g. province-wide finance), beyond the role. */
  allow?: (user: User) => boolean;
  /** The page serves restricted accounts too (account security, registration). */
  allowRestricted?: boolean;
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
  if (user.restriction && !allowRestricted) return <Navigate to={restrictionHome(user.restriction)} replace />;
  if (!roles.includes(user.role) || (allow && !allow(user))) return <ForbiddenPage />;
  return <>{children}</>;
}

/**
 * Above every page but the one it points to: the account is restricted, and what it must do first
 * (an expired password, a second factor to set up, a registration under review).
 */
export function RestrictionBanner() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const location = useLocation();
  const restriction = user?.restriction;
  if (!restriction) {
    // A password that expires within a week: said ahead, so it is changed before it blocks anything.
    const expires = user?.passwordExpiresAt ? Date.parse(user.passwordExpiresAt) : null;
    if (!expires || expires - Date.now() > 7 * 24 * 3600_000 || location.pathname.startsWith('/account/security'))
      return null;
    return (
      <Alert
        type="info"
        showIcon
        banner
        style={{ marginBottom: 16 }}
        title={t('account.restriction.expiresSoon', { time: dayjs(expires).format('YYYY-MM-DD HH:mm') })}
        action={
          <Link to="/account/security">
            <Button size="small">{t('account.security.changePassword')}</Button>
          </Link>
        }
        data-testid="password-expiry-banner"
      />
    );
  }
  const home = restrictionHome(restriction);
  if (location.pathname.startsWith(home)) return null;
  return (
    <Alert
      type="warning"
      showIcon
      banner
      style={{ marginBottom: 16 }}
      title={t(`account.restriction.${restriction}`)}
      action={
        <Link to={home}>
          <Button size="small" type="primary">
            {t('account.restriction.go')}
          </Button>
        </Link>
      }
      data-testid="restriction-banner"
    />
  );
}
