/**
 * npm run bench:booking — booking requests per second through HTTP, with conflict checks, on a
 * database of 100,000 instruments and 1,000,000 existing bookings; next to the raw SQLite
 * check-and-insert rate measured in the same run; and p95 availability for a 60-day window (timed by a
 * lean client, latency.ts, and at rest by Node's http client too).
 *
 * The server runs as its own process (as deployed), the load comes from this one over loopback
 * with BENCH_CONCURRENCY requests in flight. The database is kept in the temp folder and reused.
 *
 * The requests are made by a bench user of its own (bench@bench.test, in an enterprise of its own,
 * added when missing) who books without vouchers or cards, so nothing of its bookings is in the
 * ledger. Each run books two working days after the ones earlier runs booked: nothing has to be
 * deleted between runs. Only when those days reach the booking horizon are the bench user's own
 * bookings forgotten — and never one that a payment, voucher use, ledger transfer or settlement
 * line refers to (the demo researcher's history has all of those, and the ledger is immutable).
 *
 * PostgreSQL (BENCH_ENGINE=postgres, issue 12): the database is a copy of the SQLite file in a
 * database of its own, `isp_bench_booking_<instruments>_<bookings>` on BENCH_DATABASE_URL's server
 * (test/bench/postgres-bench.ts), reused like the file. BENCH_NODES server processes (nodes, as on
 * separate machines: each its own port, all on the one database and one Stripe endpoint) serve the
 * requests, spread over them in turn. The raw baseline is the same check-and-insert through `pg`
 * in one READ COMMITTED transaction (the app's for a booking without money): serially on one connection, and
 * BENCH_CONCURRENCY at once on a pool, as several nodes write.
 *
 * After the run, on either engine: no two active bookings of an instrument overlap, the ledger
 * balances and no quota is overdrawn; otherwise the bench fails (exit code 1).
 *
 * Sizes (environment): BENCH_INSTRUMENTS, BENCH_BOOKINGS (the database), BENCH_REQUESTS (booking
 * requests), BENCH_CONCURRENCY, BENCH_WORKERS (server processes of one node), BENCH_NODES
 * (PostgreSQL: server nodes, default 1), BENCH_RAW (raw check-and-inserts), BENCH_AVAILABILITY
 * (availability requests), BENCH_DB (the SQLite file), BENCH_ENGINE and BENCH_DATABASE_URL (above),
 * BENCH_RESULTS_DIR (where the JSON results go, default test-results: bench-booking.json on SQLite,
 * bench-booking-postgres-<nodes>.json on PostgreSQL; both name their engine and nodes),
 * BENCH_PROFILE_DIR (the servers' CPU profiles).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { migrateDatabase, openSqlite, PostgresDatabase, SqliteDatabase, type Database } from '../../db/client.ts';
import { organisations, users } from '../../db/schema/index.ts';
import { seedDemo, seedHolidays, seedReference } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';
import { hashPassword } from '../../server/modules/auth/password.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/rules.ts';
import { Ledger, type LedgerCheck } from '../../server/modules/ledger/ledger.ts';
import { startLocalStripe } from '../../server/modules/payments/local-stripe.ts';
import { leanLatencies } from './latency.ts';
import { benchEngine, benchDatabase } from './postgres-bench.ts';

const INSTRUMENTS = Number(process.env.BENCH_INSTRUMENTS ?? 100_000);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const ENGINE = benchEngine();
const NODES = Number(process.env.BENCH_NODES ?? 1);
// PostgreSQL commits each raw transaction to disk (~5 ms a commit here, serially): fewer, for a run of reasonable length.
const RAW = Number(process.env.BENCH_RAW ?? (ENGINE === 'postgres' ? 5000 : 20_000));
// Per run (right after the burst, at rest): a p95 of 280 was its 14th slowest, moved 2 ms by one collection more or less.
const AVAILABILITY = Number(process.env.BENCH_AVAILABILITY ?? 1000);
const RESULTS = process.env.BENCH_RESULTS_DIR ?? 'test-results';
const file = process.env.BENCH_DB ?? path.join(os.tmpdir(), `isp-bench-booking-${INSTRUMENTS}-${BOOKINGS}.db`);
const ZONE = 'Asia/Shanghai';
const H = 3_600_000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The checkout whose server is measured (default: this one). Point it at a `git worktree` of an
 * earlier commit to compare two versions of the server with the same load and the same database.
 */
const serverRoot = process.env.BENCH_SERVER_ROOT ? path.resolve(process.env.BENCH_SERVER_ROOT) : root;

const BENCH_EMAIL = 'bench@bench.test';
const BENCH_PASSWORD = 'bench-pass-2025';
/** What the raw baseline's rows say in `purpose`: only they are deleted after it (or after a crash). */
const RAW_PURPOSE = 'bench:raw';

if (!Number.isInteger(NODES) || NODES < 1) throw new Error(`BENCH_NODES is a number of server nodes: ${NODES}`);
if (ENGINE === 'sqlite' && NODES > 1) {
  throw new Error('BENCH_NODES is for PostgreSQL (BENCH_ENGINE=postgres); SQLite has BENCH_WORKERS');
}

/** The database on the engine measured: on PostgreSQL a copy of the SQLite file, made once and reused. */
const prepare = () => benchDatabase(`isp_bench_booking_${INSTRUMENTS}_${BOOKINGS}`, file, prepareSqlite);

