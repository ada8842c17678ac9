/**
 * The national instrument-record template: one definition of each column — its header, how a record
 * is written into it (the national export, the template's example row) and how a cell is read back
 * (the import) — so an exported sheet re-imports unchanged. Pure: no I/O.
 *
 * Two columns are written but never read: 年总运行机时 and 年对外服务机时 are computed by the export
 * from the platform's usage records, so an import ignores them (the owner's own figures are not
 * overwritten by a sheet).
 */
import {
  instrumentOrigins,
  instrumentPurposes,
  purchaseFundings,
  runStatuses,
  sharingModes,
  type InstrumentOrigin,
  type InstrumentPurpose,
  type PurchaseFunding,
  type RunStatus,
  type SharingMode,
} from '../../../db/schema/enums.ts';
import { isWebAddress } from '../../shared/web-address.ts';
import { instrumentInputSchema, type InstrumentInput } from '../catalog/catalog.schemas.ts';

export const ORIGIN_LABELS: Record<InstrumentOrigin, string> = {
  purchased: '购置',
  self_built: '研制',
  donated: '捐赠',
  other: '其他',
};
export const SHARING_LABELS: Record<SharingMode, string> = {
  external: '外部共享',
  internal: '内部共享',
  not_shared: '不共享',
};
export const STATUS_LABELS: Record<RunStatus, string> = {
  normal: '正常',
  standby: '待机',
  remote: '远程服务中',
  occasional_fault: '偶有故障',
  frequent_fault: '故障频繁',
  awaiting_repair: '待修',
  to_be_retired: '待报废',
};
export const FUNDING_LABELS: Record<PurchaseFunding, string> = {
  central: '中央财政',
  local: '地方财政',
  own: '单位自筹',
  other: '其他',
};
export const PURPOSE_LABELS: Record<InstrumentPurpose, string> = { general: '通用', special: '专用' };
const YES = '是';
const NO = '否';

/** The record fields a sheet carries (the API's instrument input without photo and rate card). */
export type SheetRecord = Omit<InstrumentInput, 'institutionId' | 'rateCard' | 'photoUrl'>;

/** One instrument as the export writes it: its record, and what the sheet shows beside it. */
export interface RecordView extends SheetRecord {
  institutionName: string;
  cityName: string;
  /** The year's hours, as the export computed them (written only). */
  runHours?: string;
  serviceHours?: string;
}

/** What reading a cell needs: the taxonomy and the cities. */
export interface TemplateReference {
  categoryNames: ReadonlyMap<string, string>;
  /** City code by name (济南市, 济南) and by code. */
  cityCodes: ReadonlyMap<string, string>;
}

type Parsed<T> = { value: T } | { error: string };
type Field = keyof SheetRecord;

export interface Column {
  header: string;
  /** The record field the column is read into (none: written only, or checked against the institution). */
  field?: Field;
  required?: boolean;
  /** A line for the instructions sheet. */
  note: string;
  format(r: RecordView): string;
  parse?(cell: string, ref: TemplateReference): Parsed<unknown>;
}

