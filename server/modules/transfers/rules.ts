/**
 * The pure rules of bank transfers (对公转账): the remittance reference a payer types into the
 * transfer's memo, a notice's status from what it asks and what arrived, and its due date.
 */
import { DateTime } from 'luxon';
import type { PaymentNoticeStatus } from '../../../db/schema/enums.ts';

/** Crockford's base 32: no I, L, O or U, so a reference read aloud or typed is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const N = ALPHABET.length;
/** The references' prefix: what the lab's bank statement shows it is one of the platform's. */
export const REFERENCE_PREFIX = 'TR';
const BODY = 6; // 32^6 ≈ 1.07e9 bookings before two could share a reference
const MASK = 2 ** 30 - 1;

/** Luhn mod N over the alphabet: catches any one wrong character and most swapped neighbours. */
function checkCharacter(body: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * ALPHABET.indexOf(body[i]!);
    addend = Math.floor(addend / N) + (addend % N);
    sum += addend;
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(N - (sum % N)) % N]!;
}

/**
 * The reference of a booking's notice: the booking id scrambled (an odd multiplier is a bijection
 * modulo 2^30, so two bookings never share one, with no retry on a unique violation) and a check
 * character. Nine characters, e.g. TR7K3M9QX.
 */
export function referenceOf(bookingId: number): string {
  let x = (Math.imul(bookingId & MASK, 0x2545f491) + 0x1d872b41) & MASK;
  let body = '';
  for (let i = 0; i < BODY; i++) {
    body = ALPHABET[x % N]! + body;
    x = Math.floor(x / N);
  }
  return `${REFERENCE_PREFIX}${body}${checkCharacter(body)}`;
}

/**
 * A reference as someone typed it (lower case, spaces, dashes, O for 0, I or L for 1), in its stored
 * form; null when it is not one (wrong length, a character outside the alphabet, a wrong check).
 */
export function normaliseReference(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^TR([0-9A-Z]{6})([0-9A-Z])$/.exec(s);
  if (!m || [...m[1]!, m[2]!].some((c) => !ALPHABET.includes(c))) return null;
  return checkCharacter(m[1]!) === m[2] ? s : null;
}

/**
 * What a notice's status is once `receivedFen` (receipts less returns) stands against `amountFen`.
 * A cancelled notice stays cancelled (money that arrives still is recorded, and given back); an
 * overdue one after the service stays a debt until it is paid.
 */
export function noticeStatus(amountFen: number, receivedFen: number, was: PaymentNoticeStatus): PaymentNoticeStatus {
  if (was === 'cancelled') return 'cancelled';
  if (receivedFen > amountFen) return 'overpaid';
  if (receivedFen === amountFen) return 'paid';
  if (was === 'debt') return 'debt';
  return receivedFen > 0 ? 'partly_paid' : 'open';
}

/** Statuses of a notice still waiting for money (or for an excess to be given back). */
export const OPEN_NOTICE_STATUSES: readonly PaymentNoticeStatus[] = ['open', 'partly_paid', 'overpaid', 'debt'];

/** Whether the self-pay share counts as received (what a claim line needs). */
export const noticeSettled = (n: { status: PaymentNoticeStatus; amountFen: number; receivedFen: number }) =>
  (n.status === 'paid' || n.status === 'overpaid') && n.receivedFen >= n.amountFen;

/**
 * The due date (local, inclusive): the confirmation's local date plus the lab's days, but for a
 * service still to come never later than the day before it starts (the lab wants the money before
 * it gives the service) — and never before the confirmation day itself.
 */
export function dueOn(confirmedAt: number, days: number, serviceStartAt: number | null, zone: string): string {
  const confirmed = DateTime.fromMillis(confirmedAt, { zone }).startOf('day');
  let due = confirmed.plus({ days });
  if (serviceStartAt !== null) {
    const dayBefore = DateTime.fromMillis(serviceStartAt, { zone }).startOf('day').minus({ days: 1 });
    if (dayBefore < due) due = dayBefore < confirmed ? confirmed : dayBefore;
  }
  return due.toISODate()!;
}

/** Today's local date in `zone`. */
export const localDate = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISODate()!;
