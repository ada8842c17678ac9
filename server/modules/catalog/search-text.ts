/**
 * Text for the full-text index and the MATCH expressions that query it.
 *
 * SQLite's trigram tokenizer cannot find 1–2 character Chinese words (质谱, 电镜), and unicode61
 * treats a run of Chinese as one token. So Chinese is cut here, before SQLite sees it, into its
 * overlapping bigrams, its characters and its overlapping trigrams: 质谱仪 → "质谱 谱仪 质 谱 仪 质谱仪".
 * A Chinese query of one character is that token, of two the bigram, and of n ≥ 3 the phrase of its
 * trigrams (the trigrams of a run stay adjacent, so this is an exact substring match). Trigrams,
 * because the lists of two-character tokens are long (谱仪: 61 % of the bench's 10⁶ instruments): 色谱仪 as
 * the phrase "色谱 谱仪" read both lists and checked positions; as one trigram it reads one list of
 * its own matches. No Chinese term is a prefix query:
 * "仪"* would merge the doclists of every word that starts with 仪. Latin words and model numbers
 * are matched by prefix ("2100" finds JEM-2100F); a lone letter or digit is matched whole.
 * The abbreviations and synonyms of synonyms.ts (SEM = 扫描电镜 = 扫描电子显微镜) are indexed as one
 * token per group (`_ysem`) and asked for as that token, a whole word, never a prefix.
 * Users' text never reaches FTS syntax unquoted.
 */
import { synonymSpans, synonymToken } from './synonyms.ts';

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

/** The overlapping pieces of `size` characters of a run, in order. */
function grams(chars: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + size <= chars.length; i++) out.push(chars.slice(i, i + size).join(''));
  return out;
}