async function prepareSqlite(): Promise<SqliteDatabase> {
  if (fs.existsSync(file)) {
    const db = openSqlite(file);
    await migrateDatabase(db);
    const n = (await db.value<number>('SELECT count(*) FROM bookings'))!;
    if (n >= BOOKINGS) {
      console.log(`Reusing ${file} (${n.toLocaleString()} bookings)`);
      return db;
    }
    await db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const db = openSqlite(file);
  await migrateDatabase(db);
  const t0 = performance.now();
  db.client.pragma('synchronous = OFF');
  await seedReference(db);
  await seedDemo(db, { instruments: INSTRUMENTS, seed: 7 });
  console.log(
    `Seeded ${INSTRUMENTS.toLocaleString()} instruments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const t1 = performance.now();
  seedHistory(db);
  db.client.pragma('synchronous = NORMAL');
  db.client.exec('ANALYZE');
  console.log(
    `Wrote ${BOOKINGS.toLocaleString()} past and future bookings in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
  return db;
}

/**
 * A year of finished bookings and the coming weeks' active ones, spread over the instruments
 * (bulk-loaded straight through better-sqlite3, like the seed).
 */
function seedHistory(db: SqliteDatabase) {
  const sqlite = db.client;
  const rng = mulberry32(11);
  const people = sqlite
    .prepare(
      `SELECT u.id, u.organisation_id AS org FROM users u WHERE u.role = 'researcher' AND u.email != 'researcher@demo.test'`,
    )
    .all() as { id: number; org: number }[];
  const instruments = sqlite.prepare('SELECT id, institution_id AS inst FROM instruments').all() as {
    id: number;
    inst: number;
  }[];
  const insert = sqlite.prepare(
    `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status,
       start_at, end_at, block_start_at, block_end_at, urgent, user_type, quoted_fen, price_lines, final_fen,
       created_at, updated_at) VALUES (?, ?, ?, ?, 'machine_time', ?, ?, ?, ?, ?, 0, 'enterprise', ?, '[]', ?, ?, ?)`,
  );
  const today = DateTime.now().setZone(ZONE).startOf('day');
  const perInstrument = Math.max(1, Math.round(BOOKINGS / instruments.length));
  let written = 0;
  const batch = sqlite.transaction((slice: { id: number; inst: number }[]) => {
    for (const inst of slice) {
      for (let k = 0; k < perInstrument && written < BOOKINGS; k++, written++) {
        // Each booking on its own day so none overlap: most in the past year, a few ahead.
        const dayOffset = k < perInstrument - 1 ? -(k * 33 + 1 + Math.floor(rng() * 30)) : 20 + Math.floor(rng() * 30);
        const start = today
          .plus({ days: dayOffset })
          .set({ hour: 9 + Math.floor(rng() * 3) })
          .toMillis();
        const end = start + 3_600_000;
        const person = people[Math.floor(rng() * people.length)]!;
        const status = dayOffset < 0 ? 'completed' : 'approved';
        const fen = 20_000 + Math.floor(rng() * 80_000);
        insert.run(
          inst.id,
          inst.inst,
          person.id,
          person.org,
          status,
          start,
          end,
          start,
          end,
          fen,
          dayOffset < 0 ? fen : null,
          start - 7 * 86_400_000,
          start,
        );
      }
    }
  });
  for (let i = 0; i < instruments.length && written < BOOKINGS; i += 5000) batch(instruments.slice(i, i + 5000));
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; null elsewhere). */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return null;
  }
}

/**
 * The mail server the platform sends to, outside it as in production (by default the server runs a
 * local one in its own process, whose parsing of every message would be counted as the platform's).
 * It takes every message and throws it away.
 */
async function mailSink(): Promise<{ url: string; close: () => void }> {
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  // The server's pooled connections are cut when it stops: that is the end of the run, not an error.
  sink.on('error', () => undefined);
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`,
    close: () => sink.close(() => undefined),
  };
}

interface ServerNode {
  port: number;
  pid: number | undefined;
  stop: () => Promise<void>;
}

/**
 * A server process, on a port the system picks (read back from its first words): no port is guessed.
 * `database` is its database (DATABASE_PATH, or DATABASE_URL and the Stripe endpoint the nodes share).
 */
function startServer(smtpUrl: string, database: Record<string, string>): Promise<ServerNode> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  // A DATABASE_URL of the shell running the bench is not the bench's database.
  const { DATABASE_URL: _theShells, ...inherited } = process.env;
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    cwd: serverRoot,
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      SEED_DEMO: '0',
      SMTP_URL: smtpUrl,
      WORKERS: String(WORKERS),
      ...database,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Stopped when it has exited: its database and local Stripe files may be removed then.
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let said = ''; // until it is ready; what it says after that is not kept
    let ready = false;
    child.stdout!.on('data', (d: Buffer) => {
      if (ready) return;
      said += d.toString();
      const listening = /Instrument sharing platform on http:\/\/[^\s:]+:(\d+)/.exec(said);
      if (!listening) return;
      ready = true;
      resolve({ port: Number(listening[1]), stop, pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${said}`)));
  });
}

/**
 * The servers measured: on SQLite one (with BENCH_WORKERS processes), on PostgreSQL BENCH_NODES
 * nodes. The first node starts alone (it migrates and catches the statistics up), then the others.
 * The nodes share one Stripe endpoint, started here, as nodes on separate machines share the
 * processor (the bench books by invoice: nothing is sent to it during the run).
 */
