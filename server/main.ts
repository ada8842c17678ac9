import cluster from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import { exclusively, migrateDatabase, openDatabase, SqliteDatabase, type Database } from '../db/client.ts';
import { seedDemo, seedHolidays, seedReference } from '../db/seed/index.ts';
import { createApp, keepAlive, servicesOf } from './app.ts';
import { platformJobs } from './jobs/platform.ts';
import { JobRunner } from './jobs/runner.ts';
import { AuthRepo } from './modules/auth/auth.repo.ts';
import { refreshSearchIndex } from './modules/catalog/search-index-refresh.ts';
import { StatsService } from './modules/stats/stats.service.ts';
import { systemClock } from './shared/clock.ts';
import { startLocalSmtp } from './modules/notifications/local-smtp.ts';
import { startLocalStripe } from './modules/payments/local-stripe.ts';
import { StripeProvider } from './modules/payments/stripe.ts';
import { loadConfig, type Config } from './config.ts';

/** The PostgreSQL server database when DATABASE_URL is set, else the SQLite file. */
const databaseOf = (config: Config) => config.DATABASE_URL ?? config.DATABASE_PATH;
// A SQLite file's WAL checkpoints run on a thread of their own, not in the COMMIT of a request
// (db/sqlite-checkpoints.ts), and its planner's statistics follow the tables' growth (on PostgreSQL, its checkpointer and autovacuum's ANALYZE).
const open = (config: Config) =>
  openDatabase(databaseOf(config), { max: config.DATABASE_POOL_SIZE, checkpointThread: true, plannerStatistics: true });

/** Migrate and seed once, in the primary process, before anything serves. */
async function prepare(config: Config) {
  const db = open(config);
  await migrateDatabase(db);
  // Nodes starting at once on an empty PostgreSQL database: one seeds, the others then find it seeded.
  await exclusively(db, 'isp:seed', async () => {
    await seedReference(db);
    await seedHolidays(db);
    if (config.production) await refuseDemoAccounts(db, config);
    if (config.SEED_DEMO) {
      const started = Date.now();
      const seeded = await seedDemo(db, { instruments: config.SEED_INSTRUMENTS });
      if (!seeded.skipped) {
        console.log(`Seeded demo data (${config.SEED_INSTRUMENTS} instruments) in ${Date.now() - started} ms`);
      }
    }
    // An index made by an older version of its text (before the synonym table, say) is rebuilt.
    await refreshSearchIndex(db, { log: (line) => console.log(line) });
  });
  // The sharing figures start complete: this year's roll-up is caught up before anything serves.
  const stats = new StatsService(db, systemClock);
  const startedStats = Date.now();
  await stats.ensureYear(new Date(Date.now() + 8 * 3600_000).getUTCFullYear());
  while ((await stats.refresh()) > 0);
  if (Date.now() - startedStats > 2000) console.log(`Statistics caught up in ${Date.now() - startedStats} ms`);
  // The planner's statistics for the tables as seeded and caught up, not as they were at open.
  if (db instanceof SqliteDatabase) await db.optimize();
  return db;
}

/**
 * A database that once ran the demo holds accounts whose password is in the README: production
 * will not serve it while any of them can sign in.
 */
async function refuseDemoAccounts(db: Database, config: Config) {
  const auth = new AuthRepo(db);
  const demo = (await auth.activeDemoAccounts(5)).map((a) => a.email);
  if (demo.length) {
    throw new Error(
      `Refusing to start in production mode: ${config.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_PATH'}=${db.location} holds demo accounts with the published password ` +
        `(${demo.join(', ')}…). Start production on a new database and create its administrator with \`npm run admin:create\`.`,
    );
  }
  if (!(await auth.activePlatformAdmins())) {
    console.log(
      'No platform administrator yet: create the first one with `npm run admin:create -- --email <address>`.',
    );
  }
}

/** The URL of the local Stripe server when the primary started it (workers inherit it; nobody else sets it). */
const LOCAL_STRIPE_URL = 'ISP_LOCAL_STRIPE_URL';

