/**
 * The platform's usage history before online payment: completed, cancelled and missed jobs from
 * January to October 2026 across the catalogue (as imported from the previous sharing system), so
 * the sharing overview has a year to show. Booked by the enterprises' and the institutions' own
 * researchers (internal use, other institutions' academic use, enterprises' use). Written straight to
 * the tables; the self-pay shares were settled offline, but the enterprises' completed jobs after
 * their certification drew on their provincial vouchers for orders of ¥1,000 or more: those shares are reserved and posted through
 * the voucher service, so the voucher uses and the ledger hold them like any checkout's. Not at the
 * demo accounts' own institutions or by their enterprises (their vouchers tell the demo's stories).
 * Deterministic for a given seed. The main demo researcher's own list stays as the demo makes it.
 */
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import type { PriceLine } from '../schema/booking.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { VouchersRepo } from '../../server/modules/vouchers/vouchers.repo.ts';
import { VouchersService } from '../../server/modules/vouchers/vouchers.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { DEMO_ACCOUNTS, MORE_DEMO_ACCOUNTS } from './accounts.ts';
import { insertRows } from './bulk.ts';
import { mulberry32 } from './random.ts';

type UserType = 'internal' | 'academic' | 'enterprise';

/** A completed enterprise job that may have drawn on a voucher. */
interface VoucherCandidate {
  id: number;
  enterpriseId: number;
  providerId: number;
  categoryCode: string;
  quoted: PriceLine;
  final: PriceLine;
  createdAt: number;
  endAt: number;
  serviceDate: string;
}

export async function seedUsageHistory(db: Database, options: { seed: number; instruments: number }): Promise<number> {
  const count = Math.min(6000, options.instruments * 2);
  if (!count) return 0;
  const rand = mulberry32(options.seed ^ 0x5eed);
  // (Ordered: the same history whatever order the engine happens to group in.)
  const instruments = await db.all<{
    id: number;
    inst: number;
    category: string;
    enterpriseFen: number;
    academicFen: number;
    internalFen: number;
  }>(
    `SELECT i.id, i.institution_id AS inst, MIN(i.category_code) AS category, MIN(r.enterprise_fen) AS "enterpriseFen",
            MIN(r.academic_fen) AS "academicFen", MIN(r.internal_fen) AS "internalFen"
     FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id AND r.unit = 'hour'
     WHERE i.sharing_mode = 'external' AND i.run_status IN ('normal', 'standby', 'remote') GROUP BY i.id ORDER BY i.id`,
  );
  const people = await db.all<{ id: number; org: number; kind: string }>(
    `SELECT u.id, u.organisation_id AS org, o.kind FROM users u JOIN organisations o ON o.id = u.organisation_id
     WHERE u.role = 'researcher' AND u.email != 'researcher@demo.test' ORDER BY u.id`,
  );
  const approver = await db.value<number>(`SELECT id FROM users WHERE role = 'lab_manager' ORDER BY id LIMIT 1`);
  if (!instruments.length || !people.length) return 0;
  const enterprisePeople = people.filter((p) => p.kind === 'enterprise');
  const academicPeople = people.filter((p) => p.kind === 'institution');
  const staffOf = new Map(academicPeople.map((p) => [p.org, p]));
  // Most jobs are enterprises' (what the vouchers are for); some are other institutions' researchers,
  // some the institution's own staff (internal use, at the internal price).
  const pick = (inst: number): { who: (typeof people)[number]; type: UserType } => {
    const r = rand();
    const staff = staffOf.get(inst);
    if (r < 0.15 && staff) return { who: staff, type: 'internal' };
    const pool =
      r < 0.35 && academicPeople.length ? academicPeople : enterprisePeople.length ? enterprisePeople : people;
    const who = pool[Math.floor(rand() * pool.length)]!;
    if (who.org === inst) return { who, type: 'internal' };
    return { who, type: who.kind === 'enterprise' ? 'enterprise' : 'academic' };
  };
  const candidates: VoucherCandidate[] = [];
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
      const { who, type } = pick(inst.inst);
      const unit =
        type === 'enterprise' ? inst.enterpriseFen : type === 'academic' ? inst.academicFen : inst.internalFen;
      const r = rand();
      const status = r < 0.85 ? 'completed' : r < 0.93 ? 'cancelled' : r < 0.96 ? 'no_show' : 'rejected';
      const used = status === 'completed' ? hours * 60 - (rand() < 0.25 ? 30 : 0) : null;
      const billedHours = used === null ? hours : Math.ceil(used / 30) / 2;
      const line: PriceLine = {
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
        type,
        unit * hours,
        JSON.stringify([{ ...line, quantity: hours, amountFen: unit * hours }]),
        used,
        status === 'completed' ? line.amountFen : null,
        status === 'completed' ? JSON.stringify([line]) : null,
        rating,
        created,
        start.plus({ hours }).toMillis(),
      ]);
      if (status === 'completed' && type === 'enterprise' && line.amountFen > 0)
        candidates.push({
          id,
          enterpriseId: who.org,
          providerId: inst.inst,
          categoryCode: inst.category,
          quoted: { ...line, quantity: hours, amountFen: unit * hours },
          final: line,
          createdAt: created,
          endAt: start.plus({ hours }).toMillis(),
          serviceDate: start.toISODate()!,
        });
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
  await drawVouchers(db, candidates);
  return count;
}

