import request from 'supertest';
import type { Param } from '../../db/port.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstrumentSummary, SearchResult } from '../../server/modules/catalog/catalog.schemas.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { contains } from '../support/sql.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ instruments: 600 });
});
afterAll(() => t.close());

const search = async (query: Record<string, string | number>) => {
  const res = await request(t.app).get('/api/v1/instruments').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as SearchResult;
};

const sql = async <T>(text: string, ...params: Param[]) => (await t.db.all(text, params)) as T[];

/** Brute force: instruments whose searchable fields contain a Chinese string (what FTS must find). */
async function idsContaining(han: string): Promise<number[]> {
  return (
    await t.db.all<{ id: number }>(
      `SELECT i.id FROM instruments i JOIN organisations o ON o.id = i.institution_id
     JOIN categories k3 ON k3.code = i.category_code
     LEFT JOIN categories k2 ON k2.code = k3.parent_code
     LEFT JOIN categories k1 ON k1.code = k2.parent_code
     WHERE ${['i.name_zh', 'i.manufacturer', 'o.name', 'i.model', 'k3.name', 'k2.name', 'k1.name']
       .map((field) => contains(t.db.engine, `COALESCE(${field}, '')`, '@q'))
       .join(' OR ')}
     ORDER BY i.id`,
      { q: han },
    )
  ).map((r) => r.id);
}

