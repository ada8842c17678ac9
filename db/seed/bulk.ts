/**
 * Writing many rows at once, on either engine: on SQLite one prepared statement run row by row in
 * the caller's write transaction (the fastest way into SQLite), on PostgreSQL multi-row INSERTs of up
 * to ~60,000 parameters each (one round trip per statement instead of per row).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from '../port.ts';
import { PostgresDatabase } from '../postgres.ts';
import { SqliteDatabase } from '../sqlite.ts';

const PG_MAX_PARAMS = 60_000;

/** The rows of one table (each an array in `columns` order), written inside `db`'s current or a new write. */
export async function insertRows(
  db: Database,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { onConflict?: 'nothing' } = {},
): Promise<void> {
  if (!rows.length) return;
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const tail = options.onConflict === 'nothing' ? ' ON CONFLICT DO NOTHING' : '';
  if (db instanceof SqliteDatabase) {
    const statement = sqliteStatement(db, `${head}(${columns.map(() => '?').join(', ')})${tail}`);
    await db.write(async () => {
      for (const row of rows) statement.run(row.map(sqliteValue));
    });
    return;
  }
  const perStatement = Math.max(1, Math.floor(PG_MAX_PARAMS / columns.length));
  const one = `(${columns.map(() => '?').join(', ')})`;
  await db.write(async (tx) => {
    for (let from = 0; from < rows.length; from += perStatement) {
      const chunk = rows.slice(from, from + perStatement);
      await tx.run(`${head}${Array<string>(chunk.length).fill(one).join(', ')}${tail}`, chunk.flat() as never);
    }
  });
}

/** better-sqlite3 binds no booleans and no undefined. */
const sqliteValue = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

const prepared = new WeakMap<SqliteDatabase, Map<string, BetterSqlite3.Statement>>();
function sqliteStatement(db: SqliteDatabase, text: string): BetterSqlite3.Statement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = db.client.prepare(text)));
  return statement;
}

/**
 * After rows were written with their ids (the seed, a copy): every identity sequence set past its
 * table's largest id, so the next row the platform inserts gets a new one. (SQLite needs nothing.)
 */
export async function advanceIdentities(db: Database): Promise<void> {
  if (!(db instanceof PostgresDatabase)) return;
  const identities = await db.all<{ table: string; column: string }>(
    `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table, column } of identities) {
    await db.run(
      `SELECT setval(pg_get_serial_sequence('"${table}"', '${column}'), COALESCE((SELECT MAX("${column}") FROM "${table}"), 0) + 1, false)`,
    );
  }
}
