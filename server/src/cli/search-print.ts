import {
  formatDuration,
  KNOB_NAMES,
  type RateWithInterval,
  type Search,
  type SearchSpace,
  type SearchSummary,
  type SearchTrial,
} from '@trellis/shared';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import type { KnobValue } from '../search/knobs.ts';
import type { SearchUpdate } from '../search/service.ts';
import { describeAllocation, describeValue } from '../search/space.ts';

const pct = (rate: number | null) => (rate === null ? '—' : (rate * 100).toFixed(1));
const amount = (n: number | null) =>
  n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: n < 100 ? 1 : 0 });

/** Dev TGC in percent with its interval and counts: `66.7 [20.8, 93.9] (2/3)`. */
export function formatScore(score: RateWithInterval | null): string {
  if (score === null || score.rate === null) return '—';
  const interval =
    score.low === null || score.high === null ? '' : ` [${pct(score.low)}, ${pct(score.high)}]`;
  return `${pct(score.rate)}${interval} (${score.successes}/${score.n})`;
}

function trialStatus(trial: SearchTrial): string {
  if (trial.status === 'reused') {
    return trial.reusedFrom === null ? 'reused (another search)' : `reused (#${trial.reusedFrom + 1})`;
  }
  if (trial.status === 'errored') return `errored: ${trial.reason ?? 'unknown'}`;
  return trial.status;
}

function bestOf(search: SearchSummary): string {
  return search.best === null ? 'no best yet' : `best ${pct(search.best.score)} (#${search.best.index + 1})`;
}

/**
 * What a change of a search prints, or null: a line for each trial started, one for each trial ended (done of
 * requested, its score and compute, the best so far, rate and time left), and each refused proposal with its reason.
 */
export function trialLine({ search, trial }: SearchUpdate): string | null {
  if (!trial) return null;
  const label = `#${trial.index + 1} ${describeAllocation(trial.allocation)}`;
  if (trial.status === 'refused') return `  refused (round ${trial.round}): ${trial.reason}`;
  if (trial.status === 'running') return `  ${label}: running`;
  const p = search.progress;
  const rate = p.ratePerMinute === null ? '' : ` · ${p.ratePerMinute.toFixed(1)} trials/min`;
  const eta =
    p.etaMs === null || p.trialsDone >= p.trialsRequested ? '' : ` · ETA ${formatDuration(p.etaMs)}`;
  return `[${p.trialsDone}/${p.trialsRequested}] ${label}: ${trialStatus(trial)}, dev TGC ${formatScore(trial.score)}, compute ${amount(trial.compute)} · ${bestOf(search)}${rate}${eta}`;
}

/** The trials (refused proposals left out) as a Markdown table, the best marked. */
export function trialsTable(search: Search): string[] {
  const trials = search.trials.filter((t) => t.status !== 'refused');
  const rows = trials.map((t) => {
    const mark = search.best?.index === t.index ? ' *' : '';
    return `| ${t.index + 1}${mark} | ${describeAllocation(t.allocation)} | ${formatScore(t.score)} | ${amount(t.compute)} | ${trialStatus(t)} |`;
  });
  return [
    '| # | Allocation | Dev TGC | Compute per run | Status |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** The best trial in one line, or why there is none. */
export function bestLine(search: Search): string {
  if (search.best === null) return 'No trial was scored: there is no best allocation.';
  const best = search.trials[search.best.index]!;
  return `Best: #${best.index + 1} ${describeAllocation(best.allocation)} — dev TGC ${formatScore(best.score)}, compute ${amount(best.compute)} per run`;
}

/** Names an endpoint by its id (the CLI shows names, not ids). */
export type EndpointName = (endpointId: string) => string;

function spaceLine(space: SearchSpace, endpointName: EndpointName): string {
  const value = (v: KnobValue) =>
    typeof v === 'object' ? `${v.model} on ${endpointName(v.endpointId)}` : describeValue(v);
  const knobs = Object.entries(space).flatMap(([nodeId, node]) =>
    KNOB_NAMES.filter((knob) => node[knob]?.length).map(
      (knob) => `${nodeId}.${knob} ∈ {${(node[knob] as KnobValue[]).map(value).join(', ')}}`,
    ),
  );
  return knobs.join('; ');
}

/** A search's heading: name, status, what it searches and how, and its progress. */
export function describeSearch(search: Search, endpointName: EndpointName): string[] {
  const request = search.request as {
    taskIds?: string[];
    seeds?: number[];
    space?: SearchSpace;
    compute?: { budget: number };
  };
  const stop = search.stopReason ? `: ${search.stopReason}` : '';
  return [
    `${search.name} (${search.id}) — ${search.status}${stop}${search.simulated ? ` — ${SIMULATED_NOTICE}` : ''}`,
    `  ${search.method} search of ${search.graphName} (${search.graphVersionId}) on ${request.taskIds?.length ?? 0} dev tasks, seeds ${request.seeds?.join(', ') ?? '—'}, budget ${amount(request.compute?.budget ?? null)}`,
    `  space: ${spaceLine(request.space ?? {}, endpointName)}`,
    `  ${search.trialsDone}/${search.trialsRequested} trials done, ${search.refused} refused, ${bestOf(search)}`,
  ];
}

/** One search in the list. */
export function listLine(search: SearchSummary): string {
  const best = search.best === null ? '—' : pct(search.best.score);
  return `${search.id}  ${search.status.padEnd(9)} ${String(search.trialsDone).padStart(3)}/${String(search.trialsRequested).padEnd(3)} best ${best.padEnd(5)} ${search.name}${search.simulated ? ' (simulated)' : ''}`;
}
