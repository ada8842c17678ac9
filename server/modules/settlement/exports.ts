/**
 * Exports of settlement batches, reconciliation runs and the voucher register: tables for CSV and
 * XLSX (Chinese headers, yuan with two decimals) and the printable settlement statement (兑付结算单)
 * as PDF. Pure functions of their inputs: no database, no HTTP.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import type { BatchStatus, FindingKind, LineStatus, VoucherUseStatus } from '../../../db/schema/enums.ts';
import { formatFen } from '../../shared/money.ts';
import type { Check } from './checks.ts';
import type { BatchView, RunView } from './settlement.schemas.ts';

export interface Table {
  sheet: string;
  title: string;
  headers: string[];
  rows: (string | number)[][];
}

export interface VoucherRegisterRow {
  useId: number;
  bookingId: number;
  programmeName: string;
  enterpriseName: string;
  providerName: string;
  instrumentName: string;
  serviceDate: string;
  status: string;
  ratioPercent: number;
  eligibleFen: number;
  reservedFen: number;
  postedFen: number | null;
  batchId: number | null;
  lineStatus: string | null;
  paid: boolean;
}

// Vocabularies

export const LINE_STATUS_LABELS: Record<LineStatus, string> = {
  pending: '待审核',
  approved: '已通过',
  returned: '退回修改',
  rejected: '不予兑付',
  removed: '已移除',
};

export const BATCH_STATUS_LABELS: Record<BatchStatus, string> = {
  draft: '草稿',
  submitted: '已提交',
  in_notice: '公示中',
  reviewed: '已审核',
  paid: '已兑付',
};

export const FINDING_KIND_LABELS: Record<FindingKind, string> = {
  processor_missing_in_ledger: '支付机构有、账本无',
  ledger_missing_at_processor: '账本有、支付机构无',
  amount_mismatch: '金额不符',
  status_mismatch: '状态不符',
  duplicate: '重复',
  voucher_rule_broken: '创新券规则不符',
  quota_identity_broken: '额度恒等式不成立',
  batch_total_mismatch: '批次合计不符',
  ledger_unbalanced: '账本借贷不平',
  transfer_missing_in_ledger: '转账到账未入账',
  transfer_amount_mismatch: '转账金额与账本不符',
  notice_total_mismatch: '通知书到账合计不符',
};

/** The automatic checks of a claim line (checks.ts), as finance staff call them. */
export const CHECK_LABELS: Record<Check['name'], string> = {
  total_adds_up: '金额合计相符',
  ratio_and_caps: '补贴比例与限额',
  published_price: '公示价格',
  usage_matches: '用量相符',
  within_validity: '创新券有效期',
  claim_window: '申报期限',
  no_related_party: '无关联关系',
  out_of_province_justified: '省外服务说明',
  evidence: '发票与报告',
  invoice_matches: '发票与订单相符',
  agreement_accepted: '服务协议已接受',
};

export const VOUCHER_USE_STATUS_LABELS: Record<VoucherUseStatus, string> = {
  reserved: '已冻结',
  posted: '已核销',
  released: '已释放',
};

/** What each batch history action means (settlement.service.ts records them). */
export const HISTORY_ACTION_LABELS: Record<string, string> = {
  created: '创建批次',
  evidence: '补充材料',
  remove: '移出批次',
  submit: '提交审核',
  resubmit: '重新提交',
  approve: '审核通过',
  approve_override: '特批通过',
  return: '退回修改',
  reject: '不予兑付',
  reviewed: '审核完成',
  pay: '兑付付款',
};

const label = (labels: Record<string, string>, key: string | null | undefined): string =>
  key === null || key === undefined ? '' : (labels[key] ?? key);

const ZONE = 'Asia/Shanghai';

/** An ISO instant as Beijing local time, `2026-01-05 14:30`; '' for none. */
function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = DateTime.fromISO(iso, { setZone: false }).setZone(ZONE);
  return t.isValid ? t.toFormat('yyyy-MM-dd HH:mm') : iso;
}

/** Money columns are the ones whose header ends in (元): their cells are yuan numbers. */
export const isMoneyHeader = (header: string): boolean => header.endsWith('(元)');

