/**
 * The demo's organisations: the platform, providers (real universities and institutes of the
 * province in their real cities, plus plausible generated test centres), enterprises and the
 * finance offices. Instruments, prices and contacts built on them are fictional.
 */
import type { InstitutionType, OrganisationKind } from '../schema/index.ts';
import { vocabulary } from './data.ts';
import type { Domain } from './instrument-types.ts';
import { cityPlace, landline, type District } from './places.ts';
import { CITY_CODES, cityRows } from './reference.ts';
import type { Rng } from './random.ts';

/** Which instrument domains a provider leans to (weights; anything unlisted gets `other`). */
export type Profile =
  | 'comprehensive'
  | 'engineering'
  | 'marine'
  | 'medical'
  | 'agri'
  | 'chemical'
  | 'quality'
  | 'mechanical'
  | 'electronics'
  | 'vocational';

export const PROFILE_WEIGHTS: Readonly<Record<Profile, Partial<Record<Domain | 'other', number>>>> = {
  comprehensive: { other: 1, marine: 0.05 },
  engineering: { materials: 2, mechanics: 2, electronics: 1.5, chemistry: 1, computing: 1, other: 0.4, marine: 0.02 },
  marine: { marine: 6, environment: 2, life: 1.5, chemistry: 1.5, materials: 0.5, other: 0.3 },
  medical: { medical: 4, life: 3, chemistry: 1, food: 0.5, other: 0.15, marine: 0 },
  agri: { food: 4, life: 2, chemistry: 2, environment: 1.5, other: 0.2, marine: 0 },
  chemical: { chemistry: 3, materials: 1.5, environment: 1, mechanics: 0.5, other: 0.1, marine: 0 },
  quality: {
    chemistry: 2,
    food: 2,
    environment: 2,
    materials: 1,
    mechanics: 1,
    electronics: 0.5,
    other: 0.05,
    marine: 0,
  },
  mechanical: { mechanics: 4, materials: 2, electronics: 0.5, other: 0.1, marine: 0 },
  electronics: { electronics: 4, materials: 1, physics: 1, other: 0.2, marine: 0 },
  vocational: { chemistry: 1, materials: 1, mechanics: 1, food: 1, other: 0.05, marine: 0 },
};

export interface OrgSeed {
  id: number;
  kind: OrganisationKind;
  name: string;
  nameEn: string;
  creditCode: string;
  cityCode: string | null;
  district: District | null;
  address: string;
  institutionType: InstitutionType | null;
  certified: boolean;
  contactPhone: string;
  website: string | null;
  createdAt: number;
  /** For providers: e-mail subdomain of its contacts, instrument profile and share of the catalogue. */
  mailDomain: string;
  profile: Profile;
  weight: number;
}

interface ProviderSpec {
  name: string;
  nameEn: string;
  city: string;
  type: InstitutionType;
  profile: Profile;
  weight: number;
  district?: string;
  street?: string;
  abbr?: string;
}

