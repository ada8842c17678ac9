/**
 * The ledger accounts of vouchers: a programme's funding, budget, used and quota-source accounts,
 * each quota's, each controller group's cap per programme, and the receivables a share pays into.
 * Budget, quota and group accounts may not be overdrawn: the ledger refuses a transfer that would.
 * Accounts are made on first use, so these run inside the caller's write transaction.
 */
import type { AccountRow, Ledger } from '../ledger/ledger.ts';
import type { ProgrammeRow, VouchersRepo } from './vouchers.repo.ts';

export const code = {
  funding: (p: number) => `programme:${p}:funding`,
  budget: (p: number) => `programme:${p}:budget`,
  used: (p: number) => `programme:${p}:used`,
  quotaSource: (p: number) => `programme:${p}:quota-source`,
  quota: (q: number) => `quota:${q}`,
  group: (g: number, p: number) => `group:${g}:programme:${p}`,
  providerReceivable: (i: number, p: number) => `provider:${i}:receivable:programme:${p}`,
  enterpriseReceivable: (e: number, p: number) => `enterprise:${e}:receivable:programme:${p}`,
};

export interface ProgrammeAccounts {
  funding: AccountRow;
  budget: AccountRow;
  used: AccountRow;
  quotaSource: AccountRow;
}

/** A programme's four accounts (made in this order on first use: their ids follow it). */
export async function programmeAccounts(ledger: Ledger, p: ProgrammeRow, now: number): Promise<ProgrammeAccounts> {
  const base = { programmeId: p.id };
  const funding = await ledger.account(
    { code: code.funding(p.id), kind: 'programme_funding', name: `${p.name} · 财政资金 funding`, ...base },
    now,
  );
  const budget = await ledger.account(
    {
      code: code.budget(p.id),
      kind: 'programme_budget',
      name: `${p.name} · 预算 budget`,
      noOverdraft: true,
      ...base,
    },
    now,
  );
  const used = await ledger.account(
    { code: code.used(p.id), kind: 'programme_used', name: `${p.name} · 已用额度 quota used`, ...base },
    now,
  );
  const quotaSource = await ledger.account(
    {
      code: code.quotaSource(p.id),
      kind: 'quota_source',
      name: `${p.name} · 额度来源 quota issued`,
      ...base,
    },
    now,
  );
  return { funding, budget, used, quotaSource };
}

/** A controller group's cap in one programme, funded on first use. */
export async function groupAccount(
  ledger: Ledger,
  repo: VouchersRepo,
  groupId: number,
  p: ProgrammeRow,
  now: number,
): Promise<AccountRow> {
  const existing = await ledger.accountByCode(code.group(groupId, p.id));
  if (existing) return existing;
  const group = (await repo.controllerGroup(groupId))!;
  const account = await ledger.account(
    {
      code: code.group(groupId, p.id),
      kind: 'group_cap',
      name: `${group.name} · ${p.name} 集团上限`,
      programmeId: p.id,
      noOverdraft: true,
    },
    now,
  );
  await ledger.create(
    {
      id: `group:${groupId}:programme:${p.id}:fund`,
      debit: (await programmeAccounts(ledger, p, now)).quotaSource.id,
      credit: account.id,
      amountFen: p.groupYearCapFen!,
      code: 'group_cap_fund',
    },
    now,
  );
  return account;
}
