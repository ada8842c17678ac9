/**
 * Catalogue search gives the same answer on SQLite (FTS5) and PostgreSQL (tsvector under GIN): the
 * same catalogue seeded into both, the same requests sent to both apps, and the whole answers — ids in
 * order, summaries, totals, facet counts and cursors — compared for every class of query. Then the
 * same edits on both, and the answers again.
 *
 * PostgreSQL: a fresh database `isp_search_<random>` on TEST_DATABASE_URL's server (default: the local
 * one), dropped at the end. When the server cannot be reached the test fails; it never skips.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../../db/client.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { createApp } from '../../server/app.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import {
  instrumentInputSchema,
  instrumentPatchSchema,
  type SearchResult,
} from '../../server/modules/catalog/catalog.schemas.ts';
import { indexText, lexemesOf } from '../../server/modules/catalog/search-text.ts';
import { testStripe } from '../support/stripe.ts';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INSTRUMENTS = 400;
const SEED = 7;

interface Side {
  name: 'sqlite' | 'postgres';
  db: Database;
  app: Express;
}

let sqlite: Side;
let postgres: Side;
let sqliteDir: string;
let pgName: string | null = null;

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function seeded(db: Database): Promise<void> {
  await migrateDatabase(db);
  await seedReference(db);
  await seedDemo(db, { instruments: INSTRUMENTS, seed: SEED });
}

beforeAll(async () => {
  const payments = await testStripe();
  // SQLite: built here rather than by the shared test app, so this side stays SQLite whatever engine
  // the other HTTP tests run on.
  sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-search-engines-'));
  const sqliteDb = openDatabase(path.join(sqliteDir, 'test.db'));
  await seeded(sqliteDb);
  sqlite = { name: 'sqlite', db: sqliteDb, app: createApp({ db: sqliteDb, webRoot: null, payments }) };

  const server = openDatabase(SERVER_URL);
  try {
    pgName = `isp_search_${Math.random().toString(36).slice(2, 10)}`;
    await server.run(`CREATE DATABASE ${pgName}`);
  } finally {
    await server.close();
  }
  const pgDb = openDatabase(databaseUrl(SERVER_URL, pgName));
  await seeded(pgDb);
  postgres = { name: 'postgres', db: pgDb, app: createApp({ db: pgDb, webRoot: null, payments }) };
}, 180_000);

afterAll(async () => {
  await sqlite?.db.close();
  if (sqliteDir) fs.rmSync(sqliteDir, { recursive: true, force: true });
  await postgres?.db.close();
  if (pgName) {
    const server = openDatabase(SERVER_URL);
    try {
      await server.run(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
    } finally {
      await server.close();
    }
  }
});

type Query = Record<string, string | number>;

/** The catalogue service over a side's database (edits as a platform admin, without signing in; one clock). */
const clock = fixedClock(Date.UTC(2026, 11, 1));
const catalogOf = (side: Side) => new CatalogService(side.db, new CatalogRepo(side.db), clock);

