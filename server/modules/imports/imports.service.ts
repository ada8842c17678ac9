/**
 * Bulk import of instrument records (批量导入) in the national template: the template itself, the
 * upload (stored, then checked in the background — the dry run), the outcome per row and cell, the
 * sheet with an error column, and the import (all valid rows, or none while any row has errors).
 * Lab managers import into their own institution, platform admins into any.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { instrumentImportErrors, instrumentImports, organisations, users } from '../../../db/schema/index.ts';
import type { ImportErrorPolicy, ImportFormat } from '../../../db/schema/enums.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { downloadName, sniffFile } from '../../shared/files.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { toCsv, toXlsx } from '../settlement/exports.ts';
import type { ImportError, ImportView } from './imports.schemas.ts';
import { ImportProcessor, type ImportDeps } from './processing.ts';
import { readHeaders, readSheet } from './reader.ts';
import {
  COLUMNS,
  ERROR_HEADER,
  FUNDING_LABELS,
  INSTRUMENT_HEADERS,
  ORIGIN_LABELS,
  PURPOSE_LABELS,
  SHARING_LABELS,
  STATUS_LABELS,
  formatRecord,
  missingHeaders,
} from './template.ts';

/** The largest sheet accepted (30,000 rows of the template are well under it). */
export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

type ImportRow = typeof instrumentImports.$inferSelect;

export class ImportsService {
  readonly processor: ImportProcessor;

  constructor(private readonly deps: ImportDeps) {
    this.processor = new ImportProcessor(deps);
  }

  // The template

