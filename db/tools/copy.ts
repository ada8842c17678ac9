/**
 * `npm run db:copy [-- --from <sqlite file>] [--to <postgres url>]`: moves a SQLite database into an
 * empty PostgreSQL one — a lab's pilot growing into the province's service.
 *
 * - The source (`--from`, else DATABASE_PATH, else ./data/app.db) is read in one snapshot (a read
 *   transaction: the pilot may keep running, but what it writes after the copy starts is not copied —
 *   stop it first when moving for real). It must be migrated to this version's last migration.
 * - The target (`--to`, else DATABASE_URL) is migrated (`migrateDatabase`), then must be empty: a
 *   database with organisations or users is refused — never merged. Rows a server start or the
 *   migrations put into an otherwise empty database (cities, the taxonomy, holidays, the catalogue
 *   version, the installation id) are replaced by the source's.
 * - Everything is written in ONE transaction: a failed copy leaves the target as it was.
 *   Tables go in foreign-key order, in batches of multi-row INSERTs through the port, their values
 *   converted to PostgreSQL's types (SQLite's 0/1 → boolean, JSON text → jsonb); identity columns
 *   keep their ids and every identity sequence is then set past the largest id. The ledger's
 *   immutability triggers refuse only UPDATE and DELETE, so its inserts go through; rows that
 *   triggers derive while the copy runs (the statistics' dirty marks, the catalogue version) are
 *   replaced by the source's own at the end.
 * - The search index is PostgreSQL's own: rebuilt from the instruments with the catalogue's
 *   `searchDocument` and `searchIndexRow('postgres', …)`, as the repository writes it.
 * - Afterwards the row counts of every table and the ledger check (`Ledger.check()`) are compared
 *   between the two databases; any difference ends the command with exit code 1 (a refusal: 2).
 * - Uploaded files: a SQLite installation keeps them in a folder (`files` beside the database file,
 *   or `--files`), PostgreSQL's nodes in the database (`stored_files`): the folder's files go into
 *   `stored_files` in the same transaction, under the names the rows refer to them by.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isPostgresUrl, migrateDatabase, migrationsFolder, openDatabase, openSqlite } from '../client.ts';
import type { Param, Queryable, Row, Tx } from '../port.ts';
import { PostgresDatabase } from '../postgres.ts';
import type { SqliteDatabase } from '../sqlite.ts';
import type { RunStatus, SharingMode } from '../schema/index.ts';
import { searchDocument, searchIndexRow, type SearchDocument } from '../../server/modules/catalog/search-index.ts';
import { Ledger, type LedgerCheck } from '../../server/modules/ledger/ledger.ts';
import { typeOfExtension } from '../../server/shared/files.ts';

const USAGE =
  'usage: npm run db:copy [-- --from <sqlite file>] [--to <postgres://…>] [--files <folder>|none] [--batch <rows>] [--quiet]';

/** Parameters per INSERT (PostgreSQL's limit is 65,535). */
const MAX_PARAMS = 60_000;
const DEFAULT_BATCH_ROWS = 2_000;
/** Rows per read and INSERT of a table with a bytea column (uploaded files: up to 10 MB each). */
const BLOB_BATCH_ROWS = 16;

/** SQLite's own tables and the migrator's journal: never copied. */
const SQLITE_ONLY = /^(sqlite_|__drizzle_migrations$)/;

/**
 * Tables that triggers write while other tables are copied: emptied and copied from the source after
 * everything else, so they hold the source's rows and nothing the copy itself derived.
 * - stats_dirty: marked by the booking, voucher-use and closure triggers;
 * - catalog_meta: its version is bumped by every statement on instruments;
 * - calendar_meta: the same for holidays.
 */
const DERIVED_BY_TRIGGERS = ['stats_dirty', 'catalog_meta', 'calendar_meta'];

/** The tables that make a database "in use": a target holding rows in them is refused. */
const IN_USE = ['organisations', 'users'];

