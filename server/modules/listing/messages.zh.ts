/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): listing review (入网审核). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

const STATUS: Record<string, string> = {
  pending: '待审核',
  returned: '已退回',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
};
const status = (s: string) => STATUS[s] ?? s;

export const MESSAGES: MessageCatalogue = {
  notFound: {
    'listing submission': '入网审核申请',
  },
  details: {
    'listing submissions are seen by their institution and their reviewers': '入网审核申请仅限所属单位和审核人员查看',
    'not a submission you may see': '无权查看该入网审核申请',
    'only listing reviewers decide submissions': '只有入网审核人员可以审核',
    'this submission is reviewed by another city': '该申请由其他城市审核',
    'the submission was decided by someone else meanwhile': '该申请已被他人处理，请刷新后查看',
    'only the institution’s lab managers may change its submissions': '只有所属单位的仪器管理员可以修改该申请',
    'a change under review holds key fields only (category, value, sharing mode, rate card)':
      '变更审核只包含关键信息（分类、原值、共享方式、收费标准）',
    'nothing to review: the proposed values equal the published ones': '没有需要审核的内容：拟变更的值与已发布的值相同',
    'only a pending or returned submission can be withdrawn': '只有待审核或已退回的申请可以撤回',
    'give a reason for at least one field, or a note': '请至少为一个字段填写退回理由，或填写说明',
  },
  detailPatterns: [
    [/^the submission is (\w+), not pending$/, (s) => `该申请${status(s)}，不是待审核状态`],
    [/^a (\w+) submission cannot be resubmitted$/, (s) => `${status(s)}的申请不能重新提交`],
  ],
  fields: {
    'already awaiting review': '已有相同资产编号的记录在审核中',
    'edit it on the instrument itself': '请直接在仪器信息中修改',
    'give a reason for at least one field, or a note': '请至少为一个字段填写退回理由，或填写说明',
    'say why': '请填写原因',
    'at most 200 at a time': '一次最多 200 条',
  },
  fieldPatterns: [],
};
