/**
 * The ledger accounts of vouchers: a programme's funding, budget, used and quota-source accounts,
 * each quota's, each controller group's cap per programme, and the receivables a share pays into.
 * Budget, quota and group accounts may not be overdrawn: the ledger refuses a transfer that would.
 * Accounts are made on first use, so these run inside the caller's write transaction.
 */
import type { AccountRow, Ledger } from '../ledger/ledger.ts';
import type { ProgrammeRow, SharedCapRow, VouchersRepo } from './vouchers.repo.ts';

export const code = {
  funding: (p: number) => `programme:${p}:funding`,
  budget: (p: number) => `programme:${p}:budget`,
  used: (p: number) => `programme:${p}:used`,
  quotaSource: (p: number) => `programme:${p}:quota-source`,
  quota: (q: number) => `quota:${q}`,
  group: (g: number, p: number) => `group:${g}:programme:${p}`,
  providerReceivable: (i: number, p: number) => `provider:${i}:receivable:programme:${p}`,
  enterpriseReceivable: (e: number, p: number) => `enterprise:${e}:receivable:programme:${p}`,
  /** A shared cap's account for one enterprise or one controller group, and the cap's source. */
  sharedCap: (c: number, subject: SharedCapSubject) => `shared-cap:${c}:${subject.scope}:${subject.id}`,
  sharedCapSource: (c: number) => `shared-cap:${c}:source`,
};

/** Whom a shared cap's account is for: the enterprise, or its controller group. */
export interface SharedCapSubject {
  scope: 'enterprise' | 'group';
  id: number;
}

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

/**
 * What a shared cap leaves for a subject: the cap as set now less what the uses of its programmes hold
 * and used for that enterprise (or the group's enterprises) — uses from before the cap was set count too.
 */
export async function sharedCapRoom(repo: VouchersRepo, cap: SharedCapRow, subject: SharedCapSubject): Promise<number> {
  return Math.max(0, cap.capFen - (await repo.sharedCapUsed(cap.programmeIds, subject)));
}

/**
 * A shared cap's account for a subject, funded up to the cap as set now (on first use, and topped up
 * when the cap was raised since; a lowered cap is enforced by the plan's room, never by taking back).
 */
export async function sharedCapAccount(
  ledger: Ledger,
  cap: SharedCapRow,
  subject: SharedCapSubject,
  subjectName: string,
  now: number,
): Promise<AccountRow> {
  const source = await ledger.account(
    { code: code.sharedCapSource(cap.id), kind: 'shared_cap_source', name: `${cap.name} · 共享上限来源` },
    now,
  );
  const account = await ledger.account(
    {
      code: code.sharedCap(cap.id, subject),
      kind: 'shared_cap',
      name: `${subjectName} · ${cap.name} 共享上限`,
      organisationId: subject.scope === 'enterprise' ? subject.id : null,
      noOverdraft: true,
    },
    now,
  );
  const funded = account.creditsPostedFen;
  if (funded < cap.capFen) {
    await ledger.create(
      {
        id: `${code.sharedCap(cap.id, subject)}:fund:${cap.capFen}:${now}`,
        debit: source.id,
        credit: account.id,
        amountFen: cap.capFen - funded,
        code: 'shared_cap_fund',
      },
      now,
    );
    return (await ledger.accountByCode(account.code))!;
  }
  return account;
}
