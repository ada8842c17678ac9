/**
 * Personal data in lists: phone numbers and e-mail addresses shown masked to whoever does not need
 * them whole (MLPS level 3, and what Chinese government service platforms show: 138****5678,
 * w***@example.cn). A person's full record is for their own organisation's administrators and the
 * platform; everyone else sees these.
 */

/**
 * A mainland mobile keeps its first three and last four digits (138****5678); a landline its area
 * code and last four (0531-****1234); anything else its last four at most.
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (phone === null || phone === undefined) return null;
  const p = phone.trim();
  if (!p) return p;
  const digits = p.replace(/\D/g, '');
  const mobile = /^(?:\+?86)?(1\d{10})$/.exec(digits);
  if (mobile) return `${mobile[1]!.slice(0, 3)}****${mobile[1]!.slice(-4)}`;
  const landline = /^(0\d{2,3})[-\s]?(\d{7,8})(?:\D.*)?$/.exec(p);
  if (landline) return `${landline[1]}-****${landline[2]!.slice(-4)}`;
  if (digits.length <= 4) return '****';
  return `****${digits.slice(-4)}`;
}

/** An e-mail address keeps the first character of its name and its domain (w***@example.cn). */
export function maskEmail(email: string | null | undefined): string | null {
  if (email === null || email === undefined) return null;
  const at = email.lastIndexOf('@');
  if (at < 1) return email ? '***' : email;
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}
