/**
 * The leases of periodic jobs (table `job_leases`): one conditional statement each, the same SQL on
 * both engines except for the database's clock.
 *
 * Every time is the database's clock, never a node's: nodes on different machines then agree on
 * when a lease runs out and when a job is due, whatever their own clocks say.
 */
import { byEngine, type Database } from '../../db/port.ts';

/** The database's clock in epoch milliseconds, as an SQL expression. */
const NOW = {
  sqlite: `CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)`,
  postgres: `CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`,
};

const sql = (now: string) => ({
  known: `INSERT INTO job_leases (name) VALUES (?) ON CONFLICT (name) DO NOTHING`,
  /** Free (never taken, given back, or run out) and due (or `force`): this holder's for `ms`. */
  take: `UPDATE job_leases SET holder = ?, lease_until = ${now} + ?, last_started_at = ${now}, runs = runs + 1
         WHERE name = ? AND lease_until <= ${now} AND (due_at <= ${now} OR ?)`,
  /** Still this holder's: `ms` more from now. */
  renew: `UPDATE job_leases SET lease_until = ${now} + ? WHERE name = ? AND holder = ?`,
  /** Given back: due again `ms` after now. */
  give: `UPDATE job_leases SET holder = NULL, lease_until = 0, due_at = ${now} + ?, last_finished_at = ${now},
           last_error = ? WHERE name = ? AND holder = ?`,
});

export interface LeaseRow {
  name: string;
  holder: string | null;
  leaseUntil: number;
  dueAt: number;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastError: string | null;
  runs: number;
}

export class JobLeases {
  private readonly sql: ReturnType<typeof sql>;

  constructor(private readonly db: Database) {
    this.sql = sql(byEngine(db.engine, NOW));
  }

  /** The job's row exists (a job nobody ran yet is free and due). */
  async register(name: string): Promise<void> {
    await this.db.run(this.sql.known, [name]);
  }

  /** Takes the lease for `ms` if it is free and the job is due (or `force`): whether it did. */
  async take(name: string, holder: string, ms: number, force = false): Promise<boolean> {
    await this.register(name);
    return (await this.db.run(this.sql.take, [holder, ms, name, force])).changes === 1;
  }

  /** Extends a held lease by `ms` from now: false when it is no longer this holder's. */
  async renew(name: string, holder: string, ms: number): Promise<boolean> {
    return (await this.db.run(this.sql.renew, [ms, name, holder])).changes === 1;
  }

  /** Gives the lease back after a run: the job is due again in `nextInMs`. False when it was lost meanwhile. */
  async give(name: string, holder: string, nextInMs: number, error: string | null): Promise<boolean> {
    return (await this.db.run(this.sql.give, [nextInMs, error, name, holder])).changes === 1;
  }

  async row(name: string): Promise<LeaseRow | undefined> {
    return this.db.get<LeaseRow>(
      `SELECT name, holder, lease_until AS "leaseUntil", due_at AS "dueAt", last_started_at AS "lastStartedAt",
              last_finished_at AS "lastFinishedAt", last_error AS "lastError", runs
       FROM job_leases WHERE name = ?`,
      [name],
    );
  }

  /** The database's clock now (epoch ms). */
  async now(): Promise<number> {
    return Number(await this.db.value(`SELECT ${byEngine(this.db.engine, NOW)}`));
  }
}
