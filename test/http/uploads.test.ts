/**
 * Service report uploads: who may upload is settled before the body is read (an anonymous 10 MB
 * upload gets its 401 while the client has sent 64 KB, and the connection closes), a declared or
 * actual size past the limit is refused where it is seen, the file's type comes from its bytes, the
 * download is an attachment with the stored type in a sandbox, and a replaced file leaves the disk.
 */
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, download, hourlyInstrumentOf, signIn, type TestApp } from '../support/app.ts';
import { thenBack } from '../support/lifecycle.ts';
import { listen, rawUpload, sessionCookie } from '../support/raw-upload.ts';
import { isStored, loseStoredFile, storedFiles } from '../support/stored-files.ts';
import { testSchedule } from '../support/schedule.ts';

// Tuesday 2026-12-01 10:00 in Shanghai.
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const clock = fixedClock(NOW);
const MB = 1024 * 1024;
let t: TestApp;
let server: Awaited<ReturnType<typeof listen>>;
let lab: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let otherLab: Awaited<ReturnType<typeof signIn>>;
let started: number; // a booking whose job has started: reports may be attached
let requested: number; // one still waiting for approval
const cookies: Record<string, string> = {};

const PDF = Buffer.from('%PDF-1.4\n% 测试报告\n1 0 obj << >> endobj\n%%EOF\n');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const EXE = Buffer.concat([
  Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'),
  Buffer.alloc(200),
]);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
/** A legacy Office file: an OLE compound file header. */
const XLS = Buffer.concat([Buffer.from('D0CF11E0A1B11AE1', 'hex'), Buffer.alloc(1024)]);

const reportFiles = (bookingId: number) => storedFiles(t, 'reports', `${bookingId}-`);
const stored = async (id: number) =>
  (await t.db.get('SELECT report_file AS file, report_name AS name, report_type AS type FROM bookings WHERE id = ?', [
    id,
  ])) as {
    file: string | null;
    name: string | null;
    type: string | null;
  };

beforeAll(async () => {
  t = await createTestApp({ instruments: 200, clock });
  server = await listen(t.app);
  lab = await signIn(t.app, 'lab@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  const labOrg = (
    (await t.db.get(`SELECT organisation_id AS id FROM users WHERE email = 'lab@demo.test'`)) as {
      id: number;
    }
  ).id;
  const other = (await t.db.value(
    `SELECT email FROM users WHERE role = 'lab_manager' AND organisation_id != ? LIMIT 1`,
    [labOrg],
  )) as string;
  otherLab = await signIn(t.app, other);
  for (const email of ['lab@demo.test', 'researcher@demo.test', other])
    cookies[email] = await sessionCookie(t.app, email);
  cookies.otherLab = cookies[other]!;

  const instrumentId = await hourlyInstrumentOf(t, 'lab@demo.test');
  expect((await lab.put(`/api/v1/instruments/${instrumentId}/schedule`).send(testSchedule())).status).toBe(200);
  const book = async (day: string) => {
    const res = await researcher.post('/api/v1/bookings').send({
      instrumentId,
      mode: 'machine_time',
      start: `2026-12-${day}T09:00:00+08:00`,
      end: `2026-12-${day}T11:00:00+08:00`,
      purpose: '报告上传测试',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as number;
  };
  started = await book('03');
  expect((await lab.post(`/api/v1/bookings/${started}/approve`).send({})).status).toBe(200);
  // Checked in at its start (the platform allows it from shortly before), then back to "now".
  await thenBack(clock, async () => {
    clock.set(Date.parse('2026-12-03T09:00:00+08:00'));
    expect((await lab.post(`/api/v1/bookings/${started}/check-in`).send({})).status).toBe(200);
  });
  requested = await book('04');
});
afterAll(async () => {
  await server.close();
  await t.close();
});

const reportUrl = (id: number, name = '检测报告.pdf') =>
  `/api/v1/bookings/${id}/report?name=${encodeURIComponent(name)}`;

describe('who may upload is settled before the body is read', () => {
  it.each([
    ['anonymous', undefined, () => started, 401],
    ['a researcher', 'researcher@demo.test', () => started, 403],
    ['another institution’s lab', 'otherLab', () => started, 404],
    ['the lab, before the job has started', 'lab@demo.test', () => requested, 409],
  ] as const)(
    '%s gets its answer while 64 KB of a 10 MB upload are sent, and the connection closes',
    async (_who, as, id, status) => {
      const answer = await rawUpload(server.base + reportUrl(id()), {
        cookie: as && cookies[as],
        length: 10 * MB,
        send: 64 * 1024,
      });
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.sent).toBe(64 * 1024);
      expect(answer.headers.connection).toBe('close');
      await answer.closed;
      expect(await reportFiles(id())).toEqual([]);
    },
  );

  it('refuses a declared length past 10 MB before reading (413), and only after checking the caller', async () => {
    const anonymous = await rawUpload(server.base + reportUrl(started), { length: 50 * MB, send: 64 * 1024 });
    expect(anonymous.status).toBe(401);
    const answer = await rawUpload(server.base + reportUrl(started), {
      cookie: cookies['lab@demo.test'],
      length: 50 * MB,
      send: 64 * 1024,
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'payload_too_large', detail: 'the file is larger than 10 MB' });
    expect(answer.sent).toBe(64 * 1024);
    expect(answer.headers.connection).toBe('close');
    await answer.closed;
  });

  it('stops reading a body without a length where it passes 10 MB', async () => {
    const answer = await rawUpload(server.base + reportUrl(started), {
      cookie: cookies['lab@demo.test'],
      send: 40 * MB,
    });
    expect(answer.status).toBe(413);
    expect(answer.sent).toBeLessThan(40 * MB);
    expect(answer.headers.connection).toBe('close');
    await answer.closed;
    expect(await reportFiles(started)).toEqual([]);
  });
});

describe('the file is what its bytes say', () => {
  const upload = (body: Buffer, type: string, name = '检测报告.pdf') =>
    lab.put(reportUrl(started, name)).set('Content-Type', type).set('Accept-Language', 'en').send(body);

  it.each([
    ['a program', EXE, 'application/pdf'],
    ['an HTML page', HTML, 'application/pdf'],
    ['an SVG image', SVG, 'image/png'],
    // (text/plain itself is a form's type, refused before this as cross-site: test/http/cross-site.test.ts)
    ['plain text', Buffer.from('just some text'), 'application/pdf'],
  ])('refuses %s with 415 whatever it is declared as, storing nothing', async (_what, body, type) => {
    const before = await stored(started);
    const res = await upload(body, type);
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ code: 'unsupported_media_type' });
    expect(await stored(started)).toEqual(before);
    expect((await reportFiles(started)).length).toBe(before.file ? 1 : 0);
  });

  it('refuses a file sent as JSON (the API read it as JSON, not as a file)', async () => {
    const res = await lab.put(reportUrl(started)).set('Content-Type', 'application/json').send('{"report":"x"}');
    expect(res.status).toBe(415);
  });

  it('keeps the type it found, not the one declared, and a name whose extension fits it', async () => {
    const res = await upload(PDF, 'text/html', 'report.html');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await stored(started)).toMatchObject({ type: 'application/pdf', name: 'report.html.pdf' });
    expect((await stored(started)).file).toMatch(/^reports\/\d+-[0-9a-f]{16}\.pdf$/);
  });

  it('takes Office documents, new and legacy, and images', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('结果').addRow(['样品', '结果']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    for (const [body, name, type] of [
      [xlsx, '结果.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [XLS, '结果.xls', 'application/vnd.ms-excel'],
      [XLS, '报告.doc', 'application/msword'],
      [PNG, '照片.png', 'image/png'],
    ] as const) {
      const res = await upload(body, 'application/octet-stream', name);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(await stored(started)).toMatchObject({ type, name });
    }
  });
});

