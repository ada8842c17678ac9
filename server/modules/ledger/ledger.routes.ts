import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { defineRoute } from '../../http/route.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { parseInstant } from '../../shared/time.ts';
import { balanceOf, availableOf, type AccountRow, type TransferRow } from './ledger.ts';
import type { LedgerReadService } from './ledger.service.ts';
import {
  accountListQuerySchema,
  accountSchema,
  transferListQuerySchema,
  transferSchema,
  type AccountOwners,
  type AccountRef,
  type AccountView,
  type TransferView,
} from './ledger.schemas.ts';

const FINANCE = ['finance_officer', 'platform_admin'] as const;
const cursorSchema = z.object({ t: z.number().int(), id: z.string() });

const NO_OWNERS: AccountOwners = { organisationName: null, programmeName: null, groupName: null, capName: null };

export function accountView(a: AccountRow, owners: AccountOwners = NO_OWNERS): AccountView {
  const { noOverdraft: _n, createdAt: _c, ...rest } = a;
  return { ...rest, ...owners, balanceFen: balanceOf(a), availableFen: availableOf(a) };
}

export function ledgerRoutes(ledger: LedgerReadService, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tag = 'Ledger';
  defineRoute(router, registry, {
    method: 'get',
    path: '/ledger/accounts',
    summary:
      'Ledger accounts with their balances (cached sums, checked by /ledger/check); a city’s finance office sees its enterprises’ and its own programmes’ accounts',
    tag,
    access: FINANCE,
    query: accountListQuerySchema,
    response: z.object({ items: z.array(accountSchema) }),
    handler: async ({ query, actor }) => {
      const rows = await ledger.accounts(actor!, query);
      const owners = await ledger.owners(rows);
      return { items: rows.map((a) => accountView(a, owners.get(a.id))) };
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/ledger/transfers',
    summary:
      'Immutable ledger transfers, newest first, with filters and cursor pages; a city’s finance office sees those of its accounts and of its enterprises’ bookings',
    tag,
    access: FINANCE,
    query: transferListQuerySchema,
    response: z.object({ items: z.array(transferSchema), nextCursor: z.string().nullable() }),
    handler: async ({ query, actor }) => {
      const before = query.cursor ? decodeCursor(query.cursor, cursorSchema) : null;
      const rows = await ledger.transfers(
        actor!,
        {
          accountId: query.accountId,
          bookingId: query.bookingId,
          code: query.code,
          state: query.state,
          from: query.from ? parseInstant(query.from, 'query.from') : undefined,
          to: query.to ? parseInstant(query.to, 'query.to') : undefined,
        },
        before && { createdAt: before.t, id: before.id },
        query.limit + 1,
      );
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: await transferViews(ledger, page),
        nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
      };
    },
  });
  defineRoute(router, registry, {
    method: 'get',
    path: '/ledger/check',
    summary:
      'Recompute every balance from the transfers: debits = credits, caches right, no overdraft (the provincial office, the platform’s finance desk, admins)',
    tag,
    access: FINANCE,
    response: z.object({
      balanced: z.boolean(),
      debitsFen: z.number().int(),
      creditsFen: z.number().int(),
      accountsChecked: z.number().int(),
      overdrawnAccounts: z.number().int(),
      mismatches: z.array(
        z.object({
          accountId: z.number().int(),
          code: z.string(),
          field: z.string(),
          cached: z.number().int(),
          derived: z.number().int(),
        }),
      ),
    }),
    handler: ({ actor }) => ledger.check(actor!),
  });
  return router;
}

async function transferViews(ledger: LedgerReadService, rows: TransferRow[]): Promise<TransferView[]> {
  // Each account read once (an account's id, code and name never change, so no snapshot is needed).
  const read = new Map<number, AccountRow>();
  for (const t of rows) {
    for (const id of [t.debitAccountId, t.creditAccountId]) {
      if (!read.has(id)) read.set(id, (await ledger.accountById(id))!);
    }
  }
  const owners = await ledger.owners([...read.values()]);
  const accounts = new Map<number, AccountRef>();
  for (const a of read.values()) {
    accounts.set(a.id, { id: a.id, code: a.code, kind: a.kind, name: a.name, ...(owners.get(a.id) ?? NO_OWNERS) });
  }
  return rows.map((t) => ({
    id: t.id,
    debitAccount: accounts.get(t.debitAccountId)!,
    creditAccount: accounts.get(t.creditAccountId)!,
    amountFen: t.amountFen,
    state: t.state,
    pendingId: t.pendingId,
    code: t.code,
    bookingId: t.bookingId,
    processorRef: t.processorRef,
    note: t.note,
    createdAt: new Date(t.createdAt).toISOString(),
  }));
}
