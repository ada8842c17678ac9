/** ECharts options of the sharing statistics (drawn by ui/EChart). */
import type { MonthFigures } from '../../api/stats';
import type { ChartOption } from '../../ui/EChart';
import { escapeHtml, formatCount, formatHours, monthLabel } from './format';

export const STATS_COLORS = {
  used: '#0b4f9c',
  external: '#13a8a8',
  jobs: '#f5b324',
  instruments: '#6f8fbf',
} as const;

type TooltipParam = { dataIndex: number; seriesIndex: number; marker: string; seriesName: string; value: number };
const paramsOf = (p: unknown) => (Array.isArray(p) ? p : [p]) as TooltipParam[];

const splitLine = { lineStyle: { color: '#eef0f4' } };

export type MonthlyLabels = { used: string; external: string; jobs: string; hours: string; jobsUnit: string };

/** Used and external hours as lines over completed jobs as bars, month by month. */
export function monthlyChart(months: MonthFigures[], labels: MonthlyLabels, lang: string, phone: boolean): ChartOption {
  const categories = months.map((m) => monthLabel(m.month, lang));
  return {
    color: [STATS_COLORS.used, STATS_COLORS.external, STATS_COLORS.jobs],
    grid: { left: 8, right: 8, top: phone ? 64 : 48, bottom: 4, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (p: unknown) => {
        const list = paramsOf(p);
        const i = list[0]?.dataIndex ?? 0;
        return [
          `<strong>${escapeHtml(categories[i] ?? '')}</strong>`,
          ...list.map(
            (x) =>
              `${x.marker}${escapeHtml(x.seriesName)}: ${
                x.seriesIndex === 2 ? formatCount(x.value, lang) : `${formatHours(x.value, lang)} ${labels.hours}`
              }`,
          ),
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: categories,
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: phone ? 10 : 12, hideOverlap: true },
    },
    yAxis: [
      {
        type: 'value',
        name: labels.hours,
        nameTextStyle: { fontSize: 11, align: 'left' },
        minInterval: 1,
        axisLabel: { fontSize: 11 },
        splitLine,
      },
      {
        type: 'value',
        name: labels.jobsUnit,
        nameTextStyle: { fontSize: 11, align: 'right' },
        minInterval: 1,
        axisLabel: { fontSize: 11 },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'line',
        name: labels.used,
        data: months.map((m) => m.usedHours),
        symbolSize: 6,
        lineStyle: { width: 3 },
        areaStyle: { opacity: 0.08 },
        z: 3,
      },
      {
        type: 'line',
        name: labels.external,
        data: months.map((m) => m.externalHours),
        symbolSize: 6,
        lineStyle: { width: 2, type: 'dashed' },
        z: 3,
      },
      {
        type: 'bar',
        name: labels.jobs,
        yAxisIndex: 1,
        data: months.map((m) => m.completed),
        barMaxWidth: 18,
        itemStyle: { borderRadius: [3, 3, 0, 0], opacity: 0.85 },
      },
    ],
  };
}

export type PairRow = { name: string; count: number; hours: number };
export type PairLabels = { count: string; hours: string; countUnit: string; hoursUnit: string };

/**
 * Horizontal bars of a count (instruments) and hours per row (cities, categories), each against its
 * own axis: the count below, the hours above.
 */
export function pairedBarChart(rows: PairRow[], labels: PairLabels, lang: string, phone: boolean): ChartOption {
  const names = rows.map((r) => r.name);
  return {
    color: [STATS_COLORS.instruments, STATS_COLORS.used],
    grid: { left: 8, right: 40, top: 60, bottom: 4, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (p: unknown) => {
        const list = paramsOf(p);
        const row = rows[list[0]?.dataIndex ?? 0];
        if (!row) return '';
        return [
          `<strong>${escapeHtml(row.name)}</strong>`,
          ...list.map(
            (x) =>
              `${x.marker}${escapeHtml(x.seriesName)}: ${
                x.seriesIndex === 0
                  ? `${formatCount(row.count, lang)} ${labels.countUnit}`
                  : `${formatHours(row.hours, lang)} ${labels.hoursUnit}`
              }`,
          ),
        ].join('<br/>');
      },
    },
    // Each axis is named by its unit and drawn in its series' colour, so the two scales are not confused.
    xAxis: [
      {
        type: 'value',
        name: labels.countUnit || undefined,
        nameTextStyle: { fontSize: 11, color: STATS_COLORS.instruments },
        minInterval: 1,
        axisLabel: { fontSize: 11, color: STATS_COLORS.instruments },
        splitLine,
      },
      {
        type: 'value',
        position: 'top',
        name: labels.hoursUnit,
        nameTextStyle: { fontSize: 11, color: STATS_COLORS.used },
        minInterval: 1,
        axisLabel: { fontSize: 11, color: STATS_COLORS.used },
        splitLine: { show: false },
      },
    ],
    yAxis: {
      type: 'category',
      data: names,
      inverse: true,
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 12, width: phone ? 96 : 180, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: labels.count,
        xAxisIndex: 0,
        data: rows.map((r) => r.count),
        barMaxWidth: 12,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
      },
      {
        type: 'bar',
        name: labels.hours,
        xAxisIndex: 1,
        data: rows.map((r) => r.hours),
        barMaxWidth: 12,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
      },
    ],
  };
}
