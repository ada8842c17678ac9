/**
 * The server's SQLite file checkpoints its WAL on a thread of its own (db/sqlite-checkpoints.ts): the
 * rows reach the database file without a commit doing it, a long WAL starts afresh, writes racing the
 * passes all land, and a thread that fails gives the writer its own checkpoints back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../db/sqlite.ts';
import { BACKSTOP_FRAMES, CheckpointThread } from '../../db/sqlite-checkpoints.ts';

let dir: string;
let file: string;
let db: SqliteDatabase;

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Rows in the database file alone: a copy of it without its WAL. */
function rowsInTheFile(): number {
  const copy = path.join(dir, 'file-only.db');
  fs.copyFileSync(file, copy);
  const reader = new BetterSqlite3(copy, { readonly: true });
  try {
    return reader.prepare('SELECT count(*) FROM items').pluck().get() as number;
  } finally {
    reader.close();
    fs.rmSync(copy);
  }
}

const insert = (i: number) =>
  db.write((tx) => tx.run('INSERT INTO items (body) VALUES (?)', [`${i} ${'x'.repeat(3000)}`]));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-checkpoints-'));
  file = path.join(dir, 'app.db');
  db = new SqliteDatabase(file, { checkpointThread: { intervalMs: 20, quietAtFrames: 150 } });
  db.client.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
});
afterEach(async () => {
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the checkpoint thread', () => {
  it('copies committed rows into the database file while the writer only writes the WAL', async () => {
    expect(db.client.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_FRAMES);
    for (let i = 0; i < 100; i++) await insert(i);
    await until('a pass that copied the 100 rows', () => (db.checkpointStats?.framesCopied ?? 0) >= 100);
    expect(rowsInTheFile()).toBe(100);
    // The writer's backstop is far away: no commit above checkpointed itself.
    expect(db.checkpointStats!.failed).toBeNull();
  });

  it('ends with the database, however often it is closed', async () => {
    await insert(1);
    await Promise.all([db.close(), db.close()]);
    const passes = db.checkpointStats!.passes;
    await new Promise((r) => setTimeout(r, 100));
    expect(db.checkpointStats!.passes).toBe(passes);
  });

  it('starts a long WAL afresh with one pass while this process’s writes wait, and every racing write lands', async () => {
    const writes = Array.from({ length: 400 }, (_, i) => insert(i));
    const reads = Array.from({ length: 50 }, () => db.value<number>('SELECT count(*) FROM items'));
    await Promise.all([...writes, ...reads]);
    await until('a pass with the writes held', () => db.checkpointStats!.quietPasses > 0);
    // The next write finds every frame copied and writes the WAL from its beginning.
    await insert(400);
    const passes = db.checkpointStats!.passes;
    await until('a pass after that write', () => db.checkpointStats!.passes > passes + 1);
    expect(db.checkpointStats!.lastLogFrames).toBeLessThan(150);
    expect(await db.value<number>('SELECT count(*) FROM items')).toBe(401);
    expect(rowsInTheFile()).toBe(401);
  });
});

describe('a checkpoint thread that fails', () => {
  it('gives the writer SQLite’s own checkpoints back, and stops quietly', async () => {
    let restored = 0;
    const thread = new CheckpointThread(
      path.join(dir, 'missing', 'nothing.db'),
      () => Promise.resolve(() => undefined),
      () => restored++,
      { intervalMs: 10 },
    );
    await until('the failure', () => thread.stats.failed !== null);
    expect(restored).toBe(1);
    await thread.stop();
  });
});
