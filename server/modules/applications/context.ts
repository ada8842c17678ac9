/**
 * What the application use cases share: the database, their SQL and the vouchers' (the existing
 * certification and quota code is called, never copied), documents, the audit log, the notifier and
 * the clock; who reviews what; the views of the enterprise, the history and the certification.
 *
 * Who reviews (design, from the issue):
 * - an SME certification application: the finance office of the enterprise's city, the province's
 *   finance staff (the provincial office, the platform's finance desk) or a platform admin;
 * - a voucher application: the programme issuer's office — a city's programme, that city's office; a
 *   province's programme, the office of the enterprise's city when the programme reviews at city level
 *   (the province's when that city has no office), else the province's — or a platform admin.
 * Finance staff read the applications within their financeScope (a city's office: its enterprises',
 * and for vouchers its own programmes'); anyone else reads only their own enterprise's.
 */
import { DateTime } from 'luxon';
import type { Database, Queryable } from '../../../db/port.ts';
import type { ReviewSubject } from '../../../db/schema/index.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, forbidden } from '../../shared/errors.ts';
import { maskEmail, maskPhone } from '../../shared/mask.ts';
import { financeScope, type Actor } from '../auth/actor.ts';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Notifier, Recipient } from '../notifications/notifications.service.ts';
import type { VouchersRepo } from '../vouchers/vouchers.repo.ts';
import type { VouchersService } from '../vouchers/vouchers.service.ts';
import type { ApplicationsRepo, EnterpriseFacts, HistoryRow, ProgrammeRow } from './applications.repo.ts';

const ZONE = 'Asia/Shanghai';

export interface ApplicationsContext {
  readonly db: Database;
  readonly repo: ApplicationsRepo;
  readonly vouchersRepo: VouchersRepo;
  /** Certification (Enterprises.certify) and quota grants (Quotas.grant) go through the voucher service. */
  readonly vouchers: VouchersService;
  readonly ledger: Ledger;
  readonly documents: DocumentStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly notifier?: Notifier;
}

/** The local date (YYYY-MM-DD) of the clock's now. */
export function today(clock: Clock): string {
  return DateTime.fromMillis(clock.now(), { zone: ZONE }).toISODate()!;
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Where the SPA shows an application (notification links). */
export const LINKS = {
  myCertification: '/my/certification',
  myVoucherApplication: (id: number) => `/my/voucher-applications/${id}`,
  reviewCertification: (id: number) => `/finance/certification-applications/${id}`,
  reviewVoucher: (id: number) => `/finance/voucher-applications/${id}`,
  vouchers: '/vouchers',
};

export type Office = { level: 'city'; cityCode: string } | { level: 'province' };

/** The office that reviews a voucher application (see the top of this file). */
export async function voucherOffice(repo: ApplicationsRepo, p: ProgrammeRow, enterpriseCity: string | null) {
  if (p.issuerCityCode) return { level: 'city', cityCode: p.issuerCityCode } satisfies Office;
  if (p.reviewLevel === 'city' && enterpriseCity && (await repo.cityOffice(enterpriseCity)) !== undefined)
    return { level: 'city', cityCode: enterpriseCity } satisfies Office;
  return { level: 'province' } satisfies Office;
}

/** The office told of a new certification application: the city's, or the province's where it has none. */
export async function certificationOffice(repo: ApplicationsRepo, enterpriseCity: string | null): Promise<Office> {
  return enterpriseCity && (await repo.cityOffice(enterpriseCity)) !== undefined
    ? { level: 'city', cityCode: enterpriseCity }
    : { level: 'province' };
}

/**
 * Whose applications a list holds: an enterprise's people, their own enterprise's; finance staff and
 * admins, the queue within their financeScope (a city's office: that city's). Anyone else: 403.
 */
export function listScope(actor: Actor): { enterpriseId: number } | { cityCode: string | undefined } {
  if (actor.role === 'researcher') {
    if (actor.organisationKind !== 'enterprise') throw forbidden('applications are made by enterprises');
    return { enterpriseId: actor.organisationId };
  }
  const scope = financeScope(actor);
  if (!scope) throw forbidden('applications are reviewed by finance offices and admins');
  return { cityCode: scope.kind === 'city' ? scope.cityCode : undefined };
}

/** Whether the caller is the office (or an admin) that reviews. */
export function isOffice(actor: Actor, office: Office): boolean {
  if (actor.role === 'platform_admin') return true;
  const scope = financeScope(actor);
  if (!scope) return false;
  return office.level === 'province'
    ? scope.kind === 'province'
    : scope.kind === 'city' && scope.cityCode === office.cityCode;
}

/** A certification application is reviewed by its city's office, the province's finance staff or an admin. */
export function reviewsCertification(actor: Actor, enterpriseCity: string | null): boolean {
  const scope = financeScope(actor);
  return scope !== null && (scope.kind === 'province' || scope.cityCode === enterpriseCity);
}

/** The users told of an application awaiting an office. */
export async function officeRecipients(repo: ApplicationsRepo, office: Office): Promise<Recipient[]> {
  if (office.level === 'province') return ['provincial_finance'];
  const id = await repo.cityOffice(office.cityCode);
  return id === undefined ? ['provincial_finance'] : [{ organisationId: id, role: 'finance_officer' }];
}

/** The enterprise's researchers (its users who apply and book). */
export const enterpriseRecipients = (enterpriseId: number): Recipient[] => [
  { organisationId: enterpriseId, role: 'researcher' },
];

/** The applicant as shown: contact details whole to the reviewers' detail and the enterprise itself, else masked. */
export function applicantView(e: EnterpriseFacts, whole: boolean) {
  return {
    id: e.id,
    name: e.name,
    creditCode: e.creditCode,
    cityCode: e.cityCode,
    cityName: e.cityName,
    legalRepresentative: e.legalRepresentative,
    contactName: e.contactName,
    contactPhone: whole ? e.contactPhone : maskPhone(e.contactPhone),
    contactEmail: whole ? e.contactEmail : maskEmail(e.contactEmail),
  };
}

export function historyView(rows: HistoryRow[]) {
  return rows.map((r) => ({
    action: r.action,
    note: r.note,
    at: new Date(Number(r.at)).toISOString(),
    actorName: r.actorName,
    actorOrganisation: r.actorOrganisation,
  }));
}

/** The enterprise's certification as it stands today (the existing table, written by Enterprises.certify). */
export async function certificationState(ctx: ApplicationsContext, q: Queryable, enterpriseId: number) {
  const c = await ctx.vouchersRepo.with(q).certification(enterpriseId);
  if (!c) return null;
  return {
    certificateNo: c.certificateNo,
    certifiedOn: c.certifiedOn,
    expiresOn: c.expiresOn,
    valid: c.revokedAt === null && c.expiresOn >= today(ctx.clock),
    revoked: c.revokedAt !== null,
  };
}

/**
 * Runs a review step; when the caller turns out not to be the reviewing office (403) the attempt is
 * written to the audit log as denied (outside the step's transaction, which is undone).
 */
export async function auditedRefusal<T>(
  ctx: ApplicationsContext,
  entry: Pick<AuditEntry, 'action' | 'actor' | 'subject'>,
  step: () => Promise<T>,
): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof AppError && err.code === 'forbidden')
      await ctx.audit.record({ ...entry, outcome: 'denied', details: { reason: err.message } });
    throw err;
  }
}

export const subjectOf = (type: ReviewSubject, id: number) => ({ type, id });
