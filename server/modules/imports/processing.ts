/**
 * The background work of an import: the dry run (every row checked, problems stored, nothing else
 * written) and the import itself (chunk by chunk, one transaction each, `next_row` advanced in it).
 * Both run under a lease on the import row, so one node works on an import at a time; a node that
 * dies leaves the lease to run out, and the import job (or the next start) of any node takes the
 * import over: a dry run starts again, an import goes on at `next_row`.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database, Queryable } from '../../../db/port.ts';
import {
  instrumentImportErrors,
  instrumentImports,
  listingSubmissions,
  organisations,
  users,
} from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { FileStorage } from '../../shared/files.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { CatalogRepo } from '../catalog/catalog.repo.ts';
import { loadReference, type Reference } from '../catalog/context.ts';
import type { NotificationEvent } from '../notifications/notifier.ts';
import { readSheet, type SheetRow } from './reader.ts';
import {
  INSTITUTION_HEADER,
  missingHeaders,
  parseRecord,
  type CellError,
  type SheetRecord,
  type TemplateReference,
} from './template.ts';
import { writeChunk } from './writer.ts';

/** Rows per transaction of an import (and per progress update of a dry run). */
export const CHUNK_ROWS = 500;
/** How long a node holds an import without renewing (renewed every chunk). */
export const LEASE_MS = 60_000;

export interface ImportDeps {
  db: Database;
  files: FileStorage;
  clock: Clock;
  notifier?: { notify(event: NotificationEvent, now: number): Promise<number> };
  audit?: AuditLog;
  log?: (message: string) => void;
}

type ImportRow = typeof instrumentImports.$inferSelect;

const ASSET_HEADER = '所属单位仪器编号';

/** Checks rows one by one against the institution and the rows before them in the file. */
export class RowChecker {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly headers: readonly string[],
    private readonly ref: TemplateReference,
    private readonly institutionName: string,
    /** Asset numbers a new published record may not take (reserved by a pending submission). */
    private readonly reserved: ReadonlySet<string>,
  ) {}

  check(r: SheetRow): { record: SheetRecord | null; errors: CellError[] } {
    const cells = new Map<string, string>();
    this.headers.forEach((h, i) => {
      if (h && !cells.has(h)) cells.set(h, r.cells[i] ?? '');
    });
    const { record, institutionName, errors } = parseRecord(cells, this.ref);
    if (institutionName && institutionName !== this.institutionName)
      errors.push({
        column: INSTITUTION_HEADER,
        value: institutionName,
        problem: `所属单位应为“${this.institutionName}”`,
      });
    const asset = cells.get(ASSET_HEADER) ?? '';
    if (asset) {
      const first = this.seen.get(asset);
      if (first !== undefined)
        errors.push({ column: ASSET_HEADER, value: asset, problem: `与第 ${first} 行的资产编号重复` });
      else this.seen.set(asset, r.row);
      if (this.reserved.has(asset))
        errors.push({
          column: ASSET_HEADER,
          value: asset,
          problem: '该资产编号已有待审核的新增记录，请先在入网审核中处理',
        });
    }
    return { record: errors.length ? null : record, errors };
  }
}

