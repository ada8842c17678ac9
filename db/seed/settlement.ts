/**
 * Demo claims: last month (October 2026) the demo enterprises used the demo lab's instruments with
 * their vouchers, paid their share against the lab's invoice, and the lab completed the jobs with
 * reports — ready for the lab to batch and for 济南市科学技术局 (finance@demo.test) to review.
 * And 临沂鼎新 (researcher3) used the lab with its 临沂 voucher in reimburse mode (先付后补): it paid
 * the whole price and claims the share itself, reviewed by 临沂市科学技术局 (finance4@demo.test).
 * Made through the real booking and checkout services at the dates they happened.
 */
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Database } from '../port.ts';
import type { Actor } from '../../server/modules/auth/actor.ts';
import { BookingRepo } from '../../server/modules/booking/booking.repo.ts';
import { BookingService } from '../../server/modules/booking/booking.service.ts';
import { CatalogRepo } from '../../server/modules/catalog/catalog.repo.ts';
import { CatalogService } from '../../server/modules/catalog/catalog.service.ts';
import { CheckoutService } from '../../server/modules/checkout/checkout.service.ts';
import { Ledger } from '../../server/modules/ledger/ledger.ts';
import { PaymentsRepo } from '../../server/modules/payments/payments.repo.ts';
import { PaymentError, type PaymentProvider } from '../../server/modules/payments/provider.ts';
import { VouchersRepo } from '../../server/modules/vouchers/vouchers.repo.ts';
import { VouchersService } from '../../server/modules/vouchers/vouchers.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';
import { LINYI_PROGRAMME_NAME } from './vouchers.ts';

/** The seed pays by invoice only: it never reaches a card processor. */
const noCards: PaymentProvider = {
  name: 'none',
  authorise: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  capture: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  release: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  refund: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  retrieve: () => Promise.resolve(null),
  retrieveDispute: () => Promise.resolve(null),
  listCharges: () => Promise.resolve({ items: [], hasMore: false }),
  parseWebhook: () => {
    throw new PaymentError('invalid_signature', 'no webhooks in the seed');
  },
};

/** The booking and checkout services on a clock the seed moves, and the demo users as actors. */
function seedServices(db: Database) {
  const actorOf = (email: string) =>
    db.get<Actor>(
      `SELECT u.id AS "userId", u.role, u.organisation_id AS "organisationId", o.kind AS "organisationKind",
         o.city_code AS "cityCode"
       FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`,
      [email],
    );
  const clock = fixedClock(DateTime.fromISO('2026-10-09T09:00:00', { zone: 'Asia/Shanghai' }).toMillis());
  const catalogRepo = new CatalogRepo(db);
  const bookings = new BookingService(
    db,
    new BookingRepo(db),
    catalogRepo,
    new CatalogService(db, catalogRepo, clock),
    clock,
    path.join(os.tmpdir(), 'isp-seed-files'),
  );
  const ledger = new Ledger(db);
  const checkout = new CheckoutService({
    db,
    bookings,
    vouchers: new VouchersService(db, new VouchersRepo(db), ledger, clock),
    ledger,
    payments: new PaymentsRepo(db),
    provider: noCards,
    clock,
  });
  /** Machine-time instruments of a provider that anyone may book: by id, or the dearest per hour first. */
  const bookable = (providerId: number, limit: number, dearest = false) =>
    db.column<number>(
      `SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE i.institution_id = ? AND s.machine_time_enabled = TRUE AND s.qualification_required = FALSE
         AND i.sharing_mode = 'external' AND i.run_status = 'normal'
         AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour')
       ORDER BY ${dearest ? `(SELECT max(r.enterprise_fen) FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour') DESC, ` : ''}i.id
       LIMIT ?`,
      [providerId, limit],
    );

  /**
   * One job on `day`: booked three days ahead, approved if need be, checked in and completed with a
   * report, rated the next day. Paid by the lab's invoice. Null when the day has no free slot.
   */
  const job = async (
    o: { lab: Actor; researcher: Actor; instrumentId: number; day: DateTime; minutes: number; actualMinutes: number },
    extra: { quotaId?: number; purpose: string; key: string; rating: number; comment: string },
  ) => {
    clock.set(o.day.minus({ days: 3 }).set({ hour: 10 }).toMillis());
    const free = await bookings.availability(
      o.instrumentId,
      o.day.toISO()!,
      o.day.plus({ days: 3 }).toISO()!,
      o.minutes,
    );
    const slot = free.slots[0];
    if (!slot) return null;
    const { booking } = await checkout.book(
      o.researcher,
      {
        instrumentId: o.instrumentId,
        mode: 'machine_time',
        start: slot.start,
        end: slot.end,
        purpose: extra.purpose,
        urgent: false,
        useVoucher: true,
        ...(extra.quotaId === undefined ? {} : { quotaId: extra.quotaId }),
      },
      extra.key,
    );
    clock.set(Date.parse(slot.start) - 3600_000);
    if (booking.status === 'requested') await checkout.transition(o.lab, booking.id, 'approve', {});
    clock.set(Date.parse(slot.start));
    await checkout.transition(o.lab, booking.id, 'check-in', {});
    clock.set(Date.parse(slot.end));
    await checkout.transition(o.lab, booking.id, 'complete', {
      actualMinutes: o.actualMinutes,
      reportUrl: `https://reports.sdatc.example.cn/2026/10/${booking.id}.pdf`,
    });
    clock.advance(86_400_000);
    await bookings.rate(o.researcher, booking.id, extra.rating, extra.comment);
    return booking.id;
  };
  return { actorOf, bookable, job };
}

