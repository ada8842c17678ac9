/**
 * The Stripe server for development and tests: the npm package stripe-stateful-mock, run inside
 * this process and bound to 127.0.0.1 only (its CLI listens on every interface). It keeps its state
 * in memory, like the processor's test mode would keep it for us.
 */
import http, { type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

const require = createRequire(import.meta.url);

export interface LocalStripe {
  url: string;
  close(): Promise<void>;
}

/** `delayMs` lets a test make the processor answer late to chosen requests (to provoke client timeouts). */
export async function startLocalStripe(
  options: { port?: number; delayMs?: (req: IncomingMessage) => number } = {},
): Promise<LocalStripe> {
  const mockPath = require.resolve('stripe-stateful-mock');
  const log = require(require.resolve('loglevel', { paths: [mockPath] })) as { setLevel(level: string): void };
  log.setLevel(process.env.STRIPE_MOCK_LOG ?? 'silent');
  const { createExpressApp } = require(mockPath) as { createExpressApp(): http.RequestListener };
  const app = createExpressApp();
  const server = http.createServer((req, res) => {
    const delay = options.delayMs?.(req) ?? 0;
    if (delay > 0) {
      // The processor does the work at once but answers late, like a slow network on the way back.
      const end = res.end.bind(res) as (...args: unknown[]) => void;
      res.end = ((...args: unknown[]) => {
        setTimeout(() => end(...args), delay);
        return res;
      }) as typeof res.end;
    }
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