export class ImportProcessor {
  readonly holder = `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private reference: { catalog: Reference; template: TemplateReference } | null = null;
  /** Imports this process is working on (never twice at once). */
  private readonly running = new Map<number, Promise<void>>();

  constructor(private readonly deps: ImportDeps) {}

  async references(): Promise<{ catalog: Reference; template: TemplateReference }> {
    if (this.reference?.catalog.cities.length) return this.reference;
    const catalog = await loadReference(new CatalogRepo(this.deps.db));
    const { cities, categories } = catalog;
    const cityCodes = new Map<string, string>();
    for (const c of cities) {
      cityCodes.set(c.code, c.code);
      cityCodes.set(c.name, c.code);
      // 济南 or 济南市, whichever the sheet says.
      cityCodes.set(c.name.endsWith('市') ? c.name.slice(0, -1) : `${c.name}市`, c.code);
    }
    const template = { categoryNames: new Map(categories.map((c) => [c.code, c.name])), cityCodes };
    this.reference = { catalog, template };
    return this.reference;
  }

  /** Works on the import now, in this process (unless it does already or another node holds it). */
  start(id: number): Promise<void> {
    const busy = this.running.get(id);
    if (busy) return busy;
    const work = this.process(id)
      .catch((err) => (this.deps.log ?? console.error)(`[imports] import ${id}: ${String(err)}`))
      .finally(() => this.running.delete(id));
    this.running.set(id, work);
    return work;
  }

  /** Imports left by a node that stopped (lease run out): taken over. What the periodic job runs. */
  async resume(): Promise<number> {
    const now = Date.now();
    const stale = await this.deps.db.orm
      .select({ id: instrumentImports.id })
      .from(instrumentImports)
      .where(
        and(
          inArray(instrumentImports.status, ['validating', 'importing']),
          or(isNull(instrumentImports.leaseUntil), lt(instrumentImports.leaseUntil, now)),
        ),
      )
      .all();
    for (const { id } of stale) await this.start(id);
    return stale.length;
  }

  /** Waits for what this process is doing (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  /** Takes (or renews) the lease; false when another node holds it or the import moved on. */
  private async lease(q: Queryable, id: number): Promise<boolean> {
    const now = Date.now();
    const r = await q.run(
      `UPDATE instrument_imports SET leased_by = ?, lease_until = ?
        WHERE id = ? AND status IN ('validating', 'importing')
          AND (lease_until IS NULL OR lease_until < ? OR leased_by = ?)`,
      [this.holder, now + LEASE_MS, id, now, this.holder],
    );
    return r.changes === 1;
  }

  private async process(id: number): Promise<void> {
    if (!(await this.deps.db.write((tx) => this.lease(tx, id)))) return;
    const row = (await this.deps.db.orm.select().from(instrumentImports).where(eq(instrumentImports.id, id)).get())!;
    try {
      if (row.status === 'validating') await this.validate(row);
      else if (row.status === 'importing') await this.import(row);
    } catch (err) {
      if (err instanceof LeaseLost) return;
      await this.fail(row, err);
    }
  }

  private async institutionName(q: Queryable, id: number): Promise<string> {
    return (await q.value<string>(`SELECT name FROM organisations WHERE id = ?`, [id])) ?? '';
  }

  private async sheet(row: ImportRow): Promise<Buffer> {
    const bytes = await this.deps.files.read(row.storedName);
    if (!bytes) throw new Error('the uploaded file is gone');
    return bytes;
  }

  /** A reviewer's import publishes directly. */
  private async publishes(q: Queryable, userId: number): Promise<boolean> {
    return (await q.value<string>(`SELECT role FROM users WHERE id = ?`, [userId])) === 'platform_admin';
  }

  // The dry run

  private async validate(imp: ImportRow): Promise<void> {
    const { db } = this.deps;
    const { template } = await this.references();
    const bytes = await this.sheet(imp);
    await db.write(async (tx) => {
      await tx.orm.delete(instrumentImportErrors).where(eq(instrumentImportErrors.importId, imp.id)).run();
    });
    const institutionName = await this.institutionName(db, imp.institutionId);
    const publishes = await this.publishes(db, imp.createdBy);
    const reserved = publishes ? await this.reservedAssets(db, imp.institutionId) : new Set<string>();
    let checker: RowChecker | null = null;
    let total = 0;
    let bad = 0;
    let pending: (CellError & { row: number })[] = [];
    const flush = async (done: boolean) => {
      const errors = pending;
      pending = [];
      await db.write(async (tx) => {
        if (!(await this.lease(tx, imp.id))) throw new LeaseLost();
        await insertErrors(tx, imp.id, errors);
        await tx.orm
          .update(instrumentImports)
          .set({
            processedRows: total,
            totalRows: total,
            errorRows: bad,
            validRows: total - bad,
            updatedAt: this.deps.clock.now(),
            ...(done && { status: 'validated' as const, leasedBy: null, leaseUntil: null }),
          })
          .where(eq(instrumentImports.id, imp.id))
          .run();
      });
    };
    for await (const r of readSheet(bytes, imp.format)) {
      if (!checker) {
        const headers = r.cells.map((c) => c.trim());
        const missing = missingHeaders(headers);
        if (missing.length) {
          pending = missing.map((h) => ({ row: r.row, column: h, value: null, problem: '缺少此列（请使用导入模板）' }));
          bad = 0;
          break;
        }
        checker = new RowChecker(headers, template, institutionName, reserved);
        continue;
      }
      total++;
      const { errors } = checker.check(r);
      if (errors.length) {
        bad++;
        for (const e of errors) pending.push({ row: r.row, ...e, value: e.value?.slice(0, 500) ?? null });
      }
      if (total % CHUNK_ROWS === 0) await flush(false);
    }
    if (!checker && !pending.length)
      pending = [{ row: 1, column: null, value: null, problem: '文件中没有内容（第一行应为模板的列名）' }];
    await flush(true);
  }

  private async reservedAssets(q: Queryable, institutionId: number): Promise<Set<string>> {
    const rows = await q.orm
      .select({ asset: listingSubmissions.assetNumber })
      .from(listingSubmissions)
      .where(
        and(
          eq(listingSubmissions.institutionId, institutionId),
          eq(listingSubmissions.kind, 'new'),
          inArray(listingSubmissions.status, ['pending', 'returned']),
        ),
      )
      .all();
    return new Set(rows.map((r) => r.asset));
  }

  // The import

  private async import(imp: ImportRow): Promise<void> {
    const { db, clock } = this.deps;
    const refs = await this.references();
    const bytes = await this.sheet(imp);
    const institutionName = await this.institutionName(db, imp.institutionId);
    const publishes = await this.publishes(db, imp.createdBy);
    const errorRows = new Set(
      await db.column<number>(`SELECT DISTINCT "row" FROM instrument_import_errors WHERE import_id = ?`, [imp.id]),
    );
    let checker: RowChecker | null = null;
    let chunk: { row: number; record: SheetRecord }[] = [];
    let processed = imp.processedRows;
    let lastRow = imp.nextRow - 1;
    const commit = async (done: boolean) => {
      const rows = chunk;
      chunk = [];
      const nextRow = lastRow + 1;
      await db.write(async (tx) => {
        if (!(await this.lease(tx, imp.id))) throw new LeaseLost();
        const now = clock.now();
        const out = await writeChunk(
          tx,
          {
            importId: imp.id,
            institutionId: imp.institutionId,
            institutionName,
            userId: imp.createdBy,
            publishes,
            ref: refs.catalog,
            now,
          },
          rows,
        );
        await insertErrors(tx, imp.id, out.errors);
        const failed = new Set(out.errors.map((e) => e.row)).size;
        await tx.orm
          .update(instrumentImports)
          .set({
            createdCount: sql`${instrumentImports.createdCount} + ${out.created}`,
            updatedCount: sql`${instrumentImports.updatedCount} + ${out.updated}`,
            unchangedCount: sql`${instrumentImports.unchangedCount} + ${out.unchanged}`,
            submittedCount: sql`${instrumentImports.submittedCount} + ${out.submitted}`,
            errorRows: sql`${instrumentImports.errorRows} + ${failed}`,
            validRows: sql`${instrumentImports.validRows} - ${failed}`,
            processedRows: processed,
            nextRow,
            updatedAt: now,
          })
          .where(eq(instrumentImports.id, imp.id))
          .run();
        if (done) await this.finish(tx, imp.id, now);
      });
    };
    for await (const r of readSheet(bytes, imp.format)) {
      if (!checker) {
        checker = new RowChecker(
          r.cells.map((c) => c.trim()),
          refs.template,
          institutionName,
          new Set(),
        );
        continue;
      }
      // Rows checked again (duplicates are told apart by the row they first appear in, so every row goes through).
      const { record } = checker.check(r);
      if (r.row < imp.nextRow) continue; // done by an earlier run
      processed++;
      lastRow = r.row;
      if (record && !errorRows.has(r.row)) chunk.push({ row: r.row, record });
      if (processed % CHUNK_ROWS === 0) await commit(false);
    }
    await commit(true);
  }

  /** The end of an import: the outcome, the lab's listing submissions told to reviewers, the uploader told. */
  private async finish(tx: Queryable, id: number, now: number): Promise<void> {
    await tx.orm
      .update(instrumentImports)
      .set({ status: 'completed', finishedAt: now, leasedBy: null, leaseUntil: null, updatedAt: now })
      .where(eq(instrumentImports.id, id))
      .run();
    const imp = (await tx.orm.select().from(instrumentImports).where(eq(instrumentImports.id, id)).get())!;
    const institution = (await tx.orm
      .select({ name: organisations.name })
      .from(organisations)
      .where(eq(organisations.id, imp.institutionId))
      .get())!;
    const first = await tx.orm
      .select()
      .from(listingSubmissions)
      .where(and(eq(listingSubmissions.importId, id), eq(listingSubmissions.status, 'pending')))
      .orderBy(listingSubmissions.id)
      .limit(1)
      .get();
    const notifier = this.deps.notifier;
    if (first && imp.submittedCount > 0) {
      const admins = await tx.column<number>(
        `SELECT DISTINCT organisation_id FROM users WHERE role = 'platform_admin' ORDER BY organisation_id`,
      );
      await notifier?.notify(
        {
          type: 'listing_submitted',
          to: admins.map((organisationId) => ({ organisationId, role: 'platform_admin' as const })),
          data: {
            submissionId: first.id,
            instrumentName: first.nameZh,
            assetNumber: first.assetNumber,
            kind: first.kind,
            institutionName: institution.name,
            count: imp.submittedCount,
          },
          link: '/admin/listing-review',
          key: `listing_submitted:import:${id}`,
        },
        now,
      );
    }
    await notifier?.notify(
      {
        type: 'import_finished',
        to: [{ userId: imp.createdBy }],
        data: this.finishedData(imp, true),
        link: `/lab/imports?id=${id}`,
        key: `import_finished:import:${id}`,
      },
      now,
    );
    const who = await tx.orm
      .select({ id: users.id, email: users.email, role: users.role, organisationId: users.organisationId })
      .from(users)
      .where(eq(users.id, imp.createdBy))
      .get();
    if (who?.role === 'platform_admin')
      await this.deps.audit?.record(
        {
          action: 'instrument.import',
          who: { userId: who.id, email: who.email, organisationId: who.organisationId },
          subject: { type: 'organisation', id: imp.institutionId },
          details: {
            importId: id,
            institutionName: institution.name,
            fileName: imp.fileName,
            created: imp.createdCount,
            updated: imp.updatedCount,
            unchanged: imp.unchangedCount,
          },
        },
        tx,
      );
  }

  finishedData(imp: ImportRow, ok: boolean) {
    return {
      importId: imp.id,
      fileName: imp.fileName,
      ok,
      created: imp.createdCount,
      updated: imp.updatedCount,
      unchanged: imp.unchangedCount,
      submitted: imp.submittedCount,
      errors: imp.errorRows,
    };
  }

  /** Something other than the rows went wrong (an unreadable file): the import stops, the uploader is told. */
  private async fail(imp: ImportRow, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    (this.deps.log ?? console.error)(`[imports] import ${imp.id} failed: ${message}`);
    await this.deps.db.write(async (tx) => {
      const now = this.deps.clock.now();
      await tx.orm
        .update(instrumentImports)
        .set({
          status: 'failed',
          failure: unreadable(message)
            ? '无法读取文件：请确认是模板格式的 XLSX 或 CSV 文件'
            : '导入过程中出错，请稍后重试',
          finishedAt: now,
          leasedBy: null,
          leaseUntil: null,
          updatedAt: now,
        })
        .where(eq(instrumentImports.id, imp.id))
        .run();
      await this.deps.notifier?.notify(
        {
          type: 'import_finished',
          to: [{ userId: imp.createdBy }],
          data: this.finishedData(imp, false),
          link: `/lab/imports?id=${imp.id}`,
          key: `import_finished:import:${imp.id}`,
        },
        now,
      );
    });
  }
}

class LeaseLost extends Error {}

/** Stores row problems, a few hundred per statement. */
async function insertErrors(q: Queryable, importId: number, errors: (CellError & { row: number })[]): Promise<void> {
  for (let i = 0; i < errors.length; i += 200) {
    const part = errors.slice(i, i + 200);
    await q.run(
      `INSERT INTO instrument_import_errors (import_id, "row", "column", value, message) VALUES ${part
        .map(() => '(?, ?, ?, ?, ?)')
        .join(', ')}`,
      part.flatMap((e) => [importId, e.row, e.column, e.value, e.problem]),
    );
  }
}

const unreadable = (message: string) => !/SQL|constraint|database/i.test(message);
