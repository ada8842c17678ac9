import { describe, expect, it } from 'vitest';
import { dueOn, normaliseReference, noticeStatus, referenceOf } from '../../server/modules/transfers/rules.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);

describe('remittance references', () => {
  it('are short, unique per booking, and carry a check character', () => {
    const refs = new Set<string>();
    for (let id = 1; id <= 20_000; id++) {
      const r = referenceOf(id);
      expect(r).toMatch(/^TR[0-9A-HJKMNP-TV-Z]{7}$/);
      expect(normaliseReference(r)).toBe(r);
      refs.add(r);
    }
    expect(refs.size).toBe(20_000);
  });

  it('are read as people type them, and a typo is caught', () => {
    const r = referenceOf(812);
    expect(normaliseReference(` ${r.slice(0, 5).toLowerCase()}-${r.slice(5)} `)).toBe(r);
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    for (let i = 2; i < r.length; i++)
      for (const c of alphabet) {
        if (c === r[i]) continue;
        expect(normaliseReference(r.slice(0, i) + c + r.slice(i + 1)), `${i} → ${c}`).toBeNull();
      }
    expect(normaliseReference('TR12345')).toBeNull();
    expect(normaliseReference('XX1234567')).toBeNull();
  });
});

describe('notice status', () => {
  it('follows what arrived against what is owed', () => {
    expect(noticeStatus(10_000, 0, 'open')).toBe('open');
    expect(noticeStatus(10_000, 4_000, 'open')).toBe('partly_paid');
    expect(noticeStatus(10_000, 10_000, 'partly_paid')).toBe('paid');
    expect(noticeStatus(10_000, 12_000, 'paid')).toBe('overpaid');
    expect(noticeStatus(10_000, 10_000, 'overpaid')).toBe('paid');
    expect(noticeStatus(10_000, 4_000, 'debt')).toBe('debt');
    expect(noticeStatus(10_000, 10_000, 'debt')).toBe('paid');
    expect(noticeStatus(10_000, 10_000, 'cancelled')).toBe('cancelled');
  });
});

describe('due date', () => {
  it('is the confirmation day plus the lab’s days, never after the day before the service', () => {
    expect(dueOn(at('2026-12-01T10:00:00'), 7, at('2026-12-20T09:00:00'), 'Asia/Shanghai')).toBe('2026-12-08');
    expect(dueOn(at('2026-12-01T10:00:00'), 7, at('2026-12-04T09:00:00'), 'Asia/Shanghai')).toBe('2026-12-03');
    // A service tomorrow or today: due today.
    expect(dueOn(at('2026-12-01T10:00:00'), 7, at('2026-12-02T09:00:00'), 'Asia/Shanghai')).toBe('2026-12-01');
    expect(dueOn(at('2026-12-01T10:00:00'), 7, at('2026-12-01T15:00:00'), 'Asia/Shanghai')).toBe('2026-12-01');
    // A sample job without a date: the lab's days.
    expect(dueOn(at('2026-12-01T23:30:00'), 3, null, 'Asia/Shanghai')).toBe('2026-12-04');
  });
});
