/**
 * Telling of events: the notifier other modules are given, and the booking events it turns into
 * notifications.
 *
 * `notify()` runs inside the transaction of the event it tells of (it joins the caller's
 * transaction through the port), in a savepoint of it: it finds the recipients, writes their
 * in-app rows and, where their preferences allow, one outbox row each. Both carry a dedupe key
 * made of the event and the user, so the same event told twice writes nothing the second time.
 * Rolled back with the event, it never tells of something that did not happen; committed with it,
 * it is never lost.
 */
import { formatInstant } from '../../shared/time.ts';
import type { NotificationType, Role } from '../../../db/schema/index.ts';
import { ZONE, type NotificationsContext } from './context.ts';
import type { MailDelivery } from './delivery.ts';
import type { BookingFacts, NewEmail, NewNotification, NotificationsRepo, Person } from './notifications.repo.ts';
import { render, renderEmail, type BookingData, type NotificationData } from './templates.ts';
import { LINKS } from './links.ts';

/** Who is told: one user, the users of an organisation with a role, or the province's finance staff. */
export type Recipient = { userId: number } | { organisationId: number; role: Role } | 'provincial_finance';

export interface NotificationEvent<T extends NotificationType = NotificationType> {
  type: T;
  to: Recipient[];
  data: NotificationData[T];
  link?: string | null;
  /** Names the event (`booking_approved:booking:17`); with the user appended, the dedupe key. */
  key: string;
  /** Not told (the user who did it). */
  except?: number | null;
}

/** An event and when it happened. */
export interface Told {
  event: NotificationEvent;
  now: number;
}

/** What other services are given: tell of an event inside their transaction (await it there). */
export interface Notifier {
  notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number>;
  /**
   * The same, told after the caller's transaction commits (fan-out.ts): one event row in it instead
   * of the recipients' reads and rows. For events on a busy write path; await it inside the transaction.
   */
  notifyLater<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<void>;
  /** A booking was made (requested, or confirmed at once): the lab is told, and the requester when confirmed. */
  bookingCreated(bookingId: number, now: number): Promise<number>;
  /**
   * The same, told after the caller's transaction commits (fan-out.ts): one event row written in
   * it now, the notifications by a batched fan-out after it. Await it inside the transaction.
   */
  bookingCreatedLater(bookingId: number, confirmed: boolean, now: number): Promise<void>;
  /** A booking changed status (approve, reject, cancel, complete): the other side is told. */
  bookingChanged(bookingId: number, now: number, actorId: number | null): Promise<number>;
  /** A card authorisation before the service failed: the requester (and the enterprise's finance staff) pays with a new card. */
  cardPaymentRequired(
    bookingId: number,
    input: { amountFen: number; reason: string | null; attempt: number },
    now: number,
  ): Promise<number>;
}

/** What a booking's texts say of it: who, what, and when in its instrument's zone. */
export function bookingData(b: BookingFacts): BookingData {
  const zone = b.timeZone;
  // formatInstant is the cached fast path (luxon's formatting cost more than the booking here).
  const local = (ms: number) => {
    const iso = formatInstant(ms, zone);
    return { day: iso.slice(0, 10), time: iso.slice(11, 16) };
  };
  let when: string | null = null;
  if (b.startAt !== null) {
    const start = local(b.startAt);
    when = `${start.day} ${start.time}`;
    if (b.endAt !== null) {
      const end = local(b.endAt);
      when += `–${end.day === start.day ? end.time : `${end.day} ${end.time}`}`;
    }
    if (zone !== ZONE) when += ` (${zone})`;
  }
  return {
    bookingId: b.id,
    instrumentName: b.instrumentName,
    institutionName: b.institutionName,
    requesterName: b.requesterName,
    requesterOrganisation: b.requesterOrganisation,
    mode: b.mode,
    when,
    sampleCount: b.sampleCount,
  };
}

