import { z } from 'zod';
import { hostListSetting } from './shared/hostnames.ts';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_PATH: z.string().min(1).default('./data/app.db'),
  SEED_DEMO: flag.default(true),
  /** Number of synthetic instruments in the demo catalogue. */
  SEED_INSTRUMENTS: z.coerce.number().int().min(0).max(2_000_000).default(3000),
  /** Mark session cookies Secure (set when served over HTTPS). */
  COOKIE_SECURE: flag.default(false),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  LOG_REQUESTS: flag.default(false),
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
  STRIPE_WEBHOOK_SECRET: z.string().min(8).default('whsec_local_development_secret'),
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
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

export type Config = z.infer<typeof configSchema>;

/** Parse the environment; fail fast with a message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