describe('the download', () => {
  it('is an attachment with the stored type, sandboxed, for the booking’s parties only', async () => {
    expect((await lab.put(reportUrl(started)).set('Content-Type', 'application/octet-stream').send(PDF)).status).toBe(
      200,
    );
    const got = await download(researcher, `/api/v1/bookings/${started}/report`);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(
      `attachment; filename="????.pdf"; filename*=UTF-8''${encodeURIComponent('检测报告.pdf')}`,
    );
    expect(got.headers['content-security-policy']).toMatch(/(^|; )sandbox($|;)/);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect((await otherLab.get(`/api/v1/bookings/${started}/report`)).status).toBe(404);
    expect((await request(t.app).get(`/api/v1/bookings/${started}/report`)).status).toBe(401);
  });

  it('serves a type stored before files were sniffed as bytes, never as a page', async () => {
    // What the old code kept: the uploader's own Content-Type and name.
    const old = await stored(started);
    await t.db.run(`UPDATE bookings SET report_type = 'text/html', report_name = 'x.html' WHERE id = ?`, [started]);
    const got = await download(lab, `/api/v1/bookings/${started}/report`);
    expect(got.headers['content-type']).toBe('application/octet-stream');
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="?x\.html\.bin"?$/);
    await t.db.run('UPDATE bookings SET report_type = ?, report_name = ? WHERE id = ?', [old.type, old.name, started]);
  });

  it('of a report whose file is gone is a 404, not a 500', async () => {
    const { file } = await stored(started);
    const restore = await loseStoredFile(t, file!);
    expect((await lab.get(`/api/v1/bookings/${started}/report`)).status).toBe(404);
    await restore();
  });
});

describe('a new report', () => {
  it('replaces the old one on disk too', async () => {
    const first = await lab.put(reportUrl(started, 'a.pdf')).set('Content-Type', 'application/pdf').send(PDF);
    expect(first.status).toBe(200);
    const a = (await stored(started)).file!;
    expect(await reportFiles(started)).toEqual([path.basename(a)]);
    const second = await lab.put(reportUrl(started, 'b.png')).set('Content-Type', 'image/png').send(PNG);
    expect(second.status).toBe(200);
    const b = (await stored(started)).file!;
    expect(b).not.toBe(a);
    expect(await reportFiles(started)).toEqual([path.basename(b)]);
    expect(await isStored(t, a)).toBe(false);
  });
});
