/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: { 'audit log entry': '审计日志记录' },
  details: {
    'the audit log is for platform admins': '安全审计日志仅供平台管理员查阅',
    'the range ends before it starts': '结束时间须晚于开始时间',
  },
  detailPatterns: [
    [
      /^query\.(from|to) is not a valid date$/,
      (field) => `${field === 'from' ? '开始日期' : '结束日期'}不是有效的日期`,
    ],
    [
      /^the export would hold (\d+) entries, more than (\d+): narrow the range or the filters$/,
      '导出将包含 $1 条记录，超过上限 $2 条：请缩小时间范围或增加筛选条件',
    ],
  ],
  fields: {
    'too many entries': '记录过多',
    'CSV holds more entries than a spreadsheet': 'CSV 格式可导出更多记录',
    'a date YYYY-MM-DD or an instant with its offset': '须为日期（YYYY-MM-DD）或带时区的时间',
    'an action like auth.login, or an area like auth.': '须为操作名（如 auth.login）或类别（如 auth.）',
    'an IP address or its beginning': '须为 IP 地址或其开头部分',
  },
  fieldPatterns: [],
};
