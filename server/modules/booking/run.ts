/**
 * Running a booked job: when the clock allows check-in, no-show and completion (timing.ts says when;
 * the step itself is written by transition.ts), the final price at completion, the service report,
 * the enterprise's rating, and the final price amended by checkout (no-show fee, waived amount).
 */
import type { PriceLine } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { downloadName, REPORT_KINDS, servedAs, sniffFile } from '../../shared/files.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { BookingView } from './booking.schemas.ts';
import type { BookingRepo, BookingRow } from './booking.repo.ts';
import type { BookingContext } from './context.ts';
import { priceFor } from './prices.ts';
import type { BookingAction } from './state-machine.ts';
import { actionWindow, refusalMessage } from './timing.ts';
import type { BookingViews } from './views.ts';

export interface Usage {
  actualMinutes?: number;
  actualSamples?: number;
  reportUrl?: string;
  note?: string;
}

/**
 * Refuses a step the clock does not allow (check-in days before the start, a no-show before the grace has
 * passed): 409 with the status and, in epoch ms, from / until when it is allowed. Nothing is written.
 */
export async function checkTimely(
  ctx: BookingContext,
  repo: BookingRepo,
  b: BookingRow,
  action: BookingAction,
  now: number,
): Promise<void> {
  const zone = await ctx.zoneOf(b, repo);
  const rules = await ctx.rules(b.instrumentId, zone, repo);
  const w = actionWindow(b, action, rules, now);
  const message = refusalMessage(b, action, w, rules, zone);
  if (message === null) return;
  throw new AppError('conflict', message, {
    currentStatus: b.status,
    reason: w.refusal,
    ...(w.from !== null && { allowedFrom: w.from }),
    ...(w.until !== null && { allowedUntil: w.until }),
  });
}

/** What completion writes: the usage recorded and its final price. */
export async function completion(ctx: BookingContext, b: BookingRow, usage: Usage): Promise<Partial<BookingRow>> {
  const instrument = (await ctx.repo.instrument(b.instrumentId))!;
  const rules = await ctx.rules(b.instrumentId, instrument.timeZone);
  const minutes =
    b.mode === 'machine_time' ? (usage.actualMinutes ?? Math.round((b.endAt! - b.startAt!) / 60_000)) : undefined;
  const samples = b.mode === 'sample' ? (usage.actualSamples ?? b.sampleCount!) : undefined;
  if (b.mode === 'machine_time' && usage.actualSamples !== undefined) {
    throw badRequest('machine time is completed with actualMinutes', [
      { path: 'body.actualSamples', message: 'not for machine time' },
    ]);
  }
  if (b.mode === 'sample' && usage.actualMinutes !== undefined) {
    throw badRequest('sample jobs are completed with actualSamples', [
      { path: 'body.actualMinutes', message: 'not for samples' },
    ]);
  }
  // Machine time is priced for the minutes actually used, counted from the booked start: the off-hours
  // surcharge follows [start, start + actual minutes), so a run past 18:00 pays for its evening part.
  // Priced by the terms the order was quoted on (its price snapshot), whatever the card says now. An order
  // from before snapshots: the rate item booked prices it again; if the lab has since removed it from its
  // card, the card's first item of the unit does (as for a booking that named none).
  // An order on an accepted quote (需求发布) is the agreed price for the job: its lines stand.
  const final =
    b.quoteId != null
      ? { totalFen: b.quotedFen, lines: b.priceLines }
      : await priceFor(
          ctx,
          b.instrumentId,
          b.userType,
          {
            mode: b.mode,
            minutes,
            samples,
            start: b.startAt ?? undefined,
            urgent: b.urgent,
            bookedRateItemId: b.rateItemId,
            snapshot: b.priceSnapshot,
          },
          rules,
        );
  return {
    actualMinutes: minutes ?? null,
    actualSamples: samples ?? null,
    reportUrl: usage.reportUrl ?? null,
    finalFen: final.totalFen,
    finalLines: final.lines,
  };
}

export class BookingRun {
  constructor(
    private readonly ctx: BookingContext,
    private readonly views: BookingViews,
  ) {}