const str = (v: string | null | undefined) => v ?? '';
export const yuan = (fen: number | null | undefined): string =>
  fen === null || fen === undefined ? '' : `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

const text =
  (max: number) =>
  (cell: string): Parsed<string | null> =>
    cell === '' ? { value: null } : [...cell].length > max ? { error: `不能超过 ${max} 个字符` } : { value: cell };

function label<K extends string>(labels: Record<K, string>, fallback?: K) {
  const byLabel = new Map<string, K>();
  for (const [k, v] of Object.entries(labels) as [K, string][]) {
    byLabel.set(v, k);
    byLabel.set(k, k); // the API's own value is accepted too
  }
  return (cell: string): Parsed<K | null> => {
    if (cell === '') return { value: fallback ?? null };
    const found = byLabel.get(cell);
    return found ? { value: found } : { error: `应为以下之一：${Object.values(labels).join('、')}` };
  };
}

/** 元 with up to two decimals → fen, without floating point. */
export function parseYuan(cell: string): Parsed<number> {
  const clean = cell.replace(/[,，\s]/g, '').replace(/^[¥￥]/, '');
  const m = /^(\d{1,11})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!m) return { error: '应为以元为单位的金额，最多两位小数（如 1250000.00）' };
  return { value: Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) };
}

/** 2019-05-20, 2019/5/20 or 2019.5.20 → 2019-05-20. */
export function parseDate(cell: string): Parsed<string | null> {
  if (cell === '') return { value: null };
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(cell);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y >= 1900 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d)
      return { value: date.toISOString().slice(0, 10) };
  }
  return { error: '应为日期，格式 YYYY-MM-DD（如 2019-05-20）' };
}

export const COLUMNS: readonly Column[] = [
  {
    header: '仪器名称',
    field: 'nameZh',
    required: true,
    note: '必填，最多 100 字',
    format: (r) => r.nameZh,
    parse: text(100),
  },
  { header: '英文名称', field: 'nameEn', note: '最多 200 字', format: (r) => str(r.nameEn), parse: text(200) },
  {
    header: '所属单位仪器编号',
    field: 'assetNumber',
    required: true,
    note: '必填，本单位资产编号，单位内唯一；再次导入相同编号即更新该仪器',
    format: (r) => r.assetNumber,
    parse: text(40),
  },
  {
    header: '仪器编号(NRII)',
    field: 'nationalNumber',
    note: '国家网络管理平台的仪器编号，最多 40 字',
    format: (r) => str(r.nationalNumber),
    parse: text(40),
  },
  { header: '所属单位', required: true, note: '必填，须与导入的单位名称一致', format: (r) => r.institutionName },
  {
    header: '分类编码',
    field: 'categoryCode',
    required: true,
    note: '必填，国家仪器分类 6 位编码（见“允许值”表）',
    format: (r) => r.categoryCode,
    parse: (cell, ref) =>
      !/^\d{6}$/.test(cell)
        ? { error: '应为 6 位数字的分类编码' }
        : ref.categoryNames.has(cell)
          ? { value: cell }
          : { error: '分类编码不在国家仪器分类中' },
  },
  {
    header: '仪器来源',
    field: 'origin',
    note: `${Object.values(ORIGIN_LABELS).join('/')}，空白为购置`,
    format: (r) => ORIGIN_LABELS[r.origin],
    parse: label(ORIGIN_LABELS, 'purchased'),
  },
  {
    header: '资金来源',
    field: 'purchaseFunding',
    note: Object.values(FUNDING_LABELS).join('/'),
    format: (r) => (r.purchaseFunding ? FUNDING_LABELS[r.purchaseFunding] : ''),
    parse: label(FUNDING_LABELS),
  },
  {
    header: '原值(元)',
    field: 'originalValueFen',
    required: true,
    note: '必填，以元为单位，最多两位小数',
    format: (r) => yuan(r.originalValueFen),
    parse: (cell) => {
      const fen = parseYuan(cell);
      return 'value' in fen && fen.value > 1e13 ? { error: '金额过大' } : fen;
    },
  },
  {
    header: '启用日期',
    field: 'commissionedOn',
    note: 'YYYY-MM-DD',
    format: (r) => str(r.commissionedOn),
    parse: parseDate,
  },
  { header: '产地国别', field: 'country', note: '最多 40 字', format: (r) => str(r.country), parse: text(40) },
  {
    header: '生产制造商',
    field: 'manufacturer',
    note: '最多 100 字',
    format: (r) => str(r.manufacturer),
    parse: text(100),
  },
  { header: '规格型号', field: 'model', note: '最多 100 字', format: (r) => str(r.model), parse: text(100) },
  { header: '主要技术指标', field: 'specs', note: '最多 500 字', format: (r) => str(r.specs), parse: text(500) },
  { header: '主要功能', field: 'functions', note: '最多 300 字', format: (r) => str(r.functions), parse: text(300) },
  {
    header: '主要学科领域',
    field: 'subjectAreas',
    note: '最多 4 个，用“；”分隔，每个最多 30 字',
    format: (r) => r.subjectAreas.join('；'),
    parse: (cell) => {
      const areas = cell
        .split(/[；;、,，]/)
        .map((s) => s.trim())
        .filter(Boolean);
      if (areas.length > 4) return { error: '学科领域最多 4 个' };
      if (areas.some((a) => [...a].length > 30)) return { error: '每个学科领域最多 30 字' };
      return { value: areas };
    },
  },
  {
    header: '服务内容',
    field: 'serviceContent',
    note: '最多 1000 字',
    format: (r) => str(r.serviceContent),
    parse: text(1000),
  },
  { header: '参考收费标准', field: 'feeNote', note: '最多 500 字', format: (r) => str(r.feeNote), parse: text(500) },
  {
    header: '通用/专用',
    field: 'purpose',
    note: Object.values(PURPOSE_LABELS).join('/'),
    format: (r) => (r.purpose ? PURPOSE_LABELS[r.purpose] : ''),
    parse: label(PURPOSE_LABELS),
  },
  {
    header: '共享模式',
    field: 'sharingMode',
    required: true,
    note: `必填，${Object.values(SHARING_LABELS).join('/')}`,
    format: (r) => SHARING_LABELS[r.sharingMode],
    parse: label(SHARING_LABELS),
  },
  {
    header: '共享规定',
    field: 'sharingRules',
    note: '本单位的开放共享管理规定，最多 1000 字',
    format: (r) => str(r.sharingRules),
    parse: text(1000),
  },
  {
    header: '运行状态',
    field: 'runStatus',
    note: `${Object.values(STATUS_LABELS).join('/')}，空白为正常`,
    format: (r) => STATUS_LABELS[r.runStatus],
    parse: label(STATUS_LABELS, 'normal'),
  },
  {
    header: '是否海关监管',
    field: 'customsSupervised',
    note: '是/否，空白为否',
    format: (r) => (r.customsSupervised ? YES : NO),
    parse: (cell) =>
      cell === '' || cell === NO || /^(false|n|no|0)$/i.test(cell)
        ? { value: false }
        : cell === YES || /^(true|y|yes|1)$/i.test(cell)
          ? { value: true }
          : { error: '应为“是”或“否”' },
  },
  {
    header: '所属科研设施/平台',
    field: 'hostFacility',
    note: '仪器所在的科研设施或平台名称，最多 100 字',
    format: (r) => str(r.hostFacility),
    parse: text(100),
  },
  {
    header: '所在城市',
    field: 'cityCode',
    required: true,
    note: '必填，城市名称或 6 位区划代码（见“允许值”表）',
    format: (r) => r.cityName,
    parse: (cell, ref) => {
      const code = ref.cityCodes.get(cell);
      return code ? { value: code } : { error: '不是本省的城市（应为城市名称或 6 位区划代码）' };
    },
  },
  { header: '所在区县', field: 'district', note: '最多 40 字', format: (r) => str(r.district), parse: text(40) },
  { header: '详细地址', field: 'address', note: '最多 200 字', format: (r) => str(r.address), parse: text(200) },
  { header: '联系人', field: 'contactName', note: '最多 40 字', format: (r) => str(r.contactName), parse: text(40) },
  {
    header: '联系电话',
    field: 'contactPhone',
    note: '最多 40 字',
    format: (r) => str(r.contactPhone),
    parse: text(40),
  },
  {
    header: '电子邮箱',
    field: 'contactEmail',
    note: '电子邮箱地址',
    format: (r) => str(r.contactEmail),
    parse: (cell) =>
      cell === ''
        ? { value: null }
        : cell.length <= 120 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(cell)
          ? { value: cell }
          : { error: '不是有效的电子邮箱地址' },
  },
  {
    header: '预约网址',
    field: 'bookingUrl',
    note: '本单位预约系统中该仪器的网址，以 http:// 或 https:// 开头',
    format: (r) => str(r.bookingUrl),
    parse: (cell) =>
      cell === ''
        ? { value: null }
        : cell.length <= 300 && isWebAddress(cell)
          ? { value: cell }
          : { error: '应为以 http:// 或 https:// 开头的网址' },
  },
  {
    header: '年总运行机时',
    note: '导出时按平台使用记录计算；导入时忽略',
    format: (r) => str(r.runHours),
  },
  {
    header: '年对外服务机时',
    note: '导出时按平台使用记录计算；导入时忽略',
    format: (r) => str(r.serviceHours),
  },
];

export const INSTRUMENT_HEADERS: string[] = COLUMNS.map((c) => c.header);
export const INSTITUTION_HEADER = '所属单位';
/** The column an error sheet adds after the template's. */
export const ERROR_HEADER = '错误说明';

/** A record as the template's row. */
export function formatRecord(r: RecordView): string[] {
  return COLUMNS.map((c) => c.format(r));
}

export interface CellError {
  /** The column's header; null for a problem with the whole row. */
  column: string | null;
  value: string | null;
  /** What is wrong, in Chinese (stored as the error's message). */
  problem: string;
}

/** Headers the template requires that a sheet's header row lacks. */
export function missingHeaders(headers: readonly string[]): string[] {
  const have = new Set(headers.map((h) => h.trim()));
  return COLUMNS.filter((c) => c.required && !have.has(c.header)).map((c) => c.header);
}

/**
 * A sheet row's cells (by header) read into a record: every cell checked, each problem at its column
 * in Chinese. The record is complete only when there are no errors.
 */
export function parseRecord(
  cells: ReadonlyMap<string, string>,
  ref: TemplateReference,
): { record: SheetRecord | null; institutionName: string; errors: CellError[] } {
  const errors: CellError[] = [];
  const out: Record<string, unknown> = {};
  for (const c of COLUMNS) {
    if (!c.field || !c.parse) continue;
    const cell = cells.get(c.header) ?? '';
    if (c.required && cell === '') {
      errors.push({ column: c.header, value: null, problem: '必填项不能为空' });
      continue;
    }
    const parsed = c.parse(cell, ref);
    if ('error' in parsed) errors.push({ column: c.header, value: cell, problem: parsed.error });
    else out[c.field] = parsed.value;
  }
  const institutionName = cells.get(INSTITUTION_HEADER) ?? '';
  if (institutionName === '') errors.push({ column: INSTITUTION_HEADER, value: null, problem: '必填项不能为空' });
  if (errors.length) return { record: null, institutionName, errors };
  // The API's own rules last, so a sheet can never hold what the form would refuse.
  const checked = instrumentInputSchema.safeParse(out);
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const column = COLUMNS.find((c) => c.field === issue.path[0])?.header ?? null;
      errors.push({ column, value: column ? (cells.get(column) ?? null) : null, problem: '格式不正确' });
    }
    return { record: null, institutionName, errors };
  }
  const { rateCard: _r, institutionId: _i, photoUrl: _p, ...record } = checked.data;
  return { record, institutionName, errors };
}

/** What a spreadsheet cell holds, as the text the template reads (dates as YYYY-MM-DD). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return unDefuse(v.trim());
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toFixed(6))) : '';
  if (typeof v === 'boolean') return v ? YES : NO;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return cellText((o.richText as { text: string }[]).map((r) => r.text).join(''));
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('hyperlink' in o) return cellText(o.hyperlink);
  }
  return '';
}

/** The CSV export prefixes a quote to text a spreadsheet would run as a formula; reading takes it off. */
const unDefuse = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

/** Allowed values, for the template's second sheet. */
export { instrumentOrigins, instrumentPurposes, purchaseFundings, runStatuses, sharingModes };
