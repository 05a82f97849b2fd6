import {
  describeZodError,
  type Graph,
  type GraphIssue,
  Graph as GraphSchema,
  validateGraph,
} from '@trellis/shared';
import { createContext, type ReactNode, useContext, useMemo, useRef } from 'react';
import { useEndpoints } from '../api/endpoints.ts';
import { boundForRun, type RunEndpoint } from './run/runEndpoint.ts';
import { useRunEndpoint } from './run/useRunEndpoint.ts';
import { useEditor } from './store/EditorProvider.tsx';

export interface Validation {
  /** Located issues from the shared validator, recomputed on every change. */
  issues: GraphIssue[];
  /** What the graph schema itself refuses (no nodes yet, an empty name), as "path: message". */
  schemaError: string | null;
  errors: number;
  warnings: number;
  endpointIds: ReadonlySet<string> | null;
}

const ValidationContext = createContext<Validation | null>(null);

/**
 * The graph's issues while it is edited. `runEndpointId` is the endpoint chosen beside the Run button: nodes that
 * bind none will use it, so they are not flagged as having no endpoint.
 */
export function validate(
  graph: Graph,
  endpointIds: ReadonlySet<string> | null,
  runEndpointId: string | null = null,
): Validation {
  const empty = graph.nodes.length === 0;
  // An empty draft has no entry yet; saying so twice (schema and validator) helps nobody.
  const issues = validateGraph(graph, { endpointIds, runEndpointId }).filter(
    (i) => !(empty && i.code === 'unknown_entry'),
  );
  const parsed = GraphSchema.safeParse(graph);
  let schemaError: string | null = null;
  if (empty) schemaError = 'The graph is empty: drag a node from the palette to start.';
  else if (!parsed.success) {
    const located = issues.some((i) => i.code === 'unknown_entry');
    const rest = parsed.error.issues.filter((i) => !(located && i.path[0] === 'entry'));
    if (rest.length > 0)
      schemaError = rest.map((i) => `${i.path.join('.') || 'graph'}: ${i.message}`).join('; ');
  }
  return {
    issues,
    schemaError,
    errors: issues.filter((i) => i.severity === 'error').length + (schemaError ? 1 : 0),
    warnings: issues.filter((i) => i.severity === 'warning').length,
    endpointIds,
  };
}

/**
 * Why the graph cannot run with the endpoint chosen for the run, or null when it can. Checked as the server
 * will: the schema, then the validator in run mode (an LLM node with no endpoint at all is an error there) on
 * the graph as the run sees it, with "every node" rebinding each LLM node to the chosen endpoint.
 */
export function runBlocker(
  graph: Graph,
  endpointIds: ReadonlySet<string> | null,
  run: Pick<RunEndpoint, 'endpointId' | 'everyNode'> = { endpointId: null, everyNode: false },
): string | null {
  const parsed = GraphSchema.safeParse(graph);
  if (!parsed.success) return describeZodError(parsed.error);
  if (run.endpointId !== null && endpointIds && !endpointIds.has(run.endpointId))
    return `the endpoint chosen for the run is not registered ('${run.endpointId}'): choose another`;
  const errors = validateGraph(boundForRun(graph, run), {
    endpointIds,
    forRun: true,
    runEndpointId: run.endpointId,
  }).filter((i) => i.severity === 'error');
  if (errors.length === 0) return null;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${errors[0]!.message}${more}`;
}

export function ValidationProvider({ children }: { children: ReactNode }) {
  const graph = useEditor((s) => s.graph);
  const endpoints = useEndpoints();
  const endpointIds = useMemo(
    () => (endpoints.data ? new Set(endpoints.data.map((e) => e.id)) : null),
    [endpoints.data],
  );
  const runEndpointId = useRunEndpoint()[0].endpointId;
  // Dragging a node changes the graph on every frame but rarely its issues: keep the same value then, so the
  // issue list and inspector do not re-render per frame.
  const last = useRef<{ key: string; value: Validation } | null>(null);
  const value = useMemo(() => {
    const next = validate(graph, endpointIds, runEndpointId);
    const key = JSON.stringify([next.issues, next.schemaError]);
    if (last.current && last.current.key === key && last.current.value.endpointIds === endpointIds)
      return last.current.value;
    last.current = { key, value: next };
    return next;
  }, [graph, endpointIds, runEndpointId]);
  return <ValidationContext.Provider value={value}>{children}</ValidationContext.Provider>;
}

export function useValidation(): Validation {
  const value = useContext(ValidationContext);
  if (!value) throw new Error('useValidation needs a <ValidationProvider> above it');
  return value;
}
