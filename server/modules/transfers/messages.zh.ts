/**
 * The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): bank
 * transfers (对公转账) — payment notices (付款通知书), receipts (到账确认), returns and the lab's settings.
 */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';
import { formatFen } from '../../shared/money.ts';

const yuan = (fen: string) => (/^-?\d+$/.test(fen) ? formatFen(Number(fen)) : `${fen} 分`);

export const MESSAGES: MessageCatalogue = {
  notFound: {
    'payment notice': '付款通知书',
    receipt: '到账记录',
    proof: '到账凭证',
  },
  details: {
    'only the lab that is paid (or the platform’s finance desk) records receipts':
      '只有收款的服务机构（或平台财务人员）可以登记到账',
    'the date is in the future': '日期不能晚于今天',
    'the date is before the notice was issued': '日期不能早于付款通知书的开具日期',
    'nothing was paid beyond what is owed': '实收金额未超出应付金额，没有可退回的款项',
    'payment notices are seen by the enterprise, the lab and the finance desk':
      '付款通知书仅限付款企业、收款服务机构和平台财务人员查看',
    'no document store': '未配置文件存储，无法保存凭证',
    'transfer settings are a lab’s': '对公转账设置只能由服务机构管理',
  },
  detailPatterns: [
    [/^the bank reference (.+) is already recorded$/, '银行流水号 $1 已登记，请勿重复登记'],
    [/^at most (-?\d+) fen can be returned$/, (fen) => `最多可退回 ${yuan(fen)}`],
  ],
  fields: {
    'a date YYYY-MM-DD': '日期，格式为 YYYY-MM-DD',
    'after today': '晚于今天',
    'letters, digits and - _ / . as the bank statement shows it': '按银行回单填写，只能包含字母、数字及“-”“_”“/”“.”',
  },
  fieldPatterns: [
    [/^before (\d{4}-\d{2}-\d{2})$/, '早于付款通知书开具日期 $1'],
    [/^more than the excess (-?\d+)$/, (fen) => `超过多付金额 ${yuan(fen)}`],
  ],
};
