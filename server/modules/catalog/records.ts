/**
 * An instrument's record: the full detail as the API shows it, and the write paths — create and
 * update — with their upkeep of the list price, the rate card and the search index entry, each in
 * the transaction that writes the row.
 */
import { UNPRICED_SORT_FEN, type instruments, type PriceUnit } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { namedFields } from '../../shared/patch.ts';
import { isPlatformAdmin, type AuditLog } from '../audit/audit-log.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { InstrumentDetail, InstrumentInput, InstrumentPatch, RateCard } from './catalog.schemas.ts';
import type { CatalogRepo } from './catalog.repo.ts';
import { toSummary, type CatalogContext, type Reading, type Reference } from './context.ts';
import { searchDocument } from './search-index.ts';
import type { ListingSubmission, PendingChange } from '../listing/listing.schemas.ts';

type InstrumentRow = typeof instruments.$inferSelect;

/** Fields whose change on a published record goes through listing review (入网审核). */
export const LISTING_KEY_FIELDS = ['categoryCode', 'originalValueFen', 'sharingMode', 'rateCard'] as const;

/** A new record's fate: published at once (platform admins), or submitted for listing review. */
export type CreateResult = { published: InstrumentDetail } | { submitted: ListingSubmission };

/**
 * Listing review (server/modules/listing), as the write paths see it. Each call joins the caller's
 * transaction. Without one (a bare catalogue: seed scripts, benchmarks) every write publishes at once.
 */
export interface ListingGate {
  /** A lab manager's new record, checked: held for review. */
  submitNew(actor: Actor, institutionId: number, input: InstrumentInput): Promise<ListingSubmission>;
  /**
   * A lab manager's changed key fields of a published record (with their published values); `reverted`:
   * key fields named with their published value (an open change drops them).
   */
  submitChange(
    actor: Actor,
    instrumentId: number,
    patch: InstrumentPatch,
    published: Record<string, unknown>,
    reverted: string[],
  ): Promise<void>;
  /** A reviewer's own new record, published at once: an approved submission for the history. */
  published(actor: Actor, instrumentId: number, institutionId: number, input: InstrumentInput): Promise<void>;
  /** The instrument's open change (pending or returned), for its editors. */
  pendingChange(instrumentId: number): Promise<PendingChange | null>;
}

/** A rate card as the published one compares with a proposed one (no ids, fixed key order). */
export function normalRateCard(card: RateCard | null | undefined) {
  if (!card) return null;
  return {
    setupFeeFen: card.setupFeeFen,
    minimumChargeFen: card.minimumChargeFen,
    urgentSurchargePercent: card.urgentSurchargePercent,
    offHoursSurchargePercent: card.offHoursSurchargePercent,
    notes: card.notes ?? null,
    items: card.items.map((i) => ({
      unit: i.unit,
      labelZh: i.labelZh,
      labelEn: i.labelEn ?? null,
      internalFen: i.internalFen,
      academicFen: i.academicFen,
      enterpriseFen: i.enterpriseFen,
    })),
  };
}

/** The stored rate card as a proposed one is compared with (and shown beside it). */
export function publishedRateCard(card: Awaited<ReturnType<CatalogRepo['rateCard']>>) {
  return normalRateCard(card as unknown as RateCard | null);
}

/** Lowest enterprise price of a rate card: the catalogue's "from ¥X per hour/sample". */
export function listPrice(items: RateCard['items']): { fen: number; unit: PriceUnit } | null {
  let best: { fen: number; unit: PriceUnit } | null = null;
  for (const item of items)
    if (!best || item.enterpriseFen < best.fen) best = { fen: item.enterpriseFen, unit: item.unit };
  return best;
}

export class InstrumentRecords {
  constructor(
    private readonly ctx: CatalogContext,
    /** The security audit log: platform admins publishing or editing an institution's instrument. */
    private readonly audit?: AuditLog,
  ) {}

  /** Listing review: set once the listing module is built (it publishes through this class). */
  private listing: ListingGate | null = null;
  gateWith(listing: ListingGate): void {
    this.listing = listing;
  }

  async instrument(id: number, actor: Actor | null): Promise<InstrumentDetail> {
    const ref = await this.ctx.ref();
    // The row, its summary, institution and rate card of one moment.
    return this.ctx.db.read(async (tx) => this.detail({ repo: this.ctx.repo.with(tx), ref }, id, actor));
  }

