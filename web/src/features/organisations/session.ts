import { useQueryClient } from '@tanstack/react-query';
import type { User } from '../../api/auth';
import { ME_KEY } from '../../app/auth';

/** The answer of a registration or an invitation signed the person in: they are the caller now. */
export function useAdoptUser() {
  const qc = useQueryClient();
  return (user: User) => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth' });
    qc.setQueryData(ME_KEY, user);
  };
}
