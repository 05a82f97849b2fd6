import { z } from 'zod';
import { callsModel } from '../run-contract/nodes.ts';
import type { Graph } from './graph.ts';
import type { GraphNode } from './registry.ts';
import { NODE_KINDS } from './registry.ts';
import { templateVariables } from './templates.ts';

export const GraphIssue = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.enum([
    'duplicate_node',
    'duplicate_edge',
    'unknown_node',
    'unknown_entry',
    'no_executor',
    'unknown_endpoint',
    'no_endpoint',
    'unreachable_node',
    'no_path_to_executor',
    'loop_without_executor',
    'unknown_variable',
    'limit_out_of_range',
    'invalid_condition',
  ]),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  /** Dotted path of the field concerned, e.g. `config.prompts.user` or `limits.maxSteps`. */
  field: z.string().optional(),
  /** For template issues: the variable and its offset in the template. */
  variable: z.string().optional(),
  offset: z.number().int().optional(),
});
export type GraphIssue = z.infer<typeof GraphIssue>;

export interface ValidationContext {
  /** Registered endpoint ids; null skips the endpoint checks (e.g. offline editing). */
  endpointIds: ReadonlySet<string> | null;
  /** Endpoint that a run will use for nodes binding none (run override or graph default). */
  runEndpointId?: string | null;
  /** When true, an LLM node with no endpoint at all is an error (a run is about to start). */
  forRun?: boolean;
}

export const MAX_STEPS_RANGE = { min: 1, max: 200 } as const;

function nodeName(node: GraphNode): string {
  return node.label ? `'${node.label}' (${node.id})` : `'${node.id}'`;
}

function checkTemplates(node: GraphNode, issues: GraphIssue[]): void {
  if (!callsModel(node)) return;
  const visible = new Set(NODE_KINDS[node.kind].variables.map((v) => v.name));
  for (const part of ['system', 'user'] as const) {
    for (const use of templateVariables(node.config.prompts[part])) {
      if (visible.has(use.name)) continue;
      const isolation =
        node.kind === 'corrector' ? ' (the corrector is isolated from the task and history)' : '';
      issues.push({
        severity: 'error',
        code: 'unknown_variable',
        message: `${NODE_KINDS[node.kind].label} ${nodeName(node)} cannot see {{${use.name}}} in its ${part} prompt${isolation}; it can use ${[...visible].map((v) => `{{${v}}}`).join(', ')}`,
        nodeId: node.id,
        field: `config.prompts.${part}`,
        variable: use.name,
        offset: use.offset,
      });
    }
  }
}

/** Strongly connected components (Tarjan), to find loops. */
function components(ids: string[], next: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, order.get(w)!));
      }
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const id of ids) if (!order.has(id)) visit(id);
  return out;
}

/**
 * Checks what the schema cannot: references, reachability, loops, template variables, endpoints and limits.
 * Every issue names the node, edge or field it concerns, so the canvas can show it in place.
 */
