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

  constructor(private readonly deps: RunManagerDeps) {
    this.slots = new Semaphore(deps.maxConcurrentRuns ?? 64);
    // As many requests per endpoint as runs at once: an experiment asking for 64 runs in flight on one inference
    // server gets 64 requests there (16 capped it silently); TRELLIS_ENDPOINT_REQUESTS lowers it for a small server.
    this.limits = new EndpointLimits(deps.perEndpointRequests ?? 64);
  }

  /** Marks runs a previous process left in flight as interrupted; their traces stay intact. */
  recover(): string[] {
    return this.deps.runs.markInterrupted();
  }

  /** Refuses, as start() would, a run that cannot start; starts nothing. */
  check(request: Pick<StartRun, 'version' | 'overrides' | 'endpointId' | 'model'>): void {
    this.prepare(request);
  }

  /** The run's graph and live model, or a domain error naming why it cannot run. */
  private prepare(request: Pick<StartRun, 'version' | 'overrides' | 'endpointId' | 'model'>) {
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
    const issues = validateGraph(graph, {
      endpointIds: new Set(this.deps.endpoints.list().map((e) => e.id)),
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
        live.resolve(node.config.llm.endpointId, node.config.llm.model);
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

  start(request: StartRun): RunDetail {
    const { graph, live } = this.prepare(request);
    const wrapped = request.wrapModel ? request.wrapModel(live) : live;
    const model = this.deps.telemetry?.model(wrapped) ?? wrapped;
    const id = `run_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const seed = request.seed ?? Math.floor(Math.random() * 2 ** 31);
    const run = this.deps.runs.create({
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
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.deps.hub.open(id);
    this.deps.telemetry?.follow(id, this.deps.hub);
    const input = {
      graph,
      graphVersionId: request.version.id,
      taskId: request.taskId,
      seed,
      runId: id,
      ...(request.prefix ? { prefix: request.prefix } : {}),
    };
    const environment = request.environment ?? this.deps.environment;
    const job = this.execute(input, model, environment, controller).finally(() => {
      this.running.delete(job);
      this.jobs.delete(id);
      this.controllers.delete(id);
    });
    this.running.add(job);
    this.jobs.set(id, job);
    return run;
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
    const emit = (body: RunEventBody) => {
      const event = { ...body, runId, seq: ++seq, at: Date.now() } as RunEvent;
      this.deps.writer.write(event);
      this.deps.hub.publish(event);
      if (body.type === 'step.started') this.deps.runs.markStep(runId, body.step);
    };
    let release: (() => void) | null = null;
    let env: Environment | null = null;
    try {
      release = await this.slots.acquire(controller.signal);
      this.deps.runs.markStarted(runId);
      env = environment();
      const outcome = await runGraph(input, {
        model,
        env,
        emit,
        signal: controller.signal,
        deltaWindowMs: this.deps.deltaWindowMs ?? 30,
      });
      this.deps.writer.flush();
      this.deps.runs.markFinished(runId, outcome);
    } catch (error) {
      // Stopped while queued, or a fault outside the engine: the run still ends with a status and a reason.
      const stop = controller.signal.aborted ? stopOf(controller.signal) : null;
      const status = stop?.status ?? 'errored';
      const message = stop?.message ?? `run failed: ${(error as Error).message}`;
      const totals = emptyTotals();
      emit({ type: 'run.finished', status, evaluation: null, totals, error: message });
      this.deps.writer.flush();
      this.deps.runs.markFinished(runId, { status, evaluation: null, error: message, totals });
    } finally {
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
    for (const controller of this.controllers.values()) controller.abort(new RunStop('interrupted', reason));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.deps.writer.flush();
    this.deps.runs.markInterrupted(reason);
    await this.deps.telemetry?.flush().catch(() => undefined);
  }
}
