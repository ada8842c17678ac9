/**
 * The sort a server-paged table asks the API for, from antd's sorter (web/src/ui/listTable.ts): the
 * column's value for its direction, else the list's default.
 */
import { describe, expect, it, vi } from 'vitest';
import { sortOf, tableChange, type SortColumns } from '../../web/src/ui/listTable.ts';

type Sort = 'newest' | 'oldest' | 'name' | 'amountAsc' | 'amountDesc';
const COLUMNS: SortColumns<Sort> = {
  cap: { ascend: 'amountAsc', descend: 'amountDesc' },
  name: { ascend: 'name', descend: 'name' },
  granted: { ascend: 'oldest' },
};

describe('sortOf', () => {
  it.each([
    ['cap', 'ascend', 'amountAsc'],
    ['cap', 'descend', 'amountDesc'],
    ['name', 'ascend', 'name'],
    ['name', 'descend', 'name'],
    ['granted', 'ascend', 'oldest'],
    ['granted', 'descend', 'newest'],
    ['other', 'ascend', 'newest'],
  ] as const)('%s %s → %s', (columnKey, order, sort) => {
    expect(sortOf({ columnKey, order }, COLUMNS, 'newest')).toBe(sort);
  });

  it('falls back when the order is cleared or nothing is sorted', () => {
    expect(sortOf({ columnKey: 'cap', order: null }, COLUMNS, 'newest')).toBe('newest');
    expect(sortOf({ columnKey: 'cap' }, COLUMNS, 'newest')).toBe('newest');
    expect(sortOf({}, COLUMNS, 'newest')).toBe('newest');
    expect(sortOf([], COLUMNS, 'newest')).toBe('newest');
  });

  it('reads the first of several sorters', () => {
    const sorters = [
      { columnKey: 'cap', order: 'descend' as const },
      { columnKey: 'name', order: 'ascend' as const },
    ];
    expect(sortOf(sorters, COLUMNS, 'newest')).toBe('amountDesc');
  });

  it('may fall back to no sort at all', () => {
    expect(sortOf<Sort | undefined>({ columnKey: 'other', order: 'ascend' }, COLUMNS, undefined)).toBeUndefined();
  });
});

describe('tableChange', () => {
  it('sends a filter change to filter and a sort change to sort, and ignores paging', () => {
    const filter = vi.fn();
    const set = vi.fn();
    const onChange = tableChange({ filter, sort: { columns: COLUMNS, fallback: 'newest', set } });
    onChange({}, { status: ['active'] }, {}, { action: 'filter' });
    expect(filter).toHaveBeenCalledWith({ status: ['active'] });
    expect(set).not.toHaveBeenCalled();
    onChange({}, {}, { columnKey: 'cap', order: 'ascend' }, { action: 'sort' });
    expect(set).toHaveBeenCalledWith('amountAsc');
    onChange({}, {}, { columnKey: 'cap', order: 'ascend' }, { action: 'paginate' });
    expect(filter).toHaveBeenCalledTimes(1);
    expect(set).toHaveBeenCalledTimes(1);
  });
});