/** Integer fen as a yuan number for a table cell (1234.56); exact to the cent when printed with toFixed(2). */
const yuan = (fen: number): number => fen / 100;

// Tables

export function batchTable(batch: BatchView): Table {
  return {
    sheet: '兑付明细',
    title: `${batch.programmeName} ${batch.month} 兑付批次 #${batch.id}`,
    headers: [
      '行号',
      '预约单号',
      '用户单位',
      '仪器名称',
      '服务日期',
      '订单金额(元)',
      '自付金额(元)',
      '创新券金额(元)',
      '发票号',
      '支付凭证',
      '服务记录',
      '审核状态',
      '审核意见',
      '自动核查',
    ],
    rows: batch.lines.map((l, i) => {
      const failed = l.checks.filter((c) => !c.ok).map((c) => label(CHECK_LABELS, c.name));
      const opinion = [l.reason ?? '', l.override ? `特批放行（${l.override.by}）：${l.override.reason}` : '']
        .filter(Boolean)
        .join('；');
      return [
        i + 1,
        l.bookingId,
        l.enterprise.name,
        l.instrumentName,
        l.serviceDate,
        yuan(l.totalFen),
        yuan(l.selfPayFen),
        yuan(l.voucherFen),
        l.invoiceNo ?? '',
        l.paymentRef ?? '',
        l.serviceRecord,
        label(LINE_STATUS_LABELS, l.status),
        opinion,
        failed.length ? failed.join('；') : '通过',
      ];
    }),
  };
}

export function runTable(run: RunView): Table {
  return {
    sheet: '对账差异',
    title: `对账运行 #${run.id} ${localTime(run.from)} 至 ${localTime(run.to)}`,
    headers: ['序号', '类型', '金额(元)', '关联对象', '说明', '状态', '处理说明'],
    rows: run.findings.map((f, i) => [
      i + 1,
      label(FINDING_KIND_LABELS, f.kind),
      yuan(f.amountFen),
      f.ref,
      f.detail,
      f.resolved ? '已处理' : '未处理',
      f.resolutionNote ?? '',
    ]),
  };
}

export function voucherRegisterTable(rows: VoucherRegisterRow[]): Table {
  return {
    sheet: '创新券台账',
    title: '创新券使用台账',
    headers: [
      '使用编号',
      '预约单号',
      '创新券项目',
      '用户单位',
      '服务单位',
      '仪器名称',
      '服务日期',
      '状态',
      '补贴比例(%)',
      '订单金额(元)',
      '冻结金额(元)',
      '核销金额(元)',
      '兑付批次',
      '审核状态',
      '是否已兑付',
    ],
    rows: rows.map((r) => [
      r.useId,
      r.bookingId,
      r.programmeName,
      r.enterpriseName,
      r.providerName,
      r.instrumentName,
      r.serviceDate,
      label(VOUCHER_USE_STATUS_LABELS, r.status),
      r.ratioPercent,
      yuan(r.eligibleFen),
      yuan(r.reservedFen),
      r.postedFen === null ? '' : yuan(r.postedFen),
      r.batchId ?? '',
      label(LINE_STATUS_LABELS, r.lineStatus),
      r.paid ? '是' : '否',
    ]),
  };
}

// CSV

/** Text that a spreadsheet would run as a formula (=, +, -, @) is kept as text with a leading quote. */
const defuse = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

function csvCell(value: string | number, money: boolean): string {
  if (typeof value === 'number') return money ? value.toFixed(2) : String(value);
  return defuse(value);
}

/** UTF-8 with a BOM (Excel then reads the Chinese right), CRLF line ends, the headers first. */
export function toCsv(t: Table): Buffer {
  const money = t.headers.map(isMoneyHeader);
  const records = [t.headers, ...t.rows.map((row) => row.map((v, i) => csvCell(v, money[i] ?? false)))];
  return Buffer.from(stringify(records, { bom: true, record_delimiter: 'windows' }), 'utf8');
}

