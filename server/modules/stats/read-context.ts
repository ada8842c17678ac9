/**
 * What every read of the figures shares: the years that may be asked for, making sure the year
 * asked for is built (or being built) and the roll-up is current before reading, and the answers
 * remembered until the roll-up moves.
 */
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest } from '../../shared/errors.ts';
import type { RollupRefresh } from './rollup.ts';
import type { YearBuilder } from './year-builder.ts';

export const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;

/**
 * The platform went live in 2025: its sharing figures start then, or with the earliest booking if
 * older records were imported. Years before that, or after this one, are refused (each year asked
 * for is built and kept: an open range would let anyone grow the database at will).
 */
export const PLATFORM_FIRST_YEAR = 2025;

/** Per database: the year of the earliest booking, looked up at most this often. */
const FIRST_BOOKING = new WeakMap<object, { year: number; at: number }>();
const FIRST_BOOKING_TTL = 10 * MINUTE;
const FIRST_BOOKING_SQL = `SELECT MIN(COALESCE(start_at, created_at)) FROM bookings`;

/**
 * Values computed from data at a version; another version computes again. (shared/memo.ts's
 * VersionedMemo computes synchronously; here the computation awaits its reads.) Two computations of
 * one key may now overlap: the last to finish is kept, which is safe because a value is only ever
 * answered for the exact version it was computed at.
 */
class AnswerMemo {
  private readonly entries = new Map<string, { version: number; value: unknown }>();
  constructor(private readonly maxEntries: number) {}

  async get<T>(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = await compute();
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, value });
    return value;
  }
}

export class ReadContext {
  /** Answers by scope, kept until the roll-up changes (its latest refresh time is the version). */
  private readonly memo = new AnswerMemo(256);

  constructor(
    readonly db: Database,
    private readonly clock: Clock,
    private readonly builder: YearBuilder,
    private readonly rollup: RollupRefresh,
  ) {}

  /** The years with figures: from the platform's first (PLATFORM_FIRST_YEAR or an earlier booking's) to this one. */
  async years(): Promise<{ first: number; last: number }> {
    const now = this.clock.now();
    const last = DateTime.fromMillis(now, { zone: ZONE }).year;
    let cached = FIRST_BOOKING.get(this.db);
    if (!cached || now - cached.at > FIRST_BOOKING_TTL || now < cached.at) {
      // Two requests may both look it up: they find and keep the same year.
      const at = (await this.db.value<number | null>(FIRST_BOOKING_SQL)) ?? null;
      cached = { year: at === null ? last : DateTime.fromMillis(at, { zone: ZONE }).year, at: now };
      FIRST_BOOKING.set(this.db, cached);
    }
    return { first: Math.min(PLATFORM_FIRST_YEAR, cached.year, last), last };
  }

  /**
   * The year asked for (this one by default), refused outside `years()`. A year not yet built is
   * built off the request path and answered at once with what exists: `building` says so. The
   * roll-up is brought up to date before the answer is read.
   */
  async year(year: number | undefined): Promise<{ year: number; building: boolean }> {
    const { first, last } = await this.years();
    const y = year ?? last;
    if (y < first || y > last)
      throw badRequest(`a year from ${first} to ${last}`, [{ path: 'query.year', message: 'out of range' }]);
    const building = await this.builder.request(y); // instruments without bookings still offer hours
    await this.rollup.refresh();
    return { year: y, building };
  }

  /**
   * An answer remembered at a version. Call it inside the answer's snapshot (`db.read`), with the
   * version read in that same snapshot: the answer then is exactly the data of that version.
   */
  cached<T>(key: string, version: number, compute: () => Promise<T>): Promise<T> {
    return this.memo.get(key, version, compute);
  }
}
