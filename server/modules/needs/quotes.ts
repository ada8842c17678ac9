/**
 * Quotes (报价): a lab answers a need with one of its published instruments and price lines — from its
 * rate card (the enterprise price of each item) or negotiated; withdraws it. The enterprise compares
 * them (the voucher split checkout would make, the lab's rating) and accepts one; the accepted quote is
 * then the price of a booking through the normal checkout (`QuotePricer`, booking request `quoteId`).
 */
import type { BookingMode, PriceLine, PriceSnapshot, QuoteLine } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { QuotePricer } from '../booking/booking.service.ts';
import { LINKS } from '../notifications/links.ts';
import { iso, isEnterprise, localDate, requireEnterprise, requireLab, type NeedsContext } from './context.ts';
import type { QuoteInput, QuoteView } from './needs.schemas.ts';
import type { QuoteRow } from './needs.repo.ts';
import { tellDecided, visibleNeed } from './needs.ts';

/** The price lines of a booking placed on a quote: machine time or samples at the quote's unit prices. */
export function priceLinesOf(lines: QuoteLine[]): PriceLine[] {
  return lines.map((l) => ({
    kind: l.unit === 'hour' ? 'machine_time' : 'samples',
    label: l.label,
    quantity: l.quantity,
    unitFen: l.unitFen,
    amountFen: l.amountFen,
  }));
}

export function quoteView(q: QuoteRow): QuoteView {
  return {
    id: q.id,
    needId: q.needId,
    needTitle: q.needTitle,
    institution: { id: q.institutionId, name: q.institutionName },
    instrument: { id: q.instrumentId, nameZh: q.instrumentName, model: q.instrumentModel },
    lines: q.lines,
    totalFen: q.totalFen,
    negotiated: q.negotiated,
    earliestDate: q.earliestDate,
    validUntil: q.validUntil,
    note: q.note,
    status: q.status,
    createdAt: iso(q.createdAt),
    decidedAt: q.decidedAt === null ? null : iso(q.decidedAt),
    bookingId: q.bookingId,
  };
}

export class Quotes implements QuotePricer {
  constructor(private readonly ctx: NeedsContext) {}

