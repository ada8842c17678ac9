/**
 * The finance office's side of a batch: approving (with an override where checks fail), returning and
 * rejecting lines, and paying the approved lines of a reviewed batch. Money moves as ledger
 * transfers: paying a line settles the claimant's receivable from the programme; rejecting one gives
 * the budget back and, where the programme says so, makes the share the enterprise's debt.
 *
 * A decision or a payment is one write transaction from the read of the batch to its notification:
 * the checks an override is recorded against, the line's status and the batch's are read where the
 * decision is written, and the ledger transfers commit with it or not at all.
 */
import type { Tx } from '../../../db/port.ts';
import type { LineStatus } from '../../../db/schema/index.ts';
import type { Lang } from '../../shared/lang.ts';
import { AppError, forbidden, notFound } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { LINKS } from '../notifications/links.ts';
import {
  claimantUsers,
  moveBatch,
  paidBatch,
  recordEvent,
  reviewedBatch,
  scopeOf,
  visibleLines,
  type SettlementContext,
} from './context.ts';
import type { BatchView } from './settlement.schemas.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';
import { advance, noticeBlock, stageOffice } from './progress.ts';
import { stageOfLine, stagesOf } from './stages.ts';
import type { BatchReads } from './views.ts';

/** A refusal of one line of several, naming it (`lineId` beside the usual message and details). */
const naming = (e: AppError, lineId: number): AppError =>
  new AppError(e.code, e.message, {
    ...(typeof e.details === 'object' && e.details !== null ? e.details : {}),
    lineId,
  });

export class BatchReview {
  constructor(
    private readonly ctx: SettlementContext,
    private readonly reads: BatchReads,
  ) {}

