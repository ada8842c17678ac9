import { useQuery } from '@tanstack/react-query';
import { authApi } from '../../api/auth';

/** Not under 'auth': a sign-in or sign-out drops them with the rest of the previous caller's data. */
export const accountKeys = {
  sessions: ['account', 'sessions'] as const,
  secondFactor: ['account', 'second-factor'] as const,
};

export function useSessions() {
  return useQuery({ queryKey: accountKeys.sessions, queryFn: ({ signal }) => authApi.sessions(signal) });
}

export function useSecondFactorState() {
  return useQuery({
    queryKey: accountKeys.secondFactor,
    queryFn: ({ signal }) => authApi.secondFactorState(signal),
  });
}
