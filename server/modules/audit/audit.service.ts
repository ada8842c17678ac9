/**
 * Reading the security audit log: search with filters and cursor pages (newest first), one entry,
 * and exports of a filtered range as CSV or XLSX (each export recorded in the log itself).
 *
 * Who reads it: platform admins, who are the platform's security auditors (MLPS level 3 asks for an
 * audit role that reviews the log; here it is the platform's administrators, no one else). Finance
 * staff do not: the money actions in the log are also in what they already see — the settlement
 * batches' own histories, the ledger and the reconciliation runs — while the log holds every person's
 * sign-ins, addresses and exports, which are not theirs to read.
 *
 * Nothing here changes or removes an entry: there is no such use case, and the database refuses
 * UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the table by triggers.
 */
import { DateTime } from 'luxon';
import type { Database, Param, Queryable } from '../../../db/port.ts';
import { fromJson } from '../../../db/port.ts';
import type { AuditOutcome } from '../../../db/schema/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/cursor.ts';
import { badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { formatInstant, parseInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { Table } from '../settlement/exports.ts';
import { actionLabel, AUDIT_ACTIONS, OUTCOME_LABELS } from './actions.ts';
import type { AuditLog } from './audit-log.ts';
import {
  auditOrders,
  type AuditEntryView,
  type AuditFilter,
  type AuditOrder,
  type AuditPage,
} from './audit.schemas.ts';
import { z } from 'zod';

const ZONE = 'Asia/Shanghai';
/**
 * The most rows one export may hold; a larger range must be narrowed (or exported in parts). A
 * spreadsheet is built in memory (about 25 kB and 0.3 ms per row here): fewer rows than a CSV.
 */
export const MAX_EXPORT_ROWS = { csv: 100_000, xlsx: 10_000 } as const;

/** Where a page ended: its last entry's time and id, and the order it was read in (absent: newest first). */
const cursorSchema = z.object({ t: z.number().int(), id: z.number().int(), o: z.enum(auditOrders).optional() });

interface Row {
  id: number;
  at: number;
  action: string;
  outcome: AuditOutcome;
  actorUserId: number | null;
  actorEmail: string | null;
  actorOrganisationId: number | null;
  organisationName: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  subjectType: string | null;
  subjectId: string | null;
  details: unknown;
}

const COLUMNS = `a.id, a.at, a.action, a.outcome, a.actor_user_id AS "actorUserId", a.actor_email AS "actorEmail",
  a.actor_organisation_id AS "actorOrganisationId", o.name AS "organisationName", a.client_address AS "clientAddress",
  a.user_agent AS "userAgent", a.subject_type AS "subjectType", a.subject_id AS "subjectId", a.details`;
const FROM = `FROM audit_log a LEFT JOIN organisations o ON o.id = a.actor_organisation_id`;

/** LIKE patterns match the text itself: its %, _ and \ are escaped (with ESCAPE '\'). */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A bound of the range: a date means its start in Beijing (`to`: the start of the next day), else an instant. */
function bound(value: string, field: 'query.from' | 'query.to'): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: ZONE });
    if (!day.isValid) throw badRequest(`${field} is not a valid date`, [{ path: field, message: 'not a date' }]);
    return (field === 'query.to' ? day.plus({ days: 1 }) : day).startOf('day').toMillis();
  }
  return parseInstant(value, field);
}