export function parseCsv(buf: Buffer): string[][] {
  return parse(buf, { bom: true, relax_column_count: true }) as string[][];
}

// XLSX

/** Columns of CJK text are about twice as wide per character as Latin ones. */
function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return w;
}

function sheetName(name: string): string {
  const clean = name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31);
  return clean || 'Sheet1';
}

/** One sheet: the header row (bold, frozen) and then the data; money as numbers shown with two decimals. */
export async function toXlsx(t: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '大型科研仪器共享平台';
  wb.title = t.title;
  const ws = wb.addWorksheet(sheetName(t.sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
  const money = t.headers.map(isMoneyHeader);
  const widths = t.headers.map((h) => displayWidth(h));

  const header = ws.addRow(t.headers);
  header.font = { bold: true };
  for (const row of t.rows) {
    const added = ws.addRow(row.map((v) => (v === '' ? null : v)));
    row.forEach((v, i) => {
      const shown = typeof v === 'number' && money[i] ? v.toFixed(2) : String(v);
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(shown));
      if (money[i] && typeof v === 'number') added.getCell(i + 1).numFmt = '0.00';
    });
  }
  widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = Math.min(Math.max(w + 2, 8), 60);
  });
  if (t.headers.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.headers.length } };
  ws.headerFooter.oddHeader = `&C${t.title.replace(/&/g, '&&')}`;
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

type CellValue = ExcelJS.CellValue;

function plainValue(v: CellValue): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString();
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return plainValue((v as ExcelJS.CellFormulaValue).result ?? null);
  if ('text' in v) return String(v.text);
  if ('error' in v) return String(v.error);
  return null;
}

/** The first sheet as rows of values, the header row first; empty cells are null. */
export async function parseXlsx(buf: Buffer): Promise<(string | number | null)[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const width = ws.columnCount;
  const out: (string | number | null)[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const values: (string | number | null)[] = [];
    for (let c = 1; c <= width; c++) values.push(plainValue(row.getCell(c).value));
    out.push(values);
  }
  return out;
}

// PDF

/** An amount in Chinese financial capitals, as on cheques and statements: 123456 → 壹仟贰佰叁拾肆元伍角陆分. */
export function fenToChineseCapital(fen: number): string {
  const DIGITS = '零壹贰叁肆伍陆柒捌玖';
  const UNITS = ['', '拾', '佰', '仟'];
  const GROUPS = ['', '万', '亿', '兆'];
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100);
  const jiao = Math.trunc(abs / 10) % 10;
  const cents = abs % 10;
  let out = '';
  if (whole > 0) {
    const s = String(whole);
    let zero = false;
    let groupHasDigit = false;
    for (let i = 0; i < s.length; i++) {
      const d = Number(s[i]);
      const p = s.length - 1 - i;
      if (d === 0) zero = true;
      else {
        if (zero && out) out += '零';
        zero = false;
        out += DIGITS[d]! + UNITS[p % 4]!;
        groupHasDigit = true;
      }
      if (p % 4 === 0) {
        if (groupHasDigit && p > 0) out += GROUPS[p / 4]!;
        groupHasDigit = false;
      }
    }
    out += '元';
  }
  if (jiao === 0 && cents === 0) out = whole > 0 ? `${out}整` : '零元整';
  else {
    if (jiao > 0) out += `${DIGITS[jiao]}角`;
    if (cents > 0) out += `${jiao === 0 && whole > 0 ? '零' : ''}${DIGITS[cents]}分`;
    else out += '整';
  }
  return fen < 0 ? `负${out}` : out;
}

