/** Bank transfers (对公转账): payment notices, receipts and returns, and the lab's transfer settings. */
import type { z } from 'zod';
import type { NoticeView, transferSettingsSchema } from '../../../server/modules/transfers/transfers.schemas.ts';
import { apiFetch, toQueryString } from './client';

export { paymentNoticeStatuses as NOTICE_STATUSES } from '../../../db/schema/enums.ts';
export type PaymentNotice = NoticeView;
export type NoticeStatus = NoticeView['status'];
export type TransferSettings = z.infer<typeof transferSettingsSchema>;
export type ReceiptInput = { amountFen: number; receivedOn: string; bankReference: string; note?: string };
export type ReturnInput = { amountFen: number; returnedOn: string; bankReference: string; note?: string };

export const transfersApi = {
  list: (q: { status?: NoticeStatus | 'active'; reference?: string } = {}) =>
    apiFetch<{ items: PaymentNotice[] }>(`/payment-notices${toQueryString(q)}`),
  get: (id: number) => apiFetch<PaymentNotice>(`/payment-notices/${id}`),
  ofBooking: (bookingId: number) => apiFetch<PaymentNotice>(`/bookings/${bookingId}/payment-notice`),
  receipt: (id: number, body: ReceiptInput) =>
    apiFetch<PaymentNotice>(`/payment-notices/${id}/receipts`, { method: 'POST', body }),
  giveBack: (id: number, body: ReturnInput) =>
    apiFetch<PaymentNotice>(`/payment-notices/${id}/returns`, { method: 'POST', body }),
  proof: (id: number, receiptId: number, file: File) =>
    apiFetch<PaymentNotice>(`/payment-notices/${id}/receipts/${receiptId}/proof${toQueryString({ name: file.name })}`, {
      method: 'PUT',
      file,
    }),
  settings: () => apiFetch<TransferSettings>('/transfer-settings'),
  saveSettings: (body: TransferSettings) => apiFetch<TransferSettings>('/transfer-settings', { method: 'PUT', body }),
};
