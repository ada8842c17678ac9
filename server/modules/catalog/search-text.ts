/**
 * Text for the full-text index and the MATCH expressions that query it.
 *
 * SQLite's trigram tokenizer cannot find 1–2 character Chinese words (质谱, 电镜), and unicode61
 * treats a run of Chinese as one token. So Chinese is cut here, before SQLite sees it, into its
 * overlapping bigrams followed by its characters: 质谱仪 → "质谱 谱仪 质 谱 仪". A Chinese query of
 * n ≥ 2 characters becomes the phrase of its bigrams (the bigrams of a run stay adjacent, so this is
 * an exact substring match) and a single character is one token. No Chinese term is a prefix query:
 * "仪"* would merge the doclists of every word that starts with 仪. Latin words and model numbers
 * are matched by prefix ("2100" finds JEM-2100F); a lone letter or digit is matched whole.
 * Users' text never reaches FTS syntax unquoted.
 */
const HAN = /\p{Script=Han}/u;
// Runs of Han characters, or runs of other letters/digits.
const RUNS = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;

export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

interface Run {
  han: boolean;
  text: string;
}

function runs(text: string): Run[] {
  const out: Run[] = [];
  for (const m of normalise(text).matchAll(RUNS)) {
    out.push(m[1] ? { han: true, text: m[1] } : { han: false, text: m[2]! });
  }
  return out;
}

function hanTokens(run: string): string[] {
  const chars = Array.from(run);
  const tokens: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i]! + chars[i + 1]!);
  return tokens.concat(chars);
}

/** Letters and digits of a mixed word, separately: f200x → f, 200, x. */
function wordParts(word: string): string[] {
  const parts = word.match(/\p{L}+|\p{N}+/gu) ?? [];
  return parts.length > 1 ? parts : [];
}

/** The space-separated token string stored in the index for a piece of text. */
export function indexText(...texts: (string | null | undefined)[]): string {
  const tokens: string[] = [];
  for (const text of texts) {
    if (!text) continue;
    for (const run of runs(text)) {
      if (run.han) tokens.push(...hanTokens(run.text));
      else tokens.push(run.text, ...wordParts(run.text));
    }
  }
  return tokens.join(' ');
}

export const MAX_QUERY_TERMS = 16;

/**
 * The FTS5 expression for a user's query, or null when it holds nothing searchable
 * (only punctuation, say). Every term is a quoted token, so `"`, `*`, `NEAR(` are inert.
 */
export function matchExpression(query: string): string | null {
  const terms: string[] = [];
  for (const run of runs(query)) {
    if (run.han) {
      const chars = Array.from(run.text);
      if (chars.length === 1) terms.push(`"${run.text}"`);
      else {
        const bigrams: string[] = [];
        for (let i = 0; i + 1 < chars.length; i++) bigrams.push(chars[i]! + chars[i + 1]!);
        terms.push(bigrams.length === 1 ? `"${bigrams[0]}"` : `"${bigrams.join(' ')}"`);
      }
    } else {
      // A lone letter or digit (the X of X射线, the 5 of a model) is a word of its own, not a prefix
      // of every word that starts with it.
      terms.push(run.text.length === 1 ? `"${run.text}"` : `"${run.text}"*`);
    }
    if (terms.length >= MAX_QUERY_TERMS) break;
  }
  return terms.length ? terms.join(' AND ') : null;
}

export function containsHan(text: string): boolean {
  return HAN.test(text);
}

/**
 * Filter tags, indexed in their own column so filters become index lookups too. They start with
 * '_', a token character only for the index (tokenchars '_'), never in text tokens, so a prefix
 * query such as "x"* can never expand into the tags' huge doclists.
 */
export const tag = {
  city: (code: string) => `_c${code}`,
  /** The category code at its own level: 01, 0101 or 010101. */
  category: (code: string) => `_k${categoryPrefix(code)}`,
  institution: (id: number) => `_i${id}`,
  mode: (mode: string) => `_m${mode.replace(/_/g, '')}`,
  status: (status: string) => `_s${status.replace(/_/g, '')}`,
};

/** 010000 → 01, 010100 → 0101, 010101 → 010101 (the significant prefix of a taxonomy code). */
export function categoryPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Tags for a category and all its ancestors, so filtering at any level is one term. */
export function categoryTags(code: string): string[] {
  const levels = new Set([code.slice(0, 2), code.slice(0, 4), code].map((c) => c.padEnd(6, '0')));
  return [...levels].map(tag.category);
}
