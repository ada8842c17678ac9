/**
 * Two-step verification (TOTP, RFC 6238) over HTTP, on a fixed clock: enrolment with a QR code and
 * recovery codes, signing in in two steps, a code good once, wrong codes counted against the sign-in
 * limits, recovery codes good once, new recovery codes, turning it off, and the installation's
 * setting that requires it of finance officers and platform admins.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { createApp } from '../../server/app.ts';
import { totpCode, totpStep } from '../../server/modules/auth/totp.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';

const MINUTE = 60_000;
const STEP = 30_000;
// At the start of a 30-second step, so "the next step" is always a clock advance of STEP away.
const clock = fixedClock(Date.parse('2026-12-01T10:00:00+08:00'));
let t: TestApp;
/** The same database under an installation that requires a second factor of finance and admins. */
let strict: Express;

beforeAll(async () => {
  t = await createTestApp({ instruments: 20, clock });
  strict = createApp({
    db: t.db,
    webRoot: null,
    clock,
    payments: await testStripe(),
    security: { sessionIdleMinutes: 0, requireSecondFactor: true },
  });
});
afterAll(() => t.close());
beforeEach(() => clock.advance(31 * MINUTE));

const now = () => totpStep(clock.now());
type Agent = ReturnType<typeof request.agent>;

/** Enrols the signed-in agent's account: returns the secret and the recovery codes. */
async function enrol(agent: Agent): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await agent.post('/api/v1/auth/second-factor/enrol').send({ password: DEMO_PASSWORD });
  expect(started.status).toBe(200);
  const { secret } = started.body as { secret: string };
  const confirmed = await agent.post('/api/v1/auth/second-factor/confirm').send({ code: totpCode(secret, now()) });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes };
}

/** The password step: an agent holding a session that waits for its second factor. */
async function passwordStep(email: string, app: Express = t.app): Promise<Agent> {
  const agent = request.agent(app);
  const res = await agent.post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ secondFactorRequired: true });
  return agent;
}

const audit = (action: string, email: string) =>
  t.db.all<{ outcome: string; details: unknown }>(
    'SELECT outcome, details FROM audit_log WHERE action = ? AND actor_email = ? ORDER BY id',
    [action, email],
  );

