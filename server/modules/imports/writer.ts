/**
 * Writing one chunk of checked rows, in the chunk's transaction. A platform admin's rows are
 * published at once (the instruments row, its search index entry, and an approved submission for the
 * history); a lab manager's follow listing review (入网审核): a new record becomes a pending 'new'
 * submission, a published record takes its non-key changes at once and its key-field changes
 * (category, value, sharing mode) as a 'change' submission while the published version stays.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/port.ts';
import { UNPRICED_SORT_FEN, instruments, listingSubmissions, reviewEvents } from '../../../db/schema/index.ts';
import type { InstrumentInput } from '../catalog/catalog.schemas.ts';
import { CatalogRepo } from '../catalog/catalog.repo.ts';
import type { Reference } from '../catalog/context.ts';
import { instrumentIndexDocument } from '../catalog/records.ts';
import { changedFields, sheetRecords } from './records.ts';
import type { CellError, SheetRecord } from './template.ts';

/** Fields whose change on a published record goes through review (the rate card is not in the sheet). */
export const KEY_FIELDS = ['categoryCode', 'originalValueFen', 'sharingMode'] as const;
/** Fields the search index entry is made from. */
const INDEXED = ['nameZh', 'nameEn', 'model', 'manufacturer', 'categoryCode', 'cityCode', 'sharingMode', 'runStatus'];

export interface ChunkContext {
  importId: number;
  institutionId: number;
  institutionName: string;
  userId: number;
  /** A reviewer's import publishes directly. */
  publishes: boolean;
  ref: Reference;
  now: number;
}

