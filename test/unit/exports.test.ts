import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  batchStatementPdf,
  batchTable,
  fenToChineseCapital,
  parseCsv,
  parseXlsx,
  runTable,
  toCsv,
  toXlsx,
  voucherRegisterTable,
  type VoucherRegisterRow,
} from '../../server/modules/settlement/exports.ts';
import type { BatchView, RunView } from '../../server/modules/settlement/settlement.schemas.ts';
import { renderPdf } from '../../server/modules/documents/pdf-thread.ts';

type Line = BatchView['lines'][number];

const passing = [
  // The service gives the exports the checks' details in Chinese (checks.ts, describeCheck).
  { name: 'total_adds_up', ok: true, detail: '合计 ¥1,234.56 = 创新券 ¥617.28 + 自付 ¥617.28' },
  { name: 'ratio_and_caps', ok: true, detail: '服务金额 ¥1,234.56 的 50%，未超出按限额冻结的 ¥617.28' },
  { name: 'evidence', ok: true, detail: '发票号 04400123；已附检测报告' },
];

function line(n: number, over: Partial<Line> = {}): Line {
  return {
    id: 100 + n,
    bookingId: 5000 + n,
    voucherUseId: 700 + n,
    enterprise: { id: 21, name: '杭州鑫垚新材料科技有限公司' },
    instrumentName: '场发射扫描电子显微镜',
    serviceDate: '2026-01-08',
    totalFen: 123456,
    selfPayFen: 61728,
    voucherFen: 61728,
    invoiceNo: `044001${String(n).padStart(4, '0')}`,
    paymentRef: `pi_${n}abc`,
    serviceRecord: '场发射扫描电子显微镜；2026-01-08 09:00–11:00；机时 120 分钟；金额 ¥1,234.56',
    reportUrl: null,
    note: null,
    status: 'pending',
    reason: null,
    override: null,
    checks: passing,
    checksOk: true,
    reviewOffice: { id: 31, name: '杭州市科技局财务处' },
    stage: 1,
    reviews: [],
    invoice: { amountFen: null, buyer: null, fileName: null, url: null },
    agreement: null,
    mayDecide: false,
    ...over,
  };
}

const lines: Line[] = [
  line(1, { status: 'approved', reason: '材料齐全' }),
  line(2, {
    enterprise: { id: 22, name: '宁波甬江智能装备有限公司' },
    instrumentName: '电感耦合等离子体质谱仪',
    totalFen: 250000,
    selfPayFen: 125050,
    voucherFen: 124950,
    status: 'approved',
    reason: '同意兑付',
    override: { by: '王财务', reason: '价格调整已经备案，按原价结算' },
    checks: [
      ...passing.slice(0, 2),
      { name: 'published_price', ok: false, detail: '单价 ¥500.00/小时 ≠ 公示价 ¥480.00' },
    ],
    checksOk: false,
  }),
  line(3, {
    totalFen: 80000,
    selfPayFen: 40000,
    voucherFen: 40000,
    status: 'rejected',
    reason: '发票抬头与用户单位不符',
  }),
  line(4, { totalFen: 45050, selfPayFen: 22525, voucherFen: 22525, status: 'returned', reason: '请补充检测报告' }),
  line(5, {
    totalFen: 10000,
    selfPayFen: 5000,
    voucherFen: 5000,
    status: 'removed',
    invoiceNo: null,
    paymentRef: null,
  }),
];

