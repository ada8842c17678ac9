/** Checks of the money invariants, run after every payment scenario. */
import { expect } from 'vitest';
import type { Database } from '../../db/client.ts';
import { OWED_REFUND_REASON } from '../../server/modules/checkout/card-window.ts';
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
    `SELECT b.id, b.final_fen AS "finalFen", p.status,
              -- Captured at confirmation (CARD_AUTHORISATION=confirmation): the excess refunded at the end is not kept.
              p.captured_fen - COALESCE((SELECT SUM(r.amount_fen) FROM payment_refunds r
                                         WHERE r.payment_id = p.id AND r.reason = ?), 0) AS captured,
              -- Every posted deduct-mode use (a co-funded order holds one per programme).
              (SELECT COALESCE(SUM(u.posted_fen), 0) FROM voucher_uses u
                WHERE u.booking_id = b.id AND u.settlement_mode = 'deduct' AND u.status = 'posted') AS voucher
       FROM bookings b JOIN payments p ON p.booking_id = b.id
       WHERE b.status IN ('completed', 'no_show') AND p.pending_action IS NULL`,
    [OWED_REFUND_REASON],
  )) as { id: number; finalFen: number; captured: number; voucher: number; status: string }[];
  for (const b of finished) {
    expect(b.finalFen, `booking ${b.id}: final = voucher + card`).toBe(b.voucher + b.captured);
  }
  // No booking is confirmed without its payment: active card bookings hold an authorisation — or,
  // for a service beyond the processor's window, a saved card authorised before the start (scheduled),
  // or a failed one the enterprise is asked to replace before the start (action_required).
  const unpaid = await db.all(
    `SELECT b.id FROM bookings b JOIN payments p ON p.booking_id = b.id
     WHERE b.status IN ('requested', 'approved', 'in_progress')
       AND (p.status IN ('authorising', 'saving_card', 'failed', 'released')
         OR (p.status = 'scheduled' AND (p.customer_id IS NULL OR p.authorise_at IS NULL OR p.authorise_at >= b.start_at))
         OR (p.status IN ('scheduled', 'action_required') AND b.status = 'in_progress'))`,
  );
  expect(unpaid).toEqual([]);
  // A card hold of an active booking is in the ledger as one pending transfer (a renewal voids the old one).
  const holds = await db.all(
    `SELECT p.id FROM payments p JOIN bookings b ON b.id = p.booking_id
     WHERE p.status = 'authorised' AND b.status IN ('requested', 'approved', 'in_progress')
       AND (SELECT COUNT(*) FROM ledger_transfers t WHERE t.code = 'card_authorise' AND t.state = 'pending'
              AND t.booking_id = p.booking_id AND t.amount_fen = p.authorised_fen AND t.processor_ref = p.charge_id
              AND NOT EXISTS (SELECT 1 FROM ledger_transfers s WHERE s.pending_id = t.id)) <> 1`,
  );
  expect(holds, 'one pending ledger hold per authorised card payment, on its current charge').toEqual([]);
  // Every released voucher use gave its hold back; posted ones never exceed their reserve.
  const over = await db.all(`SELECT id FROM voucher_uses WHERE posted_fen > reserved_fen`);
  expect(over).toEqual([]);
  await expectVoucherUseInvariants(db);
  await expectTransferInvariants(db);
}

/**
 * Voucher uses, one or several per booking (co-funded): the shares of a booking together never exceed
 * its price; each use's ledger holds (quota, group cap, shared caps, budget) are all of its reserve
 * while it is reserved, all posted at its posted share once posted, none left open once released.
 */