/** The enterprises drew on their vouchers for orders of ¥1,000 or more (smaller ones they paid outright). */
const MIN_VOUCHER_ORDER_FEN = 100_000;

/**
 * The enterprises' vouchers on their completed history jobs of ¥1,000 or more, in the order the jobs were booked: each
 * planned, reserved at the booking and posted at the end of the service by the voucher service (its
 * rules, caps and ledger), as a checkout and its completion would. Jobs before the enterprise's
 * certification, without a quota or beyond it simply draw nothing.
 */
async function drawVouchers(db: Database, candidates: VoucherCandidate[]): Promise<void> {
  const demoOrgs = new Set(
    await db.column<number>(
      `SELECT DISTINCT organisation_id FROM users WHERE email IN (${[
        ...Object.values(DEMO_ACCOUNTS),
        ...MORE_DEMO_ACCOUNTS,
      ]
        .map(() => '?')
        .join(', ')})`,
      [...Object.values(DEMO_ACCOUNTS), ...MORE_DEMO_ACCOUNTS].map((a) => a.email.toLowerCase()),
    ),
  );
  const withQuota = new Set(await db.column<number>(`SELECT DISTINCT enterprise_id FROM voucher_quotas`));
  const clock = fixedClock(0);
  const vouchers = new VouchersService(db, new VouchersRepo(db), new Ledger(db), clock);
  const jobs = candidates
    .filter(
      (c) =>
        c.final.amountFen >= MIN_VOUCHER_ORDER_FEN &&
        withQuota.has(c.enterpriseId) &&
        !demoOrgs.has(c.enterpriseId) &&
        !demoOrgs.has(c.providerId),
    )
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  // One transaction: thousands of small commits would each wait for the disk.
  await db.write(async () => {
    for (const job of jobs) {
      const order = {
        enterpriseId: job.enterpriseId,
        userType: 'enterprise' as const,
        providerId: job.providerId,
        categoryCode: job.categoryCode,
        totalFen: job.quoted.amountFen,
        lines: [job.quoted],
        serviceDate: job.serviceDate,
      };
      clock.set(job.createdAt);
      const { plan } = await vouchers.split(order, true);
      if (!plan || plan.voucherFen === 0) continue;
      await vouchers.reserve(job.id, order, plan, job.createdAt);
      clock.set(job.endAt);
      await vouchers.post(job.id, job.final.amountFen, [job.final], job.endAt);
    }
  });
}
