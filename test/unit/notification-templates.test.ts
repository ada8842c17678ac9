import { describe, expect, it } from 'vitest';
import { notificationTypes, type NotificationType } from '../../db/schema/enums.ts';
import { LINKS } from '../../server/modules/notifications/links.ts';
import { retryDelayMs } from '../../server/modules/notifications/notifications.service.ts';
import {
  render,
  renderEmail,
  type BookingData,
  type NotificationData,
} from '../../server/modules/notifications/templates.ts';

const booking: BookingData = {
  bookingId: 17,
  instrumentName: '场发射扫描电子显微镜',
  institutionName: '山东省分析测试中心',
  requesterName: '李文博',
  requesterOrganisation: '济南智测新材料科技有限公司',
  mode: 'machine_time',
  when: '2026-12-02 09:00–11:00',
  sampleCount: null,
  reason: '仪器维护',
};

/** A bank-transfer payment notice (付款通知书) as its notifications tell of it. */
const notice = {
  noticeId: 3,
  bookingId: 17,
  reference: 'TR7K3M9QX',
  amountFen: 50_400,
  dueOn: '2026-12-02',
  providerName: '山东省分析测试中心',
};

const DATA: NotificationData = {
  booking_requested: booking,
  booking_approved: booking,
  booking_rejected: booking,
  booking_cancelled: booking,
  booking_reminder: booking,
  booking_completed: { ...booking, finalFen: 45_050 },
  quota_low: { quotaId: 3, programmeName: '2026年度山东省科技创新券', availableFen: 120_000, capFen: 5_000_000 },
  settlement_line_returned: {
    batchId: 8,
    lineId: 21,
    bookingId: 17,
    programmeName: '2026年度山东省科技创新券',
    month: '2026-10',
    voucherFen: 18_020,
    reason: '发票抬头有误',
  },
  batch_paid: {
    batchId: 8,
    programmeName: '2026年度山东省科技创新券',
    month: '2026-10',
    paidFen: 3_456_789,
    reference: 'GK2026110501',
    lineCount: 3,
  },
  reconciliation_findings: { runId: 5, from: '2026-11-01', to: '2026-11-30', findings: 2, amountFen: 10_001 },
  registration_reviewed: { outcome: 'returned', note: '营业执照不清晰', organisationName: '济南微纳检测科技有限公司' },
  registration_submitted: {
    organisationId: 41,
    organisationName: '济南微纳检测科技有限公司',
    cityName: '济南',
    resubmitted: false,
  },
  membership_requested: {
    userId: 9,
    personName: '王晓',
    email: 'wang@example.cn',
    organisationName: '济南微纳检测科技有限公司',
  },
  membership_reviewed: { organisationName: '济南微纳检测科技有限公司', accepted: true },
  application_submitted: {
    kind: 'voucher',
    applicationId: 12,
    organisationName: '济南微纳检测科技有限公司',
    programmeName: '2026年度山东省科技创新券',
    amountFen: 5_000_000,
  },
  certification_reviewed: {
    outcome: 'approved',
    applicationId: 3,
    registrationNo: '202637010100000123',
    expiresOn: '2026-12-31',
  },
  voucher_application_reviewed: {
    outcome: 'approved',
    applicationId: 12,
    programmeName: '2026年度山东省科技创新券',
    amountFen: 5_000_000,
    approvedFen: 3_000_000,
  },
  quota_granted: { quotaId: 4, programmeName: '2026年度山东省科技创新券', capFen: 2_000_000 },
  payment_notice_issued: notice,
  payment_notice_overdue: { ...notice, receivedFen: 20_000, cancels: true },
  transfer_received: { ...notice, receivedFen: 50_400, receiptFen: 30_400 },
  card_payment_required: {
    ...booking,
    amountFen: 34_800,
    payBy: '2026-12-02 09:00',
    reason: 'Your card was declined.',
  },
  listing_submitted: {
    submissionId: 31,
    instrumentName: '场发射扫描电子显微镜',
    assetNumber: 'SDU-2019-0042',
    kind: 'new',
    institutionName: '山东大学',
    count: 3,
  },
  listing_reviewed: {
    submissionId: 31,
    instrumentName: '场发射扫描电子显微镜',
    assetNumber: 'SDU-2019-0042',
    kind: 'change',
    outcome: 'returned',
    note: '原值与发票不符',
  },
  import_finished: {
    importId: 5,
    fileName: '仪器信息.xlsx',
    ok: true,
    created: 120,
    updated: 7,
    unchanged: 3,
    submitted: 127,
    errors: 2,
  },
  testing_need_posted: {
    needId: 9,
    title: '锂电池正极材料形貌分析',
    enterpriseName: '济南微纳检测科技有限公司',
    invited: false,
    instrumentCount: 2,
  },
  quote_received: {
    needId: 9,
    title: '锂电池正极材料形貌分析',
    quoteId: 14,
    institutionName: '山东大学',
    totalFen: 240_000,
    validUntil: '2026-12-20',
  },
  quote_decided: { needId: 9, title: '锂电池正极材料形貌分析', quoteId: 14, accepted: true, totalFen: 240_000 },
  testing_need_expired: { needId: 9, title: '锂电池正极材料形貌分析', quoteCount: 3 },
};

