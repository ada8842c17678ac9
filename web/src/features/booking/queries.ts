import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { bookingApi, type BookingListParams } from '../../api/booking';

export const bookingKeys = {
  all: ['bookings'] as const,
  list: (params: BookingListParams) => ['bookings', 'list', params] as const,
  detail: (id: number) => ['bookings', 'detail', id] as const,
};

export function useSchedule(id: number, enabled = true) {
  return useQuery({
    queryKey: ['schedule', id],
    queryFn: ({ signal }) => bookingApi.schedule(id, signal),
    enabled: enabled && Number.isSafeInteger(id) && id > 0,
  });
}

export function useAvailability(id: number, from: string, to: string, durationMinutes: number, enabled = true) {
  return useQuery({
    queryKey: ['availability', id, from, to, durationMinutes],
    queryFn: ({ signal }) => bookingApi.availability(id, from, to, durationMinutes, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

export function useClosures(id: number, from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: ['closures', id, from, to],
    queryFn: ({ signal }) => bookingApi.closures(id, from, to, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

export function useHolidays(year: number, enabled = true) {
  return useQuery({
    queryKey: ['holidays', year],
    queryFn: ({ signal }) => bookingApi.holidays(year, signal),
    staleTime: 10 * 60_000,
    enabled,
  });
}

export function useBooking(id: number) {
  return useQuery({
    queryKey: bookingKeys.detail(id),
    queryFn: ({ signal }) => bookingApi.get(id, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

/** All pages of a booking list (the server scopes it to the caller). */
export function useBookingList(params: BookingListParams, enabled = true) {
  return useInfiniteQuery({
    queryKey: bookingKeys.list(params),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => bookingApi.list({ ...params, cursor: pageParam ?? undefined }, signal),
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled,
  });
}