export interface ChunkOutcome {
  created: number;
  updated: number;
  unchanged: number;
  submitted: number;
  errors: (CellError & { row: number })[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const pick = (o: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

type SubmissionInsert = typeof listingSubmissions.$inferInsert;

export async function writeChunk(
  tx: Tx,
  ctx: ChunkContext,
  rows: { row: number; record: SheetRecord }[],
): Promise<ChunkOutcome> {
  const out: ChunkOutcome = { created: 0, updated: 0, unchanged: 0, submitted: 0, errors: [] };
  if (!rows.length) return out;
  const repo = new CatalogRepo(tx);
  const assets = rows.map((r) => r.record.assetNumber);
  const stored = new Map(
    [...(await sheetRecords(tx, ctx.institutionId, assets)).values()].map((s) => [s.assetNumber, s]),
  );
  const ids = [...stored.values()].map((s) => s.id);
  // Two statements, each on its own index (an OR of the two would scan every submission).
  const waiting = ['pending', 'returned'] as const;
  const open = [
    ...(await tx.orm
      .select()
      .from(listingSubmissions)
      .where(
        and(
          eq(listingSubmissions.institutionId, ctx.institutionId),
          inArray(listingSubmissions.assetNumber, assets),
          inArray(listingSubmissions.status, waiting),
        ),
      )
      .all()),
    ...(ids.length
      ? await tx.orm
          .select()
          .from(listingSubmissions)
          .where(
            and(
              inArray(listingSubmissions.instrumentId, ids),
              eq(listingSubmissions.kind, 'change'),
              inArray(listingSubmissions.status, waiting),
            ),
          )
          .all()
      : []),
  ];
  const pendingNew = new Map(open.filter((s) => s.kind === 'new').map((s) => [s.assetNumber, s]));
  const pendingChange = new Map(open.filter((s) => s.kind === 'change').map((s) => [s.instrumentId!, s]));

  let nextId = await repo.nextInstrumentId();
  const newRows: (typeof instruments.$inferInsert)[] = [];
  const newDocs: ReturnType<typeof instrumentIndexDocument>[] = [];
  const newSubmissions: SubmissionInsert[] = [];
  const resubmitted: number[] = [];
  const base = {
    institutionId: ctx.institutionId,
    source: 'import' as const,
    importId: ctx.importId,
    submittedBy: ctx.userId,
    submittedAt: ctx.now,
    updatedAt: ctx.now,
  };

  for (const { row, record } of rows) {
    const current = stored.get(record.assetNumber);
    if (!current) {
      const waiting = pendingNew.get(record.assetNumber);
      // The record went through the API's schema when the row was read: the input as POST /instruments takes it.
      const input: InstrumentInput = { ...record, institutionId: ctx.institutionId, photoUrl: null };
      if (ctx.publishes) {
        if (waiting) {
          out.errors.push({
            row,
            column: '所属单位仪器编号',
            value: record.assetNumber,
            problem: '该资产编号已有待审核的新增记录，请先在入网审核中处理',
          });
          continue;
        }
        const id = nextId++;
        const doc = instrumentIndexDocument(
          ctx.ref,
          { ...record, id, institutionId: ctx.institutionId },
          ctx.institutionName,
        );
        newRows.push({
          ...record,
          id,
          institutionId: ctx.institutionId,
          listPriceFen: null,
          listPriceUnit: null,
          priceSortFen: UNPRICED_SORT_FEN,
          searchKey: doc.key,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        });
        newDocs.push(doc);
        newSubmissions.push({
          ...base,
          ...summaryOf(record),
          instrumentId: id,
          kind: 'new',
          status: 'approved',
          record: input,
          decidedBy: ctx.userId,
          decidedAt: ctx.now,
        });
        out.created++;
      } else if (waiting) {
        // A record waiting for review is replaced by the sheet's (a returned one goes back to review).
        if (same(pick(waiting.record, Object.keys(input)), input) && waiting.status === 'pending') {
          out.unchanged++;
          continue;
        }
        await tx.orm
          .update(listingSubmissions)
          .set({ record: input, ...summaryOf(record), status: 'pending', importId: ctx.importId, updatedAt: ctx.now })
          .where(eq(listingSubmissions.id, waiting.id))
          .run();
        if (waiting.status === 'returned') resubmitted.push(waiting.id);
        out.submitted++;
      } else {
        newSubmissions.push({ ...base, ...summaryOf(record), kind: 'new', status: 'pending', record: input });
        out.submitted++;
      }
      continue;
    }

    const changes = changedFields(current, record) as Record<string, unknown>;
    const keyChanges = ctx.publishes ? {} : pick(changes, KEY_FIELDS);
    const direct = Object.fromEntries(Object.entries(changes).filter(([k]) => !(k in keyChanges)));
    let submitted = false;
    if (Object.keys(keyChanges).length) {
      const waiting = pendingChange.get(current.id);
      if (!waiting) {
        newSubmissions.push({
          ...base,
          ...summaryOf(current),
          instrumentId: current.id,
          kind: 'change',
          status: 'pending',
          record: keyChanges,
          published: pick(current as unknown as Record<string, unknown>, Object.keys(keyChanges)),
        });
        submitted = true;
      } else {
        const merged = { ...waiting.record, ...keyChanges };
        if (!same(merged, waiting.record) || waiting.status === 'returned') {
          const published = {
            ...pick(current as unknown as Record<string, unknown>, Object.keys(keyChanges)),
            ...(waiting.published ?? {}),
          };
          await tx.orm
            .update(listingSubmissions)
            .set({ record: merged, published, status: 'pending', importId: ctx.importId, updatedAt: ctx.now })
            .where(eq(listingSubmissions.id, waiting.id))
            .run();
          if (waiting.status === 'returned') resubmitted.push(waiting.id);
          submitted = true;
        }
      }
    }
    if (Object.keys(direct).length) {
      const merged = { ...current, ...direct };
      const reindex = INDEXED.some((f) => f in direct);
      const doc = reindex ? instrumentIndexDocument(ctx.ref, merged, ctx.institutionName) : null;
      await repo.updateInstrument(current.id, {
        ...(direct as Partial<typeof instruments.$inferInsert>),
        ...(doc && { searchKey: doc.key }),
        updatedAt: ctx.now,
      });
      if (doc) await repo.reindex(current.searchKey, doc);
    }
    if (submitted) out.submitted++;
    else if (Object.keys(direct).length) out.updated++;
    else out.unchanged++;
  }

  // Bulk writes: a few multi-row statements per chunk (at most 100 rows each, under SQLite's
  // bound-parameter limit).
  for (let i = 0; i < newRows.length; i += 100)
    await tx.orm
      .insert(instruments)
      .values(newRows.slice(i, i + 100))
      .run();
  for (const doc of newDocs) await repo.reindex(null, doc);
  for (let i = 0; i < newSubmissions.length; i += 100) {
    const made = await tx.orm
      .insert(listingSubmissions)
      .values(newSubmissions.slice(i, i + 100))
      .returning({ id: listingSubmissions.id, status: listingSubmissions.status })
      .all();
    const events = made
      .filter((s) => s.status === 'pending')
      .map((s) => ({
        subjectType: 'listing_submission' as const,
        subjectId: s.id,
        action: 'submitted' as const,
        actorUserId: ctx.userId,
        at: ctx.now,
      }));
    if (events.length) await tx.orm.insert(reviewEvents).values(events).run();
  }
  if (resubmitted.length)
    await tx.orm
      .insert(reviewEvents)
      .values(
        resubmitted.map((id) => ({
          subjectType: 'listing_submission' as const,
          subjectId: id,
          action: 'resubmitted' as const,
          actorUserId: ctx.userId,
          at: ctx.now,
        })),
      )
      .run();
  return out;
}

const summaryOf = (r: Pick<SheetRecord, 'assetNumber' | 'nameZh' | 'categoryCode' | 'cityCode'>) => ({
  assetNumber: r.assetNumber,
  nameZh: r.nameZh,
  categoryCode: r.categoryCode,
  cityCode: r.cityCode,
});
