/**
 * The account lifecycle over HTTP, on a fixed clock: the password policy where a password is set,
 * changing one's password, a forgotten password by a single-use link that expires, the lockout's
 * 429 saying when, sessions (list, end, end the others, an administrator ending a person's, the idle
 * timeout), restricted accounts, and what the security audit log keeps of it all.
 */
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { createApp } from '../../server/app.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const clock = fixedClock(Date.parse('2026-12-01T10:00:00+08:00'));
const NEW_PASSWORD = 'Tk9#mVq2Lp4x';
let t: TestApp;
/** The same database under an installation whose passwords expire after 30 days. */
let expiring: Express;

beforeAll(async () => {
  t = await createTestApp({ instruments: 20, clock, security: { sessionIdleMinutes: 30 } });
  expiring = createApp({
    db: t.db,
    webRoot: null,
    clock,
    payments: await testStripe(),
    security: { sessionIdleMinutes: 0, passwordMaxAgeDays: 30 },
  });
});
afterAll(() => t.close());
// Every test starts after all earlier sign-in windows and locks have passed.
beforeEach(() => clock.advance(61 * MINUTE));

const login = (email: string, password: string, app: Express = t.app) =>
  request(app).post('/api/v1/auth/login').send({ email, password });

const userId = async (email: string) => (await t.db.value<number>('SELECT id FROM users WHERE email = ?', [email]))!;

/** The account mails queued to an address, oldest first. */
const mails = (to: string) =>
  t.db.all<{ subject: string; text: string }>('SELECT subject, text FROM outbox WHERE to_address = ? ORDER BY id', [
    to,
  ]);

/** The token of the newest reset link mailed to an address. */
async function resetToken(to: string): Promise<string> {
  const all = await mails(to);
  const link = all
    .map((m) => /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(m.text)?.[1])
    .filter(Boolean)
    .at(-1);
  if (!link) throw new Error(`no reset link mailed to ${to}`);
  return link;
}

const audit = (action: string, email: string) =>
  t.db.all<{ outcome: string; details: unknown; client_address: string | null; subject_id: string | null }>(
    `SELECT outcome, details, client_address, subject_id FROM audit_log WHERE action = ? AND actor_email = ? ORDER BY id`,
    [action, email],
  );
const detailsOf = (row: { details: unknown }) =>
  (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, unknown>;

describe('the password policy where a password is set', () => {
  it('refuses each rule with 400 naming the field, and changes nothing', async () => {
    const agent = await signIn(t.app, 'lab3@demo.test');
    const cases: [string, RegExp][] = [
      ['Tk9#mVq2', /at least 10 characters/],
      ['tkqmvqzlpxwrs', /at least three of/],
      ['Lab3@demo.test-Tk9', /not the e-mail address or its name/],
      ['Password2026!', /not a commonly used password/],
    ];
    for (const [newPassword, rule] of cases) {
      const res = await agent
        .post('/api/v1/auth/password')
        .set('Accept-Language', 'en')
        .send({ currentPassword: DEMO_PASSWORD, newPassword });
      expect(res.status, newPassword).toBe(400);
      expect(res.body.detail).toMatch(/^the password is too weak: /);
      expect(res.body.detail).toMatch(rule);
      expect(res.body.errors).toEqual([{ path: 'body.newPassword', message: 'password_too_weak' }]);
    }
    // In Chinese by default.
    const zh = await agent.post('/api/v1/auth/password').send({ currentPassword: DEMO_PASSWORD, newPassword: 'abc' });
    expect(zh.body.detail).toBe('密码强度不足：至少 10 个字符；至少包含小写字母、大写字母、数字、符号中的三种');
    expect((await login('lab3@demo.test', DEMO_PASSWORD)).status).toBe(200);
  });
});

describe('changing one’s password', () => {
  it('needs the current password, and a new one that differs', async () => {
    const agent = await signIn(t.app, 'lab3@demo.test');
    const wrong = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: 'body.currentPassword', message: '密码错误' }]);
    const same = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD });
    expect(same.status).toBe(400);
    expect(same.body.errors[0].path).toBe('body.newPassword');
    expect((await login('lab3@demo.test', DEMO_PASSWORD)).status).toBe(200);
    expect((await login('lab3@demo.test', NEW_PASSWORD)).status).toBe(401);
  });

  it('ends every other session, keeps this one, mails the person and is in the audit log', async () => {
    const email = 'lab2@demo.test';
    const here = await signIn(t.app, email);
    const elsewhere = await signIn(t.app, email);
    const before = (await mails(email)).length;
    const res = await here
      .post('/api/v1/auth/password')
      .send({ currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 1 });
    expect((await here.get('/api/v1/auth/me')).status).toBe(200);
    expect((await elsewhere.get('/api/v1/auth/me')).status).toBe(401);
    expect((await login(email, DEMO_PASSWORD)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    const sent = (await mails(email)).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain('您的密码已修改');
    expect(await t.db.value<number>('SELECT password_changed_at FROM users WHERE email = ?', [email])).toBe(
      clock.now(),
    );
    const [entry] = await audit('auth.password_change', email);
    expect(entry).toMatchObject({ outcome: 'success' });
    expect(detailsOf(entry!)).toEqual({ sessionsEnded: 1 });
    expect(JSON.stringify(await t.db.all('SELECT details FROM audit_log'))).not.toContain(NEW_PASSWORD);
  });
});

