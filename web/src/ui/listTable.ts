import { useState } from 'react';
import type { Key } from 'react';
import type { FilterValue, SortOrder } from 'antd/es/table/interface';

/** The API's sort a column header asks for, by the column's key and direction (a direction left out: the fallback). */
export type SortColumns<S> = Record<string, Partial<Record<'ascend' | 'descend', S>> | undefined>;

type Sorter = { columnKey?: Key; order?: SortOrder };

/**
 * The page of a server-paged list, and `from1(set)`: `set` that also starts again at the first page
 * (a changed filter, search or sort asks for other rows). `onReset` runs with each such reset.
 */
export function usePageReset(onReset?: () => void) {
  const [page, setPage] = useState(1);
  const from1 =
    <T>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPage(1);
      onReset?.();
    };
  return { page, setPage, from1 };
}

/** The sort for antd's sorter: the sorted column's value for its direction, else (no order, a column not listed) `fallback`. */
export function sortOf<S>(sorter: Sorter | Sorter[], columns: SortColumns<S>, fallback: S): S {
  const one = Array.isArray(sorter) ? sorter[0] : sorter;
  if (!one?.order) return fallback;
  return columns[String(one.columnKey ?? '')]?.[one.order] ?? fallback;
}

/**
 * A table's onChange for a server-paged list: a filter change goes to `filter`, a sort change to
 * `sort.set` as the API's sort (`sortOf`); other changes are left to the list.
 */
export function tableChange<S>(on: {
  filter?: (filters: Record<string, FilterValue | null>) => void;
  sort?: { columns: SortColumns<S>; fallback: S; set: (s: S) => void };
}) {
  return (
    _p: unknown,
    filters: Record<string, FilterValue | null>,
    sorter: Sorter | Sorter[],
    extra: { action: string },
  ) => {
    if (extra.action === 'filter') on.filter?.(filters);
    if (extra.action === 'sort' && on.sort) on.sort.set(sortOf(sorter, on.sort.columns, on.sort.fallback));
  };
}
