/** The Chinese of this module's server messages (merged into server/shared/messages.zh.ts). */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

export const MESSAGES: MessageCatalogue = {
  notFound: {},
  details: {},
  detailPatterns: [],
  fields: {},
  fieldPatterns: [],
};
