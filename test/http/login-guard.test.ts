import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

const clock = fixedClock(Date.parse('2026-12-01T10:00:00+08:00'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ instruments: 50, clock });
});
afterAll(() => t.close());

const login = (email: string, password: string) => request(t.app).post('/api/v1/auth/login').send({ email, password });

describe('password guessing', () => {
  it('is refused with 429 after five wrong passwords, even with the right one, until the window passes', async () => {
    for (let i = 0; i < 5; i++) expect((await login('finance@demo.test', `guess-${i}`)).status).toBe(401);
    const locked = await login('finance@demo.test', 'demo-pass-2025');
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 900 });
    // Other accounts are not affected.
    expect((await login('admin@demo.test', 'demo-pass-2025')).status).toBe(200);
    clock.advance(15 * 60_000 + 1000);
    expect((await login('finance@demo.test', 'demo-pass-2025')).status).toBe(200);
  });

  it('forgets earlier failures after a successful sign-in', async () => {
    for (let i = 0; i < 4; i++) expect((await login('lab@demo.test', `guess-${i}`)).status).toBe(401);
    expect((await login('lab@demo.test', 'demo-pass-2025')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login('lab@demo.test', `again-${i}`)).status).toBe(401);
    expect((await login('lab@demo.test', 'demo-pass-2025')).status).toBe(200);
  });
});
