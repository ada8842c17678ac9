/**
 * Quotes from a rate card: pure, integer fen throughout (never floats on money; quantities may be fractional
 * hours, amounts never are). Invalid inputs (fractional minutes, non-integer prices) are programming errors
 * and throw RangeError; a request the card cannot price answers { ok: false }.
 *
 * Order of the lines: the service (machine time or samples), the start-up fee, the minimum-charge top-up,
 * the urgent surcharge (a percent of the subtotal after the minimum), then the off-hours surcharge
 * (非工作时间附加费, machine time only: a percent of the machine-time amount's off-hours share). The two
 * surcharges are independent and never compound: neither is part of the other's base, and the minimum
 * charge is reached before any surcharge.
 */
import type { PriceLine, PriceSnapshot } from '../../../db/schema/booking.ts';
import type { PriceUnit, UserType } from '../../../db/schema/enums.ts';

export interface RateCardForPricing {
  setupFeeFen: number;
  minimumChargeFen: number;
  urgentSurchargePercent: number;
  /** 非工作时间附加费 in percent of the off-hours share of machine time; absent = 0. */
  offHoursSurchargePercent?: number;
  items: {
    id: number;
    unit: 'hour' | 'sample';
    labelZh: string;
    labelEn?: string | null;
    internalFen: number;
    academicFen: number;
    enterpriseFen: number;
  }[];
}

export type PricingRequest = {
  userType: 'internal' | 'academic' | 'enterprise';
  urgent: boolean;
  rateItemId?: number;
} & (
  | {
      mode: 'machine_time';
      minutes: number;
      slotMinutes: number;
      /** How many of `minutes` are off-hours (slots.ts offHoursMinutes), 0 … minutes; absent = 0. */
      offHoursMinutes?: number;
    }
  | { mode: 'sample'; samples: number }
);

export type PricingResult =
  | {
      ok: true;
      unit: 'hour' | 'sample';
      lines: PriceLine[];
      totalFen: number;
      /** The card's terms this price was made with (the caller adds when: `quotedAt`). */
      terms: Omit<PriceSnapshot, 'quotedAt'>;
    }
  | { ok: false; reason: 'no_rate' | 'unknown_rate_item' | 'too_large' };

/** An amount past Number.MAX_SAFE_INTEGER: the card's prices times the quantity cannot be charged exactly. */
class TooLarge extends Error {}

function exact(value: number): number {
  if (!Number.isSafeInteger(value)) throw new TooLarge(`not an exact amount: ${value}`);
  return value;
}

