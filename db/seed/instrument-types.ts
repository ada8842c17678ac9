/**
 * Per instrument type (keyed by the vocabulary's category code): which model each manufacturer
 * makes, name variants, specification fragments, functions, services, subjects and rate-card items.
 * Combined with instrument-vocabulary.json by `instrumentTypes()`.
 */
import { vocabulary, type VocabularyInstrument } from './data.ts';

/** Fields of research an instrument type mostly serves; institutions weight types by them. */
export type Domain =
  | 'materials'
  | 'chemistry'
  | 'life'
  | 'medical'
  | 'food'
  | 'environment'
  | 'marine'
  | 'mechanics'
  | 'electronics'
  | 'physics'
  | 'computing';

export interface ItemTemplate {
  unit: 'hour' | 'sample';
  labelZh: string;
  labelEn: string;
  /** Where in the vocabulary's price range this item sits: fractions [from, to] of (high − low). */
  band: [number, number];
}

interface TypeDetail {
  /** Relative frequency in a catalogue (common HPLCs, rare 600 MHz NMRs). */
  freq: number;
  domains: Domain[];
  /** Model → manufacturer key of the vocabulary (models the vocabulary lists, plus a few real ones). */
  models: Record<string, string>;
  /** Name variants: [Chinese prefix, English prefix, weight]; the type's own name is always kept whole. */
  prefixes?: [string, string, number][];
  suffixes?: [string, string, number][];
  /** Specification fragments; one option is drawn from each ('' = leave the fragment out). */
  specs: string[][];
  functions: string;
  service: string;
  subjects: string[];
  items: ItemTemplate[];
}

const h = (labelZh: string, labelEn: string, band: [number, number] = [0, 1]): ItemTemplate => ({
  unit: 'hour',
  labelZh,
  labelEn,
  band,
});
const s = (labelZh: string, labelEn: string, band: [number, number] = [0, 1]): ItemTemplate => ({
  unit: 'sample',
  labelZh,
  labelEn,
  band,
});