  /** A lab manager's example row names their institution (what 所属单位 must say). */
  async template(actor: Actor, format: ImportFormat): Promise<Buffer> {
    const { catalog } = await this.processor.references();
    const own =
      actor.role === 'lab_manager'
        ? await this.deps.db.value<string>(`SELECT name FROM organisations WHERE id = ?`, [actor.organisationId])
        : undefined;
    const example = formatRecord({
      assetNumber: 'ZC-2021-0001',
      nameZh: '场发射扫描电子显微镜',
      nameEn: 'Field emission scanning electron microscope',
      institutionName: own ?? '（填写本单位全称）',
      categoryCode: catalog.categories.find((c) => c.level === 3)?.code ?? '030101',
      origin: 'purchased',
      purchaseFunding: 'central',
      originalValueFen: 368_000_000,
      commissionedOn: '2021-06-18',
      country: '日本',
      manufacturer: '日立',
      model: 'SU8020',
      specs: '分辨率 1.0 nm（15 kV）',
      functions: '材料表面形貌观察与元素分析',
      subjectAreas: ['材料科学', '化学'],
      serviceContent: '样品表面形貌观察、能谱分析',
      feeNote: '300 元/小时',
      purpose: 'general',
      sharingMode: 'external',
      sharingRules: '按本单位大型仪器开放共享管理办法执行',
      runStatus: 'normal',
      customsSupervised: false,
      hostFacility: '材料分析测试中心',
      cityCode: catalog.cities[0]?.code ?? '370100',
      cityName: catalog.cities[0]?.name ?? '济南市',
      district: '历下区',
      address: '科院路 19 号 3 号楼 102 室',
      contactName: '张老师',
      contactPhone: '0531-88888888',
      contactEmail: 'sem@example.edu.cn',
      bookingUrl: 'https://lab.example.edu.cn/booking/sem',
      nationalNumber: '',
      runHours: '',
      serviceHours: '',
    });
    const table = {
      sheet: '仪器信息',
      title: '大型科研仪器信息导入模板',
      headers: INSTRUMENT_HEADERS,
      rows: [example],
    };
    if (format === 'csv') return toCsv(table);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx(table)) as unknown as ArrayBuffer);
    const help = wb.addWorksheet('填写说明与允许值');
    help.columns = [
      { header: '列名', width: 20 },
      { header: '填写说明', width: 60 },
    ];
    help.getRow(1).font = { bold: true };
    for (const c of COLUMNS) help.addRow([c.header, c.note]);
    help.addRow([]);
    const list = (title: string, rows: string[][]) => {
      help.addRow([title]).font = { bold: true };
      for (const r of rows) help.addRow(r);
      help.addRow([]);
    };
    const labels = (m: Record<string, string>) => Object.values(m).map((v) => [v]);
    list('运行状态', labels(STATUS_LABELS));
    list('共享模式', labels(SHARING_LABELS));
    list('仪器来源', labels(ORIGIN_LABELS));
    list('资金来源', labels(FUNDING_LABELS));
    list('通用/专用', labels(PURPOSE_LABELS));
    list('是否海关监管', [['是'], ['否']]);
    list(
      '所在城市（名称或代码）',
      catalog.cities.map((c) => [c.name, c.code]),
    );
    const counties = await this.deps.db.all<{ city: string; name: string; code: string }>(
      `SELECT c.name AS city, k.name AS name, k.code AS code FROM counties k JOIN cities c ON c.code = k.city_code ORDER BY k.code`,
    );
    if (counties.length)
      list(
        '所在区县',
        counties.map((k) => [k.name, `${k.city} ${k.code}`]),
      );
    list(
      '分类编码（国家仪器分类）',
      catalog.categories.map((c) => [c.code, `${'　'.repeat(c.level - 1)}${c.name}`]),
    );
    return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
  }

  // Upload and the dry run

  /** Who may see or run an import: the institution's lab managers and platform admins. */
  private async readable(actor: Actor, id: number): Promise<ImportRow> {
    const row = await this.deps.db.orm.select().from(instrumentImports).where(eq(instrumentImports.id, id)).get();
    if (!row) throw notFound('import');
    if (!canManageInstitution(actor, row.institutionId)) throw forbidden('not an import of your institution');
    return row;
  }

  /** The institution the caller imports into (checked before the file is read). */
  async target(actor: Actor, institutionId: number | undefined): Promise<number> {
    let id: number;
    if (actor.role === 'platform_admin') {
      if (institutionId === undefined)
        throw badRequest('institutionId is required', [{ path: 'institutionId', message: 'which institution' }]);
      id = institutionId;
    } else {
      id = actor.organisationId;
      if (institutionId !== undefined && institutionId !== id)
        throw forbidden('lab managers import into their own institution only');
    }
    const kind = await this.deps.db.value<string>(`SELECT kind FROM organisations WHERE id = ?`, [id]);
    if (kind !== 'institution')
      throw badRequest('not an instrument-owning institution', [
        { path: 'institutionId', message: 'unknown institution' },
      ]);
    if (!canManageInstitution(actor, id)) throw forbidden('lab managers import into their own institution only');
    return id;
  }

  async upload(actor: Actor, input: { institutionId: number; fileName: string; bytes: Buffer }): Promise<ImportView> {
    const { bytes } = input;
    if (!bytes.length) throw badRequest('the file is empty', [{ path: 'body', message: 'empty' }]);
    const format = await formatOf(bytes);
    let headers: string[] | null;
    try {
      headers = await readHeaders(bytes, format);
    } catch {
      throw new AppError('unsupported_media_type', 'the file could not be read as an XLSX or CSV sheet');
    }
    if (!headers) throw badRequest('the sheet is empty', [{ path: 'body', message: 'no header row' }]);
    const missing = missingHeaders(headers);
    if (missing.length)
      throw badRequest(
        'the sheet is not in the instrument template',
        missing.map((h) => ({ path: 'body', message: `missing column ${h}` })),
      );
    const stored = await this.deps.files.save('imports', `import-${input.institutionId}`, format, bytes);
    const now = this.deps.clock.now();
    let id: number;
    try {
      id = await this.deps.db.write(async (tx) => {
        const made = await tx.orm
          .insert(instrumentImports)
          .values({
            institutionId: input.institutionId,
            createdBy: actor.userId,
            fileName: downloadName(input.fileName, format === 'csv' ? 'text/csv' : XLSX_TYPE),
            format,
            storedName: stored,
            status: 'validating',
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: instrumentImports.id })
          .get();
        return made!.id;
      });
    } catch (err) {
      await this.deps.files.remove(stored);
      throw err;
    }
    void this.processor.start(id);
    return this.get(actor, id);
  }

  async get(actor: Actor, id: number): Promise<ImportView> {
    await this.readable(actor, id);
    return (await this.views({ id }))[0]!;
  }

  async list(actor: Actor, q: { institutionId?: number; limit: number }): Promise<{ items: ImportView[] }> {
    let institutionId = q.institutionId;
    if (actor.role !== 'platform_admin') {
      if (institutionId !== undefined && institutionId !== actor.organisationId)
        throw forbidden('not an import of your institution');
      institutionId = actor.organisationId;
    }
    return { items: await this.views({ institutionId, limit: q.limit }) };
  }

  private async views(where: { id?: number; institutionId?: number; limit?: number }): Promise<ImportView[]> {
    const creator = users;
    const rows = await this.deps.db.orm
      .select({ i: instrumentImports, institutionName: organisations.name, creatorName: creator.displayName })
      .from(instrumentImports)
      .innerJoin(organisations, eq(organisations.id, instrumentImports.institutionId))
      .innerJoin(creator, eq(creator.id, instrumentImports.createdBy))
      .where(
        and(
          where.id !== undefined ? eq(instrumentImports.id, where.id) : undefined,
          where.institutionId !== undefined ? eq(instrumentImports.institutionId, where.institutionId) : undefined,
        ),
      )
      .orderBy(desc(instrumentImports.id))
      .limit(where.limit ?? 1)
      .all();
    return rows.map(({ i, institutionName, creatorName }) => ({
      id: i.id,
      institution: { id: i.institutionId, name: institutionName },
      createdBy: { id: i.createdBy, name: creatorName },
      fileName: i.fileName,
      format: i.format,
      status: i.status,
      errorPolicy: i.errorPolicy,
      totalRows: i.totalRows,
      validRows: i.validRows,
      errorRows: i.errorRows,
      processedRows: i.processedRows,
      createdCount: i.createdCount,
      updatedCount: i.updatedCount,
      unchangedCount: i.unchangedCount,
      submittedCount: i.submittedCount,
      failure: i.failure,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      finishedAt: i.finishedAt,
    }));
  }

  async errors(actor: Actor, id: number, q: { offset: number; limit: number }) {
    await this.readable(actor, id);
    const e = instrumentImportErrors;
    const items = await this.deps.db.all<ImportError>(
      `SELECT "row", "column", value, message FROM instrument_import_errors WHERE import_id = ?
        ORDER BY "row", id LIMIT ? OFFSET ?`,
      [id, q.limit, q.offset],
    );
    const total = (await this.deps.db.orm.select({ n: count() }).from(e).where(eq(e.importId, id)).get())!.n;
    return { items, total: Number(total) };
  }

  /** The uploaded sheet again, every row, with the column 错误说明 saying what is wrong with it. */
  async errorSheet(
    actor: Actor,
    id: number,
    format?: ImportFormat,
  ): Promise<{ name: string; type: string; bytes: Buffer }> {
    const imp = await this.readable(actor, id);
    const bytes = await this.deps.files.read(imp.storedName);
    if (!bytes) throw notFound('import file');
    const messages = new Map<number, string[]>();
    for (const e of await this.deps.db.all<{ row: number; column: string | null; message: string }>(
      `SELECT "row", "column", message FROM instrument_import_errors WHERE import_id = ? ORDER BY "row", id`,
      [id],
    )) {
      const list = messages.get(Number(e.row)) ?? [];
      list.push(e.column ? `${e.column}：${e.message}` : e.message);
      messages.set(Number(e.row), list);
    }
    let headers: string[] = [];
    const rows: string[][] = [];
    for await (const r of readSheet(bytes, imp.format)) {
      if (!headers.length) {
        headers = r.cells;
        const at = headers.indexOf(ERROR_HEADER);
        if (at >= 0) headers = headers.slice(0, at); // an error sheet sent back: its old column goes
        continue;
      }
      const cells = Array.from({ length: headers.length }, (_, i) => r.cells[i] ?? '');
      rows.push([...cells, (messages.get(r.row) ?? []).join('；')]);
    }
    const table = { sheet: '仪器信息', title: '导入错误说明', headers: [...headers, ERROR_HEADER], rows };
    const out = format ?? imp.format;
    const base = imp.fileName.replace(/\.(xlsx|csv)$/i, '');
    return out === 'csv'
      ? { name: `${base}-错误说明.csv`, type: 'text/csv; charset=utf-8', bytes: toCsv(table) }
      : { name: `${base}-错误说明.xlsx`, type: XLSX_TYPE, bytes: await toXlsx(table) };
  }

  // The import

  async run(actor: Actor, id: number, errorPolicy: ImportErrorPolicy): Promise<ImportView> {
    await this.readable(actor, id);
    await this.deps.db.write(async (tx) => {
      const imp = (await tx.orm.select().from(instrumentImports).where(eq(instrumentImports.id, id)).get())!;
      if (imp.status !== 'validated')
        throw new AppError('conflict', 'only a checked import that has not run yet can be run', [
          { path: 'status', message: `status ${imp.status}` },
        ]);
      if (errorPolicy === 'all_or_nothing' && imp.errorRows > 0)
        throw new AppError('conflict', 'the sheet has rows with errors: nothing was imported', [
          { path: 'errorPolicy', message: `${imp.errorRows} rows with errors` },
        ]);
      if (imp.validRows === 0)
        throw new AppError('conflict', 'the sheet has no row without errors', [
          { path: 'validRows', message: 'no valid rows' },
        ]);
      await tx.orm
        .update(instrumentImports)
        .set({ status: 'importing', errorPolicy, processedRows: 0, nextRow: 0, updatedAt: this.deps.clock.now() })
        .where(eq(instrumentImports.id, id))
        .run();
    });
    void this.processor.start(id);
    return this.get(actor, id);
  }

  async cancel(actor: Actor, id: number): Promise<ImportView> {
    const imp = await this.readable(actor, id);
    const r = await this.deps.db.run(
      `UPDATE instrument_imports SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'validated'`,
      [this.deps.clock.now(), this.deps.clock.now(), id],
    );
    if (r.changes !== 1)
      throw new AppError('conflict', 'only a checked import that has not run yet can be cancelled', [
        { path: 'status', message: `status ${imp.status}` },
      ]);
    await this.deps.files.remove(imp.storedName);
    return this.get(actor, id);
  }
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** XLSX by its bytes; otherwise text (UTF-8, no control bytes) is taken as CSV; anything else is refused. */
async function formatOf(bytes: Buffer): Promise<ImportFormat> {
  const sniffed = await sniffFile(bytes, ['xlsx']);
  if (sniffed.kind === 'xlsx') return 'xlsx';
  const found = sniffed.kind === null ? sniffed.found : null;
  const head = bytes.subarray(0, 64 * 1024);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // eslint-disable-next-line no-control-regex
  if (!found && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text.slice(0, text.length - 4))) return 'csv';
  throw new AppError('unsupported_media_type', 'instrument records are imported from an XLSX or CSV sheet', [
    { path: 'body', message: found ? `not accepted: ${found}` : 'not a recognised sheet' },
  ]);
}
