/**
 * The events' fan-out (server/modules/notifications/fan-out.ts), on either engine: a booking's
 * transaction writes one event row and no notification; the notifications and emails are written
 * after commit; an event left pending by a node that died between commit and fan-out is told by the
 * mail-delivery job exactly once; two nodes (this process and a child process on the same database)
 * fanning out and delivering at once tell and send every event once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformJobs } from '../../server/jobs/platform.ts';
import { servicesOf, type AppServices } from '../../server/app.ts';
import { startLocalSmtp, type LocalSmtp } from '../../server/modules/notifications/local-smtp.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { repoRoot } from '../support/server-process.ts';

let smtp: LocalSmtp;
let t: TestApp;
let a: AppServices;

const module = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, file)).href);
/** Another node: its own process and connection; says `ready`, then on `go` fans out and delivers, and says how many it told. */
const NODE = (target: string, smtpUrl: string) => `
import nodemailer from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('nodemailer')).href)};
import { openDatabase } from ${module('db/client.ts')};
import { NotificationsRepo } from ${module('server/modules/notifications/notifications.repo.ts')};
import { NotificationService } from ${module('server/modules/notifications/notifications.service.ts')};
import { systemClock } from ${module('server/shared/clock.ts')};
const db = openDatabase(${JSON.stringify(target)});
const transport = nodemailer.createTransport({ url: ${JSON.stringify(smtpUrl)} });
const svc = new NotificationService(db, new NotificationsRepo(db), systemClock, { transport, from: 'node-b <b@test>', autoDeliver: false });
console.log('ready');
process.stdin.once('data', async () => {
  const told = await svc.drainEvents();
  await svc.deliver();
  console.log('told ' + told);
  await db.close();
  process.exit(0);
});
`;

/** Demo bookings, each told of nothing yet (their notifications removed): an event is told whatever the status since. */
async function untold(n: number): Promise<number[]> {
  const ids = await t.db.column<number>(`SELECT id FROM bookings ORDER BY id LIMIT ?`, [n]);
  expect(ids.length).toBe(n);
  await t.db.write(async (tx) => {
    for (const id of ids) {
      for (const table of ['outbox', 'notifications']) {
        await tx.run(`DELETE FROM ${table} WHERE dedupe_key LIKE ? OR dedupe_key LIKE ?`, [
          `booking_requested:booking:${id}:%`,
          `booking_approved:booking:${id}:%`,
        ]);
      }
    }
  });
  return ids;
}

const told = async (id: number) =>
  Number(
    await t.db.value(`SELECT COUNT(*) FROM notifications WHERE dedupe_key LIKE ?`, [
      `booking_requested:booking:${id}:user:%`,
    ]),
  );
const labManagersOf = async (id: number) =>
  Number(
    await t.db.value(
      `SELECT COUNT(*) FROM users u JOIN bookings b ON b.institution_id = u.organisation_id
       WHERE b.id = ? AND u.role = 'lab_manager' AND u.disabled_at IS NULL AND u.id != b.requester_id`,
      [id],
    ),
  );
const pending = async () => Number(await t.db.value(`SELECT COUNT(*) FROM notification_events`));

beforeAll(async () => {
  smtp = await startLocalSmtp();
  // Delivery only when asked: the test decides when each node sends.
  const mail = { url: smtp.url, autoDeliver: false };
  t = await createTestApp({ instruments: 200, mail });
  a = servicesOf(t.app);
});

afterAll(async () => {
  await a?.notifications.deliver();
  await t?.close();
  await smtp?.close();
});