  /** The full record as the API shows it; call it on a snapshot or in the transaction that wrote it. */
  private async detail({ repo, ref }: Reading, id: number, actor: Actor | null): Promise<InstrumentDetail> {
    const row = await repo.instrument(id);
    if (!row) throw notFound('instrument');
    const [summary] = await repo.summaries([id]);
    const institution = (await repo.organisation(row.institutionId))!;
    const card = await repo.rateCard(id);
    const path: { code: string; name: string; nameEn: string | null }[] = [];
    for (
      let c = ref.categoryByCode.get(row.categoryCode);
      c;
      c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
    ) {
      path.unshift({ code: c.code, name: c.name, nameEn: c.nameEn });
    }
    return {
      ...toSummary(summary!),
      assetNumber: row.assetNumber,
      origin: row.origin,
      commissionedOn: row.commissionedOn,
      country: row.country,
      specs: row.specs,
      functions: row.functions,
      subjectAreas: row.subjectAreas,
      serviceContent: row.serviceContent,
      feeNote: row.feeNote,
      province: row.province,
      district: row.district,
      address: row.address,
      contactName: row.contactName,
      contactPhone: row.contactPhone,
      contactEmail: row.contactEmail,
      timeZone: row.timeZone,
      annualRunHours: row.annualRunHours,
      annualServiceHours: row.annualServiceHours,
      purchaseFunding: row.purchaseFunding,
      purpose: row.purpose,
      hostFacility: row.hostFacility,
      customsSupervised: row.customsSupervised,
      sharingRules: row.sharingRules,
      bookingUrl: row.bookingUrl,
      nationalNumber: row.nationalNumber,
      categoryPath: path,
      institution: {
        id: institution.id,
        name: institution.name,
        nameEn: institution.nameEn,
        type: institution.institutionType,
        certified: institution.certified,
        cityCode: institution.cityCode,
        address: institution.address,
      },
      rateCard: card && {
        setupFeeFen: card.setupFeeFen,
        minimumChargeFen: card.minimumChargeFen,
        urgentSurchargePercent: card.urgentSurchargePercent,
        offHoursSurchargePercent: card.offHoursSurchargePercent,
        notes: card.notes,
        items: card.items.map((i) => ({
          id: i.id,
          unit: i.unit,
          labelZh: i.labelZh,
          labelEn: i.labelEn,
          internalFen: i.internalFen,
          academicFen: i.academicFen,
          enterpriseFen: i.enterpriseFen,
        })),
      },
      updatedAt: row.updatedAt,
      editable: canManageInstitution(actor, row.institutionId),
      pendingChange:
        this.listing && canManageInstitution(actor, row.institutionId) ? await this.listing.pendingChange(id) : null,
    };
  }

