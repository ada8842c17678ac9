/** Booking reference and demo data: the holiday calendar, the demo lab's opening hours, a training record. */
import type { SqliteDatabase as Db } from '../sqlite.ts';
import { holidays2026 } from './data.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

/** The official 2026 calendar, into an empty holidays table only (admins edit it afterwards). */
export async function seedHolidays(db: Db): Promise<number> {
  const sqlite = db.client;
  if ((sqlite.prepare('SELECT count(*) FROM holidays').pluck().get() as number) > 0) return 0;
  const insert = sqlite.prepare('INSERT INTO holidays (date, kind, name_zh, name_en) VALUES (?, ?, ?, ?)');
  let n = 0;
  sqlite.transaction(() => {
    for (const h of holidays2026.holidays) {
      for (const date of h.offDays) n += insert.run(date, 'off', h.nameZh, h.nameEn).changes;
      for (const date of h.makeUpWorkdays)
        n += insert.run(date, 'workday', `${h.nameZh}调休上班`, `${h.nameEn} make-up workday`).changes;
    }
  })();
  return n;
}

const WEEKDAYS = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as const;
const hours = (intervals: [string, string][]) =>
  Object.fromEntries(Object.keys(WEEKDAYS).map((d) => [d, intervals])) as Record<string, [string, string][]>;

/**
 * The demo lab's instruments get real booking rules: machine time where they have an hourly price,
 * sample jobs where they have a per-sample one; every third confirms at once, every second hourly
 * one needs a training record — and the demo researcher holds one for the first of those.
 */
export function seedBookingDemo(db: Db, now: number): void {
  const sqlite = db.client;
  const lab = sqlite
    .prepare('SELECT organisation_id FROM users WHERE email = ?')
    .pluck()
    .get(DEMO_ACCOUNTS.labManager.email) as number | undefined;
  const researcher = sqlite
    .prepare('SELECT id FROM users WHERE email = ?')
    .pluck()
    .get(DEMO_ACCOUNTS.researcher.email) as number | undefined;
  const labUser = sqlite.prepare('SELECT id FROM users WHERE email = ?').pluck().get(DEMO_ACCOUNTS.labManager.email) as
    number | undefined;
  if (lab === undefined || researcher === undefined) return;
  const instruments = sqlite
    .prepare(
      `SELECT i.id, max(r.unit = 'hour') AS hourly, max(r.unit = 'sample') AS perSample FROM instruments i
       JOIN rate_card_items r ON r.instrument_id = i.id
       WHERE i.institution_id = ? AND i.sharing_mode = 'external' AND i.run_status IN ('normal', 'standby', 'remote')
       GROUP BY i.id ORDER BY i.id`,
    )
    .all(lab) as { id: number; hourly: number; perSample: number }[];
  const insert = sqlite.prepare(
    `INSERT OR REPLACE INTO instrument_schedules (instrument_id, weekly_hours, slot_minutes, min_booking_minutes,
       max_booking_minutes, min_notice_minutes, horizon_days, setup_buffer_minutes, cleanup_buffer_minutes,
       machine_time_enabled, sample_enabled, approval_required, qualification_required, cancellation_deadline_hours,
       observe_holidays, updated_at) VALUES (?, ?, 30, ?, 480, ?, 60, ?, ?, ?, ?, ?, ?, 24, 1, ?)`,
  );
  const grant = sqlite.prepare(
    `INSERT INTO training_records (instrument_id, user_id, user_email, granted_by, granted_at, expires_on, note)
     VALUES (?, ?, (SELECT email FROM users WHERE id = ?), ?, ?, ?, ?)`,
  );
  let hourlyCount = 0;
  let trained = false;
  sqlite.transaction(() => {
    instruments.forEach((inst, i) => {
      const hourly = inst.hourly === 1;
      const needsTraining = hourly && hourlyCount++ % 2 === 0;
      const weekly =
        i % 4 === 3
          ? hours([
              ['08:30', '12:00'],
              ['13:00', '21:00'],
            ])
          : hours([
              ['09:00', '12:00'],
              ['13:30', '17:30'],
            ]);
      if (i % 5 === 0) weekly['6'] = [['09:00', '12:00']]; // some open on Saturday mornings
      insert.run(
        inst.id,
        JSON.stringify(weekly),
        hourly && i % 3 === 0 ? 120 : 60, // some have a 2-hour minimum
        i % 3 === 1 ? 12 * 60 : 24 * 60,
        hourly ? 15 * (i % 3) : 0, // set-up buffer
        hourly ? 15 : 0, // clean-up buffer
        hourly ? 1 : 0,
        inst.perSample === 1 ? 1 : 0,
        i % 3 === 2 ? 0 : 1, // every third confirms at once
        needsTraining ? 1 : 0,
        now,
      );
      if (needsTraining && !trained) {
        grant.run(inst.id, researcher, researcher, labUser ?? null, now, '2027-06-30', '上机操作培训合格');
        trained = true;
      }
    });
  })();
}
