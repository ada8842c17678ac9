import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../db/client.ts';
import {
  availableOf,
  balanceOf,
  Ledger,
  LedgerError,
  type AccountRow,
  type AccountSpec,
  type TransferSpec,
} from '../../server/modules/ledger/ledger.ts';

const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z

let db: Database;
let ledger: Ledger;
/** Where programme money comes from: may go negative. */
let funding: AccountRow;
/** A programme budget: may never be overdrawn. */
let budget: AccountRow;
/** Where spent voucher money goes. */
let used: AccountRow;

const fundingSpec: AccountSpec = {
  code: 'prog:1:funding',
  kind: 'programme_funding',
  name: '资金来源',
  programmeId: 1,
};
const budgetSpec: AccountSpec = {
  code: 'prog:1:budget',
  kind: 'programme_budget',
  name: '项目预算',
  programmeId: 1,
  noOverdraft: true,
};
const usedSpec: AccountSpec = { code: 'prog:1:used', kind: 'programme_used', name: '已使用', programmeId: 1 };

beforeEach(async () => {
  db = openDatabase(':memory:');
  await migrateDatabase(db);
  ledger = new Ledger(db);
  funding = await ledger.account(fundingSpec, NOW);
  budget = await ledger.account(budgetSpec, NOW);
  used = await ledger.account(usedSpec, NOW);
});

afterEach(async () => {
  await db.close();
});

/** The account as it is in the database now. */
const fresh = async (a: AccountRow) => (await ledger.accountById(a.id))!;
const sums = async (a: AccountRow) => {
  const { debitsPendingFen, debitsPostedFen, creditsPendingFen, creditsPostedFen } = await fresh(a);
  return { debitsPendingFen, debitsPostedFen, creditsPendingFen, creditsPostedFen };
};
const transferCount = async () => (await db.value('SELECT COUNT(*) FROM ledger_transfers')) as number;

/** The error a call throws (fails the test when it does not throw). */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}
const expectLedgerError = async (fn: () => unknown, code: 'validation' | 'conflict') => {
  const e = await thrown(fn);
  expect(e).toBeInstanceOf(LedgerError);
  expect((e as LedgerError).code).toBe(code);
  return e as LedgerError;
};

const fund = (amountFen: number, id = 'fund') =>
  ledger.create({ id, debit: funding.id, credit: budget.id, amountFen, code: 'programme_funding' }, NOW);
const hold = (amountFen: number, id = 'hold') =>
  ledger.create({ id, debit: budget.id, credit: used.id, amountFen, code: 'voucher_use', pending: true }, NOW);
const spend = (amountFen: number, id = 'spend') =>
  ledger.create({ id, debit: budget.id, credit: used.id, amountFen, code: 'voucher_use' }, NOW);

describe('account', () => {
  it('creates an account once: the same code gives the same row', async () => {
    expect(funding).toMatchObject({
      code: 'prog:1:funding',
      kind: 'programme_funding',
      name: '资金来源',
      organisationId: null,
      programmeId: 1,
      noOverdraft: false,
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 0,
      createdAt: NOW,
    });
    expect(budget.noOverdraft).toBe(true);

    const again = await ledger.account({ ...budgetSpec, name: 'another name', noOverdraft: false }, NOW + 1000);
    expect(again).toEqual(budget);
    expect(await db.value('SELECT COUNT(*) FROM ledger_accounts')).toBe(3);
  });

  it('returns the current sums of an existing account', async () => {
    await fund(500);
    expect((await ledger.account(budgetSpec, NOW)).creditsPostedFen).toBe(500);
  });

  it('finds accounts by code and by id', async () => {
    expect(await ledger.accountByCode('prog:1:budget')).toEqual(budget);
    expect(await ledger.accountById(budget.id)).toEqual(budget);
    expect(await ledger.accountByCode('nope')).toBeUndefined();
    expect(await ledger.accountById(9999)).toBeUndefined();
  });
});

