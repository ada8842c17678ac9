/**
 * The second factor: time-based one-time passwords (RFC 6238, as authenticator apps make them —
 * SHA-1, 6 digits, 30-second steps) and one-time recovery codes. Codes are checked against the
 * app's Clock, so tests run on a fixed clock.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** Codes of the step before and after the current one are accepted too (clocks drift, people type slowly). */
const WINDOW = 1;
export const TOTP_ISSUER = '山东省仪器共享平台';
/** How many recovery codes a user holds at a time. */
export const RECOVERY_CODE_COUNT = 10;

/** The 30-second step an instant falls in. */
export const totpStep = (now: number): number => Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);

/** A new random secret (160 bits, as RFC 4226 recommends), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// address an authenticator app reads from the QR code. */
export function totpUri(secret: string, account: string): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    secret: Secret.fromBase32(secret),
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    algorithm: 'SHA1',
  }).toString();
}

/** The QR code of the address, as a PNG data: URL the page shows as an image. */
export function totpQrDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** The code an authenticator shows for a step (tests make codes with it). */
export function totpCode(secret: string, step: number): string {
  return new HOTP({ secret: Secret.fromBase32(secret), digits: DIGITS, algorithm: 'SHA1' }).generate({
    counter: step,
  });
}

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** What a person typed as a code: digits only (spaces and dashes some apps show are dropped). */
export const normaliseTotpCode = (code: string): string => code.replace(/[\s-]/g, '');

/**
 * The step a code is good for, or null: the current step or one either side, and only a step after
 * `lastStep` (the last one a code was accepted for), so a code works once.
 */
export function matchTotp(secret: string, code: string, now: number, lastStep: number | null): number | null {
  const typed = normaliseTotpCode(code);
  if (!/^\d{6}$/.test(typed)) return null;
  const current = totpStep(now);
  let found: number | null = null;
  // Every candidate is computed and compared, so the time taken does not tell which matched.
  for (let step = current - WINDOW; step <= current + WINDOW; step++) {
    if (sameText(totpCode(secret, step), typed) && (lastStep === null || step > lastStep) && found === null)
      found = step;
  }
  return found;
}

/** Recovery codes: 12 characters of an alphabet without look-alikes (0/O, 1/I/L), shown as XXXX-XXXX-XXXX. */
const RECOVERY_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]!);
    return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
  });
}

/** What is stored of a recovery code: the SHA-256 of it in capitals without separators (60 random bits: no salt needed). */
export function recoveryCodeHash(code: string): string {
  const canonical = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return createHash('sha256').update(`recovery:${canonical}`).digest('hex');
}
