/**
 * No double booking, ever — also when two server processes write the same database file at once.
 * Two real servers share one SQLite file; hundreds of overlapping requests go to both concurrently;
 * then SQL proves that no two active bookings overlap (buffers included) and every request got
 * either a booking (201) or a conflict (409).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { slotTimes } from '../support/schedule.ts';

let dir: string;
let servers: ServerProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-concurrency-'));
  const env = { DATABASE_PATH: path.join(dir, 'shared.db'), SEED_INSTRUMENTS: '200' };
  const first = await startServer({ env }); // migrates and seeds
  const second = await startServer({ env: { ...env, SEED_DEMO: '0' } });
  servers = [first, second];
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function signIn(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'researcher@demo.test', password: 'demo-pass-2025' }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('concurrent booking from two processes', () => {
  it('never lets two active bookings overlap, and answers every request 201 or 409', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const cookies = [await signIn(a.baseUrl), await signIn(b.baseUrl)];
    const db = new Database(path.join(dir, 'shared.db'), { readonly: true });
    // Two bookable instruments of the demo lab with hourly prices.
    const instruments = db
      .prepare(
        `SELECT s.instrument_id FROM instrument_schedules s JOIN instruments i ON i.id = s.instrument_id
         WHERE s.machine_time_enabled = 1 AND s.qualification_required = 0 AND i.sharing_mode = 'external'
         ORDER BY s.instrument_id LIMIT 2`,
      )
      .pluck()
      .all() as number[];
    expect(instruments.length).toBe(2);

    const before = db.prepare('SELECT COALESCE(MAX(id), 0) FROM bookings').pluck().get() as number;
    // Real slots from the API, for several lengths, so every request is valid but many collide.
    const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 9 * 86_400_000).toISOString();
    const requests: { instrumentId: number; start: string; end: string }[] = [];
    for (const instrumentId of instruments) {
      for (const minutes of [120, 180]) {
        const res = await fetch(
          `${a.baseUrl}/api/v1/instruments/${instrumentId}/availability?${new URLSearchParams({ from, to, durationMinutes: String(minutes) })}`,
        );
        const slots = slotTimes(await res.json());
        expect(slots.length).toBeGreaterThan(10);
        for (const s of slots.slice(0, 16)) requests.push({ instrumentId, ...s });
      }
    }
    // Waves: every slot is asked for 8 times at the same moment, 4 times at each server, so the two
    // processes race for it; neighbouring slots overlap each other too.
    const send = async (r: (typeof requests)[number], i: number) => {
      const res = await fetch(`${servers[i % 2]!.baseUrl}/api/v1/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookies[i % 2]! },
        body: JSON.stringify({ mode: 'machine_time', ...r }),
      });
      return res.status;
    };
    const statuses: number[] = [];
    for (const r of requests) {
      statuses.push(...(await Promise.all(Array.from({ length: 8 }, (_, i) => send(r, i)))));
    }
    const all = statuses;
    expect(all.length).toBeGreaterThanOrEqual(200);
    const created = statuses.filter((s) => s === 201).length;
    const conflicts = statuses.filter((s) => s === 409).length;
    expect(created + conflicts, `unexpected statuses: ${[...new Set(statuses)].join(', ')}`).toBe(all.length);
    expect(created).toBeGreaterThan(5);
    expect(conflicts).toBeGreaterThan(all.length / 2);

    const overlapping = db
      .prepare(
        `SELECT count(*) FROM bookings x JOIN bookings y
           ON x.instrument_id = y.instrument_id AND x.id < y.id
          AND x.block_start_at < y.block_end_at AND y.block_start_at < x.block_end_at
         WHERE x.status IN ('requested', 'approved', 'in_progress') AND y.status IN ('requested', 'approved', 'in_progress')`,
      )
      .pluck()
      .get();
    expect(overlapping).toBe(0);
    const stored = db
      .prepare(`SELECT count(*) FROM bookings WHERE instrument_id IN (${instruments.join(',')}) AND id > ?`)
      .pluck()
      .get(before);
    expect(stored).toBe(created);
    db.close();
  }, 120_000);
});