describe('create', () => {
  it('a posted transfer moves the posted sums of both accounts', async () => {
    const t = await fund(100_000);
    expect(t).toMatchObject({
      id: 'fund',
      debitAccountId: funding.id,
      creditAccountId: budget.id,
      amountFen: 100_000,
      state: 'posted',
      pendingId: null,
      code: 'programme_funding',
      createdAt: NOW,
    });
    expect(await sums(funding)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 100_000,
      creditsPendingFen: 0,
      creditsPostedFen: 0,
    });
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
    expect(balanceOf(await fresh(funding))).toBe(-100_000);
    expect(balanceOf(await fresh(budget))).toBe(100_000);
  });

  it('a pending transfer moves the pending sums of both accounts', async () => {
    await fund(100_000);
    const t = await hold(30_000);
    expect(t).toMatchObject({ state: 'pending', amountFen: 30_000, pendingId: null });
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 30_000,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
    expect(await sums(used)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 30_000,
      creditsPostedFen: 0,
    });
    expect(balanceOf(await fresh(budget))).toBe(100_000);
    expect(availableOf(await fresh(budget))).toBe(70_000);
  });

  it('keeps the optional fields', async () => {
    const t = await ledger.create(
      {
        id: 'x',
        debit: funding.id,
        credit: used.id,
        amountFen: 1,
        code: 'adjust',
        processorRef: 'ch_123',
        note: '更正',
      },
      NOW,
    );
    expect(t).toMatchObject({ bookingId: null, processorRef: 'ch_123', note: '更正' });
  });

  it('the same id with the same content is a no-op', async () => {
    const first = await fund(100_000);
    const firstHold = await hold(30_000);
    expect(await fund(100_000)).toEqual(first);
    expect(await hold(30_000)).toEqual(firstHold);
    expect(await transferCount()).toBe(2);
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 30_000,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
  });

  it('replaying a transfer that drained a no-overdraft account is still a no-op, not an overdraft', async () => {
    await fund(100);
    const s = await spend(100);
    expect(availableOf(await fresh(budget))).toBe(0);
    expect(await spend(100)).toEqual(s);
    expect((await sums(budget)).debitsPostedFen).toBe(100);
  });

  it.each<[string, (base: TransferSpec) => TransferSpec]>([
    ['another amount', (base) => ({ ...base, amountFen: 100_001 })],
    ['another debit account', (base) => ({ ...base, debit: used.id })],
    ['another credit account', (base) => ({ ...base, credit: used.id })],
    ['pending instead of posted', (base) => ({ ...base, pending: true })],
  ])('the same id with %s throws a conflict', async (_label, change) => {
    await fund(100_000);
    const before = [await sums(funding), await sums(budget), await sums(used)];
    const base: TransferSpec = {
      id: 'fund',
      debit: funding.id,
      credit: budget.id,
      amountFen: 100_000,
      code: 'programme_funding',
    };
    await expectLedgerError(() => ledger.create(change(base), NOW), 'conflict');
    expect([await sums(funding), await sums(budget), await sums(used)]).toEqual(before);
    expect(await transferCount()).toBe(1);
  });

  it('a pending transfer replayed as posted throws a conflict', async () => {
    await fund(100_000);
    await hold(30_000);
    await expectLedgerError(
      () =>
        ledger.create({ id: 'hold', debit: budget.id, credit: used.id, amountFen: 30_000, code: 'voucher_use' }, NOW),
      'conflict',
    );
  });

  it.each([1.5, 0.01, -1, -100, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53])(
    'refuses the amount %s',
    async (amountFen) => {
      await expectLedgerError(
        () => ledger.create({ id: 'bad', debit: funding.id, credit: used.id, amountFen, code: 'x' }, NOW),
        'validation',
      );
      expect(await transferCount()).toBe(0);
      expect(await sums(funding)).toEqual({
        debitsPendingFen: 0,
        debitsPostedFen: 0,
        creditsPendingFen: 0,
        creditsPostedFen: 0,
      });
    },
  );

  it('accepts zero', async () => {
    const t = await ledger.create({ id: 'zero', debit: funding.id, credit: used.id, amountFen: 0, code: 'x' }, NOW);
    expect(t.amountFen).toBe(0);
    expect((await ledger.check()).balanced).toBe(true);
  });

  it('refuses a transfer between the same account', async () => {
    await expectLedgerError(
      () => ledger.create({ id: 'self', debit: funding.id, credit: funding.id, amountFen: 10, code: 'x' }, NOW),
      'validation',
    );
    expect(await transferCount()).toBe(0);
    expect(await sums(funding)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 0,
    });
  });

  it('refuses an unknown debit account', async () => {
    await expectLedgerError(
      () => ledger.create({ id: 'ghost', debit: 9999, credit: used.id, amountFen: 10, code: 'x' }, NOW),
      'validation',
    );
    expect(await transferCount()).toBe(0);
  });

  it('refuses an unknown credit account and writes nothing', async () => {
    await expect(
      ledger.create({ id: 'ghost', debit: funding.id, credit: 9999, amountFen: 10, code: 'x' }, NOW),
    ).rejects.toThrow();
    expect(await transferCount()).toBe(0);
    expect((await sums(funding)).debitsPostedFen).toBe(0);
  });
});

