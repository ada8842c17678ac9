/**
 * The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters of the set
 * 0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V):
 *
 *   1      registration authority (登记管理部门码): 1 机构编制, 5 民政, 9 市场监管 (工商) …
 *   2      organisation type (机构类别码), by authority: 91 企业, 12 事业单位, 52 民办非企业单位 …
 *   3–8    the administrative division of the registering authority (GB/T 2260; 100000 national)
 *   9–17   the organisation code (GB 11714): 8 characters and its check character
 *   18     the check character: 31 − (Σ value × 3^(i−1) mod 31) mod 31, as a character of the set
 *
 * Pure: no clock, no database.
 */

export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Weights of characters 1–17 of the final check: 3^(i−1) mod 31. */
export const CREDIT_CODE_WEIGHTS: readonly number[] = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** GB 11714's weights for the 8 characters of an organisation code. */
const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The organisation types each registration authority may give (GB 32100-2015, table 1). */
export const ORGANISATION_TYPES: Readonly<Record<string, readonly string[]>> = {
  '1': ['1', '2', '3', '9'], // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
  '2': ['1', '9'], // 外交: 外国常驻新闻机构, 其他
  '3': ['1', '2', '3', '4', '5', '9'], // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
  '4': ['1', '9'], // 文化: 外国在华文化中心, 其他
  '5': ['1', '2', '3', '9'], // 民政: 社会团体, 民办非企业单位, 基金会, 其他
  '6': ['1', '2', '9'], // 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
  '7': ['1', '2', '9'], // 宗教: 宗教活动场所, 宗教院校, 其他
  '8': ['1', '9'], // 工会: 基层工会, 其他
  '9': ['1', '2', '3'], // 市场监管 (工商): 企业, 个体工商户, 农民专业合作社
  A: ['1', '9'], // 中央军委改革和编制办公室: 军队事业单位, 其他
  N: ['1', '2', '3', '9'], // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
  Y: ['1'], // 其他
};

/** Provinces' two-digit division prefixes (GB/T 2260), and 10 for the national level (100000). */
const PROVINCE_PREFIXES = new Set([
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
]);

export type CreditCodeProblem =
  'length' | 'charset' | 'authority' | 'type' | 'division' | 'organisation_code' | 'check';

/** What is wrong with a code, as the field message the API answers (messages.zh.ts has the Chinese). */
export function creditCodeMessage(problem: CreditCodeProblem): string {
  switch (problem) {
    case 'length':
      return 'a credit code has 18 characters';
    case 'charset':
      return 'a credit code uses digits and capital letters other than I, O, Z, S and V';
    case 'authority':
      return 'the 1st character is not a registration authority code';
    case 'type':
      return 'the 2nd character is not an organisation type of that authority';
    case 'division':
      return 'characters 3–8 are not an administrative division code';
    case 'organisation_code':
      return 'the organisation code (characters 9–17) does not check';
    case 'check':
      return 'the check character (the 18th) does not match';
  }
}

/** The code as people type it, made canonical: spaces and dashes dropped, letters in capitals. */
export function normaliseCreditCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** The check character (the 18th) for the first 17 characters; null when one is outside the set. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * CREDIT_CODE_WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

/** GB 11714: the check character of an 8-character organisation code (digits 0–9, letters A=10 … Z=35). */
export function organisationCodeCheckChar(body: string): string | null {
  if (!/^[0-9A-Z]{8}$/.test(body)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body[i]!;
    sum += (c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55) * ORGANISATION_CODE_WEIGHTS[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** The first thing wrong with a (canonical) code, or null when it is a well-formed, checking code. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if ([...code].length !== 18) return 'length';
  if (![...code].every((c) => CREDIT_CODE_CHARS.includes(c))) return 'charset';
  const types = ORGANISATION_TYPES[code[0]!];
  if (!types) return 'authority';
  if (!types.includes(code[1]!)) return 'type';
  const division = code.slice(2, 8);
  if (!/^\d{6}$/.test(division) || !PROVINCE_PREFIXES.has(division.slice(0, 2))) return 'division';
  if (division.slice(0, 2) === '10' && division !== '100000') return 'division';
  if (organisationCodeCheckChar(code.slice(8, 16)) !== code[16]) return 'organisation_code';
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return 'check';
  return null;
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** An enterprise (企业) registered with the market regulator: the code starts 91. */
export const isEnterpriseCreditCode = (code: string): boolean => code.startsWith('91');
