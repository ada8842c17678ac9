/** JSON compression: small bodies as they are, large ones gzipped (big ones off the event loop), q=0 respected. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { compressJson, keepEncoded } from '../../server/http/compression.ts';

const app = express();
app.use(compressJson());
app.get('/rows/:n', (req, res) => {
  res.json({ rows: Array.from({ length: Number(req.params.n) }, (_, i) => ({ i, name: `仪器 ${i}` })) });
});

/** A kept answer (as the statistics keep theirs per version): the same object until it is replaced. */
let kept = keepEncoded({ version: 1, rows: Array.from({ length: 20_000 }, (_, i) => ({ i })) });
app.get('/kept', (_req, res) => {
  res.json(kept);
});

/**
 * A kept answer with a long list kept from answer to answer (as an institution's dashboard keeps its
 * instrument lines): the list is not its last key, and its items have Chinese text.
 */
const line = (i: number, v = 0) => ({ instrumentId: i, nameZh: `液相色谱仪 ${i}`, hours: i * 1.5 + v, rating: null });
let listed = keepEncoded(
  { year: 2026, lines: Array.from({ length: 1_000 }, (_, i) => line(i)), totals: { hours: 1 } },
  'lines',
);
app.get('/listed', (_req, res) => {
  res.json(listed);
});

/** An answer's body as bytes (superagent unzips a gzipped body as it arrives: a bad stream fails the request). */
function raw(n: number | string, acceptEncoding: string) {
  return request(app)
    .get(typeof n === 'number' ? `/rows/${n}` : n)
    .set('Accept-Encoding', acceptEncoding)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** The bytes on the wire, gzip as sent (supertest would unzip them). */
async function wire(path: string): Promise<{ encoding?: string; bytes: Buffer }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ port, path, headers: { 'accept-encoding': 'gzip' }, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('JSON compression', () => {
  it('leaves a small answer alone', async () => {
    const res = await raw(2, 'gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse((res.body as Buffer).toString()).rows).toHaveLength(2);
  });

  it.each([
    ['a page', 200],
    ['a dashboard-sized answer (gzipped asynchronously)', 20_000],
  ])('gzips %s for a caller that accepts it, and it unzips to the same JSON', async (_, n) => {
    const res = await raw(n, 'gzip, deflate');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('Accept-Encoding');
    const body = JSON.parse((res.body as Buffer).toString()) as { rows: unknown[] };
    expect(body.rows).toHaveLength(n);
    expect(body.rows[n - 1]).toEqual({ i: n - 1, name: `仪器 ${n - 1}` });
  });

  it('sends identity to a caller that refuses gzip', async () => {
    const res = await raw(20_000, 'gzip;q=0, identity');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse((res.body as Buffer).toString()).rows).toHaveLength(20_000);
  });

  it('serialises and gzips a kept answer once, and a new answer object afresh', async () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const first = await raw('/kept', 'gzip');
      const again = await raw('/kept', 'gzip');
      const plain = await raw('/kept', 'identity');
      expect(first.headers['content-encoding']).toBe('gzip');
      expect(again.body).toEqual(first.body);
      expect(JSON.parse((plain.body as Buffer).toString())).toEqual(kept);
      expect(stringify.mock.calls.filter(([v]) => v === kept)).toHaveLength(1);
      kept = keepEncoded({ version: 2, rows: [] });
      const changed = await raw('/kept', 'identity');
      expect(JSON.parse((changed.body as Buffer).toString())).toEqual({ version: 2, rows: [] });
    } finally {
      stringify.mockRestore();
    }
  });

  it('encodes a kept list in blocks: the same JSON, one gzip member, and only changed blocks serialised again', async () => {
    const first = await raw('/listed', 'gzip');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect((first.body as Buffer).toString()).toBe(JSON.stringify(listed));
    // zlib reads it whole as one member: header, the blocks' deflate data ended by a final block, CRC and length.
    const { encoding, bytes: gz } = await wire('/listed');
    expect(encoding).toBe('gzip');
    expect(gunzipSync(gz).toString()).toBe(JSON.stringify(listed));
    expect(inflateRawSync(gz.subarray(10, -8)).length).toBe(gz.readUInt32LE(gz.length - 4));
    const plain = await raw('/listed', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((plain.body as Buffer).toString()).toBe(JSON.stringify(listed));

    // The next answer keeps every line but two (in blocks 0 and 7 of 16) and adds one to the last.
    const lines = listed.lines.map((l) =>
      l.instrumentId === 3 || l.instrumentId === 450 ? line(l.instrumentId, 1) : l,
    );
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      listed = keepEncoded({ year: 2026, lines: [...lines, line(1_000)], totals: { hours: 2 } }, 'lines');
      const changed = await wire('/listed');
      expect(gunzipSync(changed.bytes).toString()).toBe(JSON.stringify(listed));
      const serialisedLists = stringify.mock.calls.filter(([v]) => Array.isArray(v)).map(([v]) => v as unknown[]);
      // Blocks 0, 7 and the last (which gained a line), and nothing else.
      expect(serialisedLists.map((items) => items.length)).toEqual([64, 64, 41]);
    } finally {
      stringify.mockRestore();
    }
    // Emptied, it is still the same JSON.
    listed = keepEncoded({ year: 2026, lines: [], totals: { hours: 0 } }, 'lines');
    expect(gunzipSync((await wire('/listed')).bytes).toString()).toBe(JSON.stringify(listed));
  });
});
