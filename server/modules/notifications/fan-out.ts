/**
 * A transactional outbox of events: what happened is written as one small row
 * (notification_events) in its own transaction, and told — every recipient's in-app notification
 * and email outbox row — after commit, many events in one write transaction.
 *
 * Why: telling inside the event's transaction made every booking request read its recipients,
 * render the texts and write their rows while holding the write lock; told after commit in
 * batches, the request writes one row, and the fan-out shares one transaction among many events.
 *
 * Nothing is lost or told twice:
 * - The event row commits with what happened, or not at all.
 * - The fan-out deletes the events it tells of in the transaction that writes their notifications
 *   and outbox rows: a crash before its commit leaves them pending, after it leaves them told.
 * - Pending events are fanned out by the kick after each commit (this node), before a user's
 *   notification list is read, and by the cluster's mail-delivery job (any node: what a stopped
 *   node left).
 * - Two fan-outs at once (two nodes, two processes on one SQLite file) take different events:
 *   SQLite's write lock runs them one after another, PostgreSQL's SKIP LOCKED hands each its own
 *   (at READ COMMITTED: see drainAll).
 *   Even a second telling would write nothing: notifications and emails carry dedupe keys.
 */
import { AfterCommitRun } from './after-commit.ts';
import type { NotificationsContext } from './context.ts';
import type { BookingFacts, EventRow } from './notifications.repo.ts';
import { bookingCreatedEvents, type EventNotifier, type NotificationEvent, type Told } from './notifier.ts';

/** Events told in one write transaction (its lock is held for ~0.1 ms an event). */
const BATCH = 64;

/** A booking made (subject: the booking), or any notification told later (data: the whole event). */
export type EventKind = 'booking_created' | 'notification';

export class EventFanOut {
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<number> | null = null;
  /** Started from the app's start context (no transaction open): see after-commit.ts. */
  private readonly afterCommit: AfterCommitRun;

  constructor(
    private readonly ctx: NotificationsContext,
    private readonly notifier: EventNotifier,
  ) {
    this.afterCommit = new AfterCommitRun(ctx.db, 'notification fan-out', () => this.drain());
  }

  /** Records an event in the caller's transaction; it is told after that transaction commits. */
  async record(kind: EventKind, subjectId: number, data: Record<string, unknown> | null, now: number): Promise<void> {
    await this.ctx.repo.insertEvent({ kind, subjectId, data, createdAt: now });
    this.kick();
  }

  /** A fan-out once the caller's transaction has committed; many commits in a row share one. */
  kick(): void {
    this.afterCommit.kick();
  }

  /**
   * Tells of every event pending when it is called (and any written meanwhile); how many. Runs one
   * after another in this process; calls while one waits share it. Outside any transaction.
   */
  drain(): Promise<number> {
    if (this.queued) return this.queued;
    const run: Promise<number> = this.chain.then(() => {
      if (this.queued === run) this.queued = null;
      return this.drainAll();
    });
    this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async drainAll(): Promise<number> {
    // A read first: most lists find nothing pending, and need no write lock.
    if (!(await this.ctx.repo.hasEvents())) return 0;
    let told = 0;
    for (;;) {
      // READ COMMITTED on PostgreSQL: the events' row locks (SKIP LOCKED) give each event one teller,
      // the dedupe keys' unique indexes one notification and one email; a SERIALIZABLE fan-out, reading
      // the whole event table while every booking inserts into it, kept failing and running again.
      const n = await this.ctx.db.write(
        async (tx) => {
          const repo = this.ctx.repo.with(tx);
          const events = await repo.takeEvents(BATCH);
          const bookings = await repo.bookings(
            events.filter((e) => e.kind === 'booking_created').map((e) => e.subjectId),
          );
          await this.notifier.notifyAll(events.flatMap((e) => this.told(e, bookings)));
          return events.length;
        },
        { readCommitted: true },
      );
      told += n;
      if (n < BATCH) return told;
    }
  }

  /** What one event tells (the fan-out writes a batch's notifications together; see EventNotifier.notifyAll). */
  private told(e: EventRow, bookings: Map<number, BookingFacts>): Told[] {
    switch (e.kind as EventKind) {
      case 'booking_created': {
        const b = bookings.get(e.subjectId);
        const events = b ? bookingCreatedEvents(b, e.data?.confirmed === true) : [];
        return events.map((event) => ({ event, now: e.createdAt }));
      }
      case 'notification':
        return [{ event: e.data!.event as NotificationEvent, now: e.createdAt }];
      default:
        console.error(`notification event #${e.id} of an unknown kind ${e.kind}: dropped`);
        return [];
    }
  }
}
