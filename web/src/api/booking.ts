import type { z } from 'zod';
import type {
  BookingRequest,
  BookingView,
  Schedule,
  availabilitySchema,
  quoteSchema,
} from '../../../server/modules/booking/booking.schemas.ts';
import type { InstrumentSummary } from './catalog';
import { apiFetch, toQueryString } from './client';

export { bookingModes as BOOKING_MODES, bookingStatuses as BOOKING_STATUSES } from '../../../db/schema/enums.ts';
export { ratingLevels as RATING_LEVELS } from '../../../db/schema/enums.ts';
import type {
  BookingMode,
  BookingStatus,
  PaymentMethod,
  PaymentStatus,
  VoucherLimit,
} from '../../../db/schema/enums.ts';
export type { BookingMode, BookingStatus, PaymentMethod, PaymentStatus, VoucherLimit };
/** A booking as the API answers it, with its voucher split, voucher use and payment. */
export type { BookingView as Booking, Schedule };

/** A price with its voucher split: total = voucher share + self-pay (all integer fen). */
export type PriceSplit = BookingView['price'];
export type Payment = NonNullable<BookingView['payment']>;
export type VoucherUse = NonNullable<BookingView['voucherUse']>;

export type Interval = { start: string; end: string };
export type InstrumentSchedule = Schedule & { instrumentId: number };
/** Free time, the valid starts (slots, each with the longest booking from it: maxMinutes), and busy time. */
export type Availability = z.infer<typeof availabilitySchema>;
/** When the clock lets the lab take a step of a booking (check-in, no-show, completion). */
export type ActionWindow = BookingView['actions']['checkIn'];
export type Closure = { id: number; start: string; end: string; reason: string };
/** The live quote: the price with its voucher split, the voucher that applies and why others do not. */
export type Quote = z.infer<typeof quoteSchema>;
export type PriceLine = Quote['price']['lines'][number];
export type Ineligible = Quote['ineligible'][number];
export type QuoteRequest = Pick<
  BookingRequest,
  'instrumentId' | 'mode' | 'start' | 'end' | 'sampleCount' | 'rateItemId' | 'quoteId'
> & {
  urgent?: boolean;
  useVoucher?: boolean;
};
/** `paymentToken`: the processor's card token (the self-pay share is authorised on the card); none: pay by invoice. */
export type NewBooking = Omit<BookingRequest, 'urgent'> & { urgent: boolean };
export type BookingList = { items: BookingView[]; nextCursor: string | null };
export type BookingListParams = {
  status?: BookingStatus;
  instrumentId?: number;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
};
export type AvailableInstrument = { instrument: InstrumentSummary; firstSlot: Interval; slotCount: number };
export type AvailabilitySearchParams = {
  from: string;
  to: string;
  durationMinutes: number;
  category?: string;
  city?: string;
  q?: string;
  cursor?: string;
  limit?: number;
};
export type TrainingRecord = {
  id: number;
  instrumentId: number;
  instrumentName: string;
  /** The address granted to; the account's id and name only for admins and the holder. */
  user: { id: number | null; name: string | null; email: string };
  grantedAt: string;
  expiresOn: string;
  revokedAt: string | null;
  valid: boolean;
};
export type Holiday = { date: string; kind: 'off' | 'workday'; nameZh: string; nameEn: string | null };
export type CompleteInput = { actualMinutes?: number; actualSamples?: number; reportUrl?: string; note?: string };

