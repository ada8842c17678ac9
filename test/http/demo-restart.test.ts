/**
 * The demo restarts: `npm start` runs its own local Stripe server, whose state is kept beside the
 * database. A card authorised before the restart is captured after it, for the right amount.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { expectMoneyInvariants } from '../support/money.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { slotTimes } from '../support/schedule.ts';

// The server's database, new and empty (the server migrates and seeds it), kept across the restart:
// a SQLite file, or a PostgreSQL database on the PostgreSQL projects (the Stripe state beside DATABASE_PATH).
let database: TestDatabase;
let env: Record<string, string>;
let server: ServerProcess | null = null;

beforeAll(async () => {
  database = await createTestDatabase('empty');
  env = { ...database.env, SEED_INSTRUMENTS: '100', RECOVERY_INTERVAL_SECONDS: '0' };
});
afterAll(async () => {
  await server?.stop();
  await database?.drop();
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
    const db = openDatabase(database.target);
    const candidates =
      (await db.column(`SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
         LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
         WHERE COALESCE(s.machine_time_enabled, TRUE) = TRUE AND COALESCE(s.qualification_required, FALSE) = FALSE
           AND i.sharing_mode = 'external' AND i.run_status = 'normal'
           AND i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         GROUP BY i.id ORDER BY i.id LIMIT 10`)) as number[];
    // The lab opens the instrument round the clock without notice, so a booking can start within half an
    // hour and be checked in now (check-in opens 30 minutes before the start) on this real, unmovable clock.
    const labBefore = await session(server.baseUrl, 'lab@demo.test');
    const instrumentId = candidates[0]!;
    const allDay = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]));
    const rules = await labBefore('PUT', `/instruments/${instrumentId}/schedule`, {
      timeZone: 'Asia/Shanghai',
      weeklyHours: allDay,
      slotMinutes: 30,
      minBookingMinutes: 60,
      maxBookingMinutes: 480,
      minNoticeMinutes: 0,
      horizonDays: 60,
      setupBufferMinutes: 0,
      cleanupBufferMinutes: 0,
      machineTimeEnabled: true,
      sampleEnabled: false,
      approvalRequired: true,
      qualificationRequired: false,
      cancellationDeadlineHours: 0,
      observeHolidays: false,
      // Check-in opens a day ahead: whatever the time of day this runs, the first free slot can be checked in now.
      checkInOpensMinutes: 1440,
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(200);
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const found = await fetch(
      `${server.baseUrl}/api/v1/instruments/${instrumentId}/availability?${new URLSearchParams({ from, to, durationMinutes: '60' })}`,
    ).then((r) => r.json());
    const slot = slotTimes(found)[0];
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
    await expectMoneyInvariants(db);
    await db.close();
    // Two cold starts (migrate and seed, then re-seed the demo) inside one test: on a loaded CI machine each
    // may take most of startServer's own 120 s allowance.
  }, 300_000);
});
