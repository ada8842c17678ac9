/**
 * The double-entry ledger in integer fen, after TigerBeetle's model: accounts with cached sums,
 * immutable transfers, two-phase transfers (pending → posted or voided, exactly once). It is the
 * only writer of its two tables. Every method runs inside the caller's transaction, so a booking,
 * its voucher use and their money commit or roll back together.
 */
import { statementCache, type Db } from '../../../db/client.ts';
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

const row = (r: unknown) => r as AccountRow;

export class Ledger {
  private readonly stmt: ReturnType<typeof statementCache>;

  constructor(private readonly db: Db) {
    this.stmt = statementCache(db);
  }

  private static readonly ACCOUNT_COLUMNS = `id, code, kind, name, organisation_id AS organisationId,
    programme_id AS programmeId, no_overdraft AS noOverdraft, debits_pending_fen AS debitsPendingFen,
    debits_posted_fen AS debitsPostedFen, credits_pending_fen AS creditsPendingFen,
    credits_posted_fen AS creditsPostedFen, created_at AS createdAt`;
  private static readonly TRANSFER_COLUMNS = `id, debit_account_id AS debitAccountId,
    credit_account_id AS creditAccountId, amount_fen AS amountFen, state, pending_id AS pendingId, code,
    booking_id AS bookingId, processor_ref AS processorRef, note, created_at AS createdAt`;

