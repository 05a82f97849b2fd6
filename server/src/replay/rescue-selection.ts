import {
  FINISHED_STATUSES,
  firstFailedStep,
  type RescueQuery,
  type RescueRequest,
  type RunChange,
  type RunStatus,
  type RunSummary,
} from '@trellis/shared';
import type { z } from 'zod';
import { DomainError } from '../domain-errors.ts';
import type { RunManager } from '../runs/manager.ts';
import type { GraphRepo } from '../store/graphs.ts';
import type { RunRepo } from '../store/runs.ts';
import { planChange } from './change-plan.ts';
import { loadRecord, type RecordDeps } from './record.ts';

/** The statuses a rescue takes when its query names none. */
const FAILED: readonly RunStatus[] = ['failed', 'errored'];
/** The most runs one rescue takes. */
export const MAX_RESCUE_RUNS = 1000;

export interface SelectionDeps extends RecordDeps {
  runs: RunRepo;
  graphs: GraphRepo;
  manager: RunManager;
}

type Order = z.output<typeof RescueRequest>;

function describeQuery(query: z.output<typeof RescueQuery>): string {
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return parts.length > 0 ? parts.join(', ') : 'no filter';
}

async function byIds(deps: SelectionDeps, ids: readonly string[]): Promise<RunSummary[]> {
  if (ids.length === 0) {
    throw new DomainError(
      'unprocessable',
      'nothing_selected',
      'runIds is empty: select at least one failed run',
    );
  }
  const runs: RunSummary[] = [];
  for (const id of new Set(ids)) {
    const run = await deps.runs.get(id);
    if (!run) throw new DomainError('not_found', 'not_found', `run '${id}' does not exist`);
    if (!FINISHED_STATUSES.includes(run.status)) {
      throw new DomainError(
        'conflict',
        'run_live',
        `run '${id}' is still ${run.status}; rescue it once it has finished`,
      );
    }
    if (run.status === 'succeeded') {
      throw new DomainError(
        'unprocessable',
        'not_failed',
        `run '${id}' succeeded: there is nothing to rescue`,
      );
    }
    runs.push(run);
  }
  return runs;
}

async function byQuery(deps: SelectionDeps, query: z.output<typeof RescueQuery>): Promise<RunSummary[]> {
  const listed = await deps.runs.list({ ...query, limit: MAX_RESCUE_RUNS, offset: 0 });
  const wanted = query.status ? [query.status] : FAILED;
  const runs = listed.runs
    .filter((run) => wanted.includes(run.status) && run.status !== 'succeeded')
    .reverse();
  if (runs.length === 0) {
    const why =
      listed.total === 0
        ? `no run matches the query (${describeQuery(query)})`
        : `${listed.total} run(s) match the query (${describeQuery(query)}) but none ended ${wanted.join(' or ')}`;
    throw new DomainError('unprocessable', 'nothing_selected', `nothing to rescue: ${why}`);
  }
  return runs;
}

/** Where one run's rescue starts: its first step, or the step before its first failure. */
async function forkStepOf(deps: SelectionDeps, runId: string, from: Order['from']): Promise<number> {
  if (from === 'start') return 1;
  const record = await loadRecord(deps, runId);
  const failed = firstFailedStep(record.steps, record.run.status);
  return failed === null ? 1 : Math.max(1, failed - 1);
}

/** Refuses a change that some selected run's graph cannot take, naming the run. */
async function checkChange(
  deps: SelectionDeps,
  runId: string,
  change: RunChange,
  checked: Set<string>,
): Promise<void> {
  const record = await loadRecord(deps, runId);
  try {
    const plan = await planChange(deps.graphs, record, change);
    const key = JSON.stringify([plan.base.id, plan.overrides, plan.endpointId, plan.model]);
    if (checked.has(key)) return;
    await deps.manager.check({
      version: { ...plan.base, graph: plan.graph },
      overrides: plan.overrides,
      endpointId: plan.endpointId,
      model: plan.model,
    });
    checked.add(key);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(error.kind, error.code, `run '${runId}': ${error.message}`, error.details);
  }
}

/**
 * The failed runs a rescue takes, each with the step its fork starts at; or a domain error naming why there is
 * nothing to rescue or why the change does not fit one of them. Reads only.
 */
export async function selectForRescue(
  deps: SelectionDeps,
  order: Order,
): Promise<{ sourceRunId: string; taskId: string; forkStep: number }[]> {
  const runs = order.runIds ? await byIds(deps, order.runIds) : await byQuery(deps, order.query!);
  const checked = new Set<string>();
  const pairs: { sourceRunId: string; taskId: string; forkStep: number }[] = [];
  // One run at a time, in order: the first run that does not fit is the one named.
  for (const run of runs) {
    await checkChange(deps, run.id, order.change, checked);
    pairs.push({
      sourceRunId: run.id,
      taskId: run.taskId,
      forkStep: await forkStepOf(deps, run.id, order.from),
    });
  }
  return pairs;
}
