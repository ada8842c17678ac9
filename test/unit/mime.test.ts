import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { composeEmail, type OutgoingEmail } from '../../server/modules/notifications/mime.ts';
import { DEFAULT_MAIL_FROM } from '../../server/modules/notifications/delivery.ts';
import { render, renderEmail } from '../../server/modules/notifications/templates.ts';

const booking = render('booking_requested', {
  bookingId: 4711,
  instrumentName: '场发射扫描电子显微镜 SU8010（Hitachi）',
  institutionName: '山东大学分析测试中心',
  requesterName: '张三',
  requesterOrganisation: '济南某科技有限公司',
  mode: 'machine_time',
  when: '2026-12-09 09:00–11:00',
  sampleCount: null,
  confirmed: true,
});
const { subject, text, html } = renderEmail(booking, 'https://instruments.example.cn/bookings/4711');
const email: OutgoingEmail = {
  from: DEFAULT_MAIL_FROM,
  to: 'lab.manager@sdu.example.cn',
  subject,
  text,
  html,
  messageId: '<outbox-17-mh3k2x@instruments.sd.example.cn>',
  date: Date.UTC(2026, 11, 7, 23, 5, 9),
  headers: { 'X-Outbox-Id': '17' },
};

describe('an outbox email composed for SMTP', () => {
  it('reads back in a mail reader as it was written: names, subject, both texts, the ids and the date', async () => {
    const { raw, envelope } = composeEmail(email);
    expect(envelope).toEqual({ from: 'noreply@instruments.sd.example.cn', to: ['lab.manager@sdu.example.cn'] });
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([
      { name: '山东省大型科学仪器共享服务平台', address: 'noreply@instruments.sd.example.cn' },
    ]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value[0]?.address).toBe('lab.manager@sdu.example.cn');
    expect(parsed.subject).toBe(subject);
    expect(subject).toMatch(/[\u4e00-\u9fff]/); // the case that needs encoding
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(parsed.messageId).toBe(email.messageId);
    expect(parsed.headers.get('x-outbox-id')).toBe('17');
    expect(parsed.date?.getTime()).toBe(email.date);
  });

  it('keeps every line within 78 characters, ends lines with CRLF, and is 7-bit', () => {
    const long = { ...email, subject: `${'预约已确认：'.repeat(12)}${'a very long English subject '.repeat(4)}` };
    const raw = composeEmail(long).raw.toString('latin1');
    expect(raw).not.toMatch(/[^\r]\n/);
    expect([...raw].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('is the same bytes every time it is made (a resent email is the same email)', () => {
    expect(composeEmail(email).raw.equals(composeEmail({ ...email }).raw)).toBe(true);
    expect(composeEmail({ ...email, messageId: '<outbox-18-x@y>' }).raw.equals(composeEmail(email).raw)).toBe(false);
  });

  it('keeps a line break in a value from starting a header field of its own', async () => {
    const parsed = await simpleParser(
      composeEmail({ ...email, subject: 'Booking\r\nBcc: victim@example.com', headers: { 'X-Outbox-Id': '1\n2' } }).raw,
    );
    expect(parsed.subject).toBe('Booking Bcc: victim@example.com');
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.get('x-outbox-id')).toBe('1 2');
  });

  it('quotes a plain display name and takes a bare address', async () => {
    const parsed = await simpleParser(
      composeEmail({ ...email, from: '"Analysis Lab, SDU" <lab@example.com>', to: 'x@example.com' }).raw,
    );
    expect(parsed.from?.value).toEqual([{ name: 'Analysis Lab, SDU', address: 'lab@example.com' }]);
    expect(() => composeEmail({ ...email, to: 'not an address' })).toThrow(/not an email address/);
  });
});