  async decide(
    actor: Actor,
    batchId: number,
    lineId: number,
    action: 'approve' | 'return' | 'reject',
    input: { reason?: string; overrideReason?: string },
    lang: Lang = 'zh',
  ): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const { b, lines } = await this.underReview(repo, actor, batchId);
      const line = lines.find((l) => l.id === lineId);
      if (!line) throw notFound('line of this batch');
      const now = this.ctx.clock.now();
      await this.decideLine(tx, actor, b, line, action, input, now);
      await advance(this.ctx, repo, b, actor, now);
    });
    return this.reads.viewOf(batchId, lang, actor);
  }

  /**
   * Approves the named lines of a batch at once, as the officer saw them passing their checks: each as
   * its own approval would (no override: a failing line refuses the lot), in one transaction, with the
   * batch moved on once at the end. Nothing is approved unless every line is.
   */
  async approveLines(actor: Actor, batchId: number, lineIds: number[], lang: Lang = 'zh'): Promise<BatchView> {
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const { b, lines } = await this.underReview(repo, actor, batchId);
      const byId = new Map(lines.map((l) => [l.id, l]));
      const now = this.ctx.clock.now();
      for (const lineId of new Set(lineIds)) {
        const line = byId.get(lineId);
        if (!line) throw naming(notFound('line of this batch'), lineId);
        await this.decideLine(tx, actor, b, line, 'approve', {}, now).catch((e: unknown) => {
          throw e instanceof AppError ? naming(e, lineId) : e;
        });
      }
      await advance(this.ctx, repo, b, actor, now);
    });
    return this.reads.viewOf(batchId, lang, actor);
  }

  /** A submitted batch the actor reviews, and the lines of it the actor's office sees. */
  private async underReview(repo: SettlementRepo, actor: Actor, batchId: number) {
    const b = await reviewedBatch(repo, actor, batchId);
    if (b.status !== 'submitted')
      throw new AppError('conflict', `lines of a ${b.status} batch cannot be reviewed`, { currentStatus: b.status });
    // A city office finds only its own lines (another city's line is not there for it).
    const lines = visibleLines(await repo.lines(b.id), b, actor, (await scopeOf(repo, actor, b))!);
    return { b, lines };
  }

  /** One decision on one line, inside the caller's transaction; the caller moves the batch on after. */
  private async decideLine(
    tx: Tx,
    actor: Actor,
    b: BatchRow,
    line: LineRow,
    action: 'approve' | 'return' | 'reject',
    input: { reason?: string; overrideReason?: string },
    now: number,
  ): Promise<void> {
    const repo = this.ctx.repo.with(tx);
    if (line.status !== 'pending')
      throw new AppError('conflict', `the line is already ${line.status}`, { currentStatus: line.status });
    const programme = (await this.ctx.vouchers.programme(b.programmeId))!;
    const stages = stagesOf(programme);
    const stage = stageOfLine((await repo.reviews(b.id)).filter((r) => r.lineId === line.id));
    if (stage !== b.stage)
      throw new AppError(
        'conflict',
        `the line waits at stage ${stage + 1} while the batch is at stage ${b.stage + 1}: every line of a stage is decided before the next stage begins`,
        { stage: stage + 1, batchStage: b.stage + 1 },
      );
    const office = await stageOffice(repo, stages[stage]!, line, b);
    if (office !== actor.organisationId)
      throw forbidden(
        `stage ${stage + 1} (${stages[stage]!.kind === 'city' ? 'the city office' : 'the provincial office'}) of this line is another office’s to decide`,
      );
    // Read in the transaction: the override is recorded against the checks as they are when it is written.
    const checks = await this.reads.checksOf(repo, b, line);
    const failing = checks.filter((c) => !c.ok);
    // The enterprise's own share must have arrived before the voucher share goes out: no override.
    if (action === 'approve' && failing.some((c) => c.name === 'total_adds_up'))
      throw new AppError(
        'conflict',
        'the enterprise’s own share has not been received (card captured or transfer confirmed): the line cannot be approved, not even with an override',
        { failedChecks: ['total_adds_up'], reason: 'self_pay_not_received' },
      );
    if (action === 'approve' && failing.length && !input.overrideReason) {
      throw new AppError(
        'conflict',
        `checks failed (${failing.map((c) => c.name).join(', ')}): approving needs an override reason`,
        {
          failedChecks: failing.map((c) => c.name),
        },
      );
    }
    // An approval before the last stage leaves the line pending for the next one.
    const last = stage === stages.length - 1;
    const to: LineStatus =
      action === 'approve' ? (last ? 'approved' : 'pending') : action === 'return' ? 'returned' : 'rejected';
    const decided = await repo.moveLine(
      line.id,
      'pending',
      {
        status: to,
        updatedAt: now,
        ...(to !== 'pending' && { reason: input.reason ?? null, decidedBy: actor.userId, decidedAt: now }),
        ...(action === 'approve' &&
          failing.length && { overrideBy: actor.userId, overrideReason: input.overrideReason! }),
      },
      line.updatedAt,
    );
    if (!decided) {
      // Only where transactions run side by side (PostgreSQL): another officer decided it first.
      const fresh = (await repo.lines(b.id, true)).find((l) => l.id === line.id)!;
      throw new AppError('conflict', `the line was decided meanwhile (${fresh.status})`, {
        currentStatus: fresh.status,
      });
    }
    await repo.insertReview({
      lineId: line.id,
      batchId: b.id,
      stage,
      stageKind: stages[stage]!.kind,
      officeId: actor.organisationId,
      decision: action === 'approve' ? 'approved' : action === 'return' ? 'returned' : 'rejected',
      reason: input.overrideReason && failing.length ? input.overrideReason : (input.reason ?? null),
      actorId: actor.userId,
      at: now,
    });
    if (action === 'reject') await this.unclaim(b, line, now);
    if (action === 'return')
      await this.ctx.notifier?.notify(
        {
          type: 'settlement_line_returned',
          to: claimantUsers(b),
          data: {
            batchId: b.id,
            lineId: line.id,
            bookingId: line.bookingId,
            programmeName: (await this.ctx.vouchers.programme(b.programmeId))?.name ?? '',
            month: b.month,
            voucherFen: line.voucherFen,
            reason: input.reason ?? null,
          },
          link: LINKS.claimantBatch(b.id, b.claimantKind),
          key: `settlement_line_returned:line:${line.id}:at:${now}`,
        },
        now,
      );
    await recordEvent(
      repo,
      b.id,
      line.id,
      action === 'approve' && failing.length ? 'approve_override' : action,
      'pending',
      to,
      actor,
      input.overrideReason && failing.length
        ? `${input.overrideReason}${input.reason ? ` · ${input.reason}` : ''}`
        : (input.reason ?? null),
      now,
    );
    await this.ctx.audit?.record(
      {
        action: `settlement.line_${action}`,
        actor,
        subject: { type: 'settlement_batch', id: b.id },
        details: {
          lineId: line.id,
          bookingId: line.bookingId,
          voucherFen: line.voucherFen,
          reason: input.reason ?? null,
          ...(action === 'approve' &&
            failing.length && { overrideReason: input.overrideReason, failedChecks: failing.map((c) => c.name) }),
        },
      },
      tx,
    );
  }

  /** A rejected line: the budget gets the share back; in deduct mode it may become the enterprise's debt. */
  private async unclaim(b: BatchRow, line: LineRow, now: number): Promise<void> {
    const { ledger, vouchers } = this.ctx;
    const programme = (await vouchers.programme(b.programmeId))!;
    const use = (await vouchers.useById(line.voucherUseId))!;
    const receivable = await this.receivableOf(b, use.enterpriseId);
    const budget = (await ledger.accountByCode(`programme:${programme.id}:budget`))!;
    await ledger.create(
      {
        id: `claim-line:${line.id}:reject`,
        debit: receivable.id,
        credit: budget.id,
        amountFen: line.voucherFen,
        code: 'claim_rejected',
        bookingId: line.bookingId,
      },
      now,
    );
    if (b.claimantKind === 'provider' && programme.rejectOutcome === 'enterprise_debt') {
      const cash = await ledger.account(
        {
          code: `enterprise:${use.enterpriseId}:cash`,
          kind: 'enterprise_cash',
          name: `用户单位 ${use.enterpriseId} · 自付资金 self-pay`,
          organisationId: use.enterpriseId,
        },
        now,
      );
      const owed = await ledger.account(
        {
          code: `provider:${b.claimantId}:receivable:enterprise`,
          kind: 'provider_receivable_enterprise',
          name: `服务单位 ${b.claimantId} · 应收用户（发票）from invoices`,
          organisationId: b.claimantId,
        },
        now,
      );
      await ledger.create(
        {
          id: `claim-line:${line.id}:debt`,
          debit: cash.id,
          credit: owed.id,
          amountFen: line.voucherFen,
          code: 'voucher_debt',
          bookingId: line.bookingId,
        },
        now,
      );
    }
  }

  private async receivableOf(b: BatchRow, enterpriseId: number) {
    const code =
      b.claimantKind === 'provider'
        ? `provider:${b.claimantId}:receivable:programme:${b.programmeId}`
        : `enterprise:${enterpriseId}:receivable:programme:${b.programmeId}`;
    const account = await this.ctx.ledger.accountByCode(code);
    if (!account) throw new AppError('conflict', `no receivable account ${code}`);
    return account;
  }

  /**
   * Pays the approved lines of a reviewed batch. The batch is claimed (reviewed → paid) before the
   * ledger moves, in the same transaction: a second payment of it finds it paid and changes nothing.
   */
  async pay(actor: Actor, id: number, reference: string, lang: Lang = 'zh'): Promise<BatchView> {
    const { ledger, vouchers } = this.ctx;
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      let b = await paidBatch(repo, actor, id);
      const now = this.ctx.clock.now();
      if (b.status === 'in_notice') {
        const blocked = await noticeBlock(repo, b, now);
        if (blocked) throw blocked;
        await moveBatch(repo, b, { status: 'reviewed', updatedAt: now });
        await recordEvent(repo, b.id, null, 'notice_ended', 'in_notice', 'reviewed', actor, null, now);
        b = { ...b, status: 'reviewed' };
      }
      if (b.status !== 'reviewed')
        throw new AppError(
          'conflict',
          `a ${b.status} batch cannot be paid${b.status === 'submitted' ? ' before every line is decided' : ''}`,
          {
            currentStatus: b.status,
          },
        );
      // Four-eyes: whoever approved a line of the batch, at any stage, may not also record its payment.
      if ((await repo.approvers(b.id)).includes(actor.userId))
        throw forbidden(
          'you approved lines of this batch: another officer of the paying office must record the payment (four-eyes)',
        );
      const approved = (await repo.lines(b.id)).filter((l) => l.status === 'approved');
      if (!approved.length) throw new AppError('conflict', 'no line of this batch is approved: nothing to pay');
      const paid = approved.reduce((s, l) => s + l.voucherFen, 0);
      await moveBatch(repo, b, {
        status: 'paid',
        paidBy: actor.userId,
        paidReference: reference,
        paidFen: paid,
        paidAt: now,
        updatedAt: now,
      });
      const programme = (await vouchers.programme(b.programmeId))!;
      const paidAccount = await ledger.account(
        {
          code: `programme:${b.programmeId}:paid`,
          kind: 'programme_paid',
          name: `${programme.name} · 已兑付 paid out`,
          programmeId: b.programmeId,
        },
        now,
      );
      for (const line of approved) {
        const use = (await vouchers.useById(line.voucherUseId))!;
        await ledger.create(
          {
            id: `claim-line:${line.id}:pay`,
            debit: (await this.receivableOf(b, use.enterpriseId)).id,
            credit: paidAccount.id,
            amountFen: line.voucherFen,
            code: 'claim_paid',
            bookingId: line.bookingId,
            processorRef: reference,
          },
          now,
        );
      }
      await recordEvent(repo, b.id, null, 'pay', 'reviewed', 'paid', actor, reference, now);
      await this.ctx.audit?.record(
        {
          action: 'settlement.pay',
          actor,
          subject: { type: 'settlement_batch', id: b.id },
          details: {
            programmeId: b.programmeId,
            month: b.month,
            paidFen: paid,
            lines: approved.length,
            reference,
            claimantId: b.claimantId,
          },
        },
        tx,
      );
      await this.ctx.notifier?.notify(
        {
          type: 'batch_paid',
          to: claimantUsers(b),
          data: {
            batchId: b.id,
            programmeName: programme.name,
            month: b.month,
            paidFen: paid,
            reference,
            lineCount: approved.length,
          },
          link: LINKS.claimantBatch(b.id, b.claimantKind),
          key: `batch_paid:batch:${b.id}`,
        },
        now,
      );
    });
    return this.reads.viewOf(id, lang, actor);
  }
}
