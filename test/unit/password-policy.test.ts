/**
 * The password policy (MLPS level 3): at least 10 characters of at least three kinds, not the e-mail
 * nor its name, not a common password (zxcvbn-ts's list of ~49,000, and Chinese favourites) — also in
 * disguise: capitals, digits or symbols added at the end, letters swapped for look-alike symbols.
 */
import { describe, expect, it } from 'vitest';
import { isCommonPassword } from '../../server/modules/auth/common-passwords.ts';
import { PASSWORD_RULES, passwordProblems } from '../../server/modules/auth/password.ts';
import { translateDetail } from '../../server/shared/messages.ts';

const EMAIL = 'zhang.wei@example.cn';

describe('the password policy', () => {
  it('accepts a long password of three kinds that is nobody else’s', () => {
    expect(passwordProblems('Tk9#mVq2Lp4x', EMAIL)).toEqual([]);
    expect(passwordProblems('qx7-long-enough-secret', EMAIL)).toEqual([]);
    // Three kinds without symbols, and the shortest allowed.
    expect(passwordProblems('Hv4kQm9zTw', EMAIL)).toEqual([]);
  });

  it('wants at least 10 characters (counted as characters, not bytes)', () => {
    expect(passwordProblems('Tk9#mVq2L', EMAIL)).toEqual([PASSWORD_RULES.length]);
    expect(PASSWORD_RULES.length).toBe('at least 10 characters');
    // Ten characters, some of them outside the BMP: long enough.
    expect(passwordProblems('Tk9#mVq2😀😀', EMAIL)).toEqual([]);
  });

  it('wants three of lower case, upper case, digits and symbols', () => {
    expect(passwordProblems('tkqmvqzlpxwr', EMAIL)).toEqual([PASSWORD_RULES.kinds]);
    expect(passwordProblems('tk9qmvq2lp4x', EMAIL)).toEqual([PASSWORD_RULES.kinds]);
    expect(passwordProblems('TK9QMVQ2LP4X', EMAIL)).toEqual([PASSWORD_RULES.kinds]);
    expect(passwordProblems('tk9#mvq2lp4x', EMAIL)).toEqual([]);
  });

  it('refuses the e-mail address and its name, in any case', () => {
    expect(passwordProblems('Zhang.Wei-2031!', EMAIL)).toEqual([PASSWORD_RULES.email]);
    expect(passwordProblems(`X1${EMAIL.toUpperCase()}`, EMAIL)).toEqual([PASSWORD_RULES.email]);
    // A name of three letters is too short to mean anything inside a password.
    expect(passwordProblems('Abc-Tk9mVq2Lp', 'abc@example.cn')).toEqual([]);
  });

  it('refuses common passwords, also with capitals, look-alike symbols and a year or ! at the end', () => {
    for (const p of [
      'Password123!',
      'P@ssw0rd2026!',
      'Welcome2026!',
      'Qwerty123456!',
      '1qaz2wsx3EDC!',
      'Woaini1314!!',
    ]) {
      expect(passwordProblems(p, EMAIL), p).toContain(PASSWORD_RULES.common);
    }
    expect(isCommonPassword('123456')).toBe(true);
    expect(isCommonPassword('dragon')).toBe(true);
    expect(isCommonPassword('Tk9#mVq2Lp4x')).toBe(false);
  });

  it('lists every rule broken, and says them in Chinese', () => {
    expect(passwordProblems('xqvbj', EMAIL)).toEqual([PASSWORD_RULES.length, PASSWORD_RULES.kinds]);
    expect(passwordProblems('password', EMAIL)).toEqual([
      PASSWORD_RULES.length,
      PASSWORD_RULES.kinds,
      PASSWORD_RULES.common,
    ]);
    const all = passwordProblems('password', EMAIL);
    expect(translateDetail(`the password is too weak: ${all.join('; ')}`, 'zh')).toBe(
      '密码强度不足：至少 10 个字符；至少包含小写字母、大写字母、数字、符号中的三种；不得使用常见密码',
    );
  });
});
