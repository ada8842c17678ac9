/**
 * Passwords people choose most often, which a guesser tries first: the ~49,000 of zxcvbn-ts's common
 * list (collected from public leaks; maintained as the npm package `@zxcvbn-ts/language-common`), and
 * the favourites of Chinese sites' leaks that the list lacks (pinyin, dates, QQ numbers, keyboard walks).
 * Compared case-insensitively, with common letter-for-symbol swaps undone and a trailing run of digits
 * and symbols taken off: "P@ssw0rd2026!" is "password".
 */
import { dictionary } from '@zxcvbn-ts/language-common';

/** Common in China's leaked lists (CSDN, 天涯, 12306…) and missing from the list above. */
const CHINESE_FAVOURITES = [
  'woaini',
  'woaini1314',
  'woaini520',
  '5201314',
  '1314520',
  'aini1314',
  'iloveyou1314',
  'qq123456',
  'qq123456789',
  'admin123',
  'admin123456',
  'admin888',
  'root123456',
  'test123456',
  'a123456',
  'a123456789',
  'aa123456',
  'abc123456',
  'abcd123456',
  'zhang123',
  'wang123456',
  'li123456',
  'zhangwei',
  'wangwei',
  'liuyang',
  'woaiwojia',
  'wodemima',
  'mima123',
  'mima123456',
  'nihao123',
  'nihao123456',
  'zxcvbnm123',
  'qwe123456',
  'qwer1234',
  'asd123456',
  'asdf1234',
  'q1w2e3r4t5',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  '1qaz@wsx',
  'p@ssw0rd',
  'passw0rd',
  'shandong',
  'jinan',
  'qingdao',
  'zhongguo',
  'beijing',
  'china',
  'dearbook',
  'xiazhili',
  '147258369',
  '123654789',
  '789456123',
  '159357',
  '520520',
  '888888',
  '666666',
];

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '(': 'c',
  '3': 'e',
  '6': 'g',
  '!': 'i',
  '1': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

let list: Set<string> | null = null;

/** Built on first use (a few milliseconds), then kept. */
function commonSet(): Set<string> {
  list ??= new Set([...dictionary['passwords-common'], ...CHINESE_FAVOURITES].map((p) => p.toLowerCase()));
  return list;
}

/** The forms of a password to look up: as typed (lower case), without its trailing digits and symbols, de-leeted. */
function forms(password: string): string[] {
  const lower = password.normalize('NFKC').toLowerCase();
  const stem = lower.replace(/[^\p{L}]+$/u, '');
  const leet = (s: string) => [...s].map((c) => LEET[c] ?? c).join('');
  const all = [lower, stem, leet(lower), leet(lower).replace(/[^\p{L}]+$/u, ''), leet(stem)];
  // A stem of a few letters ("ab" of "ab12345678!") says nothing about the whole.
  return [...new Set(all)].filter((f, i) => i === 0 || f.length >= 5);
}

/** True when the password is, or is a trivial variation of, one of the common ones. */
export function isCommonPassword(password: string): boolean {
  const set = commonSet();
  return forms(password).some((f) => set.has(f));
}
