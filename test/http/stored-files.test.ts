/**
 * Uploaded files in the database (server/shared/files.ts, DatabaseFileStore): a file stored through
 * one node is read and served by another, with its type; removed through one, it is gone from every
 * node, also from the copies nodes keep on their own disks; a name leading out of the folder is
 * refused. The folder store answers the same calls.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import { DatabaseFileStore, DiskFileStore, openFileStore, type FileStorage } from '../../server/shared/files.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const PDF = Buffer.from('%PDF-1.4\n% 测试报告\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** Every byte value, and more than one page of them. */
const BINARY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));

let database: TestDatabase;
let a: Database;
let b: Database;

beforeAll(async () => {
  database = await createTestDatabase('empty');
  a = openDatabase(database.target);
  await migrateDatabase(a);
  b = openDatabase(database.target);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

describe('files in the database, on two nodes', () => {
  let nodeA: DatabaseFileStore;
  let nodeB: DatabaseFileStore;
  beforeAll(() => {
    nodeA = new DatabaseFileStore(a, path.join(database.dir, 'cache-a'));
    nodeB = new DatabaseFileStore(b, path.join(database.dir, 'cache-b'));
  });

  it('stores through one node what the other reads and serves, with its type and size', async () => {
    const key = await nodeA.save('reports', '17', 'pdf', PDF);
    expect(key).toMatch(/^reports\/17-[0-9a-f]{16}\.pdf$/);
    expect(await nodeB.read(key)).toEqual(PDF);
    const served = await nodeB.path(key);
    expect(served).toBe(path.join(database.dir, 'cache-b', key));
    expect(fs.readFileSync(served)).toEqual(PDF);
    const row = await a.get<{ type: string; size: number; createdAt: number }>(
      `SELECT type, size, created_at AS "createdAt" FROM stored_files WHERE key = ?`,
      [key],
    );
    expect(row).toMatchObject({ type: 'application/pdf', size: PDF.length });
    expect(row!.createdAt).toBeGreaterThan(Date.now() - 60_000);
    // Nothing was written on the first node's disk: the database holds it.
    expect(fs.existsSync(path.join(database.dir, 'cache-a', key))).toBe(false);
  });

  it('keeps every byte', async () => {
    const key = await nodeA.save('photos', '3', 'png', BINARY);
    expect((await nodeB.read(key))!.equals(BINARY)).toBe(true);
    expect(fs.readFileSync(await nodeB.path(key)).equals(BINARY)).toBe(true);
    // A second answer from the node's own copy, the same bytes.
    expect(fs.readFileSync(await nodeB.path(key)).equals(BINARY)).toBe(true);
  });

  it('gives every upload a new name', async () => {
    const one = await nodeA.save('photos', '5', 'png', PNG);
    const two = await nodeB.save('photos', '5', 'png', PNG);
    expect(one).not.toBe(two);
    expect(await a.value(`SELECT type FROM stored_files WHERE key = ?`, [two])).toBe('image/png');
  });

  it('removed through one node, is gone on the other, its copy on disk too', async () => {
    const key = await nodeA.save('reports', '18', 'pdf', PDF);
    const copy = await nodeB.path(key);
    expect(fs.existsSync(copy)).toBe(true);
    await nodeA.remove(key);
    expect(await nodeB.read(key)).toBeNull();
    // A path where no file is: the answer is a 404.
    expect(await nodeB.path(key)).toBe(copy);
    expect(fs.existsSync(copy)).toBe(false);
    // Removing again, or nothing, is fine.
    await nodeB.remove(key);
    await nodeB.remove(null);
  });

  it('refuses a name that leads out of its folder', async () => {
    await expect(nodeB.path('../../etc/passwd')).rejects.toThrow(RangeError);
    await expect(nodeB.path('/etc/passwd')).rejects.toThrow(RangeError);
  });

  it('joins the caller’s transaction: a rolled-back upload leaves nothing', async () => {
    let key = '';
    await expect(
      a.write(async () => {
        key = await nodeA.save('reports', '19', 'pdf', PDF);
        throw new Error('the booking moved on');
      }),
    ).rejects.toThrow('the booking moved on');
    expect(key).not.toBe('');
    expect(await nodeB.read(key)).toBeNull();
  });
});

describe('the store a database gets', () => {
  it('is the database on PostgreSQL and the folder on SQLite, unless asked', () => {
    const dir = path.join(database.dir, 'files');
    expect(openFileStore(a, dir).kind).toBe(a.engine === 'postgres' ? 'database' : 'disk');
    expect(openFileStore(a, dir, 'database')).toBeInstanceOf(DatabaseFileStore);
    expect(openFileStore(a, dir, 'disk')).toBeInstanceOf(DiskFileStore);
  });

  it('the folder store answers the same calls', async () => {
    const store: FileStorage = new DiskFileStore(path.join(database.dir, 'files'));
    const key = await store.save('reports', '20', 'pdf', PDF);
    expect(fs.readFileSync(await store.path(key))).toEqual(PDF);
    expect(await store.read(key)).toEqual(PDF);
    await store.remove(key);
    expect(await store.read(key)).toBeNull();
    expect(fs.existsSync(await store.path(key))).toBe(false);
    await expect(store.path('../x')).rejects.toThrow(RangeError);
  });
});
