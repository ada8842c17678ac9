/** What a booking view shows of its money: the price split, the card payment and the voucher use. */
import { plainPrice } from '../booking/booking.service.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingView } from '../booking/booking.schemas.ts';
import type { VoucherUseRow } from '../vouchers/vouchers.repo.ts';
import type { CheckoutContext } from './context.ts';

export type BookingMoney = Pick<BookingView, 'price' | 'finalPrice' | 'payment' | 'voucherUse' | 'voucherUses'>;

/** For each booking (the booking service asks, inside the read transaction of its views). */
export async function moneyOf(ctx: CheckoutContext, rows: BookingRow[]): Promise<Map<number, BookingMoney>> {
  const ids = rows.map((r) => r.id);
  // In funding order: a co-funded booking has a use per programme.
  const uses = new Map<number, (VoucherUseRow & { programmeName?: string })[]>();
  for (const u of await ctx.deps.vouchers.usesOfBookings(ids))
    uses.set(u.bookingId, [...(uses.get(u.bookingId) ?? []), u]);
  const pays = new Map((await ctx.deps.payments.ofBookings(ids)).map((p) => [p.bookingId, p]));
  const result = new Map<number, BookingMoney>();
  for (const b of rows) {
    const all = uses.get(b.id) ?? [];
    const use = all[0];
    const limitedBy = all.length ? all[all.length - 1]!.limitedBy : null;
    const p = pays.get(b.id);
    const deduct = all.filter((u) => u.settlementMode === 'deduct');
    const quotedVoucher = deduct.reduce((sum, u) => sum + u.reservedFen, 0);
    const finalVoucher = deduct.filter((u) => u.status === 'posted').reduce((sum, u) => sum + u.postedFen!, 0);
    result.set(b.id, {
      price: {
        ...plainPrice(b.quotedFen, b.priceLines),
        voucherFen: quotedVoucher,
        selfPayFen: b.quotedFen - quotedVoucher,
        limitedBy,
      },
      finalPrice:
        b.finalFen === null
          ? null
          : {
              ...plainPrice(b.finalFen, b.finalLines ?? []),
              voucherFen: finalVoucher,
              selfPayFen: b.finalFen - finalVoucher,
              limitedBy,
            },
      payment: p
        ? {
            status: p.status,
            processorId: p.chargeId,
            authorisedFen: p.authorisedFen,
            capturedFen: p.capturedFen,
            refundedFen: p.refundedFen,
            declineCode: p.declineCode,
            authoriseAt: p.authoriseAt === null ? null : new Date(p.authoriseAt).toISOString(),
          }
        : null,
      voucherUse: use ? useView(use) : null,
      voucherUses: all.map(useView),
    });
  }
  return result;
}

function useView(u: VoucherUseRow & { programmeName?: string }) {
  return {
    id: u.id,
    programmeId: u.programmeId,
    status: u.status,
    reservedFen: u.reservedFen,
    postedFen: u.postedFen,
    ratioPercent: u.ratioPercent,
    settlementMode: u.settlementMode,
    sequence: u.sequence,
    programmeName: u.programmeName,
    limitedBy: u.limitedBy,
    ruleVersion: u.planned?.ruleVersion ?? null,
  };
}
