/**
 * Reading settlement: batches as the API answers them (lines with their automatic checks, the audit
 * trail), the lists each caller may see, and the voucher-use register the exports are made from.
 *
 * Every method reads through the repository it is given: the caller opens one snapshot for a whole
 * answer (inSnapshot), or hands in its write transaction's repository.
 */
import { DateTime } from 'luxon';
import { fromBool, fromJson } from '../../../db/port.ts';
import type { BatchStatus, PriceLine, PriceSnapshot } from '../../../db/schema/index.ts';
import type { Lang } from '../../shared/lang.ts';
import type { Actor } from '../auth/actor.ts';
import { bookedItem } from '../booking/pricing.ts';
import { selfPayEvidence } from '../transfers/evidence.ts';
import { agreementEvidence } from '../agreements/evidence.ts';
import { claimTermsOf } from '../vouchers/claim-terms.ts';
import { describeCheck, lineChecks, type Check } from './checks.ts';
import {
  claimantOf,
  DAY,
  inSnapshot,
  officeOfLine,
  scopeOf,
  today,
  visibleLines,
  type SettlementContext,
} from './context.ts';
import { stageOffice } from './progress.ts';
import { stageOfLine, stagesOf, ZONE } from './stages.ts';
import type { VoucherRegisterRow } from './exports.ts';
import type { BatchView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, RegisterScope, ReviewRow, SettlementRepo } from './settlement.repo.ts';

export class BatchReads {
  constructor(private readonly ctx: SettlementContext) {}

  /** A batch as it is now, in one snapshot (what every change answers with, once committed). */
  async viewOf(id: number, lang: Lang = 'zh', actor?: Actor): Promise<BatchView> {
    return inSnapshot(this.ctx, async (repo) => this.view(repo, (await repo.batch(id))!, lang, true, actor));
  }

