/**
 * What the use cases of testing needs share (needs.ts, matching.ts, quotes.ts, expiry.ts): the database
 * and repository, the clock, the notifier, the catalogue (search, summaries, rate cards), the voucher
 * split checkout uses, and the document store (attachments).
 */
import { DateTime } from 'luxon';
import type { Database } from '../../../db/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { forbidden } from '../../shared/errors.ts';
import { formatInstant } from '../../shared/time.ts';
import type { Actor } from '../auth/actor.ts';
import type { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { DocumentStore } from '../documents/documents.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { VouchersService } from '../vouchers/vouchers.service.ts';
import type { NeedsRepo } from './needs.repo.ts';

export const ZONE = 'Asia/Shanghai';
export const DAY = 86_400_000;
/** How long a need takes quotes when the enterprise names no day. */
export const DEFAULT_VALIDITY_DAYS = 14;

export interface NeedsDeps {
  db: Database;
  repo: NeedsRepo;
  clock: Clock;
  catalog: CatalogService;
  catalogRepo: CatalogRepo;
  vouchers: VouchersService;
  documents: DocumentStore;
  notifier?: Notifier;
}

export type NeedsContext = NeedsDeps;

/** Today in Shanghai (YYYY-MM-DD). */
export const localDate = (ms: number) => formatInstant(ms, ZONE).slice(0, 10);

/** The first instant after a local day (its end, exclusive). */
export const endOfDay = (date: string) => DateTime.fromISO(date, { zone: ZONE }).plus({ days: 1 }).toMillis();

export const iso = (ms: number) => new Date(ms).toISOString();

/** Enterprises post needs and accept quotes: a researcher of an (approved) enterprise. */
export function isEnterprise(actor: Actor): boolean {
  return actor.role === 'researcher' && actor.organisationKind === 'enterprise';
}

export function requireEnterprise(actor: Actor): void {
  if (!isEnterprise(actor)) throw forbidden('only an enterprise’s researchers post testing needs and accept quotes');
}

/** Labs quote: a lab manager of an institution. */
export function requireLab(actor: Actor): void {
  if (actor.role !== 'lab_manager' || actor.organisationKind !== 'institution')
    throw forbidden('only a lab manager quotes for a testing need');
}
