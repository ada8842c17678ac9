/** The Chinese of settlement's newer messages: staged review, public notice, four-eyes payment, invoices. */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

const STAGE_OFFICE: Record<string, string> = {
  'the city office': '市级财政部门',
  'the provincial office': '省级财政部门',
};
const LINE: Record<string, string> = {
  pending: '待审核',
  approved: '已通过',
  returned: '已退回',
  rejected: '已驳回',
  removed: '已移除',
};

export const MESSAGES: MessageCatalogue = {
  notFound: {
    'public notice': '公示',
    objection: '异议',
    'invoice file': '发票文件',
  },
  details: {
    'the enterprise’s own share has not been received (card captured or transfer confirmed): the line cannot be approved, not even with an override':
      '企业自付部分尚未到账（银行卡未扣款或对公转账未确认到账），该明细不能审核通过，也不能例外通过',
    'you approved lines of this batch: another officer of the paying office must record the payment (four-eyes)':
      '您审核通过了本批次的明细，须由兑付部门的另一位审核人员登记付款（双人复核）',
    'no provincial finance office is set up': '尚未设置省级财政部门',
    'only the paying finance office pays this batch': '只有负责兑付的财政部门可以兑付本批次',
    'the notice period is over: objections are no longer taken': '公示期已结束，不再受理异议',
    'no such line in this notice': '本公示中没有该明细',
    'too many objections were lodged from your network; try again later': '您所在网络提交的异议过多，请稍后再试',
    'only the reviewing finance office answers this objection': '只有负责审核的财政部门可以答复该异议',
    'the objection is already answered': '该异议已答复',
    'invoice files are not kept here': '本系统未保存发票文件',
    'the file is empty': '文件为空',
    'invoices are PDF or OFD files or JPEG or PNG scans': '发票须为 PDF 或 OFD 文件，或 JPEG、PNG 扫描件',
  },
  detailPatterns: [
    [
      /^the line waits at stage (\d+) while the batch is at stage (\d+): every line of a stage is decided before the next stage begins$/,
      '该明细处于第 $1 审核阶段，批次当前处于第 $2 阶段：本阶段全部明细审核完毕后才进入下一阶段',
    ],
    [
      /^stage (\d+) \((.+)\) of this line is another office’s to decide$/,
      (n, office) => `该明细第 ${n} 阶段由其他部门（${STAGE_OFFICE[office] ?? office}）审核`,
    ],
    [/^the line was decided meanwhile \((\w+)\)$/, (s) => `该明细已被他人审核（${LINE[s] ?? s}）`],
    [
      /^the batch is in public notice until the end of (.+) \(Asia\/Shanghai\): payment opens after it$/,
      '该批次公示至 $1（北京时间）结束，公示期满后方可兑付',
    ],
    [
      /^objections to the public notice unanswered: (\d+); answer them before payment$/,
      '公示期间有 $1 条异议尚未答复，答复后方可兑付',
    ],
  ],
  fields: {
    'the first stage reviews every line (samplePercent 100)': '第一阶段须审核全部明细（抽查比例 100）',
    'whole fen, more than zero': '以分为单位的正整数',
  },
  fieldPatterns: [],
};
