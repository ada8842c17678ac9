/**
 * The Chinese of this module's newer server messages (merged into server/shared/messages.zh.ts): the
 * choice between card and bank transfer (对公转账) and a new card for a payment that needs one.
 */
import { BOOKING_STATUS_ZH } from '../../shared/booking-status.zh.ts';
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

const STATUS = BOOKING_STATUS_ZH;
const status = (s: string) => STATUS[s] ?? s;

export const MESSAGES: MessageCatalogue = {
  notFound: {},
  details: {
    'paying by card needs the card token of the payment form': '银行卡支付须提交支付表单生成的卡令牌',
    'a card token was sent with bank transfer: choose one way to pay':
      '选择对公转账时不应提交银行卡信息，请只选择一种支付方式',
    'this lab has not registered a bank account for transfers: pay by card':
      '该服务机构未登记对公收款账户，请使用银行卡支付',
    'only the enterprise that booked pays for it': '只有预约企业可以支付该订单',
    'this booking has no card payment waiting for a new card': '该预约没有等待更换银行卡的支付',
    'the payment processor did not answer; try again': '支付服务未响应，请重试',
  },
  detailPatterns: [[/^the booking is (\w+)$/, (s) => `该预约当前状态为“${status(s)}”，无法支付`]],
  fields: {
    'not with bank_transfer': '对公转账时不能填写',
    'the lab takes no bank transfers': '该服务机构不接受对公转账',
  },
  fieldPatterns: [],
};
