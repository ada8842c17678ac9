/**
 * How many accounts one client address may create (registrations and requests to join), counted in
 * the database beside the sign-in counters (login_throttle, key `register:<address>`), so every server
 * process sees the same count and a script cannot create accounts without end. An office or a campus
 * behind one address can still register many people in an hour.
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { takeAddressSlot, type AddressLimit } from '../auth/address-limit.ts';

export const REGISTRATION_LIMIT: AddressLimit = { purpose: 'register', max: 20, windowMs: 3_600_000 };

export class RegistrationLimit {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Counts one new account for the address, or refuses (429, with when to try again) counting nothing. */
  async take(client: string | undefined): Promise<void> {
    const retryAfterSeconds = await this.db.write((tx) =>
      takeAddressSlot(tx, REGISTRATION_LIMIT, client, this.clock.now()),
    );
    if (retryAfterSeconds !== null)
      throw new AppError('rate_limited', 'too many accounts were created from your network; try again later', {
        retryAfterSeconds,
      });
  }
}
