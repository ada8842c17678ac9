import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL migrations, from the tables derived from the SQLite schema (db/schema/pg.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/pg.ts',
  out: './db/migrations-pg',
});
