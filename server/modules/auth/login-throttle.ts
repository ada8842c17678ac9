import { isIPv6 } from 'node:net';
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import type { AuthRepo, ThrottleRow } from './auth.repo.ts';

const MINUTE = 60_000;

/** How many failures a bucket takes within its window before it is locked, and how many checks at once. */
interface Policy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
  maxInFlight: number;
  /** On success: forget the bucket's failures (a known browser) or only undo this attempt's count. */
  successResets: boolean;
}

export const LOGIN_POLICIES = {
  /** One account from browsers that never signed in to it: the guessing an attacker can do. */
  account: {
    maxFailures: 5,
    windowMs: 15 * MINUTE,
    lockMs: 15 * MINUTE,
    maxInFlight: 1,
    successResets: false,
  },
  /**
   * One client address (an IPv6 /64) across accounts: password spraying, and scrypt's CPU and memory
   * (16 × 32 MiB at most). Many people sign in from behind one office or campus NAT at nine o'clock,
   * so the checks at once are generous; guessing is bounded by the failures counted before each hash.
   */
  address: {
    maxFailures: 20,
    windowMs: 15 * MINUTE,
    lockMs: 15 * MINUTE,
    maxInFlight: 16,
    successResets: false,
  },
  /** A browser that signed in to the account before: its owner's own typing mistakes. */
  device: {
    maxFailures: 5,
    windowMs: 15 * MINUTE,
    lockMs: 15 * MINUTE,
    maxInFlight: 1,
    successResets: true,
  },
  /**
   * "Forgot password" mails to one address: a few an hour, so the form cannot be used to flood
   * someone's mailbox. Past it the request is still answered the same and no mail goes out.
   */
  reset_email: {
    maxFailures: 3,
    windowMs: 60 * MINUTE,
    lockMs: 60 * MINUTE,
    maxInFlight: 3,
    successResets: false,
  },
  /** "Forgot password" requests from one client address (an IPv6 /64), whatever the e-mails. */
  reset_address: {
    maxFailures: 20,
    windowMs: 60 * MINUTE,
    lockMs: 60 * MINUTE,
    maxInFlight: 10,
    successResets: false,
  },
} satisfies Record<string, Policy>;

export type BucketKind = keyof typeof LOGIN_POLICIES;
export interface Bucket {
  kind: BucketKind;
  key: string;
}

/** How long a check counts as running when its process never reports back (it takes well under a second). */
const LEASE_MS = 30_000;

