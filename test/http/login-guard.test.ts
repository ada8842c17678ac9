/**
 * Password guessing over HTTP: the limits per account, per client address and per known browser, counted
 * in the database before the password is hashed — so parallel guesses, a second server process and a
 * changing X-Forwarded-For do not get around them.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client.ts';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { addressBucket } from '../../server/modules/auth/login-throttle.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';

const MINUTE = 60_000;
const clock = fixedClock(Date.parse('2026-12-01T10:00:00+08:00'));
let t: TestApp;
/** The same database behind a reverse proxy on this machine (`trust proxy` = loopback). */
let proxied: Express;
/** A second app over its own connection to the same database file, as a second server process has. */
let second: { app: Express; db: Database };

beforeAll(async () => {
  t = await createTestApp({ instruments: 50, clock });
  const payments = await testStripe();
  proxied = createApp({ db: t.db, webRoot: null, clock, payments, trustProxy: ['loopback'] });
  const db = openDatabase(t.target);
  second = { app: createApp({ db, webRoot: null, clock, payments }), db };
});
afterAll(async () => {
  await second.db.close();
  await t.close();
});
// Every test starts after all earlier windows and locks have passed.
beforeEach(() => clock.advance(31 * MINUTE));

const login = (email: string, password: string, app: Express = t.app) =>
  request(app).post('/api/v1/auth/login').send({ email, password });
const from = (address: string, email: string, password: string) =>
  request(proxied).post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });
const statuses = (responses: { status: number }[]) =>
  responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

describe('password guessing', () => {
  it('is refused with 429 after five wrong passwords, even with the right one, until the lock passes', async () => {
    for (let i = 0; i < 5; i++) expect((await login('finance@demo.test', `guess-${i}`)).status).toBe(401);
    const locked = await login('finance@demo.test', DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 900 });
    expect(locked.headers['retry-after']).toBe('900');
    // Other accounts are not affected.
    expect((await login('admin@demo.test', DEMO_PASSWORD)).status).toBe(200);
    clock.advance(15 * MINUTE + 1000);
    expect((await login('finance@demo.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('lets a success undo only its own attempt, so the owner signing in does not give a guesser more tries', async () => {
    for (let i = 0; i < 4; i++) expect((await login('lab@demo.test', `guess-${i}`)).status).toBe(401);
    expect((await login('lab@demo.test', DEMO_PASSWORD)).status).toBe(200);
    expect((await login('lab@demo.test', 'guess-4')).status).toBe(401);
    expect((await login('lab@demo.test', DEMO_PASSWORD)).status).toBe(429);
  });

  it('checks one password at a time per account: 40 sent at once are mostly refused and at most 5 checked', async () => {
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('researcher2@demo.test', `parallel-${i}`)),
    );
    const n = statuses(all);
    expect(n[429] ?? 0).toBeGreaterThanOrEqual(35);
    expect(n[200]).toBeUndefined();
    expect(n[401] ?? 0).toBeGreaterThanOrEqual(1);
    expect(n[401] ?? 0).toBeLessThanOrEqual(5);
    expect((n[401] ?? 0) + (n[429] ?? 0)).toBe(40);
    // However many were checked, each counted: the fifth failure locks the account.
    for (let i = n[401] ?? 0; i < 5; i++) expect((await login('researcher2@demo.test', `more-${i}`)).status).toBe(401);
    expect((await login('researcher2@demo.test', DEMO_PASSWORD)).status).toBe(429);
  });

  it('does not let the right password ride along with 24 wrong ones sent at the same moment', async () => {
    const wrong = Array.from({ length: 24 }, (_, i) => login('researcher3@demo.test', `ride-${i}`));
    const right = login('researcher3@demo.test', DEMO_PASSWORD);
    const [answers, mine] = await Promise.all([Promise.all(wrong), right]);
    expect(mine.status).toBe(429);
    expect(statuses(answers)[401] ?? 0).toBeLessThanOrEqual(5);
  });

  it('shares the counts between two server processes over one database', async () => {
    for (let i = 0; i < 3; i++) expect((await login('finance2@demo.test', `a-${i}`)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await login('finance2@demo.test', `b-${i}`, second.app)).status).toBe(401);
    expect((await login('finance2@demo.test', DEMO_PASSWORD)).status).toBe(429);
    expect((await login('finance2@demo.test', DEMO_PASSWORD, second.app)).status).toBe(429);

    // In parallel through both: one check at a time across the two, five failures in all.
    const both = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login('finance3@demo.test', `both-${i}`, i % 2 ? second.app : t.app)),
    );
    const n = statuses(both);
    expect(n[401] ?? 0).toBeLessThanOrEqual(5);
    expect(n[429] ?? 0).toBeGreaterThanOrEqual(25);
  });
});