  /**
   * A new record. A platform admin's is published at once (with an approved listing submission for
   * the history); a lab manager's waits for listing review (入网审核): the answer is the submission
   * and nothing enters the catalogue until a reviewer approves it.
   */
  async create(actor: Actor, input: InstrumentInput): Promise<CreateResult> {
    let institutionId: number;
    if (actor.role === 'platform_admin') {
      if (input.institutionId === undefined) {
        throw badRequest('institutionId is required', [
          { path: 'institutionId', message: 'which institution owns it' },
        ]);
      }
      institutionId = input.institutionId;
    } else {
      institutionId = actor.organisationId;
      if (input.institutionId !== undefined && input.institutionId !== institutionId) {
        throw forbidden('lab managers add instruments to their own institution only');
      }
    }
    if (!canManageInstitution(actor, institutionId)) throw forbidden('not your institution');
    const ref = await this.ctx.ref();
    if (this.listing && !isPlatformAdmin(actor)) {
      const listing = this.listing;
      const submission = await this.ctx.db.write(async (tx) => {
        await this.checkNew({ repo: this.ctx.repo.with(tx), ref }, institutionId, input);
        return listing.submitNew(actor, institutionId, input);
      });
      return { submitted: submission };
    }
    // Checks and writes in one transaction: the institution's name goes into the index entry and the
    // asset number must still be free when the row is inserted. The record is read back in it too,
    // so the answer is exactly what was written.
    const published = await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const id = await this.insertRecord({ repo, ref }, actor, institutionId, input);
      await this.listing?.published(actor, id, institutionId, input);
      return this.detail({ repo, ref }, id, actor);
    });
    return { published };
  }

  /**
   * Publishes an approved new record (listing review): the create path, without the caller's own
   * permission check (the reviewer's was made). Joins the caller's transaction. Returns the id.
   */
  async publishApproved(actor: Actor, institutionId: number, input: InstrumentInput): Promise<number> {
    const ref = await this.ctx.ref();
    return this.ctx.db.write(async (tx) =>
      this.insertRecord({ repo: this.ctx.repo.with(tx), ref }, actor, institutionId, input),
    );
  }

  /** What a new record must pass before it is held for review or written: owner, references, photo, asset number. */
  private async checkNew({ repo, ref }: Reading, institutionId: number, input: InstrumentInput) {
    const { rateCard: _card, institutionId: _ignored, ...record } = input;
    const institution = await repo.organisation(institutionId);
    if (!institution || institution.kind !== 'institution') {
      throw badRequest('not an instrument-owning institution', [
        { path: 'institutionId', message: 'unknown institution' },
      ]);
    }
    this.checkReferences(ref, record);
    this.ctx.photos.checkAddress(record.photoUrl, null);
    if (await repo.assetNumberTaken(institutionId, record.assetNumber)) {
      throw new AppError('conflict', 'asset number already used in this institution', [
        { path: 'assetNumber', message: 'already used' },
      ]);
    }
    return institution;
  }

  private async insertRecord(
    reading: Reading,
    actor: Actor,
    institutionId: number,
    input: InstrumentInput,
  ): Promise<number> {
    const { repo, ref } = reading;
    const { rateCard, institutionId: _ignored, ...record } = input;
    const institution = await this.checkNew(reading, institutionId, input);
    const now = this.ctx.clock.now();
    const id = await repo.nextInstrumentId();
    const price = rateCard ? listPrice(rateCard.items) : null;
    const doc = instrumentIndexDocument(ref, { ...record, id, institutionId }, institution.name);
    await repo.insertInstrument({
      ...record,
      id,
      institutionId,
      listPriceFen: price?.fen ?? null,
      listPriceUnit: price?.unit ?? null,
      priceSortFen: price?.fen ?? UNPRICED_SORT_FEN,
      searchKey: doc.key,
      createdAt: now,
      updatedAt: now,
    });
    if (rateCard) await this.writeRateCard(repo, id, rateCard, now);
    await repo.reindex(null, doc);
    if (isPlatformAdmin(actor))
      await this.audit?.record(
        {
          action: 'instrument.create',
          actor,
          subject: { type: 'instrument', id },
          details: { institutionId, institutionName: institution.name, nameZh: record.nameZh },
        },
        this.ctx.db,
      );
    return id;
  }

  /**
   * Edits a record. A lab manager's changes of key fields (category, value, sharing mode, rate card)
   * that differ from the published ones become the instrument's pending change for listing review,
   * and the published values stay; the other fields apply at once.
   */
  async update(actor: Actor, id: number, patch: InstrumentPatch): Promise<InstrumentDetail> {
    const ref = await this.ctx.ref();
    const { detail, photoBefore, photoAfter } = await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const row = await repo.instrument(id);
      if (!row) throw notFound('instrument');
      if (!canManageInstitution(actor, row.institutionId)) {
        throw forbidden('only the owning institution’s lab managers and platform admins may edit this instrument');
      }
      let direct = patch;
      if (this.listing && !isPlatformAdmin(actor)) {
        const { key, published, reverted, rest } = await this.splitKeyChanges(repo, row, patch);
        if (Object.keys(key).length || reverted.length) {
          // Checked now, so the lab hears of a wrong category at once rather than at review.
          this.checkReferences(ref, { ...row, ...key });
          await this.listing.submitChange(actor, id, key, published, reverted);
        }
        direct = rest;
      }
      if (!Object.keys(namedFields(direct)).length) {
        return {
          detail: await this.detail({ repo, ref }, id, actor),
          photoBefore: row.photoUrl,
          photoAfter: undefined,
        };
      }
      const written = await this.writeChanges({ repo, ref }, actor, row, direct);
      return { detail: await this.detail({ repo, ref }, id, actor), photoBefore: row.photoUrl, photoAfter: written };
    });
    // The replaced upload leaves the disk once the change is committed.
    if (photoAfter !== undefined) await this.ctx.photos.released(photoBefore, photoAfter);
    return detail;
  }

  /**
   * Applies an approved change (listing review): the update path without the caller's own permission
   * check (the reviewer's was made). Joins the caller's transaction.
   */
  async applyApproved(actor: Actor, id: number, patch: InstrumentPatch): Promise<void> {
    const ref = await this.ctx.ref();
    await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const row = await repo.instrument(id);
      if (!row) throw notFound('instrument');
      await this.writeChanges({ repo, ref }, actor, row, patch);
    });
  }

  /** The key fields of a patch that differ from the published record, their published values, and the rest. */
  private async splitKeyChanges(repo: CatalogRepo, row: InstrumentRow, patch: InstrumentPatch) {
    const key: InstrumentPatch = {};
    const published: Record<string, unknown> = {};
    const reverted: string[] = [];
    const rest: Record<string, unknown> = { ...patch };
    const stored = row as unknown as Record<string, unknown>;
    for (const field of LISTING_KEY_FIELDS) {
      if (!(field in patch) || (patch as Record<string, unknown>)[field] === undefined) continue;
      delete rest[field];
      const proposed = (patch as Record<string, unknown>)[field];
      const current = field === 'rateCard' ? publishedRateCard(await repo.rateCard(row.id)) : stored[field];
      const same =
        field === 'rateCard'
          ? JSON.stringify(normalRateCard(proposed as RateCard)) === JSON.stringify(current)
          : proposed === current;
      if (same) {
        reverted.push(field);
        continue;
      }
      (key as Record<string, unknown>)[field] = proposed;
      published[field] = current ?? null;
    }
    return { key, published, reverted, rest: rest as InstrumentPatch };
  }

  /** Writes named fields of a record with its index entry, list price and rate card; returns the new photo (if named). */
  private async writeChanges(
    { repo, ref }: Reading,
    actor: Actor,
    row: InstrumentRow,
    patch: InstrumentPatch,
  ): Promise<string | null | undefined> {
    const id = row.id;
    // Only the fields the PATCH named change; the rest keep their stored values.
    const { rateCard, ...changes } = namedFields(patch);
    // The row is read inside the transaction that writes it: the index entry is made from the stored
    // row merged with the changes and replaces the entry under the row's current key, so a row read
    // before another edit (or a photo upload) committed would write a stale entry and leave that
    // edit's entry behind.
    const merged = { ...row, ...changes };
    this.checkReferences(ref, merged);
    const institution = (await repo.organisation(row.institutionId))!;
    this.ctx.photos.checkAddress(changes.photoUrl, row.photoUrl);
    if (changes.assetNumber && (await repo.assetNumberTaken(row.institutionId, changes.assetNumber, id))) {
      throw new AppError('conflict', 'asset number already used in this institution', [
        { path: 'assetNumber', message: 'already used' },
      ]);
    }
    const now = this.ctx.clock.now();
    const doc = instrumentIndexDocument(ref, merged, institution.name);
    const price = rateCard ? listPrice(rateCard.items) : undefined;
    await repo.updateInstrument(id, {
      ...changes,
      ...(price !== undefined && {
        listPriceFen: price?.fen ?? null,
        listPriceUnit: price?.unit ?? null,
        priceSortFen: price?.fen ?? UNPRICED_SORT_FEN,
      }),
      searchKey: doc.key,
      updatedAt: now,
    });
    if (rateCard) await this.writeRateCard(repo, id, rateCard, now);
    await repo.reindex(row.searchKey, doc);
    if (isPlatformAdmin(actor)) {
      // The fields named, each with its value before and after (the rate card: that it was replaced).
      const stored = row as unknown as Record<string, unknown>;
      const fields = Object.fromEntries(
        Object.entries(changes).map(([k, v]) => [k, { from: stored[k] ?? null, to: v ?? null }]),
      );
      await this.audit?.record(
        {
          action: 'instrument.update',
          actor,
          subject: { type: 'instrument', id },
          details: { institutionId: row.institutionId, nameZh: merged.nameZh, fields, rateCard: !!rateCard },
        },
        this.ctx.db,
      );
    }
    return changes.photoUrl;
  }

  private checkReferences(ref: Reference, r: { categoryCode: string; cityCode: string }): void {
    const errors = [];
    if (!ref.categoryByCode.has(r.categoryCode))
      errors.push({ path: 'categoryCode', message: 'unknown category code' });
    if (!ref.cityByCode.has(r.cityCode)) errors.push({ path: 'cityCode', message: 'unknown city code' });
    if (errors.length) throw badRequest('invalid instrument record', errors);
  }

  private async writeRateCard(repo: CatalogRepo, instrumentId: number, card: RateCard, now: number): Promise<void> {
    const { items, ...terms } = card;
    await repo.replaceRateCard(
      instrumentId,
      { ...terms, updatedAt: now },
      items.map((item, sortOrder) => ({ ...item, sortOrder })),
    );
  }
}

