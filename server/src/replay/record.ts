import {
  applyOverrides,
  type BindingChoice,
  FINISHED_STATUSES,
  type Graph,
  type RunDetail,
  type RunEvent,
  type RunEventOf,
  runDefaults,
  type StepRecord,
  stepsOf,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import type { RunEvents } from '../runs/events.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import type { LineageRepo, StoredRunRequest } from '../store/lineage.ts';
import type { RunRepo } from '../store/runs.ts';

/** Everything recorded about a run that replaying or forking it needs. Read only: nothing here writes. */
export interface RunRecord {
  run: RunDetail;
  events: RunEvent[];
  steps: StepRecord[];
  version: StoredVersion;
  request: StoredRunRequest;
  /** The graph as the run ran it: its version with the run's overrides applied. */
  graph: Graph;
  /** The run's defaults for nodes that bind no endpoint. */
  defaults: BindingChoice;
  finished: RunEventOf<'run.finished'> | null;
  /** Still queued or running: its record is still growing. */
  live: boolean;
  /** Cancelled, interrupted, or left without an ending: the record stops where the run was stopped. */
  stopped: boolean;
}

export interface RecordDeps {
  runs: RunRepo;
  events: RunEvents;
  graphs: GraphRepo;
  lineage: LineageRepo;
}

/** Reads a run's record, or throws a not-found naming the run. */
export function loadRecord(deps: RecordDeps, runId: string): RunRecord {
  const run = deps.runs.get(runId);
  if (!run) throw new DomainError('not_found', 'not_found', `run '${runId}' does not exist`);
  const events = deps.events.list(runId);
  const version = deps.graphs.getVersion(run.graphVersionId);
  if (!version) {
    throw new DomainError('not_found', 'not_found', `graph version '${run.graphVersionId}' does not exist`);
  }
  const request = deps.lineage.runRequest(runId)!;
  const finished =
    (events.findLast((e) => e.type === 'run.finished') as RunEventOf<'run.finished'> | undefined) ?? null;
  const live = !FINISHED_STATUSES.includes(run.status);
  return {
    run,
    events,
    steps: stepsOf(events),
    version,
    request,
    graph: applyOverrides(version.graph, request.overrides),
    defaults: runDefaults(version.graph, request),
    finished,
    live,
    stopped: !live && (run.status === 'cancelled' || run.status === 'interrupted' || finished === null),
  };
}
