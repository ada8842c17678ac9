/**
 * Every benchmark still runs: each `npm run bench:*` script, at a tiny size, as `npm run` starts it
 * (from a clean clone: on a new database in a temp folder of its own), must exit 0 having printed its
 * figures. Sizes come from each script's BENCH_* variables; the full-size runs are for people.
 *
 * On the PostgreSQL project (TEST_ENGINE=postgres) the scripts that also measure PostgreSQL run with
 * BENCH_ENGINE=postgres on TEST_DATABASE_URL's server: their bench databases (isp_bench_<what>_<size>,
 * copies of the tiny SQLite files) are dropped at the end.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { databaseUrl, dropDatabase, testServerUrl, withServer } from '../support/pg.ts';
import { repoRoot } from '../support/server-process.ts';
import { testEngine } from '../support/test-database.ts';

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const benchScripts = Object.keys(pkg.scripts).filter((name) => name.startsWith('bench:'));

const onPostgres = testEngine() === 'postgres';
/** The scripts that also run on PostgreSQL (BENCH_ENGINE=postgres), with the databases they make there. */
const POSTGRES: Record<string, string> = {
  'bench:booking': 'isp_bench_booking_300_2000',
  'bench:stats': 'isp_bench_stats_300_3000',
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-bench-test-'));
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (onPostgres) {
    await withServer(async (admin) => {
      for (const name of Object.values(POSTGRES)) await dropDatabase(admin, name);
    });
  }
});

/** A script's tiny run: its environment and the figures its output must hold (pattern, times). */
interface TinyRun {
  env: Record<string, string>;
  figures: [RegExp, number][];
  /** On PostgreSQL: more settings, and figures instead of `figures`. */
  postgres?: { env: Record<string, string>; figures: [RegExp, number][] };
}

