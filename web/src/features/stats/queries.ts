import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { statsApi, type UnderusedQuery } from '../../api/stats';

export const statsKeys = {
  years: ['stats', 'years'] as const,
  overview: (year: number) => ['stats', 'overview', year] as const,
  institution: (id: number, year: number) => ['stats', 'institution', id, year] as const,
  instrument: (id: number) => ['stats', 'instrument', id] as const,
  underused: (q: UnderusedQuery) => ['stats', 'underused', q] as const,
};

/** While the server builds a year's figures, ask again every few seconds until they are complete. */
const whileBuilding = (q: { state: { data?: { building: boolean } } }) => (q.state.data?.building ? 3000 : false);

/** The years with figures, newest first, as the server offers them; undefined until it has said. */
export function useStatsYears(): number[] | undefined {
  const { data } = useQuery({
    queryKey: statsKeys.years,
    queryFn: ({ signal }) => statsApi.years(signal),
    staleTime: 60 * 60_000,
  });
  return useMemo(
    () => (data ? Array.from({ length: data.last - data.first + 1 }, (_, i) => data.last - i) : undefined),
    [data],
  );
}

/** `?year=` when it is one of the offered years, else the latest; undefined until the years are known. */
export function parseYear(raw: string | null, years: number[] | undefined): number | undefined {
  if (!years) return undefined;
  const n = Number(raw);
  return years.includes(n) ? n : years[0];
}

export function useOverview(year: number | undefined) {
  return useQuery({
    queryKey: statsKeys.overview(year ?? 0),
    queryFn: ({ signal }) => statsApi.overview(year!, signal),
    enabled: year !== undefined,
    // Keep the previous year on screen (dimmed) while another loads: no layout jump.
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
    refetchInterval: whileBuilding,
  });
}

export function useInstitutionStats(id: number | undefined, year: number | undefined) {
  return useQuery({
    queryKey: statsKeys.institution(id ?? 0, year ?? 0),
    queryFn: ({ signal }) => statsApi.institution(id!, year!, signal),
    enabled: id !== undefined && year !== undefined,
    placeholderData: keepPreviousData,
    refetchInterval: whileBuilding,
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
    refetchInterval: whileBuilding,
  });
}
