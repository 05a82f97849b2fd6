import {
  applyNodeSettings,
  type CandidateProblem,
  Graph,
  NODE_KINDS,
  type NodeKind,
  validateGraph,
} from '@trellis/shared';
import type { z } from 'zod';
import { parseProposerReply } from '../search/model-proposer.ts';

type Problem = Omit<CandidateProblem, 'attempt'>;

/** A meta-agent's reply, read: its analysis and label, the graph it proposes (when it could be built), and why not. */
export interface ReadProposal {
  analysis: string;
  label: string;
  /** The graph, schema-checked; null when the reply could not be made into one. */
  graph: Graph | null;
  /** What was checked: the graph as built from the reply before the schema, for the record. */
  proposed: unknown;
  problems: Problem[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `over` laid on `base`: objects merge key by key, anything else in `over` replaces what `base` had. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

const isKind = (kind: unknown): kind is NodeKind =>
  typeof kind === 'string' && Object.hasOwn(NODE_KINDS, kind);

/**
 * The proposed graph completed from the parent: a node keeps its parent's config for the fields it leaves out (a
 * new node starts from its kind's defaults), its canvas position and label; left-out nodes, edges, limits and
 * defaults stay as they were. The name is the parent's, so every candidate is a version of one graph.
 */
export function completeGraph(parent: Graph, proposed: Record<string, unknown>): Record<string, unknown> {
  const parentNodes = new Map(parent.nodes.map((node) => [node.id, node]));
  const right = Math.max(0, ...parent.nodes.map((node) => node.position.x));
  let added = 0;
  const nodes = Array.isArray(proposed.nodes)
    ? proposed.nodes.map((node: unknown) => {
        if (!isObject(node) || !isKind(node.kind)) return node;
        const before = typeof node.id === 'string' ? parentNodes.get(node.id) : undefined;
        const same = before?.kind === node.kind ? before : undefined;
        const base = same ? same.config : NODE_KINDS[node.kind].defaults();
        return {
          ...node,
          label: node.label ?? same?.label ?? NODE_KINDS[node.kind].label,
          position: node.position ?? same?.position ?? { x: right + 300 * ++added, y: 320 },
          config: deepMerge(base, node.config ?? {}),
        };
      })
    : parent.nodes;
  return {
    ...proposed,
    schemaVersion: parent.schemaVersion,
    name: parent.name,
    description: typeof proposed.description === 'string' ? proposed.description : parent.description,
    entry: proposed.entry ?? parent.entry,
    nodes,
    edges: proposed.edges ?? parent.edges,
    limits: deepMerge(parent.limits, proposed.limits),
    defaults: deepMerge(parent.defaults, proposed.defaults),
  };
}

/** Schema issues with node indexes replaced by node ids: `node 'corrector' config.trigger: …`. */
function schemaProblems(error: z.ZodError, proposed: Record<string, unknown>): Problem[] {
  const nodes = Array.isArray(proposed.nodes) ? proposed.nodes : [];
  return error.issues.map((issue) => {
    const [head, index, ...rest] = issue.path.map(String);
    let where = issue.path.map(String).join('.') || 'graph';
    if (head === 'nodes' && index !== undefined) {
      const node = nodes[Number(index)] as { id?: unknown } | undefined;
      const name = typeof node?.id === 'string' ? `node '${node.id}'` : `nodes[${index}]`;
      where = rest.length > 0 ? `${name} ${rest.join('.')}` : name;
    }
    return { stage: 'schema' as const, message: `${where}: ${issue.message}` };
  });
}

/**
 * Reads a reply in either form the meta-agent is offered — a whole graph, or settings by node id and dotted key
 * (applyNodeSettings) — into a schema-checked graph, or the problems that stopped it.
 */
export function readProposal(reply: string, parent: Graph): ReadProposal {
  const parsed = parseProposerReply(reply);
  const empty = { analysis: '', label: '', graph: null, proposed: null };
  if (!parsed.ok) {
    return {
      ...empty,
      problems: [{ stage: 'reply', message: `the reply is not valid JSON: ${parsed.error}` }],
    };
  }
  const value = parsed.value;
  if (!isObject(value)) {
    return { ...empty, problems: [{ stage: 'reply', message: 'the reply is not a JSON object' }] };
  }
  const analysis = typeof value.analysis === 'string' ? value.analysis.trim() : '';
  const label = typeof value.label === 'string' ? value.label.trim().slice(0, 80) : '';
  const head = { analysis, label };
  if (isObject(value.graph)) {
    const proposed = completeGraph(parent, value.graph);
    const result = Graph.safeParse(proposed);
    if (!result.success) {
      return { ...head, graph: null, proposed, problems: schemaProblems(result.error, proposed) };
    }
    return { ...head, graph: result.data, proposed, problems: [] };
  }
  if (isObject(value.settings)) {
    const settings = value.settings;
    const bad = Object.entries(settings).filter(([, fields]) => !isObject(fields));
    if (bad.length > 0) {
      return {
        ...head,
        graph: null,
        proposed: settings,
        problems: bad.map(([id]) => ({
          stage: 'schema' as const,
          message: `settings of node '${id}' must be an object of setting keys and values`,
        })),
      };
    }
    const applied = applyNodeSettings(parent, settings as Record<string, Record<string, unknown>>);
    if (applied.graph === null) {
      return {
        ...head,
        graph: null,
        proposed: settings,
        problems: applied.issues.map((issue) => ({ stage: 'schema' as const, message: issue.message })),
      };
    }
    return { ...head, graph: applied.graph, proposed: applied.graph, problems: [] };
  }
  return {
    ...head,
    graph: null,
    proposed: null,
    problems: [{ stage: 'reply', message: 'the reply has neither a "graph" object nor a "settings" object' }],
  };
}

/** What validateGraph refuses for a run of the graph (warnings are not problems). */
export function validationProblems(
  graph: Graph,
  endpointIds: ReadonlySet<string>,
  runEndpointId: string | null,
): Problem[] {
  return validateGraph(graph, { endpointIds, runEndpointId, forRun: true })
    .filter((issue) => issue.severity === 'error')
    .map((issue) => ({ stage: 'validation' as const, message: issue.message }));
}
