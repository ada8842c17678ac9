/** Between the edit form (yuan, strings, dayjs) and the API's InstrumentInput (fen, nulls, ISO dates). */
import dayjs, { type Dayjs } from 'dayjs';
import type {
  InstrumentDetail,
  InstrumentInput,
  InstrumentPurpose,
  Origin,
  PriceUnit,
  PurchaseFunding,
  RunStatus,
  SharingMode,
} from '../../api/catalog';
import type { FieldError } from '../../api/client';
import { fenToYuanString, parseYuanToFen } from '../../ui/money';

export type RateItemValues = {
  unit: PriceUnit;
  labelZh: string;
  labelEn?: string | null;
  internalYuan: string | null;
  academicYuan: string | null;
  enterpriseYuan: string | null;
};

export type FormValues = {
  institutionId?: number;
  assetNumber: string;
  nameZh: string;
  nameEn?: string | null;
  categoryCode?: string;
  origin: Origin;
  originalValueYuan: string | null;
  commissionedOn?: Dayjs | null;
  country?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  specs?: string | null;
  functions?: string | null;
  subjectAreas: string[];
  serviceContent?: string | null;
  feeNote?: string | null;
  sharingMode: SharingMode;
  runStatus: RunStatus;
  cityCode?: string;
  district?: string | null;
  address?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
  contactEmail?: string | null;
  photoUrl?: string | null;
  purchaseFunding?: PurchaseFunding | null;
  purpose?: InstrumentPurpose | null;
  hostFacility?: string | null;
  customsSupervised: boolean;
  sharingRules?: string | null;
  bookingUrl?: string | null;
  nationalNumber?: string | null;
  rateCard: {
    setupFeeYuan: string | null;
    minimumChargeYuan: string | null;
    urgentSurchargePercent: number | null;
    offHoursSurchargePercent: number | null;
    notes?: string | null;
    items: RateItemValues[];
  };
};

/** Field limits, mirroring the server's zod schema. */
export const LIMITS = {
  assetNumber: 40,
  nameZh: 100,
  nameEn: 200,
  country: 40,
  manufacturer: 100,
  model: 100,
  specs: 500,
  functions: 300,
  subjectArea: 30,
  subjectAreas: 4,
  serviceContent: 1000,
  feeNote: 500,
  district: 40,
  address: 200,
  contactName: 40,
  contactPhone: 40,
  contactEmail: 120,
  photoUrl: 500,
  hostFacility: 100,
  sharingRules: 1000,
  bookingUrl: 300,
  nationalNumber: 40,
  rateNotes: 500,
  labelZh: 60,
  labelEn: 80,
  rateItems: 20,
  maxFen: 1e13,
} as const;

export const emptyRateItem = (): RateItemValues => ({
  unit: 'hour',
  labelZh: '',
  labelEn: '',
  internalYuan: null,
  academicYuan: null,
  enterpriseYuan: null,
});

export function blankValues(cityCode?: string | null): FormValues {
  return {
    assetNumber: '',
    nameZh: '',
    origin: 'purchased',
    originalValueYuan: null,
    subjectAreas: [],
    sharingMode: 'external',
    runStatus: 'normal',
    customsSupervised: false,
    cityCode: cityCode ?? undefined,
    rateCard: {
      setupFeeYuan: '0.00',
      minimumChargeYuan: '0.00',
      urgentSurchargePercent: 50,
      offHoursSurchargePercent: 0,
      notes: '',
      items: [emptyRateItem()],
    },
  };
}

export function valuesFromDetail(d: InstrumentDetail): FormValues {
  const rc = d.rateCard;
  return {
    assetNumber: d.assetNumber,
    nameZh: d.nameZh,
    nameEn: d.nameEn,
    categoryCode: d.category.code,
    origin: d.origin,
    originalValueYuan: fenToYuanString(d.originalValueFen),
    commissionedOn: d.commissionedOn ? dayjs(d.commissionedOn) : null,
    country: d.country,
    manufacturer: d.manufacturer,
    model: d.model,
    specs: d.specs,
    functions: d.functions,
    subjectAreas: d.subjectAreas,
    serviceContent: d.serviceContent,
    feeNote: d.feeNote,
    sharingMode: d.sharingMode,
    runStatus: d.runStatus,
    cityCode: d.city.code,
    district: d.district,
    address: d.address,
    contactName: d.contactName,
    contactPhone: d.contactPhone,
    contactEmail: d.contactEmail,
    photoUrl: d.photoUrl,
    purchaseFunding: d.purchaseFunding,
    purpose: d.purpose,
    hostFacility: d.hostFacility,
    customsSupervised: d.customsSupervised,
    sharingRules: d.sharingRules,
    bookingUrl: d.bookingUrl,
    nationalNumber: d.nationalNumber,
    rateCard: {
      setupFeeYuan: fenToYuanString(rc?.setupFeeFen ?? 0),
      minimumChargeYuan: fenToYuanString(rc?.minimumChargeFen ?? 0),
      urgentSurchargePercent: rc?.urgentSurchargePercent ?? 50,
      offHoursSurchargePercent: rc?.offHoursSurchargePercent ?? 0,
      notes: rc?.notes ?? '',
      items: (rc?.items ?? []).map((i) => ({
        unit: i.unit,
        labelZh: i.labelZh,
        labelEn: i.labelEn ?? '',
        internalYuan: fenToYuanString(i.internalFen),
        academicYuan: fenToYuanString(i.academicFen),
        enterpriseYuan: fenToYuanString(i.enterpriseFen),
      })),
    },
  };
}

