/**
 * The abbreviations and synonyms researchers type for the common large instruments: SEM and 扫描电镜
 * and 扫描电子显微镜 are one thing. Each group has a key; an instrument whose name, English name, model
 * or category names say any of the group's terms is indexed with the group's token (`_ysem`), and a
 * query that says any of them asks for that token — one term per group, never a list of the variants.
 *
 * Matching is on words, not prefixes: "SEM" is the group, "Semi-preparative" is not (a Latin term must
 * not run on into a letter, nor a number into a digit: "SEM3200" is SEM, "semi" is not). Chinese terms
 * match anywhere in a run of Chinese ("场发射扫描电子显微镜" is SEM). Separators between two Chinese
 * characters, or between Chinese and Latin, are ignored ("液相色谱-质谱联用仪" says 液相色谱质谱联用);
 * between two Latin words any separator is one space ("LC-MS", "LC/MS" and "lc ms" are one term).
 * Where terms overlap, the leftmost and then the longest wins, so "液相色谱-质谱联用仪" is LC-MS only,
 * not also HPLC, and "近红外光谱仪" is NIR, not FTIR.
 *
 * Pure: no database, no I/O. A change here changes the index: SYNONYMS_VERSION changes with the table,
 * and the server re-indexes the catalogue at its next start (search-index-refresh.ts).
 */

export interface SynonymGroup {
  /** Lower-case ASCII letters and digits: the token is `_y` + key. */
  key: string;
  terms: readonly string[];
}

// prettier-ignore
export const SYNONYM_GROUPS: readonly SynonymGroup[] = [
  { key: 'sem', terms: ['SEM', 'FE-SEM', 'FESEM', '扫描电镜', '扫描电子显微镜', 'scanning electron microscope', 'scanning electron microscopy'] },
  { key: 'tem', terms: ['TEM', 'HRTEM', '透射电镜', '透射电子显微镜', 'transmission electron microscope', 'transmission electron microscopy'] },
  { key: 'xrd', terms: ['XRD', 'X射线衍射', 'X射线衍射仪', 'X光衍射', '衍射仪', 'x-ray diffractometer', 'x-ray diffraction'] },
  { key: 'xps', terms: ['XPS', 'ESCA', 'X射线光电子能谱', '光电子能谱', 'x-ray photoelectron'] },
  { key: 'xrf', terms: ['XRF', 'X射线荧光', 'x-ray fluorescence'] },
  { key: 'nmr', terms: ['NMR', '核磁', '核磁共振', 'nuclear magnetic resonance'] },
  { key: 'epr', terms: ['EPR', 'ESR', '顺磁共振', '电子顺磁共振', '电子自旋共振', 'electron paramagnetic resonance', 'electron spin resonance'] },
  { key: 'lcms', terms: ['LC-MS', 'LCMS', 'LC-MS/MS', 'HPLC-MS', 'UPLC-MS', '液质联用', '液相色谱质谱', '液相色谱质谱联用', '液相色谱串联质谱', 'liquid chromatography mass spectrometry', 'liquid chromatography-mass spectrometry'] },
  { key: 'gcms', terms: ['GC-MS', 'GCMS', 'GC-MS/MS', '气质联用', '气相色谱质谱', '气相色谱质谱联用', '气相色谱串联质谱', 'gas chromatography mass spectrometry', 'gas chromatography-mass spectrometry'] },
  { key: 'icpms', terms: ['ICP-MS', 'ICPMS', 'ICP-MS/MS', '电感耦合等离子体质谱', 'inductively coupled plasma mass spectrometry'] },
  { key: 'icpoes', terms: ['ICP-OES', 'ICPOES', 'ICP-AES', 'ICPAES', '电感耦合等离子体发射光谱', '电感耦合等离子体原子发射光谱', 'inductively coupled plasma optical emission'] },
  { key: 'hplc', terms: ['HPLC', 'UPLC', 'UHPLC', '液相色谱', '高效液相色谱', '超高效液相色谱', 'liquid chromatograph', 'liquid chromatography', 'high performance liquid chromatography'] },
  { key: 'gc', terms: ['GC', '气相色谱', 'gas chromatograph', 'gas chromatography'] },
  { key: 'afm', terms: ['AFM', '原子力显微镜', '原子力', 'atomic force microscope', 'atomic force microscopy'] },
  { key: 'ftir', terms: ['FTIR', 'FT-IR', '傅里叶变换红外', '傅立叶变换红外', '红外光谱', 'fourier transform infrared', 'infrared spectrometer', 'infrared spectroscopy'] },
  { key: 'nir', terms: ['NIR', '近红外', 'near-infrared', 'near infrared'] },
  { key: 'raman', terms: ['Raman', '拉曼'] },
  { key: 'uvvis', terms: ['UV-Vis', 'UVVis', 'UV-Visible', '紫外可见', '紫外分光', 'ultraviolet-visible'] },
  { key: 'dsc', terms: ['DSC', '差示扫描量热', '差热扫描量热', 'differential scanning calorimeter', 'differential scanning calorimetry'] },
  { key: 'tga', terms: ['TGA', '热重分析', '热失重', '热重仪', 'thermogravimetric', 'thermogravimetry'] },
  { key: 'sta', terms: ['STA', '同步热分析', 'simultaneous thermal'] },
  { key: 'bet', terms: ['BET', '比表面', '比表面积', 'specific surface area', 'surface area analyzer'] },
  { key: 'clsm', terms: ['CLSM', '共聚焦显微镜', '激光共聚焦显微镜', '激光扫描共聚焦', '激光扫描共聚焦显微镜', 'confocal microscope', 'confocal microscopy', 'confocal laser scanning microscope'] },
  { key: 'fcm', terms: ['FCM', 'FACS', '流式细胞', 'flow cytometer', 'flow cytometry'] },
  { key: 'pcr', terms: ['PCR', 'qPCR', 'RT-PCR', 'RT-qPCR', '荧光定量', 'real-time pcr'] },
  { key: 'ct', terms: ['CT', 'micro-CT', '显微CT', '断层扫描', 'computed tomography'] },
  { key: 'gpc', terms: ['GPC', '凝胶渗透色谱', 'gel permeation chromatography'] },
];