/** Real universities and institutes (names from instrument-vocabulary.json), in their real cities. */
const REAL_PROVIDERS: readonly ProviderSpec[] = [
  {
    name: '山东大学',
    nameEn: 'Shandong University',
    city: '济南',
    type: 'university',
    profile: 'comprehensive',
    weight: 7,
    district: '历城区',
    street: '山大南路27号',
    abbr: 'sdu',
  },
  {
    name: '中国海洋大学',
    nameEn: 'Ocean University of China',
    city: '青岛',
    type: 'university',
    profile: 'marine',
    weight: 5,
    district: '崂山区',
    street: '松岭路238号',
    abbr: 'ouc',
  },
  {
    name: '中国石油大学(华东)',
    nameEn: 'China University of Petroleum (East China)',
    city: '青岛',
    type: 'university',
    profile: 'chemical',
    weight: 5,
    district: '黄岛区',
    street: '长江西路66号',
    abbr: 'upc',
  },
  {
    name: '山东师范大学',
    nameEn: 'Shandong Normal University',
    city: '济南',
    type: 'university',
    profile: 'comprehensive',
    weight: 3,
    district: '长清区',
    street: '大学路1号',
    abbr: 'sdnu',
  },
  {
    name: '山东农业大学',
    nameEn: 'Shandong Agricultural University',
    city: '泰安',
    type: 'university',
    profile: 'agri',
    weight: 3.5,
    district: '泰山区',
    street: '岱宗大街61号',
    abbr: 'sdau',
  },
  {
    name: '青岛大学',
    nameEn: 'Qingdao University',
    city: '青岛',
    type: 'university',
    profile: 'comprehensive',
    weight: 3.5,
    district: '市南区',
    street: '宁夏路308号',
    abbr: 'qdu',
  },
  {
    name: '济南大学',
    nameEn: 'University of Jinan',
    city: '济南',
    type: 'university',
    profile: 'engineering',
    weight: 3,
    district: '市中区',
    street: '南辛庄西路336号',
    abbr: 'ujn',
  },
  {
    name: '山东科技大学',
    nameEn: 'Shandong University of Science and Technology',
    city: '青岛',
    type: 'university',
    profile: 'engineering',
    weight: 3,
    district: '黄岛区',
    street: '前湾港路579号',
    abbr: 'sdust',
  },
  {
    name: '青岛科技大学',
    nameEn: 'Qingdao University of Science and Technology',
    city: '青岛',
    type: 'university',
    profile: 'chemical',
    weight: 3,
    district: '崂山区',
    street: '松岭路99号',
    abbr: 'qust',
  },
  {
    name: '齐鲁工业大学(山东省科学院)',
    nameEn: 'Qilu University of Technology (Shandong Academy of Sciences)',
    city: '济南',
    type: 'university',
    profile: 'engineering',
    weight: 4,
    district: '长清区',
    street: '大学路3501号',
    abbr: 'qlu',
  },
  {
    name: '烟台大学',
    nameEn: 'Yantai University',
    city: '烟台',
    type: 'university',
    profile: 'comprehensive',
    weight: 2.5,
    district: '莱山区',
    street: '清泉路30号',
    abbr: 'ytu',
  },
  {
    name: '聊城大学',
    nameEn: 'Liaocheng University',
    city: '聊城',
    type: 'university',
    profile: 'comprehensive',
    weight: 2.5,
    district: '东昌府区',
    street: '湖南路1号',
    abbr: 'lcu',
  },
  {
    name: '曲阜师范大学',
    nameEn: 'Qufu Normal University',
    city: '济宁',
    type: 'university',
    profile: 'comprehensive',
    weight: 2.5,
    district: '曲阜市',
    street: '静轩西路57号',
    abbr: 'qfnu',
  },
  {
    name: '临沂大学',
    nameEn: 'Linyi University',
    city: '临沂',
    type: 'university',
    profile: 'comprehensive',
    weight: 2,
    district: '兰山区',
    street: '双岭路中段',
    abbr: 'lyu',
  },
  {
    name: '潍坊医学院',
    nameEn: 'Weifang Medical University',
    city: '潍坊',
    type: 'university',
    profile: 'medical',
    weight: 2,
    district: '奎文区',
    street: '宝通西街7166号',
    abbr: 'wfmc',
  },
  {
    name: '滨州医学院',
    nameEn: 'Binzhou Medical University',
    city: '烟台',
    type: 'university',
    profile: 'medical',
    weight: 2,
    district: '莱山区',
    street: '观海路346号',
    abbr: 'bzmc',
  },
  {
    name: '山东理工大学',
    nameEn: 'Shandong University of Technology',
    city: '淄博',
    type: 'university',
    profile: 'engineering',
    weight: 2.5,
    district: '张店区',
    street: '新村西路266号',
    abbr: 'sdut',
  },
  {
    name: '青岛理工大学',
    nameEn: 'Qingdao University of Technology',
    city: '青岛',
    type: 'university',
    profile: 'engineering',
    weight: 2,
    district: '市北区',
    street: '抚顺路11号',
    abbr: 'qut',
  },
  {
    name: '鲁东大学',
    nameEn: 'Ludong University',
    city: '烟台',
    type: 'university',
    profile: 'comprehensive',
    weight: 2,
    district: '芝罘区',
    street: '红旗中路186号',
    abbr: 'ldu',
  },
  {
    name: '山东第一医科大学',
    nameEn: 'Shandong First Medical University',
    city: '济南',
    type: 'university',
    profile: 'medical',
    weight: 2.5,
    district: '长清区',
    street: '大学科技园长城路6366号',
    abbr: 'sdfmu',
  },
  {
    name: '中国科学院青岛生物能源与过程研究所',
    nameEn: 'Qingdao Institute of Bioenergy and Bioprocess Technology, CAS',
    city: '青岛',
    type: 'institute',
    profile: 'chemical',
    weight: 3,
    district: '崂山区',
    street: '松岭路189号',
    abbr: 'qibebt',
  },
  {
    name: '中国科学院海洋研究所',
    nameEn: 'Institute of Oceanology, CAS',
    city: '青岛',
    type: 'institute',
    profile: 'marine',
    weight: 3,
    district: '市南区',
    street: '南海路7号',
    abbr: 'qdio',
  },
  {
    name: '中国科学院烟台海岸带研究所',
    nameEn: 'Yantai Institute of Coastal Zone Research, CAS',
    city: '烟台',
    type: 'institute',
    profile: 'marine',
    weight: 2,
    district: '莱山区',
    street: '春晖路17号',
    abbr: 'yic',
  },
  {
    name: '自然资源部第一海洋研究所',
    nameEn: 'First Institute of Oceanography, MNR',
    city: '青岛',
    type: 'institute',
    profile: 'marine',
    weight: 2,
    district: '崂山区',
    street: '仙霞岭路6号',
    abbr: 'fio',
  },
  {
    name: '山东省分析测试中心',
    nameEn: 'Shandong Analysis and Test Center',
    city: '济南',
    type: 'test_centre',
    profile: 'quality',
    weight: 0,
    district: '历下区',
    street: '科院路19号',
    abbr: 'sdatc',
  },
  {
    name: '山东省产品质量检验研究院',
    nameEn: 'Shandong Institute for Product Quality Inspection',
    city: '济南',
    type: 'test_centre',
    profile: 'quality',
    weight: 2,
    district: '历城区',
    street: '港兴三路8号',
    abbr: 'sdqi',
  },
  {
    name: '山东省食品药品检验研究院',
    nameEn: 'Shandong Institute for Food and Drug Control',
    city: '济南',
    type: 'test_centre',
    profile: 'agri',
    weight: 2,
    district: '历下区',
    street: '新泺大街2749号',
    abbr: 'sdifdc',
  },
  {
    name: '青岛海洋科学与技术试点国家实验室',
    nameEn: 'Pilot National Laboratory for Marine Science and Technology (Qingdao)',
    city: '青岛',
    type: 'institute',
    profile: 'marine',
    weight: 3,
    district: '即墨区',
    street: '文海路1号',
    abbr: 'qnlm',
  },
];

