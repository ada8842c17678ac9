/**
 * Finance's reading of the ledger, scoped to the caller: the provincial office, the platform's finance
 * desk and admins read all of it; a city's finance office reads its city's part (see Ledger's
 * CITY_ACCOUNTS) and no one else's. Whether the whole book balances is a province-wide question.
 */
import type { Queryable } from '../../../db/port.ts';
import { forbidden } from '../../shared/errors.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import type { AccountRow, Ledger, LedgerCheck, TransferRow } from './ledger.ts';
import type { AccountOwners } from './ledger.schemas.ts';

/** The controller group and shared cap an account's code names (group:G:programme:P, shared-cap:C:group:G …). */
function codeParts(code: string): { groupId: number | null; capId: number | null } {
  const group = /^group:(\d+):/.exec(code) ?? /^shared-cap:\d+:group:(\d+)$/.exec(code);
  const cap = /^shared-cap:(\d+):/.exec(code);
  return { groupId: group ? Number(group[1]) : null, capId: cap ? Number(cap[1]) : null };
}

const NAME_TABLES = {
  organisation: 'organisations',
  programme: 'voucher_programmes',
  group: 'controller_groups',
  cap: 'shared_caps',
} as const;

export class LedgerReadService {
  constructor(
    private readonly ledger: Ledger,
    private readonly db: Queryable,
  ) {}

  /**
   * The names of whom each account belongs to (organisation, programme, controller group, shared cap), so a
   * reader sees 济南某某科技有限公司 rather than 用户单位 100. Only names of accounts the caller was already
   * allowed to read: the scope is decided by the query that found the accounts.
   */
  async owners(accounts: AccountRow[]): Promise<Map<number, AccountOwners>> {
    const wanted = {
      organisation: new Set<number>(),
      programme: new Set<number>(),
      group: new Set<number>(),
      cap: new Set<number>(),
    };
    for (const a of accounts) {
      if (a.organisationId !== null) wanted.organisation.add(a.organisationId);
      if (a.programmeId !== null) wanted.programme.add(a.programmeId);
      const { groupId, capId } = codeParts(a.code);
      if (groupId !== null) wanted.group.add(groupId);
      if (capId !== null) wanted.cap.add(capId);
    }
    const names = {
      organisation: new Map<number, string>(),
      programme: new Map<number, string>(),
      group: new Map<number, string>(),
      cap: new Map<number, string>(),
    };
    for (const what of Object.keys(NAME_TABLES) as (keyof typeof NAME_TABLES)[]) {
      const ids = [...wanted[what]];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = await this.db.all<{ id: number; name: string }>(
          `SELECT id, name FROM ${NAME_TABLES[what]} WHERE id IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        );
        for (const r of rows) names[what].set(Number(r.id), r.name);
      }
    }
    const out = new Map<number, AccountOwners>();
    for (const a of accounts) {
      const { groupId, capId } = codeParts(a.code);
      out.set(a.id, {
        organisationName: a.organisationId !== null ? (names.organisation.get(a.organisationId) ?? null) : null,
        programmeName: a.programmeId !== null ? (names.programme.get(a.programmeId) ?? null) : null,
        groupName: groupId !== null ? (names.group.get(groupId) ?? null) : null,
        capName: capId !== null ? (names.cap.get(capId) ?? null) : null,
      });
    }
    return out;
  }

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