describe('a forgotten password', () => {
  it('answers the same for an address with no account, and mails nothing', async () => {
    const unknown = await request(t.app).post('/api/v1/auth/password/forgot').send({ email: 'nobody@example.cn' });
    const known = await request(t.app).post('/api/v1/auth/password/forgot').send({ email: 'finance3@demo.test' });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.body).toEqual({ accepted: true });
    expect(await mails('nobody@example.cn')).toEqual([]);
    expect(await mails('finance3@demo.test')).toHaveLength(1);
    // Similar time either way (both answer no sooner than a fixed minimum).
    const time = async (email: string) => {
      const started = performance.now();
      await request(t.app).post('/api/v1/auth/password/forgot').send({ email });
      return performance.now() - started;
    };
    const [a, b] = [await time('nobody2@example.cn'), await time('finance3@demo.test')];
    expect(a).toBeGreaterThanOrEqual(240);
    expect(b).toBeGreaterThanOrEqual(240);
    expect(Math.abs(a - b)).toBeLessThan(300);
  });

  it('mails a link that works once, ends every session and leaves only a hash of the token', async () => {
    const email = 'finance2@demo.test';
    const signedIn = await signIn(t.app, email);
    await request(t.app).post('/api/v1/auth/password/forgot').send({ email: 'FINANCE2@demo.test ' }).expect(202);
    const [mail] = await mails(email);
    expect(mail!.subject).toContain('重置密码');
    expect(mail!.text).toContain('30 分钟');
    const token = await resetToken(email);
    expect(await t.db.value('SELECT COUNT(*) FROM account_tokens WHERE id = ?', [token])).toBe(0);
    expect(
      await t.db.value(
        `SELECT COUNT(*) FROM account_tokens WHERE purpose = 'reset_password' AND user_id = ? AND expires_at = ?`,
        [await userId(email), clock.now() + 30 * MINUTE],
      ),
    ).toBe(1);

    const check = await request(t.app).post('/api/v1/auth/password/reset/check').send({ token });
    expect(check.status).toBe(200);
    expect(check.body).toEqual({
      email: 'f***@demo.test',
      expiresAt: new Date(clock.now() + 30 * MINUTE).toISOString(),
    });

    // A weak password is refused without using the link up.
    const weak = await request(t.app).post('/api/v1/auth/password/reset').send({ token, password: 'password1' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe('body.password');

    const reset = await request(t.app).post('/api/v1/auth/password/reset').send({ token, password: NEW_PASSWORD });
    expect(reset.status).toBe(204);
    expect((await signedIn.get('/api/v1/auth/me')).status).toBe(401);
    expect(await t.db.value('SELECT COUNT(*) FROM sessions WHERE user_id = ?', [await userId(email)])).toBe(0);
    expect((await login(email, DEMO_PASSWORD)).status).toBe(401);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);

    const again = await request(t.app)
      .post('/api/v1/auth/password/reset')
      .set('Accept-Language', 'en')
      .send({ token, password: 'Another-Pass-2031' });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual([{ path: 'body.token', message: 'link_used' }]);
    expect(again.body.detail).toMatch(/used already/);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    const [entry] = await audit('auth.password_reset', email);
    expect(detailsOf(entry!)).toEqual({ sessionsEnded: 1 });
    expect(JSON.stringify(await t.db.all('SELECT details FROM audit_log'))).not.toContain(token);
  });

  it('stops working after 30 minutes', async () => {
    const email = 'finance-desk@demo.test';
    await request(t.app).post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    const late = await resetToken(email);
    clock.advance(29 * MINUTE);
    expect((await request(t.app).post('/api/v1/auth/password/reset/check').send({ token: late })).status).toBe(200);
    clock.advance(1 * MINUTE + 1);
    const expired = await request(t.app)
      .post('/api/v1/auth/password/reset')
      .send({ token: late, password: NEW_PASSWORD });
    expect(expired.status).toBe(400);
    expect(expired.body.errors).toEqual([{ path: 'body.token', message: 'link_expired' }]);
    expect((await login(email, DEMO_PASSWORD)).status).toBe(200);

    // A new link, used at 29 minutes: works.
    await request(t.app).post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    const fresh = await resetToken(email);
    clock.advance(29 * MINUTE);
    expect(
      (await request(t.app).post('/api/v1/auth/password/reset').send({ token: fresh, password: NEW_PASSWORD })).status,
    ).toBe(204);
    const bogus = await request(t.app)
      .post('/api/v1/auth/password/reset')
      .send({ token: 'x'.repeat(43), password: NEW_PASSWORD });
    expect(bogus.body.errors).toEqual([{ path: 'body.token', message: 'link_invalid' }]);
  });

  it('lets a locked-out user reset, and lifts the lock', async () => {
    const email = 'researcher3@demo.test';
    for (let i = 0; i < 5; i++) expect((await login(email, `guess-${i}`)).status).toBe(401);
    expect((await login(email, DEMO_PASSWORD)).status).toBe(429);
    await request(t.app).post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    const token = await resetToken(email);
    expect(
      (await request(t.app).post('/api/v1/auth/password/reset').send({ token, password: NEW_PASSWORD })).status,
    ).toBe(204);
    expect(await t.db.value(`SELECT COUNT(*) FROM login_throttle WHERE key = ?`, [`account:${email}`])).toBe(0);
    expect((await login(email, NEW_PASSWORD)).status).toBe(200);
  });

  it('mails one address at most three times an hour, answering the same', async () => {
    const email = 'finance4@demo.test';
    for (let i = 0; i < 5; i++) {
      const res = await request(t.app).post('/api/v1/auth/password/forgot').send({ email });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ accepted: true });
    }
    expect(await mails(email)).toHaveLength(3);
    clock.advance(61 * MINUTE);
    await request(t.app).post('/api/v1/auth/password/forgot').send({ email }).expect(202);
    expect(await mails(email)).toHaveLength(4);
  });
});

