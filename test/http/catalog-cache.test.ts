/**
 * The search's caches: the count cache (histogram and keys per text and catalogue version) gives the
 * same answers as counting every time, forgets on a write from another connection (another process
 * or node), and keeps to its memory bound; the listing over HTTP carries an ETag and is answered 304
 * without running the search; JSON is gzipped above the threshold only.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { searchQuerySchema, type SearchResult } from '../../server/modules/catalog/catalog.schemas.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import { matchesEtag } from '../../server/modules/catalog/public-answers.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
/** A second connection to the same database: another process or node. */
let other: Database;
beforeAll(async () => {
  t = await createTestApp({ instruments: 600 });
  other = openDatabase(t.target);
});
afterAll(async () => {
  await other.close();
  await t.close();
});

const service = (db: Database, countCacheBytes?: number) =>
  new CatalogService(db, new CatalogRepo(db), systemClock, { countCacheBytes });
const ask = (s: CatalogService, q: Record<string, string>) => s.search(searchQuerySchema.parse(q));

/** Queries that count (text, filters, sorts, facets, a sub-level category, cursors come after). */
const QUERIES: Record<string, string>[] = [
  { q: '色谱' },
  { q: '色谱', city: '370200' },
  { q: '色谱', city: '370200', sort: 'price_asc' },
  { q: '色谱', sharingMode: 'external', sort: 'value_desc' },
  { q: '色谱', category: '030000', sort: 'newest' },
  { q: '色谱', category: '030100' },
  { q: '显微镜', city: '370100', sort: 'price_desc', limit: '5' },
  { q: '质谱', minPriceFen: '10000', sort: 'price_asc' },
  { q: '电镜', status: 'normal' },
  { q: 'Agilent' },
  { city: '370200', sort: 'price_asc' },
  { category: '030100' },
  {},
];

describe('the count cache', () => {
  it('answers as counting every time does, pages and cursors included, and is used', async () => {
    const cached = service(t.db);
    const uncached = service(t.db, 0);
    for (const round of [1, 2]) {
      for (const q of QUERIES) {
        const want = await ask(uncached, q);
        expect(await ask(cached, q), `${JSON.stringify(q)}, round ${round}`).toEqual(want);
        // The next pages, from the cursor, as well.
        if (want.nextCursor) {
          const next = { ...q, cursor: want.nextCursor };
          expect(await ask(cached, next)).toEqual(await ask(uncached, next));
        }
      }
    }
    expect(cached.counts.hits).toBeGreaterThan(QUERIES.length);
    expect(uncached.counts.size).toBe(0);
  });

  it('forgets what a write from another connection changed', async () => {
    const cached = service(t.db);
    const q = { q: '色谱', maxPriceFen: '1000000' };
    const before = await ask(cached, q);
    expect(await ask(cached, q)).toEqual(before);
    const hits = cached.counts.hits;
    expect(hits).toBeGreaterThan(0);
    // Another process prices a matching instrument above the limit: fewer matches.
    const id = before.items[0]!.id;
    await other.run('UPDATE instruments SET list_price_fen = 99000000 WHERE id = ?', [id]);
    const after = await ask(cached, q);
    expect(after.total).toBe(before.total! - 1);
    expect(after.items.map((i) => i.id)).not.toContain(id);
    expect(after).toEqual(await ask(service(t.db, 0), q));
  });

  it('keeps to its bound in bytes, and keeps nothing larger than the bound', async () => {
    const bound = 40_000;
    const cached = service(t.db, bound);
    for (const q of ['色谱', '显微镜', '质谱', '电镜', '光谱', '分析', '仪', '谱', 'Agilent', '山东大学']) {
      await ask(cached, { q });
      await ask(cached, { q, city: '370100' });
      expect(cached.counts.heldBytes).toBeLessThanOrEqual(bound);
    }
    expect(cached.counts.size).toBeGreaterThan(0);
    const tiny = service(t.db, 1000); // less than one histogram: nothing is kept
    await ask(tiny, { q: '色谱' });
    expect(tiny.counts.size).toBe(0);
    expect(tiny.counts.heldBytes).toBe(0);
  });
});

