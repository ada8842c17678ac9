/**
 * An instrument's record: the full detail as the API shows it, and the write paths — create and
 * update — with their upkeep of the list price, the rate card and the search index entry, each in
 * the transaction that writes the row.
 */
import { UNPRICED_SORT_FEN, type PriceUnit } from '../../../db/schema/index.ts';
import { AppError, badRequest, forbidden, notFound } from '../../shared/errors.ts';
import { namedFields } from '../../shared/patch.ts';
import { isPlatformAdmin, type AuditLog } from '../audit/audit-log.ts';
import { canManageInstitution, type Actor } from '../auth/actor.ts';
import type { InstrumentDetail, InstrumentInput, InstrumentPatch, RateCard } from './catalog.schemas.ts';
import type { CatalogRepo } from './catalog.repo.ts';
import { toSummary, type CatalogContext, type Reading, type Reference } from './context.ts';
import { searchDocument } from './search-index.ts';

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
    };
  }

  async create(actor: Actor, input: InstrumentInput): Promise<InstrumentDetail> {
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
    const ref = await this.ctx.ref();
    const { rateCard, institutionId: _ignored, ...record } = input;
    // Checks and writes in one transaction: the institution's name goes into the index entry and the
    // asset number must still be free when the row is inserted. The record is read back in it too,
    // so the answer is exactly what was written.
    return this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const institution = await repo.organisation(institutionId);
      if (!institution || institution.kind !== 'institution') {
        throw badRequest('not an instrument-owning institution', [
          { path: 'institutionId', message: 'unknown institution' },
        ]);
      }
      if (!canManageInstitution(actor, institutionId)) throw forbidden('not your institution');
      this.checkReferences(ref, record);
      this.ctx.photos.checkAddress(record.photoUrl, null);
      if (await repo.assetNumberTaken(institutionId, record.assetNumber)) {
        throw new AppError('conflict', 'asset number already used in this institution', [
          { path: 'assetNumber', message: 'already used' },
        ]);
      }
      const now = this.ctx.clock.now();
      const id = await repo.nextInstrumentId();
      const price = rateCard ? listPrice(rateCard.items) : null;
      const doc = this.indexDocument(ref, { ...record, id, institutionId }, institution.name);
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
          tx,
        );
      return this.detail({ repo, ref }, id, actor);
    });
  }

  async update(actor: Actor, id: number, patch: InstrumentPatch): Promise<InstrumentDetail> {
    const ref = await this.ctx.ref();
    // Only the fields the PATCH named change; the rest keep their stored values.
    const { rateCard, ...changes } = namedFields(patch);
    // The row is read inside the transaction that writes it: the index entry is made from the stored
    // row merged with the changes and replaces the entry under the row's current key, so a row read
    // before another edit (or a photo upload) committed would write a stale entry and leave that
    // edit's entry behind.
    const { detail, photoBefore } = await this.ctx.db.write(async (tx) => {
      const repo = this.ctx.repo.with(tx);
      const row = await repo.instrument(id);
      if (!row) throw notFound('instrument');
      if (!canManageInstitution(actor, row.institutionId)) {
        throw forbidden('only the owning institution’s lab managers and platform admins may edit this instrument');
      }
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
      const doc = this.indexDocument(ref, merged, institution.name);
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
          tx,
        );
      }
      return { detail: await this.detail({ repo, ref }, id, actor), photoBefore: row.photoUrl };
    });
    // The replaced upload leaves the disk once the change is committed.
    if (changes.photoUrl !== undefined) await this.ctx.photos.released(photoBefore, changes.photoUrl);
    return detail;
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

  private indexDocument(
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
}
