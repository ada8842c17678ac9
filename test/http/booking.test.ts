import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/modules/auth/password.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { openDatabase } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { createTestApp, signIn, type TestApp } from '../support/app.ts';
import { testStripe } from '../support/stripe.ts';
import { testSchedule } from '../support/schedule.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
let t: TestApp;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let otherLab: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let hourly: number; // an instrument of the demo lab with an hourly price
let instant: number; // another, set to confirm at once
let sampled: number | undefined; // one of the demo lab with a per-sample price

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const count = async (sql: string, ...params: Param[]) => (await one<{ n: number }>(sql, ...params)).n;

const SCHEDULE = testSchedule({ setupBufferMinutes: 15, cleanupBufferMinutes: 15 });

beforeAll(async () => {
  t = await createTestApp({ instruments: 300, clock });
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  const labOrg = (
    await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = 'lab@demo.test'`)
  ).organisation_id;
  const ids = (await t.db.column(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal' ORDER BY i.id`,
    [labOrg],
  )) as number[];
  [hourly, instant] = ids as [number, number];
  sampled = (await t.db.value(
    `SELECT DISTINCT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND r.unit = 'sample' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
       ORDER BY i.id LIMIT 1`,
    [labOrg],
  )) as number | undefined;
  if (sampled !== undefined)
    expect((await lab.put(`/api/v1/instruments/${sampled}/schedule`).send(SCHEDULE)).status).toBe(200);
  expect((await lab.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE)).status).toBe(200);
  expect(
    (await lab.put(`/api/v1/instruments/${instant}/schedule`).send({ ...SCHEDULE, approvalRequired: false })).status,
  ).toBe(200);
  // A lab manager of another institution.
  const other = await one<{ email: string }>(
    `SELECT u.email FROM users u WHERE u.role = 'lab_manager' AND u.organisation_id != ? LIMIT 1`,
    labOrg,
  );
  otherLab = await signIn(t.app, other.email);
});
afterAll(() => t.close());

const at = (local: string) => `${local}+08:00`;
const book = (body: Record<string, unknown>, key?: string) => {
  const r = researcher.post('/api/v1/bookings');
  if (key) r.set('Idempotency-Key', key);
  return r.send({ instrumentId: hourly, mode: 'machine_time', purpose: '测试', ...body });
};

describe('scheduling rules', () => {
  it('are public to read and editable only by the owning lab', async () => {
    const res = await request(t.app).get(`/api/v1/instruments/${hourly}/schedule`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ instrumentId: hourly, slotMinutes: 30, setupBufferMinutes: 15 });
    expect((await researcher.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE)).status).toBe(403);
    expect((await otherLab.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE)).status).toBe(403);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ minBookingMinutes: 300, maxBookingMinutes: 240 }, 'minBookingMinutes'],
    [{ weeklyHours: { '1': [['17:00', '09:00']] } }, 'weeklyHours'],
    [{ weeklyHours: { '8': [['09:00', '10:00']] } }, 'weeklyHours'],
    [{ slotMinutes: 7 }, 'slotMinutes'],
  ])('refuse %j', async (change, field) => {
    const res = await lab.put(`/api/v1/instruments/${hourly}/schedule`).send({ ...SCHEDULE, ...change });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(field);
  });
});

