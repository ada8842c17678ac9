/**
 * The platform's usage history before online payment: completed, cancelled and missed jobs from
 * January to October 2026 across the catalogue (as imported from the previous sharing system), so
 * the sharing overview has a year to show. Written straight to the tables, without money movements
 * (those bookings were settled offline); deterministic for a given seed. The main demo researcher's
 * own list stays as the demo makes it.
 */
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import { insertRows } from './bulk.ts';
import { mulberry32 } from './random.ts';

export async function seedUsageHistory(db: Database, options: { seed: number; instruments: number }): Promise<number> {
  const count = Math.min(6000, options.instruments * 2);
  if (!count) return 0;
  const rand = mulberry32(options.seed ^ 0x5eed);
  // (Ordered: the same history whatever order the engine happens to group in.)
  const instruments = await db.all<{ id: number; inst: number; enterpriseFen: number; academicFen: number }>(
    `SELECT i.id, i.institution_id AS inst, MIN(r.enterprise_fen) AS "enterpriseFen", MIN(r.academic_fen) AS "academicFen"
     FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
     WHERE i.sharing_mode = 'external' AND i.run_status IN ('normal', 'standby', 'remote') GROUP BY i.id ORDER BY i.id`,
  );
  const people = await db.all<{ id: number; org: number; kind: string }>(
    `SELECT u.id, u.organisation_id AS org, o.kind FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE u.role = 'researcher' AND u.email != 'researcher@demo.test' ORDER BY u.id`,
  );
  const approver = await db.value<number>(`SELECT id FROM users WHERE role = 'lab_manager' ORDER BY id LIMIT 1`);
  if (!instruments.length || !people.length) return 0;
  // Rows with their ids, so their events can name them (and both engines write them in bulk).
  let nextId = Number(await db.value('SELECT COALESCE(MAX(id), 0) FROM bookings')) + 1;
  const bookingRows: unknown[][] = [];
  const eventRows: unknown[][] = [];
  const event = { run: (...row: unknown[]) => eventRows.push(row) };
  const purposes = ['新材料成分分析', '样品形貌表征', '产品质量检测', '工艺参数验证', '研发样品测试', '失效分析'];
  const first = DateTime.fromISO('2026-01-05', { zone: 'Asia/Shanghai' });
  const days = Math.floor(DateTime.fromISO('2026-10-31', { zone: 'Asia/Shanghai' }).diff(first, 'days').days);
  {
    for (let n = 0; n < count; n++) {
      const inst = instruments[Math.floor(rand() * instruments.length)]!;
      // Busier towards autumn: more jobs as more labs and enterprises joined.
      let day = first.plus({ days: Math.floor(Math.sqrt(rand()) * days) });
      if (day.weekday > 5) day = day.minus({ days: day.weekday - 5 });
      const hours = 1 + Math.floor(rand() * 4);
      const start = day.set({ hour: 9 + Math.floor(rand() * (17 - 9 - hours)) });
      const who = people[Math.floor(rand() * people.length)]!;
      const enterprise = who.kind === 'enterprise';
      const unit = enterprise ? inst.enterpriseFen : inst.academicFen;
      const r = rand();
      const status = r < 0.85 ? 'completed' : r < 0.93 ? 'cancelled' : r < 0.96 ? 'no_show' : 'rejected';
      const used = status === 'completed' ? hours * 60 - (rand() < 0.25 ? 30 : 0) : null;
      const billedHours = used === null ? hours : Math.ceil(used / 30) / 2;
      const line = {
        kind: 'machine_time',
        label: '机时',
        quantity: billedHours,
        unitFen: unit,
        amountFen: Math.round(unit * billedHours),
      };
      const created = start.minus({ days: 2 + Math.floor(rand() * 10) }).toMillis();
      const rating = status === 'completed' && rand() < 0.65 ? (rand() < 0.7 ? 5 : rand() < 0.8 ? 4 : 3) : null;
      const id = nextId++;
      bookingRows.push([
        id,
        inst.id,
        inst.inst,
        who.id,
        who.org,
        'machine_time',
        status,
        start.toMillis(),
        start.plus({ hours }).toMillis(),
        start.toMillis(),
        start.plus({ hours }).toMillis(),
        purposes[Math.floor(rand() * purposes.length)]!,
        false,
        enterprise ? 'enterprise' : 'academic',
        unit * hours,
        JSON.stringify([{ ...line, quantity: hours, amountFen: unit * hours }]),
        used,
        status === 'completed' ? line.amountFen : null,
        status === 'completed' ? JSON.stringify([line]) : null,
        rating,
        created,
        start.plus({ hours }).toMillis(),
      ]);
      event.run(id, null, 'requested', who.id, created, null);
      if (status === 'rejected') {
        event.run(id, 'requested', 'rejected', approver ?? null, created + 20 * 3600_000, '该时段仪器维护');
        continue;
      }
      event.run(id, 'requested', 'approved', approver ?? null, created + Math.floor(rand() * 30) * 3600_000, null);
      if (status === 'cancelled')
        event.run(id, 'approved', 'cancelled', who.id, created + 40 * 3600_000, '实验计划调整');
      if (status === 'no_show')
        event.run(id, 'approved', 'no_show', approver ?? null, start.plus({ hours }).toMillis(), null);
      if (status === 'completed') {
        event.run(id, 'approved', 'in_progress', approver ?? null, start.toMillis(), null);
        event.run(id, 'in_progress', 'completed', approver ?? null, start.plus({ hours }).toMillis(), null);
      }
    }
  }
  await db.write(async () => {
    await insertRows(
      db,
      'bookings',
      [
        'id',
        'instrument_id',
        'institution_id',
        'requester_id',
        'requester_organisation_id',
        'mode',
        'status',
        'start_at',
        'end_at',
        'block_start_at',
        'block_end_at',
        'purpose',
        'urgent',
        'user_type',
        'quoted_fen',
        'price_lines',
        'actual_minutes',
        'final_fen',
        'final_lines',
        'rating',
        'created_at',
        'updated_at',
      ],
      bookingRows,
    );
    await insertRows(
      db,
      'booking_events',
      ['booking_id', 'from_status', 'to_status', 'actor_id', 'at', 'reason'],
      eventRows,
    );
  });
  return count;
}
