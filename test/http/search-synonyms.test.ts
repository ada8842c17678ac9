/**
 * The catalogue search understands the abbreviations and synonyms researchers type (synonyms.ts):
 * SEM finds the scanning electron microscopes — named 扫描电子显微镜, Scanning Electron Microscope or
 * filed under 扫描电镜 — and never the semi-preparative (半制备, "Semi-preparative") HPLCs that a
 * prefix query "sem"* would bring first. And a database indexed before the table is re-indexed at the
 * server's start (search-index-refresh.ts). Runs on SQLite (`--project http`) and PostgreSQL (`--project http-pg`).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byEngine } from '../../db/port.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { instrumentInputSchema, type SearchResult } from '../../server/modules/catalog/catalog.schemas.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import { refreshSearchIndex } from '../../server/modules/catalog/search-index-refresh.ts';
import {
  SEARCH_INDEX_VERSION,
  searchDocument,
  searchIndexRow,
  searchIndexSql,
} from '../../server/modules/catalog/search-index.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

let t: TestApp;
const admin: Actor = {
  userId: 1,
  role: 'platform_admin',
  organisationId: 1,
  organisationKind: 'platform',
  cityCode: null,
};
const ids: Record<string, number> = {};

/** Instruments of our own, so the test does not depend on what the demo catalogue happens to hold. */
const INSTRUMENTS = {
  // Best-ranked of all (normal, shared externally): a prefix query "sem"* would put these first.
  semiPrep: {
    nameZh: '半制备高效液相色谱仪',
    nameEn: 'Semi-preparative HPLC',
    categoryCode: '010502',
    model: 'LC-20AP',
  },
  semiPrep2: {
    nameZh: '半制备液相色谱系统',
    nameEn: 'Semi-preparative LC System',
    categoryCode: '010502',
    model: null,
  },
  // Ranked below them (internal use), named only in words.
  sem: { nameZh: '扫描电子显微镜', nameEn: null, categoryCode: '010102', model: 'SU3500', sharingMode: 'internal' },
  semEnglish: {
    nameZh: '电子显微镜（钨灯丝）',
    nameEn: 'Scanning Electron Microscope',
    categoryCode: '010100',
    model: 'JSM-IT200',
    sharingMode: 'internal',
  },
  lcms: { nameZh: '液相色谱-质谱联用仪', nameEn: null, categoryCode: '010201', model: 'TSQ Altis' },
  xrd: { nameZh: 'X射线衍射仪', nameEn: null, categoryCode: '010301', model: 'Miniflex 600' },
} as const;

beforeAll(async () => {
  t = await createTestApp({ instruments: 300 });
  const catalog = new CatalogService(t.db, new CatalogRepo(t.db), fixedClock(Date.UTC(2026, 11, 1)));
  const institutionId = (await t.db.value<number>(
    "SELECT id FROM organisations WHERE kind = 'institution' ORDER BY id LIMIT 1",
  ))!;
  let n = 0;
  for (const [name, fields] of Object.entries(INSTRUMENTS)) {
    const input = instrumentInputSchema.parse({
      institutionId,
      assetNumber: `SYN-${++n}`,
      originalValueFen: 150_000_000,
      manufacturer: 'Test Instruments',
      runStatus: 'normal',
      cityCode: '370100',
      sharingMode: 'external',
      ...fields,
    });
    const created = await catalog.create(admin, input);
    if (!('published' in created)) throw new Error('an admin’s record is published at once');
    ids[name] = created.published.id;
  }
}, 120_000);
afterAll(() => t?.close());

async function search(query: Record<string, string | number>): Promise<SearchResult> {
  const res = await request(t.app).get('/api/v1/instruments').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as SearchResult;
}