describe('availability', () => {
  it('lists free time and slots in the instrument’s zone, honouring notice and buffers', async () => {
    const res = await request(t.app)
      .get(`/api/v1/instruments/${hourly}/availability`)
      .query({ from: at('2026-12-01T00:00:00'), to: at('2026-12-04T00:00:00'), durationMinutes: 60 });
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Asia/Shanghai');
    const starts = res.body.slots.map((s: { start: string }) => s.start);
    expect(starts[0]).toBe('2026-12-02T10:00:00+08:00'); // 24 h notice from Tue 10:00
    expect(starts).toContain('2026-12-03T09:00:00+08:00');
    expect(starts).not.toContain('2026-12-03T11:30:00+08:00'); // would run into the lunch break
  });

  it('offers only starts that can take the minimum length, each with the longest booking that fits', async () => {
    // A 2-hour minimum: the morning 09:00–12:00 is free, but 10:30 and 11:30 cannot start a booking.
    expect(
      (await lab.put(`/api/v1/instruments/${hourly}/schedule`).send({ ...SCHEDULE, minBookingMinutes: 120 })).status,
    ).toBe(200);
    try {
      const res = await request(t.app)
        .get(`/api/v1/instruments/${hourly}/availability`)
        .query({ from: at('2026-12-17T00:00:00'), to: at('2026-12-18T00:00:00') });
      expect(res.status).toBe(200);
      expect(res.body.durationMinutes).toBe(120); // the minimum when no length is asked
      expect(res.body.free).toEqual([
        { start: at('2026-12-17T09:00:00'), end: at('2026-12-17T12:00:00') },
        { start: at('2026-12-17T13:30:00'), end: at('2026-12-17T17:30:00') },
      ]);
      const longest = {
        '09:00': 180,
        '09:30': 150,
        '10:00': 120,
        '13:30': 240, // the maximum length
        '14:00': 210,
        '14:30': 180,
        '15:00': 150,
        '15:30': 120,
      };
      const starts = Object.keys(longest).map((time) => at(`2026-12-17T${time}:00`));
      expect(res.body.slots).toEqual(starts.map((start, i) => ({ start, maxMinutes: Object.values(longest)[i] })));
      expect(starts).not.toContain(at('2026-12-17T11:30:00'));
      // What the calendar offers, the booking takes; a start it does not offer is refused.
      const late = await book({ start: at('2026-12-17T11:30:00'), end: at('2026-12-17T13:30:00') });
      expect(late.status).toBe(400);
      expect(JSON.stringify(late.body)).toContain('outside_hours');
    } finally {
      await lab.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE);
    }
  });

  it.each([
    [{ from: at('2026-12-04T00:00:00'), to: at('2026-12-01T00:00:00') }],
    [{ from: at('2026-12-01T00:00:00'), to: at('2027-06-01T00:00:00') }],
    [{ from: '2026-12-01', to: at('2026-12-04T00:00:00') }],
    [{ from: '2026-12-01T00:00:00', to: at('2026-12-04T00:00:00') }],
    [{ from: 'yesterday', to: 'tomorrow' }],
  ])('refuses the window %j', async (query) => {
    const res = await request(t.app).get(`/api/v1/instruments/${hourly}/availability`).query(query);
    expect(res.status).toBe(400);
  });

  it('answers 404 for an unknown instrument', async () => {
    const res = await request(t.app)
      .get('/api/v1/instruments/99999999/availability')
      .query({ from: at('2026-12-01T00:00:00'), to: at('2026-12-04T00:00:00') });
    expect(res.status).toBe(404);
  });

  it('shows a booking as busy at its own times, holds its buffers, and only in windows its block meets', async () => {
    const day = (date: string) => ({
      from: at(`${date}T00:00:00`),
      to: new Date(Date.parse(at(`${date}T00:00:00`)) + 86_400_000).toISOString(),
      durationMinutes: 60,
    });
    const ask = async (date: string) =>
      (await request(t.app).get(`/api/v1/instruments/${hourly}/availability`).query(day(date))).body as {
        slots: { start: string }[];
        busy: { start: string; end: string }[];
      };
    const before = await ask('2026-12-22');
    expect(before.slots.map((s) => s.start)).toContain(at('2026-12-22T11:00:00'));
    const booked = await book({ start: at('2026-12-22T10:00:00'), end: at('2026-12-22T11:00:00') });
    expect(booked.status).toBe(201);

    const after = await ask('2026-12-22');
    // Its times, not its block (15 minutes either side), beside what was busy before.
    expect(after.busy).toEqual(
      [...before.busy, { start: at('2026-12-22T10:00:00'), end: at('2026-12-22T11:00:00') }].sort((a, b) =>
        a.start.localeCompare(b.start),
      ),
    );
    const starts = after.slots.map((s) => s.start);
    expect(starts).not.toContain(at('2026-12-22T09:30:00')); // would overlap it
    expect(starts).not.toContain(at('2026-12-22T11:00:00')); // its clean-up and the next set-up
    expect(after.slots.length).toBeLessThan(before.slots.length);
    // Listed in a window its block meets (it ends 11:15), not in one starting after that, though it is near.
    const busyFrom = async (time: string) =>
      (
        await request(t.app)
          .get(`/api/v1/instruments/${hourly}/availability`)
          .query({ from: at(`2026-12-22T${time}`), to: at('2026-12-23T00:00:00'), durationMinutes: 60 })
      ).body.busy as { start: string; end: string }[];
    const itsTimes = { start: at('2026-12-22T10:00:00'), end: at('2026-12-22T11:00:00') };
    expect(await busyFrom('11:10:00')).toContainEqual(itsTimes);
    expect(await busyFrom('11:20:00')).not.toContainEqual(itsTimes);
    expect((await researcher.post(`/api/v1/bookings/${booked.body.id}/cancel`).send({ reason: '测试' })).status).toBe(
      200,
    );
    expect((await ask('2026-12-22')).busy).toEqual(before.busy);
  });

  it('finds instruments with a free slot across the catalogue', async () => {
    const res = await request(t.app)
      .get('/api/v1/availability')
      .query({ from: at('2026-12-02T00:00:00'), to: at('2026-12-05T00:00:00'), durationMinutes: 120, limit: 5 });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const item of res.body.items) {
      expect(item.slotCount).toBeGreaterThan(0);
      // The first slot, as the instrument's own availability offers it: its first start, the asked length long.
      const own = await request(t.app)
        .get(`/api/v1/instruments/${item.instrument.id}/availability`)
        .query({ from: at('2026-12-02T00:00:00'), to: at('2026-12-05T00:00:00'), durationMinutes: 120 });
      expect(own.body.slots.length).toBe(item.slotCount);
      expect(item.firstSlot.start).toBe(own.body.slots[0].start);
      expect(Date.parse(item.firstSlot.end) - Date.parse(item.firstSlot.start)).toBe(120 * 60_000);
      expect(item.firstSlot.end).toMatch(/[+-]\d\d:\d\d$/); // in the instrument's zone, like the start
    }
  });
});

describe('quotes', () => {
  it('prices machine time for the caller’s user type, rounded up to the slot', async () => {
    const res = await researcher.post('/api/v1/quotes').send({
      instrumentId: hourly,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T10:30:00'),
    });
    expect(res.status).toBe(200);
    expect(res.body.userType).toBe('enterprise');
    const item = await one<{ enterprise_fen: number }>(
      `SELECT enterprise_fen FROM rate_card_items WHERE instrument_id = ? AND unit = 'hour' ORDER BY sort_order, id LIMIT 1`,
      hourly,
    );
    const machine = res.body.price.lines.find((l: { kind: string }) => l.kind === 'machine_time');
    expect(machine.amountFen).toBe(Math.round(item.enterprise_fen * 1.5));
    expect(res.body.price.totalFen).toBe(
      res.body.price.lines.reduce((s: number, l: { amountFen: number }) => s + l.amountFen, 0),
    );
  });

  it('gives the lab its own internal price', async () => {
    const res = await lab.post('/api/v1/quotes').send({
      instrumentId: hourly,
      mode: 'machine_time',
      start: at('2026-12-03T09:00:00'),
      end: at('2026-12-03T10:00:00'),
    });
    expect(res.body.userType).toBe('internal');
  });
});

