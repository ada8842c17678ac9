import { z } from 'zod';
import { DEVELOPMENT_WEBHOOK_SECRET } from './modules/payments/local-stripe.ts';
import { trustProxySchema } from './http/trust-proxy.ts';
import { cardAuthorisations } from './modules/checkout/context.ts';
import { hostListSetting } from './shared/hostnames.ts';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/app.db'),
  /** A PostgreSQL server database (postgres://user:password@host:5432/name); when set, DATABASE_PATH is not used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL')
    .optional(),
  /** PostgreSQL connections each server process keeps (its pool). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Seed the demo into an empty database; default on for development, off (and refused) in production. */
  SEED_DEMO: flag.optional(),
  /** Memory bound of the catalogue search's count cache (match histograms and keys per text), MiB; 0 = off. */
  CATALOG_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(64),
  /** Number of synthetic instruments in the demo catalogue. */
  SEED_INSTRUMENTS: z.coerce.number().int().min(0).max(2_000_000).default(3000),
  /** Mark session cookies Secure; default off for development, on (and required) in production. */
  COOKIE_SECURE: flag.optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  LOG_REQUESTS: flag.default(false),
  /** A session unused this many minutes ends (MLPS idle timeout); 0 = only SESSION_TTL_HOURS. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(30),
  /** Passwords must be changed after this many days; 0 (default) = they do not expire. */
  PASSWORD_MAX_AGE_DAYS: z.coerce.number().int().min(0).max(3650).default(0),
  /** Finance officers and platform admins must sign in with a second factor (TOTP). */
  REQUIRE_SECOND_FACTOR: flag.default(false),
  /** Who reviews registrations: `platform` (platform admins) or `city` (also the finance office of the organisation's city). */
  REGISTRATION_REVIEW: z.enum(['platform', 'city']).default('platform'),
  /** Who reviews instrument listings (入网审核): `platform` (platform admins) or `city` (also the city-level finance office of the instrument's city). */
  LISTING_REVIEWER: z.enum(['platform', 'city']).default('platform'),
  /** Reverse proxies whose X-Forwarded-For is believed (off, a hop count, or addresses/CIDRs): see http/trust-proxy.ts. */
  TRUST_PROXY: trustProxySchema,
  /** Server processes sharing the port (and the database file); 1 serves from the main process. */
  WORKERS: z.coerce.number().int().min(1).max(32).default(1),
  /**
   * The Stripe API to use. Unset (with no STRIPE_SECRET_KEY): the in-process stripe-stateful-mock on
   * 127.0.0.1. Set it (e.g. http://127.0.0.1:12111) for the official stripe-mock; with only a real
   * test-mode STRIPE_SECRET_KEY, api.stripe.com.
   */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'a Stripe secret key')
    .optional(),
  /** The default is public: webhooks signed with it are accepted only from the in-process local Stripe server. */
  STRIPE_WEBHOOK_SECRET: z.string().min(8).default(DEVELOPMENT_WEBHOOK_SECRET),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /**
   * Card payments of services beyond the processor's ~7-day authorisation window: `window` saves the
   * card and authorises it 6 days before the service (a job; the enterprise completes a failed one);
   * `confirmation` captures the self-pay share when the lab confirms the booking.
   */
  CARD_AUTHORISATION: z.enum(cardAuthorisations).default('window'),
  /** How often unfinished payments are finished or undone and expired quotas given back (0: only at start-up). */
  RECOVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Local time (Asia/Shanghai) after which yesterday is reconciled once a day; `off` to disable. */
  RECONCILE_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:mm or off')
    .default('02:30'),
  /**
   * The SMTP server for notification emails (smtp://host:587, smtps://user:pass@host:465). Unset: an
   * in-process SMTP server (npm smtp-server) on 127.0.0.1 receives them and the server logs their subjects.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, 'an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('山东省大型科学仪器共享服务平台 <noreply@instruments.sd.example.cn>'),
  /** The platform's address as users reach it, for links in emails; default http://HOST:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How often the email outbox is delivered (also right after each event). */
  MAIL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Local time (Asia/Shanghai) from which the day-before booking reminders go out; `off` to disable. */
  REMIND_AT: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'HH:mm or off')
    .default('08:00'),
  /** Hosts whose https:// addresses instrument photos may use (comma-separated); others are uploaded. */
  PHOTO_HOSTS: hostListSetting,
});

type ParsedEnv = z.infer<typeof configSchema>;
export type Config = Omit<ParsedEnv, 'SEED_DEMO' | 'COOKIE_SECURE'> & {
  SEED_DEMO: boolean;
  COOKIE_SECURE: boolean;
  /** NODE_ENV=production, or listening on an interface other than loopback. */
  production: boolean;
};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * Production is declared (NODE_ENV=production) or implied: a server listening beyond loopback is
 * reachable by others, so it gets the same checks whatever NODE_ENV says.
 */
export function isProduction(env: NodeJS.ProcessEnv, host: string): boolean {
  return env.NODE_ENV === 'production' || !LOOPBACK.test(host);
}

/**
 * What production may not run with, one line per variable: each would hand out a published
 * password, a forgeable webhook, a cookie readable over plain HTTP, payments taken by a mock, or
 * mail that never leaves the machine.
 */
export function productionProblems(config: ParsedEnv, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (config.SEED_DEMO === true)
    problems.push('SEED_DEMO: demo seeding creates accounts with a published password; set SEED_DEMO=0');
  if (config.STRIPE_WEBHOOK_SECRET === DEVELOPMENT_WEBHOOK_SECRET)
    problems.push(
      env.STRIPE_WEBHOOK_SECRET
        ? 'STRIPE_WEBHOOK_SECRET: the development secret is public; set the endpoint secret (whsec_…) of the processor'
        : 'STRIPE_WEBHOOK_SECRET: not set; set the endpoint secret (whsec_…) of the processor',
    );
  if (!config.STRIPE_SECRET_KEY)
    problems.push(
      'STRIPE_SECRET_KEY: not set; without it payments would go to the local mock (set the processor key, and STRIPE_API_BASE unless it is api.stripe.com)',
    );
  if (!config.SMTP_URL)
    problems.push('SMTP_URL: not set; without it e-mails would go to a local test server and never be delivered');
  if (config.COOKIE_SECURE === false)
    problems.push('COOKIE_SECURE: 0 sends the session cookie over plain HTTP; serve over HTTPS and leave it on');
  if (!config.PUBLIC_URL)
    problems.push('PUBLIC_URL: not set; links in e-mails need the address users reach (https://…)');
  else if (!config.PUBLIC_URL.startsWith('https://'))
    problems.push('PUBLIC_URL: must be an https:// address (the session cookie is Secure)');
  return problems;
}

/**
 * Parse the environment; fail fast with a message naming every bad variable. In production mode
 * the server also refuses to start on anything `productionProblems` finds.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const production = isProduction(env, config.HOST);
  if (production) {
    const problems = productionProblems(config, env);
    if (problems.length) {
      const why = env.NODE_ENV === 'production' ? 'NODE_ENV=production' : `HOST=${config.HOST} is not loopback`;
      throw new Error(
        `Refusing to start in production mode (${why}):\n${problems.map((p) => `  ${p}`).join('\n')}\n` +
          'See the Security section of the README. For a local demo, leave HOST at 127.0.0.1 and NODE_ENV unset.',
      );
    }
  }
  return {
    ...config,
    SEED_DEMO: config.SEED_DEMO ?? !production,
    COOKIE_SECURE: config.COOKIE_SECURE ?? production,
    production,
  };
}