/** Every match of a query, in relevance order. */
async function all(q: string): Promise<SearchResult['items']> {
  const items: SearchResult['items'] = [];
  let cursor: string | null = null;
  do {
    const body = await search({ q, limit: 100, ...(cursor && { cursor }) });
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}

const isSem = (i: SearchResult['items'][number]) =>
  /扫描电子显微镜|扫描电镜/.test(i.nameZh) ||
  /scanning electron/i.test(i.nameEn ?? '') ||
  /\bSEM/.test(i.model ?? '') ||
  i.category.code === '010102';

describe('abbreviations and synonyms', () => {
  it('SEM finds the scanning electron microscopes, named ones first, and not one semi-preparative HPLC', async () => {
    const items = await all('SEM');
    const found = items.map((i) => i.id);
    expect(found).toContain(ids.sem);
    expect(found).toContain(ids.semEnglish);
    expect(found).not.toContain(ids.semiPrep);
    expect(found).not.toContain(ids.semiPrep2);
    expect(items.filter((i) => /半制备|semi/i.test(`${i.nameZh} ${i.nameEn ?? ''}`))).toEqual([]);
    expect(
      items.every(isSem),
      items
        .filter((i) => !isSem(i))
        .map((i) => i.nameZh)
        .join(', '),
    ).toBe(true);
    // The first page leads with an instrument whose own name says so.
    expect(items[0]!.nameZh + (items[0]!.nameEn ?? '')).toMatch(/扫描电子显微镜|扫描电镜|Scanning Electron/);
    // Lower case, full width: the same answer.
    expect((await all('sem')).map((i) => i.id)).toEqual(found);
    expect((await all('ＳＥＭ')).map((i) => i.id)).toEqual(found);
  });

  it('扫描电镜, 扫描电子显微镜 and the English name find the same microscopes as SEM', async () => {
    const sem = new Set((await all('SEM')).map((i) => i.id));
    for (const q of ['扫描电镜', '扫描电子显微镜', 'scanning electron microscope']) {
      const found = (await all(q)).map((i) => i.id);
      expect(found, q).toContain(ids.sem);
      expect(found, q).toContain(ids.semEnglish);
      expect(new Set(found), q).toEqual(sem);
    }
  });

  it('Semi still finds the semi-preparative instruments by word prefix', async () => {
    const found = (await all('semi')).map((i) => i.id);
    expect(found).toContain(ids.semiPrep);
    expect(found).toContain(ids.semiPrep2);
    expect(found).not.toContain(ids.sem);
  });

  it('LC-MS, 液质联用 and XRD find what they name', async () => {
    for (const q of ['LC-MS', 'lc/ms', '液质联用', 'LCMS']) {
      const items = await all(q);
      expect(
        items.map((i) => i.id),
        q,
      ).toContain(ids.lcms);
      expect(
        items.map((i) => i.id),
        q,
      ).not.toContain(ids.semiPrep); // an HPLC, not an LC-MS
    }
    for (const q of ['XRD', 'x射线衍射', 'X-ray diffractometer']) {
      expect(
        (await all(q)).map((i) => i.id),
        q,
      ).toContain(ids.xrd);
    }
  });

  it('a Chinese term is still found as a substring: 液相色谱 finds HPLCs and LC-MS alike', async () => {
    const found = (await all('液相色谱')).map((i) => i.id);
    for (const name of ['semiPrep', 'semiPrep2', 'lcms'] as const) expect(found, name).toContain(ids[name]);
    // HPLC asks for the group only: the LC-MS is filed under LC-MS.
    const hplc = (await all('HPLC')).map((i) => i.id);
    expect(hplc).toContain(ids.semiPrep);
    expect(hplc).not.toContain(ids.lcms);
  });

  it('高效液相色谱仪 finds the HPLCs however they are named: its 仪 joins the term, not asked on its own', async () => {
    const found = (await all('高效液相色谱仪')).map((i) => i.id);
    expect(found).toContain(ids.semiPrep); // says it
    expect(found).toContain(ids.semiPrep2); // 液相色谱系统: the group's token
    expect(found).not.toContain(ids.lcms); // 液相色谱-质谱联用仪 has 液相色谱 and 仪, but is an LC-MS
    expect(found).not.toContain(ids.sem);
    // Every instrument of the group is there, as for HPLC.
    const hplc = new Set((await all('HPLC')).map((i) => i.id));
    expect(found.filter((id) => hplc.has(id))).toHaveLength(hplc.size);
  });
});

describe('a database indexed before the synonym table', () => {
  it('is re-indexed once at start, and then SEM finds what the old index could not', async () => {
    expect(await t.db.value(searchIndexSql.version)).toBe(SEARCH_INDEX_VERSION); // the seed's own
    expect(await refreshSearchIndex(t.db)).toBeNull();

    // Make the entries of our microscopes what an index without the table held, as an older version would have.
    const rows = await t.db.all<{ id: number; key: number }>(
      'SELECT id, search_key AS "key" FROM instruments WHERE id IN (?, ?)',
      [ids.sem!, ids.semEnglish!],
    );
    const unindex = byEngine(t.db.engine, {
      sqlite: 'DELETE FROM instrument_fts WHERE rowid = ?',
      postgres: 'DELETE FROM instrument_search WHERE search_key = ?',
    });
    await t.db.write(async (tx) => {
      for (const row of rows) {
        const fresh = await tx.get<{ nameZh: string; nameEn: string | null; model: string | null }>(
          'SELECT name_zh AS "nameZh", name_en AS "nameEn", model FROM instruments WHERE id = ?',
          [row.id],
        );
        const doc = searchDocument({
          id: row.id,
          nameZh: fresh!.nameZh,
          nameEn: fresh!.nameEn,
          model: fresh!.model,
          manufacturer: 'Test Instruments',
          categoryCode: '010100',
          categoryNames: ['电子光学仪器', '分析仪器'],
          categoryOrdinal: 0,
          institutionId: 0,
          institutionName: '',
          cityCode: '370100',
          cityOrdinal: 0,
          sharingMode: 'internal',
          runStatus: 'normal',
        });
        const old = { ...doc, key: row.key, title: strip(doc.title), body: strip(doc.body), tags: '' };
        const insert = searchIndexRow(t.db.engine, old);
        await tx.run(unindex, [row.key]);
        await tx.run(
          `INSERT INTO ${insert.table} (${insert.columns.join(', ')}) VALUES (${insert.columns.map(() => '?').join(', ')})`,
          insert.values,
        );
      }
      await tx.run("UPDATE catalog_meta SET version = version + 1, index_version = '' WHERE id = 1");
    });
    const before = (await all('SEM')).map((i) => i.id);
    expect(before).not.toContain(ids.sem);
    expect(before).not.toContain(ids.semEnglish);

    const instruments = Number(await t.db.value('SELECT count(*) FROM instruments'));
    const versionBefore = Number(await t.db.value('SELECT version FROM catalog_meta'));
    expect(await refreshSearchIndex(t.db, { batch: 97 })).toBe(instruments);
    expect(await t.db.value(searchIndexSql.version)).toBe(SEARCH_INDEX_VERSION);
    // The catalogue's version moves, so no count or answer cached before is served again.
    expect(Number(await t.db.value('SELECT version FROM catalog_meta'))).toBeGreaterThan(versionBefore);
    const after = (await all('SEM')).map((i) => i.id);
    expect(after).toContain(ids.sem);
    expect(after).toContain(ids.semEnglish);
    // Every instrument still has exactly one entry, under its key.
    const entries = byEngine(t.db.engine, {
      sqlite: 'SELECT count(*) FROM instrument_fts x JOIN instruments i ON i.search_key = x.rowid',
      postgres: 'SELECT count(*) FROM instrument_search x JOIN instruments i ON i.search_key = x.search_key',
    });
    expect(Number(await t.db.value(entries))).toBe(instruments);
    expect(await refreshSearchIndex(t.db)).toBeNull();
  });
});

/** Index text without the synonym tokens: what it was before the table. */
const strip = (text: string) =>
  text
    .split(' ')
    .filter((token) => !token.startsWith('_y'))
    .join(' ');
