import { beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openSqlite, type SqliteDatabase as Db } from '../../db/client.ts';
import type { Param } from '../../db/port.ts';
import { UNPRICED_SORT_FEN } from '../../db/schema/index.ts';
import { vocabulary } from '../../db/seed/data.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, MORE_DEMO_ACCOUNTS, seedDemo, seedReference } from '../../db/seed/index.ts';
import { isValidCreditCode } from '../../db/seed/organisations.ts';
import { mulberry32, Rng } from '../../db/seed/random.ts';
import { hashPassword, verifyPassword } from '../../server/modules/auth/password.ts';
import { decodeSearchKey } from '../../server/modules/catalog/search-key.ts';
import { matchExpression, tag } from '../../server/modules/catalog/search-text.ts';

const N = 300;
const SEED = 20261128;

async function freshDb(): Promise<Db> {
  const db = openSqlite(':memory:');
  await migrateDatabase(db);
  return db;
}

const all = async (db: Db, sql: string, ...params: Param[]) => (await db.all(sql, params)) as Record<string, unknown>[];
const value = async <T = number>(db: Db, sql: string, ...params: Param[]) => (await db.value(sql, params)) as T;

let a: Db;
let b: Db;
let bulk: Db;

beforeAll(async () => {
  a = await freshDb();
  b = await freshDb();
  bulk = await freshDb();
  // The first database hashes the password itself; the others reuse a hash to stay fast.
  await seedDemo(a, { instruments: N, seed: SEED });
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await seedDemo(b, { instruments: N, seed: SEED, passwordHash });
  await seedDemo(bulk, { instruments: N, seed: SEED, passwordHash, bulk: true, batchSize: 64 });
  // (Three demos with their usage history and its vouchers: a few seconds each on a busy machine.)
}, 60_000);

describe('random', () => {
  it('mulberry32 is deterministic and uniform enough', async () => {
    const r1 = mulberry32(7);
    const r2 = mulberry32(7);
    const xs = Array.from({ length: 1000 }, () => r1());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => r2()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const n = rng.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
  });
});

