/**
 * Periodic jobs that run once across the cluster: every node runs the timers, and on each tick the
 * node that takes the job's lease (leases.ts) runs it; the others find it taken, or not due yet,
 * and do nothing.
 *
 * - **Once per interval.** A run that ends makes the job due again `everyMs` later (the database's
 *   clock): a node whose timer fires a moment after another node finished does not run it again.
 * - **A node killed mid-job.** Its lease runs out `leaseMs` after its last renewal; the job is still
 *   due, so the next tick of any node takes it and runs it again from the start. Every job must
 *   therefore be safe to run again after being cut off anywhere (each of the platform's is: see
 *   platform.ts), and safe next to another run of itself — a node that stalls longer than its lease
 *   (a long pause, a lost connection) may still be working when another takes over; its renewal
 *   then fails and its signal is aborted, but what it is doing at that moment finishes.
 * - **While it runs** the lease is renewed every third of `leaseMs`, so a long job keeps it.
 * - **Stopping** (SIGTERM): timers stop, running jobs are told (their signal), and leases of jobs
 *   that finish in time are given back, so another node takes over at once.
 *
 * One process never runs a job twice at once (a tick while it runs is skipped). Works the same on
 * SQLite (WORKERS processes on one file) and on PostgreSQL (nodes on any machines).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Database } from '../../db/port.ts';
import { JobLeases } from './leases.ts';

export interface Job {
  /** Unique across the platform: the lease's name. */
  name: string;
  /** How often it runs, cluster-wide (a run ending makes it due this much later); 0: only when asked (`tick`). */
  everyMs: number;
  /**
   * The work. `signal` is aborted when the lease is lost or the node stops: stop between steps.
   * `startup`: the run a node asks for as it starts (`tick(name, { startup: true })`), due or not.
   */
  run(signal: AbortSignal, context: { startup: boolean }): Promise<unknown>;
}

export interface JobRunnerOptions {
  /** How long a lease lasts without renewal: how soon a dead node's job is taken over (default 30 s). */
  leaseMs?: number;
  /** This node's name in the leases (default `host/pid/random`). */
  holder?: string;
  /** How often each node looks whether a job is due (default: half its interval, 1 s to 60 s). */
  pollMs?: (job: Job) => number;
  /** Where failures and lost leases are told (default console.error). */
  log?: (message: string) => void;
}

/** What one tick did. */
export type TickOutcome = 'ran' | 'failed' | 'busy' | 'not_due' | 'stopped';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const defaultHolder = () => `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

export class JobRunner {
  readonly holder: string;
  readonly leases: JobLeases;
  private readonly leaseMs: number;
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Map<string, { done: Promise<unknown>; abort: AbortController }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly log: (message: string) => void;

  constructor(
    db: Database,
    jobs: readonly Job[],
    private readonly options: JobRunnerOptions = {},
  ) {
    this.leases = new JobLeases(db);
    this.holder = options.holder ?? defaultHolder();
    this.leaseMs = options.leaseMs ?? 30_000;
    this.log = options.log ?? ((message) => console.error(message));
    for (const job of jobs) {
      if (this.jobs.has(job.name)) throw new Error(`two jobs named ${job.name}`);
      this.jobs.set(job.name, job);
    }
  }

  /** Starts every job's timer (the first look at once, so a due job runs at start-up). */
  start(): void {
    for (const job of this.jobs.values()) {
      if (job.everyMs <= 0) continue;
      const poll = this.options.pollMs?.(job) ?? Math.min(60_000, Math.max(1000, job.everyMs / 2));
      const tick = () => void this.tick(job.name);
      setImmediate(tick);
      this.timers.push(setInterval(tick, poll).unref());
    }
  }

  /**
   * One look at a job: runs it if this node takes its lease (`startup`: due or not). Resolves when the run (if any) has ended; never rejects (failures are logged and
   * recorded in the lease row).
   */
  async tick(name: string, options: { startup?: boolean } = {}): Promise<TickOutcome> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job ${name}`);
    if (this.stopped) return 'stopped';
    if (this.running.has(name)) return 'busy';
    const abort = new AbortController();
    // Marked running in this process before the first await: another tick meanwhile is 'busy'.
    const done = this.attempt(job, abort, options.startup ?? false);
    this.running.set(name, { done, abort });
    try {
      return await done;
    } finally {
      this.running.delete(name);
    }
  }

  private async attempt(job: Job, abort: AbortController, startup: boolean): Promise<TickOutcome> {
    let taken: boolean;
    try {
      taken = await this.leases.take(job.name, this.holder, this.leaseMs, startup);
    } catch (err) {
      this.log(`job ${job.name}: could not take its lease: ${errorText(err)}`);
      return 'failed';
    }
    if (taken) return this.runHeld(job, abort, startup);
    const row = await this.leases.row(job.name).catch(() => undefined);
    return row?.holder ? 'busy' : 'not_due';
  }

  /** Runs a job whose lease this node holds, renewing it meanwhile, and gives it back. */
  private async runHeld(job: Job, abort: AbortController, startup: boolean): Promise<TickOutcome> {
    const renewal = setInterval(
      () =>
        void this.leases
          .renew(job.name, this.holder, this.leaseMs)
          .then((held) => {
            if (!held && !abort.signal.aborted) {
              this.log(`job ${job.name}: lease lost while running (another node may have taken over)`);
              abort.abort(new Error('lease lost'));
            }
          })
          .catch((err: unknown) => this.log(`job ${job.name}: lease not renewed: ${errorText(err)}`)),
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    renewal.unref();
    let error: string | null = null;
    try {
      await job.run(abort.signal, { startup });
    } catch (err) {
      error = errorText(err);
      this.log(`job ${job.name} failed: ${error}`);
    } finally {
      clearInterval(renewal);
    }
    try {
      const kept = await this.leases.give(job.name, this.holder, job.everyMs, error);
      if (!kept) this.log(`job ${job.name}: its lease had run out before the run ended`);
    } catch (err) {
      // The lease runs out by itself; the job is then due at once, and runs again (it is safe to).
      this.log(`job ${job.name}: lease not given back: ${errorText(err)}`);
    }
    return error === null ? 'ran' : 'failed';
  }

  /**
   * Stops the timers and tells running jobs to stop; waits up to `waitMs` for them (their leases
   * are given back as each ends). A job still running after that keeps its lease until it runs out.
   */
  async stop(waitMs = 2000): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    const running = [...this.running.values()];
    for (const r of running) r.abort.abort(new Error('the node is stopping'));
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(running.map((r) => r.done)),
      new Promise((resolve) => (timeout = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timeout);
  }
}
