import { randomUUID } from 'node:crypto';
import {
  applyOverrides,
  callsModel,
  hasErrors,
  type RunDetail,
  type RunEvent,
  type RunEventBody,
  runDefaults,
  validateGraph,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import {
  emptyTotals,
  type RecordedSegment,
  type RunInput,
  RunStop,
  runGraph,
  stopOf,
} from '../engine/engine.ts';
import type { ChatModel } from '../engine/model.ts';
import type { Environment } from '../environments/types.ts';
import type { RunTelemetry } from '../otel/telemetry.ts';
import type { EndpointRepo } from '../store/endpoints.ts';
import type { EventWriter } from '../store/event-writer.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import { type ForkRecipe, INTERRUPTED_BY_SHUTDOWN, type RunRepo } from '../store/runs.ts';

export type { ForkRecipe } from '../store/runs.ts';

import { StoreUnavailableError } from '../store/sql.ts';
import { EndpointLimits, EndpointModel, type RequestLimits } from './endpoint-model.ts';
import type { RunHub } from './hub.ts';
import { Semaphore } from './limiter.ts';

export interface StartRun {
  version: StoredVersion;
  taskId: string;
  difficulty: number | null;
  endpointId?: string | undefined;
  model?: string | undefined;
  overrides: Record<string, { endpointId?: string | undefined; model?: string | undefined }>;
  seed?: number | undefined;
  /** A fork's steps taken from its parent's record (see RecordedSegment). */
  prefix?: RecordedSegment[] | undefined;
  /** Wraps the run's live model (a fork answers its edited step's reply without a call). */
  wrapModel?: ((model: ChatModel) => ChatModel) | undefined;
  /** Where this run's actions run, instead of the default environment. */
  environment?: (() => Environment) | undefined;
  /**
   * For a fork: what its prefix, edited reply and environment were built from, so a worker can build them again
   * from the store (they live in memory and cannot be queued).
   */
  fork?: ForkRecipe | undefined;
  /**
   * The user who started it, or who created the experiment, search, optimisation or rescue it belongs to;
   * null or absent in single-user mode.
   */
  author?: string | null | undefined;
}

export interface RunManagerDeps {
  runs: RunRepo;
  graphs: GraphRepo;
  endpoints: EndpointRepo;
  writer: EventWriter;
  hub: RunHub;
  /** A fresh environment for one run. */
  environment: () => Environment;
  /** Runs executing at once; more wait in the queue. */
  maxConcurrentRuns?: number;
  /** Model requests in flight per endpoint. */
  perEndpointRequests?: number;
  /** Swaps the model access (tests and benchmarks); defaults to the registered endpoints. */
  model?: (defaults: { endpointId: string | null; model: string | null }) => ChatModel;
  deltaWindowMs?: number;
  /** Exports each run's events as spans and labels its requests with their span context. */
  telemetry?: RunTelemetry;
  /** Per-endpoint request bounds shared beyond this process (a team's workers); else this process's own. */
  endpointLimits?: RequestLimits;
  /**
   * Hands runs to workers (a team's web server): start() records the run and queues it, and settling and
   * cancelling go through the shared store. Forks, which carry their recorded prefix in memory, still run here.
   */
  dispatch?: RunDispatch;
  /** Rebuilds a queued fork's prefix, edited reply and environment from the store (replay/fork-parts.ts). */
  rebuildFork?: (recipe: ForkRecipe) => Promise<ForkParts>;
  /**
   * This process's id in a team deployment: the runs it executes carry it, and shutting down interrupts only
   * those. Absent: one process owns the whole store, as in the embedded default.
   */
  processId?: string;
}

/** Where runs go when workers execute them (team/dispatch.ts). */
export interface RunDispatch {
  /** Queues a recorded run for a worker. */
  enqueue(runId: string): Promise<void>;
  /** Resolves when the run has ended, wherever it ran. */
  settled(runId: string): Promise<void>;
  /** Ends a run no worker has taken yet, or asks the one running it to stop; false when it had ended. */
  cancel(runId: string): Promise<boolean>;
}

/** How long a finished run keeps trying to write its end while the database is away. */
const STORE_RETRY_MS = 10 * 60_000;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type RunOutcome = Parameters<RunRepo['markFinished']>[1];

/** The in-memory parts of a fork, rebuilt from its recipe. */
export type ForkParts = Pick<StartRun, 'prefix' | 'wrapModel' | 'environment'>;

/** A start that any worker can run from its record: a plain run, or a fork that says how to rebuild it. */
function fromRecordOnly(request: StartRun): boolean {
  return request.fork !== undefined || (!request.prefix && !request.wrapModel && !request.environment);
}

/** Starts, tracks and cancels runs; persists their events and serves them live. */
export class RunManager {
  private readonly controllers = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly slots: Semaphore;
  private readonly limits: RequestLimits;
  /** Why the server is stopping, once shutdown() began: a run whose record was being created then ends at once. */
  private stopping: string | null = null;

  constructor(private readonly deps: RunManagerDeps) {
    this.slots = new Semaphore(deps.maxConcurrentRuns ?? 64);
    // As many requests per endpoint as runs at once: an experiment asking for 64 runs in flight on one inference
    // server gets 64 requests there (16 capped it silently); TRELLIS_ENDPOINT_REQUESTS lowers it for a small server.
    this.limits = deps.endpointLimits ?? new EndpointLimits(deps.perEndpointRequests ?? 64);
  }

  /** Marks runs a previous process left in flight as interrupted; their traces stay intact. */
  recover(): Promise<string[]> {
    return this.deps.runs.markInterrupted();
  }

  /**
   * True on a team's web server: its runs execute on workers and outlive it, so a job taken up after a restart
   * follows the runs it had in flight instead of starting them again.
   */
  get runsOutliveThisProcess(): boolean {
    return this.deps.dispatch !== undefined;
  }

  /** Runs this worker holds that somebody asked to cancel (a notification may have been missed). */
  cancelRequested(): Promise<string[]> {
    return this.deps.processId ? this.deps.runs.cancelRequested(this.deps.processId) : Promise.resolve([]);
  }

  /** Refuses, as start() would, a run that cannot start; starts nothing. */
  async check(request: Pick<StartRun, 'version' | 'overrides' | 'endpointId' | 'model'>): Promise<void> {
    await this.prepare(request);
  }

  /** The run's graph and live model, or a domain error naming why it cannot run. */
  private async prepare(request: Pick<StartRun, 'version' | 'overrides' | 'endpointId' | 'model'>) {
    const unknown = Object.keys(request.overrides).filter(
      (id) => !request.version.graph.nodes.some((n) => n.id === id),
    );
    if (unknown.length > 0) {
      throw new DomainError(
        'invalid',
        'invalid_request',
        `overrides name nodes that are not in the graph: ${unknown.join(', ')}`,
      );
    }
    const graph = applyOverrides(request.version.graph, request.overrides);
    const defaults = runDefaults(graph, request);
    const endpointIds = new Set((await this.deps.endpoints.list()).map((e) => e.id));
    const issues = validateGraph(graph, {
      endpointIds,
      runEndpointId: defaults.endpointId,
      forRun: true,
    });
    if (hasErrors(issues)) {
      throw new DomainError(
        'unprocessable',
        'invalid_graph',
        `the graph cannot run: ${issues
          .filter((i) => i.severity === 'error')
          .map((i) => i.message)
          .join('; ')}`,
        { issues },
      );
    }
    const live = this.deps.model?.(defaults) ?? new EndpointModel(this.deps.endpoints, this.limits, defaults);
    for (const node of graph.nodes) {
      if (!callsModel(node)) continue;
      try {
        await live.resolve(node.config.llm.endpointId, node.config.llm.model);
      } catch (error) {
        throw new DomainError(
          'unprocessable',
          'invalid_binding',
          `node '${node.id}': ${(error as Error).message}`,
        );
      }
    }
    return { graph, live };
  }

  /**
   * Creates the run's record and starts it; resolves once the record exists, with the run as first stored. The
   * run counts as in flight from the call on, so shutdown() and idle() wait for a start still under way.
   */
  async start(request: StartRun): Promise<RunDetail> {
    if (this.deps.dispatch && fromRecordOnly(request)) return this.queue(request, this.deps.dispatch);
    const opening = this.open(request);
    const pending = opening.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(pending);
    let opened: Awaited<typeof opening>;
    try {
      opened = await opening;
    } finally {
      // Swapped for the run's job below with no await between, so idle() never finds neither.
      this.running.delete(pending);
    }
    const { run, input, model } = opened;
    const id = run.id;
    const controller = new AbortController();
    this.controllers.set(id, controller);
    if (this.stopping !== null) controller.abort(new RunStop('interrupted', this.stopping));
    this.deps.telemetry?.follow(id, this.deps.hub);
    const environment = request.environment ?? this.deps.environment;
    const job = this.execute(input, model, environment, controller).finally(() => {
      this.running.delete(job);
      this.jobs.delete(id);
      this.controllers.delete(id);
    });
    // Detached: a run whose end could not be recorded (the store went away) must not take the server down with it;
    // settled() still hands the failure to whoever waits for the run.
    void job.catch((error: unknown) => {
      console.warn(`trellis: run ${id} could not record how it ended: ${(error as Error).message}`);
    });
    this.running.add(job);
    this.jobs.set(id, job);
    return run;
  }

  /** Checks the request, records the run as queued and hands it to the workers. */
  private async queue(request: StartRun, dispatch: RunDispatch): Promise<RunDetail> {
    await this.prepare(request);
    const run = await this.deps.runs.create(this.newRun(request));
    try {
      await dispatch.enqueue(run.id);
    } catch (error) {
      // Recorded but not queued: it must not wait for a worker that will never come.
      const message = `run could not be queued: ${(error as Error).message}`;
      await this.deps.runs
        .markFinished(run.id, { status: 'errored', evaluation: null, error: message, totals: emptyTotals() })
        .catch(() => undefined);
      throw error;
    }
    return run;
  }

  /** The record of a run about to start. */
  private newRun(request: StartRun, id = `run_${randomUUID().replaceAll('-', '').slice(0, 16)}`) {
    return {
      id,
      graphVersionId: request.version.id,
      graphId: request.version.graphId,
      graphName: request.version.graph.name,
      taskId: request.taskId,
      difficulty: request.difficulty,
      seed: request.seed ?? Math.floor(Math.random() * 2 ** 31),
      author: request.author ?? null,
      request: {
        taskId: request.taskId,
        endpointId: request.endpointId ?? null,
        model: request.model ?? null,
        overrides: request.overrides,
        ...(request.fork ? { fork: request.fork } : {}),
      },
    };
  }

  /**
   * Executes a queued run on this worker from its record: claims it (so no other worker runs it), then runs it as
   * start() would. Resolves when it has ended; at once when another process took it, it had ended, or it was
   * cancelled before anyone took it.
   */
  async executeQueued(runId: string): Promise<void> {
    const processId = this.deps.processId;
    if (!processId) throw new Error('executeQueued needs the processId of a worker');
    const claimed = await this.deps.runs.claim(runId, processId);
    if (!claimed) return;
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    if (this.stopping !== null) controller.abort(new RunStop('interrupted', this.stopping));
    if (claimed.cancelRequested) controller.abort(new RunStop('cancelled', 'cancelled by the user'));
    this.deps.hub.open(runId);
    const job = (async () => {
      const version = await this.deps.graphs.getVersion(claimed.graphVersionId);
      let prepared: Awaited<ReturnType<RunManager['prepare']>>;
      let parts: ForkParts = {};
      try {
        if (!version) throw new Error(`its graph version '${claimed.graphVersionId}' is not in the store`);
        prepared = await this.prepare({ version, ...claimed.request });
        if (claimed.fork) {
          if (!this.deps.rebuildFork) throw new Error('this process cannot rebuild forks');
          parts = await this.deps.rebuildFork(claimed.fork);
        }
      } catch (error) {
        // It cannot start here (its endpoint was removed since it was queued): it ends at once with the reason.
        await this.endUnstarted(runId, 'errored', `run failed: ${(error as Error).message}`);
        return;
      }
      this.deps.telemetry?.follow(runId, this.deps.hub);
      const wrapped = parts.wrapModel ? parts.wrapModel(prepared.live) : prepared.live;
      const model = this.deps.telemetry?.model(wrapped) ?? wrapped;
      const input = {
        graph: prepared.graph,
        graphVersionId: claimed.graphVersionId,
        taskId: claimed.taskId,
        seed: claimed.seed,
        runId,
        ...(parts.prefix ? { prefix: parts.prefix } : {}),
      };
      await this.execute(input, model, parts.environment ?? this.deps.environment, controller);
    })().finally(() => {
      this.running.delete(job);
      this.jobs.delete(runId);
      this.controllers.delete(runId);
    });
    this.running.add(job);
    this.jobs.set(runId, job);
    await job.catch((error: unknown) => {
      console.warn(`trellis: run ${runId} could not record how it ended: ${(error as Error).message}`);
    });
  }

  /** Ends a run that never started: its one event says why, and its record agrees. */
  private async endUnstarted(runId: string, status: 'errored' | 'cancelled', message: string): Promise<void> {
    const totals = emptyTotals();
    const event = {
      type: 'run.finished',
      runId,
      seq: 1,
      at: Date.now(),
      status,
      evaluation: null,
      totals,
      error: message,
    } as const;
    this.deps.writer.write(event);
    try {
      await this.deps.writer.flush();
      await this.deps.runs.markFinished(runId, { status, evaluation: null, error: message, totals });
    } finally {
      this.deps.hub.publish(event);
    }
  }

  /** Checks the request and creates the run's record: what start() needs to set the run going. */
  private async open(request: StartRun) {
    const { graph, live } = await this.prepare(request);
    const wrapped = request.wrapModel ? request.wrapModel(live) : live;
    const model = this.deps.telemetry?.model(wrapped) ?? wrapped;
    const record = this.newRun(request);
    const { id, seed } = record;
    // Held in memory before its record exists: a reader that finds the record finds the live run too.
    this.deps.hub.open(id);
    let run: RunDetail;
    try {
      run = await this.deps.runs.create(record);
    } catch (error) {
      this.deps.hub.discard(id);
      throw error;
    }
    const input = {
      graph,
      graphVersionId: request.version.id,
      taskId: request.taskId,
      seed,
      runId: id,
      ...(request.prefix ? { prefix: request.prefix } : {}),
    };
    return { run, input, model };
  }

  /**
   * Resolves when the run has ended: at once when it is not in flight in this process, unless workers run this
   * server's runs, when it waits for the run wherever it is.
   */
  async settled(runId: string): Promise<void> {
    const local = this.jobs.get(runId);
    if (local) await local;
    else await this.deps.dispatch?.settled(runId);
  }

  private async execute(
    input: RunInput & { runId: string },
    model: ChatModel,
    environment: () => Environment,
    controller: AbortController,
  ): Promise<void> {
    const { runId } = input;
    let seq = 0;
    // Step counts are written in order and off the engine's path; the run's end waits for them, so a late one never
    // overwrites the final count (which the end's record carries anyway, so a lost one costs nothing).
    let stepsWritten: Promise<void> = Promise.resolve();
    // `run.finished` reaches live readers once the run's record says how it ended (or the store is found away).
    const ends: RunEvent[] = [];
    const emit = (body: RunEventBody) => {
      const event = { ...body, runId, seq: ++seq, at: Date.now() } as RunEvent;
      this.deps.writer.write(event);
      if (event.type === 'run.finished') ends.push(event);
      else this.deps.hub.publish(event);
      if (body.type === 'step.started') {
        const step = body.step;
        stepsWritten = stepsWritten.then(() => this.deps.runs.markStep(runId, step)).catch(() => undefined);
      }
    };
    let release: (() => void) | null = null;
    let env: Environment | null = null;
    let outcome: RunOutcome;
    try {
      release = await this.slots.acquire(controller.signal);
      await this.deps.runs.markStarted(runId, this.deps.processId);
      env = environment();
      outcome = await runGraph(input, {
        model,
        env,
        emit,
        signal: controller.signal,
        deltaWindowMs: this.deps.deltaWindowMs ?? 30,
      });
    } catch (error) {
      // Stopped while queued, or a fault outside the engine: the run still ends with a status and a reason.
      const stop = controller.signal.aborted ? stopOf(controller.signal) : null;
      const status = stop?.status ?? 'errored';
      const message = stop?.message ?? `run failed: ${(error as Error).message}`;
      outcome = { status, evaluation: null, error: message, totals: emptyTotals() };
      emit({ type: 'run.finished', ...outcome });
    }
    try {
      release?.();
      release = null;
      await env?.close().catch(() => undefined);
      env = null;
      await stepsWritten;
      await this.recordEnd(runId, outcome, ends);
    } finally {
      // Published even when the record could not be written: live readers must not wait for an end forever.
      for (const event of ends.splice(0)) this.deps.hub.publish(event);
      release?.();
      await env?.close().catch(() => undefined);
    }
  }

  /**
   * Writes how a run ended, after its events. While the database is away the run's end is told to live readers at
   * once and written when it is back (tried for up to `STORE_RETRY_MS`); other failures are not retried.
   */
  private async recordEnd(runId: string, outcome: RunOutcome, ends: RunEvent[]): Promise<void> {
    const giveUp = Date.now() + STORE_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.writer.flush();
        await this.deps.runs.markFinished(runId, outcome);
        return;
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || Date.now() > giveUp) throw error;
        for (const event of ends.splice(0)) this.deps.hub.publish(event);
        if (attempt === 1)
          console.warn(`trellis: run ${runId} ended; its record waits for the database: ${error.message}`);
        await delay(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /**
   * The store refused a batch of events: when it is unavailable, the runs those events belong to stop here as
   * errored with that cause (their events are kept and written when it is back).
   */
  storeFailed(error: unknown, batch: RunEvent[]): void {
    if (!(error instanceof StoreUnavailableError)) return;
    for (const runId of new Set(batch.map((event) => event.runId))) {
      this.controllers.get(runId)?.abort(new RunStop('errored', `run failed: ${error.message}`));
    }
  }

  /** Cancels a run in flight here, or (a team's web server) wherever a worker has it; false when it had ended. */
  async cancel(runId: string): Promise<boolean> {
    const controller = this.controllers.get(runId);
    if (controller) {
      controller.abort(new RunStop('cancelled', 'cancelled by the user'));
      return true;
    }
    return this.deps.dispatch ? this.deps.dispatch.cancel(runId) : false;
  }

  /** Resolves when every run in flight has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /**
   * Stops every run in flight as `interrupted` with `reason` (nobody cancelled them), waits up to `graceMs` for
   * each to record how it ended, then marks any still unfinished the same way. A crash gets the same status at
   * the next start, through recover().
   */
  async shutdown(reason = INTERRUPTED_BY_SHUTDOWN, graceMs = 5_000): Promise<void> {
    this.stopping = reason;
    const inFlight = new Set(this.controllers.keys());
    for (const controller of this.controllers.values()) controller.abort(new RunStop('interrupted', reason));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const id of this.controllers.keys()) inFlight.add(id);
    await this.deps.writer.flush();
    // Only this process's runs: others sharing the store (a CLI beside a server, a team's workers) go on.
    await this.deps.runs.markInterrupted(reason, [...inFlight]);
    await this.deps.telemetry?.flush().catch(() => undefined);
    // Stopped: a run started after this (an embedding that goes on, such as a test) runs as usual.
    this.stopping = null;
  }
}