const batch: BatchView = {
  id: 42,
  status: 'submitted',
  programmeId: 3,
  programmeName: '2026年浙江省科技创新券',
  month: '2026-01',
  claimant: { id: 11, name: '浙江大学分析测试中心', kind: 'provider' },
  reviewOffice: { id: 31, name: '杭州市科技局财务处' },
  totalFen: 254203,
  approvedFen: 186678,
  rejectedFen: 40000,
  openFen: 22525,
  paidFen: null,
  paidReference: null,
  bankAccount: { bankName: '中国工商银行杭州玉泉支行', accountName: '浙江大学', accountNo: '1202 0210 0900 1234 567' },
  createdAt: '2026-02-01T02:00:00.000Z',
  submittedAt: '2026-02-02T03:30:00.000Z',
  paidAt: null,
  ageDays: 5,
  lineCount: lines.length,
  lines,
  stages: [{ kind: 'city', samplePercent: 100 }],
  stage: 0,
  notice: null,
  objections: [],
  approvers: [],
  paidBy: null,
  scope: 'all',
  mayPay: false,
  history: [
    {
      lineId: null,
      action: 'created',
      from: null,
      to: 'draft',
      by: '李老师',
      reason: null,
      at: '2026-02-01T02:00:00.000Z',
    },
    {
      lineId: 105,
      action: 'remove',
      from: 'pending',
      to: 'removed',
      by: '李老师',
      reason: null,
      at: '2026-02-01T03:00:00.000Z',
    },
    {
      lineId: null,
      action: 'submit',
      from: 'draft',
      to: 'submitted',
      by: '李老师',
      reason: null,
      at: '2026-02-02T03:30:00.000Z',
    },
    {
      lineId: 101,
      action: 'approve',
      from: 'pending',
      to: 'approved',
      by: '王财务',
      reason: '材料齐全',
      at: '2026-02-03T01:00:00.000Z',
    },
    {
      lineId: 102,
      action: 'approve_override',
      from: 'pending',
      to: 'approved',
      by: '王财务',
      reason: '价格调整已经备案，按原价结算 · 同意兑付',
      at: '2026-02-03T01:05:00.000Z',
    },
    {
      lineId: 103,
      action: 'reject',
      from: 'pending',
      to: 'rejected',
      by: '王财务',
      reason: '发票抬头与用户单位不符',
      at: '2026-02-03T01:10:00.000Z',
    },
    {
      lineId: 104,
      action: 'return',
      from: 'pending',
      to: 'returned',
      by: '王财务',
      reason: '请补充检测报告',
      at: '2026-02-03T01:15:00.000Z',
    },
  ],
};

const run: RunView = {
  id: 9,
  status: 'findings',
  from: '2026-01-01T00:00:00+08:00',
  to: '2026-02-01T00:00:00+08:00',
  trigger: 'manual',
  summary: { payments: 12, charges: 12, findings: 2 },
  error: null,
  startedAt: '2026-02-05T01:00:00.000Z',
  finishedAt: '2026-02-05T01:00:03.000Z',
  openFindings: 1,
  // The service gives the exports the findings' details in Chinese (reconcile.ts, describeFinding).
  findings: [
    {
      id: 1,
      kind: 'amount_mismatch',
      amountFen: 123456,
      ref: 'booking:5001',
      detail: '预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
      resolved: false,
      resolvedBy: null,
      resolvedAt: null,
      resolutionNote: null,
    },
    {
      id: 2,
      kind: 'processor_missing_in_ledger',
      amountFen: 5000,
      ref: 'ch_3Qx',
      detail: '支付机构有扣款 ¥50.00（ch_3Qx），账本无记录',
      resolved: true,
      resolvedBy: '王财务',
      resolvedAt: '2026-02-05T02:00:00.000Z',
      resolutionNote: '测试扣款，已退款',
    },
  ],
};

const batchHeaders = [
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
];

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page(?!s)/g) ?? []).length;

describe('batchTable', () => {
  it('has one row per line with yuan amounts, Chinese statuses and failed checks', () => {
    const t = batchTable(batch);
    expect(t.title).toBe('2026年浙江省科技创新券 2026-01 兑付批次 #42');
    expect(t.headers).toEqual(batchHeaders);
    expect(t.rows).toHaveLength(5);
    expect(t.rows[0]).toEqual([
      1,
      5001,
      '杭州鑫垚新材料科技有限公司',
      '场发射扫描电子显微镜',
      '2026-01-08',
      1234.56,
      617.28,
      617.28,
      '0440010001',
      'pi_1abc',
      lines[0]!.serviceRecord,
      '已通过',
      '材料齐全',
      '通过',
    ]);
    expect(t.rows.map((r) => r[11])).toEqual(['已通过', '已通过', '不予兑付', '退回修改', '已移除']);
    expect(t.rows[1]![13]).toBe('公示价格');
    expect(t.rows[1]![12]).toBe('同意兑付；特批放行（王财务）：价格调整已经备案，按原价结算');
    expect(t.rows[4]![8]).toBe('');
  });
});

