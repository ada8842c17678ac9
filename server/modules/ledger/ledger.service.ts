/**
 * Finance's reading of the ledger, scoped to the caller: the provincial office, the platform's finance
 * desk and admins read all of it; a city's finance office reads its city's part (see Ledger's
 * CITY_ACCOUNTS) and no one else's. Whether the whole book balances is a province-wide question.
 */
import { forbidden } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import type { AccountRow, Ledger, LedgerCheck, TransferRow } from './ledger.ts';

export class LedgerReadService {
  constructor(private readonly ledger: Ledger) {}

  /** The city whose part the caller reads, or null for the whole ledger. */
  private cityOf(actor: Actor): string | null {
    const scope = financeScope(actor);
    if (!scope) throw forbidden('the ledger is for finance staff');
    return scope.kind === 'city' ? scope.cityCode : null;
  }

  async accounts(actor: Actor, filter: { kind?: string; q?: string }): Promise<AccountRow[]> {
    return this.ledger.accounts(filter, this.cityOf(actor));
  }

  async transfers(
    actor: Actor,
    filter: Parameters<Ledger['transfers']>[0],
    before: { createdAt: number; id: string } | null,
    limit: number,
  ): Promise<TransferRow[]> {
    return this.ledger.transfers(filter, before, limit, this.cityOf(actor));
  }

  /** Debits = credits over the whole book: a city's part alone cannot balance, so not a city office's. */
  async check(actor: Actor): Promise<LedgerCheck> {
    if (this.cityOf(actor) !== null)
      throw forbidden('the whole ledger’s check is for the provincial office and the platform’s finance desk');
    return this.ledger.check();
  }

  async accountById(id: number): Promise<AccountRow | undefined> {
    return this.ledger.accountById(id);
  }
}