  async submit(actor: Actor, needId: number, input: QuoteInput): Promise<QuoteView> {
    const { ctx } = this;
    requireLab(actor);
    const today = localDate(ctx.clock.now());
    if (input.earliestDate < today)
      throw badRequest('the earliest date is in the past', [{ path: 'body.earliestDate', message: 'before today' }]);
    if (input.validUntil < today)
      throw badRequest('the quote would be valid until a past day', [
        { path: 'body.validUntil', message: 'before today' },
      ]);
    const instrument = await ctx.repo.instrument(input.instrumentId);
    if (!instrument || instrument.institutionId !== actor.organisationId)
      throw badRequest('quote with one of your institution’s published instruments', [
        { path: 'body.instrumentId', message: 'not your instrument' },
      ]);
    if (instrument.sharingMode === 'not_shared')
      throw badRequest('this instrument is not shared', [{ path: 'body.instrumentId', message: 'not shared' }]);
    const lines = await this.linesOf(input);
    const totalFen = lines.reduce((s, l) => s + l.amountFen, 0);
    if (totalFen <= 0) throw badRequest('a quote costs something', [{ path: 'body.lines', message: 'total is 0' }]);

    const id = await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const now = ctx.clock.now();
      const { need } = await visibleNeed(ctx, actor, needId, repo);
      if (need.status !== 'open' || need.expiresAt <= now)
        throw new AppError('conflict', 'this need takes no more quotes', { currentStatus: need.status });
      if ((await repo.quotesOfNeed(needId, actor.organisationId)).some((q) => q.status === 'submitted'))
        throw new AppError('conflict', 'your institution has quoted for this need already; withdraw that quote first');
      const quoteId = await repo.insertQuote({
        needId,
        institutionId: actor.organisationId,
        instrumentId: instrument.id,
        rateItemId: lines[0]!.rateItemId,
        lines,
        totalFen,
        negotiated: input.negotiated,
        earliestDate: input.earliestDate,
        validUntil: input.validUntil,
        note: input.note || null,
        status: 'submitted',
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      });
      const institutionName = (await tx.value<string>('SELECT name FROM organisations WHERE id = ?', [
        actor.organisationId,
      ]))!;
      await ctx.notifier?.notify(
        {
          type: 'quote_received',
          to: [{ userId: need.createdBy }],
          data: { needId, title: need.title, quoteId, institutionName, totalFen, validUntil: input.validUntil },
          link: LINKS.need(needId, 'enterprise'),
          key: `quote_received:quote:${quoteId}`,
        },
        now,
      );
      return quoteId;
    });
    return quoteView((await ctx.repo.quote(id))!);
  }

  /** Rate-card lines at the card's enterprise price; negotiated lines at the agreed unit price. One unit per quote. */
  private async linesOf(input: QuoteInput): Promise<QuoteLine[]> {
    const card = await this.ctx.catalogRepo.rateCard(input.instrumentId);
    const lines = input.lines.map((l, i): QuoteLine => {
      const path = `body.lines.${i}`;
      const item = l.rateItemId === undefined ? undefined : card?.items.find((it) => it.id === l.rateItemId);
      if (l.rateItemId !== undefined && !item)
        throw badRequest('that rate item is not on this instrument’s card', [
          { path: `${path}.rateItemId`, message: 'unknown rate item' },
        ]);
      if (!input.negotiated && !item)
        throw badRequest('a rate-card quote names a rate item on each line', [
          { path: `${path}.rateItemId`, message: 'required' },
        ]);
      if (!input.negotiated && l.unitFen !== undefined)
        throw badRequest('a rate-card line takes its price from the card; mark the quote negotiated', [
          { path: `${path}.unitFen`, message: 'not with negotiated=false' },
        ]);
      if (input.negotiated && l.unitFen === undefined)
        throw badRequest('a negotiated line gives its unit price', [{ path: `${path}.unitFen`, message: 'required' }]);
      const unit = item?.unit ?? l.unit;
      const label = item?.labelZh ?? l.label;
      if (!unit || !label)
        throw badRequest('a line without a rate item gives its label and unit', [
          { path: `${path}.${unit ? 'label' : 'unit'}`, message: 'required' },
        ]);
      if (unit === 'sample' && !Number.isInteger(l.quantity))
        throw badRequest('samples are counted in whole numbers', [{ path: `${path}.quantity`, message: 'not whole' }]);
      if (unit === 'hour' && !Number.isInteger(l.quantity * 4))
        throw badRequest('hours are quoted in quarter hours', [{ path: `${path}.quantity`, message: 'not 0.25 h' }]);
      const unitFen = input.negotiated ? l.unitFen! : item!.enterpriseFen;
      return {
        rateItemId: item?.id ?? null,
        label,
        unit,
        quantity: l.quantity,
        unitFen,
        amountFen: Math.round(unitFen * l.quantity),
      };
    });
    if (new Set(lines.map((l) => l.unit)).size > 1)
      throw badRequest('a quote is for machine time or for samples, not both', [
        { path: 'body.lines', message: 'mixed units' },
      ]);
    return lines;
  }

  async withdraw(actor: Actor, id: number): Promise<QuoteView> {
    const { ctx } = this;
    requireLab(actor);
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const q = await repo.quote(id);
      if (!q || q.institutionId !== actor.organisationId) throw notFound('quote');
      if (q.status !== 'submitted')
        throw new AppError('conflict', 'only a submitted quote can be withdrawn', { currentStatus: q.status });
      const now = ctx.clock.now();
      await repo.updateQuote(id, { status: 'withdrawn', decidedAt: now, updatedAt: now });
    });
    return quoteView((await ctx.repo.quote(id))!);
  }

  /** A lab's quotes (platform admins: all). */
  async mine(actor: Actor, status?: QuoteRow['status']): Promise<QuoteView[]> {
    if (actor.role !== 'platform_admin') requireLab(actor);
    const rows = await this.ctx.repo.quotesOfInstitution(
      actor.role === 'platform_admin' ? null : actor.organisationId,
      status,
    );
    return rows.map(quoteView);
  }

  /** The quotes of a need: all for its enterprise and admins, a lab's own for a lab. */
  async ofNeed(actor: Actor, needId: number): Promise<QuoteView[]> {
    const { standing } = await visibleNeed(this.ctx, actor, needId);
    const rows = await this.ctx.repo.quotesOfNeed(needId, standing.kind === 'lab' ? standing.institutionId : undefined);
    return rows.map(quoteView);
  }

  /**
   * Side by side for the enterprise: each quote's price, the voucher share and self-pay the checkout would
   * split it into today (the voucher module's own split, with the enterprise's quotas), the lab's rating.
   */
  async compare(actor: Actor, needId: number) {
    const { ctx } = this;
    const { need, standing } = await visibleNeed(ctx, actor, needId);
    if (standing.kind !== 'owner' && standing.kind !== 'admin')
      throw forbidden('only the posting enterprise compares the quotes');
    const now = ctx.clock.now();
    const today = localDate(now);
    const rows = (await ctx.repo.quotesOfNeed(needId)).filter((q) => q.status !== 'withdrawn');
    const items = [];
    for (const q of rows) {
      const instrument = (await ctx.repo.instrument(q.instrumentId))!;
      const split = (
        await ctx.vouchers.split(
          {
            enterpriseId: need.enterpriseId,
            userType: 'enterprise',
            providerId: q.institutionId,
            categoryCode: instrument.categoryCode,
            totalFen: q.totalFen,
            lines: priceLinesOf(q.lines),
            serviceDate: q.earliestDate > today ? q.earliestDate : today,
          },
          true,
        )
      ).view;
      const rating = await ctx.repo.rating(q.institutionId);
      items.push({
        ...quoteView(q),
        split: {
          voucherFen: split.voucherFen,
          selfPayFen: split.selfPayFen,
          limitedBy: split.limitedBy,
          ineligible: split.ineligible,
        },
        rating: rating.rating,
        ratingCount: rating.count,
        city: q.institutionCityCode
          ? { code: q.institutionCityCode, name: q.institutionCityName ?? q.institutionCityCode }
          : null,
        acceptable: q.status === 'submitted' && q.validUntil >= today && need.status === 'open' && need.expiresAt > now,
      });
    }
    return { needId, items };
  }

  /** The enterprise accepts a quote: it is accepted, the others declined, the need accepted; each lab told. */
  async accept(actor: Actor, id: number): Promise<QuoteView> {
    const { ctx } = this;
    requireEnterprise(actor);
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const q = await repo.quote(id);
      if (!q || q.needEnterpriseId !== actor.organisationId) throw notFound('quote');
      const need = (await repo.need(q.needId))!;
      const now = ctx.clock.now();
      if (need.status !== 'open' || need.expiresAt <= now)
        throw new AppError('conflict', 'this need is closed', { currentStatus: need.status });
      if (q.status !== 'submitted')
        throw new AppError('conflict', 'only a submitted quote can be accepted', { currentStatus: q.status });
      if (q.validUntil < localDate(now)) throw new AppError('conflict', 'this quote is no longer valid');
      const others = (await repo.quotesOfNeed(q.needId)).filter((o) => o.status === 'submitted' && o.id !== id);
      await repo.updateQuote(id, { status: 'accepted', decidedAt: now, updatedAt: now });
      await repo.closeQuotes(q.needId, 'declined', now, id);
      await repo.updateNeed(q.needId, { status: 'accepted', acceptedQuoteId: id, updatedAt: now });
      await tellDecided(ctx, q, true, now);
      for (const o of others) await tellDecided(ctx, o, false, now);
    });
    return quoteView((await ctx.repo.quote(id))!);
  }

  /** QuotePricer: inside the booking's write transaction (its statements join it). */
  async recheck(quoteId: number): Promise<void> {
    const q = await this.ctx.repo.quote(quoteId);
    if (q?.status !== 'accepted')
      throw new AppError('conflict', 'only an accepted quote can be booked', { currentStatus: q?.status ?? null });
    if (await this.ctx.repo.liveBookingsOnQuote(quoteId))
      throw new AppError('conflict', 'a booking was made on this quote already');
  }

  /** QuotePricer: the price of a booking placed on an accepted quote (booking request `quoteId`). */
  async price(actor: Actor, quoteId: number, instrumentId: number, mode: BookingMode) {
    const { ctx } = this;
    const path = 'body.quoteId';
    const q = await ctx.repo.quote(quoteId);
    if (!q) throw badRequest('unknown quote', [{ path, message: `no quote ${quoteId}` }]);
    if (!isEnterprise(actor) || actor.organisationId !== q.needEnterpriseId)
      throw forbidden('only the enterprise that posted the need books on its quote');
    if (q.status !== 'accepted')
      throw new AppError('conflict', 'only an accepted quote can be booked', { currentStatus: q.status });
    if (q.validUntil < localDate(ctx.clock.now()))
      throw badRequest('this quote is no longer valid', [{ path, message: `valid until ${q.validUntil}` }]);
    if (q.instrumentId !== instrumentId)
      throw badRequest('the quote is for another instrument', [
        { path: 'body.instrumentId', message: `the quote's is ${q.instrumentId}` },
      ]);
    const unit = q.lines[0]!.unit;
    if ((unit === 'hour') !== (mode === 'machine_time'))
      throw badRequest(unit === 'hour' ? 'this quote is for machine time' : 'this quote is for samples', [
        { path: 'body.mode', message: unit === 'hour' ? 'machine_time' : 'sample' },
      ]);
    if (await ctx.repo.liveBookingsOnQuote(quoteId))
      throw new AppError('conflict', 'a booking was made on this quote already');
    const first = q.lines[0]!;
    // The terms the order was made on: the quote's first line (completion keeps the quote's price).
    const snapshot: PriceSnapshot = {
      rateItemId: first.rateItemId,
      itemName: first.label,
      unit,
      unitFen: first.unitFen,
      userType: 'enterprise',
      setupFeeFen: 0,
      minimumChargeFen: 0,
      urgentSurchargePercent: 0,
      offHoursSurchargePercent: 0,
      quotedAt: q.createdAt,
    };
    return { unit, totalFen: q.totalFen, lines: priceLinesOf(q.lines), snapshot };
  }
}
