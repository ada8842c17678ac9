/**
 * npm run bench:reconcile — a reconciliation run over 100,000 card payments: every payment, its
 * ledger transfers and the processor's charges (listed through the Stripe API from the local Stripe
 * server, 100 per page) compared; the rate in payments per second, next to the raw SQLite baseline
 * of reading the same payments with their ledger amounts in the same run.
 *
 * Setup: the payments, bookings and ledger transfers are written through the real ledger; the
 * processor's charges are copies of one real charge made through the API, put into the local Stripe
 * server's store (making 10^5 charges through HTTP would take minutes).
 *
 * Sizes (environment): BENCH_PAYMENTS (default 100,000), BENCH_RUNS (runs of each, the best counts;
 * default 3). The database is a new one in a temp folder every time, removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openSqlite } from '../../db/client.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { cloneCharges, startLocalStripe } from '../../server/modules/payments/local-stripe.ts';
import { PaymentsRepo } from '../../server/modules/payments/payments.repo.ts';
import { StripeProvider } from '../../server/modules/payments/stripe.ts';
import { ReconciliationService } from '../../server/modules/settlement/reconciliation.service.ts';
import { ReconciliationRepo } from '../../server/modules/settlement/reconciliation.repo.ts';
import { systemClock } from '../../server/shared/clock.ts';

const N = Number(process.env.BENCH_PAYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-bench-reconcile-'));
  const db = openSqlite(path.join(dir, 'bench.db'));
  await migrateDatabase(db);
  await seedReference(db);
  await seedDemo(db, { instruments: 200, seed: 7 });
  const stripeServer = await startLocalStripe();
  const provider = new StripeProvider({
    secretKey: 'sk_test_bench',
    apiBase: stripeServer.url,
    webhookSecret: 'whsec_bench',
    maxNetworkRetries: 0,
  });
  const payments = new PaymentsRepo(db);
  const now = Date.now();
  const installation = await payments.installationId(now);
  const sqlite = db.client;

  // One real charge; the rest are its copies with their own ids, amounts and payment ids.
  const template = await provider.authorise({
    amountFen: 10_000,
    currency: 'cny',
    token: 'tok_visa',
    description: 'bench',
    metadata: { installation, payment_id: '0' },
    idempotencyKey: `bench-${now}`,
  });
  await provider.capture(template.id, 10_000, `bench-capture-${now}`);

  const t0 = performance.now();
  const labOrg = (await db.value<number>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`))!;
  const enterprise = (await db.get<{ id: number; org: number }>(
    `SELECT id, organisation_id AS org FROM users WHERE email = 'researcher@demo.test'`,
  ))!;
  const instrument = (await db.value<number>(`SELECT id FROM instruments WHERE institution_id = ? LIMIT 1`, [labOrg]))!;
  const INSERT_BOOKING = `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode,
       status, user_type, quoted_fen, price_lines, final_fen, payment_method, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'machine_time', 'completed', 'enterprise', ?, '[]', ?, 'card', ?, ?) RETURNING id`;
  const INSERT_PAYMENT = `INSERT INTO payments (booking_id, provider, status, currency, charge_id, authorised_fen,
       captured_fen, created_at, updated_at)
     VALUES (?, 'stripe', 'captured', 'cny', ?, ?, ?, ?, ?) RETURNING id`;
  const ledger = new Ledger(db);
  const cash = await ledger.account(
    { code: `enterprise:${enterprise.org}:cash`, kind: 'enterprise_cash', name: 'cash' },
    now,
  );
  const fromProcessor = await ledger.account(
    { code: `provider:${labOrg}:receivable:processor`, kind: 'provider_receivable_processor', name: 'receivable' },
    now,
  );
  const clearing = await ledger.account(
    { code: 'processor:clearing', kind: 'processor_clearing', name: 'clearing' },
    now,
  );
  const charges: { id: string; amount: number; paymentId: number }[] = [];
  // One transaction: the ledger's calls join it (each a savepoint of it).
  await db.write(async (tx) => {
    for (let i = 1; i <= N; i++) {
      const amount = 1000 + ((i * 7919) % 50_000);
      const at = now - (N - i) * 1000;
      const booking = (await tx.value<number>(INSERT_BOOKING, [
        instrument,
        labOrg,
        enterprise.id,
        enterprise.org,
        amount,
        amount,
        at,
        at,
      ]))!;
      const chargeId = `ch_bench${String(i).padStart(12, '0')}`;
      const paymentId = (await tx.value<number>(INSERT_PAYMENT, [booking, chargeId, amount, amount, at, at]))!;
      await ledger.create(
        {
          id: `pay:${paymentId}:authorise`,
          debit: cash.id,
          credit: fromProcessor.id,
          amountFen: amount,
          code: 'card_authorise',
          pending: true,
          bookingId: booking,
          processorRef: chargeId,
        },
        at,
      );
      await ledger.post(`pay:${paymentId}:authorise`, `pay:${paymentId}:authorise:post`, amount, at);
      await ledger.create(
        {
          id: `pay:${paymentId}:capture-funds`,
          debit: clearing.id,
          credit: cash.id,
          amountFen: amount,
          code: 'card_capture',
          bookingId: booking,
          processorRef: chargeId,
        },
        at,
      );
      charges.push({ id: chargeId, amount, paymentId });
    }
  });
  cloneCharges(template, (original) =>
    charges.map((c, i) => ({
      ...original,
      id: c.id,
      amount: c.amount,
      amount_captured: c.amount,
      amount_refunded: 0,
      created: Math.floor((now - (N - i - 1) * 1000) / 1000),
      metadata: { installation, payment_id: String(c.paymentId) },
      refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${c.id}/refunds` },
    })),
  );
  // The template charge itself has no payment: mark it as not ours so the run is clean.
  sqlite.exec('ANALYZE');
  console.log(
    `\n${N.toLocaleString()} payments, ledger transfers and processor charges set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const reconciliationRepo = new ReconciliationRepo(db);
  const service = new ReconciliationService(db, reconciliationRepo, payments, ledger, provider, systemClock);
  const from = now - N * 1000 - 60_000;
  const to = now + 60_000;
  // Raw baseline: read every payment with its ledger amounts, as the run does, without the processor.
  const raw: number[] = [];
  const rawQuery = sqlite.prepare(
    `SELECT p.id, p.charge_id, p.captured_fen,
            (SELECT amount_fen FROM ledger_transfers t WHERE t.id = 'pay:' || p.id || ':capture-funds') AS ledger
     FROM payments p WHERE p.created_at >= ? AND p.created_at < ?`,
  );
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    rawQuery.all(from, to);
    raw.push(performance.now() - s);
  }
  const runs: number[] = [];
  let last = null;
  for (let r = 0; r < RUNS; r++) {
    const s = performance.now();
    last = await service.run(from, to, 'manual', null);
    runs.push(performance.now() - s);
  }
  const best = (xs: number[]) => Math.min(...xs);
  const findings = await reconciliationRepo.findings(last!.id);
  const unexpected = findings.filter((f) => f.ref !== template.id);
  console.log(
    `run status ${last!.status}: ${findings.length} findings (${unexpected.length} other than the template charge)`,
  );
  if (unexpected.length) console.log(unexpected.slice(0, 5));
  console.log('\n| measure | best of runs | rate |');
  console.log('|---|---|---|');
  console.log(
    `| reconciliation run (processor listing via the Stripe API + ledger + rules) | ${(best(runs) / 1000).toFixed(2)} s | ${Math.round(N / (best(runs) / 1000)).toLocaleString()} payments/s |`,
  );
  console.log(
    `| raw SQLite: read the payments with their ledger amounts | ${best(raw).toFixed(0)} ms | ${Math.round(N / (best(raw) / 1000)).toLocaleString()} payments/s |`,
  );
  await stripeServer.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
