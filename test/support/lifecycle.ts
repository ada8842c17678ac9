/**
 * The lab's steps of a booking happen when the platform allows them (server/modules/booking/timing.ts):
 * check-in from shortly before the start, a no-show once the grace after the start has passed. Tests
 * that walk a booking through its life move their clock there instead of acting days early.
 */
import type request from 'supertest';
import { expect } from 'vitest';
import type { fixedClock } from '../../server/shared/clock.ts';

export type TestClock = ReturnType<typeof fixedClock>;

/** The booking as the API answers it: its mode and times (ISO instants with an offset). */
export interface BookedTimes {
  mode: 'machine_time' | 'sample';
  start: string | null;
  end: string | null;
}

/**
 * When a test does `action` on `b` (null: whenever it likes): check-in at the booked start, completion at
 * the booked end (the job has run), a no-show `graceMinutes` after the start (or the wanted-by date of an
 * unscheduled sample job). Sample jobs are checked in (samples received) and completed at any time.
 */
export function stepTime(b: BookedTimes, action: string, graceMinutes = 15): number | null {
  const start = b.start === null ? null : Date.parse(b.start);
  const end = b.end === null ? null : Date.parse(b.end);
  switch (action) {
    case 'check-in':
      return b.mode === 'machine_time' ? start : null;
    case 'complete':
      return b.mode === 'machine_time' ? end : null;
    case 'no-show': {
      const anchor = start ?? end;
      return anchor === null ? null : anchor + graceMinutes * 60_000;
    }
    default:
      return null;
  }
}

/** Moves the clock forward to the time of `action` on `b`, never back (a story's events keep their order). */
export function advanceForStep(clock: TestClock, b: BookedTimes, action: string, graceMinutes = 15): void {
  const at = stepTime(b, action, graceMinutes);
  if (at !== null && at > clock.now()) clock.set(at);
}

/** Runs `story` and puts the clock back where it was, so later bookings of the test file are made at the same "now". */
export async function thenBack<T>(clock: TestClock, story: () => Promise<T>): Promise<T> {
  const before = clock.now();
  try {
    return await story();
  } finally {
    clock.set(before);
  }
}

type Agent = ReturnType<typeof request.agent>;

/**
 * The lab's steps on a booking (`[action, body]`), each at the time the platform allows it (check-in at
 * the start, completion at the end…), asserting each succeeds; the clock then goes back. Answers the
 * booking as `viewer` sees it afterwards.
 */
export async function walkAtTheirTimes(
  clock: TestClock,
  lab: Agent,
  viewer: Agent,
  id: number,
  ...steps: [string, Record<string, unknown>?][]
) {
  const booked = (await lab.get(`/api/v1/bookings/${id}`)).body as BookedTimes;
  await thenBack(clock, async () => {
    for (const [action, body] of steps) {
      advanceForStep(clock, booked, action);
      const res = await lab.post(`/api/v1/bookings/${id}/${action}`).send(body ?? {});
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
  return (await viewer.get(`/api/v1/bookings/${id}`)).body;
}
