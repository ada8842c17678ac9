/**
 * Per-institution API keys: made by the institution's lab managers (or a platform admin for any
 * institution), shown once, stored only as their SHA-256, listed by prefix, revoked. A push presents
 * one as `Authorization: Bearer <key>`; `authenticate` finds its institution and counts the request
 * against the key's rate limit (the shared per-subject counter, so every server process sees it).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { takeSlot, type AddressLimit } from '../auth/address-limit.ts';
import type { ApiKeyView } from './integrations.schemas.ts';

/** Live keys start with this, so a leaked one is recognisable (secret scanners look for prefixes). */
export const KEY_PREFIX = 'isp_live_';
/** Characters of the key kept and shown to tell keys apart: the prefix and 6 of the random part. */
const SHOWN = KEY_PREFIX.length + 6;
/** Pushes per key per minute (each up to 500 records). */
export const PUSH_LIMIT: AddressLimit = { purpose: 'api-key', max: 60, windowMs: 60_000 };

export const hashKey = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

const KEY_COLUMNS = `k.id, k.institution_id AS "institutionId", k.name, k.prefix, k.created_at AS "createdAt",
       u.display_name AS "createdByName", k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt"`;

/** The institution a key pushes for, once its key checked out. */
export interface KeyHolder {
  keyId: number;
  institutionId: number;
}

export class ApiKeys {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /** The institution the caller manages keys for: a lab manager's own; a platform admin names one. */
  private institutionOf(actor: Actor, institutionId: number | undefined): number {
    const id = institutionId ?? (actor.role === 'lab_manager' ? actor.organisationId : undefined);
    if (id === undefined)
      throw badRequest('name the institution', [{ path: 'institutionId', message: 'required for platform admins' }]);
    if (!canManageInstitution(actor, id)) throw forbidden('API keys are managed by the institution’s lab managers');
    return id;
  }

  async list(actor: Actor, institutionId?: number): Promise<ApiKeyView[]> {
    const id = this.institutionOf(actor, institutionId);
    return this.db.all<ApiKeyView>(
      `SELECT ${KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
       WHERE k.institution_id = ? ORDER BY k.revoked_at IS NOT NULL, k.id DESC`,
      [id],
    );
  }

  /** A new key: its secret is in this answer and nowhere else. */
  async create(
    actor: Actor,
    input: { name: string; institutionId?: number },
  ): Promise<ApiKeyView & { secret: string }> {
    const institutionId = this.institutionOf(actor, input.institutionId);
    const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock.now();
    return this.db.write(async (tx) => {
      const kind = await tx.value<string>(`SELECT kind FROM organisations WHERE id = ?`, [institutionId]);
      if (kind !== 'institution') throw notFound('institution');
      const id = (await tx.value<number>(
        `INSERT INTO api_keys (institution_id, name, prefix, key_hash, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        [institutionId, input.name, secret.slice(0, SHOWN), hashKey(secret), actor.userId, now],
      ))!;
      await this.audit.record(
        {
          action: 'integration.api_key_create',
          actor,
          subject: { type: 'api_key', id },
          details: { institutionId, name: input.name, prefix: secret.slice(0, SHOWN) },
        },
        tx,
      );
      const view = (await tx.get<ApiKeyView>(
        `SELECT ${KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by WHERE k.id = ?`,
        [id],
      ))!;
      return { ...view, secret };
    });
  }

  async revoke(actor: Actor, id: number): Promise<ApiKeyView> {
    const now = this.clock.now();
    return this.db.write(async (tx) => {
      const key = await tx.get<{ institutionId: number; revokedAt: number | null; prefix: string }>(
        `SELECT institution_id AS "institutionId", revoked_at AS "revokedAt", prefix FROM api_keys WHERE id = ?`,
        [id],
      );
      if (!key || !canManageInstitution(actor, key.institutionId)) throw notFound('API key');
      if (key.revokedAt === null) {
        await tx.run(`UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ?`, [now, actor.userId, id]);
        await this.audit.record(
          {
            action: 'integration.api_key_revoke',
            actor,
            subject: { type: 'api_key', id },
            details: { institutionId: key.institutionId, prefix: key.prefix },
          },
          tx,
        );
      }
      return (await tx.get<ApiKeyView>(
        `SELECT ${KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by WHERE k.id = ?`,
        [id],
      ))!;
    });
  }

  /**
   * The key of an `Authorization: Bearer` header: unknown or revoked → 401; over the key's limit →
   * 429 with Retry-After. Counts the request and notes when the key was last used.
   */
  async authenticate(header: string | undefined): Promise<KeyHolder> {
    const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(header ?? '');
    if (!match) throw new AppError('unauthenticated', 'send the API key as Authorization: Bearer <key>');
    const hash = hashKey(match[1]!);
    const now = this.clock.now();
    const holder = await this.db.write(async (tx) => {
      const key = await tx.get<{ id: number; institutionId: number; revokedAt: number | null }>(
        `SELECT id, institution_id AS "institutionId", revoked_at AS "revokedAt" FROM api_keys WHERE key_hash = ?`,
        [hash],
      );
      if (!key) throw new AppError('unauthenticated', 'unknown API key');
      if (key.revokedAt !== null) throw new AppError('unauthenticated', 'this API key has been revoked');
      const retryAfterSeconds = await takeSlot(tx, PUSH_LIMIT, String(key.id), now);
      if (retryAfterSeconds !== null) return { retryAfterSeconds };
      await tx.run(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`, [now, key.id]);
      return { keyId: key.id, institutionId: key.institutionId };
    });
    if ('retryAfterSeconds' in holder)
      throw new AppError('rate_limited', `at most ${PUSH_LIMIT.max} pushes a minute per API key`, {
        retryAfterSeconds: holder.retryAfterSeconds,
      });
    return holder;
  }
}
