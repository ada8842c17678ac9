/**
 * The double-entry ledger in integer fen, after TigerBeetle's model: accounts with cached sums,
 * immutable transfers, two-phase transfers (pending → posted or voided, exactly once). It is the
 * only writer of its two tables. Called inside a caller's transaction, every method joins it (the
 * port routes the statements of that async flow there), so a booking, its voucher use and their
 * money commit or roll back together. A method that writes several statements runs them in
 * `db.write`: a savepoint of the caller's transaction, or its own transaction when there is none.
 */
import { fromBool, type Database, type Queryable } from '../../../db/port.ts';
import type { LedgerAccountKind, TransferState } from '../../../db/schema/enums.ts';
import type { ledgerAccounts, ledgerTransfers } from '../../../db/schema/index.ts';
import { AppError } from '../../shared/errors.ts';

export type AccountRow = typeof ledgerAccounts.$inferSelect;
export type TransferRow = typeof ledgerTransfers.$inferSelect;

export interface AccountSpec {
  code: string;
  kind: LedgerAccountKind;
  name: string;
  organisationId?: number | null;
  programmeId?: number | null;
  /** Debits (posted + pending) may never exceed posted credits. */
  noOverdraft?: boolean;
}

export interface TransferSpec {
  /** Unique, derived from the local record (e.g. vu:12:quota): replaying the same spec is a no-op. */
  id: string;
  debit: number;
  credit: number;
  amountFen: number;
  code: string;
  pending?: boolean;
  bookingId?: number | null;
  processorRef?: string | null;
  note?: string | null;
}

/** What an account can still give: posted credits − posted debits − pending debits. */
export const availableOf = (a: AccountRow) => a.creditsPostedFen - a.debitsPostedFen - a.debitsPendingFen;
export const balanceOf = (a: AccountRow) => a.creditsPostedFen - a.debitsPostedFen;

export class LedgerError extends AppError {}

/** An account as the database returns it: the flag is 0/1 on SQLite, a boolean on PostgreSQL. */
type AccountSqlRow = Omit<AccountRow, 'noOverdraft'> & { noOverdraft: unknown };

const ACCOUNT_COLUMNS = `id, code, kind, name, organisation_id AS "organisationId",
  programme_id AS "programmeId", no_overdraft AS "noOverdraft", debits_pending_fen AS "debitsPendingFen",
  debits_posted_fen AS "debitsPostedFen", credits_pending_fen AS "creditsPendingFen",
  credits_posted_fen AS "creditsPostedFen", created_at AS "createdAt"`;
const TRANSFER_COLUMNS = `id, debit_account_id AS "debitAccountId",
  credit_account_id AS "creditAccountId", amount_fen AS "amountFen", state, pending_id AS "pendingId", code,
  booking_id AS "bookingId", processor_ref AS "processorRef", note, created_at AS "createdAt"`;

const ACCOUNT_BY_CODE = `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts WHERE code = ?`;
const ACCOUNT_BY_ID = `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ?`;
const TRANSFER_BY_ID = `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ?`;
const SETTLEMENT_OF = `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE pending_id = ?`;

/**
 * The accounts a city's finance office sees: its enterprises' (cash, claimable vouchers, quotas) and
 * those of the programmes the city issued (budget, funding, quotas, receivables under them).
 * Provider accounts outside the city's programmes, processor clearing and the platform hold money
 * of every city: they stay with the province.
 */
const CITY_ACCOUNTS = `SELECT a.id FROM ledger_accounts a
  LEFT JOIN organisations o ON o.id = a.organisation_id
  LEFT JOIN voucher_programmes p ON p.id = a.programme_id
  WHERE (o.kind = 'enterprise' AND o.city_code = @city) OR p.issuer_city_code = @city`;

export class Ledger {
  constructor(private readonly db: Database) {}

