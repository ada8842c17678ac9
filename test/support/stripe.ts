/** The real Stripe adapter against the in-process local Stripe server (one per test process). */
import type { IncomingMessage } from 'node:http';
import { startLocalStripe, type LocalStripe } from '../../server/modules/payments/local-stripe.ts';
import { StripeProvider } from '../../server/modules/payments/stripe.ts';

export const TEST_WEBHOOK_SECRET = 'whsec_test_secret_for_tests';
export const TEST_STRIPE_KEY = 'sk_test_platform_tests';

let shared: Promise<LocalStripe> | null = null;

/** The process's local Stripe server, started on first use. */
export function localStripe(): Promise<LocalStripe> {
  shared ??= startLocalStripe();
  return shared;
}

export async function testStripe(
  options: { timeoutMs?: number; maxNetworkRetries?: number; server?: LocalStripe } = {},
): Promise<StripeProvider> {
  const server = options.server ?? (await localStripe());
  return new StripeProvider({
    secretKey: TEST_STRIPE_KEY,
    apiBase: server.url,
    webhookSecret: TEST_WEBHOOK_SECRET,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxNetworkRetries: options.maxNetworkRetries ?? 1,
  });
}

/** A separate local Stripe whose answers can be slowed down (to provoke client timeouts). */
export function slowStripe(delayMs: (req: IncomingMessage) => number): Promise<LocalStripe> {
  return startLocalStripe({ delayMs });
}
