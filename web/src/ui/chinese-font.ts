/**
 * Whether the device has a Chinese font of its own, found through local() by the names (full and PostScript)
 * of the fonts computers and phones come with: PingFang / Hiragino (Apple), Microsoft YaHei (Windows), Noto
 * Sans CJK / Source Han Sans (Android, Linux). Those are the fonts the page's font stack names first
 * (global.css); a device that has one needs neither the web font nor its stylesheet. When in doubt (no
 * FontFace, no match), the answer is no, and the web font is loaded.
 */
const LOCAL_CHINESE_FONTS = [
  'PingFang SC',
  'PingFangSC-Regular',
  'Hiragino Sans GB',
  'HiraginoSansGB-W3',
  'Microsoft YaHei',
  'MicrosoftYaHei',
  'Noto Sans CJK SC',
  'NotoSansCJKsc-Regular',
  'Source Han Sans SC',
  'SourceHanSansSC-Regular',
  'Noto Sans SC Regular',
  'NotoSansSC-Regular',
];

export async function hasChineseFont(): Promise<boolean> {
  if (typeof FontFace === 'undefined') return false;
  try {
    await new FontFace('chinese-font-probe', LOCAL_CHINESE_FONTS.map((name) => `local('${name}')`).join(', ')).load();
    return true;
  } catch {
    return false;
  }
}
