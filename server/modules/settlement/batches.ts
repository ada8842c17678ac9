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
import { advance } from './progress.ts';
import type { BatchView } from './settlement.schemas.ts';

export interface ClaimableMonth {
  programmeId: number;
  programmeName: string;
  month: string;
  count: number;
  voucherFen: number;
  claimBy: string;
}
import { stagesOf } from './stages.ts';
import type { BatchReads } from './views.ts';

export class BatchClaims {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
  ) {}

  /**
   * Assembles the claim of one programme and month: one batch per claimant, programme and month, paid by
   * the programme's issuer's finance office (the province's, or the issuing city's). Each line carries the
   * office that reviews it at the first stage (a city stage: the enterprise's city office, or the
   * province's where the city has none), so the lab files once however many cities its customers are
   * in, and each office sees its part. Uses completed after a draft was made join that draft.
   *
   * Finding the uses in no live claim line and writing them into lines is one transaction: an order is
   * in one live claim line at most (the partial unique index settlement_lines_use_once says so too), so
   * two requests for the same month cannot both claim it.
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
      const province = await repo.financeOffice(null);
      const payer =
        (programme.issuerCityCode ? await repo.financeOffice(programme.issuerCityCode) : undefined) ?? province;
      if (payer === undefined || province === undefined)
        throw new AppError('conflict', 'no finance office is set up to review this claim');
      const firstStage = stagesOf(programme)[0]!;
      // A draft of the same claimant, programme and month takes the new uses: the lab files once.
      const draft = (
        await repo.batches({ claimantId: claimant.id, claimantKind: claimant.kind, programmeId: programme.id })
      ).find((b) => b.month === input.month && b.status === 'draft');
      const batch =
        draft ??
        (await repo.insertBatch({
          programmeId: programme.id,
          month: input.month,
          claimantId: claimant.id,
          claimantKind: claimant.kind,
          reviewOfficeId: payer,
          status: 'draft',
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
        }));
      for (const u of uses) {
        const office =
          (firstStage.kind === 'city' && u.enterpriseCity !== null
            ? await repo.financeOffice(u.enterpriseCity)
            : undefined) ?? province;
        await repo.insertLine({
          batchId: batch.id,
          voucherUseId: u.useId,
          bookingId: u.bookingId,
          voucherFen: u.postedFen,
          // The card's charge, or the bank transfer's notice (its receipts: the check's evidence).
          paymentRef:
            u.chargeId ??
            (u.paymentMethod === 'bank_transfer'
              ? `transfer:booking:${u.bookingId}`
              : u.paymentMethod === 'invoice'
                ? `invoice:booking:${u.bookingId}`
                : null),
          serviceRecord: serviceRecord(u),
          status: 'pending',
          reviewOfficeId: office,
          createdAt: now,
          updatedAt: now,
        });
      }
      await recordEvent(
        repo,
        batch.id,
        null,
        draft ? 'lines_added' : 'created',
        null,
        'draft',
        actor,
        `${uses.length} lines`,
        now,
      );
      return batch;
    });
    return inSnapshot(this.ctx, async (repo) => this.reads.view(repo, made, lang, true, actor));
  }

  /**
   * What the caller can claim: the programmes (of its settlement mode, claim period open) and months
   * that have completed voucher uses in no claim yet, with how many and how much — the list the
   * claim form picks from. The same query as `create`, so what is listed can be claimed.
   */
  async claimable(actor: Actor): Promise<ClaimableMonth[]> {
    const claimant = claimantOf(actor);
    const mode = claimant.kind === 'provider' ? 'deduct' : 'reimburse';
    return inSnapshot(this.ctx, async (repo) => {
      const uses = await repo.claimable({
        programmeId: null,
        ...(claimant.kind === 'provider' ? { providerId: claimant.id } : { enterpriseId: claimant.id }),
        from: 0,
        to: this.ctx.clock.now() + 1,
      });
      const date = today(this.ctx);
      const groups = new Map<string, ClaimableMonth>();
      for (const u of uses) {
        const programme = await this.ctx.vouchers.programme(u.programmeId);
        if (!programme || programme.settlementMode !== mode || date > programme.claimBy) continue;
        const month = DateTime.fromMillis(u.postedAt, { zone: ZONE }).toFormat('yyyy-MM');
        const key = `${u.programmeId}:${month}`;
        const g = groups.get(key) ?? {
          programmeId: programme.id,
          programmeName: programme.name,
          month,
          count: 0,
          voucherFen: 0,
          claimBy: programme.claimBy,
        };
        g.count++;
        g.voucherFen += u.postedFen;
        groups.set(key, g);
      }
      return [...groups.values()].sort((a, b) => b.month.localeCompare(a.month) || a.programmeId - b.programmeId);
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
      await advance(this.ctx, repo, b, actor, now);
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
      await advance(this.ctx, repo, { ...b, status: 'submitted' }, actor, now);
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
      // Back to the first stage: its decisions since the return are what count (stages.ts).
      await repo.updateLine(line.id, { status: 'pending', updatedAt: now });
      if (b.status === 'reviewed') await repo.updateBatch(b.id, { status: 'submitted', updatedAt: now });
      await recordEvent(repo, b.id, line.id, 'resubmit', 'returned', 'pending', actor, null, now);
      await advance(this.ctx, repo, b, actor, now);
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
