/**
 * The claimant's side of a batch: assembling a draft from the month's voucher uses not yet claimed,
 * filling in a line's evidence, taking a line out, submitting the batch and resubmitting a returned line.
 *
 * Each change is one write transaction from the first read of the batch to its audit event: the status
 * a change depends on is read where it is written, so no other request can move the batch in between.
 */
import { DateTime } from 'luxon';
import type { BankAccount } from '../../../db/schema/settlement.ts';
import type { Lang } from '../../shared/lang.ts';
import { formatFen } from '../../shared/money.ts';
import { AppError, badRequest } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import {
  claimantOf,
  inSnapshot,
  lineOf,
  moveBatch,
  ownBatch,
  recordEvent,
  today,
  ZONE,
  type SettlementContext,
} from './context.ts';
import { settleIfDecided } from './review.ts';
import type { BatchView } from './settlement.schemas.ts';
import type { BatchRow, Claimable } from './settlement.repo.ts';
import type { BatchReads } from './views.ts';

export class BatchClaims {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
  ) {}

  /**
   * Assembles a draft claim from the completed voucher uses of one programme and month, one batch per
   * reviewing office. Finding the uses in no live claim line and writing them into new lines is one
   * transaction: an order is in one live claim line at most (the partial unique index
   * settlement_lines_use_once says so too), so two requests for the same month cannot both claim it.
   * The programme is read there as well: its mode, claim window and review level decide the batches.
   */
  async create(actor: Actor, input: { programmeId: number; month: string }, lang: Lang = 'zh'): Promise<BatchView> {
    const claimant = claimantOf(actor);
    const made = await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const programme = await this.ctx.vouchers.programme(input.programmeId);
      if (!programme) throw badRequest('unknown programme', [{ path: 'body.programmeId', message: 'unknown' }]);
      const mode = claimant.kind === 'provider' ? 'deduct' : 'reimburse';
      if (programme.settlementMode !== mode) {
        throw badRequest(
          claimant.kind === 'provider'
            ? 'in a reimburse programme the enterprises claim, not the provider'
            : 'in a deduct programme the provider claims, not the enterprise',
          [{ path: 'body.programmeId', message: programme.settlementMode === 'deduct' ? 'deduct' : 'reimburse' }],
        );
      }
      const start = DateTime.fromISO(`${input.month}-01`, { zone: ZONE });
      if (!start.isValid) throw badRequest('not a month', [{ path: 'body.month', message: 'YYYY-MM' }]);
      const now = this.ctx.clock.now();
      if (start.toMillis() > now)
        throw badRequest('that month has not begun', [{ path: 'body.month', message: 'in the future' }]);
      if (today(this.ctx) > programme.claimBy)
        throw badRequest(`claims for this programme closed on ${programme.claimBy}`, [
          { path: 'body.programmeId', message: 'claim period over' },
        ]);
      const uses = await repo.claimable({
        programmeId: programme.id,
        ...(claimant.kind === 'provider' ? { providerId: claimant.id } : { enterpriseId: claimant.id }),
        from: start.toMillis(),
        to: start.plus({ months: 1 }).toMillis(),
      });
      if (!uses.length)
        throw badRequest(`no completed voucher uses to claim for ${input.month}`, [
          { path: 'body.month', message: 'nothing to claim' },
        ]);
      // One batch per reviewing office: the enterprise's city office, or the provincial one.
      const byOffice = new Map<number, Claimable[]>();
      for (const u of uses) {
        const office =
          (programme.reviewLevel === 'city' ? await repo.financeOffice(u.enterpriseCity) : undefined) ??
          (await repo.financeOffice(null));
        if (office === undefined) throw new AppError('conflict', 'no finance office is set up to review this claim');
        byOffice.set(office, [...(byOffice.get(office) ?? []), u]);
      }
      const batches: BatchRow[] = [];
      for (const [office, group] of byOffice) {
        const batch = await repo.insertBatch({
          programmeId: programme.id,
          month: input.month,
          claimantId: claimant.id,
          claimantKind: claimant.kind,
          reviewOfficeId: office,
          status: 'draft',
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        });
        for (const u of group) {
          await repo.insertLine({
            batchId: batch.id,
            voucherUseId: u.useId,
            bookingId: u.bookingId,
            voucherFen: u.postedFen,
            paymentRef: u.chargeId ?? (u.paymentMethod === 'invoice' ? `invoice:booking:${u.bookingId}` : null),
            serviceRecord: serviceRecord(u),
            status: 'pending',
            createdAt: now,
            updatedAt: now,
          });
        }
        await recordEvent(repo, batch.id, null, 'created', null, 'draft', actor, `${group.length} lines`, now);
        batches.push(batch);
      }
      return batches;
    });
    const [first, ...others] = made;
    return inSnapshot(this.ctx, async (repo) => {
      const siblings: { id: number; reviewOffice: string }[] = [];
      for (const b of others) siblings.push({ id: b.id, reviewOffice: await repo.organisationName(b.reviewOfficeId) });
      return { ...(await this.reads.view(repo, first!, lang)), siblings };
    });
  }

  /** The claimant fills in a line's evidence (draft batch, or a returned line). */
  async updateLine(
    actor: Actor,
    batchId: number,
    lineId: number,
    input: { invoiceNo?: string; note?: string },
    lang: Lang = 'zh',
  ): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, batchId);
      const line = await lineOf(repo, b, lineId);
      if (!(b.status === 'draft' || line.status === 'returned'))
        throw new AppError('conflict', 'only a draft batch or a returned line can be changed', {
          currentStatus: line.status,
        });
      const now = this.ctx.clock.now();
      if (input.invoiceNo) {
        // Unique platform-wide (settlement_lines_invoice): checked here to say so clearly.
        const other = await repo.lineByInvoice(input.invoiceNo);
        if (other && other.id !== line.id)
          throw badRequest('that invoice number is already claimed', [
            { path: 'body.invoiceNo', message: 'duplicate' },
          ]);
      }
      await repo.updateLine(line.id, {
        ...(input.invoiceNo !== undefined && { invoiceNo: input.invoiceNo }),
        ...(input.note !== undefined && { note: input.note }),
        updatedAt: now,
      });
      await recordEvent(repo, b.id, line.id, 'evidence', line.status, line.status, actor, input.invoiceNo ?? null, now);
    });
    return this.reads.viewOf(batchId, lang);
  }

  /** Takes a line out of its batch (draft, or returned): the order can be claimed again later. */
  async removeLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, batchId);
      const line = await lineOf(repo, b, lineId);
      if (!(b.status === 'draft' || line.status === 'returned'))
        throw new AppError('conflict', 'only lines of a draft batch or returned lines can be removed', {
          currentStatus: line.status,
        });
      const now = this.ctx.clock.now();
      await repo.updateLine(line.id, { status: 'removed', updatedAt: now });
      await recordEvent(repo, b.id, line.id, 'remove', line.status, 'removed', actor, null, now);
      await settleIfDecided(repo, b, actor, now);
    });
    return this.reads.viewOf(batchId, lang);
  }

  async submit(actor: Actor, id: number, bankAccount: BankAccount, lang: Lang = 'zh'): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, id);
      if (b.status !== 'draft')
        throw new AppError('conflict', `a ${b.status} batch cannot be submitted`, { currentStatus: b.status });
      const lines = await repo.lines(b.id);
      if (!lines.length) throw badRequest('the batch has no lines', [{ path: 'params.id', message: 'empty' }]);
      const missing = lines.filter((l) => !l.invoiceNo);
      if (missing.length)
        throw badRequest(`every line needs its invoice number (${missing.length} missing)`, [
          { path: 'lines', message: `lines ${missing.map((l) => l.id).join(', ')} have no invoice number` },
        ]);
      const now = this.ctx.clock.now();
      await moveBatch(repo, b, { status: 'submitted', bankAccount, submittedAt: now, updatedAt: now });
      await recordEvent(repo, b.id, null, 'submit', 'draft', 'submitted', actor, null, now);
      await this.ctx.audit?.record(
        {
          action: 'settlement.submit',
          actor,
          subject: { type: 'settlement_batch', id: b.id },
          details: {
            programmeId: b.programmeId,
            month: b.month,
            lines: lines.length,
            totalFen: lines.reduce((s, l) => s + l.voucherFen, 0),
          },
        },
        tx,
      );
    });
    return this.reads.viewOf(id, lang);
  }

  /** The claimant sends a corrected line back for review. */
  async resubmitLine(actor: Actor, batchId: number, lineId: number, lang: Lang = 'zh'): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const b = await ownBatch(repo, actor, batchId);
      const line = await lineOf(repo, b, lineId);
      if (line.status !== 'returned')
        throw new AppError('conflict', `a ${line.status} line cannot be resubmitted`, { currentStatus: line.status });
      if (!line.invoiceNo)
        throw badRequest('the line needs its invoice number', [{ path: 'body.invoiceNo', message: 'required' }]);
      const now = this.ctx.clock.now();
      await repo.updateLine(line.id, { status: 'pending', updatedAt: now });
      if (b.status === 'reviewed') await repo.updateBatch(b.id, { status: 'submitted', updatedAt: now });
      await recordEvent(repo, b.id, line.id, 'resubmit', 'returned', 'pending', actor, null, now);
    });
    return this.reads.viewOf(batchId, lang);
  }
}

/** The national service record of a job, as a line's evidence. */
function serviceRecord(u: {
  mode: string;
  startAt: number | null;
  endAt: number | null;
  actualMinutes: number | null;
  actualSamples: number | null;
  finalFen: number;
  instrumentName: string;
}): string {
  const when =
    u.startAt !== null && u.endAt !== null
      ? `${DateTime.fromMillis(u.startAt, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm')}–${DateTime.fromMillis(u.endAt, { zone: ZONE }).toFormat('HH:mm')}`
      : '';
  const usage =
    u.mode === 'machine_time' ? `机时 ${u.actualMinutes ?? '–'} 分钟` : `委托测试 ${u.actualSamples ?? '–'} 个样品`;
  return [u.instrumentName, when, usage, `金额 ${formatFen(u.finalFen)}`].filter(Boolean).join('；');
}