async function searchOn(side: Side, query: Query): Promise<SearchResult> {
  const res = await request(side.app).get('/api/v1/instruments').query(query);
  expect(res.status, `${side.name} ${JSON.stringify(query)}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as SearchResult;
}

/** The same request on both engines: the whole answers must be equal. */
async function same(query: Query): Promise<SearchResult> {
  const [a, b] = [await searchOn(sqlite, query), await searchOn(postgres, query)];
  expect(b, JSON.stringify(query)).toEqual(a);
  return a;
}

/** Every page of a query on both engines, page by page (same items, same cursors). */
async function samePages(query: Query, limit = 37): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const body = await same({ ...query, limit, ...(cursor && { cursor }) });
    ids.push(...body.items.map((i) => i.id));
    cursor = body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('too many pages');
}

const SORTS = ['relevance', 'price_asc', 'price_desc', 'value_desc', 'value_asc', 'newest'] as const;

describe('the two catalogues', () => {
  it('hold the same instruments under the same search keys', async () => {
    const text = `SELECT id, search_key AS "searchKey", name_zh AS "nameZh", name_en AS "nameEn", model, manufacturer,
      category_code AS "categoryCode", institution_id AS "institutionId", city_code AS "cityCode",
      sharing_mode AS "sharingMode", run_status AS "runStatus", price_sort_fen AS "priceSortFen",
      original_value_fen AS "originalValueFen" FROM instruments ORDER BY id`;
    const rows = await sqlite.db.all(text);
    expect(rows).toHaveLength(INSTRUMENTS);
    expect(await postgres.db.all(text)).toEqual(rows);
    expect(await postgres.db.value('SELECT count(*) FROM instrument_search')).toBe(INSTRUMENTS);
  });
});

describe('text queries give the same ids, totals and facets', () => {
  it.each([
    // one Chinese character
    '谱',
    '仪',
    '镜',
    '析',
    // two (category names among them: 电镜 finds 扫描电镜 though the name says 电子显微镜)
    '质谱',
    '电镜',
    '色谱',
    '光谱',
    '分析',
    '大学',
    // three and more
    '显微镜',
    '液相色谱',
    '核磁共振',
    '扫描电镜',
    '透射电镜',
    '分析测试中心',
    '山东大学',
    '场发射扫描电子显微镜',
    '气相色谱质谱联用仪',
    // Latin words and prefixes, case-insensitively
    'thermo',
    'Ther',
    'ag',
    'BRUKER',
    'micro',
    'spectrometer',
    // lone letters and digits are whole words
    'x',
    '5',
    // mixed
    'X射线',
    'PCR仪',
    'ICP-MS',
    'Talos 200',
    'ms 质谱',
    // nothing to find, and syntax of either engine as plain text
    '不存在的仪器名称',
    'zzzz',
    '"',
    '*',
    'NEAR(',
    '质谱" OR "',
    "'; drop table instruments; --",
    'a:b',
    "it's",
    'a & b | !c',
    "'质谱':*",
    '<->',
    '\\',
    'café',
    'ΟΔΟΣ',
  ])('%s', async (q) => {
    await same({ q });
    await same({ q, limit: 100 });
  });

  it('finds model numbers by prefix (2100 finds JEM-2100F) on both engines', async () => {
    const models = await sqlite.db.column<string>(
      'SELECT DISTINCT model FROM instruments WHERE model IS NOT NULL ORDER BY model',
    );
    const digits = [...new Set(models.flatMap((m) => m.match(/\d{3,}/g) ?? []))].slice(0, 12);
    const words = [...new Set(models.map((m) => m.split(/[^A-Za-z0-9]+/)[0]!).filter((w) => w.length >= 2))].slice(
      0,
      12,
    );
    expect(digits.length).toBeGreaterThan(3);
    for (const q of [...digits, ...digits.map((d) => d.slice(0, 2)), ...words, ...models.slice(0, 10)]) {
      await same({ q, limit: 100 });
    }
    const body = await same({ q: '2100', limit: 100 });
    for (const item of body.items) expect(`${item.model} ${item.nameEn}`).toMatch(/2100/);
  });
});

describe('filters, facets and sorts give the same answers', () => {
  const filters: Query[] = [
    {},
    { city: '370100' },
    { city: '370200' },
    { category: '010000' },
    { category: '010100' },
    { category: '010102' },
    { status: 'normal' },
    { sharingMode: 'external' },
    { sharingMode: 'internal', status: 'normal' },
    { minPriceFen: 10_000, maxPriceFen: 60_000 },
    { minValueFen: 50_000_000 },
    { city: '370100', category: '010000', sharingMode: 'external' },
    { city: '370200', category: '010100', status: 'normal', minPriceFen: 5_000 },
  ];
  const texts = [undefined, '仪', '质谱', '显微镜', '电镜', 'thermo', '分析测试'];

  it.each(SORTS)('sort %s, every filter with and without text', async (sort) => {
    for (const f of filters)
      for (const q of texts) {
        const query: Query = { ...f, sort, ...(q && { q }) };
        await same(query);
        await same({ ...query, include: '' });
        await same({ ...query, include: 'total' });
      }
  });

  it('filters by institution, alone and with text', async () => {
    const ids = await sqlite.db.column<number>(
      'SELECT institution_id FROM instruments GROUP BY institution_id ORDER BY count(*) DESC, institution_id LIMIT 3',
    );
    for (const institutionId of ids)
      for (const sort of SORTS) {
        await same({ institutionId, sort });
        await same({ institutionId, sort, q: '仪' });
        await same({ institutionId, sort, q: '分析', sharingMode: 'external' });
      }
  });

  it('counts facets the same way (each facet ignoring its own filter)', async () => {
    const all = await same({ q: '仪' });
    expect(all.total).toBeGreaterThan(50);
    for (const city of all.facets!.cities.filter((c) => c.count > 0).slice(0, 4)) {
      const body = await same({ q: '仪', city: city.code });
      expect(body.total).toBe(city.count);
    }
    for (const category of all.facets!.categories.filter((c) => c.count > 0).slice(0, 4)) {
      const body = await same({ q: '仪', category: category.code });
      expect(body.total).toBe(category.count);
    }
  });
});

describe('cursor pages are the same, page by page', () => {
  it.each(SORTS)('%s', async (sort) => {
    for (const query of [
      { sort, include: '' },
      { sort, q: '仪', include: '' },
      { sort, q: '谱' },
      { sort, q: '分析', city: '370100' },
      { sort, city: '370200', include: '' },
      { sort, q: '质谱', category: '010000' },
    ] as Query[]) {
      const ids = await samePages(query);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});

describe('edits keep both indexes in step, in the same transaction', () => {
  const admin: Actor = {
    userId: 1,
    role: 'platform_admin',
    organisationId: 1,
    organisationKind: 'platform',
    cityCode: null,
  };

  it('creates and updates the same instrument on both engines, and both find it the same way', async () => {
    const institutionId = (await sqlite.db.value<number>(
      "SELECT id FROM organisations WHERE kind = 'institution' AND city_code = '370100' ORDER BY id LIMIT 1",
    ))!;
    const input = instrumentInputSchema.parse({
      institutionId,
      assetNumber: 'ENG-0001',
      nameZh: '超高分辨场发射透射电子显微镜',
      nameEn: 'Müller Café ultra-resolution TEM',
      categoryCode: '010102',
      originalValueFen: 1_234_500_000,
      manufacturer: 'Zeiß Ångström Instruments',
      model: 'ZX-21009Q',
      sharingMode: 'external',
      runStatus: 'normal',
      cityCode: '370100',
    });
    const created = await Promise.all([sqlite, postgres].map((s) => catalogOf(s).create(admin, input)));
    expect(created[1]).toEqual(created[0]);
    if (!('published' in created[0]!)) throw new Error('an admin’s record is published at once');
    const id = created[0].published.id;

    for (const q of [
      '超高分辨',
      '透射电子',
      'muller',
      'müller',
      'cafe',
      'CAFÉ',
      'zeiß',
      'angstrom',
      'ångström',
      '21009',
      'zx',
    ]) {
      const body = await same({ q, limit: 100 });
      expect(
        body.items.map((i) => i.id),
        q,
      ).toContain(id);
    }
    await same({ q: '电镜', city: '370100', sort: 'value_desc' });

    const patch = instrumentPatchSchema.parse({
      nameZh: '冷冻透射电镜',
      cityCode: '370200',
      runStatus: 'awaiting_repair',
      sharingMode: 'internal',
    });
    const updated = await Promise.all([sqlite, postgres].map((s) => catalogOf(s).update(admin, id, patch)));
    expect(updated[1]).toEqual(updated[0]);
    for (const q of ['超高分辨', '冷冻透射', '冷冻', 'muller', 'zeis']) await same({ q, limit: 100 });
    expect((await same({ q: '超高分辨' })).items.map((i) => i.id)).not.toContain(id);
    expect((await same({ q: '冷冻透射', city: '370200', status: 'awaiting_repair' })).items.map((i) => i.id)).toContain(
      id,
    );
    expect((await same({ q: '冷冻透射', city: '370100' })).total).toBe(0);
    for (const sort of SORTS) await same({ q: '电镜', sort });

    // One entry per instrument on PostgreSQL too: the old key's entry is gone.
    expect(await postgres.db.value('SELECT count(*) FROM instrument_search')).toBe(INSTRUMENTS + 1);
    expect(
      await postgres.db.value(
        'SELECT count(*) FROM instrument_search x JOIN instruments i ON i.search_key = x.search_key',
      ),
    ).toBe(INSTRUMENTS + 1);
  });

  it('rolls back the index entry with the instrument when the write fails', async () => {
    const before = await postgres.db.value<number>('SELECT count(*) FROM instrument_search');
    const input = instrumentInputSchema.parse({
      institutionId: 999_999,
      assetNumber: 'ENG-0002',
      nameZh: '不会写入的仪器',
      categoryCode: '010102',
      originalValueFen: 1,
      sharingMode: 'external',
      cityCode: '370100',
    });
    for (const s of [sqlite, postgres]) await expect(catalogOf(s).create(admin, input)).rejects.toThrow(/institution/);
    expect(await postgres.db.value('SELECT count(*) FROM instrument_search')).toBe(before);
    await same({ q: '不会写入' });
  });
});

describe('the lexemes PostgreSQL stores are the tokens FTS5 stores', () => {
  it('for every code point (case and diacritic folding, separators)', async () => {
    // FTS5's own tokenizer, with the index's settings, over a token of every code point.
    await sqlite.db.run(`CREATE VIRTUAL TABLE temp.fold_check USING fts5(x,
      tokenize = "unicode61 remove_diacritics 2 tokenchars '_'")`);
    await sqlite.db.run('CREATE VIRTUAL TABLE temp.fold_check_terms USING fts5vocab(temp, fold_check, instance)');
    const tokens: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp < 0xe000) continue;
      const text = indexText(String.fromCodePoint(cp));
      if (text) tokens.push(...text.split(' '));
    }
    await sqlite.db.write(async (tx) => {
      for (let i = 0; i < tokens.length; i++)
        await tx.run('INSERT INTO temp.fold_check (rowid, x) VALUES (?, ?)', [i + 1, tokens[i]!]);
    });
    const fts5 = new Map<number, string[]>();
    for (const r of await sqlite.db.all<{ term: string; doc: number }>(
      'SELECT term, doc FROM temp.fold_check_terms ORDER BY doc, offset',
    )) {
      const list = fts5.get(r.doc) ?? [];
      list.push(r.term);
      fts5.set(r.doc, list);
    }
    const differ = tokens.filter((t, i) => (fts5.get(i + 1) ?? []).join(' ') !== lexemesOf(t).join(' '));
    expect(differ).toEqual([]);
    expect(tokens.length).toBeGreaterThan(100_000);
  });
});
