import type { SearchTrial } from '@trellis/shared';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { armColor } from '../experiments/armColors.ts';
import {
  axisStyle,
  base,
  type ChartOption,
  escapeHtml,
  INK,
  MUTED,
  percentAxis,
  round1,
} from '../experiments/chartOptions.ts';
import { percent } from '../experiments/format.ts';
import { type CostPoint, paretoFront } from '../experiments/pareto.ts';
import { formatTokens } from '../runs/format.ts';
import { describeAllocation } from './allocation.ts';
import { type BestSoFarPoint, bestTrial } from './trials.ts';

/*
 * A search's charts as ECharts options, built from its trials alone (testable without a canvas): accuracy against
 * measured compute for every scored trial, coloured by status, with the Pareto front; and the best dev TGC so far
 * against trials, one line per search when several are compared.
 */

/** The statuses a scored trial can have, each with its colour and symbol. */
const PLOTTED = {
  done: { label: 'ran', color: '#2f6fdf', symbol: 'circle' },
  // A reused trial sits on the trial it reused: drawn hollow and larger, so both stay visible.
  reused: { label: 'reused', color: '#7a4fc4', symbol: 'emptyCircle' },
  errored: { label: 'errored (some runs)', color: '#d9534f', symbol: 'triangle' },
} as const;

/** What a point carries beyond its coordinates: the tooltip's text and the experiment a click opens. */
export interface TrialDatum {
  value: [number, number];
  index: number;
  experimentId: string | null;
  /** The allocation in words (not `label`, which ECharts reads as the point's label options). */
  allocation: string;
  interval: string;
}

/** The trials with a score and a measured compute, as points (compute per run, TGC in percent). */
export function trialPoints(
  trials: readonly SearchTrial[],
): (TrialDatum & { status: keyof typeof PLOTTED })[] {
  return trials.flatMap((t) => {
    if (!(t.status in PLOTTED) || t.score?.rate == null || t.compute === null) return [];
    const { rate, low, high } = t.score;
    return [
      {
        status: t.status as keyof typeof PLOTTED,
        value: [Math.round(t.compute), round1(rate * 100)] as [number, number],
        index: t.index,
        experimentId: t.experimentId,
        allocation: describeAllocation(t.allocation),
        interval: low !== null && high !== null ? ` [${percent(low)}, ${percent(high)}]` : '',
      },
    ];
  });
}

/** Accuracy (dev TGC) against measured compute per run, a series per status, the best ringed, the front dashed. */
export function trialsScatterOption(trials: readonly SearchTrial[]): ChartOption {
  const points = trialPoints(trials);
  const best = bestTrial(trials);
  const frontPoints: CostPoint[] = points
    .filter((p) => p.status !== 'errored')
    .map((p) => ({ arm: p.index, label: p.allocation, cost: p.value[0], accuracy: p.value[1] }));
  // A reused trial repeats the point of the trial it reused: the front passes through it once.
  const front = paretoFront(frontPoints).filter(
    (p, i, all) => i === 0 || p.cost !== all[i - 1]!.cost || p.accuracy !== all[i - 1]!.accuracy,
  );
  const scatter: ScatterSeriesOption[] = (Object.keys(PLOTTED) as (keyof typeof PLOTTED)[])
    .map((status): ScatterSeriesOption => {
      const style = PLOTTED[status];
      return {
        type: 'scatter',
        name: style.label,
        symbol: style.symbol,
        symbolSize: status === 'reused' ? 14 : 10,
        itemStyle: { color: style.color, opacity: 0.85 },
        cursor: 'pointer',
        z: 3,
        data: points
          .filter((p) => p.status === status)
          .map(({ status: _s, ...datum }) =>
            datum.index === best?.index
              ? { ...datum, symbolSize: 16, itemStyle: { borderColor: INK, borderWidth: 2 } }
              : datum,
          ),
      };
    })
    .filter((series) => (series.data?.length ?? 0) > 0);
  const line: LineSeriesOption = {
    type: 'line',
    name: 'Pareto front',
    data: front.map((p) => [p.cost, p.accuracy]),
    symbol: 'none',
    lineStyle: { color: MUTED, type: 'dashed', width: 1.5 },
    itemStyle: { color: MUTED },
    tooltip: { show: false },
    silent: true,
    z: 2,
  };
  return {
    ...base,
    legend: { ...base.legend, data: [...scatter.map((s) => s.name as string), 'Pareto front'] },
    grid: { ...base.grid, top: 36, right: 24, bottom: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (param) => {
        const p = param as unknown as { seriesName?: string; data?: TrialDatum };
        if (!p.data?.value) return '';
        const { value, index, allocation, interval } = p.data;
        return `<b>#${index + 1}</b> ${escapeHtml(allocation)} (${escapeHtml(p.seriesName ?? '')})<br/>dev TGC <b>${value[1].toFixed(1)}%</b>${interval} at <b>${formatTokens(value[0])}</b> compute per run`;
      },
    },
    xAxis: {
      type: 'value',
      name: 'measured compute per run',
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      boundaryGap: [0, '10%'],
      ...axisStyle,
      axisLabel: { ...axisStyle.axisLabel, formatter: (value: number) => formatTokens(value) },
    },
    yAxis: percentAxis(),
    series: [line, ...scatter],
  };
}

/** One search's best-so-far curve, as a compared line. */
export interface BestSoFarLine {
  name: string;
  points: readonly BestSoFarPoint[];
}

/** The best dev TGC so far against the number of trials, a step line per search (a legend only for several). */
export function bestSoFarOption(lines: readonly BestSoFarLine[]): ChartOption {
  const many = lines.length > 1;
  const series: LineSeriesOption[] = lines.map((line, i) => ({
    type: 'line',
    name: line.name,
    step: 'end',
    symbol: 'circle',
    symbolSize: 5,
    showSymbol: line.points.length <= 40,
    lineStyle: { width: 2 },
    itemStyle: { color: armColor(i) },
    connectNulls: false,
    data: line.points.map((p) => [p.trial, p.best === null ? null : round1(p.best * 100)]),
  }));
  return {
    ...base,
    legend: { ...base.legend, show: many },
    grid: { ...base.grid, top: many ? 40 : 16, right: 24, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v) => (typeof v === 'number' ? `${v.toFixed(1)}%` : '–'),
    },
    xAxis: {
      type: 'value',
      name: 'trials',
      nameLocation: 'middle',
      nameGap: 28,
      min: 1,
      minInterval: 1,
      ...axisStyle,
      splitLine: { show: false },
    },
    yAxis: percentAxis(),
    series,
  };
}
