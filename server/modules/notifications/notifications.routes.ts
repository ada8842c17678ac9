import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute, idParams } from '../../http/route.ts';
import {
  notificationListQuerySchema,
  notificationListSchema,
  notificationSchema,
  preferencesInputSchema,
  preferencesSchema,
} from './notifications.schemas.ts';
import type { NotificationService } from './notifications.service.ts';

/** Each user reads and marks their own notifications and sets their own email preferences. */
export function notificationRoutes(notifications: NotificationService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tag = 'Notifications';
  defineRoute(router, registry, {
    method: 'get',
    path: '/notifications',
    summary: 'My notifications, newest first, with the unread count (unread=1: only unread ones)',
    tag,
    access: 'signed_in',
    query: notificationListQuerySchema,
    response: notificationListSchema,
    handler: ({ query, actor }) =>
      notifications.list(actor!, {
        unread: query.unread === '1' || query.unread === 'true',
        cursor: query.cursor,
        limit: query.limit,
      }),
  });
  defineRoute(router, registry, {
    method: 'post',
    path: '/notifications/read-all',
    summary: 'Mark all my notifications read',
    tag,
    access: 'signed_in',
    response: z.object({ marked: z.number().int(), unreadCount: z.number().int() }),
    handler: ({ actor }) => notifications.markAllRead(actor!),
  });
  defineRoute(router, registry, {
    method: 'post',
    path: '/notifications/:id/read',
    summary: 'Mark one of my notifications read',
    tag,
    access: 'signed_in',
    params: idParams,
    response: z.object({ item: notificationSchema, unreadCount: z.number().int() }),
    handler: ({ params, actor }) => notifications.markRead(actor!, params.id),
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/notification-preferences',
    summary: 'Which notifications I get by email (every type; on unless turned off)',
    tag,
    access: 'signed_in',
    response: preferencesSchema,
    handler: ({ actor }) => notifications.preferences(actor!),
  });
  defineRoute(router, registry, {
    method: 'put',
    path: '/notification-preferences',
    summary: 'Choose which notifications I get by email (types not named stay as they are)',
    tag,
    access: 'signed_in',
    body: preferencesInputSchema,
    response: preferencesSchema,
    handler: ({ body, actor }) => notifications.setPreferences(actor!, body.items),
  });
  return router;
}
