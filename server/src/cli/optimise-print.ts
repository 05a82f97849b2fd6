import {
  formatDuration,
  type Optimisation,
  type OptimisationSummary,
  type OptimiserCandidate,
} from '@trellis/shared';
import { SIMULATED_NOTICE } from '../experiments/export.ts';
import type { OptimisationUpdate } from '../optimiser/service.ts';
import type { StoredRequest } from '../optimiser/summary.ts';
import { type EndpointName, formatScore } from './search-print.ts';

const pct = (rate: number | null) => (rate === null ? '—' : (rate * 100).toFixed(1));
const tokens = (n: number | null) => (n === null ? '—' : Math.round(n).toLocaleString('en-US'));
const repairs = (n: number) => `${n} repair${n === 1 ? '' : 's'}`;
const quoted = (candidate: OptimiserCandidate) => `"${candidate.label}"`;

function bestOf(optimisation: OptimisationSummary): string {
  const { best } = optimisation;
  return best === null ? 'no best yet' : `best ${pct(best.score.rate)} (round ${best.round})`;
}

/** Whether the round's proposal passed its checks, and after how many repairs; nothing for round 0. */
function validity(candidate: OptimiserCandidate): string | null {
  if (candidate.round === 0) return null;
  return `${candidate.status === 'invalid' ? 'invalid' : 'valid'} after ${repairs(candidate.repairs)}`;
}

/** The parts of an ended round's line: validity, what went wrong, dev TGC, cost and reward. */
function outcomeParts(candidate: OptimiserCandidate): string[] {
  const parts: string[] = [];
  const valid = validity(candidate);
  if (valid) parts.push(valid);
  if (candidate.status === 'errored' || candidate.status === 'skipped') {
    parts.push(`${candidate.status}${candidate.reason ? ` (${candidate.reason})` : ''}`);
  }
  if (candidate.status !== 'invalid') {
    parts.push(`dev TGC ${formatScore(candidate.score)}`, `cost ${tokens(candidate.cost)} tok/run`);
  }
  if (candidate.round > 0) parts.push(`reward ${candidate.reward ?? '—'}`);
  return parts;
}

/** An ended round: rounds done of requested, its label and outcome, the best so far, the rate and the time left. */
function endedLine(optimisation: Optimisation, candidate: OptimiserCandidate): string {
  const p = optimisation.progress;
  const rate = p.ratePerMinute === null ? '' : ` · ${p.ratePerMinute.toFixed(1)} rounds/min`;
  const eta =
    p.etaMs === null || p.roundsDone >= p.roundsRequested ? '' : ` · ETA ${formatDuration(p.etaMs)}`;
  return `[${p.roundsDone}/${p.roundsRequested}] round ${candidate.round} ${quoted(candidate)}: ${outcomeParts(candidate).join(', ')} · ${bestOf(optimisation)}${rate}${eta}`;
}

/**
 * Turns an optimisation's changes into lines as they come: one when a round enters a phase (proposing, checking,
 * and again for each repair; scoring once its candidate is stored, with its label), and one when a round ends.
 * Give it the optimisation as created or resumed first, so that the phase it is already in is printed.
 */
