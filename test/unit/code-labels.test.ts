/**
 * Every code the SPA shows has words in both languages, in one place (web/src/i18n/codes.ts points each
 * vocabulary of db/schema/enums.ts to its key in the texts): a value without a Chinese or an English label,
 * a Chinese label that is not Chinese, or a vocabulary placed nowhere fails here.
 */
import { describe, expect, it } from 'vitest';
import * as vocabularies from '../../db/schema/enums.ts';
import en from '../../web/src/i18n/en.ts';
import zhCN from '../../web/src/i18n/zh-CN.ts';
import zhParts from '../../web/src/i18n/zh-parts.ts';
import { BOOKING_SYSTEM_REASONS, CODE_LABELS, NOT_SHOWN } from '../../web/src/i18n/codes.ts';

const zh: Record<string, unknown> = { ...zhCN, ...zhParts };

function at(texts: unknown, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), texts);
}

const lists = Object.entries(vocabularies).filter(([, v]) => Array.isArray(v)) as [
  string,
  readonly (string | number)[],
][];

describe('code labels', () => {
  it('places every vocabulary of enums.ts: labelled under a key, or not shown with a reason', () => {
    const placed = new Set([...Object.keys(CODE_LABELS), ...Object.keys(NOT_SHOWN)]);
    expect(lists.map(([name]) => name).filter((name) => !placed.has(name))).toEqual([]);
    for (const name of Object.keys(CODE_LABELS)) expect(name in vocabularies, `${name} is a vocabulary`).toBe(true);
  });

  for (const [name, key] of Object.entries(CODE_LABELS)) {
    it(`${name}: every value has a Chinese and an English label (${key})`, () => {
      const values = (vocabularies as unknown as Record<string, readonly string[]>)[name]!;
      const missing: string[] = [];
      for (const value of values) {
        const zhText = at(zh, `${key}.${value}`);
        const enText = at(en, `${key}.${value}`);
        if (typeof zhText !== 'string' || !zhText.trim()) missing.push(`zh ${key}.${value}`);
        else if (!/[\u4e00-\u9fff]/.test(zhText)) missing.push(`zh ${key}.${value} is not Chinese: ${zhText}`);
        else if (/[A-Za-z]{3,}/.test(zhText.replace(/\{\{\w+\}\}/g, '')))
          missing.push(`zh ${key}.${value} mixes in English: ${zhText}`);
        if (typeof enText !== 'string' || !enText.trim()) missing.push(`en ${key}.${value}`);
        else if (/[\u4e00-\u9fff]/.test(enText)) missing.push(`en ${key}.${value} is Chinese: ${enText}`);
      }
      expect(missing).toEqual([]);
    });
  }

  it('words the booking history’s system steps in both languages', () => {
    for (const key of Object.values(BOOKING_SYSTEM_REASONS)) {
      expect(at(zh, `booking.systemReason.${key}`)).toMatch(/[\u4e00-\u9fff]/);
      expect(at(en, `booking.systemReason.${key}`)).toMatch(/^[^\u4e00-\u9fff]+$/);
    }
  });

  it('words a claim line’s bank-transfer and invoice evidence in both languages', () => {
    for (const key of ['settlement.paymentRefTransfer', 'settlement.paymentRefInvoice']) {
      expect(at(zh, key)).toMatch(/[\u4e00-\u9fff].*\{\{id\}\}/);
      expect(at(en, key)).toMatch(/\{\{id\}\}/);
    }
  });
});
