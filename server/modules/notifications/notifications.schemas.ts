/** Request and response shapes of the notifications API. Imports only zod and the vocabularies. */
import { z } from 'zod';
import { notificationTypes } from '../../../db/schema/enums.ts';

export const notificationSchema = z.object({
  id: z.number().int(),
  type: z.enum(notificationTypes),
  /** Chinese. */
  title: z.string(),
  body: z.string(),
  titleEn: z.string(),
  bodyEn: z.string(),
  /** A path of the SPA (e.g. /bookings/17), or null. */
  link: z.string().nullable(),
  /** What the texts were made from (ids, names, amounts). */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof notificationSchema>;

export const notificationListQuerySchema = z
  .object({
    unread: z.enum(['1', '0', 'true', 'false']).optional(),
    cursor: z.string().max(200).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(100))
      .default(20),
  })
  .strict();

export const notificationListSchema = z.object({
  items: z.array(notificationSchema),
  unreadCount: z.number().int(),
  nextCursor: z.string().nullable(),
});

export const preferenceSchema = z.object({ type: z.enum(notificationTypes), email: z.boolean() });
export const preferencesSchema = z.object({ items: z.array(preferenceSchema) });
export const preferencesInputSchema = z
  .object({ items: z.array(preferenceSchema.strict()).max(notificationTypes.length * 2) })
  .strict();