  /** The account with this code, created on first use. */
  async account(spec: AccountSpec, now: number): Promise<AccountRow> {
    const found = await this.accountByCode(spec.code);
    if (found) return found;
    // DO NOTHING: two first uses at once (outside a transaction, both found none) share one account.
    await this.db.run(
      `INSERT INTO ledger_accounts (code, kind, name, organisation_id, programme_id, no_overdraft, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
      [
        spec.code,
        spec.kind,
        spec.name,
        spec.organisationId ?? null,
        spec.programmeId ?? null,
        spec.noOverdraft ?? false,
        now,
      ],
    );
    return (await this.accountByCode(spec.code))!;
  }

  async accountByCode(code: string): Promise<AccountRow | undefined> {
    return accountOf(this.db, ACCOUNT_BY_CODE, code);
  }

  async accountById(id: number): Promise<AccountRow | undefined> {
    return accountOf(this.db, ACCOUNT_BY_ID, id);
  }

  async transfer(id: string): Promise<TransferRow | undefined> {
    return this.db.get<TransferRow>(TRANSFER_BY_ID, [id]);
  }

  /** The post or void that settled a pending transfer, if any. */
  async settlementOf(pendingId: string): Promise<TransferRow | undefined> {
    return this.db.get<TransferRow>(SETTLEMENT_OF, [pendingId]);
  }

  /** A posted or pending transfer. The same id again with the same content is a no-op. */
  async create(spec: TransferSpec, now: number): Promise<TransferRow> {
    checkAmount(spec.amountFen);
    // One transaction (a savepoint of the caller's): nothing comes between "no such transfer" and
    // its insert, or between the overdraft check and the debit; a failure leaves no half transfer.
    return this.db.write(async (tx) => {
      const existing = await tx.get<TransferRow>(TRANSFER_BY_ID, [spec.id]);
      if (existing) return sameOr409(existing, spec);
      if (spec.debit === spec.credit) throw new LedgerError('validation', 'a transfer needs two different accounts');
      const state: TransferState = spec.pending ? 'pending' : 'posted';
      await guardOverdraft(tx, spec.debit, spec.amountFen, spec.code);
      if (!(await accountOf(tx, ACCOUNT_BY_ID, spec.credit)))
        throw new LedgerError('validation', `no ledger account ${spec.credit}`);
      if (!(await insert(tx, spec, state, null, now))) {
        // The same id written meanwhile by a transaction running beside this one (PostgreSQL).
        return sameOr409((await tx.get<TransferRow>(TRANSFER_BY_ID, [spec.id]))!, spec);
      }
      const col = spec.pending ? 'pending' : 'posted';
      // The floor again, in the debit itself: it holds even where another transaction's debit
      // committed after guardOverdraft read the account (PostgreSQL re-reads the row it updates).
      const debited = await tx.run(
        `UPDATE ledger_accounts SET debits_${col}_fen = debits_${col}_fen + ?
         WHERE id = ? AND (no_overdraft = FALSE OR credits_posted_fen - debits_posted_fen - debits_pending_fen >= ?)`,
        [spec.amountFen, spec.debit, spec.amountFen],
      );
      if (debited.changes !== 1) {
        throw overdraft((await accountOf(tx, ACCOUNT_BY_ID, spec.debit))!, spec.amountFen, spec.code);
      }
      await tx.run(`UPDATE ledger_accounts SET credits_${col}_fen = credits_${col}_fen + ? WHERE id = ?`, [
        spec.amountFen,
        spec.credit,
      ]);
      return (await tx.get<TransferRow>(TRANSFER_BY_ID, [spec.id]))!;
    });
  }

  /**
   * Posts a pending transfer, all of it or less (the rest is released). Exactly once: a second post
   * or a void of the same pending transfer is refused; the same post id again is a no-op.
   */
  async post(
    pendingId: string,
    id: string,
    amountFen: number | undefined,
    now: number,
    note?: string,
  ): Promise<TransferRow> {
    // One transaction (a savepoint of the caller's): the "not settled yet" check and the settling go together.
    return this.db.write(async (tx) => {
      const pending = await pendingOr409(tx, pendingId, id, 'post_pending', amountFen);
      if ('settled' in pending) return pending.settled;
      const amount = amountFen ?? pending.amountFen;
      checkAmount(amount);
      if (amount > pending.amountFen) {
        throw new LedgerError('conflict', `cannot post ${amount} fen of a pending ${pending.amountFen} fen`);
      }
      const inserted = await insert(
        tx,
        {
          id,
          debit: pending.debitAccountId,
          credit: pending.creditAccountId,
          amountFen: amount,
          code: pending.code,
          bookingId: pending.bookingId,
          processorRef: pending.processorRef,
          note,
        },
        'post_pending',
        pendingId,
        now,
      );
      if (!inserted) return settledMeanwhile(tx, pendingId, id, 'post_pending', amountFen);
      await tx.run(
        `UPDATE ledger_accounts SET debits_pending_fen = debits_pending_fen - ?, debits_posted_fen = debits_posted_fen + ?
         WHERE id = ?`,
        [pending.amountFen, amount, pending.debitAccountId],
      );
      await tx.run(
        `UPDATE ledger_accounts SET credits_pending_fen = credits_pending_fen - ?, credits_posted_fen = credits_posted_fen + ?
         WHERE id = ?`,
        [pending.amountFen, amount, pending.creditAccountId],
      );
      return (await tx.get<TransferRow>(TRANSFER_BY_ID, [id]))!;
    });
  }

  /** Voids a pending transfer: its whole amount is released. Exactly once, like post. */
  async void(pendingId: string, id: string, now: number, note?: string): Promise<TransferRow> {
    return this.db.write(async (tx) => {
      const pending = await pendingOr409(tx, pendingId, id, 'void_pending');
      if ('settled' in pending) return pending.settled;
      const inserted = await insert(
        tx,
        {
          id,
          debit: pending.debitAccountId,
          credit: pending.creditAccountId,
          amountFen: pending.amountFen,
          code: pending.code,
          bookingId: pending.bookingId,
          processorRef: pending.processorRef,
          note,
        },
        'void_pending',
        pendingId,
        now,
      );
      if (!inserted) return settledMeanwhile(tx, pendingId, id, 'void_pending');
      await tx.run(`UPDATE ledger_accounts SET debits_pending_fen = debits_pending_fen - ? WHERE id = ?`, [
        pending.amountFen,
        pending.debitAccountId,
      ]);
      await tx.run(`UPDATE ledger_accounts SET credits_pending_fen = credits_pending_fen - ? WHERE id = ?`, [
        pending.amountFen,
        pending.creditAccountId,
      ]);
      return (await tx.get<TransferRow>(TRANSFER_BY_ID, [id]))!;
    });
  }

  // Reading, for finance. `city` (a city code) keeps the answer to what that city's office sees; null: all.

  async accounts(filter: { kind?: string; q?: string }, city: string | null = null): Promise<AccountRow[]> {
    const rows = await this.db.all<AccountSqlRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts
       WHERE (CAST(@kind AS TEXT) IS NULL OR kind = @kind)
         AND (CAST(@q AS TEXT) IS NULL OR lower(code) LIKE '%' || lower(@q) || '%' OR lower(name) LIKE '%' || lower(@q) || '%')
         AND (CAST(@city AS TEXT) IS NULL OR id IN (${CITY_ACCOUNTS}))
       ORDER BY kind, id LIMIT 1000`,
      { kind: filter.kind ?? null, q: filter.q ?? null, city },
    );
    return rows.map(normalise);
  }