/** Without a Stripe of its own configured, the server runs the local Stripe mock (once, in the primary). */
async function ensureStripe(config: Config): Promise<Config> {
  delete process.env[LOCAL_STRIPE_URL];
  if (config.STRIPE_API_BASE || config.STRIPE_SECRET_KEY) return config;
  // Its state is kept beside the database, so a restarted demo still knows its earlier charges.
  const stateFile = path.join(path.dirname(path.resolve(config.DATABASE_PATH)), 'stripe-local.json');
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const local = await startLocalStripe({ stateFile });
  console.log(`Local Stripe test server (stripe-stateful-mock) on ${local.url}`);
  process.env.STRIPE_API_BASE = local.url; // workers inherit it
  process.env[LOCAL_STRIPE_URL] = local.url;
  process.env.STRIPE_SECRET_KEY = 'sk_test_local_platform';
  return { ...config, STRIPE_API_BASE: local.url, STRIPE_SECRET_KEY: 'sk_test_local_platform' };
}

/** Without an SMTP server configured, notification emails go to one in this process (once, in the primary). */
async function ensureMail(config: Config): Promise<Config> {
  if (config.SMTP_URL) return config;
  const local = await startLocalSmtp({
    onMessage: (mail) => console.log(`Mail to ${mail.to.join(', ')}: ${mail.subject}`),
  });
  console.log(`Local SMTP server (smtp-server) on ${local.url}: emails are received here and not sent on`);
  process.env.SMTP_URL = local.url; // workers inherit it
  return { ...config, SMTP_URL: local.url };
}

function serve(config: Config, db: Database = open(config)) {
  const app = createApp({
    db,
    cookieSecure: config.COOKIE_SECURE,
    production: config.production,
    publicUrl: config.PUBLIC_URL ?? null,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    security: {
      sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
      passwordMaxAgeDays: config.PASSWORD_MAX_AGE_DAYS,
      requireSecondFactor: config.REQUIRE_SECOND_FACTOR,
      registrationReview: config.REGISTRATION_REVIEW,
    },
    logRequests: config.LOG_REQUESTS,
    trustProxy: config.TRUST_PROXY,
    catalogCacheMb: config.CATALOG_CACHE_MB,
    photoHosts: config.PHOTO_HOSTS,
    cardAuthorisation: config.CARD_AUTHORISATION,
    listingReviewer: config.LISTING_REVIEWER,
    payments: new StripeProvider({
      secretKey: config.STRIPE_SECRET_KEY!,
      apiBase: config.STRIPE_API_BASE,
      webhookSecret: config.STRIPE_WEBHOOK_SECRET,
      localServer: Boolean(config.STRIPE_API_BASE) && process.env[LOCAL_STRIPE_URL] === config.STRIPE_API_BASE,
      timeoutMs: config.STRIPE_TIMEOUT_MS,
    }),
    mail: config.SMTP_URL
      ? {
          url: config.SMTP_URL,
          from: config.MAIL_FROM,
          publicUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
        }
      : undefined,
  });
  // Periodic jobs (payment recovery, quota expiry, statistics, mail, reconciliation, reminders):
  // every process runs the timers, and each run happens on the one node that takes the job's lease
  // (server/jobs). Payments a crash left open are finished or undone at start-up, then on the timer.
  const jobs = new JobRunner(
    db,
    platformJobs(servicesOf(app), {
      recoveryIntervalSeconds: config.RECOVERY_INTERVAL_SECONDS,
      reconcileAt: config.RECONCILE_AT,
      remindAt: config.REMIND_AT,
      mailIntervalSeconds: config.MAIL_INTERVAL_SECONDS,
    }),
  );
  void jobs.tick('payment-recovery', { startup: true });
  if (config.RECOVERY_INTERVAL_SECONDS === 0) {
    // No timer for these: once at start-up, as the recovery.
    void jobs.tick('quota-expiry', { startup: true });
    void jobs.tick('stats-refresh', { startup: true });
  }
  jobs.start();
  const server = app.listen(config.PORT, config.HOST, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    if (cluster.isPrimary || cluster.worker?.id === 1) {
      const workers = config.WORKERS > 1 ? `, ${config.WORKERS} worker processes` : '';
      console.log(`Instrument sharing platform on http://${config.HOST}:${port} (database ${db.location}${workers})`);
    }
  });
  keepAlive(server);
  const stop = () => {
    // Running jobs are told to stop; the leases of those that end in time are given back at once.
    const jobsStopped = jobs.stop(2000);
    server.close(() => {
      void jobsStopped.then(() => db.close()).finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function main() {
  let config = loadConfig();
  if (cluster.isWorker) return serve(config);
  config = await ensureStripe(config);
  config = await ensureMail(config);
  const db = await prepare(config);
  if (config.WORKERS <= 1) return serve(config, db);
  // Several processes share the port; SQLite's IMMEDIATE transactions keep their writes consistent.
  await db.close();
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
