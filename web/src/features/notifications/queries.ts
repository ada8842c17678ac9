import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notificationsApi, type NotificationPreference } from '../../api/notifications';
import { useAuth } from '../../app/auth';

export const notificationKeys = {
  all: ['notifications'] as const,
  latest: ['notifications', 'latest'] as const,
  list: (unread: boolean) => ['notifications', 'list', unread] as const,
  preferences: ['notifications', 'preferences'] as const,
};

/** How often the header asks for new notifications. */
export const POLL_MS = 30_000;

/** The latest few and the unread count, for the header's bell: polled every 30 s while signed in. */
export function useLatestNotifications() {
  const { user } = useAuth();
  return useQuery({
    queryKey: notificationKeys.latest,
    queryFn: ({ signal }) => notificationsApi.list({ limit: 8 }, signal),
    enabled: !!user && !user.restriction, // a restricted account may not read them yet
    refetchInterval: POLL_MS,
    staleTime: 10_000,
    placeholderData: keepPreviousData,
  });
}

/** The notification centre's list, page after page. */
export function useNotificationList(unread: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list(unread),
    queryFn: ({ pageParam, signal }) => notificationsApi.list({ unread, cursor: pageParam, limit: 20 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: POLL_MS,
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => notificationsApi.read(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => notificationsApi.readAll(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useNotificationPreferences() {
  return useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: ({ signal }) => notificationsApi.preferences(signal),
  });
}

export function useSetPreference() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (item: NotificationPreference) => notificationsApi.setPreferences([item]),
    onSuccess: (items) => qc.setQueryData(notificationKeys.preferences, items),
  });
}
