/**
 * The two languages the platform writes in: Chinese (the default) and English. Pure: the SPA may
 * use these too.
 */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * The language of an `Accept-Language` header: the most preferred tag that is Chinese or English
 * decides (`en-US,en;q=0.9` → en, `zh-CN,en;q=0.8` → zh, `fr,en;q=0.5` → en); without one, or for
 * anything unreadable, Chinese.
 */
export function langOf(acceptLanguage: string | string[] | null | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (typeof header !== 'string' || !header) return 'zh';
  const tags = header
    .slice(0, 1000)
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter(
      (t) => t.weight > 0 && (t.tag === 'en' || t.tag.startsWith('en-') || t.tag === 'zh' || t.tag.startsWith('zh-')),
    )
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return tags[0]?.tag.startsWith('en') ? 'en' : 'zh';
}
