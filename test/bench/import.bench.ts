/**
 * npm run bench:import — bulk import of instrument records (批量导入) at 30,000 rows.
 *
 * Makes a fresh SQLite database (reference data and the demo's organisations and accounts, a few
 * instruments), generates BENCH_ROWS (default 30,000) realistic rows in the national template from the
 * instrument vocabulary, writes them as an XLSX and as a CSV, and runs each through the import service
 * in-process (as the HTTP upload does: stored in the file store, the streaming dry run, then the import
 * in chunks of 500 rows, one transaction each, publishing as a platform admin — instruments, search
 * index, history), into two institutions. Beside it, the raw floor measured in the same run: the same
 * rows through one better-sqlite3 prepared INSERT into `instruments`, in transactions of 500.
 *
 * With BENCH_DATABASE_URL (a PostgreSQL server) the same import runs on a fresh database made there
 * too (isp_bench_import, dropped afterwards), with node-postgres multi-row INSERTs as its raw floor.
 *
 * Prints rows/s and seconds per phase; the target (issue 15) is 30,000 rows validated and imported in
 * under 60 s. Figures also go to BENCH_RESULTS_DIR/bench-import.json (default test-results).
 */
import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openDatabase, openSqlite, type Database } from '../../db/client.ts';
import { UNPRICED_SORT_FEN } from '../../db/schema/index.ts';
import { seedDemo } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';
import vocabulary from '../../db/seed/data/instrument-vocabulary.json' with { type: 'json' };
import type { Actor } from '../../server/modules/auth/actor.ts';
import { ImportsService } from '../../server/modules/imports/imports.service.ts';
import { INSTRUMENT_HEADERS, formatRecord, type RecordView } from '../../server/modules/imports/template.ts';
import { toCsv, toXlsx } from '../../server/modules/settlement/exports.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { DiskFileStore } from '../../server/shared/files.ts';
import { databaseUrl, dropDatabase, quoteName, withServer } from '../support/pg.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 30_000);
const RESULTS = process.env.BENCH_RESULTS_DIR ?? 'test-results';
const TARGET_S = 60;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-bench-import-'));
const file = path.join(dir, 'bench.db');

const random = mulberry32(15);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const manufacturers = vocabulary.manufacturers as Record<string, { zh: string; country: string }>;