const fontsDir = () =>
  path.join(path.dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts');
let fontCache: { regular: Buffer; bold: Buffer } | null = null;
/**
 * Noto Sans Hans (CID-keyed CFF in OTF): pdfkit embeds only the glyphs used. Read once per process;
 * every Chinese PDF of the platform uses these (the transfers' payment notice too).
 */
export function fonts(): { regular: Buffer; bold: Buffer } {
  fontCache ??= {
    regular: fs.readFileSync(path.join(fontsDir(), 'NotoSansHans-Regular.otf')),
    bold: fs.readFileSync(path.join(fontsDir(), 'NotoSansHans-Bold.otf')),
  };
  return fontCache;
}

/** The ideographic space that separates fields in Chinese running text. */
const SP = '\u3000';
const REG = 'zh';
const BOLD = 'zh-bold';
const MARGIN = 40;
const FOOTER = 30;
const eventText = (e: BatchView['history'][number]) =>
  `${localTime(e.at)}${SP}${label(HISTORY_ACTION_LABELS, e.action)}${e.by ? `（${e.by}）` : ''}${e.reason ? `：${e.reason}` : ''}`;
const amount = (fen: number | null) => (fen === null ? '—' : formatFen(fen, ''));

interface Column {
  header: string;
  width: number;
  align: 'left' | 'right' | 'center';
  value: (l: BatchView['lines'][number]) => string;
}

const COLUMNS: Column[] = [
  { header: '预约单号', width: 42, align: 'center', value: (l) => String(l.bookingId) },
  { header: '用户单位', width: 92, align: 'left', value: (l) => l.enterprise.name },
  { header: '仪器名称', width: 86, align: 'left', value: (l) => l.instrumentName },
  { header: '服务日期', width: 50, align: 'center', value: (l) => l.serviceDate },
  { header: '订单金额', width: 50, align: 'right', value: (l) => amount(l.totalFen) },
  { header: '自付金额', width: 50, align: 'right', value: (l) => amount(l.selfPayFen) },
  { header: '创新券金额', width: 50, align: 'right', value: (l) => amount(l.voucherFen) },
  { header: '发票号', width: 55, align: 'left', value: (l) => l.invoiceNo ?? '' },
  {
    header: '审核结果',
    width: 40,
    align: 'center',
    value: (l) => `${label(LINE_STATUS_LABELS, l.status)}${l.override ? '（特批）' : ''}`,
  },
];

/** The printable settlement statement (兑付结算单) of a batch: A4, Chinese, page x of y in the footer. */
export function batchStatementPdf(batch: BatchView): Promise<Buffer> {
  const created = new Date(batch.createdAt);
  const title = `创新券兑付结算单 #${batch.id}`;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: 'zh-CN',
    displayTitle: true,
    info: {
      Title: title,
      Subject: `${batch.programmeName} ${batch.month}`,
      Author: batch.claimant.name,
      Creator: '大型科研仪器共享平台',
      Producer: 'PDFKit',
      CreationDate: Number.isNaN(created.getTime()) ? new Date(0) : created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const f = fonts();
  doc.registerFont(REG, f.regular);
  doc.registerFont(BOLD, f.bold);
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const ensure = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };
  /** A section heading, kept on the page of what follows it. */
  const heading = (text: string) => {
    ensure(80);
    doc.moveDown(0.8);
    doc.font(BOLD).fontSize(12).fillColor('#000').text(text, left, doc.y, { width });
    doc.moveDown(0.3);
  };

  // Title
  doc.font(BOLD).fontSize(18).text('创新券兑付结算单', left, MARGIN, { width, align: 'center' });
  doc
    .moveDown(0.2)
    .font(REG)
    .fontSize(9)
    .fillColor('#555')
    .text(`批次编号 #${batch.id}${SP}·${SP}状态：${label(BATCH_STATUS_LABELS, batch.status)}`, {
      width,
      align: 'center',
    });
  doc.fillColor('#000').moveDown(0.8);

  // Particulars, two to a row (long ones alone)
  const account = batch.bankAccount
    ? `${batch.bankAccount.accountName}${SP}${batch.bankAccount.bankName}${SP}${batch.bankAccount.accountNo}`
    : '未填写';
  const facts: [string, string, boolean?][] = [
    ['创新券项目', batch.programmeName, true],
    ['兑付月份', batch.month],
    ['明细笔数', String(batch.lineCount)],
    ['申报单位', `${batch.claimant.name}（${batch.claimant.kind === 'provider' ? '服务机构' : '用户单位'}）`],
    ['审核机构', batch.reviewOffice.name],
    ['收款账户', account, true],
    ['创建时间', localTime(batch.createdAt)],
    ['提交时间', localTime(batch.submittedAt) || '未提交'],
    ['兑付时间', localTime(batch.paidAt) || '未兑付'],
    ['支付凭证号', batch.paidReference ?? '—'],
  ];
  const labelW = 62;
  const half = width / 2;
  const factHeight = (text: string, w: number) => doc.font(REG).fontSize(9).heightOfString(text, { width: w });
  for (let i = 0; i < facts.length;) {
    const [k1, v1, wide] = facts[i]!;
    const pair = !wide && facts[i + 1] && !facts[i + 1]![2] ? facts[i + 1]! : null;
    const w1 = (wide ? width : half) - labelW - 6;
    const h = Math.max(factHeight(v1, w1), pair ? factHeight(pair[1], half - labelW - 6) : 0) + 4;
    ensure(h);
    const y = doc.y;
    doc.font(BOLD).fontSize(9).text(`${k1}：`, left, y, { width: labelW });
    doc
      .font(REG)
      .fontSize(9)
      .text(v1, left + labelW, y, { width: w1 });
    if (pair) {
      doc
        .font(BOLD)
        .fontSize(9)
        .text(`${pair[0]}：`, left + half, y, { width: labelW });
      doc
        .font(REG)
        .fontSize(9)
        .text(pair[1], left + half + labelW, y, { width: half - labelW - 6 });
    }
    doc.x = left;
    doc.y = y + h;
    i += pair ? 2 : 1;
  }

  // Lines, the header repeated on each page
  heading('一、兑付明细');
  const pad = 3;
  const tableFont = 7.5;
  const rowHeight = (cells: string[], font: string) => {
    doc.font(font).fontSize(tableFont);
    return (
      Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: COLUMNS[i]!.width - 2 * pad }))) + 2 * pad
    );
  };
  const drawRow = (cells: string[], y: number, h: number, opts: { font: string; fill?: string; color?: string }) => {
    if (opts.fill) doc.rect(left, y, width, h).fill(opts.fill);
    doc.lineWidth(0.5).strokeColor('#999');
    let x = left;
    cells.forEach((c, i) => {
      const col = COLUMNS[i]!;
      doc.rect(x, y, col.width, h).stroke();
      doc
        .font(opts.font)
        .fontSize(tableFont)
        .fillColor(opts.color ?? '#000')
        .text(c, x + pad, y + pad, { width: col.width - 2 * pad, align: col.align });
      x += col.width;
    });
    doc.fillColor('#000');
  };
  const headers = COLUMNS.map((c) => c.header);
  const headerH = rowHeight(headers, BOLD);
  const drawHeader = () => {
    const y = doc.y;
    drawRow(headers, y, headerH, { font: BOLD, fill: '#e8e8e8' });
    doc.y = y + headerH;
  };
  ensure(headerH * 3);
  drawHeader();
  const rows = [
    ...batch.lines.map((l) => ({
      cells: COLUMNS.map((c) => c.value(l)),
      color: l.status === 'removed' ? '#888' : undefined,
      font: REG,
    })),
    {
      cells: [
        '合计',
        `${batch.lines.length} 笔`,
        '',
        '',
        amount(batch.lines.reduce((s, l) => s + l.totalFen, 0)),
        amount(batch.lines.reduce((s, l) => s + l.selfPayFen, 0)),
        amount(batch.lines.reduce((s, l) => s + l.voucherFen, 0)),
        '',
        '',
      ],
      color: undefined,
      font: BOLD,
    },
  ];
  rows.forEach((r, i) => {
    const h = rowHeight(r.cells, r.font);
    if (doc.y + h > bottom()) {
      doc.addPage();
      doc.font(REG).fontSize(8).fillColor('#555').text('兑付明细（续）', left, doc.y, { width });
      doc.fillColor('#000').moveDown(0.3);
      drawHeader();
    }
    const y = doc.y;
    drawRow(r.cells, y, h, { font: r.font, fill: i % 2 === 1 ? '#f7f7f7' : undefined, color: r.color });
    doc.x = left;
    doc.y = y + h;
  });
  doc.font(REG).fontSize(7.5).fillColor('#555');
  doc.text('金额单位：元。', left, doc.y + 3, { width });
  doc.fillColor('#000');

  // Totals
  heading('二、金额汇总');
  const totals: [string, number | null, boolean][] = [
    ['申报金额', batch.totalFen, true],
    ['核准金额', batch.approvedFen, true],
    ['不予兑付金额', batch.rejectedFen, false],
    ['待审核（含退回修改）金额', batch.openFen, false],
    ['实付金额', batch.paidFen, true],
  ];
  for (const [name, fen, capital] of totals) {
    ensure(16);
    const y = doc.y;
    doc.font(BOLD).fontSize(9).text(name, left, y, { width: 140 });
    doc
      .font(REG)
      .fontSize(9)
      .text(fen === null ? '未兑付' : `¥${amount(fen)}`, left + 140, y, { width: 110, align: 'right' });
    if (capital && fen !== null)
      doc.text(`人民币（大写）${fenToChineseCapital(fen)}`, left + 270, y, { width: width - 270 });
    doc.x = left;
    doc.y = y + 15;
  }

  // Decisions
  heading('三、审核意见');
  const byLine = new Map<number, BatchView['history']>();
  for (const e of batch.history) {
    if (e.lineId === null) continue;
    byLine.set(e.lineId, [...(byLine.get(e.lineId) ?? []), e]);
  }
  const decisionActions = new Set(['approve', 'approve_override', 'return', 'reject', 'resubmit', 'remove']);
  if (!batch.lines.length) doc.font(REG).fontSize(9).text('本批次无明细。', left, doc.y, { width });
  batch.lines.forEach((l, i) => {
    ensure(30);
    doc
      .font(BOLD)
      .fontSize(9)
      .text(
        `${i + 1}. 预约单 #${l.bookingId}${SP}${l.enterprise.name}${SP}${l.instrumentName}${SP}创新券 ¥${amount(l.voucherFen)}${SP}— ${label(LINE_STATUS_LABELS, l.status)}`,
        left,
        doc.y,
        { width },
      );
    const notes: string[] = [];
    if (l.reason) notes.push(`审核意见：${l.reason}`);
    if (l.override) notes.push(`特批放行：${l.override.by}，理由：${l.override.reason}`);
    const failed = l.checks.filter((c) => !c.ok);
    if (failed.length)
      notes.push(`自动核查未通过：${failed.map((c) => `${label(CHECK_LABELS, c.name)}（${c.detail}）`).join('；')}`);
    for (const e of byLine.get(l.id) ?? []) {
      if (!decisionActions.has(e.action)) continue;
      notes.push(eventText(e));
    }
    if (!notes.length) notes.push(l.status === 'pending' ? '尚未审核。' : '无审核意见。');
    doc.font(REG).fontSize(8.5);
    for (const n of notes) doc.text(n, left + 14, doc.y, { width: width - 14 });
    doc.moveDown(0.4);
  });

  // The batch's own history
  const batchEvents = batch.history.filter((e) => e.lineId === null);
  if (batchEvents.length) {
    heading('四、办理记录');
    doc.font(REG).fontSize(8.5);
    for (const e of batchEvents) doc.text(eventText(e), left, doc.y, { width });
  }

  // Signatures
  ensure(90);
  doc.moveDown(2);
  const sy = doc.y;
  const third = width / 3;
  doc.font(REG).fontSize(9);
  ['申报单位（盖章）', '审核机构（盖章）', '经办人 / 复核人'].forEach((t, i) => {
    doc.text(t, left + i * third, sy, { width: third - 10 });
    doc.text('日期：', left + i * third, sy + 50, { width: third - 10 });
  });
  doc.x = left;
  doc.y = sy + 70;

  // Footer on every page
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc.font(REG).fontSize(8).fillColor('#666');
    doc.text(title, left, y, { width, align: 'left', lineBreak: false });
    doc.text(`第 ${i - range.start + 1} 页 / 共 ${range.count} 页`, left, y, {
      width,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = keep;
  }
  doc.end();
  return done;
}
