/**
 * TOTP (RFC 6238) as authenticator apps make it, checked against an injected time: the RFC's own
 * test vector, the ±1 step window, a code good once, recovery codes.
 */
import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import {
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeHash,
  totpCode,
  totpQrDataUrl,
  totpStep,
  totpUri,
} from '../../server/modules/auth/totp.ts';

const at = Date.parse('2026-12-01T02:00:10Z');

describe('TOTP codes', () => {
  it('are the RFC 6238 test vector’s (SHA-1, 30-second steps, last 6 digits)', () => {
    const rfc = Secret.fromUTF8('12345678901234567890').base32;
    // RFC 6238 appendix B: T = 59 s → 94287082; T = 1111111109 s → 07081804; T = 1234567890 s → 89005924.
    expect(totpCode(rfc, totpStep(59_000))).toBe('287082');
    expect(totpCode(rfc, totpStep(1_111_111_109_000))).toBe('081804');
    expect(totpCode(rfc, totpStep(1_234_567_890_000))).toBe('005924');
  });

  it('are good for their step and one either side, and no further', () => {
    const secret = newTotpSecret();
    const step = totpStep(at);
    const now = totpCode(secret, step);
    expect(matchTotp(secret, now, at, null)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, step - 1), at, null)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, step + 1), at, null)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, step - 2), at, null)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, step + 2), at, null)).toBeNull();
    // As typed with a space in the middle, as some apps show it.
    expect(matchTotp(secret, `${now.slice(0, 3)} ${now.slice(3)}`, at, null)).toBe(step);
    expect(matchTotp(secret, 'abcdef', at, null)).toBeNull();
    expect(matchTotp(secret, '1234567', at, null)).toBeNull();
  });

  it('are good once: not for a step at or before the last one accepted', () => {
    const secret = newTotpSecret();
    const step = totpStep(at);
    const code = totpCode(secret, step);
    expect(matchTotp(secret, code, at, step)).toBeNull();
    expect(matchTotp(secret, code, at, step - 1)).toBe(step);
    // The previous step's code after the current one was used: refused too.
    expect(matchTotp(secret, totpCode(secret, step - 1), at, step)).toBeNull();
  });

  it('are another secret’s no good', () => {
    const code = totpCode(newTotpSecret(), totpStep(at));
    const other = newTotpSecret();
    const guesses = [code].filter((c) => matchTotp(other, c, at, null) !== null);
    // One chance in ~333,000 that another secret shows the same code in the window.
    expect(guesses.length).toBeLessThanOrEqual(1);
  });

  it('come from an otpauth:// address and QR code an authenticator app reads', async () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, 'zhang.wei@example.cn');
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
    expect(decodeURIComponent(url.pathname)).toContain('zhang.wei@example.cn');
    expect(await totpQrDataUrl(uri)).toMatch(/^data:image\/png;base64,/);
  });
});

describe('recovery codes', () => {
  it('are ten, unlike each other, without look-alike characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });

  it('are kept as hashes that ignore case and separators', () => {
    const [code] = newRecoveryCodes(1);
    const hash = recoveryCodeHash(code!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(code!.replace(/-/g, '').toLowerCase());
    expect(recoveryCodeHash(code!.toLowerCase().replace(/-/g, ' '))).toBe(hash);
    expect(recoveryCodeHash(newRecoveryCodes(1)[0]!)).not.toBe(hash);
  });
});
