import { useAuth } from '../../app/auth';

/**
 * Who makes claims, and where their pages are. A lab manager claims its institution's deduct-mode
 * voucher shares (兑付申报, `/lab/settlement`); an enterprise researcher claims its own shares of
 * reimburse-mode programmes, 先付后补 (我的报销, `/my/claims`). Same pages, same API.
 */
export type ClaimantSide = {
  kind: 'provider' | 'enterprise';
  /** The list; a batch is `${basePath}/${id}`. */
  basePath: string;
};

const PROVIDER: ClaimantSide = { kind: 'provider', basePath: '/lab/settlement' };
const ENTERPRISE: ClaimantSide = { kind: 'enterprise', basePath: '/my/claims' };

/** The claim pages are routed to lab managers and researchers only. */
export function useClaimantSide(): ClaimantSide {
  const { user } = useAuth();
  return user?.role === 'researcher' ? ENTERPRISE : PROVIDER;
}
