/**
 * npm run bench:booking — booking requests per second through HTTP, with conflict checks, on a
 * database of 100,000 instruments and 1,000,000 existing bookings; next to the raw SQLite
 * check-and-insert rate measured in the same run; and p95 availability for a 60-day window.
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
 * Sizes (environment): BENCH_INSTRUMENTS, BENCH_BOOKINGS (the database), BENCH_REQUESTS (booking
 * requests), BENCH_CONCURRENCY, BENCH_WORKERS (server processes), BENCH_RAW (raw check-and-inserts),
 * BENCH_AVAILABILITY (availability requests), BENCH_DB (the database file), BENCH_RESULTS_DIR
 * (where bench-booking.json goes, default test-results), BENCH_PROFILE_DIR (the server's CPU profile).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { SMTPServer } from 'smtp-server';
import { migrateDatabase, openSqlite, type SqliteDatabase } from '../../db/client.ts';
import { organisations, users } from '../../db/schema/index.ts';
import { seedDemo, seedHolidays, seedReference } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';
import { hashPassword } from '../../server/modules/auth/password.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/rules.ts';

const INSTRUMENTS = Number(process.env.BENCH_INSTRUMENTS ?? 100_000);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const RAW = Number(process.env.BENCH_RAW ?? 20_000);
const AVAILABILITY = Number(process.env.BENCH_AVAILABILITY ?? 300);
const RESULTS = process.env.BENCH_RESULTS_DIR ?? 'test-results';
const file = process.env.BENCH_DB ?? path.join(os.tmpdir(), `isp-bench-booking-${INSTRUMENTS}-${BOOKINGS}.db`);
const ZONE = 'Asia/Shanghai';
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

async function prepare(): Promise<SqliteDatabase> {
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

/** The server, on a port the system picks (read back from its first words): no port is guessed. */
function startServer(smtpUrl: string): Promise<{ port: number; stop: () => Promise<void>; pid: number | undefined }> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    cwd: serverRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: file,
      SEED_DEMO: '0',
      SMTP_URL: smtpUrl,
      WORKERS: String(WORKERS),
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

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function call(port: number, method: string, pathname: string, body?: unknown, cookie?: string) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
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
    req.on('error', reject);
    req.end(data);
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;

