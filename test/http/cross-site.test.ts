/**
 * Cross-site request forgery and the browser's security headers. The audit cancelled a booking with
 * a `text/plain` POST carrying a foreign Origin: every such request is now refused (403,
 * problem+json) before it reaches a route, and nothing changes.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { testSchedule } from '../support/schedule.ts';

const clock = fixedClock(Date.parse('2026-12-01T10:00:00+08:00'));
let t: TestApp;
let researcher: Awaited<ReturnType<typeof signIn>>;
let bookingId: number;

const status = async () =>
  ((await t.db.value('SELECT status FROM bookings WHERE id = ?', [bookingId])) as string | undefined) ?? null;

beforeAll(async () => {
  t = await createTestApp({ instruments: 150, clock });
  const lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  const instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
  const booked = await researcher.post('/api/v1/bookings').send({
    instrumentId,
    mode: 'machine_time',
    purpose: '测试',
    start: '2026-12-08T09:00:00+08:00',
    end: '2026-12-08T10:00:00+08:00',
  });
  expect(booked.status).toBe(201);
  bookingId = booked.body.id as number;
});
afterAll(() => t.close());

describe('state-changing requests from other sites', () => {
  const cancel = () => researcher.post(`/api/v1/bookings/${bookingId}/cancel`);

  it('refuses the audit’s text/plain POST with a foreign Origin, and the booking stays', async () => {
    const res = await cancel().set('Origin', 'https://evil.example').set('Content-Type', 'text/plain').send('{}');
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await status()).toBe('requested');
  });

  it('refuses the simple content types a form can send, even from the same origin', async () => {
    for (const [type, body] of [
      ['text/plain', '{"reason":"x"}'],
      ['application/x-www-form-urlencoded', 'reason=x'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--b--'],
    ] as const) {
      const res = await cancel().set('Content-Type', type).send(body);
      expect(res.status, type).toBe(403);
      expect(res.body.detail).toBe('修改数据的请求须以 application/json 发送');
    }
    expect(await status()).toBe('requested');
  });

  it('refuses JSON from another origin or another site, however it is marked', async () => {
    expect((await cancel().set('Origin', 'https://evil.example').send({})).status).toBe(403);
    expect((await cancel().set('Origin', 'null').send({})).status).toBe(403);
    expect((await cancel().set('Sec-Fetch-Site', 'cross-site').send({})).status).toBe(403);
    // A sibling subdomain is "same-site" but not the platform.
    const sibling = await cancel().set('Sec-Fetch-Site', 'same-site').set('Accept-Language', 'en').send({});
    expect(sibling.status).toBe(403);
    expect(sibling.body.detail).toBe('cross-site request refused (Sec-Fetch-Site: same-site)');
    expect(await status()).toBe('requested');
  });

  it('refuses an upload sent as text/plain, but takes the file with its own type', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const lab = await signIn(t.app, 'lab@demo.test');
    const asText = await lab
      .put(`/api/v1/bookings/${bookingId}/report`)
      .query({ name: 'r.pdf' })
      .set('Content-Type', 'text/plain')
      .send(pdf.toString('latin1'));
    expect(asText.status).toBe(403);
    expect(asText.body.detail).toBe('上传文件须以文件本身的类型或 multipart/form-data 发送');
  });

  it('lets the platform’s own pages through: same origin, no body, or the host it was sent to', async () => {
    const host = await cancel()
      .set('Origin', 'http://platform.test')
      .set('Host', 'platform.test')
      .set('Sec-Fetch-Site', 'same-origin')
      .send({});
    expect(host.status).toBe(200);
    expect(host.body.status).toBe('cancelled');
    expect(await status()).toBe('cancelled');
    // A body-less POST carries no content type and is fine.
    const logout = await researcher.post('/api/v1/auth/logout');
    expect(logout.status).toBeLessThan(300);
  });
});

describe('security headers', () => {
  it('sends a Content-Security-Policy and the framing and referrer rules with every answer', async () => {
    for (const url of ['/api/v1/instruments?limit=1', '/api/docs/', '/api/v1/no-such-route']) {
      const answer = await request(t.app).get(url);
      const csp = answer.headers['content-security-policy'] as string;
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(answer.headers['x-frame-options']).toBe('DENY');
      expect(answer.headers['referrer-policy']).toBe('same-origin');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      // Plain HTTP (the cookie is not Secure): no HSTS, which would lock a local demo out of http://.
      expect(answer.headers['strict-transport-security']).toBeUndefined();
    }
  });
});
