/**
 * The database a test app or a test server runs on: a SQLite file in a temp folder (`npm test`), or
 * on the `http-pg` / `e2e-pg` projects (TEST_ENGINE=postgres) a database of its own on the
 * PostgreSQL server at TEST_DATABASE_URL.
 *
 * On PostgreSQL, seeding hundreds of instruments for every test file would cost most of the run, so
 * each (instruments, seed) combination is seeded once per run into a template database — by whichever
 * vitest worker needs it first, under an advisory lock the others wait on — and every test file gets
 * `CREATE DATABASE … TEMPLATE` of it (a file-level copy, no seeding). Templates accept no
 * connections once built (a connection would block the copies). A test's database is dropped when
 * it closes; the run's globalSetup teardown (pg-global-setup.ts) drops what is left, templates included.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database, Engine } from '../../db/port.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import {
  databaseUrl,
  describeServer,
  dropDatabase,
  fileDatabaseName,
  quoteName,
  templateName,
  withServer,
} from './pg.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL projects' run id (pg-global-setup.ts): the prefix of every database the run makes. */
    pgRun: string;
  }
}

/** The engine the tests of this project run on: `TEST_ENGINE=postgres` (set by the `*-pg` projects) or SQLite. */
export function testEngine(): Engine {
  return process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

/** What a database starts with: the demo (`seedReference` + `seedDemo`), or nothing (not even migrated). */
export type Contents = { demo: { instruments: number; seed?: number } } | 'empty';

export interface TestDatabase {
  /** What `openDatabase` and the server take: the SQLite file, or the PostgreSQL URL. */
  target: string;
  /** A temp folder of its own (the SQLite file's; removed with the database): for uploaded files and such. */
  dir: string;
  /**
   * For a server process: `DATABASE_PATH` (on PostgreSQL too: the local Stripe keeps its state in
   * that folder) and, on PostgreSQL, `DATABASE_URL`.
   */
  env: Record<string, string>;
  /** Drops the database (or removes its folder). Close the connections to it first. */
  drop(): Promise<void>;
}

function runId(): string {
  const run = inject('pgRun');
  if (!run) {
    throw new Error(
      "TEST_ENGINE=postgres needs the PostgreSQL projects' globalSetup: run `npm run test:pg` (or `vitest run --project http-pg`)",
    );
  }
  return run;
}

/** Seeds a SQLite file or an empty PostgreSQL database with the demo, as the tests expect it. */
async function seed(db: Database, demo: { instruments: number; seed?: number }): Promise<void> {
  await migrateDatabase(db);
  await seedReference(db);
  await seedDemo(db, { instruments: demo.instruments, seed: demo.seed });
}

/** This process's templates (one build per run and combination, whichever process builds it). */
const templates = new Map<string, Promise<string>>();

/** The run's template for `demo` (building it if no process has yet). */
function template(demo: { instruments: number; seed?: number }): Promise<string> {
  const name = templateName(runId(), `${demo.instruments}_${demo.seed ?? 'default'}`);
  let found = templates.get(name);
  if (!found) {
    found = buildTemplate(name, demo);
    templates.set(name, found);
    found.catch(() => templates.delete(name));
  }
  return found;
}

async function buildTemplate(name: string, demo: { instruments: number; seed?: number }): Promise<string> {
  await withServer(async (admin) => {
    // Session-level: released when this connection ends, also if the process dies half-way.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const found = await admin.query<{ datistemplate: boolean }>(
      'SELECT datistemplate FROM pg_database WHERE datname = $1',
      [name],
    );
    if (found.rows[0]?.datistemplate) return; // another process built it
    // Not marked a template yet: a build that died half-way. Start again.
    if (found.rowCount) await dropDatabase(admin, name);
    await admin.query(`CREATE DATABASE ${quoteName(name)} TEMPLATE template0`);
    const db = openDatabase(databaseUrl(name));
    try {
      await seed(db, demo);
    } finally {
      await db.close();
    }
    // Ready: copies may be made of it, and nobody may connect to it any more.
    await admin.query(`ALTER DATABASE ${quoteName(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  });
  return name;
}

let made = 0;

/**
 * A new database with `contents`, for one test app or one server. SQLite: a file in a new temp folder,
 * migrated and seeded unless `empty`. PostgreSQL: a copy of the run's template (or an empty database).
 */
export async function createTestDatabase(contents: Contents): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-test-'));
  const file = path.join(dir, 'test.db');
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    if (testEngine() === 'sqlite') {
      if (contents !== 'empty') {
        const db = openDatabase(file);
        try {
          await seed(db, contents.demo);
        } finally {
          await db.close();
        }
      }
      return { target: file, dir, env: { DATABASE_PATH: file }, drop: async () => removeDir() };
    }
    const source = contents === 'empty' ? 'template0' : await template(contents.demo);
    const name = fileDatabaseName(runId(), `${process.pid}_${++made}`);
    await withServer(async (admin) => {
      await admin.query(`CREATE DATABASE ${quoteName(name)} TEMPLATE ${quoteName(source)}`);
    }).catch((err: unknown) => {
      throw new Error(`could not create ${name} on ${describeServer()}: ${(err as Error).message}`);
    });
    const url = databaseUrl(name);
    return {
      target: url,
      dir,
      env: { DATABASE_PATH: file, DATABASE_URL: url },
      async drop() {
        await withServer((admin) => dropDatabase(admin, name));
        removeDir();
      },
    };
  } catch (err) {
    removeDir();
    throw err;
  }
}
