/**
 * The sharing figures, pure: one instrument-month's counters from its bookings, and the derived
 * measures (utilisation, external share, rates, average rating, median turnaround) of any sum of
 * counters. All minutes and fen are integers; ratios are left to the reader to round.
 */

/** Approval turnaround bucket upper edges in minutes (the last bucket is open). */
export const TURNAROUND_EDGES = [15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080] as const;

export interface BookingFacts {
  status: string;
  mode: 'machine_time' | 'sample';
  userType: 'internal' | 'academic' | 'enterprise';
  requesterOrganisationId: number;
  startAt: number | null;
  endAt: number | null;
  actualMinutes: number | null;
  actualSamples: number | null;
  finalFen: number | null;
  rating: number | null;
  /** Minutes from request to a person's approval, if one approved it. */
  approvalMinutes: number | null;
  /** Posted voucher share and its settlement mode, if a voucher paid part. */
  voucherPostedFen: number | null;
  voucherMode: 'deduct' | 'reimburse' | null;
  /** The deduct-mode part of voucherPostedFen (a co-funded order may hold uses of both modes); absent: by voucherMode. */
  voucherDeductFen?: number | null;
}

export interface Counters {
  bookedMinutes: number;
  usedMinutes: number;
  externalMinutes: number;
  samples: number;
  incomeFen: number;
  voucherIncomeFen: number;
  savedFen: number;
  requests: number;
  completed: number;
  externalCompleted: number;
  cancelled: number;
  rejected: number;
  noShows: number;
  ratingSum: number;
  ratingCount: number;
  turnaround: number[];
}

const HOLDS_TIME = new Set(['requested', 'approved', 'in_progress', 'completed', 'no_show']);
const MINUTE = 60_000;

export function emptyCounters(): Counters {
  return {
    bookedMinutes: 0,
    usedMinutes: 0,
    externalMinutes: 0,
    samples: 0,
    incomeFen: 0,
    voucherIncomeFen: 0,
    savedFen: 0,
    requests: 0,
    completed: 0,
    externalCompleted: 0,
    cancelled: 0,
    rejected: 0,
    noShows: 0,
    ratingSum: 0,
    ratingCount: 0,
    turnaround: TURNAROUND_EDGES.map(() => 0).concat(0),
  };
}

export function bucketOf(minutes: number): number {
  const i = TURNAROUND_EDGES.findIndex((edge) => minutes < edge);
  return i === -1 ? TURNAROUND_EDGES.length : i;
}

/** One instrument-month's counters from its bookings (failed checkouts and unpaid holds are not requests). */
export function countBookings(bookings: BookingFacts[]): { counters: Counters; enterprises: Set<number> } {
  const c = emptyCounters();
  const enterprises = new Set<number>();
  for (const b of bookings) {
    if (b.status === 'payment_failed' || b.status === 'pending_payment') continue;
    c.requests++;
    const scheduled = b.startAt !== null && b.endAt !== null ? Math.round((b.endAt - b.startAt) / MINUTE) : 0;
    if (HOLDS_TIME.has(b.status)) c.bookedMinutes += scheduled;
    if (b.status === 'cancelled') c.cancelled++;
    if (b.status === 'rejected') c.rejected++;
    if (b.status === 'no_show') c.noShows++;
    if (b.approvalMinutes !== null) c.turnaround[bucketOf(b.approvalMinutes)]!++;
    if (b.status !== 'completed') continue;
    const external = b.userType !== 'internal';
    const used = b.mode === 'machine_time' ? (b.actualMinutes ?? scheduled) : scheduled;
    c.completed++;
    c.usedMinutes += used;
    c.samples += b.mode === 'sample' ? (b.actualSamples ?? 0) : 0;
    c.incomeFen += b.finalFen ?? 0;
    if (b.voucherPostedFen !== null) {
      c.savedFen += b.voucherPostedFen;
      if (b.voucherDeductFen !== undefined) c.voucherIncomeFen += Number(b.voucherDeductFen ?? 0);
      else if (b.voucherMode === 'deduct') c.voucherIncomeFen += b.voucherPostedFen;
    }
    if (external) {
      c.externalMinutes += used;
      c.externalCompleted++;
    }
    if (b.userType === 'enterprise') enterprises.add(b.requesterOrganisationId);
    if (b.rating !== null) {
      c.ratingSum += b.rating;
      c.ratingCount++;
    }
  }
  return { counters: c, enterprises };
}

/**
 * The median of a bucketed distribution, by linear interpolation inside the bucket holding the
 * middle observation (the open last bucket reports its lower edge). Null when empty.
 */
export function medianFromBuckets(buckets: readonly number[]): number | null {
  const total = buckets.reduce((s, n) => s + n, 0);
  if (!total) return null;
  const half = total / 2;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i]!;
    if (seen + n >= half && n > 0) {
      const lo = i === 0 ? 0 : TURNAROUND_EDGES[i - 1]!;
      const hi = TURNAROUND_EDGES[i];
      if (hi === undefined) return lo;
      return Math.round(lo + ((half - seen) / n) * (hi - lo));
    }
    seen += n;
  }
  return null;
}

export interface Figures {
  openHours: number;
  bookedHours: number;
  usedHours: number;
  externalHours: number;
  samples: number;
  /** used / open (0 when nothing was open). */
  utilisation: number;
  /** external / used. */
  externalShare: number;
  incomeFen: number;
  voucherIncomeFen: number;
  selfPayIncomeFen: number;
  savedFen: number;
  enterprisesServed: number;
  requests: number;
  completed: number;
  averageRating: number | null;
  medianApprovalMinutes: number | null;
  noShowRate: number;
  cancellationRate: number;
}

const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

/** The measures of a sum of counters (any scope: an instrument-month up to the province-year). */
export function figures(sum: Counters & { openMinutes: number }, enterprisesServed: number): Figures {
  return {
    openHours: hours(sum.openMinutes),
    bookedHours: hours(sum.bookedMinutes),
    usedHours: hours(sum.usedMinutes),
    externalHours: hours(sum.externalMinutes),
    samples: sum.samples,
    utilisation: ratio(sum.usedMinutes, sum.openMinutes),
    externalShare: ratio(sum.externalMinutes, sum.usedMinutes),
    incomeFen: sum.incomeFen,
    voucherIncomeFen: sum.voucherIncomeFen,
    selfPayIncomeFen: sum.incomeFen - sum.voucherIncomeFen,
    savedFen: sum.savedFen,
    enterprisesServed,
    requests: sum.requests,
    completed: sum.completed,
    averageRating: sum.ratingCount ? Math.round((sum.ratingSum / sum.ratingCount) * 100) / 100 : null,
    medianApprovalMinutes: medianFromBuckets(sum.turnaround),
    noShowRate: ratio(sum.noShows, sum.completed + sum.noShows),
    cancellationRate: ratio(sum.cancelled, sum.requests),
  };
}
