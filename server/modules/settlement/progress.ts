/**
 * How a submitted batch moves on as its lines are decided: the office that decides a line at each stage,
 * the lines a sampling stage lets pass, the public notice or the end of review, and what still keeps a
 * batch in notice from payment.
 */
import { DateTime } from 'luxon';
import type { ReviewStage } from '../../../db/schema/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../auth/actor.ts';
import { officeOfLine, type SettlementContext } from './context.ts';
import type { BatchRow, LineRow, SettlementRepo } from './settlement.repo.ts';
import { drawnLines, noticeEnd, stageOfLine, stagesOf, ZONE } from './stages.ts';

/** The office that decides a line at a stage: its first-stage office for a city stage, else the province's. */
export async function stageOffice(
  repo: SettlementRepo,
  stage: ReviewStage,
  line: LineRow,
  b: BatchRow,
): Promise<number> {
  if (stage.kind === 'city') return officeOfLine(line, b);
  const province = await repo.financeOffice(null);
  if (province === undefined) throw new AppError('conflict', 'no provincial finance office is set up');
  return province;
}

/**
 * Moves a submitted batch on after a change of its lines. The batch's stage is the earliest stage a
 * pending line waits at; a stage that samples lets the lines it did not draw pass (recorded as `passed`).
 * When no line waits (and none is back with the claimant), the batch goes into its public notice — when
 * the programme has one and a line was approved — or is reviewed, and payment opens.
 */
export async function advance(
  ctx: SettlementContext,
  repo: SettlementRepo,
  b0: BatchRow,
  actor: Actor | null,
  now: number,
): Promise<void> {
  const b = (await repo.batch(b0.id))!;
  if (b.status !== 'submitted') return;
  const programme = (await ctx.vouchers.programme(b.programmeId))!;
  const stages = stagesOf(programme);
  const event = (
    lineId: number | null,
    action: string,
    from: string | null,
    to: string | null,
    reason: string | null,
  ) =>
    repo.insertEvent({
      batchId: b.id,
      lineId,
      action,
      fromStatus: from,
      toStatus: to,
      actorId: actor?.userId ?? null,
      reason,
      at: now,
    });
  for (;;) {
    const lines = await repo.lines(b.id);
    const reviews = await repo.reviews(b.id);
    const stageOf = (l: LineRow) => stageOfLine(reviews.filter((r) => r.lineId === l.id));
    const pending = lines.filter((l) => l.status === 'pending');
    if (pending.length) {
      const stage = Math.min(...pending.map(stageOf));
      const spec = stages[Math.min(stage, stages.length - 1)]!;
      const drawn = drawnLines(
        lines.map((l) => l.id),
        stage,
        spec.samplePercent,
      );
      const passing = pending.filter((l) => stageOf(l) === stage && !drawn.has(l.id));
      if (stage < stages.length && passing.length) {
        for (const l of passing) {
          await repo.insertReview({
            lineId: l.id,
            batchId: b.id,
            stage,
            stageKind: spec.kind,
            officeId: await stageOffice(repo, spec, l, b),
            decision: 'passed',
            reason: `not drawn in the ${spec.samplePercent}% sample`,
            actorId: null,
            at: now,
          });
          if (stage === stages.length - 1) {
            await repo.updateLine(l.id, { status: 'approved', decidedAt: now, updatedAt: now });
            await event(l.id, 'passed', 'pending', 'approved', `${spec.samplePercent}%`);
          } else await repo.updateLine(l.id, { updatedAt: now });
        }
        continue; // the stage may now be over
      }
      if (stage !== b.stage) {
        await repo.updateBatch(b.id, { stage, updatedAt: now });
        await event(null, 'stage', null, null, `${stage + 1}:${spec.kind}`);
      }
      return;
    }
    if (lines.some((l) => l.status === 'returned')) return; // back with the claimant: it re-enters at stage 1
    if (programme.publicNoticeDays > 0 && lines.some((l) => l.status === 'approved')) {
      const endsAt = noticeEnd(now, programme.publicNoticeDays);
      await repo.updateBatch(b.id, { status: 'in_notice', noticeStartsAt: now, noticeEndsAt: endsAt, updatedAt: now });
      await event(
        null,
        'notice',
        'submitted',
        'in_notice',
        DateTime.fromMillis(endsAt, { zone: ZONE }).minus({ days: 1 }).toISODate(),
      );
    } else {
      await repo.updateBatch(b.id, { status: 'reviewed', updatedAt: now });
      await event(null, 'reviewed', 'submitted', 'reviewed', null);
    }
    return;
  }
}

/** What keeps a batch in notice from payment now (the period still running, objections unanswered), as the error to answer. */
export async function noticeBlock(repo: SettlementRepo, b: BatchRow, now: number): Promise<AppError | null> {
  if (b.noticeEndsAt !== null && now < b.noticeEndsAt) {
    const last = DateTime.fromMillis(b.noticeEndsAt, { zone: ZONE }).minus({ days: 1 }).toISODate();
    return new AppError(
      'conflict',
      `the batch is in public notice until the end of ${last} (Asia/Shanghai): payment opens after it`,
      { currentStatus: b.status, noticeEndsAt: new Date(b.noticeEndsAt).toISOString() },
    );
  }
  const open = (await repo.objections(b.id)).filter((o) => o.status === 'open').length;
  if (open)
    return new AppError('conflict', `objections to the public notice unanswered: ${open}; answer them before payment`, {
      currentStatus: b.status,
      openObjections: open,
    });
  return null;
}
