import cluster from 'node:cluster';
import { migrateDb, openDb } from '../db/client.ts';
import { seedDemo, seedHolidays, seedReference } from '../db/seed/index.ts';
import { createApp } from './app.ts';
import { loadConfig, type Config } from './config.ts';

/** Migrate and seed once, in the primary process, before anything serves. */
async function prepare(config: Config) {
  const db = openDb(config.DATABASE_PATH);
  migrateDb(db);
  seedReference(db);
  seedHolidays(db);
  if (config.SEED_DEMO) {
    const started = Date.now();
    const seeded = await seedDemo(db, { instruments: config.SEED_INSTRUMENTS });
    if (!seeded.skipped) {
      console.log(`Seeded demo data (${config.SEED_INSTRUMENTS} instruments) in ${Date.now() - started} ms`);
    }
  }
  return db;
}

function serve(config: Config, db = openDb(config.DATABASE_PATH)) {
  const app = createApp({
    db,
    cookieSecure: config.COOKIE_SECURE,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    logRequests: config.LOG_REQUESTS,
  });
  const server = app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    if (cluster.isPrimary || cluster.worker?.id === 1) {
      const workers = config.WORKERS > 1 ? `, ${config.WORKERS} worker processes` : '';
      console.log(
        `Instrument sharing platform on http://${config.HOST}:${port} (database ${config.DATABASE_PATH}${workers})`,
      );
    }
  });
  const stop = () => {
    server.close(() => {
      db.$client.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main() {
  const config = loadConfig();
  if (cluster.isWorker) return serve(config);
  const db = await prepare(config);
  if (config.WORKERS <= 1) return serve(config, db);
  // Several processes share the port; SQLite's IMMEDIATE transactions keep their writes consistent.
  db.$client.close();
  for (let i = 0; i < config.WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (signal !== 'SIGTERM' && code !== 0) console.error(`worker ${worker.id} stopped (${signal ?? code})`);
  });
  const stop = () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