/**
 * What a booking made tells: the lab of the request, and the requester of the confirmation when no
 * approval was needed. `confirmed`: what the event knew when it was recorded (fan-out.ts), told as it
 * happened even if the booking has moved on since; without it, the booking's status now says.
 */
export function bookingCreatedEvents(b: BookingFacts, confirmed?: boolean): NotificationEvent[] {
  if (confirmed === undefined) {
    if (b.status !== 'requested' && b.status !== 'approved') return [];
    confirmed = b.status === 'approved';
  }
  const data = bookingData(b);
  const link = LINKS.booking(b.id);
  const events: NotificationEvent[] = [
    {
      type: 'booking_requested',
      to: [{ organisationId: b.institutionId, role: 'lab_manager' }],
      data: { ...data, confirmed },
      link,
      key: `booking_requested:booking:${b.id}`,
      except: b.requesterId,
    } satisfies NotificationEvent<'booking_requested'>,
  ];
  if (confirmed) {
    events.push({
      type: 'booking_approved',
      to: [{ userId: b.requesterId }],
      data,
      link,
      key: `booking_approved:booking:${b.id}`,
    } satisfies NotificationEvent<'booking_approved'>);
  }
  return events;
}

/** The telling itself; recording events for later is the fan-out's (NotificationService joins the two). */
export class EventNotifier implements Omit<Notifier, 'bookingCreatedLater' | 'notifyLater'> {
  constructor(
    private readonly ctx: NotificationsContext,
    /** Kicked after an email was queued. */
    private readonly delivery: MailDelivery,
  ) {}

  async notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number> {
    return this.notifyAll([{ event, now }]);
  }

  /**
   * Several events at once (a fan-out's batch): the recipients read once per kind of recipient and
   * type, every notification written by one statement and every email by another. In a savepoint of
   * the caller's transaction (its own transaction without one): a failure undoes only these
   * notifications — and then each event is tried alone, so one that cannot be written (logged) keeps
   * none of the others from being told. The recipients are read in it too: on PostgreSQL a failed
   * statement outside a savepoint would spoil the caller's whole transaction. How many were told.
   */
  async notifyAll(events: readonly Told[]): Promise<number> {
    if (!events.length) return 0;
    try {
      const { told, queued } = await this.ctx.db.write((tx) => this.write(this.ctx.repo.with(tx), events));
      if (queued) this.delivery.kick();
      return told;
    } catch (err) {
      if (events.length > 1) {
        let told = 0;
        for (const e of events) told += await this.notifyAll([e]);
        return told;
      }
      console.error(`notification ${events[0]!.event.key} not written:`, err instanceof Error ? err.message : err);
      return 0;
    }
  }

  /** The rows of some events: how many were told, and whether an email was queued. */
  private async write(repo: NotificationsRepo, events: readonly Told[]): Promise<{ told: number; queued: boolean }> {
    const read = new Map<string, Person[]>(); // the same lab's managers for every booking of a batch
    const notifications: NewNotification[] = [];
    const emails: (NewEmail & { notificationId: null })[] = [];
    const base = this.ctx.mail?.publicUrl?.replace(/\/+$/, '');
    for (const { event, now } of events) {
      const people = (await this.recipients(repo, event.to, event.type, read)).filter((p) => p.id !== event.except);
      if (!people.length) continue;
      const texts = render(event.type, event.data);
      const link = event.link ?? null;
      const email = renderEmail(texts, link && base ? `${base}${link}` : null);
      const data = JSON.stringify(event.data);
      for (const p of people) {
        const dedupeKey = `${event.key}:user:${p.id}`;
        notifications.push({
          userId: p.id,
          type: event.type,
          title: texts.zh.title,
          body: texts.zh.body,
          titleEn: texts.en.title,
          bodyEn: texts.en.body,
          link,
          data,
          dedupeKey,
          createdAt: now,
        });
        if (p.email && p.emailWanted)
          emails.push({ notificationId: null, userId: p.id, toAddress: p.email, ...email, dedupeKey, createdAt: now });
      }
    }
    const made = await repo.insertNotifications(notifications); // told before: not made, not mailed
    const queued = await repo.insertEmails(
      emails.flatMap((m) => {
        const id = made.get(m.dedupeKey);
        return id === undefined ? [] : [{ ...m, notificationId: id }];
      }),
    );
    return { told: made.size, queued: queued > 0 };
  }

