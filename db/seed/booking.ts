/** Booking reference and demo data: the holiday calendar, the demo lab's opening hours, a training record. */
import type { Database } from '../port.ts';
import { insertRows } from './bulk.ts';
import { holidays2026 } from './data.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';

/** The official 2026 calendar, into an empty holidays table only (admins edit it afterwards). */
export async function seedHolidays(db: Database): Promise<number> {
  if (Number(await db.value('SELECT count(*) FROM holidays')) > 0) return 0;
  const rows: string[][] = [];
  for (const h of holidays2026.holidays) {
    for (const date of h.offDays) rows.push([date, 'off', h.nameZh, h.nameEn]);
    for (const date of h.makeUpWorkdays)
      rows.push([date, 'workday', `${h.nameZh}调休上班`, `${h.nameEn} make-up workday`]);
  }
  await insertRows(db, 'holidays', ['date', 'kind', 'name_zh', 'name_en'], rows, { onConflict: 'nothing' });
  return Number(await db.value('SELECT count(*) FROM holidays'));
}

const WEEKDAYS = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as const;
const hours = (intervals: [string, string][]) =>
  Object.fromEntries(Object.keys(WEEKDAYS).map((d) => [d, intervals])) as Record<string, [string, string][]>;

/**
 * The demo lab's instruments get real booking rules: machine time where they have an hourly price,
 * sample jobs where they have a per-sample one; every third confirms at once, every second hourly
 * one needs a training record — and the demo researcher holds one for the first of those.
 */
export async function seedBookingDemo(db: Database, now: number): Promise<void> {
  const userOf = (email: string) =>
    db.get<{ id: number; organisationId: number; email: string }>(
      `SELECT id, organisation_id AS "organisationId", email FROM users WHERE email = ?`,
      [email],
    );
  const labUser = await userOf(DEMO_ACCOUNTS.labManager.email);
  const researcher = await userOf(DEMO_ACCOUNTS.researcher.email);
  if (!labUser || !researcher) return;
  const instruments = await db.all<{ id: number; hourly: number; perSample: number }>(
    `SELECT i.id, MAX(CASE WHEN r.unit = 'hour' THEN 1 ELSE 0 END) AS hourly,
       MAX(CASE WHEN r.unit = 'sample' THEN 1 ELSE 0 END) AS "perSample"
     FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
     WHERE i.institution_id = ? AND i.sharing_mode = 'external' AND i.run_status IN ('normal', 'standby', 'remote')
     GROUP BY i.id ORDER BY i.id`,
    [labUser.organisationId],
  );
  let hourlyCount = 0;
  let trained = false;
  const schedules: unknown[][] = [];
  const training: unknown[][] = [];
  instruments.forEach((inst, i) => {
    const hourly = Number(inst.hourly) === 1;
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
    schedules.push([
      inst.id,
      JSON.stringify(weekly),
      30,
      hourly && i % 3 === 0 ? 120 : 60, // some have a 2-hour minimum
      480,
      i % 3 === 1 ? 12 * 60 : 24 * 60,
      60,
      hourly ? 15 * (i % 3) : 0, // set-up buffer
      hourly ? 15 : 0, // clean-up buffer
      hourly,
      Number(inst.perSample) === 1,
      i % 3 !== 2, // every third confirms at once
      needsTraining,
      24,
      true,
      now,
    ]);
    if (needsTraining && !trained) {
      training.push([inst.id, researcher.id, researcher.email, labUser.id, now, '2027-06-30', '上机操作培训合格']);
      trained = true;
    }
  });
  await db.write(async () => {
    await insertRows(
      db,
      'instrument_schedules',
      [
        'instrument_id',
        'weekly_hours',
        'slot_minutes',
        'min_booking_minutes',
        'max_booking_minutes',
        'min_notice_minutes',
        'horizon_days',
        'setup_buffer_minutes',
        'cleanup_buffer_minutes',
        'machine_time_enabled',
        'sample_enabled',
        'approval_required',
        'qualification_required',
        'cancellation_deadline_hours',
        'observe_holidays',
        'updated_at',
      ],
      schedules,
      { onConflict: 'nothing' },
    );
    await insertRows(
      db,
      'training_records',
      ['instrument_id', 'user_id', 'user_email', 'granted_by', 'granted_at', 'expires_on', 'note'],
      training,
    );
  });
}
