/**
 * Operations on the database: `npm run db:copy` moves a SQLite installation (the demo, plus bookings
 * paid with voucher and card through the app, and an uploaded service report) into a new PostgreSQL
 * database on the test server (TEST_DATABASE_URL), and the copy serves; `npm run db:backup` backs up
 * the SQLite file while the app has it open. The copy always runs SQLite → PostgreSQL, whatever
 * engine the project's other tests use; an unreachable server fails the file, it is not skipped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { backupSqlite } from '../../db/tools/backup.ts';
import { createApp } from '../../server/app.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { signIn } from '../support/app.ts';
import { walkAtTheirTimes } from '../support/lifecycle.ts';
import { databaseUrl, describeServer, dropDatabase, quoteName, withServer } from '../support/pg.ts';
import { testSchedule } from '../support/schedule.ts';
import { repoRoot } from '../support/server-process.ts';
import { testStripe } from '../support/stripe.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
const PDF = Buffer.from('%PDF-1.4\n% 检测报告\n1 0 obj << >> endobj\n%%EOF\n');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-copy-'));
const file = path.join(dir, 'app.db');
const fileDir = path.join(dir, 'files'); // the app's default: beside the database file
const targetName = `isp_copy_${randomBytes(6).toString('hex')}`;
const target = databaseUrl(targetName);

let sqlite: Database;
let app: Express;
let pgDb: Database | null = null;
let instrument: number;
let paid: number; // a booking paid with voucher and card, completed, with its report attached
let cancelled: number;
let bookingAsSeen: unknown;
let created = false;

/** A project command to its end (`node --import tsx …`), without the shell's DATABASE_URL. */
function run(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL: _theShells, ...inherited } = process.env;
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The SQLite file's own tables (not SQLite's, the migrator's or FTS5's). */
async function sqliteTables(db: Database): Promise<string[]> {
  return db.column<string>(
    `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
       AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name`,
  );
}

async function counts(db: Database, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number(await db.value(`SELECT count(*) FROM ${quoteName(t)}`));
  return out;
}

const sortedCheck = async (db: Database) => {
  const check = await new Ledger(db).check();
  return { ...check, mismatches: [...check.mismatches].sort((a, b) => a.accountId - b.accountId) };
};

beforeAll(async () => {
  // First: without the PostgreSQL server the file fails at once (it is not skipped).
  await withServer(async (admin) => {
    await admin.query(`CREATE DATABASE ${quoteName(targetName)}`);
    created = true;
  }).catch((err: unknown) => {
    throw new Error(`the PostgreSQL test server ${describeServer()} is needed: ${(err as Error).message}`);
  });
  sqlite = openDatabase(file);
  await migrateDatabase(sqlite);
  await seedReference(sqlite);
  await seedDemo(sqlite, { instruments: 150, seed: 7 });
  app = createApp({
    db: sqlite,
    webRoot: null,
    fileDir,
    clock,
    payments: await testStripe(),
    sessionTtlHours: 24 * 90,
    security: { sessionIdleMinutes: 0 }, // the clock jumps days ahead between requests
  });
  const lab = await signIn(app, 'lab@demo.test');
  const researcher = await signIn(app, 'researcher@demo.test');
  instrument = (await sqlite.value<number>(
    `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
      WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
        AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
      ORDER BY i.id LIMIT 1`,
  ))!;
  expect((await lab.put(`/api/v1/instruments/${instrument}/schedule`).send(testSchedule())).status).toBe(200);
  const book = async (day: string) => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId: instrument,
      mode: 'machine_time',
      purpose: '材料表征',
      start: `${day}T09:00:00+08:00`,
      end: `${day}T11:00:00+08:00`,
      useVoucher: true,
      paymentToken: 'tok_visa',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as number;
  };
  // Paid with voucher and card: held, then captured and posted at completion (ledger transfers).
  paid = await book('2026-12-03');
  await walkAtTheirTimes(clock, lab, researcher, paid, ['approve'], ['check-in']);
  const upload = await lab
    .put(`/api/v1/bookings/${paid}/report?name=${encodeURIComponent('检测报告.pdf')}`)
    .set('Content-Type', 'application/pdf')
    .send(PDF);
  expect(upload.status, JSON.stringify(upload.body)).toBe(200);
  await walkAtTheirTimes(clock, lab, researcher, paid, ['complete', { actualMinutes: 90 }]);
  // Held, then released.
  cancelled = await book('2026-12-04');
  expect((await researcher.post(`/api/v1/bookings/${cancelled}/cancel`).send({})).status).toBe(200);
  bookingAsSeen = (await researcher.get(`/api/v1/bookings/${paid}`)).body;
  expect(bookingAsSeen).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
});

