/**
 * Production mode: the server refuses an unsafe start (naming each variable), the first platform
 * administrator is created with `npm run admin:create`, and a production start that has everything
 * serves with a Secure cookie, HSTS and a Content-Security-Policy. A developer's start is unchanged.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { DEVELOPMENT_WEBHOOK_SECRET } from '../../server/modules/payments/local-stripe.ts';
import { startLocalSmtp, type LocalSmtp } from '../../server/modules/notifications/local-smtp.ts';
import { repoRoot, startServer } from '../support/server-process.ts';
import { localStripe } from '../support/stripe.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Runs a command of the project to its end; stdin is written and closed. */
function run(args: string[], env: Record<string, string>, stdin = '') {
  // A DATABASE_URL of the shell running the tests is not the test's database.
  const { DATABASE_URL: _theShells, ...inherited } = process.env;
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: repoRoot,
      env: { ...inherited, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.stdin.end(stdin);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const ADMIN_PASSWORD = 'Qx7-long-enough-secret';

describe('configuration in production mode', () => {
  it('keeps a developer start as easy as before: demo seeding on, plain-HTTP cookie, local processor allowed', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ production: false, SEED_DEMO: true, COOKIE_SECURE: false, HOST: '127.0.0.1' });
    expect(config.STRIPE_WEBHOOK_SECRET).toBe(DEVELOPMENT_WEBHOOK_SECRET);
  });

  it('refuses NODE_ENV=production without what production needs, naming each variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SEED_DEMO: '1', COOKIE_SECURE: '0' })).toThrow(
      /production mode \(NODE_ENV=production\)[\s\S]*SEED_DEMO[\s\S]*STRIPE_WEBHOOK_SECRET[\s\S]*STRIPE_SECRET_KEY[\s\S]*SMTP_URL[\s\S]*COOKIE_SECURE[\s\S]*PUBLIC_URL/,
    );
  });

  it('treats a server listening beyond loopback as production whatever NODE_ENV says', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST=0\.0\.0\.0 is not loopback/);
    expect(loadConfig({ HOST: 'localhost' }).production).toBe(false);
    expect(loadConfig({ HOST: '::1' }).production).toBe(false);
  });

  it('refuses the development webhook secret and a plain-HTTP public address even when set explicitly', () => {
    const env = {
      NODE_ENV: 'production',
      STRIPE_SECRET_KEY: 'sk_test_abc',
      STRIPE_WEBHOOK_SECRET: DEVELOPMENT_WEBHOOK_SECRET,
      SMTP_URL: 'smtp://mail.example.cn:587',
      PUBLIC_URL: 'http://instruments.example.cn',
    };
    const message = (() => {
      try {
        loadConfig(env);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/STRIPE_WEBHOOK_SECRET: the development secret is public/);
    expect(message).toMatch(/PUBLIC_URL: must be an https:\/\/ address/);
    expect(message).not.toMatch(/SMTP_URL|STRIPE_SECRET_KEY|SEED_DEMO|COOKIE_SECURE/);
  });

  it('defaults to no demo and a Secure cookie once everything is set', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      STRIPE_SECRET_KEY: 'sk_live_abc',
      STRIPE_WEBHOOK_SECRET: 'whsec_real_endpoint_secret',
      SMTP_URL: 'smtps://mailer:pw@mail.example.cn:465',
      PUBLIC_URL: 'https://instruments.example.cn',
    });
    expect(config).toMatchObject({ production: true, SEED_DEMO: false, COOKIE_SECURE: true });
  });
});

describe('a production server process', () => {
  let dir: string;
  let smtp: LocalSmtp;
  let env: Record<string, string>;
  /** Production's database, new and empty: a SQLite file, or a PostgreSQL database on the PostgreSQL projects. */
  let prod: TestDatabase;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isp-prod-'));
    smtp = await startLocalSmtp();
    prod = await createTestDatabase('empty');
    env = {
      NODE_ENV: 'production',
      ...prod.env,
      STRIPE_API_BASE: (await localStripe()).url,
      STRIPE_SECRET_KEY: 'sk_test_production_mode_test',
      STRIPE_WEBHOOK_SECRET: 'whsec_production_mode_test_secret',
      SMTP_URL: smtp.url,
      PUBLIC_URL: 'https://instruments.example.cn',
    };
  });
  afterAll(async () => {
    await smtp.close();
    await prod?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits at start with every missing variable named', async () => {
    const { code, output } = await run(['server/main.ts'], {
      NODE_ENV: 'production',
      SEED_DEMO: '1',
      DATABASE_PATH: path.join(dir, 'never.db'),
    });
    expect(code).toBe(1);
    for (const variable of ['SEED_DEMO', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_KEY', 'SMTP_URL', 'PUBLIC_URL']) {
      expect(output).toContain(`${variable}:`);
    }
    expect(fs.existsSync(path.join(dir, 'never.db'))).toBe(false);
  });

  it('refuses to serve a database that holds the demo accounts', async () => {
    // Migrated, seedReference + seedDemo of 20 instruments.
    const demo = await createTestDatabase({ demo: { instruments: 20 } });
    const { code, output } = await run(['server/main.ts'], { ...env, ...demo.env, PORT: '0' });
    await demo.drop();
    expect(code).toBe(1);
    expect(output).toMatch(/holds demo accounts with the published password \(.*admin@demo\.test/);
  });

  it('creates the first administrator only with a strong password read from stdin, never a default', async () => {
    const weak = await run(['server/cli/create-admin.ts', '--email', 'chief@sdkj.gov.cn'], env, 'password\n');
    expect(weak.code).toBe(1);
    expect(weak.output).toMatch(/too weak: at least 10 characters/);
    const none = await run(['server/cli/create-admin.ts'], env, `${ADMIN_PASSWORD}\n`);
    expect(none.code).toBe(2);
    expect(none.output).toMatch(/usage: npm run admin:create/);

    const made = await run(
      ['server/cli/create-admin.ts', '--email', 'Chief@SDKJ.gov.cn', '--name', '平台管理员'],
      env,
      `${ADMIN_PASSWORD}\n`,
    );
    expect(made.output).toMatch(/created platform administrator chief@sdkj\.gov\.cn .*new platform organisation/);
    expect(made.code).toBe(0);
    const again = await run(['server/cli/create-admin.ts', '--email', 'chief@sdkj.gov.cn'], env, `${ADMIN_PASSWORD}\n`);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already has an account/);
  });

  it('serves with a Secure cookie, HSTS and a CSP, and no demo accounts', async () => {
    const server = await startServer({ env: { ...env, SEED_DEMO: '0' } });
    try {
      const login = (email: string, password: string) =>
        fetch(`${server.baseUrl}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
      const demo = await login('admin@demo.test', 'demo-pass-2025');
      expect(demo.status).toBe(401);
      // The sign-in page offers no demo accounts (nor their password).
      const offered = await fetch(`${server.baseUrl}/api/v1/auth/demo-accounts`);
      expect(await offered.json()).toEqual({ accounts: [] });
      const res = await login('chief@sdkj.gov.cn', ADMIN_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/; Secure/i);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000; includeSubDomains/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain('upgrade-insecure-requests');
      expect(((await res.json()) as { user: { role: string } }).user.role).toBe('platform_admin');
    } finally {
      await server.stop();
    }
  });
});
