/**
 * Opening a database: the engine chosen by where the data lives, migrated before anything serves.
 * Everything above db/ sees only the port (db/port.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PoolClient } from 'pg';
import type { Database } from './port.ts';
import { PostgresDatabase, type PostgresOptions } from './postgres.ts';
import { SqliteDatabase, type SqliteOptions } from './sqlite.ts';

export type { Database, Queryable, Tx } from './port.ts';
export { PostgresDatabase } from './postgres.ts';
export { SqliteDatabase } from './sqlite.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const migrationsFolder = path.join(here, 'migrations');
export const pgMigrationsFolder = path.join(here, 'migrations-pg');

/** A `postgres://` (or `postgresql://`) URL: the server database of real deployments. */
export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//i.test(target);

/**
 * The database at `target`: a PostgreSQL URL, or a SQLite file (its folder is created) or ':memory:'.
 */
export function openDatabase(target: string, options?: SqliteOptions & PostgresOptions): Database {
  return isPostgresUrl(target) ? new PostgresDatabase(target, options) : new SqliteDatabase(target, options);
}

/** SQLite only: for db/ tooling that needs the file (the seed's bulk load, backups, raw baselines). */
export function openSqlite(file: string, options?: SqliteOptions): SqliteDatabase {
  return new SqliteDatabase(file, options);
}

/**
 * Applies the migrations not yet applied (drizzle's journal in the database says which). On
 * PostgreSQL several nodes may start at once: an advisory lock lets one migrate while the others wait.
 */
export async function migrateDatabase(db: Database): Promise<void> {
  if (db instanceof SqliteDatabase) {
    migrateSqlite(db.sync, { migrationsFolder });
    return;
  }
  if (!(db instanceof PostgresDatabase)) throw new Error(`no migrations for the ${db.engine} engine`);
  await exclusively(db, 'isp:migrate', (client) =>
    migratePg(drizzlePg(client!), { migrationsFolder: pgMigrationsFolder }),
  );
}

/**
 * `fn` while no other node runs `fn` under the same name. On PostgreSQL a session advisory lock on a
 * connection of its own (released with it, also when the process dies); on SQLite only the primary
 * process starts the database, so `fn` just runs.
 */
export async function exclusively<T>(
  db: Database,
  name: string,
  fn: (client: PoolClient | null) => Promise<T>,
): Promise<T> {
  if (!(db instanceof PostgresDatabase)) return fn(null);
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      return await fn(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  } finally {
    client.release();
  }
}
