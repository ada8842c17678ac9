/**
 * Reference data: Shandong's 16 cities, their county-level divisions and the national instrument taxonomy.
 * `seedReference` is idempotent (upserts), so it may run on every start.
 */
import type { Database } from '../port.ts';
import { cityData, taxonomyData, vocabulary, type TaxonomyNode } from './data.ts';
import countiesJson from './data/counties.json' with { type: 'json' };

export const PROVINCE = '山东省';

/** Administrative division codes of the prefecture-level cities, in the order of cities.json. */
export const CITY_CODES: Readonly<Record<string, string>> = {
  济南: '370100',
  青岛: '370200',
  淄博: '370300',
  枣庄: '370400',
  东营: '370500',
  烟台: '370600',
  潍坊: '370700',
  济宁: '370800',
  泰安: '370900',
  威海: '371000',
  日照: '371100',
  临沂: '371300',
  德州: '371400',
  聊城: '371500',
  滨州: '371600',
  菏泽: '371700',
};

export interface CityRow {
  code: string;
  name: string;
  nameEn: string;
  province: string;
  voucherRatioPercent: number;
  ordinal: number;
}

export interface CategoryRow {
  code: string;
  name: string;
  nameEn: string | null;
  parentCode: string | null;
  level: number;
  ordinal: number | null;
}

/** English names of the categories (every top-level and second-level one, and the third-level ones present). */
export const CATEGORY_NAMES_EN: Readonly<Record<string, string>> = {
  '010000': 'Analytical instruments',
  '010100': 'Electron optics',
  '010101': 'Transmission electron microscopes',
  '010102': 'Scanning electron microscopes',
  '010200': 'Mass spectrometry',
  '010201': 'Organic mass spectrometers',
  '010202': 'GC-MS systems',
  '010203': 'Inorganic mass spectrometers',
  '010300': 'X-ray instruments',
  '010301': 'X-ray diffractometers',
  '010302': 'X-ray photoelectron spectrometers',
  '010303': 'X-ray fluorescence spectrometers',
  '010400': 'Spectroscopy',
  '010401': 'Infrared spectrometers',
  '010402': 'Raman spectrometers',
  '010403': 'Atomic emission spectrometers',
  '010404': 'UV-Vis spectrophotometers',
  '010500': 'Chromatography',
  '010501': 'Gas chromatographs',
  '010502': 'Liquid chromatographs',
  '010503': 'Ion chromatographs',
  '010600': 'Magnetic resonance spectroscopy',
  '010601': 'NMR spectrometers',
  '010602': 'High-field NMR spectrometers',
  '010603': 'EPR spectrometers',
  '010700': 'Electrochemistry',
  '010800': 'Microscopy and image analysis',
  '010801': 'Confocal microscopes',
  '010802': 'Scanning probe microscopes',
  '010900': 'Thermal analysis',
  '010901': 'Thermogravimetric and simultaneous thermal analysers',
  '010902': 'Differential scanning calorimeters',
  '011000': 'Biochemical separation and analysis',
  '011012': 'Flow cytometers',
  '011013': 'PCR systems',
  '011100': 'Environmental and agricultural analysis',
  '011101': 'Nitrogen analysers',
  '011200': 'Sample preparation',
  '011201': 'Extractors',
  '019900': 'Other analytical instruments',
  '020000': 'Physical property testing instruments',
  '020100': 'Mechanical testing',
  '020101': 'Materials testing machines',
  '020102': 'Fatigue testing machines',
  '020200': 'Geodetic surveying instruments',
  '020300': 'Photoelectric measurement',
  '020400': 'Acoustics and vibration',
  '020500': 'Particle size measurement',
  '020501': 'Laser particle size analysers',
  '020502': 'Surface area and pore size analysers',
  '020600': 'Non-destructive flaw detection',
  '020601': 'Industrial CT',
  '030000': 'Metrology instruments',
  '030100': 'Length metrology',
  '030101': 'Coordinate measuring machines',
  '030200': 'Thermal metrology',
  '030300': 'Mechanical metrology',
  '030400': 'Electromagnetic metrology',
  '030500': 'Time and frequency metrology',
  '030600': 'Acoustic metrology',
  '030700': 'Optical metrology',
  '030800': 'Ionising radiation metrology',
  '030900': 'Electronics metrology',
  '040000': 'Electronic measuring instruments',
  '040100': 'General electronic measurement',
  '040101': 'Oscilloscopes',
  '040200': 'RF and microwave test',
  '040201': 'Network analysers',
  '040300': 'Communication test',
  '040400': 'Network analysis',
  '040500': 'Large-scale integrated circuit test',
  '040501': 'IC test systems',
  '050000': 'Marine instruments',
  '050100': 'Marine surveying instruments',
  '050101': 'Multibeam sounding systems',
  '060000': 'Earth exploration instruments',
  '070000': 'Atmospheric sounding instruments',
  '080000': 'Astronomical instruments',
  '090000': 'Medical diagnostic instruments',
  '090100': 'Medical imaging instruments',
  '090101': 'In vivo imaging systems',
  '100000': 'Nuclear instruments',
  '110000': 'Special inspection instruments',
  '120000': 'Process experiment equipment',
  '120100': 'Automotive process equipment',
  '120200': 'Chemical and pharmaceutical process equipment',
  '120201': 'Reactors',
  '120300': 'Electronics process equipment',
  '120400': 'Machining process equipment',
  '120500': 'Textile process equipment',
  '120600': 'Food process equipment',
  '130000': 'Computers and auxiliary equipment',
  '130100': 'Computers',
  '130200': 'Servers',
  '130201': 'High-performance computing clusters',
  '130300': 'Software',
  '130400': 'Data acquisition and workstations',
  '140000': 'Lasers',
  '140100': 'Solid-state lasers',
  '140101': 'Ultrafast lasers',
  '990000': 'Other instruments',
};

