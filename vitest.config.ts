import { configDefaults, defineConfig } from 'vitest/config';

// A hook may build the run's seeded template database (~40 s on PostgreSQL on a busy machine) before its app.
const http = { include: ['test/http/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 180_000 };
const e2e = {
  include: ['test/e2e/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 180_000,
  fileParallelism: false,
  // A page may take a few seconds to refetch on a busy machine; vitest's default is 1 s.
  expect: { poll: { timeout: 10_000, interval: 100 } },
};

/**
 * The PostgreSQL projects (`npm run test:pg`): the same files on a PostgreSQL server (TEST_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres), every test app and server on a database of its
 * own (test/support/test-database.ts). The globalSetup fails the run when the server cannot be reached,
 * and drops the run's databases at its end.
 */
const postgres = {
  env: { TEST_ENGINE: 'postgres' },
  globalSetup: ['test/support/pg-global-setup.ts'],
};

/** Files about PostgreSQL itself: they run in `http-pg` only (and fail there, never skip, without a server). */
const postgresOnly = [
  'test/http/multi-node.test.ts',
  'test/http/search-engines.test.ts',
  // SQLite → PostgreSQL (db:copy), and db:backup beside it.
  'test/http/db-copy.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'http',
          ...http,
          // PostgreSQL only: `npm test` passes on a machine without a PostgreSQL server.
          exclude: [...configDefaults.exclude, ...postgresOnly],
        },
      },
      { test: { name: 'e2e', ...e2e } },
      {
        test: {
          name: 'http-pg',
          ...http,
          ...postgres,
          exclude: [
            ...configDefaults.exclude,
            // Two server processes racing on one SQLite file (BEGIN IMMEDIATE across processes). On
            // PostgreSQL the same races, between server nodes on one database, are multi-node.test.ts.
            'test/http/booking-concurrency.test.ts',
            'test/http/checkout-concurrency.test.ts',
          ],
        },
      },
      { test: { name: 'e2e-pg', ...e2e, ...postgres } },
    ],
  },
});