/** The index token of a group: '_' is a token character of the index only, so no user text or prefix reaches it. */
export const synonymToken = (key: string) => `_y${key}`;

const HAN = /\p{Script=Han}/u;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;

/** What decides a word's edge: a letter next to a letter, or a digit next to a digit, is inside a word. */
const SPACE = 0;
const HAN_CHAR = 1;
const LETTER_CHAR = 2;
const DIGIT_CHAR = 3;
type CharClass = typeof SPACE | typeof HAN_CHAR | typeof LETTER_CHAR | typeof DIGIT_CHAR;

function classOf(ch: string): CharClass {
  const c = ch.charCodeAt(0);
  if (c < 128) {
    if (c >= 97 && c <= 122) return LETTER_CHAR; // already lower case
    if (c >= 48 && c <= 57) return DIGIT_CHAR;
    if (c >= 65 && c <= 90) return LETTER_CHAR;
    return SPACE;
  }
  if (c >= 0x4e00 && c <= 0x9fff) return HAN_CHAR; // CJK Unified Ideographs: all Han, the common case
  if (HAN.test(ch)) return HAN_CHAR;
  if (LETTER.test(ch)) return LETTER_CHAR;
  if (DIGIT.test(ch)) return DIGIT_CHAR;
  return SPACE;
}

/** Two characters side by side are in one Latin word (letters with letters, digits with digits). */
const joined = (a: CharClass, b: CharClass) => a === b && a !== SPACE && a !== HAN_CHAR;