async function startServers(
  db: Database,
  smtpUrl: string,
): Promise<{ nodes: ServerNode[]; stop: () => Promise<void> }> {
  if (db instanceof SqliteDatabase) {
    const node = await startServer(smtpUrl, { DATABASE_PATH: file });
    return { nodes: [node], stop: node.stop };
  }
  if (!(db instanceof PostgresDatabase)) throw new Error(`no bench servers for the ${db.engine} engine`);
  const stripe = await startLocalStripe();
  const env = { DATABASE_URL: db.url, STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: 'sk_test_bench_nodes' };
  const nodes: ServerNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await stripe.close();
  };
  try {
    nodes.push(await startServer(smtpUrl, env));
    const others = await Promise.allSettled(Array.from({ length: NODES - 1 }, () => startServer(smtpUrl, env)));
    for (const o of others) if (o.status === 'fulfilled') nodes.push(o.value);
    const failed = others.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
/**
 * Requests sent again because the server had closed the idle keep-alive connection they were sent on
 * (the server never read them): with several nodes, a node's idle connections outlive its 5 s
 * keep-alive timeout while the others are busy.
 */
let resent = 0;
type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };
async function call(port: number, method: string, pathname: string, body?: unknown, cookie?: string): Promise<Answer> {
  try {
    return await callOnce(port, method, pathname, body, cookie);
  } catch (err) {
    if (
      (err as { code?: string; reusedSocket?: boolean }).code !== 'ECONNRESET' ||
      !(err as { reusedSocket?: boolean }).reusedSocket
    ) {
      throw err;
    }
    resent++;
    return callOnce(port, method, pathname, body, cookie);
  }
}
function callOnce(port: number, method: string, pathname: string, body?: unknown, cookie?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: pathname,
        agent,
        headers: { ...(data && { 'content-type': 'application/json' }), ...(cookie && { cookie }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), headers: res.headers }),
        );
      },
    );
    // Only a request sent on a kept-alive connection that the server closed in the meantime may go again.
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(data);
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;

/** The bench user, added with an enterprise of its own when missing. */
async function benchUser(db: Database): Promise<{ id: number; org: number }> {
  const found = await db.get<{ id: number; org: number }>(
    'SELECT id, organisation_id AS org FROM users WHERE email = ?',
    [BENCH_EMAIL],
  );
  if (found) return found;
  const passwordHash = await hashPassword(BENCH_PASSWORD); // before the transaction: it is slow
  const now = Date.now();
  return db.write(async (tx) => {
    const org = await tx.orm
      .insert(organisations)
      .values({
        kind: 'enterprise',
        name: '基准测试企业',
        nameEn: 'Benchmark enterprise',
        cityCode: '370100',
        createdAt: now,
      })
      .returning({ id: organisations.id })
      .get();
    const user = await tx.orm
      .insert(users)
      .values({
        email: BENCH_EMAIL,
        passwordHash,
        displayName: 'Benchmark',
        role: 'researcher',
        organisationId: org.id,
        createdAt: now,
        emailVerifiedAt: now,
        passwordChangedAt: now,
      })
      .returning({ id: users.id })
      .get();
    return { id: user.id, org: org.id };
  });
}

/**
 * The bench user's bookings that nothing refers to: no payment, voucher use, ledger transfer or
 * settlement line. The bench books without cards and vouchers, so that is all of them; the guard
 * keeps a booking the ledger refers to from ever being deleted, whatever happened to it.
 */
const FORGETTABLE_SQL = `SELECT b.id FROM bookings b WHERE b.requester_id = ?
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.booking_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM voucher_uses v WHERE v.booking_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.booking_id = b.id)
  AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.booking_id = b.id)`;

/**
 * Deletes the bench user's bookings that nothing refers to (all, or only those of one `purpose`),
 * with their events, their notifications and those notifications' mail.
 */
async function forget(db: Database, bench: number, purpose?: string): Promise<number> {
  if (db.engine === 'postgres') return forgetPostgres(db, bench, purpose);
  return db.write(async (tx) => {
    await tx.run(`CREATE TEMP TABLE IF NOT EXISTS bench_forget (id INTEGER PRIMARY KEY)`);
    await tx.run('DELETE FROM temp.bench_forget');
    if (purpose === undefined) await tx.run(`INSERT INTO temp.bench_forget (id) ${FORGETTABLE_SQL}`, [bench]);
    else await tx.run(`INSERT INTO temp.bench_forget (id) ${FORGETTABLE_SQL} AND b.purpose = ?`, [bench, purpose]);
    const told = `SELECT n.id FROM notifications n
      WHERE json_extract(n.data, '$.bookingId') IN (SELECT id FROM temp.bench_forget)`;
    await tx.run(`DELETE FROM outbox WHERE notification_id IN (${told})`);
    await tx.run(`DELETE FROM notifications WHERE id IN (${told})`);
    await tx.run('DELETE FROM booking_events WHERE booking_id IN (SELECT id FROM temp.bench_forget)');
    const { changes } = await tx.run('DELETE FROM bookings WHERE id IN (SELECT id FROM temp.bench_forget)');
    await tx.run('DELETE FROM temp.bench_forget');
    return changes;
  });
}

/**
 * The same on PostgreSQL, without a temp table (the pool's connections would each keep one): the
 * bookings are named by the same query in every statement, and deleted last, so it names the same
 * ones each time.
 */
