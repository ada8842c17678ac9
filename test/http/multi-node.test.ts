/**
 * Several server nodes on one PostgreSQL database (issue 12): three real server processes
 * (`server/main.ts`) share a fresh database on the test server (TEST_DATABASE_URL) and one Stripe
 * endpoint (the local Stripe of this test process), as nodes on separate machines would.
 *
 * - 200 requests for one slot, spread over the three nodes at once: exactly one booking.
 * - A photo uploaded through one node is served by every node (files live in the database).
 * - 100 voucher checkouts on one small quota: never overdrawn, the ledger balanced.
 * - A node killed (`kill -9`) in the middle of checkouts, and then the node running the payment
 *   recovery killed in the middle of it: once the last node's recovery has run, nothing is half
 *   done — no payment left authorising, no authorisation at the processor the platform has not
 *   recorded, no voucher hold without its booking, the ledger balanced.
 *
 * PostgreSQL only, on any project: it fails (never skips) when the server cannot be reached. Its
 * database is dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import type { LocalStripe } from '../../server/modules/payments/local-stripe.ts';
import type { Charge } from '../../server/modules/payments/provider.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import {
  databaseUrl,
  describeServer,
  dropDatabase,
  fileDatabaseName,
  newRunId,
  quoteName,
  withServer,
} from '../support/pg.ts';
import { freePort, repoRoot } from '../support/server-process.ts';
import { slowStripe, TEST_STRIPE_KEY, testStripe } from '../support/stripe.ts';
import { slotTimes } from '../support/schedule.ts';

const PASSWORD = 'demo-pass-2025';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every answer of the local Stripe is delayed this long (to hold checkouts and recovery mid-way). */
let stripeDelayMs = 0;

