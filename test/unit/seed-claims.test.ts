/**
 * The seeded year's claims (db/seed/claims.ts): the history's voucher uses claimed by their labs month by
 * month, reviewed by the cities' offices and paid by the province's, through the real services — so the
 * finance dashboard's four stages all show money, and the reconciliation finds nothing wrong.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openSqlite, type SqliteDatabase as Db } from '../../db/client.ts';
import { DEMO_NOW, seedDemo } from '../../db/seed/index.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { PaymentsRepo } from '../../server/modules/payments/payments.repo.ts';
import { ReconciliationRepo } from '../../server/modules/settlement/reconciliation.repo.ts';
import { ReconciliationService } from '../../server/modules/settlement/reconciliation.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { testStripe } from '../support/stripe.ts';

let db: Db;
const value = async (sql: string, ...params: (string | number)[]) => Number(await db.value(sql, params));
const month = (column: string) => `strftime('%Y-%m', ${column} / 1000, 'unixepoch', '+8 hours')`;

beforeAll(async () => {
  db = openSqlite(':memory:');
  await migrateDatabase(db);
  await seedDemo(db, { instruments: 300, seed: 20261128 });
}, 60_000);

describe('the seeded claims', () => {
  it('pay most of the year’s voucher uses: paid up to August, September under review, October only used', async () => {
    const paid = await value(`SELECT COALESCE(SUM(paid_fen), 0) FROM settlement_batches WHERE status = 'paid'`);
    const claimed = await value(
      `SELECT COALESCE(SUM(l.voucher_fen), 0) FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
       WHERE l.status != 'removed' AND b.submitted_at IS NOT NULL`,
    );
    const used = await value(`SELECT SUM(posted_fen) FROM voucher_uses WHERE status = 'posted'`);
    expect(paid).toBeGreaterThan(0);
    expect(claimed).toBeGreaterThanOrEqual(paid);
    expect(used).toBeGreaterThan(claimed);
    // Most of the uses up to August are paid (a few labs are late, a few lines rejected).
    const throughAugust = await value(
      `SELECT SUM(posted_fen) FROM voucher_uses WHERE status = 'posted' AND ${month('updated_at')} <= '2026-08'`,
    );
    expect(paid / throughAugust).toBeGreaterThan(0.75);
    // Paid batches are of months up to August, paid before the demo's "now"; September's are still open.
    expect(await value(`SELECT COUNT(*) FROM settlement_batches WHERE status = 'paid' AND month > '2026-08'`)).toBe(0);
    expect(await value(`SELECT COUNT(*) FROM settlement_batches WHERE paid_at >= ?`, DEMO_NOW)).toBe(0);
    expect(
      await value(
        `SELECT COUNT(*) FROM settlement_batches WHERE month = '2026-09' AND status IN ('submitted', 'reviewed')`,
      ),
    ).toBeGreaterThan(0);
    // October's history uses are not claimed yet (the only October batch is 聊城's demo claim in notice).
    expect(
      await value(`SELECT COUNT(*) FROM settlement_batches WHERE month = '2026-10' AND status != 'in_notice'`),
    ).toBe(0);
    // Decisions are per line: some rejected, the rest approved.
    expect(await value(`SELECT COUNT(*) FROM settlement_lines WHERE status = 'rejected'`)).toBeGreaterThan(0);
  });

  it('balances every paid batch in the ledger, paid = approved lines', async () => {
    const batches = await db.all<{ id: number; paidFen: number; approved: number; ledger: number; lines: number }>(
      `SELECT b.id, b.paid_fen AS "paidFen",
         (SELECT SUM(l.voucher_fen) FROM settlement_lines l WHERE l.batch_id = b.id AND l.status = 'approved') AS approved,
         (SELECT COALESCE(SUM(t.amount_fen), 0) FROM settlement_lines l JOIN ledger_transfers t ON t.id = 'claim-line:' || l.id || ':pay'
           WHERE l.batch_id = b.id) AS ledger,
         (SELECT COUNT(*) FROM settlement_lines l WHERE l.batch_id = b.id AND l.status = 'approved'
            AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.id = 'claim-line:' || l.id || ':pay')) AS lines
       FROM settlement_batches b WHERE b.status = 'paid'`,
    );
    expect(batches.length).toBeGreaterThan(10);
    for (const b of batches) {
      expect(b.paidFen, `batch ${b.id}`).toBe(b.approved);
      expect(b.ledger, `batch ${b.id}`).toBe(b.paidFen);
      expect(b.lines, `batch ${b.id}: approved lines without their payment`).toBe(0);
    }
    const check = await new Ledger(db).check();
    expect(check.balanced).toBe(true);
    // The self-pay shares of the claimed jobs arrived by bank transfer, confirmed by the labs.
    expect(
      await value(
        `SELECT COUNT(*) FROM settlement_lines l JOIN payment_notices n ON n.booking_id = l.booking_id
         WHERE n.status NOT IN ('paid', 'overpaid')`,
      ),
    ).toBe(0);
  });

  it('passes the reconciliation', async () => {
    // The real Stripe adapter against the local Stripe server: it holds no charges of the demo (whose
    // self-pay shares arrived by bank transfer), which the run must find consistent.
    const stripe = await testStripe();
    const repo = new ReconciliationRepo(db);
    const service = new ReconciliationService(
      db,
      repo,
      new PaymentsRepo(db),
      new Ledger(db),
      stripe,
      fixedClock(DEMO_NOW),
    );
    const run = await service.run(Date.parse('2026-01-01T00:00:00+08:00'), DEMO_NOW, 'manual', null);
    const findings = await repo.findings(run.id);
    expect(findings.map((f) => `${f.kind} ${JSON.stringify(f)}`.slice(0, 300))).toEqual([]);
    expect((await repo.runs(1))[0]).toMatchObject({ id: run.id, status: 'clean' });
  });
});
