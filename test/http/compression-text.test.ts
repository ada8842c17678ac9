/**
 * Text answers that are not JSON (the SPA shell, iCalendar feeds, CSV exports…) go brotli or gzip as the
 * caller prefers (compressText); JSON stays with compressJson, and an answer already encoded goes as it is.
 * Bodies are read raw from the socket (no client-side unzipping) and unzipped here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressJson, compressText } from '../../server/http/compression.ts';

const calendar = [
  'BEGIN:VCALENDAR',
  ...Array.from({ length: 60 }, (_, i) => `SUMMARY:预约 ${i}`),
  'END:VCALENDAR',
].join('\r\n');
const csv = ['编号,仪器,金额（元）', ...Array.from({ length: 200 }, (_, i) => `${i},扫描电镜 ${i},${i * 10}.00`)].join(
  '\n',
);
const html = `<!doctype html><html lang="zh-CN"><head><title>平台</title>${'<link rel="modulepreload" href="/assets/x.js">'.repeat(40)}</head><body><div id="root"></div></body></html>`;

let server: Server;
let base: string;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'compress-text-'));
  writeFileSync(path.join(dir, 'index.html'), html);
  const app = express();
  app.use(compressText());
  app.get('/feed.ics', (_req, res) => {
    res.type('text/calendar').send(calendar);
  });
  app.get('/export.csv', (_req, res) => {
    res.type('text/csv; charset=utf-8').send(Buffer.from(`\uFEFF${csv}`));
  });
  app.get('/tiny.ics', (_req, res) => {
    res.type('text/calendar').send('BEGIN:VCALENDAR\r\nEND:VCALENDAR');
  });
  app.get('/shell', (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(path.join(dir, 'index.html'));
  });
  app.get('/pre.js', (_req, res) => {
    res
      .set('Content-Encoding', 'gzip')
      .type('text/javascript')
      .send(gzipSync('x'.repeat(5000)));
  });
  app.get('/rows', compressJson(), (_req, res) => {
    res.json({ rows: Array.from({ length: 300 }, (_, i) => ({ i, name: `仪器 ${i}` })) });
  });
  app.get('/row', compressJson(), (_req, res) => {
    res.json({ name: '仪'.repeat(600) }); // under compressJson's 1024 characters, over 1 KB in bytes
  });
  server = app.listen(0);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** The raw answer: status, headers and the body as the bytes sent, and unzipped by its Content-Encoding. */
function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; sent: number; text: string }>(
    (resolve, reject) => {
      http
        .get(`${base}${url}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            const encoding = res.headers['content-encoding'];
            const plain =
              encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, sent: body.length, text: plain.toString() });
          });
        })
        .on('error', reject);
    },
  );
}

const BROWSER = 'gzip, deflate, br, zstd';

describe('text answers compressed', () => {
  it.each([
    ['an iCalendar feed', '/feed.ics', calendar],
    ['a CSV export', '/export.csv', `\uFEFF${csv}`],
    ['the SPA shell (a file)', '/shell', html],
  ])(
    'sends %s as brotli to a browser, gzip to a gzip-only caller, plain to one that takes neither',
    async (_, url, body) => {
      const br = await get(url, { 'Accept-Encoding': BROWSER });
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toContain('Accept-Encoding');
      expect(br.text).toBe(body);
      expect(br.sent).toBeLessThan(Buffer.byteLength(body) / 2);

      const gz = await get(url, { 'Accept-Encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gz.text).toBe(body);

      const plain = await get(url, { 'Accept-Encoding': 'identity' });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.text).toBe(body);
    },
  );

  it('keeps the shell’s ETag and no-cache, and answers 304 when it has not changed', async () => {
    const first = await get('/shell', { 'Accept-Encoding': BROWSER });
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers.etag).toBeTruthy();
    const again = await get('/shell', { 'Accept-Encoding': BROWSER, 'If-None-Match': first.headers.etag! });
    expect(again.status).toBe(304);
  });

  it('leaves small answers, precompressed answers and JSON to their own handling', async () => {
    expect((await get('/tiny.ics', { 'Accept-Encoding': BROWSER })).headers['content-encoding']).toBeUndefined();
    const pre = await get('/pre.js', { 'Accept-Encoding': BROWSER });
    expect(pre.headers['content-encoding']).toBe('gzip');
    expect(pre.text).toBe('x'.repeat(5000));
    // JSON: compressJson's gzip, never brotli on top or instead.
    const rows = await get('/rows', { 'Accept-Encoding': BROWSER });
    expect(rows.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(rows.text) as { rows: unknown[] }).rows).toHaveLength(300);
    const row = await get('/row', { 'Accept-Encoding': BROWSER });
    expect(row.headers['content-encoding']).toBeUndefined();
    expect(row.headers.vary ?? '').not.toContain('Accept-Encoding');
  });
});