export async function seedSettlementDemo(db: Database): Promise<void> {
  if (Number(await db.value(`SELECT COUNT(*) FROM voucher_uses`)) > 0) return;
  const { actorOf, bookable, job } = seedServices(db);
  const lab = await actorOf(DEMO_ACCOUNTS.labManager.email);
  const researchers = (
    await Promise.all([DEMO_ACCOUNTS.researcher.email, 'researcher3@demo.test'].map(actorOf))
  ).filter(Boolean) as Actor[];
  if (!lab || !researchers.length) return;
  const instruments = await bookable(lab.organisationId, 6);

  // Eight jobs over October: requested a few days ahead, completed on the day, some a little shorter.
  for (let i = 0; i < 8 && instruments.length; i++) {
    await job(
      {
        lab,
        researcher: researchers[i % 3 === 2 ? 1 : 0] ?? researchers[0]!,
        instrumentId: instruments[i % instruments.length]!,
        day: DateTime.fromISO('2026-10-12', { zone: 'Asia/Shanghai' }).plus({ days: i * 2 }),
        minutes: 120,
        actualMinutes: i % 3 === 1 ? 90 : 120,
      },
      { purpose: '新材料样品表征', key: `seed-october-${i}`, rating: 5 - (i % 2), comment: '数据质量好，出报告及时' },
    );
  }
}

/**
 * 临沂鼎新 (researcher3) with its 临沂 voucher in reimburse mode: three October jobs at the demo lab,
 * the whole price invoiced to the enterprise; the voucher share (50%) is its to claim on 我的报销.
 */
export async function seedReimburseDemo(db: Database): Promise<void> {
  const quota = await db.get<{ quotaId: number; programmeId: number }>(
    `SELECT q.id AS "quotaId", q.programme_id AS "programmeId" FROM voucher_quotas q
     JOIN voucher_programmes p ON p.id = q.programme_id
     JOIN users u ON u.organisation_id = q.enterprise_id
     WHERE p.name = ? AND u.email = 'researcher3@demo.test'`,
    [LINYI_PROGRAMME_NAME],
  );
  if (!quota) return;
  const used = await db.value(`SELECT COUNT(*) FROM voucher_uses WHERE programme_id = ?`, [quota.programmeId]);
  if (Number(used) > 0) return;
  const { actorOf, bookable, job } = seedServices(db);
  const lab = await actorOf(DEMO_ACCOUNTS.labManager.email);
  const researcher = await actorOf('researcher3@demo.test');
  if (!lab || !researcher) return;
  // The lab's dearest machine time: jobs of a few thousand yuan, typical of voucher use.
  const instruments = await bookable(lab.organisationId, 3, true);
  const jobs: [string, number, number][] = [
    ['2026-10-13', 240, 240],
    ['2026-10-20', 180, 180],
    ['2026-10-27', 240, 210],
  ];
  for (const [i, [day, minutes, actualMinutes]] of jobs.entries()) {
    if (!instruments.length) break;
    await job(
      {
        lab,
        researcher,
        instrumentId: instruments[i % instruments.length]!,
        day: DateTime.fromISO(day, { zone: 'Asia/Shanghai' }),
        minutes,
        actualMinutes,
      },
      {
        quotaId: quota.quotaId,
        purpose: '智能装备零部件材料检测',
        key: `seed-linyi-october-${i}`,
        rating: 5,
        comment: '检测及时，报告规范',
      },
    );
  }
}