interface Node {
  name: string;
  pid: number;
  baseUrl: string;
  child: ChildProcess;
  output(): string;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** One server process on the shared database (its own port, its own folder, its own local SMTP). */
async function startNode(name: string, env: Record<string, string>): Promise<Node> {
  const port = await freePort();
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  // A DATABASE_URL of the shell running the tests is not this test's database.
  const { DATABASE_URL: _theShells, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url,
      DATABASE_PATH: path.join(folder, 'unused.db'),
      SEED_INSTRUMENTS: '200',
      STRIPE_API_BASE: stripe.url,
      STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
      RECOVERY_INTERVAL_SECONDS: '1',
      RECONCILE_AT: 'off',
      REMIND_AT: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const node: Node = { name, pid: child.pid!, baseUrl: `http://127.0.0.1:${port}`, child, output: () => log };
  nodes.push(node);
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (!alive(child)) throw new Error(`node ${name} exited (${child.exitCode ?? child.signalCode}):\n${log}`);
    const res = await fetch(`${node.baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (res?.status === 200) return node;
    await sleep(200);
  }
  throw new Error(`node ${name} did not answer /api/v1/health:\n${log}`);
}

async function kill(node: Node): Promise<void> {
  if (!alive(node.child)) return;
  const exited = new Promise((r) => node.child.once('exit', r));
  node.child.kill('SIGKILL');
  await exited;
}

let dir: string;
let name: string;
let url: string;
let stripe: LocalStripe;
let db: Database;
const nodes: Node[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-multi-node-'));
  name = fileDatabaseName(newRunId(), 'multinode');
  url = databaseUrl(name);
  await withServer((admin) => admin.query(`CREATE DATABASE ${quoteName(name)}`)).catch((err: unknown) => {
    throw new Error(`PostgreSQL at ${describeServer()} (TEST_DATABASE_URL): ${(err as Error).message}`);
  });
  stripe = await slowStripe(() => stripeDelayMs);
  // All three start at once on the empty database, each told to seed the demo: one migrates and
  // seeds, the others wait for it and find the database ready.
  await Promise.all(['node-1', 'node-2', 'node-3'].map((n) => startNode(n, { SEED_DEMO: '1' })));
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  db = openDatabase(url);
}, 300_000);

afterAll(async () => {
  for (const node of nodes) await kill(node);
  await db?.close();
  await stripe?.close();
  if (name) await withServer((admin) => dropDatabase(admin, name));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function signIn(node: Node, email: string): Promise<string> {
  const res = await fetch(`${node.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status, node.output()).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** A request; a node that dies under it answers status 0. */
async function call(
  node: Node,
  cookie: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  try {
    const res = await fetch(`${node.baseUrl}/api/v1${route}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  } catch {
    return { status: 0, body: null };
  }
}

const live = () => nodes.filter((n) => alive(n.child));

/** Free hours on the demo lab's instruments, an hour apart (no two compete for time). */
async function freeHours(
  node: Node,
  count: number,
  fromDays: number,
): Promise<{ instrumentId: number; start: string; end: string }[]> {
  const instruments = await db.column<number>(
    `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
     WHERE COALESCE(s.machine_time_enabled, TRUE) AND NOT COALESCE(s.qualification_required, FALSE)
       AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       AND i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
     GROUP BY i.id ORDER BY i.id LIMIT 10`,
  );
  const from = new Date(Date.now() + fromDays * 86_400_000).toISOString();
  const to = new Date(Date.now() + (fromDays + 50) * 86_400_000).toISOString();
  const found: { instrumentId: number; start: string; end: string }[] = [];
  for (const instrumentId of instruments) {
    const res = await fetch(
      `${node.baseUrl}/api/v1/instruments/${instrumentId}/availability?${new URLSearchParams({ from, to, durationMinutes: '60' })}`,
    );
    const slots = slotTimes(await res.json());
    let lastEnd = '';
    for (const s of slots) {
      if (found.length >= count || found.filter((r) => r.instrumentId === instrumentId).length >= count / 2) break;
      if (lastEnd && Date.parse(s.start) < Date.parse(lastEnd) + 3_600_000) continue;
      found.push({ instrumentId, ...s });
      lastEnd = s.end;
    }
  }
  expect(found.length).toBe(count);
  return found;
}

/** A programme with a yearly cap per enterprise, and the researcher's enterprise's quota of that much in it. */
async function quotaOf(node: Node, admin: string, label: string, capFen: number): Promise<number> {
  const enterpriseId = await db.value<number>(`SELECT organisation_id FROM users WHERE email = 'researcher@demo.test'`);
  const programme = await call(node, admin, 'POST', '/voucher-programmes', {
    name: `多节点测试创新券 ${label}`,
    year: 2026,
    ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
    enterpriseYearCapFen: capFen,
    budgetFen: 100_000_000,
    startsOn: '2026-01-01',
    useBy: '2030-12-31',
    claimBy: '2031-03-31',
  });
  expect(programme.status, JSON.stringify(programme.body)).toBe(201);
  const quota = await call(node, admin, 'POST', '/voucher-quotas', {
    programmeId: programme.body!.id,
    enterpriseId,
    capFen,
  });
  expect(quota.status, JSON.stringify(quota.body)).toBe(201);
  return quota.body!.id as number;
}

async function quotaAccount(quotaId: number) {
  return (await db.get<{ available: number; pending: number }>(
    `SELECT credits_posted_fen - debits_posted_fen - debits_pending_fen AS available, debits_pending_fen AS pending
       FROM ledger_accounts WHERE code = ?`,
    [`quota:${quotaId}`],
  ))!;
}

/** Every charge the processor holds for this installation. */
async function processorCharges(): Promise<Charge[]> {
  const provider = await testStripe({ server: stripe });
  const installation = await db.value<string>('SELECT id FROM installation');
  const all: Charge[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const page = await provider.listCharges({ limit: 100, startingAfter });
    all.push(...page.items.filter((c) => c.metadata.installation === installation));
    if (!page.hasMore || !page.items.length) return all;
    startingAfter = page.items[page.items.length - 1]!.id;
  }
}

describe('three nodes on one PostgreSQL database', () => {
  it('200 requests for one slot over three nodes: exactly one booking', async () => {
    // One sign-in serves every node: the session is in the database.
    const cookie = await signIn(nodes[0]!, 'researcher@demo.test');
    const [slot] = await freeHours(nodes[0]!, 1, 3);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(nodes[i % 3]!, cookie, 'POST', '/bookings', { mode: 'machine_time', ...slot }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 201),
      `statuses: ${[...new Set(statuses)].join(', ')}`,
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    const active = await db.value(
      `SELECT COUNT(*) FROM bookings WHERE instrument_id = ? AND status IN ('requested', 'approved', 'in_progress')
         AND block_start_at < ? AND block_end_at > ?`,
      [slot!.instrumentId, Date.parse(slot!.end), Date.parse(slot!.start)],
    );
    expect(active).toBe(1);
  }, 120_000);

  it('30 requests with one Idempotency-Key over three nodes, four times: one booking each, and each answer is it', async () => {
    // A booking without money is written at READ COMMITTED: a twin that loses — on the key's unique index,
    // or on the time the winner took after its own check — answers the booking that won.
    const cookie = await signIn(nodes[0]!, 'researcher@demo.test');
    const slots = await freeHours(nodes[0]!, 4, 6);
    for (const [round, slot] of slots.entries()) {
      const key = `multi-node-twins-${Date.now()}-${round}`;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          call(
            nodes[i % 3]!,
            cookie,
            'POST',
            '/bookings',
            { mode: 'machine_time', ...slot },
            { 'idempotency-key': key },
          ),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(new Set(statuses), JSON.stringify(results.find((r) => r.status !== 201)?.body)).toEqual(new Set([201]));
      expect(new Set(results.map((r) => r.body!.id)).size).toBe(1);
      expect(await db.value(`SELECT COUNT(*) FROM bookings WHERE idempotency_key = ?`, [key])).toBe(1);
    }
  }, 120_000);

  it('a photo uploaded through one node is served by the others, and gone from all once replaced', async () => {
    const lab = await signIn(nodes[0]!, 'lab@demo.test');
    const { instrumentId } = (await freeHours(nodes[0]!, 1, 3))[0]!;
    const upload = await fetch(`${nodes[0]!.baseUrl}/api/v1/instruments/${instrumentId}/photo`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png', cookie: lab, origin: nodes[0]!.baseUrl },
      body: PNG,
    });
    expect(upload.status, await upload.clone().text()).toBe(200);
    const { photoUrl } = (await upload.json()) as { photoUrl: string };
    for (const node of nodes) {
      const res = await fetch(`${node.baseUrl}${photoUrl}`);
      expect(res.status, node.name).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    }
    // Replaced through another node: the first photo is gone on every node, its cached copies too.
    const again = await fetch(`${nodes[1]!.baseUrl}/api/v1/instruments/${instrumentId}/photo`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png', cookie: lab, origin: nodes[1]!.baseUrl },
      body: PNG,
    });
    expect(again.status).toBe(200);
    for (const node of nodes) expect((await fetch(`${node.baseUrl}${photoUrl}`)).status, node.name).toBe(404);
  }, 60_000);

  it('100 voucher checkouts on one small quota over three nodes: never overdrawn, the ledger balanced', async () => {
    const admin = await signIn(nodes[0]!, 'admin@demo.test');
    const researcher = await signIn(nodes[1]!, 'researcher@demo.test');
    const quotaId = await quotaOf(nodes[0]!, admin, 'A', 300_000);
    const requests = await freeHours(nodes[0]!, 100, 2);
    const results = await Promise.all(
      requests.map((r, i) =>
        call(nodes[i % 3]!, researcher, 'POST', '/bookings', {
          mode: 'machine_time',
          ...r,
          useVoucher: true,
          quotaId,
          paymentToken: 'tok_visa',
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const created = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    const other = results.filter((r) => r.status !== 201 && r.status !== 409);
    expect(
      created.length + refused.length,
      `statuses: ${[...new Set(statuses)].join(', ')}: ${JSON.stringify(other.slice(0, 3))}\n${nodes.map((n) => n.output().slice(-3000)).join('\n')}`,
    ).toBe(100);
    expect(created.length).toBeGreaterThan(3);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.body!.reason).toBe('voucher_exhausted');
    // Held on the card now, or (a service more than 6 days out) the card saved to be authorised before it.
    for (const r of created)
      expect(['authorised', 'scheduled']).toContain((r.body!.payment as { status: string }).status);
    const held = created.reduce((sum, r) => sum + (r.body!.voucherUse as { reservedFen: number }).reservedFen, 0);
    expect(held).toBeLessThanOrEqual(300_000);
    const account = await quotaAccount(quotaId);
    expect(account.pending).toBe(held);
    expect(account.available).toBe(300_000 - held);
    await expectMoneyInvariants(db);
  }, 120_000);

  it('a node killed mid-checkout, then the node recovering killed mid-recovery: the last node finishes everything', async () => {
    const [first, second, third] = nodes as [Node, Node, Node];
    const admin = await signIn(first, 'admin@demo.test');
    const researcher = await signIn(first, 'researcher@demo.test');
    // Enough for every checkout: each one writes its intent (booking, voucher hold, payment).
    const quotaId = await quotaOf(first, admin, 'B', 50_000_000);
    const requests = await freeHours(first, 60, 2);
    const before = await db.value<number>(`SELECT COALESCE(MAX(id), 0) FROM payments`);

    // The processor answers late (it acts at once): the checkouts wait between their intent and
    // its answer — and the third node dies there, some of its authorisations made but not recorded.
    // Long enough for every intent to be written first: intents on one quota commit one after another.
    stripeDelayMs = 10_000;
    const storm = Promise.all(
      requests.map((r, i) =>
        call(nodes[i % 3]!, researcher, 'POST', '/bookings', {
          mode: 'machine_time',
          ...r,
          useVoucher: true,
          quotaId,
          paymentToken: 'tok_visa',
        }),
      ),
    );
    // Intents on one quota commit one after another (serializable writes, retried): once two thirds
    // are written, the third node holds several checkouts between intent and answer. Kill it there.
    const waitUntil = Date.now() + 60_000;
    while (
      Date.now() < waitUntil &&
      (await db.value<number>(`SELECT COUNT(*) FROM payments WHERE id > ?`, [before]))! < (requests.length * 2) / 3
    ) {
      await sleep(20);
    }
    await kill(third);
    // The others' checkouts end; recovery from now on meets each processor call 300 ms late.
    stripeDelayMs = 300;
    const results = await storm;
    const statuses = results.map((r) => r.status);
    // 0: asked of the killed node; 503: a write that stayed busy under the load (nothing written).
    expect(
      statuses.every((s) => s === 0 || s === 201 || s === 503),
      `statuses: ${[...new Set(statuses)].join(', ')}: ${JSON.stringify(results.filter((r) => r.status > 201).slice(0, 3))}\n${nodes.map((n) => n.output().slice(-3000)).join('\n')}`,
    ).toBe(true);
    const lost = statuses.filter((s) => s === 0).length;
    expect(lost).toBeGreaterThan(0);
    expect(lost).toBeLessThanOrEqual(requests.length / 3);
    const leftOpen = (await db.value<number>(
      `SELECT COUNT(*) FROM payments WHERE status IN ('authorising', 'saving_card')`,
    ))!;
    expect(leftOpen, 'the killed node left checkouts between intent and authorisation').toBeGreaterThan(0);
    expect(leftOpen).toBeLessThanOrEqual(lost);

    // The payment recovery takes them once they are a minute old. Kill the node running it, mid-run.
    let recovering: Node | undefined;
    const deadline = Date.now() + 150_000;
    while (!recovering && Date.now() < deadline) {
      const holder = await db.value<string | null>(
        `SELECT holder FROM job_leases WHERE name = 'payment-recovery' AND holder IS NOT NULL`,
      );
      const open = await db.value<number>(
        `SELECT COUNT(*) FROM payments WHERE status IN ('authorising', 'saving_card') AND created_at < ?`,
        [Date.now() - 60_000],
      );
      if (holder && open) recovering = live().find((n) => holder.includes(`/${n.pid}/`));
      if (!recovering) await sleep(10);
    }
    expect(recovering, 'a live node ran the recovery while payments were open').toBeDefined();
    await kill(recovering!);
    const last = live();
    expect(last).toHaveLength(1);
    expect([first, second]).toContain(last[0]);

    // The last node takes the recovery over once the dead node's lease has run out (30 s).
    const until = Date.now() + 150_000;
    for (;;) {
      const open = await db.value<number>(
        `SELECT COUNT(*) FROM payments WHERE status IN ('authorising', 'saving_card') OR pending_action IS NOT NULL`,
      );
      if (!open) break;
      if (Date.now() > until) throw new Error(`${open} payments still open:\n${last[0]!.output().slice(-4000)}`);
      await sleep(500);
    }
    stripeDelayMs = 0;

    // Nothing half done.
    expect(await db.value(`SELECT COUNT(*) FROM bookings WHERE status = 'pending_payment'`)).toBe(0);
    const payments = await db.all<{ id: number; status: string; chargeId: string | null }>(
      `SELECT id, status, charge_id AS "chargeId" FROM payments`,
    );
    const byId = new Map(payments.map((p) => [String(p.id), p]));
    for (const c of await processorCharges()) {
      const p = byId.get(c.metadata.payment_id ?? '');
      expect(p, `charge ${c.id} of payment ${c.metadata.payment_id} is recorded`).toBeDefined();
      const held = c.status === 'succeeded' && !c.captured && c.refundedFen < c.amountFen;
      if (held)
        expect(p, `charge ${c.id} is held: its payment is authorised with it`).toMatchObject({
          status: 'authorised',
          chargeId: c.id,
        });
    }
    const account = await quotaAccount(quotaId);
    expect(account.available).toBeGreaterThanOrEqual(0);
    expect(account.pending).toBe(
      await db.value<number>(
        `SELECT COALESCE(SUM(reserved_fen), 0) FROM voucher_uses WHERE quota_id = ? AND status = 'reserved'`,
        [quotaId],
      ),
    );
    // Every voucher hold belongs to a live booking with its card authorised.
    const dangling = await db.all(
      `SELECT u.id FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id LEFT JOIN payments p ON p.booking_id = b.id
       WHERE u.status = 'reserved' AND (b.status NOT IN ('requested', 'approved', 'in_progress') OR p.status NOT IN ('authorised', 'scheduled'))`,
    );
    expect(dangling).toEqual([]);
    await expectMoneyInvariants(db);
    // The last node still serves.
    expect((await fetch(`${last[0]!.baseUrl}/api/v1/health`)).status).toBe(200);
  }, 400_000);
});
