/**
 * SQLite's WAL checkpoints on a thread of their own (the server's file database).
 *
 * Left to itself, SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 frames: that
 * commit copies every frame into the database file and syncs the WAL and the file. On the request
 * thread this was a stall of 10 – 100 ms every ~80 bookings, and a booking's COMMIT cost 150 – 230 µs
 * on average against ~70 µs without it (measured on the bench database, 4,000 commits each way).
 *
 * Here a worker (sqlite-checkpoint-worker.mjs) runs a PASSIVE checkpoint every `intervalMs` on its own
 * connection while requests go on. A passive pass cannot end the WAL's growth while writes keep
 * coming (SQLite starts the WAL afresh only at a write that finds every frame copied), so once the
 * WAL is `quietAtFrames` long one pass runs while this process's writes wait for the write lock — an
 * await, not a stall: reads and everything else go on — and copies only what the last passes left.
 * The writer's own automatic checkpoint stays as a backstop (`BACKSTOP_FRAMES`: other processes on the
 * file, a pass that cannot finish), and goes back to SQLite's default if the worker fails.
 */
import { Worker } from 'node:worker_threads';

/** The writer's automatic checkpoint while the thread runs: ~40 MB of WAL at 4 KiB pages. */
export const BACKSTOP_FRAMES = 10_000;
/** SQLite's own default, for a writer without the thread. */
export const DEFAULT_AUTOCHECKPOINT = 1_000;

export interface CheckpointOptions {
  /** Between passes (ms). */
  intervalMs?: number;
  /** A WAL this many frames long gets a pass with this process's writes held. */
  quietAtFrames?: number;
}

/** What the thread has done: passes run, those with writes held, the last WAL length it saw. */
export interface CheckpointStats {
  passes: number;
  quietPasses: number;
  /** Summed over passes: the WAL's frames in the file at each (counted again by each pass until the WAL starts afresh). */
  framesCopied: number;
  lastLogFrames: number;
  failed: string | null;
}

interface PassResult {
  busy: number;
  log: number;
  checkpointed: number;
}

type Reply = PassResult | { error: string };

export class CheckpointThread {
  private readonly worker: Worker;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private answer: ((reply: Reply) => void) | null = null;
  private stopped: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly quietAtFrames: number;
  readonly stats: CheckpointStats = { passes: 0, quietPasses: 0, framesCopied: 0, lastLogFrames: 0, failed: null };

  constructor(
    file: string,
    /** Holds this process's writes (the database's write lock); resolves to its release. */
    private readonly holdWrites: () => Promise<() => void>,
    /** The writer's automatic checkpoint after a failure: set back to SQLite's default. */
    private readonly onFailure: () => void,
    options: CheckpointOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.quietAtFrames = options.quietAtFrames ?? 4_000;
    this.worker = new Worker(new URL('./sqlite-checkpoint-worker.mjs', import.meta.url), { workerData: { file } });
    this.worker.unref(); // never what keeps a process alive
    this.worker.on('message', (reply: Reply) => {
      const answer = this.answer;
      this.answer = null;
      answer?.(reply);
    });
    this.worker.on('error', (err) => this.fail(err.message));
    this.worker.on('exit', (code) => {
      this.fail(`the checkpoint thread stopped (exit code ${code})`);
      this.answer?.({ error: 'stopped' });
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.stats.failed) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass; with this process's writes held when the WAL has grown long. */
  private async pass(): Promise<void> {
    const quiet = this.stats.lastLogFrames >= this.quietAtFrames;
    const release = quiet ? await this.holdWrites() : null;
    try {
      const reply = await this.ask();
      if ('error' in reply) {
        this.fail(reply.error);
        return;
      }
      this.stats.passes++;
      if (quiet) this.stats.quietPasses++;
      // log and checkpointed are -1 when the pass could not run (another connection was checkpointing).
      if (reply.checkpointed > 0) this.stats.framesCopied += reply.checkpointed;
      if (reply.log >= 0) this.stats.lastLogFrames = reply.log;
    } finally {
      release?.();
    }
  }

  private ask(): Promise<Reply> {
    return new Promise((resolve) => {
      this.answer = resolve;
      this.worker.postMessage('pass');
    });
  }

  private fail(reason: string): void {
    if (this.stats.failed || this.stopped) return; // stopping: the writer may be closed already
    this.stats.failed = reason;
    console.error(`SQLite checkpoint thread: ${reason}; the writer checkpoints again itself`);
    this.onFailure();
  }

  /** Ends the passes and the worker (before the database closes); once, however often it is called. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.timer) clearTimeout(this.timer);
      await this.running;
      if (this.stats.failed) return;
      const exited = new Promise((resolve) => this.worker.once('exit', resolve));
      this.worker.postMessage('stop');
      await exited;
    })();
    return this.stopped;
  }
}