describe('no overdraft', () => {
  it('refuses a posted debit above the posted balance, allows one equal to it', async () => {
    await fund(100_000);
    const e = await expectLedgerError(() => spend(100_001), 'conflict');
    expect(e.details).toEqual({ account: 'prog:1:budget', transferCode: 'voucher_use' });
    expect(await transferCount()).toBe(1);
    expect((await sums(budget)).debitsPostedFen).toBe(0);
    await spend(100_000);
    expect(availableOf(await fresh(budget))).toBe(0);
    await expectLedgerError(() => spend(1, 'one-more'), 'conflict');
  });

  it('refuses a pending debit above what is available', async () => {
    await fund(100);
    await expectLedgerError(() => hold(101), 'conflict');
    expect((await sums(budget)).debitsPendingFen).toBe(0);
    await hold(100);
    expect(availableOf(await fresh(budget))).toBe(0);
  });

  it('an empty account cannot give even one fen, but can give zero', async () => {
    await expectLedgerError(() => spend(1), 'conflict');
    expect((await spend(0, 'nothing')).amountFen).toBe(0);
  });

  it('pending holds count against what is available', async () => {
    await fund(100_000);
    await hold(60_000, 'h1');
    expect(availableOf(await fresh(budget))).toBe(40_000);
    expect(balanceOf(await fresh(budget))).toBe(100_000);
    await expectLedgerError(() => spend(40_001), 'conflict');
    await expectLedgerError(() => hold(40_001, 'h2'), 'conflict');
    await hold(25_000, 'h2');
    await spend(15_000);
    expect(availableOf(await fresh(budget))).toBe(0);
    await expectLedgerError(() => hold(1, 'h3'), 'conflict');
  });

  it('pending credits do not count as available', async () => {
    await ledger.create(
      {
        id: 'incoming',
        debit: funding.id,
        credit: budget.id,
        amountFen: 50_000,
        code: 'programme_funding',
        pending: true,
      },
      NOW,
    );
    expect((await sums(budget)).creditsPendingFen).toBe(50_000);
    expect(availableOf(await fresh(budget))).toBe(0);
    await expectLedgerError(() => spend(1), 'conflict');
    await ledger.post('incoming', 'incoming:post', undefined, NOW);
    expect(availableOf(await fresh(budget))).toBe(50_000);
    await spend(50_000);
  });

  it('a voided hold gives the money back', async () => {
    await fund(100);
    await hold(100);
    await expectLedgerError(() => spend(1), 'conflict');
    await ledger.void('hold', 'hold:void', NOW);
    expect(availableOf(await fresh(budget))).toBe(100);
    await spend(100);
  });

  it('accounts without the flag may go below zero', async () => {
    await ledger.create({ id: 'neg', debit: used.id, credit: funding.id, amountFen: 5_000, code: 'x' }, NOW);
    expect(balanceOf(await fresh(used))).toBe(-5_000);
    expect(availableOf(await fresh(used))).toBe(-5_000);
    expect(await ledger.check()).toMatchObject({ balanced: true, overdrawnAccounts: 0 });
  });

  it('the database refuses an overdraft written around the ledger', async () => {
    await fund(100);
    await expect(
      db.run('UPDATE ledger_accounts SET debits_posted_fen = 101 WHERE id = ?', [budget.id]),
    ).rejects.toThrow(/CHECK/);
    expect((await sums(budget)).debitsPostedFen).toBe(0);
  });
});