describe('booking requests', () => {
  it('books free time, with an audit trail, and replays an Idempotency-Key', async () => {
    const first = await book({ start: at('2026-12-03T09:00:00'), end: at('2026-12-03T10:00:00') }, 'key-0001-abcdef');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'requested', mode: 'machine_time', start: '2026-12-03T09:00:00+08:00' });
    expect(first.body.history).toEqual([expect.objectContaining({ from: null, to: 'requested' })]);
    const again = await book({ start: at('2026-12-03T09:00:00'), end: at('2026-12-03T10:00:00') }, 'key-0001-abcdef');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await count('SELECT count(*) AS n FROM bookings WHERE idempotency_key = ?', 'key-0001-abcdef')).toBe(1);
  });

  it('refuses overlapping time, buffers included, with 409', async () => {
    // 10:00–11:00 touches the 09:00–10:00 booking's 15-minute clean-up buffer plus its own set-up buffer.
    const res = await book({ start: at('2026-12-03T10:00:00'), end: at('2026-12-03T11:00:00') });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('conflict');
    const later = await book({ start: at('2026-12-03T10:30:00'), end: at('2026-12-03T11:30:00') });
    expect(later.status).toBe(201);
  });

  it.each([
    [{ start: at('2026-12-03T15:00:00'), end: at('2026-12-03T14:00:00') }, 'end'],
    [{ start: at('2026-12-03T14:00:00'), end: at('2026-12-03T14:00:00') }, 'end'],
    [{ start: at('2026-12-03T14:00:00'), end: at('2036-12-03T14:00:00') }, 'too_long'],
    [{ start: at('2026-12-03T14:10:00'), end: at('2026-12-03T15:10:00') }, 'not_on_grid'],
    [{ start: at('2026-12-03T14:00:00'), end: at('2026-12-03T14:45:00') }, 'too_short'],
    [{ start: at('2026-11-30T14:00:00'), end: at('2026-11-30T15:00:00') }, 'too_soon'],
    [{ start: at('2027-06-01T14:00:00'), end: at('2027-06-01T15:00:00') }, 'too_far'],
    [{ start: at('2026-12-05T10:00:00'), end: at('2026-12-05T11:00:00') }, 'outside_hours'],
    [{ start: '2026-12-03T14:00:00', end: '2026-12-03T15:00:00' }, 'start'],
    [{ start: '2026-12-03T14:00:00+25:00', end: at('2026-12-03T15:00:00') }, 'start'],
    [{ start: 'next tuesday', end: at('2026-12-03T15:00:00') }, 'start'],
    [{ instrumentId: 99999999, start: at('2026-12-03T14:00:00'), end: at('2026-12-03T15:00:00') }, 'instrumentId'],
    [{ mode: 'sample', sampleCount: 0 }, 'sampleCount'],
    [{ mode: 'sample', sampleCount: 1_000_000_000 }, 'sampleCount'],
    [{ mode: 'sample' }, 'sampleCount'],
    [{ mode: 'teleport', start: at('2026-12-03T14:00:00'), end: at('2026-12-03T15:00:00') }, 'mode'],
  ])('refuses %j with a 400 naming %s, writing nothing', async (body, reason) => {
    const before = await count('SELECT count(*) AS n FROM bookings');
    const res = await book(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(reason);
    expect(await count('SELECT count(*) AS n FROM bookings')).toBe(before);
  });

  it('accepts a sample job with a wanted-by date, holding no time', async () => {
    const res = await researcher
      .post('/api/v1/bookings')
      .set('Accept-Language', 'en')
      .send({ instrumentId: hourly, mode: 'sample', sampleCount: 3, end: at('2026-12-20T17:00:00') });
    if (res.status === 400) {
      expect(JSON.stringify(res.body)).toContain('per-sample'); // this instrument charges by the hour only
    } else {
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ mode: 'sample', sampleCount: 3, start: null });
    }
  });

  it('confirms at once where no approval is needed', async () => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId: instant,
      mode: 'machine_time',
      start: at('2026-12-03T14:00:00'),
      end: at('2026-12-03T15:00:00'),
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('approved');
    expect(res.body.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'approved']);
  });

  it('is only for researchers', async () => {
    expect(
      (
        await lab.post('/api/v1/bookings').send({
          instrumentId: hourly,
          mode: 'machine_time',
          start: at('2026-12-04T14:00:00'),
          end: at('2026-12-04T15:00:00'),
        })
      ).status,
    ).toBe(403);
    expect((await request(t.app).post('/api/v1/bookings').send({})).status).toBe(401);
  });
});

