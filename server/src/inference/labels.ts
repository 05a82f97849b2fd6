/**
 * What a model call is part of: sent with it as `x-trellis-*` headers, for servers' logs and proxies, and as a
 * W3C `traceparent` when traces are exported, so the server's own spans nest under the call's.
 */
export interface RequestLabels {
  runId?: string | undefined;
  nodeId: string;
  /** The node's kind: agent, summarizer, corrector… */
  role: string;
  step: number;
  /** The run's seed. */
  seed: number;
  /** The call's id, as its `llm.request` event records it. */
  callId?: string | undefined;
  /** The call's span context (`00-<trace id>-<span id>-<flags>`), only when traces are exported. */
  traceparent?: string | undefined;
}

export const LABEL_HEADERS = {
  runId: 'x-trellis-run',
  nodeId: 'x-trellis-node',
  role: 'x-trellis-role',
  step: 'x-trellis-step',
  seed: 'x-trellis-seed',
  callId: 'x-trellis-call',
  traceparent: 'traceparent',
} as const satisfies Record<keyof RequestLabels, string>;

export function labelHeaders(labels: RequestLabels): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, header] of Object.entries(LABEL_HEADERS)) {
    const value = labels[key as keyof RequestLabels];
    if (value !== undefined) headers[header] = String(value);
  }
  return headers;
}
