/**
 * A list of ids or codes bound as ONE parameter, so that one statement text serves any number of
 * them. Each engine's IN-list text takes it its own way (the repository keeps both texts and picks
 * one with `byEngine`):
 * - SQLite: `x IN (SELECT value FROM json_each(?))` reads a JSON array;
 * - PostgreSQL: `x = ANY(?::bigint[])` (or `?::text[]`) takes an array, which node-postgres sends
 *   as an array literal.
 */
import type { Engine, Param } from '../../db/port.ts';

export function listParam(engine: Engine, values: readonly (number | string)[]): Param {
  // The port's Param has no arrays; the PostgreSQL engine hands the array to node-postgres as it is.
  return engine === 'sqlite' ? JSON.stringify(values) : (values as unknown as Param);
}
