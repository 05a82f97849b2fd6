import type { Config } from './config.ts';
import type { ChatModel } from './engine/model.ts';
import type { Environment } from './environments/types.ts';
import { EndpointService } from './inference/endpoint-service.ts';
import { RunTelemetry } from './otel/telemetry.ts';
import { RunEvents } from './runs/events.ts';
import { RunHub } from './runs/hub.ts';
import { RunManager } from './runs/manager.ts';
import { EndpointRepo } from './store/endpoints.ts';
import { EventWriter } from './store/event-writer.ts';
import { ExperimentRepo } from './store/experiments.ts';
import { GraphRepo } from './store/graphs.ts';
import { LineageRepo } from './store/lineage.ts';
import { RunRepo } from './store/runs.ts';
import type { Store } from './store/sql.ts';

/** The tasks runs can be started on. */
export interface TaskCatalog {
  get(taskId: string): { id: string; difficulty: number | null } | null;
}

/** The services every route group receives. Tests build one around an in-memory store. */
export interface AppContext {
  config: Config;
  db: Store;
  endpoints: EndpointRepo;
  /** The endpoint registry as users change it: verification, unique names, declared endpoints read-only. */
  registry: EndpointService;
  graphs: GraphRepo;
  runs: RunRepo;
  writer: EventWriter;
  hub: RunHub;
  /** A run's events, live or recorded, from one place. */
  events: RunEvents;
  manager: RunManager;
  /** Exports runs as OpenTelemetry traces; null unless an OTLP endpoint is configured. */
  telemetry: RunTelemetry | null;
  tasks: TaskCatalog;
  /** A fresh environment for one run (the built-in world unless a deployment says otherwise). */
  environment: () => Environment;
  /** Aborted when the server shuts down, so long-lived work (streams, runs) can stop. */
  shutdown: AbortSignal;
}

export interface ContextOptions {
  tasks: TaskCatalog;
  environment: () => Environment;
  /** Replaces model access for runs (tests and benchmarks). */
  model?: (defaults: { endpointId: string | null; model: string | null }) => ChatModel;
  maxConcurrentRuns?: number;
  perEndpointRequests?: number;
}

/** Trace export, with the store's answer to where a run came from (its fork parent, its experiment). */
function runTelemetry(config: NonNullable<Config['otlp']>, db: Store): RunTelemetry {
  const lineage = new LineageRepo(db);
  const experiments = new ExperimentRepo(db);
  return new RunTelemetry(config, async (runId) => {
    const [{ parentRunId, forkStep }, experimentId] = await Promise.all([
      lineage.get(runId),
      experiments.experimentOf(runId),
    ]);
    return { parentRunId, forkStep, experimentId };
  });
}

export function createContext(
  config: Config,
  db: Store,
  shutdown: AbortSignal,
  options: ContextOptions,
): AppContext {
  const endpoints = new EndpointRepo(db);
  const graphs = new GraphRepo(db);
  const runs = new RunRepo(db);
  const writer = new EventWriter(runs);
  const hub = new RunHub();
  const telemetry = config.otlp ? runTelemetry(config.otlp, db) : null;
  const manager = new RunManager({
    runs,
    graphs,
    endpoints,
    writer,
    hub,
    environment: options.environment,
    ...(telemetry ? { telemetry } : {}),
    ...(options.model ? { model: options.model } : {}),
    ...((options.maxConcurrentRuns ?? config.maxConcurrentRuns)
      ? { maxConcurrentRuns: options.maxConcurrentRuns ?? config.maxConcurrentRuns }
      : {}),
    ...((options.perEndpointRequests ?? config.perEndpointRequests)
      ? { perEndpointRequests: options.perEndpointRequests ?? config.perEndpointRequests }
      : {}),
  });
  const registry = new EndpointService(endpoints, config.endpoints);
  const events = new RunEvents(runs, writer, hub);
  return {
    config,
    db,
    endpoints,
    registry,
    graphs,
    runs,
    writer,
    hub,
    events,
    manager,
    telemetry,
    tasks: options.tasks,
    environment: options.environment,
    shutdown,
  };
}