  /**
   * Transfers newest first, keyset-paged on (created_at, id). A city's office sees those that touch
   * an account it sees or belong to a booking of one of its enterprises.
   */
  async transfers(
    filter: { accountId?: number; bookingId?: number; code?: string; state?: string; from?: number; to?: number },
    before: { createdAt: number; id: string } | null,
    limit: number,
    city: string | null = null,
  ): Promise<TransferRow[]> {
    return this.db.all<TransferRow>(
      `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers t
       WHERE (CAST(@account AS BIGINT) IS NULL OR debit_account_id = @account OR credit_account_id = @account)
         AND (CAST(@booking AS BIGINT) IS NULL OR booking_id = @booking) AND (CAST(@code AS TEXT) IS NULL OR code = @code)
         AND (CAST(@state AS TEXT) IS NULL OR state = @state)
         AND (CAST(@from AS BIGINT) IS NULL OR created_at >= @from) AND (CAST(@to AS BIGINT) IS NULL OR created_at < @to)
         AND (CAST(@beforeAt AS BIGINT) IS NULL OR created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId))
         AND (CAST(@city AS TEXT) IS NULL OR debit_account_id IN (${CITY_ACCOUNTS}) OR credit_account_id IN (${CITY_ACCOUNTS})
              OR EXISTS (SELECT 1 FROM bookings b JOIN organisations o ON o.id = b.requester_organisation_id
                         WHERE b.id = t.booking_id AND o.kind = 'enterprise' AND o.city_code = @city))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
      {
        city,
        account: filter.accountId ?? null,
        booking: filter.bookingId ?? null,
        code: filter.code ?? null,
        state: filter.state ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        beforeAt: before?.createdAt ?? null,
        beforeId: before?.id ?? null,
        limit,
      },
    );
  }

  /** Pending transfers of a booking not yet posted or voided. */
  async openPendingOfBooking(bookingId: number): Promise<TransferRow[]> {
    return this.db.all<TransferRow>(
      `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers t WHERE booking_id = ? AND state = 'pending'
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers s WHERE s.pending_id = t.id)`,
      [bookingId],
    );
  }

  /**
   * Recomputes every account's sums from its transfers and compares them with the cached sums;
   * also totals posted debits and credits. What tests and finance run to trust the balances.
   */
  async check(): Promise<LedgerCheck> {
    // One snapshot for the three queries (inside a caller's transaction: that transaction), as when
    // they ran back to back synchronously: no transfer may land between them.
    const { derived, overdrawn, settledTwice } = await this.db.read(async (tx) => ({
      derived: await tx.all<{
        id: number;
        code: string;
        dp: number;
        dd: number;
        cp: number;
        cd: number;
        xdp: number;
        xdd: number;
        xcp: number;
        xcd: number;
      }>(
        `WITH moves AS (
           SELECT debit_account_id AS account, 'debit' AS side, state, amount_fen AS amount, pending_id FROM ledger_transfers
           UNION ALL
           SELECT credit_account_id, 'credit', state, amount_fen, pending_id FROM ledger_transfers
         ), pend AS (
           SELECT m.account, m.side,
             CASE WHEN m.state = 'pending' THEN m.amount
                  WHEN m.state IN ('post_pending', 'void_pending') THEN -(SELECT amount_fen FROM ledger_transfers p WHERE p.id = m.pending_id)
                  ELSE 0 END AS pending,
             CASE WHEN m.state IN ('posted', 'post_pending') THEN m.amount ELSE 0 END AS posted
           FROM moves m
         )
         SELECT a.id, a.code, a.debits_pending_fen AS dp, a.debits_posted_fen AS dd, a.credits_pending_fen AS cp,
                a.credits_posted_fen AS cd,
                COALESCE(SUM(CASE WHEN p.side = 'debit' THEN p.pending END), 0) AS xdp,
                COALESCE(SUM(CASE WHEN p.side = 'debit' THEN p.posted END), 0) AS xdd,
                COALESCE(SUM(CASE WHEN p.side = 'credit' THEN p.pending END), 0) AS xcp,
                COALESCE(SUM(CASE WHEN p.side = 'credit' THEN p.posted END), 0) AS xcd
         FROM ledger_accounts a LEFT JOIN pend p ON p.account = a.id GROUP BY a.id`,
      ),
      overdrawn: Number(
        await tx.value(
          `SELECT COUNT(*) FROM ledger_accounts WHERE no_overdraft = TRUE
             AND debits_posted_fen + debits_pending_fen > credits_posted_fen`,
        ),
      ),
      settledTwice: Number(
        await tx.value(
          `SELECT COUNT(*) FROM (SELECT pending_id FROM ledger_transfers WHERE pending_id IS NOT NULL
             GROUP BY pending_id HAVING COUNT(*) > 1) AS twice`,
        ),
      ),
    }));
    const mismatches: LedgerCheck['mismatches'] = [];
    let debitsFen = 0;
    let creditsFen = 0;
    for (const a of derived) {
      debitsFen += a.xdd;
      creditsFen += a.xcd;
      const fields = [
        ['debitsPendingFen', a.dp, a.xdp],
        ['debitsPostedFen', a.dd, a.xdd],
        ['creditsPendingFen', a.cp, a.xcp],
        ['creditsPostedFen', a.cd, a.xcd],
      ] as const;
      for (const [field, cached, real] of fields) {
        if (cached !== real) mismatches.push({ accountId: a.id, code: a.code, field, cached, derived: real });
      }
    }
    return {
      balanced: debitsFen === creditsFen && mismatches.length === 0 && overdrawn === 0 && settledTwice === 0,
      debitsFen,
      creditsFen,
      accountsChecked: derived.length,
      overdrawnAccounts: overdrawn,
      mismatches,
    };
  }
}

// The statements the writing methods run on their transaction.

async function accountOf(q: Queryable, sql: string, key: string | number): Promise<AccountRow | undefined> {
  const r = await q.get<AccountSqlRow>(sql, [key]);
  return r ? normalise(r) : undefined;
}

/** A replay of `spec` returns the transfer written before; other content under its id is refused. */
function sameOr409(existing: TransferRow, spec: TransferSpec): TransferRow {
  const same =
    existing.code === spec.code &&
    existing.debitAccountId === spec.debit &&
    existing.creditAccountId === spec.credit &&
    existing.amountFen === spec.amountFen &&
    existing.state === (spec.pending ? 'pending' : 'posted');
  if (!same) throw new LedgerError('conflict', `transfer ${spec.id} exists with other content`);
  return existing;
}

async function pendingOr409(
  q: Queryable,
  pendingId: string,
  id: string,
  kind: 'post_pending' | 'void_pending',
  amountFen?: number,
): Promise<TransferRow | { settled: TransferRow }> {
  if (
    (await q.get<TransferRow>(TRANSFER_BY_ID, [id])) &&
    (await q.get<TransferRow>(SETTLEMENT_OF, [pendingId]))?.id !== id
  ) {
    throw new LedgerError('conflict', `transfer ${id} exists with other content`);
  }
  const pending = await q.get<TransferRow>(TRANSFER_BY_ID, [pendingId]);
  if (!pending || pending.state !== 'pending') {
    throw new LedgerError('conflict', `no pending transfer ${pendingId}`);
  }
  const settled = await q.get<TransferRow>(SETTLEMENT_OF, [pendingId]);
  if (settled) {
    if (settled.id === id && settled.state === kind && (amountFen === undefined || settled.amountFen === amountFen))
      return { settled };
    throw new LedgerError(
      'conflict',
      `pending transfer ${pendingId} was already ${settled.state.replace('_pending', 'ed')}`,
    );
  }
  return pending;
}

/**
 * The settling insert wrote nothing: a transaction running beside this one (PostgreSQL) settled the
 * pending transfer, or used the id, first. The checks again give the answer they would have given after it.
 */
async function settledMeanwhile(
  q: Queryable,
  pendingId: string,
  id: string,
  kind: 'post_pending' | 'void_pending',
  amountFen?: number,
): Promise<TransferRow> {
  const again = await pendingOr409(q, pendingId, id, kind, amountFen);
  if ('settled' in again) return again.settled;
  throw new LedgerError('conflict', `transfer ${id} exists with other content`);
}

async function guardOverdraft(q: Queryable, accountId: number, amountFen: number, code: string): Promise<void> {
  const account = await accountOf(q, ACCOUNT_BY_ID, accountId);
  if (!account) throw new LedgerError('validation', `no ledger account ${accountId}`);
  if (account.noOverdraft && availableOf(account) < amountFen) throw overdraft(account, amountFen, code);
}

function overdraft(account: AccountRow, amountFen: number, code: string): LedgerError {
  return new LedgerError('conflict', `${account.name}: ${amountFen} fen exceeds the ${availableOf(account)} fen left`, {
    account: account.code,
    transferCode: code,
  });
}

/** Writes the transfer row: false when its id (or, settling, its pending transfer) is taken already. */
async function insert(
  q: Queryable,
  spec: TransferSpec,
  state: TransferState,
  pendingId: string | null,
  now: number,
): Promise<boolean> {
  // DO NOTHING (any unique key: id, or pending_id settling once): the caller re-checks and answers
  // as for a replay or a second settling, instead of failing on a constraint.
  const { changes } = await q.run(
    `INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, state, pending_id, code,
       booking_id, processor_ref, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    [
      spec.id,
      spec.debit,
      spec.credit,
      spec.amountFen,
      state,
      pendingId,
      spec.code,
      spec.bookingId ?? null,
      spec.processorRef ?? null,
      spec.note ?? null,
      now,
    ],
  );
  return changes === 1;
}

export interface LedgerCheck {
  balanced: boolean;
  debitsFen: number;
  creditsFen: number;
  accountsChecked: number;
  overdrawnAccounts: number;
  mismatches: { accountId: number; code: string; field: string; cached: number; derived: number }[];
}

function normalise(a: AccountSqlRow): AccountRow {
  return { ...a, noOverdraft: fromBool(a.noOverdraft) };
}

function checkAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
    throw new LedgerError('validation', `a transfer amount is a whole, non-negative number of fen (${amountFen})`);
  }
}
