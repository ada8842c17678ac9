/**
 * npm run bench:booking — booking requests per second through HTTP, with conflict checks, on a
 * database of 100,000 instruments and 1,000,000 existing bookings; next to the raw SQLite
 * check-and-insert rate measured in the same run; and p95 availability for a 60-day window.
 *
 * The server runs as its own process (as deployed), the load comes from this one over loopback
 * with BENCH_CONCURRENCY requests in flight. The database is kept in the temp folder and reused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { SMTPServer } from 'smtp-server';
import { migrateDb, openDb, type Db } from '../../db/client.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';

const INSTRUMENTS = Number(process.env.BENCH_INSTRUMENTS ?? 100_000);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const file = process.env.BENCH_DB ?? path.join(os.tmpdir(), `isp-bench-booking-${INSTRUMENTS}-${BOOKINGS}.db`);
const ZONE = 'Asia/Shanghai';

async function prepare(): Promise<Db> {
  if (fs.existsSync(file)) {
    const db = openDb(file);
    migrateDb(db);
    const n = db.$client.prepare('SELECT count(*) FROM bookings').pluck().get() as number;
    if (n >= BOOKINGS) {
      console.log(`Reusing ${file} (${n.toLocaleString()} bookings)`);
      return db;
    }
    db.$client.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const db = openDb(file);
  migrateDb(db);
  const t0 = performance.now();
  db.$client.pragma('synchronous = OFF');
  seedReference(db);
  await seedDemo(db, { instruments: INSTRUMENTS, seed: 7 });
  console.log(
    `Seeded ${INSTRUMENTS.toLocaleString()} instruments in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const t1 = performance.now();
  seedHistory(db);
  db.$client.pragma('synchronous = NORMAL');
  db.$client.exec('ANALYZE');
  console.log(
    `Wrote ${BOOKINGS.toLocaleString()} past and future bookings in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
  return db;
}

/** A year of finished bookings and the coming weeks' active ones, spread over the instruments. */
function seedHistory(db: Db) {
  const sqlite = db.$client;
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
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(sink.server.address() as AddressInfo).port}`,
    close: () => sink.close(() => undefined),
  };
}

function startServer(port: number, smtpUrl: string): Promise<{ stop: () => void; pid: number | undefined }> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: file,
      SEED_DEMO: '0',
      SMTP_URL: smtpUrl,
      WORKERS: String(WORKERS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Instrument sharing platform on'))
        resolve({ stop: () => child.kill('SIGTERM'), pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
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

/** Bookable targets: hourly-priced, external, working instruments on the default schedule; weekday mornings ahead. */
function targets(db: Db, n: number) {
  const ids = db.$client
    .prepare(
      `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' AND s.instrument_id IS NULL
       ORDER BY i.id LIMIT ?`,
    )
    .pluck()
    .all(Math.ceil(n / 4)) as number[];
  let day = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 3 });
  const days: DateTime[] = [];
  while (days.length < 2) {
    if (day.weekday <= 5) days.push(day);
    day = day.plus({ days: 1 });
  }
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

/** Raw SQLite: the same check-then-insert, in an IMMEDIATE transaction, without the app around it. */
function rawRate(db: Db, ids: number[]): number {
  const sqlite = db.$client;
  const overlap = sqlite.prepare(
    `SELECT 1 FROM bookings WHERE instrument_id = ? AND block_start_at < ? AND block_end_at > ?
       AND status IN ('requested', 'approved', 'in_progress') LIMIT 1`,
  );
  const insert = sqlite.prepare(
    `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status, start_at,
       end_at, block_start_at, block_end_at, urgent, user_type, quoted_fen, price_lines, created_at, updated_at)
     VALUES (?, 1, 1, 1, 'machine_time', 'requested', ?, ?, ?, ?, 0, 'enterprise', 10000, '[]', ?, ?)`,
  );
  const event = sqlite.prepare(
    `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at) VALUES (?, NULL, 'requested', 1, ?)`,
  );
  const book = sqlite.transaction((id: number, start: number) => {
    if (overlap.get(id, start + 3_600_000, start)) return false;
    const r = insert.run(id, start, start + 3_600_000, start, start + 3_600_000, Date.now(), Date.now());
    event.run(r.lastInsertRowid, Date.now());
    return true;
  });
  const base = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 40 }).toMillis();
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) book.immediate(ids[i % ids.length]!, base + Math.floor(i / ids.length) * 7_200_000);
  const rate = n / ((performance.now() - t0) / 1000);
  sqlite
    .prepare(
      'DELETE FROM booking_events WHERE booking_id IN (SELECT id FROM bookings WHERE start_at >= ? AND requester_id = 1)',
    )
    .run(base);
  sqlite.prepare('DELETE FROM bookings WHERE start_at >= ? AND requester_id = 1').run(base);
  return rate;
}

async function main() {
  const db = await prepare();
  // Forget earlier runs' requests, so every run books the same free slots.
  const bench = db.$client.prepare(`SELECT id FROM users WHERE email = 'researcher@demo.test'`).pluck().get() as number;
  db.$client
    .prepare('DELETE FROM booking_events WHERE booking_id IN (SELECT id FROM bookings WHERE requester_id = ?)')
    .run(bench);
  db.$client.prepare('DELETE FROM bookings WHERE requester_id = ?').run(bench);
  // And the notifications they caused: mail a killed server left undelivered would go out during the next run.
  db.$client.exec('DELETE FROM outbox; DELETE FROM notifications;');
  const { ids, slots } = targets(db, REQUESTS);
  const raw = rawRate(db, ids);

  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const mail = await mailSink();
  const { stop, pid } = await startServer(port, mail.url);
  try {
    const login = await call(port, 'POST', '/api/v1/auth/login', {
      email: 'researcher@demo.test',
      password: 'demo-pass-2025',
    });
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

    // Availability: 60-day windows of random instruments, one request at a time.
    const rng = mulberry32(5);
    const from = DateTime.now().setZone(ZONE).startOf('day');
    const latencies: number[] = [];
    for (let i = 0; i < 300; i++) {
      const id = ids[Math.floor(rng() * ids.length)]!;
      const q = new URLSearchParams({
        from: from.toISO()!,
        to: from.plus({ days: 60 }).toISO()!,
        durationMinutes: '60',
      });
      const t = performance.now();
      const res = await call(port, 'GET', `/api/v1/instruments/${id}/availability?${q}`);
      if (i >= 20) latencies.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`availability ${res.status}: ${res.body}`);
    }
    const bookings = db.$client.prepare('SELECT count(*) FROM bookings').pluck().get() as number;
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
    fs.mkdirSync('test-results', { recursive: true });
    fs.writeFileSync(
      'test-results/bench-booking.json',
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
    stop();
    mail.close();
    agent.destroy();
    db.$client.close();
  }
}

await main();
