/**
 * What each notification says, in Chinese and English. Pure: a type and its data in, the texts out.
 * An email carries the Chinese text first, then the English.
 */
import type { NotificationType } from '../../../db/schema/enums.ts';
import { formatFen } from '../../shared/money.ts';

/** What the templates of a booking's notifications are given. */
export interface BookingData {
  bookingId: number;
  instrumentName: string;
  institutionName: string;
  requesterName: string;
  requesterOrganisation: string;
  mode: 'machine_time' | 'sample';
  /** Local time of the service ("2026-11-03 09:00–11:00", zone of the instrument); null for unscheduled sample jobs. */
  when: string | null;
  sampleCount: number | null;
  reason?: string | null;
  /** booking_requested: confirmed at once (no approval needed). */
  confirmed?: boolean;
  /** booking_cancelled: who cancelled. */
  cancelledBy?: 'requester' | 'lab';
}

export interface NotificationData {
  booking_requested: BookingData;
  booking_approved: BookingData;
  booking_rejected: BookingData;
  booking_cancelled: BookingData;
  booking_reminder: BookingData;
  booking_completed: BookingData & { finalFen: number | null };
  quota_low: { quotaId: number; programmeName: string; availableFen: number; capFen: number };
  settlement_line_returned: {
    batchId: number;
    lineId: number;
    bookingId: number;
    programmeName: string;
    month: string;
    voucherFen: number;
    reason: string | null;
  };
  batch_paid: {
    batchId: number;
    programmeName: string;
    month: string;
    paidFen: number;
    reference: string;
    lineCount: number;
  };
  reconciliation_findings: { runId: number; from: string; to: string; findings: number; amountFen: number };
}

export interface Text {
  title: string;
  body: string;
}

export interface Rendered {
  zh: Text;
  en: Text;
}

type Templates = { [T in NotificationType]: (d: NotificationData[T]) => Rendered };

const zhWhat = (d: BookingData) =>
  `${d.instrumentName}（${d.institutionName}）${d.when ? `，${d.when}` : d.sampleCount ? `，送样 ${d.sampleCount} 个` : ''}`;
const enWhat = (d: BookingData) =>
  `${d.instrumentName} (${d.institutionName})${d.when ? `, ${d.when}` : d.sampleCount ? `, ${d.sampleCount} samples` : ''}`;
const zhReason = (r?: string | null) => (r ? `\n原因：${r}` : '');
const enReason = (r?: string | null) => (r ? `\nReason: ${r}` : '');

