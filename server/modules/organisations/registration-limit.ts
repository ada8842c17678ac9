/**
 * How many accounts one client address may create (registrations and requests to join), counted in
 * the database beside the sign-in counters (login_throttle, key `register:<address>`), so every server
 * process sees the same count and a script cannot create accounts without end. An office or a campus
 * behind one address can still register many people in an hour.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/port.ts';
import { loginThrottle } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { addressBucket } from '../auth/login-throttle.ts';

export const REGISTRATION_LIMIT = { max: 20, windowMs: 3_600_000 };

export class RegistrationLimit {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Counts one new account for the address, or refuses (429, with when to try again) counting nothing. */
  async take(client: string | undefined): Promise<void> {
    const key = `register:${addressBucket(client).key}`;
    await this.db.write(async (tx) => {
      const now = this.clock.now();
      const row = await tx.orm.select().from(loginThrottle).where(eq(loginThrottle.key, key)).get();
      const fresh = !row || now - row.windowStart >= REGISTRATION_LIMIT.windowMs;
      const windowStart = fresh ? now : row.windowStart;
      const used = fresh ? 0 : row.failures;
      if (used >= REGISTRATION_LIMIT.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + REGISTRATION_LIMIT.windowMs - now) / 1000));
        throw new AppError('rate_limited', 'too many accounts were created from your network; try again later', {
          retryAfterSeconds,
        });
      }
      const next = {
        key,
        failures: used + 1,
        windowStart,
        lockedUntil: null,
        inFlight: 0,
        inFlightUntil: null,
        // The sign-in throttle deletes rows past this (its housekeeping covers ours too).
        expiresAt: windowStart + REGISTRATION_LIMIT.windowMs,
      };
      await tx.orm
        .insert(loginThrottle)
        .values(next)
        .onConflictDoUpdate({ target: loginThrottle.key, set: { ...next, key: undefined } })
        .run();
    });
  }
}