/** The search index entry of an instrument: its words, facets and sort values (also written by bulk imports). */
export function instrumentIndexDocument(
  ref: Reference,
  r: Pick<
    InstrumentInput,
    'nameZh' | 'nameEn' | 'model' | 'manufacturer' | 'categoryCode' | 'cityCode' | 'sharingMode' | 'runStatus'
  > & {
    id: number;
    institutionId: number;
  },
  institutionName: string,
) {
  const names: string[] = [];
  let top = 0;
  for (
    let c = ref.categoryByCode.get(r.categoryCode);
    c;
    c = c.parentCode ? ref.categoryByCode.get(c.parentCode) : undefined
  ) {
    names.push(c.name);
    if (c.level === 1) top = c.ordinal ?? 0;
  }
  return searchDocument({
    id: r.id,
    nameZh: r.nameZh,
    nameEn: r.nameEn,
    model: r.model,
    manufacturer: r.manufacturer,
    categoryCode: r.categoryCode,
    categoryNames: names,
    categoryOrdinal: top,
    institutionId: r.institutionId,
    institutionName,
    cityCode: r.cityCode,
    cityOrdinal: ref.cityByCode.get(r.cityCode)!.ordinal,
    sharingMode: r.sharingMode,
    runStatus: r.runStatus,
  });
}
