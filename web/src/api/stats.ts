/**
 * Sharing statistics (共享共用情况): the public overview, an institution's and an instrument's figures,
 * the underused list, and the national reporting exports. Hours have one decimal; ratios are 0–1; money fen.
 */
import type { Figures } from '../../../server/modules/stats/figures.ts';
import { apiFetch, toQueryString } from './client';

export type { Figures };
export type MonthFigures = Figures & { month: string };

/** The years with figures, from the platform's first to this one (others are refused). */
export type StatsYears = { first: number; last: number };

export type Overview = {
  year: number;
  /** The year's figures are still being built: what exists is here, the rest follows. */
  building: boolean;
  /** Voucher money this year: quotas granted, shares used (what SMEs saved), claims paid to providers. */
  vouchers: { grantedFen: number; usedFen: number; paidFen: number };
  instruments: number;
  sharedInstruments: number;
  institutions: number;
  totals: Figures;
  byMonth: MonthFigures[];
  byCity: (Figures & {
    cityCode: string;
    cityName: string;
    cityNameEn: string;
    instruments: number;
    institutions: number;
  })[];
  byCategory: (Figures & { code: string; name: string; nameEn: string; instruments: number })[];
  topInstruments: {
    id: number;
    nameZh: string;
    nameEn: string | null;
    institutionName: string;
    usedHours: number;
    externalHours: number;
    jobs: number;
  }[];
};
export type CityFigures = Overview['byCity'][number];
export type CategoryFigures = Overview['byCategory'][number];
export type TopInstrument = Overview['topInstruments'][number];

export type InstitutionStats = {
  year: number;
  building: boolean;
  institution: { id: number; name: string };
  totals: Figures;
  byMonth: MonthFigures[];
  instruments: (Figures & { instrumentId: number; nameZh: string })[];
};
export type InstrumentFigures = InstitutionStats['instruments'][number];

export type InstrumentStats = {
  year: number;
  building: boolean;
  instrument: { id: number; nameZh: string; institutionId: number };
  totals: Figures;
  byMonth: MonthFigures[];
};

export type UnderusedQuery = {
  year: number;
  institutionId?: number;
  /** 0–1. */
  maxUtilisation: number;
  minHours: number;
};
export type Underused = {
  year: number;
  building: boolean;
  thresholds: { maxUtilisation: number; minHours: number };
  items: {
    instrumentId: number;
    nameZh: string;
    institutionName: string;
    openHours: number;
    usedHours: number;
    externalHours: number;
    utilisation: number;
  }[];
};
export type UnderusedItem = Underused['items'][number];

export type NationalReport = 'instruments' | 'services';
export type NationalFormat = 'csv' | 'xlsx';

export const statsApi = {
  years: (signal?: AbortSignal) => apiFetch<StatsYears>('/stats/years', { signal }),
  overview: (year: number, signal?: AbortSignal) =>
    apiFetch<Overview>(`/stats/overview${toQueryString({ year })}`, { signal }),
  institution: (id: number, year: number, signal?: AbortSignal) =>
    apiFetch<InstitutionStats>(`/stats/institutions/${id}${toQueryString({ year })}`, { signal }),
  /** Without a year: the current one (the answer names it). */
  instrument: (id: number, year?: number, signal?: AbortSignal) =>
    apiFetch<InstrumentStats>(`/stats/instruments/${id}${toQueryString({ year })}`, { signal }),
  underused: (q: UnderusedQuery, signal?: AbortSignal) =>
    apiFetch<Underused>(`/stats/underused${toQueryString(q)}`, { signal }),
};

/** A national reporting file (a download: the browser sends the session cookie). */
export const nationalReportUrl = (kind: NationalReport, institutionId: number, year: number, format: NationalFormat) =>
  `/api/v1/national-reports/${kind}${toQueryString({ institutionId, year, format })}`;
