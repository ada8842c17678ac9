/**
 * What the notification use cases share (notifier.ts, inbox.ts, delivery.ts, reminders.ts): the
 * database, the SQL, the clock and the mail settings.
 */
import type { Transporter } from 'nodemailer';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { NotificationsRepo } from './notifications.repo.ts';

/** The platform's zone: reminders go by its days; a booking's time in another zone is marked with that zone. */
export const ZONE = 'Asia/Shanghai';

export interface MailSettings {
  transport: Transporter;
  from: string;
  /** The platform's address for links in emails (http://host:port); without it, emails carry no link. */
  publicUrl?: string | null;
  /** Deliver right after each notify's transaction (default true); the timer delivers in any case. */
  autoDeliver?: boolean;
}

export interface NotificationsContext {
  /** The use cases' transactions (notify's is a savepoint of its caller's). */
  readonly db: Database;
  readonly repo: NotificationsRepo;
  readonly clock: Clock;
  /** Without it, emails wait in the outbox for a deliver() given a transport. */
  readonly mail?: MailSettings;
}
