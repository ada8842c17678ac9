/**
 * The SQLite engine of the database port (better-sqlite3, synchronous underneath).
 *
 * Connections:
 * - one **write** connection. Its transactions are serialised by an async lock held from
 *   `BEGIN IMMEDIATE` to `COMMIT`/`ROLLBACK`: a transaction body awaits, and while it does, another
 *   request's statement must not run on this connection — it would see the uncommitted rows, or be
 *   committed or rolled back with someone else's work. IMMEDIATE takes SQLite's write lock at BEGIN,
 *   so several processes on one file (WORKERS) still serialise (waiting up to busy_timeout).
 * - one **autocommit** connection for single reading statements outside transactions while a write
 *   transaction is open. A synchronous statement on a connection that is never inside a transaction
 *   cannot interleave with anything.
 * - a small pool of **snapshot** connections for `read()` while a write transaction is open: each is
 *   lent to one read transaction at a time. WAL lets every reader see only committed data, and its
 *   snapshot holds from its first read.
 * When no write transaction is open, single statements and `read()` use the write connection itself:
 * its page cache is warm (every commit empties the other connections' caches), and nothing else can
 * run on it meanwhile (a read holds the lock for its short transaction).
 * An in-memory database is one connection (other connections would open other databases), so
 * everything on it goes through the write lock.
 *
 * Statements are prepared once per connection and text, and kept (a bounded cache).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { is, SQL } from 'drizzle-orm';
import { drizzle as drizzleSync, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { drizzle as drizzleProxy } from 'drizzle-orm/sqlite-proxy';
import type { Database, Orm, Params, Row, RunResult, Statement, Tx } from './port.ts';
import { ConstraintError } from './port.ts';
import {
  BACKSTOP_FRAMES,
  CheckpointThread,
  DEFAULT_AUTOCHECKPOINT,
  type CheckpointOptions,
  type CheckpointStats,
} from './sqlite-checkpoints.ts';
import * as schema from './schema/index.ts';

const STATEMENT_CACHE_SIZE = 1000;
const SNAPSHOT_CONNECTIONS = 2;
const dialect = new SQLiteAsyncDialect();

/** A FIFO async lock: `await lock.acquire()` returns the function that releases it. */
class AsyncLock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Whether a transaction holds the lock now. */
  get busy(): boolean {
    return this.held;
  }

  /** The lock if it is free now (its release function), else null. */
  tryAcquire(): (() => void) | null {
    if (this.held) return null;
    this.held = true;
    return () => this.release();
  }

  acquire(): Promise<() => void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(() => this.release());
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(() => this.release())));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

type Bindable = unknown[] | Record<string, unknown>;

/** better-sqlite3 binds numbers, strings, bigints, buffers and null: booleans become 1/0. */
function bindable(params: Params | undefined): Bindable {
  if (!params) return [];
  const value = (p: unknown) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p);
  if (Array.isArray(params)) {
    // Most statements bind only numbers and strings: no copy then (this runs for every statement).
    for (const p of params) if (p === undefined || typeof p === 'boolean') return params.map(value);
    return params as unknown[];
  }
  const named: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) named[k] = value(v);
  return named;
}

/** A drizzle `sql` template becomes SQLite's text and parameters; text stays as it is. */
function render(statement: Statement, params: Params | undefined): { text: string; params: Bindable } {
  if (typeof statement === 'string') return { text: statement, params: bindable(params) };
  if (!is(statement, SQL)) throw new TypeError('a statement is SQL text or a drizzle sql template');
  const query = dialect.sqlToQuery(statement);
  return { text: query.sql, params: bindable(query.params as Params) };
}

const CONSTRAINT_CODES: Record<string, ConstraintError['kind']> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_TRIGGER: 'trigger',
};

/** Constraint and trigger refusals leave as ConstraintError, whatever the engine; the rest as they are. */
function translateError(err: unknown): unknown {
  const code = (err as { code?: string } | null)?.code;
  const kind = code ? CONSTRAINT_CODES[code] : undefined;
  if (!kind) return err;
  const message = (err as Error).message;
  const index =
    /UNIQUE constraint failed: (\S+)/.exec(message)?.[1] ?? /CHECK constraint failed: (\S+)/.exec(message)?.[1];
  return new ConstraintError(kind, message, index ?? null);
}

