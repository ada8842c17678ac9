/**
 * Demo claims: last month (October 2026) the demo enterprises used the demo lab's instruments with
 * their vouchers, paid their share by bank transfer (the lab confirmed each), and the lab completed the jobs with
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
import { TransfersService } from '../../server/modules/transfers/transfers.service.ts';
import { VouchersRepo } from '../../server/modules/vouchers/vouchers.repo.ts';
import { VouchersService } from '../../server/modules/vouchers/vouchers.service.ts';
import { fixedClock } from '../../server/shared/clock.ts';
import { DEMO_ACCOUNTS } from './accounts.ts';
import { SettlementRepo } from '../../server/modules/settlement/settlement.repo.ts';
import { SettlementService } from '../../server/modules/settlement/settlement.service.ts';
import { LIAOCHENG_PROGRAMME_NAME, LINYI_PROGRAMME_NAME } from './vouchers.ts';

/** The seed pays by invoice only: it never reaches a card processor. */
const noCards: PaymentProvider = {
  name: 'none',
  saveCard: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
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
  const transfers = new TransfersService({ db, ledger, clock });
  const checkout = new CheckoutService({
    db,
    transfers: transfers.notices,
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
   * report, rated the next day. Paid by bank transfer against its payment notice, confirmed by the lab
   * on the day of the service. Null when the day has no free slot.
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
    const first = free.slots[0];
    if (!first) return null;
    const slot = { start: first.start, end: new Date(Date.parse(first.start) + o.minutes * 60_000).toISOString() };
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
    // The enterprise paid its share by bank transfer (对公转账) on the day; the lab confirmed it.
    const notice = await transfers.repo.noticeOfBooking(booking.id);
    if (notice && notice.amountFen > notice.receivedFen)
      await transfers.recordReceipt(o.lab, notice.id, {
        amountFen: notice.amountFen - notice.receivedFen,
        receivedOn: DateTime.fromMillis(clock.now(), { zone: 'Asia/Shanghai' }).toISODate()!,
        bankReference: `SEED${String(booking.id).padStart(8, '0')}`,
        note: '演示数据：对公转账到账',
      });
    clock.advance(86_400_000);
    await bookings.rate(o.researcher, booking.id, extra.rating, extra.comment);
    return booking.id;
  };
  return { actorOf, bookable, job, bookings, checkout, clock, ledger };
}

export async function seedSettlementDemo(db: Database): Promise<void> {
  // (Once: the demo lab's own voucher uses; the usage history's are at other providers.)
  const labUses = `SELECT COUNT(*) FROM voucher_uses u JOIN users x ON x.organisation_id = u.provider_id WHERE x.email = ?`;
  if (Number(await db.value(labUses, [DEMO_ACCOUNTS.labManager.email])) > 0) return;
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
  // A 聊城 enterprise's job co-funded by the province's and 聊城's vouchers (no quota named: both are drawn on).
  const liaocheng = await actorOf('researcher4@demo.test');
  if (liaocheng && instruments.length)
    await job(
      {
        lab,
        researcher: liaocheng,
        instrumentId: instruments[0]!,
        day: DateTime.fromISO('2026-10-29', { zone: 'Asia/Shanghai' }),
        minutes: 180,
        actualMinutes: 180,
      },
      {
        purpose: '轴承钢材料金相与成分分析',
        key: 'seed-liaocheng-october',
        rating: 5,
        comment: '省市创新券合并抵扣，很方便',
      },
    );
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

/**
 * 聊城's claim for October in public notice (公示) now: the lab files it, 聊城's office approves every
 * line, the province re-checks them, and the notice runs for the programme's days from the moment the
 * demo starts (real time, so a fresh demo always shows one). Payment opens when it ends, for an officer
 * who approved none of it.
 */
export async function seedNoticeDemo(db: Database): Promise<void> {
  const programme = await db.get<{ id: number; claimBy: string }>(
    `SELECT id, claim_by AS "claimBy" FROM voucher_programmes WHERE name = ?`,
    [LIAOCHENG_PROGRAMME_NAME],
  );
  if (!programme) return;
  if (Number(await db.value(`SELECT COUNT(*) FROM settlement_batches WHERE programme_id = ?`, [programme.id])) > 0)
    return;
  const { actorOf, ledger } = seedServices(db);
  const now = Date.now();
  if (DateTime.fromMillis(now, { zone: 'Asia/Shanghai' }).toISODate()! > programme.claimBy) return;
  const [lab, office, reviewer] = await Promise.all(
    [DEMO_ACCOUNTS.labManager.email, 'finance6@demo.test', 'reviewer@demo.test'].map(actorOf),
  );
  if (!lab || !office || !reviewer) return;
  const clock = fixedClock(now);
  const settlement = new SettlementService(
    db,
    new SettlementRepo(db),
    new VouchersRepo(db),
    new CatalogRepo(db),
    ledger,
    clock,
  );
  const claimable = await settlement.claimable(lab);
  if (!claimable.some((c) => c.programmeId === programme.id && c.month === '2026-10')) return;
  let batch = await settlement.create(lab, { programmeId: programme.id, month: '2026-10' });
  for (const line of batch.lines)
    await settlement.updateLine(lab, batch.id, line.id, {
      invoiceNo: `37150026${String(line.bookingId).padStart(8, '0')}`,
    });
  clock.advance(3600_000);
  batch = await settlement.submit(lab, batch.id, {
    bankName: '中国工商银行济南分行营业部',
    accountName: DEMO_LAB_ACCOUNT_NAME,
    accountNo: '1602 0012 0900 0218 866',
  });
  for (const reviewerActor of [office, reviewer]) {
    clock.advance(3600_000);
    for (const line of batch.lines.filter((l) => l.status === 'pending'))
      batch = await settlement.decide(reviewerActor, batch.id, line.id, 'approve', {});
  }
}

const DEMO_LAB_ACCOUNT_NAME = '山东省分析测试中心';

/**
 * A bank transfer awaiting confirmation: the demo researcher booked machine time at the demo lab for
 * next week without a card, the lab confirmed it, and the payment notice (付款通知书) is open — nothing
 * has arrived yet (到账确认 on the lab's side). Made at the real time the demo starts.
 */
export async function seedTransferDemo(db: Database): Promise<void> {
  if (Number(await db.value(`SELECT COUNT(*) FROM payment_notices WHERE status = 'open'`)) > 0) return;
  const { actorOf, bookable, bookings, checkout, clock } = seedServices(db);
  const [lab, researcher] = await Promise.all(
    [DEMO_ACCOUNTS.labManager.email, DEMO_ACCOUNTS.researcher.email].map(actorOf),
  );
  if (!lab || !researcher) return;
  const instruments = await bookable(lab.organisationId, 6);
  const instrumentId = instruments[instruments.length - 1];
  if (instrumentId === undefined) return;
  clock.set(Date.now());
  const from = DateTime.fromMillis(Date.now(), { zone: 'Asia/Shanghai' }).plus({ days: 8 }).startOf('day');
  const free = await bookings.availability(instrumentId, from.toISO()!, from.plus({ days: 7 }).toISO()!, 120);
  const first = free.slots[0];
  if (!first) return;
  const slot = { start: first.start, end: new Date(Date.parse(first.start) + 120 * 60_000).toISOString() };
  const { booking } = await checkout.book(
    researcher,
    {
      instrumentId,
      mode: 'machine_time',
      start: slot.start,
      end: slot.end,
      purpose: '复合材料断口形貌观察',
      urgent: false,
      useVoucher: true,
      paymentMethod: 'bank_transfer',
      fundingSource: 'provincial_programme',
    },
    'seed-transfer-awaiting',
  );
  if (booking.status === 'requested') await checkout.transition(lab, booking.id, 'approve', {});
}
