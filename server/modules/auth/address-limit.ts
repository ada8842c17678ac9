/**
 * A count of actions per client address in a fixed window, kept in the database beside the sign-in
 * counters (login_throttle, one row per `<purpose>:<address>` key), so every server process sees the
 * same count. Registrations and public-notice objections use it.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db/port.ts';
import { loginThrottle } from '../../../db/schema/index.ts';
import { addressBucket } from './login-throttle.ts';

export interface AddressLimit {
  /** What is counted: the key's prefix. */
  purpose: string;
  max: number;
  windowMs: number;
}

/**
 * Counts one action of the client's address in the caller's transaction and answers null; or, over
 * the limit, counts nothing and answers the seconds until the window ends (the caller refuses: 429).
 */
export async function takeAddressSlot(
  tx: Tx,
  limit: AddressLimit,
  client: string | undefined,
  now: number,
): Promise<number | null> {
  return takeSlot(tx, limit, addressBucket(client).key, now);
}

/**
 * The same count for any subject named by a string (an API key's id, say): one row per
 * `<purpose>:<subject>` in the shared counters, so every server process sees the same count.
 */
export async function takeSlot(tx: Tx, limit: AddressLimit, subject: string, now: number): Promise<number | null> {
  const key = `${limit.purpose}:${subject}`;
  const row = await tx.orm.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
  const fresh = !row || now - row.windowStart >= limit.windowMs;
  const windowStart = fresh ? now : row.windowStart;
  const used = fresh ? 0 : row.failures;
  if (used >= limit.max) return Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000));
  const next = {
    key,
    failures: used + 1,
    windowStart,
    lockedUntil: null,
    inFlight: 0,
    inFlightUntil: null,
    // The sign-in throttle deletes rows past this (its housekeeping covers these too).
    expiresAt: windowStart + limit.windowMs,
  };
  await tx.orm
    .insert(loginThrottle)
    .values(next)
    .onConflictDoUpdate({ target: loginThrottle.key, set: { ...next, key: undefined } })
    .run();
  return null;
}
