/**
 * ECharts options of the sharing statistics (drawn by ui/EChart). Every chart has one value axis: one
 * quantity per chart, parts of a whole stacked, no second scale beside the first.
 */
import type { MonthFigures } from '../../api/stats';
import type { ChartOption } from '../../ui/EChart';
import { escapeHtml, formatCount, formatHours, monthLabel } from './format';

export const STATS_COLORS = {
  used: '#0b4f9c',
  external: '#13a8a8',
  internal: '#9db4d6',
  jobs: '#f5b324',
  instruments: '#6f8fbf',
} as const;

type TooltipParam = { dataIndex: number; seriesIndex: number; marker: string; seriesName: string; value: number };
const paramsOf = (p: unknown) => (Array.isArray(p) ? p : [p]) as TooltipParam[];

const splitLine = { lineStyle: { color: '#eef0f4' } };

/** "2026-11": the month of an instant in the platform's home zone (Asia/Shanghai, UTC+8 all year). */
export function homeMonth(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 7);
}

/**
 * The months of `year` to draw: January up to the current month (all twelve for a past year), each
 * present once, those without figures as zero — months that have not happened are not drawn.
 */
export function monthsSoFar(year: number, months: MonthFigures[], now: number): MonthFigures[] {
  const current = homeMonth(now);
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const out: MonthFigures[] = [];
  for (let m = 1; m <= 12; m++) {
    const key = `${year}-${String(m).padStart(2, '0')}`;
    if (key > current) break;
    out.push(byMonth.get(key) ?? { ...ZERO, month: key });
  }
  return out;
}

const ZERO: Omit<MonthFigures, 'month'> = {
  openHours: 0,
  bookedHours: 0,
  usedHours: 0,
  externalHours: 0,
  samples: 0,
  utilisation: 0,
  externalShare: 0,
  incomeFen: 0,
  voucherIncomeFen: 0,
  selfPayIncomeFen: 0,
  savedFen: 0,
  enterprisesServed: 0,
  requests: 0,
  completed: 0,
  averageRating: null,
  medianApprovalMinutes: null,
  noShowRate: 0,
  cancellationRate: 0,
};

export type MonthlyLabels = {
  used: string;
  external: string;
  internal: string;
  jobs: string;
  hours: string;
  jobsUnit: string;
};

/**
 * Hours of service month by month, on one axis: the hours for outside users and the institutions' own
 * as stacked bars (together: all hours used); the jobs completed are in the tooltip, not on a second
 * axis. `months` are the months to draw (see monthsSoFar).
 */
export function monthlyChart(months: MonthFigures[], labels: MonthlyLabels, lang: string, phone: boolean): ChartOption {
  const categories = months.map((m) => monthLabel(m.month, lang));
  const internal = months.map((m) => Math.max(0, Math.round((m.usedHours - m.externalHours) * 10) / 10));
  return {
    color: [STATS_COLORS.external, STATS_COLORS.internal],
    grid: { left: 8, right: 8, top: phone ? 56 : 44, bottom: 4, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (p: unknown) => {
        const list = paramsOf(p);
        const i = list[0]?.dataIndex ?? 0;
        const m = months[i];
        if (!m) return '';
        return [
          `<strong>${escapeHtml(categories[i] ?? '')}</strong>`,
          ...list.map(
            (x) => `${x.marker}${escapeHtml(x.seriesName)}: ${formatHours(x.value, lang)} ${escapeHtml(labels.hours)}`,
          ),
          `${escapeHtml(labels.used)}: ${formatHours(m.usedHours, lang)} ${escapeHtml(labels.hours)}`,
          `${escapeHtml(labels.jobs)}: ${formatCount(m.completed, lang)} ${escapeHtml(labels.jobsUnit)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: categories,
      axisTick: { alignWithLabel: true },
      // Every month named ("10月" / "Oct" fit a twelfth of a phone's width at 10 px); one that would
      // touch its neighbour is left out rather than drawn over it.
      axisLabel: { fontSize: phone ? 10 : 12, interval: 0, margin: 8, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: labels.hours,
      nameTextStyle: { fontSize: 11, align: 'left' },
      minInterval: 1,
      axisLabel: { fontSize: 11, hideOverlap: true },
      splitLine,
    },
    series: [
      {
        type: 'bar',
        name: labels.external,
        stack: 'hours',
        data: months.map((m) => m.externalHours),
        barMaxWidth: 22,
      },
      {
        type: 'bar',
        name: labels.internal,
        stack: 'hours',
        data: internal,
        barMaxWidth: 22,
        itemStyle: { borderRadius: [3, 3, 0, 0] },
      },
    ],
  };
}

export type PairRow = { name: string; count: number; hours: number };
export type PairLabels = { count: string; hours: string; countUnit: string; hoursUnit: string };

/**
 * Horizontal bars of the hours used per row (cities, categories), on one axis; each row's instrument
 * count is part of its name ("济南 · 420 台"), not a second scale.
 */
export function hoursBarChart(rows: PairRow[], labels: PairLabels, lang: string, phone: boolean): ChartOption {
  const names = rows.map(
    (r) => `${r.name} · ${formatCount(r.count, lang)}${labels.countUnit ? ` ${labels.countUnit}` : ''}`,
  );
  return {
    color: [STATS_COLORS.used],
    grid: { left: 8, right: 24, top: 28, bottom: 4, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (p: unknown) => {
        const row = rows[paramsOf(p)[0]?.dataIndex ?? 0];
        if (!row) return '';
        return [
          `<strong>${escapeHtml(row.name)}</strong>`,
          `${escapeHtml(labels.hours)}: ${formatHours(row.hours, lang)} ${escapeHtml(labels.hoursUnit)}`,
          `${escapeHtml(labels.count)}: ${formatCount(row.count, lang)} ${escapeHtml(labels.countUnit)}`,
        ].join('<br/>');
      },
    },
    xAxis: {
      type: 'value',
      minInterval: 1,
      splitNumber: phone ? 3 : 5,
      axisLabel: { fontSize: 11, hideOverlap: true },
      splitLine,
    },
    yAxis: {
      type: 'category',
      data: names,
      inverse: true,
      axisTick: { alignWithLabel: true },
      axisLabel: { fontSize: 12, width: phone ? 120 : 200, overflow: 'truncate', interval: 0 },
    },
    series: [
      {
        type: 'bar',
        name: labels.hours,
        data: rows.map((r) => r.hours),
        barMaxWidth: 14,
        itemStyle: { borderRadius: [0, 3, 3, 0] },
      },
    ],
  };
}
