/**
 * `npm run db:backup [-- --db <file>] [--dir <folder>]`: an online backup of the SQLite database.
 *
 * SQLite's backup API (better-sqlite3's `db.backup`) copies the database page by page from a
 * read-only connection. The pages go in one step, i.e. from one read transaction: on a WAL database
 * that is one consistent snapshot while the server goes on reading and writing (WAL readers do not
 * block writers), and a write by the server cannot make the backup start over as it would between
 * smaller steps. The copy is written under a temporary name, switched to a self-contained rollback
 * journal (no -wal file beside it), checked with `PRAGMA quick_check` and only then given its name:
 * `<folder>/<database name>-<UTC date and time>.db`. Restoring is copying that file into place
 * (server stopped).
 *
 * The source is `--db`, else DATABASE_PATH, else ./data/app.db; the folder `--dir`, else BACKUP_DIR,
 * else ./data/backups. A PostgreSQL database (DATABASE_URL) is backed up by PostgreSQL's own tools
 * (pg_dump, continuous archiving): this command refuses it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { isPostgresUrl } from '../client.ts';

const USAGE = 'usage: npm run db:backup [-- --db <sqlite file>] [--dir <folder>]';

/** Pages per step: all of them, so the backup is one read transaction (one snapshot) of the source. */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  ms: number;
}

/** Refusals and bad input: the message is the whole story (no stack). */
export class BackupRefused extends Error {}

/** `2026-11-01T023000Z`: sortable, and a valid file name everywhere. */
export function backupStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '');
}

export const POSTGRES_REFUSAL =
  'db:backup backs up the SQLite database; a PostgreSQL database (DATABASE_URL) is backed up with PostgreSQL’s ' +
  'own tools: `pg_dump -Fc` for a snapshot, continuous archiving (WAL archiving and base backups) for ' +
  'point-in-time recovery — see "Deploying on PostgreSQL" in the README.';

/** Backs up the SQLite database `source` into `dir` (created if needed), under a name with the date. */
export async function backupSqlite(source: string, dir: string, now = new Date()): Promise<BackupResult> {
  if (isPostgresUrl(source)) throw new BackupRefused(POSTGRES_REFUSAL);
  if (source === ':memory:' || !fs.existsSync(source) || !fs.statSync(source).isFile()) {
    throw new BackupRefused(`no SQLite database at ${source}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const base = path.basename(source).replace(/\.(db|sqlite3?)$/i, '');
  let file = path.resolve(dir, `${base}-${backupStamp(now)}.db`);
  for (let n = 2; fs.existsSync(file); n++) file = path.resolve(dir, `${base}-${backupStamp(now)}-${n}.db`);
  const partial = `${file}.partial`;

  const started = performance.now();
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Fail on a file that is not a database before creating anything.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    await db.backup(partial, { progress: () => ALL_PAGES });
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }

  let pages: number;
  try {
    const copy = new BetterSqlite3(partial, { fileMustExist: true });
    try {
      // One file to keep and to restore: no write-ahead log beside it.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new Error(`the backup fails PRAGMA quick_check: ${check}`);
      pages = copy.pragma('page_count', { simple: true }) as number;
    } finally {
      copy.close();
    }
    fs.renameSync(partial, file);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
    throw err;
  }
  return { file, bytes: fs.statSync(file).size, pages, ms: performance.now() - started };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

async function main(): Promise<void> {
  let values: { db?: string; dir?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { db: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  // DATABASE_URL is what the server serves when it is set: that database is not this command's.
  const url = process.env.DATABASE_URL;
  if (!values.db && url) {
    console.error(POSTGRES_REFUSAL);
    process.exit(2);
  }
  const source = values.db ?? process.env.DATABASE_PATH ?? './data/app.db';
  const dir = values.dir ?? process.env.BACKUP_DIR ?? './data/backups';
  try {
    const result = await backupSqlite(source, dir);
    console.log(
      `${result.file}  ${formatBytes(result.bytes)} (${result.bytes.toLocaleString('en')} bytes, ` +
        `${result.pages.toLocaleString('en')} pages) in ${(result.ms / 1000).toFixed(1)} s`,
    );
  } catch (err) {
    console.error(err instanceof BackupRefused ? err.message : `backup failed: ${(err as Error).message}`);
    process.exit(err instanceof BackupRefused ? 2 : 1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
