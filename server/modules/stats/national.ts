/**
 * National reporting exports: an institution's instrument records and per-job service records for a
 * year, under the national reporting field names (domain.md), as tables for CSV or XLSX. The
 * instrument record's annual hours come from the platform's own usage records.
 */
import { DateTime } from 'luxon';
import { fromJson, type Queryable } from '../../../db/port.ts';
import { fundingSourceLabels, type FundingSource } from '../../../db/schema/enums.ts';
import type { Table } from '../settlement/exports.ts';

const ORIGIN: Record<string, string> = { purchased: '购置', self_built: '研制', donated: '捐赠', other: '其他' };
const SHARING: Record<string, string> = { external: '外部共享', internal: '内部共享', not_shared: '不共享' };
const STATUS: Record<string, string> = {
  normal: '正常',
  standby: '待机',
  remote: '远程服务中',
  occasional_fault: '偶有故障',
  frequent_fault: '故障频繁',
  awaiting_repair: '待修',
  to_be_retired: '待报废',
};
/** National service modes: 占用 self-operated machine time, 委托 commissioned testing (samples). */
const SERVICE_MODE: Record<string, string> = { machine_time: '占用', sample: '委托' };
const RATING: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '极差' };
const yuan = (fen: number | null) => (fen === null ? '' : (fen / 100).toFixed(2));

export const INSTRUMENT_HEADERS = [
  '仪器名称',
  '英文名称',
  '所属单位仪器编号',
  '所属单位',
  '分类编码',
  '仪器来源',
  '原值(元)',
  '启用日期',
  '产地国别',
  '生产制造商',
  '规格型号',
  '主要技术指标',
  '主要功能',
  '主要学科领域',
  '服务内容',
  '参考收费标准',
  '共享模式',
  '运行状态',
  '安放地址',
  '联系人',
  '联系电话',
  '电子邮箱',
  '年总运行机时',
  '年对外服务机时',
];

export const SERVICE_HEADERS = [
  '所属单位仪器编号',
  '仪器名称',
  '服务金额(元)',
  '服务开始时间',
  '服务结束时间',
  '服务内容',
  '服务方式',
  '服务量',
  '计量单位',
  '课题名称',
  '经费来源',
  '创新券金额(元)',
  '创新券结算方式',
  '用户自付(元)',
  '申请人',
  '申请人单位',
  '用户类型',
  '服务评价',
];

const INSTRUMENT_RECORDS_SQL = `SELECT i.*, o.name AS "institutionName", c.name AS "cityName",
              COALESCE((SELECT SUM(s.used_minutes) FROM instrument_month_stats s WHERE s.instrument_id = i.id AND s.month BETWEEN @from AND @to), 0) AS "usedMinutes",
              COALESCE((SELECT SUM(s.external_minutes) FROM instrument_month_stats s WHERE s.instrument_id = i.id AND s.month BETWEEN @from AND @to), 0) AS "externalMinutes"
       FROM instruments i JOIN organisations o ON o.id = i.institution_id LEFT JOIN cities c ON c.code = i.city_code
       WHERE i.institution_id = @institution ORDER BY i.asset_number`;

const SERVICE_RECORDS_SQL = `SELECT b.*, i.asset_number AS "assetNumber", i.name_zh AS "instrumentName", i.service_content AS "serviceContent",
              i.time_zone AS "timeZone", u.display_name AS applicant, o.name AS "applicantUnit",
              (SELECT SUM(v.posted_fen) FROM voucher_uses v WHERE v.booking_id = b.id AND v.status = 'posted') AS "voucherFen",
              (SELECT SUM(v.posted_fen) FROM voucher_uses v
                 WHERE v.booking_id = b.id AND v.status = 'posted' AND v.settlement_mode = 'deduct') AS "deductFen",
              (SELECT MIN(v.settlement_mode) FROM voucher_uses v WHERE v.booking_id = b.id AND v.status = 'posted') AS "voucherMode"
       FROM bookings b JOIN instruments i ON i.id = b.instrument_id JOIN users u ON u.id = b.requester_id
       JOIN organisations o ON o.id = b.requester_organisation_id
       WHERE b.institution_id = ? AND b.status = 'completed'
         AND COALESCE(b.start_at, b.created_at) >= ? AND COALESCE(b.start_at, b.created_at) < ?
       ORDER BY COALESCE(b.start_at, b.created_at), b.id`;

