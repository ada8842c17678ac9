/**
 * The database port: what every repository and service sees, the same for both engines.
 *
 * - Statements are SQL that both SQLite and PostgreSQL accept, with `?` placeholders (or `@name`
 *   with an object of parameters). Booleans are bound as booleans and read back as booleans by the
 *   row decoders; JSON travels as text; instants are integer epoch milliseconds. Where the engines
 *   need different SQL, the repository keeps both texts side by side and picks one with
 *   `byEngine(q.engine, { sqlite, postgres })` — one place per query.
 * - `orm` is drizzle's query builder bound to the same connection (async); it writes SQL in the
 *   same common subset.
 * - A use case's transaction is `await db.write(async (tx) => …)`, a consistent read
 *   `await db.read(async (tx) => …)`; everything inside goes through `tx`. A `write` inside a
 *   `write` (or `tx.savepoint`) is a savepoint of the outer transaction; a statement sent to the
 *   database itself from inside a transaction runs in that transaction — never on another
 *   connection, where it would wait for the transaction's own lock or miss its uncommitted rows.
 * - Outside a transaction, `db.all/get/run` run one statement each (autocommit).
 */
import type { SQL } from 'drizzle-orm';
import type { SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';

export type Engine = 'sqlite' | 'postgres';

/** A value a statement binds (undefined binds NULL). */
export type Param = string | number | bigint | boolean | null | undefined | Buffer | Uint8Array;
export type Params = readonly Param[] | Readonly<Record<string, Param>>;
export type Row = Record<string, unknown>;

/** A statement: SQL text with `?` (or `@name`) placeholders, or a drizzle `sql` template. */
export type Statement = string | SQL;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Drizzle's query builder over the port (async; `await q.orm.select()…`, `.get()`, `.all()`, `.run()`). */
export type Orm = SqliteRemoteDatabase;

export interface Queryable {
  readonly engine: Engine;
  readonly orm: Orm;
  all<T = Row>(statement: Statement, params?: Params): Promise<T[]>;
  get<T = Row>(statement: Statement, params?: Params): Promise<T | undefined>;
  run(statement: Statement, params?: Params): Promise<RunResult>;
  /** The first column of every row. */
  column<T = unknown>(statement: Statement, params?: Params): Promise<T[]>;
  /** The first column of the first row (undefined when there is no row). */
  value<T = unknown>(statement: Statement, params?: Params): Promise<T | undefined>;
}

/** Inside a transaction. */
export interface Tx extends Queryable {
  /** `fn` in a savepoint: if it throws, only its own work is rolled back (and the error goes on). */
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** How a write transaction is isolated on PostgreSQL; SQLite's one writer at a time needs no choice. */
export interface WriteOptions {
  /**
   * READ COMMITTED instead of SERIALIZABLE, for a write whose every guarantee the database holds itself
   * (an exclusion constraint, a unique index, a CHECK) and none rests on a read the write decides by:
   * concurrent writes then wait for the index entries they share instead of aborting each other and
   * running again. A deadlock still runs it again. Inside another write it is that write's savepoint.
   */
  readCommitted?: boolean;
}

export interface Database extends Queryable {
  /**
   * `fn` in a write transaction: on SQLite `BEGIN IMMEDIATE` on the one write connection, held by
   * an async lock until COMMIT or ROLLBACK; on PostgreSQL one pooled client from BEGIN to COMMIT.
   * A throw rolls back. Inside another write: a savepoint of it.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T>;
  /** `fn`'s reads in one snapshot (read-only). Inside a write: the write's own transaction. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * `fn` once the current async flow's transaction has committed (at once outside any; never for
   * work rolled back): for what must only see committed rows, e.g. sending the mail an event queued.
   */
  afterCommit(fn: () => void): void;
  /** Where the data lives, for messages (a file path, or the server and database name). */
  readonly location: string;
  close(): Promise<void>;
}

/** Why a statement was refused by the database itself (constraints, triggers), in both engines' terms. */
export type ConstraintKind = 'unique' | 'foreign_key' | 'check' | 'not_null' | 'exclusion' | 'trigger';

/**
 * A write that kept conflicting with concurrent ones (serialization failures, deadlocks) until its
 * retry budget ran out: nothing was written, and the same request may succeed a moment later.
 */
export class BusyError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'BusyError';
  }
}

export class ConstraintError extends Error {
  constructor(
    readonly kind: ConstraintKind,
    message: string,
    /** The constraint or index name where the engine says it. */
    readonly constraint: string | null = null,
  ) {
    super(message);
    this.name = 'ConstraintError';
  }
}

/**
 * The ConstraintError behind an error, if any: drizzle's builder wraps the engine's error in its own
 * (the original is its `cause`), so a service that maps a refusal looks through the chain.
 */
export function constraintErrorOf(err: unknown): ConstraintError | null {
  for (let e = err as { cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (e instanceof ConstraintError) return e;
    e = e.cause as typeof e;
  }
  return null;
}

/** The engine's version of a query kept side by side with the other: chosen once, where it is used. */
export function byEngine<T>(engine: Engine, versions: Record<Engine, T>): T {
  return versions[engine];
}

/** A JSON column's value: text on SQLite, text or already parsed on PostgreSQL. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A boolean column's value: 0/1 on SQLite, true/false on PostgreSQL. */
export function fromBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1' || value === 't';
}
