/**
 * The Chinese of this module's newer server messages (merged into server/shared/messages.zh.ts):
 * versioned programme rules and shared caps (共享额度上限) across programmes.
 */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: { 'shared cap': '共享额度上限' },
  details: {
    'a new programme’s rules apply from its creation': '新建项目的规则自创建之日起生效',
    'changed rules apply from now or a later time, never the past': '规则变更只能自当前或以后的时间生效，不能追溯既往',
    'a programme is listed twice': '同一创新券项目被重复列入',
    'shared caps are set by platform admins': '共享额度上限由平台管理员设置',
  },
  detailPatterns: [
    [/^unknown county (.+)$/, '区县代码不存在：$1'],
    [/^no programme (.+)$/, '创新券项目 $1 不存在'],
    [/^programme (.+) is of (\d+), not (\d+)$/, '创新券项目 $1 属于 $2 年度，不是 $3 年度'],
  ],
  fields: {},
  fieldPatterns: [],
};