  private async recipients(
    repo: NotificationsRepo,
    to: Recipient[],
    type: NotificationType,
    read: Map<string, Person[]>,
  ): Promise<Person[]> {
    const found = new Map<number, Person>();
    for (const r of to) {
      const key = `${type}:${JSON.stringify(r)}`;
      let people = read.get(key);
      if (!people) {
        people =
          r === 'provincial_finance'
            ? await repo.provincialFinance(type)
            : 'userId' in r
              ? [await repo.user(r.userId, type)].filter((p): p is Person => p !== undefined)
              : await repo.usersOf(r.organisationId, r.role, type);
        read.set(key, people);
      }
      for (const p of people) found.set(p.id, p);
    }
    return [...found.values()];
  }

  // Bookings

  /**
   * `confirmed`: what the event knew when it was recorded (fan-out.ts), told as it happened even if
   * the booking has moved on since; without it, the booking's status now says.
   */
  async bookingCreated(bookingId: number, now: number, confirmed?: boolean): Promise<number> {
    const b = await this.ctx.repo.booking(bookingId);
    return b ? this.notifyAll(bookingCreatedEvents(b, confirmed).map((event) => ({ event, now }))) : 0;
  }

  async cardPaymentRequired(
    bookingId: number,
    input: { amountFen: number; reason: string | null; attempt: number },
    now: number,
  ): Promise<number> {
    const b = await this.ctx.repo.booking(bookingId);
    if (!b) return 0;
    const data = bookingData(b);
    return this.notify(
      {
        type: 'card_payment_required',
        to: [{ userId: b.requesterId }, { organisationId: b.requesterOrganisationId, role: 'finance_officer' }],
        // Pay by the start of the service (the unpaid booking is cancelled then).
        data: { ...data, amountFen: input.amountFen, reason: input.reason, payBy: data.when?.split('–')[0] ?? null },
        link: LINKS.booking(b.id),
        // Each failed attempt is told once.
        key: `card_payment_required:payment:${bookingId}:${input.attempt}`,
      },
      now,
    );
  }

  async bookingChanged(bookingId: number, now: number, actorId: number | null): Promise<number> {
    const b = await this.ctx.repo.booking(bookingId);
    if (!b) return 0;
    const data = { ...bookingData(b), reason: b.lastReason };
    const link = LINKS.booking(b.id);
    const requester: Recipient[] = [{ userId: b.requesterId }];
    const lab: Recipient[] = [{ organisationId: b.institutionId, role: 'lab_manager' }];
    const base = { link, except: actorId };
    switch (b.status) {
      case 'approved':
        return this.notify(
          { ...base, type: 'booking_approved', to: requester, data, key: `booking_approved:booking:${b.id}` },
          now,
        );
      case 'rejected':
        return this.notify(
          { ...base, type: 'booking_rejected', to: requester, data, key: `booking_rejected:booking:${b.id}` },
          now,
        );
      case 'cancelled': {
        const byRequester =
          actorId !== null && (await this.ctx.repo.sameOrganisation(actorId, b.requesterOrganisationId));
        return this.notify(
          {
            ...base,
            type: 'booking_cancelled',
            to: byRequester ? lab : requester,
            data: { ...data, cancelledBy: byRequester ? 'requester' : 'lab' },
            key: `booking_cancelled:booking:${b.id}`,
          },
          now,
        );
      }
      case 'completed':
        return this.notify(
          {
            ...base,
            type: 'booking_completed',
            to: requester,
            data: { ...data, finalFen: b.finalFen },
            key: `booking_completed:booking:${b.id}`,
          },
          now,
        );
      default:
        return 0;
    }
  }
}