async function forgetPostgres(db: Database, bench: number, purpose?: string): Promise<number> {
  const ids = purpose === undefined ? FORGETTABLE_SQL : `${FORGETTABLE_SQL} AND b.purpose = ?`;
  const params = purpose === undefined ? [bench] : [bench, purpose];
  return db.write(async (tx) => {
    const told = `SELECT n.id FROM notifications n WHERE (n.data->>'bookingId')::bigint IN (${ids})`;
    await tx.run(`DELETE FROM outbox WHERE notification_id IN (${told})`, params);
    await tx.run(`DELETE FROM notifications WHERE id IN (${told})`, params);
    await tx.run(`DELETE FROM booking_events WHERE booking_id IN (${ids})`, params);
    return (await tx.run(`DELETE FROM bookings WHERE id IN (${ids})`, params)).changes;
  });
}

/**
 * Two working days for this run's requests: the first after the days earlier runs booked (at least
 * three days ahead, past the notice), skipping holidays. When they would reach the booking horizon,
 * the bench user's earlier bookings are forgotten and the days start again.
 */
async function bookingDays(db: Database, bench: number): Promise<DateTime[]> {
  const today = DateTime.now().setZone(ZONE).startOf('day');
  const off = new Set(await db.column<string>(`SELECT date FROM holidays WHERE kind = 'off'`));
  const pick = (from: DateTime) => {
    const days: DateTime[] = [];
    for (let day = from; days.length < 2; day = day.plus({ days: 1 })) {
      if (day.weekday <= 5 && !off.has(day.toISODate()!)) days.push(day);
    }
    return days;
  };
  const earliest = today.plus({ days: 3 });
  const last = await db.value<number | null>(
    `SELECT max(start_at) FROM bookings WHERE requester_id = ? AND (purpose IS NULL OR purpose != ?)`,
    [bench, RAW_PURPOSE],
  );
  const after = last ? DateTime.fromMillis(last).setZone(ZONE).startOf('day').plus({ days: 1 }) : earliest;
  const days = pick(after > earliest ? after : earliest);
  if (days[1]! < today.plus({ days: DEFAULT_SCHEDULE.horizonDays - 1 })) return days;
  const n = await forget(db, bench);
  console.log(`Earlier runs booked up to the horizon: forgot the bench user's ${n.toLocaleString()} bookings`);
  return pick(earliest);
}