/**
 * Categories that instrument-vocabulary.json uses but taxonomy.json (which is partial) lacks.
 * Names follow the national classification's style; they are a design choice, not sourced.
 */
const EXTRA_CATEGORY_NAMES: Readonly<Record<string, string>> = {
  '010202': '气相色谱-质谱联用仪',
  '010203': '无机质谱仪',
  '010302': 'X射线光电子能谱仪',
  '010303': 'X射线荧光光谱仪',
  '010401': '红外光谱仪',
  '010402': '拉曼光谱仪',
  '010403': '原子发射光谱仪',
  '010404': '紫外可见分光光度计',
  '010501': '气相色谱仪',
  '010503': '离子色谱仪',
  '010602': '高场核磁共振波谱仪',
  '010603': '电子顺磁共振波谱仪',
  '010801': '激光共聚焦显微镜',
  '010802': '扫描探针显微镜',
  '010901': '热重及同步热分析仪',
  '010902': '差示扫描量热仪',
  '011013': 'PCR仪',
  '011101': '定氮仪',
  '011201': '萃取仪',
  '020102': '疲劳试验机',
  '020501': '激光粒度仪',
  '020502': '比表面及孔径分析仪',
  '020601': '工业CT',
  '030101': '坐标测量机',
  '040101': '示波器',
  '040201': '网络分析仪',
  '040501': '集成电路测试系统',
  '050100': '海洋测绘仪器',
  '050101': '多波束测深系统',
  '090100': '医学影像诊断仪器',
  '090101': '活体成像系统',
  '120201': '反应釜',
  '130201': '高性能计算集群',
  '140100': '固体激光器',
  '140101': '超快激光器',
};

function levelOf(code: string): number {
  if (code.endsWith('0000')) return 1;
  if (code.endsWith('00')) return 2;
  return 3;
}

function parentOf(code: string): string | null {
  const level = levelOf(code);
  if (level === 1) return null;
  if (level === 2) return `${code.slice(0, 2)}0000`;
  return `${code.slice(0, 4)}00`;
}

/** The 16 city rows, in the order of cities.json (ordinal 1..16). */
export function cityRows(): CityRow[] {
  return cityData.cities.map((c, i) => {
    const code = CITY_CODES[c.name];
    if (!code) throw new Error(`no division code for city ${c.name}`);
    return {
      code,
      name: c.name,
      nameEn: c.en,
      province: PROVINCE,
      voucherRatioPercent: c.voucherRatioPercent,
      ordinal: i + 1,
    };
  });
}

/**
 * The whole category tree: taxonomy.json, plus the codes the instrument vocabulary uses that the
 * file lacks (and their missing parents). Parents come before children.
 */
export function categoryRows(): CategoryRow[] {
  const rows = new Map<string, CategoryRow>();
  const add = (code: string, name: string, ordinal: number | null) => {
    if (rows.has(code)) return;
    rows.set(code, {
      code,
      name,
      nameEn: CATEGORY_NAMES_EN[code] ?? null,
      parentCode: parentOf(code),
      level: levelOf(code),
      ordinal,
    });
  };
  const walk = (node: TaxonomyNode) => {
    add(node.code, node.name, null);
    node.children?.forEach(walk);
  };
  taxonomyData.categories.forEach((top, i) => {
    add(top.code, top.name, i);
    top.children?.forEach(walk);
  });
  const ensure = (code: string, fallbackName: string) => {
    const parent = parentOf(code);
    if (parent && !rows.has(parent)) ensure(parent, EXTRA_CATEGORY_NAMES[parent] ?? `${fallbackName}类`);
    add(code, EXTRA_CATEGORY_NAMES[code] ?? fallbackName, null);
  };
  for (const t of vocabulary.instruments) ensure(t.code, t.nameZh);
  return [...rows.values()].sort((a, b) => a.level - b.level || a.code.localeCompare(b.code));
}