export function validateGraph(graph: Graph, context: ValidationContext): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) {
      issues.push({
        severity: 'error',
        code: 'duplicate_node',
        message: `two nodes share the id '${node.id}'`,
        nodeId: node.id,
      });
    }
    byId.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) {
      issues.push({
        severity: 'error',
        code: 'duplicate_edge',
        message: `two edges share the id '${edge.id}'`,
        edgeId: edge.id,
      });
    }
    edgeIds.add(edge.id);
    for (const end of ['from', 'to'] as const) {
      if (!byId.has(edge[end])) {
        issues.push({
          severity: 'error',
          code: 'unknown_node',
          message: `edge '${edge.id}' ${end === 'from' ? 'starts at' : 'leads to'} a node that does not exist: '${edge[end]}'`,
          edgeId: edge.id,
          field: end,
        });
      }
    }
    if (edge.when.type === 'done' && byId.get(edge.from)?.kind !== 'executor') {
      issues.push({
        severity: 'error',
        code: 'invalid_condition',
        message: `edge '${edge.id}': only an executor can report 'done'`,
        edgeId: edge.id,
        field: 'when',
      });
    }
    if (byId.has(edge.from) && byId.has(edge.to))
      next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }

  if (!byId.has(graph.entry)) {
    issues.push({
      severity: 'error',
      code: 'unknown_entry',
      message: `the entry node '${graph.entry}' does not exist`,
      field: 'entry',
    });
  }
  const executors = graph.nodes.filter((n) => n.kind === 'executor');
  if (executors.length === 0) {
    issues.push({
      severity: 'error',
      code: 'no_executor',
      message: 'the graph has no executor, so no action would ever run; add an Executor node',
    });
  }

  if (byId.has(graph.entry)) {
    const reached = new Set<string>([graph.entry]);
    const queue = [graph.entry];
    while (queue.length > 0) {
      for (const w of next.get(queue.shift()!) ?? []) {
        if (!reached.has(w)) {
          reached.add(w);
          queue.push(w);
        }
      }
    }
    for (const node of graph.nodes) {
      if (!reached.has(node.id)) {
        issues.push({
          severity: 'error',
          code: 'unreachable_node',
          message: `${NODE_KINDS[node.kind].label} ${nodeName(node)} cannot be reached from the entry node '${graph.entry}'`,
          nodeId: node.id,
        });
      }
    }
  }

  // Every non-executor node must lead to an executor, or its turn never ends.
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of next) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const leadsToExecutor = new Set(executors.map((n) => n.id));
  const back = [...leadsToExecutor];
  while (back.length > 0) {
    for (const w of reverse.get(back.shift()!) ?? []) {
      if (!leadsToExecutor.has(w)) {
        leadsToExecutor.add(w);
        back.push(w);
      }
    }
  }
  if (executors.length > 0) {
    for (const node of graph.nodes) {
      if (!leadsToExecutor.has(node.id)) {
        issues.push({
          severity: 'error',
          code: 'no_path_to_executor',
          message: `${NODE_KINDS[node.kind].label} ${nodeName(node)} has no path to an executor, so its turn would never end`,
          nodeId: node.id,
        });
      }
    }
  }

  for (const component of components([...byId.keys()], next)) {
    const selfLoop = component.length === 1 && (next.get(component[0]!) ?? []).includes(component[0]!);
    if (component.length < 2 && !selfLoop) continue;
    if (component.some((id) => byId.get(id)?.kind === 'executor')) continue;
    const first = component[0]!;
    issues.push({
      severity: 'error',
      code: 'loop_without_executor',
      message: `nodes ${component.map((id) => `'${id}'`).join(', ')} form a loop with no executor in it, which could run forever without acting`,
      nodeId: first,
    });
  }

  for (const node of graph.nodes) {
    checkTemplates(node, issues);
    if (!callsModel(node)) continue;
    const bound = node.config.llm.endpointId;
    if (bound && context.endpointIds && !context.endpointIds.has(bound)) {
      issues.push({
        severity: 'error',
        code: 'unknown_endpoint',
        message: `${NODE_KINDS[node.kind].label} ${nodeName(node)} is bound to an endpoint that is not registered ('${bound}')`,
        nodeId: node.id,
        field: 'config.llm.endpointId',
      });
    }
    const fallback = context.runEndpointId ?? graph.defaults.endpointId;
    if (!bound && !fallback) {
      issues.push({
        severity: context.forRun ? 'error' : 'warning',
        code: 'no_endpoint',
        message: `${NODE_KINDS[node.kind].label} ${nodeName(node)} has no endpoint: bind one on the node, set the graph's default or choose one for the run`,
        nodeId: node.id,
        field: 'config.llm.endpointId',
      });
    }
  }
  const defaultEndpoint = graph.defaults.endpointId;
  if (defaultEndpoint && context.endpointIds && !context.endpointIds.has(defaultEndpoint)) {
    issues.push({
      severity: 'error',
      code: 'unknown_endpoint',
      message: `the graph's default endpoint is not registered ('${defaultEndpoint}')`,
      field: 'defaults.endpointId',
    });
  }

  const { maxSteps, tokenBudget } = graph.limits;
  if (maxSteps < MAX_STEPS_RANGE.min || maxSteps > MAX_STEPS_RANGE.max) {
    issues.push({
      severity: 'error',
      code: 'limit_out_of_range',
      message: `max steps must be between ${MAX_STEPS_RANGE.min} and ${MAX_STEPS_RANGE.max}, got ${maxSteps}`,
      field: 'limits.maxSteps',
    });
  }
  if (tokenBudget !== null && (tokenBudget < 1000 || tokenBudget > 100_000_000)) {
    issues.push({
      severity: 'error',
      code: 'limit_out_of_range',
      message: `the token budget must be between 1,000 and 100,000,000 tokens, got ${tokenBudget}`,
      field: 'limits.tokenBudget',
    });
  }
  return issues;
}

export function hasErrors(issues: GraphIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
