import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { catalogApi, type CategoryNode, type SearchParams } from '../../api/catalog';

export const PAGE_SIZE = 20;

/**
 * Cursor-paginated search. The first page asks for total and facets; further pages skip them
 * (`include=`) and pass the previous `nextCursor` with the same other parameters.
 */
export function useInstrumentSearch(
  params: SearchParams,
  { pageSize = PAGE_SIZE, keepPrevious = false }: { pageSize?: number; keepPrevious?: boolean } = {},
) {
  return useInfiniteQuery({
    queryKey: ['instruments', 'search', params, pageSize],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      catalogApi.search(
        { ...params, limit: pageSize, cursor: pageParam ?? undefined, include: pageParam ? '' : 'total,facets' },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
    // Keep the previous results on screen (dimmed) while a changed search loads: no layout jump.
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
}

export function useInstrument(id: number) {
  return useQuery({
    queryKey: ['instruments', 'detail', id],
    queryFn: ({ signal }) => catalogApi.instrument(id, signal),
    enabled: Number.isSafeInteger(id) && id > 0,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: ({ signal }) => catalogApi.categories(signal),
    staleTime: 10 * 60_000,
  });
}

export function useCities() {
  return useQuery({ queryKey: ['cities'], queryFn: ({ signal }) => catalogApi.cities(signal), staleTime: 10 * 60_000 });
}

export function useInstitutions(city?: string, enabled = true) {
  return useQuery({
    queryKey: ['institutions', city ?? null],
    queryFn: ({ signal }) => catalogApi.institutions(city, signal),
    staleTime: 10 * 60_000,
    enabled,
  });
}

/** The path of nodes from a root to `code` in the category tree, or [] if absent. */
export function findCategoryPath(tree: CategoryNode[] | undefined, code: string | undefined): CategoryNode[] {
  if (!tree || !code) return [];
  for (const node of tree) {
    if (node.code === code) return [node];
    const below = findCategoryPath(node.children, code);
    if (below.length) return [node, ...below];
  }
  return [];
}