function hanTokens(run: string): string[] {
  const chars = Array.from(run);
  return [...grams(chars, 2), ...chars, ...grams(chars, 3)];
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

/** The quoted FTS5 terms of a piece of a query (see matchExpression). */
function plainTerms(text: string): string[] {
  const terms: string[] = [];
  for (const run of runs(text)) {
    if (run.han) terms.push(hanPhrase(run.text));
    else {
      // A lone letter or digit (the X of X射线, the 5 of a model) is a word of its own, not a prefix
      // of every word that starts with it.
      terms.push(run.text.length === 1 ? `"${run.text}"` : `"${run.text}"*`);
    }
  }
  return terms;
}

/** A run of Chinese as a term: its one character or bigram, or the phrase of its trigrams (an exact substring). */
function hanPhrase(run: string): string {
  const chars = Array.from(run);
  return chars.length <= 2 ? `"${run}"` : `"${grams(chars, 3).join(' ')}"`;
}

const HAN_RUN = /^\p{Script=Han}+$/u;

/**
 * A term of the synonym table (synonyms.ts) as a query term: its group's token, which every
 * instrument saying any of the group's terms is indexed with. Latin abbreviations are matched as
 * whole words this way ("sem" is not the prefix query that finds "semi"); a Chinese term is also
 * still found as the substring it always was (液相色谱 also finds 液相色谱-质谱联用仪, which the
 * table files under LC-MS).
 */
function synonymTerm(key: string, typed: string): string {
  const token = `"${synonymToken(key)}"`;
  return HAN_RUN.test(typed) ? `(${token} OR ${hanPhrase(typed)})` : token;
}

/** A lone Chinese character at the start of a text, or at its end (not part of a longer run). */
const LONE_HAN_FIRST = /^\p{Script=Han}(?!\p{Script=Han})/u;
const LONE_HAN_LAST = /(?<!\p{Script=Han})\p{Script=Han}$/u;

/**
 * The FTS5 expression for a user's query, or null when it holds nothing searchable
 * (only punctuation, say). Every term is a quoted token, so `"`, `*`, `NEAR(` are inert. Terms of
 * the synonym table become their group's term (synonymTerm); the rest is read as before.
 *
 * A lone Chinese character right beside a term of the table (the 仪 of 高效液相色谱仪 or of PCR仪)
 * joins that term instead of being asked on its own: it names the kind of instrument the group
 * already names, and a single character is in nearly every instrument's text — as a term of its own
 * it filtered next to nothing out and cost the longest list in the index (at 10⁶ instruments,
 * counting 高效液相色谱仪 took 67 ms with it).
 */
export function matchExpression(query: string): string | null {
  const text = normalise(query);
  const spans = synonymSpans(text).map((span) => ({ ...span }));
  const pieces: { start: number; end: number }[] = [];
  let at = 0;
  for (let i = 0; i <= spans.length; i++) {
    const previous = spans[i - 1];
    const next = spans[i];
    const piece = { start: at, end: next ? next.start : text.length };
    const first = previous && LONE_HAN_FIRST.exec(text.slice(piece.start, piece.end));
    if (first) piece.start = previous.end += first[0].length;
    const last = next && LONE_HAN_LAST.exec(text.slice(piece.start, piece.end));
    if (last) piece.end = next.start -= last[0].length;
    if (piece.end > piece.start) pieces.push(piece);
    if (next) at = next.end;
  }
  // The terms in the order they were typed.
  const terms = [
    ...pieces.map((p) => ({ at: p.start, terms: plainTerms(text.slice(p.start, p.end)) })),
    ...spans.map((s) => ({ at: s.start, terms: [synonymTerm(s.key, text.slice(s.start, s.end))] })),
  ]
    .sort((a, b) => a.at - b.at)
    .flatMap((t) => t.terms);
  return terms.length ? terms.slice(0, MAX_QUERY_TERMS).join(' AND ') : null;
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

/*
 * ---- PostgreSQL ---------------------------------------------------------------------------------
 * PostgreSQL indexes the same tokens, written by the app as a tsvector literal (its parser never sees
 * the text, so nothing depends on the server's locale or dictionaries) and queried with the same
 * expressions translated into tsquery: a phrase of trigrams becomes `'质谱仪' <-> '谱仪器'`, a prefix term
 * `'jem':*`, a tag an exact lexeme. FTS5's tokenizer still folds what reaches it (unicode61,
 * remove_diacritics 2: é → e), so the lexemes and query terms are folded the same way here.
 */

/* SQLite's own table (fts5_remove_diacritic, public domain): code point ranges and the letter each folds to. */
// prettier-ignore
const DIACRITIC_RANGES = [
  0, 1797, 1848, 1859, 1891, 1928, 1940, 1995, 2024, 2040, 2060, 2110, 2168, 2206, 2264, 2286, 2344, 2383,
  2472, 2488, 2516, 2596, 2668, 2732, 2782, 2842, 2894, 2954, 2984, 3000, 3028, 3336, 3456, 3696, 3712, 3728,
  3744, 3766, 3832, 3896, 3912, 3928, 3944, 3968, 4008, 4040, 4056, 4106, 4138, 4170, 4202, 4234, 4266, 4296,
  4312, 4344, 4408, 4424, 4442, 4472, 4488, 4504, 6148, 6198, 6264, 6280, 6360, 6429, 6505, 6529, 61448, 61468,
  61512, 61534, 61592, 61610, 61642, 61672, 61688, 61704, 61726, 61784, 61800, 61816, 61836, 61880, 61896, 61914,
  61948, 61998, 62062, 62122, 62154, 62184, 62200, 62218, 62252, 62302, 62364, 62410, 62442, 62478, 62536, 62554,
  62584, 62604, 62640, 62648, 62656, 62664, 62730, 62766, 62830, 62890, 62924, 62974, 63032, 63050, 63082, 63118,
  63182, 63242, 63274, 63310, 63368, 63390,
];
// With remove_diacritics 2 the "complex" folds (marked upper case in SQLite's table) apply too.
const DIACRITIC_LETTERS =
  '\0aceinouyyacdeeghijklnorstuuwyzouaiouuagkoojgnaaeiorusthaeoooy\0\0\0\0\0\0\0\0abcddeeefghhiiklllmnoprrrsstuuvwwxyzhtwyaaaaeeeioooouuuy';

function withoutDiacritic(c: number): number {
  const key = (c << 3) | 7;
  let lo = 0;
  let hi = DIACRITIC_RANGES.length - 1;
  let found = 0;
  while (hi >= lo) {
    const mid = (lo + hi) >> 1;
    if (key >= DIACRITIC_RANGES[mid]!) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const start = DIACRITIC_RANGES[found]!;
  return c > (start >> 3) + (start & 7) ? c : DIACRITIC_LETTERS.charCodeAt(found);
}

/**
 * Characters SQLite's Unicode tables (older than JavaScript's) do not count as letters, although the
 * runs above include them (CJK radicals are of the Han script): FTS5 splits a token at them and drops
 * them. Found by comparing every code point's token with FTS5's (test/http/search-engines.test.ts).
 */
const FTS5_SEPARATORS = /[\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3\u2e80-\u2ef3]+/u;

/**
 * The lexemes FTS5's unicode61 tokenizer (remove_diacritics 2) makes of one of our tokens (already
 * NFKC and lower-cased): diacritics of Latin letters removed as SQLite's table does (é → e), final
 * sigma folded, and split where SQLite sees a separator — usually exactly one lexeme.
 */
export function lexemesOf(token: string): string[] {
  if (!/[^\p{ASCII}]/u.test(token)) return [token];
  let out = '';
  for (const ch of token) {
    const c = ch.codePointAt(0)!;
    const folded = c === 0x3c2 ? 0x3c3 : c < 128 || c >= 65536 ? c : withoutDiacritic(c);
    if (folded) out += String.fromCodePoint(folded);
  }
  return out.split(FTS5_SEPARATORS).filter(Boolean);
}

/** A lexeme in a tsvector or tsquery literal. */
const lexeme = (token: string) => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** tsvector positions stop at 16383. */
const MAX_POSITION = 16383;

/**
 * One instrument's tsvector literal from its index texts (indexText's space-separated tokens), with
 * FTS5's positions: the title's lexemes at positions 1… with weight A, the body's after a gap (so no
 * phrase runs from the title into the body) with the default weight, the tags without positions.
 */
export function tsvectorLiteral(title: string, body: string, tags: string): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  const put = (text: string, weight: string) => {
    for (const token of text.split(' ')) {
      for (const word of lexemesOf(token)) {
        if (!word) continue;
        position = Math.min(position + 1, MAX_POSITION);
        let list = positions.get(word);
        if (!list) positions.set(word, (list = []));
        list.push(`${position}${weight}`);
      }
    }
  };
  put(title, 'A');
  position++;
  put(body, '');
  const out: string[] = [];
  for (const [word, list] of positions) out.push(`${lexeme(word)}:${list.join(',')}`);
  for (const t of tags.split(' ')) if (t) out.push(lexeme(t));
  return out.join(' ');
}

const TERM = /^"([^"]+)"(\*?)$/;
/** A lexeme no document holds (text has no '_', tags have more after it): FTS5's empty phrase. */
const NOTHING = "'_'";