/** The lab manager's institution in the demo; it gets a fixed set of varied instruments. */
export const DEMO_LAB_NAME = '山东省分析测试中心';

const CITY_EN: Readonly<Record<string, string>> = Object.fromEntries(cityRows().map((c) => [c.name, c.nameEn]));

/** Generated providers, typical of each city's industry. */
function generatedProviders(): ProviderSpec[] {
  const out: ProviderSpec[] = [];
  const add = (city: string, name: string, nameEn: string, type: InstitutionType, profile: Profile, weight = 1) =>
    out.push({ name, nameEn, city, type, profile, weight });
  for (const city of Object.keys(CITY_CODES)) {
    add(city, `${city}市检验检测中心`, `${CITY_EN[city]} Inspection and Testing Center`, 'test_centre', 'quality', 1.2);
  }
  add('济南', '济南市食品药品检验检测中心', 'Jinan Food and Drug Inspection Center', 'test_centre', 'agri');
  add('济南', '山东省计量科学研究院', 'Shandong Institute of Metrology', 'institute', 'mechanical', 1.5);
  add(
    '济南',
    '山东省地质科学研究院测试中心',
    'Shandong Institute of Geological Sciences Test Center',
    'institute',
    'chemical',
  );
  add(
    '济南',
    '山东省农业科学院分析测试中心',
    'Shandong Academy of Agricultural Sciences Test Center',
    'institute',
    'agri',
    1.5,
  );
  add('济南', '山东省冶金科学研究院', 'Shandong Metallurgical Research Institute', 'institute', 'mechanical');
  add('济南', '济南职业学院分析测试中心', 'Jinan Vocational College Test Center', 'university', 'vocational', 0.5);
  add(
    '青岛',
    '青岛市产品质量检验研究院',
    'Qingdao Product Quality Inspection Institute',
    'test_centre',
    'quality',
    1.2,
  );
  add('青岛', '青岛海洋生物医药研究院', 'Qingdao Marine Biomedical Research Institute', 'institute', 'medical', 1.2);
  add('青岛', '青岛市计量技术研究院', 'Qingdao Institute of Measurement Technology', 'institute', 'mechanical');
  add('青岛', '青岛市海洋产品质量检验中心', 'Qingdao Marine Products Inspection Center', 'test_centre', 'agri');
  add('青岛', '青岛市食品药品检验研究院', 'Qingdao Institute for Food and Drug Control', 'test_centre', 'agri');
  add('青岛', '青岛职业技术学院分析测试中心', 'Qingdao Technical College Test Center', 'university', 'vocational', 0.5);
  add(
    '淄博',
    '淄博市陶瓷玻璃质量检验所',
    'Zibo Ceramics and Glass Quality Inspection Institute',
    'test_centre',
    'chemical',
  );
  add('淄博', '淄博市新材料研究院', 'Zibo Institute of New Materials', 'institute', 'engineering');
  add('淄博', '淄博市环境监测站', 'Zibo Environmental Monitoring Station', 'test_centre', 'quality', 0.6);
  add('淄博', '淄博职业学院分析测试中心', 'Zibo Vocational Institute Test Center', 'university', 'vocational', 0.5);
  add('枣庄', '枣庄市锂电产业检测中心', 'Zaozhuang Lithium Battery Testing Center', 'test_centre', 'engineering');
  add('枣庄', '枣庄学院分析测试中心', 'Zaozhuang University Test Center', 'university', 'comprehensive', 0.8);
  add('东营', '东营市石油化工检测中心', 'Dongying Petrochemical Testing Center', 'test_centre', 'chemical', 1.2);
  add(
    '东营',
    '东营市橡胶轮胎质量检验所',
    'Dongying Rubber and Tyre Quality Inspection Institute',
    'test_centre',
    'mechanical',
  );
  add('东营', '东营职业学院分析测试中心', 'Dongying Vocational Institute Test Center', 'university', 'vocational', 0.5);
  add('烟台', '烟台市海洋经济研究院', 'Yantai Marine Economic Research Institute', 'institute', 'marine');
  add('烟台', '烟台市食品药品检验检测中心', 'Yantai Food and Drug Inspection Center', 'test_centre', 'agri');
  add(
    '烟台',
    '烟台市产品质量监督检验所',
    'Yantai Product Quality Supervision and Inspection Institute',
    'test_centre',
    'quality',
  );
  add('烟台', '烟台职业学院分析测试中心', 'Yantai Vocational College Test Center', 'university', 'vocational', 0.5);
  add('潍坊', '潍坊市产品质量检验所', 'Weifang Product Quality Inspection Institute', 'test_centre', 'quality');
  add('潍坊', '寿光蔬菜质量检测中心', 'Shouguang Vegetable Quality Testing Center', 'test_centre', 'agri');
  add('潍坊', '潍坊市农业科学院检测中心', 'Weifang Academy of Agricultural Sciences Test Center', 'institute', 'agri');
  add('潍坊', '潍坊职业学院分析测试中心', 'Weifang Vocational College Test Center', 'university', 'vocational', 0.5);
  add('济宁', '济宁市工程机械检测中心', 'Jining Construction Machinery Testing Center', 'test_centre', 'mechanical');
  add(
    '济宁',
    '济宁医学院科研实验中心',
    'Jining Medical University Research Laboratory Center',
    'university',
    'medical',
    1.2,
  );
  add('济宁', '济宁市食品药品检验检测中心', 'Jining Food and Drug Inspection Center', 'test_centre', 'agri');
  add('济宁', '济宁职业技术学院分析测试中心', 'Jining Polytechnic Test Center', 'university', 'vocational', 0.5);
  add('泰安', '泰安市矿山装备检测中心', "Tai'an Mining Equipment Testing Center", 'test_centre', 'mechanical');
  add('泰安', '泰山学院分析测试中心', 'Taishan University Test Center', 'university', 'comprehensive', 0.8);
  add('泰安', '泰安市农产品质量检测中心', "Tai'an Agricultural Products Testing Center", 'test_centre', 'agri', 0.6);
  add('威海', '威海市纺织服装检验所', 'Weihai Textile and Garment Inspection Institute', 'test_centre', 'quality');
  add('威海', '威海市海洋生物技术研究院', 'Weihai Institute of Marine Biotechnology', 'institute', 'marine');
  add('威海', '威海市产品质量检验所', 'Weihai Product Quality Inspection Institute', 'test_centre', 'quality');
  add('威海', '威海职业学院分析测试中心', 'Weihai Vocational College Test Center', 'university', 'vocational', 0.5);
  add('日照', '日照市钢铁产品检验所', 'Rizhao Steel Products Inspection Institute', 'test_centre', 'mechanical');
  add('日照', '日照职业技术学院分析测试中心', 'Rizhao Polytechnic Test Center', 'university', 'vocational', 0.5);
  add('临沂', '临沂市木业检测中心', 'Linyi Wood Products Testing Center', 'test_centre', 'quality');
  add('临沂', '临沂市食品药品检验检测中心', 'Linyi Food and Drug Inspection Center', 'test_centre', 'agri');
  add('临沂', '临沂市环境监测中心站', 'Linyi Environmental Monitoring Center', 'test_centre', 'quality', 0.6);
  add('临沂', '临沂职业学院分析测试中心', 'Linyi Vocational College Test Center', 'university', 'vocational', 0.5);
  add('德州', '德州市太阳能产品检验所', 'Dezhou Solar Products Inspection Institute', 'test_centre', 'electronics');
  add('德州', '德州学院分析测试中心', 'Dezhou University Test Center', 'university', 'comprehensive', 0.8);
  add('聊城', '聊城市轴承检测中心', 'Liaocheng Bearing Testing Center', 'test_centre', 'mechanical');
  add('聊城', '聊城市农产品质量检测中心', 'Liaocheng Agricultural Products Testing Center', 'test_centre', 'agri', 0.6);
  add('滨州', '滨州市化工产品质量检验所', 'Binzhou Chemical Products Inspection Institute', 'test_centre', 'chemical');
  add('滨州', '滨州学院分析测试中心', 'Binzhou University Test Center', 'university', 'comprehensive', 0.8);
  add('菏泽', '菏泽市牡丹产业研究院', 'Heze Peony Industry Research Institute', 'institute', 'agri', 0.6);
  add('菏泽', '菏泽学院分析测试中心', 'Heze University Test Center', 'university', 'comprehensive', 0.8);
  return out;
}