afterAll(async () => {
  await sqlite?.close();
  await pgDb?.close();
  if (created) await withServer((admin) => dropDatabase(admin, targetName));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run db:copy', () => {
  let tables: string[];
  let before: Record<string, number>;
  /** Every file in the folder goes into stored_files: the app's report and the demo's registration document. */
  let filesOnDisk = 0;

  it('copies the SQLite database into the empty PostgreSQL one while the app runs, and says the two agree', async () => {
    tables = await sqliteTables(sqlite);
    before = await counts(sqlite, tables);
    // The app's own bookings and payments are there, and its uploaded report is a file on disk.
    expect(before.payments).toBeGreaterThanOrEqual(2);
    expect(before.stored_files).toBe(0);
    expect(fs.readdirSync(path.join(fileDir, 'reports'))).toHaveLength(1);
    filesOnDisk = fs.readdirSync(fileDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(filesOnDisk).toBeGreaterThanOrEqual(2);

    const result = await run(['db/tools/copy.ts', '--quiet', '--from', file, '--to', target]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/the two databases agree/);
    expect(result.stdout).toMatch(/instruments\s+150\s+150/);
    expect(result.stdout).toMatch(/ledger check {2}sqlite: {3}balanced/);
    pgDb = openDatabase(target);
  });

  it('has every table with the same rows, and the uploaded file in the database file store', async () => {
    const after = await counts(pgDb!, tables);
    expect(after).toEqual({ ...before, stored_files: before.stored_files! + filesOnDisk });
    const report = await sqlite.value<string>('SELECT report_file FROM bookings WHERE id = ?', [paid]);
    const stored = await pgDb!.get<{ content: Buffer; type: string; size: number }>(
      'SELECT content, type, size FROM stored_files WHERE key = ?',
      [report!],
    );
    expect(stored).toMatchObject({ type: 'application/pdf', size: PDF.length });
    expect(Buffer.compare(stored!.content, PDF)).toBe(0);
    // The search index is PostgreSQL's own, one document per instrument.
    expect(Number(await pgDb!.value('SELECT count(*) FROM instrument_search'))).toBe(150);
    expect(await pgDb!.value('SELECT version FROM catalog_meta')).toBe(
      await sqlite.value('SELECT version FROM catalog_meta'),
    );
  });

  it('gives the same, balanced ledger check on both', async () => {
    const [a, b] = [await sortedCheck(sqlite), await sortedCheck(pgDb!)];
    expect(b).toEqual(a);
    expect(b.balanced).toBe(true);
    expect(b.debitsFen).toBeGreaterThan(0);
    const transfers = (db: Database) =>
      db.all(`SELECT * FROM ledger_transfers WHERE booking_id IN (?, ?) ORDER BY id`, [paid, cancelled]);
    expect(await transfers(pgDb!)).toEqual(await transfers(sqlite));
    expect((await transfers(pgDb!)).length).toBeGreaterThanOrEqual(4);
  });

  it('sets every identity sequence past the largest copied id', async () => {
    const identities = await pgDb!.all<{ table: string; column: string }>(
      `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
        WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`,
    );
    expect(identities.length).toBeGreaterThan(10);
    for (const { table, column } of identities) {
      const max = Number(await pgDb!.value(`SELECT COALESCE(max(${quoteName(column)}), 0) FROM ${quoteName(table)}`));
      const next = Number(
        await pgDb!.value('SELECT nextval(pg_get_serial_sequence(?, ?))', [quoteName(table), column]),
      );
      expect(next, `${table}.${column}`).toBeGreaterThan(max);
    }
  });

  it('refuses a second copy into the same database, changing nothing', async () => {
    const result = await run(['db/tools/copy.ts', '--quiet', '--from', file], { DATABASE_URL: target });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/in use \(organisations: \d+ rows\).*never merges/);
    expect(await counts(pgDb!, tables)).toEqual({ ...before, stored_files: before.stored_files! + filesOnDisk });
  });

  it('serves: the app over the copy signs a demo user in, shows the booking as before, and books with new ids', async () => {
    const served = createApp({
      db: pgDb!,
      webRoot: null,
      fileDir: path.join(dir, 'pg-files'),
      clock,
      payments: await testStripe(),
      sessionTtlHours: 24 * 90,
      security: { sessionIdleMinutes: 0 },
    });
    const researcher = await signIn(served, 'researcher@demo.test');
    const res = await researcher.get(`/api/v1/bookings/${paid}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(bookingAsSeen);

    const booked = await researcher.post('/api/v1/bookings').send({
      instrumentId: instrument,
      mode: 'machine_time',
      purpose: '材料表征',
      start: '2026-12-07T09:00:00+08:00',
      end: '2026-12-07T11:00:00+08:00',
      useVoucher: true,
      paymentToken: 'tok_visa',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.id).toBeGreaterThan(Number(await sqlite.value('SELECT max(id) FROM bookings')));
    expect(booked.body.payment.status).toBe('authorised');
    expect((await new Ledger(pgDb!).check()).balanced).toBe(true);
    // The same slot is still taken on PostgreSQL: the copied booking's hold is there.
    const clash = await researcher.post('/api/v1/bookings').send({
      instrumentId: instrument,
      mode: 'machine_time',
      purpose: '材料表征',
      start: '2026-12-07T10:00:00+08:00',
      end: '2026-12-07T11:00:00+08:00',
    });
    expect(clash.status).toBe(409);
  });
});

describe('npm run db:backup', () => {
  it('backs up the SQLite file the app has open into a dated file that opens on its own', async () => {
    const backups = path.join(dir, 'backups');
    const result = await backupSqlite(file, backups, new Date('2026-12-01T02:00:00Z'));
    expect(path.basename(result.file)).toBe('app-2026-12-01T020000Z.db');
    expect(result.bytes).toBe(fs.statSync(result.file).size);
    expect(fs.readdirSync(backups)).toEqual(['app-2026-12-01T020000Z.db']); // no -wal, no .partial
    const copy = new BetterSqlite3(result.file, { readonly: true });
    try {
      const tables = await sqliteTables(sqlite);
      for (const t of tables) {
        const row = copy.prepare(`SELECT count(*) AS n FROM ${quoteName(t)}`).get() as { n: number };
        expect(row.n, t).toBe(Number(await sqlite.value(`SELECT count(*) FROM ${quoteName(t)}`)));
      }
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    } finally {
      copy.close();
    }
    // A second backup in the same second gets a name of its own.
    const again = await backupSqlite(file, backups, new Date('2026-12-01T02:00:00Z'));
    expect(path.basename(again.file)).toBe('app-2026-12-01T020000Z-2.db');
  });

  it('prints the file and its size, and refuses a PostgreSQL DATABASE_URL pointing to pg_dump', async () => {
    const ok = await run(['db/tools/backup.ts', '--dir', path.join(dir, 'cli-backups')], { DATABASE_PATH: file });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/cli-backups\/app-\d{4}-\d\d-\d\dT\d{6}Z\.db {2}[\d.]+ (KiB|MiB) \([\d,]+ bytes/);
    const refused = await run(['db/tools/backup.ts'], { DATABASE_URL: target });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pg_dump -Fc[\s\S]*continuous archiving/);
  });
});