const DETAILS: Readonly<Record<string, TypeDetail>> = {
  '010101': {
    freq: 2,
    domains: ['materials', 'physics'],
    models: { 'Talos F200X': 'ThermoFisher', 'JEM-2100F': 'JEOL', HT7800: 'Hitachi', 'Spectra 300': 'ThermoFisher' },
    prefixes: [
      ['', '', 5],
      ['场发射', 'Field Emission ', 3],
      ['高分辨', 'High Resolution ', 2],
      ['球差校正', 'Aberration-corrected ', 0.5],
    ],
    specs: [
      ['加速电压：80–200kV可调', '加速电压：200kV', '加速电压：60–300kV可调'],
      ['点分辨率：0.19nm', '点分辨率：0.23nm', '点分辨率：0.24nm', '点分辨率：0.27nm'],
      ['线分辨率：0.10nm', '线分辨率：0.14nm'],
      ['STEM-HAADF分辨率：0.16nm', 'STEM-HAADF分辨率：0.136nm', 'STEM-HAADF分辨率：0.06nm'],
      ['放大倍数：×50–×1,500,000', '放大倍数：×25–×2,000,000'],
      ['配备能谱仪（EDS），能量分辨率≤127eV', '配备四探头Super-X能谱仪', '配备电子能量损失谱仪（EELS）'],
      ['配备4k×4k CMOS相机', '配备冷冻样品杆', '配备原位加热样品杆', ''],
    ],
    functions:
      '观察材料微观形貌与晶体结构，进行高分辨成像（HRTEM）、选区电子衍射（SAED）、扫描透射成像（STEM）及微区成分分析（EDS面分布），适用于纳米材料、催化剂、金属与陶瓷材料及生物超薄切片等样品。',
    service: '透射电镜形貌观察、高分辨像、选区电子衍射、STEM-HAADF成像及能谱面扫分析；超薄切片、离子减薄制样另行收费。',
    subjects: ['材料科学', '物理学', '化学', '生命科学'],
    items: [
      h('高分辨成像机时', 'HRTEM machine time', [0, 0.6]),
      h('STEM及能谱分析机时', 'STEM and EDS machine time', [0.4, 1]),
    ],
  },
  '010102': {
    freq: 5,
    domains: ['materials'],
    models: {
      'Sigma 300': 'Zeiss',
      'GeminiSEM 500': 'Zeiss',
      'Regulus 8220': 'Hitachi',
      'Apreo 2': 'ThermoFisher',
      SEM5000: 'CIQTEK',
      'JSM-IT800': 'JEOL',
    },
    prefixes: [
      ['', '', 6],
      ['热', 'Thermal ', 2],
      ['冷', 'Cold ', 1],
      ['高分辨', 'High Resolution ', 1],
    ],
    suffixes: [
      ['', '', 6],
      ['（配能谱仪）', ' with EDS', 2],
      ['（配EBSD）', ' with EBSD', 1],
    ],
    specs: [
      ['二次电子分辨率：0.6nm@15kV', '二次电子分辨率：0.8nm@15kV', '二次电子分辨率：1.0nm@15kV'],
      ['低电压分辨率：1.2nm@1kV', '低电压分辨率：1.4nm@1kV', '低电压分辨率：1.6nm@1kV'],
      ['加速电压：0.02–30kV', '加速电压：0.1–30kV', '加速电压：0.5–30kV'],
      ['放大倍数：×12–×2,000,000', '放大倍数：×10–×1,000,000'],
      ['探针电流：4pA–20nA', '探针电流：1pA–100nA'],
      ['配备牛津Ultim Max能谱仪', '配备布鲁克XFlash能谱仪', '配备EBSD探头', '配备背散射电子探测器'],
    ],
    functions:
      '材料表面及断口微观形貌观察，二次电子像与背散射电子像成像，配合能谱进行微区元素定性、半定量及面分布分析，适用于金属、陶瓷、高分子、矿物及生物样品。',
    service: '形貌观察、断口分析、能谱点/线/面扫描；提供喷金、喷碳制样。',
    subjects: ['材料科学', '化学', '物理学', '地球科学', '生命科学'],
    items: [
      h('自主上机机时', 'Self-operated machine time', [0, 0.7]),
      s('送样测试（形貌观察）', 'Sample test (morphology)', [0, 0.6]),
      s('能谱分析（EDS面扫）', 'EDS mapping', [0.4, 1]),
    ],
  },
  '010201': {
    freq: 4,
    domains: ['chemistry', 'life', 'food'],
    models: {
      'Orbitrap Exploris 480': 'ThermoFisher',
      'Q Exactive Plus': 'ThermoFisher',
      '6546 LC/Q-TOF': 'Agilent',
      'Xevo G2-XS': 'Waters',
      'TripleTOF 6600+': 'SCIEX',
      'timsTOF Pro 2': 'Bruker',
    },
    prefixes: [
      ['', '', 6],
      ['超高效', 'UHPLC ', 1],
    ],
    specs: [
      ['质量范围：m/z 50–6,000', '质量范围：m/z 40–3,000', '质量范围：m/z 50–2,000', '质量范围：m/z 100–40,000'],
      ['分辨率：240,000 FWHM@m/z 200', '分辨率：140,000 FWHM@m/z 200', '分辨率：60,000 FWHM', '分辨率：45,000 FWHM'],
      ['质量精度：<1ppm（内标）', '质量精度：<3ppm（外标）', '质量精度：<2ppm'],
      ['扫描速度：40Hz', '扫描速度：18Hz', '扫描速度：100谱/秒'],
      ['离子源：ESI/APCI', '离子源：HESI/APCI', '离子源：ESI/APCI/APPI'],
      ['液相部分：超高效液相，耐压1,300bar，二元梯度泵', '液相部分：超高效液相，耐压1,500bar，二元梯度泵'],
    ],
    functions:
      '复杂基质中有机小分子的定性定量分析，未知物筛查与结构鉴定，代谢组学、蛋白质组学研究，药物代谢物鉴定，食品及环境中农兽药残留与污染物的高通量筛查。',
    service: '精确分子量测定、未知物鉴定、非靶向代谢组学、蛋白质组学、农兽药残留筛查。',
    subjects: ['化学', '生命科学', '药学', '食品科学技术', '环境科学技术'],
    items: [
      s('精确分子量测定', 'Accurate mass', [0, 0.5]),
      s('未知物筛查与鉴定', 'Unknown screening and identification', [0.5, 1]),
      s('非靶向代谢组学', 'Untargeted metabolomics', [0.6, 1]),
    ],
  },
  '010202': {
    freq: 6,
    domains: ['chemistry', 'environment', 'food'],
    models: { '8890-5977B': 'Agilent', 'GCMS-QP2020 NX': 'Shimadzu', 'ISQ 7000': 'ThermoFisher' },
    prefixes: [
      ['', '', 6],
      ['三重四极杆', 'Triple Quadrupole ', 1],
    ],
    specs: [
      ['质量范围：m/z 1.6–1,050', '质量范围：m/z 2–1,090', '质量范围：m/z 1.5–1,100'],
      ['灵敏度：EI 1pg OFN S/N≥1,500:1', '灵敏度：EI 1pg OFN S/N≥2,000:1'],
      ['扫描速度：20,000u/s', '扫描速度：12,500u/s'],
      ['柱温箱：室温+4℃–450℃'],
      ['离子源：EI/CI', '离子源：EI'],
      ['配备顶空进样器', '配备热脱附进样器', '配备自动进样器（150位）'],
    ],
    functions:
      '挥发性、半挥发性有机物的定性定量分析，适用于环境样品中有机污染物、食品农药残留与风味物质、石油化工产品组成、香精香料及VOCs检测。',
    service: '挥发性有机物（VOCs）定性定量、农药残留检测、香味成分分析、未知有机物谱库检索。',
    subjects: ['化学', '环境科学技术', '食品科学技术', '化学工程'],
    items: [
      s('定性分析（谱库检索）', 'Qualitative analysis (library search)', [0, 0.5]),
      s('定量分析（每组目标物）', 'Quantitative analysis (per target group)', [0.3, 0.8]),
      s('顶空进样分析', 'Headspace analysis', [0.4, 1]),
    ],
  },
  '010203': {
    freq: 4,
    domains: ['chemistry', 'environment'],
    models: { '7900': 'Agilent', 'iCAP RQ': 'ThermoFisher', 'NexION 2000': 'PerkinElmer', 'ICPMS-2030': 'Shimadzu' },
    prefixes: [
      ['', '', 6],
      ['三重四极杆', 'Triple Quadrupole ', 1],
    ],
    specs: [
      ['质量范围：2–260amu', '质量范围：4–290amu'],
      ['检出限：Be、In、U<0.5ng/L', '检出限：多数元素<1ng/L'],
      ['丰度灵敏度：低质量端≤5×10⁻⁷', '丰度灵敏度：≤1×10⁻⁷'],
      ['线性动态范围：10个数量级', '线性动态范围：>10⁹'],
      ['碰撞/反应池：He模式', '碰撞/反应池：KED模式', '碰撞/反应池：He/H₂/NH₃反应模式'],
      ['配备自动进样器', '配备激光剥蚀进样系统', ''],
    ],
    functions:
      '痕量及超痕量元素定量分析与同位素比值测定，适用于地质、环境水体、土壤、食品、生物样品及半导体材料中70余种元素的检测。',
    service: '多元素痕量分析、重金属检测、同位素比值测定；可提供微波消解前处理。',
    subjects: ['化学', '环境科学技术', '地球科学', '食品科学技术', '材料科学'],
    items: [
      s('多元素检测（≤10种元素）', 'Multi-element (≤10 elements)', [0, 0.5]),
      s('全元素半定量扫描', 'Full semi-quantitative scan', [0.5, 1]),
    ],
  },
  '010301': {
    freq: 5,
    domains: ['materials'],
    models: { 'D8 Advance': 'Bruker', SmartLab: 'Rigaku', Empyrean: 'Malvern Panalytical', 'XRD-7000': 'Shimadzu' },
    prefixes: [
      ['', '', 6],
      ['多晶', 'Powder ', 2],
      ['高分辨', 'High Resolution ', 1],
    ],
    specs: [
      ['Cu靶，光管功率3kW', 'Cu靶，光管功率2.2kW', 'Cu转靶，功率9kW'],
      ['测角仪半径：≥240mm', '测角仪半径：285mm', '测角仪半径：300mm'],
      ['2θ范围：-110°–168°', '2θ范围：-3°–160°'],
      ['最小步长：0.0001°', '最小步长：0.001°'],
      ['探测器：一维阵列探测器', '探测器：HyPix-3000二维探测器', '探测器：PIXcel3D探测器', '探测器：闪烁计数器'],
      ['配备高温附件（室温–1,200℃）', '配备薄膜掠入射附件', '配备自动进样器', ''],
    ],
    functions:
      '多晶粉末及块体样品的物相定性与定量分析，晶粒尺寸与结晶度计算，晶胞参数精修，残余应力与织构分析，薄膜掠入射分析。',
    service: '物相分析、结晶度测定、Rietveld全谱拟合精修、变温XRD。',
    subjects: ['材料科学', '化学', '物理学', '地球科学'],
    items: [
      s('常规扫描（物相分析）', 'Standard scan (phase analysis)', [0, 0.5]),
      s('慢扫（精修数据采集）', 'Slow scan (refinement data)', [0.4, 0.9]),
      s('变温原位测试', 'In-situ variable temperature', [0.6, 1]),
    ],
  },
  '010302': {
    freq: 1.5,
    domains: ['materials'],
    models: { 'ESCALAB 250Xi': 'ThermoFisher', 'AXIS Supra+': 'Shimadzu' },
    prefixes: [
      ['', '', 5],
      ['多功能', 'Multi-technique ', 1],
    ],
    specs: [
      ['X射线源：单色化Al Kα（1,486.6eV）'],
      ['能量分辨率：≤0.45eV（Ag 3d5/2）', '能量分辨率：≤0.48eV（Ag 3d5/2）'],
      ['空间分辨率：≤20μm', '成像空间分辨率：≤3μm'],
      ['分析室真空：≤5×10⁻¹⁰mbar', '分析室真空：≤2×10⁻⁹mbar'],
      ['配备Ar离子枪深度剖析', '配备Ar团簇离子枪', '配备UPS紫外光电子能谱'],
      ['配备角分辨XPS', '配备原位加热样品台', ''],
    ],
    functions:
      '固体材料表面（1–10nm）元素组成、化学态及价态分析，元素深度分布剖析，适用于催化剂、电池材料、半导体薄膜、金属腐蚀及高分子表面改性研究。',
    service: '全谱及窄谱扫描、化学态分析、Ar离子刻蚀深度剖析、UPS功函数测定。',
    subjects: ['材料科学', '化学', '物理学'],
    items: [
      s('全谱+窄谱（≤3个元素）', 'Survey + high-resolution (≤3 elements)', [0, 0.5]),
      s('深度剖析', 'Depth profiling', [0.5, 1]),
    ],
  },
  '010303': {
    freq: 3,
    domains: ['materials', 'environment'],
    models: { 'S8 Tiger': 'Bruker', 'ZSX Primus IV': 'Rigaku', 'EDX 3600': 'Skyray', Zetium: 'Malvern Panalytical' },
    prefixes: [
      ['', '', 6],
      ['全自动', 'Automatic ', 1],
    ],
    specs: [
      ['元素范围：4Be–92U', '元素范围：5B–92U', '元素范围：11Na–92U'],
      ['X光管：4kW端窗铑靶', 'X光管：3kW铑靶', 'X光管：50W'],
      ['检出限：1–10ppm', '检出限：ppm级'],
      ['分析晶体：8块', '分析晶体：6块', ''],
      ['配套熔样机', '配套粉末压片机', ''],
    ],
    functions:
      '固体、粉末及液体样品中主次量元素的快速无损定性和定量分析，适用于水泥、陶瓷、矿石、冶金、石化及环保样品。',
    service: '元素半定量全扫描、标准曲线定量分析、熔片/压片制样。',
    subjects: ['材料科学', '地球科学', '化学', '冶金工程技术'],
    items: [
      s('无标样半定量分析', 'Standardless semi-quantitative', [0, 0.5]),
      s('标准曲线定量分析', 'Calibrated quantitative analysis', [0.4, 1]),
    ],
  },
  '010401': {
    freq: 7,
    domains: ['chemistry', 'materials'],
    models: {
      'Nicolet iS50': 'ThermoFisher',
      'INVENIO R': 'Bruker',
      'Spectrum 3': 'PerkinElmer',
      'IRTracer-100': 'Shimadzu',
    },
    prefixes: [
      ['', '', 6],
      ['研究级', 'Research-grade ', 1],
    ],
    suffixes: [
      ['', '', 6],
      ['（含显微红外）', ' with IR Microscope', 1],
    ],
    specs: [
      ['光谱范围：7,800–350cm⁻¹', '光谱范围：8,000–350cm⁻¹', '光谱范围：25,000–30cm⁻¹'],
      ['分辨率：优于0.09cm⁻¹', '分辨率：0.4cm⁻¹', '分辨率：0.25cm⁻¹'],
      ['信噪比：≥55,000:1（1分钟）', '信噪比：50,000:1（5秒）'],
      ['附件：金刚石ATR附件', '附件：漫反射附件', '附件：红外显微镜', '附件：热重-红外联用接口'],
    ],
    functions: '有机物、高分子及无机物官能团鉴定和结构分析，未知物鉴别，薄膜及微区红外分析，反应过程原位监测。',
    service: '透射/ATR红外测试、显微红外、谱图解析。',
    subjects: ['化学', '材料科学', '化学工程', '药学'],
    items: [
      s('常规红外（ATR/压片）', 'Standard IR (ATR or pellet)', [0, 0.5]),
      s('显微红外', 'IR microscopy', [0.5, 1]),
      s('变温/原位红外', 'Variable temperature / in-situ IR', [0.6, 1]),
    ],
  },
  '010402': {
    freq: 3,
    domains: ['chemistry', 'materials', 'physics'],
    models: { 'LabRAM HR Evolution': 'Horiba', 'inVia Qontor': 'Renishaw', DXR3xi: 'ThermoFisher' },
    prefixes: [
      ['', '', 6],
      ['显微', 'Micro-', 1],
    ],
    specs: [
      ['激光器：532nm、633nm、785nm', '激光器：532nm、785nm', '激光器：325nm、532nm、633nm'],
      ['光谱范围：50–9,000cm⁻¹', '光谱范围：100–4,000cm⁻¹'],
      ['光谱分辨率：≤0.65cm⁻¹', '光谱分辨率：≤1cm⁻¹'],
      ['空间分辨率：横向≤0.5μm，纵向≤2μm', '空间分辨率：横向≤1μm，纵向≤2μm'],
      ['配备快速Mapping成像', '配备变温样品台（-196–600℃）', '配备低波数附件', ''],
    ],
    functions: '物质分子结构、晶型及应力分析，碳材料（石墨烯、碳纳米管）表征，矿物与宝石鉴定，微区成分分布成像。',
    service: '拉曼光谱测试、Mapping成像、变温拉曼。',
    subjects: ['化学', '材料科学', '物理学', '地球科学'],
    items: [
      h('测试机时（单点）', 'Machine time (point spectra)', [0, 0.5]),
      h('Mapping成像机时', 'Mapping machine time', [0.4, 1]),
    ],
  },
  '010403': {
    freq: 5,
    domains: ['chemistry', 'environment'],
    models: {
      '5110': 'Agilent',
      'iCAP PRO': 'ThermoFisher',
      'Avio 550': 'PerkinElmer',
      'EXPEC 6000': 'Focused Photonics',
    },
    prefixes: [
      ['', '', 6],
      ['全谱直读', 'Simultaneous ', 1],
    ],
    specs: [
      ['波长范围：165–785nm', '波长范围：167–785nm'],
      ['光学分辨率：≤0.007nm@200nm', '光学分辨率：≤0.009nm@200nm'],
      ['观测方式：垂直双向观测', '观测方式：水平/垂直双向观测'],
      ['检出限：多数元素μg/L级', '检出限：多数元素<1μg/L'],
      ['线性范围：6个数量级', '线性范围：>10⁵'],
    ],
    functions: '水、土壤、矿石、合金、食品及化工样品中70余种金属和部分非金属元素的快速多元素同时测定。',
    service: '多元素含量测定、重金属检测、微波消解前处理。',
    subjects: ['化学', '环境科学技术', '地球科学', '冶金工程技术'],
    items: [
      s('多元素测定（≤5种）', 'Multi-element (≤5 elements)', [0, 0.5]),
      s('多元素测定（>5种）', 'Multi-element (>5 elements)', [0.5, 1]),
    ],
  },
  '010404': {
    freq: 7,
    domains: ['chemistry', 'materials'],
    models: { 'UV-3600i Plus': 'Shimadzu', 'Lambda 1050+': 'PerkinElmer', 'Cary 7000': 'Agilent', 'TU-1950': 'Puxi' },
    prefixes: [
      ['', '', 6],
      ['双光束', 'Double-beam ', 1],
    ],
    specs: [
      ['波长范围：185–3,300nm', '波长范围：175–3,300nm', '波长范围：190–2,500nm'],
      ['分辨率：0.1nm', '分辨率：0.05nm'],
      ['杂散光：≤0.00005%T（220nm）', '杂散光：≤0.0001%T（220nm）'],
      ['光度范围：-6–6Abs', '光度范围：-8–8Abs'],
      ['附件：积分球', '附件：固体反射附件', '附件：变角镜面反射附件', '附件：温控样品池'],
    ],
    functions:
      '液体、固体及薄膜样品的透射、吸收和反射光谱测定，用于光学材料、半导体禁带宽度、溶液浓度、颜色及光学常数测量。',
    service: '透射/吸收光谱、漫反射光谱、禁带宽度计算。',
    subjects: ['化学', '材料科学', '物理学'],
    items: [
      s('液体透射/吸收测试', 'Liquid transmission / absorbance', [0, 0.5]),
      s('固体漫反射（积分球）', 'Diffuse reflectance (integrating sphere)', [0.4, 1]),
    ],
  },
  '010501': {
    freq: 8,
    domains: ['chemistry', 'food', 'environment'],
    models: { '8890': 'Agilent', 'GC-2030': 'Shimadzu', GC7980: 'Techcomp' },
    prefixes: [
      ['', '', 6],
      ['全自动', 'Automatic ', 1],
    ],
    specs: [
      ['柱温箱：室温+4℃–450℃，程序升温20阶', '柱温箱：室温+4℃–450℃，程序升温32阶'],
      ['检测器：FID、TCD', '检测器：FID、ECD', '检测器：FID、FPD、NPD', '检测器：FID、TCD、ECD'],
      ['进样口：分流/不分流进样口×2', '进样口：PTV程序升温进样口'],
      ['保留时间重复性<0.008%', '峰面积重复性<1%RSD'],
      ['配备顶空进样器', '配备自动液体进样器', ''],
    ],
    functions:
      '气体及挥发性有机物的分离和定量分析，适用于石化产品组成、溶剂残留、食品风味、环境VOCs及药品残留溶剂测定。',
    service: '气体组分分析、有机溶剂残留、含量测定。',
    subjects: ['化学', '化学工程', '环境科学技术', '食品科学技术'],
    items: [s('常规样品分析', 'Standard analysis', [0, 0.5]), s('顶空进样分析', 'Headspace analysis', [0.4, 1])],
  },
  '010502': {
    freq: 10,
    domains: ['chemistry', 'food', 'life'],
    models: {
      '1290 Infinity II': 'Agilent',
      'ACQUITY UPLC H-Class': 'Waters',
      'LC-40': 'Shimadzu',
      Vanquish: 'ThermoFisher',
    },
    prefixes: [
      ['', '', 8],
      ['制备型', 'Preparative ', 1],
      ['半制备', 'Semi-preparative ', 1],
    ],
    specs: [
      ['泵：四元梯度泵，耐压600bar', '泵：二元高压梯度泵，耐压1,300bar', '泵：二元泵，耐压18,000psi'],
      ['流速范围：0.001–5mL/min', '流速范围：0.001–10mL/min'],
      [
        '检测器：DAD二极管阵列检测器',
        '检测器：DAD+荧光检测器',
        '检测器：示差折光检测器',
        '检测器：蒸发光散射检测器',
        '检测器：UV+荧光检测器',
      ],
      ['柱温箱：4–100℃', '柱温箱：室温-10℃–110℃'],
      ['自动进样器：0.1–100μL，进样精度<0.25%RSD', '自动进样器：0.1–20μL'],
    ],
    functions:
      '有机化合物的分离、定性与定量分析，适用于药物含量及有关物质、食品添加剂、农药残留、天然产物及化工产品纯度分析。',
    service: '含量测定、纯度分析、方法开发与验证。',
    subjects: ['化学', '药学', '食品科学技术', '生命科学'],
    items: [
      s('常规检测', 'Standard analysis', [0, 0.5]),
      s('多检测器联用分析', 'Multi-detector analysis', [0.4, 0.9]),
      s('方法开发与验证', 'Method development and validation', [0.6, 1]),
    ],
  },
  '010503': {
    freq: 3,
    domains: ['environment', 'food'],
    models: { 'Dionex Integrion': 'ThermoFisher', 'CIC-D160': 'Techcomp' },
    prefixes: [
      ['', '', 6],
      ['双系统', 'Dual-channel ', 1],
    ],
    specs: [
      ['泵耐压：5,000psi', '泵耐压：6,000psi'],
      ['检测器：电导检测器', '检测器：电导+安培检测器'],
      ['淋洗液：自动淋洗液发生器（KOH/MSA）', '淋洗液：碳酸盐体系'],
      ['抑制器：电解自再生抑制器', '抑制器：化学抑制器'],
      ['检出限：Cl⁻<1μg/L', '检出限：常见阴离子<5μg/L'],
    ],
    functions:
      '水样、土壤浸提液、食品及大气颗粒物中阴阳离子（F⁻、Cl⁻、NO₃⁻、SO₄²⁻、Na⁺、K⁺、NH₄⁺等）及有机酸的定量分析。',
    service: '常见阴离子/阳离子检测、有机酸分析。',
    subjects: ['化学', '环境科学技术', '食品科学技术'],
    items: [
      s('常见阴离子（7种）', 'Common anions (7)', [0, 0.6]),
      s('阴阳离子全套', 'Full anion and cation panel', [0.5, 1]),
    ],
  },
  '010601': {
    freq: 2.5,
    domains: ['chemistry'],
    models: { 'AVANCE NEO 400': 'Bruker', 'JNM-ECZ400R': 'JEOL' },
    prefixes: [
      ['', '', 6],
      ['全数字化', 'Digital ', 1],
    ],
    specs: [
      ['磁场强度：9.4T（¹H共振频率400MHz）'],
      ['探头：5mm BBO宽带正向探头', '探头：5mm BBFO智能探头', '探头：5mm ROYAL探头'],
      ['¹H灵敏度：≥280:1（0.1%EB）', '¹H灵敏度：≥500:1（0.1%EB）'],
      ['可测核：¹H、¹⁹F及³¹P–¹⁵N', '可测核：¹H、¹³C、¹⁹F、³¹P、¹⁵N等'],
      ['变温范围：-150–150℃', '变温范围：-100–150℃'],
      ['配备60位自动进样器', '配备固体魔角旋转探头', ''],
    ],
    functions:
      '有机化合物结构鉴定、纯度测定及反应动力学研究，一维（¹H、¹³C、¹⁹F、³¹P）及二维（COSY、HSQC、HMBC、NOESY）谱测定。',
    service: '¹H谱、¹³C谱、DEPT、二维谱测试及谱图解析。',
    subjects: ['化学', '药学', '生命科学', '材料科学'],
    items: [
      s('¹H谱', '¹H spectrum', [0, 0.4]),
      s('¹³C谱', '¹³C spectrum', [0.4, 0.8]),
      s('二维谱（COSY/HSQC/HMBC）', '2D spectra (COSY/HSQC/HMBC)', [0.7, 1]),
    ],
  },
  '010602': {
    freq: 0.8,
    domains: ['chemistry', 'life'],
    models: { 'AVANCE NEO 600': 'Bruker' },
    specs: [
      ['磁场强度：14.1T（¹H共振频率600MHz）'],
      ['探头：5mm TCI超低温探头', '探头：5mm BBO宽带探头', '探头：4mm CP/MAS固体探头'],
      ['¹H灵敏度：≥5,000:1（超低温探头）', '¹H灵敏度：≥1,000:1'],
      ['变温范围：-150–150℃'],
      ['配备液相色谱-核磁联用接口', '配备扩散序列梯度单元（≥50G/cm）', ''],
    ],
    functions: '生物大分子结构与动力学研究，天然产物及复杂有机物结构解析，代谢组学，多维异核实验及固体核磁研究。',
    service: '多维谱测试、蛋白质结构研究、代谢组学NMR、固体NMR。',
    subjects: ['化学', '生命科学', '药学', '材料科学'],
    items: [
      h('液体核磁机时', 'Solution NMR machine time', [0, 0.5]),
      h('超低温探头/固体核磁机时', 'Cryoprobe / solid-state machine time', [0.5, 1]),
    ],
  },
  '010603': {
    freq: 0.8,
    domains: ['chemistry', 'physics'],
    models: { EMXplus: 'Bruker', 'EPR200-Plus': 'CIQTEK' },
    prefixes: [
      ['', '', 5],
      ['X波段', 'X-band ', 1],
    ],
    specs: [
      ['工作频率：X波段（9–10GHz）', '工作频率：X波段（9–10GHz），可扩展Q波段'],
      ['灵敏度：1.5×10⁹ spins/G', '灵敏度：0.8×10⁹ spins/G'],
      ['磁场范围：-50–18,000G', '磁场范围：0–14,000G'],
      ['变温范围：4–300K（液氦）', '变温范围：100–500K（液氮）'],
      ['配备光照原位附件', '配备自旋捕获实验套件', ''],
    ],
    functions:
      '检测含未成对电子的物质（自由基、过渡金属离子、缺陷中心），用于催化反应机理、自由基检测、材料缺陷及生物体系氧化还原研究。',
    service: '常温/变温EPR测试、自由基捕获检测。',
    subjects: ['化学', '物理学', '材料科学', '生命科学'],
    items: [s('常温测试', 'Room temperature', [0, 0.5]), s('变温/光照测试', 'Variable temperature / light', [0.5, 1])],
  },
  '010801': {
    freq: 3,
    domains: ['life', 'medical'],
    models: { 'LSM 980': 'Zeiss', 'STELLARIS 5': 'Leica', FV4000: 'Olympus', 'AX R': 'Nikon' },
    prefixes: [
      ['', '', 6],
      ['高速', 'High-speed ', 1],
      ['超分辨', 'Super-resolution ', 1],
    ],
    specs: [
      ['激光器：405、488、561、640nm', '激光器：405、445、488、514、561、640nm', '激光器：白激光（440–790nm）+405nm'],
      ['检测器：2个GaAsP检测器', '检测器：4通道HyD检测器', '检测器：3个PMT+2个GaAsP检测器'],
      ['扫描速度：8幅/秒（512×512）', '扫描速度：最高30幅/秒（共振扫描）'],
      ['物镜：10×、20×、40×油、63×油', '物镜：10×、20×、60×油、100×油'],
      ['配备活细胞培养系统', '配备Airyscan超分辨模块', '配备FRAP/FRET模块', ''],
    ],
    functions:
      '细胞及组织荧光成像、三维重构、活细胞动态观察、共定位分析、FRAP/FRET及光谱拆分，也用于材料表面三维形貌观察。',
    service: '荧光成像、Z-stack三维重建、活细胞延时成像。',
    subjects: ['生命科学', '基础医学', '材料科学'],
    items: [
      h('自主上机机时', 'Self-operated machine time', [0, 0.5]),
      h('技术员操作机时', 'Operator-assisted machine time', [0.5, 1]),
    ],
  },
  '010802': {
    freq: 2,
    domains: ['materials', 'physics'],
    models: { 'Dimension Icon': 'Bruker', 'MFP-3D Infinity': 'Oxford Instruments' },
    prefixes: [
      ['', '', 6],
      ['多模式', 'Multimode ', 2],
    ],
    specs: [
      ['扫描范围：90μm×90μm×10μm', '扫描范围：120μm×120μm×15μm'],
      ['Z向噪声：<30pm', 'Z向噪声：<35pm'],
      ['成像模式：接触、轻敲、PeakForce Tapping', '成像模式：接触、轻敲、相位、导电AFM、KPFM、MFM'],
      ['样品尺寸：直径≤210mm', '样品尺寸：≤80mm'],
      ['配备液相成像池', '配备纳米力学模块', '配备加热样品台', ''],
    ],
    functions: '纳米尺度表面形貌三维成像、粗糙度测量，纳米力学（模量、粘附力）、电学（导电、表面电势）及磁学性质测量。',
    service: '形貌成像、粗糙度分析、KPFM表面电势、纳米力学测量。',
    subjects: ['材料科学', '物理学', '化学', '生命科学'],
    items: [
      h('形貌成像机时', 'Topography machine time', [0, 0.5]),
      h('电学/力学模式机时', 'Electrical / mechanical modes machine time', [0.4, 1]),
    ],
  },
  '010901': {
    freq: 3,
    domains: ['materials', 'chemistry'],
    models: { 'STA 449 F5': 'Netzsch', 'SDT 650': 'TA Instruments', 'TGA/DSC 3+': 'Mettler Toledo' },
    suffixes: [
      ['', '', 6],
      ['（TG-DSC）', ' (TG-DSC)', 1],
    ],
    specs: [
      ['温度范围：室温–1,600℃', '温度范围：室温–1,500℃', '温度范围：-150–2,400℃'],
      ['天平分辨率：0.1μg', '天平分辨率：0.025μg'],
      ['DSC分辨率：<1μW', 'DSC分辨率：<0.1μW'],
      ['升温速率：0.001–50K/min', '升温速率：0.1–100℃/min'],
      ['气氛：N₂、Ar、空气、O₂', '气氛：N₂、Ar、O₂，可程序切换'],
      ['联用傅里叶红外', '联用四极杆质谱', ''],
    ],
    functions:
      '同时测定样品在程序控温下的质量变化（TG）与热流变化（DSC），分析分解、氧化、脱水、熔融、结晶、相变及热稳定性。',
    service: 'TG-DSC测试、热稳定性评价、逸出气体联用分析。',
    subjects: ['材料科学', '化学', '化学工程'],
    items: [
      s('常规测试（≤1,000℃）', 'Standard run (≤1,000 ℃)', [0, 0.5]),
      s('高温测试（>1,000℃）', 'High-temperature run (>1,000 ℃)', [0.4, 0.8]),
      s('逸出气体联用分析', 'Evolved gas analysis', [0.6, 1]),
    ],
  },
  '010902': {
    freq: 3,
    domains: ['materials'],
    models: { 'DSC 2500': 'TA Instruments', 'DSC 214 Polyma': 'Netzsch', 'DSC 8000': 'PerkinElmer' },
    prefixes: [
      ['', '', 6],
      ['调制式', 'Modulated ', 1],
    ],
    specs: [
      ['温度范围：-180–725℃', '温度范围：-170–600℃', '温度范围：-90–550℃'],
      ['量热精度：±0.05%', '量热精度：±0.1%'],
      ['基线重复性：<10μW', '基线重复性：<5μW'],
      ['配备液氮冷却系统', '配备机械制冷附件', '配备自动进样器'],
      ['支持调制DSC', '支持快速扫描（750℃/min）', ''],
    ],
    functions: '测定物质熔点、玻璃化转变、结晶温度、比热容、反应热及氧化诱导期，适用于高分子、药物、食品及金属材料。',
    service: '熔融/结晶/玻璃化转变测试、比热容、氧化诱导期（OIT）。',
    subjects: ['材料科学', '化学', '药学', '食品科学技术'],
    items: [s('常规DSC测试', 'Standard DSC', [0, 0.5]), s('低温/调制DSC', 'Sub-ambient / modulated DSC', [0.4, 1])],
  },
  '011012': {
    freq: 3,
    domains: ['life', 'medical'],
    models: { FACSCelesta: 'BD', 'CytoFLEX S': 'Beckman Coulter', 'FACSAria III': 'BD' },
    prefixes: [
      ['', '', 6],
      ['多色', 'Multicolour ', 1],
    ],
    specs: [
      ['激光器：405、488、640nm', '激光器：405、488、561、640nm', '激光器：375、405、488、561、640nm'],
      ['检测参数：12色+2散射光', '检测参数：15色+2散射光', '检测参数：18色'],
      ['灵敏度：FITC<80 MESF', '灵敏度：FITC<30 MESF'],
      ['分析速度：≥35,000事件/秒', '分析速度：≥70,000事件/秒'],
      ['配备96孔板上样器', '支持四路分选，纯度>98%', ''],
    ],
    functions: '细胞周期、凋亡、免疫分型、细胞因子及微球检测等多参数单细胞分析，分选型可进行高纯度细胞分选。',
    service: '多色流式检测、数据分析、细胞分选。',
    subjects: ['生命科学', '基础医学', '临床医学', '药学'],
    items: [
      h('上机检测机时', 'Analysis machine time', [0, 0.5]),
      h('细胞分选机时', 'Cell sorting machine time', [0.5, 1]),
    ],
  },
  '011013': {
    freq: 5,
    domains: ['life', 'food', 'medical'],
    models: { 'QuantStudio 5': 'ThermoFisher', 'CFX Opus 96': 'Bio-Rad' },
    specs: [
      ['样品通量：96孔（0.2mL）', '样品通量：384孔'],
      ['荧光通道：5色', '荧光通道：6色'],
      ['控温范围：4–100℃', '控温范围：4–99.9℃'],
      ['升降温速率：最大6.5℃/s', '升降温速率：最大5℃/s'],
      ['温度均一性：±0.2℃', '温度均一性：±0.3℃'],
      ['支持高分辨熔解曲线（HRM）', '支持梯度PCR', ''],
    ],
    functions: '基因表达定量分析、SNP分型、病原微生物检测、转基因成分检测、拷贝数变异及高分辨熔解曲线分析。',
    service: '基因表达定量、病原检测、转基因成分检测。',
    subjects: ['生命科学', '基础医学', '农学', '食品科学技术'],
    items: [
      s('基因定量检测（每反应孔）', 'Gene quantification (per well)', [0, 0.5]),
      s('转基因成分检测', 'GMO screening', [0.5, 1]),
    ],
  },
  '011101': {
    freq: 3,
    domains: ['food'],
    models: { K1100: 'Focused Photonics', 'KDN-19C': 'Puxi' },
    specs: [
      ['测定范围：0.1–200mg N', '测定范围：0.1–240mg N'],
      ['回收率：≥99.5%', '回收率：≥99%'],
      ['重复性：RSD≤0.5%', '重复性：RSD≤1%'],
      ['分析时间：3–8min/样', '分析时间：4min/样'],
      ['配套20孔消化炉', '配套20位自动进样转盘'],
    ],
    functions: '食品、饲料、农产品、土壤、肥料及水质中蛋白质和总氮含量测定。',
    service: '蛋白质含量、总氮测定。',
    subjects: ['食品科学技术', '农学', '环境科学技术'],
    items: [s('蛋白质/总氮测定', 'Protein / total nitrogen')],
  },
  '011201': {
    freq: 1,
    domains: ['food', 'chemistry'],
    models: { 'MV-10 ASFE': 'Waters' },
    prefixes: [
      ['', '', 5],
      ['分析型', 'Analytical ', 1],
    ],
    specs: [
      ['萃取釜：10mL×2', '萃取釜：100mL', '萃取釜：1L'],
      ['最高压力：60MPa', '最高压力：50MPa'],
      ['温度范围：室温–80℃', '温度范围：室温–120℃'],
      ['CO₂流速：0–10mL/min', 'CO₂流速：0–50g/min'],
      ['配备夹带剂泵', '配备在线收集系统', ''],
    ],
    functions: '以超临界CO₂为溶剂提取天然产物有效成分（挥发油、油脂、色素、生物碱等），也用于样品前处理。',
    service: '天然产物萃取、工艺条件摸索。',
    subjects: ['化学工程', '食品科学技术', '药学'],
    items: [h('萃取机时', 'Extraction machine time')],
  },
  '020101': {
    freq: 5,
    domains: ['mechanics', 'materials'],
    models: { '5982': 'Instron', 'Criterion C45': 'MTS', 'WDW-100E': 'Jinan Shijin' },
    prefixes: [
      ['', '', 6],
      ['微机控制', 'Computer-controlled ', 2],
      ['高低温', 'Environmental ', 1],
    ],
    specs: [
      ['最大试验力：5kN', '最大试验力：10kN', '最大试验力：50kN', '最大试验力：100kN', '最大试验力：300kN'],
      ['力值精度：示值±0.5%', '力值精度：示值±0.3%'],
      ['横梁速度：0.001–500mm/min', '横梁速度：0.001–1,000mm/min'],
      ['有效拉伸空间：1,100mm', '有效拉伸空间：1,200mm'],
      ['配备视频引伸计', '配备高低温箱（-70–350℃）', '配备电子引伸计'],
    ],
    functions: '金属、非金属、复合材料及制品的拉伸、压缩、弯曲、剪切、剥离和撕裂等力学性能试验。',
    service: '拉伸、压缩、弯曲性能测试；高低温力学测试。',
    subjects: ['材料科学', '力学', '机械工程'],
    items: [
      s('常温拉伸/压缩（每试样）', 'Room-temperature tension/compression (per specimen)', [0, 0.5]),
      s('高低温力学测试（每试样）', 'High/low temperature test (per specimen)', [0.5, 1]),
    ],
  },
  '020102': {
    freq: 2,
    domains: ['mechanics'],
    models: { '8802': 'Instron', 'Landmark 370': 'MTS', 'PLD-100': 'Jinan Shijin' },
    prefixes: [
      ['', '', 4],
      ['电液伺服', 'Servo-hydraulic ', 3],
      ['高频', 'High-frequency ', 1],
    ],
    specs: [
      ['动态载荷：±25kN', '动态载荷：±100kN', '动态载荷：±250kN'],
      ['频率范围：0.01–100Hz', '频率范围：0.01–50Hz'],
      ['作动器行程：±75mm', '作动器行程：±50mm'],
      ['配备高温炉（≤1,200℃）', '配备液压夹具', ''],
      ['控制系统：全数字闭环控制'],
    ],
    functions: '材料及构件的高周/低周疲劳、断裂韧性、疲劳裂纹扩展速率及动态力学性能试验。',
    service: '疲劳寿命测试、裂纹扩展试验。',
    subjects: ['力学', '材料科学', '机械工程'],
    items: [h('试验机时', 'Test machine time', [0, 0.6]), h('高温疲劳试验机时', 'High-temperature fatigue', [0.5, 1])],
  },
  '020501': {
    freq: 3,
    domains: ['materials'],
    models: { 'Mastersizer 3000': 'Malvern Panalytical', 'PSA 1190': 'Anton Paar' },
    suffixes: [
      ['', '', 6],
      ['（干湿两用）', ' (wet and dry)', 1],
    ],
    specs: [
      ['测量范围：0.01–3,500μm', '测量范围：0.04–2,500μm'],
      ['准确性：优于±0.6%（标准样品）', '准确性：±1%'],
      ['重复性：≤0.5%', '重复性：RSD≤1%'],
      ['分散方式：湿法+干法', '分散方式：湿法'],
    ],
    functions: '粉体、乳液及悬浮液颗粒粒度分布测定，适用于陶瓷、电池材料、药物、涂料及矿粉等。',
    service: '湿法/干法粒度测试。',
    subjects: ['材料科学', '化学工程'],
    items: [s('湿法粒度测试', 'Wet dispersion', [0, 0.6]), s('干法粒度测试', 'Dry dispersion', [0.4, 1])],
  },
  '020502': {
    freq: 3,
    domains: ['materials', 'chemistry'],
    models: { 'ASAP 2460': 'Micromeritics', 'Autosorb iQ': 'Anton Paar' },
    prefixes: [
      ['', '', 6],
      ['全自动', 'Automatic ', 1],
    ],
    specs: [
      ['比表面积：≥0.0005m²/g', '比表面积：≥0.01m²/g'],
      ['孔径范围：0.35–500nm', '孔径范围：0.35–400nm'],
      ['分析站：6个', '分析站：3个'],
      ['配备微孔分析模块', '配备化学吸附模块'],
      ['配备蒸汽吸附附件', ''],
    ],
    functions: '多孔材料比表面积、孔容及孔径分布测定，适用于催化剂、分子筛、活性炭、电池材料及MOFs等。',
    service: 'BET比表面积、介孔/微孔孔径分布。',
    subjects: ['材料科学', '化学', '化学工程'],
    items: [s('BET比表面积', 'BET surface area', [0, 0.5]), s('全孔分析（吸脱附曲线）', 'Full isotherm', [0.5, 1])],
  },
  '020601': {
    freq: 1,
    domains: ['mechanics'],
    models: { 'METROTOM 1500': 'Zeiss', VGStudio: 'Hexagon' },
    prefixes: [
      ['', '', 5],
      ['高分辨', 'High Resolution ', 1],
    ],
    specs: [
      ['射线源：225kV微焦点', '射线源：450kV', '射线源：300kV'],
      ['焦点尺寸：3μm', '焦点尺寸：5μm'],
      ['探测器：2,048×2,048平板', '探测器：4,096×4,096平板'],
      ['最大样品：Φ350mm×500mm，50kg', '最大样品：Φ600mm×900mm'],
      ['测量精度：(4.5+L/100)μm', '测量精度：MPE SD=(9+L/50)μm'],
    ],
    functions: '工件内部缺陷（气孔、裂纹、夹杂）无损检测、三维重建、尺寸测量与逆向工程。',
    service: '缺陷检测、三维重建、壁厚与尺寸分析。',
    subjects: ['机械工程', '材料科学'],
    items: [
      h('扫描机时', 'Scanning machine time', [0, 0.6]),
      h('扫描及数据分析', 'Scanning and data analysis', [0.5, 1]),
    ],
  },
  '030101': {
    freq: 2,
    domains: ['mechanics'],
    models: { 'Global S': 'Hexagon', CONTURA: 'Zeiss' },
    prefixes: [
      ['', '', 5],
      ['桥式', 'Bridge-type ', 2],
      ['高精度', 'High-accuracy ', 1],
    ],
    specs: [
      ['测量范围：700×1,000×660mm', '测量范围：1,000×2,000×800mm', '测量范围：500×700×500mm'],
      ['示值误差：MPEE=1.5+L/350μm', '示值误差：MPEE=1.7+L/300μm', '示值误差：MPEE=0.9+L/400μm'],
      ['测头：接触式扫描测头', '测头：激光扫描测头'],
      ['恒温环境20±1℃', '配备数控转台'],
    ],
    functions: '复杂零件几何尺寸与形位公差测量，曲面扫描与逆向工程，适用于汽车、航空及模具零件。',
    service: '尺寸及形位公差检测，出具测量报告。',
    subjects: ['机械工程', '测绘科学技术'],
    items: [h('测量机时', 'Measuring machine time')],
  },
  '040201': {
    freq: 1.5,
    domains: ['electronics'],
    models: { 'PNA-X N5247B': 'Keysight', ZNA67: 'Rohde & Schwarz' },
    specs: [
      ['频率范围：10MHz–67GHz', '频率范围：10MHz–50GHz', '频率范围：10MHz–26.5GHz'],
      ['端口数：2', '端口数：4'],
      ['动态范围：>120dB', '动态范围：>130dB'],
      ['支持噪声系数测量', '支持脉冲测量', ''],
    ],
    functions: '射频微波器件、天线、滤波器及放大器的S参数、阻抗、增益和噪声系数测量。',
    service: 'S参数测试、天线特性测试、器件表征。',
    subjects: ['电子与通信技术', '物理学'],
    items: [h('测试机时', 'Test machine time')],
  },
  '040101': {
    freq: 2.5,
    domains: ['electronics'],
    models: { UXR0334A: 'Keysight', MSO68B: 'Tektronix', RTP164B: 'Rohde & Schwarz' },
    specs: [
      ['带宽：33GHz', '带宽：16GHz', '带宽：8GHz', '带宽：4GHz'],
      ['采样率：128GSa/s', '采样率：40GSa/s', '采样率：25GSa/s'],
      ['通道数：4', '通道数：8'],
      ['存储深度：2Gpts', '存储深度：1Gpts'],
      ['ADC分辨率：10bit', 'ADC分辨率：12bit'],
    ],
    functions: '高速信号完整性分析、眼图与抖动测试，高速串行总线（PCIe、USB、DDR）一致性测试。',
    service: '信号完整性测试、眼图与抖动分析。',
    subjects: ['电子与通信技术', '物理学'],
    items: [h('测试机时', 'Test machine time')],
  },
  '040501': {
    freq: 0.5,
    domains: ['electronics'],
    models: { V93000: 'Keysight', S530: 'Tektronix' },
    specs: [
      ['测试通道：512', '测试通道：1,024'],
      ['数据速率：1.6Gbps', '数据速率：3.2Gbps'],
      ['支持数字、模拟、射频混合信号测试', '参数测试电流精度0.1fA'],
      ['配备全自动探针台', ''],
    ],
    functions: '集成电路晶圆及成品的功能测试、参数测试、可靠性测试与失效分析。',
    service: '芯片功能与参数测试。',
    subjects: ['电子与通信技术', '信息与系统科学相关工程与技术'],
    items: [h('测试机时', 'Test machine time')],
  },
  '050101': {
    freq: 0.5,
    domains: ['marine'],
    models: { 'EM 712': 'Kongsberg', 'SeaBat T50-P': 'Teledyne' },
    specs: [
      ['工作频率：200–700kHz', '工作频率：190–420kHz'],
      ['波束数：512', '波束数：1,024'],
      ['覆盖宽度：水深的5.5倍', '覆盖角度：140°'],
      ['测深范围：0.5–600m', '测深范围：0.5–575m'],
      ['集成惯导定位系统', ''],
    ],
    functions: '海底地形地貌高精度测量、水下目标探测、港口航道及海洋工程勘测。',
    service: '海底地形测量、数据处理与成图。',
    subjects: ['海洋科学', '测绘科学技术', '地球科学'],
    items: [h('设备使用（含操作人员）', 'Equipment use (with operator)')],
  },
  '090101': {
    freq: 1,
    domains: ['medical', 'life'],
    models: { 'IVIS Spectrum': 'PerkinElmer', 'In-Vivo Xtreme': 'Bruker' },
    specs: [
      ['成像模式：生物发光、荧光、X射线', '成像模式：生物发光、荧光、切伦科夫'],
      ['视野：4–23cm', '视野：5–20cm'],
      ['滤光片：10组激发+18组发射', '滤光片：28组'],
      ['配备气体麻醉系统', ''],
    ],
    functions: '小动物体内肿瘤生长与转移、基因表达、药物分布及疗效的无创动态监测。',
    service: '活体荧光/生物发光成像。',
    subjects: ['生命科学', '基础医学', '药学'],
    items: [h('成像机时', 'Imaging machine time')],
  },
  '120201': {
    freq: 1,
    domains: ['chemistry'],
    models: { '4550': 'Parr' },
    specs: [
      ['容积：2L', '容积：5L', '容积：10L'],
      ['最高压力：20MPa', '最高压力：35MPa'],
      ['最高温度：350℃', '最高温度：500℃'],
      ['材质：316不锈钢', '材质：哈氏合金C-276'],
      ['磁力耦合搅拌', '带在线取样系统'],
    ],
    functions: '高温高压催化加氢、聚合、氧化等化学反应的工艺条件研究与中试放大。',
    service: '高压反应实验、工艺放大。',
    subjects: ['化学工程', '化学', '能源科学技术'],
    items: [h('反应釜机时', 'Reactor machine time')],
  },
  '130201': {
    freq: 1,
    domains: ['computing'],
    models: { 'NF5468M6 cluster': 'Inspur' },
    specs: [
      ['计算节点：64个', '计算节点：128个', '计算节点：256个'],
      ['峰值性能：500TFlops', '峰值性能：1.2PFlops'],
      ['GPU：每节点8×A100', 'GPU：每节点4×V100'],
      ['存储：2PB并行存储', '存储：1PB并行存储'],
      ['网络：200Gb/s InfiniBand HDR', '网络：100Gb/s InfiniBand EDR'],
    ],
    functions: '大规模科学计算、分子动力学模拟、第一性原理计算、计算流体力学及深度学习训练。',
    service: 'CPU/GPU计算机时、软件环境部署。',
    subjects: ['计算机科学技术', '物理学', '化学', '材料科学'],
    items: [h('CPU节点机时', 'CPU node hour', [0, 0.4]), h('GPU节点机时', 'GPU node hour', [0.5, 1])],
  },
  '140101': {
    freq: 1,
    domains: ['physics'],
    models: { Astrella: 'Coherent', 'Solstice Ace': 'Spectra-Physics' },
    specs: [
      ['中心波长：800nm', '中心波长：1,030nm'],
      ['脉宽：<35fs', '脉宽：<100fs'],
      ['单脉冲能量：7mJ', '单脉冲能量：4mJ'],
      ['重复频率：1kHz', '重复频率：10kHz'],
      ['配备光参量放大器（OPA）', ''],
    ],
    functions: '超快光谱、泵浦-探测实验、飞秒激光微纳加工及非线性光学研究。',
    service: '超快光谱测试、激光加工实验。',
    subjects: ['物理学', '材料科学', '化学'],
    items: [h('激光机时', 'Laser machine time')],
  },
};

