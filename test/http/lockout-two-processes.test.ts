/**
 * The sign-in lockout holds across two real server processes (`server/main.ts`, each its own Node
 * process) over one database: failures counted by either lock the account on both, the 429 of both
 * says when to retry, and a password reset made through one lifts the lock on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let database: TestDatabase;
let db: Database;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase({ demo: { instruments: 20 } });
  const env = { ...database.env, SEED_INSTRUMENTS: '20', RECOVERY_INTERVAL_SECONDS: '0', SEED_DEMO: '0' };
  // One after the other: each migrates and checks the seed at its start.
  a = await startServer({ env, web: false });
  b = await startServer({ env, web: false });
  db = openDatabase(database.target);
}, 180_000);
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.close();
  await database?.drop();
});

const post = (server: ServerProcess, path: string, body: unknown) =>
  fetch(`${server.baseUrl}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    body: JSON.stringify(body),
  });
const login = (server: ServerProcess, email: string, password: string) =>
  post(server, '/auth/login', { email, password });

describe('the sign-in lockout across two server processes', () => {
  it('is counted by both, answered by both with when to retry, and lifted by a reset made through either', async () => {
    expect(a.port).not.toBe(b.port);
    const email = 'finance2@demo.test';
    for (let i = 0; i < 3; i++) expect((await login(a, email, `a-${i}`)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await login(b, email, `b-${i}`)).status).toBe(401);

    const before = Date.now();
    const [onA, onB] = [await login(a, email, DEMO_PASSWORD), await login(b, email, DEMO_PASSWORD)];
    for (const res of [onA, onB]) {
      expect(res.status).toBe(429);
      const body = (await res.json()) as { retryAt: string; retryAfterSeconds: number; detail: string };
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(800);
      const at = Date.parse(body.retryAt);
      // About 15 minutes from the fifth failure, the same lock on both.
      expect(at).toBeGreaterThan(before + 14 * 60_000);
      expect(at).toBeLessThan(before + 16 * 60_000);
      expect(body.detail).toMatch(/locked until \d{4}-\d\d-\d\d \d\d:\d\d \(Beijing time\)$/);
    }

    // Forgotten password through B; the link, used on A, lifts the lock for both.
    expect((await post(b, '/auth/password/forgot', { email })).status).toBe(202);
    const text = await db.value<string>(
      `SELECT text FROM outbox WHERE to_address = ? AND subject LIKE '%重置密码%' ORDER BY id DESC LIMIT 1`,
      [email],
    );
    const token = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1];
    expect(token).toBeTruthy();
    expect((await post(a, '/auth/password/reset', { token, password: 'Tk9#mVq2Lp4x' })).status).toBe(204);
    expect((await login(b, email, 'Tk9#mVq2Lp4x')).status).toBe(200);
  });

  it('checks one guess at a time for an account across both processes', async () => {
    const email = 'finance3@demo.test';
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(i % 2 ? b : a, email, `both-${i}`).then((r) => r.status)),
    );
    const wrong = all.filter((s) => s === 401).length;
    expect(wrong).toBeGreaterThanOrEqual(1);
    expect(wrong).toBeLessThanOrEqual(5);
    expect(all.filter((s) => s === 429).length).toBe(20 - wrong);
  });
});
