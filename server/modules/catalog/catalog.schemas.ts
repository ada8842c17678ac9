/** Request and response shapes of the catalogue API. Imports only zod and the vocabularies, so the SPA can share them. */
import { z } from 'zod';
import {
  catalogSorts,
  instrumentOrigins,
  instrumentPurposes,
  priceUnits,
  purchaseFundings,
  runStatuses,
  sharingModes,
} from '../../../db/schema/enums.ts';
import { MAX_UNIT_PRICE_FEN } from '../../shared/money.ts';
import { patchSchemaOf } from '../../shared/patch.ts';
import { isPhotoAddress } from '../../shared/photo-url.ts';
import { isWebAddress } from '../../shared/web-address.ts';

const fen = z.number().int().min(0).max(1e13);
/** A price on a rate card (see MAX_UNIT_PRICE_FEN). */
const priceFen = z.number().int().min(0).max(MAX_UNIT_PRICE_FEN);
const categoryCode = z.string().regex(/^\d{6}$/, 'a 6-digit national category code');
const cityCode = z.string().regex(/^\d{6}$/, 'a 6-digit city code');
const intParam = (max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'a non-negative integer')
    .transform(Number)
    .pipe(z.number().int().min(0).max(max));

export const searchQuerySchema = z
  .object({
    q: z.string().trim().max(100, 'at most 100 characters').optional(),
    category: categoryCode.optional(),
    city: cityCode.optional(),
    institutionId: intParam(2 ** 38).optional(),
    status: z.enum(runStatuses).optional(),
    sharingMode: z.enum(sharingModes).optional(),
    minPriceFen: intParam(1e13).optional(),
    maxPriceFen: intParam(1e13).optional(),
    minValueFen: intParam(1e13).optional(),
    sort: z.enum(catalogSorts).default('relevance'),
    cursor: z.string().max(500).optional(),
    limit: intParam(100).pipe(z.number().min(1, 'at least 1')).default(20),
    /** Which extras to compute: total and facets cost a pass over every match. */
    include: z
      .string()
      .regex(/^(total|facets)?(,(total|facets))*$/, 'a comma-separated list of total, facets')
      .default('total,facets'),
  })
  .strict()
  .refine((v) => v.minPriceFen === undefined || v.maxPriceFen === undefined || v.minPriceFen <= v.maxPriceFen, {
    message: 'minPriceFen must not exceed maxPriceFen',
    path: ['minPriceFen'],
  });
export type SearchQuery = z.infer<typeof searchQuerySchema>;

const named = { code: z.string(), name: z.string(), nameEn: z.string().nullable() };

export const listPriceSchema = z.object({ fen: fen, unit: z.enum(priceUnits) }).nullable();

export const instrumentSummarySchema = z.object({
  id: z.number().int(),
  nameZh: z.string(),
  nameEn: z.string().nullable(),
  model: z.string().nullable(),
  manufacturer: z.string().nullable(),
  category: z.object(named),
  institution: z.object({ id: z.number().int(), name: z.string() }),
  city: z.object(named),
  sharingMode: z.enum(sharingModes),
  runStatus: z.enum(runStatuses),
  originalValueFen: fen,
  listPrice: listPriceSchema,
  photoUrl: z.string().nullable(),
  createdAt: z.number().int(),
});
export type InstrumentSummary = z.infer<typeof instrumentSummarySchema>;

export const facetBucketSchema = z.object({ ...named, count: z.number().int() });
export const facetsSchema = z.object({
  categories: z.array(facetBucketSchema),
  cities: z.array(facetBucketSchema),
  sharingModes: z.array(z.object({ value: z.enum(sharingModes), count: z.number().int() })),
});
export type Facets = z.infer<typeof facetsSchema>;