function integer(value: number, what: string, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${what} must be an integer ≥ ${min}: ${value}`);
  return value;
}

/**
 * numerator / denominator rounded to the nearest integer, halves away from zero (1.5 → 2, −1.5 → −2).
 * Exact for safe integers: integer quotient and remainder, no float result is trusted.
 */
export function roundHalfUpDiv(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`roundHalfUpDiv needs safe integers and a non-zero denominator: ${numerator}/${denominator}`);
  }
  const negative = numerator < 0 !== denominator < 0;
  const n = Math.abs(numerator);
  const d = Math.abs(denominator);
  let q = Math.floor(n / d);
  let r = n - q * d; // the float quotient may be off by one for huge values: correct it with the remainder
  while (r < 0) {
    q -= 1;
    r += d;
  }
  while (r >= d) {
    q += 1;
    r -= d;
  }
  if (r >= d - r) q += 1; // r ≥ d/2 without dividing: round the half up (away from zero)
  return negative ? -q : q;
}

/** The no-show fee of a quoted price: `percent` of it, rounded down to the fen (before any cap by the card hold). */
export function noShowFeeFen(quotedFen: number, percent: number): number {
  return Math.floor((integer(quotedFen, 'quotedFen') * integer(percent, 'percent')) / 100);
}

/**
 * The item a booking is priced by again (at completion, and the settlement's published-price check): the item it
 * booked while the card still lists it with the same unit, else the card's first item of the unit — what a booking
 * that named no item is priced by. A lab that removed the item (editing a card replaces its items) must still be
 * able to complete the job, so the fallback is not an error. Undefined: the card has no item of the unit.
 */
export function bookedItem(
  card: Pick<RateCardForPricing, 'items'>,
  unit: PriceUnit,
  rateItemId: number | null | undefined,
): RateCardForPricing['items'][number] | undefined {
  const booked = rateItemId == null ? undefined : card.items.find((i) => i.id === rateItemId && i.unit === unit);
  return booked ?? card.items.find((i) => i.unit === unit);
}

/**
 * The card an order was quoted on, from its snapshot: completion prices the order by it (a card
 * edited after the order does not change the order's price). The one item carries the unit price of
 * the order's user type for every type.
 */
export function cardOfSnapshot(s: PriceSnapshot): RateCardForPricing {
  return {
    setupFeeFen: s.setupFeeFen,
    minimumChargeFen: s.minimumChargeFen,
    urgentSurchargePercent: s.urgentSurchargePercent,
    offHoursSurchargePercent: s.offHoursSurchargePercent,
    items: [
      {
        id: s.rateItemId ?? 0,
        unit: s.unit,
        labelZh: s.itemName,
        labelEn: s.itemNameEn ?? null,
        internalFen: s.unitFen,
        academicFen: s.unitFen,
        enterpriseFen: s.unitFen,
      },
    ],
  };
}

const unitPrice = (item: RateCardForPricing['items'][number], userType: UserType): number =>
  userType === 'internal' ? item.internalFen : userType === 'academic' ? item.academicFen : item.enterpriseFen;

/**
 * The price of a request, or why it has none. The schemas bound prices and quantities so that every
 * amount is exact; a card written before those bounds can still multiply past 2^53, and that is
 * `too_large` (the caller's 400), never a float amount.
 */
export function price(card: RateCardForPricing, req: PricingRequest): PricingResult {
  try {
    return priceLines(card, req);
  } catch (err) {
    if (err instanceof TooLarge) return { ok: false, reason: 'too_large' };
    throw err;
  }
}

function priceLines(card: RateCardForPricing, req: PricingRequest): PricingResult {
  // The mode decides the unit: machine time is priced per hour, sample jobs per sample.
  const unit: PriceUnit = req.mode === 'machine_time' ? 'hour' : 'sample';

  // An explicit rate item must exist and be of the mode's unit; otherwise the first item of that unit.
  let item: RateCardForPricing['items'][number] | undefined;
  if (req.rateItemId !== undefined) {
    item = card.items.find((i) => i.id === req.rateItemId);
    if (!item || item.unit !== unit) return { ok: false, reason: 'unknown_rate_item' };
  } else {
    item = card.items.find((i) => i.unit === unit);
    if (!item) return { ok: false, reason: 'no_rate' };
  }
  // The unit price is the item's price for the requester's user type.
  const unitFen = integer(unitPrice(item, req.userType), 'a unit price');

  const lines: PriceLine[] = [];
  let billableMinutes = 0;
  if (req.mode === 'machine_time') {
    // Part hours are billed up to the slot size: 70 min on a 30-min grid bills 90 min.
    const slot = integer(req.slotMinutes, 'slotMinutes', 1);
    billableMinutes = Math.ceil(integer(req.minutes, 'minutes') / slot) * slot;
    // amount = unit price × billable hours, rounded half up to the fen (exact integer division by 60).
    const amountFen = roundHalfUpDiv(exact(unitFen * billableMinutes), 60);
    lines.push({ kind: 'machine_time', label: '机时', quantity: billableMinutes / 60, unitFen, amountFen });
  } else {
    // Per sample: unit price × number of samples.
    const samples = integer(req.samples, 'samples');
    lines.push({ kind: 'samples', label: '送样检测', quantity: samples, unitFen, amountFen: exact(unitFen * samples) });
  }

  // 开机费: a start-up fee, once per booking, when the card has one.
  const setupFeeFen = integer(card.setupFeeFen, 'setupFeeFen');
  if (setupFeeFen > 0) {
    lines.push({ kind: 'setup_fee', label: '开机费', quantity: 1, unitFen: setupFeeFen, amountFen: setupFeeFen });
  }

  // Minimum charge: a subtotal (service + start-up fee) below it is topped up to it.
  let subtotal = sum(lines);
  const minimumFen = integer(card.minimumChargeFen, 'minimumChargeFen');
  if (subtotal < minimumFen) {
    const topUp = minimumFen - subtotal;
    lines.push({ kind: 'minimum_charge', label: '最低收费补足', quantity: 1, unitFen: topUp, amountFen: topUp });
    subtotal = minimumFen;
  }

  // Urgent: percent of the subtotal after the minimum, rounded half up; the line reads
  // quantity = the rate (0.5 for 50 %) × unitFen = that subtotal. No line when the card's rate is 0.
  const percent = integer(card.urgentSurchargePercent, 'urgentSurchargePercent');
  if (req.urgent && percent > 0) {
    const amountFen = roundHalfUpDiv(exact(subtotal * percent), 100);
    lines.push({
      kind: 'urgent_surcharge',
      label: '加急附加费',
      quantity: percent / 100,
      unitFen: subtotal,
      amountFen,
    });
  }

  // 非工作时间附加费, machine time only: the machine-time amount × off-hours minutes / minutes × percent / 100,
  // rounded half up once. Its base is the machine-time line alone (not the start-up fee, the top-up or the
  // urgent surcharge), so it adds to them without compounding. The line reads quantity = the billed hours
  // that are off-hours × unitFen = the hourly surcharge. No line when the card's rate or the off-hours is 0.
  if (req.mode === 'machine_time') {
    const offPercent = integer(card.offHoursSurchargePercent ?? 0, 'offHoursSurchargePercent');
    const offMinutes = integer(req.offHoursMinutes ?? 0, 'offHoursMinutes');
    if (offMinutes > req.minutes)
      throw new RangeError(`offHoursMinutes exceeds minutes: ${offMinutes} > ${req.minutes}`);
    if (offPercent > 0 && offMinutes > 0) {
      lines.push({
        kind: 'off_hours_surcharge',
        label: '非工作时间附加费',
        quantity: (billableMinutes * offMinutes) / req.minutes / 60,
        unitFen: roundHalfUpDiv(exact(unitFen * offPercent), 100),
        amountFen: shareHalfUp(lines[0]!.amountFen, offMinutes * offPercent, req.minutes * 100),
      });
    }
  }

  // The total is the sum of the lines.
  const terms = {
    rateItemId: item.id,
    itemName: item.labelZh,
    itemNameEn: item.labelEn ?? null,
    unit,
    unitFen,
    userType: req.userType,
    setupFeeFen,
    minimumChargeFen: minimumFen,
    urgentSurchargePercent: percent,
    offHoursSurchargePercent: card.offHoursSurchargePercent ?? 0,
  };
  return { ok: true, unit, lines, totalFen: sum(lines), terms };
}

/** amount × numerator / denominator, rounded half up (non-negative integers); exact past 2^53 too. */
function shareHalfUp(amount: number, numerator: number, denominator: number): number {
  const product = amount * numerator;
  if (Number.isSafeInteger(product)) return roundHalfUpDiv(product, denominator);
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  return exact(Number(2n * (n % d) >= d ? n / d + 1n : n / d));
}

function sum(lines: readonly PriceLine[]): number {
  let total = 0;
  for (const line of lines) total += line.amountFen;
  return exact(total);
}