export function roundPrinter(): (update: OptimisationUpdate) => string[] {
  let last = '';
  let proposals = 0;
  return ({ optimisation, candidate }) => {
    const lines: string[] = [];
    const { round, phase } = optimisation.progress;
    const of = `round ${round}/${optimisation.roundsRequested}`;
    const current = optimisation.candidates.find((c) => c.round === round);
    const key = `${round}:${phase}`;
    if (round !== null && phase !== null && key !== last) {
      if (phase === 'proposing') {
        proposals = last.startsWith(`${round}:`) ? proposals + 1 : 0;
        lines.push(`  ${of}: ${proposals === 0 ? 'proposing' : `proposing again (repair ${proposals})`}`);
        last = key;
      } else if (phase === 'checking') {
        lines.push(`  ${of}: checking the proposal`);
        last = key;
      } else if (current?.status === 'running') {
        // Scoring: printed once the round's candidate is stored, which names it.
        const what = round === 0 ? 'the starting graph' : `${quoted(current)} (${validity(current)})`;
        lines.push(`  ${of}: scoring ${what} on the dev tasks`);
        last = key;
      }
    }
    if (candidate && candidate.status !== 'running') lines.push(endedLine(optimisation, candidate));
    return lines;
  };
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The round whose graph a candidate edits: the first that scored that version. */
function parentRound(optimisation: Optimisation, candidate: OptimiserCandidate): string {
  if (candidate.parentVersionId === null) return '—';
  const parent = optimisation.candidates.find((c) => c.versionId === candidate.parentVersionId);
  return parent ? String(parent.round) : '—';
}

function statusCell(candidate: OptimiserCandidate): string {
  return candidate.status === 'errored' || candidate.status === 'skipped'
    ? `${candidate.status}: ${candidate.reason ?? 'unknown'}`
    : candidate.status;
}

/** The rounds as a Markdown table, the best marked. */
export function roundsTable(optimisation: Optimisation): string[] {
  const rows = optimisation.candidates.map((c) => {
    const mark = optimisation.best?.round === c.round ? ' *' : '';
    const repaired = c.round === 0 ? '—' : String(c.repairs);
    return `| ${c.round}${mark} | ${parentRound(optimisation, c)} | ${cell(c.label)} | ${cell(statusCell(c))} | ${repaired} | ${formatScore(c.score)} | ${tokens(c.cost)} | ${c.reward ?? '—'} |`;
  });
  return [
    '| Round | Parent | Label | Status | Repairs | Dev TGC | Tokens per run | Reward |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** The best round and its version in one line, or why there is none. */
export function bestLine(optimisation: Optimisation): string {
  const { best } = optimisation;
  if (best === null) return 'No round was scored: there is no best graph.';
  const candidate = optimisation.candidates.find((c) => c.round === best.round)!;
  const unbeaten = best.round === 0 ? ' (no edit beat the starting graph)' : '';
  return `Best: round ${best.round} ${quoted(candidate)}${unbeaten} — dev TGC ${formatScore(best.score)}, ${tokens(best.cost)} tokens per run; version ${best.versionId}`;
}

/** An optimisation's heading: name, status, what it optimises on which tasks, its meta-agent, and its progress. */
export function describeOptimisation(optimisation: Optimisation, endpointName: EndpointName): string[] {
  const request = optimisation.request as Partial<StoredRequest>;
  const stop = optimisation.stopReason ? `: ${optimisation.stopReason}` : '';
  const meta = optimisation.metaAgent;
  const metaModel = meta.model
    ? `${meta.model} on ${endpointName(meta.endpointId)}`
    : endpointName(meta.endpointId);
  return [
    `${optimisation.name} (${optimisation.id}) — ${optimisation.status}${stop}${optimisation.simulated ? ` — ${SIMULATED_NOTICE}` : ''}`,
    `  ${optimisation.graphName} (${optimisation.graphVersionId}) on ${request.taskIds?.length ?? 0} dev tasks × ${request.repeats ?? 1} repeat(s), seeds ${request.seeds?.join(', ') ?? '—'}; meta-agent ${metaModel}`,
    `  ${optimisation.roundsDone}/${optimisation.roundsRequested} rounds done, ${bestOf(optimisation)}`,
  ];
}

/** One optimisation in the list. */
export function listLine(optimisation: OptimisationSummary): string {
  const best = optimisation.best === null ? '—' : pct(optimisation.best.score.rate);
  return `${optimisation.id}  ${optimisation.status.padEnd(9)} ${String(optimisation.roundsDone).padStart(2)}/${String(optimisation.roundsRequested).padEnd(2)} best ${best.padEnd(5)} ${optimisation.name}${optimisation.simulated ? ' (simulated)' : ''}`;
}
