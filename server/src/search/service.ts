import { randomInt, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  type Allocation,
  applyOverrides,
  type Experiment,
  ExperimentRequest,
  isSimulatedModel,
  progressEstimate,
  type Search,
  type SearchRequest,
  type SearchSummary,
  type SearchTrial,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import { fit, labelled } from '../experiments/names.ts';
import { selectTasks } from '../experiments/plan.ts';
import type { ExperimentService } from '../experiments/service.ts';
import { wilson } from '../experiments/stats.ts';
import { streamChat } from '../inference/client.ts';
import { type ActiveJob, ActiveJobs } from '../jobs/active-jobs.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import type { ExperimentRepo } from '../store/experiments.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import type { SearchRepo, StoredSearch, StoredTrial } from '../store/searches.ts';
import { declaredCost, measuredCompute, roleModels } from './compute.ts';
import {
  type AskModel,
  BayesianProposer,
  ModelProposer,
  type Proposer,
  RandomProposer,
  type SearchContext,
  type TrialRecord,
  validateProposal,
} from './methods.ts';
import { applyAllocation, checkSpace, describeAllocation } from './space.ts';

/**
 * The lowest declared cost any allocation of the space can have. Cost adds up over nodes and, per node, is an
 * output weight times a token cap (both non-negative), so the cheapest model and the smallest cap of each node
 * make the cheapest allocation.
 */
export function cheapestCost(context: SearchContext): number {
  const allocation: Allocation = {};
  for (const [nodeId, knobs] of Object.entries(context.space)) {
    const choice: Allocation[string] = {};
    if (knobs.model) {
      const weight = (model: string) => context.rule.weights[model]?.output ?? 1;
      choice.model = [...knobs.model].sort((a, b) => weight(a.model) - weight(b.model))[0]!;
    }
    if (knobs.maxOutputTokens) choice.maxOutputTokens = Math.min(...knobs.maxOutputTokens);
    allocation[nodeId] = choice;
  }
  return declaredCost(context.graph, allocation, context.rule, context.defaults);
}

type Request = z.output<typeof SearchRequest>;

export interface SearchDeps {
  searches: SearchRepo;
  experiments: ExperimentService;
  experimentRepo: ExperimentRepo;
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  /** Aborted when the process stops: the search is left to be resumed. */
  shutdown: AbortSignal;
  /** Replaces the proposer model's calls (tests). */
  ask?: (endpointId: string, model: string | null) => AskModel;
}

export interface SearchUpdate {
  search: Search;
  trial?: SearchTrial;
}

/** Rounds in a row without one runnable proposal before a search gives up on its proposer. */
const BARREN_ROUNDS = 3;

const publicTrial = (trial: StoredTrial): SearchTrial => trial;
const counts = (trial: StoredTrial) =>
  trial.status === 'done' || trial.status === 'reused' || trial.status === 'errored';

/** Asks a registered endpoint for one reply, for the proposer model. */
function askEndpoint(
  endpoints: EndpointRepo,
  endpointId: string,
  model: string | null,
  signal: AbortSignal,
): AskModel {
  return async (messages) => {
    const record = await endpoints.get(endpointId);
    if (!record) throw new Error(`endpoint '${endpointId}' is no longer registered`);
    const chosen = model ?? record.defaultModel;
    if (!chosen)
      throw new Error(`endpoint '${record.name}' has no default model; choose the proposer's model`);
    let text = '';
    for await (const event of streamChat({
      baseUrl: record.baseUrl,
      apiKey: record.apiKey,
      model: chosen,
      messages,
      params: { temperature: 0.7, max_tokens: 2048 },
      timeouts: record.timeouts,
      signal,
    })) {
      if (event.type === 'delta') text += event.text;
      if (event.type === 'error') throw new Error(`${record.name}: ${event.error.message}`);
    }
    return text;
  };
}

/**
 * Allocation search: which model, output budget, thinking, temperature and role settings each node deserves,
 * searched jointly under a declared compute budget. Each trial is an experiment on the dev split (the experiment
 * machinery: interleaving, per-endpoint bounds, restart); identical trials are not run twice; proposals come from
 * random search, a random-forest Bayesian optimiser, or a model at an endpoint. Nothing here reads the test split:
 * the chosen allocation is confirmed there once, on request, after the search.
 */
export class SearchService {
  private readonly active: ActiveJobs<SearchUpdate>;

  constructor(private readonly deps: SearchDeps) {
    this.active = new ActiveJobs(deps.shutdown);
  }

  /**
   * Checks a request (graph, space, budget, dev-only tasks) and starts the search. Bad input changes nothing.
   * `author` (null in single-user mode) is recorded on it and on every trial's version, experiment and runs.
   */
  async create(request: Request, author: string | null = null): Promise<Search> {
    const version = await this.deps.graphs.getVersion(request.graphVersionId);
    if (!version) {
      throw new DomainError(
        'not_found',
        'not_found',
        `graph version '${request.graphVersionId}' does not exist`,
      );
    }
    checkSpace(version.graph, request.space);
    const tasks = selectTasks(request.tasks);
    const test = tasks.filter((task) => task.split !== 'dev');
    if (test.length > 0) {
      throw new DomainError(
        'invalid',
        'not_dev',
        `a search reads the dev split only; the task set has ${test.length} task(s) of another split (${test
          .slice(0, 5)
          .map((t) => t.id)
          .join(', ')}${test.length > 5 ? ', …' : ''})`,
      );
    }
    for (const endpointId of [request.endpointId, request.proposer?.endpointId]) {
      if (endpointId && !(await this.deps.endpoints.get(endpointId))) {
        throw new DomainError(
          'unprocessable',
          'unknown_endpoint',
          `endpoint '${endpointId}' is not registered`,
        );
      }
    }
    const context = await this.contextOf(version, request);
    const minimum = cheapestCost(context);
    if (minimum > request.compute.budget) {
      throw new DomainError(
        'invalid',
        'budget_too_small',
        `the budget of ${request.compute.budget.toLocaleString('en-US')} is below one trial: the cheapest allocation declares ${minimum.toLocaleString('en-US')}`,
      );
    }
    // The first trial's experiment is checked as every trial's will be: a graph that cannot run is refused now.
    await this.deps.experiments.check(
      this.experimentRequest(
        request,
        version.id,
        tasks.map((t) => t.id),
        [0],
        'check',
      ),
    );
    const seeds = request.seeds ?? Array.from({ length: request.repeats }, () => randomInt(0, 2 ** 31 - 1));
    const id = `srch_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const stored = {
      ...request,
      seeds,
      seed: request.seed ?? randomInt(0, 2 ** 31 - 1),
      taskIds: tasks.map((t) => t.id),
      /** What makes two trials of one allocation the same evaluation (reused across searches). */
      evaluation: JSON.stringify({
        tasks: tasks.map((t) => t.id),
        seeds,
        endpointId: request.endpointId ?? null,
        model: request.model ?? null,
      }),
    };
    await this.deps.searches.create({
      id,
      name: request.name ?? `${request.method} search on ${version.graph.name}`,
      method: request.method,
      graphVersionId: version.id,
      request: stored,
      author,
    });
    // In its job's turn: the search is stored as running, so a resume may already be looking at it.
    await this.active.exclusive(id, async () => {
      if (!this.active.has(id)) await this.launch(id);
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Search | null> {
    const search = await this.deps.searches.get(id);
    if (!search) return null;
    const trials = await this.deps.searches.trials(id);
    const summary = await this.summaryOf(search, trials);
    const active = this.active.get(id);
    const done = trials.filter(counts).length;
    const elapsedMs = active ? performance.now() - active.startedAt : 0;
    const requested = search.request.trials as number;
    return {
      ...summary,
      request: search.request,
      trials: trials.map(publicTrial),
      lessons: search.lessons,
      progress: {
        trialsDone: done,
        trialsRequested: requested,
        runningTrials: trials.filter((t) => t.status === 'running').length,
        ...progressEstimate({ total: requested, done, doneBefore: active?.doneBefore ?? done, elapsedMs }),
        elapsedMs,
      },
    };
  }

  async list(): Promise<SearchSummary[]> {
    const summaries: SearchSummary[] = [];
    for (const search of await this.deps.searches.list()) {
      summaries.push(await this.summaryOf(search, await this.deps.searches.trials(search.id)));
    }
    return summaries;
  }

  async found(id: string): Promise<StoredSearch> {
    const search = await this.deps.searches.get(id);
    if (!search) throw new DomainError('not_found', 'not_found', `search '${id}' does not exist`);
    return search;
  }

  async cancel(id: string): Promise<Search> {
    await this.active.cancelInTurn(
      id,
      'search',
      async () => (await this.found(id)).status,
      () => this.deps.searches.setStatus(id, 'cancelled'),
    );
    return (await this.get(id))!;
  }

  /** Takes up the searches a previous process left running. */
  async resume(only?: readonly string[]): Promise<string[]> {
    const candidates = (await this.deps.searches.runningIds()).filter(
      (id) => only === undefined || only.includes(id),
    );
    return this.active.takeUpEach(candidates, (id) => this.launch(id));
  }

  follow(id: string, listener: (update: SearchUpdate) => void): (() => void) | null {
    return this.active.follow(id, listener);
  }

  settled(id: string): Promise<void> {
    return this.active.settled(id);
  }

  idle(): Promise<void> {
    return this.active.idle();
  }

  /** The best trial: highest dev score, then lowest measured compute, then earliest. */
  best(trials: readonly StoredTrial[]): StoredTrial | null {
    let best: StoredTrial | null = null;
    for (const trial of trials) {
      if (trial.score?.rate === null || trial.score === null || !counts(trial) || trial.status === 'errored')
        continue;
      if (
        best === null ||
        trial.score.rate! > best.score!.rate! ||
        (trial.score.rate === best.score!.rate && (trial.compute ?? Infinity) < (best.compute ?? Infinity))
      ) {
        best = trial;
      }
    }
    return best;
  }

  /**
   * Saves the best trial's graph (its models written into the nodes) as the head version of the searched graph,
   * by `author` (who asked; null in single-user mode).
   */
  async saveBest(id: string, author: string | null = null): Promise<StoredVersion> {
    const search = await this.found(id);
    const best = this.best(await this.deps.searches.trials(id));
    if (!best?.graphVersionId) {
      throw new DomainError('conflict', 'no_best', `search '${search.name}' has no scored trial yet`);
    }
    const base = (await this.deps.graphs.getVersion(search.graphVersionId))!;
    const trialVersion = (await this.deps.graphs.getVersion(best.graphVersionId))!;
    const saved = await this.deps.graphs.save({
      graph: { ...trialVersion.graph, name: base.graph.name },
      message: `best of search ${search.name}: ${describeAllocation(best.allocation)} (dev TGC ${((best.score?.rate ?? 0) * 100).toFixed(1)})`,
      graphId: base.graphId,
      parentId: base.id,
      author,
    });
    return saved;
  }

  /**
   * Runs the chosen allocation once on the test split, after the search has ended. Its result is never read by the
   * search; asking while the search runs is refused, as is asking twice. The experiment is `author`'s (who asked).
   */
  async confirm(id: string, author: string | null = null): Promise<Experiment> {
    const search = await this.found(id);
    if (search.status === 'running') {
      throw new DomainError(
        'conflict',
        'search_running',
        'the test split is read only after the search has chosen: wait for it to end',
      );
    }
    if (search.confirmationExperimentId) {
      throw new DomainError('conflict', 'confirmed', `search '${search.name}' was confirmed already`);
    }
    const best = this.best(await this.deps.searches.trials(id));
    if (!best?.graphVersionId) {
      throw new DomainError('conflict', 'no_best', `search '${search.name}' has no scored trial to confirm`);
    }
    const request = search.request as unknown as Request & { seeds: number[] };
    const experiment = await this.deps.experiments.create(
      ExperimentRequest.parse({
        name: labelled(search.name, 'confirmation on test', 120),
        arms: [
          {
            graphVersionId: best.graphVersionId,
            label: fit(describeAllocation(best.allocation), 60),
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
    await this.deps.searches.setConfirmation(id, experiment.id);
    return experiment;
  }

  /** Whether any trial's experiment used the simulated model (read in trial order, up to the first that did). */
  private async anySimulatedTrial(trials: readonly StoredTrial[]): Promise<boolean> {
    for (const trial of trials) {
      if (trial.experimentId && (await this.deps.experiments.get(trial.experimentId))?.simulated) return true;
    }
    return false;
  }

  private async summaryOf(search: StoredSearch, trials: readonly StoredTrial[]): Promise<SearchSummary> {
    const best = this.best(trials);
    const version = await this.deps.graphs.getVersion(search.graphVersionId);
    let confirmation: SearchSummary['confirmation'] = null;
    if (search.confirmationExperimentId) {
      const experiment = await this.deps.experiments.get(search.confirmationExperimentId);
      confirmation = {
        experimentId: search.confirmationExperimentId,
        status: experiment?.status ?? 'missing',
        score:
          experiment && experiment.status !== 'running'
            ? (await this.scoreOf(search.confirmationExperimentId)).score
            : null,
      };
    }
    const request = search.request as unknown as Request;
    const simulated =
      (await this.anySimulatedTrial(trials)) ||
      Object.values(request.space ?? {}).some((knobs) =>
        knobs.model?.some((m) => isSimulatedModel(m.model)),
      ) ||
      isSimulatedModel(request.model ?? null);
    return {
      id: search.id,
      name: search.name,
      status: search.status,
      stopReason: search.stopReason,
      method: search.method,
      graphVersionId: search.graphVersionId,
      graphName: version?.graph.name ?? search.graphVersionId,
      trialsRequested: request.trials,
      trialsDone: trials.filter(counts).length,
      refused: trials.filter((t) => t.status === 'refused').length,
      best: best ? { index: best.index, score: best.score!.rate!, compute: best.compute } : null,
      simulated,
      createdAt: search.createdAt,
      author: search.author,
      finishedAt: search.finishedAt,
      confirmation,
    };
  }

  private async contextOf(version: StoredVersion, request: Request): Promise<SearchContext> {
    const endpointModels: Record<string, string | null> = {};
    for (const endpoint of await this.deps.endpoints.list()) {
      endpointModels[endpoint.id] = endpoint.defaultModel;
    }
    const fallback = request.endpointId ? (endpointModels[request.endpointId] ?? null) : null;
    return {
      graph: version.graph,
      space: request.space,
      rule: request.compute,
      defaults: { model: request.model ?? fallback, endpointModels },
    };
  }

  private experimentRequest(
    request: Request,
    graphVersionId: string,
    taskIds: string[],
    seeds: number[],
    label: string,
  ): z.output<typeof ExperimentRequest> {
    return ExperimentRequest.parse({
      name: label,
      arms: [
        {
          graphVersionId,
          label,
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

  /** The dev TGC of a trial's experiment and its measured compute. */
  private async scoreOf(experimentId: string, allocation?: Allocation, context?: SearchContext) {
    const outcomes = await this.deps.experimentRepo.outcomes(experimentId);
    const finished = outcomes.filter(
      (o) => o.runStatus === 'succeeded' || o.runStatus === 'failed' || o.runStatus === 'errored',
    );
    const successes = finished.filter((o) => o.runStatus === 'succeeded').length;
    const n = finished.length;
    const rate = n === 0 ? null : successes / n;
    const interval = n === 0 ? null : wilson(successes, n);
    let compute: number | null = null;
    let tokens: number | null = null;
    if (allocation && context) {
      const measured = measuredCompute(
        finished.flatMap((o) => (o.totals ? [o.totals.byRole] : [])),
        roleModels(context.graph, allocation, context.defaults),
        context.rule,
      );
      compute = measured.compute;
      tokens = measured.tokens;
    }
    return {
      score: { rate, low: interval?.low ?? null, high: interval?.high ?? null, successes, n },
      compute,
      tokens,
      errored: finished.length > 0 && finished.every((o) => o.runStatus === 'errored'),
    };
  }

  private publish(id: string, trial?: StoredTrial): Promise<void> {
    return this.active.publish(id, async () => {
      const search = await this.get(id);
      if (!search) return null;
      return { search, ...(trial ? { trial: publicTrial(trial) } : {}) };
    });
  }

  /** Starts the search's work; call it in the job's turn (`active.exclusive`), after `has` said no. */
  private async launch(id: string): Promise<void> {
    const doneBefore = (await this.deps.searches.trials(id)).filter(counts).length;
    this.active.launch(id, {
      doneBefore,
      work: (job) => {
        // Each running trial listens for the cancel: up to a batch of 16, more than Node's default of 10 before it warns.
        setMaxListeners(32, job.controller.signal);
        return this.work(id, job);
      },
      onFault: (error) => this.deps.searches.setStatus(id, 'stopped', `the search failed: ${error.message}`),
      onEnd: () => this.publish(id),
    });
  }

  private proposerOf(search: StoredSearch, context: SearchContext, active: ActiveJob): Proposer {
    const request = search.request as unknown as Request & { seed: number };
    switch (search.method) {
      case 'random':
        return new RandomProposer(context, request.seed);
      case 'bayesian':
        return new BayesianProposer(context, request.seed, { batchSize: request.batchSize });
      case 'proposer': {
        const { endpointId, model } = request.proposer!;
        const ask =
          this.deps.ask?.(endpointId, model ?? null) ??
          askEndpoint(this.deps.endpoints, endpointId, model ?? null, active.controller.signal);
        return new ModelProposer(ask, { ...context, lessons: search.lessons.map((l) => l.text) });
      }
    }
  }

  private async work(id: string, active: ActiveJob): Promise<void> {
    const search = (await this.deps.searches.get(id))!;
    const request = search.request as unknown as Request & {
      seeds: number[];
      taskIds: string[];
      evaluation: string;
    };
    const version = (await this.deps.graphs.getVersion(search.graphVersionId))!;
    const context = await this.contextOf(version, request);
    const proposer = this.proposerOf(search, context, active);
    const stopping = () => active.controller.signal.aborted || this.deps.shutdown.aborted;
    let stopReason: string | null = null;
    /** Why a search finished short of its trials: nothing left to try. */
    let exhausted: string | null = null;
    let barren = 0;
    // Trials a stop left running: wait for their experiments (resumed with the server) before proposing more.
    for (const trial of (await this.deps.searches.trials(id)).filter((t) => t.status === 'running')) {
      await this.finishTrial(id, trial, context, active);
    }
    while (!stopping()) {
      const trials = await this.deps.searches.trials(id);
      const done = trials.filter(counts).length;
      if (done >= request.trials) break;
      const round = (trials.at(-1)?.round ?? 0) + 1;
      const history: TrialRecord[] = trials
        .filter((t) => t.status !== 'refused')
        .map((t) => ({
          allocation: t.allocation,
          key: t.key,
          score: t.status === 'errored' ? null : (t.score?.rate ?? null),
          compute: t.compute,
          declaredCost: t.declaredCost ?? 0,
        }));
      let proposals: Awaited<ReturnType<Proposer['next']>>;
      try {
        proposals = await proposer.next(history, Math.min(request.batchSize, request.trials - done));
      } catch (error) {
        if (stopping()) break;
        stopReason = `the proposer failed: ${(error as Error).message}`;
        break;
      }
      // Cancelled while the proposer was thinking: its proposals are not started.
      if (stopping()) break;
      if (proposer instanceof ModelProposer && proposer.lastLesson) {
        const lessons = (await this.deps.searches.get(id))!.lessons;
        if (lessons.at(-1)?.text !== proposer.lastLesson) {
          await this.deps.searches.setLessons(id, [...lessons, { round, text: proposer.lastLesson }]);
        }
      }
      if (proposals.length === 0) {
        exhausted = `every allocation within the budget has been tried (${done} of ${request.trials} trials)`;
        break;
      }
      let index = trials.length;
      let valid = 0;
      const running: StoredTrial[] = [];
      for (const proposal of proposals) {
        const check = proposal.refused
          ? ({ ok: false, reason: proposal.refused } as const)
          : validateProposal(
              proposal.allocation,
              context.graph,
              context.space,
              context.rule,
              context.defaults,
            );
        const base = {
          index: index++,
          round,
          rationale: proposal.rationale ?? null,
          experimentId: null,
          graphVersionId: null,
          reusedFrom: null,
          score: null,
          compute: null,
          tokens: null,
        };
        if (!check.ok) {
          const refused: StoredTrial = {
            ...base,
            allocation: (proposal.allocation && typeof proposal.allocation === 'object'
              ? proposal.allocation
              : {}) as Allocation,
            key: '',
            status: 'refused',
            reason: check.reason,
            declaredCost: null,
          };
          await this.deps.searches.addTrial(id, refused);
          await this.publish(id, refused);
          continue;
        }
        valid++;
        const known = [...trials, ...running].find((t) => t.key === check.key && t.status !== 'refused');
        const earlier =
          known ?? (await this.deps.searches.findDone(check.key, search.graphVersionId, request.evaluation));
        if (earlier && earlier.status !== 'running') {
          const reused: StoredTrial = {
            ...base,
            allocation: check.allocation,
            key: check.key,
            status: 'reused',
            reason: null,
            declaredCost: check.cost,
            experimentId: earlier.experimentId,
            graphVersionId: earlier.graphVersionId,
            reusedFrom: known ? known.index : null,
            score: earlier.score,
            compute: earlier.compute,
            tokens: earlier.tokens,
          };
          await this.deps.searches.addTrial(id, reused);
          await this.publish(id, reused);
          continue;
        }
        if (earlier) continue; // Proposed twice in one batch: the first runs.
        const { graph, overrides } = applyAllocation(version.graph, check.allocation);
        const trialVersion = await this.deps.graphs.save({
          graph: applyOverrides(graph, overrides),
          message: `search ${search.name}, trial ${base.index + 1}: ${describeAllocation(check.allocation)}`,
          graphId: version.graphId,
          parentId: version.id,
          keepHead: true,
          author: search.author?.id ?? null,
        });
        let experiment: Experiment;
        try {
          experiment = await this.deps.experiments.create(
            this.experimentRequest(
              request,
              trialVersion.id,
              request.taskIds,
              request.seeds,
              labelled(search.name, `trial ${base.index + 1}`, 60),
            ),
            { author: search.author?.id ?? null },
          );
        } catch (error) {
          const failed: StoredTrial = {
            ...base,
            allocation: check.allocation,
            key: check.key,
            status: 'errored',
            reason: (error as Error).message,
            declaredCost: check.cost,
            graphVersionId: trialVersion.id,
          };
          await this.deps.searches.addTrial(id, failed);
          await this.publish(id, failed);
          continue;
        }
        const trial: StoredTrial = {
          ...base,
          allocation: check.allocation,
          key: check.key,
          status: 'running',
          reason: null,
          declaredCost: check.cost,
          experimentId: experiment.id,
          graphVersionId: trialVersion.id,
        };
        await this.deps.searches.addTrial(id, trial);
        running.push(trial);
        await this.publish(id, trial);
      }
      barren = valid === 0 ? barren + 1 : 0;
      if (barren >= BARREN_ROUNDS) {
        stopReason = `the proposer made no valid proposal in ${BARREN_ROUNDS} rounds in a row`;
        break;
      }
      await Promise.all(running.map((trial) => this.finishTrial(id, trial, context, active)));
    }
    if (this.deps.shutdown.aborted) return;
    if (active.controller.signal.aborted) await this.deps.searches.setStatus(id, 'cancelled');
    else if (stopReason) await this.deps.searches.setStatus(id, 'stopped', stopReason);
    else await this.deps.searches.setStatus(id, 'finished', exhausted);
  }

  private async finishTrial(
    id: string,
    trial: StoredTrial,
    context: SearchContext,
    active: ActiveJob,
  ): Promise<void> {
    const experimentId = trial.experimentId!;
    const onCancel = () => {
      // An abort listener cannot wait: the cancel goes on by itself, and settled() below sees the experiment end.
      void this.deps.experiments.cancel(experimentId).catch(() => {
        // It ended meanwhile.
      });
    };
    // A search cancelled before this trial was waited on (several resumed trials are waited on in turn).
    if (active.controller.signal.aborted) onCancel();
    else active.controller.signal.addEventListener('abort', onCancel, { once: true });
    await this.deps.experiments.settled(experimentId);
    active.controller.signal.removeEventListener('abort', onCancel);
    if (this.deps.shutdown.aborted) return;
    const experiment = await this.deps.experiments.get(experimentId);
    if (experiment?.status === 'running') return; // Not worked on here: left for the process that resumes it.
    const { score, compute, tokens, errored } = await this.scoreOf(experimentId, trial.allocation, context);
    const status = experiment?.status === 'finished' && !errored ? 'done' : 'errored';
    const reason =
      status === 'done'
        ? null
        : errored
          ? 'every run of the trial errored'
          : `its experiment ${experiment?.status ?? 'is missing'}${experiment?.stopReason ? `: ${experiment.stopReason}` : ''}`;
    await this.deps.searches.updateTrial(id, trial.index, { status, score, compute, tokens, reason });
    await this.publish(id, { ...trial, status, score, compute, tokens, reason });
  }
}
