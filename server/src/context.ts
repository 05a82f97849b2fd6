import { setMaxListeners } from 'node:events';
import type { RunEvent, TeamStatus } from '@trellis/shared';
import { AccountService } from './accounts/service.ts';
import type { Config } from './config.ts';
import type { ChatModel } from './engine/model.ts';
import type { Environment } from './environments/types.ts';
import { EndpointService } from './inference/endpoint-service.ts';
import { RunTelemetry } from './otel/telemetry.ts';
import { forkParts } from './replay/fork-parts.ts';
import type { RequestLimits } from './runs/endpoint-model.ts';
import { type RemoteEvents, RunEvents } from './runs/events.ts';
import { RunHub } from './runs/hub.ts';
import { type RunDispatch, RunManager } from './runs/manager.ts';
import { EndpointRepo } from './store/endpoints.ts';
import { EventWriter, warnOfFailure } from './store/event-writer.ts';
import { ExperimentRepo } from './store/experiments.ts';
import { GraphRepo } from './store/graphs.ts';
import { LineageRepo } from './store/lineage.ts';
import { RunRepo } from './store/runs.ts';
import type { Store } from './store/sql.ts';
import { UsersRepo } from './store/users.ts';

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
  /** Users, sessions and API tokens in accounts mode (TRELLIS_AUTH=accounts); null in single-user mode. */
  accounts: AccountService | null;
  /** A team web server's view of its workers; null when runs execute in this process. */
  team: { status: NonNullable<TeamWiring['status']> } | null;
}

export interface ContextOptions {
  tasks: TaskCatalog;
  environment: () => Environment;
  /** Replaces model access for runs (tests and benchmarks). */
  model?: (defaults: { endpointId: string | null; model: string | null }) => ChatModel;
  maxConcurrentRuns?: number;
  perEndpointRequests?: number;
  /** How long the event writer gathers events before writing them (0: group commit); default 50 ms. */
  eventWriteIntervalMs?: number;
  /** The live runs' hub, when a team's web server feeds it from the store too (team/remote-runs.ts). */
  hub?: RunHub;
  /** How this process takes part in a team deployment; absent: the embedded default, one process. */
  team?: TeamWiring;
}

/** A process of a team deployment: a web server that hands runs to workers, or a worker. */
export interface TeamWiring {
  /** The id its runs carry; shutting down interrupts only those. */
  processId: string;
  /** Request bounds shared by every process. */
  endpointLimits?: RequestLimits;
  /** A web server's: runs go to workers. */
  dispatch?: RunDispatch;
  /** A web server's: makes a run executing on a worker followable through the hub. */
  remote?: RemoteEvents;
  /** A web server's: the team's members and queue, for GET /api/team. */
  status?: () => Promise<Omit<TeamStatus, 'execution' | 'store'>>;
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
  // Every open stream (a run's events, a job's progress, a Playground relay) listens for shutdown until it
  // closes: one listener per reader, however many follow, is not a leak.
  setMaxListeners(0, shutdown);
  const endpoints = new EndpointRepo(db);
  const graphs = new GraphRepo(db);
  const runs = new RunRepo(db);
  // A batch the database could not take stops its runs (manager.storeFailed); the manager exists just below.
  let onStoreFailure: (error: unknown, batch: RunEvent[]) => void = () => undefined;
  const writer = new EventWriter(runs, options.eventWriteIntervalMs, undefined, (error, batch) => {
    warnOfFailure(error, batch);
    onStoreFailure(error, batch);
  });
  const hub = options.hub ?? new RunHub();
  const telemetry = config.otlp ? runTelemetry(config.otlp, db) : null;
  const lineage = new LineageRepo(db);
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
    // Late-bound: the events reader is built from the manager's parts just below.
    rebuildFork: (recipe) => forkParts({ runs, graphs, lineage, events }, options.environment, recipe),
    ...(options.team
      ? {
          processId: options.team.processId,
          ...(options.team.endpointLimits ? { endpointLimits: options.team.endpointLimits } : {}),
          ...(options.team.dispatch ? { dispatch: options.team.dispatch } : {}),
        }
      : {}),
  });
  onStoreFailure = (error, batch) => manager.storeFailed(error, batch);
  const registry = new EndpointService(endpoints, config.endpoints);
  const events: RunEvents = new RunEvents(runs, writer, hub, options.team?.remote);
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
    accounts: config.auth === 'accounts' ? new AccountService(new UsersRepo(db)) : null,
    team: options.team?.status ? { status: options.team.status } : null,
  };
}