function rows(institutionName: string, categories: Set<string>, cities: { name: string; code: string }[]): string[][] {
  const types = vocabulary.instruments.filter((i) => categories.has(i.code));
  const out: string[][] = [];
  for (let n = 1; n <= ROWS; n++) {
    const type = pick(types);
    const maker = manufacturers[pick(type.manufacturers)]!;
    const city = pick(cities);
    const [lo, hi] = type.originalValueYuan as [number, number];
    const record: RecordView = {
      assetNumber: `BENCH-${String(n).padStart(6, '0')}`,
      nameZh: type.nameZh,
      nameEn: type.nameEn,
      institutionName,
      categoryCode: type.code,
      origin: 'purchased',
      purchaseFunding: pick(['central', 'local', 'own', 'other'] as const),
      originalValueFen: between(lo, hi) * 100 + between(0, 99),
      commissionedOn: `${between(2008, 2025)}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`,
      country: maker.country,
      manufacturer: maker.zh,
      model: pick(type.models),
      specs: `${type.nameZh}主要技术指标：分辨率、灵敏度、稳定性满足国家标准`,
      functions: `${type.nameZh}常规测试与分析`,
      subjectAreas: [pick(['材料科学', '化学', '生物学', '物理学', '环境科学', '医学'])],
      serviceContent: `${type.nameZh}对外测试服务`,
      feeNote: `${between(100, 2000)} 元/小时`,
      purpose: pick(['general', 'special'] as const),
      sharingMode: pick(['external', 'external', 'internal'] as const),
      sharingRules: null,
      runStatus: pick(['normal', 'normal', 'normal', 'standby'] as const),
      customsSupervised: random() < 0.05,
      hostFacility: random() < 0.3 ? '分析测试中心' : null,
      cityCode: city.code,
      cityName: city.name,
      district: null,
      address: `实验楼 ${between(1, 20)} 号楼 ${between(101, 699)} 室`,
      contactName: pick(['张老师', '李老师', '王工', '刘工']),
      contactPhone: `0531-8${between(1000000, 9999999)}`,
      contactEmail: `lab${n}@example.edu.cn`,
      bookingUrl: random() < 0.5 ? `https://lab.example.edu.cn/book/${n}` : null,
      nationalNumber: `NRII${String(n).padStart(8, '0')}`,
      runHours: '',
      serviceHours: '',
    };
    out.push(formatRecord(record));
  }
  return out;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const perSecond = (ms: number) => Math.round((ROWS / ms) * 1000).toLocaleString('en-US');

/** The import through the service on `db` (migrated, empty): the table's lines. */
async function throughService(db: Database, engine: string, results: Record<string, unknown>): Promise<string[]> {
  await migrateDatabase(db);
  await seedDemo(db, { instruments: 20, seed: 15 });
  const categories = new Set(await db.column<string>(`SELECT code FROM categories`));
  const cities = await db.all<{ name: string; code: string }>(`SELECT name, code FROM cities ORDER BY ordinal`);
  const institutions = await db.all<{ id: number; name: string }>(
    `SELECT id, name FROM organisations WHERE kind = 'institution' ORDER BY id LIMIT 3`,
  );
  const admin = (await db.get<{ id: number; organisationId: number }>(
    `SELECT id, organisation_id AS "organisationId" FROM users WHERE role = 'platform_admin' ORDER BY id LIMIT 1`,
  ))!;
  const actor: Actor = {
    userId: admin.id,
    role: 'platform_admin',
    organisationId: admin.organisationId,
    organisationKind: 'platform',
    cityCode: null,
  };
  const imports = new ImportsService({ db, files: new DiskFileStore(path.join(dir, 'files')), clock: systemClock });

  console.log(`${engine}: generating ${ROWS.toLocaleString('en-US')} rows in the template …`);
  const lines: string[] = [];
  for (const [format, institution] of [
    ['xlsx', institutions[0]!],
    ['csv', institutions[1]!],
  ] as const) {
    const table = {
      sheet: '仪器信息',
      title: 'bench',
      headers: INSTRUMENT_HEADERS,
      rows: rows(institution.name, categories, cities),
    };
    const bytes = format === 'csv' ? toCsv(table) : await toXlsx(table);
    const t0 = performance.now();
    const uploaded = await imports.upload(actor, { institutionId: institution.id, fileName: `bench.${format}`, bytes });
    await imports.processor.idle();
    const t1 = performance.now();
    const checked = await imports.get(actor, uploaded.id);
    if (checked.status !== 'validated' || checked.errorRows !== 0 || checked.validRows !== ROWS)
      throw new Error(`dry run: ${JSON.stringify(checked)}`);
    await imports.run(actor, uploaded.id, 'all_or_nothing');
    await imports.processor.idle();
    const t2 = performance.now();
    const done = await imports.get(actor, uploaded.id);
    if (done.status !== 'completed' || done.createdCount !== ROWS) throw new Error(`import: ${JSON.stringify(done)}`);
    const total = t2 - t0;
    results[`${engine}-${format}`] = {
      bytes: bytes.length,
      validateMs: Math.round(t1 - t0),
      importMs: Math.round(t2 - t1),
      totalMs: Math.round(total),
    };
    lines.push(
      `| ${engine}, ${format.toUpperCase()} (${(bytes.length / 1024 / 1024).toFixed(1)} MB): upload + dry run | ${seconds(t1 - t0)} s | ${perSecond(t1 - t0)} rows/s |`,
      `| ${engine}, ${format.toUpperCase()}: import (chunks of 500, published + indexed) | ${seconds(t2 - t1)} s | ${perSecond(t2 - t1)} rows/s |`,
      `| ${engine}, ${format.toUpperCase()}: validated and imported | ${seconds(total)} s | ${perSecond(total)} rows/s | ${total / 1000 < TARGET_S ? '✓' : '✗'} < ${TARGET_S} s`,
    );
  }

  lines.push(await rawFloor(db, engine, institutions[2]!, categories, cities, results));
  return lines;
}

const RAW_COLUMNS = [
  'id',
  'institution_id',
  'asset_number',
  'name_zh',
  'category_code',
  'original_value_fen',
  'sharing_mode',
  'run_status',
  'city_code',
  'manufacturer',
  'model',
  'price_sort_fen',
  'search_key',
  'created_at',
  'updated_at',
];

/** The raw floor: the same rows straight into `instruments`, 500 per transaction. */
async function rawFloor(
  db: Database,
  engine: string,
  institution: { id: number; name: string },
  categories: Set<string>,
  cities: { name: string; code: string }[],
  results: Record<string, unknown>,
): Promise<string> {
  const data = rows(institution.name, categories, cities);
  const at = (r: string[], h: string) => r[INSTRUMENT_HEADERS.indexOf(h)]!;
  const baseId = Number(await db.value('SELECT max(id) FROM instruments')) + 1;
  const now = Date.now();
  const values = (r: string[], j: number) => [
    baseId + j,
    institution.id,
    at(r, '所属单位仪器编号'),
    at(r, '仪器名称'),
    at(r, '分类编码'),
    Math.round(Number(at(r, '原值(元)')) * 100),
    'external',
    'normal',
    cities[0]!.code,
    at(r, '生产制造商'),
    at(r, '规格型号'),
    UNPRICED_SORT_FEN,
    -(baseId + j),
    now,
    now,
  ];
  const r0 = performance.now();
  if (engine === 'SQLite') {
    const raw = (db as unknown as { client: BetterSqlite3.Database }).client;
    const insert = raw.prepare(
      `INSERT INTO instruments (${RAW_COLUMNS.join(', ')}) VALUES (${RAW_COLUMNS.map(() => '?').join(', ')})`,
    );
    for (let i = 0; i < data.length; i += 500)
      raw.transaction(() => {
        for (let j = i; j < Math.min(i + 500, data.length); j++) insert.run(...values(data[j]!, j));
      })();
  } else {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_URL! });
    await client.connect();
    try {
      for (let i = 0; i < data.length; i += 500) {
        const part = data.slice(i, i + 500);
        const params = part.flatMap((r, k) => values(r, i + k));
        const tuples = part.map(
          (_, k) => `(${RAW_COLUMNS.map((__, c) => `$${k * RAW_COLUMNS.length + c + 1}`).join(', ')})`,
        );
        await client.query('BEGIN');
        await client.query(`INSERT INTO instruments (${RAW_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
        await client.query('COMMIT');
      }
    } finally {
      await client.end();
    }
  }
  const rawMs = performance.now() - r0;
  results[`${engine}-rawMs`] = Math.round(rawMs);
  const how = engine === 'SQLite' ? 'prepared INSERT' : 'multi-row INSERT (node-postgres)';
  return `| raw ${engine}: ${how}, transactions of 500 | ${seconds(rawMs)} s | ${perSecond(rawMs)} rows/s |`;
}

const PG_URL = process.env.BENCH_DATABASE_URL ? databaseUrl('isp_bench_import', process.env.BENCH_DATABASE_URL) : null;

async function main() {
  const results: Record<string, unknown> = { rows: ROWS };
  const sqlite = openSqlite(file);
  const lines = await throughService(sqlite, 'SQLite', results);
  await sqlite.close();
  if (PG_URL) {
    const server = process.env.BENCH_DATABASE_URL!;
    await withServer(async (c) => {
      await dropDatabase(c, 'isp_bench_import');
      await c.query(`CREATE DATABASE ${quoteName('isp_bench_import')}`);
    }, server);
    const pgDb = openDatabase(PG_URL);
    try {
      lines.push(...(await throughService(pgDb, 'PostgreSQL', results)));
    } finally {
      await pgDb.close();
      await withServer((c) => dropDatabase(c, 'isp_bench_import'), server);
    }
  }
  console.log(`\nBulk import of ${ROWS.toLocaleString('en-US')} instrument records, ${os.cpus().length} cores`);
  console.log('| phase | time | rows/s |');
  console.log('|---|---|---|');
  for (const l of lines) console.log(l);
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'bench-import.json'), JSON.stringify(results, null, 2));
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