describe('booking events', () => {
  it('are one row in the booking’s transaction, and notifications after commit', async () => {
    const [id] = (await untold(1)) as [number];
    const labs = await labManagersOf(id);
    expect(labs).toBeGreaterThan(0);
    await a.notifications.drainEvents();
    await t.db.write(async (tx) => {
      await a.notifications.bookingCreatedLater(id, false, Date.now());
      // Inside the transaction: the event, no notification yet.
      expect(Number(await tx.value(`SELECT COUNT(*) FROM notification_events WHERE subject_id = ?`, [id]))).toBe(1);
      expect(
        Number(await tx.value(`SELECT COUNT(*) FROM notifications WHERE dedupe_key LIKE ?`, [`%:booking:${id}:%`])),
      ).toBe(0);
    });
    await a.notifications.drainEvents();
    expect(await told(id)).toBe(labs);
    expect(await pending()).toBe(0);
  });

  it('rolled back with the booking: nothing told', async () => {
    const [id] = (await untold(1)) as [number];
    await expect(
      t.db.write(async () => {
        await a.notifications.bookingCreatedLater(id, false, Date.now());
        throw new Error('the booking failed');
      }),
    ).rejects.toThrow('the booking failed');
    await a.notifications.drainEvents();
    expect(await pending()).toBe(0);
    expect(await told(id)).toBe(0);
  });

  it('made through HTTP are told by the time the lab lists its notifications', async () => {
    const researcher = await signIn(t.app, 'researcher@demo.test');
    const lab = await signIn(t.app, 'lab@demo.test');
    const instrument = await t.db.value<number>(
      `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       LEFT JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY s.instrument_id IS NULL DESC, i.id LIMIT 1`,
    );
    const day = new Date(Date.now() + 10 * 86_400_000);
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
    const date = day.toISOString().slice(0, 10);
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId: instrument,
      mode: 'machine_time',
      start: `${date}T14:00:00+08:00`,
      end: `${date}T16:00:00+08:00`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // The answer is built from what the request had in hand (views.ts viewOfNew): the same as read back.
    expect((await researcher.get(`/api/v1/bookings/${res.body.id}`)).body).toEqual(res.body);
    const list = await lab.get('/api/v1/notifications');
    expect(list.status).toBe(200);
    const mine = (list.body.items as { data: { bookingId?: number }; type: string }[]).filter(
      (n) => n.data.bookingId === res.body.id,
    );
    expect(mine.map((n) => n.type)).toContain('booking_requested');
  });

  it('told in one batch: a told-later notification with them, and one that cannot be written keeps none from being told', async () => {
    const ids = await untold(4);
    const researcher = await t.db.value<number>(`SELECT id FROM users WHERE email = 'researcher@demo.test'`);
    const key = `payment_notice_issued:notice:test-${Date.now()}`;
    const at = Date.now();
    await t.db.write(async (tx) => {
      for (const id of ids.slice(0, 2)) await a.notifications.bookingCreatedLater(id, false, at);
      await a.notifications.notifyLater(
        {
          type: 'payment_notice_issued',
          to: [{ userId: researcher! }],
          data: {
            noticeId: 1,
            bookingId: ids[0]!,
            reference: 'TR0000000',
            amountFen: 50_400,
            dueOn: '2026-12-20',
            providerName: '山东省分析测试中心',
          },
          link: `/bookings/${ids[0]}`,
          key,
        },
        at,
      );
      // An event no template can render (a type from a newer version, say): it alone is not told.
      await tx.run(`INSERT INTO notification_events (kind, subject_id, data, created_at) VALUES (?, ?, ?, ?)`, [
        'notification',
        0,
        JSON.stringify({ event: { type: 'no_such_type', to: [{ userId: researcher }], data: {}, key: 'broken:1' } }),
        at,
      ]);
      for (const id of ids.slice(2)) await a.notifications.bookingCreatedLater(id, false, at);
    });
    await a.notifications.drainEvents();
    expect(await pending()).toBe(0);
    for (const id of ids) expect(await told(id)).toBe(await labManagersOf(id));
    const notice = await t.db.get<{ userId: number; createdAt: number }>(
      `SELECT user_id AS "userId", created_at AS "createdAt" FROM notifications WHERE dedupe_key = ?`,
      [`${key}:user:${researcher}`],
    );
    expect(notice).toMatchObject({ userId: researcher, createdAt: at });
    expect(await a.notifications.outboxOf(`${key}:user:${researcher}`)).toMatchObject({ status: 'pending' });
    expect(Number(await t.db.value(`SELECT COUNT(*) FROM notifications WHERE dedupe_key LIKE 'broken:%'`))).toBe(0);
    // Told again (a second node, a retry): nothing more is written.
    await t.db.write(async () => {
      for (const id of ids) await a.notifications.bookingCreatedLater(id, false, at);
    });
    const before = Number(await t.db.value(`SELECT COUNT(*) FROM outbox`));
    await a.notifications.drainEvents();
    for (const id of ids) expect(await told(id)).toBe(await labManagersOf(id));
    expect(Number(await t.db.value(`SELECT COUNT(*) FROM outbox`))).toBe(before);
  });

  it('left pending by a node that died after commit are told once by the mail-delivery job', async () => {
    const ids = await untold(3);
    // Committed events whose fan-out never ran (the node was killed before its kick).
    await t.db.write(async (tx) => {
      for (const id of ids) {
        await tx.run(`INSERT INTO notification_events (kind, subject_id, data, created_at) VALUES (?, ?, ?, ?)`, [
          'booking_created',
          id,
          JSON.stringify({ confirmed: false }),
          Date.now(),
        ]);
      }
    });
    const settings = { recoveryIntervalSeconds: 60, reconcileAt: 'off', remindAt: 'off', mailIntervalSeconds: 30 };
    const job = platformJobs(a, settings).find((j) => j.name === 'mail-delivery')!;
    await job.run(new AbortController().signal, { startup: false });
    expect(await pending()).toBe(0);
    for (const id of ids) expect(await told(id)).toBe(await labManagersOf(id));
    // Run again (another node, a retry): nothing more.
    await platformJobs(a, settings)
      .find((j) => j.name === 'mail-delivery')!
      .run(new AbortController().signal, { startup: false });
    for (const id of ids) expect(await told(id)).toBe(await labManagersOf(id));
    for (const id of ids) {
      const keys = await t.db.column<string>(`SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE ?`, [
        `booking_requested:booking:${id}:%`,
      ]);
      for (const key of keys) {
        const row = (await a.notifications.outboxOf(key))!;
        expect(row.status).toBe('sent');
        expect(smtp.messages.filter((m) => m.messageId === row.messageId)).toHaveLength(1);
      }
    }
  });

  it('fanned out and delivered by two nodes at once are told and sent once each', async () => {
    const ids = await untold(120);
    await t.db.write(async (tx) => {
      for (const id of ids) {
        await tx.run(`INSERT INTO notification_events (kind, subject_id, data, created_at) VALUES (?, ?, ?, ?)`, [
          'booking_created',
          id,
          JSON.stringify({ confirmed: false }),
          Date.now(),
        ]);
      }
    });
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isp-node-b-')), 'node-b.mts');
    fs.writeFileSync(script, NODE(t.target, smtp.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const deadline = Date.now() + 30_000;
    while (!output.includes('ready')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`node b did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.stdin.write('go\n');
    const byA = await a.notifications.drainEvents();
    await a.notifications.deliver();
    expect(await exited, output).toBe(0);
    const byB = Number(/told (\d+)/.exec(output)?.[1]);
    expect(byA + byB, output).toBe(ids.length);
    expect(await pending()).toBe(0);
    for (const id of ids) expect(await told(id)).toBe(await labManagersOf(id));
    const rows = await t.db.all<{ key: string; status: string; messageId: string }>(
      `SELECT dedupe_key AS key, status, message_id AS "messageId" FROM outbox WHERE ${ids
        .map(() => 'dedupe_key LIKE ?')
        .join(' OR ')}`,
      ids.map((id) => `booking_requested:booking:${id}:%`),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.status).toBe('sent');
      expect(smtp.messages.filter((m) => m.messageId === r.messageId)).toHaveLength(1);
    }
  });
});
