import { isSimulatedModel, type RunEvent } from '@trellis/shared';

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);
const ms = (value: number | null | undefined) =>
  value === null || value === undefined
    ? '—'
    : value >= 1000
      ? `${(value / 1000).toFixed(1)} s`
      : `${Math.round(value)} ms`;
const firstLine = (text: string, max = 90) => {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** Formats one run event as terminal lines (none for events that only matter to the browser). */
export function formatEvent(label: string, event: RunEvent): string[] {
  switch (event.type) {
    case 'run.started':
      return [`[${label}] ${event.graphName} on ${event.taskId}: ${firstLine(event.instruction, 100)}`];
    case 'step.started':
      return [`[${label}] step ${event.step}`];
    case 'node.finished':
      return event.outcome === 'skipped'
        ? [`  ${pad(event.nodeId, 12)} skipped (${event.reason ?? 'trigger did not hold'})`]
        : [];
    case 'llm.response': {
      const usage = event.usage
        ? `${event.usage.promptTokens} tok in / ${event.usage.completionTokens} out`
        : 'no usage';
      const status = event.error
        ? `error: ${event.error.message}`
        : `ttft ${ms(event.ttftMs)}  ${ms(event.latencyMs)}`;
      return [`  ${pad(event.nodeId, 12)} ${usage}  ${status}`];
    }
    case 'summary.applied':
      return [
        `  ${pad(event.nodeId, 12)} compressed ${event.turnsCompressed} turns: ${event.tokensBefore} → ${event.tokensAfter} tokens, ${event.artifactsKept.length} artifacts kept${event.artifactsRestored.length ? `, ${event.artifactsRestored.length} restored` : ''}${event.artifactsLost.length ? `, ${event.artifactsLost.length} LOST` : ''}`,
      ];
    case 'correction':
      return [
        `  ${pad(event.nodeId, 12)} ${event.reason}: ${event.changed ? 'revised the code' : 'no change'} — ${firstLine(event.rationale, 80)}`,
      ];
    case 'action.executed':
      return [
        `  ${pad(event.nodeId, 12)} ${event.ok ? 'ok' : 'FAILED'}  ${event.apiCalls.length} API calls  ${ms(event.durationMs)}  ${firstLine(event.observation)}${event.completed ? '  (task completed)' : ''}`,
      ];
    case 'run.finished': {
      const t = event.totals;
      const tokens = (t.promptTokens + t.completionTokens).toLocaleString('en-US');
      const tests = event.evaluation
        ? `, ${event.evaluation.passes.length}/${event.evaluation.numTests} checks passed`
        : '';
      return [
        `[${label}] ${event.status.toUpperCase()} after ${t.steps} steps · ${t.llmCalls} LLM calls · ${tokens} tokens · ${ms(t.durationMs)}${tests}${event.error ? ` — ${event.error}` : ''}`,
      ];
    }
    default:
      return [];
  }
}

/**
 * Says, once per command, that a run called the simulated model: the first `llm.request` naming each simulated model
 * gets a line, printed even with --quiet, so nobody reads its results as a model's. `seen` holds the models named.
 */
export function simulatedNotice(event: RunEvent, seen: Set<string>): string | null {
  if (event.type !== 'llm.request' || seen.has(event.model) || !isSimulatedModel({ id: event.model }))
    return null;
  seen.add(event.model);
  return `SIMULATED: ${event.model} is the simulated model, a seeded test double that plays a weak agent — these results are not a real model's.`;
}

/** What the closing line adds when the runs called the simulated model. */
export function simulatedSuffix(seen: ReadonlySet<string>): string {
  return seen.size === 0 ? '' : ` (SIMULATED model ${[...seen].join(', ')}: not a real model's results)`;
}
