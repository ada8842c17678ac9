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
  registration_reviewed: ReviewData & { organisationName: string };
  registration_submitted: {
    organisationId: number;
    organisationName: string;
    cityName: string | null;
    resubmitted: boolean;
  };
  membership_requested: { userId: number; personName: string; email: string; organisationName: string };
  membership_reviewed: { organisationName: string; accepted: boolean };
  application_submitted: {
    kind: 'certification' | 'voucher';
    applicationId: number;
    organisationName: string;
    /** Voucher applications: the programme and the amount asked. */
    programmeName?: string;
    amountFen?: number;
  };
  certification_reviewed: ReviewData & { applicationId: number; registrationNo: string; expiresOn?: string | null };
  voucher_application_reviewed: ReviewData & {
    applicationId: number;
    programmeName: string;
    amountFen: number;
    approvedFen?: number | null;
  };
  quota_granted: { quotaId: number; programmeName: string; capFen: number };
  payment_notice_issued: PaymentNoticeData;
  payment_notice_overdue: PaymentNoticeData & { receivedFen: number; cancels: boolean };
  transfer_received: PaymentNoticeData & { receivedFen: number; receiptFen: number };
  card_payment_required: BookingData & { amountFen: number; payBy: string | null };
  listing_submitted: ListingData & { institutionName: string; count: number };
  listing_reviewed: ListingData & ReviewData;
  import_finished: {
    importId: number;
    fileName: string;
    ok: boolean;
    created: number;
    updated: number;
    unchanged: number;
    submitted: number;
    errors: number;
  };
  testing_need_posted: NeedData & { enterpriseName: string; invited: boolean; instrumentCount: number };
  quote_received: NeedData & { quoteId: number; institutionName: string; totalFen: number; validUntil: string };
  quote_decided: NeedData & { quoteId: number; accepted: boolean; totalFen: number };
  testing_need_expired: NeedData & { quoteCount: number };
}

/** An instrument listing submission (入网审核) as its notifications tell of it. */
export interface ListingData {
  submissionId: number;
  instrumentName: string;
  assetNumber: string;
  kind: 'new' | 'change';
}

/** A testing need (需求发布) as its notifications tell of it. */
export interface NeedData {
  needId: number;
  title: string;
}

/** A bank-transfer payment notice (付款通知书) as its notifications tell of it. */
export interface PaymentNoticeData {
  noticeId: number;
  bookingId: number;
  reference: string;
  amountFen: number;
  dueOn: string;
  providerName: string;
}