export interface CopyOptions {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL URL. */
  to: string;
  /**
   * The SQLite installation's folder of uploaded files (default: `files` beside the database file),
   * imported into the database file store; null: none.
   */
  filesDir?: string | null;
  /** Rows per INSERT at most (fewer for wide tables: ≤ 60,000 parameters). */
  batchRows?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyReport {
  from: string;
  to: string;
  tables: TableCount[];
  /** Rows the target held before the copy in tables it replaced (migration or start-up data). */
  replaced: { table: string; rows: number }[];
  searchIndex: { table: string; documents: number; rows: number; instruments: number };
  /** Uploaded files imported from the SQLite installation's folder into `stored_files`. */
  files: { dir: string | null; imported: number; bytes: number; alreadyStored: number };
  sequences: number;
  ledger: { source: LedgerCheck; target: LedgerCheck };
  /** Where the two databases differ after the copy (empty: none). */
  differences: string[];
  /** Things to know that are not differences (e.g. uploaded files left on disk). */
  notes: string[];
  copyMs: number;
  totalMs: number;
}

/** The copy was not started: bad arguments, a target in use, a source of another version. */
export class CopyRefused extends Error {}

/** The copy failed while writing: its transaction was rolled back, the target holds nothing of it. */
export class CopyRolledBack extends Error {}

interface TargetColumn {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  identity: 'ALWAYS' | 'BY DEFAULT' | null;
  generated: boolean;
}

interface TablePlan {
  name: string;
  /** The columns copied (in both, not generated), with their target types. */
  columns: TargetColumn[];
  identity: string[];
  overriding: boolean;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const n = (value: number) => value.toLocaleString('en');

// ---------------------------------------------------------------------------------------------
// Schemas

async function targetSchema(db: Queryable) {
  const rows = await db.all<{
    table: string;
    column: string;
    type: string;
    nullable: boolean;
    hasDefault: boolean;
    identity: string | null;
    generated: boolean;
  }>(
    `SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type",
            c.is_nullable = 'YES' AS "nullable", c.column_default IS NOT NULL AS "hasDefault",
            CASE WHEN c.is_identity = 'YES' THEN c.identity_generation END AS "identity",
            c.is_generated = 'ALWAYS' AS "generated"
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema()
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, TargetColumn[]>();
  for (const r of rows) {
    let columns = tables.get(r.table);
    if (!columns) tables.set(r.table, (columns = []));
    columns.push({
      name: r.column,
      type: r.type,
      nullable: r.nullable,
      hasDefault: r.hasDefault,
      identity: r.identity as TargetColumn['identity'],
      generated: r.generated,
    });
  }
  const references = await db.all<{ table: string; references: string }>(
    `SELECT cl.relname AS "table", rf.relname AS "references"
       FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid JOIN pg_class rf ON rf.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace`,
  );
  return { tables, references };
}

async function sourceSchema(db: Queryable) {
  const tables = await db.all<{ name: string; type: string }>(
    `SELECT name, type FROM pragma_table_list WHERE schema = 'main' ORDER BY name`,
  );
  const out = new Map<string, string[]>();
  for (const t of tables) {
    // FTS5's virtual table and its shadow tables are SQLite's search index: rebuilt, not copied.
    if (t.type !== 'table' || SQLITE_ONLY.test(t.name)) continue;
    out.set(t.name, await db.column<string>(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, [t.name]));
  }
  return out;
}

/** Whether the SQLite file has exactly this version's migrations (the copy maps today's columns). */
async function checkSourceVersion(source: SqliteDatabase): Promise<void> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { when: number; tag: string }[];
  };
  const last = journal.entries.at(-1)!;
  const hasJournal = await source.value(
    `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`,
  );
  const applied = hasJournal
    ? ((await source.value<number | null>('SELECT max(created_at) FROM __drizzle_migrations')) ?? 0)
    : 0;
  if (applied < last.when) {
    throw new CopyRefused(
      `${source.location} is not migrated to this version (its last migration is older than ${last.tag}): ` +
        'start this version of the platform on it once (it migrates at start), then copy.',
    );
  }
  if (applied > last.when) {
    throw new CopyRefused(
      `${source.location} was migrated by a newer version of the platform: copy it with that version.`,
    );
  }
}

/** Tables in foreign-key order (a table after the tables it refers to; references to itself aside). */
function dependencyOrder(tables: string[], references: { table: string; references: string }[]): string[] {
  const set = new Set(tables);
  const needs = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const r of references) {
    if (r.table !== r.references && set.has(r.table) && set.has(r.references)) needs.get(r.table)!.add(r.references);
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t) && [...needs.get(t)!].every((d) => done.has(d)));
    if (!ready.length) {
      const left = tables.filter((t) => !done.has(t));
      throw new Error(`the foreign keys of these tables form a cycle, which the copy cannot order: ${left.join(', ')}`);
    }
    for (const t of ready) {
      order.push(t);
      done.add(t);
    }
  }
  return order;
}

// ---------------------------------------------------------------------------------------------
// Values

type Convert = (value: unknown) => Param;

/** A SQLite value (as better-sqlite3 reads it) in the form the target column takes. */
function converter(table: string, column: TargetColumn): Convert {
  const where = `${table}.${column.name}`;
  switch (column.type) {
    case 'boolean':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (v === 1 || v === 1n || v === true) return true;
        if (v === 0 || v === 0n || v === false) return false;
        throw new Error(`${where}: ${String(v)} is not a SQLite boolean (0 or 1)`);
      };
    case 'json':
    case 'jsonb':
      // JSON travels as text; PostgreSQL parses (and checks) it into jsonb.
      return (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
    case 'bytea':
      return (v) => (typeof v === 'string' ? Buffer.from(v) : (v as Param));
    case 'text':
    case 'character varying':
      return (v) => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : (v as Param));
    default:
      return (v) => v as Param;
  }
}

// ---------------------------------------------------------------------------------------------
// The copy

/** Writes rows into `table` in multi-row INSERTs. */
class Inserter {
  private rows: Param[][] = [];
  private readonly perStatement: number;
  private readonly head: string;
  private readonly one: string;
  written = 0;

  constructor(
    private readonly tx: Tx,
    table: string,
    columns: string[],
    batchRows: number,
    overriding = false,
  ) {
    this.perStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMS / columns.length)));
    this.head =
      `INSERT INTO ${q(table)} (${columns.map(q).join(', ')})` +
      (overriding ? ' OVERRIDING SYSTEM VALUE' : '') +
      ' VALUES ';
    this.one = `(${columns.map(() => '?').join(', ')})`;
  }

  async add(row: Param[]): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= this.perStatement) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.rows.length) return;
    const rows = this.rows;
    this.rows = [];
    await this.tx.run(`${this.head}${Array<string>(rows.length).fill(this.one).join(', ')}`, rows.flat());
    this.written += rows.length;
  }
}

/** Every row of `plan`'s table from the source snapshot into the target transaction, in rowid order. */
async function copyTable(source: Tx, target: Tx, plan: TablePlan, rows: number): Promise<number> {
  const batchRows = plan.columns.some((c) => c.type === 'bytea') ? Math.min(rows, BLOB_BATCH_ROWS) : rows;
  const names = plan.columns.map((c) => c.name);
  const convert = plan.columns.map((c) => converter(plan.name, c));
  const select = `SELECT rowid AS "__rowid", ${names.map(q).join(', ')} FROM ${q(plan.name)}`;
  const insert = new Inserter(target, plan.name, names, batchRows, plan.overriding);
  let after: number | null = null;
  try {
    for (;;) {
      const page: Row[] =
        after === null
          ? await source.all(`${select} ORDER BY rowid LIMIT ?`, [batchRows])
          : await source.all(`${select} WHERE rowid > ? ORDER BY rowid LIMIT ?`, [after, batchRows]);
      for (const row of page) await insert.add(names.map((name, i) => convert[i]!(row[name])));
      if (page.length < batchRows) break;
      after = page.at(-1)!.__rowid as number;
    }
    await insert.flush();
  } catch (err) {
    // Which table, and PostgreSQL's own detail (the key, the value) when it gives one.
    const detail = (err as { detail?: string }).detail;
    throw new Error(`${plan.name}: ${(err as Error).message}${detail ? ` (${detail})` : ''}`, { cause: err });
  }
  return insert.written;
}

/** The search document of every instrument of the source, as the catalogue's repository writes it. */
async function* searchDocuments(source: Tx, batchRows: number): AsyncGenerator<SearchDocument> {
  const cities = new Map(
    (await source.all<{ code: string; ordinal: number }>('SELECT code, ordinal FROM cities')).map((c) => [c.code, c]),
  );
  const categories = new Map(
    (
      await source.all<{
        code: string;
        name: string;
        parentCode: string | null;
        level: number;
        ordinal: number | null;
      }>(`SELECT code, name, parent_code AS "parentCode", level, ordinal FROM categories`)
    ).map((c) => [c.code, c]),
  );
  /** A category's name and its ancestors' (most specific first), and its top-level ordinal. */
  const pathOf = new Map<string, { names: string[]; top: number }>();
  const categoryPath = (code: string) => {
    let found = pathOf.get(code);
    if (!found) {
      const names: string[] = [];
      let top = 0;
      for (let c = categories.get(code), guard = 0; c && guard < 8; guard++) {
        names.push(c.name);
        if (c.level === 1) top = c.ordinal ?? 0;
        c = c.parentCode ? categories.get(c.parentCode) : undefined;
      }
      pathOf.set(code, (found = { names, top }));
    }
    return found;
  };
  const select = `SELECT i.id, i.name_zh AS "nameZh", i.name_en AS "nameEn", i.model, i.manufacturer,
      i.category_code AS "categoryCode", i.institution_id AS "institutionId", o.name AS "institutionName",
      i.city_code AS "cityCode", i.sharing_mode AS "sharingMode", i.run_status AS "runStatus",
      i.search_key AS "searchKey"
    FROM instruments i JOIN organisations o ON o.id = i.institution_id
    WHERE i.id > ? ORDER BY i.id LIMIT ?`;
  let after = 0;
  for (;;) {
    const page = await source.all<{
      id: number;
      nameZh: string;
      nameEn: string | null;
      model: string | null;
      manufacturer: string | null;
      categoryCode: string;
      institutionId: number;
      institutionName: string;
      cityCode: string;
      sharingMode: SharingMode;
      runStatus: RunStatus;
      searchKey: number;
    }>(select, [after, batchRows]);
    for (const i of page) {
      const category = categoryPath(i.categoryCode);
      const city = cities.get(i.cityCode);
      if (!city) throw new Error(`instrument ${i.id}: unknown city ${i.cityCode}`);
      const doc = searchDocument({
        id: i.id,
        nameZh: i.nameZh,
        nameEn: i.nameEn,
        model: i.model,
        manufacturer: i.manufacturer,
        categoryCode: i.categoryCode,
        categoryNames: category.names,
        categoryOrdinal: category.top,
        institutionId: i.institutionId,
        institutionName: i.institutionName,
        cityCode: i.cityCode,
        cityOrdinal: city.ordinal,
        sharingMode: i.sharingMode,
        runStatus: i.runStatus,
      });
      if (doc.key !== i.searchKey) {
        throw new Error(`instrument ${i.id}: its search key ${i.searchKey} is stale (its record gives ${doc.key})`);
      }
      yield doc;
    }
    if (page.length < batchRows) break;
    after = page.at(-1)!.id;
  }
}

/** PostgreSQL's search index, rebuilt from the source's instruments. */
async function rebuildSearchIndex(
  source: Tx,
  target: Tx,
  copied: Set<string>,
  batchRows: number,
): Promise<{ table: string; documents: number }> {
  let table: string | null = null;
  let shape = '';
  let insert: Inserter | null = null;
  let documents = 0;
  for await (const doc of searchDocuments(source, batchRows)) {
    const row = searchIndexRow('postgres', doc);
    const rowShape = `${row.table}(${row.columns.join(',')})`;
    if (rowShape !== shape) {
      if (table !== null && row.table !== table) {
        throw new Error(
          `the search index rows go to two tables (${table}, ${row.table}): not a rebuild this copy knows`,
        );
      }
      if (table === null) {
        if (copied.has(row.table)) {
          throw new Error(`the search index table ${row.table} is also a copied table: not a rebuild this copy knows`);
        }
        // Whatever the instruments' own triggers may have indexed already is written again here.
        await target.run(`DELETE FROM ${q(row.table)}`);
        table = row.table;
      }
      await insert?.flush();
      insert = new Inserter(target, row.table, row.columns, batchRows);
      shape = rowShape;
    }
    await insert!.add(row.values);
    documents++;
  }
  await insert?.flush();
  return { table: table ?? '(none: no instruments)', documents };
}

function plan(
  sourceTables: Map<string, string[]>,
  target: Awaited<ReturnType<typeof targetSchema>>,
): { tables: TablePlan[]; targetOnly: string[] } {
  const problems: string[] = [];
  const tables: TablePlan[] = [];
  for (const [name, sourceColumns] of sourceTables) {
    const targetColumns = target.tables.get(name);
    if (!targetColumns) {
      problems.push(`table ${name} has no place in the PostgreSQL schema`);
      continue;
    }
    const have = new Set(sourceColumns);
    const names = new Set(targetColumns.map((c) => c.name));
    for (const c of sourceColumns) if (!names.has(c)) problems.push(`column ${name}.${c} has no place in PostgreSQL`);
    for (const c of targetColumns) {
      if (!have.has(c.name) && !c.nullable && !c.hasDefault && !c.identity && !c.generated) {
        problems.push(`column ${name}.${c.name} is required in PostgreSQL and missing from the SQLite database`);
      }
    }
    const columns = targetColumns.filter((c) => have.has(c.name) && !c.generated);
    tables.push({
      name,
      columns,
      identity: targetColumns.filter((c) => c.identity).map((c) => c.name),
      overriding: columns.some((c) => c.identity === 'ALWAYS'),
    });
  }
  if (problems.length) {
    throw new CopyRefused(
      `the two schemas do not match (is one of them from another version?):\n  ${problems.join('\n  ')}`,
    );
  }
  const targetOnly = [...target.tables.keys()].filter((t) => !sourceTables.has(t)).sort();
  return { tables, targetOnly };
}

function sameLedger(a: LedgerCheck, b: LedgerCheck): boolean {
  const norm = (c: LedgerCheck) =>
    JSON.stringify({
      ...c,
      mismatches: [...c.mismatches].sort((x, y) => x.accountId - y.accountId || x.field.localeCompare(y.field)),
    });
  return norm(a) === norm(b);
}

/** Every file under `dir` (relative names with forward slashes), in name order. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const e of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${e.name}` : e.name;
      if (e.isDirectory()) walk(name);
      else if (e.isFile() && !e.name.endsWith('.partial')) out.push(name);
    }
  };
  walk('');
  return out.sort();
}

const STORED_FILES = 'stored_files';

/**
 * A SQLite installation keeps uploads in a folder; PostgreSQL's nodes share them in `stored_files`
 * (server/shared/files.ts): each file goes in under its relative name, which is what the rows that
 * refer to it hold (`reports/17-3fa2….pdf`, `photos/…`), with the type its extension stands for. A
 * name the source's own `stored_files` already holds keeps that row.
 */
async function importFiles(
  source: Tx,
  target: Tx,
  dir: string,
): Promise<{ imported: number; bytes: number; alreadyStored: number }> {
  const stored = new Set(await source.column<string>(`SELECT key FROM ${STORED_FILES}`));
  let imported = 0;
  let bytes = 0;
  let alreadyStored = 0;
  for (const key of filesUnder(dir)) {
    if (stored.has(key)) {
      alreadyStored++;
      continue;
    }
    const full = path.join(dir, ...key.split('/'));
    const content = fs.readFileSync(full);
    const ext = /\.([^./]+)$/.exec(key)?.[1]?.toLowerCase() ?? '';
    await target.run(`INSERT INTO ${STORED_FILES} (key, content, type, size, created_at) VALUES (?, ?, ?, ?, ?)`, [
      key,
      content,
      typeOfExtension(ext),
      content.length,
      Math.round(fs.statSync(full).mtimeMs),
    ]);
    imported++;
    bytes += content.length;
  }
  return { imported, bytes, alreadyStored };
}

/** Copies the SQLite database `from` into the empty PostgreSQL database `to` and compares the two. */
export async function copySqliteToPostgres(options: CopyOptions): Promise<CopyReport> {
  const log = options.log ?? (() => undefined);
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const filesDir =
    options.filesDir === undefined ? path.join(path.dirname(path.resolve(options.from)), 'files') : options.filesDir;
  if (isPostgresUrl(options.from)) throw new CopyRefused('the source (--from, DATABASE_PATH) is a SQLite file');
  if (!isPostgresUrl(options.to)) throw new CopyRefused('the target (--to, DATABASE_URL) is a postgres:// URL');
  if (!fs.existsSync(options.from) || !fs.statSync(options.from).isFile()) {
    throw new CopyRefused(`no SQLite database at ${options.from}`);
  }
  // The index rows come from the catalogue's code: a version that cannot write them cannot copy.
  try {
    searchIndexRow('postgres', { key: 0, title: '', body: '', tags: '' });
  } catch (err) {
    throw new CopyRefused(`this version cannot build PostgreSQL's search index: ${(err as Error).message}`);
  }

  const started = performance.now();
  const source = openSqlite(options.from, { snapshotConnections: 1 });
  const target = openDatabase(options.to);
  if (!(target instanceof PostgresDatabase)) throw new CopyRefused('the target is not PostgreSQL');
  try {
    await checkSourceVersion(source);
    log(`migrating ${target.location}`);
    await migrateDatabase(target);
    const targetTables = await targetSchema(target);
    const { tables, targetOnly } = plan(await sourceSchema(source), targetTables);
    const byName = new Map(tables.map((t) => [t.name, t]));
    const derived = DERIVED_BY_TRIGGERS.filter((t) => byName.has(t));
    const order = [
      ...dependencyOrder(
        tables.map((t) => t.name).filter((t) => !derived.includes(t)),
        targetTables.references,
      ),
      ...derived,
    ];

    let copyMs = 0;
    const replaced: CopyReport['replaced'] = [];
    let searchIndex = { table: '', documents: 0 };
    const importing = filesDir !== null && fs.existsSync(filesDir) && filesUnder(filesDir).length > 0;
    if (importing && !byName.has(STORED_FILES)) {
      throw new CopyRefused(
        `${filesDir} holds uploaded files and this version has no database file store (${STORED_FILES}) to move them into`,
      );
    }
    let files = { imported: 0, bytes: 0, alreadyStored: 0 };
    let sequences = 0;
    const sourceCounts = new Map<string, number>();

    // One snapshot of the source for the copy, its counts and its ledger check.
    const sourceLedger = await source.read(async (src) => {
      for (const t of order) sourceCounts.set(t, Number(await src.value(`SELECT count(*) FROM ${q(t)}`)));
      const copyStarted = performance.now();
      const writing = target.bulkWrite(async (tx) => {
        replaced.length = 0;
        // One copy at a time; a second one waits here, then finds the target in use.
        await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', ['isp:db-copy']);
        for (const t of IN_USE.filter((t) => byName.has(t))) {
          const rows = Number(await tx.value(`SELECT count(*) FROM ${q(t)}`));
          if (rows > 0) {
            throw new CopyRefused(
              `${target.location} is in use (${t}: ${n(rows)} rows): db:copy only fills an empty database and never ` +
                'merges. Copy into a new database (createdb), or drop and recreate this one.',
            );
          }
        }
        // What migrations or a server start put into the empty database gives way to the source's.
        for (const t of [...order].reverse()) {
          const rows = Number(await tx.value(`SELECT count(*) FROM ${q(t)}`));
          if (rows > 0) {
            await tx.run(`DELETE FROM ${q(t)}`);
            replaced.push({ table: t, rows });
          }
        }
        for (const t of order) {
          const tableStarted = performance.now();
          if (derived.includes(t)) await tx.run(`DELETE FROM ${q(t)}`);
          const rows = await copyTable(src, tx, byName.get(t)!, batchRows);
          log(`${t}: ${n(rows)} rows in ${Math.round(performance.now() - tableStarted)} ms`);
        }
        if (importing) {
          const filesStarted = performance.now();
          files = await importFiles(src, tx, filesDir);
          log(
            `uploaded files from ${filesDir}: ${n(files.imported)} (${n(files.bytes)} bytes) in ${Math.round(performance.now() - filesStarted)} ms`,
          );
        }
        const indexStarted = performance.now();
        searchIndex = await rebuildSearchIndex(src, tx, new Set(order), batchRows);
        log(
          `search index ${searchIndex.table}: ${n(searchIndex.documents)} documents in ${Math.round(performance.now() - indexStarted)} ms`,
        );
        sequences = 0;
        for (const t of order) {
          for (const column of byName.get(t)!.identity) {
            await tx.value(
              `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE((SELECT max(${q(column)}) FROM ${q(t)}), 0) + 1, false)`,
              [q(t), column],
            );
            sequences++;
          }
        }
      });
      await writing.catch((err: unknown) => {
        if (err instanceof CopyRefused) throw err;
        throw new CopyRolledBack((err as Error).message, { cause: err });
      });
      copyMs = performance.now() - copyStarted;
      return new Ledger(source).check();
    });

    // The target as it is now, committed.
    const counts: TableCount[] = [];
    for (const t of [...order].sort()) {
      counts.push({
        table: t,
        source: sourceCounts.get(t)!,
        target: Number(await target.value(`SELECT count(*) FROM ${q(t)}`)),
      });
    }
    const indexRows =
      searchIndex.documents > 0 ? Number(await target.value(`SELECT count(*) FROM ${q(searchIndex.table)}`)) : 0;
    const targetLedger = await new Ledger(target).check();

    const differences: string[] = [];
    for (const c of counts) {
      const expected = c.source + (c.table === STORED_FILES ? files.imported : 0);
      if (c.target !== expected) {
        differences.push(
          `${c.table}: ${n(c.source)} rows in SQLite, ${n(c.target)} in PostgreSQL (${n(expected)} expected)`,
        );
      }
    }
    const instruments = sourceCounts.get('instruments') ?? 0;
    if (searchIndex.documents !== instruments || indexRows !== instruments) {
      differences.push(
        `search index: ${n(indexRows)} rows (${n(searchIndex.documents)} documents written) for ${n(instruments)} instruments`,
      );
    }
    if (!sameLedger(sourceLedger, targetLedger)) differences.push('the ledger checks differ');
    const notes: string[] = [];
    if (!sourceLedger.balanced) notes.push('the SQLite ledger check is NOT balanced (copied as it is)');
    const otherTargetOnly = targetOnly.filter((t) => t !== searchIndex.table);
    if (otherTargetOnly.length) notes.push(`PostgreSQL-only tables, left as migrated: ${otherTargetOnly.join(', ')}`);
    return {
      from: source.location,
      to: target.location,
      tables: counts,
      replaced,
      searchIndex: { ...searchIndex, rows: indexRows, instruments },
      files: { dir: importing ? filesDir : null, ...files },
      sequences,
      ledger: { source: sourceLedger, target: targetLedger },
      differences,
      notes,
      copyMs,
      totalMs: performance.now() - started,
    };
  } finally {
    await source.close();
    await target.close();
  }
}

/** The report as the command prints it. */
export function formatReport(r: CopyReport): string {
  const width = Math.max(5, ...r.tables.map((t) => t.table.length));
  const num = Math.max(8, ...r.tables.map((t) => n(Math.max(t.source, t.target)).length));
  const line = (a: string, b: string, c: string, d = '') =>
    `  ${a.padEnd(width)}  ${b.padStart(num)}  ${c.padStart(num)}  ${d}`.trimEnd();
  const out = [`${r.from} → ${r.to}`, line('table', 'sqlite', 'postgres')];
  for (const t of r.tables) {
    const added = t.table === STORED_FILES ? r.files.imported : 0;
    const note = t.source + added !== t.target ? '≠ DIFFERENT' : added ? `(+${n(added)} uploaded files from disk)` : '';
    out.push(line(t.table, n(t.source), n(t.target), note));
  }
  const total = (k: 'source' | 'target') => r.tables.reduce((s, t) => s + t[k], 0);
  out.push(line(`${r.tables.length} tables`, n(total('source')), n(total('target'))));
  out.push(
    `search index ${r.searchIndex.table}: ${n(r.searchIndex.rows)} rows for ${n(r.searchIndex.instruments)} instruments`,
  );
  if (r.files.dir) {
    out.push(
      `uploaded files: ${n(r.files.imported)} (${n(r.files.bytes)} bytes) from ${r.files.dir} into ${STORED_FILES}` +
        (r.files.alreadyStored ? `, ${n(r.files.alreadyStored)} already there` : ''),
    );
  }
  const ledger = (c: LedgerCheck) =>
    `${c.balanced ? 'balanced' : 'NOT BALANCED'}, debits ${n(c.debitsFen)} = credits ${n(c.creditsFen)} fen, ` +
    `${n(c.accountsChecked)} accounts, ${c.overdrawnAccounts} overdrawn, ${c.mismatches.length} mismatches`;
  out.push(`ledger check  sqlite:   ${ledger(r.ledger.source)}`);
  out.push(`              postgres: ${ledger(r.ledger.target)}`);
  out.push(`identity sequences: ${r.sequences} set past their largest id`);
  if (r.replaced.length) {
    out.push(`replaced the target's start-up rows: ${r.replaced.map((t) => `${t.table} (${n(t.rows)})`).join(', ')}`);
  }
  for (const note of r.notes) out.push(`note: ${note}`);
  out.push(
    `copied in ${(r.copyMs / 1000).toFixed(1)} s (${(r.totalMs / 1000).toFixed(1)} s with migrating and checking)`,
  );
  out.push(r.differences.length ? `DIFFERENCES:\n  ${r.differences.join('\n  ')}` : 'the two databases agree');
  return out.join('\n');
}

async function main(): Promise<void> {
  let values: { from?: string; to?: string; files?: string; batch?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        files: { type: 'string' },
        batch: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const to = values.to ?? process.env.DATABASE_URL;
  if (!to) {
    console.error(`the target is --to or DATABASE_URL (a postgres:// URL)\n${USAGE}`);
    process.exit(2);
  }
  const batchRows = values.batch === undefined ? undefined : Number(values.batch);
  if (batchRows !== undefined && (!Number.isSafeInteger(batchRows) || batchRows < 1)) {
    console.error(`--batch is a number of rows\n${USAGE}`);
    process.exit(2);
  }
  try {
    const report = await copySqliteToPostgres({
      from: values.from ?? process.env.DATABASE_PATH ?? './data/app.db',
      to,
      filesDir: values.files === 'none' ? null : values.files,
      batchRows,
      log: values.quiet ? undefined : (line) => console.error(line),
    });
    console.log(formatReport(report));
    process.exitCode = report.differences.length ? 1 : 0;
  } catch (err) {
    if (err instanceof CopyRefused) {
      console.error(`refused: ${err.message}`);
      process.exit(2);
    }
    console.error(
      err instanceof CopyRolledBack
        ? `the copy failed and was rolled back (the target holds none of it): ${err.message}`
        : `the copy failed: ${(err as Error).message}`,
    );
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