const num = String.raw`\d[\d,.]*`;
const TINY: Record<string, TinyRun> = {
  'bench:booking': {
    env: {
      BENCH_INSTRUMENTS: '300',
      BENCH_BOOKINGS: '2000',
      BENCH_REQUESTS: '40',
      BENCH_CONCURRENCY: '4',
      BENCH_RAW: '500',
      BENCH_AVAILABILITY: '30',
      BENCH_DB: path.join(dir, 'booking', 'bench.db'),
    },
    figures: [
      // Some requests must have been booked (201), not all refused.
      [new RegExp(`^booking requests through HTTP: ${num}/s \\(.*; (.*, )?\\d+×201`, 'm'), 1],
      [new RegExp(`^HTTP floor, GET /api/v1/health the same way: ${num}/s`, 'm'), 1],
      [new RegExp(`^raw SQLite check-and-insert: +${num}/s .* HTTP/raw ${num}`, 'm'), 1],
      [
        new RegExp(
          `^availability, 60-day window, through HTTP \\(a lean client\\), right after the burst: p50 ${num} ms, p95 ${num} ms`,
          'm',
        ),
        1,
      ],
      [
        new RegExp(
          `^availability, 60-day window, through HTTP \\(a lean client\\), server at rest: p50 ${num} ms, p95 ${num} ms`,
          'm',
        ),
        1,
      ],
      [new RegExp(`^… the same at rest timed by Node's http client: p50 ${num} ms, p95 ${num} ms`, 'm'), 1],
      [/^after the run: 0 overlapping pairs of active bookings; ledger balanced .* ✓$/m, 1],
    ],
    postgres: {
      // Two nodes: the requests are spread over them.
      env: { BENCH_NODES: '2', BENCH_RAW: '200' },
      figures: [
        [
          new RegExp(
            `^booking requests through HTTP: ${num}/s \\(2 server nodes on PostgreSQL, .*; (.*, )?\\d+×201`,
            'm',
          ),
          1,
        ],
        [new RegExp(`^HTTP floor, GET /api/v1/health the same way: ${num}/s`, 'm'), 1],
        [new RegExp(`^raw PostgreSQL check-and-insert, serial: +${num}/s .* HTTP/raw ${num}`, 'm'), 1],
        [new RegExp(`^raw PostgreSQL check-and-insert, 4 in flight: +${num}/s .* HTTP/raw ${num}`, 'm'), 1],
        [
          new RegExp(
            `^availability, 60-day window, through HTTP \\(a lean client\\), right after the burst: p50 ${num} ms, p95 ${num} ms`,
            'm',
          ),
          1,
        ],
        [
          new RegExp(
            `^availability, 60-day window, through HTTP \\(a lean client\\), server at rest: p50 ${num} ms, p95 ${num} ms`,
            'm',
          ),
          1,
        ],
        [new RegExp(`^… the same at rest timed by Node's http client: p50 ${num} ms, p95 ${num} ms`, 'm'), 1],
        [/^after the run: 0 overlapping pairs of active bookings; ledger balanced .* ✓$/m, 1],
      ],
    },
  },
  'bench:catalog': {
    env: {
      BENCH_INSTRUMENTS: '300',
      BENCH_QUERIES: '20',
      BENCH_DB: path.join(dir, 'catalog', 'bench.db'),
      BENCH_LISTING_MS: '300',
    },
    figures: [
      // One line per query class (five cold, two repeating a text): six timings, then http/raw at p50 and p95.
      [new RegExp(`^\\S.*?( +${num}){6} +${num}×, ${num}×`, 'gm'), 7],
      // The listing, one keep-alive client: the health floor, 200s (kept, identity, searched each time), 304s.
      [new RegExp(`^\\| (health|listing) .* \\| ${num} \\| ${num} \\| ${num} \\| .*\\|$`, 'gm'), 5],
    ],
  },
  'bench:reconcile': {
    env: { BENCH_PAYMENTS: '300', BENCH_RUNS: '2' },
    figures: [
      [/\(0 other than the template charge\)/, 1],
      [new RegExp(`^\\| reconciliation run .*\\| ${num} s \\| ${num} payments/s \\|$`, 'm'), 1],
      [new RegExp(`^\\| raw SQLite: .*\\| ${num} ms \\| ${num} payments/s \\|$`, 'm'), 1],
    ],
  },
  'bench:import': {
    env: { BENCH_ROWS: '300' },
    figures: [
      [
        new RegExp(
          `^\\| SQLite, (XLSX|CSV): validated and imported \\| ${num} s \\| ${num} rows/s \\| [✓✗] < 60 s$`,
          'gm',
        ),
        2,
      ],
      [new RegExp(`^\\| raw SQLite: prepared INSERT, transactions of 500 \\| ${num} s \\| ${num} rows/s \\|$`, 'm'), 1],
    ],
  },
  'bench:slots': {
    env: { BENCH_RUNS: '20' },
    figures: [[new RegExp(`mean ${num} ms +p50 ${num} ms +p95 ${num} ms$`, 'gm'), 4]],
  },
  'bench:stats': {
    env: {
      BENCH_INSTRUMENTS: '300',
      BENCH_BOOKINGS: '3000',
      BENCH_REQUESTS: '5',
      BENCH_DB: path.join(dir, 'stats', 'bench.db'),
    },
    figures: [
      [new RegExp(`^\\| .* \\|( ${num} \\|){4} ≤ (200|60) [✓✗] \\|$`, 'gm'), 5],
      [new RegExp(`^\\| raw SQLite: .* \\| ${num} \\| ${num} \\| – \\| – \\| – \\|$`, 'm'), 1],
    ],
    postgres: {
      env: {},
      figures: [
        [new RegExp(`^\\| .* \\|( ${num} \\|){4} ≤ (200|60) [✓✗] \\|$`, 'gm'), 5],
        [new RegExp(`^\\| raw PostgreSQL: .* \\| ${num} \\| ${num} \\| – \\| – \\| – \\|$`, 'm'), 1],
      ],
    },
  },
};

/** This process's environment without BENCH_* settings of the person running the tests: only the tiny sizes count. */
const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BENCH_')));