describe('the life of a booking', () => {
  let id: number;
  beforeAll(async () => {
    const res = await book({ start: at('2026-12-04T09:00:00'), end: at('2026-12-04T11:00:00') });
    expect(res.status).toBe(201);
    id = res.body.id;
  });

  it('hides it from other institutions’ labs and refuses researchers lab actions', async () => {
    expect((await otherLab.get(`/api/v1/bookings/${id}`)).status).toBe(404);
    expect((await otherLab.post(`/api/v1/bookings/${id}/approve`).send({})).status).toBe(404);
    expect((await researcher.post(`/api/v1/bookings/${id}/approve`).send({})).status).toBe(403);
    const list = await otherLab.get('/api/v1/bookings');
    expect(list.body.items.map((b: { id: number }) => b.id)).not.toContain(id);
  });

  it('goes requested → approved → in progress → completed → rated, refusing wrong moves with 409', async () => {
    expect((await lab.post(`/api/v1/bookings/${id}/check-in`).send({})).body).toMatchObject({
      code: 'conflict',
      currentStatus: 'requested',
    });
    const early = await lab
      .put(`/api/v1/bookings/${id}/report`)
      .query({ name: 'r.pdf' })
      .set('Content-Type', 'application/pdf')
      .send(Buffer.from('%PDF'));
    expect(early.status).toBe(409); // no report before the job has started
    expect((await lab.post(`/api/v1/bookings/${id}/approve`).send({})).body.status).toBe('approved');
    const twice = await lab.post(`/api/v1/bookings/${id}/approve`).send({});
    expect(twice.status).toBe(409);
    expect(twice.body.currentStatus).toBe('approved');
    clock.set(Date.parse(at('2026-12-04T08:55:00'))); // the morning of the booking
    expect((await lab.post(`/api/v1/bookings/${id}/check-in`).send({})).body.status).toBe('in_progress');
    expect((await researcher.post(`/api/v1/bookings/${id}/rate`).send({ rating: 5 })).status).toBe(409);
    clock.set(Date.parse(at('2026-12-04T11:30:00')));
    const done = await lab
      .post(`/api/v1/bookings/${id}/complete`)
      .send({ actualMinutes: 150, reportUrl: 'https://example.org/report.pdf' });
    clock.set(NOW);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.usage).toMatchObject({ minutes: 150, reportUrl: 'https://example.org/report.pdf' });
    expect(done.body.finalPrice.totalFen).toBeGreaterThan(done.body.price.totalFen); // 2.5 h billed, 2 h quoted
    const rated = await researcher.post(`/api/v1/bookings/${id}/rate`).send({ rating: 5, comment: '非常专业' });
    expect(rated.body).toMatchObject({ rating: 5, ratingComment: '非常专业' });
    expect((await researcher.post(`/api/v1/bookings/${id}/rate`).send({ rating: 1 })).status).toBe(409);
    const history = (await researcher.get(`/api/v1/bookings/${id}`)).body.history;
    expect(history.map((h: { to: string }) => h.to)).toEqual(['requested', 'approved', 'in_progress', 'completed']);
    expect(history[1].by.name).toBeTruthy();
  });

  it('keeps the lab’s service report for the booking’s parties', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% 测试报告\n%%EOF\n');
    const upload = (agent: typeof lab, type: string, body: Buffer) =>
      agent.put(`/api/v1/bookings/${id}/report`).query({ name: '测试报告.pdf' }).set('Content-Type', type).send(body);
    expect((await upload(researcher, 'application/pdf', pdf)).status).toBe(403);
    expect((await upload(otherLab, 'application/pdf', pdf)).status).toBe(404);
    const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), Buffer.alloc(100)]);
    expect((await upload(lab, 'application/pdf', program)).status).toBe(415); // the bytes decide, not the header
    expect((await upload(lab, 'application/pdf', Buffer.alloc(11 * 1024 * 1024, 1))).status).toBe(413);
    const res = await upload(lab, 'application/pdf', pdf);
    expect(res.status).toBe(200);
    expect(res.body.usage.reportUrl).toBe(`/api/v1/bookings/${id}/report`);
    const got = await researcher
      .get(`/api/v1/bookings/${id}/report`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/application\/pdf/);
    expect(got.headers['content-disposition']).toContain('attachment');
    expect(Buffer.compare(got.body as Buffer, pdf)).toBe(0);
    expect((await otherLab.get(`/api/v1/bookings/${id}/report`)).status).toBe(404);
  });

  it('needs a reason to reject; rejected time is free again', async () => {
    const res = await book({ start: at('2026-12-07T09:00:00'), end: at('2026-12-07T10:00:00') });
    expect((await lab.post(`/api/v1/bookings/${res.body.id}/reject`).send({})).status).toBe(400);
    const rejected = await lab.post(`/api/v1/bookings/${res.body.id}/reject`).send({ reason: '设备检修' });
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.history.at(-1)).toMatchObject({ to: 'rejected', reason: '设备检修' });
    expect((await book({ start: at('2026-12-07T09:00:00'), end: at('2026-12-07T10:00:00') })).status).toBe(201);
  });

  it('lets the researcher cancel before the deadline, and the lab only with a reason', async () => {
    const res = await book({ start: at('2026-12-08T09:00:00'), end: at('2026-12-08T10:00:00') });
    expect(res.body.cancellableUntil).toBe('2026-12-07T09:00:00+08:00');
    expect((await researcher.post(`/api/v1/bookings/${res.body.id}/cancel`).send({})).body.status).toBe('cancelled');
    const other = await book({ start: at('2026-12-08T13:30:00'), end: at('2026-12-08T14:30:00') });
    expect((await lab.post(`/api/v1/bookings/${other.body.id}/cancel`).send({})).status).toBe(400);
    expect((await lab.post(`/api/v1/bookings/${other.body.id}/cancel`).send({ reason: '停电' })).body.status).toBe(
      'cancelled',
    );
  });

  it('refuses the researcher’s cancellation after the deadline', async () => {
    const res = await book({ start: at('2026-12-02T14:00:00'), end: at('2026-12-02T15:00:00') });
    expect(res.status).toBe(201);
    clock.set(Date.parse(at('2026-12-01T15:00:00'))); // the deadline was 14:00
    try {
      const late = await researcher.post(`/api/v1/bookings/${res.body.id}/cancel`).send({});
      expect(late.status).toBe(409);
      expect(late.body.currentStatus).toBe('requested');
      expect((await lab.post(`/api/v1/bookings/${res.body.id}/cancel`).send({ reason: '用户来电取消' })).status).toBe(
        200,
      );
    } finally {
      clock.set(NOW);
    }
  });

  it('records a no-show of an approved booking', async () => {
    const res = await book({ start: at('2026-12-09T09:00:00'), end: at('2026-12-09T10:00:00') });
    await lab.post(`/api/v1/bookings/${res.body.id}/approve`).send({});
    clock.set(Date.parse(at('2026-12-09T09:15:00'))); // the 15 minutes' grace have passed
    try {
      expect((await lab.post(`/api/v1/bookings/${res.body.id}/no-show`).send({})).body.status).toBe('no_show');
    } finally {
      clock.set(NOW);
    }
  });

  it('scopes lists: the enterprise sees its own, the lab its institution’s, admins all', async () => {
    const mine = await researcher.get('/api/v1/bookings').query({ limit: 100 });
    const labs = await lab.get('/api/v1/bookings').query({ limit: 100 });
    const all = await admin.get('/api/v1/bookings').query({ limit: 100 });
    expect(mine.body.items.length).toBeGreaterThan(3);
    type Item = { id: number; instrument: { institutionId: number }; requester: { organisationId: number } };
    const labOrg = (labs.body.items as Item[])[0]!.instrument.institutionId;
    expect((labs.body.items as Item[]).every((b) => b.instrument.institutionId === labOrg)).toBe(true);
    const mineHere = (mine.body.items as Item[]).filter((b) => b.instrument.institutionId === labOrg).map((b) => b.id);
    expect(labs.body.items.map((b: Item) => b.id)).toEqual(expect.arrayContaining(mineHere));
    const myOrg = (mine.body.items as Item[])[0]!.requester.organisationId;
    expect((mine.body.items as Item[]).every((b) => b.requester.organisationId === myOrg)).toBe(true);
    expect(all.body.items.length).toBeGreaterThanOrEqual(mine.body.items.length);
    const finance = await signIn(t.app, 'finance@demo.test');
    expect((await finance.get('/api/v1/bookings')).status).toBe(403);
  });
});

