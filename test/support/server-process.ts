/**
 * Start the real server (`server/main.ts`) as a child process on a free port with a fresh database:
 * a new SQLite file the server migrates and seeds, or on the PostgreSQL projects a database of its own
 * on the test server (a copy of the run's seeded template, test-database.ts), dropped when it stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testEngine, type TestDatabase } from './test-database.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServerProcess = {
  baseUrl: string;
  port: number;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
};

export type StartOptions = {
  env?: Record<string, string>;
  /** How long to wait for `GET /api/v1/health` to answer 200. */
  timeoutMs?: number;
  /** Whether the built SPA (dist/web) must be there: not for tests of the API alone. */
  web?: boolean;
};

/** A TCP port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Start the server; or, when `E2E_BASE_URL` is set (a server you already run), use that one and start nothing.
 * A `DATABASE_PATH` or `DATABASE_URL` in `env` is the caller's database (kept when the server stops);
 * without one the server gets a new database. On PostgreSQL that database already holds what the server
 * would seed (the demo with SEED_INSTRUMENTS instruments, its default seed), or nothing with SEED_DEMO=0.
 */
export async function startServer({
  env = {},
  timeoutMs = 120_000,
  web = true,
}: StartOptions = {}): Promise<ServerProcess> {
  const external = process.env.E2E_BASE_URL;
  if (external) {
    const url = new URL(external);
    const res = await fetch(new URL('/api/v1/health', url)).catch(() => null);
    if (res?.status !== 200) throw new Error(`E2E_BASE_URL=${external} does not answer /api/v1/health`);
    return { baseUrl: url.origin, port: Number(url.port), output: () => '', stop: async () => undefined };
  }
  if (web && !existsSync(path.join(repoRoot, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build` before the browser tests');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'isp-e2e-'));
  let database: TestDatabase | null = null;
  if (testEngine() === 'postgres' && !env.DATABASE_PATH && !env.DATABASE_URL) {
    try {
      database = await createTestDatabase(
        env.SEED_DEMO === '0' ? 'empty' : { demo: { instruments: Number(env.SEED_INSTRUMENTS ?? '400') } },
      );
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  const port = await freePort();
  // A DATABASE_URL of the shell running the tests is not the test's database.
  const { DATABASE_URL: _theShells, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: path.join(dir, 'e2e.db'),
      SEED_DEMO: '1',
      SEED_INSTRUMENTS: '400',
      ...database?.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with code ${child.exitCode} before it was ready:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { baseUrl, port, output: () => log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`the server did not answer /api/v1/health within ${timeoutMs} ms:\n${log}`);
}
