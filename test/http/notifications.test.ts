/**
 * Notifications against the real app, a real SQLite file and a real SMTP server (smtp-server on
 * 127.0.0.1, started here): in-app rows and emails for booking, voucher, settlement and
 * reconciliation events; preferences; dedupe; the outbox through an SMTP outage (retried later,
 * delivered once); a sender that died mid-send; giving up after 10 attempts; the day-before
 * reminder; and that nobody reads another's notifications.
 */
import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { notificationTypes } from '../../db/schema/enums.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesOf } from '../../server/app.ts';
import { DEFAULT_SCHEDULE } from '../../server/modules/booking/booking.service.ts';
import { startLocalSmtp, type LocalSmtp } from '../../server/modules/notifications/local-smtp.ts';
import type { NotificationService } from '../../server/modules/notifications/notifications.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
type Agent = Awaited<ReturnType<typeof signIn>>;
type Item = {
  id: number;
  type: string;
  title: string;
  body: string;
  titleEn: string;
  bodyEn: string;
  link: string | null;
  data: Record<string, unknown>;
  readAt: string | null;
};

let smtp: LocalSmtp;
let refuseMail = false; // the SMTP server answers 451 to every message while set
let t: TestApp;
let svc: NotificationService;
let lab: Agent;
let researcher: Agent;
let admin: Agent;
let finance: Agent; // 济南市科学技术局 (a city office)
let province: Agent; // 山东省科学技术厅
let desk: Agent; // the platform's finance desk
let labUserId: number;
let researcherId: number;
let instrument: number;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const userId = async (email: string) => (await one<{ id: number }>(`SELECT id FROM users WHERE email = ?`, email)).id;
const at = (local: string) => `${local}+08:00`;

// Each booking takes its own weekday morning, from Thursday 2026-12-03 on.
const DAYS = ['03', '04', '07', '08', '09', '10', '11', '14', '15', '16', '17', '18', '21', '22', '23'];
let day = 0;
const nextSlot = () => {
  const d = DAYS[day++]!;
  return { start: at(`2026-12-${d}T09:00:00`), end: at(`2026-12-${d}T11:00:00`) };
};
const book = (body: Record<string, unknown> = {}) =>
  researcher
    .post('/api/v1/bookings')
    .send({ instrumentId: instrument, mode: 'machine_time', purpose: '通知测试', ...nextSlot(), ...body });

async function notes(agent: Agent, query = ''): Promise<{ items: Item[]; unreadCount: number }> {
  const res = await agent.get(`/api/v1/notifications${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const about = (list: { items: Item[] }, type: string, bookingId?: number) =>
  list.items.filter((n) => n.type === type && (bookingId === undefined || n.data.bookingId === bookingId));
const withId = (messageId: string | null) => smtp.messages.filter((m) => m.messageId === messageId);

beforeAll(async () => {
  smtp = await startLocalSmtp({ failNext: () => refuseMail });
  t = await createTestApp({ instruments: 300, clock, mail: { url: smtp.url, publicUrl: 'http://platform.test' } });
  svc = servicesOf(t.app).notifications;
  [lab, researcher, admin, finance, province, desk] = (await Promise.all(
    [
      'lab@demo.test',
      'researcher@demo.test',
      'admin@demo.test',
      'finance@demo.test',
      'finance2@demo.test',
      'finance-desk@demo.test',
    ].map((email) => signIn(t.app, email)),
  )) as [Agent, Agent, Agent, Agent, Agent, Agent];
  labUserId = await userId('lab@demo.test');
  researcherId = await userId('researcher@demo.test');
  instrument = (await t.db.value(`SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = 'lab@demo.test')
         AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' ORDER BY i.id LIMIT 1`)) as number;
  const schedule = {
    timeZone: 'Asia/Shanghai',
    ...DEFAULT_SCHEDULE,
    maxBookingMinutes: 240,
    approvalRequired: true,
    cancellationDeadlineHours: 24,
  };
  expect((await lab.put(`/api/v1/instruments/${instrument}/schedule`).send(schedule)).status).toBe(200);
});