describe('when the lab may check in, record a no-show or complete', () => {
  const approved = async (start: string, end: string) => {
    const res = await book({ start: at(start), end: at(end) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await lab.post(`/api/v1/bookings/${res.body.id}/approve`).send({})).status).toBe(200);
    return res.body as { id: number; start: string; end: string };
  };
  const post = (id: number, action: string, lang = 'zh-CN') =>
    lab.post(`/api/v1/bookings/${id}/${action}`).set('Accept-Language', lang).send({});
  afterAll(() => clock.set(NOW));

  it('refuses a check-in two days early with 409 and from when, in the reader’s language', async () => {
    const b = await approved('2026-12-03T14:00:00', '2026-12-03T15:00:00');
    const res = await post(b.id, 'check-in');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'conflict',
      currentStatus: 'approved',
      reason: 'too_early',
      allowedFrom: Date.parse(at('2026-12-03T13:30:00')),
      allowedUntil: Date.parse(at('2026-12-03T15:00:00')),
      detail: '尚未到签到时间：预约开始前 30 分钟起可签到（2026-12-03 13:30 起）',
    });
    expect((await post(b.id, 'check-in', 'en')).body.detail).toBe(
      'check-in opens at 2026-12-03 13:30 (30 minutes before the start)',
    );
    const complete = await post(b.id, 'complete');
    expect(complete.status).toBe(409); // not before check-in
    expect(complete.body).toMatchObject({ currentStatus: 'approved', detail: '该预约当前状态为“已确认”，无法完成' });
    const noShow = await post(b.id, 'no-show');
    expect(noShow.status).toBe(409);
    expect(noShow.body).toMatchObject({ reason: 'too_early', allowedFrom: Date.parse(at('2026-12-03T14:15:00')) });
    expect(noShow.body.detail).toBe('2026-12-03 14:15 起才能记为爽约（预约开始后 15 分钟）');
    const history = (await lab.get(`/api/v1/bookings/${b.id}`)).body.history;
    expect(history.map((h: { to: string }) => h.to)).toEqual(['requested', 'approved']);

    clock.set(Date.parse(at('2026-12-03T13:30:00')));
    expect((await post(b.id, 'check-in')).body.status).toBe('in_progress');
    const done = await post(b.id, 'complete');
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    clock.set(NOW);
  });

  it('closes check-in at the end: then only a no-show or the lab’s cancellation', async () => {
    const b = await approved('2026-12-03T16:00:00', '2026-12-03T17:00:00');
    clock.set(Date.parse(at('2026-12-03T17:00:00')));
    const late = await post(b.id, 'check-in', 'en');
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ reason: 'too_late', allowedUntil: Date.parse(at('2026-12-03T17:00:00')) });
    expect(late.body.detail).toBe(
      'check-in closed when the booking ended at 2026-12-03 17:00; record a no-show or cancel it with a reason',
    );
    const view = (await lab.get(`/api/v1/bookings/${b.id}`)).body;
    expect(view.actions).toMatchObject({
      checkIn: { allowed: false, reason: 'too_late', until: '2026-12-03T17:00:00+08:00' },
      noShow: { allowed: true, reason: null, from: '2026-12-03T16:15:00+08:00', feeFen: 0 },
      complete: { allowed: false, reason: 'status' },
    });
    expect((await post(b.id, 'no-show')).body.status).toBe('no_show');
    clock.set(NOW);
  });

  it('takes its times from the instrument’s rules', async () => {
    const rules = (await request(t.app).get(`/api/v1/instruments/${hourly}/schedule`)).body;
    expect(rules).toMatchObject({ checkInOpensMinutes: 30, noShowGraceMinutes: 15 });
    const changed = { ...SCHEDULE, checkInOpensMinutes: 120, noShowGraceMinutes: 60 };
    expect((await lab.put(`/api/v1/instruments/${hourly}/schedule`).send(changed)).body).toMatchObject({
      checkInOpensMinutes: 120,
      noShowGraceMinutes: 60,
    });
    try {
      for (const bad of [
        { checkInOpensMinutes: -1 },
        { noShowGraceMinutes: 24 * 60 + 1 },
        { checkInOpensMinutes: 1.5 },
      ]) {
        const res = await lab.put(`/api/v1/instruments/${hourly}/schedule`).send({ ...changed, ...bad });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toContain(Object.keys(bad)[0]);
      }
      const b = await approved('2026-12-15T14:00:00', '2026-12-15T15:00:00');
      clock.set(Date.parse(at('2026-12-15T11:59:00')));
      expect((await post(b.id, 'check-in')).body.allowedFrom).toBe(Date.parse(at('2026-12-15T12:00:00')));
      clock.set(Date.parse(at('2026-12-15T14:59:00')));
      expect((await post(b.id, 'no-show')).body.allowedFrom).toBe(Date.parse(at('2026-12-15T15:00:00')));
      clock.set(Date.parse(at('2026-12-15T12:00:00')));
      expect((await post(b.id, 'check-in')).body.status).toBe('in_progress');
    } finally {
      clock.set(NOW);
      await lab.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE);
    }
  });

  it('lets the lab confirm a sample job’s samples on arrival, whenever they come; a no-show needs a date', async () => {
    expect(sampled, 'the demo lab has an instrument priced per sample').toBeDefined();
    const job = async (body: Record<string, unknown>) => {
      const res = await researcher
        .post('/api/v1/bookings')
        .send({ instrumentId: sampled, mode: 'sample', sampleCount: 2, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      if (res.body.status === 'requested')
        expect((await lab.post(`/api/v1/bookings/${res.body.id}/approve`).send({})).status).toBe(200);
      return res.body as { id: number };
    };
    // Wanted by 20 December; the samples arrive on 1 December, the day the job is booked.
    const dated = await job({ end: at('2026-12-20T23:59:59') });
    const early = await post(dated.id, 'no-show');
    expect(early.body).toMatchObject({ reason: 'too_early', allowedFrom: Date.parse(at('2026-12-21T00:14:59')) });
    expect(early.body.detail).toBe('2026-12-21 00:14 起才能记为爽约（期望完成日期后 15 分钟）');
    expect((await post(dated.id, 'check-in')).body.status).toBe('in_progress');
    expect((await lab.post(`/api/v1/bookings/${dated.id}/complete`).send({ actualSamples: 2 })).status).toBe(200);
    // Without a wanted-by date there is no day to miss: the lab cancels with a reason instead.
    const undated = await job({});
    const res = await post(undated.id, 'no-show', 'en');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ reason: 'no_date', currentStatus: 'approved' });
    const view = (await lab.get(`/api/v1/bookings/${undated.id}`)).body;
    expect(view.actions).toMatchObject({
      checkIn: { allowed: true, from: null, until: null },
      noShow: { allowed: false, reason: 'no_date' },
    });
  });
});