/** The enterprise the demo researcher works for. */
export const DEMO_ENTERPRISE_NAME = '济南智测新材料科技有限公司';

/** Enterprises that always exist (demo accounts belong to them); the rest are generated. */
const FIXED_ENTERPRISES: readonly { name: string; nameEn: string; city: string; district: string; street: string }[] = [
  {
    name: DEMO_ENTERPRISE_NAME,
    nameEn: 'Jinan Zhice New Materials Technology Co., Ltd.',
    city: '济南',
    district: '历下区',
    street: '新泺大街1166号',
  },
  {
    name: '青岛海纳海洋生物科技有限公司',
    nameEn: 'Qingdao Haina Marine Biotechnology Co., Ltd.',
    city: '青岛',
    district: '崂山区',
    street: '株洲路151号',
  },
  {
    name: '临沂鼎新智能装备有限公司',
    nameEn: 'Linyi Dingxin Intelligent Equipment Co., Ltd.',
    city: '临沂',
    district: '兰山区',
    street: '沂蒙路2188号',
  },
  {
    name: '聊城鲁西精密轴承科技有限公司',
    nameEn: 'Liaocheng Luxi Precision Bearing Technology Co., Ltd.',
    city: '聊城',
    district: '东昌府区',
    street: '东昌东路88号',
  },
];

