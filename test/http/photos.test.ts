/**
 * Instrument photos come from the platform or from allowed hosts: the owning lab uploads a JPEG, PNG
 * or WebP (read from its bytes, checked before the body is read), it is served at its own address
 * with its type and a long cache, a replaced photo leaves the disk, and an address typed into the
 * record must be https:// on a host of PHOTO_HOSTS (or the instrument's own uploaded photo).
 */
import path from 'node:path';
import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, download, signIn, type TestApp } from '../support/app.ts';
import { listen, rawUpload, sessionCookie } from '../support/raw-upload.ts';
import { storedFiles } from '../support/stored-files.ts';

const MB = 1024 * 1024;
const ALLOWED = 'images.example.cn';
let t: TestApp;
let server: Awaited<ReturnType<typeof listen>>;
let lab: Awaited<ReturnType<typeof signIn>>;
let admin: Awaited<ReturnType<typeof signIn>>;
let researcher: Awaited<ReturnType<typeof signIn>>;
let ownId: number; // an instrument of the demo lab
let otherId: number; // one of another institution

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** A minimal JPEG (SOI, JFIF APP0, EOI): enough for its magic numbers. */
const JPEG = Buffer.concat([
  Buffer.from('FFD8FFE000104A46494600010100000100010000', 'hex'),
  Buffer.alloc(64),
  Buffer.from('FFD9', 'hex'),
]);
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
const PHOTO_URL = /^\/api\/v1\/instrument-photos\/\d+-[0-9a-f]{16}\.(png|jpg|webp)$/;

const one = async <T>(sql: string, ...params: Param[]) => (await t.db.get(sql, params)) as T;
const photoOf = async (id: number) =>
  (await one<{ p: string | null }>('SELECT photo_url AS p FROM instruments WHERE id = ?', id)).p;
const photoFiles = (id: number) => storedFiles(t, 'photos', `${id}-`);
const upload = (agent: typeof lab, id: number, body: Buffer, type = 'application/octet-stream') =>
  agent.put(`/api/v1/instruments/${id}/photo`).set('Content-Type', type).set('Accept-Language', 'en').send(body);

beforeAll(async () => {
  t = await createTestApp({ instruments: 200, photoHosts: [ALLOWED] });
  server = await listen(t.app);
  lab = await signIn(t.app, 'lab@demo.test');
  admin = await signIn(t.app, 'admin@demo.test');
  researcher = await signIn(t.app, 'researcher@demo.test');
  const labOrg = (await one<{ id: number }>(`SELECT organisation_id AS id FROM users WHERE email = 'lab@demo.test'`))
    .id;
  ownId = (await one<{ id: number }>('SELECT id FROM instruments WHERE institution_id = ? ORDER BY id LIMIT 1', labOrg))
    .id;
  otherId = (
    await one<{ id: number }>('SELECT id FROM instruments WHERE institution_id != ? ORDER BY id LIMIT 1', labOrg)
  ).id;
});
afterAll(async () => {
  await server.close();
  await t.close();
});

describe('uploading a photo', () => {
  it('is for the owning lab and admins, settled before the body is read', async () => {
    const url = `${server.base}/api/v1/instruments/${ownId}/photo`;
    const anonymous = await rawUpload(url, { type: 'image/png', length: 4 * MB, send: 64 * 1024 });
    expect(anonymous.status).toBe(401);
    expect(anonymous.sent).toBe(64 * 1024);
    expect(anonymous.headers.connection).toBe('close');
    const asResearcher = await rawUpload(url, {
      type: 'image/png',
      cookie: await sessionCookie(t.app, 'researcher@demo.test'),
      length: 4 * MB,
      send: 64 * 1024,
    });
    expect(asResearcher.status).toBe(403);
    const otherLab = await rawUpload(`${server.base}/api/v1/instruments/${otherId}/photo`, {
      type: 'image/png',
      cookie: await sessionCookie(t.app, 'lab@demo.test'),
      length: 4 * MB,
      send: 64 * 1024,
    });
    expect(otherLab.status).toBe(403);
    expect(otherLab.sent).toBe(64 * 1024);
    const tooLarge = await rawUpload(url, {
      type: 'image/png',
      cookie: await sessionCookie(t.app, 'lab@demo.test'),
      length: 6 * MB,
      send: 64 * 1024,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.detail).toBe('the file is larger than 5 MB');
    expect((await upload(lab, 99_999_999, PNG)).status).toBe(404);
    expect((await upload(researcher, ownId, PNG)).status).toBe(403);
    expect(await photoOf(ownId)).toBeNull();
    expect(await photoOf(otherId)).toBeNull();
  });

  it.each([
    ['a PDF', PDF, 'image/png'],
    ['an SVG image', SVG, 'image/svg+xml'],
    ['nothing at all', Buffer.alloc(0), 'image/png'],
  ])('refuses %s, keeping the photo as it was', async (_what, body, type) => {
    const res = await upload(lab, ownId, body, type);
    expect([400, 415]).toContain(res.status);
    expect(res.status).toBe(body.length ? 415 : 400);
    expect(await photoOf(ownId)).toBeNull();
    expect(await photoFiles(ownId)).toEqual([]);
  });

  it('serves the photo at its own address with its type, for a year, to anyone', async () => {
    const res = await upload(lab, ownId, PNG, 'image/jpeg'); // the declared type does not matter
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.photoUrl).toMatch(PHOTO_URL);
    expect(res.body.photoUrl).toMatch(/\.png$/);
    const got = await download(request.agent(t.app), res.body.photoUrl);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, PNG)).toBe(0);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toMatch(/(^|; )sandbox($|;)/);
    // The search shows it too.
    const detail = await request(t.app).get(`/api/v1/instruments/${ownId}`);
    expect(detail.body.photoUrl).toBe(res.body.photoUrl);
  });

  it('replaces the one before, whose file and address are gone', async () => {
    const before = (await photoOf(ownId))!;
    const res = await upload(admin, ownId, JPEG);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.photoUrl).toMatch(/\.jpg$/);
    expect(await photoFiles(ownId)).toEqual([path.basename(res.body.photoUrl)]);
    expect((await request(t.app).get(before)).status).toBe(404);
    expect((await request(t.app).get(res.body.photoUrl)).headers['content-type']).toBe('image/jpeg');
  });

  it('answers a malformed photo address with 400 and an unknown one with 404', async () => {
    expect((await request(t.app).get('/api/v1/instrument-photos/..%2F..%2Ftest.db')).status).toBe(400);
    expect((await request(t.app).get('/api/v1/instrument-photos/1-0123456789abcdef.svg')).status).toBe(400);
    expect((await request(t.app).get('/api/v1/instrument-photos/1-0123456789abcdef.png')).status).toBe(404);
  });
});