/** Bookable targets: hourly-priced, external, working instruments on the default schedule; two working days' 9:00 and 14:00. */
async function targets(db: Database, n: number, days: DateTime[]) {
  const ids = await db.column<number>(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
     LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
     WHERE r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' AND s.instrument_id IS NULL
     ORDER BY i.id LIMIT ?`,
    [Math.ceil(n / 4)],
  );
  const out: { instrumentId: number; start: string; end: string }[] = [];
  for (const id of ids) {
    for (const d of days) {
      for (const hour of [9, 14]) {
        const start = d.set({ hour });
        out.push({ instrumentId: id, start: start.toISO()!, end: start.plus({ hours: 1 }).toISO()! });
      }
    }
  }
  return { ids, slots: out.slice(0, n) };
}

/**
 * Raw SQLite: the same check-then-insert, in an IMMEDIATE transaction, without the app around it
 * (better-sqlite3 on the port's write connection, nothing else running). Its rows are the bench
 * user's, marked, and deleted after it.
 */
function rawRate(db: SqliteDatabase, ids: number[], bench: { id: number; org: number }): number {
  const sqlite = db.client;
  const overlap = sqlite.prepare(
    `SELECT 1 FROM bookings WHERE instrument_id = ? AND block_start_at < ? AND block_end_at > ?
       AND status IN ('requested', 'approved', 'in_progress') LIMIT 1`,
  );
  const insert = sqlite.prepare(
    `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status, start_at,
       end_at, block_start_at, block_end_at, urgent, user_type, quoted_fen, price_lines, purpose, created_at, updated_at)
     VALUES (?, 1, ?, ?, 'machine_time', 'requested', ?, ?, ?, ?, 0, 'enterprise', 10000, '[]', ?, ?, ?)`,
  );
  const event = sqlite.prepare(
    `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at) VALUES (?, NULL, 'requested', ?, ?)`,
  );
  const book = sqlite.transaction((id: number, start: number) => {
    if (overlap.get(id, start + 3_600_000, start)) return false;
    const r = insert.run(
      id,
      bench.id,
      bench.org,
      start,
      start + 3_600_000,
      start,
      start + 3_600_000,
      RAW_PURPOSE,
      Date.now(),
      Date.now(),
    );
    event.run(r.lastInsertRowid, bench.id, Date.now());
    return true;
  });
  const base = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 40 }).toMillis();
  const t0 = performance.now();
  for (let i = 0; i < RAW; i++) book.immediate(ids[i % ids.length]!, base + Math.floor(i / ids.length) * 7_200_000);
  return RAW / ((performance.now() - t0) / 1000);
}

/** The raw check-and-insert on PostgreSQL, in `pg`'s numbered placeholders. */
const PG_RAW = {
  overlap: `SELECT 1 FROM bookings WHERE instrument_id = $1 AND block_start_at < $2 AND block_end_at > $3
    AND status IN ('requested', 'approved', 'in_progress') LIMIT 1`,
  insert: `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status,
      start_at, end_at, block_start_at, block_end_at, urgent, user_type, quoted_fen, price_lines, purpose, created_at,
      updated_at)
    VALUES ($1, 1, $2, $3, 'machine_time', 'requested', $4, $5, $4, $5, false, 'enterprise', 10000, '[]', $6, $7, $7)
    RETURNING id`,
  event: `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at) VALUES ($1, NULL, 'requested', $2, $3)`,
};

interface RawResult {
  rate: number;
  booked: number;
  /** The time was taken: found by the check, or refused by the exclusion constraint (23P01). */
  refused: number;
  /** Transactions PostgreSQL aborted (serialization failure, deadlock) and that were run again. */
  retries: number;
  /**
   * Of those, the ones aborted because the server's shared memory for serializable transactions'
   * conflicts ran out (53200: "run fewer transactions at a time or increase max_connections").
   */
  outOfSharedMemory: number;
}

/**
 * Raw PostgreSQL: the same check-then-insert in one READ COMMITTED transaction (the isolation the
 * app writes a booking without money at, checkout/book.ts; the exclusion constraint refuses what the
 * check missed) through `pg` directly, each statement prepared once per
 * connection. `inFlight` 1: serially on one connection, like SQLite's; more: that many at once on a
 * pool of as many connections, each transaction on a client taken from the pool and given back (as
 * the app does). Aborted transactions run again after the app's random pause (and so do those that found
 * the server out of shared memory for serializable conflicts, counted apart). Its rows are the bench
 * user's, marked, and deleted after it.
 */
async function rawPostgres(
  url: string,
  ids: number[],
  bench: { id: number; org: number },
  inFlight: number,
): Promise<RawResult> {
  const pool = new pg.Pool({ connectionString: url, max: inFlight });
  pool.on('error', () => undefined);
  const result: RawResult = { rate: 0, booked: 0, refused: 0, retries: 0, outOfSharedMemory: 0 };
  const book = async (client: pg.PoolClient, id: number, start: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
        const busy = await client.query({ name: 'raw-overlap', text: PG_RAW.overlap, values: [id, start + H, start] });
        if (busy.rowCount) {
          await client.query('ROLLBACK');
          result.refused++;
          return;
        }
        const now = Date.now();
        const r = await client.query<{ id: string }>({
          name: 'raw-insert',
          text: PG_RAW.insert,
          values: [id, bench.id, bench.org, start, start + H, RAW_PURPOSE, now],
        });
        await client.query({ name: 'raw-event', text: PG_RAW.event, values: [r.rows[0]!.id, bench.id, now] });
        await client.query('COMMIT');
        result.booked++;
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: string }).code;
        if (code === '23P01') {
          result.refused++;
          return;
        }
        if (code !== '40001' && code !== '40P01' && code !== '53200') throw err;
        result.retries++;
        if (code === '53200') result.outOfSharedMemory++;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(512, 2 ** attempt)));
      }
    }
  };
  try {
    // The connections are opened before the clock starts.
    const warm = await Promise.all(Array.from({ length: inFlight }, () => pool.connect()));
    for (const c of warm) c.release();
    const base = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 40 }).toMillis();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < RAW) {
          const i = next++;
          const client = await pool.connect();
          try {
            await book(client, ids[i % ids.length]!, base + Math.floor(i / ids.length) * 7_200_000);
          } finally {
            client.release();
          }
        }
      }),
    );
    result.rate = RAW / ((performance.now() - t0) / 1000);
    return result;
  } finally {
    await pool.end();
  }
}

/** Active bookings hold their time (the statuses of PostgreSQL's exclusion constraint and of the app's checks). */
const ACTIVE = `('pending_payment', 'requested', 'approved', 'in_progress')`;

/**
 * What must hold after the run, on either engine: no two active bookings of an instrument overlap,
 * the ledger balances (every cached balance equals its transfers, debits = credits, nothing settled
 * twice, no capped account overdrawn) and every voucher quota's hold equals its reserved uses and
 * leaves a balance of zero or more (test/support/money.ts checks the same in the tests).
 */
async function invariants(db: Database): Promise<{ overlaps: number; ledger: LedgerCheck; quotaProblems: number }> {
  const overlaps = Number(
    await db.value(
      `SELECT count(*) FROM bookings a JOIN bookings b ON b.instrument_id = a.instrument_id AND b.id > a.id
         AND b.block_start_at < a.block_end_at AND b.block_end_at > a.block_start_at
       WHERE a.status IN ${ACTIVE} AND b.status IN ${ACTIVE}`,
    ),
  );
  const ledger = await new Ledger(db).check();
  const quotaProblems = Number(
    await db.value(
      `SELECT count(*) FROM (
         SELECT a.debits_pending_fen AS held,
           (SELECT COALESCE(SUM(reserved_fen), 0) FROM voucher_uses u WHERE u.quota_id = q.id AND u.status = 'reserved') AS reserved,
           a.credits_posted_fen - a.debits_posted_fen - a.debits_pending_fen AS available
         FROM voucher_quotas q JOIN ledger_accounts a ON a.code = 'quota:' || q.id) AS quotas
       WHERE held != reserved OR available < 0`,
    ),
  );
  return { overlaps, ledger, quotaProblems };
}

/**
 * Waits (untimed) until the servers' statistics refresh has no instrument-month marked dirty: on a
 * freshly built database the catch-up of the seeded bookings' marks is start-up work, not the
 * booking requests' (the marks the requests themselves add are refreshed during the load, and counted).
 */
async function statisticsCaughtUp(db: Database): Promise<void> {
  const t0 = performance.now();
  let left = Number(await db.value('SELECT count(*) FROM stats_dirty'));
  const before = left;
  while (left > 0) {
    if (performance.now() - t0 > 30 * 60_000) throw new Error(`statistics still have ${left} dirty marks after 30 min`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = Number(await db.value('SELECT count(*) FROM stats_dirty'));
  }
  console.log(
    `Statistics caught up before the load: ${before.toLocaleString()} dirty marks waited for, ${((performance.now() - t0) / 1000).toFixed(1)} s (not measured)`,
  );
}

/**
 * Waits until the server has fanned out every notification event and sent (or given up on) every email
 * of the burst; returns how long that took (seconds).
 */
async function backlogDrained(db: Database, since: number): Promise<number> {
  const t0 = performance.now();
  const left = async () =>
    Number(await db.value('SELECT count(*) FROM notification_events')) +
    // The burst's own emails; one waiting for a later attempt (its server refused it) is not backlog.
    Number(
      await db.value(
        `SELECT count(*) FROM outbox WHERE created_at >= ? AND (status = 'sending' OR (status = 'pending' AND next_attempt_at <= ?))`,
        [since, Date.now()],
      ),
    );
  while ((await left()) > 0) {
    if (performance.now() - t0 > 10 * 60_000) throw new Error('the notifications and emails were not out after 10 min');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return (performance.now() - t0) / 1000;
}

/** CPU seconds of processes (null when one of them cannot be read). */
function cpuOf(pids: (number | undefined)[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s === null) return null;
    sum += s;
  }
  return sum;
}

/**
 * The PostgreSQL backends serving the bench database (its nodes' pools and this process's), with the
 * CPU each has used: read before and after the load, the difference is the database's own work for
 * it (backends that ended in between are missed; a new one counts from its start). Empty when the
 * server's processes cannot be read (another machine).
 */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  const pids = await db.column<number>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const out = new Map<number, number>();
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s !== null) out.set(pid, s);
  }
  return out;
}

/** Commits and rollbacks in the bench database so far (PostgreSQL's statistics). */
async function transactions(db: Database): Promise<{ commits: number; rollbacks: number }> {
  return (await db.get<{ commits: number; rollbacks: number }>(
    `SELECT xact_commit AS commits, xact_rollback AS rollbacks FROM pg_stat_database WHERE datname = current_database()`,
  ))!;
}

async function main() {
  const db = await prepare();
  await seedHolidays(db); // (the server adds them too; the days chosen here skip them)
  const bench = await benchUser(db);
  // A raw baseline a crash interrupted left its rows.
  await forget(db, bench.id, RAW_PURPOSE);
  // Mail about the bench user's bookings that a killed server left undelivered would go out during this run.
  const bookingOf = db.engine === 'postgres' ? `(n.data->>'bookingId')::bigint` : `json_extract(n.data, '$.bookingId')`;
  await db.run(
    `DELETE FROM outbox WHERE status IN ('pending', 'sending') AND notification_id IN (
       SELECT n.id FROM notifications n JOIN bookings b ON b.id = ${bookingOf}
       WHERE b.requester_id = ?)`,
    [bench.id],
  );
  // And events of its bookings a killed server left untold (notifications/fan-out.ts).
  await db.run(`DELETE FROM notification_events WHERE subject_id IN (SELECT id FROM bookings WHERE requester_id = ?)`, [
    bench.id,
  ]);
  const days = await bookingDays(db, bench.id);
  const { ids, slots } = await targets(db, REQUESTS, days);
  let raw: number;
  let rawConcurrent: RawResult | null = null;
  let rawSerial: RawResult | null = null;
  if (db instanceof SqliteDatabase) {
    raw = rawRate(db, ids, bench);
    await forget(db, bench.id, RAW_PURPOSE);
  } else {
    const url = (db as PostgresDatabase).url;
    rawSerial = await rawPostgres(url, ids, bench, 1);
    await forget(db, bench.id, RAW_PURPOSE);
    rawConcurrent = await rawPostgres(url, ids, bench, CONCURRENCY);
    await forget(db, bench.id, RAW_PURPOSE);
    raw = rawSerial.rate;
  }

  const mail = await mailSink();
  const servers = await startServers(db, mail.url);
  const ports = servers.nodes.map((n) => n.port);
  const pids = servers.nodes.map((n) => n.pid);
  await statisticsCaughtUp(db);
  // Request i goes to node i mod N.
  const portOf = (i: number) => ports[i % ports.length]!;
  let results: Record<string, unknown>;
  let stopped = false;
  try {
    const login = await call(ports[0]!, 'POST', '/api/v1/auth/login', { email: BENCH_EMAIL, password: BENCH_PASSWORD });
    if (login.status !== 200) throw new Error(`login ${login.status}: ${login.body}`);
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
    // Every 10th request repeats an earlier slot, so conflicts are checked for real.
    const load = slots.map((s, i) => (i % 10 === 9 ? slots[i - 5]! : s));
    const counts = new Map<number, number>();
    const pgBefore = db.engine === 'postgres' ? { cpu: await backendCpu(db), xacts: await transactions(db) } : null;
    let next = 0;
    const t0 = performance.now();
    const burstStart = Date.now();
    // Single processes only: with WORKERS the requests are served by their children.
    const cpu0 = WORKERS === 1 ? cpuOf(pids) : null;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < load.length) {
          const i = next++;
          const res = await call(portOf(i), 'POST', '/api/v1/bookings', { mode: 'machine_time', ...load[i]! }, cookie);
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const httpRate = load.length / seconds;
    // The servers' own CPU per request: steadier than the rate on a machine shared with other work.
    const cpu1 = WORKERS === 1 ? cpuOf(pids) : null;
    const cpuPerRequestUs = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / load.length) * 1e6;
    let dbCpuPerRequestUs: number | null = null;
    if (pgBefore) {
      const after = await backendCpu(db);
      let used = 0;
      for (const [pid, s] of after) used += s - (pgBefore.cpu.get(pid) ?? 0);
      dbCpuPerRequestUs = after.size ? (used / load.length) * 1e6 : null;
    }

    // The floor under any request here: the same load on an endpoint that does nothing.
    let pinged = 0;
    const tFloor = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (pinged < load.length) {
          const res = await call(portOf(pinged++), 'GET', '/api/v1/health');
          if (res.status !== 200) throw new Error(`health ${res.status}`);
        }
      }),
    );
    const floorRate = load.length / ((performance.now() - tFloor) / 1000);

    // Availability: 60-day windows of random instruments, one request at a time (the first few warm
    // up) — first right after the burst, while the server still fans out its notifications and sends
    // its emails, then again once that backlog is done (what a visitor meets on a server at rest).
    // Timed by a lean client (latency.ts); at rest also by Node's http client, as sittings before the tenth were.
    const rng = mulberry32(5);
    const from = DateTime.now().setZone(ZONE).startOf('day');
    const warmUp = Math.min(20, Math.floor(AVAILABILITY / 2));
    const window = new URLSearchParams({
      from: from.toISO()!,
      to: from.plus({ days: 60 }).toISO()!,
      durationMinutes: '60',
    });
    const availabilityPaths = () =>
      Array.from(
        { length: AVAILABILITY },
        () => `/api/v1/instruments/${ids[Math.floor(rng() * ids.length)]!}/availability?${window}`,
      );
    const availabilityRun = async () => {
      // Each node its share in turn, every node warmed up.
      const paths = availabilityPaths();
      const latencies: number[] = [];
      for (const [n, port] of ports.entries()) {
        const share = paths.filter((_, i) => i % ports.length === n);
        latencies.push(...(await leanLatencies(`http://127.0.0.1:${port}`, share, Math.ceil(warmUp / ports.length))));
      }
      return latencies;
    };
    const nodeClientRun = async () => {
      const latencies: number[] = [];
      for (const [i, path] of availabilityPaths().entries()) {
        const t = performance.now();
        const res = await call(portOf(i), 'GET', path);
        if (i >= warmUp) latencies.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`availability ${res.status}: ${res.body}`);
      }
      return latencies;
    };
    const latencies = await availabilityRun();
    const drainSeconds = await backlogDrained(db, burstStart);
    const quietLatencies = await availabilityRun();
    const quietNodeClient = await nodeClientRun();
    // Stopped before the checks: the database is quiet, and the nodes' backends have reported their statistics.
    await servers.stop();
    stopped = true;
    const xacts = pgBefore ? await transactions(db) : null;
    const bookings = (await db.value<number>('SELECT count(*) FROM bookings'))!;
    const where =
      db instanceof PostgresDatabase
        ? `, ${String(await db.value('SHOW server_version')).split(' ')[0]} PostgreSQL ${db.location}`
        : '';
    console.log(
      `\n${INSTRUMENTS.toLocaleString()} instruments, ${bookings.toLocaleString()} bookings, ${os.cpus().length} cores, Node ${process.version}${where}`,
    );
    const servedBy =
      ENGINE === 'postgres'
        ? `${NODES} server node${NODES > 1 ? 's' : ''} on PostgreSQL${WORKERS > 1 ? ` × ${WORKERS} processes` : ''}`
        : `${WORKERS} server process${WORKERS > 1 ? 'es' : ''}`;
    console.log(
      `booking requests through HTTP: ${httpRate.toFixed(0)}/s (${servedBy}, ${load.length} requests, ${CONCURRENCY} in flight; ` +
        `${[...counts].map(([s, n]) => `${n}×${s}`).join(', ')})` +
        '   target ≥ 1,500/s',
    );
    if (cpuPerRequestUs !== null) {
      const over = NODES > 1 ? `, summed over ${NODES} nodes` : '';
      console.log(
        `server CPU per booking request: ${cpuPerRequestUs.toFixed(0)} µs${over} (a core's worth of requests: ${(1e6 / cpuPerRequestUs).toFixed(0)}/s)`,
      );
    }
    if (dbCpuPerRequestUs !== null) {
      console.log(
        `PostgreSQL CPU per booking request: ${dbCpuPerRequestUs.toFixed(0)} µs (the bench database's backends)`,
      );
    }
    if (xacts && pgBefore) {
      const rollbacks = xacts.rollbacks - pgBefore.xacts.rollbacks;
      const refused = counts.get(409) ?? 0;
      console.log(
        `PostgreSQL transactions during the requests: ${(xacts.commits - pgBefore.xacts.commits).toLocaleString()} committed, ` +
          `${rollbacks.toLocaleString()} rolled back (${refused} of them the 409s; the rest aborted writes run again)`,
      );
    }
    console.log(
      `HTTP floor, GET /api/v1/health the same way: ${floorRate.toFixed(0)}/s (what HTTP alone allows on this machine${NODES > 1 ? `, ${NODES} nodes` : ''})`,
    );
    if (rawSerial && rawConcurrent) {
      const line = (r: RawResult, how: string) =>
        `${r.rate.toFixed(0)}/s (same database, ${how}, READ COMMITTED; ${r.booked} booked, ${r.refused} refused, ` +
        `${r.retries} retries (deadlocks, serialization)${r.outOfSharedMemory ? `, ${r.outOfSharedMemory} of them out of shared memory` : ''})` +
        `   HTTP/raw ${(httpRate / r.rate).toFixed(2)}`;
      console.log(`raw PostgreSQL check-and-insert, serial:  ${line(rawSerial, 'one connection')}`);
      console.log(
        `raw PostgreSQL check-and-insert, ${CONCURRENCY} in flight: ${line(rawConcurrent, `a pool of ${CONCURRENCY}`)}`,
      );
    } else {
      console.log(
        `raw SQLite check-and-insert:   ${raw.toFixed(0)}/s (same database, IMMEDIATE transactions)   HTTP/raw ${(httpRate / raw).toFixed(2)}`,
      );
    }
    // What one request can cost at best when HTTP and the write take turns: the floor's time plus the raw write's.
    const serialLimit = 1 / (1 / floorRate + 1 / raw);
    const ofLimit = httpRate / serialLimit;
    console.log(
      `serial limit 1/(1/health + 1/raw): ${serialLimit.toFixed(0)}/s; booking requests reach ${(ofLimit * 100).toFixed(0)} % of it` +
        `   target ≥ 60 % ${ofLimit >= 0.6 ? '✓' : '✗'}`,
    );
    if (cpuPerRequestUs !== null && ENGINE === 'sqlite') {
      console.log(`server CPU per booking request target ≤ 450 µs ${cpuPerRequestUs <= 450 ? '✓' : '✗'}`);
    }
    if (resent) console.log(`requests sent again on a new connection (a node had closed the idle one): ${resent}`);
    console.log(
      `availability, 60-day window, through HTTP (a lean client), right after the burst: p50 ${pct(latencies, 50).toFixed(2)} ms, p95 ${pct(latencies, 95).toFixed(2)} ms` +
        ` (the burst's notifications and emails still going out; they took ${drainSeconds.toFixed(1)} s more)`,
    );
    const quietP95 = pct(quietLatencies, 95);
    console.log(
      `availability, 60-day window, through HTTP (a lean client), server at rest: p50 ${pct(quietLatencies, 50).toFixed(2)} ms, p95 ${quietP95.toFixed(2)} ms` +
        `   target p95 ≤ 3 ms ${quietP95 <= 3 ? '✓' : '✗'}`,
    );
    console.log(
      `… the same at rest timed by Node's http client: p50 ${pct(quietNodeClient, 50).toFixed(2)} ms, p95 ${pct(quietNodeClient, 95).toFixed(2)} ms` +
        ' (its own work and garbage on the shared cores included)',
    );
    const held = await invariants(db);
    const ok = held.overlaps === 0 && held.ledger.balanced && held.quotaProblems === 0;
    console.log(
      `after the run: ${held.overlaps} overlapping pairs of active bookings; ledger ${held.ledger.balanced ? 'balanced' : 'NOT BALANCED'} ` +
        `(${held.ledger.accountsChecked} accounts, ${held.ledger.overdrawnAccounts} overdrawn, ${held.ledger.mismatches.length} mismatches); ` +
        `${held.quotaProblems} quotas overdrawn or holding other than their reserved uses   ${ok ? '✓' : '✗'}`,
    );
    if (!ok) {
      console.error('FAILED: a booking overlaps another, or the ledger or a quota is wrong (see above)');
      process.exitCode = 1;
    }
    results = {
      engine: ENGINE,
      nodes: NODES,
      workers: WORKERS,
      instruments: INSTRUMENTS,
      bookings,
      httpRate,
      cpuPerRequestUs,
      dbCpuPerRequestUs,
      floorRate,
      raw,
      serialLimit,
      ofSerialLimit: ofLimit,
      ofSerialLimitPass: ofLimit >= 0.6,
      cpuPerRequestPass: cpuPerRequestUs === null || ENGINE !== 'sqlite' ? null : cpuPerRequestUs <= 450,
      ...(rawSerial && { rawSerial, rawConcurrent, concurrency: CONCURRENCY }),
      ...(xacts &&
        pgBefore && {
          commits: xacts.commits - pgBefore.xacts.commits,
          rollbacks: xacts.rollbacks - pgBefore.xacts.rollbacks,
        }),
      statuses: Object.fromEntries(counts),
      resent,
      availabilityP50: pct(latencies, 50),
      availabilityP95: pct(latencies, 95),
      backlogDrainSeconds: drainSeconds,
      availabilityAtRestP50: pct(quietLatencies, 50),
      availabilityAtRestP95: quietP95,
      availabilityAtRestNodeClientP50: pct(quietNodeClient, 50),
      availabilityAtRestNodeClientP95: pct(quietNodeClient, 95),
      overlaps: held.overlaps,
      ledgerBalanced: held.ledger.balanced,
      quotaProblems: held.quotaProblems,
    };
  } finally {
    if (!stopped) await servers.stop();
    mail.close();
    agent.destroy();
    await db.close();
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  const name = ENGINE === 'postgres' ? `bench-booking-postgres-${NODES}.json` : 'bench-booking.json';
  fs.writeFileSync(path.join(RESULTS, name), JSON.stringify(results, null, 2));
}

await main();
