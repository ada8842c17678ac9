import { migrateDb, openDb } from '../db/client.ts';
import { seedDemo, seedHolidays, seedReference } from '../db/seed/index.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';

async function main() {
  const config = loadConfig();
  const db = openDb(config.DATABASE_PATH);
  migrateDb(db);
  seedReference(db);
  seedHolidays(db);
  if (config.SEED_DEMO) {
    const started = Date.now();
    const seeded = await seedDemo(db, { instruments: config.SEED_INSTRUMENTS });
    if (seeded) console.log(`Seeded demo data (${config.SEED_INSTRUMENTS} instruments) in ${Date.now() - started} ms`);
  }
  const app = createApp({
    db,
    cookieSecure: config.COOKIE_SECURE,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    logRequests: config.LOG_REQUESTS,
  });
  const server = app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    console.log(`Instrument sharing platform on http://${config.HOST}:${port} (database ${config.DATABASE_PATH})`);
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
