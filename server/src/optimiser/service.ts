import { randomInt, randomUUID } from 'node:crypto';
import {
  diffGraphs,
  type Experiment,
  ExperimentRequest,
  type Optimisation,
  type OptimisationSummary,
  type OptimiserCandidate,
  type OptimiserRequest,
  type OptimiserRoundLine,
  progressEstimate,
  roundReward,
} from '@trellis/shared';
import type { z } from 'zod';
import type { TaskCatalog } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { fit, labelled } from '../experiments/names.ts';
import { selectTasks } from '../experiments/plan.ts';
import type { ExperimentService } from '../experiments/service.ts';
import { type ActiveJob, ActiveJobs } from '../jobs/active-jobs.ts';
import type { RunManager } from '../runs/manager.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import type { ExperimentRepo } from '../store/experiments.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import type {
  CandidateState,
  OptimisationRepo,
  StoredCandidate,
  StoredOptimisation,
} from '../store/optimisations.ts';
import type { RunRepo } from '../store/runs.ts';
import { sampleFailures, scoreOutcomes } from './evaluation.ts';
import { type AskMetaAgent, askEndpoint, roundMessages } from './meta-agent.ts';
import { MetaAgentFailure, RoundPlayer } from './round.ts';
import { roundLines } from './rounds-export.ts';
import {
  bestCandidate,
  publicCandidate,
  rewardOf,
  type StoredRequest,
  stepsDone,
  summarise,
} from './summary.ts';

type Request = z.output<typeof OptimiserRequest>;

export interface OptimiserDeps {
  optimisations: OptimisationRepo;
  experiments: ExperimentService;
  experimentRepo: ExperimentRepo;
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  runs: RunRepo;
  manager: RunManager;
  tasks: TaskCatalog;
  /** Aborted when the process stops: the optimisation is left to be resumed. */
  shutdown: AbortSignal;
  /** Replaces the meta-agent's calls (tests). */
  ask?: (endpointId: string, model: string | null) => AskMetaAgent;
}

export interface OptimisationUpdate {
  optimisation: Optimisation;
  candidate?: OptimiserCandidate;
}

type Phase = Optimisation['progress']['phase'];

/** Where an optimisation worked on here stands, for its progress. */
interface Stage {
  round: number | null;
  phase: Phase;
}

type Active = ActiveJob & Stage;

/**
 * The W4S-style scaffold optimiser. Round 0 scores the starting graph on the dev tasks; then each round a
 * meta-agent sees the best graph so far, its dev score, a sample of its failed runs and the earlier rounds, and
 * proposes one edit (a whole graph or node settings). The proposal is checked and dry-run on one dev task with up
 * to three repairs, saved as a version of the graph, and scored on the dev tasks as an experiment; the next round
 * edits the best so far. Every round is kept with its reward as training data for a meta-agent. Nothing here
 * reads the test split: the best graph is confirmed there once, on request, after the optimisation.
 */
export class OptimiserService {
  private readonly active: ActiveJobs<OptimisationUpdate, Stage>;
  private readonly rounds: RoundPlayer;

  constructor(private readonly deps: OptimiserDeps) {
    this.active = new ActiveJobs(deps.shutdown);
    this.rounds = new RoundPlayer(deps);
  }

