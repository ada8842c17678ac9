/**
 * Reading settlement: batches as the API answers them (lines with their automatic checks, the audit
 * trail), the lists each caller may see, and the voucher-use register the exports are made from.
 *
 * Every method reads through the repository it is given: the caller opens one snapshot for a whole
 * answer (inSnapshot), or hands in its write transaction's repository.
 */
import { DateTime } from 'luxon';
import { fromBool } from '../../../db/port.ts';
import type { BatchStatus, PriceLine } from '../../../db/schema/index.ts';
import type { Lang } from '../../shared/lang.ts';
import type { Actor } from '../auth/actor.ts';
import { bookedItem } from '../booking/pricing.ts';
import { ratioPercent } from '../vouchers/rules.ts';
import { describeCheck, lineChecks, type Check } from './checks.ts';
import { canSee, claimantOf, DAY, inSnapshot, today, type SettlementContext } from './context.ts';
import type { VoucherRegisterRow } from './exports.ts';
import type { BatchView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, RegisterScope, SettlementRepo } from './settlement.repo.ts';

export class BatchReads {
  constructor(private readonly ctx: SettlementContext) {}

  /** A batch as it is now, in one snapshot (what every change answers with, once committed). */
  async viewOf(id: number, lang: Lang = 'zh'): Promise<BatchView> {
    return inSnapshot(this.ctx, async (repo) => this.view(repo, (await repo.batch(id))!, lang));
  }

  async list(
    repo: SettlementRepo,
    actor: Actor,
    filter: { status?: BatchStatus; programmeId?: number },
  ): Promise<BatchView[]> {
    let rows: BatchRow[];
    if (actor.role === 'platform_admin' || (actor.role === 'finance_officer' && actor.organisationKind === 'platform'))
      rows = await repo.batches(filter);
    else if (actor.role === 'finance_officer')
      rows = await repo.batches({ ...filter, reviewOfficeId: actor.organisationId });
    else {
      const c = claimantOf(actor);
      rows = await repo.batches({ ...filter, claimantId: c.id, claimantKind: c.kind });
    }
    const views: BatchView[] = [];
    for (const b of rows.filter((b) => canSee(actor, b))) views.push(await this.view(repo, b, 'zh', false));
    return views;
  }

  /** The voucher-use register: every use the caller may see, with its claim and payment state. */
  async register(repo: SettlementRepo, actor: Actor): Promise<VoucherRegisterRow[]> {
    let scope: RegisterScope;
    if (actor.role === 'platform_admin' || (actor.role === 'finance_officer' && actor.organisationKind === 'platform'))
      scope = { kind: 'all' };
    else if (actor.role === 'finance_officer')
      scope = { kind: 'office', id: actor.organisationId, city: await repo.organisationCity(actor.organisationId) };
    else if (actor.role === 'lab_manager') scope = { kind: 'provider', id: actor.organisationId };
    else scope = { kind: 'enterprise', id: actor.organisationId };
    const rows = await repo.register(scope);
    return rows.map(({ startAt, postedAt, timeZone, paid, ...r }) => ({
      ...r,
      paid: fromBool(paid),
      serviceDate: DateTime.fromMillis(startAt ?? postedAt, { zone: timeZone }).toISODate()!,
    }));
  }

  // Checks and views

  async checksOf(repo: SettlementRepo, b: BatchRow, line: LineRow): Promise<Check[]> {
    const { vouchers, catalog } = this.ctx;
    const c = await repo.lineContext(line.bookingId);
    const use = (await vouchers.use(line.bookingId))!;
    const programme = (await vouchers.programme(b.programmeId))!;
    const finalLines = (c.finalLines ? JSON.parse(c.finalLines) : []) as PriceLine[];
    const card = await catalog.rateCard(c.instrumentId);
    const unit = c.mode === 'machine_time' ? 'hour' : 'sample';
    // The item completion priced the booking by: the one it booked while still on the card, else the first of the unit.
    const item = card ? bookedItem(card, unit, c.rateItemId) : undefined;
    const published = item
      ? c.userType === 'enterprise'
        ? item.enterpriseFen
        : c.userType === 'academic'
          ? item.academicFen
          : item.internalFen
      : null;
    const selfPaid =
      c.paymentMethod === 'card'
        ? (c.capturedFen ?? 0) - (c.refundedFen ?? 0)
        : c.paymentMethod === 'invoice'
          ? (c.invoicedFen ?? 0)
          : 0;
    const serviceAt = c.startAt ?? c.updatedAt;
    return lineChecks({
      voucherFen: line.voucherFen,
      booking: {
        status: c.status,
        mode: c.mode,
        finalFen: c.finalFen,
        finalLines,
        bookedMinutes: c.startAt !== null && c.endAt !== null ? Math.round((c.endAt - c.startAt) / 60_000) : null,
        actualMinutes: c.actualMinutes,
        sampleCount: c.sampleCount,
        actualSamples: c.actualSamples,
        serviceDate: DateTime.fromMillis(serviceAt, { zone: c.timeZone }).toISODate()!,
        hasReport: Boolean(c.reportFile || c.reportUrl),
      },
      use: {
        postedFen: use.postedFen,
        reservedFen: use.reservedFen,
        ratioPercent: use.ratioPercent,
        settlementMode: use.settlementMode,
      },
      selfPaidFen: selfPaid,
      ruleRatioPercent: ratioPercent(programme.ratioRules, c.enterpriseCity, c.providerCity),
      publishedUnitFen: published,
      programme,
      providerProvince: c.providerProvince ?? '',
      justification: use.justification,
      related: await vouchers.isRelated(c.enterpriseId, c.providerId),
      today: today(this.ctx),
      invoiceNo: line.invoiceNo,
    });
  }

