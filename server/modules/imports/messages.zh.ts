/**
 * The Chinese of this module's server messages (merged into server/shared/messages.zh.ts): bulk
 * import of instrument records (批量导入). The messages about rows and cells are Chinese already.
 */
import type { MessageCatalogue } from '../../shared/message-catalogue.ts';

const STATUS: Record<string, string> = {
  uploaded: '已上传',
  validating: '校验中',
  validated: '已校验',
  importing: '导入中',
  completed: '已完成',
  failed: '未完成',
  cancelled: '已取消',
};

export const MESSAGES: MessageCatalogue = {
  notFound: {
    import: '导入记录',
    'import file': '导入文件',
  },
  details: {
    'not an import of your institution': '只能查看本单位的导入记录',
    'lab managers import into their own institution only': '仪器管理员只能导入本单位的仪器',
    'the file is empty': '文件为空',
    'the sheet is empty': '表格中没有内容',
    'the file could not be read as an XLSX or CSV sheet': '无法读取该文件，请上传 XLSX 或 CSV 格式的表格',
    'the sheet is not in the instrument template': '表格不是仪器信息导入模板的格式（缺少必填列）',
    'instrument records are imported from an XLSX or CSV sheet': '仪器信息只能从 XLSX 或 CSV 表格导入',
    'only a checked import that has not run yet can be run': '只有已校验且尚未导入的记录才能执行导入',
    'the sheet has rows with errors: nothing was imported': '表格中有错误行，按“有错误则全部不导入”未写入任何记录',
    'the sheet has no row without errors': '表格中没有无误的行，无法导入',
    'only a checked import that has not run yet can be cancelled': '只有已校验且尚未导入的记录才能取消',
  },
  detailPatterns: [],
  fields: {
    'which institution': '请选择导入到哪个单位',
    empty: '文件为空',
    'no header row': '缺少列名行',
    'not a recognised sheet': '无法识别的表格文件',
    'an http:// or https:// address': '应为以 http:// 或 https:// 开头的网址',
    'no valid rows': '没有无误的行',
  },
  fieldPatterns: [
    [/^missing column (.+)$/, '缺少列：$1'],
    [/^(\d+) rows with errors$/, '$1 行有错误'],
    [/^status (\w+)$/, (s) => `当前状态：${STATUS[s] ?? s}`],
  ],
};
