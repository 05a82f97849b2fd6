import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import {
  type Experiment,
  type ExperimentArm,
  type ExperimentItem,
  type ExperimentProgress,
  type ExperimentRequest,
  type ExperimentSummary,
  FINISHED_STATUSES,
  progressEstimate,
  type RunStatus,
  type ServerSamples,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import { type ActiveJob, ActiveJobs } from '../jobs/active-jobs.ts';
import type { RunManager } from '../runs/manager.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import type { ExperimentRepo, StoredItem } from '../store/experiments.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import type { RunRepo } from '../store/runs.ts';
import type { Sql } from '../store/sql.ts';
import { planExperiment } from './plan.ts';
import { type SampledEndpoint, ServerSampler } from './sampler.ts';

export interface ExperimentDeps {
  /** The store, for writes that must commit together. */
  db: Sql;
  experiments: ExperimentRepo;
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  runs: RunRepo;
  manager: RunManager;
  tasks: { get(taskId: string): { id: string; difficulty: number | null } | null };
  /** Aborted when the process stops: items then in flight are left to be resumed. */
  shutdown: AbortSignal;
  /** How often the inference servers' metrics are sampled while an experiment runs; 0 turns sampling off. */
  sampleIntervalMs?: number;
}

/** What an experiment's followers are told: its progress, and the item that just changed. */
export interface ExperimentUpdate {
  progress: ExperimentProgress;
  item?: ExperimentItem;
}

const publicItem = ({ scenario: _s, difficulty: _d, previousRunIds: _p, error: _e, ...item }: StoredItem) =>
  item;

/** Tries of one item whose runs keep being cut short by a worker that dies under them. */
const MAX_ATTEMPTS = 3;

const inFlight = (status: RunStatus) => status === 'queued' || status === 'running';

const ended = (status: RunStatus | null) =>
  status !== null && status !== 'interrupted' && FINISHED_STATUSES.includes(status);

/**
 * Runs experiments: a frozen plan of (arm, task, repeat) items carried out as ordinary runs, interleaved across
 * arms, at most `concurrencyPerEndpoint` runs in flight on each inference endpoint. Items are stored as they go,
 * so an experiment survives a restart: an item whose run finished is never run again; one whose run a stop cut
 * short runs afresh (its earlier run kept in the item's history).
 */
export class ExperimentService {
  private readonly active: ActiveJobs<ExperimentUpdate>;

  constructor(private readonly deps: ExperimentDeps) {
    this.active = new ActiveJobs(deps.shutdown);
  }

  /** Refuses, as create() would, an experiment that cannot run; stores nothing. */
  async check(request: z.output<typeof ExperimentRequest>): Promise<void> {
    await planExperiment(this.deps, request);
  }

  /**
   * Checks, freezes, stores and starts an experiment. Bad input changes nothing. `author` (the user creating it,
   * null in single-user mode) is recorded on it, its preset versions and every run it starts.
   */
  async create(
    request: z.output<typeof ExperimentRequest>,
    options: { start?: boolean; author?: string | null } = {},
  ): Promise<Experiment> {
    const author = options.author ?? null;
    const planned = await planExperiment(this.deps, request);
    const arms: ExperimentArm[] = [];
    // One at a time, in arm order: a second arm of the same preset finds the version the first saved.
    for (const { presetGraph, models: _models, ...arm } of planned.arms) {
      if (!presetGraph) {
        arms.push(arm);
        continue;
      }
      const version = await this.deps.graphs.save({
        graph: presetGraph,
        message: `preset ${arm.preset}`,
        keepHead: true,
        author,
      });
      arms.push({ ...arm, graphVersionId: version.id });
    }
    const id = `exp_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await this.deps.experiments.create({
      id,
      name: planned.name,
      plan: { ...planned.plan, arms },
      items: planned.items,
      author,
    });
    // Not started here, it waits as running for whoever resumes it (a server at start-up, `experiment run`).
    if (options.start !== false) {
      // In its job's turn: the experiment is stored as running, so a resume may already be looking at it.
      await this.active.exclusive(id, async () => {
        if (!this.active.has(id)) await this.launch(id);
      });
    }
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Experiment | null> {
    const summary = await this.deps.experiments.summary(id);
    if (!summary) return null;
    return { ...summary, progress: await this.progressOf(summary) };
  }

  list(): Promise<ExperimentSummary[]> {
    return this.deps.experiments.list();
  }

  async items(id: string): Promise<ExperimentItem[]> {
    await this.found(id);
    return (await this.deps.experiments.items(id)).map(publicItem);
  }

  async samples(id: string): Promise<ServerSamples> {
    const summary = await this.found(id);
    const ids = [...new Set(summary.arms.flatMap((arm) => arm.endpointIds))];
    const samples = await this.deps.experiments.samples(id);
    const endpoints: ServerSamples['endpoints'] = [];
    for (const endpointId of ids) {
      endpoints.push({
        id: endpointId,
        name: (await this.deps.endpoints.get(endpointId))?.name ?? endpointId,
        source: samples.find((s) => s.endpointId === endpointId)?.source ?? null,
      });
    }
    return { endpoints, samples: samples.map(({ source: _source, ...sample }) => sample) };
  }

  /** Takes up the experiments a previous process left running (all of them, or those named). */
  async resume(only?: readonly string[]): Promise<string[]> {
    const candidates = (await this.deps.experiments.runningIds()).filter(
      (id) => only === undefined || only.includes(id),
    );
    return this.active.takeUpEach(candidates, async (id) => {
      for (const item of await this.deps.experiments.items(id)) {
        if (item.status !== 'running') continue;
        const run = item.runId ? await this.deps.runs.get(item.runId) : null;
        // On a team a run in flight goes on without this server: the scheduler follows it (see work()).
        if (run && inFlight(run.status) && this.deps.manager.runsOutliveThisProcess) continue;
        await this.deps.experiments.setItemStatus(
          id,
          item.position,
          run && ended(run.status) ? 'done' : 'pending',
        );
      }
      await this.launch(id);
    });
  }

  async cancel(id: string): Promise<Experiment> {
    await this.active.cancelInTurn(
      id,
      'experiment',
      async () => (await this.found(id)).status,
      async () => {
        await this.deps.experiments.skipPending(id);
        await this.deps.experiments.setStatus(id, 'cancelled');
      },
    );
    return (await this.get(id))!;
  }

  /** Runs again, each on its own, the items whose run ended `errored` (or could not start). */
  async rerunErrored(id: string): Promise<Experiment> {
    // In the job's turn: two re-runs (or a re-run and a resume) cannot both launch it.
    await this.active.exclusive(id, async () => {
      const summary = await this.found(id);
      if (this.active.has(id)) {
        throw new DomainError(
          'conflict',
          'running',
          `experiment '${id}' is still running: re-run its errored runs once it has ended`,
        );
      }
      // The scheduler would stop at once and skip the items, hiding their errored runs from the progress.
      const budget = summary.limits.tokenBudget;
      const used = (await this.deps.experiments.counts(id)).tokensUsed;
      if (budget !== null && used >= budget) {
        throw new DomainError(
          'conflict',
          'budget_spent',
          `experiment '${summary.name}' has spent its token budget of ${budget.toLocaleString('en-US')} (${used.toLocaleString('en-US')} used): nothing more can run`,
        );
      }
      const reset = await this.deps.experiments.resetErrored(id);
      if (reset === 0) {
        throw new DomainError(
          'conflict',
          'nothing_to_rerun',
          `experiment '${summary.name}' has no errored runs`,
        );
      }
      await this.deps.experiments.setStatus(id, 'running');
      await this.launch(id);
    });
    return (await this.get(id))!;
  }

  /** Follows an experiment's progress; null when it is not being worked on here (read it with get). */
  follow(id: string, listener: (update: ExperimentUpdate) => void): (() => void) | null {
    return this.active.follow(id, listener);
  }

  /** Resolves when the experiment is no longer being worked on here (finished, cancelled, stopped). */
  settled(id: string): Promise<void> {
    return this.active.settled(id);
  }

  /** Resolves when no experiment is being worked on here. */
  idle(): Promise<void> {
    return this.active.idle();
  }

  async found(id: string): Promise<ExperimentSummary> {
    const summary = await this.deps.experiments.summary(id);
    if (!summary) throw new DomainError('not_found', 'not_found', `experiment '${id}' does not exist`);
    return summary;
  }

  private async progressOf(summary: ExperimentSummary): Promise<ExperimentProgress> {
    const counts = await this.deps.experiments.counts(summary.id);
    const active = this.active.get(summary.id);
    const ended = !active && summary.finishedAt !== null;
    const elapsedMs = active
      ? performance.now() - active.startedAt
      : ended
        ? Math.max(0, Date.parse(summary.finishedAt!) - Date.parse(summary.createdAt))
        : 0;
    return {
      experimentId: summary.id,
      status: summary.status,
      ...counts,
      tokenBudget: summary.limits.tokenBudget,
      ...progressEstimate({
        total: counts.total,
        done: counts.done,
        // A finished experiment's rate is over its whole life (restarts included).
        doneBefore: active?.doneBefore ?? (ended ? 0 : counts.done),
        elapsedMs,
      }),
      elapsedMs,
    };
  }

  private publish(id: string, item?: StoredItem): Promise<void> {
    return this.active.publish(id, async () => {
      const summary = await this.deps.experiments.summary(id);
      if (!summary) return null;
      return { progress: await this.progressOf(summary), ...(item ? { item: publicItem(item) } : {}) };
    });
  }

  /** Starts the experiment's scheduler; call it in the job's turn (`active.exclusive`), after `has` said no. */
  private async launch(id: string): Promise<void> {
    const doneBefore = (await this.deps.experiments.counts(id)).done;
    this.active.launch(id, {
      doneBefore,
      work: (job) => this.work(id, job),
      // A fault in the scheduler itself: the experiment stops with the reason rather than hanging as running.
      onFault: async (error) => {
        await this.deps.experiments.skipPending(id);
        await this.deps.experiments.setStatus(id, 'stopped', `the scheduler failed: ${error.message}`);
      },
      onEnd: () => this.publish(id),
    });
  }

  private async work(id: string, active: ActiveJob): Promise<void> {
    const plan = (await this.deps.experiments.plan(id))!;
    const author = (await this.deps.experiments.summary(id))?.author?.id ?? null;
    const versions = new Map<string, StoredVersion>();
    for (const arm of plan.arms) {
      const version = await this.deps.graphs.getVersion(arm.graphVersionId);
      if (version) versions.set(arm.graphVersionId, version);
    }
    const endpointIds = [...new Set(plan.arms.flatMap((arm) => arm.endpointIds))];
    const sampler = new ServerSampler(
      async () => {
        const endpoints: SampledEndpoint[] = [];
        for (const endpointId of endpointIds) {
          const record = await this.deps.endpoints.get(endpointId);
          if (record) endpoints.push({ id: record.id, baseUrl: record.baseUrl, apiKey: record.apiKey });
        }
        return endpoints;
      },
      (samples) => this.deps.experiments.addSamples(id, samples),
      this.deps.sampleIntervalMs ?? 2_000,
    );
    sampler.start();
    const limit = plan.limits.concurrencyPerEndpoint;
    // Each run in flight listens for a cancel: as many listeners as runs at once, which is no leak.
    setMaxListeners(Math.max(10, limit * Math.max(1, endpointIds.length) + 10), active.controller.signal);
    const inUse = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    const stopping = () => active.controller.signal.aborted || this.deps.shutdown.aborted;
    let stopReason: string | null = null;
    // The scheduler's own list: an item leaves it (and takes its endpoints' slots) in one synchronous step, so
    // no await in the loop can let the same item start twice.
    const items = await this.deps.experiments.items(id);
    const pending = items.filter((item) => item.status === 'pending');
    const take = (arm: ExperimentArm, job: () => Promise<void>) => {
      for (const endpointId of arm.endpointIds) inUse.set(endpointId, (inUse.get(endpointId) ?? 0) + 1);
      const running: Promise<void> = job().finally(() => {
        for (const endpointId of arm.endpointIds) inUse.set(endpointId, inUse.get(endpointId)! - 1);
        inFlight.delete(running);
      });
      inFlight.add(running);
    };
    // Items whose run a previous web server started and a worker still runs: followed, holding their slots.
    for (const item of items) {
      if (item.status !== 'running' || !item.runId) continue;
      const arm = plan.arms[item.arm]!;
      const runId = item.runId;
      take(arm, () =>
        this.followItem(id, item, runId, arm, versions.get(arm.graphVersionId), active, author, 1),
      );
    }
    try {
      while (pending.length > 0 && !stopping()) {
        const budget = plan.limits.tokenBudget;
        if (budget !== null) {
          const used = (await this.deps.experiments.counts(id)).tokensUsed;
          if (stopping()) break;
          if (used >= budget) {
            stopReason = `token budget of ${budget.toLocaleString('en-US')} spent (${used.toLocaleString('en-US')} used)`;
            break;
          }
        }
        const next = pending.findIndex((item) =>
          plan.arms[item.arm]!.endpointIds.every((endpointId) => (inUse.get(endpointId) ?? 0) < limit),
        );
        if (next < 0) {
          await Promise.race(inFlight);
          continue;
        }
        const [item] = pending.splice(next, 1) as [StoredItem];
        const arm = plan.arms[item.arm]!;
        take(arm, () => this.runItem(id, item, arm, versions.get(arm.graphVersionId), active, author));
      }
      await Promise.all(inFlight);
    } finally {
      sampler.stop();
    }
    if (this.deps.shutdown.aborted) return;
    if (active.controller.signal.aborted) {
      await this.deps.experiments.skipPending(id);
      await this.deps.experiments.setStatus(id, 'cancelled');
    } else if (stopReason !== null) {
      await this.deps.experiments.skipPending(id);
      await this.deps.experiments.setStatus(id, 'stopped', stopReason);
    } else {
      await this.deps.experiments.setStatus(id, 'finished');
    }
  }

  private async runItem(
    id: string,
    item: StoredItem,
    arm: ExperimentArm,
    version: StoredVersion | undefined,
    active: ActiveJob,
    author: string | null,
    attempt = 1,
  ): Promise<void> {
    let runId: string;
    try {
      if (!version) throw new Error(`graph version '${arm.graphVersionId}' no longer exists`);
      const task = this.deps.tasks.get(item.taskId);
      if (!task) throw new Error(`task '${item.taskId}' no longer exists`);
      // The run and its place in the item commit together: a stop between the two can leave neither an item that
      // forgot its run nor, on a team, where a worker runs it without this server, a run no item knows.
      runId = await this.deps.db.transaction(async () => {
        const run = await this.deps.manager.start({
          version,
          taskId: item.taskId,
          difficulty: task.difficulty,
          endpointId: arm.endpointId ?? undefined,
          model: arm.model ?? undefined,
          overrides: arm.overrides,
          seed: item.seed,
          author,
        });
        await this.deps.experiments.startItem(id, item.position, run.id);
        return run.id;
      });
    } catch (error) {
      await this.deps.experiments.failItem(
        id,
        item.position,
        `the run could not start: ${(error as Error).message}`,
      );
      await this.publish(id, await this.itemAt(id, item.position));
      return;
    }
    await this.publish(id, await this.itemAt(id, item.position));
    return this.followItem(id, item, runId, arm, version, active, author, attempt);
  }

  /** Waits for an item's run to end and records it; one whose worker died runs again, up to MAX_ATTEMPTS. */
  private async followItem(
    id: string,
    item: StoredItem,
    runId: string,
    arm: ExperimentArm,
    version: StoredVersion | undefined,
    active: ActiveJob,
    author: string | null,
    attempt: number,
  ): Promise<void> {
    // A cancel while the run was being created aborts it too.
    const onCancel = () => this.deps.manager.cancel(runId);
    active.controller.signal.addEventListener('abort', onCancel, { once: true });
    if (active.controller.signal.aborted) onCancel();
    await this.deps.manager.settled(runId);
    active.controller.signal.removeEventListener('abort', onCancel);
    const run = await this.deps.runs.get(runId);
    // A run a stop cut short is left to be resumed: the next process runs the item afresh (or, on a team, follows
    // the run a worker still executes).
    if (this.deps.shutdown.aborted && run && (run.status === 'interrupted' || inFlight(run.status))) return;
    // One whose worker died (a team's) runs afresh now, its cut-short run kept in the item's history.
    if (run?.status === 'interrupted' && !active.controller.signal.aborted && attempt < MAX_ATTEMPTS) {
      return this.runItem(id, item, arm, version, active, author, attempt + 1);
    }
    await this.deps.experiments.setItemStatus(id, item.position, 'done');
    await this.publish(id, await this.itemAt(id, item.position));
  }

  private async itemAt(id: string, position: number): Promise<StoredItem | undefined> {
    return (await this.deps.experiments.item(id, position)) ?? undefined;
  }
}
