import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { isCommonPassword } from './common-passwords.ts';

/** scrypt, memory-hard: N=2^15, r=8 → 32 MiB per hash. Stored as scrypt$N$r$p$salt$hash (base64url). */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...opts, maxmem: 128 * opts.N! * opts.r! * 2 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** The password policy (MLPS level 3): length and kinds of characters; the SPA shows the same rules. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MIN_KINDS = 3;

/** The rules a password breaks, in the words `passwordProblems` uses (messages.zh.ts translates them). */
export const PASSWORD_RULES = {
  length: `at least ${PASSWORD_MIN_LENGTH} characters`,
  kinds: 'at least three of: lower case, upper case, digits, symbols',
  email: 'not the e-mail address or its name',
  common: 'not a commonly used password',
} as const;

/**
 * Why a password set by a person is too weak (empty when it is fine): at least 10 characters of at
 * least three kinds (lower case, upper case, digits, symbols), not the e-mail address nor its name
 * (the part before the @), and not one of the passwords people use most (common-passwords.ts).
 * Checked when a password is set — registration, invitation, change, reset — never at sign-in, so
 * accounts with older passwords (the demo's) still sign in.
 */
export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  const text = password.normalize('NFKC');
  if ([...text].length < PASSWORD_MIN_LENGTH) problems.push(PASSWORD_RULES.length);
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((k) => k.test(text)).length;
  if (kinds < PASSWORD_MIN_KINDS) problems.push(PASSWORD_RULES.kinds);
  const lower = text.toLowerCase();
  const address = email?.trim().toLowerCase();
  const name = address?.split('@')[0];
  if (address && (lower.includes(address) || (name && name.length >= 4 && lower.includes(name))))
    problems.push(PASSWORD_RULES.email);
  if (isCommonPassword(text)) problems.push(PASSWORD_RULES.common);
  return problems;
}
