/**
 * npm run bench:stats — the statistics API over 10^6 bookings (100,000 instruments, a year of
 * bookings): p50/p95 through HTTP for the public overview, an institution's dashboard, one
 * instrument and the underused list, each both warm (nothing changed) and right after a booking
 * changed (its instrument-month is recomputed and the answer rebuilt); next to the raw SQLite
 * baseline of summing the same year straight from the bookings table, in the same run.
 *
 * Sizes (environment): BENCH_INSTRUMENTS, BENCH_BOOKINGS (the database, kept in the temp folder and
 * reused, or BENCH_DB), BENCH_REQUESTS (requests per case and measure).
 *
 * PostgreSQL (BENCH_ENGINE=postgres, optional BENCH_DATABASE_URL: test/bench/postgres-bench.ts): the
 * same cases on a copy of the SQLite file in a database of its own, `isp_bench_stats_<instruments>_<bookings>`,
 * reused like the file; the raw baseline is the same sum through `pg` directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { migrateDatabase, openSqlite, PostgresDatabase, SqliteDatabase } from '../../db/client.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';
import { createApp, servicesOf } from '../../server/app.ts';
import { localStripe, testStripe } from '../support/stripe.ts';
import { benchEngine, benchDatabase } from './postgres-bench.ts';

const INSTRUMENTS = Number(process.env.BENCH_INSTRUMENTS ?? 100_000);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const file = process.env.BENCH_DB ?? path.join(os.tmpdir(), `isp-bench-stats-${INSTRUMENTS}-${BOOKINGS}.db`);
const YEAR = 2026;
const H = 3_600_000;
const ENGINE = benchEngine();

/** The database on the engine measured: on PostgreSQL a copy of the SQLite file, made once and reused. */
const prepare = () => benchDatabase(`isp_bench_stats_${INSTRUMENTS}_${BOOKINGS}`, file, prepareSqlite);

