/** Reminders of the bookings that start tomorrow, run by the server's timer. */
import { DateTime } from 'luxon';
import { LINKS } from './links.ts';
import { ZONE, type NotificationsContext } from './context.ts';
import { bookingData, type EventNotifier } from './notifier.ts';

export class Reminders {
  constructor(
    private readonly ctx: NotificationsContext,
    private readonly notifier: EventNotifier,
  ) {}

  /**
   * Reminds the researchers of approved bookings that start tomorrow (local day in Asia/Shanghai);
   * once per booking however often it runs. Run by the server's timer; returns how many were told.
   */
  async remindTomorrow(now = this.ctx.clock.now()): Promise<number> {
    const today = DateTime.fromMillis(now, { zone: ZONE }).startOf('day');
    const from = today.plus({ days: 1 }).toMillis();
    const to = today.plus({ days: 2 }).toMillis();
    // One transaction: the day's bookings and their reminders (each notify a savepoint of it).
    return this.ctx.db.write(async (tx) => {
      let told = 0;
      for (const b of await this.ctx.repo.with(tx).bookingsStarting(from, to)) {
        told += await this.notifier.notify(
          {
            type: 'booking_reminder',
            to: [{ userId: b.requesterId }],
            data: bookingData(b),
            link: LINKS.booking(b.id),
            key: `booking_reminder:booking:${b.id}`,
          },
          now,
        );
      }
      return told;
    });
  }
}