/** The WHERE clause of a filter, with its parameters. */
function where(filter: AuditFilter): { sql: string; params: Param[] } {
  const conds: string[] = [];
  const params: Param[] = [];
  const add = (cond: string, ...values: Param[]) => {
    conds.push(cond);
    params.push(...values);
  };
  const from = filter.from === undefined ? undefined : bound(filter.from, 'query.from');
  const to = filter.to === undefined ? undefined : bound(filter.to, 'query.to');
  if (from !== undefined && to !== undefined && to <= from)
    throw badRequest('the range ends before it starts', [{ path: 'query.to', message: 'not after from' }]);
  if (from !== undefined) add('a.at >= ?', from);
  if (to !== undefined) add('a.at < ?', to);
  if (filter.actor !== undefined) {
    if (/^\d{1,15}$/.test(filter.actor)) add('a.actor_user_id = ?', Number(filter.actor));
    else add(`LOWER(a.actor_email) LIKE ? ESCAPE '\\'`, `%${literal(filter.actor.toLowerCase())}%`);
  }
  if (filter.organisationId !== undefined) add('a.actor_organisation_id = ?', filter.organisationId);
  if (filter.action !== undefined) {
    // An area (`auth.`) is every action under it.
    if (filter.action.endsWith('.')) add(`a.action LIKE ? ESCAPE '\\'`, `${literal(filter.action)}%`);
    else add('a.action = ?', filter.action);
  }
  if (filter.outcome !== undefined) add('a.outcome = ?', filter.outcome);
  if (filter.subjectType !== undefined) add('a.subject_type = ?', filter.subjectType);
  if (filter.subjectId !== undefined) add('a.subject_id = ?', filter.subjectId);
  if (filter.q !== undefined) {
    // The text anywhere a reader would look for it; an action also by its label in either language.
    const text = filter.q.toLowerCase();
    const pattern = `%${literal(text)}%`;
    const labelled = Object.entries(AUDIT_ACTIONS)
      .filter(([, l]) => l.zh.includes(filter.q!) || l.en.toLowerCase().includes(text))
      .map(([action]) => action);
    add(
      `(LOWER(a.action) LIKE ? ESCAPE '\\' OR LOWER(a.actor_email) LIKE ? ESCAPE '\\'
        OR LOWER(o.name) LIKE ? ESCAPE '\\' OR LOWER(a.subject_id) LIKE ? ESCAPE '\\'
        OR LOWER(a.client_address) LIKE ? ESCAPE '\\'${labelled.length ? ` OR a.action IN (${labelled.map(() => '?').join(', ')})` : ''})`,
      pattern,
      pattern,
      pattern,
      pattern,
      pattern,
      ...labelled,
    );
  }
  if (filter.address !== undefined) {
    // An IPv4 address also matches its IPv6-mapped form (::ffff:127.0.0.1), as a dual-stack server sees it.
    const address = literal(filter.address.toLowerCase());
    add(
      `(LOWER(a.client_address) LIKE ? ESCAPE '\\' OR LOWER(a.client_address) LIKE ? ESCAPE '\\')`,
      `${address}%`,
      `::ffff:${address}%`,
    );
  }
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

function view(r: Row): AuditEntryView {
  const anyone = r.actorUserId !== null || r.actorEmail !== null || r.actorOrganisationId !== null;
  return {
    id: Number(r.id),
    at: new Date(Number(r.at)).toISOString(),
    action: r.action,
    outcome: r.outcome,
    actor: anyone
      ? {
          userId: r.actorUserId === null ? null : Number(r.actorUserId),
          email: r.actorEmail,
          organisationId: r.actorOrganisationId === null ? null : Number(r.actorOrganisationId),
          organisationName: r.organisationName,
        }
      : null,
    clientAddress: r.clientAddress,
    userAgent: r.userAgent,
    subject: r.subjectType === null ? null : { type: r.subjectType, id: r.subjectId ?? '' },
    details: fromJson<Record<string, unknown>>(r.details) ?? {},
  };
}

/** The filter as it was asked (for the export's own entry): the fields given, nothing else. */
const given = (filter: AuditFilter) =>
  Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as Record<string, unknown>;

export class AuditReadService {
  constructor(
    private readonly db: Database,
    private readonly log: AuditLog,
  ) {}

  /** Platform admins are the platform's security auditors; nobody else reads the log. */
  private check(actor: Actor): void {
    if (actor.role !== 'platform_admin') throw forbidden('the audit log is for platform admins');
  }

  /**
   * Newest first (or oldest first), `limit` at a time; `cursor` continues after the last entry of the
   * page before, in the order that page was read (a cursor of the other order is refused).
   */
  async list(
    actor: Actor,
    filter: AuditFilter,
    cursor: string | undefined,
    limit: number,
    order: AuditOrder = 'desc',
  ): Promise<AuditPage> {
    this.check(actor);
    const w = where(filter);
    const params = [...w.params];
    let sql = w.sql;
    if (cursor) {
      const after = decodeCursor(cursor, cursorSchema);
      if ((after.o ?? 'desc') !== order)
        throw badRequest('the cursor was made for the other order', [
          { path: 'query.cursor', message: 'not of this order' },
        ]);
      const cmp = order === 'asc' ? '>' : '<';
      sql += `${sql ? ' AND' : 'WHERE'} (a.at ${cmp} ? OR (a.at = ? AND a.id ${cmp} ?))`;
      params.push(after.t, after.t, after.id);
    }
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} ${FROM} ${sql} ORDER BY a.at ${dir}, a.id ${dir} LIMIT ?`, [
      ...params,
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(view),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ t: Number(last.at), id: Number(last.id), ...(order === 'asc' ? { o: order } : {}) })
          : null,
    };
  }

  async get(actor: Actor, id: number): Promise<AuditEntryView> {
    this.check(actor);
    const row = await this.db.get<Row>(`SELECT ${COLUMNS} ${FROM} WHERE a.id = ?`, [id]);
    if (!row) throw notFound('audit log entry');
    return view(row);
  }

  /** Every action the log holds (for the filter's choices). */
  async actions(actor: Actor): Promise<{ action: string }[]> {
    this.check(actor);
    return (await this.db.column<string>(`SELECT DISTINCT action FROM audit_log ORDER BY action`)).map((action) => ({
      action,
    }));
  }

  /**
   * A filtered range as a table (oldest first, as a record is read), at most MAX_EXPORT_ROWS rows; the
   * export is recorded in the log (who, the filter, the format and how many rows) before it is sent.
   */
  async export(actor: Actor, filter: AuditFilter, format: 'csv' | 'xlsx'): Promise<Table> {
    this.check(actor);
    const w = where(filter);
    const rows = await this.db.read(async (tx: Queryable) => {
      const count = Number(await tx.value(`SELECT COUNT(*) ${FROM} ${w.sql}`, w.params));
      const max = MAX_EXPORT_ROWS[format];
      if (count > max)
        throw badRequest(`the export would hold ${count} entries, more than ${max}: narrow the range or the filters`, [
          { path: 'query.from', message: 'too many entries' },
          ...(format === 'xlsx' && count <= MAX_EXPORT_ROWS.csv
            ? [{ path: 'query.format', message: 'CSV holds more entries than a spreadsheet' }]
            : []),
        ]);
      return tx.all<Row>(`SELECT ${COLUMNS} ${FROM} ${w.sql} ORDER BY a.at, a.id`, w.params);
    });
    await this.log.record({
      action: 'export.audit_log',
      actor,
      details: { format, rows: rows.length, filter: given(filter) },
    });
    return auditTable(rows.map(view));
  }
}

/** `2026-11-05 10:00:00` in Beijing time (formatInstant's offset lookup: fast enough for 10⁵ rows). */
const localTime = (iso: string) => formatInstant(Date.parse(iso), ZONE).slice(0, 19).replace('T', ' ');

/** The export's table: Chinese headers, Beijing time, the action's Chinese label beside its name. */
export function auditTable(entries: AuditEntryView[]): Table {
  return {
    sheet: '安全审计日志',
    title: '安全审计日志',
    headers: [
      '编号',
      '时间（北京时间）',
      '操作',
      '操作说明',
      '结果',
      '用户ID',
      '用户邮箱',
      '单位ID',
      '单位名称',
      '客户端地址',
      '浏览器',
      '对象类型',
      '对象编号',
      '详情',
    ],
    rows: entries.map((e) => [
      e.id,
      localTime(e.at),
      e.action,
      actionLabel(e.action, 'zh'),
      OUTCOME_LABELS[e.outcome].zh,
      e.actor?.userId ?? '',
      e.actor?.email ?? '',
      e.actor?.organisationId ?? '',
      e.actor?.organisationName ?? '',
      e.clientAddress ?? '',
      e.userAgent ?? '',
      e.subject?.type ?? '',
      e.subject?.id ?? '',
      JSON.stringify(e.details),
    ]),
  };
}
