import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/port.ts';
import { DEMO_PASSWORD } from '../../db/seed/index.ts';
import { createApp, type AppDeps } from '../../server/app.ts';
import type { Clock } from '../../server/shared/clock.ts';
import type { CheckoutFaults } from '../../server/modules/checkout/checkout.service.ts';
import type { PaymentProvider } from '../../server/modules/payments/provider.ts';
import { testStripe } from './stripe.ts';
import { createTestDatabase } from './test-database.ts';

export interface TestApp {
  app: Express;
  /**
   * The app's database, through the port: tests read it with `await t.db.get(sql, [params])` etc.
   * SQLite on `npm test`, PostgreSQL on `npm run test:pg` (`t.db.engine`): SQL a test sends must run
   * on both, or pick its text with `byEngine(t.db.engine, …)`.
   */
  db: Database;
  /** Where the database is (a SQLite file or a PostgreSQL URL): `openDatabase(t.target)` opens another connection to it. */
  target: string;
  /** Where the app keeps uploaded files (photos, service reports): a temp folder of this app's own. */
  fileDir: string;
  close(): Promise<void>;
}

/**
 * The real app over a real, freshly migrated and seeded database of its own: a SQLite file in a temp
 * folder, or on the PostgreSQL projects a database on the test server (test-database.ts), dropped by `close()`.
 */
export async function createTestApp(
  opts: {
    instruments?: number;
    seed?: number;
    clock?: Clock;
    payments?: PaymentProvider;
    checkoutFaults?: CheckoutFaults;
    /**
     * CARD_AUTHORISATION. Unset: the tests written before the card window, which book weeks ahead and
     * expect the card held at once, get a window of a year (every checkout authorised at once, as then);
     * the window's own tests (card-window.test.ts) name the mode and get the app's 6 days.
     */
    cardAuthorisation?: AppDeps['cardAuthorisation'];
    /** Email through this SMTP server (e.g. startLocalSmtp's url); none by default. */
    mail?: AppDeps['mail'];
    /** Sign-ins last this long (the app's 7 days by default): longer where a test's clock jumps weeks ahead. */
    sessionTtlHours?: number;
    /** Hosts instrument photo addresses may use (PHOTO_HOSTS); none by default. */
    photoHosts?: string[];
    /**
     * Account security settings; the app's defaults, except that with a test clock (which jumps ahead
     * days at a time) sessions have no idle timeout unless one is given here.
     */
    security?: AppDeps['security'];
    /** LISTING_REVIEWER (platform by default). */
    listingReviewer?: AppDeps['listingReviewer'];
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase({ demo: { instruments: opts.instruments ?? 400, seed: opts.seed ?? 7 } });
  const db = openDatabase(database.target);
  // Beside the SQLite file, as the app's default; on PostgreSQL too (its default there is a shared temp folder).
  const fileDir = path.join(database.dir, 'files');
  const app = createApp({
    db,
    webRoot: null,
    fileDir,
    clock: opts.clock,
    payments: opts.payments ?? (await testStripe()),
    checkoutFaults: opts.checkoutFaults,
    cardAuthorisation: opts.cardAuthorisation,
    authorisationWindowDays: opts.cardAuthorisation ? undefined : 366,
    mail: opts.mail,
    sessionTtlHours: opts.sessionTtlHours,
    photoHosts: opts.photoHosts,
    listingReviewer: opts.listingReviewer,
    security: { ...(opts.clock && { sessionIdleMinutes: 0 }), ...opts.security },
  });
  return {
    app,
    db,
    target: database.target,
    fileDir,
    async close() {
      await db.close();
      await database.drop();
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