export async function expectVoucherUseInvariants(db: Database): Promise<void> {
  const overPriced = await db.all(
    `SELECT b.id FROM bookings b
     WHERE (SELECT COALESCE(SUM(u.reserved_fen), 0) FROM voucher_uses u WHERE u.booking_id = b.id) > b.quoted_fen
        OR (b.final_fen IS NOT NULL AND b.status = 'completed' AND (SELECT COALESCE(SUM(u.posted_fen), 0)
              FROM voucher_uses u WHERE u.booking_id = b.id AND u.status = 'posted') > b.final_fen)`,
  );
  expect(overPriced, 'the voucher shares of a booking never exceed its price').toEqual([]);
  const sequences = await db.all(
    `SELECT booking_id FROM voucher_uses GROUP BY booking_id HAVING COUNT(DISTINCT sequence) <> COUNT(*)`,
  );
  expect(sequences, 'each use of a booking has its own place in the funding order').toEqual([]);
  const holds = (await db.all(
    `SELECT u.id, u.status, u.reserved_fen AS reserved, u.posted_fen AS posted, t.id AS transfer, t.amount_fen AS amount,
            (SELECT s.id FROM ledger_transfers s WHERE s.pending_id = t.id) AS settled,
            (SELECT s.amount_fen FROM ledger_transfers s WHERE s.pending_id = t.id) AS "settledFen"
     FROM voucher_uses u JOIN ledger_transfers t ON t.id LIKE 'vu:' || u.id || ':%' AND t.pending_id IS NULL`,
  )) as {
    id: number;
    status: string;
    reserved: number;
    posted: number | null;
    transfer: string;
    amount: number;
    settled: string | null;
    settledFen: number | null;
  }[];
  for (const h of holds) {
    const what = `voucher use ${h.id} (${h.status}) ${h.transfer}`;
    expect(Number(h.amount), what).toBe(Number(h.reserved));
    if (h.status === 'reserved') expect(h.settled, what).toBeNull();
    if (h.status === 'posted') expect(Number(h.settledFen), what).toBe(Number(h.posted));
    if (h.status === 'released') expect(String(h.settled), what).toMatch(/:void$/);
  }
}

/**
 * Bank transfers (对公转账): each notice's received total is its receipts less its returns and never
 * negative; each receipt and return has its ledger transfer (`tr:<id>:<kind>`) for its amount; each
 * provider's account of transfers received holds what its notices received.
 */
export async function expectTransferInvariants(db: Database): Promise<void> {
  const notices = (await db.all(
    `SELECT n.id, n.received_fen AS received,
       COALESCE((SELECT SUM(r.amount_fen) FROM transfer_receipts r WHERE r.notice_id = n.id AND r.kind = 'receipt'), 0)
       - COALESCE((SELECT SUM(r.amount_fen) FROM transfer_receipts r WHERE r.notice_id = n.id AND r.kind = 'return'), 0) AS net
     FROM payment_notices n`,
  )) as { id: number; received: number; net: number }[];
  for (const n of notices) {
    expect(Number(n.received), `notice ${n.id}: received = receipts − returns`).toBe(Number(n.net));
    expect(Number(n.received), `notice ${n.id}: received ≥ 0`).toBeGreaterThanOrEqual(0);
  }
  const unbooked = await db.all(
    `SELECT r.id FROM transfer_receipts r LEFT JOIN ledger_transfers t ON t.id = 'tr:' || r.id || ':' || r.kind
     WHERE t.id IS NULL OR t.amount_fen <> r.amount_fen`,
  );
  expect(unbooked, 'every receipt and return in the ledger, for its amount').toEqual([]);
  const providers = (await db.all(
    `SELECT a.organisation_id AS provider, a.credits_posted_fen - a.debits_posted_fen AS balance,
       (SELECT COALESCE(SUM(n.received_fen), 0) FROM payment_notices n WHERE n.provider_id = a.organisation_id) AS received
     FROM ledger_accounts a WHERE a.kind = 'provider_transfer_received'`,
  )) as { provider: number; balance: number; received: number }[];
  for (const p of providers)
    expect(Number(p.balance), `provider ${p.provider}: transfers received`).toBe(Number(p.received));
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
