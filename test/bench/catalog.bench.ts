/**
 * npm run bench:catalog — catalogue search at 10^6 instruments, through HTTP and as raw SQL, in one run.
 *
 * Seeds BENCH_INSTRUMENTS (default 1,000,000) instruments into a temp database (BENCH_DB; reused when
 * present), starts the real app on a loopback port and runs each query class over BENCH_QUERIES
 * (default 250; p95 wants ≥ 200) varied queries:
 *   raw     the same SQL statements the search issues (as CatalogRepo writes them), straight through
 *           better-sqlite3 on the database's own connection: no port, no promises
 *   service the whole search in-process through the port (SQL + facet counting + shaping), no HTTP
 *   http    a real HTTP request to the running server (keep-alive), response read and parsed
 * and prints p50/p95 per class and the ratio http/raw; the figures also go to
 * BENCH_RESULTS_DIR/bench-catalog.json (default test-results).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type BetterSqlite3 from 'better-sqlite3';
import { migrateDatabase, openSqlite, type Queryable, type SqliteDatabase } from '../../db/client.ts';
import type { Orm, Params, Statement } from '../../db/port.ts';
import { seedDemo, seedReference } from '../../db/seed/index.ts';
import { mulberry32 } from '../../db/seed/random.ts';
import { createApp } from '../../server/app.ts';
import { localStripe, testStripe } from '../support/stripe.ts';
import { systemClock } from '../../server/shared/clock.ts';
import { CatalogRepo, type SearchFilters, type SummaryRow } from '../../server/modules/catalog/catalog.repo.ts';
import { searchQuerySchema } from '../../server/modules/catalog/catalog.schemas.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import { keyInstrumentId } from '../../server/modules/catalog/search-key.ts';
import { matchExpression } from '../../server/modules/catalog/search-text.ts';
import { encodeCursor } from '../../server/shared/cursor.ts';
import vocabulary from '../../db/seed/data/instrument-vocabulary.json' with { type: 'json' };

const N = Number(process.env.BENCH_INSTRUMENTS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 250);
const RESULTS = process.env.BENCH_RESULTS_DIR ?? 'test-results';
const file = process.env.BENCH_DB ?? path.join(os.tmpdir(), `isp-bench-catalog-${N}.db`);

async function prepareDatabase(): Promise<SqliteDatabase> {
  const exists = fs.existsSync(file);
  let db = openSqlite(file);
  await migrateDatabase(db);
  const have = (await db.value<number>('SELECT count(*) FROM instruments'))!;
  if (exists && have >= N) {
    console.log(`Reusing ${file} (${have.toLocaleString()} instruments)`);
    return db;
  }
  if (have > 0) {
    await db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    db = openSqlite(file);
    await migrateDatabase(db);
  }
  console.log(`Seeding ${N.toLocaleString()} instruments into ${file} …`);
  const started = performance.now();
  db.client.pragma('synchronous = OFF');
  await seedReference(db);
  await seedDemo(db, {
    instruments: N,
    seed: 20261128,
    onProgress: (done, total) => process.stderr.write(`\r  ${done.toLocaleString()}/${total.toLocaleString()}`),
  });
  db.client.pragma('synchronous = NORMAL');
  db.client.exec('ANALYZE');
  console.log(`\nSeeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return db;
}

// Varied, realistic queries built from the instrument vocabulary (deterministic).
const random = mulberry32(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const CITIES = [
  '370100',
  '370200',
  '370300',
  '370400',
  '370500',
  '370600',
  '370700',
  '370800',
  '370900',
  '371000',
  '371100',
  '371300',
  '371400',
  '371500',
  '371600',
  '371700',
];
const manufacturers = Object.values(vocabulary.manufacturers as Record<string, { zh: string }>).map((m) => m.zh);
const longTerms = [
  ...vocabulary.instruments.map((i) => i.nameZh),
  ...vocabulary.instruments.flatMap((i) => {
    const chars = Array.from(i.nameZh);
    return chars.length > 4 ? [chars.slice(-4).join(''), chars.slice(0, 3).join('')] : [];
  }),
  ...vocabulary.instruments.flatMap((i) => i.models),
  ...vocabulary.instruments.map((i) => i.nameEn.split(' ').at(-1)!),
  ...manufacturers.filter((m) => Array.from(m).length >= 3),
  '山东大学',
  '中国海洋大学',
  '分析测试中心',
];
const shortTerms = [
  ...new Set(
    vocabulary.instruments.flatMap((i) => {
      const chars = Array.from(i.nameZh).filter((c) => /\p{Script=Han}/u.test(c));
      return chars.slice(0, -1).map((c, k) => c + chars[k + 1]);
    }),
  ),
  '电镜',
  '质谱',
  '色谱',
];

/** A statement the repository sent: how it wanted the answer, the SQL and its parameters. */
interface Sent {
  how: 'all' | 'column';
  statement: Statement;
  params: Params | undefined;
}