/**
 * The tsquery of a match expression (matchExpression's output: quoted terms and parenthesised
 * alternatives of quoted terms, joined by AND), over the title alone (weight A) or over the title and
 * body. The expression is parsed strictly — anything else is refused — and every lexeme is quoted, so
 * user text never reaches tsquery syntax.
 */
export function tsQuery(expression: string, column: 'title' | 'any'): string {
  const weight = column === 'title' ? 'A' : '';
  const quoted = (term: string) => {
    const m = TERM.exec(term);
    if (!m) throw new Error(`not a match expression: ${expression}`);
    const words = m[1]!.split(' ').flatMap(lexemesOf);
    if (!words.length) return NOTHING;
    const parts = words.map((w, i) => {
      const mark = (i === words.length - 1 && m[2] ? '*' : '') + weight;
      return mark ? `${lexeme(w)}:${mark}` : lexeme(w);
    });
    return parts.length === 1 ? parts[0]! : `(${parts.join(' <-> ')})`;
  };
  const terms = expression.split(' AND ').map((term) => {
    if (!term.startsWith('(')) return quoted(term);
    if (!term.endsWith(')')) throw new Error(`not a match expression: ${expression}`);
    return `(${term.slice(1, -1).split(' OR ').map(quoted).join(' | ')})`;
  });
  return terms.join(' & ');
}

/** Filter tags as a tsquery: every tag, as an exact lexeme. */
export const tsTags = (tags: readonly string[]) => tags.map(lexeme).join(' & ');