export const searchResultSchema = z.object({
  items: z.array(instrumentSummarySchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().nullable(),
  facets: facetsSchema.nullable(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

export const rateCardItemSchema = z.object({
  unit: z.enum(priceUnits),
  labelZh: z.string().trim().min(1).max(60),
  labelEn: z.string().trim().max(80).nullable().default(null),
  internalFen: priceFen,
  academicFen: priceFen,
  enterpriseFen: priceFen,
});
export type RateCardItem = z.infer<typeof rateCardItemSchema>;

export const rateCardSchema = z.object({
  setupFeeFen: priceFen.default(0),
  minimumChargeFen: priceFen.default(0),
  urgentSurchargePercent: z.number().int().min(0).max(300).default(50),
  offHoursSurchargePercent: z.number().int().min(0).max(300).default(0),
  notes: z.string().trim().max(500).nullable().default(null),
  items: z.array(rateCardItemSchema).max(20),
});
export type RateCard = z.infer<typeof rateCardSchema>;

const text = (max: number) => z.string().trim().max(max).nullable();

/** The editable national record of an instrument. */
export const instrumentInputSchema = z
  .object({
    institutionId: z.number().int().positive().optional(), // admins only; lab managers use their own
    assetNumber: z.string().trim().min(1).max(40),
    nameZh: z.string().trim().min(1).max(100),
    nameEn: text(200).default(null),
    categoryCode: categoryCode,
    origin: z.enum(instrumentOrigins).default('purchased'),
    originalValueFen: fen,
    commissionedOn: z.iso.date().nullable().default(null),
    country: text(40).default(null),
    manufacturer: text(100).default(null),
    model: text(100).default(null),
    specs: text(500).default(null),
    functions: text(300).default(null),
    subjectAreas: z.array(z.string().trim().min(1).max(30)).max(4).default([]),
    serviceContent: text(1000).default(null),
    feeNote: text(500).default(null),
    sharingMode: z.enum(sharingModes),
    runStatus: z.enum(runStatuses).default('normal'),
    cityCode: cityCode,
    district: text(40).default(null),
    address: text(200).default(null),
    contactName: text(40).default(null),
    contactPhone: text(40).default(null),
    contactEmail: z.email().max(120).nullable().default(null),
    /** A photo uploaded to the platform (PUT /instruments/:id/photo), or https:// on an allowed host. */
    photoUrl: z
      .string()
      .trim()
      .max(500)
      .refine(isPhotoAddress, 'an https:// address or a photo uploaded to the platform')
      .nullable()
      .default(null),
    /** 资金来源, 通用/专用, 所属科研设施/平台, 是否海关监管, 共享规定, the unit's own booking page, NRII 仪器编号. */
    purchaseFunding: z.enum(purchaseFundings).nullable().default(null),
    purpose: z.enum(instrumentPurposes).nullable().default(null),
    hostFacility: text(100).default(null),
    customsSupervised: z.boolean().default(false),
    sharingRules: text(1000).default(null),
    bookingUrl: z
      .string()
      .trim()
      .max(300)
      .refine(isWebAddress, 'an http:// or https:// address')
      .nullable()
      .default(null),
    nationalNumber: text(40).default(null),
    rateCard: rateCardSchema.optional(),
  })
  .strict();
export type InstrumentInput = z.infer<typeof instrumentInputSchema>;

/**
 * A PATCH changes exactly the fields it names: nothing defaulted, so an omitted field keeps its value.
 * A rate card, when named, is replaced as a whole (its own defaults apply).
 */
export const instrumentPatchSchema = patchSchemaOf(instrumentInputSchema.omit({ institutionId: true }));
export type InstrumentPatch = z.infer<typeof instrumentPatchSchema>;

export const instrumentDetailSchema = instrumentSummarySchema.extend({
  assetNumber: z.string(),
  origin: z.enum(instrumentOrigins),
  commissionedOn: z.string().nullable(),
  country: z.string().nullable(),
  specs: z.string().nullable(),
  functions: z.string().nullable(),
  subjectAreas: z.array(z.string()),
  serviceContent: z.string().nullable(),
  feeNote: z.string().nullable(),
  province: z.string(),
  district: z.string().nullable(),
  address: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  timeZone: z.string(),
  annualRunHours: z.number().int().nullable(),
  annualServiceHours: z.number().int().nullable(),
  purchaseFunding: z.enum(purchaseFundings).nullable(),
  purpose: z.enum(instrumentPurposes).nullable(),
  hostFacility: z.string().nullable(),
  customsSupervised: z.boolean(),
  sharingRules: z.string().nullable(),
  bookingUrl: z.string().nullable(),
  nationalNumber: z.string().nullable(),
  categoryPath: z.array(z.object(named)),
  institution: z.object({
    id: z.number().int(),
    name: z.string(),
    nameEn: z.string().nullable(),
    type: z.string().nullable(),
    certified: z.boolean(),
    cityCode: z.string().nullable(),
    address: z.string().nullable(),
  }),
  rateCard: rateCardSchema.extend({ items: z.array(rateCardItemSchema.extend({ id: z.number().int() })) }).nullable(),
  updatedAt: z.number().int(),
  /** Whether the caller may edit this record. */
  editable: z.boolean(),
  /** For editors: the key-field change awaiting listing review (入网审核), the published values shown meanwhile. */
  pendingChange: z
    .object({
      submissionId: z.number().int(),
      status: z.enum(['pending', 'returned']),
      fields: z.array(z.string()),
      submittedAt: z.number().int(),
    })
    .nullable(),
});
export type InstrumentDetail = z.infer<typeof instrumentDetailSchema>;

export type CategoryNode = {
  code: string;
  name: string;
  nameEn: string | null;
  count: number;
  children: CategoryNode[];
};
// The national taxonomy has three levels, spelled out so the OpenAPI document needs no recursion.
const categoryLevel = <C extends z.ZodType>(children: C) =>
  z.object({ ...named, count: z.number().int(), children: z.array(children) });
export const categoryNodeSchema = categoryLevel(categoryLevel(categoryLevel(z.object({}).strict())));

export const institutionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  nameEn: z.string().nullable(),
  type: z.string().nullable(),
  certified: z.boolean(),
  city: z.object(named).nullable(),
  address: z.string().nullable(),
  instrumentCount: z.number().int(),
});

export const citySchema = z.object({
  ...named,
  voucherRatioPercent: z.number().int(),
  instrumentCount: z.number().int(),
});