/**
 * The search's statements run raw: the SQL text and parameters are the ones CatalogRepo sends (it is
 * asked for them through a Queryable that only records), then prepared once and run synchronously
 * through better-sqlite3 on the database's own connection — the baseline without the port.
 */
class RawCatalog {
  private sent: Sent | null = null;
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();
  private readonly plucked = new Map<string, BetterSqlite3.Statement>();
  private readonly repo: CatalogRepo;

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    const record =
      (how: Sent['how']) =>
      (statement: Statement, params?: Params): Promise<never[]> => {
        this.sent = { how, statement, params };
        return Promise.resolve([]);
      };
    const refuse = () => Promise.reject(new Error('the search sends its statements with all() and column()'));
    const recorder = {
      engine: 'sqlite',
      get orm(): Orm {
        throw new Error('the search statements are SQL text');
      },
      all: record('all'),
      column: record('column'),
      get: refuse,
      run: refuse,
      value: refuse,
    } as unknown as Queryable;
    this.repo = new CatalogRepo(recorder);
  }

  /**
   * Runs, raw, the statement a repository method sends, as it sends it (rows, or the first column).
   * Each of these methods sends its one statement before it first awaits, so it has been recorded by
   * the time the call returns. No rows when it sends none (summaries of no ids).
   */
  private run<T>(call: (repo: CatalogRepo) => Promise<unknown>): T[] {
    this.sent = null;
    call(this.repo).catch(() => undefined); // what the recorder answers is of no use
    const sent = this.sent as Sent | null;
    if (!sent) return [];
    if (typeof sent.statement !== 'string' || !(sent.params === undefined || Array.isArray(sent.params))) {
      throw new Error('the raw baseline expects SQL text with positional parameters');
    }
    const pluck = sent.how === 'column';
    const cache = pluck ? this.plucked : this.prepared;
    let prepared = cache.get(sent.statement);
    if (!prepared) {
      prepared = this.sqlite.prepare(sent.statement);
      if (pluck) prepared.pluck();
      cache.set(sent.statement, prepared);
    }
    return prepared.all(sent.params ?? []) as T[];
  }

  matchingKeys(f: SearchFilters): number[] {
    return this.run((r) => r.matchingKeys(f));
  }

  keyOrderedPage(...args: Parameters<CatalogRepo['keyOrderedPage']>): number[] {
    return this.run((r) => r.keyOrderedPage(...args));
  }

  columnOrderedPage(...args: Parameters<CatalogRepo['columnOrderedPage']>): { id: number; value: number }[] {
    return this.run((r) => r.columnOrderedPage(...args));
  }

  columnOrderedPageOfKeys(
    ...args: Parameters<CatalogRepo['columnOrderedPageOfKeys']>
  ): { id: number; value: number }[] {
    return this.run((r) => r.columnOrderedPageOfKeys(...args));
  }

  /** In the order of the ids, as the repository returns them. */
  summaries(ids: number[]): SummaryRow[] {
    const byId = new Map(this.run<SummaryRow>((r) => r.summaries(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id)).filter((row): row is SummaryRow => row !== undefined);
  }
}