describe('what the limits are keyed by', () => {
  it('locks an account whatever address the guesses come from', async () => {
    for (let i = 0; i < 5; i++)
      expect((await from(`198.51.100.${i + 1}`, 'finance4@demo.test', `x-${i}`)).status).toBe(401);
    const locked = await from('198.51.100.99', 'finance4@demo.test', DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.retryAfterSeconds).toBe(900);
  });

  it('limits one address across accounts (password spraying) but not the addresses next to it', async () => {
    for (let i = 0; i < 20; i++) expect((await from('203.0.113.7', `nobody-${i}@demo.test`, 'spray')).status).toBe(401);
    const sprayed = await from('203.0.113.7', 'admin@demo.test', DEMO_PASSWORD).set('Accept-Language', 'en');
    expect(sprayed.status).toBe(429);
    expect(sprayed.body.detail).toMatch(/your network/);
    expect((await from('203.0.113.8', 'admin@demo.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('treats an IPv6 client by its /64, and an IPv4-mapped address as IPv4', () => {
    expect(addressBucket('2001:db8:1:2::1').key).toBe(addressBucket('2001:0db8:0001:0002:ffff:0:0:9').key);
    expect(addressBucket('2001:db8:1:2::1').key).not.toBe(addressBucket('2001:db8:1:3::1').key);
    expect(addressBucket('::ffff:192.0.2.1').key).toBe(addressBucket('192.0.2.1').key);
  });

  it('ignores X-Forwarded-For unless a proxy is trusted (TRUST_PROXY, off by default)', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await request(t.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `192.0.2.${i + 1}`)
        .send({ email: `nobody-${i}@demo.test`, password: 'spray' });
      expect(res.status).toBe(401);
    }
    const res = await request(t.app)
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '192.0.2.200')
      .send({ email: 'admin@demo.test', password: DEMO_PASSWORD });
    expect(res.status).toBe(429);
  });

  it('reads TRUST_PROXY as off, a hop count or the proxies’ addresses, and refuses “trust everyone”', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'off' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, 2001:db8::/32' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*any client/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33, proxy.local' })).toThrow(
      /TRUST_PROXY: not an address.*10\.0\.0\.0\/33, proxy\.local/,
    );
  });
});

describe('a browser that signed in before', () => {
  it('still signs its owner in while a stranger has the account locked, and has a limit of its own', async () => {
    const owner = request.agent(t.app);
    const first = await owner
      .post('/api/v1/auth/login')
      .send({ email: 'researcher@demo.test', password: DEMO_PASSWORD });
    expect(first.status).toBe(200);
    const cookie = first.headers['set-cookie'] as unknown as string[];
    const device = cookie.find((c) => c.startsWith('did='))!;
    expect(device).toMatch(/HttpOnly/);
    expect(device).toMatch(/SameSite=Strict/);
    expect(device).toMatch(/Path=\/api\/v1\/auth\/login/);
    // Only its hash is stored.
    const value = device.slice(4, device.indexOf(';'));
    expect(await t.db.value('SELECT COUNT(*) FROM login_devices WHERE id = ?', [value])).toBe(0);

    for (let i = 0; i < 5; i++) expect((await login('researcher@demo.test', `stranger-${i}`)).status).toBe(401);
    expect((await login('researcher@demo.test', DEMO_PASSWORD)).status).toBe(429);
    const again = await owner
      .post('/api/v1/auth/login')
      .send({ email: 'researcher@demo.test', password: DEMO_PASSWORD });
    expect(again.status).toBe(200);
    // Its own mistakes have a limit of their own.
    expect(
      (await owner.post('/api/v1/auth/login').send({ email: 'researcher@demo.test', password: 'typo' })).status,
    ).toBe(401);
    for (let i = 0; i < 4; i++) {
      expect(
        (await owner.post('/api/v1/auth/login').send({ email: 'researcher@demo.test', password: `typo-${i}` })).status,
      ).toBe(401);
    }
    expect(
      (await owner.post('/api/v1/auth/login').send({ email: 'researcher@demo.test', password: DEMO_PASSWORD })).status,
    ).toBe(429);
  });

  it('speaks only for the account it signed in to', async () => {
    const owner = request.agent(t.app);
    expect(
      (await owner.post('/api/v1/auth/login').send({ email: 'researcher@demo.test', password: DEMO_PASSWORD })).status,
    ).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login('researcher2@demo.test', `stranger-${i}`)).status).toBe(401);
    expect(
      (await owner.post('/api/v1/auth/login').send({ email: 'researcher2@demo.test', password: DEMO_PASSWORD })).status,
    ).toBe(429);
  });

  it('forgets expired counters', async () => {
    for (let i = 0; i < 3; i++) await login('admin@demo.test', `old-${i}`);
    expect(await t.db.value(`SELECT COUNT(*) FROM login_throttle`)).toBeGreaterThan(0);
    clock.advance(31 * MINUTE);
    expect((await login('admin@demo.test', DEMO_PASSWORD)).status).toBe(200);
    const keys = await t.db.column(`SELECT key FROM login_throttle`);
    // Only the buckets this sign-in just touched remain.
    expect(keys.sort()).toEqual(['account:admin@demo.test', 'address:127.0.0.1'].sort());
  });
});
