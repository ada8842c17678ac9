/**
 * globalSetup of the PostgreSQL projects (`http-pg`, `e2e-pg`): the server at TEST_DATABASE_URL must
 * answer — a PostgreSQL that cannot be reached fails the run, it never skips it. The run gets an id
 * (every database it makes is named after it, test-database.ts); at its end, passed or failed, the
 * teardown drops all of them, and the databases of runs killed more than a day ago.
 */
import type { TestProject } from 'vitest/node';
import { describeServer, dropRun, dropStaleRuns, newRunId, withServer } from './pg.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = describeServer();
  const why = await withServer(async (client) => {
    const { rows } = await client.query<{ can: boolean; version: string }>(
      `SELECT (rolcreatedb OR rolsuper) AS can, current_setting('server_version') AS version
       FROM pg_roles WHERE rolname = current_user`,
    );
    if (!rows[0]?.can) return `its user may not create databases (the tests make one per test file)`;
    // Another run's leftovers are not this run's failure: say so and go on.
    await dropStaleRuns(client)
      .then((stale) => stale.length && console.log(`Dropped ${stale.length} databases of test runs over a day old`))
      .catch((err: unknown) => console.warn((err as Error).message));
    return null;
  }).catch((err: unknown) => `cannot be reached: ${(err as Error).message}`);
  if (why) {
    throw new Error(
      `The PostgreSQL tests need a PostgreSQL server: ${server} ${why}. ` +
        'Start one, or point TEST_DATABASE_URL at one (postgres://user:password@host:5432/postgres).',
    );
  }
  const run = newRunId();
  project.provide('pgRun', run);
  return async () => {
    await withServer((client) => dropRun(client, run));
  };
}