afterAll(async () => {
  refuseMail = false;
  smtp?.setDown(false);
  await svc?.deliver(); // let delivery kicked by the last events finish before the database closes
  await t?.close();
  await smtp?.close();
});

describe('booking events', () => {
  it('tell the lab of a request in the app, and by email once delivered', async () => {
    const res = await book();
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as number;
    const list = await notes(lab);
    const [item] = about(list, 'booking_requested', id);
    expect(item).toMatchObject({ link: `/bookings/${id}`, readAt: null });
    expect(item!.title).toContain(`新的预约申请 #${id}`);
    expect(item!.titleEn).toContain(`New booking request #${id}`);
    expect(item!.body).toContain('李文博');
    expect(list.unreadCount).toBeGreaterThanOrEqual(1);
    expect(about(await notes(researcher), 'booking_requested', id)).toHaveLength(0);

    await svc.deliver();
    const row = (await svc.outboxOf(`booking_requested:booking:${id}:user:${labUserId}`))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 1, toAddress: 'lab@demo.test' });
    const [mail, ...more] = withId(row.messageId);
    expect(more).toHaveLength(0);
    expect(mail!.to).toEqual(['lab@demo.test']);
    expect(mail!.subject).toBe(`${item!.title} | ${item!.titleEn}`);
    expect(mail!.text).toContain(`http://platform.test/bookings/${id}`);
    expect(mail!.text.indexOf(item!.body)).toBeLessThan(mail!.text.indexOf(item!.bodyEn));
  });

  it('tell the researcher of approval, rejection (with the reason) and completion; the lab of a cancellation', async () => {
    const booked = (await book()).body;
    const completed = booked.id as number;
    const approved = (await book()).body.id as number;
    expect((await lab.post(`/api/v1/bookings/${approved}/approve`).send({})).status).toBe(200);
    const rejected = (await book()).body.id as number;
    expect((await lab.post(`/api/v1/bookings/${rejected}/reject`).send({ reason: '该时段仪器校准' })).status).toBe(200);
    const cancelled = (await book()).body.id as number;
    expect((await researcher.post(`/api/v1/bookings/${cancelled}/cancel`).send({ reason: '样品未备齐' })).status).toBe(
      200,
    );
    // The job is done on its day: checked in at the start, completed at the end (the clock goes back at the end).
    expect((await lab.post(`/api/v1/bookings/${completed}/approve`).send({})).status).toBe(200);
    clock.set(Date.parse(booked.start));
    expect((await lab.post(`/api/v1/bookings/${completed}/check-in`).send({})).status).toBe(200);
    clock.set(Date.parse(booked.end));
    expect((await lab.post(`/api/v1/bookings/${completed}/complete`).send({ actualMinutes: 120 })).status).toBe(200);

    const mine = await notes(researcher);
    expect(about(mine, 'booking_approved', approved)).toHaveLength(1);
    const [rejection] = about(mine, 'booking_rejected', rejected);
    expect(rejection!.body).toContain('该时段仪器校准');
    expect(rejection!.bodyEn).toContain('Reason: 该时段仪器校准');
    const [done] = about(mine, 'booking_completed', completed);
    expect(done!.body).toContain('请对本次服务进行评价');
    expect(done!.data.finalFen).toBeGreaterThan(0);
    // The researcher cancelled: the lab is told, not the researcher.
    expect(about(mine, 'booking_cancelled', cancelled)).toHaveLength(0);
    const [cancellation] = about(await notes(lab), 'booking_cancelled', cancelled);
    expect(cancellation!.body).toContain('样品未备齐');
    // The lab is not told of its own approval.
    expect(about(await notes(lab), 'booking_approved')).toHaveLength(0);

    await svc.deliver();
    for (const [type, id] of [
      ['booking_approved', approved],
      ['booking_rejected', rejected],
      ['booking_completed', completed],
    ] as const) {
      const row = (await svc.outboxOf(`${type}:booking:${id}:user:${researcherId}`))!;
      expect(row.status).toBe('sent');
      expect(withId(row.messageId)).toHaveLength(1);
    }
    clock.set(NOW);
  });

  it('send no email for a type the user turned off, but still show it in the app', async () => {
    const prefs = await lab.put('/api/v1/notification-preferences').send({
      items: [{ type: 'booking_requested', email: false }],
    });
    expect(prefs.status).toBe(200);
    expect(prefs.body.items).toContainEqual({ type: 'booking_requested', email: false });
    expect(prefs.body.items).toContainEqual({ type: 'booking_cancelled', email: true });
    expect((await lab.get('/api/v1/notification-preferences')).body.items).toHaveLength(notificationTypes.length);
    // Another user's preferences are their own.
    expect((await researcher.get('/api/v1/notification-preferences')).body.items).toContainEqual({
      type: 'booking_requested',
      email: true,
    });

    const before = smtp.messages.length;
    const id = (await book()).body.id as number;
    expect(about(await notes(lab), 'booking_requested', id)).toHaveLength(1);
    await svc.deliver();
    expect(await svc.outboxOf(`booking_requested:booking:${id}:user:${labUserId}`)).toBeUndefined();
    expect(smtp.messages.slice(before).filter((m) => m.to.includes('lab@demo.test'))).toHaveLength(0);

    await lab.put('/api/v1/notification-preferences').send({ items: [{ type: 'booking_requested', email: true }] });
    expect(
      (await lab.put('/api/v1/notification-preferences').send({ items: [{ type: 'nope', email: true }] })).status,
    ).toBe(400);
  });

  it('tell of the same event once: in the app and by email', async () => {
    const id = (await book()).body.id as number;
    await svc.drainEvents(); // the booking's event told (fan-out.ts), whenever its kick runs
    expect(await svc.bookingCreated(id, clock.now())).toBe(0);
    const event = {
      type: 'booking_requested' as const,
      to: [{ userId: labUserId }],
      data: about(await notes(lab), 'booking_requested', id)[0]!.data as never,
      key: `booking_requested:booking:${id}`,
    };
    expect(await svc.notify(event, clock.now())).toBe(0);
    expect(about(await notes(lab), 'booking_requested', id)).toHaveLength(1);
    await svc.deliver();
    await svc.deliver();
    const row = (await svc.outboxOf(`booking_requested:booking:${id}:user:${labUserId}`))!;
    expect(row.status).toBe('sent');
    expect(withId(row.messageId)).toHaveLength(1);
    const rows = (
      await one<{ n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE ?`,
        `booking_requested:booking:${id}:%`,
      )
    ).n;
    expect(rows).toBe(1);
  });
});

describe('the outbox', () => {
  it('keeps an email through an SMTP outage and delivers it exactly once when the server is back', async () => {
    smtp.setDown(true);
    const id = (await book()).body.id as number;
    const key = `booking_requested:booking:${id}:user:${labUserId}`;
    await svc.deliver();
    let row = (await svc.outboxOf(key))!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
    expect(row.nextAttemptAt).toBe(clock.now() + 30_000);
    expect(row.lastError).toMatch(/421|not available/);
    // The in-app notification is there regardless.
    expect(about(await notes(lab), 'booking_requested', id)).toHaveLength(1);

    // Up again, but the retry is not due yet.
    smtp.setDown(false);
    await svc.deliver();
    expect(await svc.outboxOf(key)).toMatchObject({ status: 'pending', attempts: 1 });
    clock.advance(30_000);
    await svc.deliver();
    await svc.deliver();
    row = (await svc.outboxOf(key))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    const delivered = withId(row.messageId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.to).toEqual(['lab@demo.test']);
  });

  it('takes over an email whose sender died mid-send once its lease runs out, and sends it once', async () => {
    const data = about(await notes(lab), 'booking_requested')[0]!.data as never;
    const key = `booking_requested:lease-test:user:${labUserId}`;
    // In one synchronous step (before the delivery kicked by notify runs), play a sender that
    // claimed the new row and died: sending, leased for five minutes.
    expect(
      await svc.notify(
        { type: 'booking_requested', to: [{ userId: labUserId }], data, key: 'booking_requested:lease-test' },
        clock.now(),
      ),
    ).toBe(1);
    await t.db.run(`UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = ? WHERE dedupe_key = ?`, [
      clock.now() + 5 * 60_000,
      key,
    ]);
    await svc.deliver();
    expect(await svc.outboxOf(key)).toMatchObject({ status: 'sending', attempts: 1 });
    clock.advance(5 * 60_000);
    await svc.deliver();
    const row = (await svc.outboxOf(key))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(withId(row.messageId)).toHaveLength(1);
  });

  it('sends a backlog of more than a thousand due emails in one delivery, each once', async () => {
    await svc.deliver();
    const template = (await one<{ id: number }>(`SELECT id FROM outbox WHERE status = 'sent' ORDER BY id LIMIT 1`)).id;
    const backlog = 1_050;
    await t.db.write(async (tx) => {
      for (let i = 0; i < backlog; i++) {
        await tx.run(
          `INSERT INTO outbox (user_id, to_address, subject, text, html, status, attempts, next_attempt_at, dedupe_key, created_at)
           SELECT user_id, to_address, subject, text, html, 'pending', 0, ?, ?, ? FROM outbox WHERE id = ?`,
          [clock.now(), `backlog-test:${i}`, clock.now(), template],
        );
      }
    });
    const before = smtp.messages.length;
    expect(await svc.deliver()).toEqual({ sent: backlog, retrying: 0, failed: 0 });
    expect(smtp.messages.length - before).toBe(backlog);
    expect(
      Number(
        await t.db.value(`SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'backlog-test:%' AND status = 'sent'`),
      ),
    ).toBe(backlog);
  }, 60_000);
});

describe('the day-before reminder', () => {
  it('reminds the researcher of an approved booking that starts tomorrow, once', async () => {
    // Today is Tuesday 2026-12-01 (the clock may have moved a few minutes); tomorrow afternoon has room.
    const res = await book({ start: at('2026-12-02T14:00:00'), end: at('2026-12-02T15:00:00') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.id as number;
    expect(await svc.remindTomorrow()).toBe(0); // not approved yet
    expect((await lab.post(`/api/v1/bookings/${id}/approve`).send({})).status).toBe(200);
    const later = (await book()).body.id as number; // next week: not tomorrow
    expect((await lab.post(`/api/v1/bookings/${later}/approve`).send({})).status).toBe(200);
    expect(await svc.remindTomorrow()).toBe(1);
    expect(await svc.remindTomorrow()).toBe(0);
    const mine = await notes(researcher);
    const [reminder] = about(mine, 'booking_reminder', id);
    expect(reminder!.body).toContain('2026-12-02 14:00–15:00');
    expect(about(mine, 'booking_reminder', later)).toHaveLength(0);
    await svc.deliver();
    const row = (await svc.outboxOf(`booking_reminder:booking:${id}:user:${researcherId}`))!;
    expect(row.status).toBe('sent');
    expect(withId(row.messageId)[0]!.subject).toContain('明日预约提醒');
  });
});

describe('voucher, settlement and reconciliation events', () => {
  it('tell the enterprise once when its quota falls below a tenth of the cap', async () => {
    const enterpriseId = (
      await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'researcher@demo.test'`)
    ).id;
    const programme = await admin.post('/api/v1/voucher-programmes').send({
      name: '通知测试创新券',
      province: '山东省',
      year: 2026,
      settlementMode: 'deduct',
      ratioRules: { basePercent: 40, byCity: {}, sameCityTopUpPercent: 0 },
      enterpriseYearCapFen: 10_000_000,
      budgetFen: 100_000_000,
      startsOn: '2026-01-01',
      useBy: '2027-06-30',
      claimBy: '2027-09-30',
    });
    expect(programme.status, JSON.stringify(programme.body)).toBe(201);
    const quota = await admin
      .post('/api/v1/voucher-quotas')
      .send({ programmeId: programme.body.id, enterpriseId, capFen: 10_000 });
    expect(quota.status, JSON.stringify(quota.body)).toBe(201);
    const first = await book({ useVoucher: true, quotaId: quota.body.id });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.price.voucherFen).toBe(10_000); // the whole quota
    const low = about(await notes(researcher), 'quota_low');
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({ link: '/vouchers', data: { quotaId: quota.body.id, availableFen: 0 } });
    // The lab is not told about the enterprise's vouchers.
    expect(about(await notes(lab), 'quota_low')).toHaveLength(0);
  });

  it('tell the lab of a returned claim line and of the payment; the province’s finance staff of findings', async () => {
    const programmeId = (await one<{ id: number }>(`SELECT id FROM voucher_programmes ORDER BY id LIMIT 1`)).id;
    const created = await lab.post('/api/v1/settlement-batches').send({ programmeId, month: '2026-10' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const batch = created.body as {
      id: number;
      lines: { id: number; bookingId: number; reviewOffice: { name: string } }[];
    };
    for (const [i, line] of batch.lines.entries())
      await lab
        .patch(`/api/v1/settlement-batches/${batch.id}/lines/${line.id}`)
        .send({ invoiceNo: `37009910${String(i).padStart(4, '0')}` });
    const bank = { bankName: '中国银行济南分行', accountName: '山东省分析测试中心', accountNo: '2345 6789 0123 4567' };
    expect((await lab.post(`/api/v1/settlement-batches/${batch.id}/submit`).send({ bankAccount: bank })).status).toBe(
      200,
    );
    const url = (lineId: number, action: string) => `/api/v1/settlement-batches/${batch.id}/lines/${lineId}/${action}`;
    // One batch for the month: 济南's office decides 济南's lines, each other city's office its own.
    const jinan = batch.lines.filter((l) => l.reviewOffice.name === '济南市科学技术局');
    const officers: Record<string, string> = {
      临沂市科学技术局: 'finance4@demo.test',
      聊城市科学技术局: 'finance6@demo.test',
    };
    for (const line of batch.lines.filter((l) => !jinan.includes(l))) {
      const officer = await signIn(t.app, officers[line.reviewOffice.name]!);
      expect((await officer.post(url(line.id, 'approve')).send({})).status).toBe(200);
    }
    const [returned, ...others] = jinan;
    expect((await finance.post(url(returned!.id, 'return')).send({ reason: '发票抬头有误' })).status).toBe(200);
    const [back] = about(await notes(lab), 'settlement_line_returned');
    expect(back).toMatchObject({ link: `/lab/settlement/${batch.id}`, data: { lineId: returned!.id } });
    expect(back!.body).toContain('发票抬头有误');

    for (const line of others) expect((await finance.post(url(line.id, 'approve')).send({})).status).toBe(200);
    expect((await lab.post(url(returned!.id, 'resubmit')).send({})).status).toBe(200);
    expect((await finance.post(url(returned!.id, 'approve')).send({})).status).toBe(200);
    // The province pays (the paying office of a provincial programme), having approved none of it.
    const paid = await province.post(`/api/v1/settlement-batches/${batch.id}/pay`).send({ reference: 'GK2026120101' });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    const [payment] = about(await notes(lab), 'batch_paid');
    expect(payment).toMatchObject({ data: { batchId: batch.id, reference: 'GK2026120101' } });
    expect(payment!.body).toContain('GK2026120101');

    // A paid batch whose total no longer agrees: the next run (an admin's: reconciliation is the province's) finds it.
    await t.db.run(`UPDATE settlement_batches SET paid_fen = paid_fen + 1 WHERE id = ?`, [batch.id]);
    const run = await admin
      .post('/api/v1/reconciliation/runs')
      .send({ from: '2026-10-01T00:00:00+08:00', to: '2026-12-31T00:00:00+08:00' });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect(run.body.status).toBe('findings');
    for (const agent of [province, desk]) {
      const [found] = about(await notes(agent), 'reconciliation_findings');
      expect(found).toMatchObject({ link: `/finance/reconciliation/${run.body.id}`, data: { runId: run.body.id } });
    }
    // A city office is not the province's finance staff.
    expect(about(await notes(finance), 'reconciliation_findings')).toHaveLength(0);

    await svc.deliver();
    const lineMail = await svc.outboxOf(
      `settlement_line_returned:line:${returned!.id}:at:${clock.now()}:user:${labUserId}`,
    );
    expect(lineMail?.status).toBe('sent');
    expect((await svc.outboxOf(`batch_paid:batch:${batch.id}:user:${labUserId}`))?.status).toBe('sent');
  });
});

