/**
 * The PostgreSQL engine of the database port (node-postgres, a pool of connections).
 *
 * - Statements arrive in the port's dialect (`?` or `@name` placeholders) and are rewritten once per
 *   text into PostgreSQL's `$1, $2 …`; string literals, quoted names, comments and operators such as
 *   `@@` or `@>` are left alone. Each text is a named prepared statement on the connections that run
 *   it (parsed and planned once per connection).
 * - Types come back as the port promises: `bigint` (epoch milliseconds, fen) and `numeric` (sums) as
 *   numbers, `boolean` as booleans, `json`/`jsonb` as text (the row decoders and drizzle parse it, as
 *   they do SQLite's).
 * - `write()` is one pooled client from BEGIN to COMMIT at SERIALIZABLE isolation: every use case
 *   behaves as if the transactions had run one after another, as on SQLite, whichever node they ran
 *   on. A transaction PostgreSQL aborts for a serialization failure or a deadlock is run again from
 *   the start (a few times, after a short random pause); everything inside a write is database work,
 *   so running it again is safe. A write asked for `readCommitted` (its guarantees all constraints, e.g. a
 *   booking without money: the exclusion constraint and the Idempotency-Key's unique index) runs at
 *   READ COMMITTED instead. `read()` is one REPEATABLE READ READ ONLY snapshot.
 * - Nesting and joining work as on SQLite (AsyncLocalStorage): a write inside a write is a savepoint,
 *   a statement sent to the database from inside a transaction runs in it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { is, SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { drizzle as drizzleProxy } from 'drizzle-orm/sqlite-proxy';
import pg from 'pg';
import type { Database, Orm, Params, Row, RunResult, Statement, Tx, WriteOptions } from './port.ts';
import { BusyError, ConstraintError } from './port.ts';

const dialect = new SQLiteAsyncDialect();
/**
 * A write PostgreSQL aborted (serialization failure, deadlock) runs again. Many nodes writing one hot
 * row at once (a hundred checkouts on one voucher quota's ledger account, over three nodes) abort
 * each other in turn: each attempt first waits a random time up to a cap that doubles (2 ms … 512
 * ms), so the contenders spread out and one after another commits — a queue, as SQLite's write lock
 * makes one. It gives up after RETRY_BUDGET_MS (the request then fails) rather than wait without end.
 */
const RETRY_BUDGET_MS = 30_000;
const backoffMs = (attempt: number) => Math.random() * Math.min(512, 2 ** attempt);
const STATEMENT_NAMES = 5000;
const SERIALIZABLE = 'BEGIN ISOLATION LEVEL SERIALIZABLE';
const READ_COMMITTED = 'BEGIN ISOLATION LEVEL READ COMMITTED';

/** Type parsers of this engine's pools (not node-postgres's global ones). */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    switch (oid) {
      case 20: // int8: epoch milliseconds and fen, safe below 2^53
      case 1700: // numeric: SUM() of bigints
        return (value: string) => Number(value);
      case 114: // json
      case 3802: // jsonb
        return (value: string) => value;
      default:
        return pg.types.getTypeParser(oid, format as 'text');
    }
  },
} as pg.CustomTypesConfig;

interface Translated {
  text: string;
  /** For each $n: the index of the `?` it came from, or the name of the `@name`. */
  order: (number | string)[];
  name: string | undefined;
}

const translations = new Map<string, Translated>();
let statementCount = 0;