const BRANDS = [
  '智测',
  '华创',
  '鲁信',
  '海纳',
  '博远',
  '瑞丰',
  '恒信',
  '新锐',
  '德润',
  '泰和',
  '金诺',
  '益康',
  '蓝海',
  '天衡',
  '鼎新',
  '睿思',
  '汇智',
  '欣源',
  '宏达',
  '齐力',
  '中晟',
  '海辰',
  '景明',
  '润禾',
  '正元',
  '联科',
  '方圆',
];

const INDUSTRIES: readonly (readonly [string, string])[] = [
  ['新材料科技有限公司', 'New Materials Technology Co., Ltd.'],
  ['生物医药有限公司', 'Biopharmaceutical Co., Ltd.'],
  ['精细化工有限公司', 'Fine Chemicals Co., Ltd.'],
  ['电子科技有限公司', 'Electronic Technology Co., Ltd.'],
  ['环境检测技术有限公司', 'Environmental Testing Technology Co., Ltd.'],
  ['海洋生物科技有限公司', 'Marine Biotechnology Co., Ltd.'],
  ['智能装备有限公司', 'Intelligent Equipment Co., Ltd.'],
  ['新能源科技有限公司', 'New Energy Technology Co., Ltd.'],
  ['食品科技有限公司', 'Food Technology Co., Ltd.'],
  ['医疗器械有限公司', 'Medical Devices Co., Ltd.'],
  ['高分子材料股份有限公司', 'Polymer Materials Co., Ltd.'],
  ['半导体科技有限公司', 'Semiconductor Technology Co., Ltd.'],
];

