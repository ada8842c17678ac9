/**
 * Bookings as the API shows them (BookingView): one, or a page of a list, with the instrument, the
 * requester, the money (checkout's hook), the steps the clock allows and the history. Every view's
 * look-ups are made in one read transaction: one snapshot, one lock instead of one per statement.
 */
import type { PriceLine } from '../../../db/schema/index.ts';
import { forbidden, notFound } from '../../shared/errors.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { formatInstant, parseInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import { z } from 'zod';
import type { BookingView, Schedule } from './booking.schemas.ts';
import type {
  BookingEventEntry,
  BookingRepo,
  BookingRow,
  InstrumentBrief,
  InstrumentContact,
  RateItemBrief,
} from './booking.repo.ts';
import type { BookingContext } from './context.ts';
import { cancellableUntil } from './decide.ts';
import { bookedItem, noShowFeeFen } from './pricing.ts';
import { rulesOf } from './rules.ts';
import type { BookingAction } from './state-machine.ts';
import { actionWindow, type ActionWindow } from './timing.ts';

const listCursor = z.object({ id: z.number().int().positive() });

/**
 * The rate card item a booking is priced by: from the terms it was quoted on, else (orders before snapshots)
 * the item completion prices it by on today's card (`items`: the instrument's items, in card order).
 */
export function rateItemOf(b: BookingRow, items: RateItemBrief[] | undefined): BookingView['rateItem'] {
  const s = b.priceSnapshot;
  if (s) {
    // The English name: the snapshot's, else the item's while it is still on the card under the same name.
    const same = items?.find((i) => i.id === s.rateItemId && i.labelZh === s.itemName);
    return {
      id: s.rateItemId,
      name: s.itemName,
      nameEn: s.itemNameEn ?? same?.labelEn ?? null,
      unit: s.unit,
      unitFen: s.unitFen,
    };
  }
  const item = items ? bookedItem({ items }, b.mode === 'machine_time' ? 'hour' : 'sample', b.rateItemId) : undefined;
  if (!item) return null;
  const unitFen =
    b.userType === 'internal' ? item.internalFen : b.userType === 'academic' ? item.academicFen : item.enterpriseFen;
  return { id: item.id, name: item.labelZh, nameEn: item.labelEn ?? null, unit: item.unit, unitFen };
}

/** A price nobody split: all of it self-paid. */
export function plainPrice(totalFen: number, lines: PriceLine[]): BookingView['price'] {
  return { totalFen, voucherFen: 0, selfPayFen: totalFen, limitedBy: null, lines };
}

export class BookingViews {
  constructor(private readonly ctx: BookingContext) {}

  async row(id: number): Promise<BookingRow | undefined> {
    return this.ctx.repo.booking(id);
  }

  async view(b: BookingRow): Promise<BookingView> {
    return (await this.views([b]))[0]!;
  }

  async views(rows: BookingRow[]): Promise<BookingView[]> {
    if (!rows.length) return [];
    return this.ctx.db.read((tx) => this.viewsWith(this.ctx.repo.with(tx), rows));
  }

