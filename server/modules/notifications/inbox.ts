/**
 * One's own notifications (no one reads another's): the list with its unread count, marking read,
 * and the email preferences by notification type.
 */
import { notificationTypes, type NotificationType } from '../../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { NotificationsContext } from './context.ts';
import type { NotificationRow } from './notifications.repo.ts';
import type { NotificationView } from './notifications.schemas.ts';

const listCursor = z.object({ id: z.number().int().positive() });

export class Inbox {
  constructor(
    private readonly ctx: NotificationsContext,
    /** Tells of pending events (fan-out.ts): awaited before a list, so it shows what has committed. */
    private readonly told: () => Promise<unknown>,
  ) {}

  // The page and its unread count (and a mark and the count after it) in one transaction, as they
  // were when they ran back to back: another request's notification cannot fall between them.

  async list(actor: Actor, q: { unread: boolean; cursor?: string; limit: number }) {
    const before = q.cursor ? decodeCursor(q.cursor, listCursor).id : undefined;
    await this.told();
    const { rows, unreadCount } = await this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return {
        rows: await repo.list(actor.userId, { unreadOnly: q.unread, beforeId: before, limit: q.limit + 1 }),
        unreadCount: await repo.unreadCount(actor.userId),
      };
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(view),
      unreadCount,
      nextCursor: rows.length > q.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
    };
  }

  async markRead(actor: Actor, id: number): Promise<{ item: NotificationView; unreadCount: number }> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const row = await repo.notification(id);
      if (!row || row.userId !== actor.userId) throw notFound('notification');
      await repo.markRead(id, this.ctx.clock.now());
      return { item: view((await repo.notification(id))!), unreadCount: await repo.unreadCount(actor.userId) };
    });
  }

  async markAllRead(actor: Actor): Promise<{ marked: number; unreadCount: number }> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const marked = await repo.markAllRead(actor.userId, this.ctx.clock.now());
      return { marked, unreadCount: await repo.unreadCount(actor.userId) };
    });
  }

  async preferences(actor: Actor): Promise<{ items: { type: NotificationType; email: boolean }[] }> {
    return preferencesView(await this.ctx.repo.preferences(actor.userId));
  }

  async setPreferences(actor: Actor, items: { type: NotificationType; email: boolean }[]) {
    // The answer is read in the same transaction: the choices as this request left them.
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      for (const i of items) await repo.setPreference(actor.userId, i.type, i.email);
      return preferencesView(await repo.preferences(actor.userId));
    });
  }
}

function preferencesView(set: Map<NotificationType, boolean>): { items: { type: NotificationType; email: boolean }[] } {
  return { items: notificationTypes.map((type) => ({ type, email: set.get(type) ?? true })) };
}

function view(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
    titleEn: n.titleEn,
    bodyEn: n.bodyEn,
    link: n.link,
    data: JSON.parse(n.data) as Record<string, unknown>,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt === null ? null : new Date(n.readAt).toISOString(),
  };
}
