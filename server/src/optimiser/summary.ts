import {
  isSimulatedModel,
  type OptimisationSummary,
  type OptimiserCandidate,
  type OptimiserRequest,
  ranksAbove,
  roundReward,
  type Scored,
} from '@trellis/shared';
import type { z } from 'zod';
import type { ExperimentService } from '../experiments/service.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import type { ExperimentRepo } from '../store/experiments.ts';
import type { GraphRepo } from '../store/graphs.ts';
import type { StoredCandidate, StoredOptimisation } from '../store/optimisations.ts';
import { scoreOutcomes } from './evaluation.ts';

/** The request as stored: seeds drawn and the task set resolved to ids when the optimisation was created. */
export type StoredRequest = z.output<typeof OptimiserRequest> & { seeds: number[]; taskIds: string[] };

export const publicCandidate = ({
  state: _s,
  proposal: _p,
  attempts: _a,
  ...candidate
}: StoredCandidate): OptimiserCandidate => candidate;

const scoredOf = (c: StoredCandidate): Scored | null =>
  c.status === 'evaluated' && c.score?.rate !== null && c.score?.rate !== undefined
    ? { score: c.score.rate, cost: c.cost }
    : null;

/** The best scored candidate: highest dev TGC, then fewer tokens per run, then the earlier round. */
export function bestCandidate(candidates: readonly StoredCandidate[]): StoredCandidate | null {
  let best: StoredCandidate | null = null;
  for (const candidate of candidates) {
    const scored = scoredOf(candidate);
    if (scored && (best === null || ranksAbove(scored, scoredOf(best)!))) best = candidate;
  }
  return best;
}

/**
 * A scored round's reward (roundReward) against the rounds before it: the best of them (round 0 included) and
 * the last of them that was scored — "the previous round" skips rounds that were invalid or errored.
 */
export function rewardOf(candidates: readonly StoredCandidate[], round: number, scored: Scored): number {
  const before = candidates.filter((c) => c.round < round);
  const best = bestCandidate(before);
  const previous = before.filter((c) => scoredOf(c) !== null).at(-1);
  return roundReward(scored, best && scoredOf(best), previous ? scoredOf(previous) : null);
}

/** Rounds (round 0, the starting graph, included) whose candidate has ended. */
export const stepsDone = (candidates: readonly StoredCandidate[]) =>
  candidates.filter((c) => c.status !== 'running').length;

export interface SummaryDeps {
  experiments: ExperimentService;
  experimentRepo: ExperimentRepo;
  endpoints: EndpointRepo;
  graphs: GraphRepo;
}

async function confirmationOf(
  deps: SummaryDeps,
  experimentId: string | null,
): Promise<OptimisationSummary['confirmation']> {
  if (!experimentId) return null;
  const experiment = await deps.experiments.get(experimentId);
  return {
    experimentId,
    status: experiment?.status ?? 'missing',
    score:
      experiment && experiment.status !== 'running'
        ? scoreOutcomes(await deps.experimentRepo.outcomes(experiment.id)).score
        : null,
  };
}

/** The optimisation in brief: its rounds done, its starting and best graphs, whether a simulated model played. */
/** Whether any candidate's experiment used the simulated model (read in round order, up to the first that did). */
async function anySimulatedCandidate(deps: SummaryDeps, candidates: readonly StoredCandidate[]) {
  for (const candidate of candidates) {
    if (!candidate.experimentId) continue;
    if ((await deps.experiments.get(candidate.experimentId))?.simulated) return true;
  }
  return false;
}

export async function summarise(
  deps: SummaryDeps,
  optimisation: StoredOptimisation,
  candidates: readonly StoredCandidate[],
): Promise<OptimisationSummary> {
  const request = optimisation.request as unknown as StoredRequest;
  const best = bestCandidate(candidates);
  const baseline = candidates.find((c) => c.round === 0);
  const metaModel =
    request.metaAgent.model ?? (await deps.endpoints.get(request.metaAgent.endpointId))?.defaultModel ?? null;
  const simulated =
    isSimulatedModel(request.model ?? null) ||
    isSimulatedModel(metaModel) ||
    (await anySimulatedCandidate(deps, candidates));
  const version = await deps.graphs.getVersion(optimisation.graphVersionId);
  return {
    id: optimisation.id,
    name: optimisation.name,
    status: optimisation.status,
    stopReason: optimisation.stopReason,
    graphVersionId: optimisation.graphVersionId,
    graphName: version?.graph.name ?? optimisation.graphVersionId,
    metaAgent: { endpointId: request.metaAgent.endpointId, model: request.metaAgent.model ?? null },
    roundsRequested: request.rounds,
    roundsDone: candidates.filter((c) => c.round > 0 && c.status !== 'running').length,
    baseline: baseline?.versionId ? { versionId: baseline.versionId, score: baseline.score } : null,
    best:
      best?.versionId && best.score
        ? { round: best.round, versionId: best.versionId, score: best.score, cost: best.cost }
        : null,
    simulated,
    createdAt: optimisation.createdAt,
    author: optimisation.author,
    finishedAt: optimisation.finishedAt,
    confirmation: await confirmationOf(deps, optimisation.confirmationExperimentId),
  };
}