  /** The account with this code, created on first use. */
  account(spec: AccountSpec, now: number): AccountRow {
    const found = this.accountByCode(spec.code);
    if (found) return found;
    this.stmt(
      `INSERT INTO ledger_accounts (code, kind, name, organisation_id, programme_id, no_overdraft, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      spec.code,
      spec.kind,
      spec.name,
      spec.organisationId ?? null,
      spec.programmeId ?? null,
      spec.noOverdraft ? 1 : 0,
      now,
    );
    return this.accountByCode(spec.code)!;
  }

  accountByCode(code: string): AccountRow | undefined {
    const r = this.stmt(`SELECT ${Ledger.ACCOUNT_COLUMNS} FROM ledger_accounts WHERE code = ?`).get(code);
    return r ? normalise(row(r)) : undefined;
  }

  accountById(id: number): AccountRow | undefined {
    const r = this.stmt(`SELECT ${Ledger.ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ?`).get(id);
    return r ? normalise(row(r)) : undefined;
  }

  transfer(id: string): TransferRow | undefined {
    return this.stmt(`SELECT ${Ledger.TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ?`).get(id) as
      TransferRow | undefined;
  }

  /** The post or void that settled a pending transfer, if any. */
  settlementOf(pendingId: string): TransferRow | undefined {
    return this.stmt(`SELECT ${Ledger.TRANSFER_COLUMNS} FROM ledger_transfers WHERE pending_id = ?`).get(pendingId) as
      TransferRow | undefined;
  }

  /** A posted or pending transfer. The same id again with the same content is a no-op. */
  create(spec: TransferSpec, now: number): TransferRow {
    checkAmount(spec.amountFen);
    const existing = this.transfer(spec.id);
    if (existing) {
      const same =
        existing.code === spec.code &&
        existing.debitAccountId === spec.debit &&
        existing.creditAccountId === spec.credit &&
        existing.amountFen === spec.amountFen &&
        existing.state === (spec.pending ? 'pending' : 'posted');
      if (!same) throw new LedgerError('conflict', `transfer ${spec.id} exists with other content`);
      return existing;
    }
    if (spec.debit === spec.credit) throw new LedgerError('validation', 'a transfer needs two different accounts');
    const state: TransferState = spec.pending ? 'pending' : 'posted';
    this.guardOverdraft(spec.debit, spec.amountFen, spec.code);
    if (!this.accountById(spec.credit)) throw new LedgerError('validation', `no ledger account ${spec.credit}`);
    this.insert(spec, state, null, now);
    const col = spec.pending ? 'pending' : 'posted';
    this.stmt(`UPDATE ledger_accounts SET debits_${col}_fen = debits_${col}_fen + ? WHERE id = ?`).run(
      spec.amountFen,
      spec.debit,
    );
    this.stmt(`UPDATE ledger_accounts SET credits_${col}_fen = credits_${col}_fen + ? WHERE id = ?`).run(
      spec.amountFen,
      spec.credit,
    );
    return this.transfer(spec.id)!;
  }

  /**
   * Posts a pending transfer, all of it or less (the rest is released). Exactly once: a second post
   * or a void of the same pending transfer is refused; the same post id again is a no-op.
   */
  post(pendingId: string, id: string, amountFen: number | undefined, now: number, note?: string): TransferRow {
    const pending = this.pendingOr409(pendingId, id, 'post_pending', amountFen);
    if ('settled' in pending) return pending.settled;
    const amount = amountFen ?? pending.amountFen;
    checkAmount(amount);
    if (amount > pending.amountFen) {
      throw new LedgerError('conflict', `cannot post ${amount} fen of a pending ${pending.amountFen} fen`);
    }
    this.insert(
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
    this.stmt(
      `UPDATE ledger_accounts SET debits_pending_fen = debits_pending_fen - ?, debits_posted_fen = debits_posted_fen + ?
       WHERE id = ?`,
    ).run(pending.amountFen, amount, pending.debitAccountId);
    this.stmt(
      `UPDATE ledger_accounts SET credits_pending_fen = credits_pending_fen - ?, credits_posted_fen = credits_posted_fen + ?
       WHERE id = ?`,
    ).run(pending.amountFen, amount, pending.creditAccountId);
    return this.transfer(id)!;
  }

  /** Voids a pending transfer: its whole amount is released. Exactly once, like post. */
  void(pendingId: string, id: string, now: number, note?: string): TransferRow {
    const pending = this.pendingOr409(pendingId, id, 'void_pending');
    if ('settled' in pending) return pending.settled;
    this.insert(
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
    this.stmt(`UPDATE ledger_accounts SET debits_pending_fen = debits_pending_fen - ? WHERE id = ?`).run(
      pending.amountFen,
      pending.debitAccountId,
    );
    this.stmt(`UPDATE ledger_accounts SET credits_pending_fen = credits_pending_fen - ? WHERE id = ?`).run(
      pending.amountFen,
      pending.creditAccountId,
    );
    return this.transfer(id)!;
  }

  private pendingOr409(
    pendingId: string,
    id: string,
    kind: 'post_pending' | 'void_pending',
    amountFen?: number,
  ): TransferRow | { settled: TransferRow } {
    if (this.transfer(id) && this.settlementOf(pendingId)?.id !== id) {
      throw new LedgerError('conflict', `transfer ${id} exists with other content`);
    }
    const pending = this.transfer(pendingId);
    if (!pending || pending.state !== 'pending') {
      throw new LedgerError('conflict', `no pending transfer ${pendingId}`);
    }
    const settled = this.settlementOf(pendingId);
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

  private guardOverdraft(accountId: number, amountFen: number, code: string): void {
    const account = this.accountById(accountId);
    if (!account) throw new LedgerError('validation', `no ledger account ${accountId}`);
    if (account.noOverdraft && availableOf(account) < amountFen) {
      throw new LedgerError(
        'conflict',
        `${account.name}: ${amountFen} fen exceeds the ${availableOf(account)} fen left`,
        {
          account: account.code,
          transferCode: code,
        },
      );
    }
  }

  private insert(spec: TransferSpec, state: TransferState, pendingId: string | null, now: number): void {
    this.stmt(
      `INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_fen, state, pending_id, code,
         booking_id, processor_ref, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
    );
  }

  // Reading, for finance. `city` (a city code) keeps the answer to what that city's office sees; null: all.

  /**
   * The accounts a city's finance office sees: its enterprises' (cash, claimable vouchers, quotas) and
   * those of the programmes the city issued (budget, funding, quotas, receivables under them).
   * Provider accounts outside the city's programmes, processor clearing and the platform hold money
   * of every city: they stay with the province.
   */
  private static readonly CITY_ACCOUNTS = `SELECT a.id FROM ledger_accounts a
    LEFT JOIN organisations o ON o.id = a.organisation_id
    LEFT JOIN voucher_programmes p ON p.id = a.programme_id
    WHERE (o.kind = 'enterprise' AND o.city_code = @city) OR p.issuer_city_code = @city`;

  accounts(filter: { kind?: string; q?: string }, city: string | null = null): AccountRow[] {
    return (
      this.stmt(
        `SELECT ${Ledger.ACCOUNT_COLUMNS} FROM ledger_accounts
         WHERE (@kind IS NULL OR kind = @kind) AND (@q IS NULL OR code LIKE '%' || @q || '%' OR name LIKE '%' || @q || '%')
           AND (@city IS NULL OR id IN (${Ledger.CITY_ACCOUNTS}))
         ORDER BY kind, id LIMIT 1000`,
      ).all({ kind: filter.kind ?? null, q: filter.q ?? null, city }) as AccountRow[]
    ).map(normalise);
  }

  /**
   * Transfers newest first, keyset-paged on (created_at, id). A city's office sees those that touch
   * an account it sees or belong to a booking of one of its enterprises.
   */
  transfers(
    filter: { accountId?: number; bookingId?: number; code?: string; state?: string; from?: number; to?: number },
    before: { createdAt: number; id: string } | null,
    limit: number,
    city: string | null = null,
  ): TransferRow[] {
    return this.stmt(
      `SELECT ${Ledger.TRANSFER_COLUMNS} FROM ledger_transfers t
       WHERE (@account IS NULL OR debit_account_id = @account OR credit_account_id = @account)
         AND (@booking IS NULL OR booking_id = @booking) AND (@code IS NULL OR code = @code)
         AND (@state IS NULL OR state = @state)
         AND (@from IS NULL OR created_at >= @from) AND (@to IS NULL OR created_at < @to)
         AND (@beforeAt IS NULL OR created_at < @beforeAt OR (created_at = @beforeAt AND id < @beforeId))
         AND (@city IS NULL OR debit_account_id IN (${Ledger.CITY_ACCOUNTS}) OR credit_account_id IN (${Ledger.CITY_ACCOUNTS})
              OR EXISTS (SELECT 1 FROM bookings b JOIN organisations o ON o.id = b.requester_organisation_id
                         WHERE b.id = t.booking_id AND o.kind = 'enterprise' AND o.city_code = @city))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    ).all({
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
    }) as TransferRow[];
  }

  /** Pending transfers of a booking not yet posted or voided. */
  openPendingOfBooking(bookingId: number): TransferRow[] {
    return this.stmt(
      `SELECT ${Ledger.TRANSFER_COLUMNS} FROM ledger_transfers t WHERE booking_id = ? AND state = 'pending'
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers s WHERE s.pending_id = t.id)`,
    ).all(bookingId) as TransferRow[];
  }

  /**
   * Recomputes every account's sums from its transfers and compares them with the cached sums;
   * also totals posted debits and credits. What tests and finance run to trust the balances.
   */
  check(): LedgerCheck {
    const derived = this.db.$client
      .prepare(
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
      )
      .all() as {
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
    }[];
    const mismatches: LedgerCheck['mismatches'] = [];
    let debitsFen = 0;
    let creditsFen = 0;
    let overdrawn = 0;
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
    overdrawn = (
      this.db.$client
        .prepare(
          `SELECT COUNT(*) AS n FROM ledger_accounts WHERE no_overdraft = 1
             AND debits_posted_fen + debits_pending_fen > credits_posted_fen`,
        )
        .get() as { n: number }
    ).n;
    const settledTwice = (
      this.db.$client
        .prepare(
          `SELECT COUNT(*) AS n FROM (SELECT pending_id FROM ledger_transfers WHERE pending_id IS NOT NULL
             GROUP BY pending_id HAVING COUNT(*) > 1)`,
        )
        .get() as { n: number }
    ).n;
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

export interface LedgerCheck {
  balanced: boolean;
  debitsFen: number;
  creditsFen: number;
  accountsChecked: number;
  overdrawnAccounts: number;
  mismatches: { accountId: number; code: string; field: string; cached: number; derived: number }[];
}

function normalise(a: AccountRow): AccountRow {
  return { ...a, noOverdraft: Boolean(a.noOverdraft) };
}

function checkAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
    throw new LedgerError('validation', `a transfer amount is a whole, non-negative number of fen (${amountFen})`);
  }
}
