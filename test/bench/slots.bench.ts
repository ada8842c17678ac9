/**
 * npm run bench:slots — the slot engine over a 60-day window, BENCH_RUNS (default 1,000) runs per scenario.
 *
 * Typical rules: two opening periods on weekdays, 30-minute slots, 60-minute bookings, a few hundred
 * busy blocks, a handful of closures and holidays. Prints mean / p50 / p95 per scenario. Not a test.
 */
import type { WeeklyHours } from '../../db/schema/booking.ts';
import { availability, checkBookable, type Interval, type Situation } from '../../server/modules/booking/slots.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);

function situation(timeZone: string, from: number, busyCount: number, allWeek: boolean): Situation {
  const periods: [string, string][] = [
    ['08:30', '12:00'],
    ['13:30', '17:30'],
  ];
  const days = allWeek ? ['1', '2', '3', '4', '5', '6', '7'] : ['1', '2', '3', '4', '5'];
  const weeklyHours = Object.fromEntries(days.map((d) => [d, periods])) as WeeklyHours;
  // deterministic bookings of 1–4 h, 15-minute buffers included, spread over the 60 days
  let seed = 20260914;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const busy: Interval[] = [];
  for (let i = 0; i < busyCount; i++) {
    const start = from + Math.floor(rnd() * 60 * 48) * 30 * MIN - 15 * MIN;
    busy.push({ start, end: start + (1 + Math.floor(rnd() * 4)) * 60 * MIN + 30 * MIN });
  }
  busy.sort((a, b) => a.start - b.start);
  return {
    rules: {
      timeZone,
      weeklyHours,
      slotMinutes: 30,
      minBookingMinutes: 60,
      maxBookingMinutes: 480,
      minNoticeMinutes: 24 * 60,
      horizonDays: 90,
      setupBufferMinutes: 15,
      cleanupBufferMinutes: 15,
      observeHolidays: true,
    },
    holidays: {
      off: new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']),
      workdays: new Set(['2026-09-27', '2026-10-10']),
    },
    closures: [
      { start: from + 10 * DAY, end: from + 10 * DAY + 4 * 60 * MIN },
      { start: from + 33 * DAY, end: from + 35 * DAY },
    ],
    busy,
    now: from - 2 * DAY,
  };
}

function measure(name: string, fn: () => unknown) {
  for (let i = 0; i < Math.min(200, RUNS); i++) fn(); // warm up the JIT and luxon's caches
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(
    `${name.padEnd(58)} mean ${mean.toFixed(3)} ms  p50 ${at(0.5).toFixed(3)} ms  p95 ${at(0.95).toFixed(3)} ms`,
  );
}

const shanghaiFrom = Date.parse('2026-09-14T00:00:00+08:00');
const berlinFrom = Date.parse('2026-09-14T00:00:00+02:00'); // the window crosses the 2026-10-25 switch

for (const [label, s, from] of [
  ['Asia/Shanghai, weekdays, 300 busy', situation('Asia/Shanghai', shanghaiFrom, 300, false), shanghaiFrom],
  ['Asia/Shanghai, every day, 600 busy', situation('Asia/Shanghai', shanghaiFrom, 600, true), shanghaiFrom],
  [
    'Europe/Berlin, weekdays, 300 busy (DST switch inside)',
    situation('Europe/Berlin', berlinFrom, 300, false),
    berlinFrom,
  ],
] as const) {
  const to = from + 60 * DAY;
  const { free, slots } = availability(s, from, to, 60);
  console.log(`${label}: ${free.length} free intervals, ${slots.length} slots`);
  measure(`availability 60 days — ${label}`, () => availability(s, from, to, 60));
}

const s = situation('Asia/Shanghai', shanghaiFrom, 300, false);
const start = Date.parse('2026-10-14T09:00:00+08:00');
measure('checkBookable one booking — Asia/Shanghai', () => checkBookable(s, start, start + 60 * MIN));