async function allPages(query: Record<string, string | number>): Promise<InstrumentSummary[]> {
  const items: InstrumentSummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const body = await search({ ...query, limit: 37, include: '', ...(cursor && { cursor }) });
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

describe('full-text search', () => {
  it.each(['质谱', '电镜', '色谱', '显微镜', '液相色谱', '核磁共振', '山东大学', '分析测试中心', '谱'])(
    'finds exactly the instruments containing %s',
    async (q) => {
      const expected = await idsContaining(q);
      expect(expected.length).toBeGreaterThan(0);
      const body = await search({ q, limit: 100 });
      expect(body.total).toBe(expected.length);
      const all = await allPages({ q });
      expect(all.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected);
    },
  );

  it('finds Latin names, manufacturers and model numbers by word prefix, case-insensitively', async () => {
    const [row] = await sql<{ id: number; model: string }>(
      `SELECT id, model FROM instruments WHERE model LIKE '%-%' LIMIT 1`,
    );
    expect(row).toBeDefined();
    const word = row!.model.split('-')[1]!.slice(0, 3).toLowerCase();
    const body = await search({ q: word.toUpperCase(), limit: 100 });
    expect(body.total).toBeGreaterThan(0);
    for (const item of body.items) {
      const text = [item.nameEn, item.model, item.manufacturer, item.institution.name].join(' ').toLowerCase();
      expect(text).toMatch(new RegExp(`(^|[^\\p{L}\\p{N}])${word}|\\d${word}|[a-z]${word}`, 'u'));
    }
  });

  it('ranks name and model matches before matches elsewhere', async () => {
    const items = await allPages({ q: '分析' });
    const inTitle = items.map((i) => `${i.nameZh}${i.model ?? ''}`.includes('分析'));
    const firstElsewhere = inTitle.indexOf(false);
    expect(inTitle.some(Boolean)).toBe(true);
    expect(firstElsewhere).toBeGreaterThan(0); // some match only through their category or institution
    if (firstElsewhere >= 0) expect(inTitle.slice(firstElsewhere).every((x) => !x)).toBe(true);
  });

  it.each(['"', '*', 'NEAR(', "'; drop table instruments; --", '质谱" OR "', '(((', 'a:b', '^x', '-1'])(
    'treats FTS and SQL syntax in %j as plain text',
    async (q) => {
      const body = await search({ q });
      expect(Array.isArray(body.items)).toBe(true);
      expect(body.total).toBe(body.items.length < 20 ? body.items.length : body.total);
    },
  );

  it('answers punctuation-only queries with an honest empty result', async () => {
    const body = await search({ q: '"*' });
    expect(body).toMatchObject({ items: [], total: 0, nextCursor: null });
  });
});

describe('filters and facets', () => {
  it('filters by city, and every item is in that city', async () => {
    const [{ n }] = (await sql<{ n: number }>(`SELECT count(*) AS n FROM instruments WHERE city_code = '370200'`)) as [
      { n: number },
    ];
    const body = await search({ city: '370200', limit: 100 });
    expect(body.total).toBe(n);
    expect(body.items.every((i) => i.city.code === '370200')).toBe(true);
  });

  it('filters by a category at every level of the code', async () => {
    for (const [code, prefix] of [
      ['010000', '01'],
      ['010100', '0101'],
      ['010102', '010102'],
    ] as const) {
      const [{ n }] = (await sql<{ n: number }>(
        `SELECT count(*) AS n FROM instruments WHERE category_code LIKE ?`,
        `${prefix}%`,
      )) as [{ n: number }];
      const body = await search({ category: code });
      expect(body.total, code).toBe(n);
    }
  });

  it('combines text, institution, status, sharing mode and price filters', async () => {
    const [row] = await sql<{ institution_id: number }>(
      `SELECT institution_id FROM instruments GROUP BY institution_id ORDER BY count(*) DESC LIMIT 1`,
    );
    const expected = (
      await sql<{ id: number }>(
        `SELECT id FROM instruments WHERE institution_id = ? AND run_status = 'normal' AND sharing_mode = 'external'
        AND list_price_fen BETWEEN 10000 AND 60000 AND original_value_fen >= 50000000 ORDER BY id`,
        row!.institution_id,
      )
    ).map((r) => r.id);
    const items = await allPages({
      institutionId: row!.institution_id,
      status: 'normal',
      sharingMode: 'external',
      minPriceFen: 10000,
      maxPriceFen: 60000,
      minValueFen: 50000000,
    });
    expect(items.map((i) => i.id).sort((a, b) => a - b)).toEqual(expected);
  });

  it('combines text with the facet filters (city, top category, sharing mode) exactly', async () => {
    for (const sort of ['relevance', 'price_asc']) {
      const expected = new Set(await idsContaining('仪'));
      const rows = await sql<{ id: number }>(
        `SELECT id FROM instruments WHERE city_code = '370100' AND category_code LIKE '01%' AND sharing_mode = 'external'`,
      );
      const want = rows.map((r) => r.id).filter((id) => expected.has(id));
      const query = { q: '仪', city: '370100', category: '010000', sharingMode: 'external', sort };
      const items = await allPages(query);
      expect(items.map((i) => i.id).sort((a, b) => a - b)).toEqual(want.sort((a, b) => a - b));
      expect((await search(query)).total).toBe(want.length);
    }
  });

  it('counts facets over the current query; each facet ignores its own filter', async () => {
    const all = await search({ q: '仪' });
    const sum = (xs: { count: number }[]) => xs.reduce((s, x) => s + x.count, 0);
    expect(sum(all.facets!.cities)).toBe(all.total);
    expect(sum(all.facets!.categories)).toBe(all.total);
    expect(sum(all.facets!.sharingModes)).toBe(all.total);

    const city = all.facets!.cities.find((c) => c.count > 0)!;
    const filtered = await search({ q: '仪', city: city.code });
    expect(filtered.total).toBe(city.count);
    expect(filtered.facets!.cities).toEqual(all.facets!.cities); // the city facet ignores the city filter
    expect(sum(filtered.facets!.categories)).toBe(city.count);
  });

  it('keeps the category facet disjunctive for second- and third-level filters', async () => {
    const all = await search({ q: '仪' });
    for (const category of ['010100', '010102']) {
      const narrowed = await search({ q: '仪', category });
      expect(narrowed.facets!.categories).toEqual(all.facets!.categories);
      expect(narrowed.total).toBeLessThan(all.total!);
    }
  });

  it('counts the whole catalogue when nothing is asked', async () => {
    const [{ n }] = (await sql<{ n: number }>('SELECT count(*) AS n FROM instruments')) as [{ n: number }];
    const body = await search({});
    expect(body.total).toBe(n);
    expect(body.facets!.cities.reduce((s, c) => s + c.count, 0)).toBe(n);
  });

  it('omits total and facets when not asked for', async () => {
    const body = await search({ q: '谱', include: '' });
    expect(body.total).toBeNull();
    expect(body.facets).toBeNull();
    expect(body.items.length).toBeGreaterThan(0);
  });
});

describe('sorting and cursor pagination', () => {
  it.each([
    ['price_asc', (a: InstrumentSummary, b: InstrumentSummary) => price(a) - price(b)],
    ['price_desc', (a: InstrumentSummary, b: InstrumentSummary) => price(b) - price(a)],
    ['value_desc', (a: InstrumentSummary, b: InstrumentSummary) => b.originalValueFen - a.originalValueFen],
    ['newest', (a: InstrumentSummary, b: InstrumentSummary) => b.id - a.id],
  ] as const)('walks every page in %s order without gaps or repeats', async (sort, compare) => {
    const queries: Record<string, string>[] = [
      { sort, city: '370100' },
      { sort, q: '谱' },
    ];
    for (const query of queries) {
      const items = await allPages(query);
      const total = (await search(query)).total;
      expect(items).toHaveLength(total!);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      for (let i = 1; i < items.length; i++) expect(compare(items[i - 1]!, items[i]!)).toBeLessThanOrEqual(0);
    }
  });

  it('gives the same ordered page whether it walks the index, joins the counted keys or sorts the matches', async () => {
    for (const sort of ['price_asc', 'price_desc', 'value_desc', 'value_asc', 'newest']) {
      for (const q of ['仪', '显微镜']) {
        const query = { q, city: '370100', sort, limit: 15 };
        const counted = await search(query); // counting first lets the page walk the index
        const plain = await search({ ...query, include: '' }); // no counts: joins and sorts
        expect(
          counted.items.map((i) => i.id),
          `${q} ${sort}`,
        ).toEqual(plain.items.map((i) => i.id));
        expect(counted.nextCursor).toEqual(plain.nextCursor);
      }
    }
  });

  it('walks every relevance page', async () => {
    const items = await allPages({ q: '仪' });
    expect(items).toHaveLength((await search({ q: '仪' })).total!);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });
});

const price = (i: InstrumentSummary) => i.listPrice?.fen ?? Number.MAX_SAFE_INTEGER;

describe('bad input gets a 400 problem, never a 500', () => {
  it.each([
    [{ category: '999999' }, 'category'],
    [{ category: 'abc' }, 'category'],
    [{ city: '110100' }, 'city'],
    [{ limit: 100000 }, 'limit'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ sort: 'cheapest' }, 'sort'],
    [{ status: 'broken' }, 'status'],
    [{ minPriceFen: -5 }, 'minPriceFen'],
    [{ minPriceFen: 1.5 }, 'minPriceFen'],
    [{ minPriceFen: 500, maxPriceFen: 100 }, 'minPriceFen'],
    [{ cursor: 'not-a-cursor' }, 'cursor'],
    [{ cursor: Buffer.from('{"s":"relevance","t":0,"k":-1}').toString('base64url') }, 'cursor'],
    [{ bogus: 1 }, 'bogus'],
    [{ q: 'x'.repeat(101) }, 'q'],
    [{ include: 'everything' }, 'include'],
  ])('%j', async (query, field) => {
    const res = await request(t.app).get('/api/v1/instruments').query(query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation' });
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('refuses a cursor issued for another sort', async () => {
    const first = await search({ sort: 'price_asc', limit: 5, include: '' });
    const res = await request(t.app).get('/api/v1/instruments').query({ sort: 'newest', cursor: first.nextCursor! });
    expect(res.status).toBe(400);
  });

  it('answers repeated parameters with a 400', async () => {
    const res = await request(t.app).get('/api/v1/instruments?city=370100&city=370200');
    expect(res.status).toBe(400);
  });
});

describe('records and reference data', () => {
  it('returns the full record with institution, category path and rate card', async () => {
    const [row] = await sql<{ instrument_id: number }>('SELECT instrument_id FROM rate_card_items LIMIT 1');
    const res = await request(t.app).get(`/api/v1/instruments/${row!.instrument_id}`);
    expect(res.status).toBe(200);
    expect(res.body.categoryPath.length).toBeGreaterThanOrEqual(2);
    expect(res.body.rateCard.items.length).toBeGreaterThan(0);
    expect(res.body.listPrice.fen).toBe(
      Math.min(...res.body.rateCard.items.map((i: { enterpriseFen: number }) => i.enterpriseFen)),
    );
    expect(res.body.editable).toBe(false);
  });

  it('answers 404 for an unknown instrument and 400 for a malformed id', async () => {
    expect((await request(t.app).get('/api/v1/instruments/99999999')).status).toBe(404);
    expect((await request(t.app).get('/api/v1/instruments/abc')).status).toBe(400);
    expect((await request(t.app).get('/api/v1/instruments/1e3')).status).toBe(400);
  });

  it('serves the taxonomy tree with counts that add up', async () => {
    const res = await request(t.app).get('/api/v1/categories');
    expect(res.status).toBe(200);
    const [{ n }] = (await sql<{ n: number }>('SELECT count(*) AS n FROM instruments')) as [{ n: number }];
    expect(res.body.items).toHaveLength(15);
    expect(res.body.items.reduce((s: number, c: { count: number }) => s + c.count, 0)).toBe(n);
    const analytical = res.body.items.find((c: { code: string }) => c.code === '010000');
    expect(analytical.children.reduce((s: number, c: { count: number }) => s + c.count, 0)).toBeLessThanOrEqual(
      analytical.count,
    );
  });

  it('lists institutions, by city too', async () => {
    const all = await request(t.app).get('/api/v1/institutions');
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(50);
    const qingdao = await request(t.app).get('/api/v1/institutions').query({ city: '370200' });
    expect(qingdao.body.items.length).toBeGreaterThan(0);
    expect(qingdao.body.items.every((i: { city: { code: string } }) => i.city.code === '370200')).toBe(true);
    expect((await request(t.app).get('/api/v1/institutions').query({ city: 'x' })).status).toBe(400);
  });

  it('lists the 16 cities with their voucher ratios', async () => {
    const res = await request(t.app).get('/api/v1/cities');
    expect(res.body.items).toHaveLength(16);
    expect(res.body.items.find((c: { code: string }) => c.code === '371300')).toMatchObject({
      name: '临沂',
      voucherRatioPercent: 60,
    });
  });

  it('serves the OpenAPI document and its browsable reference', async () => {
    const doc = await request(t.app).get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/instruments'].get.parameters.map((p: { name: string }) => p.name)).toContain('q');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/instruments/{id}', '/api/v1/auth/login', '/api/v1/categories']),
    );
    const docs = await request(t.app).get('/api/docs/');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  it('answers unknown API paths with a problem 404', async () => {
    const res = await request(t.app).get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