describe('the lockout', () => {
  it('answers 429 saying when to retry, and the audit log has the failures and the lock', async () => {
    const email = 'lab@demo.test';
    for (let i = 0; i < 5; i++) expect((await login(email, `wrong-${i}`)).status).toBe(401);
    const locked = await login(email, DEMO_PASSWORD);
    expect(locked.status).toBe(429);
    const until = clock.now() + 15 * MINUTE;
    expect(locked.body).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 900,
      retryAt: new Date(until).toISOString(),
      reason: 'account',
    });
    expect(locked.headers['retry-after']).toBe('900');
    // The end of the lock in Beijing time, in the message.
    const local = new Date(until + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(locked.body.detail).toContain(local);
    expect(locked.body.detail).toContain('北京时间');
    const en = await login(email, DEMO_PASSWORD).set('Accept-Language', 'en');
    expect(en.body.detail).toBe(
      `too many wrong passwords or codes; the account is locked until ${local} (Beijing time)`,
    );

    const failures = await audit('auth.login', email);
    expect(failures.filter((f) => f.outcome === 'failure')).toHaveLength(5);
    expect(detailsOf(failures[0]!)).toEqual({ reason: 'wrong_password' });
    expect(failures.filter((f) => f.outcome === 'denied').length).toBeGreaterThanOrEqual(1);
    const locks = await audit('auth.lockout', email);
    expect(locks.map(detailsOf)).toEqual([
      { bucket: 'account', key: `account:${email}`, lockedUntil: new Date(until).toISOString() },
    ]);
    expect(JSON.stringify(failures)).not.toContain('wrong-0');
    // The e-mail tried is kept for an unknown address too.
    await login('who-is-this@example.cn', 'x');
    expect(detailsOf((await audit('auth.login', 'who-is-this@example.cn'))[0]!)).toEqual({ reason: 'unknown_email' });
  });

  it('records sign-ins and sign-outs', async () => {
    const agent = await signIn(t.app, 'researcher2@demo.test');
    await agent.post('/api/v1/auth/logout').expect(204);
    const ins = await audit('auth.login', 'researcher2@demo.test');
    expect(ins.at(-1)).toMatchObject({ outcome: 'success' });
    expect(ins.at(-1)!.client_address).toMatch(/127\.0\.0\.1/);
    expect(await audit('auth.logout', 'researcher2@demo.test')).toHaveLength(1);
  });
});

