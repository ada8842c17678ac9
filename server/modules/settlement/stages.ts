/**
 * The review stages of a claim, pure: which stages a programme runs, where a line stands in them, which
 * lines a sampling stage draws, and when a public notice (公示) ends.
 *
 * A line's stage is read from its decisions (settlement_line_reviews) since it last went back to the
 * claimant: a returned line re-enters at the first stage, so only the approvals after the last return count.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { ReviewLevel } from '../../../db/schema/index.ts';
import type { ReviewStage } from '../../../db/schema/vouchers.ts';

export const ZONE = 'Asia/Shanghai';

/** The programme's stages; a programme without any reviews once, at its review level, every line. */
export function stagesOf(p: { reviewStages: ReviewStage[] | null; reviewLevel: ReviewLevel }): ReviewStage[] {
  return p.reviewStages?.length ? p.reviewStages : [{ kind: p.reviewLevel, samplePercent: 100 }];
}

export type Decision = 'approved' | 'returned' | 'rejected' | 'passed';

/**
 * The stage a line waits at: the approvals (or passes) since its last return, in order. Equal to the
 * number of stages once every stage let it through.
 */
export function stageOfLine(reviews: readonly { decision: Decision; stage: number }[]): number {
  let stage = 0;
  for (const r of reviews) {
    if (r.decision === 'returned') stage = 0;
    else if ((r.decision === 'approved' || r.decision === 'passed') && r.stage === stage) stage++;
  }
  return stage;
}

/** A fixed pseudo-random rank of a line in a stage's draw (the same on every node and every run). */
export function drawRank(lineId: number, stage: number): string {
  return createHash('sha256').update(`settlement-line:${lineId}:stage:${stage}`).digest('hex');
}

/**
 * The lines a stage reviews: all at 100%; otherwise the first ⌈n × percent / 100⌉ of the batch's lines
 * by their fixed rank (at least one). The draw is over the batch's live lines, so a line re-entering the
 * stage after a return is drawn (or not) as before.
 */
export function drawnLines(lineIds: readonly number[], stage: number, samplePercent: number): Set<number> {
  if (samplePercent >= 100) return new Set(lineIds);
  const count = Math.max(1, Math.ceil((lineIds.length * samplePercent) / 100));
  const ranked = [...lineIds].sort((a, b) => (drawRank(a, stage) < drawRank(b, stage) ? -1 : 1));
  return new Set(ranked.slice(0, count));
}

/**
 * A notice of `days` calendar days (Asia/Shanghai) starting now: it runs through the rest of today and
 * the `days` following days, ending at the local midnight after the last one (so never less than
 * `days` full days).
 */
export function noticeEnd(now: number, days: number): number {
  return DateTime.fromMillis(now, { zone: ZONE })
    .startOf('day')
    .plus({ days: days + 1 })
    .toMillis();
}
