import { describe, expect, it } from 'vitest';
import { categoryPrefix, categoryTags, indexText, matchExpression } from '../../server/modules/catalog/search-text.ts';

describe('indexText', () => {
  it('cuts Chinese into its bigrams, its characters, then its trigrams', () => {
    expect(indexText('质谱仪')).toBe('质谱 谱仪 质 谱 仪 质谱仪');
    expect(indexText('电镜')).toBe('电镜 电 镜');
    expect(indexText('镜')).toBe('镜');
  });

  it('keeps Latin words whole, lower-cased, and adds the parts of mixed words', () => {
    expect(indexText('JEM-2100F')).toBe('jem 2100f 2100 f');
    expect(indexText('Talos F200X')).toBe('talos f200x f 200 x');
  });

  it('normalises full-width characters and skips empty fields', () => {
    expect(indexText('ＳＥＭ', null, undefined, '')).toBe('sem');
  });

  it('splits mixed Chinese and Latin text into runs', () => {
    expect(indexText('X射线衍射仪')).toBe('x 射线 线衍 衍射 射仪 射 线 衍 射 仪 射线衍 线衍射 衍射仪');
  });
});

describe('matchExpression', () => {
  it('looks up 3 Chinese characters as one token, more as the phrase of their trigrams', () => {
    expect(matchExpression('质谱仪')).toBe('"质谱仪"');
    expect(matchExpression('分析测试中心')).toBe('"分析测 析测试 测试中 试中心"');
  });

  it('looks up a 2-character Chinese query as one token', () => {
    expect(matchExpression('电镜')).toBe('"电镜"');
  });

  it('looks up a single Chinese character as its own token, never as a prefix', () => {
    expect(matchExpression('镜')).toBe('"镜"');
    expect(matchExpression('TOC仪')).toBe('"toc"* AND "仪"');
  });

  it('joins a lone character beside a term of the synonym table to that term', () => {
    // PCR is in the synonym table (synonyms.ts): its group's token, a whole word; 仪 says nothing more.
    expect(matchExpression('PCR仪')).toBe('"_ypcr"');
    // The Chinese alternative is the exact substring with the character; the token needs nothing more.
    expect(matchExpression('高效液相色谱仪')).toBe('("_yhplc" OR "高效液 效液相 液相色 相色谱 色谱仪")');
    expect(matchExpression('新扫描电镜')).toBe('("_ysem" OR "新扫描 扫描电 描电镜")');
    expect(matchExpression('液相色谱仪 气相色谱仪')).toBe(
      '("_yhplc" OR "液相色 相色谱 色谱仪") AND ("_ygc" OR "气相色 相色谱 色谱仪")',
    );
    // Not a lone character: a word of its own, or two characters.
    expect(matchExpression('SEM 仪')).toBe('"_ysem" AND "仪"');
    expect(matchExpression('扫描电镜仪器')).toBe('("_ysem" OR "扫描电 描电镜") AND "仪器"');
    expect(matchExpression('场发射扫描电镜')).toBe('"场发射" AND ("_ysem" OR "扫描电 描电镜")');
  });

  it('matches Latin words and model numbers by prefix, all terms required', () => {
    expect(matchExpression('Talos 200')).toBe('"talos"* AND "200"*');
  });

  it('matches a lone letter or digit as a whole word, not as the prefix of every word', () => {
    expect(matchExpression('X射线')).toBe('"x" AND "射线"');
    expect(matchExpression('QuantStudio 5')).toBe('"quantstudio"* AND "5"');
  });

  it.each([
    ['"', null],
    ['*', null],
    ['NEAR(', '"near"*'],
    ["'; drop table instruments; --", '"drop"* AND "table"* AND "instruments"*'],
    ['a OR b', '"a" AND "or"* AND "b"'],
    ['"质谱" NOT 电镜', '"质谱" AND "not"* AND "电镜"'],
  ])('keeps FTS syntax in %j inert', (query, expected) => {
    expect(matchExpression(query)).toBe(expected);
  });

  it('caps the number of terms', () => {
    const expr = matchExpression(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))!;
    expect(expr.split(' AND ')).toHaveLength(16);
  });
});

describe('category codes', () => {
  it('reduces a code to its significant prefix', () => {
    expect(categoryPrefix('010000')).toBe('01');
    expect(categoryPrefix('010100')).toBe('0101');
    expect(categoryPrefix('010102')).toBe('010102');
  });

  it('tags an instrument with its category and every ancestor', () => {
    expect(categoryTags('010102')).toEqual(['_k01', '_k0101', '_k010102']);
    expect(categoryTags('010400')).toEqual(['_k01', '_k0104']);
  });
});