describe('sessions', () => {
  const CHROME =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const WECHAT =
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47';
  const agentWith = async (email: string, ua: string) => {
    const agent = request.agent(t.app);
    await agent.post('/api/v1/auth/login').set('User-Agent', ua).send({ email, password: DEMO_PASSWORD }).expect(200);
    return agent;
  };

  it('lists one’s own: device, address, when; this one marked; ends one, or all the others', async () => {
    const email = 'finance@demo.test';
    await t.db.run('DELETE FROM sessions WHERE user_id = ?', [await userId(email)]);
    const desk = await agentWith(email, CHROME);
    clock.advance(MINUTE);
    const phone = await agentWith(email, WECHAT);
    const third = await agentWith(email, 'curl/8.5.0');
    const res = await phone.get('/api/v1/auth/sessions');
    expect(res.status).toBe(200);
    const list = res.body.sessions as {
      id: string;
      device: string;
      current: boolean;
      address: string;
      mobile: boolean;
    }[];
    expect(list).toHaveLength(3);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.find((s) => s.current)!.device).toBe('WeChat 8 · iOS');
    expect(list.find((s) => s.current)!.mobile).toBe(true);
    const chrome = list.find((s) => s.device === 'Chrome 131 · Windows')!;
    expect(chrome).toMatchObject({ current: false, mobile: false });
    expect(chrome.address).toMatch(/127\.0\.0\.1/);
    // Not what the server stores of a session (nor its cookie).
    const stored = await t.db.column<string>('SELECT id FROM sessions WHERE user_id = ?', [await userId(email)]);
    for (const s of list) expect(stored).not.toContain(s.id);

    expect((await phone.delete(`/api/v1/auth/sessions/${chrome.id}`)).status).toBe(204);
    expect((await desk.get('/api/v1/auth/me')).status).toBe(401);
    expect((await phone.delete(`/api/v1/auth/sessions/${chrome.id}`)).status).toBe(404);
    // Someone else's session is not found either.
    const other = await signIn(t.app, 'lab@demo.test');
    const theirs = (await other.get('/api/v1/auth/sessions')).body.sessions[0].id as string;
    expect((await phone.delete(`/api/v1/auth/sessions/${theirs}`)).status).toBe(404);
    expect((await other.get('/api/v1/auth/me')).status).toBe(200);

    const ended = await phone.post('/api/v1/auth/sessions/end-others');
    expect(ended.body).toEqual({ ended: 1 });
    expect((await third.get('/api/v1/auth/me')).status).toBe(401);
    expect((await phone.get('/api/v1/auth/sessions')).body.sessions).toHaveLength(1);
    // Ending this one signs out.
    const mine = (await phone.get('/api/v1/auth/sessions')).body.sessions[0].id as string;
    expect((await phone.delete(`/api/v1/auth/sessions/${mine}`)).status).toBe(204);
    expect((await phone.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('keeps the address a session was last seen from', async () => {
    const signedIn = await login('finance3@demo.test', DEMO_PASSWORD);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const proxied = createApp({
      db: t.db,
      webRoot: null,
      clock,
      payments: await testStripe(),
      trustProxy: ['loopback'],
    });
    const [first] = (await request(t.app).get('/api/v1/auth/sessions').set('Cookie', cookie)).body.sessions;
    expect(first.address).toMatch(/127\.0\.0\.1/);
    clock.advance(2 * MINUTE);
    const res = await request(proxied)
      .get('/api/v1/auth/sessions')
      .set('Cookie', cookie)
      .set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(200);
    expect(res.body.sessions[0].address).toBe('203.0.113.9');
  });

  it('can be ended by the platform, and by an organisation’s administrator for its own people only', async () => {
    const victim = 'researcher@demo.test';
    const victimId = await userId(victim);
    // A colleague of the researcher's enterprise, not its administrator.
    const orgId = await t.db.value<number>('SELECT organisation_id FROM users WHERE id = ?', [victimId]);
    const hash = await t.db.value<string>('SELECT password_hash FROM users WHERE id = ?', [victimId]);
    await t.db.run(
      `INSERT INTO users (email, password_hash, display_name, role, organisation_id, created_at, email_verified_at, password_changed_at)
       VALUES ('colleague@demo.test', ?, '同事', 'researcher', ?, ?, ?, ?)`,
      [hash, orgId, clock.now(), clock.now(), clock.now()],
    );
    const colleague = await signIn(t.app, 'colleague@demo.test');
    const orgAdmin = await signIn(t.app, victim);
    const colleagueId = await userId('colleague@demo.test');

    // The colleague is no administrator: refused, for their own organisation too.
    expect((await colleague.delete(`/api/v1/auth/users/${victimId}/sessions`)).status).toBe(403);
    // The enterprise's administrator: not another organisation's people.
    const labId = await userId('lab@demo.test');
    const refused = await orgAdmin.delete(`/api/v1/auth/users/${labId}/sessions`);
    expect(refused.status).toBe(403);
    expect(
      await t.db.value('SELECT COUNT(*) FROM audit_log WHERE action = ? AND subject_id = ?', [
        'auth.sessions_ended',
        String(labId),
      ]),
    ).toBe(0);
    const own = await orgAdmin.delete(`/api/v1/auth/users/${colleagueId}/sessions`);
    expect(own.status).toBe(200);
    expect(own.body.ended).toBeGreaterThanOrEqual(1);
    expect((await colleague.get('/api/v1/auth/me')).status).toBe(401);

    const admin = await signIn(t.app, 'admin@demo.test');
    const byAdmin = await admin.delete(`/api/v1/auth/users/${victimId}/sessions`);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.ended).toBeGreaterThanOrEqual(1);
    expect((await orgAdmin.get('/api/v1/auth/me')).status).toBe(401);
    expect((await admin.delete('/api/v1/auth/users/999999/sessions')).status).toBe(404);
    const entries = await audit('auth.sessions_ended', 'admin@demo.test');
    expect(entries.at(-1)).toMatchObject({ outcome: 'success', subject_id: String(victimId) });
    expect(detailsOf(entries.at(-1)!)).toMatchObject({ scope: 'all', email: victim });
  });

  it('end after 30 idle minutes (the setting), and not before', async () => {
    const agent = await signIn(t.app, 'lab@demo.test');
    clock.advance(29 * MINUTE);
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    clock.advance(29 * MINUTE);
    expect((await agent.get('/api/v1/auth/me')).status).toBe(200);
    clock.advance(31 * MINUTE);
    expect((await agent.get('/api/v1/auth/me')).status).toBe(401);
    // The idle session is no longer listed either.
    const fresh = await signIn(t.app, 'lab@demo.test');
    const listed = (await fresh.get('/api/v1/auth/sessions')).body.sessions as { current: boolean }[];
    expect(listed.every((s) => s.current)).toBe(true);
  });
});

describe('restricted accounts', () => {
  it('with an expired password: “me” tells, other routes answer 403 with the restriction, changing it lifts it', async () => {
    const email = 'researcher2@demo.test';
    await t.db.run('UPDATE users SET password_changed_at = ? WHERE email = ?', [clock.now() - 31 * DAY, email]);
    const agent = request.agent(expiring);
    const res = await agent.post('/api/v1/auth/login').send({ email, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      restriction: 'password_expired',
      passwordExpiresAt: new Date(clock.now() - DAY).toISOString(),
      emailVerified: true,
      secondFactorEnabled: false,
      orgAdmin: true,
      organisation: { status: 'approved' },
    });
    const me = await agent.get('/api/v1/auth/me');
    expect(me.body.user.restriction).toBe('password_expired');
    const blocked = await agent.get('/api/v1/notifications');
    expect(blocked.status).toBe(403);
    expect(blocked.body.restriction).toBe('password_expired');
    expect((await agent.get('/api/v1/auth/sessions')).status).toBe(200);
    expect((await agent.get('/api/v1/auth/second-factor')).status).toBe(200);
    const changed = await agent
      .post('/api/v1/auth/password')
      .send({ currentPassword: DEMO_PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    const after = await agent.get('/api/v1/auth/me');
    expect(after.body.user.restriction).toBeNull();
    expect(after.body.user.passwordExpiresAt).toBe(new Date(clock.now() + 30 * DAY).toISOString());
    expect((await agent.get('/api/v1/notifications')).status).toBe(200);
    // Where passwords do not expire, “me” says so.
    const plain = await signIn(t.app, 'admin@demo.test');
    expect((await plain.get('/api/v1/auth/me')).body.user.passwordExpiresAt).toBeNull();
  });

  it('with an unverified e-mail: “me”, sign-out and its own sessions only', async () => {
    const email = 'lab3@demo.test';
    const agent = await signIn(t.app, email);
    await t.db.run('UPDATE users SET email_verified_at = NULL WHERE email = ?', [email]);
    try {
      const me = await agent.get('/api/v1/auth/me');
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ restriction: 'email_unverified', emailVerified: false });
      const blocked = await agent.get('/api/v1/notifications');
      expect(blocked.status).toBe(403);
      expect(blocked.body).toMatchObject({ code: 'forbidden', restriction: 'email_unverified' });
      expect((await agent.get('/api/v1/auth/sessions')).status).toBe(200);
      expect((await agent.post('/api/v1/auth/logout')).status).toBe(204);
      expect((await agent.get('/api/v1/auth/me')).status).toBe(401);
    } finally {
      await t.db.run('UPDATE users SET email_verified_at = ? WHERE email = ?', [clock.now(), email]);
    }
  });
});
