import type { OptimiserRequest } from '@trellis/shared';
import { type TaskSetDraft, taskSet } from '../experiments/experimentDraft.ts';
import { devTasks, type GraphChoice } from '../search/searchDraft.ts';

/*
 * The optimiser form's state and how it becomes an OptimiserRequest; numbers stay text while typed and are read on
 * submit, each problem named.
 */

export interface OptimiserDraft {
  name: string;
  graph: GraphChoice | null;
  endpointId: string | null;
  model: string | null;
  tasks: TaskSetDraft;
  rounds: string;
  metaEndpointId: string | null;
  metaModel: string | null;
  failureSamples: string;
  repeats: string;
  concurrency: string;
}

export function emptyOptimiserDraft(): OptimiserDraft {
  return {
    name: '',
    graph: null,
    endpointId: null,
    model: null,
    tasks: devTasks(),
    rounds: '10',
    metaEndpointId: null,
    metaModel: null,
    failureSamples: '5',
    repeats: '1',
    concurrency: '8',
  };
}

function integer(text: string, what: string, min: number, max: number, problems: string[]): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${what} must be a whole number from ${min} to ${max}.`);
    return min;
  }
  return value;
}

/** The request the form describes over the starting graph (saved as `graphVersionId`), or what keeps it from being sent. */
export function toOptimiserRequest(
  draft: OptimiserDraft,
  graphVersionId: string,
): { request: OptimiserRequest; problems: [] } | { request: null; problems: string[] } {
  const problems: string[] = [];
  const tasks = taskSet({ ...draft.tasks, split: 'dev' }, problems);
  const rounds = integer(draft.rounds, 'Rounds', 1, 30, problems);
  const failureSamples = integer(draft.failureSamples, 'Failure samples', 0, 20, problems);
  const repeats = integer(draft.repeats, 'Repeats', 1, 10, problems);
  const concurrencyPerEndpoint = integer(draft.concurrency, 'Concurrency per endpoint', 1, 256, problems);
  if (!draft.metaEndpointId)
    problems.push('Choose the meta-agent’s endpoint: the model that proposes the edits.');
  if (problems.length > 0 || !draft.metaEndpointId) return { request: null, problems };
  const name = draft.name.trim();
  return {
    request: {
      ...(name ? { name } : {}),
      graphVersionId,
      ...(draft.endpointId ? { endpointId: draft.endpointId } : {}),
      ...(draft.endpointId && draft.model ? { model: draft.model } : {}),
      tasks,
      repeats,
      rounds,
      metaAgent: { endpointId: draft.metaEndpointId, ...(draft.metaModel ? { model: draft.metaModel } : {}) },
      failureSamples,
      concurrencyPerEndpoint,
    },
    problems: [],
  };
}