/** A fresh idempotency key per submit; `randomUUID` needs a secure context, so fall back to getRandomValues. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const post = <T>(path: string, body: unknown = {}) => apiFetch<T>(path, { method: 'POST', body });

export const bookingApi = {
  schedule: (id: number, signal?: AbortSignal) =>
    apiFetch<InstrumentSchedule>(`/instruments/${id}/schedule`, { signal }),
  saveSchedule: (id: number, schedule: Schedule) =>
    apiFetch<InstrumentSchedule>(`/instruments/${id}/schedule`, { method: 'PUT', body: schedule }),
  closures: (id: number, from: string, to: string, signal?: AbortSignal) =>
    apiFetch<{ items: Closure[] }>(`/instruments/${id}/closures${toQueryString({ from, to })}`, { signal }).then(
      (r) => r.items,
    ),
  addClosure: (id: number, input: Omit<Closure, 'id'>) => post<Closure>(`/instruments/${id}/closures`, input),
  deleteClosure: (id: number, closureId: number) =>
    apiFetch<void>(`/instruments/${id}/closures/${closureId}`, { method: 'DELETE' }),
  availability: (id: number, from: string, to: string, durationMinutes: number, signal?: AbortSignal) =>
    apiFetch<Availability>(`/instruments/${id}/availability${toQueryString({ from, to, durationMinutes })}`, {
      signal,
    }),
  searchAvailability: (params: AvailabilitySearchParams, signal?: AbortSignal) =>
    apiFetch<{ items: AvailableInstrument[]; nextCursor: string | null }>(`/availability${toQueryString(params)}`, {
      signal,
    }),
  quote: (input: QuoteRequest, signal?: AbortSignal) =>
    apiFetch<Quote>('/quotes', { method: 'POST', body: input, signal }),
  create: (input: NewBooking, idempotencyKey: string) =>
    apiFetch<BookingView>('/bookings', {
      method: 'POST',
      body: input,
      headers: { 'Idempotency-Key': idempotencyKey },
    }),
  list: (params: BookingListParams, signal?: AbortSignal) =>
    apiFetch<BookingList>(`/bookings${toQueryString(params)}`, { signal }),
  get: (id: number, signal?: AbortSignal) => apiFetch<BookingView>(`/bookings/${id}`, { signal }),
  approve: (id: number, reason?: string) => post<BookingView>(`/bookings/${id}/approve`, reason ? { reason } : {}),
  reject: (id: number, reason: string) => post<BookingView>(`/bookings/${id}/reject`, { reason }),
  cancel: (id: number, reason?: string) => post<BookingView>(`/bookings/${id}/cancel`, reason ? { reason } : {}),
  checkIn: (id: number) => post<BookingView>(`/bookings/${id}/check-in`),
  complete: (id: number, input: CompleteInput) => post<BookingView>(`/bookings/${id}/complete`, input),
  noShow: (id: number, reason?: string) => post<BookingView>(`/bookings/${id}/no-show`, reason ? { reason } : {}),
  refund: (id: number, amountFen: number, reason: string) =>
    post<BookingView>(`/bookings/${id}/refund`, { amountFen, reason }),
  rate: (id: number, rating: number, comment?: string) =>
    post<BookingView>(`/bookings/${id}/rate`, comment ? { rating, comment } : { rating }),
  trainingRecords: (instrumentId?: number, signal?: AbortSignal) =>
    apiFetch<{ items: TrainingRecord[] }>(`/training-records${toQueryString({ instrumentId })}`, { signal }).then(
      (r) => r.items,
    ),
  grantTraining: (input: { instrumentId: number; userEmail: string; expiresOn: string; note?: string }) =>
    post<TrainingRecord>('/training-records', input),
  revokeTraining: (id: number) => post<TrainingRecord>(`/training-records/${id}/revoke`),
  holidays: (year: number, signal?: AbortSignal) =>
    apiFetch<{ items: Holiday[] }>(`/holidays${toQueryString({ year })}`, { signal }).then((r) => r.items),
  saveHoliday: (date: string, input: Omit<Holiday, 'date'>) =>
    apiFetch<Holiday>(`/holidays/${date}`, { method: 'PUT', body: input }),
  deleteHoliday: (date: string) => apiFetch<void>(`/holidays/${date}`, { method: 'DELETE' }),
  /** Whether a feed address exists (the address itself is shown only when it is made). */
  myCalendar: (signal?: AbortSignal) => apiFetch<{ createdAt: string | null }>('/me/calendar', { signal }),
  /** A new feed address, shown this once; the old one stops working. */
  newCalendar: () => post<{ url: string; createdAt: string }>('/me/calendar'),
};

/** The lab's service report for a started or finished job: the file itself is the request body. */
export const uploadReport = (bookingId: number, file: File) =>
  apiFetch<BookingView>(`/bookings/${bookingId}/report?${new URLSearchParams({ name: file.name })}`, {
    method: 'PUT',
    file,
  });
