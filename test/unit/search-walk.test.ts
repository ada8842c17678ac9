import { describe, expect, it } from 'vitest';
import { walkBudget } from '../../server/modules/catalog/search.ts';

describe('the price walk of a counted text search', () => {
  it('may read a few times the rows an even spread of the matches needs', () => {
    // 21 wanted among 25,000 matches in a city of 150,000: 126 rows if spread evenly, 504 allowed.
    expect(walkBudget(21, 150_000, 25_000)).toBeCloseTo(4 * 126, 6);
  });

  it('never reads more rows than sorting the matches would cost', () => {
    // 4,000 matches: an even spread needs 787.5 rows; four times that would cost more than the sort.
    expect(walkBudget(21, 150_000, 4_000)).toBeCloseTo(4_000 / 1.6, 6);
  });

  it('sorts at once when even an even spread costs more than the sort, or nothing matches', () => {
    expect(walkBudget(21, 150_000, 2_000)).toBe(0); // 1,575 rows against a sort of 1,250

    expect(walkBudget(21, 150_000, 0)).toBe(0);
  });
});
