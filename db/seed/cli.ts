/**
 * Seed a database: `tsx db/seed/cli.ts --db <SQLite path or postgres:// URL> [--instruments N] [--seed S]`.
 * Creates the file if needed, migrates it, writes the reference data and (into an empty
 * database) the demo data. Progress and the summary go to stderr.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { migrateDatabase, openDatabase, SqliteDatabase } from '../client.ts';
import { seedDemo } from './demo.ts';
import { seedReference } from './reference.ts';

const USAGE = 'usage: tsx db/seed/cli.ts --db <path or postgres:// URL> [--instruments N] [--seed S]';

function intArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${value}\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      instruments: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.db) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const instruments = intArg('instruments', values.instruments, 3000);
  const seed = intArg('seed', values.seed, 20261128);
  const started = performance.now();
  const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);

  const db = openDatabase(values.db);
  try {
    await migrateDatabase(db);
    const big = instruments >= 100_000;
    // A bulk load that can simply be rerun: no need to wait for the disk after every batch.
    if (big && db instanceof SqliteDatabase) db.client.pragma('synchronous = OFF');
    const ref = await seedReference(db);
    console.error(`reference data: ${ref.cities} cities, ${ref.categories} categories`);
    const result = await seedDemo(db, {
      instruments,
      seed,
      onProgress: (done, total) => console.error(`seeded ${done}/${total} instruments (${elapsed()} s)`),
    });
    if (result.skipped) {
      console.error('demo data skipped: the database already has organisations');
    } else {
      console.error(
        `demo data: ${result.organisations} organisations, ${result.users} users, ${result.instruments} instruments, ` +
          `${result.rateCards} rate cards, ${result.rateCardItems} rate card items`,
      );
    }
    if (big && db instanceof SqliteDatabase) {
      console.error(`optimising (${elapsed()} s)`);
      db.client.pragma('synchronous = NORMAL');
      db.client.exec('PRAGMA optimize; PRAGMA wal_checkpoint(TRUNCATE);');
    }
  } finally {
    await db.close();
  }
  const size = values.db === ':memory:' || !fs.existsSync(values.db) ? 0 : fs.statSync(values.db).size;
  console.error(`done in ${elapsed()} s${size ? `, ${(size / 1024 / 1024).toFixed(1)} MiB` : ''}: ${values.db}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