  /**
   * Checks a request (graph, dev-only tasks, endpoints, a runnable graph) and starts. Bad input changes nothing.
   * `author` (null in single-user mode) is recorded on it and on every round's version, experiment and runs.
   */
  async create(request: Request, author: string | null = null): Promise<Optimisation> {
    const version = await this.deps.graphs.getVersion(request.graphVersionId);
    if (!version) {
      throw new DomainError(
        'not_found',
        'not_found',
        `graph version '${request.graphVersionId}' does not exist`,
      );
    }
    const tasks = selectTasks(request.tasks);
    const other = tasks.filter((task) => task.split !== 'dev');
    if (other.length > 0) {
      throw new DomainError(
        'invalid',
        'not_dev',
        `an optimisation reads the dev split only; the task set has ${other.length} task(s) of another split (${other
          .slice(0, 5)
          .map((t) => t.id)
          .join(', ')}${other.length > 5 ? ', …' : ''})`,
      );
    }
    for (const [endpointId, role] of [
      [request.endpointId, 'run'],
      [request.metaAgent.endpointId, 'meta-agent'],
    ] as const) {
      if (endpointId && !(await this.deps.endpoints.get(endpointId))) {
        throw new DomainError(
          'unprocessable',
          'unknown_endpoint',
          `the ${role} endpoint '${endpointId}' is not registered`,
        );
      }
    }
    const taskIds = tasks.map((t) => t.id);
    // Round 0's experiment is checked as every round's will be: a graph that cannot run is refused now.
    await this.deps.experiments.check(this.experimentRequest(request, version.id, taskIds, [0], 'check'));
    const seeds = request.seeds ?? Array.from({ length: request.repeats }, () => randomInt(0, 2 ** 31 - 1));
    const id = `opt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const stored: StoredRequest = { ...request, seeds, taskIds };
    await this.deps.optimisations.create({
      id,
      name: request.name ?? `optimisation of ${version.graph.name}`,
      graphVersionId: version.id,
      request: stored,
      author,
    });
    // In its job's turn: the optimisation is stored as running, so a resume may already be looking at it.
    await this.active.exclusive(id, async () => {
      if (!this.active.has(id)) await this.launch(id);
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Optimisation | null> {
    const optimisation = await this.deps.optimisations.get(id);
    if (!optimisation) return null;
    const candidates = await this.deps.optimisations.candidates(id);
    const summary = await summarise(this.deps, optimisation, candidates);
    const active = this.active.get(id);
    const done = stepsDone(candidates);
    const elapsedMs = active ? performance.now() - active.startedAt : 0;
    return {
      ...summary,
      request: optimisation.request,
      candidates: candidates.map(publicCandidate),
      progress: {
        roundsDone: summary.roundsDone,
        roundsRequested: summary.roundsRequested,
        round: active?.round ?? null,
        phase: active?.phase ?? null,
        ...progressEstimate({
          total: summary.roundsRequested + 1,
          done,
          doneBefore: active?.doneBefore ?? done,
          elapsedMs,
        }),
        elapsedMs,
      },
    };
  }

  async list(): Promise<OptimisationSummary[]> {
    const summaries: OptimisationSummary[] = [];
    for (const o of await this.deps.optimisations.list()) {
      summaries.push(await summarise(this.deps, o, await this.deps.optimisations.candidates(o.id)));
    }
    return summaries;
  }

  async found(id: string): Promise<StoredOptimisation> {
    const optimisation = await this.deps.optimisations.get(id);
    if (!optimisation) {
      throw new DomainError('not_found', 'not_found', `optimisation '${id}' does not exist`);
    }
    return optimisation;
  }

  async cancel(id: string): Promise<Optimisation> {
    await this.active.cancelInTurn(
      id,
      'optimisation',
      async () => (await this.found(id)).status,
      () => this.deps.optimisations.setStatus(id, 'cancelled'),
    );
    return (await this.get(id))!;
  }

  /** Takes up the optimisations a previous process left running (after the experiments have been resumed). */
  async resume(only?: readonly string[]): Promise<string[]> {
    const candidates = (await this.deps.optimisations.runningIds()).filter(
      (id) => only === undefined || only.includes(id),
    );
    return this.active.takeUpEach(candidates, (id) => this.launch(id));
  }

  follow(id: string, listener: (update: OptimisationUpdate) => void): (() => void) | null {
    return this.active.follow(id, listener);
  }

  settled(id: string): Promise<void> {
    return this.active.settled(id);
  }

  idle(): Promise<void> {
    return this.active.idle();
  }

  /**
   * Makes the best graph the head version of the optimised graph. Its version exists already, so `author` is
   * recorded only when saving writes a new one (it never does today).
   */
  async saveBest(id: string, author: string | null = null): Promise<StoredVersion> {
    const optimisation = await this.found(id);
    const best = bestCandidate(await this.deps.optimisations.candidates(id));
    if (!best?.versionId) {
      throw new DomainError(
        'conflict',
        'no_best',
        `optimisation '${optimisation.name}' has no scored round yet`,
      );
    }
    const version = (await this.deps.graphs.getVersion(best.versionId))!;
    // Saving a version's own content makes it the head again; nothing new is written.
    return this.deps.graphs.save({
      graph: version.graph,
      message: version.message,
      graphId: version.graphId,
      author,
    });
  }

  /**
   * Runs the best graph once on the test split, after the optimisation has ended. Its result is never read by the
   * optimiser; asking while it runs is refused, as is asking twice. The experiment is `author`'s (who asked).
   */
  async confirm(id: string, author: string | null = null): Promise<Experiment> {
    const optimisation = await this.found(id);
    if (optimisation.status === 'running') {
      throw new DomainError(
        'conflict',
        'optimisation_running',
        'the test split is read only after the optimisation has chosen: wait for it to end',
      );
    }
    if (optimisation.confirmationExperimentId) {
      throw new DomainError(
        'conflict',
        'confirmed',
        `optimisation '${optimisation.name}' was confirmed already`,
      );
    }
    const best = bestCandidate(await this.deps.optimisations.candidates(id));
    if (!best?.versionId) {
      throw new DomainError(
        'conflict',
        'no_best',
        `optimisation '${optimisation.name}' has no scored round to confirm`,
      );
    }
    const request = optimisation.request as unknown as StoredRequest;
    const experiment = await this.deps.experiments.create(
      ExperimentRequest.parse({
        name: labelled(optimisation.name, 'confirmation on test', 120),
        arms: [
          {
            graphVersionId: best.versionId,
            label: fit(`round ${best.round}${best.label ? `: ${best.label}` : ''}`, 60),
            ...(request.endpointId ? { endpointId: request.endpointId } : {}),
            ...(request.model ? { model: request.model } : {}),
          },
        ],
        tasks: { split: 'test' },
        repeats: request.repeats,
        seeds: request.seeds,
        limits: { concurrencyPerEndpoint: request.concurrencyPerEndpoint },
      }),
      { author },
    );
    await this.deps.optimisations.setConfirmation(id, experiment.id);
    return experiment;
  }

  /** Every round after round 0 as a training example (see OptimiserRoundLine). */
  async roundLines(id: string): Promise<OptimiserRoundLine[]> {
    const optimisation = await this.found(id);
    const candidates = await this.deps.optimisations.candidates(id);
    const { simulated } = await summarise(this.deps, optimisation, candidates);
    // The versions the lines show, read first: the export itself looks them up as it writes each line.
    const versions = new Map<string, StoredVersion | null>();
    for (const c of candidates) {
      if (c.round === 0) continue;
      for (const versionId of [c.parentVersionId, c.versionId]) {
        if (versionId && !versions.has(versionId)) {
          versions.set(versionId, await this.deps.graphs.getVersion(versionId));
        }
      }
    }
    return roundLines(optimisation.id, candidates, (versionId) => versions.get(versionId) ?? null, simulated);
  }

  private experimentRequest(
    request: Request,
    graphVersionId: string,
    taskIds: string[],
    seeds: number[],
    label: string,
  ): z.output<typeof ExperimentRequest> {
    return ExperimentRequest.parse({
      name: fit(label, 120),
      arms: [
        {
          graphVersionId,
          label: fit(label, 60),
          ...(request.endpointId ? { endpointId: request.endpointId } : {}),
          ...(request.model ? { model: request.model } : {}),
        },
      ],
      tasks: { ids: taskIds },
      repeats: seeds.length,
      seeds,
      limits: { concurrencyPerEndpoint: request.concurrencyPerEndpoint },
    });
  }

  private publish(id: string, candidate?: StoredCandidate): Promise<void> {
    return this.active.publish(id, async () => {
      const optimisation = await this.get(id);
      if (!optimisation) return null;
      return { optimisation, ...(candidate ? { candidate: publicCandidate(candidate) } : {}) };
    });
  }

  private async setPhase(id: string, active: Active, round: number, phase: Phase): Promise<void> {
    if (active.round === round && active.phase === phase) return;
    active.round = round;
    active.phase = phase;
    await this.publish(id);
  }

  /** Starts the optimisation's work; call it in the job's turn (`active.exclusive`), after `has` said no. */
  private async launch(id: string): Promise<void> {
    const doneBefore = stepsDone(await this.deps.optimisations.candidates(id));
    this.active.launch(id, {
      doneBefore,
      state: { round: null, phase: null },
      work: (job) => this.work(id, job),
      onFault: (error) =>
        this.deps.optimisations.setStatus(id, 'stopped', `the optimiser failed: ${error.message}`),
      onEnd: (job) => {
        job.round = null;
        job.phase = null;
        return this.publish(id);
      },
    });
  }

  private async work(id: string, active: Active): Promise<void> {
    // The optimisation's cancel or the process's stop.
    const signal = AbortSignal.any([active.controller.signal, this.deps.shutdown]);
    const optimisation = (await this.deps.optimisations.get(id))!;
    const request = optimisation.request as unknown as StoredRequest;
    let stopReason: string | null = null;
    if (!(await this.deps.optimisations.candidates(id)).some((c) => c.round === 0)) {
      await this.setPhase(id, active, 0, 'baseline');
      await this.evaluate(id, request, {
        round: 0,
        version: (await this.deps.graphs.getVersion(optimisation.graphVersionId))!,
        label: 'starting graph',
      });
    }
    // Rounds a stop left being scored: wait for their experiments (resumed with the server) before going on.
    for (const candidate of (await this.deps.optimisations.candidates(id)).filter(
      (c) => c.status === 'running',
    )) {
      await this.setPhase(id, active, candidate.round, candidate.round === 0 ? 'baseline' : 'evaluating');
      if (!(await this.finishCandidate(id, candidate, active))) return;
    }
    const baseline = (await this.deps.optimisations.candidates(id)).find((c) => c.round === 0)!;
    if (!signal.aborted && baseline.status !== 'evaluated') {
      stopReason = `the starting graph could not be scored: ${baseline.reason ?? baseline.status}`;
    }
    while (stopReason === null && !signal.aborted) {
      const candidates = await this.deps.optimisations.candidates(id);
      const round = Math.max(...candidates.map((c) => c.round)) + 1;
      if (round > request.rounds) break;
      let candidate: StoredCandidate | null;
      try {
        candidate = await this.propose(id, optimisation, request, round, candidates, active, signal);
      } catch (error) {
        if (!(error instanceof MetaAgentFailure)) throw error;
        stopReason = `the meta-agent failed in round ${round}: ${error.message}`;
        break;
      }
      if (candidate?.status === 'running' && !(await this.finishCandidate(id, candidate, active))) return;
    }
    if (this.deps.shutdown.aborted) return;
    if (active.controller.signal.aborted) await this.deps.optimisations.setStatus(id, 'cancelled');
    else if (stopReason) await this.deps.optimisations.setStatus(id, 'stopped', stopReason);
    else await this.deps.optimisations.setStatus(id, 'finished');
  }

  /** Asks for, checks and stores one round's proposal; a valid one is left being scored. Null when stopped. */
  private async propose(
    id: string,
    optimisation: StoredOptimisation,
    request: StoredRequest,
    round: number,
    candidates: StoredCandidate[],
    active: Active,
    signal: AbortSignal,
  ): Promise<StoredCandidate | null> {
    const best = bestCandidate(candidates)!;
    const parent = (await this.deps.graphs.getVersion(best.versionId!))!;
    const outcomes = await this.deps.experimentRepo.outcomes(best.experimentId!);
    const { failures, failedRuns } = await sampleFailures(
      outcomes,
      request.failureSamples,
      async (runId) =>
        (await this.deps.optimisations.lastEvent(runId, 'action.executed'))?.observation ?? null,
    );
    const earlier = candidates.filter((c) => c.round > 0);
    const state: CandidateState = {
      parentScore: best.score?.rate ?? null,
      failures,
      history: earlier.map((c) => ({ round: c.round, label: c.label, score: c.score?.rate ?? null })),
    };
    const { endpointId, model } = request.metaAgent;
    const ask =
      this.deps.ask?.(endpointId, model ?? null) ??
      askEndpoint(this.deps.endpoints, endpointId, model ?? null, signal);
    const result = await this.rounds.play({
      optimisationName: optimisation.name,
      author: optimisation.author?.id ?? null,
      round,
      parent,
      earlier: candidates,
      ask,
      endpointId: request.endpointId ?? null,
      model: request.model ?? null,
      dryRun: { taskId: request.taskIds[0]!, seed: request.seeds[0]! },
      signal,
      onPhase: (phase) => this.setPhase(id, active, round, phase),
      messages: roundMessages({
        round,
        best: { ...best, graph: parent.graph },
        failures,
        failedRuns,
        history: earlier,
      }),
    });
    if (result.kind === 'stopped') return null;
    const { read } = result;
    const base = {
      round,
      parentVersionId: parent.id,
      label: read.label || `round ${round}`,
      analysis: read.analysis,
      repairs: result.repairs,
      problems: result.problems,
      dryRunId: result.dryRunId,
      state,
      proposal: read.graph ?? read.proposed,
      attempts: result.attempts,
      edit: read.graph ? diffGraphs(parent.graph, read.graph) : [],
    };
    if (!result.valid) {
      const invalid = await this.addCandidate(id, {
        ...base,
        versionId: result.version?.id ?? null,
        status: 'invalid',
        reason: `no valid proposal after ${result.repairs} repairs: the round was skipped`,
        reward: roundReward(null, null, null),
      });
      return invalid;
    }
    await this.setPhase(id, active, round, 'evaluating');
    return this.evaluate(id, request, { ...base, version: result.version! });
  }

  /** Starts scoring a graph on the dev tasks and stores its candidate (errored when its experiment cannot start). */
  private async evaluate(
    id: string,
    request: StoredRequest,
    candidate: Partial<StoredCandidate> & { round: number; version: StoredVersion; label: string },
  ): Promise<StoredCandidate> {
    const { version, ...fields } = candidate;
    const optimisation = (await this.deps.optimisations.get(id))!;
    const base = {
      parentVersionId: null,
      analysis: '',
      edit: [],
      repairs: 0,
      problems: [],
      dryRunId: null,
      state: { parentScore: null, failures: [], history: [] },
      proposal: null,
      attempts: [],
      ...fields,
      versionId: version.id,
    };
    try {
      const experiment = await this.deps.experiments.create(
        this.experimentRequest(
          request,
          version.id,
          request.taskIds,
          request.seeds,
          labelled(optimisation.name, `round ${candidate.round}`, 120),
        ),
        { author: optimisation.author?.id ?? null },
      );
      return await this.addCandidate(id, {
        ...base,
        status: 'running',
        reason: null,
        experimentId: experiment.id,
        reward: null,
      });
    } catch (error) {
      return this.addCandidate(id, {
        ...base,
        status: 'errored',
        reason: `its experiment could not start: ${(error as Error).message}`,
        reward: candidate.round === 0 ? null : 0,
      });
    }
  }

  private async addCandidate(
    id: string,
    fields: Omit<StoredCandidate, 'index' | 'createdAt' | 'experimentId' | 'score' | 'cost'> &
      Partial<Pick<StoredCandidate, 'experimentId'>>,
  ): Promise<StoredCandidate> {
    const candidate: StoredCandidate = {
      experimentId: null,
      score: null,
      cost: null,
      ...fields,
      index: (await this.deps.optimisations.candidates(id)).length,
      createdAt: new Date().toISOString(),
    };
    await this.deps.optimisations.addCandidate(id, candidate);
    await this.publish(id, candidate);
    return candidate;
  }

  /**
   * Waits for a candidate's experiment and stores its score and reward. False when the experiment is not finished
   * here (the process is stopping, or another process works on it): the candidate stays running, to be resumed.
   */
  private async finishCandidate(id: string, candidate: StoredCandidate, active: Active): Promise<boolean> {
    const experimentId = candidate.experimentId!;
    const onCancel = () => {
      // An abort listener cannot wait: the cancel goes on by itself, and settled() below sees the experiment end.
      void this.deps.experiments.cancel(experimentId).catch(() => {
        // It ended meanwhile.
      });
    };
    active.controller.signal.addEventListener('abort', onCancel, { once: true });
    if (active.controller.signal.aborted) onCancel();
    await this.deps.experiments.settled(experimentId);
    active.controller.signal.removeEventListener('abort', onCancel);
    if (this.deps.shutdown.aborted) return false;
    const experiment = await this.deps.experiments.get(experimentId);
    if (experiment?.status === 'running') return false;
    const { score, cost, errored } = scoreOutcomes(await this.deps.experimentRepo.outcomes(experimentId));
    let fields: Pick<StoredCandidate, 'status' | 'reason' | 'score' | 'cost' | 'reward'>;
    if (experiment?.status === 'finished' && !errored && score.rate !== null) {
      fields = {
        status: 'evaluated',
        reason: null,
        score,
        cost,
        reward:
          candidate.round === 0
            ? null
            : rewardOf(await this.deps.optimisations.candidates(id), candidate.round, {
                score: score.rate,
                cost,
              }),
      };
    } else if (experiment?.status === 'cancelled') {
      fields = {
        status: 'skipped',
        reason: 'its experiment was cancelled before every run had ended',
        score,
        cost,
        reward: null,
      };
    } else {
      fields = {
        status: 'errored',
        reason: errored
          ? 'every run of its experiment errored'
          : experiment?.status === 'finished'
            ? 'no run of its experiment finished'
            : `its experiment ${experiment?.status ?? 'is missing'}${experiment?.stopReason ? `: ${experiment.stopReason}` : ''}`,
        score,
        cost,
        reward: candidate.round === 0 ? null : 0,
      };
    }
    await this.deps.optimisations.finishCandidate(id, candidate.index, fields);
    await this.publish(id, { ...candidate, ...fields });
    return true;
  }
}
