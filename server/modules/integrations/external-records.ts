/**
 * Completed service records pushed by an institution's own system (booking system, LIMS, card-swipe
 * terminal), and the lab's list of them. A push is all-or-nothing for what is wrong with the payload
 * itself (400, nothing stored); per record, only the instrument can refuse it (unknown, or another
 * institution's). Stored records are idempotent by (institution, externalId): the same record again
 * is `unchanged` (nothing written), a different one `updated`. The stats triggers on the table mark
 * the instrument-months for the roll-up (stats/rollup.ts), which counts them like completed bookings.
 * They never touch vouchers or the ledger.
 */
import { DateTime } from 'luxon';
import { byEngine, type Database, type Tx } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { badRequest, forbidden } from '../../shared/errors.ts';
import { listParam } from '../../shared/sql-list.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import { PLATFORM_FIRST_YEAR } from '../stats/read-context.ts';
import type { KeyHolder } from './api-keys.ts';
import type { ExternalRecordView, PushRecord, PushResult } from './integrations.schemas.ts';

const ZONE = 'Asia/Shanghai';
/** Clocks of the institutions' systems may run a little ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The stored columns a push compares and writes (the payload's fields as the table holds them). */
interface Stored {
  instrumentId: number;
  mode: string;
  startAt: number;
  endAt: number;
  minutes: number | null;
  samples: number | null;
  amountFen: number;
  purpose: string | null;
  userName: string;
  userOrganisationName: string;
  userCreditCode: string | null;
  userOrganisationId: number | null;
  userType: string;
  rating: number | null;
}
const COMPARED = [
  'instrumentId',
  'mode',
  'startAt',
  'endAt',
  'minutes',
  'samples',
  'amountFen',
  'purpose',
  'userName',
  'userOrganisationName',
  'userCreditCode',
  'userOrganisationId',
  'userType',
  'rating',
] as const satisfies readonly (keyof Stored)[];

const STORED_COLUMNS = `id, external_id AS "externalId", instrument_id AS "instrumentId", mode, start_at AS "startAt",
       end_at AS "endAt", minutes, samples, amount_fen AS "amountFen", purpose, user_name AS "userName",
       user_organisation_name AS "userOrganisationName", user_credit_code AS "userCreditCode",
       user_organisation_id AS "userOrganisationId", user_type AS "userType", rating`;

const IN = (engine: Tx['engine'], column: string, type: 'bigint' | 'text') =>
  byEngine(engine, {
    sqlite: `${column} IN (SELECT value FROM json_each(?))`,
    postgres: `${column} = ANY(?::${type}[])`,
  });