describe('qualification', () => {
  it('refuses self-operated use without a valid training record, and says why', async () => {
    await lab
      .put(`/api/v1/instruments/${instant}/schedule`)
      .send({ ...SCHEDULE, approvalRequired: false, qualificationRequired: true });
    const researcherEmail = 'researcher@demo.test';
    await t.db.run('DELETE FROM training_records WHERE instrument_id = ?', [instant]);
    const slot = {
      instrumentId: instant,
      mode: 'machine_time',
      start: at('2026-12-10T09:00:00'),
      end: at('2026-12-10T10:00:00'),
    };
    const none = await researcher.post('/api/v1/bookings').set('Accept-Language', 'en').send(slot);
    expect(none.status).toBe(400);
    expect(none.body.detail).toMatch(/training/);
    const granted = await lab
      .post('/api/v1/training-records')
      .send({ instrumentId: instant, userEmail: researcherEmail, expiresOn: '2027-01-31' });
    expect(granted.status).toBe(201);
    expect(granted.body.valid).toBe(true);
    expect((await researcher.post('/api/v1/bookings').send(slot)).status).toBe(201);
    await lab.post(`/api/v1/training-records/${granted.body.id}/revoke`).send({});
    const revoked = await researcher
      .post('/api/v1/bookings')
      .set('Accept-Language', 'en')
      .send({ ...slot, start: at('2026-12-10T13:30:00'), end: at('2026-12-10T14:30:00') });
    expect(revoked.status).toBe(400);
    expect(revoked.body.detail).toMatch(/revoked/);
    expect(
      (
        await otherLab
          .post('/api/v1/training-records')
          .send({ instrumentId: instant, userEmail: researcherEmail, expiresOn: '2027-01-31' })
      ).status,
    ).toBe(403);
    await lab.put(`/api/v1/instruments/${instant}/schedule`).send({ ...SCHEDULE, approvalRequired: false });
  });
});

describe('granting training by e-mail', () => {
  it('answers the same whether or not the address has an account, and the grant waits for one', async () => {
    const grant = (userEmail: string) =>
      lab.post('/api/v1/training-records').send({ instrumentId: instant, userEmail, expiresOn: '2027-01-31' });
    const known = await grant('researcher2@demo.test');
    const unknown = await grant('not-yet-registered@demo.test');
    expect(known.status).toBe(201);
    expect(unknown.status).toBe(known.status);
    const shape = (body: Record<string, unknown>) => ({
      ...body,
      id: 0,
      user: { ...(body.user as object), email: '' },
    });
    expect(shape(unknown.body)).toEqual(shape(known.body));
    // The address comes back masked, as in the lab's list (personal data in lists).
    expect(known.body.user).toEqual({ id: null, name: null, email: 'r***@demo.test' });
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
    // The lab's list does not tell them apart either.
    const list = (await lab.get('/api/v1/training-records').query({ instrumentId: instant })).body.items as {
      id: number;
      user: object;
    }[];
    expect(list.find((r) => r.id === known.body.id)!.user).toEqual(known.body.user);
    expect(list.find((r) => r.id === unknown.body.id)!.user).toEqual(unknown.body.user);
    // An admin (who manages accounts anyway) and the holder see whose record it is.
    const all = (await admin.get('/api/v1/training-records').query({ instrumentId: instant })).body.items as {
      id: number;
      user: { name: string | null };
    }[];
    expect(all.find((r) => r.id === known.body.id)!.user.name).toEqual(expect.any(String));

    // Someone signs up with the address later: the waiting grant is theirs.
    const org = (
      await one<{ organisation_id: number }>(`SELECT organisation_id FROM users WHERE email = 'researcher@demo.test'`)
    ).organisation_id;
    await t.db.run(
      `INSERT INTO users (email, password_hash, display_name, role, organisation_id, created_at, email_verified_at)
         VALUES (?, ?, '新同事', 'researcher', ?, ?, ?)`,
      ['not-yet-registered@demo.test', await hashPassword('a-new-password-1'), org, NOW, NOW],
    );
    const newcomer = await signIn(t.app, 'not-yet-registered@demo.test', 'a-new-password-1');
    const mine = (await newcomer.get('/api/v1/training-records')).body.items as { id: number; user: object }[];
    expect(mine.map((r) => r.id)).toEqual([unknown.body.id]);
    expect(mine[0]!.user).toMatchObject({ name: '新同事', email: 'not-yet-registered@demo.test' });
    await lab
      .put(`/api/v1/instruments/${instant}/schedule`)
      .send({ ...SCHEDULE, approvalRequired: false, qualificationRequired: true });
    try {
      const booked = await newcomer.post('/api/v1/bookings').send({
        instrumentId: instant,
        mode: 'machine_time',
        start: at('2026-12-17T09:00:00'),
        end: at('2026-12-17T10:00:00'),
      });
      expect(booked.status).toBe(201);
    } finally {
      await lab.put(`/api/v1/instruments/${instant}/schedule`).send({ ...SCHEDULE, approvalRequired: false });
    }
  });
});

