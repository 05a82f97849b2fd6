import { describeZodError, Graph } from '@trellis/shared';

export type ImportResult = { ok: true; graph: Graph } | { ok: false; error: string };

/** The file an exported graph is written to: its name, made safe for file systems. */
export function exportFileName(graph: Graph): string {
  const slug = graph.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'scaffold'}.trellis.json`;
}

export function exportGraph(graph: Graph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

/**
 * Reads an exported graph. Accepts a bare graph or a saved version (`{graph: …}`), and names what is wrong
 * otherwise: the JSON syntax error, or each schema problem with its path.
 */
export function importGraph(text: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const candidate =
    json !== null && typeof json === 'object' && 'graph' in json && !('nodes' in json)
      ? (json as { graph: unknown }).graph
      : json;
  const parsed = Graph.safeParse(candidate);
  if (!parsed.success) return { ok: false, error: `not a Trellis graph: ${describeZodError(parsed.error)}` };
  return { ok: true, graph: parsed.data };
}