export class ExternalRecords {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Stores a batch for the key's institution; one result per record, in the order sent. */
  async push(holder: KeyHolder, records: PushRecord[]) {
    const now = this.clock.now();
    const earliest = DateTime.fromObject({ year: PLATFORM_FIRST_YEAR, month: 1, day: 1 }, { zone: ZONE }).toMillis();
    const errors: { path: string; message: string }[] = [];
    records.forEach((r, i) => {
      if (r.start < earliest)
        errors.push({ path: `body.records.${i}.start`, message: `from ${PLATFORM_FIRST_YEAR}-01-01 on` });
      if (r.end > now + CLOCK_SKEW_MS)
        errors.push({ path: `body.records.${i}.end`, message: 'a completed service ends before now' });
    });
    if (errors.length)
      throw badRequest(`invalid body: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);

    return this.db.write(async (tx) => {
      const instruments = await this.instruments(tx, holder.institutionId, records);
      const codes = [...new Set(records.flatMap((r) => (r.userCreditCode ? [r.userCreditCode] : [])))];
      const orgs = new Map<string, number>();
      if (codes.length)
        for (const o of await tx.all<{ id: number; code: string }>(
          `SELECT id, credit_code AS code FROM organisations WHERE ${IN(tx.engine, 'credit_code', 'text')}`,
          [listParam(tx.engine, codes)],
        ))
          orgs.set(o.code, o.id);
      const existing = new Map<string, Stored & { id: number }>();
      for (const row of await tx.all<Stored & { id: number; externalId: string }>(
        `SELECT ${STORED_COLUMNS} FROM external_service_records
         WHERE institution_id = ? AND ${IN(tx.engine, 'external_id', 'text')}`,
        [
          holder.institutionId,
          listParam(
            tx.engine,
            records.map((r) => r.externalId),
          ),
        ],
      ))
        existing.set(row.externalId, row);

      const results: PushResult[] = [];
      for (const r of records) {
        const found =
          r.instrumentId !== undefined ? instruments.byId.get(r.instrumentId) : instruments.byAsset.get(r.assetNumber!);
        if (!found) {
          results.push({
            externalId: r.externalId,
            status: 'refused',
            id: null,
            error: { code: 'not_found', reason: 'no such instrument' },
          });
          continue;
        }
        if (found.institutionId !== holder.institutionId) {
          results.push({
            externalId: r.externalId,
            status: 'refused',
            id: null,
            error: { code: 'forbidden', reason: 'the instrument belongs to another institution' },
          });
          continue;
        }
        const next: Stored = {
          instrumentId: found.id,
          mode: r.mode,
          startAt: r.start,
          endAt: r.end,
          minutes: r.minutes ?? null,
          samples: r.samples ?? null,
          amountFen: r.amountFen,
          purpose: r.purpose ?? null,
          userName: r.userName,
          userOrganisationName: r.userOrganisation,
          userCreditCode: r.userCreditCode ?? null,
          userOrganisationId: r.userCreditCode ? (orgs.get(r.userCreditCode) ?? null) : null,
          userType: r.userType,
          rating: r.rating ?? null,
        };
        const before = existing.get(r.externalId);
        const values = [
          next.instrumentId,
          next.mode,
          next.startAt,
          next.endAt,
          next.minutes,
          next.samples,
          next.amountFen,
          next.purpose,
          next.userName,
          next.userOrganisationName,
          next.userCreditCode,
          next.userOrganisationId,
          next.userType,
          next.rating,
        ];
        if (!before) {
          const id = (await tx.value<number>(
            `INSERT INTO external_service_records (instrument_id, mode, start_at, end_at, minutes, samples, amount_fen,
               purpose, user_name, user_organisation_name, user_credit_code, user_organisation_id, user_type, rating,
               institution_id, external_id, api_key_id, received_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
            [...values, holder.institutionId, r.externalId, holder.keyId, now, now],
          ))!;
          results.push({ externalId: r.externalId, status: 'created', id });
        } else if (COMPARED.every((k) => before[k] === next[k])) {
          results.push({ externalId: r.externalId, status: 'unchanged', id: before.id });
        } else {
          await tx.run(
            `UPDATE external_service_records SET instrument_id = ?, mode = ?, start_at = ?, end_at = ?, minutes = ?,
               samples = ?, amount_fen = ?, purpose = ?, user_name = ?, user_organisation_name = ?, user_credit_code = ?,
               user_organisation_id = ?, user_type = ?, rating = ?, api_key_id = ?, updated_at = ?
             WHERE id = ?`,
            [...values, holder.keyId, now, before.id],
          );
          results.push({ externalId: r.externalId, status: 'updated', id: before.id });
        }
      }
      const count = (s: PushResult['status']) => results.filter((x) => x.status === s).length;
      return {
        created: count('created'),
        updated: count('updated'),
        unchanged: count('unchanged'),
        refused: count('refused'),
        results,
      };
    });
  }

  /** The batch's instruments: by our id (any institution's, to tell "another's" from "unknown"), or by the institution's asset number. */
  private async instruments(tx: Tx, institutionId: number, records: PushRecord[]) {
    type Found = { id: number; institutionId: number; assetNumber: string };
    const ids = [...new Set(records.flatMap((r) => (r.instrumentId !== undefined ? [r.instrumentId] : [])))];
    const assets = [...new Set(records.flatMap((r) => (r.assetNumber !== undefined ? [r.assetNumber] : [])))];
    const cols = `id, institution_id AS "institutionId", asset_number AS "assetNumber"`;
    const byId = new Map<number, Found>();
    const byAsset = new Map<string, Found>();
    if (ids.length)
      for (const i of await tx.all<Found>(`SELECT ${cols} FROM instruments WHERE ${IN(tx.engine, 'id', 'bigint')}`, [
        listParam(tx.engine, ids),
      ]))
        byId.set(i.id, i);
    if (assets.length)
      for (const i of await tx.all<Found>(
        `SELECT ${cols} FROM instruments WHERE institution_id = ? AND ${IN(tx.engine, 'asset_number', 'text')}`,
        [institutionId, listParam(tx.engine, assets)],
      ))
        byAsset.set(i.assetNumber, i);
    return { byId, byAsset };
  }

  /** An institution's pushed records, newest service first (its lab managers; platform admins name one). */
  async list(
    actor: Actor,
    q: {
      institutionId?: number;
      instrumentId?: number;
      from?: string;
      to?: string;
      userType?: string;
      q?: string;
      page?: number;
      pageSize?: number;
    },
  ): Promise<{ items: ExternalRecordView[]; total: number; page: number; pageSize: number }> {
    const institutionId = q.institutionId ?? (actor.role === 'lab_manager' ? actor.organisationId : undefined);
    if (institutionId === undefined)
      throw badRequest('name the institution', [
        { path: 'query.institutionId', message: 'required for platform admins' },
      ]);
    if (!canManageInstitution(actor, institutionId))
      throw forbidden('an institution’s pushed records are seen by its lab managers');
    const page = q.page ?? 1;
    const pageSize = Math.min(q.pageSize ?? 20, 100);
    const where = ['r.institution_id = @institution'];
    const params: Record<string, string | number> = { institution: institutionId };
    if (q.instrumentId !== undefined) {
      where.push('r.instrument_id = @instrument');
      params.instrument = q.instrumentId;
    }
    if (q.from) {
      where.push('r.start_at >= @from');
      params.from = DateTime.fromISO(q.from, { zone: ZONE }).toMillis();
    }
    if (q.to) {
      where.push('r.start_at < @to');
      params.to = DateTime.fromISO(q.to, { zone: ZONE }).plus({ days: 1 }).toMillis();
    }
    if (q.userType) {
      where.push('r.user_type = @userType');
      params.userType = q.userType;
    }
    if (q.q) {
      where.push(`(r.external_id = @q OR lower(r.user_name) LIKE @like OR lower(r.user_organisation_name) LIKE @like)`);
      params.q = q.q;
      params.like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const filter = where.join(' AND ').replaceAll('LIKE @like', `LIKE @like ESCAPE '\\'`);
    return this.db.read(async (tx) => {
      const total = Number(await tx.value(`SELECT COUNT(*) FROM external_service_records r WHERE ${filter}`, params));
      const items = await tx.all<ExternalRecordView>(
        `SELECT r.id, r.external_id AS "externalId", r.institution_id AS "institutionId", r.instrument_id AS "instrumentId",
                i.name_zh AS "instrumentName", i.asset_number AS "assetNumber", r.mode, r.start_at AS "startAt",
                r.end_at AS "endAt", r.minutes, r.samples, r.amount_fen AS "amountFen", r.purpose, r.user_name AS "userName",
                r.user_organisation_name AS "userOrganisation", r.user_credit_code AS "userCreditCode",
                r.user_organisation_id AS "userOrganisationId", r.user_type AS "userType", r.rating,
                k.name AS "apiKeyName", r.received_at AS "receivedAt", r.updated_at AS "updatedAt"
         FROM external_service_records r JOIN instruments i ON i.id = r.instrument_id
         LEFT JOIN api_keys k ON k.id = r.api_key_id
         WHERE ${filter} ORDER BY r.start_at DESC, r.id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
        params,
      );
      return { items, total, page, pageSize };
    });
  }
}