describe('post', () => {
  beforeEach(async () => {
    await fund(100_000);
    await ledger.create(
      {
        id: 'hold',
        debit: budget.id,
        credit: used.id,
        amountFen: 30_000,
        code: 'voucher_use',
        pending: true,
        processorRef: 'ref-1',
        note: 'reserved',
      },
      NOW,
    );
  });

  it('posts less than pending and releases the rest', async () => {
    const p = await ledger.post('hold', 'hold:post', 20_000, NOW + 1, 'completed');
    expect(p).toMatchObject({
      id: 'hold:post',
      debitAccountId: budget.id,
      creditAccountId: used.id,
      amountFen: 20_000,
      state: 'post_pending',
      pendingId: 'hold',
      code: 'voucher_use',
      processorRef: 'ref-1',
      note: 'completed',
      createdAt: NOW + 1,
    });
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 20_000,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
    expect(await sums(used)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 20_000,
    });
    expect(availableOf(await fresh(budget))).toBe(80_000);
    expect(await ledger.settlementOf('hold')).toEqual(p);
    // The pending transfer itself is unchanged.
    expect(await ledger.transfer('hold')).toMatchObject({ state: 'pending', amountFen: 30_000 });
    expect((await ledger.check()).balanced).toBe(true);
  });

  it('posts the whole pending amount when no amount is given', async () => {
    expect((await ledger.post('hold', 'hold:post', undefined, NOW)).amountFen).toBe(30_000);
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, debitsPostedFen: 30_000 });
    expect(await sums(used)).toMatchObject({ creditsPendingFen: 0, creditsPostedFen: 30_000 });
  });

  it('posts exactly the pending amount', async () => {
    expect((await ledger.post('hold', 'hold:post', 30_000, NOW)).amountFen).toBe(30_000);
    expect(availableOf(await fresh(budget))).toBe(70_000);
  });

  it('posting zero releases everything but still settles the hold', async () => {
    await ledger.post('hold', 'hold:post', 0, NOW);
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, debitsPostedFen: 0 });
    expect(await sums(used)).toMatchObject({ creditsPendingFen: 0, creditsPostedFen: 0 });
    await expectLedgerError(() => ledger.void('hold', 'hold:void', NOW), 'conflict');
  });

  it('refuses to post more than pending', async () => {
    await expectLedgerError(() => ledger.post('hold', 'hold:post', 30_001, NOW), 'conflict');
    expect(await ledger.transfer('hold:post')).toBeUndefined();
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 30_000, debitsPostedFen: 0 });
    // Still open: it can be posted properly afterwards.
    await ledger.post('hold', 'hold:post', 30_000, NOW);
  });

  it.each([1.5, -1, Number.NaN])('refuses to post the amount %s', async (amount) => {
    await expectLedgerError(() => ledger.post('hold', 'hold:post', amount, NOW), 'validation');
    expect(await ledger.settlementOf('hold')).toBeUndefined();
  });

  it('refuses an unknown pending id, or a transfer that is not pending', async () => {
    await expectLedgerError(() => ledger.post('nope', 'nope:post', undefined, NOW), 'conflict');
    await expectLedgerError(() => ledger.post('fund', 'fund:post', undefined, NOW), 'conflict');
    await expectLedgerError(() => ledger.void('fund', 'fund:void', NOW), 'conflict');
    await ledger.post('hold', 'hold:post', undefined, NOW);
    await expectLedgerError(() => ledger.post('hold:post', 'again', undefined, NOW), 'conflict');
  });

  it('repeating the same post id is a no-op returning the same row', async () => {
    const first = await ledger.post('hold', 'hold:post', 20_000, NOW);
    const before = [await sums(budget), await sums(used)];
    expect(await ledger.post('hold', 'hold:post', 20_000, NOW + 5)).toEqual(first);
    expect(await ledger.post('hold', 'hold:post', undefined, NOW + 5)).toEqual(first);
    expect([await sums(budget), await sums(used)]).toEqual(before);
    expect(await transferCount()).toBe(3);
  });

  it('refuses a second post under another id', async () => {
    await ledger.post('hold', 'hold:post', 20_000, NOW);
    await expectLedgerError(() => ledger.post('hold', 'hold:post2', 10_000, NOW), 'conflict');
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, debitsPostedFen: 20_000 });
  });

  it('refuses a void after a post (under any id)', async () => {
    await ledger.post('hold', 'hold:post', 20_000, NOW);
    await expectLedgerError(() => ledger.void('hold', 'hold:void', NOW), 'conflict');
    await expectLedgerError(() => ledger.void('hold', 'hold:post', NOW), 'conflict');
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, debitsPostedFen: 20_000 });
  });

  it('refuses a post after a void (under any id)', async () => {
    await ledger.void('hold', 'hold:void', NOW);
    await expectLedgerError(() => ledger.post('hold', 'hold:post', undefined, NOW), 'conflict');
    await expectLedgerError(() => ledger.post('hold', 'hold:void', undefined, NOW), 'conflict');
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, debitsPostedFen: 0 });
  });
});

