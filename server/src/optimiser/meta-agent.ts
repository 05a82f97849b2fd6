import {
  type ChatMessage,
  describeEditChange,
  type FailureSample,
  type Graph,
  NODE_KIND_ORDER,
  NODE_KINDS,
  type OptimiserCandidate,
} from '@trellis/shared';
import { streamChat } from '../inference/client.ts';
import type { EndpointRepo } from '../store/endpoints.ts';

/** Sends the conversation to the meta-agent's model and returns its reply's text. */
export type AskMetaAgent = (messages: ChatMessage[]) => Promise<string>;

/**
 * Asks a registered endpoint. A proposal carries a whole graph with its prompts, hence the larger output cap than
 * the search's proposer.
 */
export function askEndpoint(
  endpoints: EndpointRepo,
  endpointId: string,
  model: string | null,
  signal: AbortSignal,
): AskMetaAgent {
  return async (messages) => {
    const record = await endpoints.get(endpointId);
    if (!record) throw new Error(`endpoint '${endpointId}' is no longer registered`);
    const chosen = model ?? record.defaultModel;
    if (!chosen) {
      throw new Error(`endpoint '${record.name}' has no default model; choose the meta-agent's model`);
    }
    let text = '';
    for await (const event of streamChat({
      baseUrl: record.baseUrl,
      apiKey: record.apiKey,
      model: chosen,
      messages,
      params: { temperature: 0.7, max_tokens: 8192 },
      timeouts: record.timeouts,
      signal,
    })) {
      if (event.type === 'delta') text += event.text;
      if (event.type === 'error') throw new Error(`${record.name}: ${event.error.message}`);
    }
    return text;
  };
}

/**
 * The graph as the meta-agent reads and writes it: nodes with kind, label and config (prompts included), edges
 * with their conditions, entry, limits and defaults. Canvas positions and the description are left out.
 */
export function compactGraph(graph: Graph): Record<string, unknown> {
  return {
    entry: graph.entry,
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      kind: node.kind,
      label: node.label,
      config: node.config,
    })),
    edges: graph.edges.map((edge) => ({ id: edge.id, from: edge.from, to: edge.to, when: edge.when })),
    limits: graph.limits,
    defaults: graph.defaults,
  };
}

function kindGuide(): string {
  return NODE_KIND_ORDER.map((kind) => {
    const spec = NODE_KINDS[kind];
    const variables = spec.variables.map((v) => `{{${v.name}}}`).join(', ');
    const settings = spec.fields.map((f) => f.key).join(', ');
    return `- ${kind}: ${spec.description}.${spec.llm ? ` Prompt variables: ${variables}.` : ''} Settings: ${settings}.`;
  }).join('\n');
}

/** What the meta-agent is told once, in the system message. */
export function systemPrompt(): string {
  return `You improve a scaffold: a graph of role nodes that lets a language model complete tasks in a world of apps by writing Python code that calls the apps' APIs.
Each round you see the current best graph, its score on development tasks (TGC: the share of task runs whose state checks all pass), a sample of its failed runs with why they failed, and the earlier rounds. Analyse why the failures happen, then propose ONE edit of the graph that should raise TGC without spending many more tokens.

Node kinds:
${kindGuide()}

A turn starts at "entry" and follows, after each node, the first of its outgoing edges whose condition holds; it ends at an executor. Edge conditions ("when"): {"type":"always"}, {"type":"on_error"}, {"type":"on_success"}, {"type":"context_over","tokens":N}, {"type":"done"} (executor only). Every node must be reachable from the entry and lead to an executor; a loop must pass through an executor. Limits: maxSteps (1-200 turns per task), tokenBudget (null, or 1000-100000000 tokens per task).

Answer with one JSON object and nothing else, in one of two forms:
1. The whole edited graph:
{"analysis": "why the runs fail and what the edit changes", "label": "a few words naming the edit", "graph": {"entry": "...", "nodes": [{"id": "...", "kind": "...", "label": "...", "config": {...}}], "edges": [{"id": "...", "from": "...", "to": "...", "when": {"type": "always"}}], "limits": {...}}}
In the graph, a node's config may leave out fields to keep them as they are; a new node starts from its kind's defaults. Leaving out "nodes", "edges" or "limits" keeps them as they are.
2. Settings only, by node id and dotted setting key:
{"analysis": "...", "label": "...", "settings": {"<node id>": {"<setting key>": value}}}
for example {"settings": {"agent": {"llm.params.temperature": 0.2, "prompts.system": "..."}}}.`;
}

