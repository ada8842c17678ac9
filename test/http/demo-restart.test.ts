/**
 * The demo restarts: `npm start` runs its own local Stripe server, whose state is kept beside the
 * database. A card authorised before the restart is captured after it, for the right amount.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { expectMoneyInvariants } from '../support/money.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-restart-'));
const env = { DATABASE_PATH: path.join(dir, 'app.db'), SEED_INSTRUMENTS: '100', RECOVERY_INTERVAL_SECONDS: '0' };
let server: ServerProcess | null = null;

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function session(baseUrl: string, email: string) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo-pass-2025' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  return async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}/api/v1${url}`, {
      method,
      headers: { 'content-type': 'application/json', cookie },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json().catch(() => null)) as Booking };
  };
}

type Booking = {
  id: number;
  payment: { status: string; capturedFen: number };
  finalPrice: { totalFen: number };
  voucherUse: { postedFen: number };
};

describe('restarting the demo server', () => {
  it('still captures a card authorised before the restart', async () => {
    server = await startServer({ env });
    const researcher = await session(server.baseUrl, 'researcher@demo.test');
    const db = openDb(env.DATABASE_PATH);
    const candidates = db.$client
      .prepare(
        `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
         LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE COALESCE(s.machine_time_enabled, 1) = 1 AND COALESCE(s.qualification_required, 0) = 0
           AND i.sharing_mode = 'external' AND i.run_status = 'normal'
           AND i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         GROUP BY i.id ORDER BY i.id LIMIT 10`,
      )
      .pluck()
      .all() as number[];
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 20 * 86_400_000).toISOString();
    let instrumentId = 0;
    let slot: { start: string; end: string } | undefined;
    for (const id of candidates) {
      const found = await fetch(
        `${server.baseUrl}/api/v1/instruments/${id}/availability?${new URLSearchParams({ from, to, durationMinutes: '60' })}`,
      ).then((r) => r.json() as Promise<{ slots: { start: string; end: string }[] }>);
      if (found.slots.length) [instrumentId, slot] = [id, found.slots[0]];
      if (slot) break;
    }
    expect(slot).toBeDefined();
    const booked = await researcher('POST', '/bookings', {
      instrumentId,
      mode: 'machine_time',
      ...slot,
      useVoucher: true,
      paymentToken: 'tok_visa',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.payment.status).toBe('authorised');
    await server.stop();

    server = await startServer({ env: { ...env, SEED_DEMO: '1' } });
    const lab = await session(server.baseUrl, 'lab@demo.test');
    for (const action of ['approve', 'check-in', 'complete']) {
      const res = await lab('POST', `/bookings/${booked.body.id}/${action}`, {});
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    const done = await (await session(server.baseUrl, 'researcher@demo.test'))('GET', `/bookings/${booked.body.id}`);
    expect(done.body.payment).toMatchObject({
      status: 'captured',
      capturedFen: done.body.finalPrice.totalFen - done.body.voucherUse.postedFen,
    });
    expectMoneyInvariants(db);
    db.$client.close();
  }, 120_000);
});