/** Longest a tiny run may take before it is killed (it takes a few seconds). */
const RUN_TIMEOUT_MS = 90_000;

/**
 * `npm run <script>` to its end, with everything it printed. It runs in a process group of its own,
 * so that a run that hangs is killed with the processes it started (the booking bench's server).
 */
function npmRun(script: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: repoRoot,
      env: { ...inherited, BENCH_RESULTS_DIR: path.join(dir, 'results'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n(killed after ${RUN_TIMEOUT_MS} ms)`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, RUN_TIMEOUT_MS);
    child.on('error', reject);
    // 'close': also every process that shares its output (the server the booking bench starts) has ended.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

async function expectFigures(script: string) {
  const tiny = TINY[script];
  if (!tiny) throw new Error(`${script} has no tiny run: add one to TINY`);
  const env = onPostgres
    ? { ...tiny.env, BENCH_ENGINE: 'postgres', BENCH_DATABASE_URL: testServerUrl(), ...tiny.postgres!.env }
    : tiny.env;
  const { code, signal, output } = await npmRun(script, env);
  expect({ script, code, signal }, output).toEqual({ script, code: 0, signal: null });
  for (const [pattern, times] of onPostgres ? tiny.postgres!.figures : tiny.figures) {
    const found = pattern.global ? [...output.matchAll(pattern)].length : pattern.test(output) ? 1 : 0;
    expect(found, `${script}: ${pattern} in\n${output}`).toBe(times);
  }
  return output;
}

/** What the booking bench left: everyone else's bookings and the ledger, and the bench user's bookings and money. */
async function bookingBenchDatabase() {
  const db = openDatabase(onPostgres ? databaseUrl(POSTGRES['bench:booking']!) : TINY['bench:booking']!.env.BENCH_DB!);
  try {
    const bench = `(SELECT id FROM bookings WHERE requester_id = (SELECT id FROM users WHERE email = 'bench@bench.test'))`;
    return {
      others: await db.get(
        `SELECT (SELECT count(*) FROM bookings WHERE id NOT IN ${bench}) AS bookings,
           (SELECT count(*) FROM booking_events WHERE booking_id NOT IN ${bench}) AS events,
           (SELECT count(*) FROM ledger_transfers) AS transfers, (SELECT count(*) FROM payments) AS payments,
           (SELECT count(*) FROM voucher_uses) AS voucherUses`,
      ),
      // (An alias: PostgreSQL names every subquery in FROM.)
      benchBookings: (await db.value<number>(`SELECT count(*) FROM ${bench} AS b`))!,
      benchMoney: (await db.value<number>(
        `SELECT (SELECT count(*) FROM payments WHERE booking_id IN ${bench})
           + (SELECT count(*) FROM voucher_uses WHERE booking_id IN ${bench})
           + (SELECT count(*) FROM ledger_transfers WHERE booking_id IN ${bench})`,
      ))!,
    };
  } finally {
    await db.close();
  }
}

describe('the benchmarks, at a tiny size', () => {
  it('has a tiny run for every bench script in package.json', () => {
    expect([...benchScripts].sort()).toEqual(Object.keys(TINY).sort());
  });

  // On PostgreSQL only the scripts that measure it (the others measure SQLite alone).
  for (const script of benchScripts.filter((s) => !onPostgres || s in POSTGRES)) {
    it(`npm run ${script} prints its figures`, { timeout: 2 * RUN_TIMEOUT_MS }, async () => {
      await expectFigures(script);
      if (script === 'bench:booking') {
        // Again on the same database: it books new slots, as its own user, and leaves everything else as it was.
        const before = await bookingBenchDatabase();
        const again = await expectFigures(script);
        expect(again).toMatch(/^Reusing /m);
        const after = await bookingBenchDatabase();
        expect(after.others).toEqual(before.others);
        expect(after.benchBookings).toBeGreaterThan(before.benchBookings);
        expect(after.benchMoney).toBe(0);
      }
    });
  }
});