/** `?` and `@name` → `$n`, outside literals, quoted names and comments. */
export function translate(text: string): Translated {
  let found = translations.get(text);
  if (found) return found;
  let out = '';
  const order: (number | string)[] = [];
  const names = new Map<string, number>();
  let positional = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      const j = end < 0 ? text.length : end;
      out += text.slice(i, j);
      i = j;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const j = end < 0 ? text.length : end + 2;
      out += text.slice(i, j);
      i = j;
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      // A dollar-quoted string: $tag$ … $tag$.
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))?.[0];
      if (tag) {
        const end = text.indexOf(tag, i + tag.length);
        const j = end < 0 ? text.length : end + tag.length;
        out += text.slice(i, j);
        i = j;
      } else {
        out += c;
        i++;
      }
    } else if (c === '?') {
      order.push(positional++);
      out += `$${order.length}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(next ?? '') && !/[\w@<]/.test(text[i - 1] ?? '')) {
      const name = /^@([A-Za-z_]\w*)/.exec(text.slice(i))![1]!;
      let n = names.get(name);
      if (n === undefined) {
        order.push(name);
        n = order.length;
        names.set(name, n);
      }
      out += `$${n}`;
      i += name.length + 1;
    } else {
      out += c;
      i++;
    }
  }
  found = { text: out, order, name: statementCount < STATEMENT_NAMES ? `isp${++statementCount}` : undefined };
  translations.set(text, found);
  return found;
}

function value(p: unknown): unknown {
  if (p === undefined) return null;
  if (typeof p === 'bigint') return p.toString();
  if (p instanceof Uint8Array && !Buffer.isBuffer(p)) return Buffer.from(p);
  return p;
}

function bind(t: Translated, params: Params | undefined): unknown[] {
  if (!params) return [];
  if (Array.isArray(params)) return t.order.map((k) => value(params[k as number]));
  const named = params as Readonly<Record<string, unknown>>;
  return t.order.map((k) => {
    if (typeof k !== 'string') throw new Error('a statement with ? placeholders takes an array of parameters');
    if (!(k in named)) throw new Error(`no value for @${k}`);
    return value(named[k]);
  });
}

function render(statement: Statement, params: Params | undefined): { t: Translated; values: unknown[] } {
  if (typeof statement === 'string') {
    const t = translate(statement);
    return { t, values: bind(t, params) };
  }
  if (!is(statement, SQL)) throw new TypeError('a statement is SQL text or a drizzle sql template');
  const q = dialect.sqlToQuery(statement);
  const t = translate(q.sql);
  return { t, values: bind(t, q.params as Params) };
}

const CONSTRAINT_CODES: Record<string, ConstraintError['kind']> = {
  '23505': 'unique',
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
  '23P01': 'exclusion',
  P0001: 'trigger',
};
const LABEL: Record<ConstraintError['kind'], string> = {
  unique: 'UNIQUE constraint failed',
  foreign_key: 'FOREIGN KEY constraint failed',
  check: 'CHECK constraint failed',
  not_null: 'NOT NULL constraint failed',
  exclusion: 'EXCLUSION constraint failed',
  trigger: 'refused by a trigger',
};

/** Constraint and trigger refusals as ConstraintError, worded like SQLite's so messages read alike. */
function translateError(err: unknown): unknown {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  const kind = e?.code ? CONSTRAINT_CODES[e.code] : undefined;
  if (!kind) return err;
  const message = kind === 'trigger' ? e!.message! : `${LABEL[kind]}: ${e!.constraint ?? ''} (${e!.message})`;
  return new ConstraintError(kind, message, e!.constraint ?? null);
}

/**
 * A serialization failure or a deadlock: the transaction may succeed if run again. Drizzle's builder
 * wraps a failed statement's error (DrizzleQueryError, the driver's error as its `cause`): look there too.
 */
const retryable = (err: unknown): boolean => {
  for (let e = err as { code?: string; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    // Serialization failure, deadlock; and the server's shared memory for serializable transactions'
    // predicate locks running out (53200), which frees itself as the concurrent transactions end.
    if (e.code === '40001' || e.code === '40P01' || e.code === '53200') return true;
    e = e.cause as typeof e;
  }
  return false;
};

type Runner = Pick<pg.PoolClient, 'query'>;

async function query(runner: Runner, t: Translated, values: unknown[], array = false) {
  try {
    return await runner.query({
      text: t.text,
      values,
      ...(t.name && { name: t.name }),
      ...(array && { rowMode: 'array' as const }),
    });
  } catch (err) {
    throw translateError(err);
  }
}

type DrizzleMethod = 'run' | 'all' | 'values' | 'get';

/**
 * Drizzle's SQLite builder writes `null` for a column an insert leaves out (SQLite has no DEFAULT in
 * VALUES, and NULL in an INTEGER PRIMARY KEY takes the next id); PostgreSQL needs DEFAULT there, for
 * identity columns and column defaults alike. An explicit null is a bound parameter, never the word.
 */
const insertDefaults = new Map<string, string>();
function withDefaults(text: string): string {
  if (!/^insert into /i.test(text)) return text;
  let done = insertDefaults.get(text);
  if (done === undefined) {
    const start = text.indexOf(' values ');
    const rest = text.slice(start);
    const end = rest.search(/ (on conflict|returning) /);
    const values = end < 0 ? rest : rest.slice(0, end);
    // …and names an upsert's conflict target by table and column, where PostgreSQL wants the column.
    const after = (end < 0 ? '' : rest.slice(end)).replace(
      / on conflict \(([^)]*)\)/,
      (_m, target: string) => ` on conflict (${target.replace(/"[^"]+"\./g, '')})`,
    );
    done = text.slice(0, start) + values.replace(/\bnull\b/g, 'default') + after;
    insertDefaults.set(text, done);
  }
  return done;
}