describe('the listing over HTTP', () => {
  const listing = '/api/v1/instruments?limit=20';

  it('says it is public, revalidated each time, with an ETag; 304 for it without a search', async () => {
    const first = await request(t.app).get(listing);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"c\d+\.\d+\.[\w-]+"$/);
    // The same request written differently (defaults spelt out, another order) has the same ETag.
    const same = await request(t.app).get('/api/v1/instruments?include=total,facets&sort=relevance&limit=20');
    expect(same.headers.etag).toBe(etag);
    expect(same.body).toEqual(first.body);

    const searched = ['matchingKeys', 'keyOrderedPage', 'columnOrderedPage', 'summaries'] as const;
    const spies = searched.map((m) => vi.spyOn(CatalogRepo.prototype, m));
    const stamp = vi.spyOn(CatalogRepo.prototype, 'catalogStamp');
    try {
      const again = await request(t.app).get(listing).set('If-None-Match', etag);
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.text).toBe('');
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      expect(stamp).toHaveBeenCalledTimes(1);
      // Signed in or not, the answer is the same: the ETag holds for a caller with a cookie too.
      const withCookie = await request(t.app).get(listing).set('If-None-Match', etag).set('Cookie', 'sid=nobody');
      expect(withCookie.status).toBe(304);
    } finally {
      for (const spy of [...spies, stamp]) spy.mockRestore();
    }
  });

  it('answers 200 with a new ETag once another connection changed the catalogue', async () => {
    const first = await request(t.app).get(listing);
    const etag = first.headers.etag as string;
    const id = (first.body as SearchResult).items[0]!.id;
    await other.run('UPDATE instruments SET list_price_fen = coalesce(list_price_fen, 0) + 1 WHERE id = ?', [id]);
    const after = await request(t.app).get(listing).set('If-None-Match', etag);
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    const item = (after.body as SearchResult).items.find((i) => i.id === id)!;
    const row = await t.db.get<{ fen: number | null }>('SELECT list_price_fen AS fen FROM instruments WHERE id = ?', [
      id,
    ]);
    expect(item.listPrice?.fen ?? null).toBe(row!.fen === null ? null : Number(row!.fen));
    // The kept answer is not served either.
    const plain = await request(t.app).get(listing);
    expect(plain.headers.etag).toBe(after.headers.etag);
    expect(plain.body).toEqual(after.body);
  });

  it('gzips the listing for callers that accept it, and leaves small answers alone', async () => {
    const gz = await request(t.app).get(listing).set('Accept-Encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    const plain = await request(t.app).get(listing).set('Accept-Encoding', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.body).toEqual(plain.body);
    const refused = await request(t.app).get(listing).set('Accept-Encoding', 'gzip;q=0');
    expect(refused.headers['content-encoding']).toBeUndefined();
    const health = await request(t.app).get('/api/v1/health').set('Accept-Encoding', 'gzip');
    expect(health.headers['content-encoding']).toBeUndefined();
    // Other JSON answers above the threshold are gzipped too.
    const cities = await request(t.app).get('/api/v1/cities').set('Accept-Encoding', 'gzip');
    expect(cities.headers['content-encoding']).toBe('gzip');
    expect(cities.body.items.length).toBeGreaterThan(0);
  });

  it('keeps errors out of caches', async () => {
    const bad = await request(t.app).get('/api/v1/instruments?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.headers['cache-control']).toBe('no-store');
    expect(bad.headers.etag).toBeUndefined();
  });
});

describe('If-None-Match', () => {
  it('matches weakly, in lists and with *', () => {
    const etag = 'W/"c1.0.abc"';
    expect(matchesEtag('W/"c1.0.abc"', etag)).toBe(true);
    expect(matchesEtag('"c1.0.abc"', etag)).toBe(true);
    expect(matchesEtag('"x", W/"c1.0.abc"', etag)).toBe(true);
    expect(matchesEtag('*', etag)).toBe(true);
    expect(matchesEtag('W/"c2.0.abc"', etag)).toBe(false);
    expect(matchesEtag(undefined, etag)).toBe(false);
  });
});