const orNull = (v: string | null | undefined) => {
  const s = (v ?? '').trim();
  return s ? s : null;
};
const fen = (v: string | null | undefined) => {
  const f = parseYuanToFen(v);
  if (f === null) throw new Error(`not a yuan amount: ${v}`);
  return f;
};

/**
 * The API body for the form. `includeRateCard` is false when the instrument has no rate card and the
 * editor was left empty, so that saving the record does not publish an empty rate card.
 */
export function toInput(v: FormValues, { includeRateCard }: { includeRateCard: boolean }): InstrumentInput {
  const rc = v.rateCard;
  return {
    ...(v.institutionId !== undefined ? { institutionId: v.institutionId } : {}),
    assetNumber: v.assetNumber.trim(),
    nameZh: v.nameZh.trim(),
    nameEn: orNull(v.nameEn),
    categoryCode: v.categoryCode ?? '',
    origin: v.origin,
    originalValueFen: fen(v.originalValueYuan),
    commissionedOn: v.commissionedOn ? v.commissionedOn.format('YYYY-MM-DD') : null,
    country: orNull(v.country),
    manufacturer: orNull(v.manufacturer),
    model: orNull(v.model),
    specs: orNull(v.specs),
    functions: orNull(v.functions),
    subjectAreas: (v.subjectAreas ?? []).map((s) => s.trim()).filter(Boolean),
    serviceContent: orNull(v.serviceContent),
    feeNote: orNull(v.feeNote),
    sharingMode: v.sharingMode,
    runStatus: v.runStatus,
    cityCode: v.cityCode ?? '',
    district: orNull(v.district),
    address: orNull(v.address),
    contactName: orNull(v.contactName),
    contactPhone: orNull(v.contactPhone),
    contactEmail: orNull(v.contactEmail),
    photoUrl: orNull(v.photoUrl),
    purchaseFunding: v.purchaseFunding ?? null,
    purpose: v.purpose ?? null,
    hostFacility: orNull(v.hostFacility),
    customsSupervised: v.customsSupervised ?? false,
    sharingRules: orNull(v.sharingRules),
    bookingUrl: orNull(v.bookingUrl),
    nationalNumber: orNull(v.nationalNumber),
    ...(includeRateCard
      ? {
          rateCard: {
            setupFeeFen: fen(rc.setupFeeYuan ?? '0'),
            minimumChargeFen: fen(rc.minimumChargeYuan ?? '0'),
            urgentSurchargePercent: rc.urgentSurchargePercent ?? 0,
            offHoursSurchargePercent: rc.offHoursSurchargePercent ?? 0,
            notes: orNull(rc.notes),
            items: (rc.items ?? []).map((i) => ({
              unit: i.unit,
              labelZh: i.labelZh.trim(),
              labelEn: orNull(i.labelEn),
              internalFen: fen(i.internalYuan),
              academicFen: fen(i.academicYuan),
              enterpriseFen: fen(i.enterpriseYuan),
            })),
          },
        }
      : {}),
  };
}

/** `rateCard.items.0.enterpriseFen` (or `/rateCard/items/0/enterpriseFen`, or `body.…`) → the form's field name. */
export function formNameFor(path: string): (string | number)[] {
  const parts = path
    .split(/[./]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/Fen$/, 'Yuan')));
  if (parts[0] === 'body') parts.shift();
  return parts;
}

const FORM_FIELDS = new Set<string>([
  'institutionId',
  'assetNumber',
  'nameZh',
  'nameEn',
  'categoryCode',
  'origin',
  'originalValueYuan',
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
  'photoUrl',
  'purchaseFunding',
  'purpose',
  'hostFacility',
  'customsSupervised',
  'sharingRules',
  'bookingUrl',
  'nationalNumber',
  'rateCard',
]);

/** Split the server's field errors into ones the form can show on a field and the rest. */
export function mapFieldErrors(errors: FieldError[], localise: (name: (string | number)[], message: string) => string) {
  const onFields = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const other: FieldError[] = [];
  for (const e of errors) {
    let name = formNameFor(e.path);
    // `subjectAreas.2` belongs to the subjectAreas field; `rateCard` alone goes to the items list.
    if (name[0] === 'subjectAreas') name = ['subjectAreas'];
    if (name.length === 1 && name[0] === 'rateCard') name = ['rateCard', 'items'];
    if (typeof name[0] !== 'string' || !FORM_FIELDS.has(name[0])) {
      other.push(e);
      continue;
    }
    const key = name.join('.');
    const entry = onFields.get(key) ?? { name, errors: [] };
    entry.errors.push(localise(name, e.message));
    onFields.set(key, entry);
  }
  return { fields: [...onFields.values()], other };
}
