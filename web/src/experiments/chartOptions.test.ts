import type { ServerSamples } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import {
  chartRows,
  costAccuracyOption,
  costPoints,
  hasMetric,
  serverMetricOption,
  tgcByDifficultyOption,
} from './chartOptions.ts';
import { arm, report } from './testReport.ts';

type Series = { type: string; name: string; data: unknown[] };
const seriesOf = (option: { series?: unknown }) => option.series as Series[];

describe('report charts', () => {
  it('groups TGC bars by difficulty, one series per arm, leaving out difficulties no task has', () => {
    const option = tgcByDifficultyOption(report([arm(0, 0.456, 1000), arm(1, 0.6, 2000)]));
    expect(chartRows(report([arm(0, 0.5, 1)]).arms)).toEqual(['aggregate', 'difficulty_1', 'difficulty_2']);
    expect((option.xAxis as { data: string[] }).data).toEqual(['aggregate', 'difficulty 1', 'difficulty 2']);
    const series = seriesOf(option);
    expect(series.map((s) => s.name)).toEqual(['arm 0', 'arm 1']);
    expect(series[0]!.data[0]).toEqual({ value: 45.6, interval: ' [35.6, 55.6]' });
  });

  it('plots each arm with finished runs at its tokens per task and TGC, and draws the Pareto front', () => {
    const arms = [arm(0, 0.3, 1000), arm(1, 0.5, 3000), arm(2, 0.2, 2500), arm(3, null, 500)];
    expect(costPoints(arms).map((p) => p.arm)).toEqual([0, 1, 2]);
    const series = seriesOf(costAccuracyOption(report(arms)));
    const front = series.find((s) => s.name === 'Pareto front')!;
    expect(front.type).toBe('line');
    expect(front.data).toEqual([
      [1000, 30],
      [3000, 50],
    ]);
    expect(series.filter((s) => s.type === 'scatter').map((s) => s.data)).toEqual([
      [[1000, 30]],
      [[3000, 50]],
      [[2500, 20]],
    ]);
  });

  it('draws server metrics over time per endpoint, in percent for fractions, with gaps where unreported', () => {
    const samples: ServerSamples = {
      endpoints: [{ id: 'e1', name: 'vllm', source: 'vllm' }],
      samples: [
        {
          at: 1000,
          endpointId: 'e1',
          requestsRunning: 3,
          requestsWaiting: 1,
          kvCacheUsage: 0.25,
          prefixCacheHitRate: null,
        },
        {
          at: 2000,
          endpointId: 'e1',
          requestsRunning: 4,
          requestsWaiting: 0,
          kvCacheUsage: 0.5,
          prefixCacheHitRate: null,
        },
      ],
    };
    expect(hasMetric(samples, 'requests')).toBe(true);
    expect(hasMetric(samples, 'prefixCacheHitRate')).toBe(false);
    const requests = seriesOf(serverMetricOption(samples, 'requests'));
    expect(requests.map((s) => s.name)).toEqual(['running', 'waiting']);
    expect(requests[1]!.data).toEqual([
      [1000, 1],
      [2000, 0],
    ]);
    expect(seriesOf(serverMetricOption(samples, 'kvCacheUsage'))[0]!.data).toEqual([
      [1000, 25],
      [2000, 50],
    ]);
    expect(seriesOf(serverMetricOption(samples, 'prefixCacheHitRate'))[0]!.data).toEqual([
      [1000, null],
      [2000, null],
    ]);
  });

  it('names each line by its endpoint when several servers were sampled', () => {
    const samples: ServerSamples = {
      endpoints: [
        { id: 'a', name: 'gpu-a', source: null },
        { id: 'b', name: 'gpu-b', source: null },
      ],
      samples: [],
    };
    expect(seriesOf(serverMetricOption(samples, 'kvCacheUsage')).map((s) => s.name)).toEqual([
      'gpu-a · KV cache',
      'gpu-b · KV cache',
    ]);
  });
});