/** Drizzle's builder (it writes SQL in the port's dialect) over a runner of this engine. */
function ormOver(runner: () => Runner | Promise<Runner>): Orm {
  return drizzleProxy(async (sqliteText: string, params: unknown[], method: DrizzleMethod) => {
    const text = withDefaults(sqliteText);
    const t = translate(text);
    const values = t.order.map((k) => value(params[k as number]));
    const result = await query(await runner(), t, values, method !== 'run');
    if (method === 'run') return { rows: [], changes: result.rowCount ?? 0 };
    if (method === 'get') return { rows: result.rows[0] as unknown[] };
    return { rows: result.rows as unknown[] };
  });
}

class PgTx implements Tx {
  readonly engine = 'postgres' as const;
  private savepoints = 0;
  done = false;
  private ormInstance: Orm | null = null;
  /** Run after the outermost transaction commits (not on rollback). */
  readonly afterCommit: (() => void)[] = [];
  /**
   * The first serialization failure (or deadlock) of a statement in this transaction. Code may catch
   * a failed statement and go on (a savepoint that undoes only a notification): the transaction is
   * still run again from the start rather than committed — what it read may no longer hold together.
   */
  retryCause: unknown = null;
  /** The client, noting serialization failures on the way. */
  private readonly runner: Runner;

  constructor(
    private readonly client: pg.PoolClient,
    readonly kind: 'write' | 'read',
    readonly owner: PostgresDatabase,
  ) {
    const note = (err: unknown) => {
      if (retryable(err)) this.retryCause ??= err;
      throw err;
    };
    this.runner = {
      query: ((...args: Parameters<pg.PoolClient['query']>) =>
        (client.query as (...a: unknown[]) => Promise<unknown>)(...args).catch(note)) as Runner['query'],
    };
  }

  live(): Runner {
    if (this.done) throw new Error('this transaction has ended: statements after it must use the database');
    return this.runner;
  }

  get orm(): Orm {
    this.ormInstance ??= ormOver(() => this.live());
    return this.ormInstance;
  }

  async all<T = Row>(statement: Statement, params?: Params): Promise<T[]> {
    const { t, values } = render(statement, params);
    return (await query(this.live(), t, values)).rows as T[];
  }

  async get<T = Row>(statement: Statement, params?: Params): Promise<T | undefined> {
    const { t, values } = render(statement, params);
    return (await query(this.live(), t, values)).rows[0] as T | undefined;
  }

  async run(statement: Statement, params?: Params): Promise<RunResult> {
    const { t, values } = render(statement, params);
    return { changes: (await query(this.live(), t, values)).rowCount ?? 0 };
  }

  async column<T = unknown>(statement: Statement, params?: Params): Promise<T[]> {
    const { t, values } = render(statement, params);
    return (await query(this.live(), t, values, true)).rows.map((r) => (r as unknown[])[0]) as T[];
  }

  async value<T = unknown>(statement: Statement, params?: Params): Promise<T | undefined> {
    const { t, values } = render(statement, params);
    const row = (await query(this.live(), t, values, true)).rows[0] as unknown[] | undefined;
    return row?.[0] as T | undefined;
  }

  async savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = this.live();
    const name = `sp${++this.savepoints}`;
    await client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      // A failed statement aborts the transaction until it is rolled back to here.
      if (!this.done) await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    } finally {
      this.savepoints--;
    }
  }
}

const current = new AsyncLocalStorage<PgTx>();

