/**
 * One quota, 100 checkouts at once, two server processes on one database file and one Stripe:
 * the quota is never exceeded, every checkout is either a booking with its voucher share held and
 * its card authorised, or a clear 409, and the ledger balances.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import type { LocalStripe } from '../../server/modules/payments/local-stripe.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { localStripe, TEST_STRIPE_KEY } from '../support/stripe.ts';
import { slotTimes } from '../support/schedule.ts';

let dir: string;
let servers: ServerProcess[] = [];
let stripe: LocalStripe;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-checkout-race-'));
  stripe = await localStripe();
  const env = {
    DATABASE_PATH: path.join(dir, 'shared.db'),
    SEED_INSTRUMENTS: '200',
    STRIPE_API_BASE: stripe.url,
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    RECOVERY_INTERVAL_SECONDS: '0',
  };
  const first = await startServer({ env });
  const second = await startServer({ env: { ...env, SEED_DEMO: '0' } });
  servers = [first, second];
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signIn(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo-pass-2025' }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function call(baseUrl: string, cookie: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${baseUrl}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

describe('100 concurrent checkouts against one quota from two processes', () => {
  it('never exceeds the quota and leaves the ledger balanced', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const admin = await signIn(a.baseUrl, 'admin@demo.test');
    const researchers = [
      await signIn(a.baseUrl, 'researcher@demo.test'),
      await signIn(b.baseUrl, 'researcher@demo.test'),
    ];
    const db = openDatabase(path.join(dir, 'shared.db'));
    const enterpriseId = (await db.value(
      `SELECT organisation_id FROM users WHERE email = 'researcher@demo.test'`,
    )) as number;

    // A tight quota: a few thousand yuan, far less than 100 voucher shares.
    const programme = await call(a.baseUrl, admin, 'POST', '/voucher-programmes', {
      name: '并发测试创新券',
      year: 2026,
      ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 300_000,
      budgetFen: 10_000_000,
      startsOn: '2026-01-01',
      useBy: '2030-12-31',
      claimBy: '2031-03-31',
    });
    expect(programme.status, JSON.stringify(programme.body)).toBe(201);
    const quota = await call(a.baseUrl, admin, 'POST', '/voucher-quotas', {
      programmeId: programme.body!.id,
      enterpriseId,
      capFen: 300_000,
    });
    expect(quota.status).toBe(201);

    // 100 different free hours on the demo lab's instruments (no two requests compete for time).
    const instruments =
      (await db.column(`SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
         LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE COALESCE(s.machine_time_enabled, 1) = 1 AND COALESCE(s.qualification_required, 0) = 0
           AND i.sharing_mode = 'external' AND i.run_status = 'normal' AND i.institution_id = (
             SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         GROUP BY i.id ORDER BY i.id LIMIT 10`)) as number[];
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 55 * 86_400_000).toISOString();
    const requests: { instrumentId: number; start: string; end: string }[] = [];
    for (const instrumentId of instruments) {
      const res = await fetch(
        `${a.baseUrl}/api/v1/instruments/${instrumentId}/availability?${new URLSearchParams({ from, to, durationMinutes: '60' })}`,
      );
      const slots = slotTimes(await res.json());
      let lastEnd = '';
      for (const s of slots) {
        if (requests.length >= 100 || requests.filter((r) => r.instrumentId === instrumentId).length >= 50) break;
        // An hour apart, so set-up and clean-up buffers never make two requests compete for time.
        if (lastEnd && Date.parse(s.start) < Date.parse(lastEnd) + 3_600_000) continue;
        requests.push({ instrumentId, ...s });
        lastEnd = s.end;
      }
    }
    expect(requests.length, `${instruments.length} instruments: ${JSON.stringify(requests.slice(0, 3))}`).toBe(100);

    const results = await Promise.all(
      requests.map((r, i) =>
        call(servers[i % 2]!.baseUrl, researchers[i % 2]!, 'POST', '/bookings', {
          mode: 'machine_time',
          ...r,
          useVoucher: true,
          quotaId: quota.body!.id,
          paymentToken: 'tok_visa',
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(created.length + refused.length, `statuses: ${[...new Set(statuses)].join(', ')}`).toBe(100);
    expect(created.length).toBeGreaterThan(3);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.body!.reason).toBe('voucher_exhausted');

    const held = created.reduce((sum, r) => sum + (r.body!.voucherUse as { reservedFen: number }).reservedFen, 0);
    expect(held).toBeLessThanOrEqual(300_000);
    // Held on the card now, or (a service more than 6 days out) the card saved to be authorised before it.
    for (const r of created)
      expect(['authorised', 'scheduled']).toContain((r.body!.payment as { status: string }).status);
    const account = (await db.get(
      `SELECT credits_posted_fen - debits_posted_fen - debits_pending_fen AS available, debits_pending_fen AS pending
         FROM ledger_accounts WHERE code = ?`,
      [`quota:${quota.body!.id}`],
    )) as { available: number; pending: number };
    expect(account.pending).toBe(held);
    expect(account.available).toBe(300_000 - held);
    expect(account.available).toBeGreaterThanOrEqual(0);
    await expectMoneyInvariants(db);
    await db.close();
  }, 120_000);
});
