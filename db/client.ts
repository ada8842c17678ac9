/**
 * Opening a database: the engine chosen by where the data lives, migrated before anything serves.
 * Everything above db/ sees only the port (db/port.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { SqliteDatabase, type SqliteOptions } from './sqlite.ts';

export type { Database, Queryable, Tx } from './port.ts';
export { SqliteDatabase } from './sqlite.ts';

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A SQLite file (its folder is created), or ':memory:'. */
export function openDatabase(file: string, options?: SqliteOptions): SqliteDatabase {
  return new SqliteDatabase(file, options);
}

/** Applies the migrations not yet applied (drizzle's journal in the database says which). */
export function migrateDatabase(db: SqliteDatabase): void {
  migrate(db.sync, { migrationsFolder });
}
