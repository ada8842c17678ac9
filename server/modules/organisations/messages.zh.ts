/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: { document: '材料' },
  details: { 'documents are PDF files or JPEG or PNG scans': '材料须为 PDF 文件或 JPEG、PNG 扫描件' },
  detailPatterns: [],
  fields: {},
  fieldPatterns: [],
};
