/**
 * National reporting exports: an institution's instrument records and per-job service records for a
 * year, under the national reporting field names (domain.md), as tables for CSV or XLSX. The
 * instrument record's annual hours come from the platform's own usage records.
 */
import { DateTime } from 'luxon';
import type { Queryable } from '../../../db/port.ts';
import { fundingSourceLabels, type FundingSource } from '../../../db/schema/enums.ts';
import type { Table } from '../settlement/exports.ts';
import { INSTRUMENT_HEADERS, formatRecord } from '../imports/template.ts';
import { sheetRecords } from '../imports/records.ts';

/** National service modes: 占用 self-operated machine time, 委托 commissioned testing (samples). */
const SERVICE_MODE: Record<string, string> = { machine_time: '占用', sample: '委托' };
const RATING: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '极差' };
const yuan = (fen: number | null) => (fen === null ? '' : (fen / 100).toFixed(2));

/** The national instrument record's columns: one definition shared with the template and the import. */
export { INSTRUMENT_HEADERS };

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
  '记录来源',
];

/** 记录来源: a booking made on the platform, or a record pushed by the institution's own system. */
export const SERVICE_SOURCE = { platform: '平台预约', external: '单位自有系统' } as const;

/** Records pushed by the institution's own systems (integrations module), beside the bookings. */
const EXTERNAL_SERVICE_RECORDS_SQL = `SELECT r.*, i.asset_number AS "assetNumber", i.name_zh AS "instrumentName",
              i.service_content AS "serviceContent", i.time_zone AS "timeZone"
       FROM external_service_records r JOIN instruments i ON i.id = r.instrument_id
       WHERE r.institution_id = ? AND r.start_at >= ? AND r.start_at < ?
       ORDER BY r.start_at, r.id`;

const INSTRUMENT_RECORDS_SQL = `SELECT i.id, o.name AS "institutionName", c.name AS "cityName",
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
  const records = await sheetRecords(q, institutionId);
  const hours = (minutes: unknown, own: number | null) =>
    Number(minutes) > 0 ? (Number(minutes) / 60).toFixed(1) : own === null ? '' : String(own);
  return {
    sheet: '仪器信息',
    title: `${year}年度大型科研仪器信息`,
    headers: INSTRUMENT_HEADERS,
    rows: rows.map((r) => {
      const rec = records.get(Number(r.id))!;
      // Hours from the platform's usage records; the owner's own figure where the platform has none.
      return formatRecord({
        ...rec,
        runHours: hours(r.usedMinutes, rec.annualRunHours),
        serviceHours: hours(r.externalMinutes, rec.annualServiceHours),
      });
    }),
  };
}

export async function serviceRecords(q: Queryable, institutionId: number, year: number): Promise<Table> {
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'Asia/Shanghai' }).toMillis();
  const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone: 'Asia/Shanghai' }).toMillis();
  const rows = await q.all<Record<string, unknown>>(SERVICE_RECORDS_SQL, [institutionId, from, to]);
  const pushed = await q.all<Record<string, unknown>>(EXTERNAL_SERVICE_RECORDS_SQL, [institutionId, from, to]);
  const at = (ms: unknown, zone: string) =>
    ms === null || ms === undefined ? '' : DateTime.fromMillis(Number(ms), { zone }).toFormat('yyyy-MM-dd HH:mm');
  const platform = rows.map((r) => {
    const zone = String(r.timeZone);
    const machine = r.mode === 'machine_time';
    const quantity = machine
      ? (Number(r.actual_minutes ?? 0) / 60).toFixed(2)
      : String(r.actual_samples ?? r.sample_count ?? '');
    const row = [
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
      SERVICE_SOURCE.platform,
    ];
    return { at: Number(r.start_at ?? r.created_at), row };
  });
  // Pushed records: no voucher (none was used on the platform), the whole amount paid by the user.
  const external = pushed.map((r) => {
    const zone = String(r.timeZone);
    const machine = r.mode === 'machine_time';
    const row = [
      String(r.assetNumber),
      String(r.instrumentName),
      yuan(Number(r.amount_fen)),
      at(r.start_at, zone),
      at(r.end_at, zone),
      String(r.purpose ?? r.serviceContent ?? ''),
      SERVICE_MODE[String(r.mode)] ?? '其他',
      machine ? (Number(r.minutes ?? 0) / 60).toFixed(2) : String(r.samples ?? ''),
      machine ? '小时' : '样品',
      String(r.purpose ?? ''),
      '未填写',
      '',
      '',
      yuan(Number(r.amount_fen)),
      String(r.user_name),
      String(r.user_organisation_name),
      r.user_type === 'internal' ? '内部' : '外部',
      r.rating === null ? '' : (RATING[Number(r.rating)] ?? ''),
      SERVICE_SOURCE.external,
    ];
    return { at: Number(r.start_at), row };
  });
  // One list in time order (a stable sort: bookings before pushed records at the same minute).
  const all = [...platform, ...external].sort((a, b) => a.at - b.at);
  return {
    sheet: '服务记录',
    title: `${year}年度仪器服务记录`,
    headers: SERVICE_HEADERS,
    rows: all.map((x) => x.row),
  };
}
