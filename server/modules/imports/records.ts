/**
 * Published instrument records as the template sees them: read for the national export and for an
 * import's comparison (which rows change), and the field-by-field comparison itself.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../../db/port.ts';
import { cities, instruments, organisations } from '../../../db/schema/index.ts';
import type { RecordView, SheetRecord } from './template.ts';

/** The fields a sheet carries, in the template's terms. */
export const SHEET_FIELDS = [
  'assetNumber',
  'nameZh',
  'nameEn',
  'categoryCode',
  'origin',
  'originalValueFen',
  'commissionedOn',
  'country',
  'manufacturer',
  'model',
  'specs',
  'functions',
  'subjectAreas',
  'serviceContent',
  'feeNote',
  'sharingMode',
  'runStatus',
  'cityCode',
  'district',
  'address',
  'contactName',
  'contactPhone',
  'contactEmail',
  'purchaseFunding',
  'purpose',
  'hostFacility',
  'customsSupervised',
  'sharingRules',
  'bookingUrl',
  'nationalNumber',
] as const satisfies readonly (keyof SheetRecord)[];

export type StoredRecord = RecordView & {
  id: number;
  institutionId: number;
  searchKey: number;
  annualRunHours: number | null;
  annualServiceHours: number | null;
};

type Row = typeof instruments.$inferSelect;

export function sheetRecordOf(row: Row): SheetRecord {
  const out: Record<string, unknown> = {};
  for (const f of SHEET_FIELDS) out[f] = row[f];
  return out as SheetRecord;
}

/** An institution's published records (all, or those with these asset numbers), by instrument id. */
export async function sheetRecords(
  q: Queryable,
  institutionId: number,
  assetNumbers?: readonly string[],
): Promise<Map<number, StoredRecord>> {
  if (assetNumbers && assetNumbers.length === 0) return new Map();
  const where = assetNumbers
    ? and(eq(instruments.institutionId, institutionId), inArray(instruments.assetNumber, [...assetNumbers]))
    : eq(instruments.institutionId, institutionId);
  const rows = await q.orm
    .select({ i: instruments, institutionName: organisations.name, cityName: cities.name })
    .from(instruments)
    .innerJoin(organisations, eq(organisations.id, instruments.institutionId))
    .innerJoin(cities, eq(cities.code, instruments.cityCode))
    .where(where)
    .all();
  return new Map(
    rows.map(({ i, institutionName, cityName }) => [
      i.id,
      {
        ...sheetRecordOf(i),
        id: i.id,
        institutionId: i.institutionId,
        searchKey: i.searchKey,
        annualRunHours: i.annualRunHours,
        annualServiceHours: i.annualServiceHours,
        institutionName,
        cityName,
      },
    ]),
  );
}

const same = (a: unknown, b: unknown) =>
  Array.isArray(a) || Array.isArray(b)
    ? JSON.stringify(a ?? []) === JSON.stringify(b ?? [])
    : (a ?? null) === (b ?? null);

/** The fields whose values differ, with the new values. */
export function changedFields(stored: SheetRecord, incoming: SheetRecord): Partial<SheetRecord> {
  const out: Record<string, unknown> = {};
  for (const f of SHEET_FIELDS) if (!same(stored[f], incoming[f])) out[f] = incoming[f];
  return out as Partial<SheetRecord>;
}
