import { isIP } from 'node:net';
import { z } from 'zod';

/** What Express's `trust proxy` is set to: nothing trusted, the nearest N hops, or these proxies. */
export type TrustProxy = false | number | string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validAddress(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: off (default: the client address is the connection's, X-Forwarded-For is ignored); a
 * hop count (1 behind one reverse proxy); or the proxies' addresses, CIDRs or the names loopback,
 * linklocal, uniquelocal, comma-separated. "Trust everything" is refused: any client could then
 * choose its own address by sending X-Forwarded-For.
 */
export const trustProxySchema = z
  .string()
  .trim()
  .default('off')
  .transform((value, ctx): TrustProxy => {
    const v = value.toLowerCase();
    if (['', 'off', 'false', 'no', '0'].includes(v)) return false;
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 10) return hops;
    } else if (!['true', 'on', 'yes', 'all'].includes(v)) {
      const entries = v.split(',').map((e) => e.trim());
      const bad = entries.filter((e) => !NAMES.has(e) && !validAddress(e));
      if (!bad.length) return entries;
      ctx.addIssue({
        code: 'custom',
        message: `not an address, CIDR or loopback/linklocal/uniquelocal: ${bad.join(', ')}`,
      });
      return z.NEVER;
    }
    ctx.addIssue({
      code: 'custom',
      message:
        'off, a hop count from 1 to 10, or the proxies’ addresses/CIDRs (comma-separated); trusting every ' +
        'proxy would let any client choose its own address',
    });
    return z.NEVER;
  });
