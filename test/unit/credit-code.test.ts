/**
 * 统一社会信用代码 (GB 32100-2015): real published codes pass; each corruption is caught by the rule it
 * breaks. The codes below are printed on the named companies' business licences and in the national
 * enterprise credit information system.
 */
import { describe, expect, it } from 'vitest';
import { creditCode } from '../../db/seed/organisations.ts';
import { Rng } from '../../db/seed/random.ts';
import {
  CREDIT_CODE_CHARS,
  CREDIT_CODE_WEIGHTS,
  creditCodeCheckChar,
  creditCodeMessage,
  creditCodeProblem,
  isEnterpriseCreditCode,
  isValidCreditCode,
  normaliseCreditCode,
  organisationCodeCheckChar,
} from '../../server/modules/organisations/credit-code.ts';
import { maskEmail, maskPhone } from '../../server/shared/mask.ts';

const REAL: [string, string][] = [
  ['914403001922038216', '华为技术有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['91110000710926094P', '中国石油化工股份有限公司'],
  ['9144030071526726XG', '腾讯科技（深圳）有限公司'],
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['91370200163562681G', '海尔集团公司'],
];

describe('the check characters', () => {
  it('weighs the 17 characters by 3^(i−1) mod 31', () => {
    expect(CREDIT_CODE_WEIGHTS).toEqual([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
    expect(CREDIT_CODE_CHARS).toHaveLength(31);
    expect(CREDIT_CODE_CHARS).not.toMatch(/[IOZSV]/);
  });

  it.each(REAL)('%s (%s) is valid', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
    expect(isValidCreditCode(code)).toBe(true);
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
    expect(organisationCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
    expect(isEnterpriseCreditCode(code)).toBe(true);
  });

  it('computes GB 11714 organisation-code check characters, X and 0 included', () => {
    // 华为's organisation code 19220382-1, 腾讯's 71526726-X.
    expect(organisationCodeCheckChar('19220382')).toBe('1');
    expect(organisationCodeCheckChar('71526726')).toBe('X');
    expect(organisationCodeCheckChar('1922038')).toBeNull();
  });

  it('accepts the codes the demo generator makes', () => {
    const rng = Rng.stream(1, 'credit-codes');
    for (let i = 0; i < 200; i++) {
      const code = creditCode(rng, i % 2 ? '91' : '12', '370102');
      expect(creditCodeProblem(code), code).toBeNull();
    }
  });
});

describe('corrupted codes', () => {
  const good = '914403001922038216';
  const at = (i: number, c: string) => good.slice(0, i) + c + good.slice(i + 1);

  it.each([
    ['', 'length'],
    [good.slice(0, 17), 'length'],
    [`${good}0`, 'length'],
    [at(5, 'O'), 'charset'],
    [at(5, 'I'), 'charset'],
    [at(17, 'Z'), 'charset'],
    [at(17, 's'), 'charset'],
    [at(0, 'B'), 'authority'],
    [at(0, '0'), 'authority'],
    [at(1, '4'), 'type'],
    [at(2, '9'), 'division'],
    [`${good.slice(0, 2)}101000${good.slice(8)}`, 'division'],
    [at(3, 'A'), 'division'],
    [at(10, '3'), 'organisation_code'],
    [at(16, '7'), 'organisation_code'],
    [at(17, '7'), 'check'],
  ] as const)('%s → %s', (code, problem) => {
    expect(creditCodeProblem(code)).toBe(problem);
    expect(isValidCreditCode(code)).toBe(false);
  });

  it('catches any single changed character and any swap of two neighbours', () => {
    for (const [code] of REAL) {
      for (let i = 0; i < 18; i++) {
        for (const c of CREDIT_CODE_CHARS) {
          if (c === code[i]) continue;
          expect(isValidCreditCode(code.slice(0, i) + c + code.slice(i + 1)), `${code} [${i}]=${c}`).toBe(false);
        }
        if (i < 17 && code[i] !== code[i + 1]) {
          const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          expect(isValidCreditCode(swapped), swapped).toBe(false);
        }
      }
    }
  });

  it('says what is wrong in words', () => {
    expect(creditCodeMessage('check')).toBe('the check character (the 18th) does not match');
  });

  it('reads codes as people type them', () => {
    expect(normaliseCreditCode(' 9111 0108 5513 8508 2q ')).toBe('91110108551385082Q');
    expect(normaliseCreditCode('91110108-551385082-q')).toBe('91110108551385082Q');
  });

  it('tells enterprises (91) from other registrants', () => {
    expect(isEnterpriseCreditCode('12370000MB0000000X')).toBe(false);
  });
});

describe('masking personal data', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+86 138 1234 5678', '138****5678'],
    ['0531-88881234', '0531-****1234'],
    ['0532 8888123', '0532-****8123'],
    ['12345', '****2345'],
    ['123', '****'],
  ])('phone %s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it.each([
    ['wang.wei@example.cn', 'w***@example.cn'],
    ['李@例子.中国', '李***@例子.中国'],
    ['a@b.cn', 'a***@b.cn'],
    ['not-an-address', '***'],
  ])('e-mail %s → %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it('leaves absent values absent', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskEmail(undefined)).toBeNull();
  });
});