async function prepareSqlite(): Promise<SqliteDatabase> {
  if (fs.existsSync(file)) {
    const db = openSqlite(file);
    await migrateDatabase(db);
    if ((await db.value<number>('SELECT count(*) FROM bookings'))! >= BOOKINGS) {
      console.log(`Reusing ${file}`);
      cancelOverlaps(db);
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
  // A year of bookings, bulk-loaded straight through better-sqlite3 (like the seed).
  const sqlite = db.client;
  const instruments = sqlite
    .prepare(`SELECT id, institution_id AS inst FROM instruments WHERE sharing_mode != 'not_shared'`)
    .all() as {
    id: number;
    inst: number;
  }[];
  const people = sqlite
    .prepare(
      `SELECT u.id, u.organisation_id AS org, o.kind FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.role = 'researcher'`,
    )
    .all() as { id: number; org: number; kind: string }[];
  const rand = mulberry32(11);
  const insert = sqlite.prepare(
    `INSERT INTO bookings (instrument_id, institution_id, requester_id, requester_organisation_id, mode, status, start_at, end_at,
       block_start_at, block_end_at, urgent, user_type, quoted_fen, price_lines, actual_minutes, final_fen, rating, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'machine_time', ?, ?, ?, ?, ?, 0, ?, ?, '[]', ?, ?, ?, ?, ?)`,
  );
  const approve = sqlite.prepare(
    `INSERT INTO booking_events (booking_id, from_status, to_status, actor_id, at) VALUES (?, 'requested', 'approved', 1, ?)`,
  );
  const yearStart = Date.parse(`${YEAR}-01-01T00:00:00+08:00`);
  const span = Date.parse(`${YEAR}-11-28T00:00:00+08:00`) - yearStart;
  sqlite.transaction(() => {
    for (let i = 0; i < BOOKINGS; i++) {
      const inst = instruments[Math.floor(rand() * instruments.length)]!;
      const who = people[Math.floor(rand() * people.length)]!;
      const start = yearStart + Math.floor((rand() * span) / H) * H;
      const hours = 1 + Math.floor(rand() * 4);
      const r = rand();
      const status =
        r < 0.8 ? 'completed' : r < 0.88 ? 'cancelled' : r < 0.92 ? 'no_show' : r < 0.95 ? 'rejected' : 'approved';
      const fen = hours * (20_000 + Math.floor(rand() * 50) * 1000);
      const created = start - (1 + Math.floor(rand() * 10)) * 24 * H;
      const id = insert.run(
        inst.id,
        inst.inst,
        who.id,
        who.org,
        status,
        start,
        start + hours * H,
        start,
        start + hours * H,
        who.kind === 'enterprise' ? 'enterprise' : 'academic',
        fen,
        status === 'completed' ? hours * 60 - (rand() < 0.3 ? 30 : 0) : null,
        status === 'completed' ? fen : null,
        status === 'completed' && rand() < 0.6 ? 3 + Math.floor(rand() * 3) : null,
        created,
        created,
      ).lastInsertRowid;
      if (status !== 'rejected') approve.run(id, created + Math.floor(rand() * 48) * H);
    }
  })();
  cancelOverlaps(db);
  sqlite.pragma('synchronous = NORMAL');
  console.log(
    `Seeded ${INSTRUMENTS.toLocaleString()} instruments and ${BOOKINGS.toLocaleString()} bookings in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return db;
}

/**
 * The random year may give two active (approved) bookings of one instrument overlapping times, which
 * the platform never makes and PostgreSQL's exclusion constraint bookings_no_overlap refuses (a copy
 * would fail): the later of each such pair is cancelled (a handful in 10^6; none left afterwards).
 */
function cancelOverlaps(db: SqliteDatabase) {
  const active = `('pending_payment', 'requested', 'approved', 'in_progress')`;
  const { changes } = db.client
    .prepare(
      `UPDATE bookings SET status = 'cancelled' WHERE id IN (
         SELECT b.id FROM bookings a JOIN bookings b ON b.instrument_id = a.instrument_id AND b.id > a.id
           AND b.block_start_at < a.block_end_at AND b.block_end_at > a.block_start_at
         WHERE a.status IN ${active} AND b.status IN ${active})`,
    )
    .run();
  if (changes) console.log(`Cancelled ${changes} approved bookings that overlapped another`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const db = await prepare();
  const app = createApp({ db, webRoot: null, payments: await testStripe() });
  const stats = servicesOf(app).stats;
  const t1 = performance.now();
  await stats.ensureYear(YEAR);
  let total = 0;
  for (let n = await stats.refresh(); n > 0; n = await stats.refresh()) total += n;
  if (db instanceof SqliteDatabase) db.client.exec('ANALYZE');
  else await db.run('ANALYZE');
  console.log(
    `Roll-up: ${total.toLocaleString()} instrument-months computed in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );

  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.test', password: 'demo-pass-2025' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const institution = (await db.value<number>(
    `SELECT institution_id FROM bookings GROUP BY institution_id ORDER BY COUNT(*) DESC LIMIT 1`,
  ))!;
  const instrument = (await db.value<number>(`SELECT instrument_id FROM bookings WHERE institution_id = ? LIMIT 1`, [
    institution,
  ]))!;
  // Changes elsewhere: never at the measured institution, so that case measures its cache, not luck.
  const bookingIds = await db.column<number>(
    `SELECT id FROM bookings WHERE status = 'completed' AND institution_id != ? ORDER BY random() LIMIT ?`,
    [institution, REQUESTS * 4],
  );
  const ownBookingIds = await db.column<number>(
    `SELECT id FROM bookings WHERE status = 'completed' AND institution_id = ? ORDER BY random() LIMIT ?`,
    [institution, REQUESTS * 2],
  );
  let touched = 0;
  // A booking changes (a late rating), as it would between two visits: anywhere, or at the institution.
  // (Through the port: the app in this process shares the connection.)
  const touchOne = (ids: number[]) => async () => {
    await db.run(`UPDATE bookings SET rating = 5 WHERE id = ?`, [ids[touched++ % ids.length]!]);
  };
  const touchAnywhere = touchOne(bookingIds);
  const time = async (url: string, touch?: () => Promise<void>) => {
    const xs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      await touch?.();
      const s = performance.now();
      const res = await fetch(`${base}${url}`, { headers: { cookie } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      xs.push(performance.now() - s);
    }
    return xs;
  };
  const RAW_SUM = `SELECT COUNT(*), SUM(actual_minutes), SUM(final_fen), COUNT(DISTINCT requester_organisation_id) FROM bookings
       WHERE status = 'completed' AND start_at >= ? AND start_at < ?`;
  const yearFrom = Date.parse(`${YEAR}-01-01T00:00:00+08:00`);
  const yearTo = Date.parse(`${YEAR + 1}-01-01T00:00:00+08:00`);
  const raw = async () => {
    const xs: number[] = [];
    if (db instanceof SqliteDatabase) {
      const q = db.client.prepare(RAW_SUM);
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        q.get(yearFrom, yearTo);
        xs.push(performance.now() - s);
      }
      return xs;
    }
    // PostgreSQL: the same statement through `pg` on a connection of its own, prepared once.
    if (!(db instanceof PostgresDatabase)) throw new Error(`no raw baseline for the ${db.engine} engine`);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const text = RAW_SUM.replace('?', '$1').replace('?', '$2');
      for (let i = 0; i < 5; i++) {
        const s = performance.now();
        await client.query({ name: 'raw-sum', text, values: [yearFrom, yearTo] });
        xs.push(performance.now() - s);
      }
      return xs;
    } finally {
      await client.end();
    }
  };
  const dashboard = `/stats/institutions/${institution}?year=${YEAR}`;
  // Targets (ms, p95 after a change): ≤ 200 each, and ≤ 60 for the dashboard after a change at its own instrument.
  const cases: [string, string, number, (() => Promise<void>)?][] = [
    ['public overview (province, by month, city, category, top 10)', `/stats/overview?year=${YEAR}`, 200],
    ['institution dashboard (by month, every instrument), change elsewhere', dashboard, 200],
    ['institution dashboard, the change at one of its own instruments', dashboard, 60, touchOne(ownBookingIds)],
    ['one instrument by month', `/stats/instruments/${instrument}?year=${YEAR}`, 200],
    ['underused instruments, province', `/stats/underused?year=${YEAR}&maxUtilisation=0.05&minHours=20`, 200],
  ];
  console.log(
    `\n${BOOKINGS.toLocaleString()} bookings on ${INSTRUMENTS.toLocaleString()} instruments${db instanceof PostgresDatabase ? `, PostgreSQL ${db.location}` : ''}, ${REQUESTS} requests per case (ms)\n`,
  );
  console.log('| request | warm p50 | warm p95 | after a change p50 | after a change p95 | target |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [name, url, target, touch = touchAnywhere] of cases) {
    await time(url); // first answer builds the cache
    const warm = await time(url);
    const cold = await time(url, touch);
    const ok = pct(cold, 95) <= target ? '✓' : '✗';
    console.log(
      `| ${name} | ${pct(warm, 50).toFixed(1)} | ${pct(warm, 95).toFixed(1)} | ${pct(cold, 50).toFixed(1)} | ${pct(cold, 95).toFixed(1)} | ≤ ${target} ${ok} |`,
    );
  }
  const r = await raw();
  console.log(
    `| raw ${ENGINE === 'postgres' ? 'PostgreSQL' : 'SQLite'}: the province's year summed straight from the bookings (no breakdowns) | ${pct(r, 50).toFixed(1)} | ${pct(r, 95).toFixed(1)} | – | – | – |`,
  );
  server.closeAllConnections(); // fetch's keep-alive sockets
  await new Promise((r) => server.close(r));
  await (await localStripe()).close();
  await db.close();
}

await main();