describe('CSV', () => {
  it('starts with a BOM, uses CRLF and parses back to the same headers and rows', () => {
    const csv = toCsv(batchTable(batch));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('\r\n');
    const parsed = parseCsv(csv);
    expect(parsed[0]).toEqual(batchHeaders);
    expect(parsed).toHaveLength(6);
    expect(parsed[1]!.slice(0, 8)).toEqual([
      '1',
      '5001',
      '杭州鑫垚新材料科技有限公司',
      '场发射扫描电子显微镜',
      '2026-01-08',
      '1234.56',
      '617.28',
      '617.28',
    ]);
    expect(parsed[2]!.slice(5, 8)).toEqual(['2500.00', '1250.50', '1249.50']);
    expect(parsed[4]![5]).toBe('450.50');
    expect(parsed.slice(1).map((r) => r[11])).toEqual(['已通过', '已通过', '不予兑付', '退回修改', '已移除']);
    // Every other cell is the table's value as text.
    const t = batchTable(batch);
    parsed.slice(1).forEach((r, i) => {
      expect(r[10]).toBe(t.rows[i]![10]);
      expect(r[12]).toBe(t.rows[i]![12]);
      expect(r[13]).toBe(t.rows[i]![13]);
    });
  });

  it('keeps text that looks like a formula from running in a spreadsheet', () => {
    const csv = toCsv({ sheet: 's', title: 't', headers: ['a', '金额(元)'], rows: [['=HYPERLINK("x")', -12.5]] });
    expect(parseCsv(csv)[1]).toEqual([`'=HYPERLINK("x")`, '-12.50']);
  });
});

describe('XLSX', () => {
  it('parses back to the same values, money as numbers shown with two decimals', async () => {
    const t = batchTable(batch);
    const xlsx = await toXlsx(t);
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    const parsed = await parseXlsx(xlsx);
    expect(parsed[0]).toEqual(batchHeaders);
    expect(parsed).toHaveLength(6);
    expect(parsed[1]).toEqual(t.rows[0]);
    expect(parsed[2]!.slice(5, 8)).toEqual([2500, 1250.5, 1249.5]);
    // Empty text comes back as an empty cell.
    expect(parsed[5]![8]).toBeNull();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('兑付明细');
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    for (const col of [6, 7, 8]) {
      expect(ws.getRow(2).getCell(col).numFmt).toBe('0.00');
      expect(ws.getRow(2).getCell(col).value).toBeTypeOf('number');
    }
    expect(ws.getRow(2).getCell(6).value).toBe(1234.56);
    expect(ws.getRow(2).getCell(2).numFmt).toBeUndefined();
    expect(ws.getColumn(3).width).toBeGreaterThan(20);
  });
});

describe('runTable', () => {
  it('labels findings in Chinese', async () => {
    const t = runTable(run);
    expect(t.headers).toEqual(['序号', '类型', '金额(元)', '关联对象', '说明', '状态', '处理说明']);
    expect(t.rows).toEqual([
      [
        1,
        '金额不符',
        1234.56,
        'booking:5001',
        '预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
        '未处理',
        '',
      ],
      [
        2,
        '支付机构有、账本无',
        50,
        'ch_3Qx',
        '支付机构有扣款 ¥50.00（ch_3Qx），账本无记录',
        '已处理',
        '测试扣款，已退款',
      ],
    ]);
    expect(parseCsv(toCsv(t))[2]).toEqual([
      '2',
      '支付机构有、账本无',
      '50.00',
      'ch_3Qx',
      '支付机构有扣款 ¥50.00（ch_3Qx），账本无记录',
      '已处理',
      '测试扣款，已退款',
    ]);
    expect((await parseXlsx(await toXlsx(t)))[1]).toEqual([
      1,
      '金额不符',
      1234.56,
      'booking:5001',
      '预约 #5001 扣款金额不符：平台 ¥1,234.56，支付机构 ¥1,200.00',
      '未处理',
      null,
    ]);
  });
});

