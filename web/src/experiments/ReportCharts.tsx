import type { ExperimentReport, ServerSamples } from '@trellis/shared';
import { useMemo } from 'react';
import { useExperimentServers } from '../api/experiments.ts';
import { ErrorBanner } from '../components/Field.tsx';
import {
  costAccuracyOption,
  costPoints,
  hasMetric,
  type ServerMetric,
  serverMetricOption,
  tgcByDifficultyOption,
} from './chartOptions.ts';
import { EChart } from './EChart.tsx';
import { count } from './format.ts';
import { paretoFront } from './pareto.ts';
import { SimulatedLabel } from './SimulatedLabel.tsx';

/*
 * The report's charts, in a chunk of their own: ECharts loads after the tables have rendered, and only here.
 */

/** TGC by difficulty per arm, and accuracy against tokens per task with the Pareto front. */
export function AccuracyCharts({ report }: { report: ExperimentReport }) {
  const byDifficulty = useMemo(() => tgcByDifficultyOption(report), [report]);
  const costAccuracy = useMemo(() => costAccuracyOption(report), [report]);
  const front = useMemo(() => paretoFront(costPoints(report.arms)), [report]);
  return (
    <section className="report-charts" aria-label="Charts">
      <figure className="card chart-card">
        <figcaption className="section-head">
          <h2>TGC by difficulty</h2>
          <SimulatedLabel simulated={report.simulated} />
        </figcaption>
        <EChart option={byDifficulty} label="Task goal completion by difficulty, grouped bars per arm" />
      </figure>
      <figure className="card chart-card">
        <figcaption className="section-head">
          <h2>Accuracy against tokens per task</h2>
          <SimulatedLabel simulated={report.simulated} />
        </figcaption>
        <EChart
          option={costAccuracy}
          label="Task goal completion against mean tokens per task, one point per arm, the Pareto front dashed"
        />
        {front.length > 0 ? (
          <p className="small muted chart-note">
            Pareto front (dashed): {front.map((p) => p.label).join(' → ')}
            {front.length === 1
              ? ', the cheapest and the most accurate arm at once'
              : ` — ${count(front.length, 'arm')} none of the others beats on both tokens and TGC`}
          </p>
        ) : null}
      </figure>
    </section>
  );
}

const METRICS: { metric: ServerMetric; title: string; label: string }[] = [
  {
    metric: 'requests',
    title: 'Requests running and waiting',
    label: 'Requests running and waiting over time',
  },
  { metric: 'kvCacheUsage', title: 'KV-cache use', label: 'KV-cache use in percent over time' },
  {
    metric: 'prefixCacheHitRate',
    title: 'Prefix-cache hit rate',
    label: 'Prefix-cache hit rate in percent over time',
  },
];

function MetricChart({
  samples,
  metric,
  title,
  label,
}: {
  samples: ServerSamples;
  metric: ServerMetric;
  title: string;
  label: string;
}) {
  const option = useMemo(() => serverMetricOption(samples, metric), [samples, metric]);
  return (
    <figure className="server-chart">
      <figcaption className="small">{title}</figcaption>
      {hasMetric(samples, metric) ? (
        <EChart option={option} label={label} height={200} />
      ) : (
        <p className="muted small chart-empty">Not reported by the server.</p>
      )}
    </figure>
  );
}

/** The inference servers' load while the experiment ran: queue, KV cache, prefix-cache hits. */
export function ServerCharts({
  experimentId,
  running,
  simulated,
}: {
  experimentId: string;
  running: boolean;
  /** The figures come from the simulated model's test server, not an inference server under load. */
  simulated: boolean;
}) {
  const servers = useExperimentServers(experimentId, running);
  const samples = servers.data;
  return (
    <section className="card report-section" aria-label="Inference servers">
      <div className="section-head">
        <h2>Inference servers</h2>
        <SimulatedLabel simulated={simulated} />
        {samples && samples.endpoints.length > 0 ? (
          <span className="muted small">{samples.endpoints.map((e) => e.name).join(', ')}</span>
        ) : null}
      </div>
      {servers.error ? (
        <ErrorBanner title="Could not load server metrics" message={servers.error.message} />
      ) : null}
      {samples && samples.samples.length === 0 ? (
        <p className="muted small" data-testid="no-server-metrics">
          No server metrics: the endpoints exposed none while this experiment ran (vLLM and SGLang publish
          /metrics).
        </p>
      ) : null}
      {samples && samples.samples.length > 0 ? (
        <div className="server-charts">
          {METRICS.map((m) => (
            <MetricChart key={m.metric} samples={samples} {...m} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
