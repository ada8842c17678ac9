/**
 * Places and people for the demo data: districts (with division codes), streets, telephone area
 * codes, lab buildings and Chinese names with pinyin (for e-mail addresses). All demo contacts
 * are fictional; e-mail addresses use the reserved .test domain.
 */
import type { Rng } from './random.ts';

export interface District {
  name: string;
  code: string;
}

export interface CityPlace {
  areaCode: string;
  districts: District[];
  roads: string[];
}

/** Keyed by city division code. */
export const CITY_PLACES: Readonly<Record<string, CityPlace>> = {
  '370100': {
    areaCode: '0531',
    districts: [
      { name: '历下区', code: '370102' },
      { name: '市中区', code: '370103' },
      { name: '槐荫区', code: '370104' },
      { name: '天桥区', code: '370105' },
      { name: '历城区', code: '370112' },
      { name: '长清区', code: '370113' },
      { name: '章丘区', code: '370114' },
    ],
    roads: ['经十路', '工业南路', '舜华路', '新泺大街', '科院路', '港兴三路', '春晖路'],
  },
  '370200': {
    areaCode: '0532',
    districts: [
      { name: '市南区', code: '370202' },
      { name: '市北区', code: '370203' },
      { name: '黄岛区', code: '370211' },
      { name: '崂山区', code: '370212' },
      { name: '李沧区', code: '370213' },
      { name: '城阳区', code: '370214' },
      { name: '即墨区', code: '370215' },
    ],
    roads: ['香港中路', '株洲路', '松岭路', '长江西路', '海尔路', '青大一路', '九水东路'],
  },
  '370300': {
    areaCode: '0533',
    districts: [
      { name: '张店区', code: '370303' },
      { name: '淄川区', code: '370302' },
      { name: '博山区', code: '370304' },
      { name: '临淄区', code: '370305' },
      { name: '周村区', code: '370306' },
    ],
    roads: ['柳泉路', '人民西路', '联通路', '鲁泰大道', '世纪路'],
  },
  '370400': {
    areaCode: '0632',
    districts: [
      { name: '薛城区', code: '370403' },
      { name: '市中区', code: '370402' },
      { name: '峄城区', code: '370404' },
      { name: '滕州市', code: '370481' },
    ],
    roads: ['光明大道', '黄河路', '复元三路', '学院中路'],
  },
  '370500': {
    areaCode: '0546',
    districts: [
      { name: '东营区', code: '370502' },
      { name: '垦利区', code: '370505' },
      { name: '河口区', code: '370503' },
    ],
    roads: ['府前大街', '西四路', '北一路', '南一路', '东三路'],
  },
  '370600': {
    areaCode: '0535',
    districts: [
      { name: '莱山区', code: '370613' },
      { name: '芝罘区', code: '370602' },
      { name: '福山区', code: '370611' },
      { name: '牟平区', code: '370612' },
      { name: '蓬莱区', code: '370614' },
    ],
    roads: ['观海路', '清泉路', '长江路', '春晖路', '红旗中路', '港城东大街'],
  },
  '370700': {
    areaCode: '0536',
    districts: [
      { name: '奎文区', code: '370705' },
      { name: '潍城区', code: '370702' },
      { name: '寒亭区', code: '370703' },
      { name: '坊子区', code: '370704' },
      { name: '寿光市', code: '370783' },
    ],
    roads: ['东风东街', '胜利东街', '宝通西街', '北海路', '健康东街'],
  },
  '370800': {
    areaCode: '0537',
    districts: [
      { name: '任城区', code: '370811' },
      { name: '兖州区', code: '370812' },
      { name: '曲阜市', code: '370881' },
      { name: '邹城市', code: '370883' },
    ],
    roads: ['共青团路', '荷花路', '红星中路', '静轩西路', '崇文大道'],
  },
  '370900': {
    areaCode: '0538',
    districts: [
      { name: '泰山区', code: '370902' },
      { name: '岱岳区', code: '370911' },
      { name: '新泰市', code: '370982' },
      { name: '肥城市', code: '370983' },
    ],
    roads: ['岱宗大街', '东岳大街', '南天门大街', '长城路'],
  },
  '371000': {
    areaCode: '0631',
    districts: [
      { name: '环翠区', code: '371002' },
      { name: '文登区', code: '371003' },
      { name: '荣成市', code: '371082' },
      { name: '乳山市', code: '371083' },
    ],
    roads: ['文化西路', '世昌大道', '青岛中路', '火炬路'],
  },
  '371100': {
    areaCode: '0633',
    districts: [
      { name: '东港区', code: '371102' },
      { name: '岚山区', code: '371103' },
    ],
    roads: ['烟台路', '北京路', '山东路', '海曲东路'],
  },
  '371300': {
    areaCode: '0539',
    districts: [
      { name: '兰山区', code: '371302' },
      { name: '罗庄区', code: '371311' },
      { name: '河东区', code: '371312' },
    ],
    roads: ['双岭路', '北京路', '通达路', '沂蒙路', '解放路'],
  },
  '371400': {
    areaCode: '0534',
    districts: [
      { name: '德城区', code: '371402' },
      { name: '陵城区', code: '371403' },
      { name: '禹城市', code: '371482' },
    ],
    roads: ['大学西路', '天衢东路', '东方红路', '湖滨北大道'],
  },
  '371500': {
    areaCode: '0635',
    districts: [
      { name: '东昌府区', code: '371502' },
      { name: '茌平区', code: '371503' },
      { name: '临清市', code: '371581' },
    ],
    roads: ['湖南路', '东昌路', '花园北路', '柳园路'],
  },
  '371600': {
    areaCode: '0543',
    districts: [
      { name: '滨城区', code: '371602' },
      { name: '沾化区', code: '371603' },
      { name: '邹平市', code: '371681' },
    ],
    roads: ['黄河五路', '渤海七路', '长江三路', '黄河十二路'],
  },
  '371700': {
    areaCode: '0530',
    districts: [
      { name: '牡丹区', code: '371702' },
      { name: '定陶区', code: '371703' },
      { name: '曹县', code: '371721' },
    ],
    roads: ['中华西路', '长江路', '人民路', '丹阳路'],
  },
};