/** One better-sqlite3 connection with its prepared statements. */
class Connection {
  private readonly objects = new Map<string, BetterSqlite3.Statement>();
  /** Drizzle's builder running on this connection. */
  readonly orm: Orm = ormOver((text, params, method) => this.drizzle(text, params, method));
  private readonly arrays = new Map<string, BetterSqlite3.Statement>();
  /** First column only (better-sqlite3's pluck): no array per row, for column() and value(). */
  private readonly plucked = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly handle: BetterSqlite3.Database) {}

  /** The prepared statement of a text, rows as objects or (for drizzle) as arrays. */
  statement(text: string, mode: 'objects' | 'arrays' | 'pluck' = 'objects'): BetterSqlite3.Statement {
    const cache = mode === 'arrays' ? this.arrays : mode === 'pluck' ? this.plucked : this.objects;
    let prepared = cache.get(text);
    if (!prepared) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      prepared = this.handle.prepare(text);
      if (mode === 'arrays' && prepared.reader) prepared.raw(true);
      if (mode === 'pluck' && prepared.reader) prepared.pluck(true);
      cache.set(text, prepared);
    }
    return prepared;
  }

  all(text: string, params: Bindable): Row[] {
    try {
      return this.statement(text).all(params) as Row[];
    } catch (err) {
      throw translateError(err);
    }
  }

  get(text: string, params: Bindable): Row | undefined {
    try {
      return this.statement(text).get(params) as Row | undefined;
    } catch (err) {
      throw translateError(err);
    }
  }

  run(text: string, params: Bindable): RunResult {
    try {
      const statement = this.statement(text);
      // A statement that returns rows (… RETURNING) is still run to its end.
      if (statement.reader) return { changes: statement.all(params).length };
      return { changes: statement.run(params).changes };
    } catch (err) {
      throw translateError(err);
    }
  }

  column(text: string, params: Bindable): unknown[] {
    try {
      // pluck, not raw arrays mapped: 5× faster on the catalogue's 250,000-key counting passes.
      return this.statement(text, 'pluck').all(params);
    } catch (err) {
      throw translateError(err);
    }
  }

  value(text: string, params: Bindable): unknown {
    try {
      return this.statement(text, 'pluck').get(params);
    } catch (err) {
      throw translateError(err);
    }
  }

  /** What drizzle's async SQLite driver asks for: rows as arrays. */
  drizzle(text: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get'): { rows: unknown[] } {
    try {
      const bound = bindable(params as Params);
      if (method === 'run') {
        const result = this.run(text, bound);
        return { rows: [], ...result };
      }
      const statement = this.statement(text, 'arrays');
      if (method === 'get') return { rows: statement.get(bound) as unknown[] };
      return { rows: statement.all(bound) as unknown[] };
    } catch (err) {
      throw translateError(err);
    }
  }

  /** BEGIN, COMMIT, SAVEPOINT …: prepared once like any statement (exec would parse them every time). */
  exec(text: string): void {
    this.statement(text).run();
  }
}

/** Drizzle's query builder whose statements run where `exec` sends them. */
type DrizzleMethod = 'run' | 'all' | 'values' | 'get';
function ormOver(
  exec: (text: string, params: unknown[], method: DrizzleMethod) => { rows: unknown[] } | Promise<{ rows: unknown[] }>,
) {
  // No relational schema: it would be built again for every connection, and the repositories don't use it.
  return drizzleProxy(async (text, params, method) => exec(text, params, method));
}

/** A transaction (write or snapshot read) on one connection. */
class SqliteTx implements Tx {
  readonly engine = 'sqlite' as const;
  private savepoints = 0;
  /** Set once COMMIT or ROLLBACK has run: the transaction's work is over. */
  done = false;
  /** Run after the outermost transaction commits (not on rollback). */
  readonly afterCommit: (() => void)[] = [];

  constructor(
    private readonly connection: Connection,
    readonly kind: 'write' | 'read',
    readonly owner: SqliteDatabase,
  ) {}

  /** The connection, while the transaction lasts. */
  live(): Connection {
    if (this.done) throw new Error('this transaction has ended: statements after it must use the database');
    return this.connection;
  }

  get orm(): Orm {
    return this.live().orm;
  }

  async all<T = Row>(statement: Statement, params?: Params): Promise<T[]> {
    const q = render(statement, params);
    return this.live().all(q.text, q.params) as T[];
  }

  async get<T = Row>(statement: Statement, params?: Params): Promise<T | undefined> {
    const q = render(statement, params);
    return this.live().get(q.text, q.params) as T | undefined;
  }

  async run(statement: Statement, params?: Params): Promise<RunResult> {
    const q = render(statement, params);
    return this.live().run(q.text, q.params);
  }

  async column<T = unknown>(statement: Statement, params?: Params): Promise<T[]> {
    const q = render(statement, params);
    return this.live().column(q.text, q.params) as T[];
  }

  async value<T = unknown>(statement: Statement, params?: Params): Promise<T | undefined> {
    const q = render(statement, params);
    return this.live().value(q.text, q.params) as T | undefined;
  }