describe('holidays and closures', () => {
  it('closes a day that admins mark as a holiday', async () => {
    expect((await lab.put('/api/v1/holidays/2026-12-11').send({ kind: 'off', nameZh: '测试假日' })).status).toBe(403);
    expect((await admin.put('/api/v1/holidays/2026-12-11').send({ kind: 'off', nameZh: '测试假日' })).status).toBe(200);
    const res = await book({ start: at('2026-12-11T09:00:00'), end: at('2026-12-11T10:00:00') });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('outside_hours');
    const list = await request(t.app).get('/api/v1/holidays').query({ year: 2026 });
    expect(list.body.items.find((h: { date: string }) => h.date === '2026-10-01')).toMatchObject({ kind: 'off' });
    expect(list.body.items.find((h: { date: string }) => h.date === '2026-10-10')).toMatchObject({ kind: 'workday' });
    expect((await admin.delete('/api/v1/holidays/2026-12-11')).status).toBe(204);
  });

  it('are the same on another server of the same database at once, whichever server changed them', async () => {
    // A second node: its own process memory, the same database.
    const db = openDatabase(t.target);
    const other = createApp({ db, webRoot: null, clock, fileDir: t.fileDir, payments: await testStripe() });
    const day = { from: at('2026-12-11T00:00:00'), to: at('2026-12-12T00:00:00'), durationMinutes: '60' };
    const slotsOn = async (app: typeof t.app) =>
      (await request(app).get(`/api/v1/instruments/${hourly}/availability`).query(day)).body.slots.length as number;
    try {
      const open = await slotsOn(other); // read (and kept) by the other server before the change
      expect(open).toBeGreaterThan(0);
      expect((await admin.put('/api/v1/holidays/2026-12-11').send({ kind: 'off', nameZh: '测试假日' })).status).toBe(
        200,
      );
      expect(await slotsOn(other)).toBe(0);
      const otherAdmin = await signIn(other, 'admin@demo.test');
      expect((await otherAdmin.delete('/api/v1/holidays/2026-12-11')).status).toBe(204);
      expect(await slotsOn(t.app)).toBe(open);
    } finally {
      await db.close();
    }
  });

  it('keeps bookings out of maintenance windows', async () => {
    const closure = await lab
      .post(`/api/v1/instruments/${hourly}/closures`)
      .send({ start: at('2026-12-14T00:00:00'), end: at('2026-12-15T00:00:00'), reason: '年度保养' });
    expect(closure.status).toBe(201);
    const res = await book({ start: at('2026-12-14T09:00:00'), end: at('2026-12-14T10:00:00') });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('closed');
    expect(
      (
        await researcher
          .post(`/api/v1/instruments/${hourly}/closures`)
          .send({ start: at('2026-12-16T00:00:00'), end: at('2026-12-17T00:00:00'), reason: 'x' })
      ).status,
    ).toBe(403);
  });
});

