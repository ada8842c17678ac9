import { AsyncResource } from 'node:async_hooks';
import type { Database } from '../../../db/port.ts';

/**
 * Runs `run` once the caller's transaction has committed (the port's `afterCommit`: at once outside
 * any transaction, never after a rollback); kicks in one transaction or in quick succession share one
 * run. The run starts from the async context this was made in (the service's, at the app's start),
 * never from the caller's flow, so its statements never join the caller's transaction.
 */
export class AfterCommitRun {
  private scheduled = false;
  private readonly outside: AsyncResource;

  constructor(
    private readonly db: Database,
    /** Names the run in its async resource and in the log when it fails. */
    private readonly what: string,
    private readonly run: () => Promise<unknown>,
  ) {
    this.outside = new AsyncResource(what);
  }

  kick(): void {
    this.db.afterCommit(() => {
      if (this.scheduled) return;
      this.scheduled = true;
      this.outside.runInAsyncScope(() =>
        setImmediate(() => {
          this.scheduled = false;
          this.run().catch((err: unknown) =>
            console.error(`${this.what} failed:`, err instanceof Error ? err.message : err),
          );
        }),
      );
    });
  }
}
