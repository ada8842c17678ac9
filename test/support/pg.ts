/**
 * The PostgreSQL server the `http-pg` and `e2e-pg` projects run against (TEST_DATABASE_URL), and
 * the databases the tests make on it. Everything a run creates is named after the run —
 * `isp_tpl_<run>_…` for seeded templates, `isp_t_<run>_…` for the database of one test file or
 * server — so the run's end (the projects' globalSetup teardown) drops exactly its own databases,
 * and a later run drops those a killed run left behind (older than a day).
 *
 * This module only talks to the server as an administrator (no vitest, no seed): the globalSetup
 * uses it in vitest's main process. Making the databases the tests use is test-database.ts.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server's maintenance database: where the tests connect to create and drop theirs. */
export const testServerUrl = () => process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;

/** The same server, user and options, another database. */
export function databaseUrl(name: string, server = testServerUrl()): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The server's address without the password, for messages. */
export function describeServer(server = testServerUrl()): string {
  const url = new URL(server);
  url.password = '';
  return url.toString();
}

export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `fn` with a connection to the server's maintenance database, closed afterwards. */
export async function withServer<T>(fn: (client: pg.Client) => Promise<T>, server = testServerUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 10_000 });
  // A connection the server drops while idle must not crash the test process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A run's id: when it started (base 36 milliseconds, 9 characters, so it sorts and can be read back)
 * and 4 random characters (runs that start in the same millisecond).
 */
export function newRunId(now = Date.now()): string {
  const random = [...randomBytes(4)].map((b) => (b % 36).toString(36)).join('');
  return now.toString(36).padStart(9, '0') + random;
}

/** The names of a run's databases: `isp_tpl_<run>_…` and `isp_t_<run>_…`. */
const OURS = /^isp_(?:t|tpl)_([0-9a-z]{9})([0-9a-z]{4})_/;

/** When the run that made a database started (null: not one of the tests' databases). */
export function runStartOf(name: string): number | null {
  const m = OURS.exec(name);
  return m ? parseInt(m[1]!, 36) : null;
}

export const templateName = (run: string, key: string) => `isp_tpl_${run}_${key}`;
export const fileDatabaseName = (run: string, key: string) => `isp_t_${run}_${key}`;

/** Drops a database, closing whatever is still connected to it; a template stops being one first. */
export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  const found = await client.query<{ datistemplate: boolean }>(
    'SELECT datistemplate FROM pg_database WHERE datname = $1',
    [name],
  );
  if (!found.rowCount) return;
  if (found.rows[0]!.datistemplate) await client.query(`ALTER DATABASE ${quoteName(name)} IS_TEMPLATE false`);
  await client.query(`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`);
}

/** The tests' databases on the server, with the start of the run that made each. */
async function ourDatabases(client: pg.Client): Promise<{ name: string; started: number }[]> {
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'isp\\_t\\_%' OR datname LIKE 'isp\\_tpl\\_%'`,
  );
  return rows.flatMap(({ datname }) => {
    const started = runStartOf(datname);
    return started === null ? [] : [{ name: datname, started }];
  });
}

/** Drops every database of a run (its templates last: file databases may still be copying from them). */
export async function dropRun(client: pg.Client, run: string): Promise<string[]> {
  const names = (await ourDatabases(client))
    .map((d) => d.name)
    .filter((name) => name.startsWith(`isp_t_${run}_`) || name.startsWith(`isp_tpl_${run}_`))
    .sort((a, b) => Number(a.startsWith('isp_tpl_')) - Number(b.startsWith('isp_tpl_')));
  await dropEach(client, names);
  return names;
}

/** Drops each database, going on past one that cannot be dropped; then says which could not. */
async function dropEach(client: pg.Client, names: string[]): Promise<void> {
  const failed: string[] = [];
  for (const name of names) {
    await dropDatabase(client, name).catch((err: unknown) => failed.push(`${name}: ${(err as Error).message}`));
  }
  if (failed.length) throw new Error(`could not drop test databases on ${describeServer()}:\n${failed.join('\n')}`);
}

/** Drops the databases of runs that started more than `maxAgeMs` ago (a run killed before its teardown). */
export async function dropStaleRuns(client: pg.Client, maxAgeMs = 86_400_000, now = Date.now()): Promise<string[]> {
  const stale = (await ourDatabases(client)).filter((d) => d.started < now - maxAgeMs).map((d) => d.name);
  await dropEach(client, stale);
  return stale;
}
