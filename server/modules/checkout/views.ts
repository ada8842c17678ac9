/** What a booking view shows of its money: the price split, the card payment and the voucher use. */
import { plainPrice } from '../booking/booking.service.ts';
import type { BookingRow } from '../booking/booking.repo.ts';
import type { BookingView } from '../booking/booking.schemas.ts';
import type { VoucherUseRow } from '../vouchers/vouchers.repo.ts';
import type { CheckoutContext } from './context.ts';

export type BookingMoney = Pick<BookingView, 'price' | 'finalPrice' | 'payment' | 'voucherUse'>;

/** For each booking (the booking service asks, inside the read transaction of its views). */
export async function moneyOf(ctx: CheckoutContext, rows: BookingRow[]): Promise<Map<number, BookingMoney>> {
  const ids = rows.map((r) => r.id);
  const uses = new Map((await ctx.deps.vouchers.usesOfBookings(ids)).map((u) => [u.bookingId, u]));
  const pays = new Map((await ctx.deps.payments.ofBookings(ids)).map((p) => [p.bookingId, p]));
  const result = new Map<number, BookingMoney>();
  for (const b of rows) {
    const use = uses.get(b.id);
    const p = pays.get(b.id);
    const deduct = use?.settlementMode === 'deduct';
    const quotedVoucher = use && deduct ? use.reservedFen : 0;
    const finalVoucher = use && deduct && use.status === 'posted' ? use.postedFen! : 0;
    result.set(b.id, {
      price: {
        ...plainPrice(b.quotedFen, b.priceLines),
        voucherFen: quotedVoucher,
        selfPayFen: b.quotedFen - quotedVoucher,
        limitedBy: use?.limitedBy ?? null,
      },
      finalPrice:
        b.finalFen === null
          ? null
          : {
              ...plainPrice(b.finalFen, b.finalLines ?? []),
              voucherFen: finalVoucher,
              selfPayFen: b.finalFen - finalVoucher,
              limitedBy: use?.limitedBy ?? null,
            },
      payment: p
        ? {
            status: p.status,
            processorId: p.chargeId,
            authorisedFen: p.authorisedFen,
            capturedFen: p.capturedFen,
            refundedFen: p.refundedFen,
            declineCode: p.declineCode,
          }
        : null,
      voucherUse: use ? useView(use) : null,
    });
  }
  return result;
}

function useView(u: VoucherUseRow) {
  return {
    id: u.id,
    programmeId: u.programmeId,
    status: u.status,
    reservedFen: u.reservedFen,
    postedFen: u.postedFen,
    ratioPercent: u.ratioPercent,
    settlementMode: u.settlementMode,
  };
}
