/**
 * Matching a need with the catalogue: the catalogue search (published, externally shared instruments in
 * service) on the need's words and category, in its preferred city first. The search ANDs the terms of
 * a query, so each word (filler such as 检测 cut out) is searched on its own, and the category alone too;
 * the hits are ranked by how many searches found them, a word's match before the category's.
 */
import { searchQuerySchema } from '../catalog/catalog.schemas.ts';
import type { NeedsContext } from './context.ts';

/** At most this many instruments are suggested; each institution gets at most MAX_PER_INSTITUTION. */
const MAX_INSTRUMENTS = 20;
const MAX_PER_INSTITUTION = 5;
const MAX_WORDS = 4;

export interface MatchInput {
  title: string;
  description: string;
  categoryCode: string | null;
  cityCode: string | null;
}

/** Words of a request that name no instrument: cut out so that the instrument's name stands alone. */
const FILLER =
  /检测|测试|测定|测量|需要|需求|进行|请|我们|我司|本公司|样品|一批|若干|委托|用于|采用|使用|左右|个|份|批/g;

/** Distinct words worth searching: the title's, then the description's; filler and bare numbers left out. */
export function searchWords(need: Pick<MatchInput, 'title' | 'description'>): string[] {
  const words: string[] = [];
  for (const text of [need.title, need.description]) {
    for (const w of text.replace(FILLER, ' ').split(/[\s,，。;；、:：()（）/"“”'‘’!！?？]+/)) {
      const word = w.trim().replace(/^用/, '');
      if (Array.from(word).length < 2 || /^[\d.]+$/.test(word) || words.includes(word)) continue;
      words.push(word.slice(0, 40));
      if (words.length >= MAX_WORDS) return words;
    }
  }
  return words;
}

/** The matching instruments per institution (best first), and in the order found. */
export async function matchInstruments(
  ctx: NeedsContext,
  need: MatchInput,
): Promise<{ byInstitution: Map<number, number[]>; instrumentIds: number[] }> {
  const search = async (q: string | undefined, city: string | null) => {
    const query = searchQuerySchema.parse({
      ...(q && { q }),
      ...(need.categoryCode && { category: need.categoryCode }),
      ...(city && { city }),
      sharingMode: 'external',
      status: 'normal',
      limit: String(MAX_INSTRUMENTS),
      include: '',
    });
    return (await ctx.catalog.search(query)).items;
  };
  const score = new Map<number, { n: number; institutionId: number }>();
  const run = async (city: string | null) => {
    const words = searchWords(need);
    for (const word of words) {
      for (const item of await search(word, city)) {
        const s = score.get(item.id) ?? { n: 0, institutionId: item.institution.id };
        s.n += 1;
        score.set(item.id, s);
      }
    }
    // The category alone ranks after any word's match.
    if (need.categoryCode) {
      for (const item of await search(undefined, city)) {
        const s = score.get(item.id) ?? { n: 0, institutionId: item.institution.id };
        s.n += 0.5;
        score.set(item.id, s);
      }
    }
  };
  await run(need.cityCode);
  // Nothing in the preferred city: the province.
  if (!score.size && need.cityCode) await run(null);
  const ranked = [...score.entries()].sort((a, b) => b[1].n - a[1].n || a[0] - b[0]);
  const byInstitution = new Map<number, number[]>();
  const instrumentIds: number[] = [];
  for (const [id, s] of ranked) {
    const list = byInstitution.get(s.institutionId) ?? [];
    if (list.length >= MAX_PER_INSTITUTION) continue;
    list.push(id);
    byInstitution.set(s.institutionId, list);
    instrumentIds.push(id);
    if (instrumentIds.length >= MAX_INSTRUMENTS) break;
  }
  return { byInstitution, instrumentIds };
}