describe('void', () => {
  beforeEach(async () => {
    await fund(100_000);
    await hold(30_000);
  });

  it('releases the whole pending amount', async () => {
    const v = await ledger.void('hold', 'hold:void', NOW + 1, 'cancelled');
    expect(v).toMatchObject({
      id: 'hold:void',
      debitAccountId: budget.id,
      creditAccountId: used.id,
      amountFen: 30_000,
      state: 'void_pending',
      pendingId: 'hold',
      code: 'voucher_use',
      note: 'cancelled',
    });
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
    expect(await sums(used)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 0,
      creditsPostedFen: 0,
    });
    expect(availableOf(await fresh(budget))).toBe(100_000);
    expect((await ledger.check()).balanced).toBe(true);
  });

  it('repeating the same void id is a no-op returning the same row; another void id is refused', async () => {
    const first = await ledger.void('hold', 'hold:void', NOW);
    expect(await ledger.void('hold', 'hold:void', NOW + 9)).toEqual(first);
    expect(await sums(budget)).toMatchObject({ debitsPendingFen: 0, creditsPostedFen: 100_000 });
    await expectLedgerError(() => ledger.void('hold', 'hold:void2', NOW), 'conflict');
    expect(await transferCount()).toBe(3);
  });
});

describe('immutability', () => {
  it.each([
    ['UPDATE', 'UPDATE ledger_transfers SET amount_fen = 1 WHERE id = ?'],
    ['UPDATE of a harmless column', "UPDATE ledger_transfers SET note = 'edited' WHERE id = ?"],
    ['DELETE', 'DELETE FROM ledger_transfers WHERE id = ?'],
  ])('an %s on ledger_transfers throws', async (_label, sql) => {
    const t = await fund(100_000);
    await expect(db.run(sql, ['fund'])).rejects.toThrow(/immutable/);
    expect(await ledger.transfer('fund')).toEqual(t);
  });

  it('a second settlement of the same pending transfer is refused by the database too', async () => {
    await fund(100_000);
    await hold(30_000);
    await ledger.post('hold', 'hold:post', 10_000, NOW);
    await expect(
      db.run(
        `INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, state, pending_id, code,
           created_at) VALUES ('sneaky', ?, ?, 5000, 'post_pending', 'hold', 'voucher_use', ?)`,
        [budget.id, used.id, NOW],
      ),
    ).rejects.toThrow(/UNIQUE/);
  });
});

