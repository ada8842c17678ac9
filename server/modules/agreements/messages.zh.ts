/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): service agreements (服务协议). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: {},
  details: {
    'the agreement file is missing from the file store': '文件库中缺少该服务协议文件',
    'only the enterprise that booked accepts its service agreement': '只有预约企业可以确认接受服务协议',
    'the agreement was accepted already': '该服务协议已确认接受，无需重复操作',
    'the document accepted is not the stored agreement; download it again':
      '所确认的文件与平台留存的服务协议不一致，请重新下载后再确认',
    'the service agreement is drawn up when the booking is confirmed': '服务协议在预约确认后生成',
  },
  detailPatterns: [],
  fields: {
    'the SHA-256 (64 hex digits) of the agreement read': '所阅服务协议的 SHA-256 摘要（64 位十六进制字符）',
  },
  fieldPatterns: [],
};
