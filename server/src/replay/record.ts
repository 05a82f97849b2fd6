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
  /** Which graph recorded which steps: one segment, or for a fork, its parent's before the fork step. */
  segments: RecordSegment[];
  finished: RunEventOf<'run.finished'> | null;
  /** Still queued or running: its record is still growing. */
  live: boolean;
  /** Cancelled, interrupted, or left without an ending: the record stops where the run was stopped. */
  stopped: boolean;
}

/** Steps `fromStep` to `untilStep - 1` of a record, and the graph and binding defaults that recorded them. */
export interface RecordSegment {
  fromStep: number;
  untilStep: number;
  graph: Graph;
  defaults: BindingChoice;
}

export interface RecordDeps {
  runs: RunRepo;
  events: RunEvents;
  graphs: GraphRepo;
  lineage: LineageRepo;
}

/** Reads a run's record, or throws a not-found naming the run. */
export async function loadRecord(deps: RecordDeps, runId: string): Promise<RunRecord> {
  const run = await deps.runs.get(runId);
  if (!run) throw new DomainError('not_found', 'not_found', `run '${runId}' does not exist`);
  const events = await deps.events.list(runId);
  const version = await deps.graphs.getVersion(run.graphVersionId);
  if (!version) {
    throw new DomainError('not_found', 'not_found', `graph version '${run.graphVersionId}' does not exist`);
  }
  const request = (await deps.lineage.runRequest(runId))!;
  const graph = applyOverrides(version.graph, request.overrides);
  const defaults = runDefaults(version.graph, request);
  const finished =
    (events.findLast((e) => e.type === 'run.finished') as RunEventOf<'run.finished'> | undefined) ?? null;
  const live = !FINISHED_STATUSES.includes(run.status);
  return {
    run,
    events,
    steps: stepsOf(events),
    version,
    request,
    graph,
    defaults,
    segments: await segmentsOf(deps, runId, { graph, defaults }),
    finished,
    live,
    stopped: !live && (run.status === 'cancelled' || run.status === 'interrupted' || finished === null),
  };
}

/**
 * The graphs that recorded a run's steps: its own, and for a fork, before its fork step, those of its parent
 * (recursively: a fork of a fork takes its grandparent's before the first fork step).
 */
async function segmentsOf(
  deps: RecordDeps,
  runId: string,
  own: Pick<RecordSegment, 'graph' | 'defaults'>,
): Promise<RecordSegment[]> {
  const lineage = await deps.lineage.get(runId);
  const last = { fromStep: 1, untilStep: Number.POSITIVE_INFINITY, ...own };
  if (!lineage.parentRunId || lineage.forkStep === null || lineage.forkStep <= 1) return [last];
  const parent = await deps.runs.get(lineage.parentRunId);
  const version = parent && (await deps.graphs.getVersion(parent.graphVersionId));
  const request = parent && (await deps.lineage.runRequest(parent.id));
  if (!version || !request) return [last];
  const forkStep = lineage.forkStep;
  const before = (
    await segmentsOf(deps, parent.id, {
      graph: applyOverrides(version.graph, request.overrides),
      defaults: runDefaults(version.graph, request),
    })
  )
    .filter((segment) => segment.fromStep < forkStep)
    .map((segment) => ({ ...segment, untilStep: Math.min(segment.untilStep, forkStep) }));
  return [...before, { ...last, fromStep: forkStep }];
}

/** The segment that recorded a step. */
export function segmentAt(record: RunRecord, step: number): RecordSegment {
  return record.segments.find((s) => s.fromStep <= step && step < s.untilStep) ?? record.segments.at(-1)!;
}