const TEMPLATES: Templates = {
  booking_requested: (d) => ({
    zh: {
      title: d.confirmed ? `新预约（已自动确认）#${d.bookingId}` : `新的预约申请 #${d.bookingId}`,
      body: `${d.requesterName}（${d.requesterOrganisation}）预约了 ${zhWhat(d)}。${
        d.confirmed ? '该仪器无需审批，预约已确认。' : '请审核该申请。'
      }`,
    },
    en: {
      title: d.confirmed ? `New booking (confirmed) #${d.bookingId}` : `New booking request #${d.bookingId}`,
      body: `${d.requesterName} (${d.requesterOrganisation}) booked ${enWhat(d)}. ${
        d.confirmed ? 'The instrument needs no approval; the booking is confirmed.' : 'Please review the request.'
      }`,
    },
  }),
  booking_approved: (d) => ({
    zh: { title: `预约已确认 #${d.bookingId}`, body: `您的预约 ${zhWhat(d)} 已确认。` },
    en: { title: `Booking approved #${d.bookingId}`, body: `Your booking of ${enWhat(d)} is confirmed.` },
  }),
  booking_rejected: (d) => ({
    zh: { title: `预约未通过 #${d.bookingId}`, body: `您的预约 ${zhWhat(d)} 未获批准。${zhReason(d.reason)}` },
    en: {
      title: `Booking rejected #${d.bookingId}`,
      body: `Your booking of ${enWhat(d)} was not approved.${enReason(d.reason)}`,
    },
  }),
  booking_cancelled: (d) =>
    d.cancelledBy === 'requester'
      ? {
          zh: {
            title: `预约已取消 #${d.bookingId}`,
            body: `${d.requesterName}（${d.requesterOrganisation}）取消了预约 ${zhWhat(d)}。${zhReason(d.reason)}`,
          },
          en: {
            title: `Booking cancelled #${d.bookingId}`,
            body: `${d.requesterName} (${d.requesterOrganisation}) cancelled the booking of ${enWhat(d)}.${enReason(d.reason)}`,
          },
        }
      : {
          zh: {
            title: `预约已被取消 #${d.bookingId}`,
            body: `您的预约 ${zhWhat(d)} 已被服务单位取消。${zhReason(d.reason)}`,
          },
          en: {
            title: `Booking cancelled #${d.bookingId}`,
            body: `Your booking of ${enWhat(d)} was cancelled by the lab.${enReason(d.reason)}`,
          },
        },
  booking_reminder: (d) => ({
    zh: { title: `明日预约提醒 #${d.bookingId}`, body: `提醒：您明天预约了 ${zhWhat(d)}。请按时到场。` },
    en: {
      title: `Reminder: your booking tomorrow #${d.bookingId}`,
      body: `A reminder: tomorrow you have booked ${enWhat(d)}. Please be on time.`,
    },
  }),
  booking_completed: (d) => ({
    zh: {
      title: `服务已完成，请评价 #${d.bookingId}`,
      body: `${zhWhat(d)} 的服务已完成${d.finalFen === null ? '' : `，结算金额 ${formatFen(d.finalFen)}`}。请对本次服务进行评价。`,
    },
    en: {
      title: `Service completed — please rate it #${d.bookingId}`,
      body: `The service on ${enWhat(d)} is completed${d.finalFen === null ? '' : `; the final price is ${formatFen(d.finalFen)}`}. Please rate the service.`,
    },
  }),
  quota_low: (d) => ({
    zh: {
      title: `创新券额度即将用完：${d.programmeName}`,
      body: `您单位在「${d.programmeName}」中的创新券额度仅剩 ${formatFen(d.availableFen)}（共 ${formatFen(d.capFen)}）。`,
    },
    en: {
      title: `Voucher quota nearly used up: ${d.programmeName}`,
      body: `Your enterprise's voucher quota in "${d.programmeName}" has ${formatFen(d.availableFen)} left of ${formatFen(d.capFen)}.`,
    },
  }),
  settlement_line_returned: (d) => ({
    zh: {
      title: `兑付申请明细被退回 · 批次 #${d.batchId}`,
      body: `「${d.programmeName}」${d.month} 兑付批次 #${d.batchId} 中预约 #${d.bookingId} 的明细（${formatFen(d.voucherFen)}）被退回，请修改后重新提交。${zhReason(d.reason)}`,
    },
    en: {
      title: `Claim line returned · batch #${d.batchId}`,
      body: `The line of booking #${d.bookingId} (${formatFen(d.voucherFen)}) in claim batch #${d.batchId} ("${d.programmeName}", ${d.month}) was returned; please correct and resubmit it.${enReason(d.reason)}`,
    },
  }),
  batch_paid: (d) => ({
    zh: {
      title: `兑付已支付 · 批次 #${d.batchId}`,
      body: `「${d.programmeName}」${d.month} 兑付批次 #${d.batchId} 已支付 ${formatFen(d.paidFen)}（${d.lineCount} 笔），支付凭证号 ${d.reference}。`,
    },
    en: {
      title: `Claim paid · batch #${d.batchId}`,
      body: `Claim batch #${d.batchId} ("${d.programmeName}", ${d.month}) was paid: ${formatFen(d.paidFen)} for ${d.lineCount} line(s), reference ${d.reference}.`,
    },
  }),
  reconciliation_findings: (d) => ({
    zh: {
      title: `对账发现 ${d.findings} 项差异 · 第 ${d.runId} 次对账`,
      body: `${d.from} 至 ${d.to} 的对账发现 ${d.findings} 项差异，涉及金额 ${formatFen(d.amountFen)}。请核查并处理。`,
    },
    en: {
      title: `Reconciliation found ${d.findings} issue(s) · run #${d.runId}`,
      body: `The reconciliation of ${d.from} to ${d.to} found ${d.findings} issue(s) involving ${formatFen(d.amountFen)}. Please review and resolve them.`,
    },
  }),
};

export function render<T extends NotificationType>(type: T, data: NotificationData[T]): Rendered {
  return (TEMPLATES[type] as (d: NotificationData[T]) => Rendered)(data);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The email of a notification: Chinese, then English; a link to the platform where there is one. */
export function renderEmail(r: Rendered, link: string | null): { subject: string; text: string; html: string } {
  const subject = `${r.zh.title} | ${r.en.title}`;
  const open = link ? { zh: `查看：${link}`, en: `Open: ${link}` } : null;
  const text = [
    r.zh.title,
    '',
    r.zh.body,
    ...(open ? ['', open.zh] : []),
    '',
    '————————',
    '',
    r.en.title,
    '',
    r.en.body,
    ...(open ? ['', open.en] : []),
    '',
    '——',
    '山东省大型科学仪器共享服务平台 · Shandong Large Research Instrument Sharing Platform',
    '您可在平台“消息中心”中设置接收哪些邮件。You can choose which emails you get in the Notifications page.',
  ].join('\n');
  const para = (s: string) => `<p>${escapeHtml(s).replace(/\n/g, '<br>')}</p>`;
  const a = (label: string) => (link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(label)}</a></p>` : '');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.6">',
    `<div lang="zh-CN"><h3>${escapeHtml(r.zh.title)}</h3>${para(r.zh.body)}${a('查看详情')}</div>`,
    '<hr>',
    `<div lang="en"><h3>${escapeHtml(r.en.title)}</h3>${para(r.en.body)}${a('Open')}</div>`,
    '<hr><p style="color:#888;font-size:12px">山东省大型科学仪器共享服务平台 · Shandong Large Research Instrument Sharing Platform<br>',
    '您可在平台“消息中心”中设置接收哪些邮件。You can choose which emails you get in the Notifications page.</p>',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}