describe('calendar feeds', () => {
  it('publishes an instrument’s booked time and a personal feed', async () => {
    const ics = await request(t.app).get(`/api/v1/instruments/${hourly}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.text).toContain('BEGIN:VEVENT');
    expect((await researcher.get('/api/v1/me/calendar')).body).toEqual({ createdAt: null });
    const made = await researcher.post('/api/v1/me/calendar').send({});
    expect(made.status).toBe(201);
    const { url } = made.body as { url: string };
    const mine = await request(t.app).get(url);
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('BEGIN:VCALENDAR');
    expect((mine.text.match(/BEGIN:VEVENT/g) ?? []).length).toBeGreaterThan(3);
    // A feed is text: compressed for a calendar app that accepts it (the API's file routes compress, JSON does not go through it).
    const zipped = await request(t.app).get(url).set('Accept-Encoding', 'gzip');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    // The same feed, but for DTSTAMP (when it was made: the second may have turned between the two).
    const unstamped = (ics: string) => ics.replace(/^DTSTAMP:.*$/gm, 'DTSTAMP');
    expect(unstamped(zipped.text)).toBe(unstamped(mine.text));
    expect((await request(t.app).get('/api/v1/calendar/not-a-real-token-value-x.ics')).status).toBe(404);
  });

  it('keeps only a hash of the address, which is shown once', async () => {
    const { url } = (await researcher.post('/api/v1/me/calendar').send({})).body as { url: string };
    const token = url.match(/\/calendar\/([\w-]+)\.ics$/)![1]!;
    const stored = (await t.db.get(
      `SELECT * FROM calendar_tokens WHERE user_id = (SELECT id FROM users WHERE email = ?)`,
      ['researcher@demo.test'],
    )) as Record<string, unknown>;
    expect(Object.values(stored).map(String)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);
    const later = await researcher.get('/api/v1/me/calendar');
    expect(later.body).toEqual({ createdAt: expect.any(String) });
    expect(JSON.stringify(later.body)).not.toContain(token);
  });

  it('gives a new address on request, and the old one stops working', async () => {
    const old = (await researcher.post('/api/v1/me/calendar').send({})).body.url as string;
    expect((await request(t.app).get(old)).status).toBe(200);
    const fresh = (await researcher.post('/api/v1/me/calendar').send({})).body.url as string;
    expect(fresh).not.toBe(old);
    expect((await request(t.app).get(old)).status).toBe(404);
    expect((await request(t.app).get(fresh)).status).toBe(200);
  });

  it('stops working when the user is disabled', async () => {
    const { url } = (await researcher.post('/api/v1/me/calendar').send({})).body as { url: string };
    await t.db.run(`UPDATE users SET disabled_at = ? WHERE email = ?`, [NOW, 'researcher@demo.test']);
    try {
      expect((await request(t.app).get(url)).status).toBe(404);
    } finally {
      await t.db.run(`UPDATE users SET disabled_at = NULL WHERE email = ?`, ['researcher@demo.test']);
    }
    expect((await request(t.app).get(url)).status).toBe(200);
  });

  it('leaves the booking’s purpose (the researcher’s own words) out of the feed', async () => {
    const purpose = '新配方 X-17 的保密表征';
    const booked = await book({ start: at('2026-12-29T14:00:00'), end: at('2026-12-29T15:00:00'), purpose });
    expect(booked.status).toBe(201);
    const { url } = (await researcher.post('/api/v1/me/calendar').send({})).body as { url: string };
    const feed = (await request(t.app).get(url)).text;
    expect(feed).toContain(`booking-${booked.body.id}@`);
    expect(feed).not.toMatch(/^DESCRIPTION/m);
    expect(feed).not.toContain('X-17');
  });
});

describe('error answers in the reader’s language', () => {
  // The same bad request: the end before the start. Chinese unless English comes first.
  const backwards = { start: at('2026-12-03T15:00:00'), end: at('2026-12-03T14:00:00') };
  const zh = {
    status: 400,
    code: 'validation',
    title: '请求有误',
    detail: '结束时间必须晚于开始时间',
    errors: [{ path: 'body.end', message: '须晚于开始时间' }],
  };
  const en = {
    status: 400,
    code: 'validation',
    title: 'Invalid request',
    detail: 'end must be after start',
    errors: [{ path: 'body.end', message: 'not after start' }],
  };
  const send = (acceptLanguage?: string) => {
    const r = researcher.post('/api/v1/bookings');
    if (acceptLanguage !== undefined) r.set('Accept-Language', acceptLanguage);
    return r.send({ instrumentId: hourly, mode: 'machine_time', ...backwards });
  };

  it.each([
    [undefined, zh],
    ['zh-CN', zh],
    ['zh-CN,zh;q=0.9,en;q=0.8', zh],
    ['fr, ;q=oops,,en-US;q=x', zh], // unreadable: Chinese, never a 500
    ['en', en],
    ['en-US,en;q=0.9,zh-CN;q=0.8', en],
  ])('with Accept-Language %j', async (acceptLanguage, expected) => {
    const res = await send(acceptLanguage);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers.vary).toMatch(/Accept-Language/i);
    expect(res.body).toEqual({ type: 'about:blank', ...expected });
  });

  it('translates sentences with parts, not-found, zod’s messages and the roles; codes stay', async () => {
    const zhOf = async (r: request.Test) => (await r).body;
    // A booking problem: the sentence is Chinese, the field's code (too_short) is not.
    const short = await zhOf(
      researcher.post('/api/v1/bookings').send({
        instrumentId: hourly,
        mode: 'machine_time',
        start: at('2026-12-03T14:00:00'),
        end: at('2026-12-03T14:30:00'),
      }),
    );
    expect(short.detail).toBe('预约时长至少为 1 小时');
    expect(short.errors).toEqual([{ path: 'body.start', message: 'too_short' }]);
    const shortEn = await zhOf(
      researcher
        .post('/api/v1/bookings')
        .set('Accept-Language', 'en')
        .send({
          instrumentId: hourly,
          mode: 'machine_time',
          start: at('2026-12-03T14:00:00'),
          end: at('2026-12-03T14:30:00'),
        }),
    );
    expect(shortEn.detail).toBe('bookings must be at least 1 hour long');
    expect(shortEn.errors).toEqual(short.errors);

    const missing = await researcher.get('/api/v1/bookings/99999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ title: '未找到', detail: '预约不存在', code: 'not_found' });
    expect((await researcher.get('/api/v1/bookings/99999999').set('Accept-Language', 'en')).body.detail).toBe(
      'booking not found',
    );

    const teleport = await researcher
      .post('/api/v1/bookings')
      .send({ instrumentId: hourly, mode: 'teleport', ...backwards });
    expect(teleport.status).toBe(400);
    expect(teleport.body.detail).toBe('请求内容有误：body.mode：选项无效，可选值：“machine_time”、“sample”');
    expect(teleport.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.mode']);

    const forbidden = await researcher.put(`/api/v1/instruments/${hourly}/schedule`).send(SCHEDULE);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.title).toBe('无权操作');
    expect(forbidden.body.detail).toBe('只有仪器管理员或平台管理员可以执行此操作');

    const nowhere = await request(t.app).get('/api/v1/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.detail).toBe('接口不存在：GET /nowhere');
    const bad = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{oops');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe('请求内容不是有效的 JSON');
  });
});
