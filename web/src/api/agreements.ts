/** Service agreements (服务协议) of bookings, and completing a card payment that needs a new card. */
import type { BookingView } from '../../../server/modules/booking/booking.schemas.ts';
import type { AgreementView } from '../../../server/modules/agreements/agreements.schemas.ts';
import { apiFetch } from './client';

export type Agreement = AgreementView;

export const agreementsApi = {
  ofBooking: (bookingId: number) => apiFetch<Agreement>(`/bookings/${bookingId}/agreement`),
  accept: (bookingId: number, sha256: string) =>
    apiFetch<Agreement>(`/bookings/${bookingId}/agreement/accept`, { method: 'POST', body: { sha256 } }),
  /** A new card for a payment whose authorisation before the service failed (action_required). */
  pay: (bookingId: number, paymentToken: string) =>
    apiFetch<BookingView>(`/bookings/${bookingId}/payment`, { method: 'POST', body: { paymentToken } }),
};
