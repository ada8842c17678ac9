/**
 * Demo claims: last month (October 2026) the demo enterprises used the demo lab's instruments with
 * their vouchers, paid their share against the lab's invoice, and the lab completed the jobs with
 * reports — ready for the lab to batch and for 济南市科学技术局 (finance@demo.test) to review.
 * Made through the real booking and checkout services at the dates they happened.
 */
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Db } from '../client.ts';
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
import { DEMO_ACCOUNTS } from './demo.ts';

/** The seed pays by invoice only: it never reaches a card processor. */
const noCards: PaymentProvider = {
  name: 'none',
  authorise: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  capture: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  release: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  refund: () => Promise.reject(new PaymentError('rejected', 'the demo seed pays by invoice')),
  retrieve: () => Promise.resolve(null),
  listCharges: () => Promise.resolve({ items: [], hasMore: false }),
  parseWebhook: () => {
    throw new PaymentError('invalid_signature', 'no webhooks in the seed');
  },
};

export async function seedSettlementDemo(db: Db): Promise<void> {
  const sqlite = db.$client;
  if ((sqlite.prepare(`SELECT COUNT(*) FROM voucher_uses`).pluck().get() as number) > 0) return;
  const actorOf = (email: string): Actor | undefined => {
    const u = sqlite
      .prepare(
        `SELECT u.id AS userId, u.role, u.organisation_id AS organisationId, o.kind AS organisationKind, o.city_code AS cityCode
         FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = ?`,
      )
      .get(email) as Actor | undefined;
    return u;
  };
  const lab = actorOf(DEMO_ACCOUNTS.labManager.email);
  const researchers = [DEMO_ACCOUNTS.researcher.email, 'researcher3@demo.test'].map(actorOf).filter(Boolean) as Actor[];
  if (!lab || !researchers.length) return;

  const clock = fixedClock(DateTime.fromISO('2026-10-09T09:00:00', { zone: 'Asia/Shanghai' }).toMillis());
  const catalogRepo = new CatalogRepo(db);
  const bookings = new BookingService(
    new BookingRepo(db),
    catalogRepo,
    new CatalogService(catalogRepo, clock),
    clock,
    path.join(os.tmpdir(), 'isp-seed-files'),
  );
  const ledger = new Ledger(db);
  const checkout = new CheckoutService({
    bookings,
    vouchers: new VouchersService(new VouchersRepo(db), ledger, clock),
    ledger,
    payments: new PaymentsRepo(db),
    provider: noCards,
    clock,
  });
  const instruments = sqlite
    .prepare(
      `SELECT i.id FROM instruments i JOIN instrument_schedules s ON s.instrument_id = i.id
       WHERE i.institution_id = ? AND s.machine_time_enabled = 1 AND s.qualification_required = 0
         AND i.sharing_mode = 'external' AND i.run_status = 'normal'
         AND EXISTS (SELECT 1 FROM rate_card_items r WHERE r.instrument_id = i.id AND r.unit = 'hour')
       ORDER BY i.id LIMIT 6`,
    )
    .pluck()
    .all(lab.organisationId) as number[];

  // Eight jobs over October: requested a few days ahead, completed on the day, some a little shorter.
  for (let i = 0; i < 8 && instruments.length; i++) {
    const researcher = researchers[i % 3 === 2 ? 1 : 0] ?? researchers[0]!;
    const instrumentId = instruments[i % instruments.length]!;
    const day = DateTime.fromISO('2026-10-12', { zone: 'Asia/Shanghai' }).plus({ days: i * 2 });
    clock.set(day.minus({ days: 3 }).set({ hour: 10 }).toMillis());
    const free = bookings.availability(instrumentId, day.toISO()!, day.plus({ days: 3 }).toISO()!, 120);
    const slot = free.slots[0];
    if (!slot) continue;
    const { booking } = await checkout.book(
      researcher,
      {
        instrumentId,
        mode: 'machine_time',
        start: slot.start,
        end: slot.end,
        purpose: '新材料样品表征',
        urgent: false,
        useVoucher: true,
      },
      `seed-october-${i}`,
    );
    clock.set(Date.parse(slot.start) - 3600_000);
    if (booking.status === 'requested') await checkout.transition(lab, booking.id, 'approve', {});
    clock.set(Date.parse(slot.start));
    await checkout.transition(lab, booking.id, 'check-in', {});
    clock.set(Date.parse(slot.end));
    await checkout.transition(lab, booking.id, 'complete', {
      actualMinutes: i % 3 === 1 ? 90 : 120,
      reportUrl: `https://reports.sdatc.example.cn/2026/10/${booking.id}.pdf`,
    });
    clock.advance(86_400_000);
    bookings.rate(researcher, booking.id, 5 - (i % 2), '数据质量好，出报告及时');
  }
}
