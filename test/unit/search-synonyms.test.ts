/**
 * The synonym table of the catalogue search (server/modules/catalog/synonyms.ts): which terms a text
 * mentions, as the index reads an instrument's names and categories, and what a query becomes.
 */
import { describe, expect, it } from 'vitest';
import { searchDocument } from '../../server/modules/catalog/search-index.ts';
import { matchExpression, tsQuery } from '../../server/modules/catalog/search-text.ts';
import {
  SYNONYM_GROUPS,
  SYNONYMS_VERSION,
  synonymKeys,
  synonymSpans,
  synonymToken,
} from '../../server/modules/catalog/synonyms.ts';

describe('the synonym table', () => {
  it.each([
    ['sem', ['SEM', 'sem', 'ＳＥＭ', '扫描电镜', '扫描电子显微镜', 'Scanning Electron Microscope', 'FE-SEM']],
    ['tem', ['TEM', '透射电镜', '透射电子显微镜', 'Transmission Electron Microscope']],
    ['xrd', ['XRD', 'X射线衍射仪', 'x 射线衍射', 'X-ray Diffractometer', 'X-Ray diffraction']],
    ['nmr', ['NMR', '核磁', '核磁共振', '400MHz核磁共振波谱仪']],
    ['lcms', ['LC-MS', 'LC/MS', 'lc ms', 'LCMS', 'LC-MS/MS', '液质联用', '液相色谱-质谱联用仪']],
    ['gcms', ['GC-MS', 'GCMS', '气质联用', '气相色谱-质谱联用仪']],
    ['icpms', ['ICP-MS', 'ICPMS', '电感耦合等离子体质谱仪']],
    ['icpoes', ['ICP-OES', 'ICP-AES', '电感耦合等离子体发射光谱仪']],
    ['afm', ['AFM', '原子力显微镜', 'Atomic Force Microscope']],
    ['xps', ['XPS', 'X射线光电子能谱仪', 'X-ray Photoelectron Spectrometer']],
    ['ftir', ['FTIR', 'FT-IR', '红外光谱', '傅里叶变换红外光谱仪']],
    ['raman', ['Raman', '拉曼', '激光共聚焦拉曼光谱仪']],
    ['hplc', ['HPLC', 'UPLC', '液相色谱', '高效液相色谱仪', '半制备高效液相色谱仪']],
    ['dsc', ['DSC', '差示扫描量热仪', 'Differential Scanning Calorimeter']],
    ['tga', ['TGA', '热重分析仪', 'thermogravimetric analyzer']],
    ['bet', ['BET', '比表面积', '比表面及孔径分析仪']],
  ])('files every way of writing %s under one group', (key, texts) => {
    for (const text of texts) expect(synonymKeys(text), text).toEqual([key]);
  });

  it('matches Latin terms as whole words, never as a prefix or inside a word', () => {
    for (const text of ['Semi-preparative', 'semi', 'seminar', 'system', 'GeminiSEM', 'item', 'xrds']) {
      expect(synonymKeys(text), text).toEqual([]);
    }
    // A model number may follow the letters (SEM3200), as the index splits letters from digits.
    expect(synonymKeys('SEM3200')).toEqual(['sem']);
    expect(synonymKeys('GC7980')).toEqual(['gc']);
    expect(synonymKeys('TGA/DSC 3+')).toEqual(['tga', 'dsc']);
  });

  it('prefers the leftmost, then the longest term, so overlapping names are one instrument type', () => {
    expect(synonymKeys('高分辨液相色谱-质谱联用仪')).toEqual(['lcms']); // not also HPLC
    expect(synonymKeys('气相色谱-质谱联用仪')).toEqual(['gcms']); // not also GC
    expect(synonymKeys('近红外光谱仪')).toEqual(['nir']); // not FTIR
    expect(synonymKeys('紫外可见近红外分光光度计')).toEqual(['uvvis', 'nir']);
    expect(synonymKeys('激光扫描共聚焦显微镜')).toEqual(['clsm']);
    expect(synonymKeys('差示扫描量热仪')).toEqual(['dsc']); // its 扫描 is not SEM
  });

  it('gives each match its place in the normalised text', () => {
    expect(synonymSpans('冷场扫描电镜')).toEqual([{ start: 2, end: 6, key: 'sem' }]);
    expect(synonymSpans('lc-ms 济南')).toEqual([{ start: 0, end: 5, key: 'lcms' }]);
  });

  it('has no term in two groups, keys of lower-case letters and digits, and a fingerprint', () => {
    const seen = new Map<string, string>();
    for (const group of SYNONYM_GROUPS) {
      expect(group.key).toMatch(/^[a-z0-9]+$/);
      for (const term of group.terms) {
        const norm = term
          .normalize('NFKC')
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, ' ');
        expect(seen.get(norm) ?? group.key, term).toBe(group.key);
        seen.set(norm, group.key);
        // Every term is found as itself (no term is hidden by a longer one of another group).
        expect(synonymKeys(term), term).toEqual([group.key]);
      }
    }
    expect(SYNONYMS_VERSION).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('query expansion', () => {
  it('asks for the group token as a whole word: SEM is not a prefix query that finds Semi-preparative', () => {
    expect(matchExpression('SEM')).toBe('"_ysem"');
    expect(matchExpression('sem')).toBe('"_ysem"');
    expect(matchExpression('Semi')).toBe('"semi"*');
    expect(matchExpression('LC-MS/MS')).toBe('"_ylcms"');
    expect(matchExpression('X射线衍射仪')).toBe('"_yxrd"');
  });

  it('keeps a Chinese term’s substring match beside its group: one term, two alternatives', () => {
    expect(matchExpression('扫描电镜')).toBe('("_ysem" OR "扫描电 描电镜")');
    expect(matchExpression('液相色谱')).toBe('("_yhplc" OR "液相色 相色谱")');
  });

  it('reads the rest of the query as before, every term required', () => {
    expect(matchExpression('SEM 济南')).toBe('"_ysem" AND "济南"');
    expect(matchExpression('场发射扫描电镜')).toBe('"场发射" AND ("_ysem" OR "扫描电 描电镜")');
    expect(matchExpression('质谱仪')).toBe('"质谱仪"');
    expect(matchExpression('Talos 200')).toBe('"talos"* AND "200"*');
  });

  it('expands into at most one term per group, however many ways the query names it', () => {
    const expr = matchExpression('SEM 扫描电镜 scanning electron microscope')!;
    expect(expr.split(' AND ')).toHaveLength(3);
    expect(expr.match(/_ysem/g)).toHaveLength(3);
    expect(expr).not.toMatch(/_ytem|_yxrd/);
  });

  it('translates alternatives into tsquery for PostgreSQL', () => {
    expect(tsQuery(matchExpression('扫描电镜')!, 'title')).toBe("('_ysem':A | ('扫描电':A <-> '描电镜':A))");
    expect(tsQuery(matchExpression('SEM 2100')!, 'any')).toBe("'_ysem' & '2100':*");
    expect(() => tsQuery('("a" OR b)', 'any')).toThrow(/not a match expression/);
    expect(() => tsQuery('("a" OR "b"', 'any')).toThrow(/not a match expression/);
  });
});

describe('the index entry', () => {
  const base = {
    id: 7,
    nameEn: null,
    model: null,
    manufacturer: '日立',
    categoryCode: '010102',
    categoryNames: ['扫描电镜', '电子光学仪器', '分析仪器'],
    categoryOrdinal: 1,
    institutionId: 3,
    institutionName: '核磁共振中心', // not read for synonyms
    cityCode: '370100',
    cityOrdinal: 1,
    sharingMode: 'external' as const,
    runStatus: 'normal' as const,
  };

  it('carries the groups of the name in the title and those of the categories in the body', () => {
    const doc = searchDocument({ ...base, nameZh: '场发射扫描电子显微镜', nameEn: 'FE-SEM', model: 'SU8010' });
    expect(doc.title.split(' ').filter((t) => t.startsWith('_'))).toEqual([synonymToken('sem')]);
    expect(doc.body.split(' ').filter((t) => t.startsWith('_'))).toEqual([synonymToken('sem')]);
    expect(doc.body).not.toContain('_ynmr');
  });

  it('leaves a name without any term as it was', () => {
    const doc = searchDocument({ ...base, nameZh: '半制备液相色谱仪', categoryNames: ['色谱仪器'] });
    expect(doc.title).toContain('_yhplc');
    const plain = searchDocument({ ...base, nameZh: '三坐标测量机', categoryNames: ['长度计量仪器'] });
    expect(plain.title).not.toContain('_');
    expect(plain.body).not.toContain('_');
  });
});
