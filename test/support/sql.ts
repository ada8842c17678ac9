/**
 * SQL texts the tests send where SQLite and PostgreSQL differ (the tests' own checks, computed
 * independently of the server's SQL): one place per difference, chosen by the test database's engine.
 */
import { byEngine, type Engine } from '../../db/port.ts';

/**
 * The calendar year (`'2026'`) or month (`'2026-10'`) in Shanghai of an instant in epoch
 * milliseconds (`epochMs` is an SQL expression).
 */
export function shanghaiPeriod(engine: Engine, epochMs: string, period: 'year' | 'month'): string {
  return byEngine(engine, {
    sqlite: `strftime('${period === 'year' ? '%Y' : '%Y-%m'}', ${epochMs} / 1000, 'unixepoch', '+8 hours')`,
    postgres: `to_char(to_timestamp(${epochMs} / 1000.0) AT TIME ZONE 'Asia/Shanghai', '${period === 'year' ? 'YYYY' : 'YYYY-MM'}')`,
  });
}

/** `needle` occurs in `haystack` (SQL expressions), case-sensitively, no pattern characters. */
export function contains(engine: Engine, haystack: string, needle: string): string {
  return byEngine(engine, {
    sqlite: `instr(${haystack}, ${needle}) > 0`,
    postgres: `strpos(${haystack}, ${needle}) > 0`,
  });
}
