/**
 * The public notice (公示) of reviewed claims: the public list (no sign-in: enterprise, provider,
 * service and voucher amount of each line, and the period), objections anyone may lodge while a notice
 * runs (rate-limited per client address, stored with it), their answers by the reviewing offices, and
 * the end of a notice, after which payment opens.
 *
 * Rule: a notice does not end into payment while an objection to it is unanswered — the batch stays in
 * notice (and `pay` refuses) until every objection has its answer.
 */
import { DateTime } from 'luxon';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { Lang } from '../../shared/lang.ts';
import type { Actor } from '../auth/actor.ts';
import { takeAddressSlot, type AddressLimit } from '../auth/address-limit.ts';
import { batchOr404, officeOfLine, recordEvent, scopeOf, type SettlementContext } from './context.ts';
import { noticeBlock } from './progress.ts';
import type { BatchView } from './settlement.schemas.ts';
import { ZONE } from './stages.ts';
import type { BatchReads } from './views.ts';

/** Objections one client address may lodge per hour (an office behind one address can still lodge several). */
export const OBJECTION_LIMIT: AddressLimit = { purpose: 'objection', max: 5, windowMs: 3_600_000 };

export interface PublicNotice {
  batchId: number;
  programmeName: string;
  month: string;
  provider: string;
  startsAt: string;
  endsAt: string;
  lastDay: string;
  totalFen: number;
  lines: { lineId: number; enterprise: string; instrumentName: string; serviceDate: string; voucherFen: number }[];
  objections: number;
}

export class PublicNotices {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
  ) {}

  /** Batches whose notice runs now: their approved lines (what will be paid), nobody's contact data. */
  async list(): Promise<PublicNotice[]> {
    return this.ctx.db.read(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const now = this.ctx.clock.now();
      const out: PublicNotice[] = [];
      for (const b of await repo.batchesInNotice()) {
        if (b.noticeStartsAt === null || b.noticeEndsAt === null || now >= b.noticeEndsAt) continue;
        const lines = (await repo.lines(b.id)).filter((l) => l.status === 'approved');
        const shown: PublicNotice['lines'] = [];
        for (const l of lines) {
          const c = await repo.lineContext(l.bookingId);
          shown.push({
            lineId: l.id,
            enterprise: c.enterpriseName,
            instrumentName: c.instrumentName,
            serviceDate: DateTime.fromMillis(c.startAt ?? c.updatedAt, { zone: c.timeZone }).toISODate()!,
            voucherFen: l.voucherFen,
          });
        }
        out.push({
          batchId: b.id,
          programmeName: (await this.ctx.vouchers.programme(b.programmeId))?.name ?? '',
          month: b.month,
          provider: await repo.organisationName(b.claimantId),
          startsAt: new Date(b.noticeStartsAt).toISOString(),
          endsAt: new Date(b.noticeEndsAt).toISOString(),
          lastDay: DateTime.fromMillis(b.noticeEndsAt, { zone: ZONE }).minus({ days: 1 }).toISODate()!,
          totalFen: lines.reduce((s, l) => s + l.voucherFen, 0),
          lines: shown,
          objections: (await repo.objections(b.id)).length,
        });
      }
      return out;
    });
  }

  /**
   * Anyone lodges an objection to a batch in notice (optionally naming one of its lines). Counted per
   * client address in the same transaction that stores it; refused (429) past the limit, storing nothing.
   */
  async lodge(
    batchId: number,
    input: { name: string; contact: string; content: string; lineId?: number },
    clientAddress: string | undefined,
  ): Promise<{ id: number; lodgedAt: string }> {
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const now = this.ctx.clock.now();
      const b = await repo.batch(batchId);
      if (!b || b.status !== 'in_notice' || b.noticeEndsAt === null) throw notFound('public notice');
      if (now >= b.noticeEndsAt)
        throw new AppError('conflict', 'the notice period is over: objections are no longer taken');
      if (input.lineId !== undefined) {
        const line = (await repo.lines(b.id)).find((l) => l.id === input.lineId && l.status === 'approved');
        if (!line) throw badRequest('no such line in this notice', [{ path: 'body.lineId', message: 'unknown' }]);
      }
      const retryAfterSeconds = await takeAddressSlot(tx, OBJECTION_LIMIT, clientAddress, now);
      if (retryAfterSeconds !== null)
        throw new AppError('rate_limited', 'too many objections were lodged from your network; try again later', {
          retryAfterSeconds,
        });
      const row = await repo.insertObjection({
        batchId: b.id,
        lineId: input.lineId ?? null,
        name: input.name,
        contact: input.contact,
        content: input.content,
        clientAddress: clientAddress ?? null,
        status: 'open',
        lodgedAt: now,
      });
      await repo.insertEvent({
        batchId: b.id,
        lineId: input.lineId ?? null,
        action: 'objection',
        fromStatus: null,
        toStatus: null,
        actorId: null,
        reason: `#${row.id}`,
        at: now,
      });
      return { id: row.id, lodgedAt: new Date(now).toISOString() };
    });
  }

  /**
   * The reviewing office answers an objection: the paying office, or — for one naming a line — that
   * line's first-stage office. Answered once.
   */
  async answer(actor: Actor, batchId: number, objectionId: number, answer: string, lang: Lang): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await batchOr404(repo, actor, batchId);
      const o = (await repo.objections(b.id)).find((x) => x.id === objectionId);
      if (!o) throw notFound('objection');
      const line = o.lineId !== null ? (await repo.lines(b.id, true)).find((l) => l.id === o.lineId) : undefined;
      // Another city's line is not there for a city office: nor is an objection to it.
      if (line && (await scopeOf(repo, actor, b)) === 'own_lines' && officeOfLine(line, b) !== actor.organisationId)
        throw notFound('objection');
      const mayAnswer =
        actor.role === 'finance_officer' &&
        (actor.organisationId === b.reviewOfficeId || (line && officeOfLine(line, b) === actor.organisationId));
      if (!mayAnswer) throw forbidden('only the reviewing finance office answers this objection');
      if (o.status !== 'open') throw new AppError('conflict', 'the objection is already answered');
      const now = this.ctx.clock.now();
      if (!(await repo.answerObjection(o.id, { answer, answeredBy: actor.userId, answeredAt: now })))
        throw new AppError('conflict', 'the objection is already answered');
      await recordEvent(repo, b.id, o.lineId, 'objection_answered', null, null, actor, `#${o.id}`, now);
    });
    return this.reads.viewOf(batchId, lang, actor);
  }

  /**
   * Ends the notices whose period is over and whose objections are all answered: the batch is reviewed
   * and payment opens (the job runs this; `pay` does the same for its batch). Returns how many ended.
   */
  async closeEnded(): Promise<number> {
    const now = this.ctx.clock.now();
    const due = (await this.ctx.repo.batchesInNotice()).filter((b) => b.noticeEndsAt !== null && now >= b.noticeEndsAt);
    let ended = 0;
    for (const candidate of due) {
      ended += await this.ctx.db.write(async (tx) => {
        const repo = this.ctx.repo.with(tx);
        const b = await repo.batch(candidate.id);
        if (!b || b.status !== 'in_notice' || (await noticeBlock(repo, b, now))) return 0;
        if (!(await repo.moveBatch(b.id, 'in_notice', { status: 'reviewed', updatedAt: now }))) return 0;
        await repo.insertEvent({
          batchId: b.id,
          lineId: null,
          action: 'notice_ended',
          fromStatus: 'in_notice',
          toStatus: 'reviewed',
          actorId: null,
          reason: null,
          at: now,
        });
        return 1;
      });
    }
    return ended;
  }
}
