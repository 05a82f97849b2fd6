import {
  applyNodeSettings,
  applyOverrides,
  type ChangeIssue,
  describeEditChange,
  diffGraphs,
  type EditChange,
  type Graph,
  type NodeOverride,
  type RunChange,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import type { GraphRepo, StoredVersion } from '../store/graphs.ts';
import { type RunRecord, segmentAt } from './record.ts';

/** What a change makes of a recorded run: the graph to run, its binding, and the difference as a readable diff. */
export interface ChangePlan {
  /** The saved version the change starts from. */
  base: StoredVersion;
  /** The graph to run (before overrides); equal to the base's graph when only bindings change. */
  graph: Graph;
  overrides: Record<string, NodeOverride>;
  endpointId: string | undefined;
  model: string | undefined;
  changes: EditChange[];
}

function refuse(issues: ChangeIssue[]): never {
  const located = issues.map((issue) => ({ ...issue, path: ['change', ...issue.path] }));
  throw new DomainError(
    'invalid',
    issues[0]!.code,
    located.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    {
      issues: located,
    },
  );
}

/** The run's overrides with the change's merged over them, node by node; nodes the graph lacks are dropped. */
function mergedOverrides(graph: Graph, record: RunRecord, change: RunChange): Record<string, NodeOverride> {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const unknown = Object.keys(change.overrides).filter((id) => !ids.has(id));
  if (unknown.length > 0) {
    refuse(
      unknown.map((id) => ({
        code: 'unknown_node' as const,
        path: ['overrides', id],
        message: `no node '${id}' in graph '${graph.name}' (nodes: ${[...ids].join(', ')})`,
      })),
    );
  }
  const merged: Record<string, NodeOverride> = {};
  for (const id of ids) {
    const override = { ...record.request.overrides[id], ...change.overrides[id] };
    if (override.endpointId || override.model) merged[id] = override;
  }
  return merged;
}

/**
 * Applies a change to a recorded run, checking every part against the graph it names: unknown nodes, unknown
 * settings and refused values are located errors; nothing is saved here.
 */
export async function planChange(
  graphs: GraphRepo,
  record: RunRecord,
  change: RunChange,
  /** The step the change applies from: the difference is taken from the graph that recorded it. */
  step = 1,
): Promise<ChangePlan> {
  const base = change.graphVersionId ? await graphs.getVersion(change.graphVersionId) : record.version;
  if (!base) {
    throw new DomainError(
      'not_found',
      'not_found',
      `graph version '${change.graphVersionId}' does not exist`,
    );
  }
  const applied = applyNodeSettings(base.graph, change.nodes);
  if (applied.graph === null) refuse(applied.issues);
  const overrides = mergedOverrides(applied.graph, record, change);
  const endpointId = change.endpointId ?? record.request.endpointId ?? undefined;
  const model = change.model ?? (change.endpointId ? undefined : (record.request.model ?? undefined));
  const changes = diffGraphs(segmentAt(record, step).graph, applyOverrides(applied.graph, overrides));
  if ((record.request.endpointId ?? undefined) !== endpointId) {
    changes.push({ path: 'run.endpointId', before: record.request.endpointId, after: endpointId ?? null });
  }
  if ((record.request.model ?? undefined) !== model) {
    changes.push({ path: 'run.model', before: record.request.model, after: model ?? null });
  }
  return { base, graph: applied.graph, overrides, endpointId, model, changes };
}

/** The change's lines for a person to read. */
export function summaryOf(changes: readonly EditChange[]): string[] {
  return changes.map(describeEditChange);
}
