/**
 * The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): SME
 * certification and voucher applications, automatic quotas, and the issue terms of voucher programmes
 * (quotaIssueMode, the application window, the automatic amount) checked in the vouchers module.
 */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';
import { formatFen } from '../../shared/money.ts';

const yuan = (fen: string) => (/^-?\d+$/.test(fen) ? formatFen(Number(fen)) : `${fen} 分`);

const STATUS: Record<string, string> = {
  submitted: '待审核',
  returned: '已退回修改',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
};
const status = (s: string) => STATUS[s] ?? s;

export const MESSAGES: MessageCatalogue = {
  notFound: { application: '申请' },
  details: {
    // Who may
    'applications are made by enterprises': '申请须由企业用户提交',
    'applications are reviewed by finance offices and admins': '申请由科技（财政）主管部门和平台管理员审核',
    'this application is reviewed by the finance office of its city or the province':
      '该申请由企业所在市的主管部门或省级主管部门审核',
    'this application is reviewed by the finance office of its city': '该申请由企业所在市的主管部门审核',
    'this application is reviewed by the provincial finance office': '该申请由省级主管部门审核',

    // SME certification applications
    'the registration number does not begin with its evaluation year': '入库登记编号的前四位须为评价年度',
    'the evaluation year has not begun': '评价年度尚未开始',
    'that registration number belongs to another enterprise': '该入库登记编号已属于其他企业',
    'your enterprise already has a certification application under way': '贵企业已有一份正在办理的认定申请',
    'an application carries its SME certificate (sme_certificate) or other documents (other)':
      '申请材料只能是科技型中小企业入库证明（sme_certificate）或其他材料（other）',
    'the certification date lies in the evaluation year, not after today': '认定日期须在评价年度内，且不晚于今天',
    'the certification would already have lapsed': '按此日期认定已过有效期',
    'the application has no SME certificate uploaded': '申请尚未上传科技型中小企业入库证明',

    // Voucher applications
    'this programme does not take applications': '该创新券项目不接受申领',
    'your enterprise is outside this programme’s area': '贵企业不在该项目的适用地区内',
    'only certified technology-based SMEs may apply': '仅经认定的科技型中小企业可以申领',
    'your enterprise’s SME certification has lapsed or been revoked': '贵企业的科技型中小企业认定已过期或被撤销',
    'the enterprise’s SME certification has lapsed or been revoked': '该企业的科技型中小企业认定已过期或被撤销',
    'your enterprise already has an application in this programme': '贵企业在该项目中已有申领申请',
    'declare that your enterprise has no related party among the providers it will use':
      '请声明贵企业与拟使用的服务机构之间不存在关联关系',
    'the amount approved exceeds the amount asked': '核定金额不能超过申请金额',

    // Automatic quotas
    'the programme does not issue quotas automatically': '该项目不是自动发放额度的项目',

    // Programme terms (vouchers module)
    'an application programme needs the date applications open': '申领制项目须填写申领开始日期',
    'an application programme needs the date applications close': '申领制项目须填写申领截止日期',
    'applications close before they open': '申领截止日期早于开始日期',
    'applications close after the use-by date': '申领截止日期晚于创新券使用截止日期',
    'applications open more than a year before the programme starts': '申领开始日期早于项目开始日期一年以上',
    'an automatic programme needs the quota each enterprise gets': '自动发放的项目须填写每家企业的额度',
    'the automatic quota exceeds the per-enterprise cap': '自动发放的额度超过单个企业年度上限',
  },
  detailPatterns: [
    [/^a registration of (\d+) lapsed on (\d+)-12-31$/, '$1 年度的入库登记已于 $2 年 12 月 31 日失效'],
    [
      /^a registration of (\d+) is valid until (\d+)-12-31 at the latest$/,
      '$1 年度的入库登记最迟有效至 $2 年 12 月 31 日',
    ],
    [
      /^only a returned application can be resubmitted \(it is (\w+)\)$/,
      (s) => `只有被退回的申请可以重新提交（当前状态：${status(s)}）`,
    ],
    [/^the application is (\w+): it can no longer be withdrawn$/, (s) => `申请${status(s)}，不能再撤回`],
    [/^the application is (\w+): documents can no longer be changed$/, (s) => `申请${status(s)}，材料不能再修改`],
    [/^the application is (\w+), not awaiting review$/, (s) => `申请${status(s)}，不在待审核状态`],
    [/^applications open on (.+)$/, '该项目的申领将于 $1 开始'],
    [/^applications closed on (.+)$/, '该项目的申领已于 $1 截止'],
    [
      /^the amount asked exceeds the programme’s per-enterprise cap \((-?\d+) fen\)$/,
      (fen) => `申请金额超过项目的单个企业年度上限（${yuan(fen)}）`,
    ],
    [/^the programme’s budget has (-?\d+) fen left$/, (fen) => `该项目预算仅剩 ${yuan(fen)}`],
  ],
  fields: {
    'an 18-digit registration number': '须为 18 位数字的入库登记编号',
    'at least 2 characters': '至少 2 个字',
    'at least 10 characters': '至少 10 个字',
    'a document kind': '须为材料类型',
  },
  fieldPatterns: [],
};
