import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What several server processes (on one machine over SQLite, on many over PostgreSQL) share beyond
 * the business tables: who runs each periodic job now, and the files people upload.
 */

/**
 * One row per periodic job (server/jobs): the lease that makes it run on one node at a time, and
 * when it is next due cluster-wide. A node takes the lease with one conditional UPDATE, renews it
 * while the job runs, and gives it back when done; a node that dies keeps it only until
 * `lease_until`, after which any node takes it and runs the job again. Times are the database's
 * clock (epoch ms), never a node's, so nodes whose clocks differ still agree.
 */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  /** The node running it (`host/pid/random`), null when nobody does. */
  holder: text('holder'),
  /** The lease runs out then (0: free). */
  leaseUntil: integer('lease_until').notNull().default(0),
  /** Nobody starts it again before then (set when a run ends: its end + the job's interval). */
  dueAt: integer('due_at').notNull().default(0),
  lastStartedAt: integer('last_started_at'),
  lastFinishedAt: integer('last_finished_at'),
  /** Why the last run failed (null when it succeeded). */
  lastError: text('last_error'),
  /** Runs started, by any node. */
  runs: integer('runs').notNull().default(0),
});

/**
 * Uploaded files (service reports, instrument photos) in the database, so every node serves every
 * file (server/shared/files.ts, DatabaseFileStore). The key is the stored name the platform made
 * up (`reports/17-3fa2….pdf`); the content never changes under a key (a new upload gets a new key).
 */
export const storedFiles = sqliteTable('stored_files', {
  key: text('key').primaryKey(),
  content: blob('content', { mode: 'buffer' }).notNull(),
  /** The MIME type found in the bytes when it was stored. */
  type: text('type').notNull(),
  size: integer('size').notNull(),
  createdAt: integer('created_at').notNull(),
});
