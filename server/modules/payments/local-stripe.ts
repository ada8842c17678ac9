/**
 * The Stripe server for development and tests: the npm package stripe-stateful-mock, run inside
 * this process and bound to 127.0.0.1 only (its CLI listens on every interface). It keeps its state
 * in memory, like the processor's test mode would keep it for us.
 */
import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The webhook signing secret the server uses when none is configured. It is public (it is in this
 * source), so anyone can sign events with it: the Stripe adapter accepts it only while it talks to
 * the in-process local server started here, never to a processor that moves real money.
 */
export const DEVELOPMENT_WEBHOOK_SECRET = 'whsec_local_development_secret';

export interface LocalStripe {
  url: string;
  close(): Promise<void>;
}

type Store = { data: Record<string, Record<string, { id: string; created: number }>> };
/** Every store the mock keeps (charges, refunds, customers, idempotency records…), in creation order. */
const stores: Store[] = [];

/**
 * Loads the mock with its stores recorded, so that their state can be saved and restored: the
 * mock's AccountData class is wrapped before its modules create their stores at load time.
 */
function loadMock(): { createExpressApp(): http.RequestListener } {
  const mockPath = require.resolve('stripe-stateful-mock');
  const log = require(require.resolve('loglevel', { paths: [mockPath] })) as { setLevel(level: string): void };
  log.setLevel(process.env.STRIPE_MOCK_LOG ?? 'silent');
  const accountData = require(path.join(path.dirname(mockPath), 'api', 'AccountData.js')) as {
    AccountData: new () => Store;
    recorded?: boolean;
  };
  if (!accountData.recorded) {
    const Original = accountData.AccountData;
    accountData.AccountData = class extends Original {
      // Listing sorts every object of the store on every page; keep the sorted list until a write.
      private sorted = new Map<string, unknown[]>();
      constructor() {
        super();
        stores.push(this);
      }
      getAll(accountId: string): unknown[] {
        let list = this.sorted.get(accountId);
        if (!list) {
          list = Object.values(this.data[accountId] ?? {}).sort((a, b) => b.created - a.created);
          this.sorted.set(accountId, list);
        }
        return list;
      }
      put(accountId: string, obj: unknown): void {
        this.sorted.delete(accountId);
        (Original.prototype as unknown as { put(a: string, o: unknown): void }).put.call(this, accountId, obj);
      }
      remove(accountId: string, objectId: string): void {
        this.sorted.delete(accountId);
        (Original.prototype as unknown as { remove(a: string, id: string): void }).remove.call(
          this,
          accountId,
          objectId,
        );
      }
    } as unknown as new () => Store;
    accountData.recorded = true;
  }
  return require(mockPath) as { createExpressApp(): http.RequestListener };
}

/**
 * For benchmarks: copies of a charge the server made, under new ids, put straight into its store
 * (creating 10^5 charges through the API would take minutes).
 */
export function cloneCharges(
  template: { id: string },
  copies: (original: Record<string, unknown>) => Record<string, unknown>[],
): void {
  const store = stores.find((s) => Object.values(s.data).some((objects) => template.id in objects));
  if (!store) throw new Error(`charge ${template.id} is not in the local Stripe server`);
  const [account, objects] = Object.entries(store.data).find(([, o]) => template.id in o)!;
  for (const copy of copies(objects[template.id] as unknown as Record<string, unknown>)) {
    (store as unknown as { put(a: string, o: unknown): void }).put(account, copy);
  }
  void objects;
}

/**
 * For tests: the card network's last word on a dispute, as Stripe test mode gives it for the evidence
 * `winning_evidence` or `losing_evidence` (the mock has no way to close a dispute). A won dispute gets
 * the reinstatement of the withdrawn amount in its balance transactions, as Stripe records it.
 */
export function closeDispute(disputeId: string, outcome: 'won' | 'lost'): void {
  const store = stores.find((s) => Object.values(s.data).some((objects) => disputeId in objects));
  if (!store) throw new Error(`dispute ${disputeId} is not in the local Stripe server`);
  const objects = Object.values(store.data).find((o) => disputeId in o)!;
  const dispute = objects[disputeId] as unknown as { status: string; amount: number; balance_transactions: unknown[] };
  dispute.status = outcome;
  if (outcome === 'won') {
    dispute.balance_transactions.push({ object: 'balance_transaction', amount: dispute.amount, type: 'adjustment' });
  }
}

function restore(stateFile: string): void {
  if (!fs.existsSync(stateFile)) return;
  const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as Store['data'][];
  if (saved.length !== stores.length) return; // another version of the mock: start empty
  saved.forEach((data, i) => {
    stores[i]!.data = data;
    (stores[i] as unknown as { sorted?: Map<string, unknown> }).sorted?.clear();
  });
}

function save(stateFile: string): void {
  const tmp = `${stateFile}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(stores.map((s) => s.data)));
  fs.renameSync(tmp, stateFile);
}

/**
 * `delayMs` lets a test make the processor answer late to chosen requests (to provoke client
 * timeouts). `stateFile` keeps the processor's state across restarts (the demo: a restarted
 * `npm start` must still know the charges it authorised).
 */
export async function startLocalStripe(
  options: { port?: number; delayMs?: (req: IncomingMessage) => number; stateFile?: string } = {},
): Promise<LocalStripe> {
  const { createExpressApp } = loadMock();
  const { stateFile } = options;
  if (stateFile) restore(stateFile);
  const app = createExpressApp();
  const server = http.createServer((req, res) => {
    if (stateFile && req.method !== 'GET') res.once('finish', () => save(stateFile));
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