type Query = Record<string, string>;
interface QueryClass {
  name: string;
  target?: string;
  queries: Query[];
  /** The SQL the search issues for this query, raw. */
  raw: (repo: RawCatalog, q: Query) => void;
}

const filtersOf = (q: Query): SearchFilters => ({
  text: q.q ? matchExpression(q.q) : null,
  cityCode: q.city,
  cityOrdinal: q.city ? CITIES.indexOf(q.city) + 1 : undefined,
});

/**
 * The statements the search runs, without the service around them: the count pass over the text
 * matches (without the facet filters) and the page — from the counted keys when there are any, as
 * the service does, else a join over the text matches.
 */
function rawSearch(repo: RawCatalog, q: Query, withCounts: boolean) {
  const f = filtersOf(q);
  const limit = Number(q.limit ?? 20);
  const keys = withCounts ? repo.matchingKeys({ ...f, cityCode: undefined, cityOrdinal: undefined }) : null;
  if (q.sort === 'relevance') {
    let page = repo.keyOrderedPage(f, f.text ? 'title' : 'any', 0, limit + 1);
    if (f.text && page.length <= limit)
      page = page.concat(repo.keyOrderedPage(f, 'not_title', 0, limit + 1 - page.length));
    repo.summaries(page.slice(0, limit).map(keyInstrumentId));
  } else {
    const sort = q.sort as 'price_asc';
    const rows = keys
      ? repo.columnOrderedPageOfKeys(
          keys.filter((k) => k % 32 === f.cityOrdinal),
          sort,
          null,
          limit + 1,
        )
      : repo.columnOrderedPage(f, sort, null, limit + 1);
    repo.summaries(rows.slice(0, limit).map((r) => r.id));
  }
}

