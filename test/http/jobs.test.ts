/**
 * Periodic jobs across several nodes (server/jobs): on one database, a job runs on one node per
 * interval however many nodes look; a node killed in the middle of a job keeps its lease only until
 * it runs out, and then another node runs the job and finishes the work; a node that lives keeps
 * renewing its lease. The platform's own jobs run through the runner on a real app, once.
 *
 * "Nodes" are separate connections to the database (on SQLite: separate connections to one file, as
 * WORKERS processes have), and for the kill a separate process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import { createApp, servicesOf } from '../../server/app.ts';
import { platformJobs } from '../../server/jobs/platform.ts';
import { JobRunner, type Job } from '../../server/jobs/runner.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { repoRoot } from '../support/server-process.ts';
import { testStripe } from '../support/stripe.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let database: TestDatabase;
let a: Database;
let b: Database;

beforeAll(async () => {
  database = await createTestDatabase('empty');
  a = openDatabase(database.target);
  await migrateDatabase(a);
  b = openDatabase(database.target);
  await a.run(`CREATE TABLE test_work (id INTEGER PRIMARY KEY, done_by TEXT)`);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await database?.drop();
});

describe('a job on two nodes', () => {
  it('runs on one of them per interval, however often both look', async () => {
    let runs = 0;
    const job: Job = {
      name: 'count',
      everyMs: 60_000,
      async run() {
        runs++;
        await sleep(200);
      },
    };
    const nodeA = new JobRunner(a, [job], { holder: 'node-a' });
    const nodeB = new JobRunner(b, [job], { holder: 'node-b' });
    const outcomes = await Promise.all([
      nodeA.tick('count'),
      nodeB.tick('count'),
      nodeA.tick('count'),
      nodeB.tick('count'),
      sleep(50).then(() => nodeB.tick('count')),
    ]);
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'ran').every((o) => o === 'busy' || o === 'not_due')).toBe(true);
    expect(runs).toBe(1);
    // Finished: not due again for its interval, on either node.
    expect(await nodeA.tick('count')).toBe('not_due');
    expect(await nodeB.tick('count')).toBe('not_due');
    expect(runs).toBe(1);
    const row = (await nodeA.leases.row('count'))!;
    expect(row).toMatchObject({ holder: null, runs: 1, lastError: null });
    const now = await nodeA.leases.now();
    expect(row.dueAt).toBeGreaterThan(now + 55_000);
    expect(row.lastFinishedAt).toBeGreaterThanOrEqual(row.lastStartedAt!);
  });

  it('records a failure, gives the lease back, and runs again when due', async () => {
    let calls = 0;
    const job: Job = {
      name: 'flaky',
      everyMs: 300,
      async run() {
        calls++;
        if (calls === 1) throw new Error('the processor is down');
      },
    };
    const logged: string[] = [];
    const nodeA = new JobRunner(a, [job], { holder: 'node-a', log: (m) => logged.push(m) });
    const nodeB = new JobRunner(b, [job], { holder: 'node-b', log: (m) => logged.push(m) });
    expect(await nodeA.tick('flaky')).toBe('failed');
    expect(logged).toEqual(['job flaky failed: the processor is down']);
    expect(await nodeA.leases.row('flaky')).toMatchObject({ holder: null, lastError: 'the processor is down' });
    expect(await nodeB.tick('flaky')).toBe('not_due');
    await sleep(350);
    expect(await nodeB.tick('flaky')).toBe('ran');
    expect(await nodeB.leases.row('flaky')).toMatchObject({ holder: null, lastError: null, runs: 2 });
  });

  it('a start-up run does not wait for the job to be due, but does for its lease', async () => {
    let runs = 0;
    let release!: () => void;
    const job: Job = {
      name: 'startup',
      everyMs: 60_000,
      async run(_signal, { startup }) {
        runs++;
        if (!startup) await new Promise<void>((r) => (release = r));
      },
    };
    const nodeA = new JobRunner(a, [job], { holder: 'node-a' });
    const nodeB = new JobRunner(b, [job], { holder: 'node-b' });
    const first = nodeA.tick('startup');
    while (!release) await sleep(10);
    expect(await nodeB.tick('startup', { startup: true })).toBe('busy');
    release();
    expect(await first).toBe('ran');
    expect(await nodeB.tick('startup')).toBe('not_due');
    expect(await nodeB.tick('startup', { startup: true })).toBe('ran');
    expect(runs).toBe(2);
  });

  it('stopping a node tells its running job, and gives the lease back once the job ends', async () => {
    const job: Job = {
      name: 'long',
      everyMs: 0,
      run: (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
    };
    const nodeA = new JobRunner(a, [job], { holder: 'node-a' });
    const running = nodeA.tick('long', { startup: true });
    await sleep(100);
    expect((await nodeA.leases.row('long'))!.holder).toBe('node-a');
    await nodeA.stop();
    expect(await running).toBe('ran');
    expect((await nodeA.leases.row('long'))!.holder).toBe(null);
    expect(await nodeA.tick('long')).toBe('stopped');
  });
});

/** A node in a process of its own: takes the job, does 5 of the 10 items, says so, then hangs (renewing its lease). */
const CHILD = (target: string) => `
import { openDatabase } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'db/client.ts')).href)};
import { JobRunner } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'server/jobs/runner.ts')).href)};
const db = openDatabase(${JSON.stringify(target)});
setInterval(() => undefined, 1000); // alive until killed
const job = {
  name: 'work',
  everyMs: 60_000,
  async run() {
    for (let i = 0; i < 5; i++) {
      await db.run("UPDATE test_work SET done_by = 'child' WHERE id = (SELECT MIN(id) FROM test_work WHERE done_by IS NULL)");
    }
    console.log('halfway');
    await new Promise(() => undefined);
  },
};
const runner = new JobRunner(db, [job], { holder: 'child', leaseMs: 1500 });
console.log('outcome ' + (await runner.tick('work')));
`;

