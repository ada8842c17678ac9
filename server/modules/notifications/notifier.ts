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
import type { BookingFacts, NotificationsRepo, Person } from './notifications.repo.ts';
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

/** The telling itself; recording events for later is the fan-out's (NotificationService joins the two). */
export class EventNotifier implements Omit<Notifier, 'bookingCreatedLater' | 'notifyLater'> {
  constructor(
    private readonly ctx: NotificationsContext,
    /** Kicked after an email was queued. */
    private readonly delivery: MailDelivery,
  ) {}

  async notify<T extends NotificationType>(event: NotificationEvent<T>, now: number): Promise<number> {
    try {
      // A savepoint inside the caller's transaction (its own transaction without one): a failure
      // here undoes only the notification. The recipients are read in it too: on PostgreSQL a
      // failed statement outside a savepoint would spoil the caller's whole transaction.
      const { told, queued } = await this.ctx.db.write(async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const people = (await this.recipients(repo, event.to, event.type)).filter((p) => p.id !== event.except);
        if (!people.length) return { told: 0, queued: false };
        return this.write(repo, event, people, now);
      });
      if (queued) this.delivery.kick();
      return told;
    } catch (err) {
      console.error(`notification ${event.key} not written:`, err instanceof Error ? err.message : err);
      return 0;
    }
  }

  private async recipients(repo: NotificationsRepo, to: Recipient[], type: NotificationType): Promise<Person[]> {
    const found = new Map<number, Person>();
    for (const r of to) {
      const people =
        r === 'provincial_finance'
          ? await repo.provincialFinance(type)
          : 'userId' in r
            ? [await repo.user(r.userId, type)].filter((p): p is Person => p !== undefined)
            : await repo.usersOf(r.organisationId, r.role, type);
      for (const p of people) found.set(p.id, p);
    }
    return [...found.values()];
  }

  /** The rows of one event: how many were told, and whether an email was queued. */
  private async write<T extends NotificationType>(
    repo: NotificationsRepo,
    event: NotificationEvent<T>,
    people: Person[],
    now: number,
  ): Promise<{ told: number; queued: boolean }> {
    const texts = render(event.type, event.data);
    const link = event.link ?? null;
    const base = this.ctx.mail?.publicUrl?.replace(/\/+$/, '');
    const email = renderEmail(texts, link && base ? `${base}${link}` : null);
    let told = 0;
    let queued = false;
    for (const p of people) {
      const dedupeKey = `${event.key}:user:${p.id}`;
      const id = await repo.insertNotification({
        userId: p.id,
        type: event.type,
        title: texts.zh.title,
        body: texts.zh.body,
        titleEn: texts.en.title,
        bodyEn: texts.en.body,
        link,
        data: JSON.stringify(event.data),
        dedupeKey,
        createdAt: now,
      });
      if (id === undefined) continue; // told before
      told++;
      if (p.email && p.emailWanted) {
        const mailId = await repo.insertOutbox({
          notificationId: id,
          userId: p.id,
          toAddress: p.email,
          ...email,
          dedupeKey,
          createdAt: now,
        });
        if (mailId !== undefined) queued = true;
      }
    }
    return { told, queued };
  }

  // Bookings

  /**
   * `confirmed`: what the event knew when it was recorded (fan-out.ts), told as it happened even if
   * the booking has moved on since; without it, the booking's status now says.
   */
  async bookingCreated(bookingId: number, now: number, confirmed?: boolean): Promise<number> {
    const b = await this.ctx.repo.booking(bookingId);
    return b ? this.tellBookingCreated(b, now, confirmed) : 0;
  }

  /** The same for a booking already read (the fan-out reads a batch's bookings at once). */
  async tellBookingCreated(b: BookingFacts, now: number, confirmed?: boolean): Promise<number> {
    if (confirmed === undefined) {
      if (b.status !== 'requested' && b.status !== 'approved') return 0;
      confirmed = b.status === 'approved';
    }
    const data = bookingData(b);
    const link = LINKS.booking(b.id);
    let told = await this.notify(
      {
        type: 'booking_requested',
        to: [{ organisationId: b.institutionId, role: 'lab_manager' }],
        data: { ...data, confirmed },
        link,
        key: `booking_requested:booking:${b.id}`,
        except: b.requesterId,
      },
      now,
    );
    if (confirmed) {
      told += await this.notify(
        {
          type: 'booking_approved',
          to: [{ userId: b.requesterId }],
          data,
          link,
          key: `booking_approved:booking:${b.id}`,
        },
        now,
      );
    }
    return told;
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