export interface MakeModel {
  model: string;
  /** "蔡司（Zeiss）" */
  manufacturer: string;
  country: string;
}

export interface InstrumentType extends TypeDetail {
  index: number;
  code: string;
  nameZh: string;
  nameEn: string;
  valueYuan: [number, number];
  rates: { hour?: [number, number]; sample?: [number, number] };
  makeModels: MakeModel[];
  /** [zh, en, weight] full name variants. */
  names: [string, string, number][];
}

function manufacturerText(key: string): { text: string; country: string } {
  const m = vocabulary.manufacturers[key];
  if (!m) throw new Error(`unknown manufacturer ${key}`);
  return { text: m.zh === key ? key : `${m.zh}（${key}）`, country: m.country };
}

function combine(t: VocabularyInstrument, d: TypeDetail, index: number): InstrumentType {
  const makeModels: MakeModel[] = [];
  const modelNames = [...t.models, ...Object.keys(d.models).filter((m) => !t.models.includes(m))];
  modelNames.forEach((model, i) => {
    // A vocabulary model not in the table goes to the vocabulary's manufacturers in turn.
    const key = d.models[model] ?? t.manufacturers[i % t.manufacturers.length]!;
    const { text, country } = manufacturerText(key);
    makeModels.push({ model, manufacturer: text, country });
  });
  const names: [string, string, number][] = [];
  for (const [pz, pe, pw] of d.prefixes ?? [['', '', 1]]) {
    for (const [sz, se, sw] of d.suffixes ?? [['', '', 1]]) {
      names.push([pz + t.nameZh + sz, pe + t.nameEn + se, pw * sw]);
    }
  }
  const rates: InstrumentType['rates'] = {};
  if (t.externalRateFen.perHour) rates.hour = t.externalRateFen.perHour;
  if (t.externalRateFen.perSample) rates.sample = t.externalRateFen.perSample;
  const items = d.items.filter((it) => rates[it.unit]);
  if (items.length === 0) {
    // The vocabulary changed its rate keys: fall back to one plain item per unit it has.
    if (rates.hour) items.push(h('机时', 'Machine time'));
    if (rates.sample) items.push(s('测试（每样）', 'Test (per sample)'));
  }
  return {
    ...d,
    items,
    index,
    code: t.code,
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    valueYuan: t.originalValueYuan,
    rates,
    makeModels,
    names,
  };
}

const GENERIC: TypeDetail = {
  freq: 1,
  domains: ['chemistry', 'materials'],
  models: {},
  specs: [['主要技术指标详见设备说明书']],
  functions: '',
  service: '测试分析服务。',
  subjects: ['材料科学', '化学'],
  items: [],
};

/** The vocabulary's instrument types with their details, in vocabulary order. */
export function instrumentTypes(): InstrumentType[] {
  return vocabulary.instruments.map((t, i) => {
    const d = DETAILS[t.code] ?? { ...GENERIC, functions: `${t.nameZh}相关测试分析。` };
    return combine(t, d, i);
  });
}