describe('a photo address in the record', () => {
  const patch = (id: number, photoUrl: string | null, agent = lab) =>
    agent.patch(`/api/v1/instruments/${id}`).set('Accept-Language', 'en').send({ photoUrl });

  it.each([
    ['a host not on the list', 'https://tracker.example.com/pixel.png', 'not an allowed photo host'],
    ['a look-alike of an allowed host', `https://${ALLOWED}.evil.example/x.png`, 'not an allowed photo host'],
    [
      'an allowed host with credentials',
      `https://user:pw@${ALLOWED}/x.png`,
      'an https:// address or a photo uploaded to the platform',
    ],
    [
      'plain http on an allowed host',
      `http://${ALLOWED}/x.png`,
      'an https:// address or a photo uploaded to the platform',
    ],
    ['a data: URL', 'data:image/png;base64,iVBORw0KGgo=', 'an https:// address or a photo uploaded to the platform'],
    [
      'another instrument’s uploaded photo',
      '/api/v1/instrument-photos/1-0123456789abcdef.png',
      'not this instrument’s uploaded photo',
    ],
  ])('refuses %s with a 400 on photoUrl, changing nothing', async (_what, url, message) => {
    const before = await photoOf(ownId);
    const res = await patch(ownId, url);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: expect.stringMatching(/photoUrl$/), message })]);
    expect(await photoOf(ownId)).toBe(before);
  });

  it('keeps the instrument’s own uploaded photo when the form sends it back', async () => {
    const current = (await photoOf(ownId))!;
    expect(current).toMatch(PHOTO_URL);
    const res = await lab.patch(`/api/v1/instruments/${ownId}`).send({ photoUrl: current, feeNote: '照片不变' });
    expect(res.status).toBe(200);
    expect(res.body.photoUrl).toBe(current);
    expect(await photoFiles(ownId)).toEqual([path.basename(current)]);
  });

  it('takes an https:// address on an allowed host, and the uploaded photo it replaces leaves the disk', async () => {
    const uploaded = (await photoOf(ownId))!;
    const res = await patch(ownId, `https://${ALLOWED.toUpperCase()}/instruments/sem.jpg`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await photoFiles(ownId)).toEqual([]);
    expect((await request(t.app).get(uploaded)).status).toBe(404);
  });

  it('removes an uploaded photo, file and all, when the record clears it', async () => {
    expect((await upload(lab, ownId, PNG)).status).toBe(200);
    expect(await photoFiles(ownId)).toHaveLength(1);
    const res = await patch(ownId, null);
    expect(res.status).toBe(200);
    expect(res.body.photoUrl).toBeNull();
    expect(await photoFiles(ownId)).toEqual([]);
  });

  it('checks a new instrument’s address too: an allowed host, never an uploaded photo', async () => {
    const record = (photoUrl: string) => ({
      assetNumber: `P-${Math.random().toString(36).slice(2, 10)}`,
      nameZh: '照片测试仪器',
      categoryCode: '010102',
      originalValueFen: 100000,
      sharingMode: 'external',
      cityCode: '370100',
      photoUrl,
    });
    const count = async () => (await one<{ n: number }>('SELECT count(*) AS n FROM instruments')).n;
    const before = await count();
    expect((await lab.post('/api/v1/instruments').send(record('https://elsewhere.example/x.png'))).status).toBe(400);
    expect(
      (await lab.post('/api/v1/instruments').send(record('/api/v1/instrument-photos/1-0123456789abcdef.png'))).status,
    ).toBe(400);
    expect(await count()).toBe(before);
    // Accepted: submitted for listing review with its address.
    const ok = await lab.post('/api/v1/instruments').send(record(`https://${ALLOWED}/new.png`));
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.record.photoUrl).toBe(`https://${ALLOWED}/new.png`);
  });

  it('leaves an address stored before the allow-list alone until it is changed', async () => {
    const legacy = 'https://old-cms.example.org/photo.jpg';
    await t.db.run('UPDATE instruments SET photo_url = ? WHERE id = ?', [legacy, otherId]);
    const res = await admin.patch(`/api/v1/instruments/${otherId}`).send({ photoUrl: legacy, nameZh: '旧照片仪器' });
    expect(res.status).toBe(200);
    expect(res.body.photoUrl).toBe(legacy);
    expect((await patch(otherId, 'https://old-cms.example.org/other.jpg', admin)).status).toBe(400);
  });
});