/** What each type's texts must mention, from its data. */
const MENTIONS: Record<NotificationType, string[]> = {
  booking_requested: ['#17', '场发射扫描电子显微镜', '李文博', '2026-12-02 09:00–11:00'],
  booking_approved: ['#17', '场发射扫描电子显微镜', '2026-12-02 09:00–11:00'],
  booking_rejected: ['#17', '仪器维护'],
  booking_cancelled: ['#17', '仪器维护'],
  booking_reminder: ['#17', '2026-12-02 09:00–11:00'],
  booking_completed: ['#17', '¥450.50'],
  quota_low: ['2026年度山东省科技创新券', '¥1,200.00', '¥50,000.00'],
  settlement_line_returned: ['#8', '#17', '¥180.20', '发票抬头有误', '2026-10'],
  batch_paid: ['#8', '¥34,567.89', 'GK2026110501'],
  reconciliation_findings: ['2026-11-01', '2026-11-30', '¥100.01'],
  registration_reviewed: ['济南微纳检测科技有限公司', '营业执照不清晰'],
  registration_submitted: ['济南微纳检测科技有限公司', '济南'],
  membership_requested: ['王晓', 'wang@example.cn'],
  membership_reviewed: ['济南微纳检测科技有限公司'],
  application_submitted: ['#12', '2026年度山东省科技创新券', '¥50,000.00'],
  certification_reviewed: ['#3', '202637010100000123', '2026-12-31'],
  voucher_application_reviewed: ['#12', '¥50,000.00', '¥30,000.00'],
  quota_granted: ['2026年度山东省科技创新券', '¥20,000.00'],
  payment_notice_issued: ['TR7K3M9QX', '¥504.00', '2026-12-02', '#17'],
  payment_notice_overdue: ['TR7K3M9QX', '¥504.00', '¥200.00', '2026-12-02'],
  transfer_received: ['TR7K3M9QX', '¥304.00', '¥504.00'],
  card_payment_required: ['#17', '¥348.00', '2026-12-02 09:00', 'Your card was declined.'],
  listing_submitted: ['山东大学', '场发射扫描电子显微镜', 'SDU-2019-0042', '3'],
  listing_reviewed: ['场发射扫描电子显微镜', 'SDU-2019-0042', '原值与发票不符'],
  import_finished: ['#5', '仪器信息.xlsx', '120', '127'],
  testing_need_posted: ['#9', '锂电池正极材料形貌分析', '济南微纳检测科技有限公司'],
  quote_received: ['#9', '#14', '山东大学', '¥2,400.00', '2026-12-20'],
  quote_decided: ['#9', '#14', '¥2,400.00'],
  testing_need_expired: ['#9', '锂电池正极材料形貌分析', '3'],
};

const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

describe('notification templates', () => {
  it.each(notificationTypes)('render %s in Chinese and English with its data', (type) => {
    const r = render(type, DATA[type] as never);
    for (const text of [r.zh.title, r.zh.body, r.en.title, r.en.body]) {
      expect(text.length).toBeGreaterThan(3);
      expect(text).not.toMatch(/undefined|null|NaN|\[object/);
    }
    expect(hasHan(r.zh.title)).toBe(true);
    expect(hasHan(r.zh.body)).toBe(true);
    // The English title is English (names in the body may be Chinese).
    expect(hasHan(r.en.title.replace(DATA.quota_low.programmeName, ''))).toBe(false);
    for (const m of MENTIONS[type]) {
      expect(`${r.zh.title} ${r.zh.body}`).toContain(m);
      expect(`${r.en.title} ${r.en.body}`).toContain(m);
    }
  });

  it('cover every notification type', () => {
    expect(Object.keys(DATA).sort()).toEqual([...notificationTypes].sort());
  });

  it('say who cancelled, whether a new booking needs approval, and leave out a missing reason', () => {
    const byLab = render('booking_cancelled', { ...booking, cancelledBy: 'lab' });
    const byRequester = render('booking_cancelled', { ...booking, cancelledBy: 'requester' });
    expect(byLab.zh.body).toContain('服务单位取消');
    expect(byRequester.en.body).toContain('李文博 (济南智测新材料科技有限公司) cancelled');
    expect(render('booking_requested', { ...booking, confirmed: true }).en.title).toContain('confirmed');
    expect(render('booking_requested', booking).zh.body).toContain('请审核');
    const noReason = render('booking_rejected', { ...booking, reason: null });
    expect(noReason.zh.body).not.toContain('原因');
    expect(noReason.en.body).not.toContain('Reason');
    const sample = render('booking_approved', { ...booking, mode: 'sample', when: null, sampleCount: 6 });
    expect(sample.zh.body).toContain('送样 6 个');
    expect(sample.en.body).toContain('6 samples');
  });

  it('make an email with the Chinese text first, then the English, and an escaped HTML part', () => {
    const r = render('booking_rejected', { ...booking, reason: '<b>过期</b> & 其他' });
    const mail = renderEmail(r, 'http://platform.test/bookings/17');
    expect(mail.subject).toBe(`${r.zh.title} | ${r.en.title}`);
    expect(mail.text.indexOf(r.zh.body)).toBeGreaterThanOrEqual(0);
    expect(mail.text.indexOf(r.zh.body)).toBeLessThan(mail.text.indexOf(r.en.body));
    expect(mail.text).toContain('http://platform.test/bookings/17');
    expect(mail.html).toContain('&lt;b&gt;过期&lt;/b&gt; &amp; 其他');
    expect(mail.html).not.toContain('<b>过期');
    expect(mail.html.indexOf('lang="zh-CN"')).toBeLessThan(mail.html.indexOf('lang="en"'));
    expect(renderEmail(r, null).text).not.toContain('http');
  });
});

describe('outbox retry back-off', () => {
  it('doubles from 30 s and stops growing at one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
});

describe('links', () => {
  it('send each claimant to its own claim pages: the lab’s, or the enterprise’s (reimburse mode)', () => {
    expect(LINKS.claimantBatch(12, 'provider')).toBe('/lab/settlement/12');
    expect(LINKS.claimantBatch(12, 'enterprise')).toBe('/my/claims/12');
  });
});