function buildClasses(db: BetterSqlite3.Database): QueryClass[] {
  const list = (make: () => Query) => Array.from({ length: QUERIES }, make);
  const deep = list(() => {
    const city = pick(CITIES);
    const sort = pick(['price_asc', 'relevance'] as const);
    const offset = 500 + Math.floor(random() * 20_000);
    const row = db
      .prepare(
        sort === 'price_asc'
          ? 'SELECT id, price_sort_fen AS v FROM instruments WHERE city_code = ? ORDER BY price_sort_fen, id LIMIT 1 OFFSET ?'
          : 'SELECT search_key AS k FROM instruments WHERE city_code = ? ORDER BY search_key LIMIT 1 OFFSET ?',
      )
      .get(city, offset) as { id: number; v: number } | { k: number } | undefined;
    const cursor = !row
      ? undefined
      : 'k' in row
        ? encodeCursor({ s: 'relevance', t: 0, k: row.k })
        : encodeCursor({ s: sort, v: row.v, id: row.id });
    return { city, sort, include: '', ...(cursor && { cursor }) };
  });
  return [
    {
      name: 'text ≥3 chars + city, by price (page only)',
      queries: list(() => ({ q: pick(longTerms), city: pick(CITIES), sort: 'price_asc', include: '' })),
      raw: (repo, q) => rawSearch(repo, q, false),
    },
    {
      name: 'text ≥3 chars + city, by price + total + facets',
      target: 'p95 ≤ 40 ms',
      queries: list(() => ({ q: pick(longTerms), city: pick(CITIES), sort: 'price_asc' })),
      raw: (repo, q) => rawSearch(repo, q, true),
    },
    {
      name: 'text ≥3 chars, relevance + total + facets',
      target: 'p95 ≤ 40 ms',
      queries: list(() => ({ q: pick(longTerms), sort: 'relevance' })),
      raw: (repo, q) => rawSearch(repo, q, true),
    },
    {
      name: '2-character query, relevance + total + facets',
      target: 'p95 ≤ 60 ms',
      queries: list(() => ({ q: pick(shortTerms), sort: 'relevance' })),
      raw: (repo, q) => rawSearch(repo, q, true),
    },
    {
      name: 'filter browse deep in the list (cursor)',
      target: 'p95 ≤ 5 ms',
      queries: deep,
      raw: (repo, q) => {
        const f = filtersOf(q);
        const cursor = q.cursor ? JSON.parse(Buffer.from(q.cursor, 'base64url').toString()) : null;
        if (q.sort === 'relevance') {
          const keys = repo.keyOrderedPage(f, 'any', cursor?.k ?? 0, 21);
          repo.summaries(keys.slice(0, 20).map(keyInstrumentId));
        } else {
          const rows = repo.columnOrderedPage(f, 'price_asc', cursor && { value: cursor.v, id: cursor.id }, 21);
          repo.summaries(rows.slice(0, 20).map((r) => r.id));
        }
      },
    },
  ];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(port: number, query: Query): Promise<number> {
  const url = `/api/v1/instruments?${new URLSearchParams(query)}`;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: url, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode} for ${url}: ${Buffer.concat(chunks)}`));
          else resolve((JSON.parse(Buffer.concat(chunks).toString()) as { items: unknown[] }).items.length);
        });
      })
      .on('error', reject);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (x: number) => x.toFixed(2).padStart(7);

async function main() {
  const db = await prepareDatabase();
  const repo = new RawCatalog(db.client);
  const service = new CatalogService(db, new CatalogRepo(db), systemClock);
  const app = createApp({ db, webRoot: null, payments: await testStripe() });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const classes = buildClasses(db.client);

  console.log(
    `\n${N.toLocaleString()} instruments, ${QUERIES} queries per class, ${os.cpus().length} cores, Node ${process.version}`,
  );
  console.log(
    'class'.padEnd(50),
    '   raw p50  raw p95  svc p50  svc p95 http p50 http p95  http/raw(p50, p95)  target',
  );
  const results = [];
  for (const c of classes) {
    // Warm the caches the same way for all three.
    for (const q of c.queries.slice(0, 20)) {
      c.raw(repo, q);
      await service.search(searchQuerySchema.parse(q));
      await get(port, q);
    }
    const raw: number[] = [];
    const svc: number[] = [];
    const web: number[] = [];
    let rows = 0;
    for (const q of c.queries) {
      let t = performance.now();
      c.raw(repo, q);
      raw.push(performance.now() - t);
      t = performance.now();
      await service.search(searchQuerySchema.parse(q));
      svc.push(performance.now() - t);
      t = performance.now();
      rows += await get(port, q);
      web.push(performance.now() - t);
    }
    for (const xs of [raw, svc, web]) xs.sort((a, b) => a - b);
    const r = {
      name: c.name,
      target: c.target ?? '',
      rawP50: percentile(raw, 50),
      rawP95: percentile(raw, 95),
      svcP50: percentile(svc, 50),
      svcP95: percentile(svc, 95),
      httpP50: percentile(web, 50),
      httpP95: percentile(web, 95),
      avgRows: rows / c.queries.length,
    };
    results.push(r);
    console.log(
      c.name.padEnd(50),
      ms(r.rawP50),
      ms(r.rawP95),
      ms(r.svcP50),
      ms(r.svcP95),
      ms(r.httpP50),
      ms(r.httpP95),
      `   ${(r.httpP50 / r.rawP50).toFixed(2)}×, ${(r.httpP95 / r.rawP95).toFixed(2)}×`.padEnd(20),
      r.target,
    );
  }
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(
    path.join(RESULTS, 'bench-catalog.json'),
    JSON.stringify({ instruments: N, queries: QUERIES, results }, null, 2),
  );
  console.log(
    '\n(ms; raw = the search’s own SQL via better-sqlite3, svc = in-process search, http = through the server)',
  );
  agent.destroy();
  await new Promise((r) => server.close(r));
  await (await localStripe()).close();
  await db.close();
}

await main();