export interface CountyRow {
  code: string;
  cityCode: string;
  name: string;
  nameEn: string;
}

/** Shandong's county-level divisions (区、县级市、县), by city, from counties.json. */
export function countyRows(): CountyRow[] {
  const cityCodes = new Set(Object.values(CITY_CODES));
  return countiesJson.counties.map((c) => {
    if (!cityCodes.has(c.city) || c.code.slice(0, 4) !== c.city.slice(0, 4))
      throw new Error(`county ${c.code} ${c.name}: not in city ${c.city}`);
    return { code: c.code, cityCode: c.city, name: c.name, nameEn: c.en };
  });
}

export interface SeedReferenceResult {
  cities: number;
  categories: number;
  counties: number;
}

/** Insert or refresh the cities and the taxonomy. Safe to run any number of times. */
export async function seedReference(db: Database): Promise<SeedReferenceResult> {
  const cities = cityRows();
  const categories = categoryRows();
  const counties = countyRows();
  await db.write(async (tx) => {
    for (const c of cities) {
      await tx.run(
        `INSERT INTO cities (code, name, name_en, province, voucher_ratio_percent, ordinal)
         VALUES (@code, @name, @nameEn, @province, @voucherRatioPercent, @ordinal)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
           province = excluded.province, voucher_ratio_percent = excluded.voucher_ratio_percent,
           ordinal = excluded.ordinal`,
        { ...c },
      );
    }
    for (const c of categories) {
      await tx.run(
        `INSERT INTO categories (code, name, name_en, parent_code, level, ordinal)
         VALUES (@code, @name, @nameEn, @parentCode, @level, @ordinal)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
           parent_code = excluded.parent_code, level = excluded.level, ordinal = excluded.ordinal`,
        { ...c },
      );
    }
    for (const c of counties) {
      await tx.run(
        `INSERT INTO counties (code, city_code, name, name_en) VALUES (@code, @cityCode, @name, @nameEn)
         ON CONFLICT (code) DO UPDATE SET city_code = excluded.city_code, name = excluded.name,
           name_en = excluded.name_en`,
        { ...c },
      );
    }
  });
  return { cities: cities.length, categories: categories.length, counties: counties.length };
}

/** What the seed (and the server) need to know about a category, ancestors resolved. */
export interface CategoryInfo {
  code: string;
  name: string;
  nameEn: string | null;
  level: number;
  topCode: string;
  /** The top-level category's ordinal (0..15), as packed into search keys. */
  topOrdinal: number;
  /** This category's name and its ancestors' names, most specific first. */
  names: string[];
}

export interface CityInfo {
  code: string;
  name: string;
  nameEn: string;
  ordinal: number;
  voucherRatioPercent: number;
}

/** City lookups read from the database (by code). */
export async function cityInfo(db: Database): Promise<Map<string, CityInfo>> {
  const rows = await db.all<CityInfo>(
    `SELECT code, name, name_en AS "nameEn", ordinal, voucher_ratio_percent AS "voucherRatioPercent" FROM cities ORDER BY ordinal`,
  );
  return new Map(rows.map((r) => [r.code, r]));
}

/** Category lookups read from the database (by code), with ancestor names and the top-level ordinal. */
export async function categoryInfo(db: Database): Promise<Map<string, CategoryInfo>> {
  const rows = await db.all<CategoryRow>(
    `SELECT code, name, name_en AS "nameEn", parent_code AS "parentCode", level, ordinal FROM categories`,
  );
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const out = new Map<string, CategoryInfo>();
  for (const r of rows) {
    const names: string[] = [];
    let node: CategoryRow | undefined = r;
    let top: CategoryRow = r;
    for (let guard = 0; node && guard < 8; guard++) {
      names.push(node.name);
      top = node;
      node = node.parentCode ? byCode.get(node.parentCode) : undefined;
    }
    out.set(r.code, {
      code: r.code,
      name: r.name,
      nameEn: r.nameEn,
      level: r.level,
      topCode: top.code,
      topOrdinal: top.ordinal ?? 0,
      names,
    });
  }
  return out;
}