describe('a node killed in the middle of a job', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('keeps the lease while it lives; once dead, another node takes over when the lease runs out and finishes', async () => {
    for (let id = 1; id <= 10; id++) await a.run(`INSERT INTO test_work (id) VALUES (?)`, [id]);
    const script = path.join(database.dir, 'child-node.mts');
    fs.writeFileSync(script, CHILD(database.target));
    const started = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    started.stdout.on('data', (c: Buffer) => (output += c.toString()));
    started.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!output.includes('halfway')) {
      if (Date.now() > deadline || started.exitCode !== null)
        throw new Error(`the child node did not start:\n${output}`);
      await sleep(50);
    }

    const work: Job = {
      name: 'work',
      everyMs: 60_000,
      async run() {
        await b.run(`UPDATE test_work SET done_by = 'survivor' WHERE done_by IS NULL`);
      },
    };
    const survivor = new JobRunner(b, [work], { holder: 'survivor', leaseMs: 1500 });
    expect(await survivor.tick('work')).toBe('busy');
    // Longer than its lease: the living child renews it.
    await sleep(2500);
    expect(await survivor.tick('work')).toBe('busy');
    expect((await survivor.leases.row('work'))!.holder).toBe('child');

    started.kill('SIGKILL');
    await new Promise((r) => started.once('exit', r));
    // Still its lease until it runs out (at most 1.5 s after the last renewal).
    expect(await survivor.tick('work')).toBe('busy');
    let outcome = 'busy';
    const until = Date.now() + 5000;
    while (outcome === 'busy' && Date.now() < until) {
      await sleep(100);
      outcome = await survivor.tick('work');
    }
    expect(outcome).toBe('ran');
    const done = await a.all<{ doneBy: string; n: number }>(
      `SELECT done_by AS "doneBy", COUNT(*) AS n FROM test_work GROUP BY done_by ORDER BY done_by`,
    );
    expect(done).toEqual([
      { doneBy: 'child', n: 5 },
      { doneBy: 'survivor', n: 5 },
    ]);
    expect(await survivor.leases.row('work')).toMatchObject({ holder: null, runs: 2, lastError: null });
  }, 40_000);
});

describe("the platform's jobs on two app instances", () => {
  let t: TestApp;
  let other: Database;
  beforeAll(async () => {
    t = await createTestApp({ instruments: 50 });
    other = openDatabase(t.target);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('each runs on the first instance, and is not due on the second', async () => {
    const settings = { recoveryIntervalSeconds: 60, reconcileAt: '00:00', remindAt: '00:00', mailIntervalSeconds: 30 };
    const second = createApp({ db: other, webRoot: null, fileDir: t.fileDir, payments: await testStripe() });
    const logged: string[] = [];
    const log = (m: string) => logged.push(m);
    const jobsA = platformJobs(servicesOf(t.app), { ...settings, log });
    const nodeA = new JobRunner(t.db, jobsA, { holder: 'app-a', log });
    const nodeB = new JobRunner(other, platformJobs(servicesOf(second), { ...settings, log }), {
      holder: 'app-b',
      log,
    });
    const names = jobsA.map((j) => j.name);
    expect(names).toEqual([
      'payment-recovery',
      'card-authorisations',
      'service-agreements',
      'quota-expiry',
      'automatic-quotas',
      'stats-refresh',
      'instrument-imports',
      'transfer-due',
      'testing-needs-expiry',
      'notice-close',
      'mail-delivery',
      'daily-reconciliation',
      'booking-reminders',
    ]);
    for (const name of names) expect(await nodeA.tick(name), `${name}: ${logged.join('\n')}`).toBe('ran');
    for (const name of names) expect(await nodeB.tick(name)).toBe('not_due');
    // Yesterday's reconciliation ran once, on the first instance.
    expect(logged.filter((m) => m.startsWith('Daily reconciliation'))).toHaveLength(1);
    expect(await t.db.value(`SELECT COUNT(*) FROM reconciliation_runs WHERE trigger = 'schedule'`)).toBe(1);
    // A node starting: its recovery runs at once, due or not.
    expect(await nodeB.tick('payment-recovery', { startup: true })).toBe('ran');
  });
});
