import { z } from 'zod';
import { EdgeCondition } from './conditions.ts';
import { NodeIdString } from './kindRegistry.ts';
import { GraphNode } from './registry.ts';

export const GRAPH_SCHEMA_VERSION = 1;

export const GraphEdge = z
  .object({
    id: z.string().min(1).max(64),
    from: NodeIdString,
    to: NodeIdString,
    when: EdgeCondition.default({ type: 'always' }),
  })
  .strict();
export type GraphEdge = z.infer<typeof GraphEdge>;

export const GraphLimits = z
  .object({
    /** Turns per task; each turn ends at an executor. Range-checked by validateGraph (1..200). */
    maxSteps: z.number().int().default(40),
    /** Total tokens per task across all roles; null for no limit. */
    tokenBudget: z.number().int().nullable().default(null),
  })
  .strict();
export type GraphLimits = z.infer<typeof GraphLimits>;

/** The run's default binding for LLM nodes that name no endpoint or model of their own. */
export const GraphDefaults = z
  .object({
    endpointId: z.string().min(1).max(64).nullable().default(null),
    model: z.string().min(1).max(256).nullable().default(null),
  })
  .strict();

/** A scaffold: role nodes wired by conditional edges. Stored and exported in this shape. */
export const Graph = z
  .object({
    schemaVersion: z.literal(GRAPH_SCHEMA_VERSION).default(GRAPH_SCHEMA_VERSION),
    name: z.string().trim().min(1, 'name is required').max(120),
    description: z.string().max(4000).default(''),
    /** The node each turn starts from. */
    entry: NodeIdString,
    nodes: z.array(GraphNode).min(1, 'a graph needs at least one node').max(100),
    edges: z.array(GraphEdge).max(500).default([]),
    limits: GraphLimits.default({ maxSteps: 40, tokenBudget: null }),
    defaults: GraphDefaults.default({ endpointId: null, model: null }),
  })
  .strict();
export type Graph = z.infer<typeof Graph>;
export type GraphInput = z.input<typeof Graph>;

/** Stable JSON: object keys sorted, so equal graphs hash equally whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
