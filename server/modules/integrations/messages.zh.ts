/**
 * The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): API keys
 * (数据对接密钥) and the service records institutions' own systems push.
 */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: {
    'API key': '数据对接密钥',
    institution: '服务机构',
  },
  details: {
    'name the institution': '请指定服务机构',
    'API keys are managed by the institution’s lab managers': '数据对接密钥只能由本单位的仪器管理员管理',
    'send the API key as Authorization: Bearer <key>': '请在请求头中以 Authorization: Bearer <密钥> 提供数据对接密钥',
    'unknown API key': '数据对接密钥无效',
    'this API key has been revoked': '该数据对接密钥已被吊销',
    'send the records as application/json': '服务记录须以 application/json 格式提交',
    'an institution’s pushed records are seen by its lab managers': '外部系统推送的服务记录仅限本单位仪器管理员查看',
  },
  detailPatterns: [[/^at most (\d+) pushes a minute per API key$/, '每个数据对接密钥每分钟最多推送 $1 次']],
  fields: {
    'required for platform admins': '平台管理员须指定服务机构',
    'an ISO 8601 time with its offset': '带时区的 ISO 8601 时间，如 2026-10-08T09:00:00+08:00',
    'letters, digits and - _ . : / #': '只能包含字母、数字及“-”“_”“.”“:”“/”“#”',
    'give instrumentId or assetNumber, not both': '请提供 instrumentId 或 assetNumber 之一（不能同时提供）',
    'after the start': '须晚于开始时间',
    'machine time needs the minutes used': '机时服务须填写使用分钟数',
    'sample testing needs the number of samples': '送样检测须填写样品数',
    'more minutes than from start to end': '使用分钟数超过了开始至结束的时长',
    'an external user’s organisation needs its credit code': '外部用户须填写其单位的统一社会信用代码',
    'the same externalId twice in one push': '同一次推送中 externalId 重复',
    'a completed service ends before now': '已完成的服务，结束时间不能晚于当前时间',
    'a page number': '页码',
    'a page size': '每页条数',
  },
  fieldPatterns: [[/^from (\d{4})-01-01 on$/, '不能早于 $1-01-01']],
};
