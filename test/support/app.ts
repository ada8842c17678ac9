import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { migrateDatabase, openDatabase, type SqliteDatabase } from '../../db/client.ts';
import { DEMO_PASSWORD, seedDemo, seedReference } from '../../db/seed/index.ts';
import { createApp, type AppDeps } from '../../server/app.ts';
import type { Clock } from '../../server/shared/clock.ts';
import type { CheckoutFaults } from '../../server/modules/checkout/checkout.service.ts';
import type { PaymentProvider } from '../../server/modules/payments/provider.ts';
import { testStripe } from './stripe.ts';

export interface TestApp {
  app: Express;
  /** The app's database, through the port: tests read it with `await t.db.get(sql, [params])` etc. */
  db: SqliteDatabase;
  close(): Promise<void>;
}

/** The real app over a real, freshly migrated and seeded SQLite file in a temp folder. */
export async function createTestApp(
  opts: {
    instruments?: number;
    seed?: number;
    clock?: Clock;
    payments?: PaymentProvider;
    checkoutFaults?: CheckoutFaults;
    /** Email through this SMTP server (e.g. startLocalSmtp's url); none by default. */
    mail?: AppDeps['mail'];
    /** Sign-ins last this long (the app's 7 days by default): longer where a test's clock jumps weeks ahead. */
    sessionTtlHours?: number;
    /** Hosts instrument photo addresses may use (PHOTO_HOSTS); none by default. */
    photoHosts?: string[];
  } = {},
): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-test-'));
  const db = openDatabase(path.join(dir, 'test.db'));
  migrateDatabase(db);
  await seedReference(db);
  await seedDemo(db, { instruments: opts.instruments ?? 400, seed: opts.seed ?? 7 });
  const app = createApp({
    db,
    webRoot: null,
    clock: opts.clock,
    payments: opts.payments ?? (await testStripe()),
    checkoutFaults: opts.checkoutFaults,
    mail: opts.mail,
    sessionTtlHours: opts.sessionTtlHours,
    photoHosts: opts.photoHosts,
  });
  return {
    app,
    db,
    async close() {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in and returns an agent that carries the session cookie. */
export async function signIn(app: Express, email: string, password = DEMO_PASSWORD) {
  const agent = request.agent(app);
  const res = await agent.post('/api/v1/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return agent;
}

/** A file answer (CSV, XLSX, PDF) as bytes, whatever its content type. */
export function download(agent: ReturnType<typeof request.agent>, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/** The first shared, working instrument with an hourly price at the institution of a user (by e-mail). */
export async function hourlyInstrumentOf(t: TestApp, email: string): Promise<number> {
  return (await t.db.value<number>(
    `SELECT i.id FROM instruments i JOIN rate_card_items r ON r.instrument_id = i.id
     WHERE i.institution_id = (SELECT organisation_id FROM users WHERE email = ?)
       AND r.unit = 'hour' AND i.sharing_mode = 'external' AND i.run_status = 'normal'
     ORDER BY i.id LIMIT 1`,
    [email],
  ))!;
}