/** The bucket of a client address: IPv4 as it is, IPv6 by its /64 (one subscriber's whole network). */
export function addressBucket(address: string | undefined): Bucket {
  let a = (address ?? 'unknown').toLowerCase();
  if (a.startsWith('::ffff:') && a.includes('.')) a = a.slice(7);
  else if (isIPv6(a)) {
    const [head = '', tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
    a = `${groups
      .slice(0, 4)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return { kind: 'address', key: `address:${a}` };
}

export const accountBucket = (email: string): Bucket => ({ kind: 'account', key: `account:${email}` });
export const deviceBucket = (deviceId: string): Bucket => ({ kind: 'device', key: `device:${deviceId}` });
export const resetEmailBucket = (email: string): Bucket => ({ kind: 'reset_email', key: `reset:${email}` });
export const resetAddressBucket = (address: string | undefined): Bucket => ({
  kind: 'reset_address',
  key: `reset-${addressBucket(address).key}`,
});

/** A lock this attempt started: it holds if the attempt fails (AuthService records it in the audit log). */
export interface LockStarted {
  bucket: Bucket;
  lockedUntil: number;
}

/**
 * Counts sign-in attempts in the database, so every server process sees the same counts. An attempt is
 * counted (and its check marked as running) before the password is hashed, in one IMMEDIATE transaction,
 * so parallel guesses cannot all pass a check that none of them has been counted against yet. The
 * password is hashed between `begin` and `end`, outside any transaction: a transaction held across
 * it would keep every other writer waiting for scrypt.
 */
export class LoginThrottle {
  constructor(
    private readonly db: Database,
    private readonly repo: AuthRepo,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts one attempt against every bucket, or refuses it (429, saying when to retry) without
   * counting anything. Returns the locks this attempt's count started (they hold unless it succeeds).
   */
  async begin(buckets: Bucket[]): Promise<LockStarted[]> {
    // Read, decide and count in one write transaction (IMMEDIATE: the lock is taken before the read),
    // so no other attempt, in this process or another, reads the counts between our read and our write.
    return this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      const now = this.clock.now();
      await repo.deleteExpiredThrottle(now);
      const found = new Map((await repo.throttleRows(buckets.map((b) => b.key))).map((r) => [r.key, r]));
      const rows = buckets.map((b) => ({ bucket: b, row: current(found.get(b.key), b, now) }));
      type Refusal = { why: BucketKind | 'busy'; retryAfterMs: number } | null;
      let refusal: Refusal = null;
      for (const { bucket, row } of rows) {
        const why: Refusal =
          row.lockedUntil !== null && row.lockedUntil > now
            ? { why: bucket.kind, retryAfterMs: row.lockedUntil - now }
            : row.inFlight >= LOGIN_POLICIES[bucket.kind].maxInFlight
              ? { why: 'busy', retryAfterMs: 1000 }
              : null;
        if (why && (!refusal || why.retryAfterMs > refusal.retryAfterMs)) refusal = why;
      }
      if (refusal) throw refused(refusal.why, refusal.retryAfterMs, now);
      const started: LockStarted[] = [];
      for (const { bucket, row } of rows) {
        const policy = LOGIN_POLICIES[bucket.kind];
        row.failures++;
        row.inFlight++;
        row.inFlightUntil = now + LEASE_MS;
        if (row.failures >= policy.maxFailures) {
          if (row.lockedUntil === null) started.push({ bucket, lockedUntil: now + policy.lockMs });
          row.lockedUntil = now + policy.lockMs;
        }
        await repo.saveThrottle(withExpiry(row, policy));
      }
      return started;
    });
  }

  /** The check has ended: the attempt stays counted if it failed; a success undoes it (or resets a known browser). */
  async end(buckets: Bucket[], succeeded: boolean): Promise<void> {
    // Read-modify-write of the counters: one write transaction, like `begin`.
    await this.db.write(async (tx) => {
      const repo = this.repo.with(tx);
      for (const row of await repo.throttleRows(buckets.map((b) => b.key))) {
        const policy = LOGIN_POLICIES[buckets.find((b) => b.key === row.key)!.kind];
        row.inFlight = Math.max(0, row.inFlight - 1);
        if (row.inFlight === 0) row.inFlightUntil = null;
        if (succeeded) {
          row.failures = policy.successResets ? 0 : Math.max(0, row.failures - 1);
          if (row.failures < policy.maxFailures) row.lockedUntil = null;
        }
        await repo.saveThrottle(withExpiry(row, policy));
      }
    });
  }
}

/** An instant as the platform's users read it: Beijing time, to the minute. */
const local = (ms: number) => DateTime.fromMillis(ms, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm');

/**
 * 429 saying when to try again: `retryAfterSeconds` (also the Retry-After header) and `retryAt` (an
 * ISO instant the SPA shows in the reader's time), and the time in the message (Beijing time).
 */
function refused(why: BucketKind | 'busy', retryAfterMs: number, now: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const at = now + retryAfterSeconds * 1000;
  const details = { retryAfterSeconds, retryAt: new Date(at).toISOString(), reason: why };
  switch (why) {
    case 'busy':
      return new AppError('rate_limited', 'another sign-in attempt is being checked; try again in a moment', details);
    case 'address':
      return new AppError(
        'rate_limited',
        `too many failed sign-ins from your network; try again after ${local(at)} (Beijing time)`,
        details,
      );
    case 'reset_email':
    case 'reset_address':
      return new AppError(
        'rate_limited',
        `too many password reset requests; try again after ${local(at)} (Beijing time)`,
        details,
      );
    case 'account':
    case 'device':
      return new AppError(
        'rate_limited',
        `too many wrong passwords or codes; the account is locked until ${local(at)} (Beijing time)`,
        details,
      );
  }
}

/** The bucket as it stands now: a passed window starts afresh, a lapsed lease no longer counts. */
function current(row: ThrottleRow | undefined, bucket: Bucket, now: number): ThrottleRow {
  const policy = LOGIN_POLICIES[bucket.kind];
  const r: ThrottleRow = row
    ? { ...row }
    : {
        key: bucket.key,
        failures: 0,
        windowStart: now,
        lockedUntil: null,
        inFlight: 0,
        inFlightUntil: null,
        expiresAt: now,
      };
  if (r.lockedUntil !== null && r.lockedUntil <= now) r.lockedUntil = null;
  if (r.lockedUntil === null && now - r.windowStart >= policy.windowMs) {
    r.failures = 0;
    r.windowStart = now;
  }
  if (r.inFlightUntil === null || r.inFlightUntil <= now) {
    r.inFlight = 0;
    r.inFlightUntil = null;
  }
  if (r.failures === 0 && r.inFlight === 0) r.windowStart = now;
  return r;
}

/** The row may be deleted once its window, its lock and its running checks have all passed. */
function withExpiry(row: ThrottleRow, policy: Policy): ThrottleRow {
  return {
    ...row,
    expiresAt: Math.max(row.windowStart + policy.windowMs, row.lockedUntil ?? 0, row.inFlightUntil ?? 0),
  };
}