/**
 * Text as the matcher reads it, one code point per entry: NFKC and lower case, separators dropped
 * where Chinese is on either side and made one space between two Latin words. `from`/`to` give each
 * entry's place in the normalised text (so a match can be cut out of what the user typed).
 */
function compact(normalised: string): { chars: string[]; classes: CharClass[]; from: number[]; to: number[] } {
  const chars: string[] = [];
  const classes: CharClass[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let gapAt = -1;
  let i = 0;
  for (const ch of normalised) {
    const cls = classOf(ch);
    if (cls === SPACE) {
      if (gapAt < 0) gapAt = i;
    } else {
      const prev = classes.length ? classes[classes.length - 1]! : SPACE;
      if (gapAt >= 0 && prev !== SPACE && prev !== HAN_CHAR && cls !== HAN_CHAR) {
        chars.push(' ');
        classes.push(SPACE);
        from.push(gapAt);
        to.push(i);
      }
      gapAt = -1;
      chars.push(ch);
      classes.push(cls);
      from.push(i);
      to.push(i + ch.length);
    }
    i += ch.length;
  }
  return { chars, classes, from, to };
}

const normalise = (text: string) => text.normalize('NFKC').toLowerCase();

interface TrieNode {
  next: Map<string, TrieNode>;
  key?: string;
}

function buildTrie(groups: readonly SynonymGroup[]): TrieNode {
  const root: TrieNode = { next: new Map() };
  for (const group of groups) {
    if (!/^[a-z0-9]+$/.test(group.key)) throw new Error(`synonym key ${group.key}: lower-case letters and digits only`);
    for (const term of group.terms) {
      const { chars } = compact(normalise(term));
      if (!chars.length) throw new Error(`synonym ${group.key}: empty term`);
      let node = root;
      for (const ch of chars) {
        let child = node.next.get(ch);
        if (!child) node.next.set(ch, (child = { next: new Map() }));
        node = child;
      }
      if (node.key !== undefined && node.key !== group.key) {
        throw new Error(`synonym term ${term} is in two groups: ${node.key} and ${group.key}`);
      }
      node.key = group.key;
    }
  }
  return root;
}

const TRIE = buildTrie(SYNONYM_GROUPS);

/** A group's term found in a text: [start, end) in the normalised text (NFKC, lower case). */
export interface SynonymSpan {
  start: number;
  end: number;
  key: string;
}

/** The terms of the synonym table in a normalised text, leftmost first and then longest, not overlapping. */
export function synonymSpans(normalised: string): SynonymSpan[] {
  const { chars, classes, from, to } = compact(normalised);
  const spans: SynonymSpan[] = [];
  const n = chars.length;
  let i = 0;
  while (i < n) {
    const first = classes[i]!;
    let bestEnd = -1;
    let bestKey = '';
    if (first !== SPACE && !(i > 0 && joined(classes[i - 1]!, first))) {
      let node: TrieNode | undefined = TRIE;
      for (let j = i; j < n; j++) {
        node = node.next.get(chars[j]!);
        if (!node) break;
        if (node.key !== undefined && !(j + 1 < n && joined(classes[j]!, classes[j + 1]!))) {
          bestEnd = j;
          bestKey = node.key;
        }
      }
    }
    if (bestEnd >= 0) {
      spans.push({ start: from[i]!, end: to[bestEnd]!, key: bestKey });
      i = bestEnd + 1;
    } else i++;
  }
  return spans;
}

/** The group keys the texts mention (each once, in order of first mention); each text is read on its own. */
export function synonymKeys(...texts: (string | null | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const span of synonymSpans(normalise(text))) keys.add(span.key);
  }
  return [...keys];
}

/** FNV-1a of the table: what the index was built with (a different table means the index must be rebuilt). */
function fingerprint(groups: readonly SynonymGroup[]): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(groups)) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export const SYNONYMS_VERSION = fingerprint(SYNONYM_GROUPS);
