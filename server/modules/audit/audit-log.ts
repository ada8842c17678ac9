/**
 * Writing the security audit log (MLPS level 3): sign-ins, password and second-factor events, role
 * and organisation changes, reviews, money moved, exports of personal or financial data, admin
 * actions. Append-only (the database refuses UPDATE and DELETE of it). A record made inside the
 * caller's transaction commits or rolls back with what it records; a refusal or a failure is recorded
 * on its own (`db.write` outside any transaction), since the caller's work is being undone.
 *
 * Who and where: an entry names its `actor` (or `who` and `client` on public routes). When it names
 * neither, the request it is recorded in supplies them — `requestScope()` (mounted after the session
 * middleware) remembers each API request for its async flow, so use cases deep in a module (a card
 * capture after a booking's completion, a refund) are recorded with the person and address that
 * caused them without passing the actor down. Outside requests (the processor's webhooks, the
 * recovery pass, timers) such an entry has no person: the platform did it.
 *
 * The action names (area.verb) recorded by the modules, and their labels, are in actions.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, RequestHandler } from 'express';
import type { Database, Queryable } from '../../../db/port.ts';
import type { AuditOutcome } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Actor } from '../auth/actor.ts';

export interface AuditEntry {
  /** Dotted: area.verb (auth.login, auth.password_reset, organisation.approve, payment.refund, export.ledger…). */
  action: string;
  outcome?: AuditOutcome;
  /** Who did it, signed in; for sign-in attempts and other public routes, `who` instead. */
  actor?: Actor | null;
  who?: { userId?: number | null; email?: string | null; organisationId?: number | null };
  /** Where from, when there is no actor (public routes: sign-in, reset, registration). */
  client?: { address?: string | null; userAgent?: string | null };
  subject?: { type: string; id: string | number };
  /** Amounts, roles before and after, reasons. Never passwords, tokens or codes. */
  details?: Record<string, unknown>;
}

/** The API request of the current async flow (see requestScope). */
const requests = new AsyncLocalStorage<Request>();

/** A platform admin acting on what is not their own organisation's: an admin action to record. */
export const isPlatformAdmin = (actor: Actor | null | undefined): actor is Actor => actor?.role === 'platform_admin';

export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /**
   * Middleware: the rest of the request runs with it remembered, so an entry that names no actor is
   * recorded with the request's signed-in person and client address. Mount after the session middleware.
   */
  requestScope(): RequestHandler {
    return (req, _res, next) => requests.run(req, next);
  }

  /** Records in `q` (the caller's transaction) or, without it, in a write of its own. */
  async record(entry: AuditEntry, q?: Queryable): Promise<void> {
    const req = requests.getStore();
    // Named who wins; otherwise the request's signed-in person (read now: the session is resolved by then).
    const a = entry.actor ?? (entry.who ? null : (req?.actor ?? null));
    const userAgent = a?.userAgent ?? entry.client?.userAgent ?? req?.get('user-agent') ?? null;
    const params = [
      this.clock.now(),
      entry.action,
      entry.outcome ?? 'success',
      a?.userId ?? entry.who?.userId ?? null,
      a?.email ?? entry.who?.email ?? null,
      a?.organisationId ?? entry.who?.organisationId ?? null,
      a?.clientAddress ?? entry.client?.address ?? req?.ip ?? null,
      userAgent?.slice(0, 300) ?? null,
      entry.subject?.type ?? null,
      entry.subject ? String(entry.subject.id) : null,
      JSON.stringify(entry.details ?? {}),
    ];
    const sql = `INSERT INTO audit_log (at, action, outcome, actor_user_id, actor_email, actor_organisation_id,
        client_address, user_agent, subject_type, subject_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    if (q) await q.run(sql, params);
    else await this.db.write((tx) => tx.run(sql, params));
  }
}