describe('reading notifications', () => {
  it('marks one or all read, and lists unread ones', async () => {
    const all = await notes(researcher, '?limit=100');
    expect(all.unreadCount).toBeGreaterThan(1);
    const first = all.items[0]!;
    const marked = await researcher.post(`/api/v1/notifications/${first.id}/read`).send({});
    expect(marked.status).toBe(200);
    expect(marked.body.item.readAt).not.toBeNull();
    expect(marked.body.unreadCount).toBe(all.unreadCount - 1);
    const unread = await notes(researcher, '?unread=1&limit=100');
    expect(unread.items.map((n) => n.id)).not.toContain(first.id);
    expect(unread.items.every((n) => n.readAt === null)).toBe(true);
    // Pages with a cursor, newest first.
    const page1 = (await researcher.get('/api/v1/notifications?limit=2')).body;
    const page2 = (await researcher.get(`/api/v1/notifications?limit=2&cursor=${page1.nextCursor}`)).body;
    expect(page2.items[0].id).toBeLessThan(page1.items[1].id);
    const labUnread = (await notes(lab)).unreadCount;
    const all2 = await researcher.post('/api/v1/notifications/read-all').send({});
    expect(all2.body).toMatchObject({ unreadCount: 0 });
    expect(all2.body.marked).toBe(all.unreadCount - 1);
    expect((await notes(lab)).unreadCount).toBe(labUnread); // only one's own
  });

  it('are one’s own: nobody reads or marks another user’s', async () => {
    const labItem = (await notes(lab)).items[0]!;
    expect((await notes(researcher)).items.map((n) => n.id)).not.toContain(labItem.id);
    expect((await researcher.post(`/api/v1/notifications/${labItem.id}/read`).send({})).status).toBe(404);
    expect(
      (await one<{ readAt: number | null }>(`SELECT read_at AS "readAt" FROM notifications WHERE id = ?`, labItem.id))
        .readAt,
    ).toBeNull();
    expect((await request(t.app).get('/api/v1/notifications')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/notification-preferences')).status).toBe(401);
    expect((await researcher.post('/api/v1/notifications/999999/read').send({})).status).toBe(404);
  });
});

describe('giving up', () => {
  it('fails an email for good after 10 attempts, with growing waits between them', async () => {
    refuseMail = true;
    const id = (await book()).body.id as number;
    const key = `booking_requested:booking:${id}:user:${labUserId}`;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 10; attempt++) {
      await svc.deliver();
      const row = (await svc.outboxOf(key))!;
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toMatch(/451|try again/);
      if (attempt < 10) {
        expect(row.status).toBe('pending');
        waits.push(row.nextAttemptAt - clock.now());
        clock.set(row.nextAttemptAt);
      } else expect(row.status).toBe('failed');
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000));
    refuseMail = false;
    clock.advance(24 * 3600_000);
    await svc.deliver();
    const row = (await svc.outboxOf(key))!;
    expect(row).toMatchObject({ status: 'failed', attempts: 10 });
    expect(withId(row.messageId)).toHaveLength(0);
  });
});
