/** Launch a headless Chromium for the browser tests, on any machine `npm ci` has set up. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const SYSTEM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Which executable to use, and with which flags: CHROMIUM_PATH, then a system Chromium, then @sparticuz/chromium. */
export async function resolveChromium(): Promise<{ executablePath: string; args: string[]; source: string }> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return { executablePath: fromEnv, args: SYSTEM_ARGS, source: 'CHROMIUM_PATH' };
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: SYSTEM_ARGS, source: 'system' };
  const { default: sparticuz } = await import('@sparticuz/chromium');
  // Its flags are tuned for AWS Lambda. `--single-process` there makes closing one browser context
  // take the whole browser down, and the tests open a fresh context per journey; so run multi-process.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  return { executablePath: await sparticuz.executablePath(), args, source: '@sparticuz/chromium' };
}

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args } = await resolveChromium();
  return chromium.launch({ executablePath, args, headless: true });
}
