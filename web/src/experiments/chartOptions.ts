import type { ArmReport, ExperimentReport, ReportRowKey, ServerSample, ServerSamples } from '@trellis/shared';
import type { BarSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatTokens } from '../runs/format.ts';
import { armColor } from './armColors.ts';
import { percent, rowLabel } from './format.ts';
import { type CostPoint, paretoFront } from './pareto.ts';

/*
 * The report's charts as ECharts options, built from the report alone, so what a chart shows is testable without
 * a canvas. Only the series and components registered in echarts.ts may appear here. The look (font, ink, axes)
 * is exported for the search and optimiser charts, so every chart in the app reads alike.
 */

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

export const FONT =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif';
export const INK = '#1b1f24';
export const MUTED = '#5f6b7a';
export const LINE = '#dde2e8';

export const base = {
  textStyle: { fontFamily: FONT, color: INK },
  animationDuration: 300,
  animationDurationUpdate: 300,
  legend: { top: 0, left: 0, type: 'scroll' as const, textStyle: { color: INK, fontSize: 12 } },
  grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
} satisfies ChartOption;

export const axisStyle = {
  axisLine: { lineStyle: { color: LINE } },
  axisLabel: { color: MUTED, fontSize: 11 },
  splitLine: { lineStyle: { color: LINE, type: 'dashed' as const } },
  nameTextStyle: { color: MUTED, fontSize: 11 },
};

export const percentAxis = (max: number | undefined = 100) => ({
  type: 'value' as const,
  min: 0,
  max,
  ...axisStyle,
  axisLabel: { ...axisStyle.axisLabel, formatter: '{value}%' },
});

const ROWS: readonly ReportRowKey[] = ['aggregate', 'difficulty_1', 'difficulty_2', 'difficulty_3'];

/** The rows some arm counted a task in: a task set without difficulty-3 tasks gets no empty group for it. */
export function chartRows(arms: readonly ArmReport[]): ReportRowKey[] {
  return ROWS.filter((key) => arms.some((arm) => arm.rows.some((row) => row.key === key && row.tasks > 0)));
}

interface BarDatum {
  value: number | null;
  interval: string;
}

/** TGC by difficulty: a group of bars per row (aggregate, difficulty 1–3), one bar per arm, the interval on hover. */
export function tgcByDifficultyOption(report: Pick<ExperimentReport, 'arms'>): ChartOption {
  const rows = chartRows(report.arms);
  const series: BarSeriesOption[] = report.arms.map((arm) => ({
    type: 'bar',
    name: arm.label,
    itemStyle: { color: armColor(arm.arm), borderRadius: [2, 2, 0, 0] },
    barMaxWidth: 36,
    data: rows.map((key): BarDatum => {
      const tgc = arm.rows.find((row) => row.key === key)?.tgc;
      return {
        value: tgc?.rate === null || tgc === undefined ? null : round1(tgc.rate * 100),
        interval:
          tgc && tgc.low !== null && tgc.high !== null ? ` [${percent(tgc.low)}, ${percent(tgc.high)}]` : '',
      };
    }),
  }));
  return {
    ...base,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => axisTooltip(params as unknown as AxisParam[]),
    },
    xAxis: { type: 'category', data: rows.map(rowLabel), ...axisStyle, splitLine: { show: false } },
    yAxis: percentAxis(),
    series,
  };
}

interface AxisParam {
  axisValueLabel?: string;
  seriesName?: string;
  marker?: unknown;
  data?: BarDatum | null;
}

function axisTooltip(params: AxisParam[]): string {
  const head = escapeHtml(params[0]?.axisValueLabel ?? '');
  const lines = params.map((p) => {
    const value = p.data?.value;
    const text =
      value === null || value === undefined ? '–' : `${value.toFixed(1)}%${p.data?.interval ?? ''}`;
    return `${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}: <b>${text}</b>`;
  });
  return [head, ...lines].join('<br/>');
}

/** Each arm with a finished run as a point: mean tokens (in and out) per task against its aggregate TGC. */
export function costPoints(arms: readonly ArmReport[]): CostPoint[] {
  return arms.flatMap((arm) => {
    const rate = arm.rows.find((row) => row.key === 'aggregate')?.tgc.rate ?? null;
    if (rate === null || arm.cost.runs === 0) return [];
    return [
      {
        arm: arm.arm,
        label: arm.label,
        cost: arm.cost.promptTokens + arm.cost.completionTokens,
        accuracy: rate,
      },
    ];
  });
}