/** The outcome of a review and the reviewer's reasons. */
export interface ReviewData {
  outcome: 'approved' | 'returned' | 'rejected';
  note?: string | null;
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

const ZH_OUTCOME = { approved: '已通过', returned: '被退回修改', rejected: '未通过' } as const;
const EN_OUTCOME = { approved: 'approved', returned: 'returned for changes', rejected: 'rejected' } as const;
const zhNext = (o: ReviewData['outcome']) =>
  o === 'returned' ? '请按意见修改后重新提交。' : o === 'rejected' ? '如有疑问请联系平台。' : '';
const enNext = (o: ReviewData['outcome']) =>
  o === 'returned'
    ? ' Please make the changes asked for and resubmit.'
    : o === 'rejected'
      ? ' Contact the platform with any questions.'
      : '';

const ZH_LISTING_KIND = { new: '新仪器入网', change: '关键信息变更' } as const;
const EN_LISTING_KIND = { new: 'new listing', change: 'key-field change' } as const;

/** Listing review, bulk import, testing needs and quotes. */
const COVERAGE_TEMPLATES = {
  listing_submitted: (d: NotificationData['listing_submitted']) => ({
    zh: {
      title: `待审核：${d.count > 1 ? `${d.count} 条仪器记录` : d.instrumentName}`,
      body: `${d.institutionName}提交了${ZH_LISTING_KIND[d.kind]}审核：${d.instrumentName}（资产编号 ${d.assetNumber}）${
        d.count > 1 ? `等 ${d.count} 条记录` : ''
      }，请在入网审核中处理。`,
    },
    en: {
      title: `To review: ${d.count > 1 ? `${d.count} instrument records` : `asset ${d.assetNumber}`}`,
      body: `${d.institutionName} submitted a ${EN_LISTING_KIND[d.kind]} for review: ${d.instrumentName} (asset ${d.assetNumber})${
        d.count > 1 ? ` and ${d.count - 1} more` : ''
      }. Open the listing review queue to decide.`,
    },
  }),
  listing_reviewed: (d: NotificationData['listing_reviewed']) => ({
    zh: {
      title: `入网审核${ZH_OUTCOME[d.outcome]}：${d.instrumentName}`,
      body: `${d.instrumentName}（资产编号 ${d.assetNumber}）的${ZH_LISTING_KIND[d.kind]}${ZH_OUTCOME[d.outcome]}。${
        d.outcome === 'approved' ? '已在仪器目录中发布。' : zhNext(d.outcome)
      }${zhReason(d.note)}`,
    },
    en: {
      title: `Listing ${EN_OUTCOME[d.outcome]}: asset ${d.assetNumber}`,
      body: `The ${EN_LISTING_KIND[d.kind]} of ${d.instrumentName} (asset ${d.assetNumber}) was ${EN_OUTCOME[d.outcome]}.${
        d.outcome === 'approved' ? ' It is published in the catalogue.' : enNext(d.outcome)
      }${enReason(d.note)}`,
    },
  }),
  import_finished: (d: NotificationData['import_finished']) => ({
    zh: {
      title: d.ok ? `导入完成：${d.fileName}` : `导入未完成：${d.fileName}`,
      body: d.ok
        ? `导入 #${d.importId}（${d.fileName}）已完成：新增 ${d.created} 条，更新 ${d.updated} 条，未变 ${d.unchanged} 条，提交审核 ${d.submitted} 条，有错误未导入 ${d.errors} 行。`
        : `导入 #${d.importId}（${d.fileName}）未完成，未写入任何记录；有错误 ${d.errors} 行，请下载错误表修改后重新上传。`,
    },
    en: {
      title: d.ok ? `Import #${d.importId} finished` : `Import #${d.importId} not finished`,
      body: d.ok
        ? `Import #${d.importId} (${d.fileName}) finished: ${d.created} created, ${d.updated} updated, ${d.unchanged} unchanged, ${d.submitted} sent to review, ${d.errors} rows with errors not imported.`
        : `Import #${d.importId} (${d.fileName}) did not finish and wrote nothing; ${d.errors} rows have errors. Download the error sheet, fix it and upload again.`,
    },
  }),
  testing_need_posted: (d: NotificationData['testing_need_posted']) => ({
    zh: {
      title: `${d.invited ? '邀请报价' : '新的检测需求'}：${d.title}`,
      body: `${d.enterpriseName}发布了检测需求 #${d.needId}「${d.title}」${
        d.invited ? '，并邀请贵单位报价' : d.instrumentCount > 0 ? `，与贵单位 ${d.instrumentCount} 台仪器匹配` : ''
      }。请在需求大厅查看并报价。`,
    },
    en: {
      title: `${d.invited ? 'Invitation to quote' : 'New testing need'}: need #${d.needId}`,
      body: `${d.enterpriseName} posted testing need #${d.needId} "${d.title}"${
        d.invited
          ? ' and invites you to quote'
          : d.instrumentCount > 0
            ? `, matching ${d.instrumentCount} of your instruments`
            : ''
      }. Open the needs to see it and quote.`,
    },
  }),
  quote_received: (d: NotificationData['quote_received']) => ({
    zh: {
      title: `收到报价：${d.title}`,
      body: `${d.institutionName}对需求 #${d.needId}「${d.title}」报价 ${formatFen(d.totalFen)}（报价 #${d.quoteId}，有效期至 ${d.validUntil}）。`,
    },
    en: {
      title: `Quote received for need #${d.needId}`,
      body: `${d.institutionName} quoted ${formatFen(d.totalFen)} for need #${d.needId} "${d.title}" (quote #${d.quoteId}, valid until ${d.validUntil}).`,
    },
  }),
  quote_decided: (d: NotificationData['quote_decided']) => ({
    zh: {
      title: d.accepted ? `报价已被接受：${d.title}` : `报价未被选中：${d.title}`,
      body: d.accepted
        ? `贵单位对需求 #${d.needId}「${d.title}」的报价 #${d.quoteId}（${formatFen(d.totalFen)}）已被接受，预约申请将随之提交。`
        : `需求 #${d.needId}「${d.title}」已选择其他报价，贵单位的报价 #${d.quoteId}（${formatFen(d.totalFen)}）未被选中。`,
    },
    en: {
      title: d.accepted ? `Quote #${d.quoteId} accepted` : `Quote #${d.quoteId} not chosen`,
      body: d.accepted
        ? `Your quote #${d.quoteId} (${formatFen(d.totalFen)}) for need #${d.needId} "${d.title}" was accepted; the booking request follows.`
        : `Need #${d.needId} "${d.title}" went with another quote; your quote #${d.quoteId} (${formatFen(d.totalFen)}) was not chosen.`,
    },
  }),
  testing_need_expired: (d: NotificationData['testing_need_expired']) => ({
    zh: {
      title: `需求已到期：${d.title}`,
      body: `检测需求 #${d.needId}「${d.title}」已到期，共收到 ${d.quoteCount} 份报价，未接受任何报价。如仍需检测，可重新发布。`,
    },
    en: {
      title: `Need #${d.needId} expired`,
      body: `Testing need #${d.needId} "${d.title}" expired with ${d.quoteCount} quotes and none accepted. Post it again if you still need the test.`,
    },
  }),
};

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
  registration_reviewed: (d) => ({
    zh: {
      title: `单位注册${ZH_OUTCOME[d.outcome]}：${d.organisationName}`,
      body: `「${d.organisationName}」的注册申请${ZH_OUTCOME[d.outcome]}。${
        d.outcome === 'approved' ? '现在可以使用平台的全部功能。' : zhNext(d.outcome)
      }${zhReason(d.note)}`,
    },
    en: {
      title: `Registration ${EN_OUTCOME[d.outcome]}`,
      body: `The registration of "${d.organisationName}" was ${EN_OUTCOME[d.outcome]}.${
        d.outcome === 'approved' ? ' You can now use everything the platform offers.' : enNext(d.outcome)
      }${enReason(d.note)}`,
    },
  }),
  registration_submitted: (d) => ({
    zh: {
      title: `${d.resubmitted ? '单位注册重新提交' : '新的单位注册'}待审核：${d.organisationName}`,
      body: `「${d.organisationName}」${d.cityName ? `（${d.cityName}）` : ''}${d.resubmitted ? '已修改并重新提交注册申请' : '提交了注册申请'}，请审核。`,
    },
    en: {
      title: `Registration to review (#${d.organisationId})`,
      body: `"${d.organisationName}"${d.cityName ? ` (${d.cityName})` : ''} ${d.resubmitted ? 'resubmitted its registration' : 'registered'}; please review it.`,
    },
  }),
  membership_requested: (d) => ({
    zh: {
      title: `${d.personName} 申请加入本单位`,
      body: `${d.personName}（${d.email}）申请加入「${d.organisationName}」，请在“人员管理”中审核。`,
    },
    en: {
      title: `A request to join your organisation`,
      body: `${d.personName} (${d.email}) asked to join "${d.organisationName}"; accept or decline it under People.`,
    },
  }),
  membership_reviewed: (d) => ({
    zh: {
      title: d.accepted ? `已加入「${d.organisationName}」` : `加入「${d.organisationName}」的申请未获同意`,
      body: d.accepted
        ? `「${d.organisationName}」的管理员已同意您的加入申请，现在可以使用平台。`
        : `「${d.organisationName}」的管理员未同意您的加入申请。`,
    },
    en: {
      title: d.accepted ? 'Your request to join was accepted' : 'Your request to join was declined',
      body: d.accepted
        ? `The administrator of "${d.organisationName}" accepted you; you can now use the platform.`
        : `The administrator of "${d.organisationName}" declined your request to join.`,
    },
  }),
  application_submitted: (d) => ({
    zh: {
      title:
        d.kind === 'certification'
          ? `科技型中小企业认证申请待审核 #${d.applicationId}`
          : `创新券申领待审核 #${d.applicationId}`,
      body:
        d.kind === 'certification'
          ? `「${d.organisationName}」提交了科技型中小企业认证申请，请审核。`
          : `「${d.organisationName}」申领「${d.programmeName ?? ''}」创新券 ${formatFen(d.amountFen ?? 0)}，请审核。`,
    },
    en: {
      title:
        d.kind === 'certification'
          ? `SME certification application to review #${d.applicationId}`
          : `Voucher application to review #${d.applicationId}`,
      body:
        d.kind === 'certification'
          ? `"${d.organisationName}" applied for technology-based SME certification; please review it.`
          : `"${d.organisationName}" applied for ${formatFen(d.amountFen ?? 0)} of vouchers under "${d.programmeName ?? ''}"; please review it.`,
    },
  }),
  certification_reviewed: (d) => ({
    zh: {
      title: `科技型中小企业认证申请${ZH_OUTCOME[d.outcome]} #${d.applicationId}`,
      body: `登记编号 ${d.registrationNo} 的认证申请${ZH_OUTCOME[d.outcome]}。${
        d.outcome === 'approved' && d.expiresOn
          ? `认证有效期至 ${d.expiresOn}，现在可以申领创新券。`
          : zhNext(d.outcome)
      }${zhReason(d.note)}`,
    },
    en: {
      title: `SME certification ${EN_OUTCOME[d.outcome]} #${d.applicationId}`,
      body: `The certification application for registration ${d.registrationNo} was ${EN_OUTCOME[d.outcome]}.${
        d.outcome === 'approved' && d.expiresOn
          ? ` The certification is valid until ${d.expiresOn}; you can now apply for vouchers.`
          : enNext(d.outcome)
      }${enReason(d.note)}`,
    },
  }),
  voucher_application_reviewed: (d) => ({
    zh: {
      title: `创新券申领${ZH_OUTCOME[d.outcome]} #${d.applicationId}`,
      body: `您单位申领「${d.programmeName}」创新券 ${formatFen(d.amountFen)} 的申请${ZH_OUTCOME[d.outcome]}。${
        d.outcome === 'approved' ? `核定额度 ${formatFen(d.approvedFen ?? 0)}，已可在预约时使用。` : zhNext(d.outcome)
      }${zhReason(d.note)}`,
    },
    en: {
      title: `Voucher application ${EN_OUTCOME[d.outcome]} #${d.applicationId}`,
      body: `Your application for ${formatFen(d.amountFen)} of vouchers under "${d.programmeName}" was ${EN_OUTCOME[d.outcome]}.${
        d.outcome === 'approved'
          ? ` A quota of ${formatFen(d.approvedFen ?? 0)} is ready to use when you book.`
          : enNext(d.outcome)
      }${enReason(d.note)}`,
    },
  }),
  quota_granted: (d) => ({
    zh: {
      title: `获得创新券额度：${d.programmeName}`,
      body: `您单位获得「${d.programmeName}」创新券额度 ${formatFen(d.capFen)}，预约时可直接抵扣。`,
    },
    en: {
      title: 'Voucher quota granted',
      body: `Your enterprise was granted a voucher quota of ${formatFen(d.capFen)} under "${d.programmeName}"; use it when you book.`,
    },
  }),
  payment_notice_issued: (d) => ({
    zh: {
      title: `付款通知书 ${d.reference}`,
      body: `预约 #${d.bookingId} 已确认。请于 ${d.dueOn} 前向${d.providerName}对公转账 ${formatFen(d.amountFen)}，并在附言中注明汇款识别码 ${d.reference}。`,
    },
    en: {
      title: `Payment notice ${d.reference}`,
      body: `Booking #${d.bookingId} is confirmed. Please transfer ${formatFen(d.amountFen)} to ${d.providerName} by ${d.dueOn}, quoting the remittance reference ${d.reference}.`,
    },
  }),
  payment_notice_overdue: (d) => ({
    zh: {
      title: `付款逾期：${d.reference}`,
      body: `预约 #${d.bookingId} 的付款通知书已于 ${d.dueOn} 到期，应付 ${formatFen(d.amountFen)}，已到账 ${formatFen(d.receivedFen)}。${
        d.cancels ? '请尽快付款，否则预约将被取消。' : '请尽快付款。'
      }`,
    },
    en: {
      title: `Payment overdue: ${d.reference}`,
      body: `The payment notice of booking #${d.bookingId} was due on ${d.dueOn}: ${formatFen(d.amountFen)} owed, ${formatFen(d.receivedFen)} received.${
        d.cancels ? ' Please pay now, or the booking will be cancelled.' : ' Please pay now.'
      }`,
    },
  }),
  transfer_received: (d) => ({
    zh: {
      title: `转账已到账：${d.reference}`,
      body: `${d.providerName}确认收到转账 ${formatFen(d.receiptFen)}（预约 #${d.bookingId}），累计到账 ${formatFen(d.receivedFen)}，应付 ${formatFen(d.amountFen)}。`,
    },
    en: {
      title: `Transfer received: ${d.reference}`,
      body: `${d.providerName} confirmed receiving ${formatFen(d.receiptFen)} (booking #${d.bookingId}); ${formatFen(d.receivedFen)} received of ${formatFen(d.amountFen)}.`,
    },
  }),
  card_payment_required: (d) => ({
    zh: {
      title: `请完成付款 #${d.bookingId}`,
      body: `预约 ${zhWhat(d)} 的银行卡预授权未成功，应付 ${formatFen(d.amountFen)}。请在平台上使用新的银行卡完成付款${
        d.payBy ? `（最晚 ${d.payBy} 前）` : ''
      }，否则预约将在服务开始时取消。${zhReason(d.reason)}`,
    },
    en: {
      title: `Please complete the payment #${d.bookingId}`,
      body: `The card authorisation for ${enWhat(d)} did not succeed; ${formatFen(d.amountFen)} is due. Please pay with another card on the platform${
        d.payBy ? ` (by ${d.payBy})` : ''
      }, or the booking is cancelled when the service starts.${enReason(d.reason)}`,
    },
  }),
  ...COVERAGE_TEMPLATES,
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
