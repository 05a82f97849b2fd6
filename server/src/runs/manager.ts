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
import { INTERRUPTED_BY_SHUTDOWN, type RunRepo } from '../store/runs.ts';
import { EndpointLimits, EndpointModel } from './endpoint-model.ts';
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
}

/** Starts, tracks and cancels runs; persists their events and serves them live. */
export class RunManager {
  private readonly controllers = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly jobs = new Map<string, Promise<void>>();
  private readonly slots: Semaphore;
  private readonly limits: EndpointLimits;
  /** Why the server is stopping, once shutdown() began: a run whose record was being created then ends at once. */
  private stopping: string | null = null;

  constructor(private readonly deps: RunManagerDeps) {
    this.slots = new Semaphore(deps.maxConcurrentRuns ?? 64);
    // As many requests per endpoint as runs at once: an experiment asking for 64 runs in flight on one inference
    // server gets 64 requests there (16 capped it silently); TRELLIS_ENDPOINT_REQUESTS lowers it for a small server.
    this.limits = new EndpointLimits(deps.perEndpointRequests ?? 64);
  }

  /** Marks runs a previous process left in flight as interrupted; their traces stay intact. */
  recover(): Promise<string[]> {
    return this.deps.runs.markInterrupted();
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

  /** Checks the request and creates the run's record: what start() needs to set the run going. */
  private async open(request: StartRun) {
    const { graph, live } = await this.prepare(request);
    const wrapped = request.wrapModel ? request.wrapModel(live) : live;
    const model = this.deps.telemetry?.model(wrapped) ?? wrapped;
    const id = `run_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const seed = request.seed ?? Math.floor(Math.random() * 2 ** 31);
    // Held in memory before its record exists: a reader that finds the record finds the live run too.
    this.deps.hub.open(id);
    let run: RunDetail;
    try {
      run = await this.deps.runs.create({
        id,
        graphVersionId: request.version.id,
        graphId: request.version.graphId,
        graphName: request.version.graph.name,
        taskId: request.taskId,
        difficulty: request.difficulty,
        seed,
        request: {
          taskId: request.taskId,
          endpointId: request.endpointId ?? null,
          model: request.model ?? null,
          overrides: request.overrides,
        },
      });
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

  /** Resolves when the run has ended (at once when it is not in flight in this process). */
  async settled(runId: string): Promise<void> {
    await this.jobs.get(runId);
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
    // overwrites the final count. A failed write fails the run there, as the store's other failures do.
    let stepsWritten: Promise<void> = Promise.resolve();
    let stepWriteFailed: unknown = null;
    // `run.finished` reaches live readers once the run's record says how it ended, never before.
    const ends: RunEvent[] = [];
    const emit = (body: RunEventBody) => {
      const event = { ...body, runId, seq: ++seq, at: Date.now() } as RunEvent;
      this.deps.writer.write(event);
      if (event.type === 'run.finished') ends.push(event);
      else this.deps.hub.publish(event);
      if (body.type === 'step.started') {
        const step = body.step;
        stepsWritten = stepsWritten
          .then(() => this.deps.runs.markStep(runId, step))
          .catch((error: unknown) => {
            stepWriteFailed ??= error;
          });
      }
    };
    let release: (() => void) | null = null;
    let env: Environment | null = null;
    try {
      release = await this.slots.acquire(controller.signal);
      await this.deps.runs.markStarted(runId);
      env = environment();
      const outcome = await runGraph(input, {
        model,
        env,
        emit,
        signal: controller.signal,
        deltaWindowMs: this.deps.deltaWindowMs ?? 30,
      });
      await stepsWritten;
      if (stepWriteFailed !== null) throw stepWriteFailed;
      await this.deps.writer.flush();
      await this.deps.runs.markFinished(runId, outcome);
    } catch (error) {
      // Stopped while queued, or a fault outside the engine: the run still ends with a status and a reason.
      const stop = controller.signal.aborted ? stopOf(controller.signal) : null;
      const status = stop?.status ?? 'errored';
      const message = stop?.message ?? `run failed: ${(error as Error).message}`;
      const totals = emptyTotals();
      emit({ type: 'run.finished', status, evaluation: null, totals, error: message });
      await stepsWritten;
      await this.deps.writer.flush();
      await this.deps.runs.markFinished(runId, { status, evaluation: null, error: message, totals });
    } finally {
      // Published even when the record could not be written: live readers must not wait for an end forever.
      for (const event of ends.splice(0)) this.deps.hub.publish(event);
      release?.();
      await env?.close().catch(() => undefined);
    }
  }

  cancel(runId: string): boolean {
    const controller = this.controllers.get(runId);
    if (!controller) return false;
    controller.abort(new RunStop('cancelled', 'cancelled by the user'));
    return true;
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
    for (const controller of this.controllers.values()) controller.abort(new RunStop('interrupted', reason));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.deps.writer.flush();
    await this.deps.runs.markInterrupted(reason);
    await this.deps.telemetry?.flush().catch(() => undefined);
    // Stopped: a run started after this (an embedding that goes on, such as a test) runs as usual.
    this.stopping = null;
  }
}