  /**
   * The enterprise rates a completed service, once. The check and the write are one transaction:
   * of two ratings sent at once, the second finds the first and is refused.
   */
  async rate(actor: Actor, id: number, rating: number, comment?: string): Promise<BookingView> {
    const { ctx } = this;
    await ctx.db.write(async (tx) => {
      const repo = ctx.repo.with(tx);
      const b = await ctx.bookingOr404(actor, id, repo);
      if (actor.role !== 'researcher' || actor.organisationId !== b.requesterOrganisationId) {
        throw forbidden('only the requesting enterprise rates a service');
      }
      if (b.status !== 'completed')
        throw new AppError('conflict', 'only completed bookings can be rated', { currentStatus: b.status });
      if (b.rating !== null)
        throw new AppError('conflict', 'this booking is already rated', { currentStatus: b.status });
      await repo.updateBooking(id, { rating, ratingComment: comment ?? null, updatedAt: ctx.clock.now() });
    });
    return this.views.viewById(id);
  }

  /** Replaces a booking's final price (no-show fee, amount above the card hold waived). In a transaction. */
  async amendFinal(id: number, finalFen: number, finalLines: PriceLine[], now: number): Promise<void> {
    await this.ctx.repo.updateBooking(id, { finalFen, finalLines, updatedAt: now });
  }

  // Service reports

  /**
   * Whether the caller may attach a report to this booking now (the owning lab, once the job has
   * started): asked before an upload's body is read, and again when the file is stored.
   */
  async checkReportUpload(actor: Actor, id: number, repo = this.ctx.repo): Promise<BookingRow> {
    const b = await this.ctx.bookingOr404(actor, id, repo);
    if (!canManageInstitution(actor, b.institutionId)) throw forbidden('only the lab attaches service reports');
    if (b.status !== 'in_progress' && b.status !== 'completed') {
      throw new AppError('conflict', 'a report belongs to a job that has started', { currentStatus: b.status });
    }
    return b;
  }

  /**
   * The lab attaches the report of a job it has started or finished. What the file is comes from its
   * bytes (PDF, image, Office document, zip; anything else 415), not from what the uploader declared.
   * A new report replaces the old one, whose file is removed once the booking points at the new one.
   */
  async attachReport(actor: Actor, id: number, file: { name: string; bytes: Buffer }): Promise<BookingView> {
    const { ctx } = this;
    await this.checkReportUpload(actor, id);
    if (!file.bytes.length) throw badRequest('the report is empty', [{ path: 'body', message: 'empty' }]);
    const sniffed = await sniffFile(file.bytes, REPORT_KINDS, file.name);
    if (!sniffed.kind) {
      throw new AppError('unsupported_media_type', 'reports are PDF, images, office documents or zip files', [
        { path: 'body', message: sniffed.found ? `not accepted: ${sniffed.found}` : 'not a recognised file type' },
      ]);
    }
    const stored = await ctx.files.save('reports', String(id), sniffed.ext, file.bytes);
    let replaced: string | null;
    try {
      replaced = await ctx.db.write(async (tx) => {
        const repo = ctx.repo.with(tx);
        const b = await this.checkReportUpload(actor, id, repo); // the job may have moved on while the file arrived
        await repo.updateBooking(id, {
          reportFile: stored,
          reportName: downloadName(file.name, sniffed.mime),
          reportType: sniffed.mime,
          reportUrl: `/api/v1/bookings/${id}/report`,
          updatedAt: ctx.clock.now(),
        });
        return b.reportFile;
      });
    } catch (err) {
      await ctx.files.remove(stored);
      throw err;
    }
    await ctx.files.remove(replaced);
    return this.views.viewById(id);
  }

  /** The stored report of a booking, for whoever may see the booking. */
  async report(actor: Actor, id: number): Promise<{ path: string; name: string; type: string }> {
    const b = await this.ctx.bookingOr404(actor, id);
    if (!b.reportFile) throw notFound('report');
    return { path: await this.ctx.files.path(b.reportFile), ...servedAs(b.reportName ?? 'report', b.reportType) };
  }
}
