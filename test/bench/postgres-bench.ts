/**
 * The benchmarks' PostgreSQL side (issue 12): which engine a bench runs on, and its database there.
 *
 * - `BENCH_ENGINE=postgres` runs a bench on PostgreSQL (default `sqlite`); `BENCH_DATABASE_URL` is the
 *   server, as a URL of any database on it (default postgres://postgres@127.0.0.1:5432/postgres), where
 *   the bench databases are created.
 * - A bench database on PostgreSQL is a copy of the bench's SQLite file (built as on SQLite, in the
 *   temp folder), made with db:copy's `copySqliteToPostgres` into a new database `isp_bench_<what>_<size>`,
 *   then vacuumed and analysed. It is kept and reused, like the SQLite file, once the copy is complete.
 *
 * Usage:
 *   const url = await postgresBenchDatabase('isp_bench_booking_2000_20000', async () => buildSqliteFile());
 *   const db = openDatabase(url);
 *
 * How a database is known to be the bench's and complete: its comment (COMMENT ON DATABASE) says
 * `isp-bench: copying …` while the copy runs and `isp-bench: complete …` once it has been checked. A
 * database of the name left half-made by a killed run is dropped and made again; one without such a
 * comment is not the bench's, and is refused, never dropped.
 */
import pg from 'pg';
import { migrateDatabase, openDatabase, type Database, type SqliteDatabase } from '../../db/client.ts';
import { copySqliteToPostgres } from '../../db/tools/copy.ts';
import { databaseUrl, dropDatabase, quoteName } from '../support/pg.ts';

export type BenchEngine = 'sqlite' | 'postgres';

export const DEFAULT_BENCH_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** BENCH_ENGINE: `sqlite` (default) or `postgres`. */
export function benchEngine(): BenchEngine {
  const engine = process.env.BENCH_ENGINE || 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres')
    throw new Error(`BENCH_ENGINE is sqlite or postgres, not ${engine}`);
  return engine;
}

/** BENCH_DATABASE_URL: the PostgreSQL server the bench databases are made on. */
export const benchServerUrl = () => process.env.BENCH_DATABASE_URL || DEFAULT_BENCH_SERVER_URL;

const COPYING = 'isp-bench: copying ';
const COMPLETE = 'isp-bench: complete copy of ';

/** `fn` with a connection to `url`, closed afterwards. */
async function connected<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined); // dropped while idle: the query in flight fails instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The URL of the PostgreSQL bench database `name` (`isp_bench_<what>_<size>`) on BENCH_DATABASE_URL's
 * server: reused when a complete copy is there, else made from the SQLite file `sqliteFile` (a path,
 * or a function that builds the file and gives its path — called only when a copy is needed). The
 * copy is compared with its source (row counts, the ledger check) and refused on any difference.
 * Two benches preparing the same database at once take turns (an advisory lock).
 */
export async function postgresBenchDatabase(
  name: string,
  sqliteFile: string | (() => Promise<string>),
  log: (line: string) => void = (line) => console.log(line),
): Promise<string> {
  if (!/^isp_bench_[a-z0-9_]+$/.test(name) || name.length > 63) {
    throw new Error(`a bench database is named isp_bench_<what>_<size> (at most 63 characters): ${name}`);
  }
  const server = benchServerUrl();
  const url = databaseUrl(name, server);
  const where = `${new URL(url).host}/${name}`;
  return connected(server, async (admin) => {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`isp-bench:${name}`]);
    const comment = async () =>
      (
        await admin.query<{ comment: string | null }>(
          `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
          [name],
        )
      ).rows[0];
    const found = await comment();
    if (found?.comment?.startsWith(COMPLETE)) {
      log(`Reusing postgres://${where} (${found.comment.slice('isp-bench: '.length)})`);
      return url;
    }
    if (found && !found.comment?.startsWith(COPYING)) {
      throw new Error(`postgres://${where} exists and is not a bench database this script made: drop it or rename it`);
    }
    if (found) {
      log(`postgres://${where} was left half-made (${found.comment}): making it again`);
      await dropDatabase(admin, name);
    }
    const file = typeof sqliteFile === 'string' ? sqliteFile : await sqliteFile();
    await admin.query(`CREATE DATABASE ${quoteName(name)}`);
    const mark = (text: string) => admin.query(`COMMENT ON DATABASE ${quoteName(name)} IS ${pg.escapeLiteral(text)}`);
    await mark(`${COPYING}${file}`);
    const t0 = performance.now();
    const report = await copySqliteToPostgres({ from: file, to: url, filesDir: null });
    if (report.differences.length) {
      throw new Error(`the copy of ${file} into postgres://${where} differs:\n  ${report.differences.join('\n  ')}`);
    }
    const rows = report.tables.reduce((s, t) => s + t.target, 0);
    log(
      `Copied ${file} into postgres://${where}: ${rows.toLocaleString()} rows in ${(report.copyMs / 1000).toFixed(1)} s`,
    );
    // A bulk load leaves no visibility map (every index-only scan would visit the heap) and no statistics.
    const t1 = performance.now();
    await connected(url, (client) => client.query('VACUUM (ANALYZE)'));
    log(`VACUUM (ANALYZE) in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await mark(
      `${COMPLETE}${file}, ${new Date().toISOString()}, made in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    return url;
  });
}

/**
 * The bench's database on the engine measured: the SQLite file `prepareSqlite` builds or reuses, or
 * on PostgreSQL its copy `name` (made once from that file, then reused), migrated.
 */
export async function benchDatabase(
  name: string,
  file: string,
  prepareSqlite: () => Promise<SqliteDatabase>,
): Promise<Database> {
  if (benchEngine() === 'sqlite') return prepareSqlite();
  const url = await postgresBenchDatabase(name, async () => {
    await (await prepareSqlite()).close();
    return file;
  });
  const db = openDatabase(url);
  await migrateDatabase(db);
  return db;
}
