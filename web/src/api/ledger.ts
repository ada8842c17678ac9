/** The double-entry ledger (finance officers and admins): accounts, transfers and the balance check. */
import type { AccountView, TransferView } from '../../../server/modules/ledger/ledger.schemas.ts';
import { apiFetch, toQueryString } from './client';

export { ledgerAccountKinds as ACCOUNT_KINDS, transferStates as TRANSFER_STATES } from '../../../db/schema/enums.ts';
import type { LedgerAccountKind, TransferState } from '../../../db/schema/enums.ts';
export type { AccountView as Account, LedgerAccountKind, TransferState, TransferView as Transfer };

export type TransferParams = {
  accountId?: number;
  bookingId?: number;
  code?: string;
  state?: TransferState;
  /** ISO instants with an offset. */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
};
export type LedgerCheck = {
  balanced: boolean;
  debitsFen: number;
  creditsFen: number;
  accountsChecked: number;
  /** Capped accounts debited beyond what they hold. */
  overdrawnAccounts: number;
  mismatches: { accountId: number; code: string; field: string; cached: number; derived: number }[];
};

export const ledgerApi = {
  accounts: (params: { kind?: LedgerAccountKind; q?: string }, signal?: AbortSignal) =>
    apiFetch<{ items: AccountView[] }>(`/ledger/accounts${toQueryString(params)}`, { signal }).then((r) => r.items),
  transfers: (params: TransferParams, signal?: AbortSignal) =>
    apiFetch<{ items: TransferView[]; nextCursor: string | null }>(`/ledger/transfers${toQueryString(params)}`, {
      signal,
    }),
  check: (signal?: AbortSignal) => apiFetch<LedgerCheck>('/ledger/check', { signal }),
};