describe('check', () => {
  it('an empty ledger is balanced', async () => {
    expect(await ledger.check()).toEqual({
      balanced: true,
      debitsFen: 0,
      creditsFen: 0,
      accountsChecked: 3,
      overdrawnAccounts: 0,
      mismatches: [],
    });
  });

  /** Funding, spending, a partly posted hold, a voided hold, an open hold and a third-party account. */
  async function mix() {
    const quota = await ledger.account(
      { code: 'quota:5', kind: 'quota', name: '额度', organisationId: 5, noOverdraft: true },
      NOW,
    );
    const source = await ledger.account({ code: 'quota:5:source', kind: 'quota_source', name: '额度来源' }, NOW);
    await fund(100_000); // posted 100_000
    await spend(5_000); // posted 5_000
    await hold(30_000, 'h1');
    await ledger.post('h1', 'h1:post', 12_345, NOW); // posted 12_345
    await hold(20_000, 'h2');
    await ledger.void('h2', 'h2:void', NOW);
    await hold(7_000, 'h3'); // left open
    await ledger.create({ id: 'q', debit: source.id, credit: quota.id, amountFen: 50_000, code: 'quota_grant' }, NOW); // posted 50_000
    await ledger.create(
      { id: 'q-hold', debit: quota.id, credit: used.id, amountFen: 10_000, code: 'voucher_use', pending: true },
      NOW,
    );
    await ledger.post('q-hold', 'q-hold:post', 10_000, NOW); // posted 10_000
    return { quota, source, postedFen: 100_000 + 5_000 + 12_345 + 50_000 + 10_000 };
  }

  it('is balanced after a mix of operations, with debits = credits', async () => {
    const { quota, postedFen } = await mix();
    const c = await ledger.check();
    expect(c).toEqual({
      balanced: true,
      debitsFen: postedFen,
      creditsFen: postedFen,
      accountsChecked: 5,
      overdrawnAccounts: 0,
      mismatches: [],
    });
    expect(await sums(budget)).toEqual({
      debitsPendingFen: 7_000,
      debitsPostedFen: 5_000 + 12_345,
      creditsPendingFen: 0,
      creditsPostedFen: 100_000,
    });
    expect(availableOf(await fresh(budget))).toBe(100_000 - 5_000 - 12_345 - 7_000);
    expect(await sums(used)).toEqual({
      debitsPendingFen: 0,
      debitsPostedFen: 0,
      creditsPendingFen: 7_000,
      creditsPostedFen: 5_000 + 12_345 + 10_000,
    });
    expect(availableOf(await fresh(quota))).toBe(40_000);
  });

  it('reports a mismatch when a cached posted credit is tampered with', async () => {
    await mix();
    await db.run('UPDATE ledger_accounts SET credits_posted_fen = credits_posted_fen + 1 WHERE id = ?', [budget.id]);
    const c = await ledger.check();
    expect(c.balanced).toBe(false);
    expect(c.mismatches).toEqual([
      { accountId: budget.id, code: 'prog:1:budget', field: 'creditsPostedFen', cached: 100_001, derived: 100_000 },
    ]);
    // The totals are derived from the transfers, so they still agree.
    expect(c.debitsFen).toBe(c.creditsFen);
    expect(c.overdrawnAccounts).toBe(0);
  });

  it.each([
    ['debits_pending_fen', 'debitsPendingFen', 0, -3],
    ['debits_posted_fen', 'debitsPostedFen', 0, -3],
    ['credits_pending_fen', 'creditsPendingFen', 7_000, 7_000 - 3],
    ['credits_posted_fen', 'creditsPostedFen', 27_345, 27_345 - 3],
  ])('reports a mismatch in %s', async (column, field, derived, cached) => {
    await mix();
    await db.run(`UPDATE ledger_accounts SET ${column} = ${column} - 3 WHERE id = ?`, [used.id]);
    const c = await ledger.check();
    expect(c.balanced).toBe(false);
    expect(c.mismatches).toEqual([{ accountId: used.id, code: 'prog:1:used', field, cached, derived }]);
  });
});

describe('availableOf and balanceOf', () => {
  const row = (sums: Partial<AccountRow>): AccountRow =>
    ({
      ...{ debitsPendingFen: 0, debitsPostedFen: 0, creditsPendingFen: 0, creditsPostedFen: 0 },
      ...sums,
    }) as AccountRow;

  it.each([
    ['empty', {}, 0, 0],
    ['posted credits', { creditsPostedFen: 1000 }, 1000, 1000],
    ['posted credits and debits', { creditsPostedFen: 1000, debitsPostedFen: 300 }, 700, 700],
    ['pending debits reduce available, not balance', { creditsPostedFen: 1000, debitsPendingFen: 200 }, 800, 1000],
    ['pending credits count for neither', { creditsPostedFen: 1000, creditsPendingFen: 500 }, 1000, 1000],
    [
      'all four',
      { creditsPostedFen: 1000, debitsPostedFen: 300, debitsPendingFen: 200, creditsPendingFen: 50 },
      500,
      700,
    ],
    ['below zero', { debitsPostedFen: 40, debitsPendingFen: 2 }, -42, -40],
  ])('%s', async (_label, s, available, balance) => {
    expect(availableOf(row(s))).toBe(available);
    expect(balanceOf(row(s))).toBe(balance);
  });
});