const BRAND_EN: Readonly<Record<string, string>> = {
  智测: 'Zhice',
  华创: 'Huachuang',
  鲁信: 'Luxin',
  海纳: 'Haina',
  博远: 'Boyuan',
  瑞丰: 'Ruifeng',
  恒信: 'Hengxin',
  新锐: 'Xinrui',
  德润: 'Derun',
  泰和: 'Taihe',
  金诺: 'Jinnuo',
  益康: 'Yikang',
  蓝海: 'Lanhai',
  天衡: 'Tianheng',
  鼎新: 'Dingxin',
  睿思: 'Ruisi',
  汇智: 'Huizhi',
  欣源: 'Xinyuan',
  宏达: 'Hongda',
  齐力: 'Qili',
  中晟: 'Zhongsheng',
  海辰: 'Haichen',
  景明: 'Jingming',
  润禾: 'Runhe',
  正元: 'Zhengyuan',
  联科: 'Lianke',
  方圆: 'Fangyuan',
};

/** Enterprises lean to the bigger cities. */
const ENTERPRISE_CITY_WEIGHTS: Readonly<Record<string, number>> = {
  济南: 10,
  青岛: 10,
  淄博: 5,
  枣庄: 2,
  东营: 3,
  烟台: 5,
  潍坊: 5,
  济宁: 3,
  泰安: 2,
  威海: 3,
  日照: 2,
  临沂: 4,
  德州: 2,
  聊城: 2,
  滨州: 2,
  菏泽: 2,
};

