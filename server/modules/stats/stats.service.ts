/**
 * How the province's instruments are shared and used (共享共用情况): figures per instrument-month
 * kept in a roll-up table, refreshed for the instrument-months that triggers marked dirty (any
 * booking or voucher-use change, from any process), summed for any scope on request.
 *
 * This facade keeps the module's public methods; the work is in the use-case files:
 * - rollup.ts: keeping the roll-up current (the dirty marks), aggregates.ts: the levels above it;
 * - year-builder.ts: a year's months written in chunks, off the request path;
 * - read-context.ts: the years, the year asked for, the answers remembered by version;
 * - overview.ts (province), institution.ts (an institution's dashboard, underused instruments),
 *   instrument.ts (one instrument); levels.ts reads the levels for them.
 */
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Actor } from '../auth/actor.ts';
import { Aggregates } from './aggregates.ts';
import { InstitutionFigures } from './institution.ts';
import { InstrumentFigures } from './instrument.ts';
import { Overview } from './overview.ts';
import { ReadContext } from './read-context.ts';
import { RollupRefresh } from './rollup.ts';
import { YearBuilder } from './year-builder.ts';

export { PLATFORM_FIRST_YEAR } from './read-context.ts';

export interface Scope {
  institutionId?: number;
  instrumentId?: number;
}

export class StatsService {
  private readonly rollup: RollupRefresh;
  /** Writes the months of a year that have no row yet, off the request path. */
  private readonly builder: YearBuilder;
  private readonly reads: ReadContext;
  private readonly overviewFigures: Overview;
  private readonly institutionFigures: InstitutionFigures;
  private readonly instrumentFigures: InstrumentFigures;

  constructor(db: Database, clock: Clock) {
    const aggregates = new Aggregates(db);
    this.rollup = new RollupRefresh(db, clock, aggregates);
    this.builder = new YearBuilder(db, clock, aggregates);
    this.reads = new ReadContext(db, clock, this.builder, this.rollup);
    this.overviewFigures = new Overview(this.reads);
    this.institutionFigures = new InstitutionFigures(this.reads);
    this.instrumentFigures = new InstrumentFigures(this.reads);
  }

  // Keeping the roll-up current

  /**
   * Makes sure every instrument has a row for each month of a year up to this one, at once: at
   * start-up, before anything serves (requests and the maintenance timer build in chunks: buildYear).
   */
  ensureYear(year: number): Promise<void> {
    return this.builder.ensure(year);
  }

  /** Builds a year's missing months off the request path, a chunk of instruments at a time (maintenance). */
  buildYear(year: number): Promise<void> {
    return this.builder.whenBuilt(year);
  }

  /** Recomputes the marked instrument-months (at most `limit` per call); returns how many. */
  refresh(limit = 100_000): Promise<number> {
    return this.rollup.refresh(limit);
  }

  // Reading

  /** The years with figures: from the platform's first (PLATFORM_FIRST_YEAR or an earlier booking's) to this one. */
  years(): Promise<{ first: number; last: number }> {
    return this.reads.years();
  }

  /** Province-wide, for everyone: totals, by city, by top category, by month, the most used instruments. */
  overview(yearInput?: number) {
    return this.overviewFigures.overview(yearInput);
  }

  /** An institution's dashboard: totals, by month, and every instrument's figures. */
  institution(actor: Actor, institutionId: number, yearInput?: number) {
    return this.institutionFigures.institution(actor, institutionId, yearInput);
  }

  /** One instrument's figures by month. Public: the sharing of each instrument is open information. */
  instrument(instrumentId: number, yearInput?: number) {
    return this.instrumentFigures.instrument(instrumentId, yearInput);
  }

  /** Instruments under the thresholds (utilisation or effective hours), for the evaluation of open sharing. */
  underused(actor: Actor, q: { institutionId?: number; year?: number; maxUtilisation: number; minHours: number }) {
    return this.institutionFigures.underused(actor, q);
  }
}
