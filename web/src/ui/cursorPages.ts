import { useEffect } from 'react';

type CursorList<T> = {
  data?: { pages: { items: T[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
};

/**
 * Numbered pages over a cursor-paged (infinite) query: page n shows the n-th page fetched, and asking
 * for a page not fetched yet fetches the pages up to it, one after the other (the API pages by cursor,
 * so a page is reached through the ones before it). Returns the page's items and whether it is coming.
 */
export function useCursorPage<T>(list: CursorList<T>, page: number): { items: T[]; loading: boolean } {
  const pages = list.data?.pages ?? [];
  const missing = pages.length > 0 && pages.length < page && list.hasNextPage;
  const { isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    if (missing && !isFetchingNextPage) void fetchNextPage();
  }, [missing, isFetchingNextPage, fetchNextPage]);
  const index = Math.min(page, pages.length) - 1;
  return { items: index >= 0 ? pages[index]!.items : [], loading: missing };
}
