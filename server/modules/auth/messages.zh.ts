/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: {},
  details: {
    'verify your e-mail address first': '请先验证您的邮箱',
    'your organisation is not approved yet': '您的单位尚未通过审核',
    'your organisation has not accepted you yet': '您所在单位的管理员尚未同意您的加入申请',
    'your password has expired; change it first': '您的密码已过期，请先修改密码',
    'set up two-step verification first': '请先设置两步验证',
  },
  detailPatterns: [],
  fields: {},
  fieldPatterns: [],
};
