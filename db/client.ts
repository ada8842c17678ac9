import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Open (creating the folder if needed) a SQLite file, or ':memory:', tuned for a web server. */
export function openDb(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -131072'); // 128 MiB page cache
  sqlite.pragma('mmap_size = 1073741824');
  sqlite.pragma('temp_store = MEMORY');
  return drizzle(sqlite, { schema }) as Db;
}

export function migrateDb(db: Db): void {
  migrate(db, { migrationsFolder });
}

/**
 * A statement per SQL text, prepared on first use and reused after (preparing costs more than
 * running most of our queries). The repositories' hot paths go through this.
 */
export function statementCache(db: Db): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.$client.prepare(sql)));
    return statement;
  };
}

/** One transaction wrapper per connection: better-sqlite3 builds a wrapper per `transaction()` call, which costs more than the BEGIN. */
const runners = new WeakMap<Database.Database, Database.Transaction<(fn: () => unknown) => unknown>>();
function runner(db: Db) {
  let run = runners.get(db.$client);
  if (!run) runners.set(db.$client, (run = db.$client.transaction((fn: () => unknown) => fn())));
  return run;
}

/** `fn` in an IMMEDIATE transaction (inside another transaction: a savepoint of it). */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return runner(db).immediate(fn) as T;
}

/** `fn`'s reads in one deferred transaction: one snapshot, one lock for all (inside another: a savepoint). */
export function readTransaction<T>(db: Db, fn: () => T): T {
  return runner(db).deferred(fn) as T;
}