// ---- unified social credit codes (GB 32100-2015), with valid check characters ----

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The organisation code (GB 11714): 8 digits and a check character. */
function organisationCode(rng: Rng): string {
  const body = rng.digits(8);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** 18 characters: registering authority + type (e.g. 91 company, 12 public institution, 11 state organ), division, organisation code, check. */
export function creditCode(rng: Rng, prefix: string, divisionCode: string): string {
  const body = prefix + divisionCode + organisationCode(rng);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  const c = (31 - (sum % 31)) % 31;
  return body + USCC_CHARS[c];
}

export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31] === code[17];
}

// ---- building the list ----

export interface OrganisationSet {
  all: OrgSeed[];
  platform: OrgSeed;
  providers: OrgSeed[];
  enterprises: OrgSeed[];
  financeOffices: OrgSeed[];
  byName: Map<string, OrgSeed>;
}

/** The whole organisation list, deterministic for the generator's state. `start`/`end` bound created-at times. */
export function buildOrganisations(
  rng: Rng,
  opts: { enterprises: number; start: number; end: number },
): OrganisationSet {
  const all: OrgSeed[] = [];
  const codes = new Set<string>();
  const names = new Set<string>();
  const createdAt = () => Math.floor((opts.start + rng.next() * (opts.end - opts.start)) / 1000) * 1000;

  const place = (city: string, districtName?: string, street?: string) => {
    const cityCode = CITY_CODES[city]!;
    const p = cityPlace(cityCode);
    const district = (districtName && p.districts.find((d) => d.name === districtName)) || rng.pick(p.districts);
    const road = street ?? `${rng.pick(p.roads)}${rng.int(1, 2999)}号`;
    return { cityCode, district, address: `${city}市${district.name}${road}` };
  };

  const push = (
    o: Omit<OrgSeed, 'id' | 'creditCode' | 'contactPhone' | 'createdAt'> & { codePrefix: string },
  ): OrgSeed => {
    if (names.has(o.name)) throw new Error(`duplicate organisation ${o.name}`);
    names.add(o.name);
    const division = o.district?.code ?? (o.cityCode ? o.cityCode : '370000');
    let code = creditCode(rng, o.codePrefix, division);
    while (codes.has(code)) code = creditCode(rng, o.codePrefix, division);
    codes.add(code);
    const { codePrefix: _codePrefix, ...rest } = o;
    const org: OrgSeed = {
      ...rest,
      id: all.length + 1,
      creditCode: code,
      contactPhone: landline(rng, o.cityCode ?? '370100'),
      createdAt: createdAt(),
    };
    all.push(org);
    return org;
  };

  const platformPlace = place('济南', '历下区', '舜华路2000号');
  const platform = push({
    kind: 'platform',
    name: '山东省大型科学仪器共享服务平台',
    nameEn: 'Shandong Large Scientific Instrument Sharing Service Platform',
    ...platformPlace,
    institutionType: null,
    certified: true,
    website: null,
    mailDomain: 'platform',
    profile: 'quality',
    weight: 0,
    codePrefix: '12',
  });

  const providers: OrgSeed[] = [];
  const specs = [...REAL_PROVIDERS, ...generatedProviders()];
  specs.forEach((spec, i) => {
    const p = place(spec.city, spec.district, spec.street);
    providers.push(
      push({
        kind: 'institution',
        name: spec.name,
        nameEn: spec.nameEn,
        ...p,
        institutionType: spec.type,
        // Real institutions and most generated ones are certified providers.
        certified: i < REAL_PROVIDERS.length || rng.chance(0.85),
        website: null,
        mailDomain: spec.abbr ?? `lab${String(i + 1).padStart(3, '0')}`,
        profile: spec.profile,
        weight: spec.weight,
        codePrefix: '12',
      }),
    );
  });

  const enterprises: OrgSeed[] = [];
  for (const e of FIXED_ENTERPRISES) {
    enterprises.push(
      push({
        kind: 'enterprise',
        name: e.name,
        nameEn: e.nameEn,
        ...place(e.city, e.district, e.street),
        institutionType: null,
        certified: true,
        website: null,
        mailDomain: 'enterprise',
        profile: 'quality',
        weight: 0,
        codePrefix: '91',
      }),
    );
  }
  const cityList = Object.entries(ENTERPRISE_CITY_WEIGHTS);
  const cityTotal = cityList.reduce((a, [, w]) => a + w, 0);
  // Every city gets at least one enterprise (so every voucher ratio is represented), then by weight.
  const fixedCities = new Set(FIXED_ENTERPRISES.map((e) => e.city));
  const generated = Math.max(0, opts.enterprises - FIXED_ENTERPRISES.length);
  const enterpriseCities: string[] = cityList.map(([c]) => c).filter((c) => !fixedCities.has(c));
  while (enterpriseCities.length < generated) {
    let x = rng.next() * cityTotal;
    for (const [c, w] of cityList) {
      x -= w;
      if (x < 0) {
        enterpriseCities.push(c);
        break;
      }
    }
  }
  for (const city of enterpriseCities.slice(0, generated)) {
    let name = '';
    let nameEn = '';
    for (let tries = 0; tries < 50 && (!name || names.has(name)); tries++) {
      const brand = rng.pick(BRANDS);
      const [ind, indEn] = rng.pick(INDUSTRIES);
      name = `${city}${brand}${ind}`;
      nameEn = `${CITY_EN[city]} ${BRAND_EN[brand] ?? brand} ${indEn}`;
    }
    if (names.has(name)) continue;
    const p = place(city);
    enterprises.push(
      push({
        kind: 'enterprise',
        name,
        nameEn,
        ...p,
        address: `${p.address}${rng.pick(['', '', '科技园', '创业大厦', '产业园'])}`,
        institutionType: null,
        certified: rng.chance(0.8),
        website: null,
        mailDomain: 'enterprise',
        profile: 'quality',
        weight: 0,
        codePrefix: '91',
      }),
    );
  }

  const financeOffices: OrgSeed[] = [];
  financeOffices.push(
    push({
      kind: 'finance_office',
      name: '山东省科学技术厅',
      nameEn: 'Department of Science and Technology of Shandong Province',
      ...place('济南', '历下区'),
      cityCode: null,
      institutionType: null,
      certified: true,
      website: null,
      mailDomain: 'kjt',
      profile: 'quality',
      weight: 0,
      codePrefix: '11',
    }),
  );
  for (const c of cityRows()) {
    financeOffices.push(
      push({
        kind: 'finance_office',
        name: `${c.name}市科学技术局`,
        nameEn: `${c.nameEn} Science and Technology Bureau`,
        ...place(c.name),
        institutionType: null,
        certified: true,
        website: null,
        mailDomain: 'kjj',
        profile: 'quality',
        weight: 0,
        codePrefix: '11',
      }),
    );
  }

  return {
    all,
    platform,
    providers,
    enterprises,
    financeOffices,
    byName: new Map(all.map((o) => [o.name, o])),
  };
}

/** Lab buildings of a provider (the vocabulary's centre names for universities). */
export function buildingsFor(org: OrgSeed, rng: Rng, pool: readonly string[]): string[] {
  const extra = org.institutionType === 'university' ? vocabulary.institutions.centres : [];
  return rng.sample([...pool, ...extra], rng.int(2, 3));
}