describe('enrolling an authenticator app', () => {
  it('needs the password, shows a QR code and the key, and is on once a code confirms it', async () => {
    const email = 'finance@demo.test';
    const agent = await signIn(t.app, email);
    expect((await agent.get('/api/v1/auth/second-factor')).body).toEqual({
      enabled: false,
      enabledAt: null,
      recoveryCodesLeft: 0,
      required: false,
      enrolmentPending: false,
    });
    const wrong = await agent.post('/api/v1/auth/second-factor/enrol').send({ password: 'not-it' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('body.password');

    const started = await agent.post('/api/v1/auth/second-factor/enrol').send({ password: DEMO_PASSWORD });
    expect(started.status).toBe(200);
    const { secret, uri, qrDataUrl } = started.body as { secret: string; uri: string; qrDataUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect((await agent.get('/api/v1/auth/second-factor')).body).toMatchObject({
      enabled: false,
      enrolmentPending: true,
    });
    // Not on until confirmed: signing in still takes the password alone.
    expect(
      (await request(t.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD })).body.user,
    ).toBeTruthy();

    const bad = await agent.post('/api/v1/auth/second-factor/confirm').send({ code: '000000' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.code');
    const ok = await agent.post('/api/v1/auth/second-factor/confirm').send({ code: totpCode(secret, now()) });
    expect(ok.status).toBe(200);
    const codes = ok.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    const stored = await t.db.column<string>(
      'SELECT code_hash FROM recovery_codes WHERE user_id = (SELECT id FROM users WHERE email = ?)',
      [email],
    );
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(stored.join()).not.toContain(c.replace(/-/g, ''));
    const state = (await agent.get('/api/v1/auth/second-factor')).body;
    expect(state).toMatchObject({ enabled: true, recoveryCodesLeft: 10, enrolmentPending: false });
    expect(state.enabledAt).toBe(new Date(clock.now()).toISOString());
    expect((await agent.get('/api/v1/auth/me')).body.user.secondFactorEnabled).toBe(true);
    expect(await audit('auth.second_factor_enabled', email)).toHaveLength(1);
  });
});

describe('signing in with a second factor', () => {
  let secret: string;
  let recoveryCodes: string[];
  const email = 'finance2@demo.test';
  beforeAll(async () => {
    ({ secret, recoveryCodes } = await enrol(await signIn(t.app, email)));
  });

  it('takes the password, then a code: until then the session can do nothing', async () => {
    clock.advance(STEP);
    const agent = await passwordStep(email);
    const cookies = (await agent.get('/api/v1/auth/me')) as { status: number };
    expect(cookies.status).toBe(401);
    expect((await agent.get('/api/v1/notifications')).status).toBe(401);
    const wrong = await agent.post('/api/v1/auth/login/second-factor').send({ code: '123456' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.reason).toBe('wrong_code');
    const code = totpCode(secret, now());
    const res = await agent.post('/api/v1/auth/login/second-factor').send({ code });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ secondFactorRequired: false, user: { email, secondFactorEnabled: true } });
    // The browser is known to the account only now.
    expect(String(res.headers['set-cookie'])).toMatch(/did=/);
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    const [login] = (await audit('auth.login', email)).slice(-1);
    expect(login).toMatchObject({ outcome: 'success' });

    // The same code again, in another sign-in within its 30 seconds: refused.
    const replay = await passwordStep(email);
    const again = await replay.post('/api/v1/auth/login/second-factor').send({ code });
    expect(again.status).toBe(401);
    // The next step's code works.
    clock.advance(STEP);
    expect((await replay.post('/api/v1/auth/login/second-factor').send({ code: totpCode(secret, now()) })).status).toBe(
      200,
    );
    expect((await audit('auth.second_factor_failed', email)).length).toBeGreaterThanOrEqual(2);
  });

  it('accepts the code of the step before or after, not further', async () => {
    clock.advance(STEP);
    const agent = await passwordStep(email);
    expect(
      (await agent.post('/api/v1/auth/login/second-factor').send({ code: totpCode(secret, now() + 2) })).status,
    ).toBe(401);
    expect(
      (await agent.post('/api/v1/auth/login/second-factor').send({ code: totpCode(secret, now() - 1) })).status,
    ).toBe(200);
  });

  it('takes a recovery code instead, once', async () => {
    const code = recoveryCodes[0]!;
    const agent = await passwordStep(email);
    const res = await agent.post('/api/v1/auth/login/second-factor').send({ recoveryCode: code.toLowerCase() });
    expect(res.status).toBe(200);
    const state = (await agent.get('/api/v1/auth/second-factor')).body;
    expect(state.recoveryCodesLeft).toBe(9);
    const again = await passwordStep(email);
    expect((await again.post('/api/v1/auth/login/second-factor').send({ recoveryCode: code })).status).toBe(401);
    expect(await audit('auth.recovery_code_used', email)).toHaveLength(1);
  });

  it('counts wrong codes against the sign-in limit: five, and the account is locked', async () => {
    const agent = await passwordStep(email);
    for (let i = 0; i < 5; i++) {
      expect((await agent.post('/api/v1/auth/login/second-factor').send({ code: `00000${i}` })).status).toBe(401);
    }
    const locked = await agent.post('/api/v1/auth/login/second-factor').send({ code: totpCode(secret, now() + 1) });
    expect(locked.status).toBe(429);
    expect(locked.body.retryAt).toBe(new Date(clock.now() + 15 * MINUTE).toISOString());
    expect((await request(t.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD })).status).toBe(429);
    expect(await audit('auth.lockout', email)).toHaveLength(1);
  });

  it('gives up waiting for the code after ten minutes', async () => {
    const agent = await passwordStep(email);
    clock.advance(10 * MINUTE + 1000);
    const res = await agent.post('/api/v1/auth/login/second-factor').send({ code: totpCode(secret, now()) });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('no_pending_sign_in');
    // Without the password step at all.
    const none = await request(t.app).post('/api/v1/auth/login/second-factor').send({ code: '123456' });
    expect(none.status).toBe(401);
    expect(none.body.reason).toBe('no_pending_sign_in');
    const both = await request(t.app).post('/api/v1/auth/login/second-factor').send({ code: '1', recoveryCode: 'x' });
    expect(both.status).toBe(400);
  });
});

describe('recovery codes and turning it off', () => {
  it('gives ten new recovery codes for a code of the app; the old ones stop working', async () => {
    const email = 'finance3@demo.test';
    const agent = await signIn(t.app, email);
    const { secret, recoveryCodes: old } = await enrol(agent);
    clock.advance(STEP);
    expect((await agent.post('/api/v1/auth/second-factor/recovery-codes').send({ code: '000000' })).status).toBe(400);
    const res = await agent.post('/api/v1/auth/second-factor/recovery-codes').send({ code: totpCode(secret, now()) });
    expect(res.status).toBe(200);
    const fresh = res.body.recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(old[0]);
    const withOld = await passwordStep(email);
    expect((await withOld.post('/api/v1/auth/login/second-factor').send({ recoveryCode: old[0] })).status).toBe(401);
    expect((await withOld.post('/api/v1/auth/login/second-factor').send({ recoveryCode: fresh[0] })).status).toBe(200);
  });

  it('turns off with the password and a code; signing in takes the password alone again', async () => {
    const email = 'finance4@demo.test';
    const agent = await signIn(t.app, email);
    const { secret } = await enrol(agent);
    clock.advance(STEP);
    const noPassword = await agent
      .post('/api/v1/auth/second-factor/disable')
      .send({ password: 'wrong', code: totpCode(secret, now()) });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.errors[0].path).toBe('body.password');
    const noCode = await agent
      .post('/api/v1/auth/second-factor/disable')
      .send({ password: DEMO_PASSWORD, code: '000000' });
    expect(noCode.status).toBe(400);
    expect(noCode.body.errors[0].path).toBe('body.code');
    const off = await agent
      .post('/api/v1/auth/second-factor/disable')
      .send({ password: DEMO_PASSWORD, code: totpCode(secret, now()) });
    expect(off.status).toBe(204);
    expect(await t.db.value('SELECT totp_secret FROM users WHERE email = ?', [email])).toBeNull();
    expect(
      await t.db.value('SELECT COUNT(*) FROM recovery_codes WHERE user_id = (SELECT id FROM users WHERE email = ?)', [
        email,
      ]),
    ).toBe(0);
    const res = await request(t.app).post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
    expect(res.body).toMatchObject({ secondFactorRequired: false, user: { email } });
    expect(await audit('auth.second_factor_disabled', email)).toHaveLength(1);
  });
});

describe('when the installation requires a second factor', () => {
  it('restricts finance officers and admins without one to setting it up, and it cannot be turned off', async () => {
    const email = 'finance-desk@demo.test';
    const agent = request.agent(strict);
    const res = await agent.post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user.restriction).toBe('second_factor_required');
    const blocked = await agent.get('/api/v1/notifications');
    expect(blocked.status).toBe(403);
    expect(blocked.body.restriction).toBe('second_factor_required');
    expect((await agent.get('/api/v1/auth/second-factor')).body.required).toBe(true);

    const { secret } = await enrol(agent);
    expect((await agent.get('/api/v1/auth/me')).body.user.restriction).toBeNull();
    expect((await agent.get('/api/v1/notifications')).status).toBe(200);
    clock.advance(STEP);
    const off = await agent
      .post('/api/v1/auth/second-factor/disable')
      .send({ password: DEMO_PASSWORD, code: totpCode(secret, now()) });
    expect(off.status).toBe(409);
    // A researcher is not asked for one.
    const researcher = await signIn(strict, 'researcher@demo.test');
    expect((await researcher.get('/api/v1/auth/me')).body.user.restriction).toBeNull();
  });
});