  /** A batch as the API answers it; texts the server writes (check details, its own notes) in `lang`. */
  async view(repo: SettlementRepo, b: BatchRow, lang: Lang = 'zh', withLines = true): Promise<BatchView> {
    const lines = await repo.lines(b.id);
    const sum = (pred: (l: LineRow) => boolean) => lines.filter(pred).reduce((s, l) => s + l.voucherFen, 0);
    const now = this.ctx.clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const claimantName = await repo.organisationName(b.claimantId);
    const officeName = b.reviewOfficeId === b.claimantId ? claimantName : await repo.organisationName(b.reviewOfficeId);
    const lineViews: BatchView['lines'] = [];
    if (withLines) for (const l of lines) lineViews.push(await this.lineView(repo, b, l, lang));
    return {
      id: b.id,
      status: b.status,
      programmeId: b.programmeId,
      programmeName: (await this.ctx.vouchers.programme(b.programmeId))?.name ?? '',
      month: b.month,
      claimant: { id: b.claimantId, name: claimantName, kind: b.claimantKind },
      reviewOffice: { id: b.reviewOfficeId, name: officeName },
      totalFen: sum(() => true),
      approvedFen: sum((l) => l.status === 'approved'),
      rejectedFen: sum((l) => l.status === 'rejected'),
      openFen: sum((l) => l.status === 'pending' || l.status === 'returned'),
      paidFen: b.paidFen,
      paidReference: b.paidReference,
      bankAccount: b.bankAccount,
      createdAt: new Date(b.createdAt).toISOString(),
      submittedAt: iso(b.submittedAt),
      paidAt: iso(b.paidAt),
      ageDays: Math.floor((now - (b.submittedAt ?? b.createdAt)) / DAY),
      lineCount: lines.length,
      lines: lineViews,
      history: withLines
        ? (await repo.events(b.id)).map((e) => ({
            lineId: e.lineId,
            action: e.action,
            from: e.fromStatus,
            to: e.toStatus,
            by: e.actorName,
            reason: eventReason(e.action, e.reason, lang),
            at: new Date(e.at).toISOString(),
          }))
        : [],
    };
  }

  private async lineView(
    repo: SettlementRepo,
    b: BatchRow,
    l: LineRow,
    lang: Lang,
  ): Promise<BatchView['lines'][number]> {
    const c = await repo.lineContext(l.bookingId);
    const checks = await this.checksOf(repo, b, l);
    const override =
      l.overrideBy !== null ? { by: (await repo.userName(l.overrideBy)) ?? '', reason: l.overrideReason ?? '' } : null;
    const serviceAt = c.startAt ?? c.updatedAt;
    const use = (await this.ctx.vouchers.use(l.bookingId))!;
    return {
      id: l.id,
      bookingId: l.bookingId,
      voucherUseId: l.voucherUseId,
      enterprise: { id: c.enterpriseId, name: c.enterpriseName },
      instrumentName: c.instrumentName,
      serviceDate: DateTime.fromMillis(serviceAt, { zone: c.timeZone }).toISODate()!,
      totalFen: c.finalFen ?? 0,
      selfPayFen: (c.finalFen ?? 0) - (use.settlementMode === 'deduct' ? l.voucherFen : 0),
      voucherFen: l.voucherFen,
      invoiceNo: l.invoiceNo,
      paymentRef: l.paymentRef,
      serviceRecord: l.serviceRecord,
      reportUrl: c.reportFile ? `/api/v1/bookings/${l.bookingId}/report` : c.reportUrl,
      note: l.note,
      status: l.status,
      reason: l.reason,
      override,
      checks: checks.map((x) => ({ name: x.name, ok: x.ok, detail: describeCheck(x, lang) })),
      checksOk: checks.every((x) => x.ok),
    };
  }
}

/**
 * An event's reason in the reader's language. The service notes a new draft's size itself ("6 lines",
 * as stored); everything else is people's words (reasons, invoice and payment references), as given.
 */
export function eventReason(action: string, reason: string | null, lang: Lang): string | null {
  const lines = action === 'created' && reason ? /^(\d+) lines?$/.exec(reason) : null;
  if (!lines) return reason;
  const count = Number(lines[1]);
  return lang === 'en' ? `${count} ${count === 1 ? 'line' : 'lines'}` : `共 ${count} 条明细`;
}