export function cityPlace(cityCode: string): CityPlace {
  const place = CITY_PLACES[cityCode];
  if (!place) throw new Error(`no places for city ${cityCode}`);
  return place;
}

/** Buildings and rooms where instruments stand. */
export const BUILDINGS = [
  '分析测试楼',
  '大型仪器共享平台',
  '材料测试中心',
  '综合实验楼',
  '生命科学楼',
  '理化楼',
  '科研楼',
  '检测大楼',
  '工程实训中心',
  '公共实验平台',
] as const;

export function room(rng: Rng): string {
  return `${rng.pick(['A', 'B', 'C', 'D'])}${rng.int(1, 6)}${String(rng.int(1, 28)).padStart(2, '0')}`;
}

/** Common surnames (Shandong-weighted) with pinyin. */
const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'],
  ['张', 'zhang'],
  ['李', 'li'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['赵', 'zhao'],
  ['孙', 'sun'],
  ['徐', 'xu'],
  ['马', 'ma'],
  ['高', 'gao'],
  ['于', 'yu'],
  ['孔', 'kong'],
  ['孟', 'meng'],
  ['郭', 'guo'],
  ['宋', 'song'],
  ['韩', 'han'],
  ['曹', 'cao'],
  ['崔', 'cui'],
  ['吕', 'lv'],
  ['周', 'zhou'],
  ['吴', 'wu'],
  ['胡', 'hu'],
  ['朱', 'zhu'],
  ['田', 'tian'],
  ['董', 'dong'],
  ['邢', 'xing'],
  ['丁', 'ding'],
  ['魏', 'wei'],
  ['姜', 'jiang'],
];

/** Given names (one or two characters) with pinyin. */
const GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['静', 'jing'],
  ['磊', 'lei'],
  ['敏', 'min'],
  ['强', 'qiang'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['杰', 'jie'],
  ['涛', 'tao'],
  ['鹏', 'peng'],
  ['超', 'chao'],
  ['辉', 'hui'],
  ['玲', 'ling'],
  ['婷', 'ting'],
  ['晨', 'chen'],
  ['浩', 'hao'],
  ['雪', 'xue'],
  ['海燕', 'haiyan'],
  ['志强', 'zhiqiang'],
  ['晓东', 'xiaodong'],
  ['春雨', 'chunyu'],
  ['文博', 'wenbo'],
  ['建华', 'jianhua'],
  ['丽娟', 'lijuan'],
  ['秀梅', 'xiumei'],
  ['玉洁', 'yujie'],
  ['明远', 'mingyuan'],
  ['子涵', 'zihan'],
  ['宏伟', 'hongwei'],
  ['新宇', 'xinyu'],
  ['佳琪', 'jiaqi'],
  ['立群', 'liqun'],
  ['振华', 'zhenhua'],
  ['雅琴', 'yaqin'],
];

export interface Person {
  name: string;
  pinyin: string;
}

export function person(rng: Rng): Person {
  const [s, sp] = rng.pick(SURNAMES);
  const [g, gp] = rng.pick(GIVEN_NAMES);
  return { name: s + g, pinyin: sp + gp };
}

export function mobile(rng: Rng): string {
  return `1${rng.pick(['33', '35', '37', '38', '39', '53', '55', '58', '59', '86', '87', '88', '89'])}${rng.digits(8)}`;
}

export function landline(rng: Rng, cityCode: string): string {
  return `${cityPlace(cityCode).areaCode}-${rng.int(5, 8)}${rng.digits(7)}`;
}