  async list(
    repo: SettlementRepo,
    actor: Actor,
    filter: { status?: BatchStatus; programmeId?: number },
  ): Promise<BatchView[]> {
    let rows: BatchRow[];
    if (
      actor.role === 'platform_admin' ||
      (actor.role === 'finance_officer' && (actor.organisationKind === 'platform' || actor.cityCode === null))
    )
      rows = await repo.batches(filter);
    else if (actor.role === 'finance_officer')
      rows = (await repo.batchesOfOffice(actor.organisationId)).filter(
        (b) =>
          (!filter.status || b.status === filter.status) &&
          (filter.programmeId === undefined || b.programmeId === filter.programmeId),
      );
    else {
      const c = claimantOf(actor);
      rows = await repo.batches({ ...filter, claimantId: c.id, claimantKind: c.kind });
    }
    const views: BatchView[] = [];
    for (const b of rows) if (await scopeOf(repo, actor, b)) views.push(await this.view(repo, b, 'zh', false, actor));
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
    // The terms the use was planned with (rules version, places, parts): not today's programme.
    const terms = (await claimTermsOf(vouchers, line.voucherUseId))!;
    const use = terms.use;
    const finalLines = (c.finalLines ? JSON.parse(c.finalLines) : []) as PriceLine[];
    const card = await catalog.rateCard(c.instrumentId);
    const unit = c.mode === 'machine_time' ? 'hour' : 'sample';
    // The item completion priced the booking by: the one it booked while still on the card, else the first of the unit.
    const item = card ? bookedItem(card, unit, c.rateItemId) : undefined;
    const snapshot = c.priceSnapshot ? fromJson<PriceSnapshot>(c.priceSnapshot) : null;
    const published = snapshot
      ? snapshot.unitFen
      : item
        ? c.userType === 'enterprise'
          ? item.enterpriseFen
          : c.userType === 'academic'
            ? item.academicFen
            : item.internalFen
        : null;
    // The self-pay share's proof (card charge, or transfer notice and receipts): transfers/evidence.ts.
    const selfPay = await selfPayEvidence(this.ctx.db, {
      bookingId: line.bookingId,
      paymentMethod: c.paymentMethod,
      chargeId: c.chargeId,
      capturedFen: c.capturedFen,
      refundedFen: c.refundedFen,
    });
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
        parts: terms.parts,
        earlierPostedFen: terms.earlierPostedFen,
      },
      otherVouchersFen: terms.otherDeductFen,
      selfPay,
      ruleRatioPercent: terms.ruleRatioPercent,
      publishedUnitFen: published,
      programme: terms.programme,
      providerProvince: c.providerProvince ?? '',
      justification: use.justification,
      related: await vouchers.isRelated(c.enterpriseId, c.providerId),
      today: today(this.ctx),
      invoiceNo: line.invoiceNo,
      agreement: await agreementEvidence(this.ctx.db, line.bookingId),
      invoice: {
        amountFen: line.invoiceAmountFen,
        buyer: line.invoiceBuyer,
        hasFile: line.invoiceDocumentId !== null,
        billedFen: c.finalFen ?? 0,
        enterpriseName: c.enterpriseName,
      },
    });
  }

  /**
   * A batch as the API answers it; texts the server writes (check details, its own notes) in `lang`.
   * With an actor, only what it may see (a city office: its lines, and the totals, history and
   * objections of those) and what it may do; without one (internal use), all of it.
   */
  async view(
    repo: SettlementRepo,
    b: BatchRow,
    lang: Lang = 'zh',
    withLines = true,
    actor?: Actor,
  ): Promise<BatchView> {
    const scope = actor ? ((await scopeOf(repo, actor, b)) ?? 'own_lines') : 'all';
    const all = await repo.lines(b.id);
    const lines = actor ? visibleLines(all, b, actor, scope) : all;
    const mine = new Set(lines.map((l) => l.id));
    const sum = (pred: (l: LineRow) => boolean) => lines.filter(pred).reduce((s, l) => s + l.voucherFen, 0);
    const now = this.ctx.clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const claimantName = await repo.organisationName(b.claimantId);
    const officeName = b.reviewOfficeId === b.claimantId ? claimantName : await repo.organisationName(b.reviewOfficeId);
    const programme = (await this.ctx.vouchers.programme(b.programmeId))!;
    const stages = stagesOf(programme);
    const reviews = (await repo.reviews(b.id)).filter((r) => mine.has(r.lineId));
    const names = new Map<number, string>();
    const nameOf = async (id: number | null) => {
      if (id === null) return null;
      if (!names.has(id)) names.set(id, (await repo.userName(id)) ?? '');
      return names.get(id)!;
    };
    const approverIds = actor
      ? (await repo.approvers(b.id)).filter(
          (id) => reviews.some((r) => r.actorId === id) || lines.some((l) => l.decidedBy === id || l.overrideBy === id),
        )
      : await repo.approvers(b.id);
    const approvers: string[] = [];
    for (const id of approverIds) approvers.push((await nameOf(id))!);
    const lineViews: BatchView['lines'] = [];
    if (withLines)
      for (const l of lines)
        lineViews.push(
          await this.lineView(repo, b, l, lang, {
            reviews: reviews.filter((r) => r.lineId === l.id),
            stages,
            actor,
            nameOf,
          }),
        );
    const finance = !actor || actor.role === 'finance_officer' || actor.role === 'platform_admin';
    const objections: BatchView['objections'] = [];
    if (withLines)
      for (const o of await repo.objections(b.id)) {
        if (o.lineId !== null ? !mine.has(o.lineId) : scope !== 'all' && !finance) continue;
        objections.push({
          id: o.id,
          lineId: o.lineId,
          name: finance ? o.name : null,
          contact: finance ? o.contact : null,
          content: o.content,
          status: o.status,
          answer: o.answer,
          answeredBy: await nameOf(o.answeredBy),
          answeredAt: iso(o.answeredAt),
          lodgedAt: new Date(o.lodgedAt).toISOString(),
        });
      }
    // Payment is open once reviewed, or when the notice is over with every objection answered.
    const open =
      b.status === 'reviewed' ||
      (b.status === 'in_notice' &&
        b.noticeEndsAt !== null &&
        now >= b.noticeEndsAt &&
        (await repo.objections(b.id)).every((o) => o.status === 'answered'));
    const mayPay =
      !!actor &&
      actor.role === 'finance_officer' &&
      actor.organisationId === b.reviewOfficeId &&
      open &&
      !approverIds.includes(actor.userId) &&
      lines.some((l) => l.status === 'approved');
    return {
      id: b.id,
      status: b.status,
      programmeId: b.programmeId,
      programmeName: programme.name,
      month: b.month,
      claimant: { id: b.claimantId, name: claimantName, kind: b.claimantKind },
      reviewOffice: { id: b.reviewOfficeId, name: officeName },
      totalFen: sum(() => true),
      approvedFen: sum((l) => l.status === 'approved'),
      rejectedFen: sum((l) => l.status === 'rejected'),
      openFen: sum((l) => l.status === 'pending' || l.status === 'returned'),
      paidFen: scope === 'all' ? b.paidFen : b.paidFen === null ? null : sum((l) => l.status === 'approved'),
      paidReference: b.paidReference,
      bankAccount: b.bankAccount,
      createdAt: new Date(b.createdAt).toISOString(),
      submittedAt: iso(b.submittedAt),
      paidAt: iso(b.paidAt),
      ageDays: Math.floor((now - (b.submittedAt ?? b.createdAt)) / DAY),
      lineCount: lines.length,
      lines: lineViews,
      history: withLines
        ? (await repo.events(b.id))
            .filter((e) => e.lineId === null || mine.has(e.lineId))
            .map((e) => ({
              lineId: e.lineId,
              action: e.action,
              from: e.fromStatus,
              to: e.toStatus,
              by: e.actorName,
              reason: eventReason(e.action, e.reason, lang),
              at: new Date(e.at).toISOString(),
            }))
        : [],
      stages: stages.map((x) => ({ kind: x.kind, samplePercent: x.samplePercent })),
      stage: b.stage,
      notice:
        b.noticeStartsAt !== null && b.noticeEndsAt !== null
          ? {
              startsAt: new Date(b.noticeStartsAt).toISOString(),
              endsAt: new Date(b.noticeEndsAt).toISOString(),
              lastDay: DateTime.fromMillis(b.noticeEndsAt, { zone: ZONE }).minus({ days: 1 }).toISODate()!,
            }
          : null,
      objections,
      approvers,
      paidBy: await nameOf(b.paidBy),
      scope,
      mayPay,
    };
  }

  private async lineView(
    repo: SettlementRepo,
    b: BatchRow,
    l: LineRow,
    lang: Lang,
    extra: {
      reviews: ReviewRow[];
      stages: ReturnType<typeof stagesOf>;
      actor?: Actor;
      nameOf: (id: number | null) => Promise<string | null>;
    },
  ): Promise<BatchView['lines'][number]> {
    const c = await repo.lineContext(l.bookingId);
    const checks = await this.checksOf(repo, b, l);
    const override =
      l.overrideBy !== null ? { by: (await repo.userName(l.overrideBy)) ?? '', reason: l.overrideReason ?? '' } : null;
    const serviceAt = c.startAt ?? c.updatedAt;
    const use = (await this.ctx.vouchers.useById(l.voucherUseId))!;
    const stage = stageOfLine(extra.reviews);
    const office = officeOfLine(l, b);
    const { actor } = extra;
    const mayDecide =
      !!actor &&
      actor.role === 'finance_officer' &&
      b.status === 'submitted' &&
      l.status === 'pending' &&
      stage === b.stage &&
      stage < extra.stages.length &&
      (await stageOffice(repo, extra.stages[stage]!, l, b)) === actor.organisationId;
    const reviews: BatchView['lines'][number]['reviews'] = [];
    for (const r of extra.reviews)
      reviews.push({
        stage: r.stage,
        kind: r.stageKind,
        office: await repo.organisationName(r.officeId),
        decision: r.decision,
        reason: r.reason,
        by: await extra.nameOf(r.actorId),
        at: new Date(r.at).toISOString(),
      });
    const invoiceFile = l.invoiceDocumentId !== null ? await repo.documentName(l.invoiceDocumentId) : null;
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
      reviewOffice: { id: office, name: await repo.organisationName(office) },
      stage,
      reviews,
      agreement: await agreementEvidence(this.ctx.db, l.bookingId),
      invoice: {
        amountFen: l.invoiceAmountFen,
        buyer: l.invoiceBuyer,
        fileName: invoiceFile,
        url: invoiceFile ? `/api/v1/settlement-batches/${b.id}/lines/${l.id}/invoice` : null,
      },
      mayDecide,
    };
  }
}

/**
 * An event's reason in the reader's language. The service notes a new draft's size itself ("6 lines",
 * as stored); everything else is people's words (reasons, invoice and payment references), as given.
 */
export function eventReason(action: string, reason: string | null, lang: Lang): string | null {
  const stage = action === 'stage' && reason ? /^(\d+):(city|province)$/.exec(reason) : null;
  if (stage) {
    const city = stage[2] === 'city';
    return lang === 'en'
      ? `stage ${stage[1]}: ${city ? 'city finance review' : 'provincial re-check'}`
      : `第 ${stage[1]} 阶段：${city ? '市级财政初审' : '省级财政复核'}`;
  }
  const lines = (action === 'created' || action === 'lines_added') && reason ? /^(\d+) lines?$/.exec(reason) : null;
  if (!lines) return reason;
  const count = Number(lines[1]);
  return lang === 'en' ? `${count} ${count === 1 ? 'line' : 'lines'}` : `共 ${count} 条明细`;
}
