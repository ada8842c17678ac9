/** The notification centre: one's own notifications, marking them read, and which ones come by email. */
import type { NotificationView } from '../../../server/modules/notifications/notifications.schemas.ts';
import { apiFetch, toQueryString } from './client';

export { notificationTypes as NOTIFICATION_TYPES } from '../../../db/schema/enums.ts';
import type { NotificationType } from '../../../db/schema/enums.ts';
export type { NotificationType };

export type Notification = NotificationView;
export type NotificationPage = { items: Notification[]; unreadCount: number; nextCursor: string | null };
export type NotificationPreference = { type: NotificationType; email: boolean };

export const notificationsApi = {
  list: (q: { unread?: boolean; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    apiFetch<NotificationPage>(
      `/notifications${toQueryString({ unread: q.unread ? '1' : undefined, cursor: q.cursor, limit: q.limit })}`,
      { signal },
    ),
  read: (id: number) =>
    apiFetch<{ item: Notification; unreadCount: number }>(`/notifications/${id}/read`, { method: 'POST', body: {} }),
  readAll: () =>
    apiFetch<{ marked: number; unreadCount: number }>('/notifications/read-all', { method: 'POST', body: {} }),
  preferences: (signal?: AbortSignal) =>
    apiFetch<{ items: NotificationPreference[] }>('/notification-preferences', { signal }).then((r) => r.items),
  setPreferences: (items: NotificationPreference[]) =>
    apiFetch<{ items: NotificationPreference[] }>('/notification-preferences', { method: 'PUT', body: { items } }).then(
      (r) => r.items,
    ),
};
