/**
 * The password policy as the server holds it (server/modules/auth/password.ts), for the hints shown
 * while typing: at least 10 characters of at least three kinds, not the e-mail nor its name. Whether
 * it is a common password only the server knows (its list is large); it says so when the form is sent.
 */
export const PASSWORD_MIN_LENGTH = 10;

export type PasswordCheck = { length: boolean; kinds: boolean; email: boolean };

export function checkPassword(password: string, email?: string | null): PasswordCheck {
  const text = password.normalize('NFKC');
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((k) => k.test(text)).length;
  const lower = text.toLowerCase();
  const address = email?.trim().toLowerCase() ?? '';
  const name = address.split('@')[0] ?? '';
  const containsEmail = !!address && (lower.includes(address) || (name.length >= 4 && lower.includes(name)));
  return { length: [...text].length >= PASSWORD_MIN_LENGTH, kinds: kinds >= 3, email: !containsEmail };
}

export const passwordOk = (c: PasswordCheck) => c.length && c.kinds && c.email;