export interface PostgresOptions {
  /** Connections in this process's pool (default 10). */
  max?: number;
}

export class PostgresDatabase implements Database {
  readonly engine = 'postgres' as const;
  readonly location: string;
  readonly pool: pg.Pool;
  private ormInstance: Orm | null = null;

  constructor(
    readonly url: string,
    options: PostgresOptions = {},
  ) {
    const u = new URL(url);
    this.location = `postgres://${u.host}${u.pathname}`;
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: TYPES });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', (err) => console.error('PostgreSQL connection error:', err.message));
  }

  private inside(): PgTx | null {
    const tx = current.getStore();
    return tx && !tx.done && tx.owner === this ? tx : null;
  }

  async write<T>(fn: (tx: Tx) => Promise<T>, options?: WriteOptions): Promise<T> {
    const outer = this.inside();
    if (outer) {
      if (outer.kind !== 'write') throw new Error('a write transaction cannot start inside a read transaction');
      return outer.savepoint(fn);
    }
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction('write', options?.readCommitted ? READ_COMMITTED : SERIALIZABLE, fn);
      } catch (err) {
        if (!retryable(err)) throw err;
        if (Date.now() - started > RETRY_BUDGET_MS) {
          throw new BusyError(
            `a write conflicted with concurrent ones for ${RETRY_BUDGET_MS / 1000} s (${attempt} attempts)`,
            {
              cause: err,
            },
          );
        }
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }

  /**
   * One long write that is the only writer of what it touches (db:copy into an empty database, under
   * its own lock): READ COMMITTED, never run again. A SERIALIZABLE transaction that long would make
   * the server keep the predicate locks of every serializable transaction committed meanwhile, on
   * every database of the server, until its shared memory for them runs out.
   */
  async bulkWrite<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.inside()) throw new Error('a bulk write cannot run inside another transaction');
    return this.transaction('write', READ_COMMITTED, fn);
  }

  async read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const outer = this.inside();
    if (outer) return fn(outer);
    return this.transaction('read', 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
  }

  /** `fn` once the current transaction has committed (at once outside any): never for rolled-back work. */
  afterCommit(fn: () => void): void {
    const tx = this.inside();
    if (tx) tx.afterCommit.push(fn);
    else fn();
  }

  private async transaction<T>(kind: 'write' | 'read', begin: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PgTx(client, kind, this);
    let broken = false;
    try {
      await client.query(begin);
      const result = await current.run(tx, () => fn(tx));
      if (tx.retryCause) throw tx.retryCause; // a serialization failure was caught and passed over: again
      await client.query('COMMIT');
      tx.done = true;
      for (const then of tx.afterCommit) then();
      return result;
    } catch (err) {
      tx.done = true;
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      // After a serialization failure the transaction is run again, whatever the code above made of it.
      throw translateError(tx.retryCause ?? err);
    } finally {
      client.release(broken);
    }
  }

  private async single<T>(
    statement: Statement,
    params: Params | undefined,
    use: (rows: { rows: unknown[]; rowCount: number | null }) => T,
    array = false,
  ): Promise<T> {
    const tx = this.inside();
    const { t, values } = render(statement, params);
    return use(await query(tx ? tx.live() : this.pool, t, values, array));
  }

  get orm(): Orm {
    this.ormInstance ??= ormOver(() => this.inside()?.live() ?? this.pool);
    return this.ormInstance;
  }

  all<T = Row>(statement: Statement, params?: Params): Promise<T[]> {
    return this.single(statement, params, (r) => r.rows as T[]);
  }

  get<T = Row>(statement: Statement, params?: Params): Promise<T | undefined> {
    return this.single(statement, params, (r) => r.rows[0] as T | undefined);
  }

  run(statement: Statement, params?: Params): Promise<RunResult> {
    return this.single(statement, params, (r) => ({ changes: r.rowCount ?? 0 }));
  }

  column<T = unknown>(statement: Statement, params?: Params): Promise<T[]> {
    return this.single(statement, params, (r) => r.rows.map((row) => (row as unknown[])[0]) as T[], true);
  }

  value<T = unknown>(statement: Statement, params?: Params): Promise<T | undefined> {
    return this.single(statement, params, (r) => (r.rows[0] as unknown[] | undefined)?.[0] as T | undefined, true);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