/** Accuracy against tokens per task, one point per arm, with the Pareto front (cheaper and better) as a line. */
export function costAccuracyOption(report: Pick<ExperimentReport, 'arms'>): ChartOption {
  const points = costPoints(report.arms);
  const front = paretoFront(points);
  const scatter: ScatterSeriesOption[] = points.map((p) => ({
    type: 'scatter',
    name: p.label,
    symbolSize: 12,
    itemStyle: { color: armColor(p.arm) },
    label: { show: true, position: 'right', formatter: p.label, color: INK, fontSize: 11 },
    data: [[Math.round(p.cost), round1(p.accuracy * 100)]],
    z: 3,
  }));
  const line: LineSeriesOption = {
    type: 'line',
    name: 'Pareto front',
    data: front.map((p) => [Math.round(p.cost), round1(p.accuracy * 100)]),
    symbol: 'none',
    lineStyle: { color: MUTED, type: 'dashed', width: 1.5 },
    itemStyle: { color: MUTED },
    tooltip: { show: false },
    z: 2,
  };
  return {
    ...base,
    // The points are labelled, so no legend; room at the right for the costliest point's label.
    legend: { show: false },
    grid: { ...base.grid, top: 16, right: 24, bottom: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (param) => {
        const p = param as unknown as { seriesName?: string; value?: [number, number] };
        if (!p.value) return '';
        return `${escapeHtml(p.seriesName ?? '')}<br/>TGC <b>${p.value[1].toFixed(1)}%</b> at <b>${formatTokens(p.value[0])}</b> tokens per task`;
      },
    },
    xAxis: {
      type: 'value',
      name: 'mean tokens per task',
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      boundaryGap: [0, '20%'],
      ...axisStyle,
      axisLabel: { ...axisStyle.axisLabel, formatter: (value: number) => formatTokens(value) },
    },
    yAxis: percentAxis(),
    series: [line, ...scatter],
  };
}

/** The server metrics a chart plots, each a fraction (shown in percent) or a count. */
export type ServerMetric = 'requests' | 'kvCacheUsage' | 'prefixCacheHitRate';

const SAMPLE_FIELDS = {
  requests: ['requestsRunning', 'requestsWaiting'],
  kvCacheUsage: ['kvCacheUsage'],
  prefixCacheHitRate: ['prefixCacheHitRate'],
} as const satisfies Record<ServerMetric, readonly (keyof ServerSample)[]>;

const FIELD_LABEL: Record<(typeof SAMPLE_FIELDS)[ServerMetric][number], string> = {
  requestsRunning: 'running',
  requestsWaiting: 'waiting',
  kvCacheUsage: 'KV cache',
  prefixCacheHitRate: 'prefix-cache hits',
};

/** Whether any endpoint reported this metric at all: a server that never did gets a note, not an empty chart. */
export function hasMetric(samples: ServerSamples, metric: ServerMetric): boolean {
  return samples.samples.some((s) => SAMPLE_FIELDS[metric].some((field) => s[field] !== null));
}

/** One metric over time, a line per endpoint (and per field: running and waiting requests). */
export function serverMetricOption(samples: ServerSamples, metric: ServerMetric): ChartOption {
  const fraction = metric !== 'requests';
  const many = samples.endpoints.length > 1;
  const series: LineSeriesOption[] = samples.endpoints.flatMap((endpoint, e) =>
    SAMPLE_FIELDS[metric].map((field, f) => ({
      type: 'line' as const,
      name: many ? `${endpoint.name} · ${FIELD_LABEL[field]}` : FIELD_LABEL[field],
      showSymbol: false,
      connectNulls: false,
      step: metric === 'requests' ? ('end' as const) : undefined,
      lineStyle: { width: 1.5, type: f === 0 ? ('solid' as const) : ('dashed' as const) },
      itemStyle: { color: armColor(e * SAMPLE_FIELDS[metric].length + f) },
      data: samples.samples
        .filter((s) => s.endpointId === endpoint.id)
        .map((s) => {
          const value = s[field];
          return [s.at, value === null ? null : fraction ? round1(value * 100) : value];
        }),
    })),
  );
  return {
    ...base,
    legend: { ...base.legend, show: series.length > 1 },
    grid: { ...base.grid, top: series.length > 1 ? 40 : 12 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? (fraction ? `${v}%` : `${v}`) : '–'),
    },
    xAxis: {
      type: 'time',
      splitNumber: 3,
      ...axisStyle,
      axisLabel: { ...axisStyle.axisLabel, hideOverlap: true, formatter: '{HH}:{mm}:{ss}' },
      splitLine: { show: false },
    },
    yAxis: fraction ? percentAxis(100) : { type: 'value', minInterval: 1, min: 0, ...axisStyle },
    series,
  };
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