describe('voucherRegisterTable', () => {
  it('has Chinese headers and labels, yuan amounts and blanks for what is not there yet', async () => {
    const rows: VoucherRegisterRow[] = [
      {
        useId: 701,
        bookingId: 5001,
        programmeName: '2026年浙江省科技创新券',
        enterpriseName: '杭州鑫垚新材料科技有限公司',
        providerName: '浙江大学分析测试中心',
        instrumentName: '场发射扫描电子显微镜',
        serviceDate: '2026-01-08',
        status: 'posted',
        ratioPercent: 50,
        eligibleFen: 123456,
        reservedFen: 70000,
        postedFen: 61728,
        batchId: 42,
        lineStatus: 'approved',
        paid: true,
      },
      {
        useId: 702,
        bookingId: 5010,
        programmeName: '2026年浙江省科技创新券',
        enterpriseName: '宁波甬江智能装备有限公司',
        providerName: '浙江大学分析测试中心',
        instrumentName: '电感耦合等离子体质谱仪',
        serviceDate: '2026-02-11',
        status: 'reserved',
        ratioPercent: 40,
        eligibleFen: 250000,
        reservedFen: 100000,
        postedFen: null,
        batchId: null,
        lineStatus: null,
        paid: false,
      },
    ];
    const t = voucherRegisterTable(rows);
    expect(t.headers).toEqual([
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
    ]);
    const csv = parseCsv(toCsv(t));
    expect(csv[1]!.slice(7)).toEqual(['已核销', '50', '1234.56', '700.00', '617.28', '42', '已通过', '是']);
    expect(csv[2]!.slice(7)).toEqual(['已冻结', '40', '2500.00', '1000.00', '', '', '', '否']);
    const xlsx = await parseXlsx(await toXlsx(t));
    expect(xlsx[2]!.slice(7)).toEqual(['已冻结', 40, 2500, 1000, null, null, null, '否']);
  });
});

describe('fenToChineseCapital', () => {
  it.each([
    [123456, '壹仟贰佰叁拾肆元伍角陆分'],
    [0, '零元整'],
    [100, '壹元整'],
    [1_000_000, '壹万元整'],
    [10_001_000, '壹拾万零壹拾元整'],
    [100_000_005, '壹佰万元零伍分'],
    [10_000_000_000, '壹亿元整'],
    [10_000_000_100, '壹亿零壹元整'],
    [10_010_000_000, '壹亿零壹拾万元整'],
    [50, '伍角整'],
    [7, '柒分'],
    [120_050, '壹仟贰佰元伍角整'],
    [-45050, '负肆佰伍拾元伍角整'],
  ])('%i fen is %s', (fen, text) => {
    expect(fenToChineseCapital(fen)).toBe(text);
  });
});

describe('batchStatementPdf', () => {
  it('is a PDF with the Chinese font embedded, the same for the same batch', async () => {
    const pdf = await batchStatementPdf(batch);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5_000);
    // Test the raw bytes without printing them when they fail.
    const text = pdf.toString('latin1');
    expect(/\/FontName \/[A-Z]{6}\+NotoSansHans-Regular/.test(text)).toBe(true);
    expect(/\/FontName \/[A-Z]{6}\+NotoSansHans-Bold/.test(text)).toBe(true);
    expect(/\/Subtype \/CIDFontType0C/.test(text)).toBe(true);
    expect(text.includes('(D:20260201020000Z)')).toBe(true);
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(1);
    expect(pageCount(pdf)).toBeLessThanOrEqual(2);
    expect((await batchStatementPdf(batch)).equals(pdf)).toBe(true);
  });

  it('runs a batch of 60 lines over several pages', async () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      line(i + 1, { status: i % 7 === 0 ? 'rejected' : 'approved', reason: i % 7 === 0 ? '重复申报' : null }),
    );
    const pdf = await batchStatementPdf({ ...batch, lines: many, lineCount: many.length, history: [] });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(3);
    expect(pageCount(pdf)).toBeGreaterThan(pageCount(await batchStatementPdf(batch)));
  });
});

describe('renderPdf (documents/pdf-thread.ts)', () => {
  it('draws the same statement on a worker thread, while the main thread is held', async () => {
    const here = await batchStatementPdf(batch);
    expect((await renderPdf('batchStatement', batch)).equals(here)).toBe(true); // (the worker started)
    const t0 = performance.now();
    await renderPdf('batchStatement', batch);
    const drawing = performance.now() - t0;
    // The main thread spends next to nothing on a drawing: the call returns at once, and held well past
    // a drawing's time, it finds the worker's answer waiting.
    const t1 = performance.now();
    const drawn = renderPdf('batchStatement', batch);
    const calling = performance.now() - t1;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1000, 4 * drawing));
    const t2 = performance.now();
    expect((await drawn).equals(here)).toBe(true);
    expect(calling + (performance.now() - t2)).toBeLessThan(drawing / 2);
  });

  it('fails a drawing whose data cannot be sent, and draws the next', async () => {
    await expect(renderPdf('batchStatement', { ...batch, lines: [() => 0] } as never)).rejects.toThrow();
    expect((await renderPdf('batchStatement', batch)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });
});
