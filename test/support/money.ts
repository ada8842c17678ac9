/** Checks of the money invariants, run after every payment scenario. */
import { expect } from 'vitest';
import type { Database } from '../../db/client.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import type { PaymentProvider } from '../../server/modules/payments/provider.ts';

/**
 * Debits = credits and every cached balance equals its transfers; no capped account overdrawn;
 * quota holds equal the reserved voucher uses; each finished card booking's final price is the
 * posted voucher share (deduct mode) plus the captured card amount.
 */
export async function expectMoneyInvariants(db: Database): Promise<void> {
  const check = await new Ledger(db).check();
  expect(check.mismatches).toEqual([]);
  expect(check.debitsFen).toBe(check.creditsFen);
  expect(check.overdrawnAccounts).toBe(0);
  expect(check.balanced).toBe(true);
  const quotaHolds = (await db.all(
    `SELECT q.id, a.debits_pending_fen AS held,
              (SELECT COALESCE(SUM(reserved_fen), 0) FROM voucher_uses u WHERE u.quota_id = q.id AND u.status = 'reserved') AS reserved,
              a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen AS available
       FROM voucher_quotas q JOIN ledger_accounts a ON a.code = 'quota:' || q.id`,
  )) as { id: number; held: number; reserved: number; available: number }[];
  for (const q of quotaHolds) {
    expect(q.held, `quota ${q.id} holds`).toBe(q.reserved);
    expect(q.available, `quota ${q.id} available`).toBeGreaterThanOrEqual(0);
  }
  const finished = (await db.all(
    `SELECT b.id, b.final_fen AS "finalFen", p.captured_fen AS captured, p.status,
              CASE WHEN u.settlement_mode = 'deduct' AND u.status = 'posted' THEN u.posted_fen ELSE 0 END AS voucher
       FROM bookings b JOIN payments p ON p.booking_id = b.id LEFT JOIN voucher_uses u ON u.booking_id = b.id
       WHERE b.status IN ('completed', 'no_show') AND p.pending_action IS NULL`,
  )) as { id: number; finalFen: number; captured: number; voucher: number; status: string }[];
  for (const b of finished) {
    expect(b.finalFen, `booking ${b.id}: final = voucher + card`).toBe(b.voucher + b.captured);
  }
  // No booking is confirmed without its payment: active card bookings hold an authorisation.
  const unpaid = await db.all(
    `SELECT b.id FROM bookings b JOIN payments p ON p.booking_id = b.id
     WHERE b.status IN ('requested', 'approved', 'in_progress') AND p.status IN ('authorising', 'failed', 'released')`,
  );
  expect(unpaid).toEqual([]);
  // Every released voucher use gave its hold back; posted ones never exceed their reserve.
  const over = await db.all(`SELECT id FROM voucher_uses WHERE posted_fen > reserved_fen`);
  expect(over).toEqual([]);
}

/** Every charge the processor holds for one payment of ours (to prove nothing was charged twice). */
export async function chargesOfPayment(provider: PaymentProvider, db: Database, paymentId: number) {
  const installation = (await db.value<string>('SELECT id FROM installation'))!;
  const found = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await provider.listCharges({ limit: 100, startingAfter });
    found.push(
      ...page.items.filter(
        (c) => c.metadata.payment_id === String(paymentId) && c.metadata.installation === installation,
      ),
    );
    if (!page.hasMore || !page.items.length) return found;
    startingAfter = page.items[page.items.length - 1]!.id;
  }
}

/**
 * A card capture in the ledger that the processor never saw (kept double-entry: processor clearing to
 * the platform, so the ledger still balances) — what reconciliation must report.
 */
export async function captureUnknownToTheProcessor(
  db: Database,
  t: { id: string; amountFen: number; processorRef: string; at: number },
): Promise<void> {
  const ledger = new Ledger(db);
  const clearing = (await ledger.accountByCode('processor:clearing'))!;
  const platform =
    (await ledger.accountByCode('platform')) ??
    (await ledger.account({ code: 'platform', kind: 'platform', name: 'platform' }, t.at));
  await ledger.create(
    {
      id: t.id,
      debit: clearing.id,
      credit: platform.id,
      amountFen: t.amountFen,
      code: 'card_capture',
      processorRef: t.processorRef,
    },
    t.at,
  );
}