  async savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const connection = this.live();
    const name = `sp${++this.savepoints}`;
    connection.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      connection.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      connection.exec(`ROLLBACK TO ${name}`);
      connection.exec(`RELEASE ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }
}

/** The transaction the current async flow is inside, per database. */
const current = new AsyncLocalStorage<SqliteTx>();

export interface SqliteOptions {
  /** Read-only snapshot connections lent to `read()` (file databases only). */
  snapshotConnections?: number;
  /** WAL checkpoints on a thread of their own (file databases only; the server's: sqlite-checkpoints.ts). */
  checkpointThread?: boolean | CheckpointOptions;
  /**
   * The planner's statistics kept current (the server's database): `PRAGMA optimize` at open and every
   * `plannerStatisticsEveryMs` (an hour). Without it the statistics stay those of the day the seed ran
   * (its own `PRAGMA optimize`): a table that grew from 7 rows to 20,000 is still planned as 7 — how a
   * claim of due emails once became a scan of every due row. Readers see new statistics at their next
   * statement (ANALYZE changes the schema cookie).
   */
  plannerStatistics?: boolean;
  plannerStatisticsEveryMs?: number;
}

/** 0x10002: every table's size checked, not only those this connection's statements have used. */
const OPTIMIZE = 'optimize = 0x10002';

export class SqliteDatabase implements Database {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  private readonly writer: Connection;
  private readonly autocommit: Connection | null;
  private readonly snapshots: Connection[] = [];
  private readonly snapshotWaiters: ((c: Connection) => void)[] = [];
  private readonly lock = new AsyncLock();
  private ormInstance: Orm | null = null;
  private readonly checkpoints: CheckpointThread | null = null;
  private readonly statisticsTimer: NodeJS.Timeout | null = null;
  /**
   * The synchronous drizzle handle on the write connection, for db/ tooling that runs alone
   * (migrations, the seed, benchmarks' raw baselines). Never for request code.
   */
  readonly sync: BetterSQLite3Database<typeof schema>;

  constructor(file: string, options: SqliteOptions = {}) {
    const memory = file === ':memory:' || file === '';
    if (!memory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.location = memory ? ':memory:' : path.resolve(file);
    const writer = open(file, false);
    this.writer = new Connection(writer);
    this.sync = drizzleSync(writer, { schema });
    this.autocommit = memory ? null : new Connection(open(file, true));
    if (!memory) {
      for (let i = 0; i < (options.snapshotConnections ?? SNAPSHOT_CONNECTIONS); i++) {
        this.snapshots.push(new Connection(open(file, true)));
      }
      if (options.checkpointThread) {
        writer.pragma(`wal_autocheckpoint = ${BACKSTOP_FRAMES}`);
        this.checkpoints = new CheckpointThread(
          this.location,
          () => this.lock.acquire(),
          () => writer.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`),
          options.checkpointThread === true ? {} : options.checkpointThread,
        );
      }
    }
    if (options.plannerStatistics) {
      writer.pragma(OPTIMIZE);
      this.statisticsTimer = setInterval(
        () => void this.optimize().catch((err: unknown) => console.error('PRAGMA optimize failed:', err)),
        options.plannerStatisticsEveryMs ?? 3_600_000,
      ).unref();
    }
  }

  /**
   * ANALYZE what grew or shrank enough since its statistics were taken (SQLite decides, within its
   * analysis limit: milliseconds). Between writes, like any statement of the write connection.
   */
  async optimize(): Promise<void> {
    const release = await this.lock.acquire();
    try {
      this.writer.handle.pragma(OPTIMIZE);
    } finally {
      release();
    }
  }

  /** What the checkpoint thread has done (null without one). */
  get checkpointStats(): CheckpointStats | null {
    return this.checkpoints?.stats ?? null;
  }

  /** The better-sqlite3 handle of the write connection (db/ tooling only, like `sync`). */
  get client(): BetterSqlite3.Database {
    return this.writer.handle;
  }

  private inside(): SqliteTx | null {
    const tx = current.getStore();
    return tx && !tx.done && tx.owner === this ? tx : null;
  }

  afterCommit(fn: () => void): void {
    const tx = this.inside();
    if (tx) tx.afterCommit.push(fn);
    else fn();
  }

  async write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const outer = this.inside();
    if (outer) {
      if (outer.kind !== 'write') throw new Error('a write transaction cannot start inside a read transaction');
      return outer.savepoint(fn);
    }
    const release = await this.lock.acquire();
    try {
      return await this.transaction(this.writer, 'write', 'BEGIN IMMEDIATE', fn);
    } finally {
      release();
    }
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const outer = this.inside();
    if (outer) return fn(outer);
    // The write connection when no write holds it: its page cache is warm, while another connection's
    // is emptied by every commit (SQLite drops a connection's cache when the file changed under it).
    // A read transaction is short, so the writers it makes wait wait little. While a write is open,
    // reads go to the snapshot connections, where WAL shows them only committed data.
    const idle = this.lock.tryAcquire();
    if (idle || !this.snapshots.length) {
      // (In memory there is no other connection: wait for the lock.)
      const release = idle ?? (await this.lock.acquire());
      try {
        return await this.transaction(this.writer, 'read', 'BEGIN', fn);
      } finally {
        release();
      }
    }
    const connection = this.snapshots.pop() ?? (await new Promise<Connection>((r) => this.snapshotWaiters.push(r)));
    try {
      return await this.transaction(connection, 'read', 'BEGIN', fn);
    } finally {
      const waiter = this.snapshotWaiters.shift();
      if (waiter) waiter(connection);
      else this.snapshots.push(connection);
    }
  }

  private async transaction<T>(
    connection: Connection,
    kind: 'write' | 'read',
    begin: string,
    fn: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    const tx = new SqliteTx(connection, kind, this);
    connection.exec(begin);
    try {
      const result = await current.run(tx, () => fn(tx));
      connection.exec('COMMIT');
      tx.done = true;
      for (const then of tx.afterCommit) then();
      return result;
    } catch (err) {
      if (connection.handle.inTransaction) connection.exec('ROLLBACK');
      throw err;
    } finally {
      tx.done = true;
    }
  }

  /**
   * One statement outside a transaction: inside one, it joins it; a reading statement runs on the
   * autocommit connection; a writing one on the write connection, under the lock.
   */
  private async single<T>(
    statement: Statement,
    params: Params | undefined,
    use: (c: Connection, text: string, p: Bindable) => T,
  ): Promise<T> {
    const tx = this.inside();
    const q = render(statement, params);
    if (tx) return use(tx.live(), q.text, q.params);
    // With no transaction open the write connection is idle, and one synchronous statement on it
    // cannot interleave with anything: run it there (warm cache), reading or writing.
    if (!this.lock.busy) return use(this.writer, q.text, q.params);
    if (this.autocommit && this.autocommit.statement(q.text).readonly) return use(this.autocommit, q.text, q.params);
    const release = await this.lock.acquire();
    try {
      return use(this.writer, q.text, q.params);
    } finally {
      release();
    }
  }

  get orm(): Orm {
    this.ormInstance ??= ormOver(async (text, params, method) => {
      const tx = this.inside();
      if (tx) return tx.live().drizzle(text, params, method);
      if (!this.lock.busy) return this.writer.drizzle(text, params, method);
      if (this.autocommit && this.autocommit.statement(text).readonly)
        return this.autocommit.drizzle(text, params, method);
      const release = await this.lock.acquire();
      try {
        return this.writer.drizzle(text, params, method);
      } finally {
        release();
      }
    });
    return this.ormInstance;
  }

  all<T = Row>(statement: Statement, params?: Params): Promise<T[]> {
    return this.single(statement, params, (c, text, p) => c.all(text, p) as T[]);
  }

  get<T = Row>(statement: Statement, params?: Params): Promise<T | undefined> {
    return this.single(statement, params, (c, text, p) => c.get(text, p) as T | undefined);
  }

  run(statement: Statement, params?: Params): Promise<RunResult> {
    return this.single(statement, params, (c, text, p) => c.run(text, p));
  }

  column<T = unknown>(statement: Statement, params?: Params): Promise<T[]> {
    return this.single(statement, params, (c, text, p) => c.column(text, p) as T[]);
  }

  value<T = unknown>(statement: Statement, params?: Params): Promise<T | undefined> {
    return this.single(statement, params, (c, text, p) => c.value(text, p) as T | undefined);
  }

  async close(): Promise<void> {
    if (this.statisticsTimer) clearInterval(this.statisticsTimer);
    await this.checkpoints?.stop();
    const release = await this.lock.acquire();
    try {
      for (const c of [this.autocommit, ...this.snapshots]) c?.handle.close();
      this.writer.handle.close();
    } finally {
      release();
    }
  }
}

/** A connection tuned for a web server: WAL, foreign keys, a busy timeout, a large page cache. */
function open(file: string, readonly: boolean): BetterSqlite3.Database {
  const handle = new BetterSqlite3(file);
  if (!readonly) handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  handle.pragma(`cache_size = ${readonly ? -32768 : -131072}`); // 32 / 128 MiB
  handle.pragma('mmap_size = 1073741824');
  handle.pragma('temp_store = MEMORY');
  // Reading connections never write: a statement misrouted to one fails at once instead of writing.
  if (readonly) handle.pragma('query_only = ON');
  return handle;
}
