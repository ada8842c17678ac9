/** JSON compression: small bodies as they are, large ones gzipped (big ones off the event loop), q=0 respected. */
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
});