  /** A booking as it is now (after a write), its row read in the view's snapshot. */
  async viewById(id: number): Promise<BookingView> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return (await this.viewsWith(repo, [(await repo.booking(id))!]))[0]!;
    });
  }

  async get(actor: Actor, id: number): Promise<BookingView> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      return (await this.viewsWith(repo, [await this.ctx.bookingOr404(actor, id, repo)]))[0]!;
    });
  }

  /** The view of a row just read or written (no second read); the same visibility as get. */
  async viewOf(actor: Actor, b: BookingRow): Promise<BookingView> {
    if (!this.ctx.visible(actor, b)) throw notFound('booking');
    return this.view(b);
  }

  async list(
    actor: Actor,
    q: {
      status?: BookingView['status'];
      instrumentId?: number;
      from?: string;
      to?: string;
      cursor?: string;
      limit: number;
    },
  ) {
    if (actor.role === 'finance_officer') throw forbidden('finance officers do not manage bookings');
    const scope =
      actor.role === 'platform_admin'
        ? {}
        : actor.role === 'lab_manager'
          ? { institutionId: actor.organisationId }
          : { requesterOrganisationId: actor.organisationId };
    const before = q.cursor ? decodeCursor(q.cursor, listCursor).id : undefined;
    const filter = {
      status: q.status,
      instrumentId: q.instrumentId,
      from: q.from ? parseInstant(q.from, 'query.from') : undefined,
      to: q.to ? parseInstant(q.to, 'query.to') : undefined,
      beforeId: before,
    };
    // The page and its views from one snapshot.
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const rows = await repo.listBookings(scope, filter, q.limit + 1);
      const page = rows.slice(0, q.limit);
      return {
        items: await this.viewsWith(repo, page),
        nextCursor: rows.length > q.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
      };
    });
  }

  /**
   * The view of a booking this request has just written, with no voucher use and no card payment
   * (so no money of its own to read): the instrument, its rules and the events are the ones in hand,
   * and the requester's names are the ones the session read (else read: one statement instead of a
   * read transaction of six).
   */
  async viewOfNew(
    b: BookingRow,
    instrument: InstrumentBrief,
    rules: Schedule,
    events: Omit<BookingEventEntry['event'], 'id' | 'bookingId'>[],
    requester?: Actor,
  ): Promise<BookingView> {
    const people =
      requester?.names && requester.userId === b.requesterId
        ? [
            {
              id: b.requesterId,
              name: requester.names.person,
              organisationId: requester.organisationId,
              organisationName: requester.names.organisation,
            },
          ]
        : await this.ctx.repo.people([b.requesterId]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const entries = events.map((e) => ({
      event: { ...e, id: 0, bookingId: b.id },
      actorName: e.actorId === null ? null : (names.get(e.actorId) ?? null),
    }));
    return this.build(
      [b],
      new Map([[instrument.id, instrument]]),
      new Map(people.map((p) => [p.id, p])),
      undefined,
      new Map([[instrument.id, rules]]),
      new Map([[b.id, entries]]),
      new Map(),
    )[0]!;
  }

  /** The views of rows, read with `repo` (inside a read or write transaction). */
  async viewsWith(repo: BookingRepo, rows: BookingRow[]): Promise<BookingView[]> {
    if (!rows.length) return [];
    const instrumentIds = [...new Set(rows.map((r) => r.instrumentId))];
    const instruments = new Map((await repo.instrumentsBrief(instrumentIds)).map((i) => [i.id, i]));
    const people = new Map((await repo.people([...new Set(rows.map((r) => r.requesterId))])).map((p) => [p.id, p]));
    const moneyOf = await this.ctx.hooks?.money(rows);
    const rulesByInstrument = new Map<number, Schedule>();
    for (const id of instrumentIds) {
      rulesByInstrument.set(id, rulesOf(instruments.get(id)!.timeZone, await repo.schedule(id)));
    }
    const events = await repo.eventsOf(rows.map((r) => r.id));
    // Rate items: for naming the item of orders without price snapshots, or a snapshot's English name.
    const needItems = [...new Set(rows.filter((r) => !r.priceSnapshot?.itemNameEn).map((r) => r.instrumentId))];
    const items = new Map<number, RateItemBrief[]>();
    for (const i of await repo.rateItemsOf(needItems))
      items.set(i.instrumentId, [...(items.get(i.instrumentId) ?? []), i]);
    return this.build(rows, instruments, people, moneyOf, rulesByInstrument, events, items);
  }

  private build(
    rows: BookingRow[],
    instruments: Map<number, InstrumentBrief & Partial<InstrumentContact>>,
    people: Map<number, { id: number; name: string; organisationId: number; organisationName: string }>,
    moneyOf: Awaited<ReturnType<NonNullable<BookingContext['hooks']>['money']>> | undefined,
    rulesByInstrument: Map<number, Schedule>,
    events: Map<number, BookingEventEntry[]>,
    rateItems: Map<number, RateItemBrief[]>,
  ): BookingView[] {
    const now = this.ctx.clock.now();
    return rows.map((b) => {
      const money = moneyOf?.get(b.id);
      const instrument = instruments.get(b.instrumentId)!;
      const zone = instrument.timeZone;
      const at = (ms: number | null) => (ms === null ? null : formatInstant(ms, zone));
      const person = people.get(b.requesterId)!;
      const rules = rulesByInstrument.get(b.instrumentId)!;
      const until = cancellableUntil(b, rules);
      const windowOf = (action: BookingAction) => {
        const w: ActionWindow = actionWindow(b, action, rules, now);
        return { allowed: w.allowed, from: at(w.from), until: at(w.until), reason: w.refusal };
      };
      // The fee a no-show would charge: the instrument's share of the quoted price, never above the card hold.
      const fee = noShowFeeFen(b.quotedFen, rules.noShowChargePercent);
      const hold = money?.payment?.status === 'authorised' ? money.payment.authorisedFen : null;
      return {
        id: b.id,
        instrumentId: b.instrumentId,
        instrument: {
          id: instrument.id,
          nameZh: instrument.nameZh,
          institutionId: instrument.institutionId,
          institutionName: instrument.institutionName,
          ...(instrument.address !== undefined
            ? {
                location: {
                  address: instrument.address,
                  contactName: instrument.contactName ?? null,
                  contactPhone: instrument.contactPhone ?? null,
                  contactEmail: instrument.contactEmail ?? null,
                },
              }
            : {}),
        },
        requester: {
          id: person.id,
          name: person.name,
          organisationId: person.organisationId,
          organisationName: person.organisationName,
        },
        mode: b.mode,
        status: b.status,
        timeZone: zone,
        start: at(b.startAt),
        end: at(b.endAt),
        sampleCount: b.sampleCount,
        sample:
          b.mode === 'sample' && (b.sampleName ?? b.sampleType ?? b.sampleHazards ?? b.sampleDelivery) != null
            ? {
                name: b.sampleName ?? null,
                type: b.sampleType ?? null,
                hazards: b.sampleHazards ?? null,
                delivery: b.sampleDelivery ?? null,
              }
            : null,
        purpose: b.purpose,
        urgent: b.urgent,
        fundingSource: b.fundingSource ?? null,
        userType: b.userType,
        rateItem: rateItemOf(b, rateItems.get(b.instrumentId)),
        price: money?.price ?? plainPrice(b.quotedFen, b.priceLines),
        usage:
          b.status === 'completed'
            ? { minutes: b.actualMinutes, samples: b.actualSamples, reportUrl: b.reportUrl }
            : null,
        finalPrice: money ? money.finalPrice : b.finalFen === null ? null : plainPrice(b.finalFen, b.finalLines ?? []),
        paymentMethod: b.paymentMethod,
        payment: money?.payment ?? null,
        voucherUse: money?.voucherUse ?? null,
        voucherUses: money?.voucherUses ?? [],
        rating: b.rating,
        ratingComment: b.ratingComment,
        cancellableUntil: at(until),
        actions: {
          checkIn: windowOf('check-in'),
          noShow: { ...windowOf('no-show'), feeFen: hold === null ? fee : Math.min(fee, hold) },
          complete: windowOf('complete'),
        },
        history: (events.get(b.id) ?? []).map(({ event, actorName }) => ({
          from: event.fromStatus,
          to: event.toStatus,
          by: event.actorId === null ? null : { id: event.actorId, name: actorName ?? '' },
          at: formatInstant(event.at, zone),
          reason: event.reason,
        })),
        createdAt: formatInstant(b.createdAt, zone),
      };
    });
  }
}