function percent(score: number | null): string {
  return score === null ? 'no score' : `${(score * 100).toFixed(1)} %`;
}

/** The text cut to `max` characters, its middle left out (an error's head and an observation's tail both matter). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 1) / 2);
  return `${text.slice(0, half)}…${text.slice(text.length - half)}`;
}

/** An earlier round as the meta-agent is reminded of it. */
export type RoundRecord = Pick<
  OptimiserCandidate,
  'round' | 'label' | 'status' | 'score' | 'cost' | 'edit' | 'reason'
>;

export interface RoundState {
  round: number;
  best: Pick<OptimiserCandidate, 'round' | 'score' | 'cost'> & { graph: Graph };
  failures: FailureSample[];
  failedRuns: number;
  /** The rounds after round 0, in order. */
  history: RoundRecord[];
}

const MAX_CHANGES_SHOWN = 6;

function historyLine(record: RoundRecord): string {
  const outcome =
    record.status === 'evaluated'
      ? `TGC ${percent(record.score?.rate ?? null)}${record.cost === null ? '' : `, ${Math.round(record.cost).toLocaleString('en-US')} tokens per run`}`
      : `${record.status}${record.reason ? ` (${clip(record.reason, 200)})` : ''}`;
  const changes = record.edit.slice(0, MAX_CHANGES_SHOWN).map(describeEditChange);
  if (record.edit.length > MAX_CHANGES_SHOWN)
    changes.push(`… ${record.edit.length - MAX_CHANGES_SHOWN} more`);
  return `- round ${record.round} "${record.label}": ${outcome}${changes.length > 0 ? `; changed ${changes.join('; ')}` : ''}`;
}

function failureLines(failures: readonly FailureSample[]): string {
  return failures
    .map((f) =>
      [
        `- ${f.taskId}: ${f.instruction}`,
        `  cause: ${f.cause}${f.error ? `; error: ${f.error}` : ''}`,
        ...(f.lastObservation ? [`  last observation: ${f.lastObservation}`] : []),
      ].join('\n'),
    )
    .join('\n');
}

/** The round's user message: the best graph, its score, sampled failures and the earlier rounds. */
export function roundPrompt(state: RoundState): string {
  const { best } = state;
  const cost = best.cost === null ? '' : `, ${Math.round(best.cost).toLocaleString('en-US')} tokens per run`;
  const sections = [
    `## The best graph so far (round ${best.round}): dev TGC ${percent(best.score?.rate ?? null)} over ${best.score?.n ?? 0} run(s)${cost}`,
    // Four backticks: the prompts inside hold three-backtick code fences of their own.
    `\`\`\`\`json\n${JSON.stringify(compactGraph(best.graph))}\n\`\`\`\``,
    state.failures.length > 0
      ? `## Failed dev runs (${state.failures.length} of ${state.failedRuns})\n${failureLines(state.failures)}`
      : '## Failed dev runs\nNone.',
    state.history.length > 0
      ? `## Earlier rounds\n${state.history.map(historyLine).join('\n')}`
      : '## Earlier rounds\nNone yet.',
    `Write round ${state.round}'s analysis and edit as one JSON object.`,
  ];
  return sections.join('\n\n');
}

/** A round's opening conversation: the system message, then the round's state. */
export function roundMessages(state: RoundState): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt() },
    { role: 'user', content: roundPrompt(state) },
  ];
}

/** The turn that sends a refused proposal's problems back. */
export function repairPrompt(problems: readonly string[], repair: number, repairs: number): string {
  return `That proposal cannot be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n\nAnswer again with the whole JSON object, fixed (repair ${repair} of ${repairs}).`;
}
