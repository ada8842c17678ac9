import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { statsApi, type UnderusedQuery } from '../../api/stats';

export const statsKeys = {
  overview: (year: number) => ['stats', 'overview', year] as const,
  institution: (id: number, year: number) => ['stats', 'institution', id, year] as const,
  instrument: (id: number) => ['stats', 'instrument', id] as const,
  underused: (q: UnderusedQuery) => ['stats', 'underused', q] as const,
};

/** The first year with figures on the platform; the selector offers it up to the current year. */
export const FIRST_YEAR = 2025;

export function statsYears(): number[] {
  const last = Math.max(FIRST_YEAR + 1, new Date().getFullYear());
  return Array.from({ length: last - FIRST_YEAR + 1 }, (_, i) => last - i);
}

/** `?year=` when it is one of the offered years, else the latest. */
export function parseYear(raw: string | null): number {
  const years = statsYears();
  const n = Number(raw);
  return years.includes(n) ? n : years[0]!;
}

export function useOverview(year: number) {
  return useQuery({
    queryKey: statsKeys.overview(year),
    queryFn: ({ signal }) => statsApi.overview(year, signal),
    // Keep the previous year on screen (dimmed) while another loads: no layout jump.
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

export function useInstitutionStats(id: number | undefined, year: number) {
  return useQuery({
    queryKey: statsKeys.institution(id ?? 0, year),
    queryFn: ({ signal }) => statsApi.institution(id!, year, signal),
    enabled: id !== undefined,
    placeholderData: keepPreviousData,
  });
}

export function useInstrumentStats(id: number) {
  return useQuery({
    queryKey: statsKeys.instrument(id),
    queryFn: ({ signal }) => statsApi.instrument(id, undefined, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
    staleTime: 5 * 60_000,
  });
}

export function useUnderused(q: UnderusedQuery, enabled: boolean) {
  return useQuery({
    queryKey: statsKeys.underused(q),
    queryFn: ({ signal }) => statsApi.underused(q, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}