describe('seedReference', () => {
  it('writes the 16 cities with their division codes, ordinals and voucher ratios, idempotently', async () => {
    const db = await freshDb();
    expect(await seedReference(db)).toEqual(await seedReference(db));
    const cities = await all(
      db,
      'SELECT code, name, name_en, province, voucher_ratio_percent, ordinal FROM cities ORDER BY ordinal',
    );
    expect(cities).toHaveLength(16);
    expect(cities.map((c) => c.code)).toEqual([
      '370100', '370200', '370300', '370400', '370500', '370600', '370700', '370800',
      '370900', '371000', '371100', '371300', '371400', '371500', '371600', '371700',
    ]); // prettier-ignore
    expect(cities.map((c) => c.ordinal)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(cities[0]).toMatchObject({ name: '济南', name_en: 'Jinan', province: '山东省', voucher_ratio_percent: 40 });
    expect(cities.find((c) => c.name === '菏泽')).toMatchObject({ code: '371700', voucher_ratio_percent: 60 });
  });

  it('writes the taxonomy tree with English names and top-level ordinals', async () => {
    const db = await freshDb();
    await seedReference(db);
    const cats = await all(db, 'SELECT code, name, name_en, parent_code, level, ordinal FROM categories');
    const byCode = new Map(cats.map((c) => [c.code as string, c]));
    const top = cats.filter((c) => c.level === 1).sort((x, y) => (x.ordinal as number) - (y.ordinal as number));
    expect(top.map((c) => c.code)).toEqual([
      '010000', '020000', '030000', '040000', '050000', '060000', '070000', '080000',
      '090000', '100000', '110000', '120000', '130000', '140000', '990000',
    ]); // prettier-ignore
    expect(top.map((c) => c.ordinal)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(byCode.get('010000')).toMatchObject({
      name: '分析仪器',
      name_en: 'Analytical instruments',
      parent_code: null,
    });
    expect(byCode.get('010100')).toMatchObject({ name_en: 'Electron optics', parent_code: '010000', level: 2 });
    expect(byCode.get('010102')).toMatchObject({ name: '扫描电镜', parent_code: '010100', level: 3, ordinal: null });
    for (const c of cats) {
      if ((c.level as number) < 3) expect(c.name_en, `${c.code as string} English name`).toBeTruthy();
      if (c.level !== 1) {
        expect(c.ordinal).toBeNull();
        expect(byCode.has(c.parent_code as string), `${c.code as string} parent`).toBe(true);
      }
    }
    for (const t of vocabulary.instruments) expect(byCode.has(t.code), t.code).toBe(true);
  });
});

describe('seedDemo', () => {
  it('is deterministic: same seed, identical rows (password hashes aside)', async () => {
    for (const table of ['organisations', 'instruments', 'rate_cards', 'rate_card_items', 'cities', 'categories']) {
      const sql = `SELECT * FROM ${table} ORDER BY 1`;
      expect(await all(b, sql), table).toEqual(await all(a, sql));
      expect(await all(bulk, sql), `${table} (bulk)`).toEqual(await all(a, sql));
    }
    const users = 'SELECT id, email, display_name, role, organisation_id, phone, created_at FROM users ORDER BY id';
    expect(await all(b, users)).toEqual(await all(a, users));
    const fts = 'SELECT rowid FROM instrument_fts ORDER BY rowid';
    expect(await all(b, fts)).toEqual(await all(a, fts));
    expect(await all(bulk, fts)).toEqual(await all(a, fts));
  });

  it('a different seed gives a different catalogue', async () => {
    const c = await freshDb();
    await seedDemo(c, { instruments: 50, seed: 1, passwordHash: 'x' });
    const sql = 'SELECT name_zh, original_value_fen FROM instruments WHERE id BETWEEN 41 AND 50 ORDER BY id';
    expect(await all(c, sql)).toHaveLength(10);
    expect(await all(c, sql)).not.toEqual(await all(a, sql));
  });

  it('runs only on a database without organisations', async () => {
    const again = await seedDemo(a, { instruments: 10, seed: SEED });
    expect(again.skipped).toBe(true);
    expect(await value(a, 'SELECT count(*) FROM instruments')).toBe(N);
  });

  it('bulk mode restores the indexes, foreign keys and FTS settings', async () => {
    const indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
    expect(await all(bulk, indexes)).toEqual(await all(a, indexes));
    expect(bulk.client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(await all(bulk, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(await all(a, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(await value(bulk, "SELECT v FROM instrument_fts_config WHERE k = 'hashsize'")).toBe(1024 * 1024);
  });

  it('writes the organisations: platform, ~100 providers, enterprises and finance offices', async () => {
    const kinds = Object.fromEntries(
      (await all(a, 'SELECT kind, count(*) AS n FROM organisations GROUP BY kind')).map((r) => [r.kind, r.n]),
    );
    expect(kinds.platform).toBe(1);
    expect(kinds.institution).toBeGreaterThanOrEqual(90);
    expect(kinds.institution).toBeLessThanOrEqual(110);
    // 360 generated (the province's SMEs of the usage history), and the registration awaiting review (registrations.ts).
    expect(kinds.enterprise).toBe(361);
    expect(kinds.finance_office).toBe(17);
    const orgs = await all(a, 'SELECT * FROM organisations');
    const codes = orgs.map((o) => o.credit_code as string);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(isValidCreditCode(code), code).toBe(true);
    const byName = new Map(orgs.map((o) => [o.name as string, o]));
    expect(byName.get('山东大学')).toMatchObject({ city_code: '370100', institution_type: 'university' });
    expect(byName.get('中国海洋大学')).toMatchObject({ city_code: '370200' });
    expect(byName.get('中国石油大学(华东)')).toMatchObject({ city_code: '370200' });
    expect(byName.get('聊城大学')).toMatchObject({ city_code: '371500' });
    expect(byName.get('曲阜师范大学')).toMatchObject({ city_code: '370800' });
    expect(byName.get('山东省分析测试中心')).toMatchObject({ city_code: '370100', institution_type: 'test_centre' });
    expect(byName.get('山东省科学技术厅')).toMatchObject({ kind: 'finance_office', city_code: null });
    expect(byName.get('济南智测新材料科技有限公司')).toMatchObject({ kind: 'enterprise', city_code: '370100' });
    for (const city of await all(a, 'SELECT code, name FROM cities')) {
      expect(byName.get(`${city.name as string}市科学技术局`)).toMatchObject({ city_code: city.code });
      const providers = orgs.filter((o) => o.kind === 'institution' && o.city_code === city.code);
      expect(providers.length, `providers in ${city.name as string}`).toBeGreaterThan(0);
    }
    const certified = orgs.filter((o) => o.kind === 'institution' && o.certified === 1).length;
    expect(certified / kinds.institution).toBeGreaterThan(0.8);
  });

  it('writes the demo accounts with the demo password', async () => {
    // And the administrator of the registration awaiting review (applicant@demo.test), and one member of
    // every other enterprise and of every provider with instruments to book (the usage history's people).
    const members = await value(a, `SELECT count(*) FROM users WHERE email LIKE '%.%@%' AND role = 'researcher'`);
    // One per organisation, never one of a demo account's; every enterprise has someone.
    expect(
      await value(
        a,
        `SELECT count(DISTINCT organisation_id) FROM users WHERE email LIKE '%.%@%' AND role = 'researcher'`,
      ),
    ).toBe(members);
    // And the staff who claimed and reviewed the history's vouchers (claims.ts): a lab manager at each claiming
    // lab, an officer at each city office that had none.
    const staff = await value(
      a,
      `SELECT count(*) FROM users WHERE (email LIKE 'gx.%@%' AND role = 'lab_manager') OR (email LIKE 'cw.%@%' AND role = 'finance_officer')`,
    );
    expect(staff).toBeGreaterThan(10);
    expect(
      await value(
        a,
        `SELECT count(*) FROM organisations o WHERE o.kind = 'enterprise'
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id)`,
      ),
    ).toBe(0);
    expect(members).toBeGreaterThan(300);
    expect(await value(a, 'SELECT count(*) FROM users')).toBe(4 + MORE_DEMO_ACCOUNTS.length + 1 + members + staff);

    for (const account of Object.values(DEMO_ACCOUNTS)) {
      const row = await db1User(account.email);
      expect(row, account.email).toMatchObject({ role: account.role, display_name: account.displayName });
      expect(row.organisation).toBe(account.organisation);
      expect(await verifyPassword(DEMO_PASSWORD, row.password_hash as string)).toBe(true);
    }
    expect(await verifyPassword('wrong', (await db1User(DEMO_ACCOUNTS.researcher.email)).password_hash as string)).toBe(
      false,
    );
    const hashes = await all(a, 'SELECT DISTINCT password_hash FROM users');
    expect(hashes).toHaveLength(1); // hashed once, reused
    expect((await db1User('lab@demo.test')).org_kind).toBe('institution');
    expect((await db1User('finance@demo.test')).org_kind).toBe('finance_office');
    expect((await db1User('admin@demo.test')).org_kind).toBe('platform');
    expect((await db1User('researcher@demo.test')).org_kind).toBe('enterprise');
  });

  it('indexes every instrument for search under its search key', async () => {
    const rows = await all(
      a,
      'SELECT i.id, i.search_key, i.city_code, c.ordinal FROM instruments i JOIN cities c ON c.code = i.city_code',
    );
    expect(rows).toHaveLength(N);
    expect(await value(a, 'SELECT count(*) FROM instrument_fts')).toBe(N);
    for (const r of rows) {
      const key = decodeSearchKey(r.search_key as number);
      expect(key.id).toBe(r.id);
      expect(key.cityOrdinal).toBe(r.ordinal);
    }
    for (const city of await all(a, 'SELECT code FROM cities')) {
      const code = city.code as string;
      const indexed = await value(
        a,
        'SELECT count(*) FROM instrument_fts WHERE instrument_fts MATCH ?',
        `tags: "${tag.city(code)}"`,
      );
      expect(indexed, code).toBe(await value(a, 'SELECT count(*) FROM instruments WHERE city_code = ?', code));
    }
    const jinan = await value(
      a,
      'SELECT count(*) FROM instrument_fts WHERE instrument_fts MATCH ?',
      `tags: "${tag.city('370100')}"`,
    );
    expect(jinan).toBeGreaterThan(0);
    // Searchable by the type's name and by the category's.
    const sem = await value(
      a,
      'SELECT count(*) FROM instrument_fts WHERE instrument_fts MATCH ?',
      matchExpression('场发射扫描电子显微镜'),
    );
    expect(sem).toBe(await value(a, "SELECT count(*) FROM instruments WHERE category_code = '010102'"));
    const em = await value(
      a,
      'SELECT count(*) FROM instrument_fts WHERE instrument_fts MATCH ?',
      matchExpression('电镜'),
    );
    expect(em).toBe(await value(a, "SELECT count(*) FROM instruments WHERE category_code IN ('010101', '010102')"));
    expect(await value(a, 'SELECT version FROM catalog_meta')).toBe(N);
  });

  it('lists each instrument at its lowest enterprise price', async () => {
    const rows = await all(
      a,
      `SELECT i.id, i.list_price_fen, i.list_price_unit, i.price_sort_fen, i.sharing_mode,
         (SELECT count(*) FROM rate_cards r WHERE r.instrument_id = i.id) AS cards
       FROM instruments i`,
    );
    const items = await all(a, 'SELECT * FROM rate_card_items ORDER BY instrument_id, sort_order');
    const byInstrument = new Map<number, Record<string, unknown>[]>();
    for (const it of items)
      byInstrument.set(it.instrument_id as number, [...(byInstrument.get(it.instrument_id as number) ?? []), it]);
    for (const r of rows) {
      const its = byInstrument.get(r.id as number) ?? [];
      if (r.sharing_mode !== 'not_shared') expect(r.cards, `instrument ${r.id as number} has a rate card`).toBe(1);
      if (its.length === 0) {
        expect(r.list_price_fen).toBeNull();
        expect(r.list_price_unit).toBeNull();
        expect(r.price_sort_fen).toBe(UNPRICED_SORT_FEN);
        continue;
      }
      expect(its.length).toBeLessThanOrEqual(3);
      const min = its.reduce((best, it) =>
        (it.enterprise_fen as number) < (best.enterprise_fen as number) ? it : best,
      );
      expect(r.list_price_fen).toBe(min.enterprise_fen);
      expect(r.list_price_unit).toBe(min.unit);
      expect(r.price_sort_fen).toBe(r.list_price_fen);
    }
  });

  it('prices in integer fen, inside the vocabulary ranges', async () => {
    const types = new Map(vocabulary.instruments.map((t) => [t.code, t]));
    const items = await all(
      a,
      'SELECT r.*, i.category_code FROM rate_card_items r JOIN instruments i ON i.id = r.instrument_id',
    );
    expect(items.length).toBeGreaterThan(N / 2);
    for (const it of items) {
      const t = types.get(it.category_code as string)!;
      const range = it.unit === 'hour' ? t.externalRateFen.perHour : t.externalRateFen.perSample;
      expect(range, `${t.code} has ${it.unit as string} rates`).toBeDefined();
      const [lo, hi] = range!;
      const e = it.enterprise_fen as number;
      expect(e).toBeGreaterThanOrEqual(lo);
      expect(e).toBeLessThanOrEqual(hi);
      for (const f of [it.enterprise_fen, it.academic_fen, it.internal_fen]) {
        expect(Number.isInteger(f)).toBe(true);
        expect((f as number) % 100, 'whole yuan').toBe(0);
      }
      expect(it.academic_fen as number).toBeLessThanOrEqual(e);
      expect(it.internal_fen as number).toBeLessThanOrEqual(it.academic_fen as number);
    }
    for (const column of ['setup_fee_fen', 'minimum_charge_fen']) {
      expect(await value(a, `SELECT count(*) FROM rate_cards WHERE typeof(${column}) != 'integer'`)).toBe(0);
    }
    expect(await value(a, "SELECT count(*) FROM instruments WHERE typeof(original_value_fen) != 'integer'")).toBe(0);
    for (const i of await all(a, 'SELECT category_code, original_value_fen FROM instruments')) {
      const [lo, hi] = types.get(i.category_code as string)!.originalValueYuan;
      expect(i.original_value_fen as number).toBeGreaterThanOrEqual(lo * 100);
      expect(i.original_value_fen as number).toBeLessThanOrEqual(hi * 100);
    }
  });

  it('writes complete, realistic instrument records', async () => {
    const rows = await all(a, 'SELECT * FROM instruments');
    const dup = await value(
      a,
      'SELECT count(*) FROM (SELECT 1 FROM instruments GROUP BY institution_id, asset_number HAVING count(*) > 1)',
    );
    expect(dup).toBe(0);
    const modes = new Set(rows.map((r) => r.sharing_mode));
    expect(modes).toEqual(new Set(['external', 'internal', 'not_shared']));
    expect(rows.filter((r) => r.sharing_mode === 'external').length / N).toBeGreaterThan(0.6);
    expect(rows.filter((r) => r.run_status === 'normal').length / N).toBeGreaterThan(0.7);
    for (const r of rows) {
      expect(r.asset_number).toMatch(/^20\d\d-\d{4,}$/);
      expect((r.specs as string).length).toBeLessThanOrEqual(500);
      expect((r.functions as string).length).toBeLessThanOrEqual(300);
      const subjects = JSON.parse(r.subject_areas as string) as string[];
      expect(subjects.length).toBeGreaterThanOrEqual(1);
      expect(subjects.length).toBeLessThanOrEqual(4);
      expect((r.commissioned_on as string) >= '2005-01-01' && (r.commissioned_on as string) <= '2026-12-31').toBe(true);
      expect(r.manufacturer).toMatch(/.+（.+）|^[A-Za-z]/);
      expect(r.time_zone).toBe('Asia/Shanghai');
      expect(r.province).toBe('山东省');
      expect(r.photo_url).toBeNull();
      expect(r.address).toMatch(/市.+ .+\d/);
      expect(r.annual_run_hours as number).toBeGreaterThan(0);
      expect(r.annual_service_hours as number).toBeLessThanOrEqual(r.annual_run_hours as number);
      expect(r.created_at as number).toBeLessThanOrEqual(r.updated_at as number);
    }
  });

  it('seeds 临沂’s reimburse-mode programme with October jobs that researcher3’s enterprise paid in full', async () => {
    const p = await all(a, "SELECT * FROM voucher_programmes WHERE settlement_mode = 'reimburse'");
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ issuer_city_code: '371300', review_level: 'city', claim_by: '2027-03-31' });
    const enterprise = (await db1User('researcher3@demo.test')).organisation_id;
    const uses = await all(
      a,
      `SELECT u.*, b.final_fen, b.payment_method, b.status AS booking_status,
         strftime('%Y-%m', u.updated_at / 1000, 'unixepoch', '+8 hours') AS month
       FROM voucher_uses u JOIN bookings b ON b.id = u.booking_id WHERE u.programme_id = ?`,
      p[0]!.id as number,
    );
    expect(uses.length).toBeGreaterThanOrEqual(2);
    for (const u of uses) {
      expect(u).toMatchObject({
        enterprise_id: enterprise,
        settlement_mode: 'reimburse',
        status: 'posted',
        booking_status: 'completed',
        payment_method: 'bank_transfer', // the whole price, paid by bank transfer and confirmed by the lab
        month: '2026-10',
      });
      expect(u.posted_fen).toBe(Math.floor((u.final_fen as number) / 2));
    }
  });

  it('gives the demo lab about 40 varied instruments', async () => {
    const lab = await value(a, "SELECT id FROM organisations WHERE name = '山东省分析测试中心'");
    expect(await value(a, 'SELECT count(*) FROM instruments WHERE institution_id = ?', lab)).toBe(40);
    expect(
      await value(a, 'SELECT count(DISTINCT category_code) FROM instruments WHERE institution_id = ?', lab),
    ).toBeGreaterThanOrEqual(35);
  });
});

async function db1User(email: string) {
  return (await a.get(
    `SELECT u.*, o.name AS organisation, o.kind AS org_kind FROM users u JOIN organisations o ON o.id = u.organisation_id
       WHERE u.email = ?`,
    [email],
  )) as Record<string, unknown>;
}
