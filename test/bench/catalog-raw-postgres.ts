/**
 * The raw baseline of `npm run bench:catalog` on PostgreSQL (BENCH_ENGINE=postgres): the search's own
 * statements sent straight through one node-postgres client, without the port.
 */
import pg from 'pg';
import type { Param } from '../../db/port.ts';
import { translate } from '../../db/postgres.ts';

/** A statement of the search as CatalogRepo sends it: how it wants the answer, the SQL, its parameters. */
export interface RawStatement {
  how: 'all' | 'column';
  sql: string;
  params: readonly Param[];
}

/** Numbers for bigint and numeric, as the port reads them (search keys and ids are int8). */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    return oid === 20 || oid === 1700
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/**
 * The search's statements on one connection of their own, in autocommit. Each is sent as an unnamed
 * statement, so PostgreSQL plans it for its own parameters, as the search's `plan_cache_mode =
 * force_custom_plan` makes it plan the port's named ones; the `?` placeholders become `$n` as the
 * port rewrites them.
 */
export class RawPostgres {
  private constructor(private readonly client: pg.Client) {}

  static async connect(url: string): Promise<RawPostgres> {
    const client = new pg.Client({ connectionString: url, types: TYPES });
    client.on('error', (err) => console.error('raw PostgreSQL connection:', err.message));
    await client.connect();
    return new RawPostgres(client);
  }

  async query(s: RawStatement): Promise<unknown[]> {
    const t = translate(s.sql);
    const values = t.order.map((k) => {
      if (typeof k !== 'number') throw new Error('the search sends ? placeholders only');
      return s.params[k] ?? null;
    });
    if (s.how === 'column') {
      const result = await this.client.query<unknown[]>({ text: t.text, values, rowMode: 'array' });
      return result.rows.map((row) => row[0]);
    }
    return (await this.client.query({ text: t.text, values })).rows;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
