/**
 * The SQLite engine of the database port: transactions whose bodies await must not interleave on
 * the write connection, reads see only committed data, nesting is a savepoint, and a statement sent
 * to the database from inside a transaction joins it instead of waiting for its own lock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConstraintError, type Tx } from '../../db/port.ts';
import { SqliteDatabase } from '../../db/sqlite.ts';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
let dir: string;
let db: SqliteDatabase;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-port-'));
  db = new SqliteDatabase(path.join(dir, 'port.db'));
  db.client.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL DEFAULT 0,
    flag INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0))`);
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const names = () => db.column<string>('SELECT name FROM items ORDER BY id');

describe('write transactions', () => {
  it('run one at a time although their bodies await', async () => {
    const log: string[] = [];
    const work = (who: string) =>
      db.write(async (tx) => {
        log.push(`${who} begins`);
        await tx.run('INSERT INTO items (name) VALUES (?)', [who]);
        await tick();
        const n = await tx.value<number>('SELECT count(*) FROM items');
        log.push(`${who} sees ${n}`);
      });
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(log).toEqual(['a begins', 'a sees 1', 'b begins', 'b sees 2', 'c begins', 'c sees 3']);
  });

  it('keep their rows from other requests until they commit', async () => {
    let seenDuring: string[] | null = null;
    const writing = db.write(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['pending']);
      await tick(20);
    });
    await tick(5);
    seenDuring = await names(); // another request, while the transaction waits
    const readDuring = await db.read((tx) => tx.column<string>('SELECT name FROM items'));
    await writing;
    expect(seenDuring).toEqual([]);
    expect(readDuring).toEqual([]);
    expect(await names()).toEqual(['pending']);
  });

  it('roll back everything when the body throws', async () => {
    await expect(
      db.write(async (tx) => {
        await tx.run('INSERT INTO items (name) VALUES (?)', ['x']);
        await tick();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await names()).toEqual([]);
    // The lock was given back.
    await db.write((tx) => tx.run('INSERT INTO items (name) VALUES (?)', ['y']));
    expect(await names()).toEqual(['y']);
  });

  it('make a write inside a write a savepoint: its failure undoes only its own work', async () => {
    await db.write(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['outer']);
      await expect(
        db.write(async (inner) => {
          await inner.run('INSERT INTO items (name) VALUES (?)', ['inner']);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.savepoint((sp) => sp.run('INSERT INTO items (name) VALUES (?)', ['kept']));
    });
    expect(await names()).toEqual(['outer', 'kept']);
  });

  it('let statements sent to the database from inside a transaction join it (no deadlock, own rows seen)', async () => {
    const seen = await db.write(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['mine']);
      await db.run('UPDATE items SET n = 5 WHERE name = ?', ['mine']);
      return db.read((r) => r.get<{ name: string; n: number }>('SELECT name, n FROM items'));
    });
    expect(seen).toEqual({ name: 'mine', n: 5 });
  });

  it('do not lend a finished transaction to work that outlives it', async () => {
    let later: Promise<unknown> = Promise.resolve();
    await db.write(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['first']);
      later = tick(10).then(() => db.write((t2) => t2.run('INSERT INTO items (name) VALUES (?)', ['after'])));
    });
    await later;
    expect(await names()).toEqual(['first', 'after']);
  });

  it('refuse a statement on a transaction that has ended', async () => {
    let leaked: { run(s: string): Promise<unknown> } | null = null;
    await db.write(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.run('DELETE FROM items')).rejects.toThrow(/transaction has ended/);
  });
});

describe('reads', () => {
  it('keep one snapshot for the whole read transaction while a write commits', async () => {
    await db.run('INSERT INTO items (name) VALUES (?)', ['a']);
    let wrote!: () => void;
    let finish!: () => void;
    let looked!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const finishing = new Promise<void>((r) => (finish = r));
    const lookedOnce = new Promise<void>((r) => (looked = r));
    // A write is open (it holds the write connection), so the read is lent a snapshot connection.
    const writing = db.write(async (tx) => {
      await tx.run('INSERT INTO items (name) VALUES (?)', ['b']);
      wrote();
      await finishing;
    });
    await written;
    const reading = db.read(async (tx) => {
      const before = await tx.value<number>('SELECT count(*) FROM items');
      looked();
      await writing; // the write commits meanwhile
      const after = await tx.value<number>('SELECT count(*) FROM items');
      return [before, after];
    });
    await lookedOnce;
    finish();
    expect(await reading).toEqual([1, 1]);
    expect(await db.value('SELECT count(*) FROM items')).toBe(2);
  });

  it('are lent one connection each, and wait when all are lent', async () => {
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        db.read(async (tx) => {
          await tx.value('SELECT 1');
          await tick(5);
          order.push(i);
        }),
      ),
    );
    expect(order.sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuse to start a write inside a read', async () => {
    await expect(db.read(() => db.write((tx) => tx.run('DELETE FROM items')))).rejects.toThrow(/inside a read/);
  });
});

describe('statements', () => {
  it('bind booleans, undefined and named parameters, and take drizzle sql templates', async () => {
    await db.run('INSERT INTO items (name, flag) VALUES (@name, @flag)', { name: 'named', flag: true });
    await db.run('INSERT INTO items (name, n) VALUES (?, ?)', ['positional', 3]);
    const name = 'positional';
    expect(await db.get(sql`SELECT name, n, flag FROM items WHERE name = ${name}`)).toEqual({
      name: 'positional',
      n: 3,
      flag: 0,
    });
    expect(await db.value('SELECT flag FROM items WHERE name = ?', ['named'])).toBe(1);
    expect(await db.get('SELECT * FROM items WHERE name = ?', ['none'])).toBeUndefined();
  });

  it('answer writes with RETURNING outside a transaction, on the write connection', async () => {
    const row = await db.get<{ id: number }>('INSERT INTO items (name) VALUES (?) RETURNING id', ['r']);
    expect(row?.id).toBe(1);
    expect((await db.run('UPDATE items SET n = n + 1')).changes).toBe(1);
  });

  it('turn constraint refusals into ConstraintError with the kind', async () => {
    await db.run('INSERT INTO items (name) VALUES (?)', ['dup']);
    const unique = await db.run('INSERT INTO items (name) VALUES (?)', ['dup']).catch((e: unknown) => e);
    expect(unique).toBeInstanceOf(ConstraintError);
    expect(unique).toMatchObject({ kind: 'unique', constraint: 'items.name' });
    const check = await db.run('UPDATE items SET n = -1').catch((e: unknown) => e);
    expect(check).toMatchObject({ kind: 'check' });
  });

  it('work in memory on one connection', async () => {
    const memory = new SqliteDatabase(':memory:');
    await memory.run('CREATE TABLE t (x INTEGER)');
    await Promise.all([1, 2, 3].map((x) => memory.write((tx) => tx.run('INSERT INTO t VALUES (?)', [x]))));
    expect(await memory.read((tx) => tx.column<number>('SELECT x FROM t ORDER BY x'))).toEqual([1, 2, 3]);
    await memory.close();
  });
});

describe('planner statistics', () => {
  // Statistics taken when the table held 7 rows, then 20,000 more rows: the planner still thinks 7.
  const grown = () => {
    db.client.exec('CREATE INDEX items_n ON items (n)');
    const insert = db.client.prepare('INSERT INTO items (name, n) VALUES (?, ?)');
    for (let i = 0; i < 7; i++) insert.run(`small ${i}`, i);
    db.client.exec('ANALYZE');
    db.client.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(`grown ${i}`, i % 3);
    })();
  };
  // The first figure of the index's statistics: the rows the planner believes the table holds.
  const rowsPlanned = (on: Pick<Tx, 'value'>) =>
    on.value<string>(`SELECT stat FROM sqlite_stat1 WHERE idx = 'items_n'`).then((s) => Number(s?.split(' ')[0]));

  it('are taken again at open when the server asks for them, and seen by the reading connections', async () => {
    grown();
    expect(await rowsPlanned(db)).toBe(7);
    const kept = new SqliteDatabase(db.location);
    try {
      expect(await rowsPlanned(kept)).toBe(7); // not asked: as they were
    } finally {
      await kept.close();
    }
    const server = new SqliteDatabase(db.location, { plannerStatistics: true });
    try {
      expect(await server.read((tx) => rowsPlanned(tx))).toBe(20_007);
    } finally {
      await server.close();
    }
    // The connection opened before sees them at its next statement.
    expect(await db.read((tx) => rowsPlanned(tx))).toBe(20_007);
  });

  it('are taken again by optimize() between writes, and the timer stops at close', async () => {
    const server = new SqliteDatabase(db.location, { plannerStatistics: true, plannerStatisticsEveryMs: 10 });
    grown();
    expect(await rowsPlanned(server)).toBe(7);
    await expect.poll(() => rowsPlanned(server), { timeout: 5000 }).toBe(20_007);
    await server.close();
    db.client.exec(`DELETE FROM sqlite_stat1`);
    await tick(50); // a timer left running would write them again, on a closed connection
    expect(await db.value(`SELECT count(*) FROM sqlite_stat1`)).toBe(0);
  });
});
