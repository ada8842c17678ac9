import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  countBookings,
  emptyCounters,
  figures,
  medianFromBuckets,
  TURNAROUND_EDGES,
  type BookingFacts,
} from '../../server/modules/stats/figures.ts';

const H = 3_600_000;
const base: BookingFacts = {
  status: 'completed',
  mode: 'machine_time',
  userType: 'enterprise',
  requesterOrganisationId: 100,
  startAt: 0,
  endAt: 2 * H,
  actualMinutes: 90,
  actualSamples: null,
  finalFen: 100_000,
  rating: 5,
  approvalMinutes: 45,
  voucherPostedFen: 40_000,
  voucherMode: 'deduct',
};
const b = (over: Partial<BookingFacts>): BookingFacts => ({ ...base, ...over });

describe('one instrument-month from its bookings', () => {
  const bookings = [
    b({}), // enterprise, 2 h booked, 90 min used, ¥1,000, voucher ¥400 deducted
    b({
      requesterOrganisationId: 101,
      userType: 'academic',
      actualMinutes: 60,
      finalFen: 50_000,
      rating: 4,
      voucherPostedFen: null,
      voucherMode: null,
      approvalMinutes: 600,
    }),
    b({
      userType: 'internal',
      requesterOrganisationId: 7,
      actualMinutes: 120,
      finalFen: 20_000,
      rating: null,
      voucherPostedFen: null,
      voucherMode: null,
      approvalMinutes: null,
    }),
    b({
      mode: 'sample',
      startAt: null,
      endAt: null,
      actualMinutes: null,
      actualSamples: 6,
      finalFen: 30_000,
      rating: 3,
      voucherPostedFen: 12_000,
      voucherMode: 'reimburse',
      approvalMinutes: 3000,
    }),
    b({ status: 'cancelled', approvalMinutes: 20 }),
    b({ status: 'no_show', approvalMinutes: 100 }),
    b({ status: 'rejected', approvalMinutes: null }),
    b({ status: 'requested', approvalMinutes: null }),
    b({ status: 'payment_failed' }),
    b({ status: 'pending_payment' }),
  ];
  const { counters: c, enterprises } = countBookings(bookings);

  it('counts requests, outcomes and time with known answers', () => {
    expect(c.requests).toBe(8); // failed and unpaid checkouts are not requests
    expect(c.completed).toBe(4);
    expect(c.cancelled).toBe(1);
    expect(c.rejected).toBe(1);
    expect(c.noShows).toBe(1);
    // booked: 3 completed machine-time (2 h each) + no-show (2 h) + requested (2 h) = 10 h; cancelled/rejected hold none
    expect(c.bookedMinutes).toBe(600);
    expect(c.usedMinutes).toBe(90 + 60 + 120); // the sample job held no scheduled time
    expect(c.externalMinutes).toBe(90 + 60); // the internal job is not external
    expect(c.externalCompleted).toBe(3);
    expect(c.samples).toBe(6);
    expect(c.incomeFen).toBe(200_000);
    expect(c.voucherIncomeFen).toBe(40_000); // only deduct mode pays the lab from the voucher
    expect(c.savedFen).toBe(52_000); // what enterprises saved, both modes
    expect(c.ratingSum).toBe(12);
    expect(c.ratingCount).toBe(3);
    expect([...enterprises].sort()).toEqual([100]); // distinct enterprises served (academic and internal users are not)
  });

  it('buckets approval turnaround', () => {
    expect(c.turnaround.reduce((s, n) => s + n, 0)).toBe(5); // five were decided by a person
    expect(c.turnaround[bucketOf(45)]).toBe(1);
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(14)).toBe(0);
    expect(bucketOf(15)).toBe(1);
    expect(bucketOf(99_999)).toBe(TURNAROUND_EDGES.length);
  });

  it('derives utilisation, shares and rates', () => {
    const f = figures({ ...c, openMinutes: 6000 }, enterprises.size);
    expect(f.openHours).toBe(100);
    expect(f.usedHours).toBe(4.5);
    expect(f.utilisation).toBeCloseTo(270 / 6000, 4);
    expect(f.externalShare).toBeCloseTo(150 / 270, 4);
    expect(f.selfPayIncomeFen).toBe(160_000);
    expect(f.averageRating).toBe(4);
    expect(f.noShowRate).toBeCloseTo(1 / 5, 4);
    expect(f.cancellationRate).toBeCloseTo(1 / 8, 4);
    expect(f.enterprisesServed).toBe(1);
  });

  it('reports zeros, not NaN, for an idle month', () => {
    const f = figures({ ...emptyCounters(), openMinutes: 0 }, 0);
    expect(f).toMatchObject({
      utilisation: 0,
      externalShare: 0,
      noShowRate: 0,
      cancellationRate: 0,
      averageRating: null,
      medianApprovalMinutes: null,
    });
  });
});

describe('the median of bucketed turnarounds', () => {
  it.each([
    [[2, 0, 0], 8], // two in [0,15): half = 1 → 15 × 1/2 = 7.5, rounded
    [[0, 4, 0], 23], // four in [15,30): 15 + 15 × 2/4 = 22.5 → 23
    [[1, 1, 1, 1], 30], // half = 2 lies at the top of [15,30)
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], 10080], // the open bucket reports its lower edge
  ])('%j → %d minutes', (buckets, median) => {
    expect(medianFromBuckets(buckets)).toBe(median);
  });
  it('is null without approvals', () => expect(medianFromBuckets([0, 0, 0])).toBeNull());
});