/** The bench user, added with an enterprise of its own when missing. */
async function benchUser(db: SqliteDatabase): Promise<{ id: number; org: number }> {
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
async function forget(db: SqliteDatabase, bench: number, purpose?: string): Promise<number> {
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
 * Two working days for this run's requests: the first after the days earlier runs booked (at least
 * three days ahead, past the notice), skipping holidays. When they would reach the booking horizon,
 * the bench user's earlier bookings are forgotten and the days start again.
 */
async function bookingDays(db: SqliteDatabase, bench: number): Promise<DateTime[]> {
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
    `SELECT max(start_at) FROM bookings WHERE requester_id = ? AND purpose IS NOT ?`,
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
function targets(db: SqliteDatabase, n: number, days: DateTime[]) {
  const ids = db.client
    .prepare(
      `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' AND s.instrument_id IS NULL
       ORDER BY i.id LIMIT ?`,
    )
    .pluck()
    .all(Math.ceil(n / 4)) as number[];
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

async function main() {
  const db = await prepare();
  await seedHolidays(db); // (the server adds them too; the days chosen here skip them)
  const bench = await benchUser(db);
  // A raw baseline a crash interrupted left its rows.
  await forget(db, bench.id, RAW_PURPOSE);
  // Mail about the bench user's bookings that a killed server left undelivered would go out during this run.
  await db.run(
    `DELETE FROM outbox WHERE status IN ('pending', 'sending') AND notification_id IN (
       SELECT n.id FROM notifications n JOIN bookings b ON b.id = json_extract(n.data, '$.bookingId')
       WHERE b.requester_id = ?)`,
    [bench.id],
  );
  const days = await bookingDays(db, bench.id);
  const { ids, slots } = targets(db, REQUESTS, days);
  const raw = rawRate(db, ids, bench);
  await forget(db, bench.id, RAW_PURPOSE);

  const mail = await mailSink();
  const { port, stop, pid } = await startServer(mail.url);
  try {
    const login = await call(port, 'POST', '/api/v1/auth/login', { email: BENCH_EMAIL, password: BENCH_PASSWORD });
    if (login.status !== 200) throw new Error(`login ${login.status}: ${login.body}`);
    const cookie = String(login.headers['set-cookie']![0]).split(';')[0]!;
    // Every 10th request repeats an earlier slot, so conflicts are checked for real.
    const load = slots.map((s, i) => (i % 10 === 9 ? slots[i - 5]! : s));
    const counts = new Map<number, number>();
    let next = 0;
    const t0 = performance.now();
    // One process only: with WORKERS the requests are served by its children.
    const cpu0 = WORKERS === 1 ? cpuSeconds(pid) : null;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < load.length) {
          const s = load[next++]!;
          const res = await call(port, 'POST', '/api/v1/bookings', { mode: 'machine_time', ...s }, cookie);
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const httpRate = load.length / seconds;
    // The server's own CPU per request: steadier than the rate on a machine shared with other work.
    const cpu1 = WORKERS === 1 ? cpuSeconds(pid) : null;
    const cpuPerRequestUs = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / load.length) * 1e6;

    // The floor under any request here: the same load on an endpoint that does nothing.
    let pinged = 0;
    const tFloor = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (pinged < load.length) {
          pinged++;
          const res = await call(port, 'GET', '/api/v1/health');
          if (res.status !== 200) throw new Error(`health ${res.status}`);
        }
      }),
    );
    const floorRate = load.length / ((performance.now() - tFloor) / 1000);

    // Availability: 60-day windows of random instruments, one request at a time (the first few warm up).
    const rng = mulberry32(5);
    const from = DateTime.now().setZone(ZONE).startOf('day');
    const warmUp = Math.min(20, Math.floor(AVAILABILITY / 2));
    const latencies: number[] = [];
    for (let i = 0; i < AVAILABILITY; i++) {
      const id = ids[Math.floor(rng() * ids.length)]!;
      const q = new URLSearchParams({
        from: from.toISO()!,
        to: from.plus({ days: 60 }).toISO()!,
        durationMinutes: '60',
      });
      const t = performance.now();
      const res = await call(port, 'GET', `/api/v1/instruments/${id}/availability?${q}`);
      if (i >= warmUp) latencies.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`availability ${res.status}: ${res.body}`);
    }
    const bookings = (await db.value<number>('SELECT count(*) FROM bookings'))!;
    console.log(
      `\n${INSTRUMENTS.toLocaleString()} instruments, ${bookings.toLocaleString()} bookings, ${os.cpus().length} cores, Node ${process.version}`,
    );
    console.log(
      `booking requests through HTTP: ${httpRate.toFixed(0)}/s (${WORKERS} server process${WORKERS > 1 ? 'es' : ''}, ${load.length} requests, ${CONCURRENCY} in flight; ` +
        `${[...counts].map(([s, n]) => `${n}×${s}`).join(', ')})   target ≥ 1,500/s`,
    );
    if (cpuPerRequestUs !== null) {
      console.log(
        `server CPU per booking request: ${cpuPerRequestUs.toFixed(0)} µs (a core's worth of requests: ${(1e6 / cpuPerRequestUs).toFixed(0)}/s)`,
      );
    }
    console.log(
      `HTTP floor, GET /api/v1/health the same way: ${floorRate.toFixed(0)}/s (what HTTP alone allows on this machine)`,
    );
    console.log(
      `raw SQLite check-and-insert:   ${raw.toFixed(0)}/s (same database, IMMEDIATE transactions)   HTTP/raw ${(httpRate / raw).toFixed(2)}`,
    );
    console.log(
      `availability, 60-day window, through HTTP: p50 ${pct(latencies, 50).toFixed(2)} ms, p95 ${pct(latencies, 95).toFixed(2)} ms   target p95 ≤ 5 ms`,
    );
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(
      path.join(RESULTS, 'bench-booking.json'),
      JSON.stringify(
        {
          instruments: INSTRUMENTS,
          bookings,
          httpRate,
          cpuPerRequestUs,
          floorRate,
          raw,
          statuses: Object.fromEntries(counts),
          availabilityP50: pct(latencies, 50),
          availabilityP95: pct(latencies, 95),
        },
        null,
        2,
      ),
    );
  } finally {
    await stop();
    mail.close();
    agent.destroy();
    await db.close();
  }
}

await main();
