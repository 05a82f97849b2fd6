import { z } from 'zod';
import { canonicalJson, type Graph } from '../graph/graph.ts';
import { GraphNode } from '../graph/registry.ts';
import { NodeOverride } from '../runs.ts';

/**
 * What a fork or a rescue changes about the runs it starts from. Node settings are addressed by the dotted keys
 * the inspector edits (`prompts.system`, `llm.params.temperature`, `corrector`'s `trigger`…), inside the node's
 * config.
 */
export const RunChange = z
  .object({
    /** Run on another saved graph version instead of the one the run used. */
    graphVersionId: z.string().min(1).max(128).optional(),
    /** Settings and prompts by node id, then by field key: `{corrector: {'prompts.system': '…'}}`. */
    nodes: z.record(z.string().min(1).max(64), z.record(z.string().min(1).max(200), z.unknown())).default({}),
    /** Endpoint and model per node, as a run's overrides (merged over the run's own). */
    overrides: z.record(z.string(), NodeOverride).default({}),
    /** The default endpoint and model for nodes that bind none (else the run's). */
    endpointId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();
export type RunChange = z.infer<typeof RunChange>;
export type RunChangeInput = z.input<typeof RunChange>;

/** Why a change cannot be applied, located by the path of the offending part of the request. */
export interface ChangeIssue {
  code: 'unknown_node' | 'unknown_field' | 'invalid_value';
  path: string[];
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The config with `value` put at the dotted key; null when the key runs through something that is not an object. */
function setAt(config: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> | null {
  const segments = key.split('.');
  const root = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  let cursor: Record<string, unknown> = root;
  for (const segment of segments.slice(0, -1)) {
    const next = cursor[segment] ?? {};
    if (!isPlainObject(next)) return null;
    cursor[segment] = next;
    cursor = next;
  }
  cursor[segments.at(-1)!] = value;
  return root;
}

/** One node's settings applied and checked against its kind's schema. */
function applyToNode(node: GraphNode, settings: Record<string, unknown>): GraphNode | ChangeIssue[] {
  const base = ['nodes', node.id];
  let config: Record<string, unknown> = node.config as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    const next = setAt(config, key, value);
    if (next === null) {
      return [
        { code: 'unknown_field', path: [...base, key], message: `node '${node.id}' has no setting '${key}'` },
      ];
    }
    config = next;
  }
  const parsed = GraphNode.safeParse({ ...node, config });
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((issue) => {
    const at = issue.path.slice(1).map(String);
    const inConfig = at[0] === 'config' ? at.slice(1) : at;
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => [...inConfig, k].join('.'));
      return {
        code: 'unknown_field' as const,
        path: [...base, keys[0]!],
        message: `node '${node.id}' (${node.kind}) has no setting ${keys.map((k) => `'${k}'`).join(', ')}`,
      };
    }
    const key = inConfig.join('.');
    return {
      code: 'invalid_value' as const,
      path: [...base, key],
      message: `node '${node.id}' ${key}: ${issue.message}`,
    };
  });
}

/**
 * The graph with each node's settings changed, as a new graph sharing nothing with the given one; or the issues, each located at the node and key
 * of the request that caused it (an unknown node, a key its kind does not have, a value its schema refuses).
 */
export function applyNodeSettings(
  graph: Graph,
  nodes: Readonly<Record<string, Record<string, unknown>>>,
): { graph: Graph; issues: [] } | { graph: null; issues: ChangeIssue[] } {
  const issues: ChangeIssue[] = [];
  for (const id of Object.keys(nodes)) {
    if (!graph.nodes.some((n) => n.id === id)) {
      issues.push({
        code: 'unknown_node',
        path: ['nodes', id],
        message: `no node '${id}' in graph '${graph.name}' (nodes: ${graph.nodes.map((n) => n.id).join(', ')})`,
      });
    }
  }
  const changed = graph.nodes.map((node) => {
    const settings = nodes[node.id];
    if (!settings) return node;
    const result = applyToNode(node, settings);
    if (Array.isArray(result)) {
      issues.push(...result);
      return node;
    }
    return result;
  });
  if (issues.length > 0) return { graph: null, issues };
  return { graph: JSON.parse(JSON.stringify({ ...graph, nodes: changed })) as Graph, issues: [] };
}

/** One difference between two graphs, at a dotted path (`nodes.corrector.prompts.system`). */
export const EditChange = z.object({ path: z.string(), before: z.unknown(), after: z.unknown() });
export type EditChange = z.infer<typeof EditChange>;

function diffValues(path: string, before: unknown, after: unknown, out: EditChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) diffValues(`${path}.${key}`, before[key], after[key], out);
    return;
  }
  out.push({ path, before: before ?? null, after: after ?? null });
}

function byId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

/** Every difference between two graphs: nodes and edges matched by id, settings down to their leaves. */
export function diffGraphs(before: Graph, after: Graph): EditChange[] {
  const out: EditChange[] = [];
  for (const key of ['name', 'entry', 'limits', 'defaults'] as const) {
    diffValues(key, before[key], after[key], out);
  }
  const nodesBefore = byId(before.nodes);
  const nodesAfter = byId(after.nodes);
  for (const id of new Set([...nodesBefore.keys(), ...nodesAfter.keys()])) {
    const a = nodesBefore.get(id);
    const b = nodesAfter.get(id);
    if (!a || !b || a.kind !== b.kind) {
      out.push({ path: `nodes.${id}`, before: a ? a.kind : null, after: b ? b.kind : null });
    } else {
      diffValues(`nodes.${id}`, a.config, b.config, out);
    }
  }
  const edgesBefore = byId(before.edges);
  const edgesAfter = byId(after.edges);
  for (const id of new Set([...edgesBefore.keys(), ...edgesAfter.keys()])) {
    const a = edgesBefore.get(id);
    const b = edgesAfter.get(id);
    const shape = (edge: (typeof before.edges)[number] | undefined) =>
      edge && { from: edge.from, to: edge.to, when: edge.when };
    diffValues(`edges.${id}`, shape(a), shape(b), out);
  }
  return out;
}

function shown(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? 'null';
  const lines = value.split('\n');
  if (lines.length > 1) return `${lines.length} lines`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 59)}…` : value);
}

/** A change as one line a person can read: `nodes.agent.llm.model: "a" → "b"`. */
export function describeEditChange(change: EditChange): string {
  if (typeof change.before === 'string' && typeof change.after === 'string') {
    const a = change.before.split('\n').length;
    const b = change.after.split('\n').length;
    if (a > 1 || b > 1) return `${change.path}: edited (${a} → ${b} lines)`;
  }
  return `${change.path}: ${shown(change.before)} → ${shown(change.after)}`;
}
