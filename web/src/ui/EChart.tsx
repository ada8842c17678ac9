/**
 * An Apache ECharts chart, with only the pieces the platform uses: SVG, so the page's Chinese web font
 * draws the text; resized with its container (phones, the side menu) by a ResizeObserver.
 */
import { BarChart, LineChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { ComposeOption, ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

const list = <T,>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/**
 * What the chart draws, as JSON on its element (`data-chart`), for tests and tools: the axes (type,
 * categories) and the series (name, type, stack, values).
 */
function summary(option: ChartOption): string {
  const axes = (a: unknown) =>
    list(a as { type?: string; data?: unknown[] } | { type?: string; data?: unknown[] }[]).map((x) => ({
      type: x.type,
      data: x.data,
    }));
  const series = list(option.series as { name?: string; type?: string; stack?: string; data?: unknown[] }[]);
  return JSON.stringify({
    xAxis: axes(option.xAxis),
    yAxis: axes(option.yAxis),
    series: series.map((x) => ({ name: x.name, type: x.type, stack: x.stack ?? null, data: x.data })),
  });
}

export const CHART_FONT = "'Noto Sans SC', -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif";

export function EChart({
  option,
  height,
  label,
  testId,
}: {
  option: ChartOption;
  height: number;
  /** What the chart shows, for screen readers. */
  label: string;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const drawn = useMemo(() => summary(option), [option]);

  // One chart per mounted element; it follows the element's size.
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const instance = echarts.init(node, undefined, { renderer: 'svg' });
    chart.current = instance;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (!instance.isDisposed()) instance.resize();
      });
    });
    observer.observe(node);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      { textStyle: { fontFamily: CHART_FONT }, animation: false, ...option },
      { notMerge: true },
    );
  }, [option]);

  return (
    <div className="echart" role="img" aria-label={label} data-testid={testId} data-chart={drawn}>
      <div ref={el} className="echart__canvas" style={{ height }} />
    </div>
  );
}