export async function instrumentRecords(q: Queryable, institutionId: number, year: number): Promise<Table> {
  const from = `${year}-01`;
  const to = `${year}-12`;
  const rows = await q.all<Record<string, unknown>>(INSTRUMENT_RECORDS_SQL, { institution: institutionId, from, to });
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    sheet: '仪器信息',
    title: `${year}年度大型科研仪器信息`,
    headers: INSTRUMENT_HEADERS,
    rows: rows.map((r) => [
      text(r.name_zh),
      text(r.name_en),
      text(r.asset_number),
      text(r.institutionName),
      text(r.category_code),
      ORIGIN[String(r.origin)] ?? text(r.origin),
      yuan(r.original_value_fen as number),
      text(r.commissioned_on),
      text(r.country),
      text(r.manufacturer),
      text(r.model),
      text(r.specs),
      text(r.functions),
      (r.subject_areas === null || r.subject_areas === undefined ? [] : fromJson<string[]>(r.subject_areas)).join('；'),
      text(r.service_content),
      text(r.fee_note),
      SHARING[String(r.sharing_mode)] ?? text(r.sharing_mode),
      STATUS[String(r.run_status)] ?? text(r.run_status),
      [r.province, r.cityName, r.district, r.address].filter(Boolean).join(''),
      text(r.contact_name),
      text(r.contact_phone),
      text(r.contact_email),
      // Hours from the platform's usage records; the owner's own figure where the platform has none.
      Number(r.usedMinutes) > 0 ? (Number(r.usedMinutes) / 60).toFixed(1) : text(r.annual_run_hours),
      Number(r.externalMinutes) > 0 ? (Number(r.externalMinutes) / 60).toFixed(1) : text(r.annual_service_hours),
    ]),
  };
}

export async function serviceRecords(q: Queryable, institutionId: number, year: number): Promise<Table> {
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'Asia/Shanghai' }).toMillis();
  const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone: 'Asia/Shanghai' }).toMillis();
  const rows = await q.all<Record<string, unknown>>(SERVICE_RECORDS_SQL, [institutionId, from, to]);
  const at = (ms: unknown, zone: string) =>
    ms === null || ms === undefined ? '' : DateTime.fromMillis(Number(ms), { zone }).toFormat('yyyy-MM-dd HH:mm');
  return {
    sheet: '服务记录',
    title: `${year}年度仪器服务记录`,
    headers: SERVICE_HEADERS,
    rows: rows.map((r) => {
      const zone = String(r.timeZone);
      const machine = r.mode === 'machine_time';
      const quantity = machine
        ? (Number(r.actual_minutes ?? 0) / 60).toFixed(2)
        : String(r.actual_samples ?? r.sample_count ?? '');
      return [
        String(r.assetNumber),
        String(r.instrumentName),
        yuan(r.final_fen as number | null),
        at(r.start_at, zone),
        at(r.end_at, zone),
        String(r.purpose ?? r.serviceContent ?? ''),
        SERVICE_MODE[String(r.mode)] ?? '其他',
        quantity,
        machine ? '小时' : '样品',
        String(r.purpose ?? ''),
        // 经费来源 is the user's research funding (the request's field); the voucher split has its own columns.
        r.funding_source ? (fundingSourceLabels[r.funding_source as FundingSource] ?? '其他') : '未填写',
        r.voucherFen === null ? '' : yuan(Number(r.voucherFen)),
        r.voucherFen === null ? '' : r.voucherMode === 'deduct' ? '抵扣(通兑)' : '报销(通用)',
        yuan(r.final_fen === null ? null : Number(r.final_fen) - Number(r.deductFen ?? 0)),
        String(r.applicant),
        String(r.applicantUnit),
        r.user_type === 'internal' ? '内部' : '外部',
        r.rating === null ? '' : (RATING[Number(r.rating)] ?? ''),
      ];
    }),
  };
}
